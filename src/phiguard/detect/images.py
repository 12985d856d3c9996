"""What an attached photo gives away besides its caption: metadata, visible text and faces.

:class:`ImageInspector` opens one image file and returns :class:`ImageFacts`, never raising for a bad
image: a missing, remote, unreadable, corrupt or oversized image comes back with a ``problem`` (the
engine turns it into an IMG001 error, so the post is not published unchecked).

- **Metadata** is read with Pillow (:mod:`phiguard.detect.image_metadata`): its text fields become
  scopes linted like the body; GPS coordinates and camera serial numbers are reported as they are.
- **Visible text** is read by the Tesseract program (its TSV output), word by word with boxes, so a finding in
  OCR text knows where it sits in the picture.
- **Faces** are found by OpenCV's Haar cascade for frontal faces, which ships inside the
  ``opencv-python-headless`` wheel: nothing is downloaded.

OCR and face detection come with the ``phiguard[images]`` extra (and Debian's ``tesseract-ocr``);
:meth:`ImageInspector.require` raises :class:`ImageToolsMissing` (exit 2) when they are asked for and
absent. Boxes are ``(left, top, width, height)`` in pixels of the image as displayed (EXIF orientation
applied).
"""

from __future__ import annotations

import csv
import io
import shutil
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from phiguard import programs
from phiguard.config import ImageSettings
from phiguard.detect.image_metadata import MAX_FIELD, ImageText, read_metadata
from phiguard.errors import ImageToolsMissing
from phiguard.inputs.draft import is_remote
from phiguard.lang import PROFILES
from phiguard.models import Box

# Debian's packages of Tesseract and of each language's OCR data
_TESSERACT_PACKAGES = " ".join(["tesseract-ocr", *(f"tesseract-ocr-{p.tesseract}" for p in PROFILES.values())])
OCR_MAX_PIXELS = 12_000_000  # larger images are scaled down for OCR (boxes are scaled back)
FACE_MAX_SIDE = 1600  # faces are looked for on a copy at most this wide or high
CASCADE = "haarcascade_frontalface_default.xml"


@dataclass(frozen=True)
class ImageFacts:
    """Everything phiguard learned about one attached image."""

    path: str
    size: tuple[int, int] | None = None
    texts: tuple[ImageText, ...] = ()
    gps: tuple[float, float] | None = None
    serials: tuple[tuple[str, str], ...] = ()  # (EXIF tag name, value)
    faces: tuple[Box, ...] = ()
    problem: str | None = None  # why it could not be checked (fully)
    partial: str | None = None  # what was not checked because a tool is missing (an IMG001 warning)
    unread: tuple[str, ...] = ()  # what of it was not read: frames past the limit, metadata past its bound


def _inside(file: Path, roots: tuple[Path, ...]) -> bool:
    """``file``, links followed, lies in one of ``roots``: a draft cannot make phiguard open
    ``../../etc/passwd`` or a link to it."""
    real = file.resolve()
    return any(real.is_relative_to(root.resolve()) for root in roots)


