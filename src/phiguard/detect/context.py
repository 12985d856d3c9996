"""Context checks: small named predicates that rules cite in ``context.drop/demote/escalate``.

Each check looks at one candidate in the shared analysis of its scope (text, spaCy doc, lexicons) and
answers yes or no. Rules decide what a yes means: ``drop`` discards the candidate, ``demote`` makes it
``info`` (reported, never counted against the post), ``escalate`` makes it ``error``. A drop beats a
demote, which beats an escalate. Word lists live in ``rules/lexicon``; nothing here is tuned to a
particular post.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import regex

from phiguard.config import Allowlist
from phiguard.detect.geo import is_large_region, is_state_or_country
from phiguard.detect.names import is_given_name, is_known_name, looks_like_person
from phiguard.lang import profile
from phiguard.models import Lang, Source
from phiguard.rulepack.lexicon import Hits, LexiconIndex, WordPattern, builtin_words
from phiguard.rulepack.schema import Rule

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


@dataclass(frozen=True)
class Candidate:
    """A possible identifier before context is weighed: which rule, where, and what found it."""

    rule: Rule
    start: int
    end: int
    score: float
    source: Source


@dataclass(frozen=True)
class ScopeContext:
    """The shared analysis of one text: every check reads it, none recomputes it."""

    text: str
    lang: Lang
    doc: Doc
    lexicons: LexiconIndex
    allowlist: Allowlist
    common_words: frozenset[str] = frozenset()
    lemma: Callable[[Token], str] = lambda token: str(token.lemma_)
    post_care: bool = False  # another scope of the same post (body, caption, alt text) discloses care

    def value(self, c: Candidate) -> str:
        return self.text[c.start : c.end]

    @cached_property
    def _hits(self) -> dict[str, Hits]:
        return {}

    def has(self, lexicon: str, start: int = 0, end: int | None = None) -> bool:
        """A word or phrase of ``lexicon`` lies wholly inside ``[start, end)`` of the text."""
        hits = self._hits.get(lexicon)
        if hits is None:
            hits = self._hits[lexicon] = self.lexicons.hits(lexicon, self.lang, self.text)
        return hits.within(start, len(self.text) if end is None else end)

    @cached_property
    def ents(self) -> list[tuple[int, int, str]]:
        """The model's entities as (start, end, label) in text order, read from the Doc once (each
        ``doc.ents`` builds every span anew, so asking it per candidate is quadratic)."""
        return [(ent.start_char, ent.end_char, str(ent.label_)) for ent in self.doc.ents]

    @cached_property
    def _ent_starts(self) -> list[int]:
        return [start for start, _, _ in self.ents]

    def ents_starting(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The entities that start inside ``[start, end)``."""
        return self.ents[bisect_left(self._ent_starts, start) : bisect_left(self._ent_starts, end)]

    @cached_property
    def discloses_care(self) -> bool:
        """This text, or another scope of its post, discloses somebody's care."""
        return self.post_care or self.has("care")

    @cached_property
    def cased(self) -> bool:
        """The writer capitalises as usual: most sentences open with a capital and the text is not
        shouted. In such a text a lowercase word is no name; in an all-lowercase note it may be."""
        letters = [ch for ch in self.text if ch.isalpha()]
        if not letters or sum(ch.isupper() for ch in letters) > 0.6 * len(letters):
            return False
        openers = [s[0].text for s in self.doc.sents if s[0].is_alpha] if self.doc.has_annotation("SENT_START") else []
        return bool(openers) and sum(w[0].isupper() for w in openers) >= 0.6 * len(openers)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        """Character offsets where sentences start (the doc's sentences, read once)."""
        if not self.doc.has_annotation("SENT_START"):
            return [0]
        return [s.start_char for s in self.doc.sents] or [0]

    def sentence_bounds(self, c: Candidate) -> tuple[int, int]:
        starts = self._sentence_starts
        i = max(bisect_right(starts, c.start) - 1, 0)
        return starts[i], starts[i + 1] if i + 1 < len(starts) else len(self.text)


