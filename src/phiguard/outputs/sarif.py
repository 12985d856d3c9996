"""``sarif``: SARIF 2.1.0 for code-scanning dashboards (GitHub uploads it with
codeql-action/upload-sarif), built with sarif-pydantic's models."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from phiguard import __version__
from phiguard.models import Severity
from phiguard.outputs.base import WriteOptions, with_value

if TYPE_CHECKING:
    from phiguard.checker import CheckResult

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


class SarifWriter:
    name = "sarif"

    def write(self, result: CheckResult, out: TextIO, options: WriteOptions) -> None:
        from sarif_pydantic import (
            ArtifactLocation,
            Location,
            Message,
            PhysicalLocation,
            Region,
            ReportingDescriptor,
            Result,
            Run,
            Sarif,
            Tool,
            ToolDriver,
        )

        from phiguard.ruledocs import TOOL_RULES

        tool_rules = {code: summary for code, (_, _, summary) in TOOL_RULES.items()}
        packs = options.rules.rules if options.rules else []
        used = sorted({loc.finding.rule for loc in result.findings} | {r.code for r in packs} | set(TOOL_RULES))
        descriptors = []
        for code in used:
            rule = options.rules.get(code) if options.rules else None
            descriptors.append(
                ReportingDescriptor(
                    id=code,
                    name=rule.name if rule else code,
                    short_description=Message(text=rule.summary if rule else tool_rules.get(code, code)),
                    full_description=Message(text=(rule.why.strip() if rule else tool_rules.get(code, code))),
                    help=Message(text=rule.message.strip() if rule else tool_rules.get(code, code)),
                    properties={"category": rule.category.value if rule else "tool"},
                )
            )
        index = {code: i for i, code in enumerate(used)}
        results = []
        for loc in result.findings:
            f = loc.finding
            results.append(
                Result(
                    rule_id=f.rule,
                    rule_index=index[f.rule],
                    level=_LEVEL[f.severity],
                    message=Message(text=with_value(f, options)),
                    locations=[
                        Location(
                            physical_location=PhysicalLocation(
                                artifact_location=ArtifactLocation(uri=_uri(loc.path)),
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
                    properties={"image": f.image, "box": list(f.box) if f.box else None} if f.image else None,
                )
            )
        driver = ToolDriver(
            name="phiguard",
            version=__version__,
            information_uri="https://github.com/phiguard/phiguard",
            rules=descriptors,
        )
        log = Sarif(
            version="2.1.0",
            schema_uri="https://json.schemastore.org/sarif-2.1.0.json",
            runs=[Run(tool=Tool(driver=driver), results=results)],
        )
        out.write(log.model_dump_json(by_alias=True, exclude_none=True, indent=2))
        out.write("\n")


def _uri(path: str) -> str:
    return path.replace("\\", "/").removeprefix("./")


WRITER = SarifWriter()
