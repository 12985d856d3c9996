"""Real phiguard servers for the tests, started as a user would: ``phiguard serve`` on 127.0.0.1, a free
port, its log in a file the test can read."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

PHIGUARD = [sys.executable, "-m", "phiguard"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def serve(tmp: Path, *flags: str, ready: bool = True, cwd: Path | None = None) -> Served:
    """``phiguard serve`` on a free port, waited for until ``/readyz`` answers 200 (``ready``) or the port
    takes connections."""
    port = free_port()
    log = tmp / f"serve-{port}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*PHIGUARD, "serve", "--port", str(port), *flags], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd
        )
    served = Served(proc, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 120
    token = next((Path(flags[i + 1]) for i, f in enumerate(flags) if f == "--token-file"), None)
    headers = {"Authorization": f"Bearer {token.read_text().strip()}"} if token else {}
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return served
        try:
            answer = httpx.get(f"{served.url}/readyz", headers=headers, timeout=5)
            if not ready or answer.status_code == 200:
                return served
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    served.stop()
    raise AssertionError(f"phiguard serve did not get ready:\n{served.log_text()}")
