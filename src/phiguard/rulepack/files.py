"""Reading the files of the built-in and extra rule packs (no detector is imported here: the word
lists of phiguard.rulepack.lexicon are read through it too)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from phiguard.errors import RulePackError

# libyaml's parser when PyYAML was built with it (the PyPI wheels are): rule packs load several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def builtin_rules_dir() -> Path:
    """The packs shipped with phiguard: inside the wheel, or at the top of a source checkout."""
    package = Path(__file__).resolve().parents[1]  # src/phiguard, or phiguard in site-packages
    for candidate in (package / "rules", package.parents[1] / "rules"):
        if (candidate / "lexicon").is_dir():
            return candidate
    raise RulePackError(
        "the built-in rule packs are missing from this installation",
        "reinstall phiguard (pip install --force-reinstall phiguard)",
    )


def read_yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        raise RulePackError(f"cannot read {path}: {exc.__class__.__name__}", "check the file") from None
    except yaml.YAMLError as exc:
        raise RulePackError(f"{path} is not valid YAML: {exc}", "fix the YAML syntax") from None


def validate(model: type[BaseModel], path: Path) -> BaseModel:
    data = read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {_said(e)}" for e in exc.errors())
        raise RulePackError(f"{path}: {problems}", "fix the rule file") from None


def _said(error: Any) -> str:
    """pydantic's message, with the name a rule file gave when it is not one of the names allowed (a rule
    file is no draft: its words may be quoted)."""
    if error["type"] in ("literal_error", "enum"):
        return f"{error['input']!r} is not known. {error['msg']}"
    return str(error["msg"])
