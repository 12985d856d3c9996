"""An archive audit cut into parts that can be done anywhere, in any order, again: planned by the client,
read and linted by a worker, each written whole, and recorded in a manifest. Nothing here imports Dask.

- A **part** is a byte range of a JSON Lines or CSV file cut at record boundaries (a CSV record may span
  lines: the cut is made by the csv module's own reading), or row groups of a Parquet file. Its key is a
  hash of the file's identity (path, size, modification time) and the range, so the same archive plans
  the same parts and a changed file plans new ones.
- A worker reads its part record by record: a record that cannot be read (bad JSON, a CSV row with more
  cells than the header, a post over its limits) becomes an *unreadable* post with its reason, never a
  lost one. Every record of the part is in its **posts ledger** exactly once: flagged, clean or
  unreadable.
- A part's findings and ledger are written to temporary files and renamed into place, then the client
  appends the part to ``manifest.jsonl``. A run killed anywhere leaves whole parts or none; a re-run
  plans the same parts and does those the manifest lacks.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import IO, Any

from phiguard import __version__, safeio
from phiguard.errors import InputError, PhiguardError, PostError
from phiguard.inputs import DraftPost, ReadOptions
from phiguard.inputs import jsonl as jsonl_reader
from phiguard.inputs import sheet as csv_reader
from phiguard.models import Finding, Report, Severity

KINDS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
FORMATS = ("jsonl", "parquet")
MANIFEST = "manifest.jsonl"
FINDING_COLUMNS = (
    "source", "line", "post", "rule", "category", "severity", "entity", "scope", "start", "end", "lang", "value",
    "message",
)  # fmt: skip
POST_COLUMNS = ("source", "line", "post", "status", "severity", "findings", "reason")


@dataclass(frozen=True)
class Part:
    """One part of one input file: bytes ``[start, end)`` of a text file (``header``: the CSV header's
    bytes), or row groups ``[start, end)`` of a Parquet file; ``first_line``: the archive line (text) or
    row number (Parquet, 1-based) of its first record; ``records``: how many it holds."""

    source: str
    kind: str
    start: int
    end: int
    first_line: int
    records: int
    identity: str  # the file's size and modification time when planned
    header: int = 0

    @property
    def key(self) -> str:
        raw = f"{self.source}|{self.identity}|{self.kind}|{self.start}|{self.end}"
        return hashlib.sha256(raw.encode()).hexdigest()[:20]


@dataclass
class Unreadable:
    line: int
    reason: str


@dataclass
class Done:
    """What a part's task reports back: its counts (written to the manifest)."""

    key: str
    source: str
    start: int
    end: int
    posts: int
    flagged: int
    clean: int
    unreadable: int
    findings: int
    worst: str | None = None  # the most severe finding's severity


# -- planning (the client) -------------------------------------------------------------------------------
def expand(patterns: Sequence[str]) -> list[Path]:
    """Input files from paths and globs (``**`` recursive), each once, in order; a pattern matching no
    file, or a file of a format parts cannot be cut from, is an error."""
    out: dict[Path, None] = {}
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else [pattern]
        files = [Path(m) for m in matches if Path(m).is_file()]
        if not files:
            raise InputError(f"{pattern}: no such archive file", "check the path or glob")
        for f in files:
            if f.suffix.lower() not in KINDS:
                raise InputError(
                    f"{f}: not an archive format the cluster audit reads", "export the posts as JSONL, CSV or Parquet"
                )
            out[f.resolve()] = None
    return list(out)


def plan(files: Sequence[Path], records_per_part: int) -> list[Part]:
    """The parts of every file, in file order."""
    parts: list[Part] = []
    for path in files:
        stat = path.stat()
        identity = f"{stat.st_size}:{stat.st_mtime_ns}"
        kind = KINDS[path.suffix.lower()]
        if kind == "parquet":
            parts += _parquet_parts(path, identity, records_per_part)
        else:
            parts += _text_parts(path, kind, identity, records_per_part)
    return parts


