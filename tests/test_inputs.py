"""phiguard.inputs: one reader per draft format, used by `check` and `audit` alike."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from phiguard.cli import main
from phiguard.errors import InputError
from phiguard.inputs import FOLDER_SUFFIXES, READERS, load_draft, reader_for
from phiguard.run.audit import iter_archive

FIXTURES = Path(__file__).parent / "fixtures"

BODY = "Welcome home, Rosalind! Her new knee is working wonders since March."
CAPTION = "Rosalind Whitcombe on her first walk after surgery"
ALT = "Rosalind in room 12 with her nurse"

# One post (body, caption, alt text) written in every draft format a user may keep drafts in.
DRAFTS = {
    "post.md": f"---\ncaption: {CAPTION}\nalt: {ALT}\n---\n{BODY}\n",
    "post.txt": f"{BODY}\n",
    "post.json": json.dumps({"id": "p1", "text": BODY, "caption": CAPTION, "alt_text": ALT}),
    "post.yaml": f"posts:\n  - id: p1\n    text: {BODY}\n    caption: {CAPTION}\n    alt: {ALT}\n",
    "post.csv": f'id,message,caption,alt_text\np1,"{BODY}","{CAPTION}","{ALT}"\n',
    "post.jsonl": json.dumps({"id": "p1", "text": BODY, "caption": CAPTION, "alt_text": ALT}) + "\n",
}


def _key(item: dict[str, object]) -> tuple[object, ...]:
    return (item["rule"], item["scope"], item["severity"], item["entity"], item["value"])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DRAFTS))
def test_every_format_gives_the_same_findings_under_check_and_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = tmp_path / name
    path.write_text(DRAFTS[name], encoding="utf-8")
    checked = main(["check", "--no-progress", "--no-images", "--format", "json", str(path)])
    by_check = Counter(_key(i) for i in json.loads(capsys.readouterr().out))
    audited = main(["audit", "--no-progress", "--no-images", "--format", "jsonl", str(path)])
    by_audit = Counter(_key(json.loads(line)) for line in capsys.readouterr().out.splitlines())
    assert checked == audited == 1
    assert by_check == by_audit
    scopes = {scope for _, scope, *_ in by_check}
    assert scopes >= ({"body"} if name == "post.txt" else {"body", "caption[0]", "alt[0]"})


@pytest.mark.slow
def test_audit_of_a_csv_reads_its_alt_text_column_as_check_does(capsys: pytest.CaptureFixture[str]) -> None:
    """The bug: `audit` read the text column only, so the alt text's room number went unreported."""
    sheet = str(FIXTURES / "cli" / "schedule.csv")
    assert main(["check", "--no-progress", "--format", "json", sheet]) == 1
    by_check = {(i["rule"], i["scope"]) for i in json.loads(capsys.readouterr().out)}
    assert main(["audit", "--no-progress", "--format", "jsonl", sheet]) == 1
    by_audit = {(r["rule"], r["scope"]) for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert by_audit == by_check and ("PHI053", "alt[0]") in by_audit


# -- the records every reader gives ---------------------------------------------------------------------
def test_a_record_is_read_the_same_way_in_every_format(tmp_path: Path) -> None:
    for name, source in DRAFTS.items():
        if name in ("post.md", "post.txt"):
            continue
        (post,) = load_draft(name, source).posts
        assert post.post.id == "p1", name
        assert (post.post.text, post.post.captions, post.post.alt_texts) == (BODY, (CAPTION,), (ALT,)), name
        assert [p.post for p in iter_archive(_write(tmp_path, name, source))] == [post.post], name


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_first_filled_text_field_is_the_body_and_others_are_captions() -> None:
    source = json.dumps({"text": " ", "message": "Congrats Dr. Osei!", "copy": "Second text", "lang": "en-US"})
    (post,) = load_draft("x.jsonl", source).posts
    assert (post.post.text, post.post.captions, post.post.lang) == ("Congrats Dr. Osei!", ("Second text",), "en")
    assert post.post.id == "x.jsonl:1"  # no id field: its place in the file


def test_jsonl_positions_point_at_the_characters_in_the_line() -> None:
    source = '{"id": "q", "text": "Hi \\"Rosa\\", bed 3"}\n{"text": "caf\\u00e9 Ana"}\n'
    draft = load_draft("a.jsonl", source)
    first, second = draft.posts
    assert first.post.text == 'Hi "Rosa", bed 3'
    at = first.post.text.index("Rosa")
    assert draft.position(first, "body", at) == (1, source.index("Rosa") + 1)
    assert draft.position(second, "body", second.post.text.index("Ana")) == (2, source.splitlines()[1].index("Ana") + 1)


def test_several_images_in_one_field_each_point_at_their_own_start() -> None:
    source = "text,image\nFree BP checks,a.jpg; b.jpg\n"
    draft = load_draft("drafts/s.csv", source)
    (post,) = draft.posts
    assert post.post.images == ("drafts/a.jpg", "drafts/b.jpg")
    assert draft.position(post, "image[1]", 0) == (2, source.splitlines()[1].index("b.jpg") + 1)


@pytest.mark.parametrize(
    ("name", "source", "needle"),
    [
        ("a.jsonl", '{"text": "ok"}\n{"body": true}\n', "a.jsonl:2: no text field"),
        ("a.jsonl", '{"text": "ok", "images": [false]}\n', "a.jsonl:1: an image reference that is a boolean"),
        ("a.yaml", "- text: ok\n  images:\n    - path: {a: b}\n", "a.yaml:3: an image path that is not text"),
        ("a.csv", "id,note\n1,hello\n", "no column with the post text"),
        ("a.csv", "text\nhello,extra\n", "a.csv:2: more cells than the header has columns"),
        ("a.json", '{"text": "ok", "lang": "pt"}', "unsupported language"),
    ],
)
def test_what_a_reader_cannot_read_is_an_error_naming_the_place(name: str, source: str, needle: str) -> None:
    with pytest.raises(InputError) as caught:
        load_draft(name, source)
    assert needle in caught.value.message


def test_the_registry_names_each_suffix_once_and_archives_are_not_walked_into() -> None:
    suffixes = [s for r in READERS for s in r.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert ".jsonl" not in FOLDER_SUFFIXES and ".md" in FOLDER_SUFFIXES
    assert reader_for("X.CSV") is reader_for("y.csv") and reader_for("z.docx") is None
