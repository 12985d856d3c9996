"""JSON Lines archives: one JSON object per line, a post with fields named as in an export. Parsed by
the standard ``json`` module; when the whole file is read (``phiguard check``), each string is placed
at its own characters in the line."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, untyped in typeshed

from phiguard import safeio
from phiguard.errors import InputError
from phiguard.inputs.draft import (
    Draft,
    DraftPost,
    Field,
    NotText,
    Reader,
    ReadOptions,
    Record,
    Token,
    Value,
    aligned,
    record_id,
    record_post,
)

_Pairs = tuple[tuple[str, object], ...]  # a JSON object as parsed here: its pairs in order, repeats kept


def read(path: str, source: str, options: ReadOptions) -> Draft:
    posts = []
    base = 0
    for n, raw in enumerate(io.StringIO(source, newline=""), 1):
        if (post := _post(path, n, raw, source, base, options)) is not None:
            posts.append(post)
        base += len(raw)
    return Draft(path, source, posts)


def stream(path: str, lines: Iterable[str], options: ReadOptions) -> Iterator[DraftPost]:
    for n, raw in enumerate(lines, 1):
        if (post := _post(path, n, raw, None, 0, options)) is not None:
            yield post


def line_post(path: str, n: int, raw: str, options: ReadOptions) -> DraftPost | None:
    """The post of line ``n`` of an archive read line by line (None for a blank line)."""
    return _post(path, n, raw, None, 0, options)


def _post(path: str, n: int, raw: str, source: str | None, base: int, options: ReadOptions) -> DraftPost | None:
    if not raw.strip():
        return None
    where = f"{path}:{n}"
    meta = safeio.load_json(raw, where)  # bounded depth and numbers; the errors users see
    if not isinstance(meta, dict):
        raise InputError(f"{where}: not a JSON object", "one JSON object per line")
    pairs = json.loads(raw, object_pairs_hook=tuple, parse_int=_number, parse_float=_number)
    spans = _string_spans(raw) if source is not None else None
    record = _record(pairs, n, spans, source, base)
    return record_post(path, record, post_id=record_id(meta, where), meta=meta, options=options)


class _Number(str):
    """A number as the line writes it: text to check (a bare MRN in a caption)."""


def _number(text: str) -> _Number:
    return _Number(text)


def _record(pairs: _Pairs, line: int, spans: Iterator[tuple[int, int]] | None, source: str | None, base: int) -> Record:
    items = []
    for key, value in pairs:
        if spans is not None:
            next(spans)  # the key's quotes
        items.append((key, _value(value, line, spans, source, base)))
    return Record(tuple(items), line)


def _value(value: object, line: int, spans: Iterator[tuple[int, int]] | None, source: str | None, base: int) -> Value:
    if isinstance(value, _Number):  # a number is text: checked as written, rewritten as a JSON string
        if spans is None or source is None:
            return Field.contiguous(str(value), 0)
        start, end = next(spans)
        return Field(str(value), tuple(range(base + start, base + end + 1)), Token(base + start, base + end, "json"))
    if isinstance(value, str):
        text = safeio.clean_text(value)
        if spans is None or source is None:
            return Field.contiguous(text, 0)
        start, end = next(spans)
        field = aligned(text, source, base + start + 1, base + end - 1)
        return replace(field, token=Token(base + start, base + end, "json"))
    if isinstance(value, tuple):
        return _record(value, line, spans, source, base)
    if isinstance(value, list):
        return [_value(v, line, spans, source, base) for v in value]
    if isinstance(value, bool):
        return NotText("boolean")
    return value if value is None or isinstance(value, NotText) else NotText(type(value).__name__)


def _string_spans(raw: str) -> Iterator[tuple[int, int]]:
    """Where each JSON string (quotes included) and each number of a line starts and ends, in document
    order: outside a string a quote can only open one, and a digit or minus only start a number."""
    i = 0
    while (m := _TOKEN_START.search(raw, i)) is not None:
        if m.group() == '"':
            _, end = scanstring(raw, m.start() + 1)
            yield m.start(), end
        else:
            number = _NUMBER.match(raw, m.start())
            end = number.end() if number else m.start() + 1
            yield m.start(), end
        i = end


_TOKEN_START = re.compile(r'["\-0-9]')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


READER = Reader("JSON Lines archive", frozenset({".jsonl", ".ndjson"}), read, stream, in_folders=False)
