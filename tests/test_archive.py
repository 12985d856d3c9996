"""`phiguard audit`: archives of posts (.jsonl, .csv) streamed, in order, with -j workers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from phiguard.cli import main
from phiguard.config import Config
from phiguard.engine.linter import Linter
from phiguard.inputs import DraftPost
from phiguard.models import Post
from phiguard.run.audit import CHUNK, audit, iter_archive

POSTS = [
    {"id": "a1", "text": "Free flu shots Saturday in the main lobby!"},
    {"id": "a2", "text": "Welcome home, Rosalind! Her new knee is working wonders since March."},
    {"id": "a3", "texto": "Nuestro paciente Iker se va hoy a casa tras tres semanas en la UCI.", "lang": "es"},
    {"id": "a4", "text": "@tina_r halve your warfarin until the bruising stops."},
]


def _jsonl(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "archive.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_audit_reports_each_post_by_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _jsonl(tmp_path, POSTS)
    assert main(["audit", "--no-progress", "--format", "jsonl", str(path)]) == 1
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert {r["line"] for r in records if r["severity"] != "info"} == {2, 3, 4}
    assert {r["rule"] for r in records if r["line"] == 4} >= {"ADV001"}
    assert {r["post"] for r in records} == {None}  # an id field may be PHI: shown with --show-ids
    assert all("Rosalind" not in r["value"] for r in records)  # masked
    assert "4 post(s) audited, 3 with findings" in err


def test_csv_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "archive.csv"
    path.write_text('id,message\nb1,"Free BP checks on Tuesday"\nb2,"Congrats Dr. Osei!"\n', encoding="utf-8")
    assert main(["audit", "--no-progress", str(path)]) == 0
    assert "2 post(s) audited, 0 with findings" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "name", "needle"),
    [
        ('{"text": "ok"}\nnot json\n', "bad.jsonl", "bad.jsonl:2: invalid JSON"),
        ('{"text": "ok"}\n{"body": false}\n', "bad.jsonl", "bad.jsonl:2: no text field"),
        ("just text", "posts.xlsx", "not a format phiguard reads"),
    ],
)
def test_unreadable_archives_stop_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, name: str, needle: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["audit", "--no-progress", str(path)]) == 2
    assert needle in capsys.readouterr().err


def test_audit_reads_the_archive_lazily() -> None:
    """Constant memory: the first reports come back after one chunk is read, not the whole archive."""
    pulled = 0

    def posts() -> Iterator[DraftPost]:
        nonlocal pulled
        for i in range(10 * CHUNK):
            pulled += 1
            yield DraftPost(Post(text="Free flu shots Saturday!", lang="en"), {}, i + 1)

    first = next(iter(audit(posts(), Linter(Config()))))
    assert first[0].line == 1 and pulled <= CHUNK + 1


@pytest.mark.slow
def test_workers_give_the_same_findings_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _jsonl(tmp_path, POSTS * 150)  # 600 posts: three chunks
    main(["audit", "--no-progress", "--format", "jsonl", str(path)])
    one = capsys.readouterr().out
    main(["audit", "--no-progress", "--format", "jsonl", "-j", "2", str(path)])
    assert capsys.readouterr().out == one


def test_iter_archive_takes_lang_and_id(tmp_path: Path) -> None:
    posts = list(iter_archive(_jsonl(tmp_path, POSTS)))
    assert [p.post.id for p in posts] == ["a1", "a2", "a3", "a4"]
    assert posts[2].post.lang == "es" and posts[0].post.lang is None
