"""What every reader produces: posts whose scopes remember where their characters sit in the file.

A reader turns a file into :class:`Record` objects (a post's keys in file order, each value a
:class:`Field` of text with its file offsets, a nested record, a list, ``None`` or :class:`NotText`);
:func:`record_post` reads a record the same way for every format (the text, captions, alt texts,
images, language and id, by the key names below), and :func:`make_post` is the one place a
:class:`DraftPost` is assembled.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal, TypeAlias

from phiguard.errors import InputError
from phiguard.inputs.suppressions import Suppression
from phiguard.lang import LANGS, PROFILES, parse_language
from phiguard.lang.profile import FieldRole
from phiguard.models import BODY, Lang, Post, Scope


def _fields(*roles: FieldRole) -> tuple[str, ...]:
    """The field names every language's users give a role (``lang.*.draft_fields``), in profile order,
    each once."""
    return tuple(dict.fromkeys(k for role in roles for p in PROFILES.values() for k in p.draft_fields.get(role, ())))


# Post fields people use in exports and bulk-schedule sheets (compared case-insensitively), from the
# language profiles.
TEXT_KEYS = _fields("text")
CAPTION_KEYS = _fields("caption")
ALT_KEYS = _fields("alt")
LANG_KEYS = _fields("lang")
ID_KEYS = ("id", "post_id", "uuid", "tweet_id")
IMAGE_KEYS = (*_fields("image"), *_fields("image_file"))
IMAGE_PATH_KEYS = _fields("image_path")
# More text a post carries in exports and sheets, checked as captions after the body: titles, first
# comments, replies and thread parts (strings, or records with text fields), link previews, hashtags.
EXTRA_TEXT_KEYS = _fields("extra")
_WHO_KEYS = _fields("who")  # who wrote a reply: a handle tied to health is PHI
# Fields that are about the post, not text of it: never checked and never reported as unchecked.
METADATA_KEYS = (*ID_KEYS, *LANG_KEYS, *_fields("meta"))
_IMAGE_REF = re.compile(r"[^;|\n]+")  # several images in one text: separated by ; | or new lines


TokenStyle = Literal["json", "yaml-plain", "yaml-single", "yaml-double", "yaml-block", "csv", "csv-quoted"]


@dataclass(frozen=True)
class Token:
    """Where a quoted or escaped value is written in the file (quotes included) and how: ``phiguard
    fix`` writes a new value as a whole token of the same kind, so the file stays valid."""

    start: int
    end: int
    style: TokenStyle


@dataclass(frozen=True)
class Field:
    """One text of a draft and where each of its characters sits in the file."""

    text: str
    offsets: tuple[int, ...]  # file offset of text[i]; one extra entry for the end
    token: Token | None = None  # None: the text is the file's own characters (Markdown, plain text)

    @classmethod
    def contiguous(cls, text: str, base: int) -> Field:
        return cls(text, tuple(range(base, base + len(text) + 1)))

    @classmethod
    def at(cls, text: str, offset: int) -> Field:
        """A text that points at one place (an image path: findings on the image point at it)."""
        return cls(text, (offset,) * (len(text) + 1))


@dataclass(frozen=True)
class NotText:
    """A value that is not text (true/false, binary data): never read as words to check. Numbers and
    dates are text as written (a bare record number in a caption is checked)."""

    kind: str


@dataclass(frozen=True)
class Record:
    """A post (or an image of one) as a reader found it: its keys in file order with their values."""

    items: tuple[tuple[str, Value], ...]
    line: int  # 1-based line where it starts in the file

    def values(self, keys: Sequence[str]) -> list[Value]:
        """The values of every key named like one of ``keys`` (any case), in ``keys`` order."""
        return [v for want in keys for k, v in self.items if k.strip().lower() == want]


Value: TypeAlias = Field | Record | NotText | list["Value"] | None


@dataclass
class DraftPost:
    """A post read from a draft, with the file position of every scope."""

    post: Post
    fields: Mapping[str, Field]  # by scope name
    line: int  # where the post starts in the file (1-based), for post-level findings
    unchecked: tuple[str, ...] = ()  # fields with text that no key list names: said in the summary
    own_id: bool = False  # the id is the post's own (an export's ``id`` field, which may be PHI), not its place


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
        if f is None and Scope(scope).kind == "image":
            f, offset = post.fields.get(Scope(scope).root), 0
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


@dataclass(frozen=True)
class ReadOptions:
    """What the configuration tells readers: the CSV columns that hold the post text (``csv-text-columns``),
    more fields that are text (``text-fields``, checked as captions) and fields that are not
    (``metadata-fields``, never checked nor reported as unchecked)."""

    text_columns: tuple[str, ...] = ()
    text_fields: tuple[str, ...] = ()
    metadata_fields: tuple[str, ...] = ()
    sheet: bool = False  # reading a CSV sheet: ``text_columns`` name its text

    # the key lists are asked of every record of an archive: worked out once per options
    @cached_property
    def text_keys(self) -> tuple[str, ...]:
        """The keys of a post's text: ``csv-text-columns`` in a sheet (when set), else the built-in ones."""
        return (self.sheet and tuple(c.lower() for c in self.text_columns)) or TEXT_KEYS

    def for_sheet(self) -> ReadOptions:
        return replace(self, sheet=True)

    @cached_property
    def extra_keys(self) -> tuple[str, ...]:
        return (*EXTRA_TEXT_KEYS, *(f.lower() for f in self.text_fields))

    @cached_property
    def nested_keys(self) -> tuple[str, ...]:
        """The keys read in a record nested in a text field (a reply, a link preview): its author too."""
        return (*self.text_keys, *self.extra_keys, *CAPTION_KEYS, *ALT_KEYS, *_WHO_KEYS)

    @cached_property
    def known_keys(self) -> frozenset[str]:
        """Every key a post's field is read by (or known not to be text by)."""
        return frozenset(
            {*TEXT_KEYS, *self.text_keys, *self.extra_keys, *CAPTION_KEYS, *ALT_KEYS, *IMAGE_KEYS, *METADATA_KEYS}
            | {f.lower() for f in self.metadata_fields}
        )


