from __future__ import annotations

import pytest

from phiguard.language import detect


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Free hearing screenings at the library on Saturday.", "en"),
        ("Nuestra paciente se fue ayer a casa después de tres semanas ingresada.", "es"),
        ("¿Sabías que el ictus se puede prevenir? Controla tu tensión.", "es"),
        ("@dan_p88 since your sugars are high, double your metformin tonight.", "en"),
        ("Pide cita en el 93 456 78 90", "es"),
    ],
)
def test_detects_english_and_spanish(text: str, lang: str) -> None:
    assert detect(text) == lang


def test_no_evidence_falls_back_to_default() -> None:
    assert detect("😀 12345", default="es") == "es"
    assert detect("", default="en") == "en"


def test_single_allowed_language_wins() -> None:
    assert detect("Nuestro paciente", allowed=("en",)) == "en"
