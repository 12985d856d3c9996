"""Writing a rewritten post back into its draft file (``phiguard fix``): only the text values change.

A text that is the file's own characters (a Markdown body or alt text, a plain-text draft) is edited
in place, edit by edit, through the offsets every :class:`~phiguard.inputs.draft.Field` keeps; a value
that is quoted or escaped in the file (a YAML or JSON string, a CSV cell) is written again as a whole
token of the same kind. Front matter, Markdown structure, keys and every other CSV cell stay byte for
byte as they were.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import regex

from phiguard.inputs.draft import Draft, Field, Token

if TYPE_CHECKING:
    from phiguard.rewrite.fixes import Edit

_PLAIN_SAFE = regex.compile(r"[\p{L}\p{N}(¡¿][^\n#:]*[\p{L}\p{N}.!?)]|[\p{L}\p{N}]")  # a YAML plain scalar stays plain
_YAML_WORDS = regex.compile(r"(?i:y|yes|n|no|true|false|on|off|null|~)|[-+]?\d[\d.:_e+-]*")  # would not read as text


class CannotRewrite(Exception):
    """An edit that cannot be placed in the file (the text it covers is not the file's own)."""


def rewrite_source(draft: Draft, edits: Mapping[int, Sequence[Edit]], texts: Mapping[int, Mapping[str, str]]) -> str:
    """``draft.source`` with each post's edits applied: ``edits[i]`` of post ``i``, whose rewritten
    scope texts are ``texts[i]``."""
    splices: list[tuple[int, int, str]] = []
    for i, post_edits in edits.items():
        post = draft.posts[i]
        for scope in dict.fromkeys(e.scope for e in post_edits):
            field = post.fields[scope]
            if field.token is None:
                splices += [_in_place(draft.source, field, e) for e in post_edits if e.scope == scope]
            else:
                splices.append((field.token.start, field.token.end, _encoded(texts[i][scope], field.token)))
    out = draft.source
    previous = len(out) + 1
    for start, end, new in sorted(splices, reverse=True):
        if end > previous:
            raise CannotRewrite("two edits overlap in the file")
        out = out[:start] + new + out[end:]
        previous = start
    return out


def _in_place(source: str, field: Field, e: Edit) -> tuple[int, int, str]:
    """The file range of an edit of a text that is the file's own characters. Blanked parts of the
    scope text (an inline suppression comment, an image's markup) are never overwritten."""
    end = field.offsets[e.end]
    for k in range(e.start, e.end + 1):  # leading white space of the edit may stand for a blanked part
        if k > e.start and not field.text[e.start : k].isspace():
            break
        a = field.offsets[k]
        if source[a:end] == field.text[k : e.end]:
            return a, end, e.new
    raise CannotRewrite("the text to rewrite is not all the draft's own")


def _encoded(text: str, token: Token) -> str:
    if token.style == "json" or token.style in ("yaml-double", "yaml-block"):
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar too
    if token.style == "yaml-single":
        return "'" + text.replace("'", "''") + "'"
    if token.style == "yaml-plain":
        plain = _PLAIN_SAFE.fullmatch(text) and not _YAML_WORDS.fullmatch(text) and " #" not in text
        return text if plain else json.dumps(text, ensure_ascii=False)
    if token.style == "csv" and not any(ch in text for ch in ',"\r\n') and text == text.strip():
        return text
    return '"' + text.replace('"', '""') + '"'