Check = Callable[[Candidate, ScopeContext], bool]

# Grammar here, words in rules/lexicon (phiguard.rulepack.lexicon.WordPattern): {lex:name} is a lexicon's words.
_YEAR_ONLY = WordPattern(r"^(?:(?:{lex:year_prefix})\s+)?(?:19|20)\d{2}s?$", regex.I)
_OWN_PAGE = WordPattern(
    r"\b(?:{lex:own_page_possessives})\s+(?:(?:{lex:own_page_modifiers})\s+)?(?:{lex:own_page_words})\b", regex.I
)
_YEARLESS = regex.compile(r"(\d{1,2})/(\d{1,3})")
_SCALE_WORD = WordPattern(r"\b(?:{lex:scale_words})\b", regex.I)
_CITATION_AFTER = regex.compile(r"^\W{0,3}(?:et\s+al\b|\(?(?:19|20)\d{2}[a-z]?\)|,\s*(?:19|20)\d{2}\b)", regex.I)
_CITATION_BEFORE = WordPattern(r"(?:\bet\s+al\.?|\b(?:{lex:citation_and}|&)|,)\s*$", regex.I)
_PERSON_LABELS = frozenset({"PERSON", "PER"})
_GROUP_LABELS = frozenset({"NORP"})  # nationalities, religious and political groups
# what a number must look like to be a calendar date: d/m, d/m/y, d.m.y, d-m-y, y-m-d
_DATE_SHAPE = regex.compile(
    r"\d{1,2}[/-]\d{1,2}(?:[/.-]\d{2,4})?|\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{4}"
)
_FRACTION_AFTER = regex.compile(r"\s*(?:%|(?i:of|de|del|cups?|tazas?|tsp|tbsp|inch|inches|mile|miles)\b)")
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PATIENT_JUST_BEFORE = WordPattern(r"\b(?:{lex:patient_words})s?\s*[,:]?\s*$", regex.I)
_DOSAGE_FORM_BEFORE = WordPattern(r"\b(?:{lex:dosage_forms})\s+(?:(?:{lex:of_words})\s+)?$", regex.I)
_LEADING_ARTICLE = WordPattern(r"^(?:{lex:articles})\s+", regex.I)
_WORD = regex.compile(r"\w+")
_LETTERS = regex.compile(r"\p{L}+")
_ROLE_LEAD = WordPattern(r"[\s,(]*(?:(?i:{lex:determiners})\s+)?")
_CITATION_YEAR = regex.compile(r"\((?:19|20)\d{2}\)|et\s+al", regex.I)
_SCHEME = regex.compile(r"^(?:https?://)?(?:www\.)?")
_EDGE = " \t\n¡!¿?.,;:\"'()[]*-–—…|/"
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
        label in _PERSON_LABELS
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
    tokens = _alpha_tokens(c, ctx)
    return bool(tokens) and all(
        t.is_stop
        or (t.pos_ in _NOT_NOUNS and _known_word(t, ctx))
        or ctx.lexicons.fullmatch("care_units", ctx.lang, t.text)
        for t in tokens
    )


_NOT_NAME_OPENERS = frozenset({"VERB", "AUX", "ADV", "INTJ", "ADJ", "DET", "PRON", "SCONJ", "CCONJ", "ADP"})
_NOT_NOUNS = frozenset({"VERB", "AUX", "ADV", "ADP", "PRON", "DET", "CCONJ", "SCONJ", "PART", "NUM", "INTJ"})


def _known_word(token: Token, ctx: ScopeContext) -> bool:
    """In the model's word list, as written or as its lemma ("got" -> "get")."""
    return (
        token.is_stop or _in_dictionary(token.lower_, ctx.common_words) or ctx.lemma(token).lower() in ctx.common_words
    )


