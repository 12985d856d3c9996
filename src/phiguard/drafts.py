"""Draft files in, posts out: every text field of a draft becomes a scope of a :class:`Post`, and each
scope remembers where its characters sit in the original file, so a finding can point at
``path:line:column`` whether it is in a Markdown body, a front-matter caption, an image's alt text, a
JSON/YAML export or a CSV cell.

Parsing is left to libraries: python-frontmatter finds the front matter, PyYAML parses it (and JSON and
YAML exports) with node positions, markdown-it-py finds images in Markdown, and the standard ``csv``
module reads bulk-schedule files. Anything that cannot be read is an :class:`InputError` (exit 2).
"""

from __future__ import annotations

import bisect
import csv
import io
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import frontmatter
import yaml
from markdown_it import MarkdownIt

from phiguard import safeio
from phiguard.errors import InputError
from phiguard.models import LANGS, Lang, Post
from phiguard.suppressions import Suppression, parse_suppressions

MARKDOWN = {".md", ".markdown"}
TEXT = {".txt"}
STRUCTURED = {".json", ".yaml", ".yml"}
CSV = {".csv"}
SUFFIXES = MARKDOWN | TEXT | STRUCTURED | CSV

# Post fields people use in exports and bulk-schedule sheets (compared case-insensitively).
TEXT_KEYS = ("text", "message", "body", "content", "post", "copy", "tweet", "status", "texto", "mensaje")
CAPTION_KEYS = ("caption", "captions", "pie", "pie_de_foto")
ALT_KEYS = ("alt", "alt_text", "alt_texts", "alttext", "texto_alternativo")
LANG_KEYS = ("lang", "language", "idioma")
IMAGE_KEYS = ("images", "image", "photos", "photo", "media", "imágenes", "imagenes", "imagen", "fotos", "foto")
IMAGE_PATH_KEYS = ("path", "src", "file", "url", "ruta", "archivo")
IMAGE_CSV_KEYS = (*IMAGE_KEYS, "image_path", "image_paths", "image_file", "media_path")
# image files `phiguard check` accepts by name (folders give drafts only; phiguard.images reads them)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".heic"}
_IMAGE_LIST = re.compile(r"[;|\n]")  # several images in one CSV cell


@dataclass(frozen=True)
class Field:
    """One text of a draft and where each of its characters sits in the file."""

    text: str
    offsets: tuple[int, ...]  # file offset of text[i]; one extra entry for the end

    @classmethod
    def contiguous(cls, text: str, base: int) -> Field:
        return cls(text, tuple(range(base, base + len(text) + 1)))


@dataclass
class DraftPost:
    """A post read from a draft, with the file position of every scope."""

    post: Post
    fields: dict[str, Field]
    line: int  # where the post starts in the file (1-based), for post-level findings


@dataclass
class Draft:
    path: str
    source: str
    posts: list[DraftPost]
    suppressions: list[Suppression] = field(default_factory=list)

    def position(self, post: DraftPost, scope: str, offset: int) -> tuple[int, int]:
        """1-based line and column in the file of character ``offset`` of ``scope``. Whatever is found in
        an image (``image[0].text``, ``image[0]``) points at where the draft attaches the image."""
        f = post.fields.get(scope)
        if f is None and scope.startswith("image["):
            f, offset = post.fields.get(scope.split(".", 1)[0]), 0
        if f is None:
            return post.line, 1
        return self.line_col(f.offsets[min(max(offset, 0), len(f.offsets) - 1)])

    def line_col(self, file_offset: int) -> tuple[int, int]:
        starts = self._line_starts
        i = bisect.bisect_right(starts, file_offset) - 1
        return i + 1, file_offset - starts[i] + 1

    @cached_property
    def _line_starts(self) -> list[int]:
        return line_starts(self.source)


def line_starts(source: str) -> list[int]:
    """Offset of the first character of each line."""
    return [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]


# -- reading files ------------------------------------------------------------------------------------
def read_text(path: Path, limit: int = safeio.MAX_BYTES) -> str:
    """A draft file's text: a regular UTF-8 file of at most ``limit`` bytes (``max-draft-bytes``)."""
    return safeio.read_text(path, limit)


