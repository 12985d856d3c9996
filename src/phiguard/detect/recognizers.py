"""Presidio recognizers built from rule files: pattern rules, spaCy NER labels and the Presidio
predefined recognizers a rule names. Every recognizer reports its rule's code as the entity type, so a
Presidio result maps straight back to the rule that owns it."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import regex
import tldextract
from presidio_analyzer import EntityRecognizer, RecognizerResult
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

from phiguard.lang import PROFILES
from phiguard.models import Lang
from phiguard.rulepack.prefilter import prefilter
from phiguard.rulepack.schema import PATTERN_FLAGS, PatternSpec, PresidioRecognizer, Rule


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
# Below the model's: where both find the same span, Presidio keeps one of two equal results at random
# (it dedupes through a set); a lower score makes it keep the model's, the same way on every run.
NAMES_SCORE = 0.45


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


class NameListRecognizer(EntityRecognizer):
    """Known given names (Faker's lists, ``phiguard.detect.names``) in any case, with a known surname after
    them: the names a small NER model misses in lowercase replies ("so glad you're home jenna!!"),
    all-capitals labels ("CONGRATS AGNIESZKA") and one-word greetings ("Gene, you're an inspiration").
    A lowercase or all-capitals word that is also a dictionary word of the model is no candidate; the
    learned context model weighs the rest."""

    def __init__(self, supported_entity: str, supported_language: str, common: frozenset[str] = frozenset()):
        self.common = common
        self.label = f"names:{supported_entity}"
        super().__init__(supported_entities=[supported_entity], supported_language=supported_language, name=self.label)

    def load(self) -> None:  # the name lists load on first use (phiguard.detect.names)
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        from phiguard.detect.names import is_given_name, is_known_name

        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        doc, lang, out = nlp_artifacts.tokens, self.supported_language, []
        meta = {RecognizerResult.RECOGNIZER_NAME_KEY: self.label, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}
        for t in doc:
            if not t.is_alpha or len(t.text) < 3 or t.is_stop:
                continue
            if not t.text.istitle() and t.lower_ in self.common:
                continue
            if not is_given_name(t.text, lang, self.common):
                continue
            end = t.idx + len(t.text)
            nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
            if nxt is not None and nxt.is_alpha and not nxt.is_stop and is_known_name(nxt.text, lang, self.common):
                end = nxt.idx + len(nxt.text)
            out.append(
                RecognizerResult(self.supported_entities[0], t.idx, end, NAMES_SCORE, recognition_metadata=dict(meta))
            )
        return out


class Hinted(EntityRecognizer):
    """A Presidio recognizer run only on texts where it can match at all (``hint``: a cheap regex that
    every match contains). Skipping the others gives the same results and spares the costly part: the
    URL recognizer's first use compiles a TLD list (~150 ms), the phone recognizer runs libphonenumber
    for five regions (~1 ms a text)."""

    def __init__(self, inner: EntityRecognizer, hint: str):
        self.inner = inner
        self.hint = regex.compile(hint)
        super().__init__(
            supported_entities=inner.supported_entities,
            supported_language=inner.supported_language,
            name=str(getattr(inner, "name", type(inner).__name__)),
        )

    def load(self) -> None:  # the inner recognizer loaded itself
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if self.hint.search(text) is None:
            return []
        results: list[RecognizerResult] = self.inner.analyze(text, entities, nlp_artifacts)  # type: ignore[arg-type]
        for r in results:  # the analyzer groups results by the id of the recognizer it called
            r.recognition_metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] = self.id
        return results


# SSNs (9 digits), DNI/NIF (8), NIE (7 and a letter), cards (12+) and IBANs (12+): seven digits at least
_SEVEN_DIGITS = r"(?:\d\D{0,3}){7}"
HINTS = {
    "EmailRecognizer": r"@",
    "PhoneRecognizer": r"(?:\d\D{0,3}){5}",  # no phone number has fewer than five digits
    "IpRecognizer": r"\d\.\d|[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:",
    "UrlRecognizer": r"[.]\p{L}",  # every URL has a dot before a letter (its top-level domain)
    **dict.fromkeys(
        ("UsSsnRecognizer", "EsNifRecognizer", "EsNieRecognizer", "CreditCardRecognizer", "IbanRecognizer"),
        _SEVEN_DIGITS,
    ),
}


_Factory = Callable[[str, str], EntityRecognizer]
# the regions of every language's phone numbers: a Spanish post may give a US number
PHONE_REGIONS = tuple(dict.fromkeys(r for p in PROFILES.values() for r in p.phone_regions))
PRESIDIO_RECOGNIZERS: dict[PresidioRecognizer, _Factory] = {
    "EmailRecognizer": lambda lang, entity: OfflineEmailRecognizer(supported_language=lang, supported_entity=entity),
    "PhoneRecognizer": lambda lang, entity: PhoneRecognizer(
        supported_language=lang, supported_entity=entity, supported_regions=PHONE_REGIONS
    ),
    "IpRecognizer": lambda lang, entity: IpRecognizer(supported_language=lang, supported_entity=entity),
    "UrlRecognizer": lambda lang, entity: UrlRecognizer(supported_language=lang, supported_entity=entity),
    "UsSsnRecognizer": lambda lang, entity: UsSsnRecognizer(supported_language=lang, supported_entity=entity),
    "EsNifRecognizer": lambda lang, entity: EsNifRecognizer(supported_language=lang, supported_entity=entity),
    "EsNieRecognizer": lambda lang, entity: EsNieRecognizer(supported_language=lang, supported_entity=entity),
    "CreditCardRecognizer": lambda lang, entity: CreditCardRecognizer(supported_language=lang, supported_entity=entity),
    "IbanRecognizer": lambda lang, entity: IbanRecognizer(supported_language=lang, supported_entity=entity),
}


PATTERN_TIMEOUT = 2.0  # seconds per pattern and text: a runaway regex is an error, never a hang


class PatternTimeout(Exception):
    """A rule pattern ran past PATTERN_TIMEOUT on one text: the engine fails that post (never a finding
    fewer). The message names the pattern, not the text."""


class RulePatternRecognizer(EntityRecognizer):
    """The patterns of one rule, compiled once when the language loads. Presidio's PatternRecognizer
    does the same job but times and logs every pattern on every call; this one only matches. Not
    IGNORECASE (Presidio's default): a rule says (?i:...) where case does not matter, so "Mr. Haddad in
    bed 3" stops at the name."""

    FLAGS = PATTERN_FLAGS

    def __init__(self, patterns: list[PatternSpec], supported_entity: str, supported_language: str):
        # validated and compiled with these flags when the rule file loaded: the regex cache returns them
        self.compiled = [
            (p.name, regex.compile(p.regex, self.FLAGS), p.score, prefilter(p.regex, self.FLAGS)) for p in patterns
        ]
        self.label = f"pattern:{supported_entity}"
        super().__init__(
            supported_entities=[supported_entity],
            supported_language=supported_language,
            name=self.label,
        )

    def load(self) -> None:  # compiled in __init__
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        entity = self.supported_entities[0]
        meta = {RecognizerResult.RECOGNIZER_NAME_KEY: self.label, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}
        out = []
        for name, pattern, score, needs in self.compiled:
            if needs is not None and not needs.admits(text):
                continue  # a word every match needs is not in the text
            try:
                spans = [m.span() for m in pattern.finditer(text, timeout=PATTERN_TIMEOUT)]
            except TimeoutError:
                raise PatternTimeout(f"pattern {name!r} of {entity}") from None
            out += [RecognizerResult(entity, a, b, score, recognition_metadata=dict(meta)) for a, b in spans if b > a]
        return out


def recognizers_for(rule: Rule, lang: Lang, common: frozenset[str] = frozenset()) -> list[EntityRecognizer]:
    """The recognizers that find candidates for ``rule`` in ``lang`` (``common``: the model's word list)."""
    out: list[EntityRecognizer] = []
    if not rule.covers(lang):
        return out  # a rule runs on the languages its examples cover (``languages``)
    if rule.detect.names:
        out.append(NameListRecognizer(rule.code, lang, common))
    patterns = [p for p in rule.detect.patterns if lang in (p.languages or rule.languages)]
    if patterns:
        out.append(RulePatternRecognizer(patterns, rule.code, lang))
    labels = rule.detect.ner.get(lang, ())
    if labels:
        out.append(NerRecognizer(labels, rule.code, lang))
    for name in rule.detect.presidio:
        recognizer = PRESIDIO_RECOGNIZERS[name](lang, rule.code)
        out.append(Hinted(recognizer, HINTS[name]) if name in HINTS else recognizer)
    return out
