"""``phiguard baseline create|update``: accept today's findings in a baseline file, so ``check
--baseline`` reports only new ones."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from phiguard.cli import notices, options
from phiguard.errors import InputError
from phiguard.run.baseline import Baseline

NAME = "baseline"
HELP = "accept today's findings: create or update a baseline file"


def arguments(base: argparse.ArgumentParser) -> None:
    base.add_argument("action", choices=["create", "update"])
    base.add_argument("paths", nargs="+", help="files or folders to scan")
    options.common(base)
    base.add_argument("--baseline", type=Path, default=Path(".phiguard-baseline.json"))
    options.file_flags(base)


def run(args: argparse.Namespace) -> int:
    from phiguard.run.check import check

    config, root = options.config_of(args, args.paths)
    if args.action == "create" and args.baseline.exists():
        raise InputError(f"{args.baseline}: already exists", "use `phiguard baseline update` to rewrite it")
    if args.action == "update" and not args.baseline.exists():
        raise InputError(f"{args.baseline}: no such baseline", "use `phiguard baseline create` first")
    config = options.with_file_flags(config, args)
    result = check(
        args.paths, config, lang=args.lang, root=root, linter=options.LINTERS.get(config), reads=[args.baseline]
    )
    notices.say_skipped(result.skipped, args)
    baseline = Baseline()
    for loc in result.findings:
        baseline.add(loc.finding.rule, loc.fingerprint)
    baseline.save(args.baseline, options.inputs_of(args, config, result))
    print(f"phiguard: {len(result.findings)} finding(s) accepted in {args.baseline}", file=sys.stderr)
    return 0
