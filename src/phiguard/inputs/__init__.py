"""Draft files in, posts out: one reader per format, registered here, used by ``phiguard check``
(whole files, with positions) and ``phiguard audit`` (streamed where the format allows) alike, so a
field one command reads the other reads too.

To add a format: write a module with a ``READER`` (:class:`~phiguard.inputs.draft.Reader`) that turns
the file into records and calls :func:`~phiguard.inputs.draft.record_post` (or
:func:`~phiguard.inputs.draft.make_post`), and list it in :data:`READERS`. Anything that cannot be
read is an :class:`~phiguard.errors.InputError` (exit 2).
"""

from __future__ import annotations

from pathlib import Path

from phiguard import safeio
from phiguard.inputs import export, jsonl, markdown, sheet, text
from phiguard.inputs.draft import DEFAULTS, Draft, DraftPost, Field, Reader, ReadOptions, make_post

READERS: tuple[Reader, ...] = (markdown.READER, text.READER, export.READER, sheet.READER, jsonl.READER)
DEFAULT = markdown.READER  # standard input, and a named file of another suffix
# image files `phiguard check` accepts by name (folders give drafts only; phiguard.detect.images reads them)
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".heic"})
FOLDER_SUFFIXES = frozenset(s for r in READERS if r.in_folders for s in r.suffixes)  # found in folders


def reader_for(path: str) -> Reader | None:
    """The reader of a file by its suffix (any case), or None."""
    suffix = Path(path).suffix.lower()
    return next((r for r in READERS if suffix in r.suffixes), None)


def read_text(path: Path, limit: int = safeio.MAX_BYTES) -> str:
    """A draft file's text: a regular UTF-8 file of at most ``limit`` bytes (``max-draft-bytes``)."""
    return safeio.read_text(path, limit)


def load_draft(path: str, source: str, options: ReadOptions = DEFAULTS) -> Draft:
    """Parse one draft's text by its file type (Markdown unless the suffix says otherwise)."""
    return (reader_for(path) or DEFAULT).read(path, source, options)


def image_draft(path: str) -> Draft:
    """An image named on the command line: a post with no text that attaches it (its metadata, visible
    text and faces are checked as for any attached image)."""
    post = make_post(path, Field("", (0,)), images=[Field.at(Path(path).name, 0)])
    return Draft(path, "", [post])


__all__ = ["READERS", "Draft", "DraftPost", "Field", "ReadOptions", "Reader", "image_draft", "load_draft", "reader_for"]
