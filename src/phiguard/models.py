"""The public data model: posts in, reports of findings out.

Everything here is a frozen pydantic model, so a report can be shared between threads, cached and
serialised without surprises. A finding never serialises the matched text: ``value`` is excluded from
``model_dump``/``model_dump_json`` and from ``repr``; use ``masked`` (or ``value`` explicitly) instead.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, model_validator

from phiguard.lang import DEFAULT_LANG, LANGS, Lang

Box = tuple[int, int, int, int]  # left, top, width, height in pixels of the upright image
__all__ = ["LANGS", "Lang"]


class Severity(StrEnum):
    """How urgent a finding is: ``error`` stops a post, ``warning`` asks a person to look,
    ``info`` is for the record and never fails a check."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Category(StrEnum):
    """What kind of problem a rule finds."""

    IDENTIFIER = "identifier"  # a HIPAA Safe Harbor identifier of a patient or private person
    CONSENT = "consent"  # a patient featured without written authorization on record
    ADVICE = "advice"  # personal medical advice to one person
    TOOL = "tool"  # phiguard's own messages (bad suppression, unreadable input, ...)


class Entity(StrEnum):
    """What a rule's findings are (a rule file's ``entity``); the masks print it (``<PERSON>``)."""

    PERSON = "PERSON"
    DATE = "DATE"
    AGE = "AGE"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    ADDRESS = "ADDRESS"
    LOCATION = "LOCATION"
    ID = "ID"  # record, account, room and bed numbers, national IDs, serials
    URL = "URL"
    FACE = "FACE"  # a face in an attached photo
    IMAGE = "IMAGE"  # an attached image as a whole (one that could not be checked)
    PATIENT = "PATIENT"  # a featured patient (the consent rules)
    ADVICE = "ADVICE"  # personal advice (the advice rules)
    CONSENT = "CONSENT"  # a consent finding whose rule is not loaded
    TOOL = "TOOL"  # phiguard's own findings (PGS...)


ScopeKind = Literal["body", "caption", "alt", "image", "file"]
_SCOPE = regex.compile(r"(body|file)|(caption|alt|image)\[(\d+)\](?:\.(.+))?", regex.DOTALL)


class Scope(str):
    """Which text of a post a finding is in, parsed once: ``body``, ``caption[0]``, ``alt[1]``,
    ``image[2]`` (the image itself), ``image[0].text`` and ``image[0].exif.Artist`` (what was read in
    it), or ``file`` (a finding about the draft file). It is the string it was written as, so findings
    compare and serialise as plain names; ``kind``, ``number`` and ``part`` say what it is."""

    kind: ScopeKind
    number: int | None  # which caption, alt text or image (0-based)
    part: str | None

    def __new__(cls, name: str) -> Scope:
        if isinstance(name, Scope):
            return name
        m = _SCOPE.fullmatch(name)
        if m is None:
            raise ValueError(f"not a scope name: {name[:40]!r}")
        self = super().__new__(cls, name)
        self.kind = m.group(1) or m.group(2)  # type: ignore[assignment]
        self.number = int(m.group(3)) if m.group(3) is not None else None
        self.part = m.group(4)
        return self

    @classmethod
    def of(cls, kind: ScopeKind, number: int | None = None, part: str | None = None) -> Scope:
        """A scope from its parts, without parsing its name again (posts build theirs on every pass)."""
        name = kind if number is None else f"{kind}[{number}]"
        self = str.__new__(cls, f"{name}.{part}" if part else name)
        self.kind, self.number, self.part = kind, number, part
        return self

    @property
    def root(self) -> Scope:
        """The scope without its part: ``image[0]`` for ``image[0].text``."""
        return self if self.part is None else Scope.of(self.kind, self.number)


BODY = Scope("body")


class Source(str):
    """What proposed a candidate: ``ner:PERSON`` (the spaCy model), ``pattern:PHI053`` (a rule's
    regex), ``names:PHI001`` (the given-name lists) or a Presidio recognizer's name; parsed once."""

    kind: Literal["ner", "pattern", "names", "presidio"]
    name: str

    def __new__(cls, value: str) -> Source:
        if isinstance(value, Source):
            return value
        self = super().__new__(cls, value)
        head, sep, tail = value.partition(":")
        if sep and head in ("ner", "pattern", "names"):
            self.kind, self.name = head, tail  # type: ignore[assignment]
        else:
            self.kind, self.name = "presidio", value
        return self


class Evidence(str):
    """One reason recorded with a finding, ``kind:detail`` (``also:PHI002``, ``care:body:0-12``,
    ``signals:reply+directive``) or a plain note (``no consent on record``); a string in every output."""

    kind: str
    detail: str

    def __new__(cls, value: str) -> Evidence:
        if isinstance(value, Evidence):
            return value
        self = super().__new__(cls, value)
        head, sep, tail = value.partition(":")
        self.kind, self.detail = (head, tail) if sep and " " not in head else ("note", value)
        return self

    @classmethod
    def of(cls, kind: str, detail: object) -> Evidence:
        return cls(f"{kind}:{detail}")


