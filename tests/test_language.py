from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from phiguard.lang.detect import detect


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Free hearing screenings at the library on Saturday.", "en"),
        ("Nuestra paciente se fue ayer a casa después de tres semanas ingresada.", "es"),
        ("¿Sabías que el ictus se puede prevenir? Controla tu tensión.", "es"),
        ("@dan_p88 since your sugars are high, double your metformin tonight.", "en"),
        ("Pide cita en el 93 456 78 90", "es"),
    ],
)
def test_detects_english_and_spanish(text: str, lang: str) -> None:
    assert detect(text) == lang


def test_no_evidence_falls_back_to_default() -> None:
    assert detect("😀 12345", default="es") == "es"
    assert detect("", default="en") == "en"


def test_single_allowed_language_wins() -> None:
    assert detect("Nuestro paciente", allowed=("en",)) == "en"


# -- a language is a unit (phiguard.lang) ---------------------------------------------------------------
def test_no_module_outside_phiguard_lang_names_a_language() -> None:
    """Adding a language touches its profile, the YAML data and the model dependency: no other module
    may name one (a code, an OCR data name, a language's name)."""
    import ast
    from pathlib import Path

    import phiguard

    root = Path(phiguard.__file__).parent
    named = []
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] == "lang":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in ("en", "es", "eng", "spa", "English", "Spanish"):
                named.append(f"{path.relative_to(root)}:{node.lineno} {node.value!r}")
    assert named == []


def test_every_profile_is_complete_and_drives_the_defaults() -> None:
    from phiguard.config import Config
    from phiguard.detect.recognizers import PHONE_REGIONS
    from phiguard.lang import LANGS, PROFILES, parse_language

    assert LANGS == ("en", "es")
    config = Config()
    for code, p in PROFILES.items():
        assert p.code == code and p.model and p.install.startswith("pip install") and p.name_locales
        assert config.models[code] == p.model and p.tesseract in config.images.ocr_languages.split("+")
        assert set(p.phone_regions) <= set(PHONE_REGIONS)
        assert parse_language(p.name) == parse_language(p.code.upper() + "-XX") == code
    assert parse_language("Klingon") is None


def test_lexicons_take_one_list_per_registered_language() -> None:
    from pydantic import ValidationError

    from phiguard.rulepack.schema import Lexicon

    lex = Lexicon.model_validate({"name": "x", "description": "d", "source": "s", "en": ["a"], "es": ["b"]})
    assert (lex.words("en"), lex.words("es")) == (("a",), ("b",))
    with pytest.raises(ValidationError, match="pt"):
        Lexicon.model_validate({"name": "x", "description": "d", "source": "s", "pt": ["c"]})


@pytest.mark.parametrize(
    ("text", "matched"),
    [("in 2019", True), ("en 2019", True), ("año 2020s", True), ("on 2019", False), ("2019", True)],
)
def test_word_patterns_take_their_words_from_the_lexicons(text: str, matched: bool) -> None:
    from phiguard.detect.context import _YEAR_ONLY

    assert (_YEAR_ONLY.match(text) is not None) == matched


# -- a toy language: one profile and its data, covering a subset of the rules --------------------------
TOY_RULES = Path(__file__).parent / "fixtures" / "toy_language" / "rules"


@pytest.fixture
def toy_language() -> Iterator[str]:
    from phiguard import lang
    from phiguard.lang.profile import LanguageProfile

    toy = LanguageProfile(
        code="xx",
        name="Toy",
        model="blank:xx",  # spaCy's empty pipeline: a tokenizer and nothing to install
        install="nothing to install (spaCy's blank pipeline)",
        stop_words="spacy.lang.en.stop_words",
        tesseract="eng",
        name_locales=("en_US",),
        imperative=lambda token: False,
        person_labels=frozenset(),
    )
    lang.register(toy)
    try:
        yield toy.code
    finally:
        lang.unregister(toy.code)


def test_a_toy_language_runs_the_rules_that_cover_it_and_no_other(toy_language: str) -> None:
    from phiguard.config import Config
    from phiguard.engine.linter import Linter

    linter = Linter(Config(languages=(toy_language, "en"), default_language=toy_language, rule_dirs=[TOY_RULES]))
    toy_rule = linter.rules.by_code("XXL001")
    assert toy_rule.languages == (toy_language,)
    assert all(r.languages == ("en", "es") for r in linter.rules.rules if r.code != "XXL001")  # no rule broke
    for example in toy_rule.examples.flag:
        found = linter.lint(example.text, lang=toy_language).findings
        assert [(f.rule, example.text[f.start : f.end]) for f in found] == [("XXL001", example.match)]
    for example in toy_rule.examples.pass_:
        assert linter.lint(example.text, lang=toy_language).findings == ()
    # an English post gets the built-in rules and not the toy one; the toy language's posts not the English ones
    english = linter.lint("Welcome home, Rosa Garcia! kodo 1234. MRN 5520417", lang="en")
    assert "XXL001" not in {f.rule for f in english.findings} and "PHI050" in {f.rule for f in english.findings}
    toy = linter.lint("Rosa Garcia kodo 1234, MRN 5520417", lang=toy_language)
    assert {f.rule for f in toy.findings} == {"XXL001"}


def test_a_rule_covers_the_languages_of_its_examples_and_must_have_both_kinds_in_each(tmp_path: Path) -> None:
    from phiguard.errors import RulePackError
    from phiguard.rulepack.loader import load_rules

    text = (TOY_RULES / "XXL001-toy-code.yml").read_text(encoding="utf-8")
    english = text.replace("lang: xx", "lang: en")
    (tmp_path / "XXL001-toy-code.yml").write_text(english, encoding="utf-8")
    assert load_rules([tmp_path]).by_code("XXL001").languages == ("en",)
    both = english.replace("examples:\n", "languages: [en, es]\nexamples:\n")
    (tmp_path / "XXL001-toy-code.yml").write_text(both, encoding="utf-8")
    with pytest.raises(RulePackError, match=r"examples\.flag needs examples in \['es'\]"):
        load_rules([tmp_path])
