"""Every rule's flag/pass examples, in English and Spanish, run as tests (proselint's meta-test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagekit import make
from phiguard import Linter, Post, Severity
from phiguard.posts.ledger import ConsentRecord, MemoryLedger
from phiguard.rulepack.loader import load_rules
from phiguard.rulepack.schema import Example, FixExample, Rule

RULES = load_rules().rules
CASES = [
    pytest.param(rule, kind, ex, id=f"{rule.code}-{kind}-{ex.lang}-{i}", marks=[pytest.mark.ocr] if ex.image else [])
    for rule in RULES
    for kind, examples in (("flag", rule.examples.flag), ("pass", rule.examples.pass_))
    for i, ex in enumerate(examples)
]


def _counted(linter: Linter, rule: Rule, ex: Example, folder: Path) -> list[tuple[int, int]]:
    """Spans where this rule fired at warning or above (also when another rule's finding absorbed it).
    A post-level (consent) rule counts at any severity: any consent finding flags the post."""
    if ex.ledger or ex.today:
        ledger = MemoryLedger([ConsentRecord.model_validate(r) for r in ex.ledger], "example") if ex.ledger else None
        linter = linter.with_consent(ledger, ex.today)
    images = (make(ex.image, folder),) if ex.image else ()
    report = linter.lint(Post(text=ex.text, lang=ex.lang, captions=ex.captions, metadata=ex.metadata, images=images))
    floor = Severity.INFO if rule.detect.post else Severity.WARNING
    return [
        (f.start, f.end)
        for f in report.findings
        if f.severity >= floor and (f.rule == rule.code or f"also:{rule.code}" in f.evidence)
    ]


@pytest.mark.parametrize(("rule", "kind", "ex"), CASES)
def test_rule_example(linter: Linter, rule: Rule, kind: str, ex: Example, tmp_path: Path) -> None:
    spans = _counted(linter, rule, ex, tmp_path)
    if kind == "pass":
        assert not spans, f"{rule.code} should not fire on: {ex.text}"
        return
    assert spans, f"{rule.code} should fire on: {ex.text}"
    if ex.match:
        start = ex.text.index(ex.match)
        end = start + len(ex.match)
        assert any(s < end and start < e for s, e in spans), f"{rule.code} missed {ex.match!r}"


def test_every_rule_has_examples_in_both_languages() -> None:
    for rule in RULES:
        for examples in (rule.examples.flag, rule.examples.pass_):
            assert {e.lang for e in examples} == {"en", "es"}, rule.code


FIX_CASES = [
    pytest.param(rule, ex, id=f"{rule.code}-fix-{ex.lang}-{i}", marks=[pytest.mark.ocr] if ex.image else [])
    for rule in RULES
    if rule.fix is not None
    for i, ex in enumerate(rule.fix.examples)
]


@pytest.mark.parametrize(("rule", "ex"), FIX_CASES)
def test_fix_example(linter: Linter, rule: Rule, ex: FixExample, tmp_path: Path) -> None:
    """The rule fires on the example, `phiguard fix` writes exactly `fixed`, the rewrite lints clean
    (nothing at warning or above; an image rule's finding is left for `phiguard redact-image`) and
    fixing it again changes nothing."""
    images = (make(ex.image, tmp_path),) if ex.image else ()
    post = Post(text=ex.text, lang=ex.lang, images=images)
    assert any(f.rule == rule.code and f.severity >= Severity.WARNING for f in linter.lint(post).findings)
    result = linter.fix(post)
    assert result.text == ex.fixed
    left = result.left()
    if rule.fix is not None and rule.fix.operator == "redact-image":  # left, with what it implies (consent)
        assert rule.code in {f.rule for f in left}
        assert not [f.rule for f in left if f.category.value == "identifier" and f.scope.kind != "image"]
    else:
        assert not left, [(f.rule, f.severity.value) for f in left]
    assert linter.fix(result.post).text == ex.fixed


def test_every_identifier_rule_says_how_it_is_fixed() -> None:
    for rule in RULES:
        if rule.category.value == "identifier":
            assert rule.fix is not None, rule.code
            assert {e.lang for e in rule.fix.examples} == {"en", "es"}, rule.code
