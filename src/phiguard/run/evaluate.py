"""Scoring against the labelled corpora (schema and rules: ``../shared/data/README.md``).

Identifiers are scored by overlap, label-agnostic. Gold ORGANIZATION and OTHER spans are neutral: they
are neither hits nor misses, and a prediction that only touches them is not a false alarm. Gold spans
outside HIPAA Safe Harbor are neutral in the same way (``in_safe_harbor``): ages of 89 or less, a year
alone, countries and states, and clinicians' names and licence numbers. Raw figures, with every gold
span counted, are reported beside the Safe Harbor ones.

A prediction is an ``identifier`` finding at ``warning`` or ``error``; a post is flagged for consent
or advice when it has any finding of that category.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import regex
from pydantic import BaseModel, ConfigDict, ValidationError

from phiguard.detect.geo import is_large_region
from phiguard.errors import InputError
from phiguard.models import Category, Finding, Lang, Severity

NEUTRAL_LABELS = frozenset({"ORGANIZATION", "OTHER"})
CLINICIAN_SOURCES = frozenset(
    {"NOMBRE_PERSONAL_SANITARIO", "HCPName", "ID_TITULACION_PERSONAL_SANITARIO", "ID_EMPLEO_PERSONAL_SANITARIO"}
)
_YEAR = regex.compile(r"^\W*(?:(?:en\s+)?(?:el\s+)?(?:año|year|the\s+year|in)\s+)?(?:19|20)\d{2}\W*$", regex.I)
_OVER_89_WORDS = regex.compile(r"noventa|ninety|cien|hundred", regex.I)
_NUMBER = regex.compile(r"\d+")


class GoldSpan(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    start: int
    end: int
    label: str
    source_label: str | None = None


class GoldDoc(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    id: str
    lang: Lang
    text: str
    spans: tuple[GoldSpan, ...] = ()
    labels: dict[str, object] = {}
    meta: dict[str, object] = {}


def read_corpus(path: Path) -> Iterator[GoldDoc]:
    """Documents of a corpus file, one JSON object a line; a malformed line is an InputError."""
    try:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield GoldDoc.model_validate_json(line)
                    except ValidationError as exc:
                        raise InputError(f"{path}:{n}: not a corpus record ({exc.error_count()} problems)") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", "check the path") from None


def in_safe_harbor(span: GoldSpan, text: str) -> bool:
    """Whether a gold span is an identifier under Safe Harbor (otherwise it is scored as neutral)."""
    value = text[span.start : span.end]
    if span.label in NEUTRAL_LABELS or span.source_label in CLINICIAN_SOURCES:
        return False
    if span.label == "AGE":
        numbers = [int(n) for n in _NUMBER.findall(value)]
        if not numbers:  # written out ("tres años", "nine months"): over 89 only if it says so
            return bool(_OVER_89_WORDS.search(value))
        return max(numbers) > 89
    if span.label == "DATE":
        return span.source_label != "DateYear" and not _YEAR.match(value)
    if span.label == "LOCATION":
        return span.source_label != "PAIS" and not is_large_region(value.strip())
    return True


@dataclass(frozen=True)
class Prediction:
    start: int
    end: int
    entity: str


def predictions(findings: Iterable[Finding]) -> list[Prediction]:
    return [
        Prediction(f.start, f.end, f.entity)
        for f in findings
        if f.category == Category.IDENTIFIER and f.severity >= Severity.WARNING and f.scope == "body"
    ]


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


@dataclass
class Tally:
    """Running counts for one corpus."""

    gold: Counter[str] = field(default_factory=Counter)
    hit: Counter[str] = field(default_factory=Counter)
    raw_gold: int = 0
    raw_hit: int = 0
    pred: Counter[str] = field(default_factory=Counter)
    pred_ok: Counter[str] = field(default_factory=Counter)
    pred_neutral: int = 0
    docs: int = 0
    clean_docs: int = 0
    clean_docs_flagged: int = 0
    post_labels: dict[str, Counter[str]] = field(default_factory=dict)
    posts_with: Counter[str] = field(default_factory=Counter)  # docs with any finding of a category

    def add(self, doc: GoldDoc, findings: list[Finding]) -> None:
        self.docs += 1
        preds = predictions(findings)
        scored = [s for s in doc.spans if in_safe_harbor(s, doc.text)]
        neutral = [s for s in doc.spans if s not in scored]
        for s in scored:
            self.gold[s.label] += 1
            if any(_overlaps(s.start, s.end, p.start, p.end) for p in preds):
                self.hit[s.label] += 1
        for s in doc.spans:
            if s.label not in NEUTRAL_LABELS:
                self.raw_gold += 1
                self.raw_hit += any(_overlaps(s.start, s.end, p.start, p.end) for p in preds)
        for p in preds:
            if any(_overlaps(s.start, s.end, p.start, p.end) for s in scored):
                self.pred[p.entity] += 1
                self.pred_ok[p.entity] += 1
            elif any(_overlaps(s.start, s.end, p.start, p.end) for s in neutral):
                self.pred_neutral += 1
            else:
                self.pred[p.entity] += 1
        if not scored:
            self.clean_docs += 1
            self.clean_docs_flagged += bool(preds)
        for category in {f.category for f in findings}:
            self.posts_with[category.value] += 1
        for label, category in (("consent_required", Category.CONSENT), ("personal_advice", Category.ADVICE)):
            if label in doc.labels:
                gold_flag = bool(doc.labels[label])
                flagged = any(f.category == category for f in findings)
                c = self.post_labels.setdefault(label, Counter())
                c["tp" if gold_flag and flagged else "fn" if gold_flag else "fp" if flagged else "tn"] += 1

    # -- figures ---------------------------------------------------------------------------------
    @property
    def recall(self) -> float | None:
        total = sum(self.gold.values())
        return sum(self.hit.values()) / total if total else None

    @property
    def precision(self) -> float | None:
        total = sum(self.pred.values())
        return sum(self.pred_ok.values()) / total if total else None

    @property
    def raw_recall(self) -> float | None:
        return self.raw_hit / self.raw_gold if self.raw_gold else None

    def summary(self) -> dict[str, object]:
        out: dict[str, object] = {
            "docs": self.docs,
            "recall": _r(self.recall),
            "precision": _r(self.precision),
            "gold_spans": sum(self.gold.values()),
            "predictions": sum(self.pred.values()),
            "raw_recall": _r(self.raw_recall),
            "clean_docs": self.clean_docs,
            "clean_docs_flagged": self.clean_docs_flagged,
            "per_label_recall": {k: _r(self.hit[k] / v) for k, v in sorted(self.gold.items())},
            "per_entity_precision": {k: _r(self.pred_ok[k] / v) for k, v in sorted(self.pred.items()) if v},
            "docs_with_consent_finding": self.posts_with["consent"],
            "docs_with_advice_finding": self.posts_with["advice"],
        }
        for label, c in self.post_labels.items():
            tp, fp, fn = c["tp"], c["fp"], c["fn"]
            out[label] = {
                "recall": _r(tp / (tp + fn)) if tp + fn else None,
                "precision": _r(tp / (tp + fp)) if tp + fp else None,
                **dict(c),
            }
        return out


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def format_summary(name: str, s: dict[str, object]) -> str:
    lines = [
        f"{name}: {s['docs']} docs",
        f"  identifiers (Safe Harbor): recall {s['recall']}  precision {s['precision']}"
        f"  (gold {s['gold_spans']}, predictions {s['predictions']}; raw recall {s['raw_recall']})",
        f"  docs without identifiers flagged: {s['clean_docs_flagged']}/{s['clean_docs']}",
    ]
    per_label = s["per_label_recall"]
    assert isinstance(per_label, dict)
    if per_label:
        lines.append("  recall by label: " + ", ".join(f"{k} {v}" for k, v in per_label.items()))
    per_entity = s["per_entity_precision"]
    assert isinstance(per_entity, dict)
    if per_entity:
        lines.append("  precision by finding entity: " + ", ".join(f"{k} {v}" for k, v in per_entity.items()))
    lines.append(
        f"  docs with a consent finding: {s['docs_with_consent_finding']}/{s['docs']}, "
        f"with an advice finding: {s['docs_with_advice_finding']}/{s['docs']}"
    )
    for label in ("consent_required", "personal_advice"):
        if label in s:
            d = s[label]
            assert isinstance(d, dict)
            counts = ", ".join(f"{k} {d.get(k, 0)}" for k in ("tp", "fp", "fn", "tn"))
            lines.append(f"  {label}: recall {d['recall']}  precision {d['precision']}  ({counts})")
    return "\n".join(lines)


def prediction_record(doc: GoldDoc, findings: list[Finding]) -> str:
    """One line of ``--predictions`` output: codes and offsets, never the matched text."""
    return json.dumps(
        {
            "id": doc.id,
            "findings": [
                f.model_dump(mode="json", include={"rule", "category", "severity", "entity", "start", "end", "scope"})
                for f in findings
            ],
        },
        ensure_ascii=False,
    )


def format_training(trained: dict[str, object]) -> str:
    """The cross-validated figures stored with the shipped identifier model (``make train``), to read
    next to a corpus's figures: they were measured on posts the model had not seen."""
    lines = [f"learned models, trained on {trained.get('data', '?')} (seed {trained.get('seed', '?')}):"]
    for key, name in (("cv_5fold", "5-fold cross-validation"), ("cv_leave_one_writer_out", "leave one writer out")):
        f = trained.get(key)
        if not isinstance(f, dict):
            continue
        consent = f.get("consent_required") or {}
        assert isinstance(consent, dict)
        lines.append(
            f"  {name}: identifiers recall {f.get('recall')}  precision {f.get('precision')}"
            f"  (harmless posts flagged {f.get('clean_docs_flagged')}/{f.get('clean_docs')});"
            f" consent recall {consent.get('recall')}  precision {consent.get('precision')}"
        )
    return "\n".join(lines)