class ImageInspector:
    """Reads images with the checks ``settings`` asks for. One per Linter; safe to share between threads."""

    def __init__(self, settings: ImageSettings) -> None:
        self.settings = settings
        self._checked = False
        self.missing: list[str] = []  # the tools not installed, when require-tools is off
        self._face_lock = threading.Lock()  # one cascade, shared: OpenCV parallelises inside a call

    def require(self) -> None:
        """Fail early (exit 2) when OCR or faces are asked for and their tools are not installed."""
        if self._checked:
            return
        s = self.settings
        if s.check and s.ocr:
            try:
                _require_tesseract(s.tesseract, s.ocr_languages, min(PROBE_TIMEOUT, s.ocr_timeout))
            except ImageToolsMissing as exc:
                if s.require_tools:
                    raise
                self.missing.append(f"its visible text was not read ({exc.message}; {exc.fix})")
                self.settings = s = s.model_copy(update={"ocr": False})
        if s.check and s.faces:
            try:
                _ = self._cascade
            except ImageToolsMissing as exc:
                if s.require_tools:
                    raise
                self.missing.append(f"faces were not looked for ({exc.message}; {exc.fix})")
                self.settings = s.model_copy(update={"faces": False})
        self._checked = True

    def inspect(self, path: str) -> ImageFacts:
        if is_remote(path):
            return ImageFacts(path, problem="is a web address: phiguard never downloads, check a local copy")
        file = Path(path)
        if self.settings.roots and not _inside(file, self.settings.roots):
            return ImageFacts(path, problem="is outside the drafts' folder (and images.roots): not opened")
        if not file.is_file():
            return ImageFacts(path, problem="does not exist")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image = Image.open(file)
        except Image.DecompressionBombError:
            return ImageFacts(path, problem="is so large that opening it is unsafe (a decompression bomb?)")
        except UnidentifiedImageError:
            return ImageFacts(path, problem="is not an image phiguard can read")
        except (ValueError, SyntaxError) as exc:  # e.g. a PNG text chunk over Pillow's MAX_TEXT_CHUNK
            return ImageFacts(path, problem=f"exceeds a safety limit or is malformed ({exc.__class__.__name__})")
        except OSError as exc:
            return ImageFacts(path, problem=f"cannot be read ({exc.strerror or exc.__class__.__name__})")
        with image:
            facts = self._inspect_open(path, image)
        return replace(facts, partial="; ".join(self.missing)) if self.missing and not facts.problem else facts

    def _inspect_open(self, path: str, image: Image.Image) -> ImageFacts:
        size = image.size
        try:
            texts, gps, serials = read_metadata(image)
        except Exception as exc:  # a malformed header is an unchecked image, never a crash
            return ImageFacts(path, size, problem=f"has metadata that cannot be read ({exc.__class__.__name__})")
        unread = tuple(
            f"{t.scope} is longer than {MAX_FIELD:,} characters: the rest was not read" for t in texts if t.cut
        )
        facts = ImageFacts(path, size, tuple(texts), gps, tuple(serials), unread=unread)
        if not (self.settings.ocr or self.settings.faces):
            return facts
        width, height = size
        if width * height > self.settings.max_pixels:
            limit = self.settings.max_pixels
            return replace(facts, problem=f"is {width}×{height} pixels, above images.max-pixels ({limit}): not decoded")
        frames = getattr(image, "n_frames", 1)
        limit = self.settings.max_frames
        if frames > limit:
            note = f"frames {limit + 1}–{frames} of {frames} were not read (images.max-frames)"
            facts = replace(facts, unread=(*facts.unread, note))
        seen: set[int] = set()
        for k in range(min(frames, limit)):  # every frame (page) of a GIF, TIFF or WebP, as the first
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    image.seek(k)
                    image.load()
                    upright = ImageOps.exif_transpose(image).convert("RGB")
            except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
                where = "" if k == 0 else f" at frame {k + 1}"
                return replace(facts, problem=f"is corrupt or truncated{where} ({exc.__class__.__name__})")
            digest = hash(upright.tobytes())
            if digest in seen:  # an animation repeats its frames: each picture is read once
                continue
            seen.add(digest)
            facts = self._read_frame(facts, upright, "text" if k == 0 else f"frame{k + 1}.text")
        return facts

    def _read_frame(self, facts: ImageFacts, upright: Image.Image, scope: str) -> ImageFacts:
        """One frame's visible text (as ``scope``) and faces, added to ``facts``."""
        if self.settings.ocr:
            try:
                ocr = replace(self._ocr(upright), scope=scope)
                if ocr.text:
                    facts = replace(facts, texts=(*facts.texts, ocr) if scope != "text" else (ocr, *facts.texts))
            except _Unreadable as exc:  # faces are still looked for; IMG001 keeps the post stopped
                facts = replace(facts, problem=str(exc))
        if self.settings.faces:
            facts = replace(facts, faces=(*facts.faces, *self._faces(upright)))
        return facts

    # -- visible text -------------------------------------------------------------------------------
    def _ocr(self, image: Image.Image) -> ImageText:
        """Tesseract's words with their boxes (its TSV output), the program run with images.ocr-timeout
        and killed with its whole process group when the time is up (phiguard.programs)."""
        scale = 1.0
        if image.width * image.height > OCR_MAX_PIXELS:
            scale = (OCR_MAX_PIXELS / (image.width * image.height)) ** 0.5
            image = image.resize((int(image.width * scale), int(image.height * scale)))
        png = io.BytesIO()
        image.convert("L").save(png, format="PNG")
        command = [self.settings.tesseract, "stdin", "stdout", "-l", self.settings.ocr_languages, "tsv"]
        try:
            done = programs.run(command, self.settings.ocr_timeout, png.getvalue())
        except programs.ProgramFailed as exc:
            raise _Unreadable(f"could not be read: {exc.reason} (images.ocr-timeout)") from None
        if done.returncode != 0:  # the program failed on this image: unchecked
            raise _Unreadable(f"could not be read by Tesseract (exit status {done.returncode})")
        try:
            text = done.stdout.decode("utf-8")
        except UnicodeDecodeError:  # Tesseract printed bytes that are not UTF-8
            raise _Unreadable("could not be read: Tesseract's output was not UTF-8 text") from None
        return _ocr_text(_tsv(text), self.settings.ocr_confidence, scale)

    # -- faces --------------------------------------------------------------------------------------
    @cached_property
    def _cascade(self) -> Any:
        try:
            import cv2
        except ImportError:
            raise ImageToolsMissing(
                "face detection needs OpenCV, which is not installed",
                "pip install 'phiguard[images]', or set images.faces = false (--no-faces)",
            ) from None
        file = Path(cv2.data.haarcascades) / CASCADE  # type: ignore[attr-defined]
        cascade = cv2.CascadeClassifier(str(file))
        if cascade.empty():
            raise ImageToolsMissing(
                f"OpenCV's face model {CASCADE} is missing from this OpenCV installation",
                "pip install 'opencv-python-headless<5' (OpenCV 5 no longer ships its cascades)",
            )
        return cascade

    def _faces(self, image: Image.Image) -> tuple[Box, ...]:
        import cv2
        import numpy as np

        scale = min(1.0, FACE_MAX_SIDE / max(image.size))
        small = image if scale == 1.0 else image.resize((int(image.width * scale), int(image.height * scale)))
        gray = cv2.equalizeHist(np.asarray(small.convert("L")))
        side = max(24, min(gray.shape) // 30)
        with self._face_lock:
            found = self._cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=6, minSize=(side, side))
        return tuple(tuple(round(v / scale) for v in box) for box in found)


