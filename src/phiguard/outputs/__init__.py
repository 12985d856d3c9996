"""Output formats: one writer per module, registered here; the CLI's ``--format`` choices come from
this registry (``phiguard check``: every :class:`~phiguard.outputs.base.Writer`; ``phiguard audit``:
every :class:`~phiguard.outputs.base.PostWriter`, which streams one post at a time).

To add a format: a module with a ``WRITER`` that has ``name`` and ``write`` (and/or ``write_post``),
listed in :data:`WRITERS`. Heavy libraries (rich, Jinja2, sarif-pydantic) are imported when a format
is written, so the CLI starts at once.
"""

from __future__ import annotations

from phiguard.outputs import github, html, json_list, jsonl, sarif, text
from phiguard.outputs.base import PostWriter, WriteOptions, Writer, in_image

WRITERS = {w.name: w for w in (text.WRITER, json_list.WRITER, jsonl.WRITER, sarif.WRITER, github.WRITER, html.WRITER)}
CHECK_FORMATS = tuple(name for name, w in WRITERS.items() if isinstance(w, Writer))
AUDIT_FORMATS = tuple(name for name, w in WRITERS.items() if isinstance(w, PostWriter))


def writer(name: str) -> Writer:
    w = WRITERS[name]
    assert isinstance(w, Writer), name
    return w


def post_writer(name: str) -> PostWriter:
    w = WRITERS[name]
    assert isinstance(w, PostWriter), name
    return w


__all__ = ["AUDIT_FORMATS", "CHECK_FORMATS", "WRITERS", "PostWriter", "WriteOptions", "Writer", "in_image"]
