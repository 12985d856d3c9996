"""Auditing a post archive: an export of thousands to millions of posts, streamed.

``phiguard check`` keeps every finding of every draft to write SARIF or HTML at the end; an archive
audit cannot. Here posts are read one at a time, linted in batches (``Linter.lint_many``) and each
post's findings are written as soon as they are known, so memory stays flat whatever the archive's size.
With ``jobs > 1`` chunks of posts go to worker processes, each loading the models once; at most two
chunks per worker are in flight, so a fast reader never fills memory ahead of slow workers.

Posts are read by the same readers as ``phiguard check`` (:mod:`phiguard.inputs`), so a field one reads
the other reads too. JSON Lines (``.jsonl``, ``.ndjson``) and CSV archives are streamed line by line;
the other draft formats are read whole, within ``max-draft-bytes``. Inline suppressions are for
drafts under ``phiguard check``: an audit reports everything. A line that is not a post is an
:class:`InputError` naming the line: an audit never skips what it could not read.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import regex

from phiguard import safeio
from phiguard.config import Config
from phiguard.engine.linter import Linter
from phiguard.errors import InputError, PostError
from phiguard.inputs import READERS, DraftPost, ReadOptions, reader_for
from phiguard.inputs.draft import DEFAULTS
from phiguard.models import Lang, Post, Report, Severity
from phiguard.run import workers

CHUNK = 256  # posts per task sent to a worker process


@dataclass
class Meter:
    """How far into an archive the reader is, in bytes (for a progress bar's rate and time left)."""

    total: int = 0
    done: int = 0


def iter_archive(
    path: Path, options: ReadOptions = DEFAULTS, max_line: int = safeio.MAX_BYTES, meter: Meter | None = None
) -> Iterator[DraftPost]:
    """Posts of an archive (a regular file), read lazily where its format allows; a line (or, for a
    format read whole, a file) longer than ``max_line`` bytes (``max-draft-bytes``) is an error.
    ``meter`` follows the bytes read."""
    reader = reader_for(str(path))
    if reader is None:
        known = ", ".join(sorted(s for r in READERS for s in r.suffixes))
        raise InputError(f"{path}: not a format phiguard reads ({known})", "export the posts as JSON Lines or CSV")
    if reader.stream is None:
        yield from reader.read(str(path), safeio.read_text(path, max_line), options).posts
        return
    try:
        with safeio.open_regular(path) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as fh:
            if meter is not None:
                meter.total = os.fstat(raw.fileno()).st_size
            yield from reader.stream(str(path), _bounded_lines(path, fh, max_line, meter), options)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})", "check the path") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start} of a block)", "save the archive as UTF-8") from None


def _bounded_lines(path: Path, fh: io.TextIOWrapper, limit: int, meter: Meter | None = None) -> Iterator[str]:
    n = 0
    while line := fh.readline(limit + 1):
        n += 1
        if meter is not None:
            meter.done = fh.buffer.tell()  # type: ignore[attr-defined]  # the position, read ahead by a block at most
        if len(line) > limit:
            raise InputError(f"{path}:{n}: line longer than {limit:,} characters (max-draft-bytes)", "split the post")
        yield line


# -- resuming -------------------------------------------------------------------------------------------
@dataclass
class Resume:
    """Where an interrupted audit goes on: the archive line of the first post to audit again (the post
    whose findings were being written when it stopped, and all after it), and what the kept output
    already says: the posts with findings at each severity."""

    line: int
    flagged: dict[int, Severity]  # archive line -> the most severe finding kept for that post
    kept: int = 0  # the posts before ``line``, audited by the interrupted run (counted by ``remaining``)

    def remaining(self, posts: Iterable[DraftPost]) -> Iterator[DraftPost]:
        """The posts still to audit: those from archive line ``line`` on; the others are counted."""
        for post in posts:
            if post.line >= self.line:
                yield post
            else:
                self.kept += 1


_TEXT_LINE = regex.compile(r":(\d+): [A-Z]{2,5}\d{0,4} \[(info|warning|error)\] ")


