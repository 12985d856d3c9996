"""Codes are checked wherever one is accepted: a typo in a selector, a severity key, a per-file ignore,
a baseline or an inline suppression never switches a check off silently (issue 27, item 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phiguard import Config, Linter
from phiguard.cli import main
from phiguard.codes import check_selectors, closest
from phiguard.errors import ConfigError

POST = "Welcome home, Rosa! Her new knee is working wonders since March.\n"
CODES = frozenset({"PHI001", "PHI002", "PHI053", "CON001", "ADV001", "PGS001"})


@pytest.fixture
def draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "draft.md"
    path.write_text(POST, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def test_prefixes_and_codes_are_known_and_typos_get_the_closest_codes() -> None:
    check_selectors(["PHI", "PHI0", "PHI053", "CON", "A"], CODES, "--select")
    with pytest.raises(ConfigError, match=r"--select: unknown rule selector 'PHL' \(did you mean PHI"):
        check_selectors(["PHL"], CODES, "--select")
    with pytest.raises(ConfigError, match="severity: unknown rule code 'CON00'"):
        check_selectors(["CON00"], CODES, "severity", exact=True)
    with pytest.raises(ConfigError):
        check_selectors([""], CODES, "ignore")
    assert closest("CNO", CODES)[0] == "CON"


def test_a_selector_that_is_not_a_code_is_not_quoted() -> None:
    with pytest.raises(ConfigError) as info:
        check_selectors(["ROSA GARCIA"], CODES, "ignore")
    assert "ROSA" not in str(info.value)


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--select", "PHl", "--select: unknown rule selector 'PHL'"),
        ("--extend-select", "CNO", "--extend-select: unknown rule selector 'CNO'"),
        ("--ignore", "PHI0,ADVX", "--ignore: unknown rule selector 'ADVX'"),
        ("--select", ",", "--select: no code given"),
    ],
)
def test_an_unknown_code_on_the_command_line_is_exit_2(
    draft: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str, expected: str
) -> None:
    code, out = run(capsys, "check", "--no-progress", flag, value, str(draft))
    assert code == 2, out
    assert "PG202" in out and expected in out
    assert "R***" not in out  # nothing was checked


def test_fix_checks_its_codes_too(draft: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "fix", "--select", "PHX", str(draft))
    assert code == 2 and "--select: unknown rule selector 'PHX'" in out
    assert draft.read_text(encoding="utf-8") == POST


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('select = ["PHI", "CNO"]', "select: unknown rule selector 'CNO' (did you mean CON"),
        ('extend-select = ["PH1"]', "extend-select: unknown rule selector 'PH1'"),
        ('ignore = ["PHI03O"]', "ignore: unknown rule selector 'PHI03O'"),
        ('[severity]\nCON01 = "info"', "severity: unknown rule code 'CON01'"),
        ('[severity]\nCON = "info"', "severity: unknown rule code 'CON'"),  # severity takes whole codes
        ('[per-file-ignores]\n"*.md" = ["ADV9"]', "per-file-ignores['*.md']: unknown rule selector 'ADV9'"),
    ],
)
def test_an_unknown_code_in_the_config_is_exit_2_naming_the_file(
    draft: Path, capsys: pytest.CaptureFixture[str], toml: str, expected: str
) -> None:
    (draft.parent / "phiguard.toml").write_text(toml + "\n", encoding="utf-8")
    code, out = run(capsys, "check", "--no-progress", str(draft))
    assert code == 2, out
    assert "phiguard.toml: " + expected in out


def test_the_library_refuses_an_unknown_code_too() -> None:
    with pytest.raises(ConfigError, match="select: unknown rule selector 'CNO'"):
        Linter(Config(select=("PHI", "CNO")))
    with pytest.raises(ConfigError, match="severity: unknown rule code 'PHI999'"):
        Linter(Config(severity={"PHI999": "info"}))


def test_a_baseline_naming_an_unknown_rule_is_exit_2(draft: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = draft.parent / "base.json"
    item = {"fingerprint": "0" * 32, "rule": "PHI999", "count": 1}
    baseline.write_text(json.dumps({"version": 3, "findings": [item]}), encoding="utf-8")
    code, out = run(capsys, "check", "--no-progress", "--baseline", str(baseline), str(draft))
    assert code == 2 and "unknown rule code 'PHI999'" in out


@pytest.mark.parametrize(
    ("comment", "rules"),
    [
        ('<!-- phiguard: ignore[PHl002] reason="public figure" -->', {"PGS003", "PHI002", "CON001"}),
        ('<!-- phiguard: ignore[PHI002,CNO] reason="a donor" -->', {"PGS003", "CON001"}),  # PHI002 still silenced
        ('<!-- phiguard: ignorar[PHI002] razón="figura pública" -->', {"PGS001", "PHI002", "CON001"}),
    ],
)
def test_an_unknown_code_in_a_suppression_is_a_warning_not_a_silent_no_op(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], comment: str, rules: set[str]
) -> None:
    draft = tmp_path / "nota.md"
    draft.write_text(f"{comment}\n¡Bienvenida a casa, Rosa! Su rodilla nueva funciona desde marzo.\n", encoding="utf-8")
    code, out = run(capsys, "check", "--no-progress", "--format", "json", str(draft))
    found = {item["rule"] for item in json.loads(out[: out.rindex("]") + 1])}
    assert code == 1
    assert rules <= found, found
    assert "PGS002" not in found  # the typo is said once, as PGS003
