"""Context checks: small named predicates that rules cite in ``context.drop/demote/escalate``.

Each check looks at one candidate in the shared analysis of its scope (text, spaCy doc, lexicons) and
answers yes or no. Rules decide what a yes means: ``drop`` discards the candidate, ``demote`` makes it
``info`` (reported, never counted against the post), ``escalate`` makes it ``error``. A drop beats a
demote, which beats an escalate. Word lists live in ``rules/lexicon``; nothing here is tuned to a
particular post.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import regex
from spacy.tokens import Doc

from phiguard.config import Allowlist
from phiguard.geo import is_large_region
from phiguard.lexicon import LexiconIndex
from phiguard.models import Lang
from phiguard.rulepack import Rule


@dataclass(frozen=True)
class Candidate:
    """A possible identifier before context is weighed: which rule, where, and what found it."""

    rule: Rule
    start: int
    end: int
    score: float
    source: str


@dataclass(frozen=True)
class ScopeContext:
    """The shared analysis of one text: every check reads it, none recomputes it."""

    text: str
    lang: Lang
    doc: Doc
    lexicons: LexiconIndex
    allowlist: Allowlist

    def value(self, c: Candidate) -> str:
        return self.text[c.start : c.end]

    def has(self, lexicon: str, start: int = 0, end: int | None = None) -> bool:
        return self.lexicons.search(lexicon, self.lang, self.text, start, end)

    def sentence_bounds(self, c: Candidate) -> tuple[int, int]:
        span = self.doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None or not self.doc.has_annotation("SENT_START"):
            return 0, len(self.text)
        sent = span.sent
        return sent.start_char, sent.end_char


Check = Callable[[Candidate, ScopeContext], bool]

_YEAR_ONLY = regex.compile(r"^(?:in\s+|en\s+|el\s+|year\s+|año\s+)?(?:19|20)\d{2}s?$", regex.I)
_DAY_MONTH = regex.compile(r"\d{1,2}[/.-]\d{1,2}|\d{4}-\d{2}-\d{2}")
_HAS_DIGIT_OR_MONTH = regex.compile(r"\d")
_CITATION_AFTER = regex.compile(r"^\W{0,3}(?:et\s+al\b|\(?(?:19|20)\d{2}[a-z]?\)|,\s*(?:19|20)\d{2}\b)", regex.I)
_CITATION_BEFORE = regex.compile(r"(?:\bet\s+al\.?|\b(?:and|y|&)|,)\s*$", regex.I)
_HANDLE = regex.compile(r"^@\w+$")
_LEADING_HANDLES = regex.compile(r"^\W*(?:@\w+[\s,:]*)+$")
_DURATION = regex.compile(
    r"\b(?:years?|yrs?|months?|weeks?|days?|hours?|minutes?|decades?|años|meses|semanas|días|horas|minutos)\b"
    r"|\bold\b|\bago\b|\bhace\b",
    regex.I,
)


def allowlisted(c: Candidate, ctx: ScopeContext) -> bool:
    """The organisation's own phone, address, domain, mailbox or staff name (from the config)."""
    return ctx.allowlist.allows(c.rule.entity, ctx.value(c))


def large_region(c: Candidate, ctx: ScopeContext) -> bool:
    """A country, US state or Spanish autonomous community: larger than Safe Harbor covers."""
    value = regex.sub(r"^(?:the|el|la|los|las)\s+", "", ctx.value(c).strip(), flags=regex.I)
    return is_large_region(value) or ctx.lexicons.fullmatch("large_regions", ctx.lang, value)


def year_only(c: Candidate, ctx: ScopeContext) -> bool:
    """A year on its own ("in 2019") is not a Safe Harbor date element."""
    return _YEAR_ONLY.match(ctx.value(c).strip()) is not None


def vague_time(c: Candidate, ctx: ScopeContext) -> bool:
    """Relative or weekday-only time ("today", "this week", "el jueves") with no month or number."""
    value = ctx.value(c)
    return not _HAS_DIGIT_OR_MONTH.search(value) and not ctx.lexicons.search("months", ctx.lang, value)


def no_calendar_date(c: Candidate, ctx: ScopeContext) -> bool:
    """Neither a month nor a day/month number: a bare number or phrase the NER model called a date."""
    value = ctx.value(c)
    return not (_DAY_MONTH.search(value) or ctx.lexicons.search("months", ctx.lang, value))


