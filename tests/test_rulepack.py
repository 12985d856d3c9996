"""Rule packs are validated strictly: a typo is an error naming the file, never a silent no-op."""

from __future__ import annotations

from pathlib import Path

import pytest

from phiguard.errors import PostError, RulePackError
from phiguard.models import Entity
from phiguard.rulepack.loader import builtin_rules_dir, load_rules

GOOD = """\
code: XYZ001
name: test-rule
summary: A test rule.
category: identifier
entity: ID
severity: warning
message: A test finding.
why: Because.
detect:
  patterns:
    - name: t
      regex: '\\bZZ\\d{3}\\b'
examples:
  flag:
    - {lang: en, text: "code ZZ123"}
    - {lang: es, text: "código ZZ123"}
  pass:
    - {lang: en, text: "nothing"}
    - {lang: es, text: "nada"}
"""


_POST = "detect:\n  post: {kind}\n"
_PATTERNS = "detect:\n  patterns:\n    - name: t\n      regex: '\\bZZ\\d{3}\\b'\n"


def _pack(tmp_path: Path, text: str, name: str = "XYZ001-test-rule.yml") -> Path:
    folder = tmp_path / "custom"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_builtin_packs_load() -> None:
    rules = load_rules()
    codes = [r.code for r in rules.rules]
    assert len(codes) == len(set(codes))
    assert {code[:3] for code in codes} == {"PHI", "CON", "ADV", "IMG"}
    assert (builtin_rules_dir() / "lexicon").is_dir()


def test_extra_pack_adds_a_rule(tmp_path: Path) -> None:
    rules = load_rules([_pack(tmp_path, GOOD)])
    assert rules.by_code("XYZ001").name == "test-rule"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t + "serverity: error\n", "serverity"),
        (lambda t: t.replace("ZZ\\d{3}", "(unclosed"), "regex"),
        (lambda t: t.replace("severity: warning", "severity: fatal"), "severity"),
        (lambda t: t.replace('    - {lang: es, text: "nada"}\n', ""), "es"),
        (lambda t: t + "context:\n  checks: [no_such_check]\n", "no_such_check"),
        (lambda t: t + "context:\n  floor: {unless: [no_such_floor]}\n", "no_such_floor"),
        (lambda t: t + "context:\n  demote: [role_before]\n", "demote"),
        (lambda t: t.replace("  patterns:", "  presidio: [NoSuchRecognizer]\n  patterns:"), "NoSuchRecognizer"),
        (lambda t: t.replace("code: XYZ001", "code: xyz1"), "code"),
        (lambda t: t.replace("entity: ID", "entity: IDENTIFIER"), "'IDENTIFIER' is not known"),
        (lambda t: t + "role: hashtag\n", "'hashtag' is not known"),
        (lambda t: "code: [unclosed\n", "YAML"),
        (lambda t: t.replace(_PATTERNS, _POST.format(kind="consent.no-such-kind")), "consent.missing"),
        (lambda t: t.replace(_PATTERNS, _POST.format(kind="consent.missing")), "another rule already reports"),
    ],
)
def test_broken_rule_is_an_error_naming_the_file(tmp_path: Path, change, expected: str) -> None:  # type: ignore[no-untyped-def]
    root = _pack(tmp_path, change(GOOD))
    with pytest.raises(RulePackError) as info:
        load_rules([root])
    assert "XYZ001-test-rule.yml" in str(info.value)
    assert expected in str(info.value)
    assert info.value.code == "PG201"


def test_post_level_rules_are_kinds_whose_code_comes_from_the_rule_file() -> None:
    rules = load_rules()
    assert {r.detect.post: r.code for r in rules.rules if r.detect.post} == {
        "consent.missing": "CON001",
        "consent.unknown-id": "CON002",
        "consent.not-valid": "CON003",
        "consent.beyond-scope": "CON004",
        "consent.names-nobody": "CON005",
        "advice.medication": "ADV001",
        "advice.diagnosis": "ADV002",
        "advice.symptom-action": "ADV003",
    }


