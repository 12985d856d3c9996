"""``phiguard check --statistics``: how many findings each rule has, the most first (ruff's
``--statistics``), instead of the findings."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from phiguard.rulepack.schema import RuleSet
    from phiguard.run.check import CheckResult


def write_statistics(result: CheckResult, rules: RuleSet, out: TextIO) -> None:
    """ruff's --statistics: how many findings each rule has, the most first."""
    counts = Counter(loc.finding.rule for loc in result.findings)
    for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rules.get(code)
        out.write(f"{n:>6}  {code}  {rule.name if rule else ''}\n")
