"""``phiguard eval``: score phiguard on a labelled corpus (JSONL; :mod:`phiguard.run.evaluate`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from phiguard.models import Post

NAME = "eval"
HELP = "score phiguard on a labelled corpus (JSONL)"


def arguments(ev: argparse.ArgumentParser) -> None:
    ev.add_argument("corpus", type=Path)
    ev.add_argument("--predictions", type=Path, help="write each document's findings (no values) here")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument("--limit", type=int, help="score only the first N documents")


def run(args: argparse.Namespace) -> int:
    import json
    from itertools import islice

    from phiguard.engine.linter import Linter
    from phiguard.run.evaluate import Tally, format_summary, format_training, prediction_record, read_corpus

    docs = list(islice(read_corpus(args.corpus), args.limit))
    linter = Linter()
    tally = Tally()
    out = args.predictions.open("w", encoding="utf-8") if args.predictions else None
    try:
        posts = (Post(text=d.text, lang=d.lang, id=d.id) for d in docs)
        for doc, report in zip(docs, linter.lint_many(posts), strict=True):
            findings = list(report.findings)
            tally.add(doc, findings)
            if out:
                out.write(prediction_record(doc, findings) + "\n")
    finally:
        if out:
            out.close()
    summary = tally.summary()
    trained = linter.model("identifier").trained
    if args.json:
        print(json.dumps({**summary, "learned_models": trained}, indent=2))
    else:
        print(format_summary(args.corpus.name, summary))
        print(format_training(trained))
    return 0
