"""Context checks: small named predicates that rules cite in ``context.drop``, ``context.checks`` and
``context.floor`` (:data:`CHECKS`).

Each check looks at one candidate in the shared analysis of its text (:mod:`phiguard.detect.scope`)
and answers yes or no. A rule decides what a yes means: ``drop`` discards the candidate before any model
is asked; ``checks`` are features the learned identifier model weighs; ``floor.when`` / ``floor.unless``
decide when a candidate is reported at least at the floor's severity. Word lists live in
``rules/lexicon``; nothing here is tuned to a particular post.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from phiguard.detect.geo import is_large_region
from phiguard.detect.name_checks import (
    NOT_NOUNS,
    alpha_tokens,
    health_term,
    known_word,
    not_a_person_name,
    not_name_like,
    not_person_like,
    reads_as_name,
    unknown_single_word,
)
from phiguard.detect.scope import EDGE, Candidate, Check, ScopeContext
from phiguard.models import Source
from phiguard.rulepack.lexicon import WordPattern

if TYPE_CHECKING:
    pass


# Grammar here, words in rules/lexicon (phiguard.rulepack.lexicon.WordPattern): {lex:name} is a lexicon's words.
_YEAR_ONLY = WordPattern(r"^(?:(?:{lex:year_prefix})\s+)?(?:19|20)\d{2}s?$", regex.I)
_OWN_PAGE = WordPattern(
    r"\b(?:{lex:own_page_possessives})\s+(?:(?:{lex:own_page_modifiers})\s+)?(?:{lex:own_page_words})\b", regex.I
)
_YEARLESS = regex.compile(r"(\d{1,2})/(\d{1,3})")
_SCALE_WORD = WordPattern(r"\b(?:{lex:scale_words})\b", regex.I)
_CITATION_AFTER = regex.compile(r"^\W{0,3}(?:et\s+al\b|\(?(?:19|20)\d{2}[a-z]?\)|,\s*(?:19|20)\d{2}\b)", regex.I)
_CITATION_BEFORE = WordPattern(r"(?:\bet\s+al\.?|\b(?:{lex:citation_and}|&)|,)\s*$", regex.I)
# what a number must look like to be a calendar date: d/m, d/m/y, d.m.y, d-m-y, y-m-d
_DATE_SHAPE = regex.compile(
    r"\d{1,2}[/-]\d{1,2}(?:[/.-]\d{2,4})?|\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{4}"
)
_FRACTION_AFTER = regex.compile(r"\s*(?:%|(?i:of|de|del|cups?|tazas?|tsp|tbsp|inch|inches|mile|miles)\b)")
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PATIENT_JUST_BEFORE = WordPattern(r"\b(?:{lex:patient_words})s?\s*[,:]?\s*$", regex.I)
_LEADING_ARTICLE = WordPattern(r"^(?:{lex:articles})\s+", regex.I)
_WORD = regex.compile(r"\w+")
_ROLE_LEAD = WordPattern(r"[\s,(]*(?:(?i:{lex:determiners})\s+)?")
_CITATION_YEAR = regex.compile(r"\((?:19|20)\d{2}\)|et\s+al", regex.I)
_SCHEME = regex.compile(r"^(?:https?://)?(?:www\.)?")
_HANDLE = regex.compile(r"^@\w+$")
_LEADING_HANDLES = regex.compile(r"^\W*(?:@\w+[\s,:]*)+$")
_DURATION = WordPattern(r"\b(?:{lex:duration_words})\b", regex.I)


def allowlisted(c: Candidate, ctx: ScopeContext) -> bool:
    """The organisation's own phone, address, domain, mailbox or staff name (from the config)."""
    return ctx.allowlist.allows(c.rule.entity, ctx.value(c))


def large_region(c: Candidate, ctx: ScopeContext) -> bool:
    """A country, US state or Spanish autonomous community: larger than Safe Harbor covers."""
    value = _LEADING_ARTICLE.sub("", ctx.value(c).strip())
    return is_large_region(value) or ctx.lexicons.fullmatch("large_regions", ctx.lang, value)


