"""The documentation site builds offline (`make docs`): mkdocs in strict mode, every page in the nav."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.slow
def test_the_docs_site_builds(tmp_path: Path) -> None:
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent))
    assert mkdocs, "mkdocs is a dev dependency"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [mkdocs, "build", "--strict", "--quiet", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for page in ("index.html", "cli/index.html", "rules/PHI001/index.html", "rules/checks/index.html"):
        assert (tmp_path / "site" / page).is_file(), page
    assert "fonts.googleapis" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


# -- issue 31, item 4: the way in for a user's own project ---------------------------------------------
def test_the_changelog_is_kept_with_the_version() -> None:
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    headings = [
        line for line in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines() if line.startswith("## ")
    ]
    assert headings and headings[0].startswith(f"## {version}")


def test_the_pinned_revision_in_the_docs_exists_and_has_the_hooks() -> None:
    """README and docs/cli.md pin a commit (no tag exists): it must be in this repository's history and
    carry the hook definitions, or a user's `pre-commit install` fails, and the action where a workflow
    uses it."""
    import re

    shallow = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True)
    if shallow.returncode != 0:
        pytest.skip("not a git checkout")
    pinned = set()
    for doc in ("README.md", "docs/cli.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        pinned |= set(re.findall(r"rev: ([0-9a-f]{40})", text)) | set(re.findall(r"phiguard@([0-9a-f]{40})", text))
        assert "rev: v0.1.0" not in text
    assert pinned
    if shallow.stdout.strip() == "true":
        subprocess.run(["git", "fetch", "--unshallow", "--quiet"], cwd=ROOT, capture_output=True)
    for sha in pinned:
        found = subprocess.run(
            ["git", "cat-file", "-e", f"{sha}:.pre-commit-hooks.yaml"], cwd=ROOT, capture_output=True
        )
        assert found.returncode == 0, f"{sha} has no .pre-commit-hooks.yaml in this repository"
    for doc in ("README.md", "docs/cli.md"):
        for sha in re.findall(r"uses: phiguard/phiguard@([0-9a-f]{40})", (ROOT / doc).read_text(encoding="utf-8")):
            found = subprocess.run(["git", "cat-file", "-e", f"{sha}:action.yml"], cwd=ROOT, capture_output=True)
            assert found.returncode == 0, f"{sha} (the action in {doc}) has no action.yml"


def test_no_workflow_snippet_swallows_exit_2() -> None:
    for doc in (ROOT / "docs").glob("*.md"):
        snippets = doc.read_text(encoding="utf-8").split("```")[1::2]  # the code blocks
        assert not any("|| true" in block for block in snippets), doc.name
