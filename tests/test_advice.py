"""Personal medical advice (ADV rules): the fixture posts of our own writing, the signals in evidence,
the suggested reply in the post's language, and no PHI in what is serialised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phiguard import Linter, Post
from phiguard.cli import main
from phiguard.evaluation import read_corpus

FIX = Path(__file__).parent / "fixtures"


def _advice(linter: Linter, text: str, lang: str | None = None) -> list[str]:
    return [f.rule for f in linter.lint(Post(text=text, lang=lang)).findings if f.category.value == "advice"]  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("corpus", "ceiling"),
    [
        ("advice_posts.jsonl", None),
        ("round4_posts.jsonl", None),  # patients, staff and replies written blind in round 4: advice labels
        ("population_advice.jsonl", 0.05),
        ("public_health_posts.jsonl", 0.05),
    ],
)
def test_fixture_corpora(linter: Linter, corpus: str, ceiling: float | None) -> None:
    """Replies that prescribe or diagnose are flagged, education and research statements are not
    (the issue's ceilings: at most 5% of population-level and public-health texts flagged)."""
    docs = list(read_corpus(FIX / corpus))
    wrong = [d.id for d in docs if bool(_advice(linter, d.text, d.lang)) != bool(d.labels["personal_advice"])]
    if ceiling is None:
        assert wrong == []
    else:
        assert len(wrong) <= ceiling * len(docs), wrong


def test_evidence_names_signals_and_offsets_only(linter: Linter) -> None:
    text = "@tina_r halve your warfarin until the bruising stops."
    finding = next(f for f in linter.lint(text).findings if f.rule == "ADV001")
    assert finding.evidence[0] == "signals:reply+directive+drug+clinical"
    assert text[finding.start : finding.end] == "halve your warfarin"
    dumped = finding.model_dump_json()
    assert "warfarin" not in dumped and "tina" not in dumped  # values never serialise
    assert finding.suggestion and "medical advice" in finding.suggestion


def test_suggestion_follows_the_post_language(linter: Linter) -> None:
    report = linter.lint("@paco_88 tómate 1 g de paracetamol cada 6 horas.")
    finding = next(f for f in report.findings if f.rule == "ADV001")
    assert finding.lang == "es" and finding.suggestion and "consejo médico" in finding.suggestion


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("@jo_b with that rash you should keep it covered and stay out of the sun.", ["ADV003"]),
        ("@pat_h that sounds like a UTI, drink cranberry juice and finish the leftover Cipro.", ["ADV001", "ADV002"]),
        ("@coach_ray glad you're better! Finish any antibiotics exactly as your doctor prescribed.", []),
        ("@drjones clinicians should consider metformin first-line, per the ADA guidelines.", []),
        ("@bella_mom give her children's Motrin every 6 hours and push fluids.", ["ADV001"]),
        ("@mari_t92 so sorry! We can't give medical advice here, please call your care team.", []),
    ],
)
def test_signals_combine(linter: Linter, text: str, rules: list[str]) -> None:
    assert sorted(_advice(linter, text)) == rules


def test_the_person_advised_is_not_also_a_featured_patient(linter: Linter) -> None:
    report = linter.lint("Hi Laura, for your son's ear infection give him 5 ml of amoxicillin three times a day.")
    assert {f.category.value for f in report.findings if f.severity.value != "info"} == {"advice", "identifier"}


def test_json_output_carries_the_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "reply.txt"
    draft.write_text("@tina_r halve your warfarin until the bruising stops.\n", encoding="utf-8")
    assert main(["check", "--no-progress", "--format", "json", str(draft)]) == 1
    items = json.loads(capsys.readouterr().out)
    adv = next(i for i in items if i["rule"] == "ADV001")
    assert adv["suggestion"].startswith("We're sorry") and adv["value"] != "halve your warfarin"
