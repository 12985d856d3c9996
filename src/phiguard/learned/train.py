"""Train the learned context models from the labelled hospital posts, with cross-validated figures.

    python -m phiguard.learned.train --data ../shared/data          # = make train
    python -m phiguard.learned.train --data ../shared/data --cv-only # figures, nothing written

Data: ``social_train.jsonl`` and ``social_train2.jsonl`` (1,250 posts by seven writers, A-G) train;
``social.dev.jsonl`` is only checked.
Every candidate the rules, the NER model and Presidio find in a post is labelled by overlap with a gold
identifier (Safe Harbor scope, as ``phiguard.run.evaluate`` scores): 1 if it overlaps one, 0 if it
overlaps none, left out if it touches only neutral gold (organisations, clinicians, ages of 89 or
less). A logistic regression (scikit-learn, lbfgs; folds drawn with a fixed seed) learns the candidate score; the
thresholds for ``warning`` and ``error`` are chosen on out-of-fold scores, never on the posts scored.

Figures: leave-one-writer-out (train on six writers, score the seventh: the closest thing to posts
written by somebody else; the primary figure, per writer and per language) and 5-fold
cross-validation (folds drawn with the seed). Each fold runs the
real Linter with that fold's model on its held-out posts, so the figures are the product's, overlaps,
consent and all. scikit-learn is needed only here (``pip install -e '.[train]'``); the shipped model
is plain JSON read by ``phiguard.learned``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from phiguard.engine.linter import Linter
from phiguard.lang import DEFAULT_LANG
from phiguard.learned import FORMAT, LinearModel, ModelName, Thresholds, model_path
from phiguard.learned.features import (
    CandidateRecord,
    Features,
    ScoredCandidate,
    not_advised,
    post_features,
    post_signals,
    story_features,
    with_story,
)
from phiguard.models import Post, Report
from phiguard.posts.advice import addressee_end
from phiguard.rulepack.lexicon import LexiconIndex
from phiguard.rulepack.schema import RuleSet
from phiguard.run.evaluate import GoldDoc, Tally, in_safe_harbor, read_corpus

SEED = 20261202
FOLDS = 5
C = {"story": 0.5, "identifier": 0.5, "consent": 0.5, "advice": 0.5}  # inverse L2 strength of each logistic regression
# each warning threshold maximises F-beta on out-of-fold scores (beta < 1 favours precision)
BETA = {"story": 1.0, "identifier": 0.7, "consent": 1.5, "advice": 1.1}
# each error threshold: the lowest score above which out-of-fold precision stays at this value. Consent's
# is lower: with no identifier at warning, only a score at error flags a post that singles a patient out
# by details alone ("the farmer pinned under his tractor"), and at 0.95 most of those went unflagged
ERROR_PRECISION = {"story": 0.95, "identifier": 0.95, "consent": 0.85, "advice": 0.95}
Drop = Callable[[str], bool]


def _keep_all(name: str) -> bool:
    return False


@dataclass(frozen=True)
class Example:
    """One candidate (identifier model) or one post (consent model): features and label, no text.
    ``label`` None: a candidate touching only neutral gold, scored for the post but never trained on."""

    doc: str
    features: Features
    label: int | None
    start: int = 0
    end: int = 0
    rule: str = ""
    entity: str = ""
    scope: str = "body"
    weight: float = 1.0


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
EXTRA = {"meddocan.dev.jsonl": 0.2, "socialdisner.dev.jsonl": 0.2}
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
) -> Data:
    """Every candidate of every post (the labelled posts, the extra corpora's training parts, then the
    rule examples), with its features and label; each post's advice features and label (and the
    advice-only extra corpus, as negatives); each post's signals and consent label, with whether it
    gives advice taken from the advice model's out-of-fold scores."""
    linter = Linter(
        identifier_model=_constant("identifier"),
        consent_model=_constant("consent"),
        advice_model=_never("advice"),
        story_model=_constant("story"),  # the candidates are recorded without it: ``train_models`` adds it
    )
    examples = seeds(linter.rules) if with_seeds else []
    posts = [*_posts(docs), *_posts(extra), *(s.post for s in examples)]
    by_doc = {d.id: d for d in [*docs, *extra]}
    by_seed = {s.post.id: s for s in examples}
    records: list[CandidateRecord] = []
    advice_features: dict[str, Features] = {}
    linter.recorder = records.append
    linter.post_recorders["advice"] = lambda post_id, f: advice_features.__setitem__(str(post_id), f)
    for _ in linter.lint_many(posts):
        pass
    linter.recorder = None
    for _ in linter.lint_many(_posts(advice_extra)):  # the advice features only
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
    # every extra corpus is advice negatives: Reddit replies (advice to one person, not medical), and the
    # clinical cases and health tweets, whose treatment words are no advice to a reader
    advice = _advice_examples(docs, examples, [*advice_extra, *extra], advice_features)
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