DEFAULTS = ReadOptions()  # no config: the built-in key lists


@dataclass(frozen=True)
class Reader:
    """One draft format. ``read`` parses a whole file; ``stream`` (archive formats) reads posts from
    lines one at a time, so ``phiguard audit`` keeps memory flat. ``in_folders``: found when a folder
    is checked (otherwise only when named)."""

    name: str
    suffixes: frozenset[str]
    read: Callable[[str, str, ReadOptions], Draft]
    stream: Callable[[str, Iterable[str], ReadOptions], Iterator[DraftPost]] | None = None
    in_folders: bool = True


def line_starts(source: str) -> list[int]:
    """Offset of the first character of each line."""
    return [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]


# -- a post from its parts ----------------------------------------------------------------------------
def make_post(
    path: str,
    body: Field,
    *,
    captions: Sequence[Field] = (),
    alts: Sequence[Field] = (),
    images: Sequence[Field] = (),
    line: int = 1,
    lang: Lang | None = None,
    post_id: str | None = None,
    meta: Mapping[str, Any] | None = None,
) -> DraftPost:
    """The post and its scopes: ``body``, ``caption[i]``, ``alt[i]``, ``image[i]`` (image paths are
    resolved from the draft's folder)."""
    fields: dict[str, Field] = {BODY: body}
    fields |= {Scope.of("caption", i): f for i, f in enumerate(captions)}
    fields |= {Scope.of("alt", i): f for i, f in enumerate(alts)}
    fields |= {Scope.of("image", i): f for i, f in enumerate(images)}
    post = Post(
        text=body.text,
        captions=tuple(f.text for f in captions),
        alt_texts=tuple(f.text for f in alts),
        images=tuple(image_path(path, f.text) for f in images),
        lang=lang,
        id=post_id or path,
        metadata=dict(meta or {}),
    )
    return DraftPost(post, fields, line)


