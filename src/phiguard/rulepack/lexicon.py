"""Word lists from ``rules/lexicon`` compiled into one case-insensitive regex per list and language.

The rule packs' lexicons reach the checks through :class:`LexiconIndex`. The grammar of a few shapes
(a year with its preposition, a reply's opening, a courtesy title before a name) is written in Python
as a template whose words come from a built-in lexicon: :func:`builtin_words` and :func:`alternation`,
so no word list is written in a Python module and a new language adds its words in YAML."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import accumulate

import regex

from phiguard.models import Lang
from phiguard.rulepack.files import builtin_rules_dir, validate
from phiguard.rulepack.schema import Lexicon


def _alternatives(words: tuple[str, ...]) -> list[str]:
    """Each word or phrase as a regex (a space: any run of white space), the longest first."""
    return sorted({regex.escape(w.strip()).replace(r"\ ", r"\s+") for w in words}, key=len, reverse=True)


def _compile(words: tuple[str, ...], patterns: tuple[str, ...] = ()) -> regex.Pattern[str] | None:
    if not words and not patterns:
        return None
    alts = _alternatives(words) + [f"(?:{p})" for p in patterns]
    return regex.compile(r"(?<![\w@#])(?:" + "|".join(alts) + r")(?![\w])", regex.IGNORECASE)


@cache
def builtin(name: str) -> Lexicon:
    """A lexicon of the built-in packs, read once (a missing or broken file is a RulePackError)."""
    lexicon = validate(Lexicon, builtin_rules_dir() / "lexicon" / f"{name}.yml")
    assert isinstance(lexicon, Lexicon)
    return lexicon


@cache
def builtin_words(name: str, lang: Lang | None = None) -> frozenset[str]:
    """The words of a built-in lexicon, lower-cased: of one language, or of every language (None)."""
    lexicon = builtin(name)
    langs = [lang] if lang else list(lexicon.words_by_lang)
    return frozenset(w.lower() for code in langs for w in lexicon.words(code))


@cache
def alternation(name: str) -> str:
    """The words of a built-in lexicon in every language as one regex alternation (no group, no flags),
    for a template that places them: ``rf"^(?:(?:{alternation('year_prefix')})\\s+)?(?:19|20)\\d{{2}}$"``."""
    lexicon = builtin(name)
    words = tuple(w for code in lexicon.words_by_lang for w in lexicon.words(code))
    return "|".join(_alternatives(words))


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


_SLOT = regex.compile(r"\{lex:(\w+)\}")


class WordPattern:
    """A regex written as grammar in Python with its words in built-in lexicons: each ``{lex:name}``
    of the template is the alternation of every language's words of ``rules/lexicon/<name>.yml``
    (``rf"\\b(?:{lex:scale_words})\\b"``). Compiled on first use."""

    def __init__(self, template: str, flags: int = 0) -> None:
        self.template = template
        self.flags = flags

    @cached_property
    def compiled(self) -> regex.Pattern[str]:
        return regex.compile(_SLOT.sub(lambda m: alternation(m.group(1)), self.template), self.flags)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        return self.compiled.search(text, pos, len(text) if endpos is None else endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match[str]]:
        return self.compiled.finditer(text, pos, len(text) if endpos is None else endpos)

    def match(self, text: str, pos: int = 0) -> regex.Match[str] | None:
        return self.compiled.match(text, pos)

    def sub(self, repl: str, text: str) -> str:
        return self.compiled.sub(repl, text)
