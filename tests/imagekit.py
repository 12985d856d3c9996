"""Images the tests make themselves: text drawn with Pillow, EXIF written by Pillow, a face from
scikit-image's sample data (NASA's public-domain astronaut portrait, shipped inside the wheel), and
broken files (missing, truncated, not an image, a 20000 by 20000 header)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from phiguard.rulepack.schema import ImageRecipe

_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)


def font(size: int = 40) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans where Debian's fonts-dejavu-core is installed (accents, dashes), else Pillow's own."""
    for path in _FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def face() -> Image.Image:
    from skimage import data

    return Image.fromarray(data.astronaut())


def draw_lines(lines: tuple[str, ...] | list[str], size: int = 40, width: int = 1200) -> Image.Image:
    image = Image.new("RGB", (width, 60 + int(size * 2) * max(1, len(lines))), "white")
    pen = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        pen.text((40, 30 + int(size * 2) * i), line, fill="black", font=font(size))
    return image


def exif_for(recipe: ImageRecipe) -> Image.Exif:
    exif = Image.Exif()
    if recipe.description:
        exif[270] = recipe.description
    if recipe.serial:
        exif.get_ifd(0x8769)[42033] = recipe.serial
    if recipe.gps:
        gps = exif.get_ifd(0x8825)
        lat, lon = recipe.gps
        gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(abs(lat))
        gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(abs(lon))
    return exif


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return float(degrees), float(minutes), seconds


def make(recipe: ImageRecipe, folder: Path, name: str = "photo.jpg") -> str:
    """Write the image a recipe describes into ``folder``; return its path (not written if missing)."""
    path = folder / name
    if recipe.broken == "missing":
        return str(path)
    if recipe.broken == "not-an-image":
        path.write_text("this is a shopping list, not a photo\n", encoding="utf-8")
        return str(path)
    if recipe.broken == "huge":
        path = path.with_suffix(".png")
        path.write_bytes(huge_png(20000, 20000))
        return str(path)
    image = face() if recipe.face else draw_lines(recipe.lines or [""])
    if recipe.face and recipe.lines:
        ImageDraw.Draw(image).text((10, 10), "\n".join(recipe.lines), fill="white", font=font(24))
    image.save(path, quality=92, exif=exif_for(recipe))
    if recipe.broken == "corrupt":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    return str(path)


def huge_png(width: int, height: int) -> bytes:
    """A small PNG file whose header claims ``width`` by ``height`` pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )
