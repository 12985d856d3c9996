"""ruff-style flags of `phiguard check`: selection, per-file-ignores, exit-zero, quiet, statistics,
min-severity, stdin-filename, no path, FORCE_COLOR, and a phiguard.toml holding [tool.phiguard]."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from phiguard.cli import main

POST = "Welcome home, Rosa! She is resting in bed 3 after her surgery.\n"  # CON001, PHI002, PHI053
STAFF = "Congrats Dr. Osei on the award!\n"  # PHI001 at info only


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", "--no-progress", "--no-images", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _rules(out: str) -> set[str]:
    return {item["rule"] for item in json.loads(out)}


@pytest.fixture
def drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "rosa.txt").write_text(POST, encoding="utf-8")
    (tmp_path / "posts" / "staff.txt").write_text(STAFF, encoding="utf-8")
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "old.txt").write_text(POST, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.slow
def test_select_ignore_and_extend_select_take_code_prefixes(drafts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rosa = "posts/rosa.txt"
    assert _rules(_run(capsys, "--format", "json", "--select", "PHI05", rosa)[1]) == {"PHI053"}
    assert _rules(_run(capsys, "--format", "json", "--ignore", "PHI,con", rosa)[1]) == set()
    ignore_phi = _run(capsys, "--format", "json", "--ignore", "PHI0", "--extend-select", "PHI053", rosa)[1]
    assert _rules(ignore_phi) == {"CON001", "PHI053"}  # the longer prefix wins, as in ruff


@pytest.mark.slow
def test_per_file_ignores_and_a_phiguard_toml_with_a_tool_table(
    drafts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (drafts / "phiguard.toml").write_text(
        '[tool.phiguard]\nper-file-ignores = {"archive/**" = ["CON", "PHI002"]}\n', encoding="utf-8"
    )
    assert _rules(_run(capsys, "--format", "json", "archive/old.txt")[1]) == {"PHI053"}
    assert _rules(_run(capsys, "--format", "json", "posts/rosa.txt")[1]) == {"CON001", "PHI002", "PHI053"}
    (drafts / "phiguard.toml").write_text('fail-on = "error"\n[tool.phiguard]\nselect = ["PHI"]\n', encoding="utf-8")
    code, _, err = _run(capsys, "posts/rosa.txt")
    assert code == 2 and "both [tool.phiguard] and top-level keys" in err


@pytest.mark.slow
def test_exit_zero_quiet_min_severity_and_statistics(drafts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--exit-zero", "--quiet", "posts/")
    assert code == 0 and err == "" and "PHI053" in out
    code, out, _ = _run(capsys, "--min-severity", "warning", "posts/staff.txt", "posts/rosa.txt")
    assert code == 1 and "[info]" not in out and "PHI053" in out  # hidden lines, same verdict
    assert _run(capsys, "--min-severity", "error", "--fail-on", "info", "posts/staff.txt")[0] == 1
    code, out, _ = _run(capsys, "--statistics", "posts/")
    lines = [line.split() for line in out.splitlines()]
    assert code == 1 and ["1", "PHI001", "person-name"] in lines and ["1", "PHI053", "room-bed"] in lines


@pytest.mark.slow
def test_no_path_checks_the_current_folder_honouring_excludes(drafts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (drafts / "phiguard.toml").write_text('exclude = ["archive/"]\n', encoding="utf-8")
    code, _, err = _run(capsys)
    assert code == 1 and "2 draft(s) checked" in err


@pytest.mark.slow
def test_stdin_filename_names_the_draft_and_its_format(
    drafts: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = "---\ncaption: Rosa Alvarez in room 12\n---\nFree flu shots on Saturday!\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(source.encode()), encoding="utf-8"))
    items = json.loads(_run(capsys, "--format", "json", "--stdin-filename", "drafts/flu.md", "-")[1])
    assert {i["path"] for i in items} == {"drafts/flu.md"} and {i["scope"] for i in items} >= {"caption[0]"}


@pytest.mark.slow
def test_force_color_colours_a_pipe_and_no_color_wins_over_auto(
    drafts: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in _run(capsys, "posts/rosa.txt")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in _run(capsys, "posts/rosa.txt")[1]
    assert "\x1b[" in _run(capsys, "--color", "always", "posts/rosa.txt")[1]
