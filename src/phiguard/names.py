"""Given names and surnames, used to tell a name from a capitalised word at the start of a sentence.

The lists come from Faker's person providers (MIT licence) for US English, Spain and Mexico: common,
real-world names, loaded once. They never create findings on their own; they only keep a short,
sentence-initial NER candidate that is a known name ("Gloria finished her radiation").
"""

from __future__ import annotations

from functools import lru_cache

_LOCALES = ("en_US", "en_GB", "es_ES", "es_MX")


def _load(attrs: tuple[str, ...]) -> frozenset[str]:
    import importlib

    names: set[str] = set()
    for locale in _LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in attrs:
            names.update(n.casefold() for n in getattr(provider, attr, ()) if n.isalpha())
    return frozenset(names)


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    return _load(("first_names", "first_names_male", "first_names_female"))


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return _load(("last_names",))


def is_known_name(word: str) -> bool:
    w = word.casefold()
    return w in given_names() or w in surnames()


def is_given_name(word: str) -> bool:
    return word.casefold() in given_names()


def looks_like_person(words: list[str]) -> bool:
    """Two or more words, the first a given name and another a given name or surname."""
    if len(words) < 2 or words[0].casefold() not in given_names():
        return False
    return any(w.casefold() in given_names() or w.casefold() in surnames() for w in words[1:])
