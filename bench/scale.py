"""How the cost of `phiguard audit` grows with the number and the length of posts (issue 6).

Writes JSONL archives of 1k, 10k and 100k posts (the same mix as bench/speed.py, repeated) into a
temporary folder, audits each with `phiguard audit` as a whole process, and prints wall time, posts per
second and peak RSS: flat memory means the archive is streamed. A second table compares short posts
(tweets) with long ones (Reddit replies of 600 characters or more).

    python bench/scale.py --data ../shared/data [--sizes 1000 10000 100000] [--jobs 1]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from speed import load_posts  # the same posts as the speed benchmark


def run(archive: Path, jobs: int) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB, the largest process) of one audit."""
    phiguard = str(Path(sys.executable).with_name("phiguard"))
    cmd = [
        phiguard,
        "audit",
        "--no-progress",
        "--format",
        "jsonl",
        "-o",
        str(archive.with_suffix(".out")),
        "-j",
        str(jobs),
        str(archive),
    ]
    wrapper = (
        "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)"
    )
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    rss, code = out.stdout.split()
    if code not in ("0", "1"):
        raise SystemExit(f"audit failed: {out.stderr[-500:]}")
    return seconds, int(rss) / 1024


def write(path: Path, posts: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i, (text, lang) in enumerate(posts):
            fh.write(json.dumps({"id": str(i), "text": text, "lang": lang}, ensure_ascii=False) + "\n")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"| posts | wall time | posts/s | peak RSS (-j {args.jobs}) |")
        print("|---:|---:|---:|---:|")
        for size in args.sizes:
            archive = write(Path(tmp) / f"posts-{size}.jsonl", load_posts(args.data, size))
            seconds, rss = run(archive, args.jobs)
            print(f"| {size:,} | {seconds:.1f} s | {size / seconds:.0f} | {rss:.0f} MB |", flush=True)
        with (args.data / "reddit_advice_replies.dev.jsonl").open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh]
        long_posts = [(r["text"], "en") for r in rows if len(r["text"]) >= 600][:1000]
        short_posts = [p for p in load_posts(args.data, 5000) if len(p[0]) < 200][:1000]
        print()
        print("| posts | count | mean length | wall time | posts/s | chars/s | peak RSS |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, posts in (("short (tweets)", short_posts), ("long (Reddit replies)", long_posts)):
            archive = write(Path(tmp) / f"{name.split()[0]}.jsonl", posts)
            seconds, rss = run(archive, args.jobs)
            chars = sum(len(t) for t, _ in posts)
            print(
                f"| {name} | {len(posts)} | {chars / len(posts):.0f} chars | {seconds:.1f} s | "
                f"{len(posts) / seconds:.0f} | {chars / seconds:,.0f} | {rss:.0f} MB |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
