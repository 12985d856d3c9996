"""Consent figures on the labelled social posts (issue 4 targets).

1. No consent metadata: posts labelled ``consent_required`` should get a consent finding (recall,
   precision), harmless posts none.
2. With a matching, valid consent covering every scope word, naming the patient as the gold PERSON span
   spells it (or no name when the gold has none), the same posts should pass clean: no consent finding
   and no identifier at warning or error.

    python bench/consent.py --data ../shared/data

Besides the shared social posts it scores ``tests/fixtures/consent_posts.jsonl``: 84 posts of our own
writing (English and Spanish) about patients, staff, donors, public figures and aggregate counts, a
held-out-style check that the method carries beyond the 28 shared posts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from phiguard import Linter, Post
from phiguard.models import Category, Severity
from phiguard.posts.ledger import SCOPES
from phiguard.run.evaluate import read_corpus

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "consent_posts.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = ap.parse_args()
    linter = Linter()
    for corpus in (args.data / "social.dev.jsonl", FIXTURES):
        score(linter, corpus)
    return 0


def score(linter: Linter, corpus: Path) -> None:
    tp = fp = fn = harmless_flagged = harmless = 0
    clean = required = 0
    for doc in read_corpus(corpus):
        needed = bool(doc.labels.get("consent_required"))
        report = linter.lint(Post(text=doc.text, lang=doc.lang))
        flagged = any(f.category == Category.CONSENT for f in report.findings)
        tp += needed and flagged
        fn += needed and not flagged
        fp += flagged and not needed
        if flagged != needed:
            print(f"{'missed' if needed else 'false alarm'}: {doc.id}", file=sys.stderr)
        if not needed and not doc.labels.get("personal_advice"):
            harmless += 1
            harmless_flagged += flagged
        if needed:
            required += 1
            # one consent per person the gold names (twins, a baby and the family's surname...)
            names = list(dict.fromkeys(doc.text[s.start : s.end] for s in doc.spans if s.label == "PERSON"))
            records = [{"id": f"BENCH-{i}", "scope": list(SCOPES), "patient": n} for i, n in enumerate(names)]
            records = records or [{"id": "BENCH-0", "scope": list(SCOPES)}]
            covered = linter.lint(Post(text=doc.text, lang=doc.lang, metadata={"consent": records}))
            left = [
                f
                for f in covered.findings
                if f.category == Category.CONSENT
                or (f.category == Category.IDENTIFIER and f.severity >= Severity.WARNING)
            ]
            clean += not left
            if left:
                print(f"not clean with consent: {doc.id}: {sorted({f.rule for f in left})}", file=sys.stderr)
    recall = tp / (tp + fn) if tp + fn else None
    precision = tp / (tp + fp) if tp + fp else None
    print(f"== {corpus.name}")
    print(f"consent_required: recall {_r(recall)}, precision {_r(precision)} ({tp + fn} posts)")
    print(f"harmless posts with a consent finding: {harmless_flagged}/{harmless}")
    print(f"consent_required posts clean with a matching consent: {clean}/{required}")


def _r(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


if __name__ == "__main__":
    sys.exit(main())