def _text_parts(path: Path, kind: str, identity: str, size: int) -> list[Part]:
    """Cut a JSON Lines or CSV file every ``size`` records, at record boundaries."""
    out: list[Part] = []
    pos = 0  # bytes read so far
    line = 0  # lines read so far

    def lines(fh: IO[bytes]) -> Iterator[str]:
        nonlocal pos, line
        for raw in fh:
            pos += len(raw)
            line += 1
            yield raw.decode("utf-8", errors="replace")

    with safeio.open_regular(path, str(path)) as fh:
        records = lines(fh)
        header = 0
        if kind == "csv":
            rows = csv.reader(records)
            if next(rows, None) is None:
                return []
            header = pos
            boundaries = _boundaries(lambda: next(rows, None) is not None, lambda: (pos, line))
        else:
            boundaries = _boundaries(lambda: _next_record(records), lambda: (pos, line))
        start, first = header, line + 1
        count = 0
        for end, end_line in boundaries:
            count += 1
            if count == size:
                out.append(Part(str(path), kind, start, end, first, count, identity, header))
                start, first, count = end, end_line + 1, 0
        if count:
            out.append(Part(str(path), kind, start, pos, first, count, identity, header))
    return out


def _next_record(records: Iterator[str]) -> bool:
    """Read up to the next non-blank line (a JSONL record); False at the end."""
    return any(raw.strip() for raw in records)


def _boundaries(advance: Callable[[], bool], where: Callable[[], tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """(byte offset, line) just after each record, as ``advance`` reads them."""
    while advance():
        yield where()


def _parquet_parts(path: Path, identity: str, size: int) -> list[Part]:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    out: list[Part] = []
    start, rows, first = 0, 0, 1
    for g in range(meta.num_row_groups):
        rows += meta.row_group(g).num_rows
        if rows >= size or g == meta.num_row_groups - 1:
            out.append(Part(str(path), "parquet", start, g + 1, first, rows, identity))
            start, first, rows = g + 1, first + rows, 0
    return out


# -- reading (a worker) ----------------------------------------------------------------------------------
def read(part: Part, options: ReadOptions) -> Iterator[DraftPost | Unreadable]:
    """Each record of the part: its post, or why it could not be read. Blank lines are no records."""
    if part.kind == "parquet":
        yield from _parquet_records(part, options)
        return
    with safeio.open_regular(Path(part.source), part.source) as fh:
        header = fh.read(part.header) if part.kind == "csv" else b""
        fh.seek(part.start)
        body = fh.read(part.end - part.start)
    raw_lines = body.splitlines(keepends=True)
    if part.kind == "jsonl":
        for n, raw in enumerate(raw_lines, part.first_line):
            yield from _one(n, partial(_jsonl_post, part.source, n, raw, options))
        return
    head = _text(header).splitlines(keepends=True)
    for line, record in _csv_records(raw_lines, part.first_line):
        yield from _one(line, partial(_csv_post, part.source, head, record, line, options))


def _jsonl_post(source: str, n: int, raw: bytes, options: ReadOptions) -> DraftPost | None:
    return jsonl_reader.line_post(source, n, _text(raw), options)


def _one(line: int, read_it: Callable[[], DraftPost | None]) -> Iterator[DraftPost | Unreadable]:
    try:
        post = read_it()
    except PhiguardError as exc:
        yield Unreadable(line, exc.message)
        return
    if post is not None:
        yield post


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start} of the line)", "save the archive as UTF-8") from None


def _csv_records(raw_lines: list[bytes], first_line: int) -> Iterator[tuple[int, list[bytes]]]:
    """The part's CSV records, each as its raw lines, with the archive line it starts on (a record the
    csv module cannot read is yielded too, and read again on its own, which names the problem)."""
    texts = [raw.decode("utf-8", errors="replace") for raw in raw_lines]
    consumed = 0

    def feed() -> Iterator[str]:
        nonlocal consumed
        for t in texts:
            consumed += 1
            yield t

    rows = csv.reader(feed())
    start = 0
    while True:
        try:
            if next(rows, None) is None:
                return
        except csv.Error:
            pass
        yield first_line + start, raw_lines[start:consumed]
        start = consumed


def _csv_post(source: str, head: list[str], record: list[bytes], line: int, options: ReadOptions) -> DraftPost | None:
    """One CSV record read with its header, placed at its archive line."""
    posts = list(csv_reader.stream(source, [*head, *(_text(raw) for raw in record)], options))
    if not posts:
        return None
    post = posts[0]
    post.line = line  # it sat right after the header
    if not post.own_id:  # its id is its place: this one, not the line after the header
        post.post = post.post.model_copy(update={"id": f"{source}:{line}"})
    return post


