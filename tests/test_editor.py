"""A real editor: Neovim, headless, starts ``phiguard lsp``, opens a draft and reads its diagnostics, which
must sit where ``phiguard check`` places the findings (issue 32). Skipped where Neovim is not installed,
except in CI (PHIGUARD_REQUIRE_EDITOR=1), where ``make setup`` installs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
SCRIPT = Path(__file__).parent / "fixtures" / "nvim_diagnostics.lua"
DRAFT = "---\ntitle: Knee class\n---\nWelcome home, Rosa Díaz! 🎉 Her new knee is working wonders since March 3.\n"


def test_neovim_shows_the_findings_where_the_cli_places_them(tmp_path: Path) -> None:
    nvim = shutil.which("nvim")
    if nvim is None:
        if os.environ.get("PHIGUARD_REQUIRE_EDITOR") == "1":
            pytest.fail("Neovim is not installed (make setup installs the Debian package neovim)")
        pytest.skip("Neovim is not installed")
    draft = tmp_path / "welcome.md"
    draft.write_text(DRAFT, encoding="utf-8")
    out = tmp_path / "diagnostics.json"
    env = {**os.environ, "PHIGUARD_PYTHON": sys.executable, "PHIGUARD_DRAFT": str(draft), "PHIGUARD_OUT": str(out)}
    subprocess.run(
        [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {SCRIPT}"],
        env=env,
        timeout=180,
        check=True,
        capture_output=True,
    )
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["found"] is True
    lines = DRAFT.splitlines()

    def column(line: int, byte: int) -> int:  # Neovim's columns are bytes; the CLI's are characters, 1-based
        return len(lines[line].encode("utf-8")[:byte].decode("utf-8")) + 1

    got = sorted(
        (d["code"], d["lnum"] + 1, column(d["lnum"], d["col"]), d["end_lnum"] + 1, column(d["end_lnum"], d["end_col"]))
        for d in seen["diagnostics"]
    )
    done = subprocess.run(
        [sys.executable, "-m", "phiguard", "check", "--format", "json", "--min-severity", "info", str(draft)],
        capture_output=True,
        text=True,
    )
    expected = sorted(
        (f["rule"], f["line"], f["column"], f["end_line"], f["end_column"]) for f in json.loads(done.stdout)
    )
    assert got == expected
    assert {"PHI002", "PHI010"} <= {code for code, *_ in got}
    assert all(d["source"] == "phiguard" and "Rosa" not in d["message"] for d in seen["diagnostics"])