def load_draft(path: str, source: str, csv_columns: Sequence[str] = ()) -> Draft:
    """Parse one draft's text by its file type (Markdown unless the suffix says otherwise)."""
    suffix = Path(path).suffix.lower()
    if suffix in CSV:
        return Draft(path, source, _csv_posts(path, source, csv_columns))
    if suffix in STRUCTURED:
        return Draft(path, source, _structured_posts(path, source))
    suppressions, blanked = parse_suppressions(source)
    if suffix in TEXT:
        post = DraftPost(Post(text=blanked, id=path), {"body": Field.contiguous(blanked, 0)}, 1)
        return Draft(path, source, [post], suppressions)
    return Draft(path, source, [_markdown_post(path, source, blanked)], suppressions)


def image_draft(path: str) -> Draft:
    """An image named on the command line: a post with no text that attaches it (its metadata, visible
    text and faces are checked as for any attached image)."""
    post = DraftPost(Post(images=(path,), id=path), {"image[0]": Field("", (0,))}, 1)
    return Draft(path, "", [post])


# -- Markdown with front matter -----------------------------------------------------------------------
_HANDLER = frontmatter.default_handlers.YAMLHandler()


def _markdown_post(path: str, source: str, blanked: str) -> DraftPost:
    meta: dict[str, Any] = {}
    body_start = 0
    fields: dict[str, Field] = {}
    captions: list[Field] = []
    alts: list[Field] = []
    images: list[Field] = []
    if _HANDLER.detect(source):
        bounds = list(_HANDLER.FM_BOUNDARY.finditer(source))
        if len(bounds) < 2:
            raise InputError(f"{path}: front matter is not closed with ---", "close the front matter")
        fm_start, body_start = bounds[0].end(), bounds[1].end()
        node = _compose(path, source[fm_start : bounds[1].start()], fm_start, source)
        if node is not None and not isinstance(node, yaml.MappingNode):
            raise InputError(f"{path}: front matter is not a mapping of keys", "write `key: value` lines")
        if node is not None:
            meta = _plain(node, path)
            captions, alts, images = _post_fields(path, node, source, fm_start)
    body = blanked[body_start:]
    body_chars = list(body)
    for image in _images(path, body):
        if image.alt:
            alts.append(Field.contiguous(image.alt, body_start + image.alt_start))
        if image.src:
            images.append(Field(image.src, (body_start + image.src_start,) * (len(image.src) + 1)))
        body_chars[image.start : image.end] = " " * (image.end - image.start)  # the alt is its own scope
    body_text = "".join(body_chars)
    fields["body"] = Field.contiguous(body_text, body_start)
    fields.update({f"caption[{i}]": f for i, f in enumerate(captions)})
    fields.update({f"alt[{i}]": f for i, f in enumerate(alts)})
    fields.update({f"image[{i}]": f for i, f in enumerate(images)})
    lang = parse_lang(meta.get("lang"), path)
    post = Post(
        text=body_text,
        captions=tuple(f.text for f in captions),
        alt_texts=tuple(f.text for f in alts),
        images=tuple(image_path(path, f.text) for f in images),
        lang=lang,
        id=path,
        metadata=meta,
    )
    return DraftPost(post, fields, 1)


@dataclass(frozen=True)
class _MarkdownImage:
    alt: str
    alt_start: int
    src: str
    src_start: int
    start: int  # the whole ![alt](src) markup
    end: int


def is_remote(ref: str) -> bool:
    """A web address (or inline data), not a file: phiguard never downloads it (IMG001 says so)."""
    return "://" in ref or ref.startswith("data:")


def image_path(draft: str, ref: str) -> str:
    """Where an image a draft attaches is: relative paths start at the draft's folder; web addresses
    are kept as they are."""
    if is_remote(ref) or draft.startswith("<") or os.path.isabs(ref):
        return ref
    return os.path.normpath(os.path.join(os.path.dirname(draft), ref))