def _posts(docs: Iterable[GoldDoc]) -> list[Post]:
    return [Post(id=d.id, text=d.text, lang=d.lang) for d in docs]


def _constant(name: ModelName) -> LinearModel:
    return LinearModel(format=FORMAT, name=name, bias=0.0, weights={}, thresholds=Thresholds(warning=0.5, error=1.0))


def _never(name: ModelName) -> LinearModel:
    """A model that scores every input 0.5 and never reaches its warning threshold."""
    return LinearModel(format=FORMAT, name=name, bias=0.0, weights={}, thresholds=Thresholds(warning=1.0, error=1.0))


def fit(name: ModelName, examples: Sequence[Example], drop: Drop = _keep_all) -> tuple[float, dict[str, float]]:
    """A logistic regression on the labelled examples; ``drop`` leaves features out (ablation)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    labelled = [e for e in examples if e.label is not None]
    vec = DictVectorizer(sort=True)
    x = vec.fit_transform([{k: v for k, v in e.features.items() if k != "bias" and not drop(k)} for e in labelled])
    clf = LogisticRegression(C=C[name], solver="lbfgs", max_iter=5000)
    clf.fit(x, [e.label for e in labelled], sample_weight=[e.weight for e in labelled])
    names = vec.get_feature_names_out()
    weights = {n: round(float(w), 5) for n, w in zip(names, clf.coef_[0], strict=True) if abs(w) >= 1e-4}
    return round(float(clf.intercept_[0]), 5), weights


def _model(name: ModelName, fitted: tuple[float, dict[str, float]], th: Thresholds) -> LinearModel:
    return LinearModel(format=FORMAT, name=name, bias=fitted[0], weights=fitted[1], thresholds=th)


def _split(ids: Iterable[str], seed: int, k: int = FOLDS) -> list[list[str]]:
    ordered = sorted(set(ids))
    random.Random(seed).shuffle(ordered)
    return [ordered[i::k] for i in range(k)]


def folds_of(docs: Sequence[GoldDoc]) -> list[list[str]]:
    return _split((d.id for d in docs), SEED)


def writers_of(docs: Sequence[GoldDoc]) -> list[list[str]]:
    writers: dict[str, list[str]] = {}
    for d in docs:
        writers.setdefault(str(d.meta.get("writer", "?")), []).append(d.id)
    return [writers[w] for w in sorted(writers)]


def out_of_fold(name: ModelName, examples: Sequence[Example], drop: Drop = _keep_all) -> list[float]:
    """Each example's score from a model that never saw its post (an inner cross-validation)."""
    scores = [0.0] * len(examples)
    for held in _split((e.doc for e in examples), SEED + 1):
        held_set = set(held)
        model = _model(
            name, fit(name, [e for e in examples if e.doc not in held_set], drop), _constant(name).thresholds
        )
        for i, e in enumerate(examples):
            if e.doc in held_set:
                scores[i] = model.score(e.features)
    return scores


