"""SARIF for GitHub code scanning: the fields it reads, relative URIs and distinct fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sarif_pydantic import Sarif

from phiguard.cli import main


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
    names = [r for r in run["results"] if r["ruleId"] == "PHI001"]
    assert len(names) == 2  # the same rule and value on two lines: two alerts, not one
    assert len({r["partialFingerprints"]["phiguard/v1"] for r in names}) == 2
    for r in run["results"]:
        where = r["locations"][0]["physicalLocation"]["artifactLocation"]
        assert where == {"uri": "drafts/two.txt", "uriBaseId": "%SRCROOT%"}
