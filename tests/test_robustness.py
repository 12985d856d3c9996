"""Bad input gets a result or a clear error, never a crash or a silent pass."""

from __future__ import annotations

import pytest

from phiguard import Linter, Post, Severity


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


@pytest.mark.slow
def test_one_megabyte_text_is_linted_in_chunks(linter: Linter) -> None:
    filler = "Free blood pressure checks every Tuesday in the lobby. " * 18_500
    text = filler + "Call Priya's daughter at 512-555-0199 about her discharge."
    assert len(text) > 1_000_000
    report = linter.lint(Post(text=text, lang="en"))
    phones = [f for f in report.at_least(Severity.WARNING) if f.entity == "PHONE"]
    assert phones and text[phones[0].start : phones[0].end] == "512-555-0199"
