"""Reports never show a masked value (issue 27, item 3): the HTML report's thumbnails cover every flagged
box with an opaque fill in the pixels themselves, and an attached image's file name (which may carry a
patient's name) is shown in no output unless --show-values."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from phiguard.cli import main

EXAMPLES = Path(__file__).parents[1] / "examples" / "bad"
IMAGE_NAME = "helen-brannigan-discharge"


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """The examples' discharge story, its whiteboard photo renamed after the patient."""
    shutil.copy(EXAMPLES / "discharge.jpg", tmp_path / f"{IMAGE_NAME}.jpg")
    text = (EXAMPLES / "discharge-story.md").read_text(encoding="utf-8")
    text = text.replace("src: discharge.jpg", f"src: {IMAGE_NAME}.jpg").replace("![Our therapy gym](gym.jpg)", "")
    path = tmp_path / "discharge-story.md"
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(["check", "--no-progress", *argv])
    out, err = capsys.readouterr()
    assert code == 1, err
    return out + err


def thumbnails(page: str) -> list[tuple[Image.Image, list[tuple[int, int, int, int]]]]:
    """Each embedded picture of the report, decoded, with the boxes the report draws on it."""
    out = []
    for block in re.findall(r'<div class="thumb".*?</div>', page, re.S):
        data = re.search(r'src="data:image/png;base64,([^"]+)"', block)
        assert data, "thumbnails are PNG (lossless), never JPEG"
        image = Image.open(io.BytesIO(base64.b64decode(data.group(1)))).convert("RGB")
        boxes = [
            tuple(int(v) for v in m)
            for m in re.findall(r"left:(\d+)px;top:(\d+)px;width:(\d+)px;height:(\d+)px", block)
        ]
        out.append((image, boxes))
    return out


@pytest.mark.ocr
def test_every_flagged_box_of_a_thumbnail_is_one_opaque_colour(
    draft: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    run(capsys, "--format", "html", "-o", str(report), str(draft))
    page = report.read_text(encoding="utf-8")
    pictures = thumbnails(page)
    assert pictures, "the whiteboard photo has flagged names: it is shown"
    covered = 0
    for image, boxes in pictures:
        assert max(image.size) <= 240  # never the full-size image
        assert boxes
        for left, top, width, height in boxes:
            pixels = {image.getpixel((x, y)) for x in range(left, left + width) for y in range(top, top + height)}
            assert len(pixels) == 1, f"box {left},{top} {width}x{height} shows {len(pixels)} colours"
            covered += 1
    assert covered >= 2  # H. Brannigan and J. Okafor on the whiteboard
    assert IMAGE_NAME not in page and "brannigan" not in page.lower()


@pytest.mark.ocr
def test_show_values_leaves_the_boxes_uncovered(
    draft: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    run(capsys, "--format", "html", "--show-values", "-o", str(report), str(draft))
    page = report.read_text(encoding="utf-8")
    image, boxes = thumbnails(page)[0]
    left, top, width, height = max(boxes, key=lambda b: b[2] * b[3])
    pixels = {image.getpixel((x, y)) for x in range(left, left + width) for y in range(top, top + height)}
    assert len(pixels) > 1
    assert IMAGE_NAME in page


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_an_image_file_name_is_in_no_output_unless_asked(
    draft: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    masked = run(capsys, "--format", fmt, "--no-ocr", "--no-faces", str(draft))
    assert IMAGE_NAME not in masked
    assert "image[0] .jpg" in masked or fmt == "github"
    shown = run(capsys, "--format", fmt, "--show-values", "--no-ocr", "--no-faces", str(draft))
    assert IMAGE_NAME in shown or fmt == "github"
    if fmt == "json":
        items = json.loads(masked[: masked.rindex("]") + 1])
        images = {item["image"] for item in items if item["image"]}
        assert images == {"image[0] .jpg"}