def _alpha_tokens(c: Candidate, ctx: ScopeContext) -> list[Token]:
    span = ctx.doc.char_span(c.start, c.end, alignment_mode="expand")
    return [] if span is None else [t for t in span if t.is_alpha]


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


def not_name_like(c: Candidate, ctx: ScopeContext) -> bool:
    """Not a name: a common word or greeting, or a phrase with an organisation word; and, for NER
    entities, no capital letter, digits, a hashtag or handle, no proper noun at all, or one capitalised
    word opening a sentence that is not a known name ("Respondemos a...", "Abro hilo")."""
    value = ctx.value(c).strip(_EDGE)
    if ctx.lexicons.fullmatch("not_names", ctx.lang, value) or ctx.has("org_words", c.start, c.end):
        return True
    tokens = _alpha_tokens(c, ctx)
    lone_stop = len(tokens) == 1 and tokens[0].is_stop and not _name(tokens[0].text, ctx)
    if lone_stop and profile(ctx.lang).lone_stop_word_is_no_name:
        return True  # "¡Gracias por tu mensaje! Te escribimos...": a pronoun after an exclamation
    if c.source.kind != "ner":  # a pattern matched: its context is the evidence
        return False
    if not value or not any(ch.isupper() for ch in value) or any(ch.isdigit() for ch in value):
        return True
    if "#" in ctx.text[max(0, c.start - 1) : c.end] or "@" in ctx.value(c) or len(value) < 2:
        return True
    span = ctx.doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None:
        return False
    words = [t for t in span if t.is_alpha]
    particles = builtin_words("name_particles")
    if any(t.text.islower() and t.lower_ not in particles for t in words):
        return True  # "Plan de acción", "Ave de corral": a title-cased phrase, not a name
    content = [t for t in words if t.lower_ not in particles]
    if content and _opens_clause(ctx.doc, content[0].i) and content[0].pos_ in _NOT_NAME_OPENERS:
        return True  # "Lee más", "Haciendo Pilates", "Bueno hoy": a verb or adverb opening a clause
    if any(_name(t.text, ctx) for t in content):
        return False
    if not any(t.pos_ == "PROPN" for t in words):
        return True
    one_word_or_person = len(content) == 1 or _ner_label(c, ctx) in _PERSON_LABELS
    if content and one_word_or_person and all(_known_word(t, ctx) for t in content):
        return True  # "Intervención", "Objetivos Generales": dictionary words (places like "Round Rock" kept)
    if len(words) != 1 or not _opens_clause(ctx.doc, words[0].i):
        return False
    # One capitalised word opening a clause says nothing by its capital, unless the model calls it a
    # person, tags it a proper noun and the post tells somebody's care ("💪 Aubrey went home today...")
    return not (ctx.discloses_care and words[0].pos_ == "PROPN" and _ner_label(c, ctx) in _PERSON_LABELS)


def _name(word: str, ctx: ScopeContext) -> bool:
    """A known given name or surname for a text in this language (see phiguard.detect.names)."""
    return is_known_name(word, ctx.lang, ctx.common_words)


def _in_dictionary(word: str, words: frozenset[str]) -> bool:
    """The word, or its singular (-s, -es), is in the model's word list."""
    return word in words or (word.endswith("s") and (word[:-1] in words or word[:-2] in words))


def _opens_clause(doc: Doc, i: int) -> bool:
    """The token starts the text, a sentence or a clause (after . ! ? : ... or an emoji), where a
    capital letter says nothing."""
    if i == 0 or doc[i].is_sent_start:
        return True
    prev = doc[i - 1]
    return not any(ch.isalnum() for ch in prev.text) and prev.text not in {",", "(", '"', "'", "-", "&"}


def _ner_label(c: Candidate, ctx: ScopeContext) -> str | None:
    """The model's label for the candidate: the entity it came from (perhaps cut at a separator)."""
    for _, end, label in ctx.ents_starting(c.start, c.start + 1):
        if end >= c.end:
            return label
    return None


