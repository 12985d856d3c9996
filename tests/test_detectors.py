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
    # issue 28: what the candidates of the last wave missed on posts by new writers
    ("en", "u/throwaway_knees99 with your A1c at 9.4, ask about insulin", "u/throwaway_knees99", "pattern:PHI003"),
    ("en", "Priya, from what you're describing, that is a sprain.", "Priya", "pattern:PHI001"),
    ("es", "Caro, eso que describís es mastitis: seguí dando el pecho.", "Caro", "pattern:PHI001"),
    ("en", "Ring that bell, Moose! Six months of chemo done.", "Moose", "pattern:PHI001"),
    ("en", "Hi R.T., thank you for taking the time to write.", "R.T.", "pattern:PHI001"),
    ("en", 'Her ankle band reads "OKAFOR, CHIDI MRN 00482913" today.', "OKAFOR, CHIDI", "pattern:PHI001"),
    ("en", "Our first baby of the new year, Baby J, made his entrance at 12:04 AM.", "J", "pattern:PHI001"),
    ("es", "Mañana se va de alta la niña de la hab 12 de pedi.", "hab 12", "pattern:PHI053"),
    ("es", "Donantes para el señor Alcides Manrique, C.I. V-9.876.543, en la UCI.", "V-9.876.543", "pattern:PHI050"),
    ("en", "We have your passport (no. 543219876) at the front desk.", "543219876", "pattern:PHI050"),
    ("es", "La camioneta placas JKL-452-A trajo a un joven herido a Urgencias.", "JKL-452-A", "pattern:PHI054"),
    ("es", "Información: 0414-587-2236 (hija).", "0414-587-2236", "pattern:PHI030"),
    ("es", "Cualquier informe al 33 1487 2290, favor de compartir.", "33 1487 2290", "pattern:PHI030"),
    ("en", "call her at five one two, five five five, zero one eight eight", "five one two", "pattern:PHI030"),
    ("es", "Ingresó en la 214 tras el infarto del 3 del 4.", "3 del 4", "pattern:PHI010"),
    ("en", "The lineman shocked while restoring power on Old Mill Road is home.", "Old Mill Road", "pattern:PHI041"),
    ("en", "Thinking of the family in Sunday's crash at Hwy 12 and County Road K.", "Hwy 12", "pattern:PHI041"),
    ("es", "El obrero que cayó en la obra de la calle 80 con carrera 68 está estable.", "calle 80", "pattern:PHI041"),
    ("es", "El menor atropellado frente al Colegio San Agustín está estable.", "Colegio San Agustín", "pattern:PHI041"),
    ("en", "She's 96 and NPO since Tuesday.", "96", "pattern:PHI020"),
    ("en", "Mrs. Adeline Ford (94) dropped her wallet in the lobby.", "94", "pattern:PHI020"),
]


def _candidates(linter: Linter, text: str, lang: str) -> list[CandidateRecord]:
    records: list[CandidateRecord] = []
    linter.recorder = records.append
    try:
        linter.lint(Post(id="t", text=text, lang=lang))  # type: ignore[arg-type]
    finally:
        linter.recorder = None
    return records


@pytest.mark.parametrize(("lang", "text", "span", "source"), CASES)
def test_detector_puts_the_span_in_front_of_the_model(
    linter: Linter, lang: str, text: str, span: str, source: str
) -> None:
    records = _candidates(linter, text, lang)
    start = text.index(span)
    end = start + len(span)
    found = [r for r in records if r.start < end and start < r.end and f"src:{source}" in r.features]
    assert found, f"{source} found nothing over {span!r}: {[(r.rule, r.start, r.end) for r in records]}"


def test_labelled_ids_and_dotted_handles_are_not_e_mails_or_domains(linter: Linter) -> None:
    records = _candidates(linter, "Write to info@mercy-example.org or visit mercy-example.org.", "en")
    assert not [r for r in records if r.rule == "PHI003"]


# issue 28, item 5: what is never a candidate of a rule, whatever the model would say
NEVER = [
    ("en", "Nigerians and Ghanaians queue for the vaccine in Tamil Nadu and Ontario.", "Nigerians", "PHI001"),
    ("en", "Nigerians and Ghanaians queue for the vaccine in Tamil Nadu and Ontario.", "Tamil Nadu", "PHI001"),
    ("es", "Los vecinos de Jalisco y de Nuevo León hacen fila para vacunarse.", "Jalisco", "PHI001"),
    ("en", "Cases fell in June: 54588 tests, 3/4 of them negative, 12.5 percent fewer.", "June", "PHI041"),
    ("en", "Cases fell in June: 54588 tests, 3/4 of them negative, 12.5 percent fewer.", "54588", "PHI010"),
    ("en", "Cases fell in June: 54588 tests, 3/4 of them negative, 12.5 percent fewer.", "3/4", "PHI010"),
    ("es", "Añade 1/2 de taza de agua y 3.5 gramos de sal.", "1/2", "PHI010"),
    ("en", "Cards for our patient can go to rosa.garcia77@gmail.com today.", "gmail.com", "PHI057"),
]


@pytest.mark.parametrize(("lang", "text", "span", "rule"), NEVER)
def test_false_candidates_are_removed_by_construction(
    linter: Linter, lang: str, text: str, span: str, rule: str
) -> None:
    start = text.index(span)
    end = start + len(span)
    found = [r for r in _candidates(linter, text, lang) if r.rule == rule and r.start < end and start < r.end]
    assert not found, f"{rule} kept {span!r}"


def test_a_given_name_that_is_also_a_place_stays_a_name_candidate(linter: Linter) -> None:
    """ "Victoria" is an Australian state and "Guadalupe" the Spanish name of Guadeloupe: as a person
    addressed or named they are names."""
    for lang, text, name in (
        ("en", "Victoria had her new knee fitted on Tuesday.", "Victoria"),
        ("es", "Guadalupe, por lo que me cuentas de tu espalda, es un jalón muscular.", "Guadalupe"),
    ):
        assert [r for r in _candidates(linter, text, lang) if r.rule == "PHI001" and r.start == text.index(name)]
