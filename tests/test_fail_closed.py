"""Fail closed everywhere (issue 14): every kind of hostile or careless input ends in exit 2 with a
coded message that names the file and the limit but none of the values in it, or is checked after
all; nothing ends in a traceback (exit 1 would read as "findings") or in a silent exit 0."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.procs import alive, children

from phiguard.cli import main

NAMES = ("Rosa", "Garcia", "555-0142", "Wendeline")  # what the hostile files below are full of


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run(capsys, "check", "--no-progress", *argv)


def assert_refused(code: int, err: str, *expected: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert "phiguard: error: PG" in err
    for text in expected:
        assert text in err, err
    for name in NAMES:
        assert name not in err, f"{name!r} leaked into: {err}"


# -- 1. one top-level guard --------------------------------------------------------------------------
def test_an_unexpected_exception_is_exit_2_with_a_code_and_no_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    draft = tmp_path / "post.md"
    draft.write_text("Welcome home, Rosa Garcia!\n", encoding="utf-8")

    def boom(*args: object, **kwargs: object) -> object:
        raise ValueError("Rosa Garcia 555-0142")  # an internal error whose message carries PHI

    monkeypatch.setattr("phiguard.run.check.load_draft", boom)
    code, _, err = check(capsys, str(draft))
    assert_refused(code, err, "PG900", "internal error", "ValueError", "--debug")
    code, _, err = check(capsys, "--debug", str(draft))
    assert code == 2 and "Traceback" in err  # the traceback only when asked for


@pytest.mark.parametrize(
    "table",
    ['select = ["ADV"]', 'ignore = ["PHI"]', 'select = ["CON"]', 'ignore = ["PHI002", "PHI051"]', 'select = ["IMG"]'],
)
def test_any_select_or_ignore_runs(capsys: pytest.CaptureFixture[str], tmp_path: Path, table: str) -> None:
    (tmp_path / "phiguard.toml").write_text(table + "\n", encoding="utf-8")
    draft = tmp_path / "post.md"
    draft.write_text("@tina_r halve your warfarin. Welcome home, Rosa Garcia! Bed 3, MRN 4471920.\n", encoding="utf-8")
    code, _, err = check(capsys, "--config", str(tmp_path / "phiguard.toml"), str(draft))
    assert code in (0, 1), err
    assert "Traceback" not in err


# -- 2. bounded input --------------------------------------------------------------------------------
def test_deep_nesting_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    deep_json = tmp_path / "deep.json"
    deep_json.write_text("[" * 600 + '"Rosa Garcia"' + "]" * 600, encoding="utf-8")
    assert_refused(*check(capsys, str(deep_json))[::2], "deep.json", "nested")
    deep_yaml = tmp_path / "deep.yaml"
    deep_yaml.write_text("text: Rosa\nx: " + "[" * 600 + "1" + "]" * 600 + "\n", encoding="utf-8")
    assert_refused(*check(capsys, str(deep_yaml))[::2], "deep.yaml", "nested")


BOMB = """---
a: &a ["Rosa Garcia", "Rosa Garcia", "Rosa Garcia", "Rosa Garcia", "Rosa Garcia", "Rosa Garcia"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: [*g, *g, *g, *g, *g, *g, *g, *g, *g]
---
Welcome home!
"""


def test_a_yaml_alias_bomb_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    draft = tmp_path / "bomb.md"
    draft.write_text(BOMB, encoding="utf-8")
    assert_refused(*check(capsys, str(draft))[::2], "bomb.md", "alias", "line 3")
    ledger = tmp_path / "ledger.yaml"
    ledger.write_text(BOMB.split("---")[1], encoding="utf-8")
    (tmp_path / "phiguard.toml").write_text('consent-ledger = "ledger.yaml"\n', encoding="utf-8")
    clean = tmp_path / "clean.md"
    clean.write_text("Free BP checks on Tuesday.\n", encoding="utf-8")
    assert_refused(*check(capsys, "--config", str(tmp_path / "phiguard.toml"), str(clean))[::2], "ledger.yaml", "alias")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_or_a_link_to_one_is_not_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert_refused(*check(capsys, "/dev/zero")[::2], "/dev/zero", "not a regular file")
    link = tmp_path / "draft.md"
    link.symlink_to("/dev/zero")
    assert_refused(*check(capsys, str(link))[::2], "draft.md", "not a regular file")


def test_a_draft_over_the_size_limit_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "phiguard.toml").write_text("max-draft-bytes = 1000\n", encoding="utf-8")
    big = tmp_path / "big.md"
    big.write_text("Welcome home, Rosa Garcia! " * 100, encoding="utf-8")
    assert_refused(*check(capsys, "--config", str(tmp_path / "phiguard.toml"), str(big))[::2], "big.md", "1,000 bytes")


def test_front_matter_dates_and_binary_keys_give_valid_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    draft = tmp_path / "odd.md"
    draft.write_text(
        "---\n2024-01-01: x\nblob: !!binary aGVsbG8=\n? !!binary aGk=\n: y\n---\nFree BP checks.\n", encoding="utf-8"
    )
    code, out, err = check(capsys, "--format", "json", str(draft))
    assert code in (0, 1), err
    json.loads(out)


def test_huge_integers_and_lone_surrogates(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    archive = tmp_path / "posts.jsonl"
    archive.write_text(
        json.dumps({"id": "1", "text": "Free BP checks"})[:-1] + ', "n": ' + "9" * 5000 + "}\n", encoding="utf-8"
    )
    code, _, err = run(capsys, "audit", "--no-progress", str(archive))
    assert code in (0, 1) and "Traceback" not in err, err
    draft = tmp_path / "s.json"
    draft.write_text('{"text": "Welcome home, Rosa \\ud800 Garcia!"}', encoding="utf-8")
    code, out, err = check(capsys, "--format", "html", str(draft))
    assert code in (0, 1), err
    assert "<html" in out.lower()


def test_an_output_path_in_a_missing_folder_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    archive = tmp_path / "posts.jsonl"
    archive.write_text(json.dumps({"id": "1", "text": "Welcome home, Rosa Garcia!"}) + "\n", encoding="utf-8")
    missing = tmp_path / "nope" / "x.jsonl"
    assert_refused(*run(capsys, "audit", "--no-progress", "-o", str(missing), str(archive))[::2], "x.jsonl")
    draft = tmp_path / "post.md"
    draft.write_text("Welcome home, Rosa Garcia!\n", encoding="utf-8")
    assert_refused(*check(capsys, "-o", str(missing), str(draft))[::2], "x.jsonl")


# -- 3. every file validated -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "items",
    [
        [{"fingerprint": "a" * 32, "rule": "PHI001", "count": "abc"}],
        [{"fingerprint": "a" * 32, "rule": "PHI001", "count": 1e999}],
        [{"rule": "PHI001", "count": 1}],
        ["Rosa Garcia"],
    ],
)
def test_a_baseline_with_wrong_types_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, items: list[object]
) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"version": 3, "findings": items}).replace("Infinity", "1e999"), encoding="utf-8")
    draft = tmp_path / "post.md"
    draft.write_text("Welcome home, Rosa Garcia!\n", encoding="utf-8")
    assert_refused(*check(capsys, "--baseline", str(baseline), str(draft))[::2], "baseline.json", "findings")


def test_a_version_1_baseline_says_how_to_migrate(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"version": 1, "findings": []}), encoding="utf-8")
    draft = tmp_path / "post.md"
    draft.write_text("Free BP checks.\n", encoding="utf-8")
    assert_refused(*check(capsys, "--baseline", str(baseline), str(draft))[::2], "version 1", "baseline update")


LEDGER_HEAD = "id,patient,scope,signed,expires,revoked\n"


@pytest.mark.parametrize(
    ("ledger", "front"),
    [
        (LEDGER_HEAD + "C-1,Rosa Garcia,name,2024-01-01,,,555-0142,extra\n", ""),  # a row with extra cells
        (LEDGER_HEAD + "C-1,Rosa Garcia,name,not-a-date-Rosa,,\n", ""),
        ("", "consent:\n  - id: C-9\n    patient: Rosa Garcia\n    scope: 7\n"),  # a scope given as an integer
        ("", "consent:\n  - id: C-9\n    patient: Rosa Garcia\n    signed: 555-0142\n"),
    ],
)
def test_bad_ledgers_and_consent_records_name_the_row_not_the_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger: str, front: str
) -> None:
    argv = []
    if ledger:
        (tmp_path / "ledger.csv").write_text(ledger, encoding="utf-8")
        (tmp_path / "phiguard.toml").write_text('consent-ledger = "ledger.csv"\n', encoding="utf-8")
        argv = ["--config", str(tmp_path / "phiguard.toml")]
    draft = tmp_path / "post.md"
    draft.write_text((f"---\n{front}---\n" if front else "") + "Welcome home, Rosa Garcia!\n", encoding="utf-8")
    code, _, err = check(capsys, *argv, str(draft))
    assert_refused(code, err, "ledger.csv: row 2" if ledger else "consent[0]")


def test_yaml_errors_quote_positions_not_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    draft = tmp_path / "post.md"
    draft.write_text("---\ncaption: Rosa Garcia\n  phone: 555-0142: *Wendeline\n---\nHi\n", encoding="utf-8")
    assert_refused(*check(capsys, str(draft))[::2], "post.md", "line 3")


# -- 5. nothing silently skipped ---------------------------------------------------------------------
def test_an_unreadable_subfolder_is_an_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    locked = tmp_path / "drafts" / "locked"
    locked.mkdir(parents=True)
    (locked / "post.md").write_text("Welcome home, Rosa Garcia!\n", encoding="utf-8")
    (tmp_path / "drafts" / "ok.md").write_text("Free BP checks.\n", encoding="utf-8")
    real_scandir = os.scandir

    def denied(path: str = ".") -> object:  # as for a folder without read permission (tests may run as root)
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    assert_refused(*check(capsys, str(tmp_path / "drafts"))[::2], "locked", "cannot read")


def test_binary_standard_input_is_refused(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\x00\x01\x02Rosa\xff\xfe"), encoding="utf-8"))
    assert_refused(*check(capsys, "-")[::2], "<stdin>")


def test_every_text_column_and_key_is_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    csv_draft = tmp_path / "schedule.csv"
    csv_draft.write_text(
        "text,text\nFree BP checks,Welcome home Rosa Garcia! Her new knee is great.\n", encoding="utf-8"
    )
    code, out, err = check(capsys, "--format", "json", str(csv_draft))
    assert code == 1 or "text" in err, err  # the second column is checked, or refused
    archive = tmp_path / "posts.jsonl"
    archive.write_text(
        json.dumps({"id": "1", "Text": "Free BP checks", "message": "Welcome home, Rosa Garcia! Her knee is healing."})
        + "\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "audit", "--no-progress", "--format", "jsonl", str(archive))
    assert code == 2 or any(json.loads(line)["rule"].startswith(("PHI", "CON")) for line in out.splitlines()), err


# -- 4. no PHI anywhere by default --------------------------------------------------------------------
def test_a_fingerprint_cannot_be_brute_forced_from_its_masked_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import hashlib

    from phiguard.run.baseline import fingerprint

    draft = tmp_path / "post.md"
    draft.write_text("Welcome home, Rosa Garcia! Her new knee is working wonders.\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", "create", str(draft), "--baseline", str(baseline)]) == 0
    capsys.readouterr()
    accepted = {item["fingerprint"] for item in json.loads(baseline.read_text(encoding="utf-8"))["findings"]}
    assert accepted
    # the attacker knows the rule, the path, the masked value "R*** G*****" and a list of names: every
    # way the old scheme (or any hash of the value) could be built gives nothing back
    guesses = [f"{a} {b}" for a in ("Rosa", "Rita", "Rosa-Maria") for b in ("Garcia", "Gomez", "Garcia Lopez")]
    for rule in ("PHI001", "PHI002", "CON001"):
        for guess in guesses:
            old = "\x1f".join((rule, draft.as_posix(), " ".join(guess.casefold().split()))).encode()
            assert hashlib.sha256(old).hexdigest()[:32] not in accepted
            assert fingerprint(rule, str(draft), guess) not in accepted
            assert fingerprint(rule, str(draft), guess.casefold()) not in accepted
    assert "Rosa" not in baseline.read_text(encoding="utf-8")


def test_two_equal_findings_on_different_lines_have_different_fingerprints(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    draft = tmp_path / "post.md"
    draft.write_text("Welcome home, Rosa Garcia!\n\nRosa Garcia, we will miss you on 4 West.\n", encoding="utf-8")
    _code, out, _ = check(capsys, "--format", "json", str(draft))
    items = [i for i in json.loads(out) if i["rule"].startswith("PHI00")]
    assert len(items) >= 2
    assert len({i["fingerprint"] for i in items}) == len(items)


def test_evidence_and_json_output_hold_no_names(tmp_path: Path) -> None:
    from phiguard import Linter, Post

    post = Post(
        text="Free BP checks on Tuesday at the main lobby.",
        metadata={"consent": [{"id": "C-1", "patient": "Wendeline Ashcroft", "scope": "name"}]},
    )
    report = Linter().lint(post)
    dumped = report.model_dump_json()
    assert any(f.rule == "CON005" for f in report.findings)
    assert "Wendeline" not in dumped and "Ashcroft" not in dumped


def test_lint_many_of_a_wrong_type_names_the_type_not_the_content() -> None:
    from phiguard import Linter

    with pytest.raises(TypeError) as info:
        list(Linter().lint_many([{"text": "Welcome home, Rosa Garcia!"}]))  # type: ignore[list-item]
    assert "dict" in str(info.value) and "Rosa" not in str(info.value)


def test_control_characters_in_paths_cannot_inject_log_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    draft = tmp_path / "post.md"
    draft.write_text("![Rosa](x.png\n::error file=x::owned)\nWelcome home, Rosa Garcia!\n", encoding="utf-8")
    _code, out, _ = check(capsys, "--no-images", str(draft))
    assert not any(line.startswith("::") for line in out.splitlines())
    weird = tmp_path / "a\nb::error file=x::owned.md"
    weird.write_text("Welcome home, Rosa Garcia!\n", encoding="utf-8")
    _code, out, err = check(capsys, str(weird))
    assert not any(line.startswith("b::") for line in (out + err).splitlines())
    assert "\\n" in out


# -- 5. images: every shape read, nothing outside the drafts' folder opened ---------------------------
def test_image_shapes_are_read_or_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    nested = tmp_path / "nested.md"
    nested.write_text('---\nimages: [["missing.jpg"]]\n---\nFree BP checks.\n', encoding="utf-8")
    _code, out, _ = check(capsys, "--format", "json", str(nested))
    assert any(i["rule"] == "IMG001" for i in json.loads(out))  # the nested path is read (and missing)
    archive = tmp_path / "posts.jsonl"
    archive.write_text(json.dumps({"id": "1", "text": "Free BP checks", "images": {"path": "missing.jpg"}}) + "\n")
    _code, out, err = run(capsys, "audit", "--no-progress", "--format", "jsonl", str(archive))
    assert any(json.loads(line)["rule"] == "IMG001" for line in out.splitlines()), err
    archive.write_text(json.dumps({"id": "1", "text": "Free BP checks", "images": True}) + "\n")
    assert_refused(*run(capsys, "audit", "--no-progress", str(archive))[::2], "posts.jsonl:1", "image")
    archive.write_text(json.dumps({"id": "1", "text": "Free BP checks", "images": 7}) + "\n")  # a number is text
    code, out, err = run(capsys, "audit", "--no-progress", "--format", "jsonl", str(archive))
    assert code == 1 and any(json.loads(line)["rule"] == "IMG001" for line in out.splitlines()), err


def test_images_outside_the_drafts_folder_are_not_opened(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"not really a png")
    (drafts / "a.md").write_text("![x](../secret.png)\n![y](/etc/passwd)\nFree BP checks.\n", encoding="utf-8")
    (drafts / "link.png").symlink_to(outside)
    (drafts / "b.md").write_text("![z](link.png)\nFree BP checks.\n", encoding="utf-8")
    _code, out, _err = check(capsys, "--format", "json", str(drafts))
    problems = [i for i in json.loads(out) if i["rule"] == "IMG001"]
    assert len(problems) == 3, out
    assert all("outside the drafts' folder" in i["message"] for i in problems)
    (tmp_path / "phiguard.toml").write_text('[images]\nroots = ["."]\n', encoding="utf-8")
    _code, out, _err = check(capsys, "--config", str(tmp_path / "phiguard.toml"), "--format", "json", str(drafts))
    messages = [i["message"] for i in json.loads(out) if i["rule"] == "IMG001"]
    assert sum("outside" in m for m in messages) == 1  # /etc/passwd stays outside; ../secret.png is allowed now


def test_redact_image_never_writes_over_an_original(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    first, second = tmp_path / "a.png", tmp_path / "a.redacted.png"
    for p in (first, second):
        Image.new("RGB", (8, 8), "white").save(p)
    before = second.read_bytes()
    assert main(["redact-image", "--no-ocr", str(first), str(second)]) == 2  # a's copy would be the second original
    assert second.read_bytes() == before
    hard = tmp_path / "hard.png"
    os.link(first, hard)
    assert main(["redact-image", "--no-ocr", "-o", str(hard), str(first)]) == 2
    soft = tmp_path / "soft.png"
    soft.symlink_to(first)
    assert main(["redact-image", "--no-ocr", "-o", str(soft), str(first)]) == 2
    assert main(["redact-image", "--no-ocr", "--suffix", "/../../x", str(first)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "a file this run reads" in err and "symbolic link" in err and "--suffix" in err


# -- 8. processes -------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_sigterm_of_a_parallel_audit_stops_its_workers(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    archive = tmp_path / "posts.jsonl"
    with archive.open("w", encoding="utf-8") as fh:
        for n in range(20_000):
            fh.write(json.dumps({"id": str(n), "text": f"Welcome home, Rosa Garcia! Room {n}."}) + "\n")
    out = tmp_path / "findings.jsonl"
    cmd = [sys.executable, "-m", "phiguard.cli", "audit", "--no-progress", "-j", "2", "--format", "jsonl"]
    proc = subprocess.Popen([*cmd, "-o", str(out), str(archive)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (out.exists() and out.stat().st_size > 0):
        time.sleep(0.5)
    workers = children(proc.pid)
    assert workers, "the audit started no workers"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert "PG901" in err and "Traceback" not in err and "the last at line" in err
    time.sleep(1)
    left = [w for w in workers if alive(w)]
    assert not left, f"workers left running: {left}"
    for line in out.read_text(encoding="utf-8").splitlines():
        json.loads(line)  # every line written is whole


def test_an_image_whose_alt_text_spans_lines_of_a_quote_or_list_is_opened(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for body in ("> ![Rosa\n> Garcia in bed 3](missing.jpg)\n", "- ![Rosa\n  Garcia *smiling*](missing.jpg)\n"):
        draft = tmp_path / "post.md"
        draft.write_text(body + "Free BP checks.\n", encoding="utf-8")
        _code, out, err = check(capsys, "--format", "json", str(draft))
        rules = {i["rule"] for i in json.loads(out)}
        assert "IMG001" in rules, (body, out, err)  # the image is opened (it is missing)
        assert rules & {"PHI001", "PHI002", "CON001"}, (body, out)  # and its alt text checked


def test_a_png_text_chunk_over_pillows_limit_is_an_unchecked_image(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import struct
    import zlib

    from PIL import Image, PngImagePlugin

    path = tmp_path / "bomb.png"
    Image.new("RGB", (4, 4), "white").save(path)
    data = path.read_bytes()
    text = zlib.compress(b"Rosa Garcia " * (PngImagePlugin.MAX_TEXT_CHUNK // 6))
    payload = b"Comment\x00\x00" + text
    chunk = struct.pack(">I", len(payload)) + b"zTXt" + payload
    chunk += struct.pack(">I", zlib.crc32(b"zTXt" + payload) & 0xFFFFFFFF)
    path.write_bytes(data[:33] + chunk + data[33:])  # after the IHDR chunk
    draft = tmp_path / "post.md"
    draft.write_text("![x](bomb.png)\nFree BP checks.\n", encoding="utf-8")
    code, out, err = check(capsys, "--format", "json", str(draft))
    assert code == 1 and "Traceback" not in err
    assert any(i["rule"] == "IMG001" for i in json.loads(out))


@pytest.mark.ocr
def test_tesseract_output_that_is_not_utf8_is_an_unchecked_image(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PIL import Image

    from phiguard import programs

    real = programs.run

    def garbled(args: list[str], timeout: float, stdin: bytes | None = None) -> programs.Done:
        if "--list-langs" in args:
            return real(args, timeout, stdin)
        return programs.Done(0, b"level\ttext\n5\t\xff\xfeRosa\n", b"")  # Tesseract's non-UTF-8 bytes

    monkeypatch.setattr(programs, "run", garbled)
    Image.new("RGB", (40, 40), "white").save(tmp_path / "ward.png")
    draft = tmp_path / "post.md"
    draft.write_text("![x](ward.png)\nFree BP checks.\n", encoding="utf-8")
    code, out, err = check(capsys, "--no-faces", "--format", "json", str(draft))
    assert code == 1 and "Traceback" not in err
    assert any(i["rule"] == "IMG001" and "UTF-8" in i["message"] for i in json.loads(out))


def test_a_masked_value_never_reads_back_as_the_value() -> None:
    from phiguard.models import mask

    for value in ("Rosa Díaz", "R", "*", "a*", "a* b*", "4471920", "@tina_r"):
        assert mask(value) != value
    assert mask("Rosa Díaz") == "R*** D***"
