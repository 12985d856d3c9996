"""The CLI as a user runs it: exit codes, masking, eval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phiguard.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def test_check_flags_bad_draft_masked(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(FIXTURES / "drafts" / "bad-en.md")])
    out = capsys.readouterr().out
    assert code == 1
    assert "bad-en.md:1:15: PHI002 [error]" in out
    assert "Rosa" not in out and "'R***'" in out


def test_show_values_reveals(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--show-values", str(FIXTURES / "drafts" / "bad-en.md")])
    assert "'Rosa'" in capsys.readouterr().out


def test_clean_draft_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURES / "drafts" / "good-es.txt")]) == 0


def test_folder_and_fail_on_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--fail-on", "error", str(FIXTURES / "drafts")]) == 1


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr(
        "sys.stdin",
        io.TextIOWrapper(io.BytesIO(b"Great progress for Jordan Wells (MRN 5520417)!"), encoding="utf-8"),
    )
    assert main(["check", "-"]) == 1
    assert "<stdin>:1:" in capsys.readouterr().out


@pytest.mark.parametrize("content", [b"\x00\x01binary", b"caf\xe9 latin-1"])
def test_unreadable_input_is_exit_2(tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_bytes(content)
    assert main(["check", str(draft)]) == 2
    assert "PG301" in capsys.readouterr().err


def test_missing_path_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "does/not/exist.md"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_no_command_is_usage_error() -> None:
    assert main([]) == 2


def test_eval_prints_figures_and_writes_predictions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pred.jsonl"
    assert main(["eval", str(FIXTURES / "corpus.jsonl"), "--predictions", str(out), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["docs"] == 3 and figures["recall"] == 1.0 and figures["precision"] == 1.0
    assert figures["clean_docs_flagged"] == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in lines] == ["f1", "f2", "f3"]
    assert "Rosa" not in out.read_text()


def test_rules_lists_and_explains(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    assert "PHI001" in capsys.readouterr().out
    assert main(["rules", "phi020"]) == 0
    assert "over 89" in capsys.readouterr().out
    assert main(["rules", "NOPE999"]) == 2


def test_the_cli_module_imports_no_nlp() -> None:
    """`phiguard --version` starts at once: spaCy and Presidio load only for the commands that lint."""
    import subprocess
    import sys

    code = "import sys, phiguard.cli; print(any(m in sys.modules for m in ('spacy', 'presidio_analyzer')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
