"""A rule pattern is skipped only on a text it could not match (phiguard.rulepack.prefilter)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import regex

from phiguard.rulepack.loader import load_rules
from phiguard.rulepack.prefilter import FOLDS_TO_ASCII, fold, prefilter
from phiguard.rulepack.schema import PATTERN_FLAGS

FIXTURES = Path(__file__).parent / "fixtures"
RULES = load_rules().rules
PATTERNS = [(r.code, p.name, p.regex) for r in RULES for p in r.detect.patterns]


def _texts() -> list[str]:
    """Every rule example and fix text, the public-health fixture posts, and each shouted and with the
    letters that case-fold to ASCII swapped in (a Kelvin sign for k, a long s for s)."""
    texts = [e.text for r in RULES for e in (*r.examples.flag, *r.examples.pass_)]
    texts += [e.text for r in RULES if r.fix for e in r.fix.examples]
    with (FIXTURES / "public_health_posts.jsonl").open(encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for line in fh if line.strip()]
    swapped = {ord("k"): "\u212a", ord("s"): "\u017f", ord("i"): "\u0130"}
    return texts + [t.upper() for t in texts] + [t.translate(swapped) for t in texts]


TEXTS = _texts()


@pytest.mark.parametrize(("code", "name", "pattern"), PATTERNS, ids=[f"{c}-{n}" for c, n, _ in PATTERNS])
def test_a_pattern_is_never_skipped_on_a_text_it_matches(code: str, name: str, pattern: str) -> None:
    needs = prefilter(pattern, PATTERN_FLAGS)
    if needs is None:
        return
    compiled = regex.compile(pattern, PATTERN_FLAGS)
    for text in TEXTS:
        if compiled.search(text):
            assert needs.admits(text), f"{code} {name} skipped on a text it matches"


def test_most_shipped_patterns_have_a_prefilter() -> None:
    filtered = [p for _, _, p in PATTERNS if prefilter(p, PATTERN_FLAGS) is not None]
    assert len(filtered) >= 0.8 * len(PATTERNS)


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"(?<=\b(?i:daughters?|sons?)\s{1,8})\p{Lu}\p{L}+", {"daughter", "son"}),
        (r"\bMRN\s*\d+", {"mrn"}),
        (r"(?:abc)?x\d", {"x"}),
        (r"(?!(?i:mr)\b)\p{Lu}\p{Ll}+(?=\s+(?i:hospital|clinic)\b)", {"hospital", "clinic"}),
        (r"\d{3}-\d{4}", {"-"}),
        (r"\p{L}+(?=\s+(?:is|was)\s+\d+\s*(?i:yo|years?))", {"yo", "year"}),
    ],
)
def test_needs_are_read_from_the_syntax(pattern: str, needs: set[str]) -> None:
    found = prefilter(pattern, PATTERN_FLAGS)
    assert found is not None and needs in [set(c) for c in found.clauses]


@pytest.mark.parametrize("pattern", [r"\p{Lu}\p{Ll}+", r"(?:foo)?\d+", r"(?!bar)\w+", r"é\d", r"[ab]c?"])
def test_no_prefilter_where_nothing_is_needed(pattern: str) -> None:
    assert prefilter(pattern, PATTERN_FLAGS) is None


def test_only_the_listed_characters_fold_to_ascii_letters() -> None:
    """Scans the Basic Multilingual Plane with the regex module itself: FOLDS_TO_ASCII stays complete."""
    letter = regex.compile(r"(?i)[a-z]")
    found = {chr(c) for c in range(128, 0x10000) if letter.fullmatch(chr(c))}
    assert found == set(FOLDS_TO_ASCII)
    for ch, to in FOLDS_TO_ASCII.items():
        assert regex.fullmatch(f"(?i){to}", ch)
    assert fold("DNI \u212aid") == "dni kid"


# -- lexicons: searched only in a text that has one of their entries' words (rulepack.lexicon.openers) --


def _lexicon_cases() -> list[tuple[str, str]]:
    from phiguard.rulepack.loader import load_rules as load

    lexicons = load().lexicons
    return [(name, lang) for name in sorted(lexicons) for lang in lexicons[name].words_by_lang]


@pytest.mark.parametrize(("name", "lang"), _lexicon_cases(), ids=[f"{n}-{lang}" for n, lang in _lexicon_cases()])
def test_a_lexicon_is_never_skipped_on_a_text_it_matches(name: str, lang: str) -> None:
    from phiguard.rulepack.lexicon import LexiconIndex, openers, text_words

    index = LexiconIndex(load_rules().lexicons)
    compiled = index.pattern(name, lang)
    lexicon = index.lexicons[name]
    first = openers(lexicon.words(lang), lexicon.regexes(lang))
    if compiled is None or first is None:
        return
    # the texts, and each entry of the lexicon itself in a sentence, as written and shouted
    entries = [f"Yes, {w} here." for w in lexicon.words(lang)]
    for text in [*TEXTS, *entries, *(e.upper() for e in entries)]:
        if compiled.search(text):
            assert not first.isdisjoint(text_words(text)), f"{name} ({lang}) skipped on a text it matches"


def test_text_words_fold_whatever_a_case_insensitive_pattern_equates() -> None:
    """Every pair of BMP characters the lexicons' case-insensitive patterns take as one letter folds to
    one string (what text_words relies on), among each character's case variants."""
    from phiguard.rulepack.lexicon import _fold

    for code in range(0x10000):
        c = chr(code)
        if not regex.match(r"\w", c):
            continue
        for d in {c.lower(), c.upper(), c.title(), c.casefold(), c.swapcase()}:
            if len(d) == 1 and d != c and regex.fullmatch(regex.escape(c), d, regex.IGNORECASE):
                assert _fold(c) == _fold(d), f"U+{code:04X} and U+{ord(d):04X}"


