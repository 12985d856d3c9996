"""Writes the example photos that the drafts in examples/ attach (run from the repository root with the
dev install: `.venv/bin/python examples/make_images.py`). They are drawn, not photographed: no real
person or patient is in them."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def board(lines: list[str], size: tuple[int, int] = (1000, 400), fill: str = "white") -> Image.Image:
    image = Image.new("RGB", size, fill)
    pen = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 40) if Path(FONT).is_file() else ImageFont.load_default(size=40)
    for i, line in enumerate(lines):
        pen.text((40, 40 + 80 * i), line, fill="black", font=font)
    return image


def gps_exif(lat: float, lon: float) -> Image.Exif:
    """EXIF with a GPS block, as a phone writes it (degrees, minutes, seconds)."""

    def dms(value: float) -> tuple[float, float, float]:
        minutes, seconds = divmod(abs(value) * 3600, 60)
        degrees, minutes = divmod(minutes, 60)
        return degrees, minutes, round(seconds, 2)

    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = ("N" if lat >= 0 else "S"), dms(lat)
    gps[3], gps[4] = ("E" if lon >= 0 else "W"), dms(lon)
    return exif


def main() -> None:
    # a whiteboard behind the team, and the phone's GPS in the file: both stop the post
    board(["Rm 7 – H. Brannigan, discharge 2pm", "Rm 8 – T. Okafor, NPO"]).save(
        HERE / "bad" / "discharge.jpg", quality=85, exif=gps_exif(41.39, -2.17)
    )
    board(["THERAPY GYM", "Staff only after 6pm"]).save(HERE / "bad" / "gym.jpg", quality=85)
    board(["DÍA MUNDIAL DE LA DIABETES", "Taller abierto · viernes 11:00"]).save(HERE / "good" / "taller-diabetes.png")


if __name__ == "__main__":
    main()
