"""`phiguard fix` and `phiguard.fix`: safe rewrites through presidio-anonymizer, in both languages and
every draft format, that lint clean, are idempotent, and leave everything but the text values as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import phiguard
from phiguard import Linter, Post
from phiguard.cli import main

EN = "Welcome home, Rosa Alvarez! She is resting in bed 3 after her surgery on March 3, 2024."
ES = "Lucía Ferrer descansa en la habitación 412 tras su operación del 9 de marzo de 2022."
CAPTION = {"en": "Rosa Alvarez in room 12", "es": "Lucía Ferrer en la cama 4"}
NAMES = ("Rosa", "Alvarez", "Lucía", "Ferrer", "412", "bed 3", "room 12", "cama 4", "March 3", "9 de marzo")


def _drafts(lang: str) -> dict[str, str]:
    body, caption = (EN if lang == "en" else ES), CAPTION[lang]
    return {
        "post.md": f"---\nchannel: facebook\nlang: {lang}\ncaption: {caption}\n---\n# Good news\n\n{body}\n",
        "post.txt": f"{body}\n",
        "post.csv": f'id,publish_at,message,alt_text,lang\n7,2026-12-01 09:00,"{body}","{caption}",{lang}\n'
        f"8,2026-12-02 10:00,Free flu shots on Saturday!,,{lang}\n",
        "post.json": json.dumps({"posts": [{"id": "p1", "text": body, "caption": caption, "lang": lang}]}, indent=2),
        "post.yaml": f"- id: p1\n  lang: {lang}\n  text: '{body}'\n  caption: {caption}\n",
    }


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([argv[0], "--no-progress", *argv[1:]])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", ["post.md", "post.txt", "post.csv", "post.json", "post.yaml"])
def test_fix_diff_then_write_lints_clean_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, lang: str
) -> None:
    path = tmp_path / name
    original = _drafts(lang)[name]
    path.write_text(original, encoding="utf-8")
    assert _run(capsys, "check", "--no-images", str(path))[0] == 1

    code, diff, _ = _run(capsys, "fix", "--no-images", str(path))  # the default: a diff, nothing written
    assert code == 1 and diff.startswith(f"--- {path}") and path.read_text(encoding="utf-8") == original
    assert any(line.startswith("+") and not line.startswith("+++") for line in diff.splitlines())

    code, _, err = _run(capsys, "fix", "--write", "--no-images", str(path))
    fixed = path.read_text(encoding="utf-8")
    assert code == 0, err
    assert not any(value in fixed for value in NAMES), fixed
    assert _run(capsys, "check", "--no-images", str(path))[0] == 0  # the rewrite lints clean

    code, again, _ = _run(capsys, "fix", "--write", "--no-images", str(path))
    assert code == 0 and again == "" and path.read_text(encoding="utf-8") == fixed  # idempotent
    if name == "post.md":
        assert fixed.startswith(f"---\nchannel: facebook\nlang: {lang}\ncaption: ") and "\n# Good news\n\n" in fixed


@pytest.mark.slow
def test_fix_keeps_every_other_csv_cell_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "schedule.csv"
    source = _drafts("en")["post.csv"]
    path.write_text(source, encoding="utf-8")
    assert _run(capsys, "fix", "--write", "--no-images", str(path))[0] == 0
    before, after = source.splitlines(), path.read_text(encoding="utf-8").splitlines()
    assert after[0] == before[0] and after[2] == before[2]  # the header and the clean row
    assert after[1].startswith("7,2026-12-01 09:00,") and after[1].endswith(",en")


@pytest.mark.slow
def test_a_read_only_draft_is_exit_2_and_nothing_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    writable, locked = tmp_path / "a.txt", tmp_path / "b.txt"
    for p in (writable, locked):
        p.write_text(EN + "\n", encoding="utf-8")
    locked.chmod(0o444)
    code, _, err = _run(capsys, "fix", "--write", "--no-images", str(writable), str(locked))
    assert code == 2 and "read-only" in err
    assert writable.read_text(encoding="utf-8") == locked.read_text(encoding="utf-8") == EN + "\n"
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt"]  # no temporary file left behind


@pytest.mark.slow
def test_json_report_masks_values_and_lists_edits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "post.txt"
    path.write_text("Rosa Alvarez had surgery on March 3. She is in bed 3.\n", encoding="utf-8")
    code, out, _ = _run(capsys, "fix", "--format", "json", "--select", "PHI053", "--no-images", str(path))
    (record,) = json.loads(out)
    assert code == 1 and {e["rule"] for e in record["edits"]} == {"PHI053"}
    assert {f["rule"] for f in record["left"]} >= {"PHI001"} and "Rosa" not in out  # the name is left, masked
    assert record["written"] is False and path.read_text(encoding="utf-8").startswith("Rosa")


# -- the library ---------------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_library_fixes_text_and_posts_in_both_languages(linter: Linter) -> None:
    result = phiguard.fix("Harold Becker turned 101 after his surgery on May 12, 2024.")
    assert result.text == "Our patient turned over 90 after his surgery in 2024."
    assert [(e.rule, e.operator) for e in result.edits] == [
        ("PHI001", "replace"),
        ("PHI020", "replace"),
        ("PHI010", "custom"),
    ]
    assert not result.left() and result.changed
    es = linter.fix(Post(text=ES, lang="es", captions=(CAPTION["es"],)))
    assert es.post.text == "Nuestra paciente descansa tras su operación en 2022."  # Lucía: a woman
    assert es.post.captions == ("Nuestra paciente",)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the name, a title or a word of the sentence says a woman: the replacement agrees (issue 28, item 7)
        ("¡Bienvenida a casa, Rosa García! Ya camina tras su prótesis de rodilla.", "nuestra paciente"),
        ("Doña Carmen Ruiz salió hoy de la UCI tras su infarto.", "nuestra paciente"),
        ("¡Bienvenida a casa, Ainhoa Etxeberria! Ya camina tras su prótesis de rodilla.", "nuestra paciente"),
        ("¡Bienvenido a casa, Iker Etxeberria! Ya camina tras su prótesis de rodilla.", "nuestro paciente"),
    ],
)
def test_the_spanish_fix_agrees_in_gender_and_its_words_are_never_findings(
    linter: Linter, text: str, expected: str
) -> None:
    result = linter.fix(Post(text=text, lang="es"))
    assert expected in result.text.casefold(), result.text
    assert not result.left(), [(f.rule, f.severity.value) for f in result.findings]  # nothing of its own flagged


@pytest.mark.slow
def test_advice_gets_the_safe_reply_and_fix_many_keeps_order(linter: Linter) -> None:
    posts = ["Free BP checks on Tuesday!", "@tina_r halve your warfarin until the bruising stops."]
    free, reply = linter.fix_many(posts)
    assert not free.changed and free.text == posts[0]
    assert reply.text.startswith("We're sorry you're going through this.") and "@tina_r" not in reply.text
    assert not reply.left()


@pytest.mark.slow
def test_a_rewrite_that_keeps_an_identifier_is_not_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "post.txt"
    source = "Congrats Dr. Osei on the award! Our patient is in bed 3 today.\n"
    path.write_text(source, encoding="utf-8")
    code, _, err = _run(capsys, "fix", "--write", "--fail-on", "info", "--no-images", str(path))
    assert code == 1 and "not written" in err and "Osei" not in err  # the staff name stays (info), masked
    assert path.read_text(encoding="utf-8") == source


@pytest.mark.slow
def test_what_no_rewrite_removes_is_reported_with_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "post.md"
    source = (Path(__file__).parent / "fixtures" / "consent" / "drafts" / "con003-en.md").read_text(encoding="utf-8")
    path.write_text(source, encoding="utf-8")
    code, _, err = _run(capsys, "fix", "--write", "--today", "2026-12-04", "--no-images", str(path))
    assert code == 1 and "CON005" in err and "left after the fix" in err  # the consent names nobody now
    fixed = path.read_text(encoding="utf-8")
    assert "Welcome home, our patient!" in fixed and fixed.startswith(source.split("---\n", 2)[1].join(["---\n"] * 2))


def test_a_finding_that_runs_past_the_fixs_own_words_still_stands() -> None:
    """Only what lies within the words the fix wrote is dropped from the rewrite's report: a finding
    that also covers the draft's own text (a surname left after the replaced name) is kept."""
    from phiguard.models import BODY, Category, Finding, Severity
    from phiguard.rewrite.fixes import Edit, inserted, own_words

    edits = [Edit("PHI001", BODY, 0, 4, "replace", "nuestra paciente")]  # "Rosa García" -> "nuestra paciente García"
    regions = inserted(edits)

    def finding(start: int, end: int) -> Finding:
        return Finding(
            rule="PHI001",
            category=Category.IDENTIFIER,
            severity=Severity.WARNING,
            entity="PERSON",
            start=start,
            end=end,
            message="m",
            scope=BODY,
        )

    assert own_words(finding(0, 16), regions)
    assert not own_words(finding(0, 23), regions)
