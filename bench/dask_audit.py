"""The cluster audit (issue 33) with one and with two single-threaded workers on this machine, taking turns
(1 2 1 2 ...), and each worker's memory over the run.

The archive is the shared social posts and real English and Spanish tweets (as bench/speed.py takes
them), repeated to ``--posts`` with unique ids, as JSON Lines. Each run is a LocalCluster started by
``phiguard.dask.audit_archives`` into a fresh output folder. The rate is every post over the time from the
moment each worker has its Linter (the plugin registered: models loaded) to the last part done; starting
the cluster and loading the models is reported apart. Every worker's RSS is sampled each time a part
finishes.

    python bench/dask_audit.py --data ../shared/data [--posts 20000] [--rounds 2]
    python bench/dask_audit.py --data ../shared/data --posts 1000000 --workers 2 --rounds 1   # memory
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_archive(data: Path, total: int, path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from speed import load_posts

    base = load_posts(data, 669)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(total):
            text, lang = base[i % len(base)]
            fh.write(json.dumps({"id": f"b{i}", "text": text, "lang": lang}, ensure_ascii=False) + "\n")


def one_run(archive: Path, workers: int, part_posts: int) -> dict[str, object]:
    import psutil
    from distributed import get_client

    import phiguard.dask as cluster_audit
    from phiguard.config import Config
    from phiguard.dask import audit_archives
    from phiguard.dask.parts import Settings

    config = Config()
    marks: list[tuple[float, int]] = []
    rss: dict[str, list[float]] = {}
    ready: list[float] = []
    register = cluster_audit.register

    def registered(client: object, config: Config) -> None:  # the workers have their Linters: work starts
        register(client, config)  # type: ignore[arg-type]
        ready.append(time.perf_counter())

    cluster_audit.register = registered  # type: ignore[assignment]

    def progress(n: int) -> None:
        marks.append((time.perf_counter(), n))
        for worker, value in get_client().run(lambda: psutil.Process().memory_info().rss).items():
            rss.setdefault(worker, []).append(value / 2**20)

    with tempfile.TemporaryDirectory() as out:
        settings = Settings(out, "jsonl", config.read_options())
        started = time.perf_counter()
        outcome = audit_archives([archive], settings, config, f"local:{workers}", part_posts, progress)
        wall = time.perf_counter() - started
    cluster_audit.register = register
    assert not outcome.failed and len(outcome.done) == outcome.parts
    return {
        "workers": workers,
        "posts": outcome.posts,
        "wall": wall,
        "start": ready[0] - started,
        "rate": outcome.posts / (marks[-1][0] - ready[0]),
        "rss": {w: (v[0], max(v), v[-1]) for w, v in rss.items()},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--posts", type=int, default=20_000)
    ap.add_argument("--part-posts", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive.jsonl"
        write_archive(args.data, args.posts, archive)
        runs: dict[int, list[dict[str, object]]] = {w: [] for w in args.workers}
        for _ in range(args.rounds):
            for w in args.workers:  # taking turns
                result = one_run(archive, w, args.part_posts)
                runs[w].append(result)
                print(json.dumps(result), file=sys.stderr, flush=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average now {os.getloadavg()[0]:.2f}; "
          f"{args.posts:,} posts, {args.part_posts} a part, {args.rounds} round(s) taking turns")  # fmt: skip
    print()
    print("| workers | posts/s once ready (median) | speed-up | wall s | cluster and models ready s |")
    print("|---:|---:|---:|---:|---:|")
    one = statistics.median(float(r["rate"]) for r in runs[args.workers[0]])  # type: ignore[arg-type]
    for w, results in runs.items():
        rate = statistics.median(float(r["rate"]) for r in results)  # type: ignore[arg-type]
        wall = statistics.median(float(r["wall"]) for r in results)  # type: ignore[arg-type]
        first = statistics.median(float(r["start"]) for r in results)  # type: ignore[arg-type]
        print(f"| {w} | {rate:.0f} | {rate / one:.2f}× | {wall:.0f} | {first:.0f} |")
    print()
    for w, results in runs.items():
        for worker, (start, peak, end) in results[-1]["rss"].items():  # type: ignore[attr-defined]
            print(f"- {w} worker(s), {worker}: RSS {start:.0f} MB at the first part, peak {peak:.0f}, last {end:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
