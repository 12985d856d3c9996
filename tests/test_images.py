"""Attached images: OCR of names and bed numbers (with boxes), GPS and text in metadata, faces and the
consent rules, redacted copies, and images that are missing, corrupt, huge or not images at all. Every
image is made by the test (tests/imagekit.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from imagekit import draw_lines, exif_for, face, huge_png, make
from phiguard import Linter, Post, Severity
from phiguard.cli import main
from phiguard.config import Config, ImageSettings
from phiguard.detect.images import ImageInspector
from phiguard.errors import ImageToolsMissing
from phiguard.models import Finding, Lang, Report
from phiguard.rulepack.schema import ImageRecipe

pytestmark = [pytest.mark.slow, pytest.mark.ocr]

EN_BOARD = ["Rm 7 – K. Alvarado, fall risk", "Bed 3: John Miller NPO after midnight"]
ES_BOARD = ["Hab. 12 – Lucía Fernández, alergia a penicilina", "Cama 4: Jorge Ruiz, dieta absoluta"]


def _in_image(report: Report, rule: str | None = None) -> list[Finding]:
    return [f for f in report.findings if f.image and (rule is None or f.rule == rule)]


def _flagged_words(report: Report) -> str:
    return " ".join(f.value for f in report.at_least(Severity.WARNING) if f.scope.endswith(".text"))


# -- visible text --------------------------------------------------------------------------------------
def _board(linter: Linter, path: Path, lines: list[str], text: str, lang: Lang) -> tuple[Report, str]:
    """Draw a whiteboard, attach it to a post, lint: the report and the words flagged in its OCR text."""
    draw_lines(lines).save(path)
    report = linter.lint(Post(text=text, images=(str(path),), lang=lang))
    return report, _flagged_words(report)


def test_whiteboard_names_and_beds_are_flagged_with_boxes(linter: Linter, tmp_path: Path) -> None:
    path = tmp_path / "ward.png"
    report, words = _board(linter, path, EN_BOARD, "Our amazing night shift team!", "en")
    for expected in ("Alvarado", "Rm 7", "Bed 3", "John Miller"):
        assert expected in words
    width, height = Image.open(path).size
    boxes = [f for f in report.findings if f.scope == "image[0].text" and f.severity >= Severity.WARNING]
    assert boxes and all(f.image == str(path) and f.box for f in boxes)
    for f in boxes:
        left, top, w, h = f.box  # type: ignore[misc]
        assert 0 <= left < width and 0 <= top < height and w > 0 and h > 0
    name = next(f for f in boxes if "Alvarado" in f.value)
    assert name.box[1] < 100 < next(f for f in boxes if "Miller" in f.value).box[1]  # type: ignore[index]
    assert any(f.rule == "CON001" for f in report.findings)  # a patient's name in a photo needs consent


def test_spanish_whiteboard(linter: Linter, tmp_path: Path) -> None:
    report, words = _board(linter, tmp_path / "planta.png", ES_BOARD, "¡Gracias al turno de noche!", "es")
    for expected in ("Fern", "Hab. 12", "Cama 4", "Jorge Ruiz"):
        assert expected in words
    assert any(f.rule == "CON001" for f in report.findings)


def test_harmless_poster_stays_quiet(linter: Linter, tmp_path: Path) -> None:
    path = tmp_path / "poster.png"
    draw_lines(["FREE FLU SHOTS", "Tuesday 9am - 4pm, main lobby", "No appointment needed"]).save(path)
    report = linter.lint(Post(text="Flu season is here: get your shot!", images=(str(path),), lang="en"))
    assert "FREE FLU SHOTS" in dict(report.post.image_texts)["image[0].text"]
    assert report.ok, report.findings


def test_rotated_photo_is_read_upright(linter: Linter, tmp_path: Path) -> None:
    """A phone photo stored sideways with an EXIF orientation: OCR and boxes use the upright picture."""
    upright = draw_lines(EN_BOARD[:1])
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    path = tmp_path / "sideways.jpg"
    upright.transpose(Image.Transpose.ROTATE_90).save(path, exif=exif, quality=95)
    report = linter.lint(Post(text="Night shift!", images=(str(path),), lang="en"))
    name = next(f for f in report.findings if "Alvarado" in f.value)
    assert name.box and name.box[0] + name.box[2] <= upright.width and name.box[1] + name.box[3] <= upright.height


# -- metadata ------------------------------------------------------------------------------------------
def test_gps_is_a_location_identifier(linter: Linter, tmp_path: Path) -> None:
    path = make(ImageRecipe(lines=("Garden",), gps=(40.416775, -3.70379)), tmp_path)
    report = linter.lint(Post(text="Our new garden!", images=(path,), lang="en"))
    gps = _in_image(report, "PHI059")
    assert gps and gps[0].severity == Severity.ERROR and gps[0].value == "40.41678, -3.70379"
    assert not any(f.category == "consent" for f in report.findings)  # coordinates identify no person


def test_description_and_other_metadata_text_is_linted(linter: Linter, tmp_path: Path) -> None:
    path = make(ImageRecipe(description="Rosa Diaz after her knee surgery, room 412", serial="082045001234"), tmp_path)
    report = linter.lint(Post(text="A great day on the ward.", images=(path,), lang="en"))
    described = [f for f in report.findings if f.scope == "image[0].exif.ImageDescription"]
    assert {"PHI001", "PHI053"} <= {f.rule for f in described if f.severity >= Severity.WARNING}
    assert all(f.image == path and f.box is None for f in described)
    assert _in_image(report, "PHI061")[0].value == "082045001234"
    assert any(f.rule == "CON001" for f in report.findings)


def test_png_text_xp_comment_and_jpeg_comment(linter: Linter, tmp_path: Path) -> None:
    png = tmp_path / "card.png"
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", "Lucía Fernández, habitación 12")
    info.add_text("Software", "Camera app 2.1")
    draw_lines(["Get well soon"]).save(png, pnginfo=info)
    jpg = tmp_path / "card.jpg"
    exif = Image.Exif()
    exif[0x9C9C] = "Jorge Ruiz, cama 4".encode("utf-16-le")  # XPComment, as Windows writes it
    draw_lines(["Ánimo"]).save(jpg, exif=exif, comment="Paciente Iker Zubiri")
    report = linter.lint(Post(text="¡Mucho ánimo!", images=(str(png), str(jpg)), lang="es"))
    scopes = dict(report.post.image_texts)
    assert scopes["image[0].png.Description"] == "Lucía Fernández, habitación 12"
    assert "image[0].png.Software" not in scopes
    assert scopes["image[1].exif.XPComment"] == "Jorge Ruiz, cama 4"
    assert scopes["image[1].comment"] == "Paciente Iker Zubiri"
    flagged = {f.value for f in report.at_least(Severity.WARNING) if f.rule == "PHI001"}
    assert {"Lucía Fernández", "Jorge Ruiz", "Iker Zubiri"} <= flagged


def test_xmp_description_and_person_in_image(linter: Linter, tmp_path: Path) -> None:
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        b' xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">'
        b'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Jorge Ruiz on his discharge day</rdf:li>'
        b"</rdf:Alt></dc:description><Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Marta Ruiz</rdf:li></rdf:Bag>"
        b"</Iptc4xmpExt:PersonInImage></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    path = tmp_path / "xmp.jpg"
    draw_lines(["Hello"]).save(path, xmp=xmp)
    report = linter.lint(Post(text="A good day.", images=(str(path),), lang="en"))
    named = {f.scope: f.value for f in report.at_least(Severity.WARNING) if f.entity == "PERSON"}
    assert named["image[0].xmp.description"] == "Jorge Ruiz" and named["image[0].xmp.PersonInImage"] == "Marta Ruiz"


def test_hostile_xmp_is_an_unchecked_image_not_an_expansion(linter: Linter, tmp_path: Path) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><x:xmpmeta xmlns:x="adobe:ns:meta/">&c;</x:xmpmeta>'
    )
    path = tmp_path / "bomb.jpg"
    draw_lines(["Hello"]).save(path, xmp=bomb)
    report = linter.lint(Post(text="Hello", images=(str(path),), lang="en"))
    assert "metadata that cannot be read" in _in_image(report, "IMG001")[0].message


# -- faces ---------------------------------------------------------------------------------------------
def test_face_needs_a_photo_consent(linter: Linter, tmp_path: Path) -> None:
    path = tmp_path / "portrait.jpg"
    face().save(path)
    report = linter.lint(Post(text="Look who is back on her feet!", images=(str(path),), lang="en"))
    faces = _in_image(report, "PHI060")
    assert len(faces) == 1 and faces[0].severity == Severity.WARNING
    left, top, w, h = faces[0].box  # type: ignore[misc]
    assert 120 < left + w / 2 < 300 and 40 < top + h / 2 < 220  # the astronaut's face
    assert any(f.rule == "CON001" for f in report.findings)

    consent = {"consent": [{"id": "CF-1", "patient": "Eileen Collins", "scope": ["photo", "condition"]}]}
    report = linter.lint(Post(text="Look who is back on her feet!", images=(str(path),), lang="en", metadata=consent))
    assert not [f for f in report.findings if f.category == "consent"]
    assert _in_image(report, "PHI060")[0].severity == Severity.INFO

    name_only = {"consent": [{"id": "CF-2", "patient": "Eileen Collins", "scope": ["name"]}]}
    report = linter.lint(Post(text="Happy Monday!", images=(str(path),), lang="en", metadata=name_only))
    assert any(f.rule == "CON004" for f in report.findings)  # a face beyond a name-only consent


def test_no_face_in_text_images(linter: Linter, tmp_path: Path) -> None:
    path = tmp_path / "board.png"
    draw_lines(EN_BOARD + ES_BOARD).save(path)
    assert not _in_image(linter.lint(Post(text="Board", images=(str(path),), lang="en")), "PHI060")


# -- images that cannot be checked ---------------------------------------------------------------------
@pytest.mark.timeout(60)
@pytest.mark.parametrize("broken", ["missing", "corrupt", "not-an-image", "huge"])
def test_broken_images_are_errors_not_crashes(linter: Linter, tmp_path: Path, broken: str) -> None:
    path = make(ImageRecipe(broken=broken), tmp_path)  # type: ignore[arg-type]
    report = linter.lint(Post(text="Our new garden is open!", images=(path,), lang="en"))
    unchecked = _in_image(report, "IMG001")
    assert unchecked and unchecked[0].severity == Severity.ERROR and not report.ok


def test_large_image_above_the_limit_is_not_decoded_but_its_metadata_is_read(tmp_path: Path) -> None:
    path = make(ImageRecipe(lines=("x",), gps=(1.0, 2.0)), tmp_path)
    linter = Linter(Config(images=ImageSettings(max_pixels=1000)))
    report = linter.lint(Post(text="Garden", images=(path,), lang="en"))
    assert {"IMG001", "PHI059"} <= {f.rule for f in report.findings}
    assert "max-pixels" in _in_image(report, "IMG001")[0].message


def test_20000_by_20000_header_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(huge_png(20000, 20000))
    facts = ImageInspector(ImageSettings()).inspect(str(path))
    assert facts.problem and "large" in facts.problem


def test_ocr_timeout_is_an_unchecked_image(tmp_path: Path) -> None:
    path = tmp_path / "board.png"
    draw_lines(EN_BOARD * 4).save(path)
    facts = ImageInspector(ImageSettings(ocr_timeout=0.001)).inspect(str(path))
    assert facts.problem and "ocr-timeout" in facts.problem


def test_web_address_is_never_downloaded(linter: Linter) -> None:
    report = linter.lint(Post(text="Garden", images=("https://example.org/a.jpg",), lang="en"))
    assert "never downloads" in _in_image(report, "IMG001")[0].message


def test_ocr_without_tesseract_is_a_warning_or_with_require_tools_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if "tesseract" in name else real(name, *a, **k))
    path = make(ImageRecipe(lines=("hello",)), tmp_path)
    with pytest.raises(ImageToolsMissing, match="Tesseract"):
        Linter(Config(images=ImageSettings(require_tools=True))).lint(Post(text="x", images=(path,), lang="en"))
    (partly,) = _in_image(Linter().lint(Post(text="x", images=(path,), lang="en")), "IMG001")
    assert partly.severity == Severity.WARNING and "visible text was not read" in partly.message
    # switching OCR off is explicit, and then the rest of the image is still checked
    report = Linter(Config(images=ImageSettings(ocr=False))).lint(Post(text="x", images=(path,), lang="en"))
    assert not _in_image(report, "IMG001")
    draft = tmp_path / "post.md"
    draft.write_text(f"Hello\n\n![sign]({Path(path).name})\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--no-progress", str(draft)]) == 1  # a warning per image, said once
    assert capsys.readouterr().err.count("checked without OCR") == 1
    assert main(["check", "--no-progress", "--require-images", str(draft)]) == 2
    assert main(["check", "--no-progress", "--no-ocr", str(draft)]) == 0


# -- drafts and the command line -----------------------------------------------------------------------
def test_drafts_find_their_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draw_lines(EN_BOARD).save(tmp_path / "ward.png")
    make(ImageRecipe(gps=(43.26, -2.93)), tmp_path, "new wing.jpg")
    (tmp_path / "post.md").write_text(
        "---\nlang: en\nimages:\n  - path: ward.png\n    alt: Our night shift team\n---\n"
        "Huge thanks to our night shift team!\n\n![The new wing](new%20wing.jpg)\n",
        encoding="utf-8",
    )
    (tmp_path / "plan.csv").write_text('text,image\n"Sunrise",new wing.jpg\n"Team",ward.png;gone.jpg\n', "utf-8")
    code = main(["check", "--no-progress", "--format", "json", str(tmp_path)])
    items = json.loads(capsys.readouterr().out)
    assert code == 1
    md = [i for i in items if i["path"].endswith("post.md")]
    ocr = [i for i in md if i["scope"] == "image[0].text" and i["rule"] == "PHI001"]
    assert ocr and ocr[0]["line"] == 4 and ocr[0]["image"] == "image[0] .png" and len(ocr[0]["box"]) == 4
    assert ocr[0]["value"] == "<PERSON>"  # masked
    assert any(i["rule"] == "PHI059" and i["line"] == 9 for i in md)
    csv_rules = {(i["line"], i["rule"]) for i in items if i["path"].endswith("plan.csv")}
    assert {(2, "PHI059"), (3, "PHI001"), (3, "IMG001")} <= csv_rules


def test_exports_attach_images_by_path_or_mapping(tmp_path: Path) -> None:
    from phiguard.inputs import load_draft

    source = (
        "posts:\n  - text: Hello\n    images: [a.jpg, {src: sub/b.png, alt: Ana}]\n  - text: Bye\n    image: c.jpg\n"
    )
    draft = load_draft(str(tmp_path / "export.yaml"), source)
    first, second = (p.post for p in draft.posts)
    assert first.images == (str(tmp_path / "a.jpg"), str(tmp_path / "sub" / "b.png"))
    assert first.alt_texts == ("Ana",) and second.images == (str(tmp_path / "c.jpg"),)
    assert draft.position(draft.posts[0], "image[1].text", 5) == (3, 27)  # where sub/b.png is written


def test_archive_audit_reads_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draw_lines(EN_BOARD).save(tmp_path / "ward.png")
    archive = tmp_path / "posts.jsonl"
    archive.write_text('{"text": "Night shift!", "images": [{"path": "ward.png"}]}\n{"text": "Hi"}\n', "utf-8")
    assert main(["audit", "--no-progress", str(archive)]) == 1
    out = capsys.readouterr().out
    assert "posts.jsonl:1: PHI001" in out and "[image[0] .png" in out and "posts.jsonl:2:" not in out


def test_image_on_the_command_line_and_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ward.png"
    draw_lines(EN_BOARD).save(path)
    assert main(["check", "--no-progress", str(path)]) == 1
    out = capsys.readouterr().out
    assert "PHI001" in out and "[image[0] .png, box " in out and "Alvarado" not in out


def test_sarif_carries_image_and_box(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ward.png"
    draw_lines(EN_BOARD).save(path)
    main(["check", "--no-progress", "--format", "sarif", str(path)])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert any(r.get("properties", {}).get("box") for r in results)


# -- redacted copies -----------------------------------------------------------------------------------
def test_redacted_copy_has_no_metadata_and_covers_flagged_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    board = draw_lines(EN_BOARD)
    path = tmp_path / "ward.jpg"
    board.save(path, quality=95, exif=exif_for(ImageRecipe(description="Kate Alvarado", gps=(40.4, -3.7))))
    assert main(["redact-image", str(path)]) == 0
    err = capsys.readouterr().err
    assert "GPS" in err and "Alvarado" not in err
    copy = tmp_path / "ward.redacted.jpg"
    with Image.open(copy) as im:
        assert not im.getexif() and "comment" not in im.info
        pixels = im.convert("L")
    report = Linter().lint(Post(text="Night shift", images=(str(copy),), lang="en"))
    assert report.ok, report.findings  # nothing flagged is left readable
    original = Linter().lint(Post(text="Night shift", images=(str(path),), lang="en"))
    name = next(f for f in original.findings if "Alvarado" in f.value and f.box)
    left, top, w, h = name.box  # type: ignore[misc]
    assert pixels.getpixel((left + w // 2, top + h // 2)) < 30  # covered in black


def test_redact_faces_on_request_and_refuse_broken_input(tmp_path: Path) -> None:
    path = tmp_path / "portrait.png"
    face().save(path)
    out = tmp_path / "safe.png"
    assert main(["redact-image", "--faces", "-o", str(out), str(path)]) == 0
    assert not ImageInspector(ImageSettings(ocr=False)).inspect(str(out)).faces
    broken = make(ImageRecipe(broken="corrupt"), tmp_path, "broken.jpg")
    assert main(["redact-image", broken]) == 2
    assert main(["redact-image", "-o", str(path), str(path)]) == 2  # never overwrites the original
