"""``phiguard check``: lint draft files (or standard input) and report in a format of ``outputs/``."""

from __future__ import annotations

import argparse
import io
import os
import shlex
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from phiguard import safeio
from phiguard.cli import notices, options
from phiguard.config import Config
from phiguard.models import Severity
from phiguard.outputs import CHECK_FORMATS, WriteOptions, writer
from phiguard.outputs.statistics import write_statistics
from phiguard.run.baseline import Baseline

if TYPE_CHECKING:
    from phiguard.rulepack.schema import RuleSet
    from phiguard.run.check import CheckResult

NAME = "check"
HELP = "lint draft files (.md, .txt, .json, .yaml, .csv) or - for stdin"


def arguments(check: argparse.ArgumentParser) -> None:
    check.add_argument("paths", nargs="*", help="files or folders (default: .); - reads standard input")
    options.common(check)
    check.add_argument("--format", choices=CHECK_FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--output", "-o", type=Path, help="write the report to this file instead of stdout")
    check.add_argument("--fail-on", choices=["info", "warning", "error"], help="exit 1 at or above this level")
    options.value_flags(check)
    check.add_argument("--show-ids", action="store_true", help="print posts' own ids (json, html)")
    check.add_argument("--baseline", type=Path, help="report only findings not accepted in this baseline")
    options.progress_flags(check)
    check.add_argument(
        "--color", choices=["auto", "always", "never"], default="auto", help="auto: a terminal, or FORCE_COLOR"
    )
    options.selection_flags(check)
    options.file_flags(check)
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings (2 still means an error)")
    check.add_argument("--quiet", "-q", action="store_true", help="print the findings only, no summary")
    check.add_argument("--statistics", action="store_true", help="print how many findings each rule has, not them")
    check.add_argument(
        "--min-severity",
        choices=["info", "warning", "error"],
        help="hide lines below this level (fail-on unchanged); SARIF's default: warning",
    )
    check.add_argument(
        "--install-models",
        action="store_true",
        help="first install any missing default language model (pip, into this environment; the hook uses it)",
    )
    check.add_argument("--stdin-filename", metavar="NAME", help="the name of the draft read from - (its type, ignores)")
    check.add_argument(
        "--today", type=date.fromisoformat, metavar="YYYY-MM-DD", help="judge consent expiry as of this date"
    )
    check.add_argument(
        "--watch",
        action="store_true",
        help="check again each draft that changes, with the models kept loaded (Ctrl-C stops; needs phiguard[watch])",
    )


def run(args: argparse.Namespace) -> int:
    args.paths = args.paths or ["."]
    config, root = options.config_of(args, args.paths)
    config = options.with_file_flags(options.with_selection(config, args), args)
    if args.install_models:
        from phiguard.engine.nlp import install_missing_models

        install_missing_models({lang: config.models[lang] for lang in config.languages}, notices.say)
    fail_on = options.fail_level(args, config)
    baseline = Baseline.load(args.baseline) if args.baseline else None
    if baseline is not None:
        baseline.check_codes(options.LINTERS.rules(config).codes, args.baseline)
    jobs = options.jobs(args)
    reads = [args.baseline] if args.baseline else []
    if args.watch:
        from phiguard.cli.watching import watch

        return watch(args, config, root, lambda paths: _once(args, paths, config, root, fail_on, baseline, 1, reads))
    return _once(args, args.paths, config, root, fail_on, baseline, jobs, reads)


def _once(
    args: argparse.Namespace,
    paths: list[str],
    config: Config,
    root: Path,
    fail_on: Severity,
    baseline: Baseline | None,
    jobs: int,
    reads: list[Path],
) -> int:
    """Check ``paths`` and report: the exit code."""
    from phiguard.run.check import STDIN_NAME, CheckResult, FileResult, check, discover

    # the bar's total: the folders are walked once more only when a bar is shown
    total = len(discover(paths, config, root, reads).files) if notices.shows_progress(args) else None
    for progress in notices.progress(args, total=total):
        result = check(
            paths,
            config,
            lang=args.lang,
            baseline=baseline,
            jobs=jobs,
            root=root,
            progress=progress,
            today=args.today,
            linter=options.LINTERS.get(config),
            stdin_name=args.stdin_filename or STDIN_NAME,
            reads=reads,
        )
    rules = options.LINTERS.get(config).rules  # the same rules the check used, loaded once
    shown = result
    # what is printed, not what fails; SARIF leaves info out unless asked (code scanning would list
    # every FYI as a security alert)
    shown_from = args.min_severity or ("warning" if args.format == "sarif" and not args.statistics else None)
    if shown_from:
        least = Severity(shown_from)
        shown = CheckResult(
            [
                FileResult(fr.draft, [loc for loc in fr.located if loc.severity >= least], fr.baselined)
                for fr in result.files
            ],
            result.skipped,
        )
    buffer = io.StringIO()  # a report file is written whole, at the end, through a temporary file
    out: TextIO = buffer if args.output else sys.stdout
    try:
        write_report(args, shown, rules, out, root, fail_on, config)
        if not args.output:
            sys.stdout.flush()
    except BrokenPipeError:  # the reader left (`| head -c 0`): the run's verdict still decides the exit code
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if args.output:
        safeio.check_output(args.output, options.inputs_of(args, config, result), "report")
        safeio.write_text(args.output, buffer.getvalue(), "report")
    failing = result.failing(fail_on)
    files = len(result.files)
    flagged = len({loc.path for loc in failing})
    accepted = sum(fr.baselined for fr in result.files)
    note = f", {accepted} accepted by the baseline" if accepted else ""
    partly = [loc for loc in result.findings if "image:tools-missing" in loc.finding.evidence]
    if partly and not args.quiet:  # said once; each image has its IMG001 warning
        print(
            f"phiguard: {len(partly)} image(s) checked without OCR or face detection (IMG001 warnings): install "
            "phiguard[images] and Tesseract (make setup), or pass --require-images to make it an error",
            file=sys.stderr,
        )
    notices.say_skipped(result.skipped, args)
    unchecked = notices.Unchecked()
    for fr in result.files:
        for post in fr.draft.posts:
            unchecked.add(post, fr.draft.path)
    unchecked.say(args)
    if not args.quiet:
        print(
            f"phiguard: {files} draft(s) checked, {flagged} with findings at or above {fail_on.value}{note}",
            file=sys.stderr,
        )
    return 1 if failing and not args.exit_zero else 0


def write_report(
    args: argparse.Namespace,
    shown: CheckResult,
    rules: RuleSet,
    out: TextIO,
    root: Path,
    fail_on: Severity,
    config: Config,
) -> None:
    """The report of ``phiguard check`` in its format (or its statistics) to ``out``."""
    if args.statistics:
        write_statistics(shown, rules, out)
        return
    settings = WriteOptions(
        args.show_values,
        not args.output and args.format == "text" and options.color(args),
        rules,
        root=root,
        command_line=shlex.join(["phiguard", *args.argv]),
        fail_on=fail_on,
        config_file=args.config_used,
        show_ids=args.show_ids,
        mask=options.mask_style(args, config),
    )
    writer(args.format).write(shown, out, settings)
