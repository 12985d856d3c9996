"""Errors that are errors, and errors that are caught (issue 27, item 8): invalid configuration is exit 2
with a coded message, no input reaches PG900, the library raises phiguard's own typed errors, and a
closed pipe does not change the verdict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from phiguard import Config, Linter, Post, lint
from phiguard.cli import main
from phiguard.errors import ArgumentError, ConfigError

POST = "Welcome home, Rosa Garcia! Her new knee is working wonders since March.\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "draft.md").write_text(POST, encoding="utf-8")
    return tmp_path


def exit_code(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    _, err = capsys.readouterr()
    assert "PG900" not in err and "Traceback" not in err, err
    return code, err


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("languages = []\n", "languages"),
        ("batch-size = 100000000000\n", "batch-size"),
        ("max-draft-bytes = 99999999999999\n", "max-draft-bytes"),
        ("max-post-chars = 10000000000\n", "max-post-chars"),
        ("post-cpu-seconds = 1e300\n", "post-cpu-seconds"),
        ("[images]\nocr-timeout = 1e12\n", "ocr-timeout"),
        ("[images]\nmax-pixels = 1e20\n", "max-pixels"),
        ('mask = "stars"\n', "mask"),
    ],
)
def test_absurd_settings_are_exit_2_naming_the_key(
    folder: Path, capsys: pytest.CaptureFixture[str], toml: str, needle: str
) -> None:
    (folder / "phiguard.toml").write_text(toml, encoding="utf-8")
    code, err = exit_code(capsys, "check", "--no-progress", "draft.md")
    assert code == 2 and "PG202" in err and needle in err, err


def test_a_broken_pyproject_with_our_table_is_an_error_not_skipped(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "pyproject.toml").write_text('[tool.phiguard]\nfail-on = "error"\nselect = [\n', encoding="utf-8")
    code, err = exit_code(capsys, "check", "--no-progress", "draft.md")
    assert code == 2 and "pyproject.toml: not valid TOML" in err
    (folder / "pyproject.toml").write_text("[tool.black]\nline-length = [\n", encoding="utf-8")  # not ours
    code, _ = exit_code(capsys, "check", "--no-progress", "draft.md")
    assert code == 1


@pytest.mark.parametrize("name", ["huge.json", "huge.yaml", "huge.jsonl"])
def test_a_ten_thousand_digit_id_is_read_not_a_crash(
    folder: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    digits = "7" * 10_000
    body = {
        "huge.json": f'[{{"id": {digits}, "text": "Free flu shots!"}}]',
        "huge.yaml": f"- id: {digits}\n  text: Free flu shots!\n",
        "huge.jsonl": f'{{"id": {digits}, "text": "Free flu shots!"}}\n',
    }[name]
    (folder / name).write_text(body, encoding="utf-8")
    code, _ = exit_code(capsys, "check", "--no-progress", name)
    assert code == 0


def test_the_library_raises_its_own_typed_errors() -> None:
    with pytest.raises(ArgumentError, match="lang 'xx'"):
        lint("Hola", lang="xx")
    with pytest.raises(ArgumentError) as info:
        list(Linter().lint_many([42]))  # type: ignore[list-item]
    assert isinstance(info.value, TypeError)  # still a TypeError for callers that catch one
    with pytest.raises(ConfigError, match="languages"):
        Config(languages=())
    with pytest.raises(ConfigError, match=r"batch_size|batch-size"):
        Config(batch_size=0)
    assert lint(Post(text="Hola a todos", lang="es")).ok


@pytest.mark.slow
def test_a_closed_pipe_keeps_the_verdict(folder: Path) -> None:
    """`phiguard check … | head -c 0`: the reader leaves; a draft with info findings only still exits 0."""
    (folder / "info.md").write_text("Happy Friday from the team!\n", encoding="utf-8")
    for draft, expected in (("info.md", 0), ("draft.md", 1)):
        run = subprocess.run(
            f"{sys.executable} -m phiguard.cli check --no-progress {draft} | head -c 0; exit ${{PIPESTATUS[0]}}",
            shell=True,
            executable="/bin/bash",
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == expected, run.stderr
        assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr
