"""JSON Lines archives: one JSON object per line, a post with fields named as in an export. Parsed by
the standard ``json`` module; when the whole file is read (``phiguard check``), each string is placed
at its own characters in the line."""

from __future__ import annotations

import io
import json
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
        if (post := _post(path, n, raw, source, base)) is not None:
            posts.append(post)
        base += len(raw)
    return Draft(path, source, posts)


def stream(path: str, lines: Iterable[str], options: ReadOptions) -> Iterator[DraftPost]:
    for n, raw in enumerate(lines, 1):
        if (post := _post(path, n, raw, None, 0)) is not None:
            yield post


def _post(path: str, n: int, raw: str, source: str | None, base: int) -> DraftPost | None:
    if not raw.strip():
        return None
    where = f"{path}:{n}"
    meta = safeio.load_json(raw, where)  # bounded depth and numbers; the errors users see
    if not isinstance(meta, dict):
        raise InputError(f"{where}: not a JSON object", "one JSON object per line")
    pairs = json.loads(raw, object_pairs_hook=tuple, parse_int=_number, parse_float=_number)
    spans = _string_spans(raw) if source is not None else None
    record = _record(pairs, n, spans, source, base)
    return record_post(path, record, post_id=record_id(meta, where), meta=meta)


def _number(text: str) -> NotText:
    return NotText("number")


def _record(pairs: _Pairs, line: int, spans: Iterator[tuple[int, int]] | None, source: str | None, base: int) -> Record:
    items = []
    for key, value in pairs:
        if spans is not None:
            next(spans)  # the key's quotes
        items.append((key, _value(value, line, spans, source, base)))
    return Record(tuple(items), line)


def _value(value: object, line: int, spans: Iterator[tuple[int, int]] | None, source: str | None, base: int) -> Value:
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
    """Where each JSON string of a line starts and ends (quotes included), in document order: outside a
    string a quote can only open one."""
    i = raw.find('"')
    while i >= 0:
        _, end = scanstring(raw, i + 1)
        yield i, end
        i = raw.find('"', end)


READER = Reader("JSON Lines archive", frozenset({".jsonl", ".ndjson"}), read, stream, in_folders=False)
