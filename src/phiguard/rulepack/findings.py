"""Findings are built here and nowhere else: every rule family (identifiers, images, consent, advice)
asks :class:`FindingMaker` for its findings, so what a rule says (category, entity, message) and what
the config says (``severity`` overrides) reach every finding the same way. Masking is the model's
(:attr:`phiguard.models.Finding.masked`): a finding carries its value only for callers that ask for it.

The ``severity`` override of a rule applies to its findings at ``warning`` or above: a candidate the
learned model judged ``info`` (a staff name in a thank-you) stays ``info``, whatever the override.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from phiguard.lang import DEFAULT_LANG
from phiguard.models import Box, Category, Finding, Lang, Severity
from phiguard.rulepack.schema import PostKind, RuleSet


@dataclass(frozen=True)
class FindingMaker:
    """Builds the findings of the rules of ``rules`` with the config's severity ``overrides``."""

    rules: RuleSet
    overrides: Mapping[str, Severity] = field(default_factory=dict)
    messages: str = "post"  # the language of every finding's text: "post" (each its own text's) or a code

    def post_code(self, kind: PostKind) -> str:
        """The code of the rule that reports a post-level kind (``consent.missing`` → ``CON001``); the
        kind itself when no loaded rule reports it (so no selected code matches it)."""
        rule = self.rules.post_rule(kind)
        return rule.code if rule else kind

    def severity(self, code: str, judged: Severity) -> Severity:
        """The severity a finding of rule ``code`` is reported at, given the one its detector judged
        (applying it to its own result changes nothing, so overlap resolution may use it first)."""
        if judged >= Severity.WARNING and code in self.overrides:
            return self.overrides[code]
        return judged

    def make(
        self,
        code: str,
        *,
        start: int = 0,
        end: int = 0,
        scope: str = "body",
        lang: Lang = DEFAULT_LANG,
        value: str = "",
        evidence: tuple[str, ...] = (),
        severity: Severity | None = None,
        message: str | None = None,
        suggestion: str | None = None,
        image: str | None = None,
        box: Box | None = None,
        score: float | None = None,
        fallback: Category = Category.TOOL,
    ) -> Finding:
        """A finding of rule ``code``: its category, entity and message come from the rule; ``severity``
        (default: the rule's) is the detector's judgement, before the override. A code missing from the
        rule packs (a user's packs without the consent rules) is reported as an error of ``fallback``'s
        category with ``message``, never dropped."""
        rule = self.rules.get(code)
        judged = severity or (rule.severity if rule else Severity.ERROR)
        return Finding(
            rule=code,
            category=rule.category if rule else fallback,
            severity=self.severity(code, judged),
            entity=rule.entity if rule else fallback.value.upper(),
            start=start,
            end=end,
            message=(rule.message_in(lang if self.messages == "post" else self.messages) if rule else "")
            if message is None
            else message,
            scope=scope,
            lang=lang,
            evidence=evidence,
            suggestion=suggestion,
            image=image,
            box=box,
            score=None if score is None else round(score, 4),
            value=value,
        )


def tool_finding(code: str, severity: Severity, message: str, entity: str, scope: str = "file") -> Finding:
    """A finding of phiguard itself (a malformed or unused suppression): no rule pack holds these codes."""
    return Finding(
        rule=code,
        category=Category.TOOL,
        severity=severity,
        entity=entity,
        start=0,
        end=0,
        message=message,
        scope=scope,
    )
