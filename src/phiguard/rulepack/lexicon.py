"""Word lists from ``rules/lexicon`` compiled into one case-insensitive regex per list and language.

The rule packs' lexicons reach the checks through :class:`LexiconIndex`. The grammar of a few shapes
(a year with its preposition, a reply's opening, a courtesy title before a name) is written in Python
as a template whose words come from a lexicon (:class:`WordPattern`, :func:`lexicon_words`), so no word
list is written in a Python module and a new language adds its words in YAML. Those words are the
lexicons *in use*: the Linter's rule packs while it lints or fixes (a user's ``rule-dirs`` may replace a
built-in lexicon), the built-in packs otherwise (:func:`lexicons_in_use`)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate

import regex

from phiguard.models import Lang
from phiguard.rulepack.files import builtin_rules_dir, validate
from phiguard.rulepack.prefilter import Prefilter, prefilter
from phiguard.rulepack.schema import Lexicon
from phiguard.rulepack.wordscan import Prepared, WordScanner, fold, prepare


def _alternatives(words: tuple[str, ...]) -> list[str]:
    """Each word or phrase as a regex (a space: any run of white space), the longest first."""
    return sorted({regex.escape(w.strip()).replace(r"\ ", r"\s+") for w in words}, key=len, reverse=True)


_WORD = regex.compile(r"\w+")
_fold = fold  # the fold the scanner compares by: one character to one, as the regex's case-insensitive match


def openers(words: tuple[str, ...], patterns: tuple[str, ...] = ()) -> frozenset[str] | None:
    r"""One case-folded word of each of a lexicon's entries, its longest: a match starts and ends at a
    word's edge (nothing of ``\w@#`` before it, no ``\w`` after it) and the entry's words are apart from
    one another, so a text can match only if one of these is a whole word of it (:func:`text_words`).
    None when that cannot be known: a lexicon with a regex of its own, or an entry with no word."""
    if patterns:
        return None
    out: set[str] = set()
    for w in words:
        runs = _WORD.findall(w)
        if not runs:
            return None
        out.add(_fold(max(runs, key=len)))
    return frozenset(out)


def text_words(text: str) -> frozenset[str]:
    """The folded words of a text (what :func:`openers` are compared with): the fold equates what the
    lexicons' case-insensitive patterns do (the Kelvin sign and k, the long s and s, the Turkish i's),
    so a text these words rule out is one the pattern could not match (tests/test_prefilter.py scans
    the BMP)."""
    return prepare(text).words


def _plain(alternative: str) -> str:
    """An alternative of :func:`_alternatives` written plainly again (a space for ``\\s+``)."""
    return regex.sub(r"\\(.)", r"\1", alternative.replace(r"\s+", " "))


def _source(words: tuple[str, ...], patterns: tuple[str, ...] = ()) -> str | None:
    if not words and not patterns:
        return None
    alts = _alternatives(words) + [f"(?:{p})" for p in patterns]
    return r"(?<![\w@#])(?:" + "|".join(alts) + r")(?![\w])"


def _compile(words: tuple[str, ...], patterns: tuple[str, ...] = ()) -> regex.Pattern[str] | None:
    source = _source(words, patterns)
    return None if source is None else regex.compile(source, regex.IGNORECASE)


@dataclass(frozen=True)
class _Matcher:
    """One lexicon in one language, ready to search whole texts: the words its entries cannot match
    without (``openers``; None: unknown), its words in one scanner and its regexes, each with its
    prefilter."""

    openers: frozenset[str] | None
    words: WordScanner
    regexes: tuple[tuple[regex.Pattern[str], Prefilter | None], ...]

    @staticmethod
    def of(lexicon: Lexicon, lang: Lang) -> _Matcher:
        regexes = []
        for p in lexicon.regexes(lang):
            source = _source((), (p,))
            assert source is not None
            regexes.append((regex.compile(source, regex.IGNORECASE), prefilter(source, regex.IGNORECASE)))
        words = [_plain(alt) for alt in _alternatives(lexicon.words(lang))]
        return _Matcher(openers(lexicon.words(lang), lexicon.regexes(lang)), WordScanner(words), tuple(regexes))

    def find(self, text: Prepared) -> list[tuple[int, int]]:
        """What the lexicon's regex finds with ``overlapped=True``: its words through the scanner (the
        first word in the alternation's order at each start), then its regexes in their order, which
        come after the words in the alternation, where nothing earlier starts; a regex runs only on a
        text that holds what it needs (rulepack.prefilter). Nothing when no entry's word is in it."""
        if self.openers is not None and self.openers.isdisjoint(text.words):
            return []
        found = {start: end for start, (_, end) in self.words.find(text).items()}
        for pattern, needs in self.regexes:
            if needs is None or needs.admits(text.text):
                for m in pattern.finditer(text.text, overlapped=True):
                    found.setdefault(m.start(), m.end())
        return sorted(found.items())