class _Unreadable(Exception):
    """OCR could not finish on this image; the message says why."""


PROBE_TIMEOUT = 15.0  # seconds Tesseract may take to list its languages
_REINSTALL = "reinstall tesseract-ocr, or set images.tesseract to a working program"


def _require_tesseract(program: str, languages: str, timeout: float = PROBE_TIMEOUT) -> None:
    """Tesseract is installed, answers within ``timeout`` seconds and has data for ``languages``."""
    if shutil.which(program) is None:
        raise ImageToolsMissing(
            "OCR of attached images needs the Tesseract program, which is not installed",
            f"apt-get install {_TESSERACT_PACKAGES} (make setup does it), or set images.ocr = false",
        )
    try:
        done = programs.run([program, "--list-langs"], timeout)
    except programs.ProgramFailed as exc:
        raise ImageToolsMissing(
            f"the Tesseract program does not answer: {exc.reason}", "reinstall tesseract-ocr"
        ) from None
    if done.returncode != 0:
        raise ImageToolsMissing(
            f"the Tesseract program does not run (exit {done.returncode})", "reinstall tesseract-ocr"
        )
    listed = done.stdout.decode("utf-8", errors="replace").splitlines()
    have = {line.strip() for line in listed[1:] if line.strip()}  # the first line says "List of ..."
    missing = [lang for lang in languages.split("+") if lang not in have]
    if missing:
        raise ImageToolsMissing(
            f"Tesseract has no data for {', '.join(missing)} (images.ocr-languages)",
            "apt-get install tesseract-ocr-" + " tesseract-ocr-".join(missing),
        )


def _tsv(text: str) -> dict[str, list[str]]:
    """Tesseract's TSV (one row per page, block, line and word) as columns: ``text``, ``conf``,
    ``left``..."""
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        return {"text": []}
    header, body = rows[0], [r for r in rows[1:] if len(r) >= len(rows[0]) - 1]
    return {name: [r[k] if k < len(r) else "" for r in body] for k, name in enumerate(header)}


def _ocr_text(data: Mapping[str, list[Any]], min_conf: int, scale: float) -> ImageText:
    """Tesseract's words, one line of text per line it found, blank lines between blocks."""
    parts: list[str] = []
    words: list[tuple[int, int, Box]] = []
    length = 0
    last: tuple[int, int, int] | None = None
    for i, word in enumerate(data["text"]):
        word = str(word).strip()
        if not word or float(data["conf"][i]) < min_conf:
            continue
        line = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        if last is not None:
            sep = " " if line == last else ("\n" if line[0] == last[0] else "\n\n")
            parts.append(sep)
            length += len(sep)
        last = line
        box = tuple(round(int(data[k][i]) / scale) for k in ("left", "top", "width", "height"))
        words.append((length, length + len(word), box))  # type: ignore[arg-type]
        parts.append(word)
        length += len(word)
    return ImageText("text", "".join(parts), tuple(words))
