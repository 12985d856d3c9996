"""phiguard.outputs: one writer per format, in a registry the CLI takes its choices from."""

from __future__ import annotations

import html
import io
import json

import pytest

from phiguard.cli import main
from phiguard.inputs import Draft, load_draft
from phiguard.models import Category, Finding, Report, Severity
from phiguard.outputs import AUDIT_FORMATS, CHECK_FORMATS, WRITERS, PostWriter, WriteOptions, Writer
from phiguard.run.check import CheckResult, FileResult, Located

SOURCE = "Welcome home, Rosalind!\n"
FINDING = Finding(
    rule="PHI001",
    category=Category.IDENTIFIER,
    severity=Severity.ERROR,
    entity="PERSON",
    start=14,
    end=22,
    message="A patient's name.",
    value="Rosalind",
)


def _result() -> tuple[CheckResult, Draft]:
    draft = load_draft("post.txt", SOURCE)
    loc = Located("post.txt", FINDING, 1, 15, 1, 23, "post.txt", "f" * 32, post_index=0)
    return CheckResult([FileResult(draft, [loc])]), draft


def test_the_registry_gives_each_command_its_formats() -> None:
    assert CHECK_FORMATS == ("text", "json", "sarif", "github", "html")
    assert AUDIT_FORMATS == ("text", "jsonl")
    assert all(isinstance(WRITERS[n], Writer) for n in CHECK_FORMATS)
    assert all(isinstance(WRITERS[n], PostWriter) for n in AUDIT_FORMATS)


def test_the_cli_offers_what_the_registry_has(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--format", "jsonl", "x.md"])  # jsonl streams audit posts; check has json
    assert stopped.value.code == 2 and "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("name", CHECK_FORMATS)
def test_every_check_format_masks_values_unless_asked(name: str) -> None:
    result, _ = _result()
    masked, shown = io.StringIO(), io.StringIO()
    WRITERS[name].write(result, masked, WriteOptions())  # type: ignore[union-attr]
    WRITERS[name].write(result, shown, WriteOptions(show_values=True))  # type: ignore[union-attr]
    assert "Rosalind" not in masked.getvalue().replace("Welcome home, Rosalind!", "")
    mask = html.escape(FINDING.masked) if name == "html" else FINDING.masked
    assert mask in masked.getvalue() and "Rosalind" in shown.getvalue()


@pytest.mark.parametrize("name", AUDIT_FORMATS)
def test_every_audit_format_writes_a_post_in_one_piece(name: str) -> None:
    _, draft = _result()
    writes: list[str] = []

    class Out(io.StringIO):
        def write(self, s: str) -> int:
            writes.append(s)
            return len(s)

    report = Report(post=draft.posts[0].post, findings=(FINDING, FINDING))
    WRITERS[name].write_post("archive.csv", draft.posts[0], report, Out(), WriteOptions())  # type: ignore[union-attr]
    assert len(writes) == 1 and writes[0].count("\n") == 2 and "Rosalind" not in writes[0]
    if name == "jsonl":
        record = json.loads(writes[0].splitlines()[0])
        assert (record["line"], record["post"], record["start"], record["value"]) == (1, "post.txt", 14, "<PERSON>")


def test_the_html_report_keeps_posts_with_the_same_id_apart() -> None:
    """An export may repeat an id: each post shows its own findings only."""
    draft = load_draft("posts.json", '[{"id": "7", "text": "Welcome home, Rosalind!"}, {"id": "7", "text": "Hi all"}]')
    loc = Located("posts.json", FINDING, 1, 30, 1, 38, "7", "f" * 32, post_index=0)
    out = io.StringIO()
    WRITERS["html"].write(CheckResult([FileResult(draft, [loc])]), out, WriteOptions())  # type: ignore[union-attr]
    assert out.getvalue().count(html.escape(FINDING.masked)) == 1


def test_the_html_report_shows_the_suggested_rewrite_beside_each_text() -> None:
    from phiguard.rulepack.loader import load_rules

    result, _ = _result()
    out = io.StringIO()
    WRITERS["html"].write(result, out, WriteOptions(rules=load_rules()))  # type: ignore[union-attr]
    page = out.getvalue()
    assert 'data-rewrite="body">Welcome home, our patient!' in page and "Rosalind" not in page
