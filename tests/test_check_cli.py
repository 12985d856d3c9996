"""`phiguard check` on real draft files: formats, positions, exit codes, config, suppressions, baseline."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from phiguard.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
CLI = FIXTURES / "cli"
BAD = FIXTURES / "cli-bad"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", "--no-progress", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def findings(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "--format", "json", *argv)
    assert code in (0, 1)
    data: list[dict[str, object]] = json.loads(out)
    return data


# -- drafts and positions ------------------------------------------------------------------------------
def test_markdown_front_matter_alt_text_and_body_positions(capsys: pytest.CaptureFixture[str]) -> None:
    items = findings(capsys, str(CLI / "story.md"))
    where = {(i["scope"], i["line"], i["column"]) for i in items}
    assert ("caption[0]", 4, 11) in where  # caption: "Wendeline Ashcroft ..." in the front matter
    assert ("alt[0]", 7, 10) in where  # images[0].alt in the front matter
    assert ("body", 9, 15) in where  # Welcome home, Wendeline!
    assert any(i["scope"] == "alt[1]" and i["line"] == 11 and i["column"] == 3 for i in items)  # ![Tobias ...]
    source = (CLI / "story.md").read_text(encoding="utf-8").splitlines()
    line = source[8]
    assert line[14:].startswith("Wendeline")


def test_csv_cells_and_json_yaml_exports(capsys: pytest.CaptureFixture[str]) -> None:
    csv_items = findings(capsys, str(CLI / "schedule.csv"))
    counted = [i for i in csv_items if i["severity"] != "info"]
    assert {i["line"] for i in counted} == {3}  # only the second row names a patient
    lines = (CLI / "schedule.csv").read_text(encoding="utf-8").splitlines()
    for i in csv_items:
        col = int(str(i["column"])) - 1
        assert lines[2][col].isalnum()
    assert any(i["scope"] == "alt[0]" for i in csv_items)
    json_items = [i for i in findings(capsys, str(CLI / "export.json")) if i["severity"] != "info"]
    assert {i["post"] for i in json_items} == {None}  # the export's own id: only with --show-ids
    yaml_items = [i for i in findings(capsys, "--show-ids", str(CLI / "export.yaml")) if i["severity"] != "info"]
    assert {i["post"] for i in yaml_items} == {"y1"} and yaml_items[0]["lang"] == "es"


def test_folder_recursion_stdin_and_clean_drafts(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, str(CLI / "event.md"), str(CLI / "charla.txt"))
    assert code == 0 and "2 draft(s) checked" in err
    code, out, err = run(capsys, str(CLI))
    assert code == 1 and "8 draft(s) checked" in err
    import io

    monkeypatch.setattr(
        "sys.stdin",
        io.TextIOWrapper(
            io.BytesIO(b"Welcome home, Rosalind! Her new knee works wonders since March."), encoding="utf-8"
        ),
    )
    code, out, _ = run(capsys, "-")
    assert code == 1 and "<stdin>:1:15: PHI002" in out


# -- formats ---------------------------------------------------------------------------------------------
def test_text_format_is_plain_off_a_terminal_and_masks_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(CLI / "story.md"))
    assert code == 1
    assert "story.md:9:15: PHI002 [error]" in out
    assert "Wendeline" not in out and "<PERSON>" in out
    assert "\x1b[" not in out
    code, out, _ = run(capsys, "--show-values", str(CLI / "story.md"))
    assert "Wendeline" in out
    code, out, _ = run(capsys, "--color", "always", str(CLI / "story.md"))
    assert "\x1b[" in out and "Wendeline" not in out


def test_json_fields(capsys: pytest.CaptureFixture[str]) -> None:
    items = findings(capsys, str(CLI / "story.md"))
    required = {"rule", "category", "severity", "entity", "path", "line", "column", "message", "value", "fingerprint"}
    assert items and all(required <= set(i) for i in items)
    assert all("Wendeline" not in json.dumps(i) for i in items)


def test_sarif_is_valid_2_1_0(capsys: pytest.CaptureFixture[str]) -> None:
    from sarif_pydantic import Sarif

    _, out, _ = run(capsys, "--format", "sarif", str(CLI / "story.md"))
    data = json.loads(out)
    assert data["version"] == "2.1.0" and data["$schema"].endswith("sarif-2.1.0.json")
    run_ = data["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert {"PHI001", "PHI002", "PGS001"} <= {r["id"] for r in rules}
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert result["level"] in {"error", "warning", "note"}
    assert "Wendeline" not in out
    Sarif.model_validate(data)  # parses back into the SARIF object model


def test_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "github", str(CLI / "story.md"))
    lines = out.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any("line=9,col=15" in line and "title=PHI002" in line for line in lines)
    assert "Wendeline" not in out


def test_html_report_is_self_contained(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, out, _ = run(
        capsys, "--format", "html", "--output", str(target), str(CLI / "story.md"), str(CLI / "event.md")
    )
    page = target.read_text(encoding="utf-8")
    assert code == 1 and out == ""
    assert page.startswith("<!DOCTYPE html>") and "<script src" not in page and "<link " not in page
    assert '<mark class="error"' in page and "&lt;PERSON&gt;" in page and "Wendeline" not in page
    assert 'id="count-files">2<' in page


def test_unwritable_output_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--output", str(tmp_path / "missing" / "x.txt"), str(CLI / "event.md"))
    assert code == 2 and "cannot write" in err


# -- exit codes and bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("binary.txt", "looks binary"),
        ("broken-frontmatter.md", "invalid front matter"),
        ("no-message-column.csv", "csv-text-columns"),
        ("malformed.csv", "unreadable CSV"),
        ("broken.json", "invalid JSON"),
        ("latin1.txt", "not UTF-8"),
    ],
)
def test_bad_drafts_are_exit_2_without_traceback(capsys: pytest.CaptureFixture[str], name: str, needle: str) -> None:
    code, out, err = run(capsys, str(BAD / name))
    assert code == 2 and needle in err and "Traceback" not in err and out == ""


def test_missing_path_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "no/such/draft.md")
    assert code == 2 and "no such file" in err


def test_fail_on_level(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    reply = str(CLI / "reply.txt")
    assert run(capsys, reply)[0] == 1
    config = tmp_path / "phiguard.toml"
    # the reply's handle, and the patient it features (a hospital confirming a patient in public): warnings only
    config.write_text('[severity]\nPHI003 = "warning"\nCON001 = "warning"\n', encoding="utf-8")
    assert run(capsys, "--config", str(config), reply)[0] == 1
    assert run(capsys, "--config", str(config), "--fail-on", "error", reply)[0] == 0


# -- config ------------------------------------------------------------------------------------------------
def _project(tmp_path: Path, toml: str, name: str = "phiguard.toml") -> Path:
    drafts = tmp_path / "drafts"
    shutil.copytree(CLI, drafts)
    (tmp_path / name).write_text(toml, encoding="utf-8")
    return drafts


def test_config_found_by_walking_up(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    drafts = _project(tmp_path, '[tool.phiguard]\nignore = ["PHI0"]\nselect = ["PHI002"]\n', "pyproject.toml")
    rules = {i["rule"] for i in findings(capsys, str(drafts / "story.md"))}
    assert rules == {"PHI002"}  # the longer select prefix beats the shorter ignore


def test_config_severity_fail_on_exclude_and_csv_columns(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    drafts = _project(
        tmp_path,
        'fail-on = "error"\nexclude = ["drafts/story.md", "*.json"]\n'
        'csv-text-columns = ["alt_text"]\n[severity]\nPHI053 = "error"\n',
    )
    code, out, err = run(capsys, str(drafts))
    assert "story.md" not in out and "export.json" not in out
    assert "6 draft(s) checked" in err
    assert "schedule.csv:3:" in out and "PHI053 [error]" in out  # alt_text column read as the message
    assert code == 1


def test_config_allowlist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    drafts = _project(tmp_path, '[allowlist]\nnames = ["Tobias Okonkwo"]\n')
    items = findings(capsys, str(drafts / "story.md"))
    assert not any(i["line"] == 11 for i in items)


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("fail_on_typo = 1\n", "fail_on_typo"),
        ('fail-on = "sometimes"\n', "fail-on"),
        ("[allowlist]\nphone = []\n", "phone"),
        ("not toml at all [", "not valid TOML"),
        ('models = {fr = "fr_core_news_sm"}\n', "models"),
    ],
)
def test_invalid_config_is_exit_2_naming_the_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, toml: str, needle: str
) -> None:
    drafts = _project(tmp_path, toml)
    code, _, err = run(capsys, str(drafts / "event.md"))
    assert code == 2 and needle in err and "Traceback" not in err


def test_missing_model_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    drafts = _project(tmp_path, 'models = {en = "en_no_such_model"}\n')
    code, _, err = run(capsys, str(drafts / "event.md"))
    assert code == 2 and "PG101" in err


def test_extra_rule_dirs_from_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "ORG900-codename.yml").write_text(
        "code: ORG900\nname: codename\nsummary: Internal project codename.\ncategory: identifier\n"
        "entity: ID\nseverity: error\nmessage: Internal codename in a public post.\nwhy: Codenames are internal.\n"
        "detect:\n  patterns:\n    - name: codename\n      regex: '\\bBLUEHERON\\b'\n"
        "examples:\n  flag:\n    - {lang: en, text: 'BLUEHERON starts Monday.', match: BLUEHERON}\n"
        "    - {lang: es, text: 'BLUEHERON empieza el lunes.', match: BLUEHERON}\n"
        "  pass:\n    - {lang: en, text: 'Our project starts Monday.'}\n"
        "    - {lang: es, text: 'Nuestro proyecto empieza el lunes.'}\n",
        encoding="utf-8",
    )
    drafts = _project(tmp_path, 'rule-dirs = ["house"]\n')
    (drafts / "codename.txt").write_text("Team BLUEHERON is hiring nurses.\n", encoding="utf-8")
    items = findings(capsys, str(drafts / "codename.txt"))
    assert [i["rule"] for i in items if i["category"] == "identifier"] == ["ORG900"]
    assert main(["rules", "--config", str(tmp_path / "phiguard.toml")]) == 0  # lists the configured packs
    assert "ORG900" in capsys.readouterr().out


# -- suppressions --------------------------------------------------------------------------------------------
def test_suppressions(capsys: pytest.CaptureFixture[str]) -> None:
    items = findings(capsys, str(CLI / "suppressed.md"))
    rules = [(i["rule"], i["line"]) for i in items]
    assert not any(
        line == 4 and rule in ("PHI001", "CON001") for rule, line in rules
    )  # ignore[PHI001] covers the next line...
    assert not any(line == 7 for _, line in rules)  # ...disable[PHI0] ... enable[PHI0] covers a range
    assert ("PGS002", 10) in rules  # unused
    assert ("PGS001", 13) in rules  # no codes
    assert all(i["severity"] != "info" or i["rule"].startswith("PHI") for i in items)


def test_ignore_without_reason_is_a_finding(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    draft = tmp_path / "d.md"
    draft.write_text("<!-- phiguard: ignore[PHI002] -->\nWelcome home, Rosalind!\n", encoding="utf-8")
    items = findings(capsys, str(draft))
    assert ("PGS001", "error") in [(i["rule"], i["severity"]) for i in items]
    assert any(i["rule"] == "PHI002" for i in items)  # a malformed suppression silences nothing


# -- baseline -------------------------------------------------------------------------------------------------
def test_baseline_create_check_update(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    story = drafts / "story.md"
    shutil.copy(CLI / "story.md", story)
    base = tmp_path / "baseline.json"
    assert main(["baseline", "create", str(drafts), "--baseline", str(base)]) == 0
    text = base.read_text(encoding="utf-8")
    assert "Wendeline" not in text and '"line"' not in text
    assert main(["baseline", "create", str(drafts), "--baseline", str(base)]) == 2  # never overwrites
    capsys.readouterr()
    code, out, err = run(capsys, "--baseline", str(base), str(drafts))
    assert code == 0 and out == "" and "accepted by the baseline" in err
    front, body = story.read_text(encoding="utf-8").split("---\n", 2)[1:]
    story.write_text(f"---\n{front}---\n\n\n{body}\nGet well soon, Ottilie!\n", encoding="utf-8")
    code, out, _ = run(capsys, "--baseline", str(base), str(drafts))
    new = [line.split(": ")[1].split()[0] for line in out.splitlines()]
    assert code == 1 and new == ["PHI002"]  # moved lines stay accepted; the new name is new
    assert main(["baseline", "update", str(drafts), "--baseline", str(base)]) == 0
    assert run(capsys, "--baseline", str(base), str(drafts))[0] == 0
    assert run(capsys, "--baseline", str(tmp_path / "nope.json"), str(drafts))[0] == 2


# -- rules and docs --------------------------------------------------------------------------------------------
def test_rules_list_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    assert "PHI001" in capsys.readouterr().out
    assert main(["rules", "phi053"]) == 0
    assert "Flagged:" in capsys.readouterr().out
    assert main(["rules", "NOPE1"]) == 2


def test_rule_pages_are_current(tmp_path: Path) -> None:
    assert main(["rules", "--docs", str(tmp_path)]) == 0
    committed = Path(__file__).parents[1] / "docs" / "rules"
    for page in tmp_path.iterdir():
        assert (committed / page.name).read_text(encoding="utf-8") == page.read_text(encoding="utf-8"), (
            f"docs/rules/{page.name} is stale: run `phiguard rules --docs docs/rules`"
        )


@pytest.mark.slow
def test_jobs_give_the_same_findings(capsys: pytest.CaptureFixture[str]) -> None:
    one = findings(capsys, str(CLI))
    two = findings(capsys, "-j", "2", str(CLI))
    assert one == two


def test_documented_config_example_is_valid(tmp_path: Path) -> None:
    """The TOML example in docs/cli.md is a real, valid configuration."""
    from phiguard.config import load_config_file

    doc = (Path(__file__).parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    block = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "house-rules").mkdir()
    (tmp_path / "pyproject.toml").write_text(block, encoding="utf-8")
    config = load_config_file(tmp_path / "pyproject.toml")
    assert config.fail_on.value == "warning" and config.allowlist.phones == ("737-555-0100",)
    assert config.selected("PHI001") and not config.selected("PHI056")


def test_unreadable_file_is_exit_2(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def denied(path: str, *args: int, **kwargs: int) -> int:  # as for a file without read permission
        if str(path).endswith("event.md"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    code, _, err = run(capsys, str(CLI / "event.md"))
    assert code == 2 and "cannot read (Permission denied)" in err


def test_config_languages(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    drafts = _project(tmp_path, 'languages = ["es"]\ndefault-language = "es"\n')
    items = findings(capsys, str(drafts / "story.md"))
    assert items and {i["lang"] for i in items} == {"en"}  # front matter `lang: en` still wins
    items = findings(capsys, str(drafts / "schedule.csv"))
    assert items and {i["lang"] for i in items} == {"es"}  # detection limited to the configured languages
