"""Languages as units: each supported language is one module here (``en.py``, ``es.py``) with a
:class:`LanguageProfile`, plus its words in the YAML lexicons (``rules/lexicon/*.yml``, one list per
language) and its rule examples. Nothing else in phiguard names a language: the model to load, how to
install it, how to tell the language from the text, the name lists, the phone regions, the OCR data
and the grammar of an instruction all come from the profile.

Adding a language (docs/design.md, "Adding Portuguese"): write ``pt.py`` with its profile, list it in
``PROFILES``, add ``pt:`` words to the lexicons and examples to the rules, and add its spaCy model to
the setup command.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from phiguard.lang import en, es
from phiguard.lang.profile import LanguageProfile

# the order is the default order of `languages` in the config
PROFILES: dict[str, LanguageProfile] = {p.code: p for p in (en.PROFILE, es.PROFILE)}
LANGS: tuple[str, ...] = tuple(PROFILES)  # the languages phiguard ships (``register`` adds others)
DEFAULT_LANG = LANGS[0]  # a text that says nothing of its language


def register(extra: LanguageProfile) -> None:
    """Support one more language (a user's own profile, or a test's): posts may be in it once the config
    lists it in ``languages``; rules cover it once their examples do. Its code must be new."""
    if extra.code in PROFILES:
        raise ValueError(f"language {extra.code!r} is already supported")
    PROFILES[extra.code] = extra


def unregister(code: str) -> None:
    if code in LANGS:
        raise ValueError(f"language {code!r} ships with phiguard")
    PROFILES.pop(code, None)


def profile(code: str) -> LanguageProfile:
    return PROFILES[code]


def known_lang(code: str) -> str:
    """``code`` when phiguard supports it (the pydantic check of every ``Lang`` field)."""
    if code not in PROFILES:
        raise ValueError(f"unsupported language {code!r}: use {', '.join(LANGS)}")
    return code


# A language code phiguard supports: one of the profiles here ("en", "es"), checked where a model holds it.
Lang = Annotated[str, AfterValidator(known_lang)]


def parse_language(value: str) -> str | None:
    """The language a draft's field names: a code ("es", "es-MX", "EN_us") or a name or alias
    ("English", "español"); None when phiguard does not support it."""
    word = value.strip().lower()
    for p in PROFILES.values():
        if word[:2] == p.code or word in (p.name.lower(), *p.aliases):
            return p.code
    return None
