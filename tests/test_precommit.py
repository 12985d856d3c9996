"""The real pre-commit runs the hook from this repository (`pre-commit try-repo`) on a repo of drafts.

It builds the hook's own environment the way users get it (pip installs phiguard and its English model
from the package index; the `phiguard-es` hook adds the Spanish model on first use), so it is slow and
needs the index; it is marked slow.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
CLI = Path(__file__).parent / "fixtures" / "cli"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_pre_commit_try_repo_blocks_bad_draft_and_passes_clean_one(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert pre_commit, "pre-commit is a dev dependency"
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    shutil.copy(CLI / "story.md", drafts / "story.md")
    shutil.copy(CLI / "event.md", drafts / "event.md")
    _git(drafts, "init", "-q")
    _git(drafts, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "CI": "1"}

    def hook(*files: str, hook_id: str = "phiguard") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "try-repo", str(ROOT), hook_id, "--files", *files],
            cwd=drafts,
            env=env,
            capture_output=True,
            text=True,
            timeout=1400,
        )

    # the files a drafts repository holds besides drafts never block a commit (issue 27)
    (drafts / "package.json").write_text('{"name": "social", "private": true}\n', encoding="utf-8")
    (drafts / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    (drafts / "settings.json").write_text('{"theme": "dark"}\n', encoding="utf-8")
    _git(drafts, "add", ".")
    clean = hook("event.md", "package.json", ".pre-commit-config.yaml", "settings.json")
    assert clean.returncode == 0, clean.stdout + clean.stderr  # (a hook that passes prints nothing)
    bad = hook("story.md")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "story.md:9:15: PHI002" in bad.stdout
    assert "Wendeline" not in bad.stdout  # masked in the hook's output too

    # Spanish: the plain hook cannot have the GPL model, says so (exit 2); phiguard-es installs it once
    (drafts / "alta.md").write_text(
        "Hoy se va a casa Remedios Gil, de 94 años, tras su operación en la habitación 412.\n", encoding="utf-8"
    )
    _git(drafts, "add", ".")
    plain = hook("alta.md")
    assert plain.returncode != 0 and "es_core_news_sm" in plain.stdout + plain.stderr
    first = hook("alta.md", hook_id="phiguard-es")
    output = first.stdout + first.stderr
    assert first.returncode == 1, output
    assert "installing the es model es_core_news_sm" in output and "alta.md:1:" in output
    assert "Remedios" not in output
    # (each try-repo builds a fresh environment, so "only once" is tested in test_cli)
