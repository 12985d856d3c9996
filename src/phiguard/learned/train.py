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
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from phiguard.engine.linter import Linter
from phiguard.learned import LinearModel, model_path
from phiguard.learned.data import (
    ADVICE_EXTRA,
    CLEAN_ONLY,
    EXTRA,
    SEED_WEIGHT,
    TRAIN,
    Data,
    as_posts,
    collect,
    split_extra,
)
from phiguard.learned.features import (
    ScoredCandidate,
    not_advised,
    post_features,
    story_features,
    with_story,
)
from phiguard.learned.fitting import (
    SEED,
    C,
    Drop,
    Example,
    fit,
    folds_of,
    keep_all,
    model_of,
    scored_thresholds,
    writers_of,
)
from phiguard.models import Report
from phiguard.run.evaluate import GoldDoc, Tally, read_corpus


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


def train_models(data: Data, docs: set[str], drop: Drop = keep_all) -> Models:
    """The four models trained on the posts ``docs``, thresholds from out-of-fold scores. The identifier
    model reads each candidate's story score from a story model that never saw its post."""
    stories = story_examples(data, docs)
    story_oof, story_th = scored_thresholds("story", stories, drop)
    story = model_of("story", fit("story", stories, drop), story_th)
    told = {e.doc: sc for e, sc in zip(stories, story_oof, strict=True)}
    index = [i for i, e in enumerate(data.candidates) if e.doc in docs]
    candidates = [
        replace(e, features=with_story(e.features, e.entity, told[e.doc])) for e in (data.candidates[i] for i in index)
    ]
    oof, id_th = scored_thresholds("identifier", candidates, drop)
    identifier = model_of("identifier", fit("identifier", candidates, drop), id_th)
    posts = post_examples(data, docs, dict(zip(index, oof, strict=True)), told)
    consent = model_of("consent", fit("consent", posts, drop), scored_thresholds("consent", posts, drop)[1])
    advice = [e for e in data.advice if e.doc in docs]
    return Models(
        story,
        identifier,
        consent,
        model_of("advice", fit("advice", advice, drop), scored_thresholds("advice", advice, drop)[1]),
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
    for doc, report in zip(docs, linter.lint_many(as_posts(docs)), strict=True):
        tallies.add(doc, report)
    return tallies


def cross_validate(data: Data, splits: list[list[str]], drop: Drop = keep_all) -> Tallies:
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
    identifier_only: set[str] = set()
    unseen: dict[str, list[GoldDoc]] = {}
    for name, share in EXTRA.items():
        part, held = split_extra(list(read_corpus(args.data / name)), share)
        if name in CLEAN_ONLY:
            part = [d for d in part if not d.spans]
            identifier_only |= {d.id for d in part}
        extra_train += part
        unseen[name] = held
    name, share = ADVICE_EXTRA
    advice_train, unseen[name] = split_extra(list(read_corpus(args.data / name)), share)
    posts = [doc for name in TRAIN for doc in read_corpus(args.data / name)]
    data = collect(posts, extra=extra_train, advice_extra=advice_train, identifier_only=identifier_only)
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
            **{
                name: f"{share:.0%} of {name}" + (", its posts without a labelled span" if name in CLEAN_ONLY else "")
                for name, share in EXTRA.items()
            },
            ADVICE_EXTRA[0]: f"{ADVICE_EXTRA[1]:.0%}, as advice negatives only",
        },
        "unseen_parts": unseen_figures,
    }
    for model in (models.story, models.identifier, models.consent, models.advice):
        print(f"wrote {_write(model, args.out, trained)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
