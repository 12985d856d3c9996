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
    aud.add_argument("archive", type=Path)
    options.common(aud)
    aud.add_argument("--format", choices=AUDIT_FORMATS, default="text", help="one line per finding")
    aud.add_argument("--output", "-o", type=Path, help="write the findings to this file instead of stdout")
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
