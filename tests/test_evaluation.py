"""Scoring rules of ../shared/data/README.md, checked on hand-made documents (no model needed)."""

from __future__ import annotations

from phiguard.models import Category, Finding, Severity
from phiguard.run.evaluate import GoldDoc, GoldSpan, Tally, in_safe_harbor


def _finding(start: int, end: int, severity: Severity = Severity.WARNING) -> Finding:
    return Finding(
        rule="PHI001",
        category=Category.IDENTIFIER,
        severity=severity,
        entity="PERSON",
        start=start,
        end=end,
        message="m",
    )


def _doc(text: str, spans: list[tuple[int, int, str]], source: str | None = None) -> GoldDoc:
    return GoldDoc(
        id="d",
        lang="en",
        text=text,
        spans=tuple(GoldSpan(start=s, end=e, label=label, source_label=source) for s, e, label in spans),
    )


def test_overlap_label_agnostic_and_neutral_spans() -> None:
    doc = _doc("Rosa Diaz at Acme Corp", [(0, 9, "PERSON"), (13, 22, "ORGANIZATION")])
    tally = Tally()
    tally.add(doc, [_finding(0, 4), _finding(13, 17), _finding(10, 12, Severity.INFO)])
    assert tally.recall == 1.0  # partial overlap is a hit
    assert tally.precision == 1.0  # the ORGANIZATION touch is neutral, the info finding does not count


def test_false_alarm_and_miss() -> None:
    tally = Tally()
    tally.add(_doc("Call Rosa on Friday", [(5, 9, "PERSON")]), [_finding(13, 19)])
    assert tally.recall == 0.0 and tally.precision == 0.0


def test_safe_harbor_scope() -> None:
    text = "aged 70 and 93, in 2016 on 3/4, Spain, Madrid"
    assert not in_safe_harbor(GoldSpan(start=5, end=7, label="AGE"), text)
    assert in_safe_harbor(GoldSpan(start=12, end=14, label="AGE"), text)
    assert not in_safe_harbor(GoldSpan(start=19, end=23, label="DATE"), text)
    assert in_safe_harbor(GoldSpan(start=27, end=30, label="DATE"), text)
    assert not in_safe_harbor(GoldSpan(start=32, end=37, label="LOCATION"), text)
    assert in_safe_harbor(GoldSpan(start=39, end=45, label="LOCATION"), text)
    assert not in_safe_harbor(GoldSpan(start=0, end=4, label="PERSON", source_label="HCPName"), text)


def test_clean_docs_flagged_counts_posts() -> None:
    tally = Tally()
    tally.add(_doc("Free flu shots today", []), [_finding(0, 4)])
    tally.add(_doc("Wash your hands", []), [])
    assert (tally.clean_docs, tally.clean_docs_flagged) == (2, 1)
