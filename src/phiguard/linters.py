"""A caller-owned cache of Linters, one per configuration, for a program that runs many commands in one
process (the CLI keeps one for its lifetime): models load once per configuration. The library keeps
none of its own; worker processes build theirs in :mod:`phiguard.workers`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from phiguard.config import Config

if TYPE_CHECKING:
    from phiguard.engine import Linter


class LinterCache:
    def __init__(self) -> None:
        self._linters: dict[str, Linter] = {}

    def get(self, config: Config) -> Linter:
        """The Linter of ``config``, built on first use (spaCy and Presidio are imported then)."""
        from phiguard.engine import Linter

        key = f"{config.base_dir}|{config.model_dump_json()}"  # image roots vary per run: with_image_roots
        if key not in self._linters:
            self._linters[key] = Linter(config)
        return self._linters[key]

    def clear(self) -> None:
        self._linters.clear()
