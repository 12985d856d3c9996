"""What the CLI tells a person on standard error besides the report: a progress bar on a terminal,
what was skipped, and fields with text that no key list names (never passed over silently)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from phiguard.models import printable

if TYPE_CHECKING:
    from phiguard.inputs import DraftPost
    from phiguard.inputs.selection import Skipped
    from phiguard.run.audit import Meter


def progress(
    args: argparse.Namespace,
    label: str = "checking drafts",
    total: int | None = None,
    unit: str = "drafts",
    meter: Meter | None = None,
) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on an interactive terminal (nothing in CI, pipes or files): the count, the
    rate and the time left. ``meter``: an archive's bytes, which give the total and the time left."""
    if not shows_progress(args):
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


def shows_progress(args: argparse.Namespace) -> bool:
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


def say(message: str) -> None:
    print(message, file=sys.stderr)


def say_skipped(skipped: Sequence[Skipped], args: argparse.Namespace) -> None:
    """Name what the walk passed over (structured files without post text, FIFOs, links): never silent."""
    if not skipped or getattr(args, "quiet", False):
        return
    print(f"phiguard: {len(skipped)} file(s) skipped, not checked:", file=sys.stderr)
    for item in skipped:
        print(f"  {printable(item.path)}: {item.reason}", file=sys.stderr)


class Unchecked:
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
