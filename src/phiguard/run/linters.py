"""A caller-owned cache of Linters, one per configuration, for a program that runs many commands in one
process (the CLI keeps one for its lifetime): models load once per configuration. The library keeps
none of its own; worker processes build theirs in :mod:`phiguard.run.workers`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from phiguard.config import Config

if TYPE_CHECKING:
    from phiguard.engine.linter import Linter
    from phiguard.rulepack.schema import RuleSet


class LinterCache:
    def __init__(self) -> None:
        self._linters: dict[str, Linter] = {}
        self._rules: dict[tuple[Path, ...], RuleSet] = {}

    def rules(self, config: Config) -> RuleSet:
        """The rule packs of ``config`` (built-in and ``rule-dirs``), loaded once: the CLI checks the codes
        its flags name against them before any Linter is built."""
        from phiguard.rulepack.loader import load_rules

        if config.rule_dirs not in self._rules:
            self._rules[config.rule_dirs] = load_rules(config.rule_dirs)
        return self._rules[config.rule_dirs]

    def get(self, config: Config) -> Linter:
        """The Linter of ``config``, built on first use (spaCy and Presidio are imported then)."""
        from phiguard.engine.linter import Linter

        key = f"{config.base_dir}|{config.model_dump_json()}"  # image roots vary per run: with_image_roots
        if key not in self._linters:
            self._linters[key] = Linter(config, self.rules(config))
        return self._linters[key]

    def clear(self) -> None:
        self._linters.clear()
        self._rules.clear()
