"""What a context check reads: a :class:`Candidate` (a possible identifier: its rule, where, what found
it) and the :class:`ScopeContext` of its text (the text, its spaCy doc, lexicon hits, sentences and
entities, each computed once and shared by every check)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from phiguard.config import Allowlist
from phiguard.lang import profile
from phiguard.lang.sentences import sentence_starts
from phiguard.models import Lang, Source
from phiguard.rulepack.lexicon import Hits, LexiconIndex
from phiguard.rulepack.schema import Rule

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

EDGE = " \t\n¡!¿?.,;:\"'()[]*-–—…|/"  # what a value's words are stripped of


@dataclass(frozen=True)
class Candidate:
    """A possible identifier before context is weighed: which rule, where, and what found it."""

    rule: Rule
    start: int
    end: int
    score: float
    source: Source


@dataclass(frozen=True)
class ScopeContext:
    """The shared analysis of one text: every check reads it, none recomputes it."""

    text: str
    lang: Lang
    doc: Doc
    lexicons: LexiconIndex
    allowlist: Allowlist
    common_words: frozenset[str] = frozenset()
    lemma: Callable[[Token], str] = lambda token: str(token.lemma_)
    post_care: bool = False  # another scope of the same post (body, caption, alt text) discloses care

    def value(self, c: Candidate) -> str:
        return self.text[c.start : c.end]

    @cached_property
    def person_labels(self) -> frozenset[str]:
        """The entity labels the language's model gives people (its profile's)."""
        return profile(self.lang).person_labels

    @cached_property
    def group_labels(self) -> frozenset[str]:
        """The labels of nationalities and groups, which are never a person."""
        return profile(self.lang).group_labels

    @cached_property
    def _lexicon_hits(self) -> dict[str, Hits]:
        return {}

    def hits(self, lexicon: str) -> Hits:
        """Where ``lexicon`` matches in the text (asked of the index once per text and lexicon: every
        candidate asks about a dozen lexicons around it)."""
        found = self._lexicon_hits.get(lexicon)
        if found is None:
            found = self._lexicon_hits[lexicon] = self.lexicons.hits(lexicon, self.lang, self.text)
        return found

    def found_in_text(self, lexicons: tuple[str, ...]) -> list[tuple[str, Hits]]:
        """Those of ``lexicons`` that match somewhere in the text, with their hits (asked once per text:
        every candidate reads the same list)."""
        found = self._found.get(lexicons)
        if found is None:
            found = self._found[lexicons] = [(lex, h) for lex in lexicons if (h := self.hits(lex)).starts]
        return found

    @cached_property
    def _found(self) -> dict[tuple[str, ...], list[tuple[str, Hits]]]:
        return {}

    def has(self, lexicon: str, start: int = 0, end: int | None = None) -> bool:
        """A word or phrase of ``lexicon`` lies wholly inside ``[start, end)`` of the text."""
        return self.hits(lexicon).within(start, len(self.text) if end is None else end)

    @cached_property
    def ents(self) -> list[tuple[int, int, str]]:
        """The model's entities as (start, end, label) in text order, read from the Doc once (each
        ``doc.ents`` builds every span anew, so asking it per candidate is quadratic)."""
        return [(ent.start_char, ent.end_char, str(ent.label_)) for ent in self.doc.ents]

    @cached_property
    def _ent_starts(self) -> list[int]:
        return [start for start, _, _ in self.ents]

    def ents_starting(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The entities that start inside ``[start, end)``."""
        return self.ents[bisect_left(self._ent_starts, start) : bisect_left(self._ent_starts, end)]

    @cached_property
    def discloses_care(self) -> bool:
        """This text, or another scope of its post, discloses somebody's care."""
        return self.post_care or self.has("care")

    @cached_property
    def cased(self) -> bool:
        """The writer capitalises as usual: most sentences open with a capital and the text is not
        shouted. In such a text a lowercase word is no name; in an all-lowercase note it may be."""
        letters = [ch for ch in self.text if ch.isalpha()]
        if not letters or sum(ch.isupper() for ch in letters) > 0.6 * len(letters):
            return False
        first = [self.doc[i] for i in sentence_starts(self.doc) or ()]
        openers = [t.text for t in first if t.is_alpha]
        return bool(openers) and sum(w[0].isupper() for w in openers) >= 0.6 * len(openers)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        """Character offsets where sentences start (the doc's sentences, read once)."""
        return [self.doc[i].idx for i in sentence_starts(self.doc) or ()] or [0]

    def sentence_bounds(self, c: Candidate) -> tuple[int, int]:
        starts = self._sentence_starts
        i = max(bisect_right(starts, c.start) - 1, 0)
        return starts[i], starts[i + 1] if i + 1 < len(starts) else len(self.text)


Check = Callable[[Candidate, ScopeContext], bool]
