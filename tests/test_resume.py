"""A killed audit (issue 27, item 9): its workers die with it, and `audit --resume` goes on from the last
post written whole, ending with every post reported exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.procs import alive, children

from phiguard.cli import main
from phiguard.models import Severity
from phiguard.run.audit import resume

POSTS = [
    "Welcome home, Rosa Garcia! Room {n} misses you.",
    "Free flu shots on Saturday {n}, no appointment needed.",
    "¡Bienvenida a casa, Remedios Gil! La habitación {n} te echa de menos.",
    "Charla abierta sobre el ictus el martes {n} en el salón de actos.",
]


def _archive(tmp_path: Path, kind: str, count: int) -> Path:
    texts = [POSTS[n % len(POSTS)].format(n=n) for n in range(count)]
    if kind == "jsonl":
        path = tmp_path / "posts.jsonl"
        path.write_text("".join(json.dumps({"id": str(n), "text": t}) + "\n" for n, t in enumerate(texts)), "utf-8")
    else:
        path = tmp_path / "posts.csv"
        rows = "".join(f'{n},"{t}"\n' for n, t in enumerate(texts))
        path.write_text("id,text\n" + rows, encoding="utf-8")
    return path


AUDIT = [sys.executable, "-m", "phiguard.cli", "audit", "--no-progress"]


def test_resume_cuts_back_to_the_last_post_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "found.jsonl"
    lines = [
        {"line": 2, "severity": "error"},
        {"line": 2, "severity": "info"},
        {"line": 5, "severity": "warning"},
        {"line": 9, "severity": "error"},
    ]
    text = "".join(json.dumps(r) + "\n" for r in lines)
    out.write_text(text + '{"line": 9, "sev', encoding="utf-8")  # killed in the middle of post 9's lines
    done = resume(out, "jsonl")
    assert done.line == 9 and done.flagged == {2: Severity.ERROR, 5: Severity.WARNING}
    assert out.read_text(encoding="utf-8") == "".join(json.dumps(r) + "\n" for r in lines[:3])
    (tmp_path / "text.txt").write_text("posts.csv:3: PHI001 [error] body:0-4 A name. ('<PERSON>')\nnot a finding\n")
    with pytest.raises(Exception, match="not a line of a `--format text` audit"):
        resume(tmp_path / "text.txt", "text")
    assert resume(tmp_path / "none.jsonl", "jsonl").line == 1  # nothing written yet


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize(("kind", "fmt"), [("jsonl", "jsonl"), ("csv", "text")])
def test_a_killed_audit_resumed_reports_every_post_exactly_once(tmp_path: Path, kind: str, fmt: str) -> None:
    archive = _archive(tmp_path, kind, 3000)
    reference = tmp_path / f"reference.{fmt}"
    assert main(["audit", "--no-progress", "--format", fmt, "-o", str(reference), str(archive)]) == 1
    out = tmp_path / f"found.{fmt}"
    proc = subprocess.Popen([*AUDIT, "--format", fmt, "-o", str(out), str(archive)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (out.exists() and out.stat().st_size > 20_000):
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)  # no chance to finish a line
    proc.wait(timeout=30)
    assert 0 < out.stat().st_size < reference.stat().st_size, "the audit was not stopped midway"
    code = subprocess.run([*AUDIT, "--format", fmt, "-o", str(out), "--resume", str(archive)], capture_output=True)
    err = code.stderr.decode()
    assert code.returncode == 1, err
    assert "3000 post(s) audited" in err and "kept from the interrupted run" in err
    assert out.read_text(encoding="utf-8") == reference.read_text(encoding="utf-8")  # each post once, in order


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_workers_die_with_a_killed_audit(tmp_path: Path) -> None:
    archive = _archive(tmp_path, "jsonl", 20_000)
    out = tmp_path / "found.jsonl"
    proc = subprocess.Popen([*AUDIT, "-j", "2", "--format", "jsonl", "-o", str(out), str(archive)])
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (out.exists() and out.stat().st_size > 0):
        time.sleep(0.2)
    workers = children(proc.pid)
    assert workers, "the audit started no workers"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(w) for w in workers):
        time.sleep(0.2)
    assert not [w for w in workers if alive(w)], "workers outlived the killed audit"