def choose_thresholds(scored: Iterable[tuple[float, int]], beta: float, error_precision: float) -> Thresholds:
    """Warning: the score that maximises F-beta; error: the lowest score above which precision
    stays at ``error_precision``."""
    ranked = sorted(scored, key=lambda t: -t[0])
    positives = sum(label for _, label in ranked)
    best_f, warning, error = -1.0, 0.5, 1.0
    tp = fp = 0
    for score, label in ranked:
        tp += label
        fp += 1 - label
        recall, precision = tp / max(positives, 1), tp / (tp + fp)
        f = (1 + beta**2) * precision * recall / max(beta**2 * precision + recall, 1e-9)
        if f > best_f:
            best_f, warning = f, score
        if precision >= error_precision:
            error = score
    warning = round(warning, 4)
    return Thresholds(warning=warning, error=round(max(error, warning), 4))


def scored_thresholds(
    name: ModelName, examples: Sequence[Example], drop: Drop = _keep_all
) -> tuple[list[float], Thresholds]:
    """Each example's out-of-fold score, and the thresholds chosen on those scores."""
    oof = out_of_fold(name, examples, drop)
    labelled = ((s, e.label) for s, e in zip(oof, examples, strict=True) if e.label is not None)
    return oof, choose_thresholds(labelled, BETA[name], ERROR_PRECISION[name])


def post_examples(data: Data, docs: Iterable[str], scores: dict[int, float], told: dict[str, float]) -> list[Example]:
    """One consent example per post, from the identifier scores of its candidates and its story score
    (both out of fold)."""
    by_doc: dict[str, list[ScoredCandidate]] = {}
    for i, e in enumerate(data.candidates):
        if i in scores:
            by_doc.setdefault(e.doc, []).append(ScoredCandidate(e.rule, e.entity, e.scope, scores[i], e.end))
    return [
        Example(
            d,
            post_features(
                not_advised(by_doc.get(d, []), data.advised.get(d, 0)), data.signals[d], told[d], data.handles
            ),
            data.featured[d],
        )
        for d in sorted(docs)
        if d in data.signals  # the advice-only extra corpus has no consent example
    ]


@dataclass(frozen=True)
class Models:
    story: LinearModel
    identifier: LinearModel
    consent: LinearModel
    advice: LinearModel


def story_examples(data: Data, docs: Iterable[str]) -> list[Example]:
    """One story example per post (labelled with its consent label: a post that features a patient
    tells one person's story; unlabelled posts are scored, never trained on)."""
    return [Example(d, story_features(data.signals[d]), data.featured[d]) for d in sorted(docs) if d in data.signals]


def train_models(data: Data, docs: set[str], drop: Drop = _keep_all) -> Models:
    """The four models trained on the posts ``docs``, thresholds from out-of-fold scores. The identifier
    model reads each candidate's story score from a story model that never saw its post."""
    stories = story_examples(data, docs)
    story_oof, story_th = scored_thresholds("story", stories, drop)
    story = _model("story", fit("story", stories, drop), story_th)
    told = {e.doc: sc for e, sc in zip(stories, story_oof, strict=True)}
    index = [i for i, e in enumerate(data.candidates) if e.doc in docs]
    candidates = [
        replace(e, features=with_story(e.features, e.entity, told[e.doc])) for e in (data.candidates[i] for i in index)
    ]
    oof, id_th = scored_thresholds("identifier", candidates, drop)
    identifier = _model("identifier", fit("identifier", candidates, drop), id_th)
    posts = post_examples(data, docs, dict(zip(index, oof, strict=True)), told)
    consent = _model("consent", fit("consent", posts, drop), scored_thresholds("consent", posts, drop)[1])
    advice = [e for e in data.advice if e.doc in docs]
    return Models(
        story,
        identifier,
        consent,
        _model("advice", fit("advice", advice, drop), scored_thresholds("advice", advice, drop)[1]),
    )


@dataclass
class Tallies:
    """Counts over every post scored, per language and per writer (``meta.writer`` of the social posts:
    with leave-one-writer-out, each writer's figures are those of a model that never read them)."""

    all: Tally = field(default_factory=Tally)
    by_lang: dict[str, Tally] = field(default_factory=dict)
    by_writer: dict[str, Tally] = field(default_factory=dict)

    def add(self, doc: GoldDoc, report: Report) -> None:
        findings = list(report.findings)
        self.all.add(doc, findings)
        self.by_lang.setdefault(doc.lang, Tally()).add(doc, findings)
        writer = doc.meta.get("writer")
        if writer:
            self.by_writer.setdefault(str(writer), Tally()).add(doc, findings)

    def figures(self) -> dict[str, object]:
        out = {**figures(self.all), "by_language": {k: figures(v) for k, v in sorted(self.by_lang.items())}}
        if self.by_writer:
            out["by_writer"] = {k: figures(v) for k, v in sorted(self.by_writer.items())}
        return out


