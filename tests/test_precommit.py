"""The real pre-commit runs the hook from this repository (`pre-commit try-repo`) on a repo of drafts.

It builds the hook's own environment the way users get it (pip installs phiguard and its English model
from the package index), so it is slow and needs the index; it is marked slow.
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

    def hook(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "try-repo", str(ROOT), "phiguard", "--files", *files],
            cwd=drafts,
            env=env,
            capture_output=True,
            text=True,
            timeout=1400,
        )

    clean = hook("event.md")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    bad = hook("story.md")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "story.md:9:15: PHI002" in bad.stdout
    assert "Wendeline" not in bad.stdout  # masked in the hook's output too
