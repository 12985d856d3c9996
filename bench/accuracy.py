"""Dev figures for docs/accuracy.md: phiguard and Presidio on every shared corpus, in the same run.

Presidio is configured the way a user would run it alone: AnalyzerEngine with its predefined
recognizers and the same spaCy models phiguard uses (so it never downloads en_core_web_lg). Both are
scored by phiguard.run.evaluate (overlap, label-agnostic, Safe Harbor scope; see that module).

Two more columns show where recall is lost: "all severities" counts phiguard's `info` findings too
(what detection found before context weighed it), and "NER ceiling" counts every entity the spaCy model
itself finds, of any label, unfiltered (what the model can see at all).

    python bench/accuracy.py --data ../shared/data [--corpora social meddocan] [--limit N]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from pathlib import Path

from phiguard import Config, Linter, Post
from phiguard.models import Category, Finding, Severity
from phiguard.run.evaluate import Tally, read_corpus

CORPORA = [
    "social",
    "meddocan",
    "physionet_deid",
    "presidio_synth",
    "wnut17",
    "btc",
    "socialdisner",
    "reddit_advice_replies",
]


def presidio_engine(config: Config):  # type: ignore[no-untyped-def]
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    # Presidio's own e-mail recognizer tries to download the public suffix list (and falls back to
    # tldextract's snapshot when offline); keep its failure traceback out of the report.
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    engine = SpacyNlpEngine(models=[{"lang_code": k, "model_name": v} for k, v in config.models.items()])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return AnalyzerEngine(nlp_engine=engine, supported_languages=list(config.models))


def _warning(label: str, start: int, end: int) -> Finding:
    """Another tool's span as an identifier warning, so phiguard's scorer can count it."""
    return Finding(
        rule=label,
        category=Category.IDENTIFIER,
        severity=Severity.WARNING,
        entity=label,
        start=start,
        end=end,
        message="",
    )


def presidio_findings(analyzer, text: str, lang: str) -> list[Finding]:  # type: ignore[no-untyped-def]
    return [_warning(r.entity_type, r.start, r.end) for r in analyzer.analyze(text=text, language=lang)]


def ner_findings(nlp, texts: list[str]) -> list[list[Finding]]:  # type: ignore[no-untyped-def]
    """Every entity of the spaCy model, any label, as a warning: the model's own recall ceiling."""
    return [[_warning(e.label_, e.start_char, e.end_char) for e in doc.ents] for doc in nlp.pipe(texts, batch_size=64)]


def as_warnings(findings: list[Finding]) -> list[Finding]:
    return [f.model_copy(update={"severity": Severity.WARNING}) for f in findings]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--corpora", nargs="*", default=CORPORA)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--no-presidio", action="store_true")
    args = ap.parse_args()

    linter = Linter()
    analyzer = None if args.no_presidio else presidio_engine(linter.config)
    rows = []
    for name in args.corpora:
        docs = list(read_corpus(args.data / f"{name}.dev.jsonl"))[: args.limit]
        ours, theirs, every, ceiling = Tally(), Tally(), Tally(), Tally()
        t0 = time.perf_counter()
        for doc, report in zip(docs, linter.lint_many(Post(text=d.text, lang=d.lang) for d in docs), strict=True):
            ours.add(doc, list(report.findings))
            every.add(doc, as_warnings(list(report.findings)))
        t1 = time.perf_counter()
        for lang in sorted({d.lang for d in docs}):
            group = [d for d in docs if d.lang == lang]
            nlp = linter.runtime(lang).engine.nlp[lang]  # type: ignore[attr-defined]
            for doc, found in zip(group, ner_findings(nlp, [d.text for d in group]), strict=True):
                ceiling.add(doc, found)
        if analyzer is not None:
            for doc in docs:
                theirs.add(doc, presidio_findings(analyzer, doc.text, doc.lang))
        t2 = time.perf_counter()
        rows.append((name, len(docs), ours, theirs, every, ceiling, t1 - t0, t2 - t1))
        print(f"{name}: done ({t1 - t0:.0f}s phiguard, {t2 - t1:.0f}s Presidio)", file=sys.stderr)

    def f(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    print(
        "| corpus | docs | phiguard recall | phiguard precision | clean docs flagged | "
        "Presidio recall | Presidio precision | Presidio clean docs flagged |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, n, ours, theirs, _, _, _, _ in rows:
        print(
            f"| {name} | {n} | {f(ours.recall)} | {f(ours.precision)} | "
            f"{ours.clean_docs_flagged}/{ours.clean_docs} | {f(theirs.recall)} | {f(theirs.precision)} | "
            f"{theirs.clean_docs_flagged}/{theirs.clean_docs} |"
        )
    print()
    print("| corpus | phiguard recall by label | raw recall (all gold) | recall, all severities | NER ceiling |")
    print("|---|---|---:|---:|---:|")
    for name, _, ours, _, every, ceiling, _, _ in rows:
        s = ours.summary()
        by_label = ", ".join(f"{k} {v}" for k, v in s["per_label_recall"].items())  # type: ignore[union-attr]
        print(f"| {name} | {by_label or '–'} | {f(ours.raw_recall)} | {f(every.recall)} | {f(ceiling.recall)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
