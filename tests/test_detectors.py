"""The candidate detectors added with the learned context model, in both languages: each must put the
span in front of the model (whatever the model then scores it), so these tests read the candidates the
Linter records, not the findings."""

from __future__ import annotations

import pytest

from phiguard import Linter, Post
from phiguard.learned.features import CandidateRecord

CASES = [
    # given names in any case (the name lists), with a known surname after
    ("en", "so glad you're home sophie!! the 3rd floor misses you", "sophie", "names:PHI001"),
    ("es", "qué alegría verte tan bien ines, toda la planta te manda besos", "ines", "names:PHI001"),
    ("en", "WELCOME BACK HAROLD, ROOM 4 MISSED YOU", "HAROLD", "names:PHI001"),
    ("es", "mucho ánimo desde la uci, carmen, ya queda menos", "carmen", "names:PHI001"),
    # ages over 89 in words, and a bare age after "at" / "a los" / a name and comma
    ("en", "Our patient Edith turned ninety-seven on the rehab unit.", "ninety-seven", "pattern:PHI020"),
    ("es", "Doña Elvira cumplió noventa y ocho años en la planta.", "noventa y ocho", "pattern:PHI020"),
    ("en", "At 95, Walter is our oldest hip-replacement patient this year.", "95", "pattern:PHI020"),
    ("es", "Con 96 años, Amparo salió andando del hospital.", "96", "pattern:PHI020"),
    ("en", "Farewell to Ruth Allen, 93, who spent her last weeks in our hospice.", "93", "pattern:PHI020"),
    # identity and health-card numbers after their label, whatever the check digit
    ("es", "Se encontró la cartera de un paciente con el DNI 30.512.447 en urgencias.", "30.512.447", "pattern:PHI050"),
    ("es", "Felicitamos a Nora (HC 0049122) por su alta.", "0049122", "pattern:PHI050"),
    ("en", "Her wristband reads CURP GOMA850212HDFRRN04, please return it.", "GOMA850212HDFRRN04", "pattern:PHI050"),
    # a place after from / de
    (
        "en",
        "Meet Hank, a retired welder from Pocatello, back on his feet after surgery.",
        "Pocatello",
        "pattern:PHI041",
    ),
    ("es", "Lucía, de Mairena del Aljarafe, recibió ayer el alta tras el trasplante.", "Mairena", "pattern:PHI041"),
    # weekdays and feast days (Spanish has no DATE entities in its small model)
    ("es", "La operamos el pasado martes y hoy ya camina.", "pasado martes", "pattern:PHI010"),
    ("en", "Baby June was born on Christmas Day in our birthing center!", "Christmas Day", "pattern:PHI010"),
    # handles with dots
    ("en", "@kate.m so glad the surgery went well!", "@kate.m", "pattern:PHI003"),
    ("es", "@pau.rv ¡qué bien que saliera todo genial!", "@pau.rv", "pattern:PHI003"),
]


@pytest.mark.parametrize(("lang", "text", "span", "source"), CASES)
def test_detector_puts_the_span_in_front_of_the_model(
    linter: Linter, lang: str, text: str, span: str, source: str
) -> None:
    records: list[CandidateRecord] = []
    linter.recorder = records.append
    try:
        linter.lint(Post(id="t", text=text, lang=lang))  # type: ignore[arg-type]
    finally:
        linter.recorder = None
    start = text.index(span)
    end = start + len(span)
    found = [r for r in records if r.start < end and start < r.end and f"src:{source}" in r.features]
    assert found, f"{source} found nothing over {span!r}: {[(r.rule, r.start, r.end) for r in records]}"


def test_labelled_ids_and_dotted_handles_are_not_e_mails_or_domains(linter: Linter) -> None:
    records: list[CandidateRecord] = []
    linter.recorder = records.append
    try:
        linter.lint(Post(id="t", text="Write to info@mercy-example.org or visit mercy-example.org.", lang="en"))
    finally:
        linter.recorder = None
    assert not [r for r in records if r.rule == "PHI003"]
