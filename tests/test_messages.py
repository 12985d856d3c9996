"""Messages in the post's language (issue 31, item 3): a Spanish post's findings speak Spanish in every
output format; --messages and the config's `messages` choose one language for all; the safe reply's
emergency number comes from `emergency-number`, else the language profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phiguard import Config, Linter, Post
from phiguard.cli import main
from phiguard.rulepack.loader import load_rules

RULES = load_rules()
ES_POST = "¡Bienvenida a casa, Rosa García! Ya camina tras su prótesis de rodilla desde el 3 de marzo.\n"
EN_POST = "Welcome home, Rosa García! Her new knee is working wonders since March 3.\n"


def test_every_rule_has_a_message_in_each_language_it_covers() -> None:
    for rule in RULES.rules:
        for lang in rule.languages:
            assert rule.messages.get(lang), f"{rule.code}: no message in {lang}"
        assert rule.message == rule.messages["en"]


def _texts(fmt: str, out: str) -> str:
    if fmt == "json":
        return " ".join(f["message"] for f in json.loads(out))
    if fmt == "sarif":
        return " ".join(r["message"]["text"] for r in json.loads(out)["runs"][0]["results"])
    return out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "html"])
def test_a_spanish_posts_findings_speak_spanish_in_every_format(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "es.txt").write_text(ES_POST, encoding="utf-8")
    (tmp_path / "en.txt").write_text(EN_POST, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["check", "--no-progress", "--no-images", "--format", fmt, "-o", "report.out", "es.txt"])
    spanish = _texts(fmt, (tmp_path / "report.out").read_text(encoding="utf-8"))
    main(["check", "--no-progress", "--no-images", "--format", fmt, "-o", "report2.out", "en.txt"])
    english = _texts(fmt, (tmp_path / "report2.out").read_text(encoding="utf-8"))
    capsys.readouterr()
    phi002 = RULES.by_code("PHI002")
    assert phi002.messages["es"][:40] in spanish.replace("&#39;", "'")
    assert phi002.messages["en"][:40] not in spanish.replace("&#39;", "'")
    assert phi002.messages["en"][:40] in english.replace("&#39;", "'")


def test_one_language_for_every_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    draft = tmp_path / "es.txt"
    draft.write_text(ES_POST, encoding="utf-8")
    main(["check", "--no-progress", "--no-images", "--messages", "en", str(draft)])
    out = capsys.readouterr().out
    assert "A named patient or family member" in out and "Un paciente o familiar" not in out
    found = Linter(Config(messages="en")).lint(Post(text=ES_POST, lang="es")).findings
    assert found and all(f.message == RULES.by_code(f.rule).messages["en"] for f in found if f.rule in RULES.codes)
    found = Linter(Config(messages="es")).lint(Post(text=EN_POST, lang="en")).findings
    assert found and all(f.message == RULES.by_code(f.rule).messages["es"] for f in found if f.rule in RULES.codes)


ADVICE_ES = "@ana_g ese dolor de pecho que cuentas puede ser un infarto, tómate una aspirina de 300 mg ya."


@pytest.mark.parametrize(
    ("config", "number"),
    [({}, "112"), ({"emergency-number": {"es": "911"}}, "911"), ({"emergency-number": "061"}, "061")],
)
def test_the_safe_reply_gives_the_configured_emergency_number(config: dict[str, object], number: str) -> None:
    found = Linter(Config(**config)).lint(Post(text=ADVICE_ES, lang="es")).findings
    replies = [f.suggestion for f in found if f.category.value == "advice" and f.suggestion]
    assert replies, [f.rule for f in found]
    assert all(f"llama al {number}" in r for r in replies)
    assert all("{emergency}" not in r for r in replies)


def test_a_message_in_one_language_only_of_two_covered_is_an_error(tmp_path: Path) -> None:
    import yaml

    from phiguard.errors import RulePackError

    source = next(Path(__file__).parents[1].glob("rules/identifiers/PHI051-*.yml"))
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["message"] = {"en": data["message"]["en"]}
    (tmp_path / "identifiers").mkdir()
    (tmp_path / "identifiers" / "XPH001-ssn.yml").write_text(
        yaml.safe_dump({**data, "code": "XPH001", "name": "ssn"}, allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(RulePackError, match="no text in es"):
        load_rules([tmp_path])
