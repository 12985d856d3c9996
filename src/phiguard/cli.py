"""Command line: ``phiguard check``, ``phiguard eval`` and ``phiguard rules``.

Exit codes: 0 nothing at or above the fail level, 1 findings, 2 usage, configuration, model or input
error. Matched values are masked unless ``--show-values`` is given.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from phiguard.errors import InputError, PhiguardError
from phiguard.models import Finding, Lang, Post, Severity

DRAFT_SUFFIXES = {".txt", ".md", ".markdown"}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="phiguard", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command")

    check = sub.add_parser("check", help="lint draft files (.txt, .md) or - for standard input")
    check.add_argument("paths", nargs="+", help="files or folders; - reads standard input")
    check.add_argument("--lang", choices=["en", "es"], help="force the language of every draft")
    check.add_argument("--fail-on", choices=["info", "warning", "error"], default="warning")
    check.add_argument("--show-values", action="store_true", help="print matched values unmasked")

    ev = sub.add_parser("eval", help="score phiguard on a labelled corpus (JSONL)")
    ev.add_argument("corpus", type=Path)
    ev.add_argument("--predictions", type=Path, help="write each document's findings (no values) here")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument("--limit", type=int, help="score only the first N documents")

    rules = sub.add_parser("rules", help="list the rules, or explain one")
    rules.add_argument("code", nargs="?")
    return p


def _drafts(paths: Sequence[str]) -> Iterator[tuple[str, str]]:
    for raw in paths:
        if raw == "-":
            yield "<stdin>", sys.stdin.read()
            continue
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{raw}: no such file or folder", "check the path")
        files = sorted(p for p in path.rglob("*") if p.suffix in DRAFT_SUFFIXES) if path.is_dir() else [path]
        for f in files:
            try:
                data = f.read_bytes()
            except OSError as exc:
                raise InputError(f"{f}: cannot read ({exc.strerror})", "check permissions") from None
            if b"\x00" in data[:8192]:
                raise InputError(f"{f}: looks binary, not a draft", "pass text drafts only")
            try:
                yield str(f), data.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{f}: not UTF-8 text", "save the draft as UTF-8") from None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _format(path: str, text: str, f: Finding, show: bool) -> str:
    line, col = _line_col(text, f.start)
    value = f.value if show else f.masked
    return f"{path}:{line}:{col}: {f.rule} [{f.severity.value}] {f.message} ({value!r})"


def _check(args: argparse.Namespace) -> int:
    from phiguard.engine import Linter

    linter = Linter()
    drafts = list(_drafts(args.paths))
    fail_on = Severity(args.fail_on)
    lang: Lang | None = args.lang
    failed = 0
    reports = linter.lint_many((Post(text=t, id=p) for p, t in drafts), lang=lang)
    for (path, text), report in zip(drafts, reports, strict=True):
        for f in report.findings:
            print(_format(path, text, f, args.show_values))
        failed += bool(report.at_least(fail_on))
    total = len(drafts)
    print(f"{total} draft(s) checked, {failed} with findings at or above {fail_on.value}", file=sys.stderr)
    return 1 if failed else 0


def _eval(args: argparse.Namespace) -> int:
    import json
    from itertools import islice

    from phiguard.engine import Linter
    from phiguard.evaluation import Tally, format_summary, prediction_record, read_corpus

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
    print(json.dumps(summary, indent=2) if args.json else format_summary(args.corpus.name, summary))
    return 0


def _rules(args: argparse.Namespace) -> int:
    from phiguard.rulepack import load_rules

    rules = load_rules()
    if args.code:
        try:
            rule = rules.by_code(args.code.upper())
        except KeyError:
            raise InputError(f"no rule {args.code!r}", "run `phiguard rules` for the list") from None
        print(f"{rule.code} {rule.name} [{rule.severity.value}] ({rule.category.value})\n")
        print(rule.summary + "\n")
        print(rule.why)
        if rule.hipaa:
            print(f"HIPAA: {rule.hipaa}\n")
        for kind, items in (("Flagged", rule.examples.flag), ("Not flagged", rule.examples.pass_)):
            print(f"{kind}:")
            for e in items:
                print(f"  [{e.lang}] {e.text}")
        return 0
    for rule in rules.rules:
        print(f"{rule.code}  {rule.severity.value:<7}  {rule.summary}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.version:
        from phiguard import __version__

        print(f"phiguard {__version__}")
        return 0
    handlers = {"check": _check, "eval": _eval, "rules": _rules}
    if args.command not in handlers:
        _parser().print_help(sys.stderr)
        return 2
    try:
        return handlers[args.command](args)
    except PhiguardError as exc:
        print(f"phiguard: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
