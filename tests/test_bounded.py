"""Bounded, deterministic time (issue 27, item 7): every external program runs with a time limit and its
whole process group is killed; a limit that fires fails the post with a coded error, never returns
fewer findings; hostile runs of punctuation, emoji or zero-width characters are linted without error;
the same inputs give the same findings, byte for byte, on a loaded machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.imagekit import draw_lines
from tests.procs import running

from phiguard import Config, Linter, Post
from phiguard.config import ImageSettings
from phiguard.errors import PostError
from phiguard.programs import ProgramFailed, run

LANGS_OK = 'if [ "$1" = "--list-langs" ]; then printf "List of available languages (2):\\neng\\nspa\\n"; exit 0; fi\n'


def _program(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_a_program_past_its_time_is_killed_with_its_children(tmp_path: Path) -> None:
    script = _program(tmp_path, "hang", "sleep 777 &\nsleep 778\n")  # a child keeps the pipes open
    started = time.monotonic()
    with pytest.raises(ProgramFailed, match=r"did not finish within 0\.5 s"):
        run([script], 0.5)
    assert time.monotonic() - started < 10
    time.sleep(0.2)
    assert not running("sleep 777") and not running("sleep 778")


def test_a_tesseract_that_never_answers_its_probe_is_an_img001(tmp_path: Path) -> None:
    fake = _program(tmp_path, "tesseract", "sleep 779\n")
    image = tmp_path / "board.png"
    draw_lines(["Rosa Garcia bed 12"]).save(image)
    settings = ImageSettings(tesseract=fake, ocr_timeout=1, faces=False)
    started = time.monotonic()
    report = Linter(Config(images=settings)).lint(Post(text="Our team", images=(str(image),), lang="en"))
    assert time.monotonic() - started < 30
    (img,) = [f for f in report.findings if f.rule == "IMG001"]
    assert "does not answer" in img.message and "within 1 s" in img.message
    assert not running("sleep 779")


def test_an_ocr_that_hangs_is_stopped_and_the_image_named(tmp_path: Path) -> None:
    fake = _program(tmp_path, "tesseract", LANGS_OK + "sleep 780 &\nsleep 781\n")
    image = tmp_path / "board.png"
    draw_lines(["Rosa Garcia bed 12"]).save(image)
    settings = ImageSettings(tesseract=fake, ocr_timeout=1, faces=False)
    for lang in ("en", "es"):
        report = Linter(Config(images=settings)).lint(Post(text="Our team", images=(str(image),), lang=lang))
        (img,) = [f for f in report.findings if f.rule == "IMG001"]
        assert img.severity.value == "error" and "did not finish within 1 s" in img.message
    time.sleep(0.2)
    assert not running("sleep 780") and not running("sleep 781")


HOSTILE = {
    "sentences": ". " * 5000,
    "questions": "? " * 5000,
    "ellipses": "... " * 2500,
    "bangs": "!" * 10_000,
    "emoji": "😀" * 5000,
    "zero-width": "a\u200b" * 5000,
    "joiners": "\u200d" * 10_000,
    "mixed": "!?.,;:😀\u200b " * 1100,
    "digits": "1." * 5000,
}


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_runs_are_linted_not_refused(linter: Linter, name: str) -> None:
    """10 KB of one kind of character: checked (no PG201, no PostError), in both languages. Linear time
    is measured in bench/, not here; the timeout only guards against a hang."""
    text = HOSTILE[name]
    for lang in ("en", "es"):
        report = linter.lint(f"Welcome home, Rosa Garcia! {text} Room 12.", lang=lang)
        assert {f.rule for f in report.findings} >= {"PHI053"}


def test_a_pattern_presidio_gives_up_on_fails_the_post(monkeypatch: pytest.MonkeyPatch) -> None:
    """Presidio skips a pattern whose regex times out (and logs it); phiguard fails the post instead."""
    import presidio_analyzer.pattern_recognizer as presidio

    linter = Linter()
    linter.lint("warm up https://example.org", lang="en")
    monkeypatch.setattr(presidio, "REGEX_TIMEOUT_SECONDS", 1e-9)
    with pytest.raises(PostError, match="ran past its time limit"):
        linter.lint("Her blog is https://rosa-garcia-recovery.example.com/updates", lang="en")


LOAD = """
import time
end = time.time() + 600
while time.time() < end:
    sum(i * i for i in range(10_000))
"""


def _findings(reports: object) -> str:
    return json.dumps([[f.model_dump(mode="json") for f in r.findings] for r in reports], sort_keys=True)  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_same_inputs_give_the_same_findings_under_load(linter: Linter) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    posts = [json.loads(line)["text"] for line in (fixtures / "corpus.jsonl").read_text("utf-8").splitlines()]
    posts += [f"Welcome home, Rosa! {t[:2000]} Room 12." for t in HOSTILE.values()]
    quiet = _findings(linter.lint_many(posts))
    burners = [subprocess.Popen([sys.executable, "-c", LOAD]) for _ in range(max(2, os.cpu_count() or 2))]
    try:
        loaded = _findings(linter.lint_many(posts))
    finally:
        for b in burners:
            b.kill()
            b.wait()
    assert loaded == quiet


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_cpu_budget_stops_a_huge_post_when_it_is_spent(tmp_path: Path) -> None:
    """post-cpu-seconds counts the parse too (in batches of at most 50,000 characters), so a huge post is
    stopped when its budget is spent, not after its whole parse (a 2 MB post took 70 s and 5 GB)."""
    sentence = "Welcome home, Rosa Garcia! Her new knee is working wonders since March. Room 12. "
    linter = Linter(Config(max_post_chars=5_000_000, post_cpu_seconds=2))
    started = time.process_time()
    with pytest.raises(PostError, match="post-cpu-seconds"):
        linter.lint(Post(text=sentence * 12_000, lang="en"))  # about 1 MB
    assert time.process_time() - started < 60
