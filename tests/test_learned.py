"""The learned context models: loading, failing closed on a missing or corrupt file, reading features,
and `make train` rebuilding the shipped files byte for byte from the shared data."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import phiguard.learned as learned
from phiguard.cli import main
from phiguard.learned import ModelFileError, load, read_model
from phiguard.models import Severity

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def fresh_models() -> Iterator[None]:
    from phiguard.cli import options

    load.cache_clear()
    options.LINTERS.clear()  # the CLI keeps its Linters (and their loaded models) for the process
    yield
    load.cache_clear()
    options.LINTERS.clear()


def test_shipped_models_load_and_score() -> None:
    identifier, consent, advice = load("identifier"), load("consent"), load("advice")
    assert identifier.name == "identifier" and consent.name == "consent" and advice.name == "advice"
    assert {"addr:reply", "S:dir+clin", "any:diagnosis"} <= set(advice.weights)
    assert 0.0 < identifier.thresholds.warning <= identifier.thresholds.error <= 1.0
    assert 0.0 <= identifier.score({}) <= 1.0
    assert identifier.trained["seed"] and "cv_5fold" in identifier.trained
    # weights are readable names: rules, sources, checks, window words
    assert {"rule:PHI001", "src:ner:PHI001", "chk:role_before", "L1:dr."} <= set(identifier.weights)


def test_severity_follows_the_thresholds() -> None:
    model = load("identifier")
    assert model.severity(1.0) == Severity.ERROR
    assert model.severity(0.0) == Severity.INFO
    assert model.severity(model.thresholds.warning) >= Severity.WARNING


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read"),
        ("{not json", "corrupt"),
        ('{"format": "phiguard-linear/1"}', "corrupt"),
        (
            '{"format": "phiguard-linear/1", "name": "consent", "bias": 0, "weights": {}, '
            '"thresholds": {"warning": 0.5, "error": 0.9}}',
            "not the identifier model",
        ),
        (
            '{"format": "phiguard-linear/1", "name": "identifier", "bias": 0, "weights": {}, '
            '"thresholds": {"warning": 0.9, "error": 0.5}}',
            "corrupt",
        ),
    ],
)
def test_a_missing_or_corrupt_model_file_is_an_error(tmp_path: Path, content: str | None, problem: str) -> None:
    path = tmp_path / "identifier.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelFileError, match=problem) as info:
        read_model(path, "identifier")
    assert info.value.code == "PG104" and "make train" in info.value.fix


@pytest.mark.slow
def test_the_cli_stops_with_exit_2_on_a_corrupt_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fresh_models: None
) -> None:
    broken = tmp_path / "identifier.json"
    broken.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(learned, "model_path", lambda name: broken)
    draft = tmp_path / "post.txt"
    draft.write_text("Welcome home, Rosalind! Her new knee is working wonders.\n", encoding="utf-8")
    assert main(["check", "--no-progress", str(draft)]) == 2
    err = capsys.readouterr().err
    assert "PG104" in err and "Rosalind" not in err


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "social_train.jsonl").exists(), reason="needs ../shared/data (present in CI)")
def test_make_train_rebuilds_the_shipped_models(tmp_path: Path) -> None:
    """Same data, same seed, same files: the shipped models are what `make train` builds."""
    from phiguard.learned.train import main as train

    env = os.environ.get("PYTHONHASHSEED")
    assert train(["--data", str(DATA), "--out", str(tmp_path)]) == 0
    for name in learned.MODEL_NAMES:
        rebuilt = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        shipped = json.loads(learned.model_path(name).read_text(encoding="utf-8"))
        stale = f"{name}.json is stale (PYTHONHASHSEED={env}): run `make train`"
        # the same here gives byte-identical files; a machine with another BLAS may differ in the last
        # digits of a weight, never in what the model decides
        keys = set(rebuilt["weights"]) | set(shipped["weights"])
        assert all(abs(rebuilt["weights"].get(k, 0.0) - shipped["weights"].get(k, 0.0)) <= 1e-3 for k in keys), stale
        for field in ("warning", "error"):
            assert abs(rebuilt["thresholds"][field] - shipped["thresholds"][field]) <= 1e-3, stale
        for split in ("cv_5fold", "cv_leave_one_writer_out", "dev"):
            for figure in ("recall", "precision"):
                a, b = rebuilt["trained"][split][figure], shipped["trained"][split][figure]
                assert abs(a - b) <= 0.005, f"{stale} ({split} {figure}: {a} vs {b})"


def test_a_config_key_loads_other_weights_and_a_missing_file_there_is_an_error(tmp_path: Path) -> None:
    """`learned-models` (issue 28, item 6): a folder of other weights replaces the shipped ones; a file
    missing there is PG104, never a fallback to the shipped model."""
    from phiguard import Config, Linter, PhiguardError

    text = "Congrats Dr. Osei on the award! Welcome home, Rosa!"
    for name in learned.MODEL_NAMES:
        raw = json.loads(learned.model_path(name).read_text(encoding="utf-8"))
        if name == "identifier":  # every candidate is an error with these thresholds
            raw["thresholds"] = {"warning": 0.0, "error": 0.0}
        (tmp_path / f"{name}.json").write_text(json.dumps(raw), encoding="utf-8")
    shipped = Linter().lint(text, lang="en")
    other = Linter(Config(learned_models=tmp_path, base_dir=tmp_path)).lint(text, lang="en")
    assert any(f.category.value == "identifier" and f.severity.value == "info" for f in shipped.findings)
    assert not any(f.category.value == "identifier" and f.severity.value == "info" for f in other.findings)
    (tmp_path / "advice.json").unlink()
    with pytest.raises(PhiguardError, match="advice model"):
        Linter(Config(learned_models=tmp_path)).lint(text, lang="en")
