"""The public API is a contract other tools import: these tests pin its shape."""

from __future__ import annotations

import json

import pytest

import phiguard
from phiguard import Category, Finding, Linter, Post, Report, Severity


def test_lint_returns_contract_fields() -> None:
    report = phiguard.lint("Welcome home, Rosa! Her new knee is working wonders since March.")
    assert isinstance(report, Report)
    assert report.findings
    for f in report.findings:
        assert isinstance(f, Finding)
        assert f.rule and f.entity and f.message
        assert isinstance(f.category, Category) and isinstance(f.severity, Severity)
        assert 0 <= f.start < f.end
    rosa = [f for f in report.findings if f.value == "Rosa" and f.category == Category.IDENTIFIER]
    assert rosa and rosa[0].category == Category.IDENTIFIER and rosa[0].severity >= Severity.WARNING


def test_offsets_index_the_text() -> None:
    text = "Great progress for Jordan Wells (MRN 5520417) on the rehab floor today!"
    report = phiguard.lint(text, lang="en")
    for f in report.findings:
        assert text[f.start : f.end] == f.value


def test_lint_many_keeps_order_and_batches(linter: Linter) -> None:
    texts = [
        "Free flu shots on Saturday in the main lobby.",
        "Nuestro paciente Andrés recibió ayer el alta.",
        "Harold Becker turned 101 on Sunday.",
    ] * 5
    reports = list(linter.lint_many(texts))
    assert len(reports) == len(texts)
    assert [r.post.text for r in reports] == texts
    assert reports[0].ok and not reports[1].ok and not reports[2].ok
    assert reports[1].languages == {"body": "es"}


def test_lint_many_is_lazy(linter: Linter) -> None:
    def endless():  # type: ignore[no-untyped-def]
        while True:
            yield "Hello"

    first = next(iter(linter.lint_many(endless())))
    assert first.ok


def test_captions_and_alt_texts_are_scopes(linter: Linter) -> None:
    post = Post(
        text="A great day on the unit.",
        captions=("Foto: Lucía Ferrer con su bebé, nacido el 21 de julio.",),
        alt_texts=("Nurse holding a newborn in room 305",),
        lang="es",
    )
    report = linter.lint(post)
    scopes = {f.scope for f in report.at_least(Severity.WARNING)}
    assert "caption[0]" in scopes
    for f in report.findings:
        assert post.scope_text(f.scope)[f.start : f.end] == f.value


def test_values_never_serialised_or_repr() -> None:
    report = phiguard.lint("Welcome home, Rosa! Her new knee is working wonders since March.")
    dumped = report.model_dump_json()
    assert "Rosa" not in dumped
    assert "Rosa" not in repr(report.findings)
    assert "<PATIENT>" in dumped  # the entity type, nothing of the value
    assert all("value" not in f for f in json.loads(dumped)["findings"])


def test_models_are_frozen() -> None:
    report = phiguard.lint("Hello")
    try:
        report.findings = ()  # type: ignore[misc]
    except Exception:
        pass
    else:
        raise AssertionError("Report should be frozen")


def test_forced_language_wins(linter: Linter) -> None:
    assert linter.lint("Hola, ¿qué tal?", lang="en").languages == {"body": "en"}
    assert linter.lint(Post(text="Hello there, how are you?", lang="es")).languages == {"body": "es"}


def test_severity_order() -> None:
    assert Severity.INFO < Severity.WARNING < Severity.ERROR
    assert max([Severity.WARNING, Severity.ERROR, Severity.INFO], key=lambda s: s.rank) is Severity.ERROR


def test_report_ok_follows_fail_on() -> None:
    """A library user gets the CLI's verdict (issue 16): with `fail-on = "error"` a warning is ok."""
    from phiguard import Config

    text = "Happy 95th birthday to our volunteer June!"  # an age over 89: a warning, nothing at error
    warned = Linter().lint(text)
    assert warned.max_severity == Severity.WARNING and not warned.ok
    relaxed = Linter(Config.model_validate({"fail-on": "error"})).lint(text)
    assert relaxed.max_severity == Severity.WARNING and relaxed.ok and relaxed.fail_on == Severity.ERROR
    assert not Linter(Config.model_validate({"fail-on": "error"})).lint("Welcome home, Rosa!").ok


def test_severity_overrides_reach_every_rule_family() -> None:
    """`severity` in the config applies to consent and advice findings as it does to identifiers
    (issue 16's first bug: CON001 and ADV001 kept their rule's severity)."""
    from phiguard import Config

    consent = "Welcome home, Rosa! Her new knee is working wonders since March."
    advice = "@tina_r halve your warfarin tonight and skip tomorrow's dose."
    default = Linter()
    assert {f.rule: f.severity for f in default.lint(consent).findings}["CON001"] == Severity.ERROR
    assert {f.rule: f.severity for f in default.lint(advice).findings}["ADV001"] == Severity.ERROR
    relaxed = Linter(Config(severity={"CON001": Severity.INFO, "ADV001": Severity.WARNING, "PHI010": Severity.INFO}))
    by_rule = {f.rule: f.severity for f in relaxed.lint(consent).findings}
    assert by_rule["CON001"] == Severity.INFO and by_rule["PHI010"] == Severity.INFO
    assert {f.rule: f.severity for f in relaxed.lint(advice).findings}["ADV001"] == Severity.WARNING


@pytest.mark.slow
def test_a_report_round_trips_through_json_with_masked_values() -> None:
    from phiguard import Report

    report = phiguard.lint("Welcome home, Rosa Alvarez! She is resting in bed 3.")
    text = report.model_dump_json()
    again = Report.model_validate_json(text)
    assert again.model_dump_json() == text and "Rosa" not in text
    assert [(f.rule, f.scope, f.start, f.end, f.masked) for f in again.findings] == [
        (f.rule, f.scope, f.start, f.end, f.masked) for f in report.findings
    ]
    assert all(f.value == "" and f.masked for f in again.findings)  # the value itself never travels
