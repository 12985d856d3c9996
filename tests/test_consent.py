"""Consent records: ledgers (CSV, YAML, SQLite), name matching, validity, and the CLI with a ledger."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from phiguard import Linter, Post, Severity
from phiguard.cli import main
from phiguard.posts.ledger import LedgerError, names_match, open_ledger

FIX = Path(__file__).parent / "fixtures" / "consent"
TODAY = date(2026, 11, 23)
ROSALIND = "Welcome home, Rosalind! Her new knee is working wonders since March."


def _sqlite(path: Path, rows: list[tuple[str, str, str, str | None]]) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE consents (id TEXT, patient TEXT, scope TEXT, signed TEXT, expires TEXT, revoked TEXT)")
    con.executemany("INSERT INTO consents VALUES (?, ?, ?, ?, NULL, ?)", rows)
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("kind", ["csv", "yaml", "sqlite"])
def test_ledgers_read_the_same_records(kind: str, tmp_path: Path) -> None:
    if kind == "sqlite":
        db = _sqlite(tmp_path / "c.db", [("CF-2026-0101", "Rosalind Pike", "name,condition,dates", "2026-01-10", None)])
        ledger = open_ledger(f"sqlite:///{db}")
    else:
        ledger = open_ledger(str(FIX / f"ledger.{kind}"))
    rec = ledger.get("CF-2026-0101")
    assert rec is not None and rec.patient == "Rosalind Pike" and rec.scope == ("name", "condition", "dates")
    assert rec.problem(TODAY) is None
    assert ledger.get("CF-0000") is None


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("bad-date.csv", "row 2"),
        ("missing-column.csv", "missing column"),
        ("nope.csv", "cannot read"),
        ("ledger.txt", "unknown consent ledger type"),
    ],
)
def test_bad_ledgers_name_file_and_row(spec: str, needle: str) -> None:
    with pytest.raises(LedgerError, match=needle):
        open_ledger(str(FIX / spec))


def test_unreadable_database(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(LedgerError, match="unreadable consent database"):
        open_ledger(f"sqlite:///{tmp_path / 'junk.db'}")
    with pytest.raises(LedgerError, match="no such consent database"):
        open_ledger(f"sqlite:///{tmp_path / 'missing.db'}")


@pytest.mark.parametrize(
    ("recorded", "mentioned", "ok"),
    [
        ("Rosa Díaz", "Rosa", True),
        ("Rosa Díaz", "Mrs. Diaz", True),
        ("Rosa Díaz", "Rosa D.", True),
        ("Rosa Díaz", "ROSA DÍAZ", True),
        ("José Antonio Ruiz", "don José Antonio", True),
        ("Joe Marsh", "Grandpa Joe", True),
        ("Ava Nguyen", "Twins Ava", True),
        ("Hugo Sanz", "el pequeño Hugo", True),
        ("Rosa Díaz", "Rosalind", False),
        ("Rosa Díaz", "Rosa M.", False),
    ],
)
def test_name_variants(recorded: str, mentioned: str, ok: bool) -> None:
    assert names_match(recorded, mentioned) is ok


def test_ledger_consent_covers_post_and_expiry_counts(linter: Linter) -> None:
    ledger = open_ledger(str(FIX / "ledger.csv"))
    covered = linter.with_consent(ledger, TODAY).lint(Post(text=ROSALIND, metadata={"consent": ["CF-2026-0101"]}))
    assert not [f for f in covered.findings if f.category.value == "consent"]
    assert all(f.severity.value == "info" for f in covered.findings)
    expired = linter.with_consent(ledger, TODAY).lint(
        Post(text="Welcome home, Wendeline! Her new hip works.", metadata={"consent": ["CF-2024-0050"]})
    )
    assert [f.rule for f in expired.findings if f.category.value == "consent"] == ["CON003"]


def test_cli_with_consent_ledger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(FIX / "ledger.csv", tmp_path / "ledger.csv")
    shutil.copy(FIX / "story.md", tmp_path / "story.md")
    (tmp_path / "phiguard.toml").write_text('consent-ledger = "ledger.csv"\n', encoding="utf-8")
    assert main(["check", "--no-progress", str(tmp_path / "story.md")]) == 0
    (tmp_path / "phiguard.toml").write_text('consent-ledger = "missing.csv"\n', encoding="utf-8")
    assert main(["check", "--no-progress", str(tmp_path / "story.md")]) == 2
    assert "missing.csv" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(
    ("folder", "name", "expected"),
    [
        ("drafts", "con001", {"CON001"}),
        ("with-ledger", "con002", {"CON002"}),
        ("drafts", "con003", {"CON003"}),
        ("drafts", "con004", {"CON004"}),
        ("drafts", "con005", {"CON005", "CON001"}),
        ("drafts", "covered", set()),
    ],
)
def test_each_consent_finding_from_draft_files(
    capsys: pytest.CaptureFixture[str], folder: str, name: str, expected: set[str], lang: str
) -> None:
    import json

    path = FIX / folder / f"{name}-{lang}.md"
    code = main(["check", "--no-progress", "--format", "json", "--today", "2026-11-23", str(path)])
    items = json.loads(capsys.readouterr().out)
    assert {i["rule"] for i in items if i["category"] == "consent"} == expected
    assert all(i["lang"] == lang for i in items)
    assert code == (1 if expected else 0)


def test_caption_is_weighed_with_the_body(linter: Linter) -> None:
    """A caption naming somebody is an error when the body of the same post discloses care."""
    caption = "Hank Ortiz and his daughter on the day he left"
    alone = linter.lint(Post(text="A sunny day on the terrace.", captions=(caption,), lang="en"))
    with_care = linter.lint(Post(text="Back home after six weeks in the ICU. Welcome home!", captions=(caption,)))
    severity = {
        r: next(f.severity.value for f in rep.findings if f.rule == "PHI001")
        for r, rep in (("alone", alone), ("care", with_care))
    }
    assert Severity(severity["care"]) >= Severity(severity["alone"]) >= Severity.WARNING
    assert any(f.rule == "CON001" for f in with_care.findings)


def test_record_numbers_need_the_record_scope(linter: Linter) -> None:
    text = "Congratulations to Marcus Lee (MRN 7731902) on walking 100 feet today!"

    def lint(scope: list[str]) -> dict[str, str]:
        record = {"id": "CF-1", "patient": "Marcus Lee", "scope": scope}
        report = linter.lint(Post(text=text, lang="en", metadata={"consent": [record]}))
        return {f.rule: f.severity.value for f in report.findings if f.rule in ("CON004", "PHI050", "PHI002")}

    assert lint(["name", "condition"]) == {"CON004": "error", "PHI050": "error", "PHI002": "info"}
    assert lint(["name", "condition", "record"]) == {"PHI050": "info", "PHI002": "info"}


def test_every_identifier_rule_names_a_known_consent_scope() -> None:
    from typing import get_args

    from phiguard.posts.ledger import SCOPES
    from phiguard.rulepack.loader import load_rules
    from phiguard.rulepack.schema import ConsentScope

    assert set(get_args(ConsentScope)) == set(SCOPES)
    never = {r.code for r in load_rules().rules if r.category.value == "identifier" and r.consent_scope is None}
    # SSN, DNI/NIE, plates, IPs, a photo's GPS and camera serial: no consent covers them
    assert never == {"PHI051", "PHI052", "PHI054", "PHI056", "PHI059", "PHI061"}


@pytest.mark.slow
def test_consent_fixture_posts(linter: Linter) -> None:
    """84 posts of our own writing (patients, staff, donors, public figures, counts; both languages):
    at most one of the 40 patient posts goes without a consent finding, and at most 3 of the 44 harmless
    posts get one (measured with the learned consent model, docs/consent.md: 40/40 and 1/44 until issue
    30's retrain, 39/40 and 0/44 since; the hand-tuned method was fitted to these posts and had none,
    and 0.73 consent precision on the 450 independent posts)."""
    from phiguard.run.evaluate import read_corpus

    missed, alarms = [], []
    for doc in read_corpus(Path(__file__).parent / "fixtures" / "consent_posts.jsonl"):
        flagged = any(f.category.value == "consent" for f in linter.lint(Post(text=doc.text, lang=doc.lang)).findings)
        if flagged != bool(doc.labels["consent_required"]):
            (missed if not flagged else alarms).append(doc.id)
    assert len(missed) <= 1 and len(alarms) <= 3, (missed, alarms)