@cache
def builtin(name: str) -> Lexicon:
    """A lexicon of the built-in packs, read once (a missing or broken file is a RulePackError)."""
    lexicon = validate(Lexicon, builtin_rules_dir() / "lexicon" / f"{name}.yml")
    assert isinstance(lexicon, Lexicon)
    return lexicon


class _Builtin(dict[str, Lexicon]):
    """The built-in lexicons, each read on first use."""

    def __missing__(self, name: str) -> Lexicon:
        self[name] = builtin(name)
        return self[name]


@dataclass(frozen=True)
class Hits:
    """Where one lexicon matches in one text (overlapping matches too), found in one pass and then
    asked about windows: many candidates of a text ask about their sentence and what precedes them."""

    starts: tuple[int, ...]  # sorted
    ends: tuple[int, ...]  # ends[i]: where the match at starts[i] ends
    min_end: tuple[int, ...]  # min_end[i]: the earliest end of the matches from the i-th on

    def within(self, start: int, end: int) -> bool:
        """Some match lies wholly inside ``[start, end)`` (a word cut by the window's end does not count)."""
        i = bisect_left(self.starts, max(start, 0))
        return i < len(self.starts) and self.min_end[i] <= end

    def matches(self, start: int, end: int) -> list[tuple[int, int]]:
        """The matches wholly inside ``[start, end)`` that do not overlap, leftmost first: what a
        ``finditer`` over that stretch finds, read from the hits already found."""
        out: list[tuple[int, int]] = []
        at = start
        for i in range(bisect_left(self.starts, max(start, 0)), len(self.starts)):
            a, b = self.starts[i], self.ends[i]
            if a >= end:
                break
            if a >= at and b <= end:
                out.append((a, b))
                at = b
        return out


NO_HITS = Hits((), (), ())
HITS_KEPT = 50_000  # (lexicon, language, text) hits kept before the cache starts again: a batch's worth


