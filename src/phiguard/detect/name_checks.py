"""The context checks that read whether a candidate is a person's name: how the words look and are
parsed (a clause opener, a dictionary word, a health term, an entity label of the model), the name
lists, and the rule's own source. Listed in :data:`phiguard.detect.context.CHECKS` with the others."""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from phiguard.detect.geo import is_state_or_country
from phiguard.detect.names import is_given_name, is_known_name, looks_like_person
from phiguard.detect.scope import EDGE, Candidate, ScopeContext
from phiguard.lang import profile
from phiguard.rulepack.lexicon import WordPattern, lexicon_words

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_LETTERS = regex.compile(r"\p{L}+")
_DOSAGE_FORM_BEFORE = WordPattern(r"\b(?:{lex:dosage_forms})\s+(?:(?:{lex:of_words})\s+)?$", regex.I)


_NOT_NAME_OPENERS = frozenset({"VERB", "AUX", "ADV", "INTJ", "ADJ", "DET", "PRON", "SCONJ", "CCONJ", "ADP"})
NOT_NOUNS = frozenset({"VERB", "AUX", "ADV", "ADP", "PRON", "DET", "CCONJ", "SCONJ", "PART", "NUM", "INTJ"})


def known_word(token: Token, ctx: ScopeContext) -> bool:
    """In the model's word list, as written or as its lemma ("got" -> "get")."""
    return (
        token.is_stop or _in_dictionary(token.lower_, ctx.common_words) or ctx.lemma(token).lower() in ctx.common_words
    )


def alpha_tokens(c: Candidate, ctx: ScopeContext) -> list[Token]:
    span = ctx.doc.char_span(c.start, c.end, alignment_mode="expand")
    return [] if span is None else [t for t in span if t.is_alpha]


def not_name_like(c: Candidate, ctx: ScopeContext) -> bool:
    """Not a name: a common word or greeting, or a phrase with an organisation word; and, for NER
    entities, no capital letter, digits, a hashtag or handle, no proper noun at all, or one capitalised
    word opening a sentence that is not a known name ("Respondemos a...", "Abro hilo")."""
    value = ctx.value(c).strip(EDGE)
    if ctx.lexicons.fullmatch("not_names", ctx.lang, value) or ctx.has("org_words", c.start, c.end):
        return True
    tokens = alpha_tokens(c, ctx)
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
    particles = lexicon_words("name_particles")
    if any(t.text.islower() and t.lower_ not in particles for t in words):
        return True  # "Plan de acción", "Ave de corral": a title-cased phrase, not a name
    content = [t for t in words if t.lower_ not in particles]
    if content and opens_clause(ctx.doc, content[0].i) and content[0].pos_ in _NOT_NAME_OPENERS:
        return True  # "Lee más", "Haciendo Pilates", "Bueno hoy": a verb or adverb opening a clause
    if any(_name(t.text, ctx) for t in content):
        return False
    if not any(t.pos_ == "PROPN" for t in words):
        return True
    one_word_or_person = len(content) == 1 or ner_label(c, ctx) in ctx.person_labels
    if content and one_word_or_person and all(known_word(t, ctx) for t in content):
        return True  # "Intervención", "Objetivos Generales": dictionary words (places like "Round Rock" kept)
    if len(words) != 1 or not opens_clause(ctx.doc, words[0].i):
        return False
    # One capitalised word opening a clause says nothing by its capital, unless the model calls it a
    # person, tags it a proper noun and the post tells somebody's care ("💪 Aubrey went home today...")
    return not (ctx.discloses_care and words[0].pos_ == "PROPN" and ner_label(c, ctx) in ctx.person_labels)


def _name(word: str, ctx: ScopeContext) -> bool:
    """A known given name or surname for a text in this language (see phiguard.detect.names)."""
    return is_known_name(word, ctx.lang, ctx.common_words)


def _in_dictionary(word: str, words: frozenset[str]) -> bool:
    """The word, or its singular (-s, -es), is in the model's word list."""
    return word in words or (word.endswith("s") and (word[:-1] in words or word[:-2] in words))


def opens_clause(doc: Doc, i: int) -> bool:
    """The token starts the text, a sentence or a clause (after . ! ? : ... or an emoji), where a
    capital letter says nothing."""
    if i == 0 or doc[i].is_sent_start:
        return True
    prev = doc[i - 1]
    return not any(ch.isalnum() for ch in prev.text) and prev.text not in {",", "(", '"', "'", "-", "&"}


def ner_label(c: Candidate, ctx: ScopeContext) -> str | None:
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
    value = ctx.value(c).strip(EDGE)
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
        tokens = [t for t in alpha_tokens(c, ctx) if len(t.text) > 1]
        return not any(_name(t.text, ctx) or (t.pos_ == "PROPN" and not known_word(t, ctx)) for t in tokens)
    if ner_label(c, ctx) in ctx.person_labels:
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
    if c.source.kind == "pattern" or ner_label(c, ctx) in ctx.person_labels:
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
    if ner_label(c, ctx) in ctx.group_labels and not all(_name(w, ctx) for w in words):
        return True
    value = ctx.value(c).strip(EDGE)
    return is_state_or_country(value) and not (len(words) == 1 and _name(words[0], ctx))