def year_only(c: Candidate, ctx: ScopeContext) -> bool:
    """A year on its own ("in 2019") is not a Safe Harbor date element."""
    return _YEAR_ONLY.match(ctx.value(c).strip()) is not None


_AGGREGATE_AGE = WordPattern(
    r"\b(?:{lex:aggregate_age_before})\s+90\b|\b90\s*(?:\+|(?:{lex:aggregate_age_after})\b)", regex.I
)


def aggregated_age(c: Candidate, ctx: ScopeContext) -> bool:
    """Safe Harbor's own category for the oldest patients, "90 or older" ("over 90", "más de 90",
    "90+"): what `phiguard fix` writes for an age over 89, not an age."""
    window_start = max(0, c.start - 25)
    return any(
        m.start() < c.end and c.start < m.end()
        for m in _AGGREGATE_AGE.finditer(ctx.text, window_start, min(len(ctx.text), c.end + 20))
    )


def vague_time(c: Candidate, ctx: ScopeContext) -> bool:
    """Relative or weekday-only time ("today", "this week", "el jueves") with no month or number."""
    value = ctx.value(c)
    return not any(ch.isdigit() for ch in value) and not ctx.lexicons.search("months", ctx.lang, value)


def fraction_like(c: Candidate, ctx: ScopeContext) -> bool:
    """A yearless a/b that reads as a score, fraction or thread marker ("4/5", "1/2", "8/10")."""
    m = _YEARLESS.fullmatch(ctx.value(c).strip())
    if not m:
        return False
    a, b = int(m.group(1)), int(m.group(2))
    # Scales ("20/40", "95/100") always. Small fractions, thread markers ("1/2", "3/5") and "x/10"
    # unless the text is about somebody's care, where "4/5" is far more likely April 5th; there an
    # "x/10" is a score only next to a scale word ("pain 8/10").
    care = ctx.discloses_care
    if b in (20, 100) or (a <= b <= 10 and not care):
        return True
    return b == 10 and _SCALE_WORD.search(ctx.text, max(0, c.start - 25), c.start) is not None


def role_before(c: Candidate, ctx: ScopeContext) -> bool:
    """A clinician, staff or public role next to the name: "Dr. Ortiz", "nurse Dana", "Cristina
    Sierra, nuestra médico", "David Rakel MD". Not when a patient word stands between them: "Dr. Amir's
    patient Leo" names a patient."""
    if called_patient(ctx.text, c.start):
        return False
    return _next_to(c, ctx, "non_patient_roles")


def called_patient(text: str, start: int) -> bool:
    """The word "patient" just before what starts at ``start``: "our patient Rosa", "nuestra paciente
    Marta García", "patient: Leo"."""
    return _PATIENT_JUST_BEFORE.search(text, max(0, start - 14), start) is not None


def attributed_without_care(c: Candidate, ctx: ScopeContext) -> bool:
    """A quote or fame attributed to the name ("says Jane Roe", "según Ana Gil") in a post that
    discloses nobody's care: an expert or public figure. In a post about care it is the patient's story."""
    return not ctx.discloses_care and _next_to(c, ctx, "attribution")


def _next_to(c: Candidate, ctx: ScopeContext, lexicon: str) -> bool:
    pat = ctx.lexicons.pattern(lexicon, ctx.lang)
    if pat is None:
        return False
    before = ctx.text[max(0, c.start - 30) : c.start]
    # the role ends right before the name, allowing two words of title ("charge nurse Dana")
    for m in pat.finditer(before):
        if len(_WORD.findall(before[m.end() :])) <= 2 and m.end() >= len(before) - 25:
            return True
    if pat.match(ctx.text, c.start, c.end):  # the entity itself starts with a title
        return True
    after = ctx.text[c.end : c.end + 30]
    lead = _ROLE_LEAD.match(after)
    return pat.match(after, lead.end() if lead else 0) is not None


