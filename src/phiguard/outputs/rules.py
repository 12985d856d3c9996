"""What ``phiguard rules`` prints: the list of rules, a line each, or one rule explained (what it
flags, why, its HIPAA reason and consent scope, its suggested reply and its examples)."""

from __future__ import annotations

from typing import TextIO

from phiguard.rulepack.schema import Rule, RuleSet


def write_list(rules: RuleSet, out: TextIO) -> None:
    for rule in rules.rules:
        out.write(f"{rule.code}  {rule.severity.value:<7}  {rule.summary}\n")


def write_tool_rule(code: str, out: TextIO) -> None:
    """One of phiguard's own codes (a suppression comment's problem), as ``write_rule`` explains a rule."""
    from phiguard.codes import TOOL_RULES

    name, severity, summary = TOOL_RULES[code]
    out.write(f"{code} {name} [{severity}] (tool)\n\n{summary}\n")
    out.write("Reported by phiguard itself about its inline comments (docs/cli.md, Inline suppressions).\n")


def write_rule(rule: Rule, out: TextIO) -> None:
    out.write(f"{rule.code} {rule.name} [{rule.severity.value}] ({rule.category.value})\n\n")
    out.write(rule.summary + "\n\n")
    out.write(rule.why + "\n")
    out.write(f"Languages: {', '.join(rule.languages)}\n\n")
    if rule.hipaa:
        out.write(f"HIPAA: {rule.hipaa}\n\n")
    if rule.category.value == "identifier":
        out.write(f"Consent scope: {rule.consent_scope or 'none (never covered by a consent)'}\n\n")
    for lang, reply in sorted((rule.reply or {}).items()):
        out.write(f"Suggested reply [{lang}]: {reply}\n")
    if any("{emergency}" in text for text in (rule.reply or {}).values()):
        from phiguard.rulepack.docs import EMERGENCY_NOTE

        out.write(EMERGENCY_NOTE + "\n")
    for kind, items in (("Flagged", rule.examples.flag), ("Not flagged", rule.examples.pass_)):
        out.write(f"{kind}:\n")
        for e in items:
            out.write(f"  [{e.lang}] {e.text}\n")