def test_file_name_must_match_code(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match=r"must be named XYZ001-test-rule\.yml"):
        load_rules([_pack(tmp_path, GOOD, name="whatever.yml")])


def test_duplicate_code_is_an_error(tmp_path: Path) -> None:
    clash = GOOD.replace("XYZ001", "PHI001").replace("test-rule", "person-name")
    root = _pack(tmp_path, clash, "PHI001-person-name.yml")
    with pytest.raises(RulePackError, match="duplicate rule code PHI001"):
        load_rules([root])


def test_missing_rule_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="does not exist"):
        load_rules([tmp_path / "nope"])


def test_a_runaway_pattern_is_an_error_not_a_hang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Catastrophic backtracking fails the post with a coded error naming the rule (fail closed), within
    the timeout: never a hang, never a finding fewer."""
    from phiguard.config import Config
    from phiguard.detect import recognizers
    from phiguard.engine.linter import Linter

    runaway = GOOD.replace("'\\bZZ\\d{3}\\b'", "'(a|a)+!?\\d'")
    monkeypatch.setattr(recognizers, "PATTERN_TIMEOUT", 0.05)
    linter = Linter(Config(rule_dirs=[_pack(tmp_path, runaway) / "custom"]))
    with pytest.raises(PostError, match="XYZ001"):
        linter.lint("a" * 40 + "!", lang="en")


def test_a_lookbehind_with_an_unbounded_quantifier_is_refused(tmp_path: Path) -> None:
    """Tried backwards from every position, it makes a long run of spaces quadratic (issue 27)."""
    slow = GOOD.replace("'\\bZZ\\d{3}\\b'", "'(?<=MRN\\s*)\\d{3}'")
    assert slow != GOOD
    with pytest.raises(RulePackError, match="unbounded quantifier"):
        load_rules([_pack(tmp_path, slow)])


def test_a_pattern_score_at_or_below_the_models_is_refused(tmp_path: Path) -> None:
    """A pattern scored like the NER model's candidate on the same span would be kept or dropped by
    Presidio's set-based dedupe at random: the same data would train different models (issue 28)."""
    tied = GOOD.replace("      regex: '\\bZZ\\d{3}\\b'\n", "      regex: '\\bZZ\\d{3}\\b'\n      score: 0.5\n")
    assert tied != GOOD
    with pytest.raises(RulePackError, match="score"):
        load_rules([_pack(tmp_path, tied)])


def test_an_unknown_scope_selector_is_an_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="unknown scope 'footer'"):
        load_rules([_pack(tmp_path, GOOD + "scope: [body, footer]\n")])


def test_rules_are_named_by_role_in_the_rule_files_not_by_code_in_python() -> None:
    rules = load_rules()
    assert rules.with_role("handle") == {"PHI003"}
    assert {r.entity for r in rules.rules} <= set(Entity)


def test_a_rule_pack_replaces_a_built_in_lexicon_for_the_grammar_in_python_too(tmp_path: Path) -> None:
    """A lexicon of the user's rule-dirs replaces the built-in one of the same name everywhere, also in
    the templates written in Python (WordPattern, lexicon_words): here the words `fix` removes with a value."""
    from phiguard.config import Config
    from phiguard.engine.linter import Linter

    (tmp_path / "lexicon").mkdir()
    (tmp_path / "lexicon" / "fix_remove_before.yml").write_text(
        'name: fix_remove_before\ndescription: fewer words.\nsource: a test\nen: ["on"]\nes: ["en"]\n', encoding="utf-8"
    )
    text = "Meal train: contact his wife at 713-555-0164."
    assert Linter().fix(text).post.text == "Meal train: contact his wife."
    assert Linter(Config(rule_dirs=[tmp_path])).fix(text).post.text == "Meal train: contact his wife at."
    assert Linter().fix(text).post.text == "Meal train: contact his wife."  # the built-in words again
