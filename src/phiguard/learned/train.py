"""Train the learned context models from the labelled hospital posts, with cross-validated figures.

    python -m phiguard.learned.train --data ../shared/data          # = make train
    python -m phiguard.learned.train --data ../shared/data --cv-only # figures, nothing written

Data: ``social_train.jsonl`` (450 posts by three writers) trains; ``social.dev.jsonl`` is only checked.
Every candidate the rules, the NER model and Presidio find in a post is labelled by overlap with a gold
identifier (Safe Harbor scope, as ``phiguard.evaluation`` scores): 1 if it overlaps one, 0 if it
overlaps none, left out if it touches only neutral gold (organisations, clinicians, ages of 89 or
less). A logistic regression (scikit-learn, lbfgs; folds drawn with a fixed seed) learns the candidate score; the
thresholds for ``warning`` and ``error`` are chosen on out-of-fold scores, never on the posts scored.

Figures: 5-fold cross-validation (folds drawn with the seed) and leave-one-writer-out (train on two
writers, score the third: the closest thing to posts written by somebody else). Each fold runs the
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
from dataclasses import dataclass
from pathlib import Path

from phiguard.engine import Linter
from phiguard.evaluation import GoldDoc, Tally, in_safe_harbor, read_corpus
from phiguard.learned import FORMAT, LinearModel, Thresholds, model_path
from phiguard.learned.features import CandidateRecord, Features
from phiguard.models import Post

SEED = 20261202
FOLDS = 5
C = 0.5  # inverse L2 strength of the logistic regression
BETA = 1.0  # the warning threshold maximises F-beta on out-of-fold candidate scores (F1)
ERROR_PRECISION = 0.95  # the error threshold: out-of-fold precision of candidates above it


@dataclass(frozen=True)
class Example:
    doc: str
    start: int
    end: int
    rule: str
    features: Features
    label: int


def _label(record: CandidateRecord, doc: GoldDoc) -> int | None:
    if record.scope != "body":
        return None
    scored = [s for s in doc.spans if in_safe_harbor(s, doc.text)]
    if any(s.start < record.end and record.start < s.end for s in scored):
        return 1
    if any(s.start < record.end and record.start < s.end for s in doc.spans):
        return None  # touches only neutral gold: neither
    return 0


def collect(docs: Sequence[GoldDoc], linter: Linter | None = None) -> list[Example]:
    """Every candidate of every post, with its features and label."""
    linter = linter or Linter(identifier_model=_constant())
    by_id = {d.id: d for d in docs}
    records: list[CandidateRecord] = []
    linter.recorder = records.append
    for _ in linter.lint_many(_posts(docs)):
        pass
    linter.recorder = None
    out = []
    for r in records:
        assert r.post_id is not None
        label = _label(r, by_id[r.post_id])
        if label is not None:
            out.append(Example(r.post_id, r.start, r.end, r.rule, r.features, label))
    return out


def _posts(docs: Iterable[GoldDoc]) -> list[Post]:
    return [Post(id=d.id, text=d.text, lang=d.lang) for d in docs]


def _constant() -> LinearModel:
    return LinearModel(format=FORMAT, name="identifier", bias=0.0, weights={}, thresholds=Thresholds(warning=0.5, error=1.0))


def fit(examples: Sequence[Example], drop: Callable[[str], bool] = lambda name: False) -> tuple[float, dict[str, float]]:
    """A logistic regression on the examples; ``drop`` leaves features out (ablation)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer(sort=True)
    x = vec.fit_transform([{k: v for k, v in e.features.items() if not drop(k) and k != "bias"} for e in examples])
    y = [e.label for e in examples]
    clf = LogisticRegression(C=C, solver="lbfgs", max_iter=2000)
    clf.fit(x, y)
    weights = {
        name: round(float(w), 6) for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True) if abs(w) > 1e-6
    }
    return round(float(clf.intercept_[0]), 6), weights


def folds_of(docs: Sequence[GoldDoc], k: int = FOLDS) -> list[list[str]]:
    ids = sorted(d.id for d in docs)
    random.Random(SEED).shuffle(ids)
    return [ids[i::k] for i in range(k)]


def writers_of(docs: Sequence[GoldDoc]) -> list[list[str]]:
    writers: dict[str, list[str]] = {}
    for d in docs:
        writers.setdefault(str(d.meta.get("writer", "?")), []).append(d.id)
    return [writers[w] for w in sorted(writers)]