def evaluate(models: Models, docs: Sequence[GoldDoc], tallies: Tallies | None = None) -> Tallies:
    tallies = tallies or Tallies()
    linter = Linter(
        identifier_model=models.identifier,
        consent_model=models.consent,
        advice_model=models.advice,
        story_model=models.story,
    )
    for doc, report in zip(docs, linter.lint_many(_posts(docs)), strict=True):
        tallies.add(doc, report)
    return tallies


def cross_validate(data: Data, splits: list[list[str]], drop: Drop = _keep_all) -> Tallies:
    """Each split held out in turn: train on the rest, lint the held-out posts with the real Linter."""
    tallies = Tallies()
    for held in splits:
        held_set = set(held)
        models = train_models(data, ({d.id for d in data.docs} | data.seeds) - held_set, drop)
        evaluate(models, [d for d in data.docs if d.id in held_set], tallies)
    return tallies


def figures(t: Tally) -> dict[str, object]:
    s = t.summary()
    keys = ("recall", "precision", "clean_docs", "clean_docs_flagged", "per_label_recall", "docs_with_advice_finding")
    out = {k: s[k] for k in keys}
    for label in ("consent_required", "personal_advice"):
        if label in s:
            d = s[label]
            assert isinstance(d, dict)
            out[label] = {k: d.get(k, 0) for k in ("recall", "precision", "tp", "fp", "fn", "tn")}
    return out


def ablation_groups(data: Data) -> dict[str, Drop]:
    """Each context check and each lexicon the models read, as a group of features to leave out."""
    checks = sorted({k.split("|", 1)[0][4:] for e in data.candidates for k in e.features if k.startswith("chk:")})
    lexicons = sorted(
        {k.split("|", 1)[0].rsplit(":", 1)[1] for e in data.candidates for k in e.features if k.startswith("lex:")}
        | {k[4:] for f in data.signals.values() for k in f if k.startswith("lex:")}
    )
    groups: dict[str, Drop] = {}
    for name in checks:
        groups[f"check {name}"] = _check_group(name)
    for name in lexicons:
        groups[f"lexicon {name}"] = _lexicon_group(name)
    groups["all text words"] = lambda k: k.startswith("P:")
    groups["all post words"] = lambda k: k.startswith("w:")
    groups["all window words"] = lambda k: k[:2] in ("L1", "L2", "L3", "R1", "R2", "R3", "L:", "R:")
    groups["all checks"] = lambda k: k.startswith("chk:")
    groups["all lexicons"] = lambda k: k.startswith("lex:")
    groups["story score"] = lambda k: k.startswith("story")
    return groups


def _check_group(name: str) -> Drop:
    return lambda k: k == f"chk:{name}" or k.startswith(f"chk:{name}|")


def _lexicon_group(name: str) -> Drop:
    return lambda k: k.startswith("lex:") and k.split("|", 1)[0].endswith(f":{name}")


def ablate(data: Data) -> str:
    """A markdown table: 5-fold figures with each group of features left out, against all of them."""
    splits = folds_of(data.docs)

    def row(name: str, t: Tally, base: dict[str, object] | None) -> str:
        f = figures(t)
        c = f["consent_required"]
        assert isinstance(c, dict)
        cells = [f["recall"], f["precision"], f["clean_docs_flagged"], c["recall"], c["precision"]]
        if base is not None:
            b = base["consent_required"]
            assert isinstance(b, dict)
            ref = [base["recall"], base["precision"], base["clean_docs_flagged"], b["recall"], b["precision"]]
            cells = [f"{x} ({_delta(x, y)})" for x, y in zip(cells, ref, strict=True)]
        return f"| {name} | " + " | ".join(str(x) for x in cells) + " |"

    full = cross_validate(data, splits).all
    base = figures(full)
    lines = [
        "| left out | id recall | id precision | harmless flagged | consent recall | consent precision |",
        "|---|---:|---:|---:|---:|---:|",
        row("nothing (all features)", full, None),
    ]
    for name, drop in ablation_groups(data).items():
        lines.append(row(name, cross_validate(data, splits, drop).all, base))
        print(lines[-1], flush=True)
    return "\n".join(lines)


