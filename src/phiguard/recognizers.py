"""Presidio recognizers built from rule files: pattern rules, spaCy NER labels and the Presidio
predefined recognizers a rule names. Every recognizer reports its rule's code as the entity type, so a
Presidio result maps straight back to the rule that owns it."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import regex
import tldextract
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    EsNieRecognizer,
    EsNifRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    UrlRecognizer,
    UsSsnRecognizer,
)

from phiguard.models import Lang
from phiguard.rulepack import Rule


@lru_cache(maxsize=1)
def _offline_tld() -> tldextract.TLDExtract:
    # No suffix-list URLs and no cache: tldextract uses the snapshot bundled in the package and never
    # touches the network (its default extractor downloads the public suffix list on first use).
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recognizer, validating the domain against tldextract's bundled snapshot."""

    def validate_result(self, pattern_text: str) -> bool:
        return _offline_tld()(pattern_text).fqdn != ""


# Below any pattern's score: where a pattern and the model find the same span, Presidio keeps the
# pattern's result, whose context is stronger evidence than the model's guess.
NER_SCORE = 0.5


class NerRecognizer(EntityRecognizer):
    """Turns the spaCy entities of the shared parse into candidates for one rule."""

    def __init__(self, labels: tuple[str, ...], supported_entity: str, supported_language: str):
        self.labels = frozenset(labels)
        super().__init__(
            supported_entities=[supported_entity],
            supported_language=supported_language,
            name=f"ner:{supported_entity}",
        )

    def load(self) -> None:  # nothing to load: the parse is shared
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        return [
            RecognizerResult(self.supported_entities[0], ent.start_char, ent.end_char, NER_SCORE)
            for ent in nlp_artifacts.tokens.ents
            if ent.label_ in self.labels
        ]


_Factory = Callable[[str, str], EntityRecognizer]
PRESIDIO_RECOGNIZERS: dict[str, _Factory] = {
    "EmailRecognizer": lambda lang, entity: OfflineEmailRecognizer(supported_language=lang, supported_entity=entity),
    "PhoneRecognizer": lambda lang, entity: PhoneRecognizer(
        supported_language=lang, supported_entity=entity, supported_regions=("US", "ES", "GB", "MX", "CA")
    ),
    "IpRecognizer": lambda lang, entity: IpRecognizer(supported_language=lang, supported_entity=entity),
    "UrlRecognizer": lambda lang, entity: UrlRecognizer(supported_language=lang, supported_entity=entity),
    "UsSsnRecognizer": lambda lang, entity: UsSsnRecognizer(supported_language=lang, supported_entity=entity),
    "EsNifRecognizer": lambda lang, entity: EsNifRecognizer(supported_language=lang, supported_entity=entity),
    "EsNieRecognizer": lambda lang, entity: EsNieRecognizer(supported_language=lang, supported_entity=entity),
    "CreditCardRecognizer": lambda lang, entity: CreditCardRecognizer(supported_language=lang, supported_entity=entity),
    "IbanRecognizer": lambda lang, entity: IbanRecognizer(supported_language=lang, supported_entity=entity),
}


def recognizers_for(rule: Rule, lang: Lang) -> list[EntityRecognizer]:
    """The recognizers that find candidates for ``rule`` in ``lang``."""
    out: list[EntityRecognizer] = []
    patterns = [Pattern(p.name, p.regex, p.score) for p in rule.detect.patterns if lang in p.languages]
    if patterns:
        out.append(
            PatternRecognizer(
                supported_entity=rule.code,
                name=f"pattern:{rule.code}",
                supported_language=lang,
                patterns=patterns,
                # Not IGNORECASE (Presidio's default): a rule says (?i:...) where case does not matter,
                # so "Mr. Haddad in bed 3" stops at the name.
                global_regex_flags=regex.MULTILINE | regex.DOTALL,
            )
        )
    labels = rule.detect.ner.get(lang, ())
    if labels:
        out.append(NerRecognizer(labels, rule.code, lang))
    for name in rule.detect.presidio:
        out.append(PRESIDIO_RECOGNIZERS[name](lang, rule.code))
    return out
