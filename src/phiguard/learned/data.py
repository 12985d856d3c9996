"""The training data of the learned models: every candidate of the labelled posts, of the extra
corpora's training parts and of the rules' examples, each with its features and label (by overlap with
gold identifiers, Safe Harbor scope); each post's advice features and label, signals and consent label.
The real Linter finds the candidates, with recorders switched on, so training reads what linting reads."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from phiguard.engine.linter import Linter
from phiguard.lang import DEFAULT_LANG
from phiguard.learned.features import (
    CandidateRecord,
    Features,
    post_signals,
)
from phiguard.learned.fitting import SEED, Example, constant, never, scored_thresholds
from phiguard.models import Post
from phiguard.posts.advice import addressee_end
from phiguard.rulepack.lexicon import LexiconIndex
from phiguard.rulepack.schema import RuleSet
from phiguard.run.evaluate import GoldDoc, in_safe_harbor


@dataclass(frozen=True)
class Data:
    docs: list[GoldDoc]  # the labelled posts: cross-validated
    candidates: list[Example]
    signals: dict[str, Features]  # post_signals of each post
    featured: dict[str, int | None]  # each post's consent label
    seeds: frozenset[str]  # ids of the rule examples and extra corpora: always on the training side
    advised: dict[str, int]  # where the address of each post with personal advice ends (out of fold)
    advice: list[Example]  # one per post: the advice model's features and the post's advice label
    handles: frozenset[str]  # the codes of the rules whose candidates are social handles (role: handle)


def _label(record: CandidateRecord, doc: GoldDoc) -> int | None:
    if record.scope != "body":
        return None
    scored = [s for s in doc.spans if in_safe_harbor(s, doc.text)]
    if any(s.start < record.end and record.start < s.end for s in scored):
        return 1
    if any(s.start < record.end and record.start < s.end for s in doc.spans):
        return None  # touches only neutral gold: neither
    return 0


@dataclass(frozen=True)
class Seed:
    """A rule file's example turned into training data (``rules/*/*.yml``: ``examples``). A flag
    example labels the candidates of its ``match`` positive (the rest of its text is unlabelled); a
    pass example labels its rule's candidates negative. Consent examples label the post."""

    post: Post
    rule: str
    flag: bool
    match: tuple[int, int] | None
    featured: int | None  # for the consent model: 1 features a patient, 0 not, None unknown
    advice: int | None = None  # for the advice model: the advice rules' flag (1) and pass (0) examples


def seeds(rules: RuleSet) -> list[Seed]:
    out = []
    for rule in rules.rules:
        if rule.detect.image:
            continue
        for kind, examples in (("flag", rule.examples.flag), ("pass", rule.examples.pass_)):
            for i, ex in enumerate(examples):
                if ex.ledger or ex.image:
                    continue  # consent ledgers and images are not what the models read
                match = None
                if ex.match is not None:
                    start = ex.text.index(ex.match)
                    match = (start, start + len(ex.match))
                featured = None
                if rule.detect.post == "consent.missing":
                    featured = 1 if kind == "flag" or ex.metadata.get("consent") else 0
                post = Post(
                    id=f"{rule.code}-{kind}-{i}", text=ex.text, lang=ex.lang, captions=ex.captions, metadata=ex.metadata
                )
                advice = int(kind == "flag") if rule.category.value == "advice" else None
                out.append(Seed(post, rule.code, kind == "flag", match, featured, advice))
    return out


def _seed_label(record: CandidateRecord, seed: Seed) -> int | None:
    if seed.rule.startswith(("CON", "ADV")):
        return None
    if not seed.flag:
        return 0 if record.rule == seed.rule else None
    if seed.match is not None and record.scope == "body":
        a, b = seed.match
        return 1 if record.start < b and a < record.end else None
    return None


# Other shared dev corpora, a fixed share of each always on the training side of the identifier model,
# so that it sees clinical cases and real tweets as well as hospital posts; the rest of each is scored
# as unseen text. SocialDisNER's tweets carry no identifier gold: every candidate there is a negative
# (its use: the false-alarm rate on real Spanish health tweets). Neither corpus labels consent, so
# neither trains the consent model (as "no patient" the tweets taught it that Spanish care words mean
# nobody is featured).
# the hospital posts: writers A-C, then D-G (harder on purpose: replies without handles, patients singled
# out by details, nicknames, places)
TRAIN = ("social_train.jsonl", "social_train2.jsonl")


EXTRA = {"meddocan.dev.jsonl": 0.2, "socialdisner.dev.jsonl": 0.2, "wnut17.dev.jsonl": 0.2}


# WNUT-17 labels the people, brands and places of everyday English tweets, none of them a patient: only
# its tweets without a labelled span train, every candidate there a negative (the English counterpart of
# SocialDisNER: handles, names and dates in posts that say nothing about anyone's health)
CLEAN_ONLY = frozenset({"wnut17.dev.jsonl"})


# their candidates together weigh this share of the hospital posts' candidates (they are many more)
EXTRA_WEIGHT = 0.25


# Reddit replies advise one person on parenting and life, hardly ever on medicines: half of them train
# the advice model as negatives (what advice to one person looks like when it is not medical), at
# this share of the hospital posts' weight; the other half is scored as unseen text.
ADVICE_EXTRA = ("reddit_advice_replies.dev.jsonl", 0.5)


ADVICE_EXTRA_WEIGHT = 0.3


# a rule file's flag/pass example is what the rule promises (the test suite runs each one): its candidates
# weigh this many times a hospital post's candidate
SEED_WEIGHT = 3.0


