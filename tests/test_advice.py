"""Personal medical advice (ADV rules): the fixture posts of our own writing, the signals in evidence,
the suggested reply in the post's language, and no PHI in what is serialised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phiguard import Linter, Post
from phiguard.cli import main
from phiguard.run.evaluate import read_corpus

FIX = Path(__file__).parent / "fixtures"


def _advice(linter: Linter, text: str, lang: str | None = None) -> list[str]:
    return [f.rule for f in linter.lint(Post(text=text, lang=lang)).findings if f.category.value == "advice"]  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("corpus", "ceiling"),
    [
        ("advice_posts.jsonl", None),
        ("round4_posts.jsonl", None),  # patients, staff and replies written blind in round 4: advice labels
        ("population_advice.jsonl", 0.05),
        ("public_health_posts.jsonl", 0.05),
    ],
)
def test_fixture_corpora(linter: Linter, corpus: str, ceiling: float | None) -> None:
    """Replies that prescribe or diagnose are flagged, education and research statements are not
    (the issue's ceilings: at most 5% of population-level and public-health texts flagged)."""
    docs = list(read_corpus(FIX / corpus))
    wrong = [d.id for d in docs if bool(_advice(linter, d.text, d.lang)) != bool(d.labels["personal_advice"])]
    if ceiling is None:
        assert wrong == []
    else:
        assert len(wrong) <= ceiling * len(docs), wrong


def test_evidence_names_signals_and_offsets_only(linter: Linter) -> None:
    text = "@tina_r halve your warfarin until the bruising stops."
    finding = next(f for f in linter.lint(text).findings if f.rule == "ADV001")
    assert finding.evidence[0] == "signals:reply+directive+clinical+drug"
    assert finding.evidence[1].startswith("advice-score:")
    assert text[finding.start : finding.end] == "halve your warfarin"
    dumped = finding.model_dump_json()
    assert "warfarin" not in dumped and "tina" not in dumped  # values never serialise
    assert finding.suggestion and "medical advice" in finding.suggestion


def test_suggestion_follows_the_post_language(linter: Linter) -> None:
    report = linter.lint("@paco_88 tómate 1 g de paracetamol cada 6 horas.")
    finding = next(f for f in report.findings if f.rule == "ADV001")
    assert finding.lang == "es" and finding.suggestion and "consejo médico" in finding.suggestion


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("@jo_b with that rash you should keep it covered and stay out of the sun.", ["ADV003"]),
        ("@pat_h that sounds like a UTI, drink cranberry juice and finish the leftover Cipro.", ["ADV001", "ADV002"]),
        ("@coach_ray glad you're better! Finish any antibiotics exactly as your doctor prescribed.", []),
        ("@drjones clinicians should consider metformin first-line, per the ADA guidelines.", []),
        ("@bella_mom give her children's Motrin every 6 hours and push fluids.", ["ADV001"]),
        ("@mari_t92 so sorry! We can't give medical advice here, please call your care team.", []),
    ],
)
def test_signals_combine(linter: Linter, text: str, rules: list[str]) -> None:
    assert sorted(_advice(linter, text)) == rules


def test_the_person_advised_is_not_also_a_featured_patient(linter: Linter) -> None:
    report = linter.lint("Hi Laura, for your son's ear infection give him 5 ml of amoxicillin three times a day.")
    assert {f.category.value for f in report.findings if f.severity.value != "info"} == {"advice", "identifier"}


def test_json_output_carries_the_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "reply.txt"
    draft.write_text("@tina_r halve your warfarin until the bruising stops.\n", encoding="utf-8")
    assert main(["check", "--no-progress", "--format", "json", str(draft)]) == 1
    items = json.loads(capsys.readouterr().out)
    adv = next(i for i in items if i["rule"] == "ADV001")
    assert adv["suggestion"].startswith("We're sorry") and adv["value"] != "halve your warfarin"


# The kinds of advice a keyword net missed (issue 15), in both languages, written for these tests.
@pytest.mark.parametrize(
    "text",
    [
        "@rob_k skip your shot this week and restart on Monday.",  # an instruction, no medicine named
        "mañana no te pongas la inyección, @sara_gm, y el viernes vuelves a tu pauta de siempre",
        "Replying to Gloria: in your case stop the ginkgo five days before the surgery.",  # named, no handle
        "Carmen, en tu caso yo dejaría el omeprazol una semana antes de la gastroscopia.",
        "tía eso es una tendinitis fijo, tomate un ibu cada 8 horas y reposo",  # colloquial, typo "tomate"
        "bro that's definately a sprain, ice it and stay off it for a week",
    ],
)
def test_advice_without_the_usual_markers(linter: Linter, text: str) -> None:
    assert _advice(linter, text)


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("@lena.p from the photo that's ringworm, not eczema.", "warning"),  # a diagnosis, no instruction
        ("@pablo.r por la foto eso es impétigo, no es una alergia.", "warning"),
        ("@lena.p from the photo that's ringworm, put clotrimazole cream on it twice a day.", "error"),
        ("@pablo.r por la foto eso es impétigo: ponte mupirocina tres veces al día.", "error"),
    ],
)
def test_a_diagnosis_without_a_drug_is_adv002_and_an_error_with_an_instruction(
    linter: Linter, text: str, severity: str
) -> None:
    found = {f.rule: f.severity.value for f in linter.lint(text).findings if f.category.value == "advice"}
    assert found.get("ADV002") == severity


@pytest.mark.parametrize(
    "text",
    [
        "Adults can take up to 3,000 mg of acetaminophen a day; children's doses go by weight.",  # population
        "Los adultos pueden tomar hasta 3 g de paracetamol al día; en niños la dosis va según el peso.",
        "@kim_o we can't advise on doses here: please call your pharmacist or our nurse line.",  # deferral
        "@marta_lr no podemos indicar medicación por aquí, consulta con tu médico de cabecera.",
        "@luis_mt escríbenos por privado y te ayudamos a pedir cita con tu médico.",  # DM redirect
        "@dee_w so sorry you're unwell! Please send us a DM so our team can help you book a visit.",
        "Join our live Q&A on Thursday: bring your questions about your medications for our pharmacist!",
        "Este jueves, directo con nuestra farmacéutica: pregúntale tus dudas sobre tu medicación.",
    ],
)
def test_population_advice_deferrals_redirects_and_announcements_stay_quiet(linter: Linter, text: str) -> None:
    assert _advice(linter, text) == []


def test_the_organisations_own_safe_reply(tmp_path: Path) -> None:
    from phiguard import Config

    own = {"en": "Please call our nurse line, 555-0100, any time.", "es": "Llama a nuestra línea de enfermería."}
    linter = Linter(Config.model_validate({"advice-reply": own}))
    en = next(f for f in linter.lint("@tina_r halve your warfarin tonight.").findings if f.rule == "ADV001")
    es = next(f for f in linter.lint("@paco_88 tómate 1 g de paracetamol cada 6 horas.").findings if f.rule == "ADV001")
    assert en.suggestion == own["en"] and es.suggestion == own["es"]
