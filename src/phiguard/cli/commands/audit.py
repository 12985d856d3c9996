"""``phiguard audit``: an archive of posts (.jsonl or .csv, any size), streamed post by post; an
interrupted audit goes on with ``--resume``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from phiguard import safeio
from phiguard.cli import notices, options
from phiguard.errors import InputError, Interrupted
from phiguard.outputs import AUDIT_FORMATS, WriteOptions, post_writer

NAME = "audit"
HELP = "audit a post archive (.jsonl or .csv, any size), streamed"


def arguments(aud: argparse.ArgumentParser) -> None:
    aud.add_argument("archives", nargs="+", metavar="archive", help="the archive (with --dask: files and globs)")
    options.common(aud)
    aud.add_argument(
        "--format", choices=[*AUDIT_FORMATS, "parquet"], help="one line per finding (default text; --dask: jsonl)"
    )
    aud.add_argument(
        "--output", "-o", type=Path, help="write the findings to this file instead of stdout (--dask: a folder)"
    )
    aud.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster: tcp://scheduler:8786, or local:N for N worker processes here (phiguard[dask])",
    )
    aud.add_argument(
        "--part-posts", type=int, default=5000, help="--dask: posts per part (a task; the unit a re-run redoes)"
    )
    aud.add_argument("--fail-on", choices=["info", "warning", "error"], help="exit 1 at or above this level")
    options.value_flags(aud)
    aud.add_argument("--show-ids", action="store_true", help="print posts' own ids (jsonl)")
    options.progress_flags(aud)
    aud.add_argument(
        "--resume",
        action="store_true",
        help="go on with an interrupted audit: keep the -o file's whole posts, audit the rest",
    )


def run(args: argparse.Namespace) -> int:
    from phiguard.run.audit import Meter, Resume, audit, iter_archive, resume

    if args.dask:
        return _on_dask(args)
    if len(args.archives) != 1:
        raise InputError("phiguard audit reads one archive", "audit them one by one, or all at once with --dask")
    if args.format == "parquet":
        raise InputError("--format parquet writes a --dask audit's parts", "use --format jsonl, or add --dask")
    args.format = args.format or "text"
    args.archive = Path(args.archives[0])
    config, _ = options.config_of(args, [str(args.archive)])
    fail_on = options.fail_level(args, config)
    jobs = options.jobs(args)
    done = Resume(1, {})
    if args.resume:
        if not args.output:
            raise InputError("--resume goes on with the -o file of an interrupted audit", "name it with -o")
        safeio.check_output(args.output, options.inputs_of(args, config), "output")  # before it is cut back
        done = resume(args.output, args.format)
    posts, flagged = 0, sum(s >= fail_on for s in done.flagged.values())
    out = (
        options.open_output(args.output, options.inputs_of(args, config), append=args.resume)
        if args.output
        else sys.stdout
    )
    write = post_writer(args.format).write_post
    settings = WriteOptions(args.show_values, show_ids=args.show_ids, mask=options.mask_style(args, config))
    last = 0  # the archive line of the last post whose findings were written
    unchecked = notices.Unchecked()
    try:
        meter = Meter()
        for progress in notices.progress(args, "auditing posts", unit="posts", meter=meter):
            archive = iter_archive(args.archive, config.read_options(), config.max_draft_bytes, meter)
            for item, report in audit(
                done.remaining(archive),
                options.LINTERS.get(config),
                lang=args.lang,
                jobs=jobs,
                progress=progress,
            ):
                write(str(args.archive), item, report, out, settings)  # one write: an interrupt leaves whole posts
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


def _on_dask(args: argparse.Namespace) -> int:
    """``--dask``: the archives cut into parts, linted on the cluster, each part written whole under the
    -o folder with a manifest; a re-run with the same -o does only the parts it lacks."""
    try:
        from phiguard.dask import audit_archives, pending
        from phiguard.dask.parts import Settings, expand
    except ImportError:
        raise InputError(
            "--dask needs the dask extra", 'pip install "phiguard[dask]" (dask.distributed, pyarrow)'
        ) from None
    if not args.output:
        raise InputError("--dask writes its parts into a folder", "name it with -o")
    if args.resume or args.jobs != 1:
        raise InputError("--dask resumes by itself and its workers are the cluster's", "drop --resume and -j")
    if args.part_posts < 1:
        raise InputError("--part-posts must be at least 1", "pass a number of posts")
    files = expand(args.archives)
    out = args.output.resolve()
    for f in files:
        if f == out or f.is_relative_to(out):
            raise InputError(f"{f}: an input inside the output folder {args.output}", "write the audit elsewhere")
    config, _ = options.config_of(args, [str(files[0])])
    fmt = args.format or "jsonl"
    if fmt not in ("jsonl", "parquet"):
        raise InputError(f"--dask writes jsonl or parquet parts, not {fmt}", "use --format jsonl or parquet")
    settings = Settings(
        str(out),
        fmt,
        config.read_options(),
        fail_on=options.fail_level(args, config),
        show_values=args.show_values,
        show_ids=args.show_ids,
    )
    parts, todo = pending(files, out, fmt, args.part_posts)
    posts = sum(p.records for p in todo)
    print(
        f"phiguard: {len(parts)} part(s) in {len(files)} archive(s); {len(parts) - len(todo)} already done, "
        f"{len(todo)} to do ({posts:,} posts) on {args.dask}",
        file=sys.stderr,
    )
    for progress in notices.progress(args, "auditing posts", total=posts, unit="posts"):
        outcome = audit_archives(files, settings, config, args.dask, args.part_posts, progress, parts)
    unreadable = outcome.count("unreadable")
    flagged = outcome.count("flagged")
    print(
        f"phiguard: {outcome.posts:,} post(s) audited in {len(outcome.done)} of {outcome.parts} part(s): "
        f"{flagged:,} with findings at or above {settings.fail_on.value}, {outcome.count('clean'):,} clean, "
        f"{unreadable:,} unreadable; findings in {args.output}/findings, every post in {args.output}/posts",
        file=sys.stderr,
    )
    for part, reason in outcome.failed:
        print(
            f"phiguard: error: {part.source} (bytes or row groups {part.start}-{part.end}): {reason}", file=sys.stderr
        )
    if outcome.failed or len(outcome.done) < outcome.parts:
        print("phiguard: the audit is incomplete: run the same command again to finish it", file=sys.stderr)
        return 2
    if unreadable:
        print(
            f"phiguard: {unreadable:,} post(s) could not be checked: their reasons are in {args.output}/posts "
            "(status unreadable)",
            file=sys.stderr,
        )
        return 2
    return 1 if flagged else 0