ScopeName = Annotated[Scope, PlainValidator(lambda v: Scope(str(v))), PlainSerializer(str, return_type=str)]
EvidenceItem = Annotated[Evidence, PlainValidator(lambda v: Evidence(str(v))), PlainSerializer(str, return_type=str)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Post(_Frozen):
    """One draft post: its body plus the texts that travel with it.

    ``captions`` and ``alt_texts`` are linted as scopes of their own (``caption[0]``, ``alt[1]``...),
    so a finding's offsets always point into the text of its ``scope``. ``images`` are paths of attached
    image files: the linter reads their metadata, visible text and faces (:mod:`phiguard.detect.images`) and
    lints the texts it finds as scopes ``image[0].text``, ``image[0].exif.ImageDescription``... which it
    puts in ``image_texts`` of the report's post (callers with their own OCR may fill it themselves).
    """

    text: str = ""
    captions: tuple[str, ...] = ()
    alt_texts: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    image_texts: tuple[tuple[ScopeName, str], ...] = ()
    lang: Lang | None = None
    id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    def scopes(self) -> list[tuple[Scope, str]]:
        """(scope, text) for every non-empty text of the post, body first."""
        out = [(BODY, self.text)] if self.text else []
        out += [(Scope.of("caption", i), t) for i, t in enumerate(self.captions) if t]
        out += [(Scope.of("alt", i), t) for i, t in enumerate(self.alt_texts) if t]
        out += [(Scope(scope), t) for scope, t in self.image_texts if t]
        return out

    def scope_text(self, scope: str) -> str:
        texts: dict[str, str] = dict(self.scopes())
        return texts[scope]


_CONTROL = regex.compile(r"[\p{Cc}\p{Zl}\p{Zp}]")


def printable(text: str) -> str:
    """``text`` with control characters and line separators escaped (``\\n``, ``\\x1b``): a file name
    or value with a newline cannot start a line of its own in a log (``::error ...`` is a command to
    GitHub Actions), nor move a terminal's cursor."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


MaskStyle = Literal["type", "initials"]  # how a value is masked: <PERSON>, or R*** D*** (--mask initials)


_NOT_IN_TYPE = regex.compile(r"[^A-Z0-9_-]")


@lru_cache(maxsize=256)
def type_mask(entity: str) -> str:
    """The default mask: the entity type alone (``<PERSON>``, ``<PHONE>``), nothing of the value."""
    return f"<{_NOT_IN_TYPE.sub('', entity.upper()) or 'VALUE'}>"


def masked_as(value: str, entity: str, style: MaskStyle = "type") -> str:
    """``value`` masked in ``style``."""
    return mask(value) if style == "initials" else type_mask(entity)


def mask(value: str) -> str:
    """The ``initials`` mask (``--mask initials``): keep the first character of each word and hide the
    rest, ``Rosa Díaz`` -> ``R*** D***``. It tells a word's first letter and length, which a name list
    narrows down: not the default."""
    out = []
    for word in value.split(" "):
        visible = 1 if len(word) > 1 else 0
        out.append(word[:visible] + "*" * (len(word) - visible))
    masked = " ".join(out)
    # a value whose hidden characters were asterisks already ("*", "a*") would read back as itself
    return "<masked>" if masked == value and value.strip() else masked


class Finding(_Frozen):
    """One problem found in one scope of a post. Offsets index the scope's text (end exclusive)."""

    rule: str
    category: Category
    severity: Severity
    entity: str
    start: int
    end: int
    message: str
    scope: ScopeName = BODY
    lang: Lang = DEFAULT_LANG
    evidence: tuple[EvidenceItem, ...] = ()
    suggestion: str | None = None  # what to write instead (the advice rules' safe reply)
    image: str | None = None  # the attached image the finding is in (its path as the draft gives it)
    box: Box | None = None  # where in that image: a face, or the OCR words of the match
    score: float | None = None  # the learned model's probability (phiguard.learned): identifier, consent
    value: str = Field(default="", repr=False, exclude=True)
    masked: str = Field(
        default="", description="the value masked, by its entity type (<PERSON>): what every output prints"
    )

    def shown(self, show_values: bool = False, style: MaskStyle = "type") -> str:
        """The matched value as it may be printed: masked unless ``show_values`` (``--show-values``); the
        mask says the entity type (``<PERSON>``), or with ``style="initials"`` (``--mask initials``)
        keeps each word's first letter and length (``R*** D***``), which tells more of the value."""
        if show_values:
            return self.value
        return mask(self.value) if style == "initials" and self.value else self.masked

    def image_shown(self, show_values: bool = False) -> str | None:
        """The attached image as it may be printed: its path with ``show_values``, else which image of the
        post it is and its type (``image[0] .jpg``): a file name may carry a patient's name. The
        finding's line and column point at where the draft attaches it."""
        if not self.image:
            return None
        if show_values:
            return self.image
        suffix = regex.sub(r"[^A-Za-z0-9.]", "", self.image.rpartition(".")[2])[:8]
        return f"{self.scope.root} .{suffix}" if "." in self.image else str(self.scope.root)

    @model_validator(mode="after")
    def _mask(self) -> Finding:
        """``masked`` follows ``value``; a finding read back from JSON (no value) keeps its masked text."""
        if self.value:
            object.__setattr__(self, "masked", type_mask(self.entity))
        return self


class Report(_Frozen):
    """Every finding for one post, most severe first, plus the language chosen for each scope."""

    post: Post = Field(default_factory=Post, repr=False, exclude=True)  # not serialised: a report read back has none
    findings: tuple[Finding, ...] = ()
    languages: dict[str, Lang] = Field(default_factory=dict)
    fail_on: Severity = Field(default=Severity.WARNING, description="the config's fail-on: what makes a post not ok")

    @property
    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def at_least(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity >= severity]

    @property
    def ok(self) -> bool:
        """True when nothing at the Linter's ``fail-on`` severity or above was found (the CLI's verdict)."""
        return not self.at_least(self.fail_on)
