"""Command line: ``phiguard check``, ``phiguard audit``, ``phiguard baseline``, ``phiguard redact-image``,
``phiguard eval`` and ``phiguard rules``.

Exit codes: 0 nothing at or above the fail level, 1 findings, 2 usage, configuration, model or input
error. Matched values are masked unless ``--show-values`` is given.
"""

from __future__ import annotations

import argparse
import io
import os
import shlex
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from phiguard import safeio
from phiguard.config import Config, find_config_file, load_config_file
from phiguard.errors import ConfigError, InputError, InternalError, Interrupted, PhiguardError
from phiguard.lang import LANGS
from phiguard.models import MaskStyle, Post, Severity, printable
from phiguard.outputs import AUDIT_FORMATS, CHECK_FORMATS, WriteOptions, post_writer, writer
from phiguard.run.baseline import Baseline
from phiguard.run.linters import LinterCache

if TYPE_CHECKING:
    from phiguard.inputs import DraftPost
    from phiguard.rewrite.files import FileFix
    from phiguard.rulepack.schema import RuleSet
    from phiguard.run.audit import Meter
    from phiguard.run.check import CheckResult, Located
    from phiguard.run.selection import Skipped

# The checker and the engine import spaCy and Presidio (about a second): they are
# imported by the commands that lint, so `phiguard --version` and `phiguard rules` start at once.
LINTERS = LinterCache()  # the CLI's Linters, one per configuration, kept while the process runs


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="phiguard", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command")
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument("--debug", action="store_true", help="print the traceback of an internal error (PG900)")
    add = partial(sub.add_parser, parents=[debug])

    check = add("check", help="lint draft files (.md, .txt, .json, .yaml, .csv) or - for stdin")
    check.add_argument("paths", nargs="*", help="files or folders (default: .); - reads standard input")
    _common(check)
    check.add_argument("--format", choices=CHECK_FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--output", "-o", type=Path, help="write the report to this file instead of stdout")
    check.add_argument("--fail-on", choices=["info", "warning", "error"], help="exit 1 at or above this level")
    check.add_argument("--show-values", action="store_true", help="print matched values unmasked")
    _mask_flag(check)
    check.add_argument("--show-ids", action="store_true", help="print posts' own ids (json, html)")
    check.add_argument("--baseline", type=Path, help="report only findings not accepted in this baseline")
    check.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (0: one per core)")
    check.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    check.add_argument(
        "--color", choices=["auto", "always", "never"], default="auto", help="auto: a terminal, or FORCE_COLOR"
    )
    _selection(check)
    _files(check)
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings (2 still means an error)")
    check.add_argument("--quiet", "-q", action="store_true", help="print the findings only, no summary")
    check.add_argument("--statistics", action="store_true", help="print how many findings each rule has, not them")
    check.add_argument(
        "--min-severity", choices=["info", "warning", "error"], help="hide lines below this level (fail-on unchanged)"
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

    fx = add("fix", help="rewrite the identifiers of drafts safely: a diff by default, the files with --write")
    fx.add_argument("paths", nargs="+", help="draft files or folders")
    _common(fx)
    fx.add_argument("--write", action="store_true", help="write the rewrites into the files (default: print a diff)")
    fx.add_argument("--diff", action="store_true", help="print a unified diff of the rewrites (the default)")
    fx.add_argument("--select", metavar="CODES", help="fix only these codes (comma-separated prefixes: PHI0,PHI053)")
    fx.add_argument("--ignore", metavar="CODES", help="do not fix these codes (comma-separated prefixes)")
    fx.add_argument("--format", choices=["text", "json"], default="text", help="how to report (json: no diff)")
    fx.add_argument("--fail-on", choices=["info", "warning", "error"], help="what a rewrite may not keep")
    fx.add_argument("--show-values", action="store_true", help="print matched values unmasked")
    _mask_flag(fx)
    fx.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    _files(fx)
    fx.add_argument(
        "--today", type=date.fromisoformat, metavar="YYYY-MM-DD", help="judge consent expiry as of this date"
    )

    aud = add("audit", help="audit a post archive (.jsonl or .csv, any size), streamed")
    aud.add_argument("archive", type=Path)
    _common(aud)
    aud.add_argument("--format", choices=AUDIT_FORMATS, default="text", help="one line per finding")
    aud.add_argument("--output", "-o", type=Path, help="write the findings to this file instead of stdout")
    aud.add_argument("--fail-on", choices=["info", "warning", "error"], help="exit 1 at or above this level")
    aud.add_argument("--show-values", action="store_true", help="print matched values unmasked")
    _mask_flag(aud)
    aud.add_argument("--show-ids", action="store_true", help="print posts' own ids (jsonl)")
    aud.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (0: one per core)")
    aud.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    aud.add_argument(
        "--resume",
        action="store_true",
        help="go on with an interrupted audit: keep the -o file's whole posts, audit the rest",
    )

    red = add("redact-image", help="write a copy of an image without metadata, flagged text covered")
    red.add_argument("images", nargs="+", type=Path)
    _common(red, attached=False)
    red.add_argument("--output", "-o", type=Path, help="where to write the copy (one image only)")
    red.add_argument("--suffix", default=".redacted", help="added to the name of each copy (default: .redacted)")
    red.add_argument("--faces", action="store_true", help="cover detected faces too")
    red.add_argument("--show-values", action="store_true", help="print the covered values unmasked")
    _mask_flag(red)

    base = add("baseline", help="accept today's findings: create or update a baseline file")
    base.add_argument("action", choices=["create", "update"])
    base.add_argument("paths", nargs="+", help="files or folders to scan")
    _common(base)
    base.add_argument("--baseline", type=Path, default=Path(".phiguard-baseline.json"))
    _files(base)

    ev = add("eval", help="score phiguard on a labelled corpus (JSONL)")
    ev.add_argument("corpus", type=Path)
    ev.add_argument("--predictions", type=Path, help="write each document's findings (no values) here")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument("--limit", type=int, help="score only the first N documents")

    rules = add("rules", help="list the rules, or explain one")
    rules.add_argument("code", nargs="?")
    rules.add_argument("--docs", type=Path, metavar="DIR", help="write one Markdown page per rule into DIR")
    rules.add_argument("--config", type=Path, help="phiguard.toml or pyproject.toml (its rule-dirs are listed too)")
    return p


def _common(p: argparse.ArgumentParser, attached: bool = True) -> None:
    p.add_argument("--config", type=Path, help="phiguard.toml or pyproject.toml (default: nearest one found)")
    p.add_argument("--lang", choices=LANGS, help="force the language of every draft")
    if attached:
        p.add_argument("--no-images", action="store_true", help="do not open attached images")
    p.add_argument("--no-ocr", action="store_true", help="do not read the visible text of images")
    p.add_argument(
        "--require-images",
        action="store_true",
        help="a missing OCR or face tool is an error (exit 2), not an IMG001 warning per image",
    )
    p.add_argument("--no-faces", action="store_true", help="do not look for faces in images")


def _config(args: argparse.Namespace, paths: Sequence[str] = ()) -> tuple[Config, Path]:
    """The explicit --config, or the nearest one above the first checked path (or the current folder),
    with the image switches of the command line; and the folder that exclude patterns are relative to."""
    path: Path | None = args.config
    if path is None:
        first = next((Path(p) for p in paths if p != "-"), Path.cwd())
        path = find_config_file(first if first.exists() else Path.cwd())
    if path is not None and not path.is_file():
        raise ConfigError(f"{path}: no such config file", "check the --config path")
    config, root = (Config(), Path.cwd()) if path is None else (load_config_file(path), path.parent)
    if path is not None:
        try:
            config.check_codes(LINTERS.rules(config).codes)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc.message}", exc.fix) from None
    args.config_used = str(path) if path is not None else None
    switches = {
        key: False
        for key, flag in (("check", "no_images"), ("ocr", "no_ocr"), ("faces", "no_faces"))
        if getattr(args, flag, False)
    }
    if getattr(args, "require_images", False):
        switches["require_tools"] = True
    if switches:
        config = config.model_copy(update={"images": config.images.model_copy(update=switches)})
    return config, root


def _progress(
    args: argparse.Namespace,
    label: str = "checking drafts",
    total: int | None = None,
    unit: str = "drafts",
    meter: Meter | None = None,
) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on an interactive terminal (nothing in CI, pipes or files): the count, the
    rate and the time left. ``meter``: an archive's bytes, which give the total and the time left."""
    if not _shows_progress(args):
        yield None
        return
    from rich.progress import Progress

    with Progress(*progress_columns(unit), transient=True) as bar:
        task = bar.add_task(label, total=meter.total if meter else total, count=0)

        def advance(n: int) -> None:
            count = bar.tasks[0].fields["count"] + n
            if meter is not None:
                bar.update(task, completed=meter.done, total=meter.total or None, count=count)
            else:
                bar.update(task, advance=n, count=count)

        yield advance


def _shows_progress(args: argparse.Namespace) -> bool:
    return not (args.no_progress or not sys.stderr.isatty() or os.environ.get("CI"))


def progress_columns(unit: str) -> tuple[Any, ...]:
    """rich's columns: what, the bar, how many, how many a second, elapsed and left."""
    from rich.progress import BarColumn, ProgressColumn, Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            elapsed = task.elapsed or 0.0
            count = task.fields.get("count", 0)
            return Text(f"{count / elapsed:.1f} {unit}/s" if elapsed > 0 and count else f"- {unit}/s")

    return (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]} " + unit),
        Rate(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _mask_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mask", choices=["type", "initials"], help="how values are masked: <PERSON> (default) or R*** D***"
    )