def thresholds(examples: Sequence[Example], drop: Callable[[str], bool]) -> Thresholds:
    """Thresholds chosen on out-of-fold scores of ``examples`` (an inner cross-validation)."""
    docs = sorted({e.doc for e in examples})
    random.Random(SEED + 1).shuffle(docs)
    fold = {d: i % FOLDS for i, d in enumerate(docs)}
    scored: list[tuple[float, int]] = []
    for k in range(FOLDS):
        train = [e for e in examples if fold[e.doc] != k]
        test = [e for e in examples if fold[e.doc] == k]
        model = _model(*fit(train, drop), Thresholds(warning=0.5, error=0.5))
        scored += [(model.score(e.features), e.label) for e in test]
    return choose_thresholds(scored)


def choose_thresholds(scored: list[tuple[float, int]]) -> Thresholds:
    positives = sum(label for _, label in scored)
    best_f, warning = -1.0, 0.5
    error = 1.0
    tp = fp = 0
    for score, label in sorted(scored, key=lambda t: -t[0]):
        tp += label
        fp += 1 - label
        recall, precision = tp / max(positives, 1), tp / (tp + fp)
        f = (1 + BETA**2) * precision * recall / max(BETA**2 * precision + recall, 1e-9)
        if f > best_f:
            best_f, warning = f, score
        if precision >= ERROR_PRECISION:
            error = score
    warning = round(min(warning, 0.5), 4)
    return Thresholds(warning=warning, error=round(max(error, warning), 4))


def _model(bias: float, weights: dict[str, float], th: Thresholds, trained: dict[str, object] | None = None) -> LinearModel:
    return LinearModel(format=FORMAT, name="identifier", bias=bias, weights=weights, thresholds=th, trained=trained or {})


def train_model(examples: Sequence[Example], drop: Callable[[str], bool] = lambda name: False) -> LinearModel:
    return _model(*fit(examples, drop), thresholds(examples, drop))


def cross_validate(
    docs: Sequence[GoldDoc],
    examples: Sequence[Example],
    splits: list[list[str]],
    drop: Callable[[str], bool] = lambda name: False,
) -> Tally:
    """Each split held out in turn: train on the rest, lint the held-out posts with the real Linter."""
    tally = Tally()
    for held in splits:
        held_set = set(held)
        model = train_model([e for e in examples if e.doc not in held_set], drop)
        linter = Linter(identifier_model=model)
        test = [d for d in docs if d.id in held_set]
        for doc, report in zip(test, linter.lint_many(_posts(test)), strict=True):
            tally.add(doc, list(report.findings))
    return tally


def figures(t: Tally) -> dict[str, object]:
    s = t.summary()
    keep = ("recall", "precision", "clean_docs", "clean_docs_flagged", "per_label_recall")
    out = {k: s[k] for k in keep}
    for label in ("consent_required", "personal_advice"):
        if label in s:
            d = s[label]
            assert isinstance(d, dict)
            out[label] = {"recall": d["recall"], "precision": d["precision"]}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="train phiguard's learned context models")
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=None, help="folder for the model files (default: the package)")
    ap.add_argument("--cv-only", action="store_true", help="print cross-validated figures, write nothing")
    args = ap.parse_args(argv)
    train_docs = list(read_corpus(args.data / "social_train.jsonl"))
    dev_docs = list(read_corpus(args.data / "social.dev.jsonl"))
    examples = collect(train_docs)
    print(f"{len(examples)} candidates from {len(train_docs)} posts ({sum(e.label for e in examples)} positive)")
    cv = figures(cross_validate(train_docs, examples, folds_of(train_docs)))
    writers = figures(cross_validate(train_docs, examples, writers_of(train_docs)))
    print("5-fold CV:", json.dumps(cv))
    print("leave-one-writer-out:", json.dumps(writers))
    model = train_model(examples)
    dev = Tally()
    for doc, report in zip(dev_docs, Linter(identifier_model=model).lint_many(_posts(dev_docs)), strict=True):
        dev.add(doc, list(report.findings))
    print("dev:", json.dumps(figures(dev)))
    if args.cv_only:
        return 0
    trained = {
        "data": "social_train.jsonl (450 posts, writers A, B, C)",
        "seed": SEED,
        "C": C,
        "candidates": len(examples),
        "cv_5fold": cv,
        "cv_leave_one_writer_out": writers,
        "dev": figures(dev),
    }
    model = model.model_copy(update={"trained": trained})
    out = args.out / "identifier.json" if args.out else model_path("identifier")
    out.write_text(json.dumps(model.model_dump(mode="json"), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
