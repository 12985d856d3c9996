"""No value in any output unless asked (issue 27, item 6): every output format of every command, run on
PHI-laden drafts in English and Spanish, is searched for the values; none may appear without
--show-values (posts' own ids: --show-ids)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from phiguard.cli import main
from phiguard.outputs import AUDIT_FORMATS, CHECK_FORMATS

CLI = Path(__file__).parent / "fixtures" / "cli"
POSTS = {
    "en": "Welcome home, Zebulon Quackenbush! DOB 03/14/1931, MRN 8830461, room 412. "
    "Call 555-014-2297 or write zebulon.quackenbush@example.com.",
    "es": "¡Bienvenida a casa, Eulalia Fuenmayor! Nació el 14/03/1931, historia clínica 8830461, habitación 412. "
    "Llama al 634 918 207 o escribe a eulalia.fuenmayor@example.com.",
}
VALUES = {
    "en": ("Zebulon", "Quackenbush", "8830461", "555-014-2297", "zebulon.quackenbush", "03/14/1931"),
    "es": ("Eulalia", "Fuenmayor", "8830461", "634 918 207", "eulalia.fuenmayor", "14/03/1931"),
}
POST_ID = "zebulon-quackenbush-discharge"  # an export's own id that names the patient
IMAGE = "quackenbush-bed-412"  # an attached image whose name does


@pytest.fixture(params=["en", "es"])
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copy(CLI / "ward.jpg", tmp_path / f"{IMAGE}.jpg")
    text = POSTS[lang]
    (tmp_path / "story.md").write_text(f"---\nlang: {lang}\n---\n{text}\n\n![the team]({IMAGE}.jpg)\n", "utf-8")
    post = {"id": POST_ID, "lang": lang, "text": text, "first_comment": text}
    (tmp_path / "export.json").write_text(json.dumps([post], ensure_ascii=False), encoding="utf-8")
    (tmp_path / "archive.jsonl").write_text(json.dumps(post, ensure_ascii=False) + "\n", encoding="utf-8")
    return tmp_path


def everything(capsys: pytest.CaptureFixture[str], folder: Path, *argv: str) -> str:
    """What a run prints and every file it writes."""
    before = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code in (0, 1), out + err
    written = [p for p in folder.iterdir() if before.get(p) != p.stat().st_mtime_ns]
    return out + err + "".join(p.read_text(encoding="utf-8", errors="replace") for p in written)


def leaks(text: str, lang: str) -> list[str]:
    return [v for v in (*VALUES[lang], POST_ID, IMAGE) if v.casefold() in text.casefold()]


def runs(folder: Path) -> list[list[str]]:
    """Every command and output format, on the drafts."""
    check = ["check", "--no-progress", "--no-ocr", "--no-faces"]
    out = [[*check, "--format", fmt, "story.md", "export.json"] for fmt in CHECK_FORMATS if fmt != "html"]
    out.append([*check, "--format", "html", "-o", "report.html", "story.md", "export.json"])
    out.append([*check, "--statistics", "story.md", "export.json"])
    out += [["audit", "--no-progress", "--format", fmt, "archive.jsonl"] for fmt in AUDIT_FORMATS]
    out.append(["audit", "--no-progress", "--format", "jsonl", "-o", "found.jsonl", "archive.jsonl"])
    out += [["fix", "--no-progress", "--no-ocr", "--no-faces", "story.md", "export.json"]]
    out += [["fix", "--no-progress", "--no-ocr", "--no-faces", "--format", "json", "story.md", "export.json"]]
    out.append(["baseline", "create", "--no-ocr", "--no-faces", "story.md", "export.json"])
    return out


def test_no_output_of_any_command_shows_a_value(drafts: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    for argv in runs(drafts):
        (drafts / ".phiguard-baseline.json").unlink(missing_ok=True)
        text = everything(capsys, drafts, *argv)
        assert not leaks(text, lang), (argv, leaks(text, lang))


def test_show_values_and_show_ids_reveal_them(drafts: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    text = everything(capsys, drafts, "check", "--no-progress", "--no-ocr", "--show-values", "story.md")
    assert VALUES[lang][0] in text
    text = everything(capsys, drafts, "audit", "--no-progress", "--format", "jsonl", "--show-ids", "archive.jsonl")
    assert POST_ID in text and VALUES[lang][0] not in text
    text = everything(capsys, drafts, "fix", "--no-progress", "--no-ocr", "--show-values", "export.json")
    assert VALUES[lang][0] in text  # the raw diff


def test_an_unchecked_post_is_named_by_its_place_not_its_id(
    drafts: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    (drafts / "phiguard.toml").write_text("max-post-chars = 50\n", encoding="utf-8")
    for argv in (["check", "--no-progress", "export.json"], ["audit", "--no-progress", "archive.jsonl"]):
        code = main(argv)
        _, err = capsys.readouterr()
        assert code == 2 and "max-post-chars" in err and not leaks(err, lang), err
    code = main(["check", "--no-progress", "export.json"])
    assert "export.json:1: a post of" in capsys.readouterr().err


def test_a_bad_consent_record_is_named_by_place_not_by_id(
    drafts: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    post = {"id": POST_ID, "lang": lang, "text": POSTS[lang], "consent": [{"id": "CF-2026-0001"}]}
    (drafts / "consent.json").write_text(json.dumps([post], ensure_ascii=False), encoding="utf-8")
    code = main(["check", "--no-progress", "consent.json"])
    err = capsys.readouterr().err
    assert code == 2 and "consent.json:1:" in err and "consent-ledger" in err, err
    assert not leaks(err, lang)
