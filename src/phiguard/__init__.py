"""phiguard: lint draft social-media posts of hospitals and clinicians for patient identifiers,
missing consent and personal medical advice, in English and Spanish, offline.

>>> import phiguard
>>> report = phiguard.lint("Welcome home, Rosa! Her new knee is working wonders since March.")
>>> [(f.rule, f.severity.value) for f in report.findings]  # doctest: +SKIP
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from phiguard.config import Allowlist, Config
from phiguard.errors import PhiguardError
from phiguard.models import Category, Finding, Lang, Post, Report, Severity

if TYPE_CHECKING:
    from phiguard.engine.linter import Linter
    from phiguard.rewrite.fixes import FixResult

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """``phiguard.Linter`` is imported on first use: it brings spaCy and Presidio (about a second),
    which the command line's --version and rules commands never need."""
    if name == "Linter":
        from phiguard.engine.linter import Linter

        return Linter
    if name == "FixResult":
        from phiguard.rewrite.fixes import FixResult

        return FixResult
    raise AttributeError(f"module 'phiguard' has no attribute {name!r}")


@lru_cache(maxsize=1)
def default_linter() -> Linter:
    """The Linter behind :func:`lint`: default configuration, created on first use so that models
    load once per process. Create your own ``Linter(Config(...))`` to configure anything."""
    from phiguard.engine.linter import Linter

    return Linter()


def lint(text: str | Post, lang: Lang | None = None) -> Report:
    """Lint one text (or Post) with the default configuration; ``lang`` forces the language."""
    return default_linter().lint(text, lang=lang)


def fix(text: str | Post, lang: Lang | None = None) -> FixResult:
    """A safe rewrite of one text (or Post) with the default configuration: the new text
    (``.text``, ``.post``), the edits applied (rule, span, operator) and what the rewrite still has
    (``.findings``, linted again)."""
    return default_linter().fix(text, lang=lang)


__all__ = [
    "Allowlist",
    "Category",
    "Config",
    "Finding",
    "FixResult",
    "Lang",
    "Linter",
    "PhiguardError",
    "Post",
    "Report",
    "Severity",
    "__version__",
    "fix",
    "lint",
]
