"""What ``phiguard fix`` reports of one draft: the unified diff of its rewrite (values masked unless
asked) and, for ``--format json``, its record."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from phiguard.models import MaskStyle

if TYPE_CHECKING:
    from phiguard.rewrite.files import FileFix
    from phiguard.run.check import Located


def diff_lines(f: FileFix, show: bool, style: MaskStyle) -> Iterator[str]:
    """The draft's own lines before and after the rewrite, its findings masked unless ``show``."""
    from phiguard.rewrite.files import identifying, masked

    before, after = (f.draft.source, f.source)
    if not show:
        hidden = identifying(f.draft)
        before, after = masked(before, f.before, hidden, style), masked(after, f.after, hidden, style)
    path = f.draft.path
    diff = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), path, path)
    return (line if line.endswith("\n") else line + "\n" for line in diff)


def fix_record(
    f: FileFix, left: list[Located], written: bool, blocking: list[Located], show: bool, style: MaskStyle
) -> dict[str, object]:
    def finding(loc: Located) -> dict[str, object]:
        g = loc.finding
        return {
            "rule": g.rule,
            "severity": g.severity.value,
            "line": loc.line,
            "column": loc.column,
            "scope": str(g.scope),
            "message": g.message,
            "value": g.shown(show, style),
        }

    edits = [
        {"post": i, "rule": e.rule, "scope": str(e.scope), "start": e.start, "end": e.end, "operator": e.operator}
        for i, e in f.edits
    ]
    return {
        "path": f.draft.path,
        "changed": f.changed,
        "written": written,
        "problem": f.problem,
        "edits": edits,
        "blocking": [finding(loc) for loc in blocking],
        "left": [finding(loc) for loc in left],
    }
