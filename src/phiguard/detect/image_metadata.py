"""What an image's metadata says (read with Pillow, headers only, pixels never decoded): EXIF text
fields, IPTC captions and keywords, XMP (parsed by Pillow with defusedxml), PNG text chunks and JPEG/GIF
comments as :class:`ImageText` scopes linted like the body; GPS coordinates and camera serial numbers as
they are. :class:`ImageText` is also what OCR gives (:mod:`phiguard.detect.images`)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from PIL import Image, IptcImagePlugin

from phiguard.models import Box

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
MAX_FIELD = 10_000  # characters of one metadata field that are linted (the rest is named as unread)


# EXIF text fields a person fills in (tag -> name); the values are linted as text.
_EXIF_TEXT = {
    269: "DocumentName",
    270: "ImageDescription",
    315: "Artist",
    33432: "Copyright",
    40091: "XPTitle",
    40092: "XPComment",
    40093: "XPAuthor",
    40094: "XPKeywords",
    40095: "XPSubject",
}


_EXIF_IFD_TEXT = {37510: "UserComment", 42032: "CameraOwnerName"}


_SERIALS = {42033: "BodySerialNumber", 42037: "LensSerialNumber", 50735: "CameraSerialNumber"}


# IPTC-IIM datasets of record 2 that carry words about the picture.
_IPTC = {
    5: "ObjectName",
    25: "Keywords",
    40: "SpecialInstructions",
    80: "ByLine",
    90: "City",
    92: "SubLocation",
    105: "Headline",
    116: "CopyrightNotice",
    120: "Caption",
}


# XMP properties (local names) with words about the picture or the people in it.
_XMP = {
    "description",
    "title",
    "subject",
    "creator",
    "rights",
    "Headline",
    "PersonInImage",
    "Location",
    "City",
    "State",
    "Sublocation",
    "UserComment",
    "Keywords",
    "Instructions",
    "Label",
    "CaptionWriter",
}


# Fields whose values are, by definition, the people shown: the label is linted with the value, so a
# bare "Marta Ruiz" reads as a person to the model (findings still cover the name only).
_LABELS = {"xmp.PersonInImage": "Person in the photo: "}


# PNG text chunks that are machine data, not words (the XMP chunk is read as XMP).
_PNG_SKIP = ("xml:com.adobe.xmp", "raw profile type", "software", "creation time", "date:", "icc")


@dataclass(frozen=True)
class ImageText:
    """A text read from an image: its visible text (``text``) or one metadata field (``exif.Artist``)."""

    scope: str
    text: str
    words: tuple[tuple[int, int, Box], ...] = ()  # OCR words: (start, end, box) in ``text``
    cut: bool = False  # a metadata field longer than MAX_FIELD: only its start is here

    def box(self, start: int, end: int) -> Box | None:
        """The box around the OCR words that ``text[start:end]`` overlaps (None for metadata)."""
        hit = [b for s, e, b in self.words if s < end and start < e]
        if not hit:
            return None
        left, top = min(b[0] for b in hit), min(b[1] for b in hit)
        right, bottom = max(b[0] + b[2] for b in hit), max(b[1] + b[3] for b in hit)
        return left, top, right - left, bottom - top


# -- metadata -----------------------------------------------------------------------------------------
def read_metadata(image: Image.Image) -> tuple[list[ImageText], tuple[float, float] | None, list[tuple[str, str]]]:
    """(text fields, GPS latitude/longitude, serial numbers) from the image's headers."""
    texts: list[ImageText] = []
    exif = image.getexif()
    for tag, name in _EXIF_TEXT.items():
        texts += _text(f"exif.{name}", exif.get(tag))
    sub = exif.get_ifd(_EXIF_IFD)
    for tag, name in _EXIF_IFD_TEXT.items():
        texts += _text(f"exif.{name}", sub.get(tag))
    serials = [(name, v) for tag, name in _SERIALS.items() if (v := _decode(sub.get(tag) or exif.get(tag)))]
    gps = _gps(exif.get_ifd(_GPS_IFD))
    iptc = IptcImagePlugin.getiptcinfo(image) or {}  # type: ignore[arg-type]
    for dataset, name in _IPTC.items():
        texts += _text(f"iptc.{name}", iptc.get((2, dataset)))
    for name, value in _xmp(image):
        texts += _text(f"xmp.{name}", value)
    for key, value in (getattr(image, "text", None) or {}).items():
        if not str(key).lower().startswith(_PNG_SKIP):
            texts += _text(f"png.{key}", value)
    texts += _text("comment", image.info.get("comment"))
    return _unique(texts), gps, serials


def _unique(texts: list[ImageText]) -> list[ImageText]:
    """One scope per field; the same words in two fields (EXIF and XMP descriptions) are linted once."""
    seen: set[str] = set()
    out = []
    for t in texts:
        key = " ".join(t.text.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(t)
    return out


def _text(scope: str, value: object) -> list[ImageText]:
    if isinstance(value, list | tuple) and value and not all(isinstance(v, int) for v in value):
        values = [_decode(v) for v in value]
        text = "; ".join(v for v in values if v)
    else:
        text = _decode(value)
    text = text.strip()
    return [ImageText(scope, _LABELS.get(scope, "") + text[:MAX_FIELD], cut=len(text) > MAX_FIELD)] if text else []


def _decode(value: object) -> str:
    """EXIF/IPTC values as text: UTF-16 XP* tags, UserComment's 8-byte charset prefix, plain bytes."""
    if value is None:
        return ""
    if isinstance(value, tuple | list) and all(isinstance(v, int) for v in value):
        value = bytes(value)
    if isinstance(value, bytes):
        if value[:8] in (b"UNICODE\0", b"ASCII\0\0\0", b"JIS\0\0\0\0\0", b"\0" * 8):
            codec = "utf-16" if value[:8] == b"UNICODE\0" else "utf-8"
            value = value[8:].decode(codec, errors="replace")
        elif len(value) > 1 and value[1:2] == b"\0":
            value = value.decode("utf-16-le", errors="replace")
        else:
            value = value.decode("utf-8", errors="replace")
    return str(value).replace("\0", "").strip()


def _gps(ifd: Mapping[int, Any]) -> tuple[float, float] | None:
    """Decimal latitude and longitude, or None when the GPS block has no coordinates."""
    try:
        lat, lon = _degrees(ifd[2]), _degrees(ifd[4])
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if str(ifd.get(1, "N")).upper().startswith("S"):
        lat = -lat
    if str(ifd.get(3, "E")).upper().startswith("W"):
        lon = -lon
    return round(lat, 6), round(lon, 6)


def _degrees(value: Any) -> float:
    d, m, s = (float(v) for v in value)
    return d + m / 60 + s / 3600


def _xmp(image: Image.Image) -> Iterator[tuple[str, object]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns when defusedxml is missing: then there is no XMP
        try:
            tree = image.getxmp()
        except Exception:  # defusedxml refusing an entity, or broken XML: reported as unreadable metadata
            raise ValueError("malformed XMP") from None
    yield from _xmp_leaves(tree, None)


def _xmp_leaves(node: object, wanted: str | None) -> Iterator[tuple[str, object]]:
    if isinstance(node, dict):
        for key, value in node.items():
            name = str(key)
            if name in ("lang", "about", "resource"):
                continue
            yield from _xmp_leaves(value, name if name in _XMP else wanted)
    elif isinstance(node, list):
        for item in node:
            yield from _xmp_leaves(item, wanted)
    elif wanted is not None and isinstance(node, str):
        yield wanted, node
