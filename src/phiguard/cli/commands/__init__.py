"""One module per command (as ruff's ``commands/`` and flake8's ``main/``): each names itself
(``NAME``, ``HELP``), adds its flags (``arguments``) and runs (``run``: the exit code). A new command is
one module listed in ``COMMANDS``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from types import ModuleType

from phiguard.cli.commands import audit, baseline, check, eval, fix, lsp, redact_image, rules, serve

COMMANDS: tuple[ModuleType, ...] = (check, fix, audit, redact_image, baseline, eval, rules, serve, lsp)


def add_all(sub: Callable[..., argparse.ArgumentParser]) -> None:
    """Each command's subparser, with ``run`` as its handler."""
    for command in COMMANDS:
        p = sub(command.NAME, help=command.HELP)
        command.arguments(p)
        p.set_defaults(run=command.run)