def _parquet_records(part: Part, options: ReadOptions) -> Iterator[DraftPost | Unreadable]:
    import pyarrow.parquet as pq

    table = pq.ParquetFile(part.source).read_row_groups(list(range(part.start, part.end)))
    for n, row in enumerate(table.to_pylist(), part.first_line):
        raw: str = json.dumps(row, default=str, ensure_ascii=False)
        yield from _one(n, partial(jsonl_reader.line_post, part.source, n, raw, options))


# -- linting and writing (a worker) ------------------------------------------------------------------------
@dataclass
class Settings:
    """What every part's task needs besides its part: where to write, in which format, how to show values."""

    out: str
    fmt: str
    options: ReadOptions
    fail_on: Severity = Severity.WARNING
    show_values: bool = False
    show_ids: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def lint_records(
    records: list[DraftPost | Unreadable], lint: Callable[[list[DraftPost]], list[Report]]
) -> list[tuple[DraftPost | Unreadable, Report | None]]:
    """Each record with its report (None for an unreadable one). A post the linter refuses (over
    max-post-chars or its CPU budget) becomes unreadable with the reason; the others are linted still."""
    out: list[tuple[DraftPost | Unreadable, Report | None]] = [(r, None) for r in records]
    todo = [i for i, r in enumerate(records) if isinstance(r, DraftPost)]
    while todo:
        posts = [records[i] for i in todo]
        try:
            reports = lint(posts)  # type: ignore[arg-type]
        except PostError as exc:
            bad = todo[exc.index]
            post = records[bad]
            assert isinstance(post, DraftPost)
            out[bad] = (Unreadable(post.line, exc.message), None)
            todo = [i for i in todo if i != bad]
            continue
        for i, report in zip(todo, reports, strict=True):
            out[i] = (records[i], report)
        todo = []
    return out


CHUNK = 256  # posts linted at a time: a part's working set stays this small whatever its size


def run_part(part: Part, settings: Settings, lint: Callable[[list[DraftPost]], list[Report]]) -> Done:
    """Read, lint and write one part, a chunk of posts at a time (a worker's memory does not grow with
    the part's size): its findings and its posts ledger, each renamed into place once whole."""
    counts = {"posts": 0, "flagged": 0, "clean": 0, "unreadable": 0, "findings": 0}
    worst: Severity | None = None
    out = Path(settings.out)
    with (
        RowWriter(out / "findings" / f"part-{part.key}", settings.fmt, FINDING_COLUMNS) as findings,
        RowWriter(out / "posts" / f"part-{part.key}", settings.fmt, POST_COLUMNS) as posts,
    ):
        records = read(part, settings.options)
        while chunk := list(islice(records, CHUNK)):
            for record, report in lint_records(chunk, lint):
                counts["posts"] += 1
                if isinstance(record, Unreadable) or report is None:
                    assert isinstance(record, Unreadable)
                    counts["unreadable"] += 1
                    posts.add([_post_row(part.source, record.line, None, "unreadable", None, 0, record.reason)])
                    continue
                shown = not record.own_id or settings.show_ids or settings.show_values
                post_id = record.post.id if shown else None
                top = report.max_severity
                flagged = bool(report.at_least(settings.fail_on))
                counts["flagged" if flagged else "clean"] += 1
                counts["findings"] += len(report.findings)
                if top is not None and (worst is None or top > worst):
                    worst = top
                status = "flagged" if flagged else "clean"
                posts.add([_post_row(part.source, record.line, post_id, status, top, len(report.findings))])
                findings.add(
                    [finding_row(part.source, record.line, post_id, f, settings.show_values) for f in report.findings]
                )
    return Done(
        part.key,
        part.source,
        part.start,
        part.end,
        counts["posts"],
        counts["flagged"],
        counts["clean"],
        counts["unreadable"],
        counts["findings"],
        worst.value if worst else None,
    )


def _post_row(
    source: str, line: int, post: str | None, status: str, top: Severity | None, findings: int, reason: str = ""
) -> dict[str, Any]:
    return {
        "source": source,
        "line": line,
        "post": post,
        "status": status,
        "severity": top.value if top else None,
        "findings": findings,
        "reason": reason or None,
    }