def _files(p: argparse.ArgumentParser) -> None:
    """ruff's file-selection flags (gitignore-style patterns, comma-separated)."""
    p.add_argument("--exclude", metavar="PATTERNS", help="what is never a draft (replaces the config's and defaults)")
    p.add_argument("--extend-exclude", metavar="PATTERNS", help="excluded too, on top of exclude")
    p.add_argument("--extend-include", metavar="PATTERNS", help="files a folder's walk reads too (e.g. *.markdown)")
    p.add_argument(
        "--respect-gitignore",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="skip what git ignores (.gitignore, .git/info/exclude, global excludes); default: on",
    )
    p.add_argument(
        "--force-exclude",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="exclusions apply to files named on the command line too (the pre-commit hook passes it)",
    )


def _file_config(config: Config, args: argparse.Namespace) -> Config:
    """The config with the command line's file-selection flags."""

    def patterns(value: str) -> tuple[str, ...]:
        return tuple(p.strip() for p in value.split(",") if p.strip())

    update: dict[str, object] = {}
    if args.exclude is not None:
        update["exclude"] = patterns(args.exclude)
    if args.extend_exclude is not None:
        update["extend_exclude"] = (*config.extend_exclude, *patterns(args.extend_exclude))
    if args.extend_include is not None:
        update["extend_include"] = (*config.extend_include, *patterns(args.extend_include))
    if args.respect_gitignore is not None:
        update["respect_gitignore"] = args.respect_gitignore
    if args.force_exclude is not None:
        update["force_exclude"] = args.force_exclude
    return config.model_copy(update=update) if update else config


