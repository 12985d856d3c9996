"""A post-level check is a unit: one module (its kinds and how it judges a post) and one rule file."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from phiguard import posts
from phiguard.config import Config
from phiguard.engine.linter import Linter
from phiguard.errors import RulePackError
from phiguard.rulepack.loader import load_rules

TOY = Path(__file__).parent / "fixtures" / "toy_check"


@pytest.fixture
def shouting() -> Iterator[object]:
    sys.path.insert(0, str(TOY))
    try:
        from shouting import ShoutingCheck  # type: ignore[import-not-found]

        check = ShoutingCheck()
        posts.register(check)
        yield check
        posts.unregister(check)
    finally:
        sys.path.remove(str(TOY))


def test_a_registered_check_and_its_rule_file_report_a_new_kind(shouting: object) -> None:
    linter = Linter(Config(rule_dirs=[TOY / "rules"]))
    for rule in linter.rules.by_code("TOY001").examples.flag:
        report = linter.lint(rule.text, lang=rule.lang)
        toy = [f for f in report.findings if f.rule == "TOY001"]
        assert len(toy) == 1 and toy[0].category == "advice" and toy[0].message.startswith("This post shouts"), (
            rule.text
        )
    for rule in linter.rules.by_code("TOY001").examples.pass_:
        assert not [f for f in linter.lint(rule.text, lang=rule.lang).findings if f.rule == "TOY001"]
    quiet = Linter(Config(rule_dirs=[TOY / "rules"], ignore=("TOY001",)))
    assert not [f for f in quiet.lint("@jo_b TAKE YOUR PILLS NOW").findings if f.rule == "TOY001"]


def test_a_kind_no_check_reports_is_an_error_naming_the_rule_file() -> None:
    with pytest.raises(RulePackError, match=r"TOY001-shouting.yml.*advice.shouting"):
        load_rules([TOY / "rules"])


def test_two_checks_cannot_report_one_kind(shouting: object) -> None:
    with pytest.raises(ValueError, match=r"advice\.shouting"):
        posts.register(type(shouting)())  # type: ignore[arg-type]


def test_the_built_in_checks_declare_the_kinds_of_the_built_in_rules() -> None:
    rules = load_rules()
    assert {r.detect.post for r in rules.rules if r.detect.post} == posts.post_kinds()
