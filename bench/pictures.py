"""The pictures of the documentation site (docs/img/), rebuilt from what runs:

- report.png: the HTML report of `phiguard check examples/`, in headless Chromium;
- redact-image.png: an example photo before and after `phiguard redact-image`;
- accuracy.png: identifier recall and precision of phiguard and Presidio alone per corpus, drawn from
  the output of `bench/accuracy.py` (run it first: `make accuracy > accuracy.md`).

    python bench/pictures.py [--accuracy accuracy.md]

Needs Chromium for the screenshot (skipped with a note when absent). Drawn with Pillow only.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.truetype(str(FONT), size) if FONT.exists() else ImageFont.load_default()


def _phiguard(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "phiguard.cli", *args], cwd=ROOT, capture_output=True, check=False)


def report_screenshot() -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        print("pictures: no Chromium: report.png not rebuilt", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        _phiguard("check", "--no-progress", "--format", "html", "-o", str(report), "examples/")
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={tmp}/p"]
        shot = OUT / "report.png"
        subprocess.run(
            [browser, *flags, f"--screenshot={shot}", "--window-size=1100,1500", report.as_uri()],
            capture_output=True,
            check=True,
            timeout=120,
        )


def redact_before_after() -> None:
    original = ROOT / "examples" / "bad" / "discharge.jpg"
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "discharge.redacted.jpg"
        _phiguard("redact-image", str(original), "--output", str(copy))
        before, after = Image.open(original).convert("RGB"), Image.open(copy).convert("RGB")
        height = 420
        before = before.resize((int(before.width * height / before.height), height))
        after = after.resize((int(after.width * height / after.height), height))
        canvas = Image.new("RGB", (before.width + after.width + 60, height + 60), "white")
        canvas.paste(before, (20, 40))
        canvas.paste(after, (before.width + 40, 40))
        draw = ImageDraw.Draw(canvas)
        draw.text((20, 10), "before", fill="black", font=_font(20))
        draw.text((before.width + 40, 10), "after phiguard redact-image", fill="black", font=_font(20))
        canvas.save(OUT / "redact-image.png", optimize=True)


_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def accuracy_plot(table: Path) -> None:
    """Bars of identifier recall and precision per corpus, from bench/accuracy.py's first table
    (corpus | docs | phiguard recall | precision | clean flagged | Presidio recall | precision | ...)."""
    rows: dict[str, dict[str, tuple[float, float]]] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 7 and all(_NUMBER.match(c) for c in (cells[2], cells[3], cells[5], cells[6])):
            rows[cells[0]] = {
                "phiguard": (float(cells[2]), float(cells[3])),
                "Presidio": (float(cells[5]), float(cells[6])),
            }
    rows = {k: v for k, v in rows.items() if {"phiguard", "Presidio"} <= set(v)}
    if not rows:
        print(f"pictures: no phiguard/Presidio rows in {table}: accuracy.png not rebuilt", file=sys.stderr)
        return
    width, band, top = 1080, 70, 60
    canvas = Image.new("RGB", (width, top + band * len(rows) + 40), "white")
    draw = ImageDraw.Draw(canvas)
    draw.text((20, 15), "identifier recall (solid) and precision (light), dev corpora", fill="black", font=_font(18))
    colours = {"phiguard": ((31, 119, 180), (158, 199, 230)), "Presidio": ((214, 96, 39), (240, 180, 150))}
    scale = 620
    for i, (corpus, tools) in enumerate(rows.items()):
        y = top + i * band
        draw.text((20, y + 18), corpus, fill="black", font=_font(15))
        for j, tool in enumerate(("phiguard", "Presidio")):
            recall, precision = tools[tool]
            yy = y + j * 30
            solid, light = colours[tool]
            draw.rectangle((200, yy, 200 + int(scale * precision), yy + 12), fill=light)
            draw.rectangle((200, yy + 12, 200 + int(scale * recall), yy + 24), fill=solid)
            label = f"{tool}: recall {recall:.2f}, precision {precision:.2f}"
            draw.text((210 + scale, yy + 4), label, fill="black", font=_font(13))
    canvas.save(OUT / "accuracy.png", optimize=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accuracy", type=Path, help="the output of bench/accuracy.py")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    report_screenshot()
    redact_before_after()
    if args.accuracy:
        accuracy_plot(args.accuracy)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
