"""Which supported language a text is in, without a second model: function words from spaCy's own
stop lists (those another supported language shares are left out) plus the letters and punctuation
only one language writes (each profile's ``marks``)."""

from __future__ import annotations

import importlib
from functools import lru_cache

import regex

from phiguard.lang import LANGS, PROFILES, Lang

_WORD = regex.compile(r"\p{L}+")


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    lists = {code: frozenset(importlib.import_module(p.stop_words).STOP_WORDS) for code, p in PROFILES.items()}
    return {
        code: words - frozenset().union(*(o for c, o in lists.items() if c != code)) for code, words in lists.items()
    }


@lru_cache(maxsize=1)
def _marks() -> dict[str, regex.Pattern[str] | None]:
    return {
        code: regex.compile(f"[{regex.escape(p.marks)}]", regex.I) if p.marks else None for code, p in PROFILES.items()
    }


def scores(text: str) -> dict[Lang, float]:
    words = _WORD.findall(text.casefold())
    out = {}
    for code, own in _stop_words().items():
        marks = _marks()[code]
        out[code] = float(sum(w in own for w in words)) + (0.5 * min(len(marks.findall(text)), 6) if marks else 0)
    return out


def detect(text: str, default: Lang = LANGS[0], allowed: tuple[Lang, ...] = LANGS) -> Lang:
    """The likelier of the allowed languages; ``default`` when the text gives no evidence or a tie."""
    if len(allowed) == 1:
        return allowed[0]
    s = scores(text)
    best = max(allowed, key=lambda lang: s[lang])
    others = [s[lang] for lang in allowed if lang != best]
    if s[best] == 0 or any(o == s[best] for o in others):
        return default if default in allowed else allowed[0]
    return best
