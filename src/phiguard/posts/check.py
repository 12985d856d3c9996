"""What a post-level check is: a verdict on a whole post, one module per check (as Vale has one file per
kind of check), listed in :data:`phiguard.posts.CHECKS` or added with :func:`phiguard.posts.register`.

A check names the *kinds* it reports (``kinds``); a rule file gives each kind its code, message and
severity (``detect: {post: advice.medication}``), so a new kind is one check module plus its rule YAML.
The engine runs the checks in order, once per post, after the identifiers are weighed: each reads one
:class:`PostInput` (what the pipeline found in the post) and the Linter's :class:`PostTools`, and
returns the :class:`Verdict` so far with its own findings added (a consent may also lower identifier
findings to ``info``). Nothing here imports spaCy or Presidio: rules naming the kinds load without them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Protocol

from phiguard.lang import DEFAULT_LANG
from phiguard.models import Category, Finding, Lang, Post

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from phiguard.learned import LinearModel, ModelName
    from phiguard.learned.features import Features, ScoredCandidate
    from phiguard.posts.ledger import MemoryLedger
    from phiguard.rulepack.findings import FindingMaker
    from phiguard.rulepack.lexicon import LexiconIndex


@dataclass(frozen=True)
class Parsed:
    """One parsed text of a post (a scope, or a chunk of one) and where it starts in that scope."""

    scope: str
    offset: int
    doc: Doc
    lang: Lang
    text: str  # the parsed text (``doc.text`` rebuilds it from the tokens on every access)


@dataclass(frozen=True)
class PostInput:
    """One post as the pipeline has read it when the post-level checks run."""

    post: Post
    langs: Mapping[str, Lang]  # each scope's language
    parsed: Sequence[Parsed]  # the shared parse of its texts (scopes a rule's ``scope:`` reads)
    scored: Sequence[ScoredCandidate]  # its identifier candidates, as the identifier model scored them
    signals: Features  # what the post says as a whole (``learned.features.post_signals``)
    story: float  # how likely it tells one person's health story (the story model)

    @property
    def lang(self) -> Lang:
        """The post's language (every scope of a post is read in one)."""
        return next(iter(self.langs.values()), DEFAULT_LANG)


@dataclass(frozen=True)
class PostTools:
    """What every post-level check of one Linter shares."""

    maker: FindingMaker  # builds findings from the rule files (codes, messages, severity overrides)
    lexicons: LexiconIndex
    active: frozenset[str]  # the codes of the post-level rules selected
    model: Callable[[ModelName], LinearModel]  # the learned models, loaded on first use
    today: date  # consent expiry is judged as of this date
    ledger: MemoryLedger | None
    common_words: Mapping[Lang, frozenset[str]]  # each loaded language model's word list
    replies: Mapping[Lang, str]  # the organisation's own safe reply to advice requests (config)
    emergency: Mapping[Lang, str] = field(default_factory=dict)  # the number a reply gives, per language
    recorders: Mapping[str, Callable[[str | None, Features], None]] = field(default_factory=dict)  # training

    def covers(self, kinds: Sequence[str], lang: Lang) -> bool:
        """Some rule of these kinds covers ``lang``, selected or not."""
        return any((rule := self.maker.rules.post_rule(kind)) and rule.covers(lang) for kind in kinds)

    def wants(self, kinds: Sequence[str], lang: Lang) -> set[str]:
        """The kinds among ``kinds`` whose rule is selected and covers ``lang`` (its ``languages``)."""
        rules = self.maker.rules
        return {
            kind for kind in kinds if (rule := rules.post_rule(kind)) and rule.code in self.active and rule.covers(lang)
        }


@dataclass(frozen=True)
class Verdict:
    """A post's findings so far: those of its spans (identifiers, images) and the post-level ones."""

    spans: tuple[Finding, ...]
    posts: tuple[Finding, ...] = ()

    def adding(self, findings: Sequence[Finding], spans: Sequence[Finding] | None = None) -> Verdict:
        """This verdict with ``findings`` added (and the span findings replaced by ``spans``)."""
        return replace(self, posts=(*self.posts, *findings), spans=self.spans if spans is None else tuple(spans))

    def has(self, category: Category) -> bool:
        return any(f.category == category for f in self.posts)


class PostCheck(Protocol):
    """A check of whole posts: the kinds it reports and how it judges one post."""

    @property
    def kinds(self) -> tuple[str, ...]: ...

    def run(self, item: PostInput, tools: PostTools, verdict: Verdict) -> Verdict: ...
