"""Nothing skipped (issue 27, item 5): the text fields exports really carry are checked, numbers in text
fields are text, any other field with text is named as unchecked, `<img>` tags and image titles attach
and are read, every frame of an image is read (or the run says which were not), and metadata past its
bound is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from tests.imagekit import draw_lines

from phiguard.cli import main
from phiguard.inputs import load_draft
from phiguard.inputs.draft import ReadOptions

NAME = {"en": "Rosa Garcia", "es": "Rosa García"}
BED = {"en": "bed 12", "es": "cama 12"}


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, object]], str]:
    code = main(["check", "--no-progress", "--format", "json", *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def scopes(items: list[dict[str, object]], rule: str) -> set[str]:
    return {str(i["scope"]) for i in items if i["rule"] == rule}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_text_fields_of_exports_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    greeting = {"en": "Welcome home", "es": "Bienvenida a casa"}[lang]
    post = {
        "id": "a1",
        "lang": lang,
        "text": "Thanks to our amazing team!" if lang == "en" else "¡Gracias a nuestro equipo!",
        "title": f"{greeting}, {NAME[lang]}",
        "first_comment": f"{NAME[lang]}, {BED[lang]}",
        "replies": [{"author": "@tina_r", "text": f"{NAME[lang]} {BED[lang]}"}, f"{NAME[lang]}!"],
        "link_preview": {"title": f"{NAME[lang]} {BED[lang]}", "url": "https://example-hospital.org/news"},
    }
    (tmp_path / "posts.json").write_text(json.dumps([post], ensure_ascii=False), encoding="utf-8")
    (tmp_path / "posts.jsonl").write_text(json.dumps(post, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "sheet.csv").write_text(f"id,message,headline\n1,Hola,{greeting} {NAME[lang]} {BED[lang]}\n", "utf-8")
    code, items, _ = check(
        capsys, str(tmp_path / "posts.json"), str(tmp_path / "posts.jsonl"), str(tmp_path / "sheet.csv")
    )
    assert code == 1
    for path in ("posts.json", "posts.jsonl"):
        found = [i for i in items if str(i["path"]).endswith(path)]
        assert len({i["scope"] for i in found if i["rule"] == "PHI053"}) >= 3, found  # comment, reply, preview
        assert {i["line"] for i in found}  # placed in the file
    assert any(str(i["path"]).endswith("sheet.csv") and i["rule"] == "PHI053" for i in items)


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("a.json", '{"text": "Discharged today!", "caption": 5520417}'),
        ("a.yaml", "text: Discharged today!\ncaption: 5520417\n"),
        ("a.jsonl", '{"text": "Discharged today!", "caption": 5520417}\n'),
        ("a.md", "---\ncaption: 5520417\n---\nDischarged today!\n"),
    ],
)
def test_a_number_in_a_text_field_is_text(name: str, source: str) -> None:
    (post,) = load_draft(name, source).posts
    assert post.post.captions == ("5520417",)
    at = post.fields["caption[0]"].offsets[0]
    assert source[at : at + 7] == "5520417"  # placed at its own characters


def test_fields_no_list_names_are_named_as_unchecked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "d.md"
    draft.write_text("---\nlang: es\nsubtítulo: Rosa García en la cama 12\n---\n¡Gracias, equipo!\n", encoding="utf-8")
    export = tmp_path / "e.json"
    export.write_text('[{"text": "Hi all", "author_note": "Rosa Garcia approved"}]', encoding="utf-8")
    code, items, err = check(capsys, str(draft), str(export))
    assert "2 field(s) with text not checked" in err
    assert "subtítulo: " in err and "d.md:1" in err and "author_note: " in err
    assert "Rosa" not in err
    (tmp_path / "phiguard.toml").write_text('text-fields = ["subtítulo"]\nmetadata-fields = ["author_note"]\n', "utf-8")
    code, items, err = check(capsys, str(draft), str(export))
    assert code == 1 and "not checked" not in err
    assert "caption[0]" in scopes(items, "PHI053")  # the subtitle is read as a caption


def test_extra_text_fields_can_be_configured_for_the_reader() -> None:
    options = ReadOptions(text_fields=("nota",))
    (post,) = load_draft("a.json", '{"text": "Hola", "nota": "Rosa"}', options).posts
    assert post.post.captions == ("Rosa",) and post.unchecked == ()


def test_img_tags_and_image_titles_are_read(tmp_path: Path) -> None:
    source = 'Our team!\n\n![the team](a.jpg "Rosa Garcia in bed 12")\n\n<img src="b.png" alt="the ward">\n'
    (post,) = load_draft(str(tmp_path / "d.md"), source).posts
    assert post.post.images == (str(tmp_path / "a.jpg"), str(tmp_path / "b.png"))
    assert "Rosa Garcia in bed 12" in post.post.alt_texts
    assert "b.png" not in post.post.text and "the ward" in post.post.text  # the alt stays in the body
    assert source.index("b.png") == post.fields["image[1]"].offsets[0]


def _frames(path: Path, lines: list[str]) -> None:
    frames = [draw_lines([line]) for line in lines]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=500)


@pytest.mark.ocr
@pytest.mark.parametrize("suffix", [".gif", ".tiff", ".webp"])
def test_every_frame_of_an_image_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    _frames(tmp_path / f"card{suffix}", ["Happy holidays", "from all of us", "Rosa Garcia bed 12"])
    (tmp_path / "card.md").write_text(f"Holiday card!\n\n![card](card{suffix})\n", encoding="utf-8")
    code, items, _ = check(capsys, str(tmp_path / "card.md"))
    assert code == 1
    assert "image[0].frame3.text" in scopes(items, "PHI053")


@pytest.mark.ocr
def test_frames_past_the_limit_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _frames(tmp_path / "card.gif", ["Happy holidays", "from all of us", "Rosa Garcia bed 12"])
    (tmp_path / "card.md").write_text("Holiday card!\n\n![card](card.gif)\n", encoding="utf-8")
    (tmp_path / "phiguard.toml").write_text("[images]\nmax-frames = 2\n", encoding="utf-8")
    code, items, _ = check(capsys, str(tmp_path / "card.md"))
    assert code == 1
    (img,) = [i for i in items if i["rule"] == "IMG001"]
    assert "frames 3–3 of 3 were not read" in str(img["message"]) and img["severity"] == "warning"


def test_metadata_past_its_bound_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = Image.new("RGB", (64, 64), "white")
    exif = image.getexif()
    exif[270] = "x" * 10_050 + " Rosa Garcia MRN 5520417"
    image.save(tmp_path / "long.jpg", exif=exif)
    (tmp_path / "d.md").write_text("Our day!\n\n![a photo](long.jpg)\n", encoding="utf-8")
    code, items, _ = check(capsys, "--no-ocr", "--no-faces", str(tmp_path / "d.md"))
    assert code == 1
    (img,) = [i for i in items if i["rule"] == "IMG001"]
    assert "exif.ImageDescription is longer than 10,000 characters" in str(img["message"])
