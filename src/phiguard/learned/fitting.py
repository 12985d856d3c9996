"""Fitting the learned models: a logistic regression per model (scikit-learn, lbfgs, fixed seed), the
folds (by post or by writer), out-of-fold scores and the thresholds chosen on them. scikit-learn is
imported only here and only when fitting (``pip install -e '.[train]'``)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from phiguard.learned import FORMAT, LinearModel, ModelName, Thresholds
from phiguard.learned.features import (
    Features,
)
from phiguard.run.evaluate import GoldDoc

SEED = 20261202


FOLDS = 5


# a weight smaller than this is not kept: it moves no score by more than a rounding, and the 40,000 of
# them held 4 MB of every process (issue 30)
MIN_WEIGHT = 1e-3


C = {"story": 0.5, "identifier": 0.5, "consent": 0.5, "advice": 0.5}  # inverse L2 strength of each logistic regression


# each warning threshold maximises F-beta on out-of-fold scores (beta < 1 favours precision)
BETA = {"story": 1.0, "identifier": 0.7, "consent": 1.5, "advice": 1.1}


# each error threshold: the lowest score above which out-of-fold precision stays at this value. Consent's
# is lower: with no identifier at warning, only a score at error flags a post that singles a patient out
# by details alone ("the farmer pinned under his tractor"), and at 0.95 most of those went unflagged
ERROR_PRECISION = {"story": 0.95, "identifier": 0.95, "consent": 0.85, "advice": 0.95}


Drop = Callable[[str], bool]


def keep_all(name: str) -> bool:
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


def constant(name: ModelName) -> LinearModel:
    return LinearModel(format=FORMAT, name=name, bias=0.0, weights={}, thresholds=Thresholds(warning=0.5, error=1.0))


def never(name: ModelName) -> LinearModel:
    """A model that scores every input 0.5 and never reaches its warning threshold."""
    return LinearModel(format=FORMAT, name=name, bias=0.0, weights={}, thresholds=Thresholds(warning=1.0, error=1.0))


def fit(name: ModelName, examples: Sequence[Example], drop: Drop = keep_all) -> tuple[float, dict[str, float]]:
    """A logistic regression on the labelled examples; ``drop`` leaves features out (ablation)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    labelled = [e for e in examples if e.label is not None]
    vec = DictVectorizer(sort=True)
    x = vec.fit_transform([{k: v for k, v in e.features.items() if k != "bias" and not drop(k)} for e in labelled])
    clf = LogisticRegression(C=C[name], solver="lbfgs", max_iter=5000)
    clf.fit(x, [e.label for e in labelled], sample_weight=[e.weight for e in labelled])
    names = vec.get_feature_names_out()
    weights = {n: round(float(w), 5) for n, w in zip(names, clf.coef_[0], strict=True) if abs(w) >= MIN_WEIGHT}
    return round(float(clf.intercept_[0]), 5), weights


def model_of(name: ModelName, fitted: tuple[float, dict[str, float]], th: Thresholds) -> LinearModel:
    return LinearModel(format=FORMAT, name=name, bias=fitted[0], weights=fitted[1], thresholds=th)


def split_ids(ids: Iterable[str], seed: int, k: int = FOLDS) -> list[list[str]]:
    ordered = sorted(set(ids))
    random.Random(seed).shuffle(ordered)
    return [ordered[i::k] for i in range(k)]


def folds_of(docs: Sequence[GoldDoc]) -> list[list[str]]:
    return split_ids((d.id for d in docs), SEED)


def writers_of(docs: Sequence[GoldDoc]) -> list[list[str]]:
    writers: dict[str, list[str]] = {}
    for d in docs:
        writers.setdefault(str(d.meta.get("writer", "?")), []).append(d.id)
    return [writers[w] for w in sorted(writers)]


def out_of_fold(name: ModelName, examples: Sequence[Example], drop: Drop = keep_all) -> list[float]:
    """Each example's score from a model that never saw its post (an inner cross-validation)."""
    scores = [0.0] * len(examples)
    for held in split_ids((e.doc for e in examples), SEED + 1):
        held_set = set(held)
        model = model_of(
            name, fit(name, [e for e in examples if e.doc not in held_set], drop), constant(name).thresholds
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
    name: ModelName, examples: Sequence[Example], drop: Drop = keep_all
) -> tuple[list[float], Thresholds]:
    """Each example's out-of-fold score, and the thresholds chosen on those scores."""
    oof = out_of_fold(name, examples, drop)
    labelled = ((s, e.label) for s, e in zip(oof, examples, strict=True) if e.label is not None)
    return oof, choose_thresholds(labelled, BETA[name], ERROR_PRECISION[name])