def split_extra(docs: Sequence[GoldDoc], share: float) -> tuple[list[GoldDoc], list[GoldDoc]]:
    """(training part, unseen part) of a corpus, drawn with the seed."""
    ids = sorted(d.id for d in docs)
    random.Random(SEED + 2).shuffle(ids)
    chosen = set(ids[: round(len(ids) * share)])
    return [d for d in docs if d.id in chosen], [d for d in docs if d.id not in chosen]


def _featured_label(doc: GoldDoc) -> int | None:
    return int(bool(doc.labels["consent_required"])) if "consent_required" in doc.labels else None


def collect(
    docs: Sequence[GoldDoc],
    with_seeds: bool = True,
    extra: Sequence[GoldDoc] = (),
    advice_extra: Sequence[GoldDoc] = (),
    identifier_only: Collection[str] = frozenset(),
) -> Data:
    """Every candidate of every post (the labelled posts, the extra corpora's training parts, then the
    rule examples), with its features and label; each post's advice features and label (and the
    advice-only extra corpus, as negatives); each post's signals and consent label, with whether it
    gives advice taken from the advice model's out-of-fold scores. ``identifier_only``: ids of extra
    documents that train the identifier model only (not advice negatives)."""
    linter = Linter(
        identifier_model=constant("identifier"),
        consent_model=constant("consent"),
        advice_model=never("advice"),
        story_model=constant("story"),  # the candidates are recorded without it: ``train_models`` adds it
    )
    examples = seeds(linter.rules) if with_seeds else []
    posts = [*as_posts(docs), *as_posts(extra), *(s.post for s in examples)]
    by_doc = {d.id: d for d in [*docs, *extra]}
    by_seed = {s.post.id: s for s in examples}
    records: list[CandidateRecord] = []
    advice_features: dict[str, Features] = {}
    linter.recorder = records.append
    linter.post_recorders["advice"] = lambda post_id, f: advice_features.__setitem__(str(post_id), f)
    for _ in linter.lint_many(posts):
        pass
    linter.recorder = None
    for _ in linter.lint_many(as_posts(advice_extra)):  # the advice features only
        pass
    linter.post_recorders.pop("advice", None)
    candidates = []
    for r in records:
        assert r.post_id is not None
        doc = by_doc.get(r.post_id)
        label = _label(r, doc) if doc is not None else _seed_label(r, by_seed[r.post_id])
        candidates.append(Example(r.post_id, r.features, label, r.start, r.end, r.rule, r.entity, r.scope))
    # the rules' examples are the rules' specification: each weighs SEED_WEIGHT posts' candidates
    candidates = [replace(e, weight=SEED_WEIGHT) if e.doc in by_seed else e for e in candidates]
    extra_ids = {d.id for d in extra}
    n_extra = sum(1 for e in candidates if e.doc in extra_ids)
    if n_extra:
        w = EXTRA_WEIGHT * (len(candidates) - n_extra) / n_extra
        candidates = [replace(e, weight=round(w, 6)) if e.doc in extra_ids else e for e in candidates]
    # one order whatever the order Presidio reported them in: the same data gives the same model
    candidates.sort(key=lambda e: (e.doc, e.scope, e.start, e.end, e.rule, sorted(e.features.items())))
    # the extra corpora are advice negatives: Reddit replies (advice to one person, not medical), and the
    # clinical cases and health tweets, whose treatment words are no advice to a reader; everyday tweets
    # (``identifier_only``) are not: thousands of posts that say nothing of health would crowd out the rest
    negatives = [*advice_extra, *(d for d in extra if d.id not in identifier_only)]
    advice = _advice_examples(docs, examples, negatives, advice_features)
    seeded = frozenset(s.post.id for s in examples if s.post.id) | {d.id for d in extra} | {d.id for d in advice_extra}
    oof, thresholds = scored_thresholds("advice", advice)
    advising = {e.doc for sc, e in zip(oof, advice, strict=True) if sc >= thresholds.warning}
    lexicons = LexiconIndex(linter.rules.lexicons)
    signals = {}
    featured: dict[str, int | None] = {}
    advised = {}
    for post in posts:
        assert post.id is not None
        lang = post.lang or DEFAULT_LANG
        gives_advice = post.id in advising
        if gives_advice:
            advised[post.id] = addressee_end(post)
        signals[post.id] = post_signals(post, lexicons, {scope: lang for scope, _ in post.scopes()}, gives_advice)
        doc = by_doc.get(post.id)
        featured[post.id] = _featured_label(doc) if doc else by_seed[post.id].featured
    return Data(list(docs), candidates, signals, featured, seeded, advised, advice, linter.rules.with_role("handle"))


def _advice_examples(
    docs: Sequence[GoldDoc], examples: Sequence[Seed], extra: Sequence[GoldDoc], features: dict[str, Features]
) -> list[Example]:
    """One advice example per post, addressed or not (an addressee is a feature, never a gate): the
    labelled posts, the advice rules' examples, the extra corpus's training part as negatives at
    ``ADVICE_EXTRA_WEIGHT`` of the posts' weight."""
    labelled = [(d.id, int(bool(d.labels.get("personal_advice")))) for d in docs]
    labelled += [(str(s.post.id), s.advice) for s in examples if s.advice is not None]
    out = [Example(doc, features[doc], label) for doc, label in labelled if doc in features]
    negatives = [Example(d.id, features[d.id], 0) for d in extra if d.id in features]
    if negatives:
        w = round(ADVICE_EXTRA_WEIGHT * len(out) / len(negatives), 6)
        out += [replace(e, weight=w) for e in negatives]
    return sorted(out, key=lambda e: e.doc)


def as_posts(docs: Iterable[GoldDoc]) -> list[Post]:
    return [Post(id=d.id, text=d.text, lang=d.lang) for d in docs]
