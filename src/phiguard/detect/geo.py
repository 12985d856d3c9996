"""Places too large to identify anyone under Safe Harbor: countries, US states and Spanish autonomous
communities that are not also a province (Safe Harbor covers "geographic subdivisions smaller than a
State"). Names come from pycountry's ISO 3166 data, in every supported language. Which countries'
subdivisions count (US states, Spanish autonomous communities) is a matter of country, not language."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
import regex

from phiguard.detect.names import strip_accents
from phiguard.lang import LANGS


def _variants(name: str) -> set[str]:
    """'Catalunya [Cataluña]' -> both; 'Murcia, Región de' -> 'Región de Murcia' (and 'Murcia')."""
    out: set[str] = set()
    for part in regex.split(r"\s*\[|\]\s*", name):
        part = part.strip()
        if not part:
            continue
        out.add(part)
        if ", " in part:
            head, tail = part.split(", ", 1)
            out.update({f"{tail} {head}", head})
    return out


_SPACES_AND_DOTS = regex.compile(r"[\s.]+")


def _key(name: str) -> str:
    return _SPACES_AND_DOTS.sub(" ", name.casefold()).strip()


@lru_cache(maxsize=1)
def large_regions() -> frozenset[str]:
    # country names in every supported language (pycountry's translations; English is its own)
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code], fallback=True) for code in LANGS
    ]
    names: set[str] = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names |= _variants(value) | {v for t in translations for v in _variants(t.gettext(value))}
    subdivisions = [s for s in pycountry.subdivisions if s.country_code in ("US", "ES")]
    names |= {s.name for s in subdivisions if s.country_code == "US" and s.type == "State"}
    spain = [s for s in subdivisions if s.country_code == "ES"]
    provinces = {v for s in spain if s.type == "Province" for v in _variants(s.name)}
    for s in spain:
        if s.type == "Autonomous community":
            names |= {v for v in _variants(s.name) if v not in provinces}
    return frozenset(_key(n) for n in names)


def is_large_region(value: str) -> bool:
    return _key(value) in large_regions()


# first-level subdivisions that are as large as a US state, in any country ("Tamil Nadu", "Ontario",
# "Jalisco"): never a person's name, though small NER models often call them one
_STATE_TYPES = frozenset(
    {"State", "Province", "Region", "Union territory", "Territory", "Federal district", "Autonomous region"}
)


@lru_cache(maxsize=1)
def states_of_the_world() -> frozenset[str]:
    return frozenset(
        _plain(v)
        for s in pycountry.subdivisions
        if s.parent_code is None and s.type in _STATE_TYPES
        for v in _variants(s.name)
    )


def _plain(name: str) -> str:
    """The key without accents: ISO writes "Tamil Nādu", posts "Tamil Nadu"."""
    return strip_accents(_key(name))


def is_state_or_country(value: str) -> bool:
    return is_large_region(value) or _plain(value) in states_of_the_world()
