"""Load test of ``phiguard serve`` (issue 32), bounded and on loopback only: a real server started as a user
would, then

1. warm single-post latency: one client, one post a request, one after the other (the target: p50 <= 25 ms,
   p99 <= 100 ms);
2. concurrent load: ``--clients`` clients each sending ``--requests`` single-post requests back to back
   (the server's in-flight limit set to the number of clients, so a 503 counts as an error): errors, lost
   answers (a request without a 200 and a report for its post), p50 and p99, throughput, and the server's
   RSS before and after (growth over 10% fails).

Posts: the shared social posts and real English and Spanish tweets, as bench/speed.py takes them (or the
test fixture posts with ``--fixtures``). Prints a Markdown table for docs/serve.md.

    python bench/serve_load.py --data ../shared/data [--clients 16] [--requests 300]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)  # seconds, answered requests
    errors: dict[str, int] = field(default_factory=dict)
    lost: int = 0
    seconds: float = 0.0

    def add_error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def start(max_in_flight: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "phiguard", "serve", "--port", str(port), "--max-in-flight", str(max_in_flight),
         "--no-access-log"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            raise SystemExit("phiguard serve exited before it was ready")
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("phiguard serve did not get ready")


def one_client(url: str, posts: list[tuple[str, str]], count: int, offset: int, run: Run, lock: threading.Lock) -> None:
    with httpx.Client(base_url=url, timeout=60) as client:
        for k in range(count):
            text, lang = posts[(offset + k) % len(posts)]
            ident = f"c{offset}-{k}"
            started = time.perf_counter()
            try:
                answer = client.post("/v1/lint", json={"post": {"id": ident, "text": text, "lang": lang}})
            except httpx.HTTPError as exc:
                with lock:
                    run.add_error(type(exc).__name__)
                    run.lost += 1
                continue
            took = time.perf_counter() - started
            with lock:
                if answer.status_code != 200:
                    run.add_error(str(answer.status_code))
                    run.lost += 1
                elif [r["id"] for r in answer.json()["reports"]] != [ident]:
                    run.add_error("wrong report")
                    run.lost += 1
                else:
                    run.latencies.append(took)


def load(url: str, posts: list[tuple[str, str]], clients: int, requests: int) -> Run:
    run, lock = Run(), threading.Lock()
    threads = [
        threading.Thread(target=one_client, args=(url, posts, requests, i * requests, run, lock))
        for i in range(clients)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - started
    return run


def load_posts(data: Path | None) -> list[tuple[str, str]]:
    if data is None:
        path = ROOT / "tests" / "fixtures" / "public_health_posts.jsonl"
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [(r["text"], r["lang"]) for r in rows]
    sys.path.insert(0, str(ROOT / "bench"))
    from speed import load_posts as speed_posts

    return speed_posts(data, 669)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="the shared data folder (default: the test fixture posts)")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=300, help="requests per client")
    ap.add_argument("--single", type=int, default=300, help="sequential single-client requests")
    args = ap.parse_args()
    posts = load_posts(args.data)
    proc, url = start(args.clients)
    try:
        warmup = load(url, posts, 1, 50)  # first-use costs (lazy lexicons, the drug list) out of the figures
        single = load(url, posts, 1, args.single)
        before = rss_mb(proc.pid)
        loaded = load(url, posts, args.clients, args.requests)
        after = rss_mb(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=120)
    total = args.clients * args.requests
    growth = (after - before) / before * 100
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
          f"{len(posts)} distinct posts; warm-up errors {warmup.errors or 0}")  # fmt: skip
    print()
    print("| run | requests | errors | lost | p50 ms | p99 ms | requests/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, run, n in (("1 client, sequential", single, args.single), (f"{args.clients} clients", loaded, total)):
        errors = sum(run.errors.values())
        print(f"| {name} | {n:,} | {errors} | {run.lost} | {run.pct(0.5):.1f} | {run.pct(0.99):.1f} | "
              f"{len(run.latencies) / run.seconds:.0f} |")  # fmt: skip
    print()
    print(f"server RSS: {before:.0f} MB before the concurrent run, {after:.0f} MB after ({growth:+.1f}%); "
          f"exit code after SIGTERM: {code}")  # fmt: skip
    failed = single.errors or loaded.errors or loaded.lost or growth > 10 or code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