def image_refs(value: object) -> list[str]:
    """The image paths in an archive record's image field: a string (several separated by ``;``, ``|``
    or new lines), a list of strings, or a list of mappings with a ``path``/``src``/``url`` key."""
    if isinstance(value, str):
        return [ref.strip() for ref in _IMAGE_LIST.split(value) if ref.strip()]
    if isinstance(value, dict):
        ref = first_field(value, IMAGE_PATH_KEYS)
        if not isinstance(ref, str):
            raise InputError(f"an image without a path ({', '.join(IMAGE_PATH_KEYS)})", "give each image a path")
        return image_refs(ref)
    if isinstance(value, list):
        return [ref for item in value for ref in image_refs(item)]
    if value in (None, ""):
        return []
    raise InputError(f"an image reference that is a {type(value).__name__}, not a path", "give images as paths")


def _images(path: str, body: str) -> Iterator[_MarkdownImage]:
    """Each Markdown image: its alt text and source, with their offsets and those of the whole markup."""
    lines = body.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    for token in MarkdownIt().parse(body):
        if token.type != "inline" or not token.map or not token.children:
            continue
        pos, limit = starts[token.map[0]], starts[min(token.map[1], len(lines))]
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
            close = body.find(")", at + 2 + len(child.content), limit)
            end = close + 1 if close >= 0 else at + 2 + len(child.content)
            src_at = body.find("](", at + 2 + len(child.content), end)
            yield _MarkdownImage(child.content, at + 2, src, src_at + 2 if src_at >= 0 else at, at, end)
            pos = end


def _image_markup(body: str, pos: int, limit: int) -> tuple[int, int] | None:
    """Where the ``](src)`` of the next image after ``pos`` starts and ends, found without its alt text."""
    at = body.find("![", pos, limit)
    src_at = body.find("](", at, limit) if at >= 0 else -1
    close = body.find(")", src_at, limit) if src_at >= 0 else -1
    return (src_at, close + 1) if close >= 0 else None


# -- JSON / YAML exports ------------------------------------------------------------------------------
def _structured_posts(path: str, source: str) -> list[DraftPost]:
    node = _compose(path, source, 0, source)
    if node is None:
        return []
    if isinstance(node, yaml.MappingNode):
        posts_node = _child(node, ("posts", "items", "data", "publicaciones"))
        items = posts_node.value if isinstance(posts_node, yaml.SequenceNode) else [node]
    elif isinstance(node, yaml.SequenceNode):
        items = node.value
    else:
        raise InputError(f"{path}: expected a post or a list of posts", "see docs/cli.md for the export shape")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, yaml.MappingNode):
            raise InputError(f"{path}: post {i + 1} is not a mapping", "each post needs fields such as `text`")
        meta = _plain(item, path)
        text_nodes = _children(item, TEXT_KEYS)  # a second text field ("Text" and "message") is read too
        body = _scalar_field(text_nodes[0], source, 0) if text_nodes else Field("", (0,))
        captions, alts, images = _post_fields(path, item, source, 0)
        captions = [f for n in text_nodes[1:] for f in _scalars(n, source, 0)] + captions
        fields = {"body": body} | {f"caption[{j}]": f for j, f in enumerate(captions)}
        fields |= {f"alt[{j}]": f for j, f in enumerate(alts)}
        fields |= {f"image[{j}]": f for j, f in enumerate(images)}
        lang = parse_lang(first_field(meta, LANG_KEYS), path)
        post_id = str(meta.get("id", f"{path}#{i + 1}"))
        post = Post(
            text=body.text,
            captions=tuple(f.text for f in captions),
            alt_texts=tuple(f.text for f in alts),
            images=tuple(image_path(path, f.text) for f in images),
            lang=lang,
            id=post_id,
            metadata=meta,
        )
        out.append(DraftPost(post, fields, item.start_mark.line + 1))
    return out


