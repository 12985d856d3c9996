"""CSV bulk-schedule sheets and archives: a row is a post, the columns are named like the fields of an
export (``text``/``message``/``texto``..., ``caption``, ``alt_text``, ``image``, ``lang``, ``id``), or the
text columns come from ``csv-text-columns``. Read by the standard ``csv`` module."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import replace

from phiguard.errors import InputError, NotADraft
from phiguard.inputs.draft import (
    Draft,
    DraftPost,
    Field,
    Reader,
    ReadOptions,
    Record,
    Token,
    TokenStyle,
    aligned,
    line_starts,
    record_id,
    record_post,
)


def read(path: str, source: str, options: ReadOptions) -> Draft:
    return Draft(path, source, list(_posts(path, io.StringIO(source, newline=""), options, source)))


def stream(path: str, lines: Iterable[str], options: ReadOptions) -> Iterator[DraftPost]:
    return _posts(path, lines, options, None)


def _posts(path: str, lines: Iterable[str], options: ReadOptions, source: str | None) -> Iterator[DraftPost]:
    """Each row's post; with ``source`` (a whole file) every cell knows its place in it."""
    options = options.for_sheet()
    reader = csv.reader(lines, strict=True)
    starts = line_starts(source) if source is not None else []
    keys = options.text_keys
    try:
        header = next(reader, None)
        if header is None:
            return
        names = [h.strip().lower() for h in header]
        if not any(n in keys or n in options.extra_keys for n in names):
            raise NotADraft(
                f"{path}: no column with the post text (looked for {', '.join(keys)})",
                "name the column in `csv-text-columns` in the config, or exclude the file if it is no draft",
            )
        last_line = reader.line_num
        for row in reader:
            first_line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(names):
                raise InputError(
                    f"{path}:{first_line}: more cells than the header has columns", "fix the row's quoting"
                )
            if source is None:
                cells = [Field.contiguous(cell, 0) for cell in row]
            else:
                row_start = starts[min(first_line - 1, len(starts) - 1)]
                row_end = starts[last_line] if last_line < len(starts) else len(source)
                cells = _cell_fields(row, source, row_start, row_end)
            end = cells[-1].offsets[-1] if cells else 0
            cells += [Field("", (end,))] * (len(names) - len(cells))  # a short row: its last cells are empty
            meta = {n: c.text for n, c in zip(names, cells, strict=True) if n not in keys}
            yield record_post(
                path,
                Record(tuple(zip(names, cells, strict=True)), first_line),
                post_id=record_id(meta, f"{path}:{first_line}"),
                meta=meta,
                options=options,
            )
    except csv.Error as exc:
        raise InputError(f"{path}: unreadable CSV at line {reader.line_num}: {exc}", "fix the CSV") from None


def _cell_fields(row: list[str], source: str, start: int, end: int) -> list[Field]:
    out = []
    pos = start
    line_end = end
    while line_end > start and source[line_end - 1] in "\r\n":
        line_end -= 1
    for cell in row:
        cell_start = pos
        f = aligned(cell, source, pos, end)
        pos = f.offsets[-1] if cell else pos
        comma = source.find(",", pos, end)
        token_end = comma if comma >= 0 else line_end
        style: TokenStyle = "csv-quoted" if source[cell_start : cell_start + 1] == '"' else "csv"
        out.append(replace(f, token=Token(cell_start, max(token_end, cell_start), style)))
        pos = comma + 1 if comma >= 0 else pos
    return out


READER = Reader("CSV", frozenset({".csv"}), read, stream)
