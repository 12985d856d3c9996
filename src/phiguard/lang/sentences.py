"""A Doc's sentences, read once per Doc: ``doc.sents`` builds every span anew on each call, and the
identifier features, the capitalisation test and the advice rules all ask for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_KEY = "phiguard.sentence_starts"


def sentence_starts(doc: Doc) -> list[int] | None:
    """The token indices where the doc's sentences start (what ``doc.sents`` yields), or None when no
    component set sentence boundaries."""
    if not doc.has_annotation("SENT_START"):
        return None
    starts = doc.user_data.get(_KEY)
    if starts is None:
        from spacy.attrs import SENT_START

        flags = doc.to_array(SENT_START)
        starts = doc.user_data[_KEY] = [0, *(int(i) for i in (flags[1:] == 1).nonzero()[0] + 1)] if len(doc) else []
    return starts


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences as spans (the whole doc as one when nothing set sentence boundaries)."""
    starts = sentence_starts(doc)
    if starts is None:
        return [doc[:]]
    ends = [*starts[1:], len(doc)]
    return [doc[a:b] for a, b in zip(starts, ends, strict=True)]
