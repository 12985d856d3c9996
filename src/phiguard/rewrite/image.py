"""``phiguard redact-image``: a copy of a photo without its metadata, with what phiguard flags in it
covered by black boxes.

The copy is made from the pixels alone (``Image.frombytes``), so no EXIF, GPS, XMP, IPTC, comment or
PNG text block can ride along, whatever Pillow's savers keep by default; only the colour profile (ICC)
is kept, so colours do not shift. The EXIF orientation is applied first, so the picture still shows
upright. The copy is opened again afterwards and must carry no metadata, or it is deleted and the
command fails (exit 2).

It covers the OCR words of identifier findings at warning or error (names, bed numbers, record
numbers...) and, with ``faces=True``, detected faces. presidio-image-redactor does a similar job but
was not reused: it runs Presidio's analyzer on the OCR words instead of phiguard's rules, and it pulls
in matplotlib, pydicom, python-gdcm, the GUI build of OpenCV and Azure's form-recogniser SDK; drawing
rectangles is a few lines of Pillow.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps, IptcImagePlugin, UnidentifiedImageError

from phiguard import safeio
from phiguard.engine.linter import Linter
from phiguard.errors import InputError
from phiguard.models import Category, Entity, Finding, Lang, Post, Severity

PAD = 4  # pixels around each covered box


@dataclass(frozen=True)
class Redaction:
    removed: tuple[str, ...]  # the kinds of metadata the original carried (EXIF, GPS, XMP...)
    covered: tuple[Finding, ...]  # what was blacked out


def metadata_kinds(image: Image.Image) -> list[str]:
    """The kinds of metadata an open image carries (ICC, the colour profile, is not counted)."""
    kinds = []
    exif = image.getexif()
    if exif.get_ifd(0x8825):
        kinds.append("GPS")
    if len(exif):
        kinds.append("EXIF")
    if image.info.get("xmp") or image.info.get("XML:com.adobe.xmp"):
        kinds.append("XMP")
    if IptcImagePlugin.getiptcinfo(image):  # type: ignore[arg-type]
        kinds.append("IPTC")
    if image.info.get("comment"):
        kinds.append("comment")
    if getattr(image, "text", None):
        kinds.append("text chunks")
    return kinds


def check_target(target: Path, originals: Sequence[Path | str]) -> None:
    """Refuse an output that is, or links to (symbolic or hard link), one of the originals, that is a
    link itself, or that is read-only (:func:`phiguard.safeio.check_output`)."""
    safeio.check_output(target, originals, "copy")


def check_suffix(suffix: str) -> None:
    if any(sep in suffix for sep in ("/", "\\")) or suffix in ("", "."):
        raise InputError("--suffix must be a plain name ending (no folder separator)", "use e.g. --suffix .redacted")


def redact(
    linter: Linter,
    source: Path,
    target: Path,
    *,
    lang: Lang | None = None,
    faces: bool = False,
    originals: Sequence[Path] = (),
) -> Redaction:
    """Write ``target``: ``source`` without metadata, flagged text (and faces) covered. ``target`` may
    not be, or link to, ``source`` or any of ``originals`` (the other images of the same run)."""
    check_target(target, [source, *originals])
    report = linter.lint(Post(images=(str(source),), lang=lang))
    for f in report.findings:
        if f.category == Category.TOOL:
            raise InputError(f"{source}: {f.message}", "fix or re-export the image")
    covered = tuple(
        f
        for f in report.findings
        if f.box
        and f.category == Category.IDENTIFIER
        and f.severity >= Severity.WARNING
        and (faces or f.entity != Entity.FACE)
    )
    try:
        with Image.open(source) as original:
            removed = tuple(metadata_kinds(original))
            icc = original.info.get("icc_profile")
            upright = ImageOps.exif_transpose(original)
            if upright.mode not in ("RGB", "RGBA", "L"):
                upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            fmt = Image.registered_extensions().get(target.suffix.lower()) or original.format or "PNG"
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise InputError(f"{source}: cannot be read ({exc.__class__.__name__})", "re-export the image") from None
    pen = ImageDraw.Draw(clean)
    for f in covered:
        left, top, width, height = f.box  # type: ignore[misc]
        pen.rectangle((left - PAD, top - PAD, left + width + PAD, top + height + PAD), fill="black")
    if fmt == "JPEG" and clean.mode == "RGBA":
        clean = clean.convert("RGB")
    params: dict[str, object] = {"quality": 95} if fmt == "JPEG" else {}
    if icc:
        params["icc_profile"] = icc
    buffer = io.BytesIO()
    try:
        clean.save(buffer, format=fmt, **params)
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{target}: cannot be written ({exc})", "check the path and the file type") from None
    safeio.write_bytes(target, buffer.getvalue(), "copy")
    with Image.open(target) as written:
        left_over = metadata_kinds(written)
    if left_over:
        target.unlink(missing_ok=True)
        raise InputError(f"{target}: the copy still carried {', '.join(left_over)} and was deleted", "report this")
    return Redaction(removed, covered)