def _skipped(skipped: Sequence[Skipped], args: argparse.Namespace) -> None:
    """Name what the walk passed over (structured files without post text, FIFOs, links): never silent."""
    if not skipped or getattr(args, "quiet", False):
        return
    print(f"phiguard: {len(skipped)} file(s) skipped, not checked:", file=sys.stderr)
    for item in skipped:
        print(f"  {printable(item.path)}: {item.reason}", file=sys.stderr)


class _Unchecked:
    """The fields with text that no key list names, each with how many posts have it and the first places."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.places: dict[str, list[str]] = {}

    def add(self, post: DraftPost, path: str) -> None:
        for name in post.unchecked:
            self.counts[name] = self.counts.get(name, 0) + 1
            places = self.places.setdefault(name, [])
            if len(places) < 3:  # an archive of a million posts keeps three places per field
                places.append(f"{path}:{post.line}")

    def say(self, args: argparse.Namespace) -> None:
        """Name them after the run: never passed over silently."""
        if not self.counts or getattr(args, "quiet", False):
            return
        print(
            f"phiguard: {len(self.counts)} field(s) with text not checked (not known as post text; list them in "
            "text-fields to check them, or in metadata-fields):",
            file=sys.stderr,
        )
        for name, count in sorted(self.counts.items()):
            more = f" and {count - 3} more" if count > 3 else ""
            places = ", ".join(printable(w) for w in self.places[name])
            print(f"  {printable(name)}: {places}{more}", file=sys.stderr)


def _selection(p: argparse.ArgumentParser) -> None:
    """ruff's selection flags: code prefixes, comma-separated."""
    p.add_argument("--select", metavar="CODES", help="only these codes (prefixes: PHI0,CON,ADV); replaces the config's")
    p.add_argument("--extend-select", metavar="CODES", help="these codes too, on top of select")
    p.add_argument("--ignore", metavar="CODES", help="not these codes, on top of the config's ignore")


