"""Auditing a post archive: a JSONL or CSV export of thousands to millions of posts, streamed.

``phiguard check`` keeps every finding of every draft to write SARIF or HTML at the end; an archive
audit cannot. Here posts are read one at a time, linted in batches (``Linter.lint_many``) and each
post's findings are written as soon as they are known, so memory stays flat whatever the archive's size.
With ``jobs > 1`` chunks of posts go to worker processes, each loading the models once; at most two
chunks per worker are in flight, so a fast reader never fills memory ahead of slow workers.

A JSONL line is one post (an object with a text field named like the draft exports': ``text``,
``message``, ``body``, ``texto``...; optional ``id``, ``lang`` and ``images``, paths relative to the
archive's folder). A CSV row is one post (the text column
found the same way, or ``csv-text-columns`` from the config). A line that is not a post is an
:class:`InputError` naming the line: an audit never skips what it could not read.
"""

from __future__ import annotations

import csv
import io
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from phiguard import safeio
from phiguard.config import Config
from phiguard.drafts import (
    IMAGE_CSV_KEYS,
    LANG_KEYS,
    TEXT_KEYS,
    all_fields,
    first_field,
    image_path,
    image_refs,
    parse_lang,
)
from phiguard.errors import InputError
from phiguard.models import Lang, Post, Report

CHUNK = 256  # posts per task sent to a worker process
ID_KEYS = ("id", "post_id", "uuid", "tweet_id")


@dataclass(frozen=True)
class ArchivePost:
    line: int  # 1-based line of the post in the archive (for CSV: the row's first line)
    post: Post


def iter_archive(
    path: Path, text_columns: Iterable[str] = (), max_line: int = safeio.MAX_BYTES
) -> Iterator[ArchivePost]:
    """Posts of a ``.jsonl`` or ``.csv`` archive (a regular file), read lazily; a line longer than
    ``max_line`` bytes (``max-draft-bytes``) is an error."""
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".csv"):
        raise InputError(f"{path}: an archive is a .jsonl or .csv file", "export the posts as JSON Lines or CSV")
    try:
        with safeio.open_regular(path) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as fh:
            lines = _bounded_lines(path, fh, max_line)
            if suffix == ".csv":
                yield from _csv_rows(path, lines, tuple(text_columns))
            else:
                yield from _jsonl_lines(path, lines)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})", "check the path") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start} of a block)", "save the archive as UTF-8") from None


def _bounded_lines(path: Path, fh: io.TextIOWrapper, limit: int) -> Iterator[str]:
    n = 0
    while line := fh.readline(limit + 1):
        n += 1
        if len(line) > limit:
            raise InputError(f"{path}:{n}: line longer than {limit:,} characters (max-draft-bytes)", "split the post")
        yield line


def _post(record: dict[str, object], path: Path, line: int, text_keys: tuple[str, ...]) -> ArchivePost:
    where = f"{path}:{line}"
    fields = [t for t in all_fields(record, text_keys) if t is not None]
    if not fields or not all(isinstance(t, str) for t in fields):
        raise InputError(f"{where}: no text field ({', '.join(TEXT_KEYS[:4])}...)", "name the post's text column")
    texts = [t for t in fields if t] or [""]
    ident = first_field(record, ID_KEYS)
    post = Post(
        text=safeio.clean_text(texts[0]),
        captions=tuple(safeio.clean_text(t) for t in texts[1:]),  # a second text field is read too
        images=tuple(image_path(str(path), ref) for ref in _image_refs(record, where)),
        lang=parse_lang(first_field(record, LANG_KEYS), where),
        id=str(ident) if ident not in (None, "") else f"line {line}",
    )
    return ArchivePost(line, post)


def _image_refs(record: dict[str, object], where: str) -> list[str]:
    try:
        return image_refs(first_field(record, IMAGE_CSV_KEYS))
    except InputError as exc:
        raise InputError(f"{where}: {exc.message}", exc.fix) from None


def _jsonl_lines(path: Path, fh: Iterable[str]) -> Iterator[ArchivePost]:
    for n, raw in enumerate(fh, 1):
        if not raw.strip():
            continue
        record = safeio.load_json(raw, f"{path}:{n}")
        if not isinstance(record, dict):
            raise InputError(f"{path}:{n}: not a JSON object", "one JSON object per line")
        yield _post(record, path, n, TEXT_KEYS)


def _csv_rows(path: Path, fh: Iterable[str], columns: tuple[str, ...]) -> Iterator[ArchivePost]:
    reader = csv.reader(fh, strict=True)
    keys = tuple(c.lower() for c in columns) or TEXT_KEYS
    try:
        header = next(reader, [])
        # a repeated column name gets trailing spaces ("text", "text "): both are read as text columns
        names = [name + " " * header[:i].count(name) for i, name in enumerate(header)]
        line = reader.line_num + 1
        for row in reader:
            if len(row) > len(names):
                raise InputError(f"{path}:{line}: more cells than the header has columns", "fix the row's quoting")
            yield _post(dict(zip(names, row, strict=False)), path, line, keys)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}: malformed CSV ({exc})", "fix the quoting") from None


# -- linting --------------------------------------------------------------------------------------------
def audit(
    posts: Iterable[ArchivePost],
    config: Config,
    *,
    lang: Lang | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[ArchivePost, Report]]:
    """Each post with its report, in archive order, streamed."""
    if jobs <= 1:
        from phiguard.checker import linter_for

        linter = linter_for(config)
        it = iter(posts)
        while chunk := list(islice(it, CHUNK)):
            yield from zip(chunk, linter.lint_many((p.post for p in chunk), lang=lang), strict=True)
            if progress:
                progress(len(chunk))
        return
    yield from _parallel(posts, config, lang, jobs, progress)


def _parallel(
    posts: Iterable[ArchivePost],
    config: Config,
    lang: Lang | None,
    jobs: int,
    progress: Callable[[int], None] | None,
) -> Iterator[tuple[ArchivePost, Report]]:
    it = iter(posts)
    pending: list[tuple[list[ArchivePost], Future[list[Report]]]] = []
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_signals)
    try:
        while True:
            while len(pending) < 2 * jobs and (chunk := list(islice(it, CHUNK))):
                pending.append((chunk, pool.submit(_lint_chunk, [p.post for p in chunk], config, lang)))
            if not pending:
                break
            chunk, future = pending.pop(0)
            yield from zip(chunk, future.result(), strict=True)
            if progress:
                progress(len(chunk))
    except BaseException:  # an error, Ctrl-C, SIGTERM or a consumer that stopped: no worker outlives the audit
        workers = list(getattr(pool, "_processes", {}).values())  # the executor has no public handle on them
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=5)
        raise
    pool.shutdown()


def _worker_signals() -> None:
    """Workers leave SIGINT to the parent (which stops them): a Ctrl-C prints no worker tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _lint_chunk(posts: list[Post], config: Config, lang: Lang | None) -> list[Report]:
    from phiguard.checker import linter_for  # one Linter per worker process: models load once

    return list(linter_for(config).lint_many(posts, lang=lang))
