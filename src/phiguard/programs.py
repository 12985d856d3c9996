"""Running another program (Tesseract, git) with a time limit that holds.

A program is started in a session of its own, so when its time is up the whole process group is
killed: a wrapper script's children, or a program that forked, cannot keep the pipes open and hang
phiguard (``subprocess.run(timeout=...)`` kills the direct child only, then waits on pipes a grandchild
still holds). Nothing here reads a draft; callers pass what the program needs.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass


class ProgramFailed(Exception):
    """The program could not be started, ran past its time limit, or was killed; ``reason`` says which
    in words fit for a message (never the program's output, which may quote what it read)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: bytes
    stderr: bytes


def run(args: Sequence[str], timeout: float, stdin: bytes | None = None) -> Done:
    """Run ``args`` to completion within ``timeout`` seconds, or kill its whole process group and raise
    :class:`ProgramFailed`."""
    try:
        proc = subprocess.Popen(
            list(args),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: killed whole
        )
    except OSError as exc:
        raise ProgramFailed(f"{args[0]} could not be started ({exc.strerror or type(exc).__name__})") from None
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise ProgramFailed(
            f"{os.path.basename(args[0])} did not finish within {timeout:g} s and was stopped"
        ) from None
    except BaseException:  # Ctrl-C, SIGTERM: the program does not outlive phiguard
        _kill_group(proc)
        raise
    if proc.returncode < 0:
        raise ProgramFailed(f"{os.path.basename(args[0])} was killed by signal {-proc.returncode}")
    return Done(proc.returncode, out, err)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    try:
        proc.communicate(timeout=5)  # the pipes close with the group; reaps the child
    except subprocess.TimeoutExpired:  # a process that left the group still holds them: stop reading
        proc.wait()