def _words(c: Candidate, ctx: ScopeContext) -> list[str]:
    return _LETTERS.findall(ctx.value(c))


def health_term(c: Candidate, ctx: ScopeContext) -> bool:
    """A medicine or a health term the model took for a name or place ("Nolotil", "Apiretal", "INR"):
    the curated lists first, then a pharmaceutical form right before it ("unas gotas de Otix"), then the
    drug dictionary (loaded on first use)."""
    value = ctx.value(c).strip(_EDGE)
    if _name(value, ctx):
        return False  # "Allegra" is a medicine and a given name: a name wins
    if _DOSAGE_FORM_BEFORE.search(ctx.text, max(0, c.start - 25), c.start):
        return True
    if ctx.lexicons.fullmatch("drugs", ctx.lang, value) or ctx.lexicons.fullmatch("health_detail", ctx.lang, value):
        return True
    from phiguard.detect.drugs import dictionary

    folded = value.casefold()
    return folded in dictionary() and folded not in ctx.common_words


def unknown_single_word(c: Candidate, ctx: ScopeContext) -> bool:
    """A model's one-word guess that is no known given name or surname ("Farmaficha", "Bocavirus"):
    worth a note, not a stop."""
    words = _words(c, ctx)
    return c.source.kind == "ner" and len(words) == 1 and not _name(words[0], ctx)


def not_person_like(c: Candidate, ctx: ScopeContext) -> bool:
    """The model did not call it a person, and it reads neither as a person's full name nor, in a
    text that discloses care, as a known given name ("Rosa salió ayer del hospital"). A match of the
    rule's own pattern (a capitalised name after a bed number) is a person by where it stands, unless
    none of its words reads as a name ("Bed 12 - Available", "Box 3: Triaje")."""
    if c.source.kind == "pattern":
        tokens = [t for t in _alpha_tokens(c, ctx) if len(t.text) > 1]
        return not any(_name(t.text, ctx) or (t.pos_ == "PROPN" and not _known_word(t, ctx)) for t in tokens)
    if _ner_label(c, ctx) in _PERSON_LABELS:
        return False
    words = _words(c, ctx)
    if looks_like_person(words, ctx.lang, ctx.common_words):
        return False
    return not (len(words) == 1 and is_given_name(words[0], ctx.lang, ctx.common_words) and ctx.discloses_care)


def reads_as_name(c: Candidate, ctx: ScopeContext) -> bool:
    """A person's name by every sign the text gives: not ruled out as a name (``not_name_like``), and
    the model calls it a person, a rule pattern placed it (after "our patient", a courtesy title...),
    or it reads as a full name or a known given name."""
    if not_name_like(c, ctx):
        return False
    if c.source.kind == "pattern" or _ner_label(c, ctx) in _PERSON_LABELS:
        return True
    words = _words(c, ctx)
    if looks_like_person(words, ctx.lang, ctx.common_words):
        return True
    return len(words) == 1 and words[0][:1].isupper() and is_given_name(words[0], ctx.lang, ctx.common_words)


def not_a_person_name(c: Candidate, ctx: ScopeContext) -> bool:
    """A group or a territory, never one person: a nationality or other group the model labels as such
    ("Nigerians", "Tamilians") unless it is a known name, or a country or state of any country ("Tamil
    Nadu", "Ontario") that is not also a given name ("Victoria", "Georgia")."""
    words = _words(c, ctx)
    if not words:
        return False
    if _ner_label(c, ctx) in _GROUP_LABELS and not all(_name(w, ctx) for w in words):
        return True
    value = ctx.value(c).strip(_EDGE)
    return is_state_or_country(value) and not (len(words) == 1 and _name(words[0], ctx))


def calendar_word(c: Candidate, ctx: ScopeContext) -> bool:
    """A month or a weekday alone ("June", "el jueves"): a time, never a place."""
    value = ctx.value(c).strip(_EDGE)
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
