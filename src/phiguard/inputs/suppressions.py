"""Inline suppressions in Markdown/HTML comment form, in the spirit of flake8's ``noqa``:

    <!-- phiguard: ignore[PHI003] reason="public figure" -->     the next line
    <!-- phiguard: disable[ADV] -->  ...  <!-- phiguard: enable[ADV] -->   a range of lines

Codes are prefixes (``ADV`` covers ``ADV001``...), separated by commas. ``ignore`` needs a reason; both
need codes. A malformed suppression is reported as ``PGS001``, one that silenced nothing as ``PGS002``
(see :func:`apply`) and a code no rule has (a typo, which would silence nothing) as ``PGS003``, so a
suppression can never hide findings, or fail to, by accident.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import regex

from phiguard.codes import is_known, unknown_message
from phiguard.models import Finding, Severity
from phiguard.rulepack.findings import tool_finding

_COMMENT = regex.compile(r"<!--\s*phiguard\s*:(?P<body>.*?)-->", regex.S | regex.I)
_DIRECTIVE = regex.compile(
    r"^\s*(?P<verb>ignore|disable|enable)\s*(?:\[(?P<codes>[^\]]*)\])?\s*(?:reason\s*=\s*\"(?P<reason>[^\"]*)\")?\s*$",
    regex.I,
)

BAD_SUPPRESSION = "PGS001"
UNUSED_SUPPRESSION = "PGS002"
UNKNOWN_CODE = "PGS003"


@dataclass
class Suppression:
    """One directive: which codes, which lines (1-based, inclusive), where it was written."""

    verb: str
    codes: tuple[str, ...]
    reason: str
    line: int
    column: int
    first: int = 0
    last: int = 0
    problem: str = ""
    used: bool = field(default=False, compare=False)

    def covers(self, code: str, line: int) -> bool:
        return (
            not self.problem
            and self.verb in ("ignore", "disable")
            and self.first <= line <= self.last
            and any(code.startswith(c) for c in self.codes)
        )


def parse_suppressions(source: str) -> tuple[list[Suppression], str]:
    """The directives of a draft, and the draft with its phiguard comments blanked out (same length,
    so offsets still point into the original file)."""
    found: list[Suppression] = []
    chars = list(source)
    for m in _COMMENT.finditer(source):
        line = source.count("\n", 0, m.start()) + 1
        column = m.start() - (source.rfind("\n", 0, m.start()) + 1) + 1
        for i in range(m.start(), m.end()):
            if chars[i] != "\n":
                chars[i] = " "
        d = _DIRECTIVE.match(m.group("body"))
        if d is None:
            found.append(Suppression("?", (), "", line, column, problem="unreadable phiguard comment"))
            continue
        verb = d.group("verb").lower()
        codes = tuple(c.strip().upper() for c in (d.group("codes") or "").split(",") if c.strip())
        reason = (d.group("reason") or "").strip()
        problem = ""
        if not codes:
            problem = f"`{verb}` without codes: name the rules, e.g. {verb}[PHI001]"
        elif verb == "ignore" and not reason:
            problem = 'ignore without a reason: add reason="..."'
        found.append(Suppression(verb, codes, reason, line, column, problem=problem))
    last_line = source.count("\n") + 1
    _resolve_lines(found, source, last_line)
    return found, "".join(chars)


def _resolve_lines(found: list[Suppression], source: str, last_line: int) -> None:
    lines = source.split("\n")
    for s in found:
        if s.verb == "ignore":
            nxt = s.line + 1
            while nxt <= len(lines) and not lines[nxt - 1].strip():
                nxt += 1
            s.first = s.last = nxt
        elif s.verb == "disable" and not s.problem:
            s.first, s.last = s.line, last_line
            for e in found:
                if e.verb == "enable" and e.line > s.line and set(e.codes) & set(s.codes):
                    s.last = e.line
                    e.used = True  # an enable closing a range is used by definition
                    break


def apply(hits: list[tuple[str, int]], suppressions: list[Suppression]) -> list[bool]:
    """For each (rule code, line) of a finding: True when it is kept, False when a suppression covers
    it (which marks that suppression used)."""
    kept = []
    for code, line in hits:
        hit = next((s for s in suppressions if s.covers(code, line)), None)
        if hit is not None:
            hit.used = True
        kept.append(hit is None)
    return kept


@dataclass(frozen=True)
class Problem:
    """A finding about a suppression itself."""

    code: str
    severity: Severity
    message: str
    line: int
    column: int

    def finding(self) -> Finding:
        return tool_finding(self.code, self.severity, self.message, "SUPPRESSION")


def problems(suppressions: list[Suppression], codes: Collection[str] = ()) -> list[Problem]:
    """Malformed suppressions (PGS001), codes or prefixes none of ``codes`` (the loaded rules') has
    (PGS003) and, after :func:`apply`, unused ones (PGS002; not said again of a suppression whose codes
    are all unknown)."""
    out = []
    for s in suppressions:
        unknown = [c for c in s.codes if not is_known(c, codes)] if codes and not s.problem else []
        for code in unknown:
            message = f"Suppression names an {unknown_message(code, codes)}."
            out.append(Problem(UNKNOWN_CODE, Severity.WARNING, message, s.line, s.column))
        if s.problem:
            out.append(
                Problem(BAD_SUPPRESSION, Severity.ERROR, f"Malformed suppression: {s.problem}.", s.line, s.column)
            )
        elif not s.used and len(unknown) < len(s.codes or ("",)):
            what = "`enable` with no open `disable`" if s.verb == "enable" else f"{s.verb}[{','.join(s.codes)}]"
            out.append(Problem(UNUSED_SUPPRESSION, Severity.WARNING, f"Unused suppression: {what}.", s.line, s.column))
    return out
