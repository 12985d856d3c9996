"""What the learned models see: sparse, named features of a candidate and of a post.

A feature is a name and a value (mostly 1.0). Names are readable on purpose ("chk:role_before",
"L1:patient", "lex:sent:donation") so that a weight in the shipped model can be read and argued
about. Nothing here is tuned to a document: the context checks of ``phiguard.detect.context`` and the
lexicons of ``rules/lexicon`` are inputs, and the model learns how much each one counts.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import regex

from phiguard.detect.context import CHECKS
from phiguard.detect.name_checks import ner_label, opens_clause
from phiguard.detect.names import is_given_name, is_known_name
from phiguard.detect.scope import Candidate, ScopeContext
from phiguard.lang import DEFAULT_LANG
from phiguard.models import Entity, Lang, Post
from phiguard.rulepack.lexicon import LexiconIndex

Features = dict[str, float]

WINDOW = 3  # tokens read on each side of a candidate
# lexicons read around a candidate: in its sentence and in the 40 characters before it
CONTEXT_LEXICONS = (
    "care",
    "care_second_person",
    "health_detail",
    "donation",
    "event",
    "announcement",
    "attribution",
    "non_patient_roles",
    "org_words",
    "org_contact",
    "person_ref",
    "second_person",
)


def _shape(value: str) -> str:
    letters = [ch for ch in value if ch.isalpha()]
    if not letters:
        return "noalpha"
    if all(ch.isupper() for ch in letters):
        return "upper"
    if all(ch.islower() for ch in letters):
        return "lower"
    return "title" if value[:1].isupper() else "mixed"


@dataclass(frozen=True)
class TextFeatures:
    """What a candidate's features share with every other candidate of its text, computed once: the
    text-level features and the text's content words ("P:word"), of which a candidate leaves out the
    words that occur only inside it."""

    common: Features
    words: dict[str, tuple[int, ...]]  # the text's content words with their offsets
    offsets: tuple[int, ...]  # every content word's offset, sorted
    at: tuple[str, ...]  # the word at each of ``offsets``

    def shared(self) -> Features:
        """The features every candidate of the text starts from: the common ones and every word."""
        return {**self.common, **{f"P:{w}": 1.0 for w in self.words}}

    def own_words(self, start: int, end: int) -> set[str]:
        """The words that occur only inside ``[start, end)``: a candidate does not count its own."""
        inside = self.at[bisect_left(self.offsets, start) : bisect_left(self.offsets, end)]
        return {w for w in inside if all(start <= at < end for at in self.words[w])}


def text_features(ctx: ScopeContext, scope_kind: str) -> TextFeatures:
    common: Features = {
        "bias": 1.0,
        f"lang:{ctx.lang}": 1.0,
        f"scope:{scope_kind}": 1.0,
        "post_care": float(ctx.post_care),
        "text_care": float(ctx.has("care")),
        "cased_text": float(ctx.cased),
    }
    for lex in CONTEXT_LEXICONS:
        if ctx.has(lex):
            common[f"lex:text:{lex}"] = 1.0
    words: dict[str, list[int]] = {}
    found: list[tuple[int, str]] = []
    for t in ctx.doc:
        if t.is_alpha and not t.is_stop and len(t.text) > 2:
            words.setdefault(t.lower_, []).append(t.idx)
            found.append((t.idx, t.lower_))
    return TextFeatures(
        common,
        {w: tuple(at) for w, at in words.items()},
        tuple(at for at, _ in found),
        tuple(w for _, w in found),
    )


def candidate_features(c: Candidate, ctx: ScopeContext, text: TextFeatures) -> Features:
    """All the features of one candidate in the shared analysis of its text (``text``: from
    ``text_features``): what it shares with its text, less its own words, then its own
    (``own_features``). Scoring does not build this dict (it adds the text's weighted sum once per
    text); training records it."""
    own = text.own_words(c.start, c.end)
    return {
        **text.common,
        **{f"P:{w}": 1.0 for w in text.words if w not in own},
        **own_features(c, ctx),
    }


def own_features(c: Candidate, ctx: ScopeContext) -> Features:
    """The features of one candidate that are not its text's: its rule, entity and source, its shape,
    the checks its rule names in ``context.checks``, its words and the tokens and lexicons around it."""
    entity = c.rule.entity
    value = ctx.value(c)
    f: Features = {
        f"rule:{c.rule.code}": 1.0,
        f"ent:{entity}": 1.0,
        f"src:{c.source}": 1.0,
        f"shape:{_shape(value)}|{entity}": 1.0,
    }
    label = ner_label(c, ctx)
    if label:
        f[f"ner:{label}|{entity}"] = 1.0
    for name in c.rule.context.checks:
        if CHECKS[name](c, ctx):
            f[f"chk:{name}"] = 1.0
            f[f"chk:{name}|{entity}"] = 1.0
    words = [w for w in value.replace("-", " ").split() if any(ch.isalpha() for ch in w)]
    f[f"nwords:{min(len(words), 3)}|{entity}"] = 1.0
    if words:
        bare = [w.strip(".,'\"()!?¡¿:;") for w in words]
        if any(is_given_name(w, ctx.lang, ctx.common_words) for w in bare if w):
            f[f"given_name|{entity}"] = 1.0
        if all(is_known_name(w, ctx.lang, ctx.common_words) for w in bare if w):
            f[f"all_known_names|{entity}"] = 1.0
        if all(w.lower() in ctx.common_words for w in bare if w):
            f[f"common_words|{entity}"] = 1.0
    span = ctx.doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is not None and len(span):
        if opens_clause(ctx.doc, span[0].i):
            f[f"opens_clause|{entity}"] = 1.0
        f[f"pos:{span[0].pos_}|{entity}"] = 1.0
        before = [t for t in ctx.doc[max(0, span.start - WINDOW) : span.start] if not t.is_space]
        after = [t for t in ctx.doc[span.end : span.end + WINDOW] if not t.is_space]
        for k, t in enumerate(reversed(before), 1):
            f[f"L{k}:{t.lower_}"] = 1.0
            f[f"L:{t.lower_}|{entity}"] = 1.0
        for k, t in enumerate(after, 1):
            f[f"R{k}:{t.lower_}"] = 1.0
            f[f"R:{t.lower_}|{entity}"] = 1.0
        if before:  # the word classes on each side (what the parse's head and relation told, parse-free)
            f[f"posL1:{before[-1].pos_}|{entity}"] = 1.0
        if after:
            f[f"posR1:{after[0].pos_}|{entity}"] = 1.0
        if not before:
            f["L1:<start>"] = 1.0
        if not after:
            f["R1:<end>"] = 1.0
    start, end = ctx.sentence_bounds(c)
    for lex, hits in ctx.found_in_text(CONTEXT_LEXICONS):
        if hits.within(start, end):
            f[f"lex:sent:{lex}"] = 1.0
        if hits.within(c.start - 40, c.start):
            f[f"lex:before:{lex}|{entity}"] = 1.0
    return f


@dataclass(frozen=True)
class CandidateRecord:
    """A candidate as training sees it: where it is, whose rule, and its features (never its text)."""

    post_id: str | None
    scope: str
    start: int
    end: int
    rule: str
    entity: str
    features: Features


@dataclass(frozen=True)
class ScoredCandidate:
    """What the post-level model reads of an identifier candidate: its kind and its score."""

    rule: str
    entity: str
    scope: str
    score: float
    end: int  # where it ends in its scope: the person a reply advises is left out (``addressed``)


def not_advised(candidates: Iterable[ScoredCandidate], advised: int) -> list[ScoredCandidate]:
    """The candidates that are not the person an advice reply is addressed to ("@tina_r", "Hi
    Laura,"): that person is the ADV rules' concern, never a featured patient."""
    return [c for c in candidates if not (c.scope == "body" and c.end <= advised)]


_POST_WORD = regex.compile(r"[^\W\d_]{3,}")
_LEADING_HANDLE = regex.compile(r"^\W*@\w")
POST_LEXICONS = tuple(lex for lex in CONTEXT_LEXICONS if lex != "org_contact")  # a post's, not a span's


def post_signals(post: Post, lexicons: LexiconIndex, langs: Mapping[str, Lang], advice: bool) -> Features:
    """What a post says as a whole: its words (every scope), the lexicons it touches, where its texts
    come from (captions, alt texts, images), whether it replies to a handle and whether the advice
    rules found personal advice in it (the person advised is no featured patient)."""
    f: Features = {"advice": 1.0} if advice else {}
    for scope, text in post.scopes():
        lang = langs.get(scope, DEFAULT_LANG)
        f[f"lang:{lang}"] = 1.0
        f[f"has:{scope.kind}"] = 1.0
        for word in _POST_WORD.findall(text.lower()):
            f[f"w:{word}"] = 1.0
        for lex in POST_LEXICONS:
            if lexicons.search(lex, lang, text):
                f[f"lex:{lex}"] = 1.0
    if post.images:
        f["has:image"] = 1.0
    if _LEADING_HANDLE.match(post.text):
        f["leading_handle"] = 1.0
    return f


def story_features(signals: Mapping[str, float]) -> Features:
    """What the story model reads of a post: its signals (``post_signals``) but not the advice model's
    verdict, since the story score is known before any candidate or advice is weighed."""
    return {"bias": 1.0, **{k: v for k, v in signals.items() if k != "advice"}}


# the kinds of identifier a post's story score is crossed with, so that each learns its own weight: in a
# patient's story a name, place or date is mostly the patient's; a number or contact less so
_GROUPS: dict[str, str] = {
    Entity.PERSON: "name",
    Entity.LOCATION: "place",
    Entity.ADDRESS: "place",
    Entity.DATE: "time",
    Entity.AGE: "time",
}


def with_story(features: Mapping[str, float], entity: str, story: float) -> Features:
    """A candidate's features (``candidate_features``) with its post's story score, as such and crossed
    with the candidate's kind of identifier (:func:`story_of`)."""
    return {**features, **story_of(entity, story)}


def story_of(entity: str, story: float) -> Features:
    """The story features of a candidate of ``entity``: the score as such and crossed with the kind."""
    return {"story": story, f"story|{_GROUPS.get(entity, 'number')}": story}


def post_features(
    candidates: Iterable[ScoredCandidate], signals: Mapping[str, float], story: float, handles: Collection[str]
) -> Features:
    """Features of a whole post for "features a patient": the strongest identifier candidates per
    entity (scored by the identifier model; ``handles``: the codes of the rules whose candidates are
    social handles, counted apart), the post's own signals (``post_signals``) and its story score."""
    f: Features = {"bias": 1.0, **signals, "story": story}
    best: dict[str, float] = {}
    count: dict[str, int] = {}
    for c in candidates:
        key = "HANDLE" if c.rule in handles else c.entity
        best[key] = max(best.get(key, 0.0), c.score)
        count[key] = count.get(key, 0) + (c.score >= 0.5)
    for key, score in best.items():
        f[f"max:{key}"] = score
        f[f"n:{key}"] = min(count[key], 3) / 3
    f["max:any"] = max(best.values(), default=0.0)
    f["max:any_not_handle"] = max((v for k, v in best.items() if k != "HANDLE"), default=0.0)
    return f
