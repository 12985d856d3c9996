"""phiguard: lint draft social-media posts of hospitals and clinicians for patient identifiers,
missing consent and personal medical advice, in English and Spanish, offline.

>>> import phiguard
>>> report = phiguard.lint("Welcome home, Rosa! Her new knee is working wonders since March.")
>>> [(f.rule, f.severity.value) for f in report.findings]  # doctest: +SKIP
"""

from __future__ import annotations

from phiguard.config import Allowlist, Config
from phiguard.engine import Linter
from phiguard.errors import PhiguardError
from phiguard.models import Category, Finding, Lang, Post, Report, Severity

__version__ = "0.1.0"

_default: Linter | None = None


def lint(text: str | Post, lang: Lang | None = None) -> Report:
    """Lint one text with the default configuration (the Linter is created once and reused)."""
    global _default
    if _default is None:
        _default = Linter()
    return _default.lint(text, lang=lang)


__all__ = [
    "Allowlist",
    "Category",
    "Config",
    "Finding",
    "Lang",
    "Linter",
    "PhiguardError",
    "Post",
    "Report",
    "Severity",
    "lint",
    "__version__",
]
