"""English or Spanish, per text, without a second model: function words from spaCy's own stop lists
(those the two languages share are left out) plus Spanish-only letters and punctuation."""

from __future__ import annotations

from functools import lru_cache

import regex

from phiguard.models import Lang

_WORD = regex.compile(r"\p{L}+")
_SPANISH_MARKS = regex.compile(r"[ñ¿¡áéíóú]", regex.I)


@lru_cache(maxsize=1)
def _stop_words() -> tuple[frozenset[str], frozenset[str]]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.es.stop_words import STOP_WORDS as ES

    shared = EN & ES
    return frozenset(EN - shared), frozenset(ES - shared)


def scores(text: str) -> dict[Lang, float]:
    en_words, es_words = _stop_words()
    words = _WORD.findall(text.casefold())
    en = sum(w in en_words for w in words)
    es = sum(w in es_words for w in words) + 0.5 * min(len(_SPANISH_MARKS.findall(text)), 6)
    return {"en": float(en), "es": float(es)}


def detect(text: str, default: Lang = "en", allowed: tuple[Lang, ...] = ("en", "es")) -> Lang:
    """The likelier of the allowed languages; ``default`` when the text gives no evidence or a tie."""
    if len(allowed) == 1:
        return allowed[0]
    s = scores(text)
    best = max(allowed, key=lambda lang: s[lang])
    others = [s[lang] for lang in allowed if lang != best]
    if s[best] == 0 or any(o == s[best] for o in others):
        return default if default in allowed else allowed[0]
    return best