def citation(c: Candidate, ctx: ScopeContext) -> bool:
    """An author in a citation: "Lee K, et al.", "Smith and Jones (2022)"."""
    after = ctx.text[c.end : c.end + 25]
    if _CITATION_AFTER.search(after):
        return True
    before = ctx.text[max(0, c.start - 12) : c.start]
    return bool(_CITATION_BEFORE.search(before)) and bool(_CITATION_YEAR.search(ctx.text[c.end : c.end + 40]))


def _sentence_has_without_care(c: Candidate, ctx: ScopeContext, lexicon: str) -> bool:
    start, end = ctx.sentence_bounds(c)
    return ctx.has(lexicon, start, end) and not ctx.has("care", start, end) and not person_tie(c, ctx)


def event_nearby(c: Candidate, ctx: ScopeContext) -> bool:
    """The sentence announces an event, opening hours or a service, not somebody's care, and nothing
    right before the candidate ties it to a person ("update my address", "vive en")."""
    return _sentence_has_without_care(c, ctx, "event")


def announcement_nearby(c: Candidate, ctx: ScopeContext) -> bool:
    """The sentence announces a talk, a broadcast or a publication (a speaker, guest or author),
    discloses no care, and nothing right before the candidate ties it to a person."""
    return _sentence_has_without_care(c, ctx, "announcement")


def donation_nearby(c: Candidate, ctx: ScopeContext) -> bool:
    """The sentence thanks a donor or sponsor for a gift and discloses no care: donors are not patients."""
    start, end = ctx.sentence_bounds(c)
    return ctx.has("donation", start, end) and not ctx.has("care", start, end)


def org_contact(c: Candidate, ctx: ScopeContext) -> bool:
    """Contact details introduced as the organisation's: "Questions? 737-...", "cita previa en el ..."."""
    return ctx.has("org_contact", c.start - 40, c.start) and not ctx.has("person_ref", c.start - 40, c.start)


def not_tied_to_person(c: Candidate, ctx: ScopeContext) -> bool:
    """Nothing ties it to a person: the text discloses no care, and its sentence names nobody and
    refers to no one ("she", "his", "vecino de", "patient")."""
    if ctx.discloses_care:
        return False
    start, end = ctx.sentence_bounds(c)
    if ctx.has("person_ref", start, end):
        return False
    return not any(
        label in ctx.person_labels
        and not (c.start <= ent_start < c.end)
        and not role_before(Candidate(c.rule, ent_start, ent_end, 0.0, Source("ner")), ctx)
        for ent_start, ent_end, label in ctx.ents_starting(start, end)
    )


def care_in_scope(c: Candidate, ctx: ScopeContext) -> bool:
    """The post also discloses care (a procedure, diagnosis, stay, birth...), in this text or another
    scope of the same post (a caption naming the patient of the body's story): stop the post."""
    return ctx.discloses_care


def person_tie(c: Candidate, ctx: ScopeContext) -> bool:
    """Tied to a person right before it ("reach her at", "vecino de", "born in")."""
    return ctx.has("person_ref", max(0, c.start - 30), c.start)


def care_unit(c: Candidate, ctx: ScopeContext) -> bool:
    """Only stop words, dictionary words the tagger reads as no noun, and words for a unit or a generic
    place ("ICU", "the floor", "planta", "town", "going to need"): no named place."""
    tokens = alpha_tokens(c, ctx)
    return bool(tokens) and all(
        t.is_stop
        or (t.pos_ in NOT_NOUNS and known_word(t, ctx))
        or ctx.lexicons.fullmatch("care_units", ctx.lang, t.text)
        for t in tokens
    )