def _codes(value: str | None, flag: str, config: Config) -> tuple[str, ...]:
    """A comma-separated list of code prefixes; one that names no loaded rule is exit 2 (ruff's "unknown
    rule selector"), with the closest codes."""
    from phiguard.codes import check_selectors

    codes = tuple(c.strip().upper() for c in (value or "").split(",") if c.strip())
    if value is not None and not codes:
        raise ConfigError(f"{flag}: no code given", "name codes or prefixes, e.g. PHI0,CON")
    check_selectors(codes, LINTERS.rules(config).codes, flag)
    return codes


def _selected_config(config: Config, args: argparse.Namespace) -> Config:
    update: dict[str, object] = {}
    if args.select is not None:
        update["select"] = _codes(args.select, "--select", config)
    if getattr(args, "extend_select", None) is not None:
        update["extend_select"] = (*config.extend_select, *_codes(args.extend_select, "--extend-select", config))
    if args.ignore is not None:
        update["ignore"] = (*config.ignore, *_codes(args.ignore, "--ignore", config))
    return config.model_copy(update=update) if update else config


def _mask(args: argparse.Namespace, config: Config) -> MaskStyle:
    """--mask, else the config's mask."""
    return args.mask or config.mask


def _fail_on(args: argparse.Namespace, config: Config) -> Severity:
    """--fail-on, else the config's fail-on."""
    return Severity(args.fail_on) if args.fail_on else config.fail_on


def _jobs(args: argparse.Namespace) -> int:
    """--jobs: 0 is one worker per core."""
    from phiguard.run.check import default_jobs

    return default_jobs() if args.jobs == 0 else max(1, args.jobs)


def _color(args: argparse.Namespace) -> bool:
    """--color, else FORCE_COLOR or a terminal; NO_COLOR turns auto off (no-color.org, force-color.org)."""
    if args.color != "auto":
        return bool(args.color == "always")
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def _check(args: argparse.Namespace) -> int:
    from phiguard.run.check import STDIN_NAME, CheckResult, FileResult, check, discover

    args.paths = args.paths or ["."]
    config, root = _config(args, args.paths)
    config = _file_config(_selected_config(config, args), args)
    if args.install_models:
        from phiguard.engine.nlp import install_missing_models

        install_missing_models({lang: config.models[lang] for lang in config.languages}, _say)
    fail_on = _fail_on(args, config)
    baseline = Baseline.load(args.baseline) if args.baseline else None
    if baseline is not None:
        baseline.check_codes(LINTERS.rules(config).codes, args.baseline)
    jobs = _jobs(args)
    # the bar's total: the folders are walked once more only when a bar is shown
    reads = [args.baseline] if args.baseline else []
    total = len(discover(args.paths, config, root, reads).files) if _shows_progress(args) else None
    for progress in _progress(args, total=total):
        result = check(
            args.paths,
            config,
            lang=args.lang,
            baseline=baseline,
            jobs=jobs,
            root=root,
            progress=progress,
            today=args.today,
            linter=LINTERS.get(config),
            stdin_name=args.stdin_filename or STDIN_NAME,
            reads=reads,
        )
    rules = LINTERS.get(config).rules  # the same rules the check used, loaded once
    shown = result
    if args.min_severity:  # what is printed, not what fails
        least = Severity(args.min_severity)
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
        _write_check(args, shown, rules, out, root, fail_on, config)
        if not args.output:
            sys.stdout.flush()
    except BrokenPipeError:  # the reader left (`| head -c 0`): the run's verdict still decides the exit code
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if args.output:
        safeio.check_output(args.output, _inputs(args, config, result), "report")
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
    _skipped(result.skipped, args)
    unchecked = _Unchecked()
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


