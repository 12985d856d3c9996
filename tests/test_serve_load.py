"""A bounded load run of ``phiguard serve`` on loopback (bench/serve_load.py, small): concurrent clients get
every answer, each for its own post, with no error and the server's memory flat. Latency is measured by
the benchmark, not asserted here (issue 32)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import serve_load

pytestmark = pytest.mark.slow


def test_concurrent_clients_lose_nothing() -> None:
    posts = serve_load.load_posts(None)
    proc, url = serve_load.start(max_in_flight=4)
    try:
        serve_load.load(url, posts, 1, 20)
        before = serve_load.rss_mb(proc.pid)
        run = serve_load.load(url, posts, 4, 40)
        after = serve_load.rss_mb(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=120)
    assert run.errors == {} and run.lost == 0 and len(run.latencies) == 160
    assert after <= before * 1.10
    assert code == 0