def has_post_keys(keys: Iterable[str], text_keys: Sequence[str] = (*TEXT_KEYS, *EXTRA_TEXT_KEYS)) -> bool:
    """Whether a record with these keys is a post at all: it names a text, caption, alt text or image."""
    known = {*text_keys, *CAPTION_KEYS, *ALT_KEYS, *IMAGE_KEYS}
    return any(k.strip().lower() in known for k in keys)


def record_post(
    path: str,
    record: Record,
    *,
    post_id: str,
    meta: Mapping[str, Any],
    options: ReadOptions = DEFAULTS,
) -> DraftPost:
    """A post from a record of an export, a sheet or an archive: the first non-blank text field is the
    body and any other one a caption, then the extra text fields (titles, first comments, replies...,
    nested records read by the same keys); captions, alt texts and images by their keys. A number in a
    text field is text. A text field that is not text (true/false), or a record with nothing to check at
    all, is an error naming its line; a field with text that no key names is listed as unchecked."""
    where = f"{path}:{record.line}"
    text_keys = options.text_keys
    named = _flat(record.values(text_keys))
    texts = [v for v in named if isinstance(v, Field)]
    filled = [f for f in texts if f.text.strip()]
    extra = [f for v in record.values(options.extra_keys) for f in nested_texts(v, options)]
    captions, alts, images = record_parts(path, record)
    if len(texts) < len(named) or not (texts or extra or captions or alts or images):
        raise InputError(f"{where}: no text field ({', '.join(text_keys[:4])}...)", _no_text_hint(path))
    body = filled[0] if filled else extra.pop(0) if extra and not texts else texts[0] if texts else Field("", (0,))
    post = make_post(
        path,
        body,
        captions=filled[1:] + extra + captions,
        alts=alts,
        images=images,
        line=record.line,
        lang=parse_lang(first_field(meta, LANG_KEYS), where),
        post_id=post_id,
        meta=meta,
    )
    post.unchecked = unchecked_fields(record, options)
    post.own_id = first_field(meta, ID_KEYS) not in (None, "")
    return post


def nested_texts(value: Value, options: ReadOptions) -> list[Field]:
    """The non-blank texts of an extra text field: strings, lists of them, and records (a reply
    ``{author, text}``, a link preview ``{title, description, url}``) read by every text key."""
    out: list[Field] = []
    for v in _flat([value]):
        if isinstance(v, Field):
            out += [v] if v.text.strip() else []
        elif isinstance(v, Record):
            out += [f for nested in v.values(options.nested_keys) for f in nested_texts(nested, options)]
    return out


def unchecked_fields(record: Record, options: ReadOptions, nested: bool = False) -> tuple[str, ...]:
    """The keys of ``record`` (and of records nested in its text fields: a reply's author is read) that
    hold text and that no key list names: neither checked nor known to be metadata. Named in the
    summary, never passed silently."""
    known = options.known_keys | (set(_WHO_KEYS) if nested else set())
    out: list[str] = []
    for key, value in record.items:
        name = key.strip().lower()
        if name not in known and _has_text(value):
            out.append(key)
        elif name in options.extra_keys or name in options.text_keys:
            for item in _flat([value]):
                if isinstance(item, Record):
                    out += [f"{key}.{inner}" for inner in unchecked_fields(item, options, nested=True)]
    return tuple(dict.fromkeys(out))


def _has_text(value: Value) -> bool:
    if isinstance(value, Field):
        return bool(value.text.strip())
    if isinstance(value, Record):
        return any(_has_text(v) for _, v in value.items)
    if isinstance(value, list):
        return any(_has_text(v) for v in value)
    return False


def record_parts(path: str, record: Record) -> tuple[list[Field], list[Field], list[Field]]:
    """Captions, alt texts and image paths of a record, in file order: ``caption``, ``alt`` and
    ``images`` as paths or as records ``{path, alt, caption}``."""
    captions: list[Field] = []
    alts: list[Field] = []
    paths: list[Field] = []
    for key, value in record.items:
        name = key.strip().lower()
        if name in CAPTION_KEYS:
            captions += _texts(value)
        elif name in ALT_KEYS:
            alts += _texts(value)
        elif name in IMAGE_KEYS:
            for image in _flat([value]):
                more_captions, more_alts, more_paths = _image_parts(path, image, record.line)
                captions += more_captions
                alts += more_alts
                paths += more_paths
    return captions, alts, paths