def handle_not_about_health(c: Candidate, ctx: ScopeContext) -> bool:
    """A handle that is not addressed about their own health: it is tied to health information only
    when the text replies to it (leading handle) in the second person and names a health detail."""
    if not _HANDLE.match(ctx.value(c)):
        return False
    leading = _LEADING_HANDLES.match(ctx.text[: c.end]) is not None
    health = ctx.has("care") or ctx.has("care_second_person") or ctx.has("health_detail")
    return not (leading and health and ctx.has("second_person", c.end))


def _host(url: str) -> str:
    return _SCHEME.sub("", url.lower()).split("/", 1)[0]


def not_personal_site(c: Candidate, ctx: ScopeContext) -> bool:
    """A link to a site that does not usually point at one person (news, agencies, shorteners)."""
    if _OWN_PAGE.search(ctx.text, max(0, c.start - 30), c.start):
        return False  # "my website is ...", "mi blog: ..."
    host = _host(ctx.value(c))
    sites = ctx.lexicons.lexicons["personal_sites"].words(ctx.lang)
    return not any(host == site or host.endswith("." + site) for site in sites)


def duration_or_age(c: Candidate, ctx: ScopeContext) -> bool:
    """A duration or an age ("two weeks", "6 years old", "40 días"), not a calendar date."""
    value = ctx.value(c)
    return bool(_DURATION.search(value)) and not ctx.lexicons.search("months", ctx.lang, value)


def calendar_word(c: Candidate, ctx: ScopeContext) -> bool:
    """A month or a weekday alone ("June", "el jueves"): a time, never a place."""
    value = ctx.value(c).strip(EDGE)
    return ctx.lexicons.fullmatch("months", ctx.lang, value) or ctx.lexicons.fullmatch("weekdays", ctx.lang, value)


def not_a_date_shape(c: Candidate, ctx: ScopeContext) -> bool:
    """A number that cannot be a calendar date: a bare count or code ("54588", "300"), a decimal
    ("3.5"), a fraction or share ("3/4 of", "1/2 taza", "12%"), none of which names a day or month."""
    value = ctx.value(c).strip()
    if any(ch.isalpha() for ch in value):
        return False  # "March 2023", "el martes 9", "Christmas": words make it a date
    if _FRACTION_AFTER.match(ctx.text, c.end):
        return True  # "3/4 of the ward", "1/2 taza": a fraction or a share
    return _DATE_SHAPE.fullmatch(value) is None


def part_of_email(c: Candidate, ctx: ScopeContext) -> bool:
    """The domain of an e-mail address ("gmail.com" in "rosa.g@gmail.com"): the address is the
    identifier, found whole by the e-mail rule, never a link."""
    near = _EMAIL.finditer(ctx.text, max(0, c.start - 80), c.end + 1)
    return any(m.start() <= c.start and c.end <= m.end() for m in near)


CHECKS: dict[str, Check] = {
    "not_a_person_name": not_a_person_name,
    "calendar_word": calendar_word,
    "not_a_date_shape": not_a_date_shape,
    "part_of_email": part_of_email,
    "reads_as_name": reads_as_name,
    "allowlisted": allowlisted,
    "large_region": large_region,
    "year_only": year_only,
    "aggregated_age": aggregated_age,
    "vague_time": vague_time,
    "fraction_like": fraction_like,
    "role_before": role_before,
    "attributed_without_care": attributed_without_care,
    "citation": citation,
    "event_nearby": event_nearby,
    "announcement_nearby": announcement_nearby,
    "donation_nearby": donation_nearby,
    "org_contact": org_contact,
    "care_in_scope": care_in_scope,
    "not_tied_to_person": not_tied_to_person,
    "person_tie": person_tie,
    "care_unit": care_unit,
    "handle_not_about_health": handle_not_about_health,
    "not_personal_site": not_personal_site,
    "duration_or_age": duration_or_age,
    "not_name_like": not_name_like,
    "unknown_single_word": unknown_single_word,
    "health_term": health_term,
    "not_person_like": not_person_like,
}
