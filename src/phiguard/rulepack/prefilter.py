"""The words a rule pattern cannot match without: read once from the pattern's syntax tree, so that a text
that has none of them skips the pattern, and the time guard every pattern run pays (issue 30). One pass
of an Aho-Corasick automaton (:class:`NeedsIndex`) finds which needed strings a text holds.

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

Clauses = list[frozenset[str]]  # every clause holds of a match: one of its strings is in it ([]: none known)


class NeedsIndex:
    """Every needed string of every prefiltered pattern in one Aho-Corasick automaton (pyahocorasick), so
    one pass over a text tells which of them it holds, whatever the number of patterns. The last text
    asked about is remembered: the recognizers of one language ask about the same text in turn."""

    def __init__(self) -> None:
        self._bits: dict[str, int] = {}
        self._automaton: Any = None
        self._last: tuple[str, int] | None = None

    def mask(self, needs: Iterable[str]) -> int:
        """The bits of ``needs`` (new strings are added; the automaton is rebuilt on next use)."""
        out = 0
        for s in needs:
            if s not in self._bits:
                self._bits[s] = 1 << len(self._bits)
                self._automaton = None
                self._last = None  # what the last text held was read without this string
            out |= self._bits[s]
        return out

    def present(self, text: str) -> int:
        """The bits of the needed strings found in the folded text."""
        last = self._last
        if last is not None and last[0] is text:
            return last[1]
        if not self._bits:
            return 0  # nothing needed yet: an empty automaton cannot be built
        automaton = self._automaton
        if automaton is None:
            import ahocorasick

            automaton = ahocorasick.Automaton()
            for s, bit in self._bits.items():
                automaton.add_word(s, bit)
            automaton.make_automaton()
            self._automaton = automaton
        found = 0
        for _, bit in automaton.iter(fold(text)):
            found |= bit
        self._last = (text, found)
        return found


INDEX = NeedsIndex()


@dataclass(frozen=True)
class Prefilter:
    """A pattern's clauses of needed strings, each as bits of :data:`INDEX`."""

    clauses: tuple[frozenset[str], ...]
    bits: tuple[int, ...]

    def admits(self, text: str) -> bool:
        """The text holds a string of every clause (after :func:`fold`): the pattern may match it."""
        present = INDEX.present(text)
        return all(present & b for b in self.bits)


def prefilter(pattern: str, flags: int) -> Prefilter | None:
    """The prefilter of ``pattern`` compiled with ``flags``, or None when nothing is known to be needed."""
    clauses = tuple(dict.fromkeys(_needs_of(pattern, flags)))
    return Prefilter(clauses, tuple(INDEX.mask(c) for c in clauses)) if clauses else None


@cache
def _needs_of(pattern: str, flags: int) -> Clauses:
    try:
        core: Any = importlib.import_module("regex._regex_core")  # regex's parser: no public API, no stubs
        tree = core._parse_pattern(core.Source(pattern), core.Info(flags | regex.VERSION0, 0))
    except Exception:  # a parser this module does not know: no prefilter, the pattern always runs
        return []
    return _needs(tree)


def _needs(node: Any) -> Clauses:
    """What a node needs, as clauses that all hold of any match: each a set of strings one of which is in it."""
    kind = type(node).__name__
    if kind == "Sequence":
        return _sequence(node.items)
    if kind == "Branch":  # one clause: the union of each branch's most selective one
        best = [_best(_needs(b)) for b in node.branches]
        known = [b for b in best if b is not None]
        return [frozenset(s for b in known for s in b)] if known and len(known) == len(best) else []
    if kind in ("GreedyRepeat", "LazyRepeat", "PossessiveRepeat"):
        return _needs(node.subpattern) if node.min_count >= 1 else []
    if kind in ("Group", "Atomic"):
        return _needs(node.subpattern)
    if kind == "LookAround":
        return _needs(node.subpattern) if node.positive else []
    text = _literal(node)
    return [frozenset({text})] if text else []


def _sequence(items: Iterable[Any]) -> Clauses:
    """What a sequence's parts need, all of it: each run of literal characters and each other part's clauses."""
    found: Clauses = []
    run = ""
    for item in items:
        text = _literal(item)
        if text is not None:
            run += text
            continue
        if run:
            found.append(frozenset({run}))
            run = ""
        found += _needs(item)
    if run:
        found.append(frozenset({run}))
    return found


def _best(clauses: Clauses) -> frozenset[str] | None:
    """The most selective of several clauses: the longest shortest string, then the fewest strings."""
    if not clauses:
        return None
    return max(clauses, key=lambda o: (min(len(s) for s in o), -len(o)))


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
