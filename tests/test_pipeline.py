"""The spaCy components phiguard runs (issue 30): sentences from the senter, never the dependency parser;
the lemmatizer on demand; a line break ends a sentence; the English instruction tests read tags and word
order only."""

from __future__ import annotations

import pytest

from phiguard import Linter
from phiguard.lang import en
from phiguard.lang.sentences import sentence_starts, sentences


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_senter_runs_and_the_parser_does_not(linter: Linter, lang: str) -> None:
    nlp = linter.runtime(lang).engine.nlp[lang]  # type: ignore[attr-defined]
    assert "senter" in nlp.pipe_names
    assert "parser" not in nlp.pipe_names
    assert "lemmatizer" not in nlp.pipe_names  # run on demand for the few tokens a check looks up
    doc = nlp("Datos del paciente.\nNombre: Ernesto\nDomicilio: Calle Mayor 3")
    assert [s.text.strip() for s in doc.sents] == ["Datos del paciente.", "Nombre: Ernesto", "Domicilio: Calle Mayor 3"]


def test_sentence_starts_are_those_of_doc_sents(linter: Linter) -> None:
    nlp = linter.runtime("en").engine.nlp["en"]  # type: ignore[attr-defined]
    doc = nlp("Free BP checks on Tuesday. Bring your card! Questions? Call us.\nSee you there")
    assert sentence_starts(doc) == [s.start for s in doc.sents]
    assert [s.text for s in sentences(doc)] == [s.text for s in doc.sents]
    assert sentence_starts(doc) is sentence_starts(doc)  # read once per Doc


@pytest.mark.parametrize(
    ("text", "verb", "imperative", "bare"),
    [
        ("@tina_r stop the warfarin tonight", "stop", True, True),
        ("Laura, give him 5 ml of ibuprofen", "give", True, True),
        ("Please just take it with food", "take", True, True),
        ("For his ear infection give him amoxicillin", "give", True, True),
        ("Do you take it with food?", "take", False, False),
        ("You should take it with food", "take", False, False),
        ("We want to help families", "help", False, False),
        ("Let him rest today", "rest", False, False),
    ],
)
def test_english_instructions_read_from_tags_and_word_order(
    linter: Linter, text: str, verb: str, imperative: bool, bare: bool
) -> None:
    nlp = linter.runtime("en").engine.nlp["en"]  # type: ignore[attr-defined]
    token = next(t for t in nlp(text) if t.text == verb)
    if token.tag_ != "VB":
        pytest.skip(f"the tagger read {verb!r} as {token.tag_}")
    assert en.imperative(token) is imperative
    assert en.bare_verb(token, frozenset({"to", "will", "not"})) is bare


def test_a_validated_identifier_names_the_finding_at_the_severity_of_its_text(linter: Linter) -> None:
    """Where a checksum rule (PHI052, a Spanish DNI with its letter) and a generic one (PHI050, an ID near
    a label) find the same text, the specific rule names the finding, at the most severe of the two:
    overlap resolution never lowers what the text was judged."""
    from phiguard.detect.scope import Candidate
    from phiguard.engine.spans import resolve_overlaps
    from phiguard.models import Severity, Source

    dni, generic = linter.rules.by_code("PHI052"), linter.rules.by_code("PHI050")
    assert dni.detect.validator and not generic.detect.validator
    found = resolve_overlaps(
        [
            (Severity.WARNING, Candidate(dni, 37, 46, 1.0, Source("pattern:PHI052")), ()),
            (Severity.ERROR, Candidate(generic, 33, 46, 0.85, Source("pattern:PHI050")), ()),
        ]
    )
    assert [(c.rule.code, s) for s, c, _ in found] == [("PHI050", Severity.ERROR)]  # a longer text: its own
    same_text = resolve_overlaps(
        [
            (Severity.WARNING, Candidate(dni, 37, 46, 1.0, Source("pattern:PHI052")), ()),
            (Severity.ERROR, Candidate(generic, 37, 46, 0.85, Source("pattern:PHI050")), ()),
        ]
    )
    assert [(c.rule.code, s, why) for s, c, why in same_text] == [("PHI052", Severity.ERROR, ("also:PHI050",))]


def test_new_words_do_not_grow_the_vocabulary(linter: Linter) -> None:
    """A long-running process (serve, lsp, audit) reads new words all the time: each batch's additions to
    spaCy's vocabulary are freed when it ends (memory zones), and nothing of a batch is used after it."""
    letters = "bcdfghjklmnprstvz"
    words = [f"Ro{letters[i % 17]}{letters[i // 17]}ana Vi{letters[i // 17]}{letters[i % 17]}ez" for i in range(40)]
    linter.lint(f"Welcome home, {words[0]}!", lang="en")  # both pipelines loaded, first-use costs paid
    linter.lint(f"¡Bienvenida, {words[0]}!", lang="es")
    before = {lang: len(linter.runtime(lang).engine.nlp[lang].vocab.strings) for lang in ("en", "es")}  # type: ignore[attr-defined]
    reports = list(linter.lint_many([f"Welcome home, {w}! Her knee is better since March 3." for w in words]))
    reports += list(linter.lint_many([f"¡Bienvenida a casa, {w}! Su rodilla va mejor." for w in words], lang="es"))
    after = {lang: len(linter.runtime(lang).engine.nlp[lang].vocab.strings) for lang in ("en", "es")}  # type: ignore[attr-defined]
    assert after == before
    assert sum(any(f.rule == "PHI002" for f in r.findings) for r in reports) >= 60  # still read as names
