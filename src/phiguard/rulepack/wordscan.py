"""A lexicon's words found with one Aho-Corasick pass (pyahocorasick) instead of a regex alternation of
hundreds of words, with the regex's results: what ``regex.finditer(overlapped=True)`` over
``(?<![\\w@#])(?:w1|w2|...)(?![\\w])`` (case-insensitive, a space in a phrase standing for any run of
white space) finds, a match at every position where some word matches, the first word in the
alternation's order winning there (issue 30).

The text is compared case-folded one character to one (simple case folding, as the regex's
case-insensitive match: "ß" stays itself, the Turkish dotted I is i) with every run of white space made
one space; offsets are mapped back to the text. ``tests/test_prefilter.py`` checks the scanner against
the regex on every lexicon, over the rule examples, the fixture posts and each lexicon's own entries.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import regex

_SPACES = regex.compile(r"\s+")
_ODD_SPACE = regex.compile(r"\s\s|[^\S ]")  # white space that is not one plain space
_WORD_CHAR = regex.compile(r"\w")
_WORDS = regex.compile(r"\w+")
_NO_START_AFTER = regex.compile(r"[\w@#]")


def _simple_fold(ch: str) -> str:
    """One character folded to one: its case fold where that is one character, else its lower case
    where that is, else itself (the regex's case-insensitive match never equates one with two)."""
    if ch in "\u0130\u0131":  # the regex takes both Turkish i's for i
        return "i"
    folded = ch.casefold()
    if len(folded) == 1:
        return folded
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


class _Folds(dict[int, str]):
    """``str.translate``'s table, filled as characters are met (a whole-plane table costs a start-up)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _simple_fold(chr(code))
        return folded


_FOLDS = _Folds()


def fold(text: str) -> str:
    """The text folded one character to one (same length, same offsets)."""
    return text.lower() if text.isascii() else text.translate(_FOLDS)


@dataclass(frozen=True)
class Prepared:
    """A text as the scanners read it: folded, each run of white space one space, and the way back to
    the text's offsets."""

    text: str  # the original
    folded: str
    dst: tuple[int, ...] = ()  # where each piece starts in ``folded`` (empty: folded is the text's offsets)
    src: tuple[int, ...] = ()  # where the same piece starts in ``text``

    @cached_property
    def words(self) -> frozenset[str]:
        """The text's words, folded: a lexicon none of whose entries has a word among these cannot
        match (phiguard.rulepack.lexicon.openers)."""
        return frozenset(_WORDS.findall(self.folded))

    def at(self, i: int) -> int:
        """The text offset of ``folded[i]``."""
        if not self.dst:
            return i
        k = bisect_right(self.dst, i) - 1
        return self.src[k] + (i - self.dst[k])


def prepare(text: str) -> Prepared:
    folded = fold(text)
    if not _ODD_SPACE.search(folded):
        return Prepared(text, folded)
    pieces: list[str] = []
    dst: list[int] = []
    src: list[int] = []
    pos = length = 0
    for m in _SPACES.finditer(folded):
        if m.start() > pos:
            pieces.append(folded[pos : m.start()])
            dst.append(length)
            src.append(pos)
            length += m.start() - pos
        pieces.append(" ")
        dst.append(length)
        src.append(m.start())
        length += 1
        pos = m.end()
    if pos < len(folded):
        pieces.append(folded[pos:])
        dst.append(length)
        src.append(pos)
    return Prepared(text, "".join(pieces), tuple(dst), tuple(src))


class WordScanner:
    """The words of one lexicon in one language, in the alternation's order (``words``: as the regex
    lists them, each written plainly, a space standing for any white space)."""

    def __init__(self, words: list[str]) -> None:
        import ahocorasick

        self._automaton: Any = ahocorasick.Automaton()
        seen: dict[str, int] = {}
        for order, word in enumerate(words):
            key = " ".join(fold(word).split(" "))
            if key and key not in seen:
                seen[key] = order
        for key, order in seen.items():
            self._automaton.add_word(key, (order, len(key)))
        self._empty = not seen
        if seen:
            self._automaton.make_automaton()

    def find(self, text: Prepared) -> dict[int, tuple[int, int]]:
        """{start: (order, end)} in the text's offsets: at each start the first word (in order) that
        matches there as a whole (nothing of ``\\w@#`` before it, no ``\\w`` after it)."""
        out: dict[int, tuple[int, int]] = {}
        if self._empty:
            return out
        original = text.text
        for last, (order, length) in self._automaton.iter(text.folded):
            start, end = text.at(last - length + 1), text.at(last) + 1
            if start and _NO_START_AFTER.match(original, start - 1):
                continue
            if end < len(original) and _WORD_CHAR.match(original, end):
                continue
            held = out.get(start)
            if held is None or order < held[0]:
                out[start] = (order, end)
        return out
