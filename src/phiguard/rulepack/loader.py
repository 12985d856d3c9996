"""Rule packs: YAML files in ``rules/``, one rule per file, validated strictly (the shapes are in
:mod:`phiguard.rulepack.schema`).

A pack is a folder (``rules/identifiers``, ...). A rule file is named ``<CODE>-<name>.yml`` and holds the
rule's code, severity, message, the HIPAA reason, how candidates are detected, which context checks
change its severity, and examples that the test suite runs. Word lists shared by several rules live in
``rules/lexicon/<name>.yml``. Unknown keys, bad regexes, unknown check names and missing examples are
errors that name the file, so a typo never silently disables a rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from phiguard.context import CHECKS
from phiguard.errors import RulePackError
from phiguard.recognizers import PRESIDIO_RECOGNIZERS
from phiguard.rulepack.schema import Lexicon, Rule, RuleSet
from phiguard.validators import VALIDATORS

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


def _read_yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        raise RulePackError(f"cannot read {path}: {exc.__class__.__name__}", "check the file") from None
    except yaml.YAMLError as exc:
        raise RulePackError(f"{path} is not valid YAML: {exc}", "fix the YAML syntax") from None


def _validate(model: type[BaseModel], path: Path) -> BaseModel:
    data = _read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors())
        raise RulePackError(f"{path}: {problems}", "fix the rule file") from None


def load_rules(dirs: Iterable[Path] = ()) -> RuleSet:
    """Load the built-in packs plus any extra folders. Later folders may add rules and lexicons but
    never silently replace a rule: a duplicate code is an error."""
    rules: dict[str, Rule] = {}
    lexicons: dict[str, Lexicon] = {}
    for root in (builtin_rules_dir(), *dirs):
        if not root.is_dir():
            raise RulePackError(f"rule folder {root} does not exist", "fix rule-dirs in the config")
        for path in sorted(root.glob("lexicon/*.yml")):
            lex = _validate(Lexicon, path)
            assert isinstance(lex, Lexicon)
            if lex.name != path.stem:
                raise RulePackError(f"{path}: name {lex.name!r} must match the file name")
            lexicons[lex.name] = lex
        files = [*root.glob("*.yml"), *(p for p in root.glob("*/*.yml") if p.parent.name != "lexicon")]
        for path in sorted(files):
            rule = _validate(Rule, path)
            assert isinstance(rule, Rule)
            if not path.stem.startswith(f"{rule.code}-") or path.stem != f"{rule.code}-{rule.name}":
                raise RulePackError(f"{path}: file must be named {rule.code}-{rule.name}.yml")
            if rule.code in rules:
                raise RulePackError(f"{path}: duplicate rule code {rule.code}")
            floor = rule.context.floor
            named = {"drop": rule.context.drop, "checks": rule.context.checks}
            if floor is not None:
                named |= {"floor.when": floor.when, "floor.unless": floor.unless}
            for kind, checks in named.items():
                for check in checks:
                    if check not in CHECKS:
                        raise RulePackError(
                            f"{path}: context.{kind} names unknown check {check!r}",
                            f"use one of {sorted(CHECKS)}",
                        )
            if rule.detect.validator and rule.detect.validator not in VALIDATORS:
                raise RulePackError(
                    f"{path}: unknown validator {rule.detect.validator!r}",
                    f"use one of {sorted(VALIDATORS)}",
                )
            post = rule.detect.post
            if post and any(other.detect.post == post for other in rules.values()):
                raise RulePackError(
                    f"{path}: another rule already reports {post}", "give each post-level kind one rule"
                )
            unknown = set(rule.detect.presidio) - set(PRESIDIO_RECOGNIZERS)
            if unknown:
                raise RulePackError(
                    f"{path}: unknown Presidio recognizer(s) {sorted(unknown)}",
                    f"use one of {sorted(PRESIDIO_RECOGNIZERS)}",
                )
            rules[rule.code] = rule
    if not rules:
        raise RulePackError("no rules were loaded", "check rule-dirs and the installation")
    return RuleSet(rules=tuple(rules.values()), lexicons=lexicons)