def _image_parts(path: str, image: Value, line: int) -> tuple[list[Field], list[Field], list[Field]]:
    """An image's path (or paths), and the caption and alt text of an image given as a record; an
    image described by its alt text or caption alone has no path, and those are still read."""
    if isinstance(image, Field):
        return [], [], _image_refs(image)
    if isinstance(image, NotText):
        raise InputError(
            f"{path}:{line}: an image reference that is a {image.kind}, not a path", "give images as paths"
        )
    if not isinstance(image, Record):
        return [], [], []
    captions = [f for v in image.values(CAPTION_KEYS) for f in _texts(v)]
    alts = [f for v in image.values(ALT_KEYS) for f in _texts(v)]
    refs = _flat(image.values(IMAGE_PATH_KEYS))
    if any(not isinstance(ref, Field) for ref in refs):
        raise InputError(f"{path}:{image.line}: an image path that is not text", "give the image's path as text")
    return captions, alts, [f for ref in refs if isinstance(ref, Field) for f in _image_refs(ref)]


def _image_refs(value: Field) -> list[Field]:
    """The image paths in one text (several separated by ``;``, ``|`` or new lines), each pointing at
    where it starts."""
    out = []
    for m in _IMAGE_REF.finditer(value.text):
        ref = m.group().strip()
        if ref:
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            out.append(Field.at(ref, value.offsets[start]))
    return out


def _texts(value: Value) -> list[Field]:
    """The non-blank texts of a value (through lists)."""
    return [v for v in _flat([value]) if isinstance(v, Field) and v.text.strip()]


def _flat(values: Iterable[Value]) -> list[Value]:
    """Values with lists opened (depth is bounded by the parsers); ``None`` dropped."""
    out: list[Value] = []
    for v in values:
        if isinstance(v, list):
            out += _flat(v)
        elif v is not None:
            out.append(v)
    return out


# -- shared helpers -----------------------------------------------------------------------------------
def is_remote(ref: str) -> bool:
    """A web address (or inline data), not a file: phiguard never downloads it (IMG001 says so)."""
    return "://" in ref or ref.startswith("data:")


def image_path(draft: str, ref: str) -> str:
    """Where an image a draft attaches is: relative paths start at the draft's folder; web addresses
    are kept as they are."""
    if is_remote(ref) or draft.startswith("<") or os.path.isabs(ref):
        return ref
    return os.path.normpath(os.path.join(os.path.dirname(draft), ref))


def first_field(record: Mapping[Any, Any], keys: Sequence[str]) -> Any:
    """The value of the first key of ``record`` named like one of ``keys`` (any case), or None."""
    for k, v in record.items():
        if str(k).strip().lower() in keys:
            return v
    return None


def record_id(meta: Mapping[str, Any], default: str) -> str:
    """A post's id: its ``id`` (``post_id``, ``uuid``...) field, else ``default`` (its place in the file)."""
    ident = first_field(meta, ID_KEYS)
    return default if ident in (None, "") else str(ident)


def parse_lang(value: object, where: str) -> Lang | None:
    """A post's language field ("en", "es-ES", "English"...) or None; any other language is an error."""
    if value in (None, ""):
        return None
    code = parse_language(str(value))
    if code is None:
        raise InputError(f"{where}: unsupported language {value!r}", f"use one of {', '.join(LANGS)}")
    return code


def aligned(value: str, source: str, start: int, end: int) -> Field:
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


def _no_text_hint(path: str) -> str:
    """How to fix a record with no text, for the kind of file it came from."""
    if path.lower().endswith((".csv", ".tsv")):
        return "name the post's text column with csv-text-columns in the config"
    return (
        "give each post a text field (text, body, caption...), or leave the file out with exclude in the "
        "config if it holds settings, not drafts"
    )
