"""``phiguard check --watch``: one full check, then each changed draft checked again by the same process
(models loaded once) until Ctrl-C, which ends it with exit 0 (issue 32)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
PHIGUARD = [sys.executable, "-m", "phiguard"]


def wait_for(path: Path, text: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        if text in seen:
            return seen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared in {path}:\n{seen}")


def test_a_changed_draft_is_checked_again(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "welcome.md").write_text("Free BP checks on Tuesday.\n", encoding="utf-8")
    (drafts / "notes.csv").write_text("text\nFlu shots at the Main Street clinic.\n", encoding="utf-8")
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen([*PHIGUARD, "check", "--watch", "--no-progress", str(drafts)], stdout=o, stderr=e)
    try:
        wait_for(err, "for changes (Ctrl-C stops)")
        assert "2 draft(s) checked, 0 with findings" in err.read_text()
        first = out.read_text(encoding="utf-8")
        (drafts / "welcome.md").write_text("Welcome home, Rosa Díaz! Her new knee is great.\n", encoding="utf-8")
        wait_for(err, "1 draft(s) checked, 1 with findings")
        shown = wait_for(out, "PHI002")[len(first) :]
        assert "welcome.md:1:15: PHI002 [error]" in shown and "Rosa" not in shown  # masked
        assert "notes.csv" not in shown  # only what changed is checked again
        (drafts / "ignored.bin").write_bytes(b"\0\1")  # not a draft: nothing happens
        (drafts / "welcome.md").unlink()
        wait_for(err, "welcome.md: deleted")
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
    assert code == 0, err.read_text()


@pytest.mark.parametrize(("extra", "says"), [(["-"], "standard input"), (["--output", "r.txt", "."], "drop --output")])
def test_what_cannot_be_watched(tmp_path: Path, extra: list[str], says: str) -> None:
    done = subprocess.run([*PHIGUARD, "check", "--watch", *extra], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2 and says in done.stderr
