"""The words a rule pattern cannot match without: read once from the pattern's syntax tree, so that a text
that has none of them skips the pattern, and the time guard every pattern run pays (issue 30).

A pattern's *needs* is a set of lower-case ASCII strings of which every match, with the context its
lookarounds read, contains at least one: "daughter", "son"... for ``(?<=\\b(?i:daughters?|sons?)\\s)...``.
It is read from ``regex``'s own parser (the module that compiles the patterns), conservatively: any node
this module does not know, a negative lookaround, an optional part, a character class or a non-ASCII
letter adds no need, and a pattern with no need always runs. A text is compared after
:func:`fold`, which lower-cases ASCII and maps the few other characters that match an ASCII letter
case-insensitively (the Kelvin sign, the long s) to that letter, so a skipped pattern is one that could
not have matched. The test suite checks every shipped pattern against every rule example.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import regex

Needs = frozenset[str] | None  # None: nothing is known that every match needs


@dataclass(frozen=True)
class Prefilter:
    """A pattern's needed strings, asked of a folded text (:func:`fold`)."""

    needs: tuple[str, ...]  # the longest first: the likeliest to be absent are asked first

    def admits(self, folded: str) -> bool:
        """The folded text has one of the needed strings: the pattern may match it (a substring test
        per string: faster, on a post, than one regex of them all)."""
        return any(s in folded for s in self.needs)


def prefilter(pattern: str, flags: int) -> Prefilter | None:
    """The prefilter of ``pattern`` compiled with ``flags``, or None when nothing is known to be needed."""
    needs = _needs_of(pattern, flags)
    return Prefilter(tuple(sorted(needs, key=len, reverse=True))) if needs else None


@cache
def _needs_of(pattern: str, flags: int) -> Needs:
    try:
        core: Any = importlib.import_module("regex._regex_core")  # regex's parser: no public API, no stubs
        tree = core._parse_pattern(core.Source(pattern), core.Info(flags | regex.VERSION0, 0))
    except Exception:  # a parser this module does not know: no prefilter, the pattern always runs
        return None
    return _needs(tree)


def _needs(node: Any) -> Needs:
    kind = type(node).__name__
    if kind == "Sequence":
        return _best(_sequence(node.items))
    if kind == "Branch":
        options = [_needs(b) for b in node.branches]
        known = [o for o in options if o is not None]
        return frozenset(s for o in known for s in o) if len(known) == len(options) else None
    if kind in ("GreedyRepeat", "LazyRepeat", "PossessiveRepeat"):
        return _needs(node.subpattern) if node.min_count >= 1 else None
    if kind in ("Group", "Atomic"):
        return _needs(node.subpattern)
    if kind == "LookAround":
        return _needs(node.subpattern) if node.positive else None
    text = _literal(node)
    return frozenset({text}) if text else None


def _sequence(items: Iterable[Any]) -> list[frozenset[str]]:
    """What a sequence's parts need: each run of literal characters, and each other part's needs."""
    found: list[frozenset[str]] = []
    run = ""
    for item in items:
        text = _literal(item)
        if text is not None:
            run += text
            continue
        if run:
            found.append(frozenset({run}))
            run = ""
        needs = _needs(item)
        if needs:
            found.append(needs)
    if run:
        found.append(frozenset({run}))
    return found


def _best(options: list[frozenset[str]]) -> Needs:
    """The most selective of several needs, all necessary: the longest shortest string, then the fewest."""
    if not options:
        return None
    return max(options, key=lambda o: (min(len(s) for s in o), -len(o)))


def _literal(node: Any) -> str | None:
    """The lower-case ASCII text a literal node matches, or None (not a literal, a non-ASCII character,
    full case folding, a negated or zero-width character)."""
    kind = type(node).__name__
    if kind == "Character":
        codes = [node.value]
    elif kind in ("String", "Literal"):
        codes = list(getattr(node, "characters", ()))
    else:
        return None
    if not codes or not getattr(node, "positive", True) or getattr(node, "zerowidth", False):
        return None
    if getattr(node, "case_flags", 0) & regex.FULLCASE:
        return None
    if any(not isinstance(c, int) or c >= 128 for c in codes):
        return None
    return "".join(chr(c) for c in codes).lower()


# Every character of the Basic Multilingual Plane that ``regex`` matches case-insensitively to an ASCII
# letter besides the letter's own two cases (tests/test_prefilter.py scans the plane to keep this true);
# no character outside that plane case-folds to ASCII.
FOLDS_TO_ASCII = {"\u0130": "i", "\u017f": "s", "\u212a": "k"}
_FOLD = str.maketrans({**{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}, **FOLDS_TO_ASCII})


def fold(text: str) -> str:
    """The text as the prefilters compare it: ASCII letters lower-cased, and the characters of
    FOLDS_TO_ASCII made the letter they match, each character one character (``str.lower`` alone
    makes U+0130 two and leaves the long s)."""
    if "\u0130" in text or "\u017f" in text:
        return text.translate(_FOLD)
    return text.lower()
