"""The texts of a post as the engine parses them: each scope cut into chunks of at most
:data:`MAX_CHUNK` characters at whitespace (a :class:`Unit` each), cleaned so that spaCy's tokenizer
stays linear, with offsets kept; and what ``lint_many`` accepts as a post."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from phiguard.errors import ArgumentError
from phiguard.models import Lang, Post, Scope

MAX_CHUNK = 50_000  # characters per parse: long texts are split at whitespace, offsets kept
_SURROGATE = regex.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Unit:
    """One parse: a chunk of one scope of one post."""

    post: int
    post_id: str | None
    scope: Scope
    offset: int
    text: str
    lang: Lang


def chunks(text: str, size: int = MAX_CHUNK) -> Iterator[tuple[int, str]]:
    """The text in parses of at most ``size`` characters, cut at whitespace, each without the
    whitespace around it: the small models tag a word differently after blank lines (a Markdown body
    under its front matter), so a post reads the same in a draft file as through the API."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
            end = cut + 1 if cut > start else end
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        if chunk.strip():
            yield start + lead, chunk.strip()
        start = end


def as_post(item: object) -> Post:
    """A Post, or plain text as one; anything else is a TypeError naming its type, never its content
    (pydantic's message would quote it)."""
    if isinstance(item, Post):
        return item
    if isinstance(item, str):
        return Post(text=item)
    raise ArgumentError(
        f"lint_many takes Post objects or strings, not {type(item).__name__}", "pass phiguard.Post(text=...)"
    )


_LONG_RUN = regex.compile(r"\S{65,}")


def _defuse(run: regex.Match[str]) -> str:
    """A long run of non-space characters that is mostly punctuation or symbols ("((((", ":::",
    emoji, "a.a.a.") keeps its first 16 characters, and after them its letters and digits only; one
    over 256 characters, whatever it holds, keeps its letters and digits after the 256th. spaCy's
    tokenizer strips a run's prefixes one at a time, so such runs cost time quadratic in their length
    (10 KB: 10-14 s); no identifier looks like them, and words, URLs and numbers are left alone."""
    text = run.group()
    alnum = sum(ch.isalnum() for ch in text)
    keep = 16 if alnum < 0.7 * len(text) else 256
    if len(text) <= keep:
        return text
    return text[:keep] + "".join(ch if ch.isalnum() else " " for ch in text[keep:])


def clean(text: str) -> str:
    """The text as it is parsed: lone surrogates (from broken decoding) become U+FFFD and long
    punctuation runs are broken up with spaces (``_defuse``); the same length, so offsets still hold."""
    return _LONG_RUN.sub(_defuse, _SURROGATE.sub("\ufffd", text))
