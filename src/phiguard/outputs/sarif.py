"""``sarif``: SARIF 2.1.0 for code-scanning dashboards (GitHub uploads it with
codeql-action/upload-sarif), built with sarif-pydantic's models. What GitHub code scanning reads is
filled in: each rule's ``helpUri`` (its page in docs/rules) and ``help.markdown`` (the same page),
``defaultConfiguration.level``, ``properties.tags`` and ``security-severity`` (one descriptor per rule
and level its results reach, "PHI001/error", since GitHub reads the severity from the rule); the run's
``invocations`` and ``automationDetails``; file URIs relative to ``%SRCROOT%``; a fingerprint per
finding that differs for the same rule and value at two places."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from phiguard import __version__
from phiguard.codes import TOOL_RULES
from phiguard.models import Finding, Severity
from phiguard.outputs.base import WriteOptions, with_value

if TYPE_CHECKING:
    from phiguard.run.check import CheckResult

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub's security-severity: 9.0+ critical, 7.0+ high, 4.0+ medium, below low. Info findings are not
# security alerts: left out of SARIF unless --min-severity info asks for them, and then low
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}
DOCS = "https://github.com/phiguard/phiguard/blob/main/docs/rules"
SRCROOT = "%SRCROOT%"


class SarifWriter:
    name = "sarif"

    def write(self, result: CheckResult, out: TextIO, options: WriteOptions) -> None:
        from sarif_pydantic import (
            ArtifactLocation,
            Invocation,
            Location,
            Message,
            PhysicalLocation,
            Region,
            ReportingConfiguration,
            ReportingDescriptor,
            Result,
            Run,
            Sarif,
            Tool,
            ToolDriver,
        )
        from sarif_pydantic.sarif import RunAutomationDetails

        from phiguard.rulepack.docs import rule_page

        tool_rules = {code: summary for code, (_, _, summary) in TOOL_RULES.items()}
        packs = options.rules.rules if options.rules else []
        codes = sorted({loc.finding.rule for loc in result.findings} | {r.code for r in packs} | set(TOOL_RULES))
        # one descriptor per rule at its own level, and one more per other level its results reached
        # ("PHI001/error"): GitHub reads security-severity from the rule, never from the result
        levels = {(code, _default_severity(code, options)) for code in codes}
        levels |= {(loc.finding.rule, loc.finding.severity) for loc in result.findings}
        used = sorted(levels, key=lambda cl: (cl[0], cl[1] != _default_severity(cl[0], options), -cl[1].rank))
        descriptors = []
        for code, severity in used:
            rule = options.rules.get(code) if options.rules else None
            category = rule.category.value if rule else "tool"
            descriptors.append(
                ReportingDescriptor(
                    id=_descriptor_id(code, severity, options),
                    name=rule.name if rule else code,
                    short_description=Message(text=rule.summary if rule else tool_rules.get(code, code)),
                    full_description=Message(text=(rule.why.strip() if rule else tool_rules.get(code, code))),
                    help=Message(
                        text=rule.message.strip() if rule else tool_rules.get(code, code),
                        markdown=rule_page(rule) if rule else tool_rules.get(code, code),
                    ),
                    help_uri=f"{DOCS}/{code}.md"
                    if rule
                    else "https://github.com/phiguard/phiguard/blob/main/docs/cli.md#inline-suppressions",
                    default_configuration=ReportingConfiguration(level=_LEVEL[severity]),
                    properties={
                        "category": category,
                        "tags": ["phi", "hipaa", category] if category != "tool" else ["phiguard"],
                        "security-severity": _SECURITY_SEVERITY[severity],
                        "precision": "high" if rule and rule.detect.validator else "medium",
                    },
                )
            )
        index = {cl: i for i, cl in enumerate(used)}
        root = (options.root or Path.cwd()).resolve()
        results = []
        for loc in result.findings:
            f = loc.finding
            results.append(
                Result(
                    rule_id=_descriptor_id(f.rule, f.severity, options),
                    rule_index=index[(f.rule, f.severity)],
                    level=_LEVEL[f.severity],
                    message=Message(text=with_value(f, options)),
                    locations=[
                        Location(
                            physical_location=PhysicalLocation(
                                artifact_location=_artifact(loc.path, root, ArtifactLocation),
                                region=Region(
                                    start_line=loc.line,
                                    start_column=loc.column,
                                    end_line=loc.end_line,
                                    end_column=max(loc.end_column, loc.column),
                                ),
                            )
                        )
                    ],
                    partial_fingerprints={"phiguard/v1": loc.fingerprint},
                    properties=_image_properties(f, options.show_values),
                )
            )
        driver = ToolDriver(
            name="phiguard",
            version=__version__,
            information_uri="https://github.com/phiguard/phiguard",
            rules=descriptors,
        )
        run = Run(
            tool=Tool(driver=driver),
            results=results,
            invocations=[Invocation(execution_successful=True, command_line=options.command_line)],
            automation_details=RunAutomationDetails(id="phiguard/check/"),
            original_uri_base_ids={SRCROOT: ArtifactLocation(uri=root.as_uri() + "/")},
        )
        log = Sarif(version="2.1.0", schema_uri="https://json.schemastore.org/sarif-2.1.0.json", runs=[run])
        out.write(log.model_dump_json(by_alias=True, exclude_none=True, indent=2))
        out.write("\n")


def _default_severity(code: str, options: WriteOptions) -> Severity:
    """The level a rule reports at unless its learned score says otherwise (a tool rule's own)."""
    rule = options.rules.get(code) if options.rules else None
    if rule is not None:
        return rule.severity
    return Severity(TOOL_RULES[code][1]) if code in TOOL_RULES else Severity.ERROR


def _descriptor_id(code: str, severity: Severity, options: WriteOptions) -> str:
    """The rule's code at its own level, "CODE/level" at another: each descriptor's security-severity
    is that of its level."""
    return code if severity == _default_severity(code, options) else f"{code}/{_LEVEL[severity]}"


def _artifact(path: str, root: Path, make: Any) -> Any:
    """A file's location relative to ``%SRCROOT%`` (also when the path was given absolute); a file
    outside it keeps its own URI; standard input without ``--stdin-filename`` has no URI, only a
    description (``<stdin>`` is not a URI reference)."""
    from sarif_pydantic import Message

    if path.startswith("<"):
        return make(description=Message(text="standard input"))
    full = Path(path).resolve()
    if full.is_relative_to(root):
        return make(uri=quote(full.relative_to(root).as_posix()), uri_base_id=SRCROOT)
    return make(uri=full.as_uri())


WRITER = SarifWriter()


def _image_properties(f: Finding, show_values: bool) -> dict[str, object] | None:
    """Which attached image a finding is in (its path only with ``show_values``) and the box."""
    return {"image": f.image_shown(show_values), "box": list(f.box) if f.box else None} if f.image else None
