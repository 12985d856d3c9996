"""Rule codes and selectors, checked wherever one is accepted (``--select``, ``select``, ``ignore``,
``severity``, ``per-file-ignores``, inline suppressions, baselines): a typo is an error naming the
closest valid codes (ruff's "Unknown rule selector"), never a check silently switched off.

A selector is a code (``PHI053``) or a prefix of one (``PHI0``, ``CON``). The known codes are the loaded
rule packs' and phiguard's own tool codes (:data:`TOOL_RULES`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable

from phiguard.errors import ConfigError

_CODE_LIKE = re.compile(r"[A-Za-z0-9]{1,8}")

# phiguard's own findings: no rule pack holds these codes. code -> (name, severity, summary)
TOOL_RULES: dict[str, tuple[str, str, str]] = {
    "PGS001": ("bad-suppression", "error", "A `phiguard:` comment without codes, or an `ignore` without a reason."),
    "PGS002": (
        "unused-suppression",
        "warning",
        "A suppression that silenced nothing (or an `enable` with no open `disable`).",
    ),
    "PGS003": (
        "unknown-suppression-code",
        "warning",
        "A suppression names a code or prefix no rule has (a typo would otherwise silence nothing).",
    ),
}


def is_known(selector: str, codes: Collection[str], *, exact: bool = False) -> bool:
    """True when ``selector`` is one of ``codes`` or (unless ``exact``) a prefix of one."""
    if not selector:
        return False
    if exact:
        return selector in codes
    return any(code.startswith(selector) for code in codes)


def closest(selector: str, codes: Collection[str], *, exact: bool = False) -> list[str]:
    """The valid codes (and, unless ``exact``, prefixes) that look most like ``selector``."""
    candidates = set(codes)
    if not exact:
        candidates |= {code[:n] for code in codes for n in range(3, len(code))}
    return difflib.get_close_matches(selector.upper(), sorted(candidates), n=3, cutoff=0.5)


def unknown_message(selector: str, codes: Collection[str], *, exact: bool = False) -> str:
    """``unknown rule selector 'PHl' (did you mean PHI, PHI0?)``"""
    what = "rule code" if exact else "rule selector"
    near = closest(selector, codes, exact=exact)
    if not (near and _CODE_LIKE.fullmatch(selector)):  # never quote what is no code (it may be a draft's text)
        return f"unknown {what} (not a code: letters and digits such as PHI001)"
    return f"unknown {what} {selector!r}" + (f" (did you mean {', '.join(near)}?)" if near else "")


def check_selectors(selectors: Iterable[str], codes: Collection[str], where: str, *, exact: bool = False) -> None:
    """Raise a :class:`ConfigError` (exit 2) for the first selector of ``where`` (``--select``, ``ignore``,
    ``severity``...) that names no known rule; ``exact``: full codes only."""
    for selector in selectors:
        if not is_known(selector, codes, exact=exact):
            raise ConfigError(
                f"{where}: {unknown_message(selector, codes, exact=exact)}",
                "run `phiguard rules` for the list of codes",
            )
