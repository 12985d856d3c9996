"""``phiguard fix``: rewrite the identifiers of drafts safely, a diff by default and the files with
``--write`` (each rewrite is checked again first: one that keeps a finding at the fail level is not
written)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from phiguard.cli import notices, options
from phiguard.errors import InputError
from phiguard.models import printable
from phiguard.outputs.fixes import diff_lines, fix_record

NAME = "fix"
HELP = "rewrite the identifiers of drafts safely: a diff by default, the files with --write"


def arguments(fx: argparse.ArgumentParser) -> None:
    fx.add_argument("paths", nargs="+", help="draft files or folders")
    options.common(fx)
    fx.add_argument("--write", action="store_true", help="write the rewrites into the files (default: print a diff)")
    fx.add_argument("--diff", action="store_true", help="print a unified diff of the rewrites (the default)")
    fx.add_argument("--select", metavar="CODES", help="fix only these codes (comma-separated prefixes: PHI0,PHI053)")
    fx.add_argument("--ignore", metavar="CODES", help="do not fix these codes (comma-separated prefixes)")
    fx.add_argument("--format", choices=["text", "json"], default="text", help="how to report (json: no diff)")
    fx.add_argument("--fail-on", choices=["info", "warning", "error"], help="what a rewrite may not keep")
    options.value_flags(fx)
    options.progress_flags(fx, jobs=False)
    options.file_flags(fx)
    fx.add_argument(
        "--today", type=date.fromisoformat, metavar="YYYY-MM-DD", help="judge consent expiry as of this date"
    )


def run(args: argparse.Namespace) -> int:
    from phiguard.rewrite.files import check_writable, fix_files, write_atomically

    if args.write and "-" in args.paths:
        raise InputError("--write cannot write to standard input", "pass the draft's path, or drop --write for a diff")
    config, root = options.config_of(args, args.paths)
    config = options.with_file_flags(config, args)
    fail_on = options.fail_level(args, config)
    selected = options.with_selection(
        config, args
    ).selected  # what is fixed: the longest matching prefix wins, as in check

    for _ in notices.progress(args, "fixing drafts"):
        results, skipped = fix_files(
            args.paths,
            config,
            options.LINTERS.get(config),
            lang=args.lang,
            selected=selected,
            root=root,
            today=args.today,
        )
    records: list[dict[str, object]] = []
    pending = left_over = 0
    blocked = {id(f): f.blocking(fail_on, selected) if f.changed else [] for f in results}
    if args.write:  # every file to write is checked first: a read-only one stops the run before any write
        for f in results:
            if f.changed and not blocked[id(f)]:
                check_writable(f.draft.path)
    for f in results:
        path = f.draft.path
        blocking = blocked[id(f)]
        written = False
        if f.changed and args.write and not blocking:
            write_atomically(path, f.source)
            written = True
        pending += f.changed and not written
        left = f.left(fail_on)
        left_over += bool(left)
        if args.format == "json":
            records.append(fix_record(f, left, written, blocking, args.show_values, options.mask_style(args, config)))
            continue
        if f.changed and not args.write:  # the draft's own lines, its findings masked unless --show-values
            sys.stdout.writelines(diff_lines(f, args.show_values, options.mask_style(args, config)))
        codes = ", ".join(sorted({e.rule for _, e in f.edits}))
        if f.problem:
            print(f"phiguard: {printable(path)}: not rewritten: {f.problem}", file=sys.stderr)
        elif blocking:
            kept = ", ".join(sorted({loc.finding.rule for loc in blocking}))
            print(f"phiguard: {printable(path)}: not written: the rewrite would still have {kept}", file=sys.stderr)
        elif written:
            print(f"phiguard: {printable(path)}: fixed ({len(f.edits)} edit(s): {codes})", file=sys.stderr)
        for loc in left:
            g = loc.finding
            value = g.shown(args.show_values, options.mask_style(args, config))
            hint = " (use `phiguard redact-image`)" if g.scope.kind == "image" else ""
            print(
                f"{printable(path)}:{loc.line}:{loc.column}: {g.rule} [{g.severity.value}] left after the fix: "
                f"{printable(g.message)}{f' ({value!r})' if value else ''}{hint}",
                file=sys.stderr,
            )
    if args.format == "json":
        json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    notices.say_skipped(skipped, args)
    changed = sum(f.changed for f in results)
    done = f"{changed - pending} written, {pending} not written" if args.write else f"{changed} shown"
    print(
        f"phiguard: {len(results)} draft(s), fixes: {done}; {left_over} with findings a fix does not remove",
        file=sys.stderr,
    )
    return 1 if pending or left_over else 0
