"""Plain-text drafts: the whole file is the post's text (inline suppressions blanked out)."""

from __future__ import annotations

from phiguard.inputs.draft import Draft, Field, Reader, ReadOptions, make_post
from phiguard.inputs.suppressions import parse_suppressions


def read(path: str, source: str, options: ReadOptions) -> Draft:
    suppressions, blanked = parse_suppressions(source)
    return Draft(path, source, [make_post(path, Field.contiguous(blanked, 0))], suppressions)


READER = Reader("text", frozenset({".txt"}), read)