def _delta(x: object, y: object) -> str:
    if not isinstance(x, int | float) or not isinstance(y, int | float):
        return "–"
    d = x - y
    return f"{d:+.3f}" if isinstance(x, float) else f"{d:+d}"


def _write(model: LinearModel, folder: Path | None, trained: dict[str, object]) -> Path:
    model = model.model_copy(update={"trained": trained})
    out = folder / f"{model.name}.json" if folder else model_path(model.name)
    out.write_text(json.dumps(model.model_dump(mode="json"), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="train phiguard's learned context models")
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=None, help="folder for the model files (default: the package)")
    ap.add_argument("--cv-only", action="store_true", help="print cross-validated figures, write nothing")
    ap.add_argument("--ablate", action="store_true", help="print the ablation table (5-fold), write nothing")
    args = ap.parse_args(argv)
    extra_train: list[GoldDoc] = []
    unseen: dict[str, list[GoldDoc]] = {}
    for name, share in EXTRA.items():
        part, held = split_extra(list(read_corpus(args.data / name)), share)
        extra_train += part
        unseen[name] = held
    name, share = ADVICE_EXTRA
    advice_train, unseen[name] = split_extra(list(read_corpus(args.data / name)), share)
    posts = [doc for name in TRAIN for doc in read_corpus(args.data / name)]
    data = collect(posts, extra=extra_train, advice_extra=advice_train)
    if args.ablate:
        print(ablate(data))
        return 0
    dev_docs = list(read_corpus(args.data / "social.dev.jsonl"))
    positives = sum(e.label or 0 for e in data.candidates)
    rule_examples = len(data.seeds) - len(extra_train) - len(advice_train)
    print(
        f"{len(data.candidates)} candidates from {len(data.docs)} posts, {rule_examples}"
        f" rule examples and {len(extra_train)} documents of other corpora ({positives} positive);"
        f" {len(data.advice)} advice examples ({sum(e.label or 0 for e in data.advice)} positive)"
    )
    cv = cross_validate(data, folds_of(data.docs)).figures()
    print("5-fold CV:", json.dumps(cv))
    writers = cross_validate(data, writers_of(data.docs)).figures()
    print("leave-one-writer-out:", json.dumps(writers))
    models = train_models(data, {d.id for d in data.docs} | data.seeds)
    dev = evaluate(models, dev_docs).figures()
    print("dev:", json.dumps(dev))
    unseen_figures: dict[str, object] = {}
    for name, part in unseen.items():
        unseen_figures[name] = figures_of = evaluate(models, part).figures()
        print(f"{name}, the {len(part)} documents not trained on:", json.dumps(figures_of))
    if args.cv_only:
        return 0
    trained = {
        "data": f"social_train.jsonl and social_train2.jsonl ({len(data.docs)} posts, writers A-G), the rule examples"
        " and documents of other corpora (extra)",
        "seed": SEED,
        "C": C,
        "rule_example_weight": SEED_WEIGHT,
        "candidates": len(data.candidates),
        "cv_5fold": cv,
        "cv_leave_one_writer_out": writers,
        "dev": dev,
        "extra": {
            **{name: f"{share:.0%} of {name}" for name, share in EXTRA.items()},
            ADVICE_EXTRA[0]: f"{ADVICE_EXTRA[1]:.0%}, as advice negatives only",
        },
        "unseen_parts": unseen_figures,
    }
    for model in (models.story, models.identifier, models.consent, models.advice):
        print(f"wrote {_write(model, args.out, trained)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
