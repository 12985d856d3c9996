"""What phiguard needs to know about a language, in one frozen record (one per module of this package)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from spacy.tokens import Token


# The fields of a draft (front matter, exports, sheets) a language's users name, by what they hold: the
# post's text, its captions and alt texts, its language, its images and their files, more text it carries
# (titles, first comments, replies), who wrote a reply, and fields about the post that are not its text.
FieldRole = Literal["text", "caption", "alt", "lang", "image", "image_file", "image_path", "extra", "who", "meta"]


@dataclass(frozen=True)
class LanguageProfile:
    code: str  # ISO 639-1: the key of rule examples, lexicon lists, config `models` and `--lang`
    name: str  # in English, for messages and docs
    model: str  # the default spaCy package (config `models.<code>` overrides it)
    install: str  # the command that installs the default model (shown when it is missing)
    stop_words: str  # the module with spaCy's STOP_WORDS for the language (tells it from the others)
    tesseract: str  # Tesseract's name for the language's OCR data ("eng")
    name_locales: tuple[str, ...]  # Faker person providers with its common given names and surnames
    imperative: Callable[[Token], bool]  # an instruction, from tags, morphology and word order ("take", "tómate")
    person_labels: frozenset[str]  # the entity labels its spaCy model gives people ("PERSON", "PER")
    # a base-form verb with nothing in its clause that makes it no instruction, unless one of the given
    # words is right before it
    bare_verb: Callable[[Token, frozenset[str]], bool] = lambda token, not_before: False
    marks: str = ""  # letters and punctuation only this language writes (tell it from the others)
    extra_name_locales: tuple[str, ...] = ()  # broader lists, counted only in the language's own text
    phone_regions: tuple[str, ...] = ()  # regions of the phone numbers its posts write
    aliases: tuple[str, ...] = ()  # other ways a draft names it ("english", "español")
    # the model takes a capitalised function word for a name ("¡Gracias por tu mensaje! Te
    # escribimos...": a pronoun after an exclamation): a lone stop word is no name
    lone_stop_word_is_no_name: bool = False
    group_labels: frozenset[str] = frozenset()  # labels of nationalities and groups ("NORP"): never a person
    draft_fields: Mapping[FieldRole, tuple[str, ...]] = field(default_factory=dict)  # lower case
    # the number a safe reply tells a reader to call in an emergency (config `emergency-number` overrides);
    # 112, the mobile networks' emergency number in most countries, unless the language's profile knows better
    emergency_number: str = "112"
