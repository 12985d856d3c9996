"""Markdown drafts with optional YAML front matter: the body is the post's text, each image's alt text
its own scope; the front matter gives the language, captions, alt texts, images and consent records.
python-frontmatter finds the front matter, markdown-it-py finds the images."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import frontmatter
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from phiguard.errors import InputError
from phiguard.inputs.draft import (
    LANG_KEYS,
    TEXT_KEYS,
    Draft,
    Field,
    Reader,
    ReadOptions,
    first_field,
    make_post,
    nested_texts,
    parse_lang,
    record_parts,
    unchecked_fields,
)
from phiguard.inputs.export import compose, node_record, plain
from phiguard.inputs.suppressions import parse_suppressions

_HANDLER = frontmatter.default_handlers.YAMLHandler()


def read(path: str, source: str, options: ReadOptions) -> Draft:
    suppressions, blanked = parse_suppressions(source)
    meta: dict[str, Any] = {}
    unchecked: tuple[str, ...] = ()
    body_start = 0
    captions: list[Field] = []
    alts: list[Field] = []
    images: list[Field] = []
    if _HANDLER.detect(source):
        bounds = list(_HANDLER.FM_BOUNDARY.finditer(source))
        if len(bounds) < 2:
            raise InputError(f"{path}: front matter is not closed with ---", "close the front matter")
        fm_start, body_start = bounds[0].end(), bounds[1].end()
        node = compose(path, source[fm_start : bounds[1].start()], fm_start, source)
        if node is not None and not isinstance(node, yaml.MappingNode):
            raise InputError(f"{path}: front matter is not a mapping of keys", "write `key: value` lines")
        if node is not None:
            meta = plain(node, path)
            record = node_record(node, source, fm_start)
            captions, alts, images = record_parts(path, record)
            keys = (*TEXT_KEYS, *options.extra_keys)  # a title, a first comment...: checked as captions
            captions = [f for v in record.values(keys) for f in nested_texts(v, options)] + captions
            unchecked = unchecked_fields(record, options)
    body = blanked[body_start:]
    body_chars = list(body)
    parsed = _Body(body)  # markdown-it parses the body once, for both kinds of image
    for image in _images(path, parsed):
        if image.alt:
            alts.append(Field.contiguous(image.alt, body_start + image.alt_start))
        if image.title:  # ![alt](src "title"): a text of its own, like the alt
            alts.append(Field.contiguous(image.title, body_start + image.title_start))
        if image.src:
            images.append(Field.at(image.src, body_start + image.src_start))
        body_chars[image.start : image.end] = " " * (image.end - image.start)  # the alt is its own scope
    for src, at, length in _html_images(parsed):  # <img src alt title>: the alt and title stay in the body
        images.append(Field.at(src, body_start + at))
        body_chars[at : at + length] = " " * length  # the path is the image's, not words of the post
    post = make_post(
        path,
        Field.contiguous("".join(body_chars), body_start),
        captions=captions,
        alts=alts,
        images=images,
        lang=parse_lang(first_field(meta, LANG_KEYS), path),
        meta=meta,
    )
    post.unchecked = unchecked
    return Draft(path, source, [post], suppressions)


@dataclass(frozen=True)
class _MarkdownImage:
    alt: str
    alt_start: int
    src: str
    src_start: int
    start: int  # the whole ![alt](src) markup
    end: int
    title: str = ""
    title_start: int = 0


class _ImgTags(HTMLParser):
    """The ``src`` of every ``<img>`` tag of a piece of HTML (html.parser, the standard library's)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            src = dict(attrs).get("src")
            if src:
                self.sources.append(src)

    handle_startendtag = handle_starttag


@dataclass(frozen=True)
class _Body:
    """A draft's body as markdown-it reads it: its block tokens, and where each line starts."""

    text: str

    @cached_property
    def tokens(self) -> list[Token]:
        return MarkdownIt().parse(self.text)

    @cached_property
    def starts(self) -> list[int]:
        """The offset of each line's start, and the text's length last."""
        starts = [0]
        for line in self.text.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        return starts

    def span(self, token: Token) -> tuple[int, int]:
        """The characters of the lines a block token covers."""
        assert token.map is not None
        return self.starts[token.map[0]], self.starts[min(token.map[1], len(self.starts) - 1)]


def _html_images(parsed: _Body) -> Iterator[tuple[str, int, int]]:
    """Each image an HTML ``<img>`` tag of the body attaches (Markdown allows raw HTML), with where its
    ``src`` is written and how long it is there."""
    body = parsed.text
    for token in parsed.tokens:
        if not token.map:
            continue
        pos, limit = parsed.span(token)
        pieces = [token] if token.type == "html_block" else [c for c in token.children or [] if c.type == "html_inline"]
        for piece in pieces:
            parser = _ImgTags()
            parser.feed(piece.content)
            parser.close()
            for src in parser.sources:
                tag = body.find("<img", pos, limit)
                at = body.find(src, tag if tag >= 0 else pos, limit)
                if at < 0:  # written with character references (&amp;): attached, pointing at the tag
                    yield unquote(src), max(tag, pos), 0
                    continue
                pos = at + len(src)
                yield unquote(src), at, len(src)


def _images(path: str, parsed: _Body) -> Iterator[_MarkdownImage]:
    """Each Markdown image: its alt text and source, with their offsets and those of the whole markup."""
    body = parsed.text
    for token in parsed.tokens:
        if token.type != "inline" or not token.map or not token.children:
            continue
        pos, limit = parsed.span(token)
        for child in token.children:
            if child.type != "image":
                continue
            src = unquote(str(child.attrs.get("src", "")))
            at = body.find("![" + child.content, pos, limit)
            if at < 0:  # alt text with inline markup, or over lines of a list item or quote ("> ")
                markup = _image_markup(body, pos, limit)
                if markup is None:
                    raise InputError(
                        f"{path}: an image phiguard cannot place ({token.map[0] + 1}th line of the body)",
                        "simplify its markup",
                    )
                src_at, end = markup  # the alt text stays in the body, where it is checked as text
                yield _MarkdownImage("", src_at, src, src_at + 2, src_at, end)
                pos = end
                continue
            after = at + 2 + len(child.content)
            title = str(child.attrs.get("title") or "")
            title_at = body.find(title, after, limit) if title else -1  # ![alt](src "title")
            close = body.find(")", title_at + len(title) if title_at >= 0 else after, limit)
            end = close + 1 if close >= 0 else after
            src_at = body.find("](", after, end)
            yield _MarkdownImage(
                child.content,
                at + 2,
                src,
                src_at + 2 if src_at >= 0 else at,
                at,
                end,
                title if title_at >= 0 else "",
                max(title_at, 0),
            )
            pos = end


def _image_markup(body: str, pos: int, limit: int) -> tuple[int, int] | None:
    """Where the ``](src)`` of the next image after ``pos`` starts and ends, found without its alt text."""
    at = body.find("![", pos, limit)
    src_at = body.find("](", at, limit) if at >= 0 else -1
    close = body.find(")", src_at, limit) if src_at >= 0 else -1
    return (src_at, close + 1) if close >= 0 else None


READER = Reader("Markdown", frozenset({".md", ".markdown"}), read)
