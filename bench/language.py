"""How often phiguard's language detector agrees with each corpus's language (docs/accuracy.md).

python bench/language.py --data ../shared/data
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from phiguard.lang.detect import detect
from phiguard.run.evaluate import read_corpus

CORPORA = [
    "social",
    "meddocan",
    "socialdisner",
    "wnut17",
    "btc",
    "physionet_deid",
    "presidio_synth",
    "reddit_advice_replies",
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = ap.parse_args()
    print("| corpus | lang | docs | detected correctly | detected as the other language |")
    print("|---|---|---:|---:|---:|")
    for name in CORPORA:
        counts: Counter[tuple[str, str]] = Counter()
        for doc in read_corpus(args.data / f"{name}.dev.jsonl"):
            counts[(doc.lang, detect(doc.text))] += 1
        for lang in sorted({gold for gold, _ in counts}):
            total = sum(v for (g, _), v in counts.items() if g == lang)
            right = counts[(lang, lang)]
            print(f"| {name} | {lang} | {total} | {right / total:.3f} | {total - right} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
