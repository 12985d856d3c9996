"""Fuzzing (issue 14): generated Unicode through the API and generated drafts of every format through
the CLI. The API never raises and its findings stay inside their text; a reader ends in exit 0, 1 or 2,
never a traceback. CI runs the default profile (a few hundred inputs, under a minute); `make fuzz` runs
the `fuzz` profile (100,000 inputs in all; the count and the time are in docs/design.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phiguard import Linter
from phiguard.cli import main
from phiguard.models import Post
from phiguard.safeio import clean_text

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(  # `make fuzz`: 3 tests x 33,334 = 100,000 inputs
    "fuzz",
    max_examples=int(os.environ.get("PHIGUARD_FUZZ_EXAMPLES", "33334")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("PHIGUARD_FUZZ_PROFILE", "ci"))

# Any code point, lone surrogates and controls included, mixed with the words and shapes the rules
# look for, so that the generated text reaches the detectors and not only the tokenizer.
WORDS = [
    "Rosa", "García", "@tina_r", "MRN", "4471920", "bed 3", "March 3", "1950-02-01", "555-0142", "ninety-four",
    "rosa@example.org", "https://x.example/p", "halve", "your", "warfarin", "Dr.", "Welcome home", "paciente",
    "NHC", "de", "Sevilla", "(", ":", "a.", "🙂", "\n", "\t", "  ", "---", "#", "![", "](", ")", "*", "\u200b",
]  # fmt: skip
CHARS = st.characters(min_codepoint=0, max_codepoint=0x10FFFF)
PIECE = st.one_of(st.sampled_from(WORDS), st.text(CHARS, max_size=8))
TEXT = st.lists(PIECE, max_size=40).map(" ".join)


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter()


@given(texts=st.lists(TEXT, min_size=1, max_size=4), lang=st.sampled_from([None, "en", "es"]))
def test_lint_many_never_raises_and_findings_stay_inside_their_text(
    linter: Linter, texts: list[str], lang: str | None
) -> None:
    reports = list(linter.lint_many([Post(text=t) for t in texts], lang=lang))  # type: ignore[arg-type]
    assert len(reports) == len(texts)
    for text, report in zip(texts, reports, strict=True):
        scopes = dict(report.post.scopes())
        for f in report.findings:
            scope_text = scopes.get(f.scope, text)
            assert 0 <= f.start <= f.end <= len(scope_text)
            if f.category.value == "identifier":
                assert f.end > f.start
                assert f.value == clean_text(scope_text[f.start : f.end])  # lone surrogates read as U+FFFD
            if f.value.strip():
                assert f.masked != f.value
            json.loads(f.model_dump_json())


# -- readers ------------------------------------------------------------------------------------------
SCALAR = st.one_of(TEXT, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none())
KEYS = [
    "text",
    "Text",
    "message",
    "caption",
    "alt",
    "images",
    "image",
    "path",
    "src",
    "lang",
    "id",
    "consent",
    "posts",
    "scope",
    "patient",
    "signed",
]
KEY = st.one_of(st.sampled_from(KEYS), TEXT)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEY, inner, max_size=4)),
    max_leaves=12,
)  # fmt: skip


def _markdown(front: object, body: str) -> str:
    import yaml

    try:
        fm = yaml.safe_dump(front, allow_unicode=True)
    except yaml.YAMLError:
        fm = str(front)
    return f"---\n{fm}---\n{body}\n"


def _csv(rows: list[list[str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


DRAFT = st.one_of(
    st.tuples(st.just(".md"), st.builds(_markdown, VALUE, TEXT)),
    st.tuples(st.just(".md"), TEXT),
    st.tuples(st.just(".txt"), TEXT),
    st.tuples(st.just(".json"), VALUE.map(lambda v: json.dumps(v, ensure_ascii=False))),
    st.tuples(st.just(".json"), TEXT),
    st.tuples(st.just(".yaml"), TEXT),
    st.tuples(st.just(".csv"), st.lists(st.lists(TEXT, max_size=4), max_size=4).map(_csv)),
    st.tuples(st.just(".csv"), st.just("text,text,alt,images\n").map(str).flatmap(lambda h: TEXT.map(h.__add__))),
)


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    _, err = capsys.readouterr()
    return code, err


@given(draft=DRAFT, fmt=st.sampled_from(["text", "json", "sarif", "github", "html"]))
def test_every_draft_format_ends_in_0_1_or_2_never_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, draft: tuple[str, str], fmt: str
) -> None:
    suffix, content = draft
    path = tmp_path / f"draft{suffix}"
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    argv = ["check", "--no-progress", "--no-images", "--format", fmt, str(path)]
    code, err = _run(capsys, argv)
    assert code in (0, 1, 2) and "Traceback" not in err
    if code == 2:
        assert "phiguard: error: PG" in err and "PG900" not in err, _run(capsys, [*argv, "--debug"])[1]


@given(lines=st.lists(st.one_of(VALUE.map(lambda v: json.dumps(v, ensure_ascii=False)), TEXT), max_size=5))
def test_archives_end_in_0_1_or_2_never_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lines: list[str]
) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    argv = ["audit", "--no-progress", "--no-images", str(path)]
    code, err = _run(capsys, argv)
    assert code in (0, 1, 2) and "Traceback" not in err
    if code == 2:
        assert "phiguard: error: PG" in err and "PG900" not in err, _run(capsys, [*argv, "--debug"])[1]
