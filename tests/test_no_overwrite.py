"""Outputs never touch inputs (issue 27, item 4): an output that is, or links to, a file the run reads
is exit 2 before anything is written; outputs are never written through a symbolic link nor onto a
read-only file; `fix --write` keeps the draft's links, BOM, mode and owner."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from phiguard.cli import main

CLI = Path(__file__).parent / "fixtures" / "cli"
POSTS = {
    "en": "Welcome home, Rosa Garcia! Her new knee is working wonders since March. Call her at 555-0142.\n",
    "es": "¡Bienvenida a casa, Rosa García! Su rodilla nueva funciona desde marzo. Llámala al 612 345 678.\n",
}


@pytest.fixture(params=sorted(POSTS))
def folder(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "draft.md").write_text(POSTS[request.param], encoding="utf-8")
    (tmp_path / "posts.jsonl").write_text('{"id": "1", "text": "Get well soon, Rosa Garcia!"}\n', encoding="utf-8")
    shutil.copy(CLI / "ward.jpg", tmp_path / "ward.jpg")
    (tmp_path / "photo.md").write_text("Our ward team!\n\n![the team](ward.jpg)\n", encoding="utf-8")
    (tmp_path / "phiguard.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    return tmp_path


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert "phiguard: error: PG3" in err and "Traceback" not in err
    assert "Rosa" not in out + err
    return err


def unchanged(*paths: Path) -> Callable[[], None]:
    """A check that ``paths`` still hold what they held (and are what they were: links stay links)."""
    before = {p: (p.read_bytes(), p.is_symlink(), os.lstat(p).st_ino) for p in paths}

    def check() -> None:
        for p, (data, link, inode) in before.items():
            assert (p.read_bytes(), p.is_symlink(), os.lstat(p).st_ino) == (data, link, inode), p

    return check


def test_a_report_over_a_file_the_check_reads_is_refused(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    same = unchanged(folder / "draft.md", folder / "ward.jpg", folder / "phiguard.toml")
    for target in ("draft.md", "ward.jpg", "phiguard.toml"):
        err = refused(capsys, "check", "--no-progress", "-o", target, ".")
        assert "a file this run reads" in err
    os.link(folder / "draft.md", folder / "hard.txt")
    refused(capsys, "check", "--no-progress", "-o", "hard.txt", "draft.md")
    (folder / "soft.json").symlink_to(folder / "draft.md")
    assert "symbolic link" in refused(capsys, "check", "--no-progress", "-o", "soft.json", "draft.md")
    same()


def test_a_report_is_never_written_through_a_link_nor_onto_a_read_only_file(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "elsewhere.txt").write_text("keep me\n", encoding="utf-8")
    (folder / "report.json").symlink_to(folder / "elsewhere.txt")
    (folder / "locked.json").write_text("locked\n", encoding="utf-8")
    (folder / "locked.json").chmod(0o444)
    same = unchanged(folder / "elsewhere.txt", folder / "report.json", folder / "locked.json")
    refused(capsys, "check", "--no-progress", "--format", "json", "-o", "report.json", "draft.md")
    assert "read-only" in refused(capsys, "check", "--no-progress", "-o", "locked.json", "draft.md")
    refused(capsys, "check", "--no-progress", "-o", str(folder), "draft.md")  # a folder
    same()


def test_a_full_disk_is_a_coded_error_not_an_internal_one(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    err = refused(capsys, "check", "--no-progress", "-o", "/dev/full", "draft.md")
    assert "PG301" in err and "PG900" not in err


def test_a_report_replaces_its_own_file_whole(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "report.txt").write_text("old report\n", encoding="utf-8")
    assert main(["check", "--no-progress", "-o", "report.txt", "draft.md"]) == 1
    capsys.readouterr()
    text = (folder / "report.txt").read_text(encoding="utf-8")
    assert "old report" not in text and "draft.md:1:" in text
    assert not [p for p in folder.iterdir() if p.name.startswith(".report.txt.")]  # no temporary file left


def test_audit_output_over_the_archive_is_refused(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    same = unchanged(folder / "posts.jsonl")
    refused(capsys, "audit", "--no-progress", "-o", "posts.jsonl", "posts.jsonl")
    (folder / "out.jsonl").symlink_to(folder / "posts.jsonl")
    refused(capsys, "audit", "--no-progress", "-o", "out.jsonl", "posts.jsonl")
    same()


def test_a_baseline_over_a_draft_is_refused(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    same = unchanged(folder / "draft.md")
    refused(capsys, "baseline", "update", "--baseline", "draft.md", "draft.md", "photo.md")
    (folder / "base.json").symlink_to(folder / "draft.md")
    refused(capsys, "baseline", "update", "--baseline", "base.json", ".")
    same()


def test_redact_image_never_writes_over_an_input(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    same = unchanged(folder / "ward.jpg", folder / "draft.md")
    refused(capsys, "redact-image", "--no-ocr", "-o", "ward.jpg", "ward.jpg")
    refused(capsys, "redact-image", "--no-ocr", "-o", "phiguard.toml", "ward.jpg")
    (folder / "copy.jpg").symlink_to(folder / "draft.md")
    refused(capsys, "redact-image", "--no-ocr", "-o", "copy.jpg", "ward.jpg")
    same()


def fix(folder: Path, capsys: pytest.CaptureFixture[str], name: str) -> str:
    code = main(["fix", "--write", "--no-progress", name])
    capsys.readouterr()
    assert code in (0, 1)
    return (folder / name).read_text(encoding="utf-8-sig")


def test_fix_write_edits_a_links_target_and_keeps_the_link(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "real").mkdir()
    (folder / "draft.md").rename(folder / "real" / "draft.md")
    (folder / "draft.md").symlink_to(folder / "real" / "draft.md")
    text = fix(folder, capsys, "draft.md")
    assert "Rosa" not in text
    assert (folder / "draft.md").is_symlink()
    assert (folder / "real" / "draft.md").read_text(encoding="utf-8") == text


def test_fix_write_keeps_hard_links_bom_and_mode(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = folder / "draft.md"
    draft.write_bytes(b"\xef\xbb\xbf" + draft.read_bytes())
    draft.chmod(0o640)
    os.link(draft, folder / "other-name.md")
    inode = draft.stat().st_ino
    text = fix(folder, capsys, "draft.md")
    assert "Rosa" not in text
    assert draft.read_bytes().startswith(b"\xef\xbb\xbf")
    assert stat.S_IMODE(draft.stat().st_mode) == 0o640
    assert draft.stat().st_ino == inode and (folder / "other-name.md").read_bytes() == draft.read_bytes()


def test_fix_write_keeps_mode_and_bom_without_links(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = folder / "draft.md"
    draft.write_bytes(b"\xef\xbb\xbf" + draft.read_bytes())
    draft.chmod(0o600)
    text = fix(folder, capsys, "draft.md")
    assert "Rosa" not in text
    assert draft.read_bytes().startswith(b"\xef\xbb\xbf") and stat.S_IMODE(draft.stat().st_mode) == 0o600


@pytest.mark.skipif(os.getuid() != 0, reason="only root can give a file to another owner")
def test_fix_write_keeps_the_owner(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = folder / "draft.md"
    os.chown(draft, 65534, 65534)
    text = fix(folder, capsys, "draft.md")
    assert "Rosa" not in text
    assert (draft.stat().st_uid, draft.stat().st_gid) == (65534, 65534)