def _post_fields(
    path: str, node: yaml.MappingNode, source: str, base: int
) -> tuple[list[Field], list[Field], list[Field]]:
    """Captions, alt texts and image paths of a post mapping: `caption`, `alt`, and `images:` as paths
    or as mappings `{path, alt, caption}`."""
    captions: list[Field] = []
    alts: list[Field] = []
    paths: list[Field] = []
    for key_node, value in node.value:
        key = str(key_node.value).lower()
        if key in CAPTION_KEYS:
            captions += _scalars(value, source, base)
        elif key in ALT_KEYS:
            alts += _scalars(value, source, base)
        elif key in IMAGE_KEYS:
            for image in _leaves(value):  # a path, a mapping {path, alt, caption}, or lists of them
                if isinstance(image, yaml.ScalarNode):
                    paths += _scalars(image, source, base)
                else:
                    more_captions, more_alts, _ = _post_fields(path, image, source, base)
                    captions += more_captions
                    alts += more_alts
                    path_node = _child(image, IMAGE_PATH_KEYS)
                    if path_node is None:
                        continue  # an image described by its alt text or caption alone: those are read
                    if not isinstance(path_node, yaml.ScalarNode):
                        line = image.start_mark.line + 1 + source.count("\n", 0, base)
                        raise InputError(
                            f"{path}:{line}: an image path that is not text", "give the image's path as text"
                        )
                    paths += _scalars(path_node, source, base)
    return captions, alts, paths


def _leaves(node: yaml.Node) -> list[yaml.ScalarNode | yaml.MappingNode]:
    """The scalars and mappings of a node, through nested lists (depth is bounded by the loader)."""
    if isinstance(node, yaml.SequenceNode):
        return [leaf for item in node.value for leaf in _leaves(item)]
    return [node]  # type: ignore[list-item]


def _scalars(node: yaml.Node, source: str, base: int) -> list[Field]:
    if isinstance(node, yaml.ScalarNode):
        return [_scalar_field(node, source, base)] if str(node.value).strip() else []
    if isinstance(node, yaml.SequenceNode):
        return [f for item in node.value for f in _scalars(item, source, base)]
    return []


def _scalar_field(node: yaml.Node, source: str, base: int) -> Field:
    if not isinstance(node, yaml.ScalarNode):
        return Field("", (base,))
    start, end = base + node.start_mark.index, base + node.end_mark.index
    return _aligned(safeio.clean_text(str(node.value)), source, start, end)


def _children(node: yaml.MappingNode, keys: Sequence[str]) -> list[yaml.Node]:
    return [value for key_node, value in node.value if str(key_node.value).lower() in keys]


def _child(node: yaml.MappingNode, keys: Sequence[str]) -> yaml.Node | None:
    for key_node, value in node.value:
        if str(key_node.value).lower() in keys:
            return value  # type: ignore[no-any-return]
    return None


def _compose(path: str, text: str, base: int, source: str) -> yaml.Node | None:
    """The YAML (or JSON) node tree of ``text``, which starts at ``base`` in ``source`` (``base`` > 0:
    front matter): aliases refused, nesting bounded, errors naming the line and column only."""
    if Path(path).suffix.lower() == ".json":
        safeio.load_json(text, path)  # a JSON error reads better as JSON; depth and numbers bounded
    what = "front matter (YAML)" if base else "YAML"
    return safeio.compose_yaml(text, path, source.count("\n", 0, base), what)


def _plain(node: yaml.Node, path: str) -> dict[str, Any]:
    value = safeio.construct_yaml(node, path)
    return value if isinstance(value, dict) else {}