@dataclass
class LexiconIndex:
    """All lexicons of a rule set, compiled lazily per language."""

    lexicons: dict[str, Lexicon]
    _cache: dict[tuple[str, Lang], regex.Pattern[str] | None] = field(default_factory=dict)
    # each lexicon ready to search whole texts (None: no entries in the language), and each text as the
    # matchers read it, kept for one batch (forget_texts)
    _matchers: dict[tuple[str, Lang], _Matcher | None] = field(default_factory=dict)
    _texts: dict[str, Prepared] = field(default_factory=dict)
    _words: dict[tuple[str, Lang | None], frozenset[str]] = field(default_factory=dict)
    _templates: dict[tuple[str, int], regex.Pattern[str]] = field(default_factory=dict)
    # each lexicon is matched once per text: the identifier features, the post's signals and the advice
    # rules ask of the same texts
    _hits: dict[tuple[str, Lang, str], Hits] = field(default_factory=dict)

    def words(self, name: str, lang: Lang | None = None) -> frozenset[str]:
        """The words of a lexicon, lower-cased: of one language, or of every language (None)."""
        key = (name, lang)
        if key not in self._words:
            lexicon = self.lexicons[name]
            langs = [lang] if lang else list(lexicon.words_by_lang)
            self._words[key] = frozenset(w.lower() for code in langs for w in lexicon.words(code))
        return self._words[key]

    def alternation(self, name: str) -> str:
        """The words of a lexicon in every language as one regex alternation (no group, no flags)."""
        lexicon = self.lexicons[name]
        return "|".join(_alternatives(tuple(w for code in lexicon.words_by_lang for w in lexicon.words(code))))

    def template(self, template: str, flags: int) -> regex.Pattern[str]:
        """A :class:`WordPattern`'s template with each ``{lex:name}`` replaced by that lexicon's words."""
        key = (template, flags)
        if key not in self._templates:
            self._templates[key] = regex.compile(_SLOT.sub(lambda m: self.alternation(m.group(1)), template), flags)
        return self._templates[key]

    def pattern(self, name: str, lang: Lang) -> regex.Pattern[str] | None:
        """The lexicon as one regex (for windows and matches at a place; whole texts are searched with
        :meth:`hits`, which never compiles it)."""
        key = (name, lang)
        if key not in self._cache:
            lexicon = self.lexicons[name]
            self._cache[key] = _compile(lexicon.words(lang), lexicon.regexes(lang))
        return self._cache[key]

    def defines(self, name: str, lang: Lang) -> bool:
        """The lexicon has words or regexes in the language."""
        lexicon = self.lexicons[name]
        return bool(lexicon.words(lang) or lexicon.regexes(lang))

    def search(self, name: str, lang: Lang, text: str) -> bool:
        """The lexicon matches somewhere in the text."""
        return bool(self.hits(name, lang, text).starts)

    def hits(self, name: str, lang: Lang, text: str) -> Hits:
        """Every match of the lexicon in the text, overlapping ones too, found once per text."""
        key = (name, lang, text)
        found = self._hits.get(key)
        if found is None:
            if len(self._hits) >= HITS_KEPT:
                self._hits.clear()
            found = self._hits[key] = self._find(name, lang, text)
        return found

    def forget_texts(self) -> None:
        """Drop the hits kept for texts. The Linter calls it after each batch: a batch's texts are
        asked about again only within it, and hits kept across batches pile up in the oldest garbage
        collector generation, whose full passes then cost more than the matching they save."""
        self._hits.clear()
        self._texts.clear()

    def _find(self, name: str, lang: Lang, text: str) -> Hits:
        key = (name, lang)
        if key not in self._matchers:
            defined = self.defines(name, lang)
            self._matchers[key] = _Matcher.of(self.lexicons[name], lang) if defined else None
        matcher = self._matchers[key]
        if matcher is None:
            return NO_HITS
        prepared = self._texts.get(text)
        if prepared is None:
            if len(self._texts) >= HITS_KEPT:
                self._texts.clear()
            prepared = self._texts[text] = prepare(text)
        spans = matcher.find(prepared)
        if not spans:
            return NO_HITS
        min_end = list(accumulate(reversed([b for _, b in spans]), min))[::-1]
        return Hits(tuple(a for a, _ in spans), tuple(b for _, b in spans), tuple(min_end))

    def finditer(self, name: str, lang: Lang, text: str) -> list[tuple[int, int]]:
        pat = self.pattern(name, lang)
        return [] if pat is None else [m.span() for m in pat.finditer(text)]

    def fullmatch(self, name: str, lang: Lang, text: str) -> bool:
        pat = self.pattern(name, lang)
        return pat is not None and pat.fullmatch(text.strip()) is not None


_SLOT = regex.compile(r"\{lex:(\w+)\}")


_IN_USE: ContextVar[LexiconIndex | None] = ContextVar("phiguard_lexicons", default=None)


@cache
def _builtin_index() -> LexiconIndex:
    return LexiconIndex(_Builtin())


def in_use() -> LexiconIndex:
    """The lexicons in use: those :func:`lexicons_in_use` set in this context, else the built-in packs."""
    return _IN_USE.get() or _builtin_index()


@contextmanager
def lexicons_in_use(index: LexiconIndex) -> Iterator[None]:
    """Within the block, :class:`WordPattern` and :func:`lexicon_words` read ``index``'s lexicons (a
    Linter's rule packs, where a user's ``rule-dirs`` may replace a built-in lexicon)."""
    token = _IN_USE.set(index)
    try:
        yield
    finally:
        _IN_USE.reset(token)


def lexicon_words(name: str, lang: Lang | None = None) -> frozenset[str]:
    """The words of a lexicon in use, lower-cased: of one language, or of every language (None)."""
    return in_use().words(name, lang)


class WordPattern:
    """A regex written as grammar in Python with its words in lexicons: each ``{lex:name}`` of the
    template is the alternation of every language's words of the lexicon ``name`` in use
    (``rf"\\b(?:{lex:scale_words})\\b"``), compiled once per set of lexicons."""

    def __init__(self, template: str, flags: int = 0) -> None:
        self.template = template
        self.flags = flags

    @property
    def compiled(self) -> regex.Pattern[str]:
        return in_use().template(self.template, self.flags)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        return self.compiled.search(text, pos, len(text) if endpos is None else endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match[str]]:
        return self.compiled.finditer(text, pos, len(text) if endpos is None else endpos)

    def match(self, text: str, pos: int = 0) -> regex.Match[str] | None:
        return self.compiled.match(text, pos)

    def sub(self, repl: str, text: str) -> str:
        return self.compiled.sub(repl, text)
