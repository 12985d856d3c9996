"""Word lists from ``rules/lexicon`` compiled into one case-insensitive regex per list and language."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import accumulate

import regex

from phiguard.models import Lang
from phiguard.rulepack.schema import Lexicon


def _compile(words: tuple[str, ...], patterns: tuple[str, ...] = ()) -> regex.Pattern[str] | None:
    if not words and not patterns:
        return None
    alts = sorted({regex.escape(w.strip()).replace(r"\ ", r"\s+") for w in words}, key=len, reverse=True)
    alts += [f"(?:{p})" for p in patterns]
    return regex.compile(r"(?<![\w@#])(?:" + "|".join(alts) + r")(?![\w])", regex.IGNORECASE)


@dataclass(frozen=True)
class Hits:
    """Where one lexicon matches in one text (overlapping matches too), found in one pass and then
    asked about windows: many candidates of a text ask about their sentence and what precedes them."""

    starts: tuple[int, ...]  # sorted
    min_end: tuple[int, ...]  # min_end[i]: the earliest end of the matches from the i-th on

    def within(self, start: int, end: int) -> bool:
        """Some match lies wholly inside ``[start, end)`` (a word cut by the window's end does not count)."""
        i = bisect_left(self.starts, max(start, 0))
        return i < len(self.starts) and self.min_end[i] <= end


NO_HITS = Hits((), ())


@dataclass
class LexiconIndex:
    """All lexicons of a rule set, compiled lazily per language."""

    lexicons: dict[str, Lexicon]
    _cache: dict[tuple[str, Lang], regex.Pattern[str] | None] = field(default_factory=dict)

    def pattern(self, name: str, lang: Lang) -> regex.Pattern[str] | None:
        key = (name, lang)
        if key not in self._cache:
            lexicon = self.lexicons[name]
            self._cache[key] = _compile(lexicon.words(lang), lexicon.regexes(lang))
        return self._cache[key]

    def search(self, name: str, lang: Lang, text: str, start: int = 0, end: int | None = None) -> bool:
        pat = self.pattern(name, lang)
        if pat is None:
            return False
        return pat.search(text, max(start, 0), len(text) if end is None else max(end, 0)) is not None

    def hits(self, name: str, lang: Lang, text: str) -> Hits:
        pat = self.pattern(name, lang)
        if pat is None:
            return NO_HITS
        spans = [m.span() for m in pat.finditer(text, overlapped=True)]
        if not spans:
            return NO_HITS
        min_end = list(accumulate(reversed([b for _, b in spans]), min))[::-1]
        return Hits(tuple(a for a, _ in spans), tuple(min_end))

    def finditer(self, name: str, lang: Lang, text: str) -> list[tuple[int, int]]:
        pat = self.pattern(name, lang)
        return [] if pat is None else [m.span() for m in pat.finditer(text)]

    def fullmatch(self, name: str, lang: Lang, text: str) -> bool:
        pat = self.pattern(name, lang)
        return pat is not None and pat.fullmatch(text.strip()) is not None
