"""Bad input gets a result or a clear error, never a crash or a silent pass."""

from __future__ import annotations

import pytest

from phiguard import Config, Linter, Post, Severity
from phiguard.engine.texts import MAX_CHUNK
from phiguard.engine.texts import clean as _clean
from phiguard.errors import InputError, PostError


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "😀🎉❤️🏥💉",
        "https://t.co/AbC123",
        "\ud800 broken \udfff surrogates, Rosa",
        "\x00\x01\x02\xff\xfe binary junk \x7f",
        "a" * 10,
        "@tina_r",
        "@tina_r 💊💊💊 🙏",
        "@tina_r https://t.co/AbC123",
        "warfarin ibuprofeno 800 mg",
        "¿¿??!! ...",
    ],
)
def test_odd_texts_lint_without_error(linter: Linter, text: str) -> None:
    report = linter.lint(text)
    report.model_dump_json()  # serialisable, even with lone surrogates in the input


def test_surrogates_do_not_shift_offsets(linter: Linter) -> None:
    text = "\ud800 Welcome home, Rosa! Her new knee is working wonders since March."
    report = linter.lint(text, lang="en")
    rosa = [f for f in report.findings if f.value == "Rosa"]
    assert rosa and text[rosa[0].start : rosa[0].end] == "Rosa"


def test_a_text_over_max_post_chars_is_an_error_not_a_clean_report(linter: Linter) -> None:
    text = "Free blood pressure checks every Tuesday in the lobby. " * 4_000  # 220,000 characters
    with pytest.raises(InputError, match="max-post-chars") as info:
        linter.lint(Post(text=text, lang="en", id="p1"))
    assert "Free" not in str(info.value) and "p1" not in str(info.value)  # an id may be PHI: named by place
    assert isinstance(info.value, PostError) and info.value.index == 0


@pytest.mark.slow
def test_a_long_text_is_linted_in_chunks(linter: Linter) -> None:
    filler = "Free blood pressure checks every Tuesday in the lobby. " * 3_500
    text = filler + "Call Priya's daughter at 512-555-0199 about her discharge."
    assert MAX_CHUNK * 3 < len(text) < Config().max_post_chars
    report = linter.lint(Post(text=text, lang="en"))
    phones = [f for f in report.at_least(Severity.WARNING) if f.entity == "PHONE"]
    assert phones and text[phones[0].start : phones[0].end] == "512-555-0199"


@pytest.mark.parametrize("run", ["(" * 10_000, ":" * 10_000, "🙂" * 10_000, "a." * 5_000, "(:" * 5_000, "#a" * 5_000])
def test_hostile_punctuation_runs_are_defused_within_the_cpu_budget(linter: Linter, run: str) -> None:
    cleaned = _clean(run)
    assert len(cleaned) == len(run)  # offsets hold
    assert max(len(w) for w in cleaned.split()) <= 256
    post = f"Welcome home, Rosa Garcia! {run}"
    report = linter.lint(Post(text=post, lang="en"))  # over post-cpu-seconds (10 s) would raise InputError
    assert any(post[f.start : f.end] == "Rosa Garcia" for f in report.findings)


def test_words_urls_and_numbers_are_not_defused() -> None:
    url = "https://www.example-hospital.org/news/2024/03/knee-replacement-success-story?utm_source=fb"
    for text in (url, "x" * 300, "4471920" * 20, "rosa.garcia.lopez@example-hospital.org"):
        assert _clean(text)[:80] == text[:80]


def test_a_post_over_its_cpu_budget_is_an_error(linter: Linter) -> None:
    tight = Linter(Config(post_cpu_seconds=1e-6), rules=linter.rules)
    with pytest.raises(InputError, match="post-cpu-seconds"):
        tight.lint(Post(text="Welcome home, Rosa Garcia!", lang="en", id="p9"))