def finding_row(source: str, line: int, post: str | None, f: Finding, show_values: bool) -> dict[str, Any]:
    return {
        "source": source,
        "line": line,
        "post": post,
        "rule": f.rule,
        "category": f.category.value,
        "severity": f.severity.value,
        "entity": f.entity,
        "scope": f.scope,
        "start": f.start,
        "end": f.end,
        "lang": f.lang,
        "value": f.shown(show_values),
        "message": f.message,
    }


class RowWriter:
    """Rows to ``stem.jsonl`` or ``stem.parquet`` as they come, through a temporary file renamed into place
    when the ``with`` block ends without an error (a task killed while writing leaves no file under the
    final name; :func:`sweep` removes its temporary one)."""

    ROW_GROUP = 10_000  # Parquet rows kept before a row group is written

    def __init__(self, stem: Path, fmt: str, columns: Sequence[str]) -> None:
        self.target = stem.with_suffix(f".{fmt}")
        self.tmp = self.target.with_name(f".{self.target.name}.{os.getpid()}.tmp")
        self.fmt, self.columns = fmt, tuple(columns)
        self.pending: list[dict[str, Any]] = []
        self._fh: IO[str] | None = None
        self._parquet: Any = None

    def __enter__(self) -> RowWriter:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        if self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            ints = {"line", "start", "end", "findings"}
            self.schema = pa.schema([(c, pa.int64() if c in ints else pa.string()) for c in self.columns])
            self._parquet = pq.ParquetWriter(self.tmp, self.schema)
        else:
            self._fh = self.tmp.open("w", encoding="utf-8")
        return self

    def add(self, rows: list[dict[str, Any]]) -> None:
        if self._fh is not None:
            self._fh.writelines(
                json.dumps({c: r.get(c) for c in self.columns}, ensure_ascii=False) + "\n" for r in rows
            )
            return
        self.pending += rows
        if len(self.pending) >= self.ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        self._parquet.write_table(pa.Table.from_pylist(self.pending, schema=self.schema))
        self.pending = []

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
        else:
            if self.pending or kind is None:
                self._flush()
            self._parquet.close()
        if kind is None:
            os.replace(self.tmp, self.target)
        else:
            self.tmp.unlink(missing_ok=True)


# -- the manifest (the client) -----------------------------------------------------------------------------
@dataclass
class Manifest:
    """``manifest.jsonl`` of an output folder: a header naming the run, then one line per part done."""

    folder: Path
    fmt: str
    done: dict[str, Done] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path, fmt: str, inputs: Sequence[Path]) -> Manifest:
        """The folder's manifest, created with its header when new; the parts it lists whose files exist
        are done. A folder holding another format's audit, or not a phiguard audit, is an error."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MANIFEST
        manifest = cls(folder, fmt)
        if not path.exists():
            if any(folder.iterdir()):
                raise InputError(f"{folder}: not empty and not a phiguard audit folder", "name a new or empty folder")
            header = {"phiguard": __version__, "format": fmt, "inputs": [str(p) for p in inputs]}
            path.write_text(json.dumps(header) + "\n", encoding="utf-8")
            return manifest
        lines = safeio.read_text(path, where=str(path)).splitlines()
        try:
            header = json.loads(lines[0])
            assert isinstance(header, dict) and "phiguard" in header
        except (ValueError, IndexError, AssertionError):
            raise InputError(f"{path}: not a phiguard audit manifest", "name a new or empty folder") from None
        if header.get("format") != fmt:
            raise InputError(
                f"{folder}: holds a --format {header.get('format')} audit",
                f"resume it with --format {header.get('format')}",
            )
        for raw in lines[1:]:
            try:
                done = Done(**json.loads(raw))
            except (ValueError, TypeError):
                continue  # a line cut off by a kill: that part is done again
            if all((folder / kind / f"part-{done.key}.{fmt}").exists() for kind in ("findings", "posts")):
                manifest.done[done.key] = done
        return manifest

    def add(self, done: Done) -> None:
        with (self.folder / MANIFEST).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(done)) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.done[done.key] = done


def sweep(folder: Path) -> None:
    """Remove the temporary files a killed task left."""
    for kind in ("findings", "posts"):
        for tmp in (folder / kind).glob(".part-*.tmp") if (folder / kind).is_dir() else ():
            tmp.unlink(missing_ok=True)