def test_most_lexicon_searches_are_skipped_on_ordinary_posts() -> None:
    """The point of the openers: on the public-health fixture posts most (lexicon, text) searches are
    skipped."""
    from phiguard.rulepack.lexicon import LexiconIndex, openers, text_words

    index = LexiconIndex(load_rules().lexicons)
    asked = skipped = 0
    for name, lang in _lexicon_cases():
        lexicon = index.lexicons[name]
        first = openers(lexicon.words(lang), lexicon.regexes(lang))
        for text in TEXTS[: len(TEXTS) // 3]:
            asked += 1
            skipped += first is not None and first.isdisjoint(text_words(text))
    assert skipped > asked / 2


@pytest.mark.parametrize(("name", "lang"), _lexicon_cases(), ids=[f"{n}-{lang}" for n, lang in _lexicon_cases()])
def test_the_word_scanner_finds_what_the_lexicons_regex_finds(name: str, lang: str) -> None:
    """rulepack.wordscan gives the matches of the lexicon's regex (overlapped, the alternation's first
    word at each start) on the rule examples, the fixture posts and the lexicon's own entries, as written,
    shouted, with look-alike letters and with their spaces made double spaces, line breaks and tabs."""
    from phiguard.rulepack.lexicon import LexiconIndex

    index = LexiconIndex(load_rules().lexicons)
    compiled = index.pattern(name, lang)
    if compiled is None:
        return
    lexicon = index.lexicons[name]
    entries = [f"Yes, {w} here, {w}!" for w in lexicon.words(lang)]
    texts = [*TEXTS, *entries, *(e.upper() for e in entries)]
    texts += [t.replace(" ", sep) for t in entries[:50] for sep in ("  ", "\n", " \t ")]
    for text in texts:
        expected = [m.span() for m in compiled.finditer(text, overlapped=True)]
        found = index.hits(name, lang, text)
        assert list(zip(found.starts, found.ends, strict=True)) == expected, f"{name} ({lang}) on {text!r}"
        index.forget_texts()


def test_a_need_added_after_a_text_was_read_is_seen_in_that_text() -> None:
    """The index remembers the last text's strings; a prefilter made afterwards (a lexicon's regex is
    compiled on first use, in the middle of a post) must not read that memory without its own strings."""
    from phiguard.rulepack.prefilter import INDEX

    text = "please zzqxwarfarinzzqx now"
    INDEX.present(text)
    late = prefilter(r"zzqxwarfarin", 0)
    assert late is not None and late.admits(text)
