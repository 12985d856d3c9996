"""Given names and surnames, used to tell a name from a capitalised word at the start of a sentence.

The lists come from Faker's person providers (MIT licence) of each language's ``name_locales``
(phiguard.lang: US and British English, Spain and Mexico): common, real-world names, loaded once.
They never create findings on their own; they only keep a short, sentence-initial NER candidate that
is a known name ("Gloria finished her radiation").
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from phiguard.lang import PROFILES

_LOCALES = tuple(loc for p in PROFILES.values() for loc in p.name_locales)


def _load(attrs: tuple[str, ...], locales: tuple[str, ...] = _LOCALES) -> frozenset[str]:
    import importlib

    names: set[str] = set()
    for locale in locales:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in attrs:
            values = getattr(provider, attr, ())
            if isinstance(values, property):  # some locales compute a list from others
                continue
            names.update(n.casefold() for n in values if isinstance(n, str) and n.isalpha())
    # typed without accents in replies and on keyboards without them: "rocio", "jose", "maria"
    return frozenset(names | {strip_accents(n) for n in names})


def strip_accents(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    return _load(("first_names", "first_names_male", "first_names_female"))


@lru_cache(maxsize=1)
def female_only_names() -> frozenset[str]:
    """Given names that Faker's lists give to women only ("Rosa", "Pilar"), not to men too ("María"
    is also in "José María", "Guadalupe" is both)."""
    return _load(("first_names_female",)) - _load(("first_names_male",))


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return _load(("last_names",))


# Broader lists (a profile's ``extra_name_locales``) count only in their language's text and only when
# the word is not in the model's own word list: they hold rare names that are ordinary words.
_EXTRA_LOCALES = {code: p.extra_name_locales for code, p in PROFILES.items() if p.extra_name_locales}


@lru_cache(maxsize=2)
def extra_given_names(lang: str) -> frozenset[str]:
    locales = _EXTRA_LOCALES.get(lang, ())
    return _load(("first_names", "first_names_male", "first_names_female"), locales) if locales else frozenset()


def is_given_name(word: str, lang: str | None = None, common: frozenset[str] = frozenset()) -> bool:
    w = word.casefold()
    if w in given_names():
        return True
    # the broader lists never vouch for an all-capitals word: in clinical notes "MAE", "LUE" are
    # abbreviations (moves all extremities, left upper extremity), not Mae and Lue
    return lang is not None and not word.isupper() and w not in common and w in extra_given_names(lang)


def is_known_name(word: str, lang: str | None = None, common: frozenset[str] = frozenset()) -> bool:
    return word.casefold() in surnames() or is_given_name(word, lang, common)


def looks_like_person(words: list[str], lang: str | None = None, common: frozenset[str] = frozenset()) -> bool:
    """Two or more words, the first a given name and another a given name or surname."""
    if len(words) < 2 or not is_given_name(words[0], lang, common):
        return False
    return any(is_known_name(w, lang, common) for w in words[1:])