def role_before(c: Candidate, ctx: ScopeContext) -> bool:
    """A clinician, staff or public role right before (or inside) the name: "Dr. Ortiz", "nurse Dana"."""
    window = ctx.text[max(0, c.start - 30) : c.end]
    pat = ctx.lexicons.pattern("non_patient_roles", ctx.lang)
    if pat is None:
        return False
    # the role must end right before the name, allowing a few words of the title ("charge nurse Dana")
    for m in pat.finditer(window):
        gap = window[m.end() : len(window) - (c.end - c.start)]
        if m.start() >= len(window) - (c.end - c.start) or len(regex.findall(r"\w+", gap)) <= 2:
            return True
    return False


def citation(c: Candidate, ctx: ScopeContext) -> bool:
    """An author in a citation: "Lee K, et al.", "Smith and Jones (2022)"."""
    after = ctx.text[c.end : c.end + 25]
    if _CITATION_AFTER.search(after):
        return True
    before = ctx.text[max(0, c.start - 12) : c.start]
    return bool(_CITATION_BEFORE.search(before)) and bool(
        regex.search(r"\((?:19|20)\d{2}\)|et\s+al", ctx.text[c.end : c.end + 40], regex.I)
    )


def event_nearby(c: Candidate, ctx: ScopeContext) -> bool:
    """The sentence announces an event, opening hours or a service, not somebody's care."""
    start, end = ctx.sentence_bounds(c)
    return ctx.has("event", start, end) and not ctx.has("care", start, end)


def org_contact(c: Candidate, ctx: ScopeContext) -> bool:
    """Contact details introduced as the organisation's: "Questions? 737-...", "cita previa en el ..."."""
    return ctx.has("org_contact", c.start - 40, c.start) and not ctx.has(
        "person_tie", c.start - 40, c.start
    )


def care_in_scope(c: Candidate, ctx: ScopeContext) -> bool:
    """The text also discloses care (a procedure, diagnosis, stay, birth...): stop the post."""
    return ctx.has("care")


def person_tie(c: Candidate, ctx: ScopeContext) -> bool:
    """Tied to a person right before it ("reach her at", "vecino de", "born in")."""
    return ctx.has("person_tie", c.start - 30, c.start)


def handle_not_about_health(c: Candidate, ctx: ScopeContext) -> bool:
    """A handle that is not addressed about their own health: it is tied to health information only
    when the text replies to it (leading handle) in the second person and names a health detail."""
    if not _HANDLE.match(ctx.value(c)):
        return False
    leading = _LEADING_HANDLES.match(ctx.text[: c.end]) is not None
    health = ctx.has("care") or ctx.has("health_detail")
    return not (leading and health and ctx.has("second_person", c.end))


def role_mailbox(c: Candidate, ctx: ScopeContext) -> bool:
    """A shared, role-based mailbox (info@, citas@): the organisation's, not a person's."""
    local = ctx.value(c).split("@", 1)[0]
    return ctx.lexicons.fullmatch("role_mailboxes", ctx.lang, local)


def public_url(c: Candidate, ctx: ScopeContext) -> bool:
    """A link shortener, a public institution (.gov, .gob, .edu, .int) or a public health site."""
    host = regex.sub(r"^(?:https?://)?(?:www\.)?", "", ctx.value(c).lower()).split("/", 1)[0]
    if regex.search(r"\.(?:gov|gob|edu|int|mil)(?:\.[a-z]{2})?$", host):
        return True
    sites = ctx.lexicons.lexicons["public_sites"].words(ctx.lang)
    return any(host == site or host.endswith("." + site) for site in sites)


def duration_or_age(c: Candidate, ctx: ScopeContext) -> bool:
    """A duration or an age ("two weeks", "6 years old", "40 días"), not a calendar date."""
    value = ctx.value(c)
    return bool(_DURATION.search(value)) and not ctx.lexicons.search("months", ctx.lang, value)


def not_name_like(c: Candidate, ctx: ScopeContext) -> bool:
    """NER noise: no capital letter, digits, a single letter, or a common word or greeting."""
    value = ctx.value(c).strip(" \t\n¡!¿?.,;:\"'()[]")
    if value.startswith("@"):
        return False
    if not any(ch.isupper() for ch in value) or any(ch.isdigit() for ch in value) or len(value) < 2:
        return True
    return ctx.lexicons.fullmatch("not_names", ctx.lang, value)


CHECKS: dict[str, Check] = {
    "allowlisted": allowlisted,
    "large_region": large_region,
    "year_only": year_only,
    "vague_time": vague_time,
    "no_calendar_date": no_calendar_date,
    "role_before": role_before,
    "citation": citation,
    "event_nearby": event_nearby,
    "org_contact": org_contact,
    "care_in_scope": care_in_scope,
    "person_tie": person_tie,
    "handle_not_about_health": handle_not_about_health,
    "role_mailbox": role_mailbox,
    "public_url": public_url,
    "duration_or_age": duration_or_age,
    "not_name_like": not_name_like,
}
