from __future__ import annotations

import pytest

from phiguard.language import detect


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Free blood pressure checks at the market on Saturday.", "en"),
        ("Nuestro paciente recibió ayer el alta tras 40 días en la UCI.", "es"),
        ("¿Sabías que la gripe causa miles de hospitalizaciones cada año? Vacúnate.", "es"),
        ("@kev_morales since your A1C came back at 9, cut your glipizide in half.", "en"),
        ("Cita previa en el 91 123 45 67", "es"),
    ],
)
def test_detects_english_and_spanish(text: str, lang: str) -> None:
    assert detect(text) == lang


def test_no_evidence_falls_back_to_default() -> None:
    assert detect("😀 12345", default="es") == "es"
    assert detect("", default="en") == "en"


def test_single_allowed_language_wins() -> None:
    assert detect("Nuestro paciente", allowed=("en",)) == "en"
