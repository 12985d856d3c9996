"""The rule packs ship inside the wheel: a plain `pip install .` must find them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from phiguard.learned import MODEL_NAMES

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_every_rule_file(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("phiguard-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"phiguard/rules/{p.relative_to(ROOT / 'rules').as_posix()}" for p in (ROOT / "rules").rglob("*.yml")}
    assert expected and expected <= names
    assert "phiguard/py.typed" in names
    # the learned models, their training script and data card travel together
    learned = {f"{name}.json" for name in MODEL_NAMES} | {"train.py", "features.py", "DATA_CARD.md"}
    assert {f"phiguard/learned/{n}" for n in learned} <= names
    # the advice rules' medicine names and their source's licence (phiguard.detect.drugs)
    assert {"phiguard/detect/medicines.txt", "phiguard/detect/medicines.LICENSE"} <= names