def _write_check(
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
        _statistics(shown, rules, out)
        return
    options = WriteOptions(
        args.show_values,
        not args.output and args.format == "text" and _color(args),
        rules,
        root=root,
        command_line=shlex.join(["phiguard", *args.argv]),
        fail_on=fail_on,
        config_file=args.config_used,
        show_ids=args.show_ids,
        mask=_mask(args, config),
    )
    writer(args.format).write(shown, out, options)


def _statistics(result: CheckResult, rules: RuleSet, out: TextIO) -> None:
    """ruff's --statistics: how many findings each rule has, the most first."""
    from collections import Counter

    counts = Counter(loc.finding.rule for loc in result.findings)
    for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rules.get(code)
        out.write(f"{n:>6}  {code}  {rule.name if rule else ''}\n")


def _inputs(args: argparse.Namespace, config: Config, result: CheckResult | None = None) -> list[Path | str]:
    """Every file the run reads: the drafts and the images they attach, the config, the baseline, the
    consent ledger and an audit's archive. No output may be (or link to) one of them."""
    read: list[Path | str] = []
    if result is not None:
        read += [fr.draft.path for fr in result.files]
        read += [image for fr in result.files for post in fr.draft.posts for image in post.post.images]
    read_too = ("config_used", "archive", *(("baseline",) if args.command == "check" else ()))  # baseline: written
    read += [getattr(args, name) for name in read_too if getattr(args, name, None)]
    ledger = config.ledger_path()
    return [*read, *([ledger] if ledger else [])]


def _open_output(path: Path, inputs: Sequence[Path | str], append: bool = False) -> TextIO:
    """A streamed output (an audit's findings), opened for writing (``append``: after what a resumed
    audit kept) once :func:`safeio.check_output` has found it touches no input; a missing folder or no
    permission is exit 2 naming it."""
    safeio.check_output(path, inputs, "output")
    try:
        return path.open("a" if append else "w", encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        raise InputError(
            f"{path}: cannot write ({exc.strerror})", "check the path and that its folder exists"
        ) from None


def _fix(args: argparse.Namespace) -> int:
    import difflib
    import json

    from phiguard.rewrite.files import check_writable, fix_files, identifying, masked, write_atomically

    if args.write and "-" in args.paths:
        raise InputError("--write cannot write to standard input", "pass the draft's path, or drop --write for a diff")
    config, root = _config(args, args.paths)
    config = _file_config(config, args)
    fail_on = _fail_on(args, config)
    selected = _selected_config(config, args).selected  # what is fixed: the longest matching prefix wins, as in check

    for _ in _progress(args, "fixing drafts"):
        results, skipped = fix_files(
            args.paths, config, LINTERS.get(config), lang=args.lang, selected=selected, root=root, today=args.today
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
            records.append(_fix_record(f, left, written, blocking, args.show_values, _mask(args, config)))
            continue
        if f.changed and not args.write:  # the draft's own lines, its findings masked unless --show-values
            before, after = (f.draft.source, f.source)
            if not args.show_values:
                hidden = identifying(f.draft)
                style = _mask(args, config)
                before, after = masked(before, f.before, hidden, style), masked(after, f.after, hidden, style)
            diff = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), path, path)
            sys.stdout.writelines(line if line.endswith("\n") else line + "\n" for line in diff)
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
            value = g.shown(args.show_values, _mask(args, config))
            hint = " (use `phiguard redact-image`)" if g.scope.kind == "image" else ""
            print(
                f"{printable(path)}:{loc.line}:{loc.column}: {g.rule} [{g.severity.value}] left after the fix: "
                f"{printable(g.message)}{f' ({value!r})' if value else ''}{hint}",
                file=sys.stderr,
            )
    if args.format == "json":
        json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    _skipped(skipped, args)
    changed = sum(f.changed for f in results)
    done = f"{changed - pending} written, {pending} not written" if args.write else f"{changed} shown"
    print(
        f"phiguard: {len(results)} draft(s), fixes: {done}; {left_over} with findings a fix does not remove",
        file=sys.stderr,
    )
    return 1 if pending or left_over else 0


def _fix_record(
    f: FileFix, left: list[Located], written: bool, blocking: list[Located], show: bool, style: MaskStyle
) -> dict[str, object]:
    def finding(loc: Located) -> dict[str, object]:
        g = loc.finding
        return {
            "rule": g.rule,
            "severity": g.severity.value,
            "line": loc.line,
            "column": loc.column,
            "scope": str(g.scope),
            "message": g.message,
            "value": g.shown(show, style),
        }

    edits = [
        {"post": i, "rule": e.rule, "scope": str(e.scope), "start": e.start, "end": e.end, "operator": e.operator}
        for i, e in f.edits
    ]
    return {
        "path": f.draft.path,
        "changed": f.changed,
        "written": written,
        "problem": f.problem,
        "edits": edits,
        "blocking": [finding(loc) for loc in blocking],
        "left": [finding(loc) for loc in left],
    }


def _audit(args: argparse.Namespace) -> int:
    from phiguard.run.audit import Meter, Resume, audit, iter_archive, resume

    config, _ = _config(args, [str(args.archive)])
    fail_on = _fail_on(args, config)
    jobs = _jobs(args)
    done = Resume(1, {})
    if args.resume:
        if not args.output:
            raise InputError("--resume goes on with the -o file of an interrupted audit", "name it with -o")
        safeio.check_output(args.output, _inputs(args, config), "output")  # before it is cut back
        done = resume(args.output, args.format)
    posts, flagged = 0, sum(s >= fail_on for s in done.flagged.values())
    out = _open_output(args.output, _inputs(args, config), append=args.resume) if args.output else sys.stdout
    write = post_writer(args.format).write_post
    options = WriteOptions(args.show_values, show_ids=args.show_ids, mask=_mask(args, config))
    last = 0  # the archive line of the last post whose findings were written
    unchecked = _Unchecked()
    try:
        meter = Meter()
        for progress in _progress(args, "auditing posts", unit="posts", meter=meter):
            archive = iter_archive(args.archive, config.read_options(), config.max_draft_bytes, meter)
            for item, report in audit(
                done.remaining(archive),
                LINTERS.get(config),
                lang=args.lang,
                jobs=jobs,
                progress=progress,
            ):
                write(str(args.archive), item, report, out, options)  # one write: an interrupt leaves whole posts
                unchecked.add(item, str(args.archive))
                posts += 1
                last = item.line
                flagged += bool(report.at_least(fail_on))
    except KeyboardInterrupt:
        raise Interrupted(
            f"interrupted after {posts} post(s), the last at line {last} of {args.archive}: the audit is "
            "incomplete (every line written is whole)",
            "go on with `--resume` and the same -o" if args.output else "run it again",
        ) from None
    finally:
        if args.output:
            out.close()
    unchecked.say(args)
    kept = f" ({done.kept} kept from the interrupted run)" if args.resume else ""
    print(
        f"phiguard: {posts + done.kept} post(s) audited{kept}, {flagged} with findings at or above {fail_on.value}",
        file=sys.stderr,
    )
    return 1 if flagged else 0


def _redact_image(args: argparse.Namespace) -> int:
    from phiguard.rewrite.image import check_suffix, check_target, redact

    if args.output and len(args.images) > 1:
        raise InputError("--output names one file, and more than one image was given", "use --suffix instead")
    check_suffix(args.suffix)
    config, _ = _config(args, [str(p) for p in args.images])
    linter = LINTERS.get(config)
    targets = [args.output or image.with_name(image.stem + args.suffix + image.suffix) for image in args.images]
    for target in targets:  # before anything is written: no output may be (a link to) an original
        check_target(target, [*map(str, args.images), *_inputs(args, config)])
    for image, target in zip(args.images, targets, strict=True):
        done = redact(linter, image, target, lang=args.lang, faces=args.faces, originals=args.images)
        covered = ", ".join(f"{c.rule} {c.shown(args.show_values, _mask(args, config))}" for c in done.covered)
        print(
            f"phiguard: {image} -> {target}: metadata removed ({', '.join(done.removed) or 'none found'}); "
            f"{len(done.covered)} area(s) covered{': ' + covered if covered else ''}",
            file=sys.stderr,
        )
    return 0


def _baseline(args: argparse.Namespace) -> int:
    from phiguard.run.check import check

    config, root = _config(args, args.paths)
    if args.action == "create" and args.baseline.exists():
        raise InputError(f"{args.baseline}: already exists", "use `phiguard baseline update` to rewrite it")
    if args.action == "update" and not args.baseline.exists():
        raise InputError(f"{args.baseline}: no such baseline", "use `phiguard baseline create` first")
    config = _file_config(config, args)
    result = check(args.paths, config, lang=args.lang, root=root, linter=LINTERS.get(config), reads=[args.baseline])
    _skipped(result.skipped, args)
    baseline = Baseline()
    for loc in result.findings:
        baseline.add(loc.finding.rule, loc.fingerprint)
    baseline.save(args.baseline, _inputs(args, config, result))
    print(f"phiguard: {len(result.findings)} finding(s) accepted in {args.baseline}", file=sys.stderr)
    return 0


def _eval(args: argparse.Namespace) -> int:
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
    trained = linter.identifier_model.trained
    if args.json:
        print(json.dumps({**summary, "learned_models": trained}, indent=2))
    else:
        print(format_summary(args.corpus.name, summary))
        print(format_training(trained))
    return 0


def _rules(args: argparse.Namespace) -> int:
    from phiguard.rulepack.loader import load_rules

    config, _ = _config(args)
    rules = load_rules(config.rule_dirs)  # the built-in packs and the configured rule-dirs
    if args.docs:
        from phiguard.rulepack.docs import write_docs

        written = write_docs(rules, args.docs)
        print(f"phiguard: wrote {len(written)} page(s) to {args.docs}", file=sys.stderr)
        return 0
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
        if rule.category.value == "identifier":
            print(f"Consent scope: {rule.consent_scope or 'none (never covered by a consent)'}\n")
        for lang, reply in sorted((rule.reply or {}).items()):
            print(f"Suggested reply [{lang}]: {reply}")
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
    args.argv = list(sys.argv[1:] if argv is None else argv)  # for SARIF's invocation
    if args.version:
        from phiguard import __version__

        print(f"phiguard {__version__}")
        return 0
    handlers = {
        "check": _check,
        "fix": _fix,
        "audit": _audit,
        "baseline": _baseline,
        "redact-image": _redact_image,
        "eval": _eval,
        "rules": _rules,
    }
    if args.command not in handlers:
        _parser().print_help(sys.stderr)
        return 2
    _stop_on_sigterm()
    try:
        return handlers[args.command](args)
    except PhiguardError as exc:
        return _error(exc, args)
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return _error(Interrupted("interrupted; the run is incomplete", "run it again"), args)
    except Exception as exc:
        return _error(InternalError(f"in {args.command}", exc), args, exc)


def _stop_on_sigterm() -> None:
    """SIGTERM (a CI timeout, `kill`) stops phiguard as Ctrl-C does: workers stopped, exit 2."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def _error(exc: PhiguardError, args: argparse.Namespace, cause: BaseException | None = None) -> int:
    """Exit 2 with the coded message; the traceback only with --debug (it may quote a draft)."""
    if isinstance(exc, InternalError):
        cause = cause or exc.__cause__
    if getattr(args, "debug", False) and cause is not None:
        import traceback

        traceback.print_exception(cause, file=sys.stderr)
    print(f"phiguard: error: {printable(str(exc))}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
