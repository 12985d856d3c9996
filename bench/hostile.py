"""CPU time of hostile 10 KB posts (issue 14): runs of punctuation, symbols, emoji and short units that
make spaCy's tokenizer quadratic, and dense text. One core; prints a Markdown table for
docs/performance.md. Each post is linted once per language after a warm-up.

    python bench/hostile.py
"""

from __future__ import annotations

import sys
import time
import warnings

CASES = {
    "`(` x 10,000": "(" * 10_000,
    "`:` x 10,000": ":" * 10_000,
    "emoji x 10,000": "🙂" * 10_000,
    "`a.` x 5,000": "a." * 5_000,
    "`aa.` x 3,333": "aa." * 3_333,
    "`(:` x 5,000": "(:" * 5_000,
    "`#a` x 5,000": "#a" * 5_000,
    "`@a` x 5,000": "@a" * 5_000,
    "URL with 5,000 `a/`": "https://x.org/" + "a/" * 5_000,
    "`1` x 10,000": "1" * 10_000,
    "`Rosa Garcia bed 3 ` x 550 (dense names)": "Rosa Garcia bed 3 " * 550,
    "the same x 11,111 (200 KB, `max-post-chars`)": "Rosa Garcia bed 3 " * 11_111,
}


def main() -> int:
    warnings.filterwarnings("ignore")
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from speed import one_core

    import phiguard

    one_core()
    linter = phiguard.Linter(phiguard.Config(post_cpu_seconds=600))  # measure, do not stop at the budget
    for lang in ("en", "es"):  # load both models and compile every lexicon first
        linter.lint("Welcome home, Rosa! (bed 3) 🙂 a.a.a. https://x.org/a", lang=lang)  # type: ignore[arg-type]
    print("| post (10 KB unless said) | English: CPU s | Spanish: CPU s |")
    print("|---|---:|---:|")
    for name, text in CASES.items():
        cells = []
        for lang in ("en", "es"):
            started = time.process_time()
            linter.lint(text, lang=lang)  # type: ignore[arg-type]
            cells.append(f"{time.process_time() - started:.2f}")
        print(f"| {name} | {' | '.join(cells)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
