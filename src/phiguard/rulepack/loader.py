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

from phiguard.detect.context import CHECKS
from phiguard.detect.validators import VALIDATORS
from phiguard.errors import RulePackError
from phiguard.posts import post_kinds
from phiguard.rewrite.fixes import FUNCTIONS
from phiguard.rulepack.files import builtin_rules_dir, validate
from phiguard.rulepack.schema import Lexicon, Rule, RuleSet


def load_rules(dirs: Iterable[Path] = ()) -> RuleSet:
    """Load the built-in packs plus any extra folders. Later folders may add rules and lexicons but
    never silently replace a rule: a duplicate code is an error."""
    rules: dict[str, Rule] = {}
    lexicons: dict[str, Lexicon] = {}
    for root in (builtin_rules_dir(), *dirs):
        if not root.is_dir():
            raise RulePackError(f"rule folder {root} does not exist", "fix rule-dirs in the config")
        for path in sorted(root.glob("lexicon/*.yml")):
            lex = validate(Lexicon, path)
            assert isinstance(lex, Lexicon)
            if lex.name != path.stem:
                raise RulePackError(f"{path}: name {lex.name!r} must match the file name")
            lexicons[lex.name] = lex
        files = [*root.glob("*.yml"), *(p for p in root.glob("*/*.yml") if p.parent.name != "lexicon")]
        for path in sorted(files):
            rule = validate(Rule, path)
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
            if rule.fix and rule.fix.function and rule.fix.function not in FUNCTIONS:
                raise RulePackError(
                    f"{path}: unknown fix function {rule.fix.function!r}", f"use one of {sorted(FUNCTIONS)}"
                )
            post = rule.detect.post
            if post and post not in post_kinds():
                raise RulePackError(
                    f"{path}: detect.post names unknown kind {post!r}", f"use one of {sorted(post_kinds())}"
                )
            if post and any(other.detect.post == post for other in rules.values()):
                raise RulePackError(
                    f"{path}: another rule already reports {post}", "give each post-level kind one rule"
                )
            rules[rule.code] = rule
    if not rules:
        raise RulePackError("no rules were loaded", "check rule-dirs and the installation")
    return RuleSet(rules=tuple(rules.values()), lexicons=lexicons)
