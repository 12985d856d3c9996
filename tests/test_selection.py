"""Only drafts are read (issue 27, item 2): in an ordinary repository of drafts, the files that are never
drafts (the hook's config, package.json, CI workflows, the baseline, the consent ledger) are not read,
.gitignore is honoured, and a structured file with no post text found by walking is named as skipped,
never an error (named on the command line, it stays one)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from phiguard.cli import main
from phiguard.inputs import FOLDER_SUFFIXES
from phiguard.inputs.selection import DEFAULT_INCLUDE

ROOT = Path(__file__).parents[1]
CLI = Path(__file__).parent / "fixtures" / "cli"
LEDGER = Path(__file__).parent / "fixtures" / "consent" / "ledger.csv"
GITIGNORED = "Welcome home, Wendeline Okafor! Room 12 misses you.\n"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository of drafts as a team keeps it: two drafts (one with PHI) and everything else."""
    root = tmp_path / "social"
    (root / "drafts").mkdir(parents=True)
    shutil.copy(CLI / "story.md", root / "drafts" / "story.md")
    shutil.copy(CLI / "event.md", root / "drafts" / "event.md")
    (root / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: https://github.com/phiguard/phiguard\n    rev: v0.2.0\n    hooks:\n      - id: phiguard\n",
        encoding="utf-8",
    )
    (root / "package.json").write_text('{"name": "social", "version": "1.0.0", "private": true}\n', encoding="utf-8")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "lint.yml").write_text(
        "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps: [{run: phiguard check}]\n", encoding="utf-8"
    )
    (root / ".phiguard-baseline.json").write_text('{"version": 3, "findings": []}\n', encoding="utf-8")
    (root / "consents").mkdir()
    shutil.copy(LEDGER, root / "consents" / "ledger.csv")
    (root / "phiguard.toml").write_text('consent-ledger = "consents/ledger.csv"\n', encoding="utf-8")
    (root / "settings.json").write_text('{"theme": "dark", "width": 80}\n', encoding="utf-8")  # no post text
    (root / "calendar.csv").write_text("day,room\nMonday,B\n", encoding="utf-8")  # no text column
    (root / "exports").mkdir()
    (root / "exports" / "old.md").write_text(GITIGNORED, encoding="utf-8")
    (root / ".gitignore").write_text("exports/\n", encoding="utf-8")
    _git(root, "init", "-q")
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_default_include_is_what_folders_give() -> None:
    assert {p.removeprefix("*") for p in DEFAULT_INCLUDE} == set(FOLDER_SUFFIXES)


def test_check_dot_reads_only_the_drafts_and_names_the_skipped(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--no-progress", ".")
    assert code == 1, err  # story.md has PHI; nothing else stops the run
    assert "2 draft(s) checked" in err
    for never in ("package.json", "lint.yml", ".pre-commit-config.yaml", "baseline", "ledger.csv", "old.md"):
        assert never not in out
    assert "settings.json: no post text" in err and "calendar.csv: no post text" in err
    assert "2 file(s) skipped" in err
    assert "Wendeline" not in out + err


def test_gitignore_is_honoured_unless_turned_off(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--no-progress", "--no-respect-gitignore", "--format", "json", ".")
    assert "exports/old.md" in {item["path"] for item in json.loads(out)}
    assert "3 draft(s) checked" in err
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("drafts/story.md\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "--no-progress", ".")
    assert code == 0 and "1 draft(s) checked" in err  # .git/info/exclude counts as .gitignore does


def test_excludes_from_the_config_and_the_command_line(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "phiguard.toml").write_text(
        'consent-ledger = "consents/ledger.csv"\nextend-exclude = ["settings.json", "calendar.csv"]\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "check", "--no-progress", ".")
    assert code == 1 and "skipped" not in err
    code, _, err = run(capsys, "check", "--no-progress", "--extend-exclude", "drafts/story.md", ".")
    assert code == 0 and "1 draft(s) checked" in err


def test_a_non_draft_named_explicitly_is_an_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "--no-progress", "settings.json")
    assert code == 2 and "PG302" in err and "settings.json: no post has a text field" in err
    code, _, err = run(capsys, "check", "--no-progress", "calendar.csv")
    assert code == 2 and "PG302" in err


def test_force_exclude_skips_excluded_files_it_is_handed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    handed = ["package.json", ".pre-commit-config.yaml", ".github/workflows/lint.yml", "consents/ledger.csv"]
    handed += [".phiguard-baseline.json", "exports/old.md", "drafts/event.md"]
    code, _, err = run(capsys, "check", "--no-progress", *handed)
    assert code == 2  # named without --force-exclude: package.json is no draft
    code, _, err = run(capsys, "check", "--no-progress", "--force-exclude", *handed, "settings.json")
    assert code == 0, err
    assert "settings.json: no post text" in err  # handed by a tool: skipped and named, as when walked
    assert "1 draft(s) checked" in err
    assert "package.json: excluded (force-exclude)" in err and "exports/old.md: ignored by git" in err


def test_the_baseline_being_used_is_never_a_draft(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "baseline", "create", "--baseline", "drafts/accepted.json", ".")
    assert code == 0, err
    code, _, err = run(capsys, "check", "--no-progress", "--baseline", "drafts/accepted.json", ".")
    assert code == 0 and "2 draft(s) checked" in err


def test_what_the_walk_cannot_read_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "ok.md").write_text("Free flu shots on Saturday!\n", encoding="utf-8")
    os.mkfifo(folder / "pipe.md")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(GITIGNORED, encoding="utf-8")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    (folder / "escape.md").symlink_to(outside / "secret.md")
    code, _, err = run(capsys, "check", "--no-progress", str(folder))
    assert code == 0, err
    assert "1 draft(s) checked" in err and "3 file(s) skipped" in err
    assert re.search(r"pipe\.md: not a regular file", err)
    assert re.search(r"linked: a link to a folder", err)
    assert re.search(r"escape\.md: a link out of the checked folder", err)


def test_the_hook_definition_hands_phiguard_only_drafts(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What pre-commit does with the hook: filter the staged files by `files` and `exclude`, then run
    `entry` with what is left (the real try-repo runs in test_precommit)."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    _git(repo, "add", "-A")
    _git(repo, "add", "-f", "exports/old.md")
    staged = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True).stdout.split()
    for hook in hooks:
        handed = [f for f in staged if re.search(hook["files"], f) and not re.search(hook["exclude"], f)]
        assert "package.json" not in handed and ".github/workflows/lint.yml" not in handed
        argv = hook["entry"].split()[1:]
        argv = [a for a in argv if a != "--install-models"]  # the model is installed here already
        code, out, err = run(capsys, *argv, *handed)
        assert code == 1, err  # story.md; never 2
        assert "Wendeline" not in out + err
        assert "2 draft(s) checked" in err
        assert "settings.json: no post text" in err and "calendar.csv: no post text" in err  # named, not an error
