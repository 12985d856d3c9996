"""``phiguard check --watch``: check everything once, then each draft again as it changes (watchfiles), with
the Linter the first check loaded. A changed file counts when the first check's selection would pick it
(the same walk: include, exclude, .gitignore); a deleted one is said, not checked."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from phiguard.cli import notices
from phiguard.config import Config
from phiguard.errors import ArgumentError, PhiguardError
from phiguard.models import printable
from phiguard.run.check import discover

DEBOUNCE_MS = 300  # changes this close together are one batch (an editor's save is often several writes)


def watch(args: argparse.Namespace, config: Config, root: Path, once: Callable[[list[str]], int]) -> int:
    """``once(paths)`` checks and reports; run it on every path, then on each batch of changed drafts until
    Ctrl-C. An error in one round (a draft saved half-written) is reported and the watch goes on."""
    try:
        import watchfiles
    except ImportError:
        raise ArgumentError("--watch needs the watch extra", 'pip install "phiguard[watch]" (watchfiles)') from None
    if "-" in args.paths:
        raise ArgumentError("--watch cannot watch standard input", "name the drafts' files or folders")
    if args.output:
        raise ArgumentError("--watch reports to the terminal", "drop --output")
    _round(once, list(args.paths))
    notices.say(f"phiguard: watching {printable(', '.join(args.paths))} for changes (Ctrl-C stops)")
    try:
        for changes in watchfiles.watch(*args.paths, debounce=DEBOUNCE_MS, raise_interrupt=True):
            changed = {Path(p).resolve() for _, p in changes}
            gone = sorted(str(p) for p in changed if not p.exists())
            for path in gone:
                notices.say(f"phiguard: {printable(path)}: deleted")
            try:
                drafts = [f for f in discover(args.paths, config, root).files if Path(f).resolve() in changed]
            except PhiguardError as exc:
                notices.say(f"phiguard: error: {exc}")
                continue
            if drafts:
                notices.say(f"phiguard: {len(drafts)} changed draft(s)")
                _round(once, drafts)
    except KeyboardInterrupt:
        pass
    return 0


def _round(once: Callable[[list[str]], int], paths: list[str]) -> None:
    try:
        once(paths)
    except PhiguardError as exc:  # reported, never a clean result; the next save is checked again
        notices.say(f"phiguard: error: {exc}")
