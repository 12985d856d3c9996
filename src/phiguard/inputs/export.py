"""JSON and YAML exports (a post, a list of posts, or ``{posts: [...]}``), parsed by PyYAML with node
positions so every text points at its place in the file; also the front matter of Markdown drafts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from phiguard import safeio
from phiguard.errors import InputError, NotADraft
from phiguard.inputs.draft import (
    TEXT_KEYS,
    Draft,
    DraftPost,
    NotText,
    Reader,
    ReadOptions,
    Record,
    Token,
    TokenStyle,
    Value,
    aligned,
    has_post_keys,
    record_id,
    record_post,
)

_NOT_A_DRAFT = "if it is no draft, exclude it (extend-exclude); see docs/cli.md for the export shape"
_LIST_KEYS = ("posts", "items", "data", "publicaciones")
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_TEXT_TAGS = {_STR, *(f"tag:yaml.org,2002:{t}" for t in ("int", "float", "timestamp"))}


def read(path: str, source: str, options: ReadOptions) -> Draft:
    node = compose(path, source, 0, source)
    if node is None:
        return Draft(path, source, [])
    if isinstance(node, yaml.MappingNode):
        listed = next((v for k, v in node.value if str(k.value).lower() in _LIST_KEYS), None)
        items = listed.value if isinstance(listed, yaml.SequenceNode) else [node]
    elif isinstance(node, yaml.SequenceNode):
        items = node.value
    else:
        raise NotADraft(f"{path}: not a post or a list of posts", _NOT_A_DRAFT)
    if items and not any(
        isinstance(item, yaml.MappingNode)
        and has_post_keys((str(k.value) for k, _ in item.value), (*options.text_keys, *options.extra_keys))
        for item in items
    ):
        raise NotADraft(f"{path}: no post has a text field ({', '.join(TEXT_KEYS[:4])}...)", _NOT_A_DRAFT)
    return Draft(path, source, [_post(path, source, i, item, options) for i, item in enumerate(items)])


def _post(path: str, source: str, i: int, item: yaml.Node, options: ReadOptions) -> DraftPost:
    if not isinstance(item, yaml.MappingNode):
        raise InputError(f"{path}: post {i + 1} is not a mapping", "each post needs fields such as `text`")
    meta = plain(item, path)
    record = node_record(item, source, 0)
    return record_post(path, record, post_id=record_id(meta, f"{path}#{i + 1}"), meta=meta, options=options)


def node_record(node: yaml.MappingNode, source: str, base: int) -> Record:
    """A mapping node of a document that starts at ``base`` in ``source``, as a record."""
    line = node.start_mark.line + 1 + source.count("\n", 0, base)
    return Record(tuple((str(k.value), _value(v, source, base)) for k, v in node.value), line)


def _value(node: yaml.Node, source: str, base: int) -> Value:
    if isinstance(node, yaml.MappingNode):
        return node_record(node, source, base)
    if isinstance(node, yaml.SequenceNode):
        return [_value(item, source, base) for item in node.value]
    if node.tag == _NULL:
        return None
    if node.tag not in _TEXT_TAGS:
        return NotText(node.tag.rsplit(":", 1)[-1])  # bool, binary...
    # a number or a date is text as written (a bare MRN in a caption): checked, rewritten as a string
    start, end = base + node.start_mark.index, base + node.end_mark.index
    field = aligned(safeio.clean_text(str(node.value)), source, start, end)
    while end > start and source[end - 1] in " \t\r\n":
        end -= 1  # a block scalar's token runs on to the next key
    return replace(field, token=Token(start, end, _style(node) if node.tag == _STR else "yaml-double"))


def _style(node: yaml.Node) -> TokenStyle:
    style = getattr(node, "style", None)
    if style == "'":
        return "yaml-single"
    if style == '"':
        return "yaml-double"
    return "yaml-block" if style in ("|", ">") else "yaml-plain"


def compose(path: str, text: str, base: int, source: str) -> yaml.Node | None:
    """The YAML (or JSON) node tree of ``text``, which starts at ``base`` in ``source`` (``base`` > 0:
    front matter): aliases refused, nesting bounded, errors naming the line and column only."""
    if Path(path).suffix.lower() == ".json":
        safeio.load_json(text, path)  # a JSON error reads better as JSON; depth and numbers bounded
    what = "front matter (YAML)" if base else "YAML"
    return safeio.compose_yaml(text, path, source.count("\n", 0, base), what)


def plain(node: yaml.Node, path: str) -> dict[str, Any]:
    value = safeio.construct_yaml(node, path)
    return value if isinstance(value, dict) else {}


READER = Reader("JSON/YAML export", frozenset({".json", ".yaml", ".yml"}), read)