# -- CSV bulk-schedule files --------------------------------------------------------------------------
def _csv_posts(path: str, source: str, columns: Sequence[str]) -> list[DraftPost]:
    starts = line_starts(source)
    reader = csv.reader(io.StringIO(source, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return []
        names = [h.strip().lower() for h in header]
        wanted = [c.lower() for c in columns] or list(TEXT_KEYS)
        text_cols = [i for c in wanted for i, n in enumerate(names) if n == c]  # every one is read
        text_col = text_cols[0] if text_cols else None
        if text_col is None:
            raise InputError(
                f"{path}: no column with the post text (looked for {', '.join(wanted)})",
                "name the column in `csv-text-columns` in the config",
            )
        alt_cols = [i for i, n in enumerate(names) if n in ALT_KEYS]
        cap_cols = [i for i, n in enumerate(names) if n in CAPTION_KEYS]
        image_cols = [i for i, n in enumerate(names) if n in IMAGE_CSV_KEYS]
        lang_col = next((i for i, n in enumerate(names) if n in LANG_KEYS), None)
        out = []
        prev_end_line = reader.line_num
        for row in reader:
            first_line = prev_end_line + 1
            prev_end_line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            row_start = starts[min(first_line - 1, len(starts) - 1)]
            row_end = starts[reader.line_num] if reader.line_num < len(starts) else len(source)
            cells = _cell_fields(row, source, row_start, row_end)
            text = cells[text_col] if text_col < len(cells) else Field("", (row_start,))
            alts = [cells[i] for i in alt_cols if i < len(cells) and cells[i].text.strip()]
            caps = [cells[i] for i in (*text_cols[1:], *cap_cols) if i < len(cells) and cells[i].text.strip()]
            images = [  # each path points at the start of its cell
                Field(ref, cells[i].offsets[:1] * (len(ref) + 1))
                for i in image_cols
                if i < len(cells)
                for ref in image_refs(cells[i].text)
            ]
            lang = parse_lang(row[lang_col].strip() if lang_col is not None and lang_col < len(row) else None, path)
            meta = {names[i]: row[i] for i in range(min(len(names), len(row))) if i != text_col}
            post = Post(
                text=text.text,
                captions=tuple(f.text for f in caps),
                alt_texts=tuple(f.text for f in alts),
                images=tuple(image_path(path, f.text) for f in images),
                lang=lang,
                id=f"{path}:{first_line}",
                metadata=meta,
            )
            fields = {"body": text} | {f"caption[{j}]": f for j, f in enumerate(caps)}
            fields |= {f"alt[{j}]": f for j, f in enumerate(alts)}
            fields |= {f"image[{j}]": f for j, f in enumerate(images)}
            out.append(DraftPost(post, fields, first_line))
        return out
    except csv.Error as exc:
        raise InputError(f"{path}: unreadable CSV at line {reader.line_num}: {exc}", "fix the CSV") from None


def _cell_fields(row: list[str], source: str, start: int, end: int) -> list[Field]:
    out = []
    pos = start
    for cell in row:
        f = _aligned(cell, source, pos, end)
        out.append(f)
        pos = f.offsets[-1] if cell else pos
        comma = source.find(",", pos, end)
        pos = comma + 1 if comma >= 0 else pos
    return out


# -- helpers ------------------------------------------------------------------------------------------
def _aligned(value: str, source: str, start: int, end: int) -> Field:
    """Map each character of a parsed value onto the raw text it came from (quotes, escapes, folded
    lines and doubled quotes shift characters; non-space characters are matched exactly)."""
    offsets = []
    j = start
    for ch in value:
        if ch.isspace():
            offsets.append(min(j, end))
            k = j
            while k < end and source[k] in " \t\r\n":
                k += 1
            j = k if k > j else j + 1
            continue
        k = source.find(ch, j, end)
        if k < 0:
            k = min(j, end)
        offsets.append(k)
        j = k + 1
    offsets.append(min(j, end) if value else start)
    return Field(value, tuple(offsets))


def all_fields(record: Mapping[Any, Any], keys: Sequence[str]) -> list[Any]:
    """The values of every key of ``record`` named like one of ``keys`` (any case), in ``keys`` order."""
    return [v for want in keys for k, v in record.items() if str(k).strip().lower() == want]


def first_field(record: Mapping[Any, Any], keys: Sequence[str]) -> Any:
    """The value of the first key of ``record`` named like one of ``keys`` (any case), or None."""
    for k, v in record.items():
        if str(k).strip().lower() in keys:
            return v
    return None


def parse_lang(value: object, path: str) -> Lang | None:
    """A post's language field ("en", "es-ES", "English"...) or None; any other language is an error."""
    if value in (None, ""):
        return None
    code = str(value).strip().lower()[:2]
    if code not in LANGS:
        raise InputError(f"{path}: unsupported language {value!r}", f"use one of {', '.join(LANGS)}")
    return "en" if code == "en" else "es"
