"""Fingerprints and masks reveal nothing (issue 27, item 8). A baseline's fingerprint may not depend on
any value of any rule, selected or not: under every select/ignore combination of the probe, drafts that
differ only in a value (a phone's digits, a record number, a name) get the same fingerprints, so a
brute force over the values recovers nothing. Default masks say the entity type only."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest

from phiguard.cli import main

TEMPLATES = {
    "en": "Call {name} at 555-{phone} in room 12, MRN {mrn}, after her new knee.\n",
    "es": "Llama a {name} al 612 34{phone} en la habitación 12, NHC {mrn}, tras su rodilla nueva.\n",
}
# the probe's configurations: a rule whose value sits next to another finding is ignored or unselected
CONFIGS = [
    [],
    ["--ignore", "PHI030"],
    ["--select", "PHI00,CON"],
    ["--select", "PHI053"],
    ["--ignore", "PHI0"],
    ["--select", "PHI05", "--ignore", "PHI050"],
    ["--select", "CON"],
]
NAMES = ["Rosa Garcia", "Wendeline Ashcroft", "Iker Zubiri", "Ana Gil", "Tobias Okonkwo"]


def fingerprints(
    capsys: pytest.CaptureFixture[str], draft: Path, values: dict[str, str], lang: str, config: list[str]
) -> dict[str, str]:
    """Each finding's fingerprint, by its rule and its column in the template (whether a value is
    detected may depend on the value; what a detected finding's fingerprint is may not)."""
    text = TEMPLATES[lang].format(**values)
    draft.write_text(text, encoding="utf-8")
    code = main(["check", "--no-progress", "--format", "json", "--lang", lang, *config, str(draft)])
    out = capsys.readouterr().out
    assert code in (0, 1)
    name_at = text.index(values["name"]) + 1
    shift = len(values["name"]) - len(NAMES[0])
    found = {}
    for item in json.loads(out):
        column = int(item["column"])
        column -= shift if column >= name_at + len(values["name"]) else 0
        found[f"{item['rule']}@{column}"] = str(item["fingerprint"])
    return found


@pytest.mark.slow
@pytest.mark.parametrize("lang", sorted(TEMPLATES))
def test_no_value_of_any_rule_changes_a_fingerprint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    draft = tmp_path / "post.md"
    rng = random.Random(27)
    for config in CONFIGS:
        seen: dict[str, set[str]] = {}
        for name, _ in itertools.product(NAMES, range(3)):
            values = {"name": name, "phone": f"{rng.randrange(10_000):04d}", "mrn": f"{rng.randrange(10**7):07d}"}
            for key, fp in fingerprints(capsys, draft, values, lang, config).items():
                seen.setdefault(key, set()).add(fp)
        assert all(len(fps) == 1 for fps in seen.values()), (config, seen)  # the values never show


def test_a_brute_force_over_a_phone_finds_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The probe: with the phone rule ignored, the bed number's fingerprint gave the phone back in 0.1 s."""
    from phiguard.run.baseline import context

    text = "Call Rosa at 555-0142 in room 12 after her new knee"
    room = text.index("room 12")
    target = context(text, room, room + 7, [(room, room + 7)])
    hits = []
    for guess in range(10_000):
        candidate = text.replace("0142", f"{guess:04d}")
        if context(candidate, room, room + 7, [(room, room + 7)]) == target:
            hits.append(guess)
    assert len(hits) == 10_000  # every guess fits: the context holds nothing of the phone
    assert "0142" not in target and "rosa" not in target.lower()


def test_masks_say_the_type_unless_initials_are_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "post.md"
    draft.write_text("Welcome home, Rosa Garcia! Call her at 555-014-2297.\n", encoding="utf-8")
    assert main(["check", "--no-progress", "--format", "json", str(draft)]) == 1
    values = {item["value"] for item in json.loads(capsys.readouterr().out)}
    assert values and all(v.startswith("<") and v.endswith(">") for v in values), values
    assert main(["check", "--no-progress", "--format", "json", "--mask", "initials", str(draft)]) == 1
    assert "R*** G*****" in {item["value"] for item in json.loads(capsys.readouterr().out)}


def test_a_version_2_baseline_is_refused_with_the_way_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"version": 2, "findings": []}), encoding="utf-8")
    draft = tmp_path / "post.md"
    draft.write_text("Free BP checks.\n", encoding="utf-8")
    assert main(["check", "--no-progress", "--baseline", str(baseline), str(draft)]) == 2
    err = capsys.readouterr().err
    assert "version 2 baseline" in err and "baseline update" in err
