"""The learned context models: features in, a score out.

Four small linear models (logistic regression) ship inside the package as JSON next to the script that
trains them (``train.py``) and their data card (``DATA_CARD.md``):

- ``story.json`` scores a post before any candidate: how likely it tells one person's health story (its
  words and lexicons only); the identifier model reads that score, so a name in a patient's story and a
  name in a staff announcement weigh differently;
- ``identifier.json`` scores a candidate (a name, date, place, number... found by the rules' patterns,
  the NER model or Presidio): how likely it is a patient's or another private person's identifier;
- ``consent.json`` scores a post: how likely it features a patient (CON001);
- ``advice.json`` scores a post: how likely it gives personal medical advice to one person (ADV001-003).

The interface is narrow on purpose: ``load(name)`` gives a :class:`LinearModel`, whose ``score`` takes
the named features of ``phiguard.learned.features`` and returns a probability, and whose
``severity`` turns it into ``error``/``warning``/``info`` by the thresholds stored with the weights.
A model file is read once, lazily, from the package (never from the network); a missing or corrupt
file is a ``PG104`` error, never a silent fallback.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from phiguard.errors import PhiguardError
from phiguard.models import Severity

FORMAT = "phiguard-linear/1"
ModelName = Literal["story", "identifier", "consent", "advice"]
MODEL_NAMES: tuple[ModelName, ...] = ("story", "identifier", "consent", "advice")


class ModelFileError(PhiguardError):
    """A shipped model file is missing or corrupt."""

    code = "PG104"


class Thresholds(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    warning: float = Field(ge=0.0, le=1.0)
    error: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.error < self.warning:
            raise ValueError("thresholds.error must not be below thresholds.warning")
        return self


class LinearModel(BaseModel):
    """A logistic regression over named features, as stored in the package."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    format: Literal["phiguard-linear/1"]
    name: ModelName
    bias: float
    weights: dict[str, float]
    thresholds: Thresholds
    trained: dict[str, object] = Field(default_factory=dict, description="data, seed and figures (data card)")

    def weigh(self, features: Mapping[str, float]) -> float:
        """The weighted sum of ``features`` (without the bias): a part of a score that many share."""
        return sum(self.weights.get(k, 0.0) * v for k, v in features.items())

    def score(self, features: Mapping[str, float], weighed: float = 0.0) -> float:
        """The probability for ``features``, plus ``weighed``: a part already weighed (``weigh``)."""
        z = self.bias + weighed + self.weigh(features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def severity(self, score: float) -> Severity:
        if score >= self.thresholds.error:
            return Severity.ERROR
        return Severity.WARNING if score >= self.thresholds.warning else Severity.INFO


def model_path(name: ModelName) -> Path:
    return Path(str(resources.files("phiguard.learned") / f"{name}.json"))


def read_model(path: Path, name: ModelName) -> LinearModel:
    """Read and validate one model file; any problem is a ``ModelFileError`` naming the file."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        model = LinearModel.model_validate(raw)
    except OSError as exc:
        raise ModelFileError(
            f"cannot read the {name} model {path}: {exc.strerror}", "reinstall phiguard, or run `make train`"
        ) from None
    except (ValueError, ValidationError) as exc:  # JSONDecodeError is a ValueError
        count = exc.error_count() if isinstance(exc, ValidationError) else 1
        raise ModelFileError(
            f"the {name} model {path} is corrupt ({count} problem(s))", "reinstall phiguard, or run `make train`"
        ) from None
    if model.name != name:
        raise ModelFileError(f"{path} holds the {model.name} model, not the {name} model", "run `make train`")
    return model


@lru_cache(maxsize=4)
def load(name: ModelName) -> LinearModel:
    """The shipped model ``name``, read once per process."""
    return read_model(model_path(name), name)