def resume(output: Path, fmt: str) -> Resume:
    """Cut ``output`` (the findings file of an interrupted ``audit -o``) back to the last post written
    whole: a partly written last line is dropped, and so are the lines of the post it belongs to, which
    is audited again; posts after it wrote nothing (clean, or not reached). Every post is then reported
    exactly once. A line that is not this format's is an error (exit 2), and nothing is cut."""
    if not output.exists():
        return Resume(1, {})  # nothing written yet: from the start
    flagged: dict[int, Severity] = {}
    last, cut, offset = 0, 0, 0  # the last post's archive line, where its lines start, bytes read
    with safeio.open_regular(output, f"{output} (output)") as fh:
        for n, raw in enumerate(fh, 1):  # streamed: an archive's findings may be gigabytes
            if not raw.endswith(b"\n"):
                break  # a line cut off by the interruption is not kept
            line, severity = _parse(raw, fmt, output, n)
            if line != last:  # a post's lines are contiguous, in archive order
                last, cut = line, offset
            flagged[line] = max(flagged.get(line, severity), severity)
            offset += len(raw)
    _truncate(output, cut)  # the last post's lines go: it is audited again
    flagged.pop(last, None)
    return Resume(max(last, 1), flagged)


def _parse(raw: bytes, fmt: str, output: Path, n: int) -> tuple[int, Severity]:
    """The archive line and severity of one output line."""
    try:
        text = raw.decode("utf-8")
        if fmt == "jsonl":
            record = json.loads(text)
            return int(record["line"]), Severity(record["severity"])
        m = _TEXT_LINE.search(text)
        if m is None:
            raise ValueError
        return int(m.group(1)), Severity(m.group(2))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InputError(
            f"{output}:{n}: not a line of a `--format {fmt}` audit; nothing was cut",
            "resume with the format and the output of the interrupted audit",
        ) from None


def _truncate(output: Path, size: int) -> None:
    try:
        with output.open("r+b") as fh:
            fh.truncate(size)
    except OSError as exc:
        raise InputError(f"{output}: cannot cut back to resume ({exc.strerror})", "check the file") from None


# -- linting --------------------------------------------------------------------------------------------
def audit(
    posts: Iterable[DraftPost],
    linter: Linter,
    *,
    lang: Lang | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[DraftPost, Report]]:
    """Each post with its report, in archive order, streamed. With ``jobs`` > 1 each worker process
    builds its own Linter from ``linter.config`` once."""
    if jobs <= 1:
        it = iter(posts)
        while chunk := list(islice(it, CHUNK)):
            yield from _placed(chunk, lambda: list(linter.lint_many((p.post for p in chunk), lang=lang)))
            if progress:
                progress(len(chunk))
        return
    yield from _parallel(posts, linter.config, lang, jobs, progress)


def _parallel(
    posts: Iterable[DraftPost],
    config: Config,
    lang: Lang | None,
    jobs: int,
    progress: Callable[[int], None] | None,
) -> Iterator[tuple[DraftPost, Report]]:
    it = iter(posts)
    pending: list[tuple[list[DraftPost], Future[list[Report]]]] = []
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=workers.start, initargs=(config, True, os.getpid()))
    try:
        while True:
            while len(pending) < 2 * jobs and (chunk := list(islice(it, CHUNK))):
                pending.append((chunk, pool.submit(_lint_chunk, [p.post for p in chunk], lang)))
            if not pending:
                break
            chunk, future = pending.pop(0)
            yield from _placed(chunk, future.result)
            if progress:
                progress(len(chunk))
    except BaseException:  # an error, Ctrl-C, SIGTERM or a consumer that stopped: no worker outlives the audit
        procs = list(getattr(pool, "_processes", {}).values())  # the executor has no public handle on them
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in procs:
            worker.terminate()
        for worker in procs:
            worker.join(timeout=5)
        raise
    pool.shutdown()


def _placed(chunk: list[DraftPost], reports: Callable[[], list[Report]]) -> Iterator[tuple[DraftPost, Report]]:
    """Each post of ``chunk`` with its report; a post that could not be checked is named by its line."""
    try:
        done = reports()
    except PostError as exc:
        raise exc.at(f"line {chunk[exc.index].line}") from None
    return zip(chunk, done, strict=True)


def _lint_chunk(posts: list[Post], lang: Lang | None) -> list[Report]:
    return list(workers.linter().lint_many(posts, lang=lang))
