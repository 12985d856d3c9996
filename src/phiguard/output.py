"""Output formats of ``phiguard check``: text, json, sarif, github and html.

Every format masks matched values (``B*** M*****``) unless ``show_values`` is set, so CI logs and
uploaded reports never carry the identifiers they warn about.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.resources import files
from typing import TextIO

from phiguard import __version__
from phiguard.checker import CheckResult, FileResult, Located
from phiguard.models import Finding, Severity, printable
from phiguard.ruledocs import TOOL_RULES
from phiguard.rulepack import RuleSet

FORMATS = ("text", "json", "sarif", "github", "html")
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _value(loc: Located, show: bool) -> str:
    return loc.finding.value if show else loc.finding.masked


def in_image(f: Finding) -> str:
    """Where in an attached image a finding is: `` [image ward.png, box 44,39 97x29]`` (or nothing)."""
    if not f.image:
        return ""
    box = f", box {f.box[0]},{f.box[1]} {f.box[2]}x{f.box[3]}" if f.box else ""
    return f" [image {printable(f.image)}{box}]"


def _line(loc: Located, show: bool) -> str:
    f = loc.finding
    value = _value(loc, show)
    tail = f" ({value!r})" if value else ""
    where = f"{printable(loc.path)}:{loc.line}:{loc.column}"
    return f"{where}: {f.rule} [{f.severity.value}] {printable(f.message)}{tail}{in_image(f)}"


def text(result: CheckResult, out: TextIO, show: bool, rules: RuleSet, color: bool) -> None:
    """``path:line:col: CODE [severity] message``; grouped by file and coloured on a terminal."""
    if not color:
        for loc in result.findings:
            out.write(_line(loc, show) + "\n")
            if loc.finding.suggestion:
                out.write(f"    suggested reply: {loc.finding.suggestion}\n")
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=out, highlight=False, soft_wrap=True, force_terminal=True)
    for fr in result.files:
        if not fr.located:
            continue
        console.print(f"[bold underline]{escape(printable(fr.draft.path))}[/]")
        for loc in fr.located:
            f = loc.finding
            value = _value(loc, show)
            tail = f" [dim]({escape(repr(value))})[/]" if value else ""
            console.print(
                f"  {loc.line}:{loc.column}: [bold]{f.rule}[/] [{_STYLE[f.severity]}]{f.severity.value}[/] "
                f"{escape(printable(f.message))}{tail}[dim]{escape(in_image(f))}[/]"
            )
            if f.suggestion:
                console.print(f"      [green]suggested reply:[/] {escape(f.suggestion)}")


def json_(result: CheckResult, out: TextIO, show: bool, rules: RuleSet, color: bool) -> None:
    """A JSON list of findings."""
    items = []
    for loc in result.findings:
        f = loc.finding
        items.append(
            {
                "rule": f.rule,
                "category": f.category.value,
                "severity": f.severity.value,
                "entity": f.entity,
                "path": loc.path,
                "line": loc.line,
                "column": loc.column,
                "end_line": loc.end_line,
                "end_column": loc.end_column,
                "scope": f.scope,
                "post": loc.post_id,
                "lang": f.lang,
                "message": f.message,
                "suggestion": f.suggestion,
                "image": f.image,
                "box": list(f.box) if f.box else None,
                "value": _value(loc, show),
                "fingerprint": loc.fingerprint,
            }
        )
    json.dump(items, out, indent=2, ensure_ascii=False)
    out.write("\n")


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def sarif(result: CheckResult, out: TextIO, show: bool, rules: RuleSet, color: bool) -> None:
    """SARIF 2.1.0 for code-scanning dashboards (GitHub uploads it with codeql-action/upload-sarif)."""
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

    used = sorted({loc.finding.rule for loc in result.findings} | {r.code for r in rules.rules} | set(TOOL_RULES))
    descriptors = []
    for code in used:
        rule = rules.get(code)
        descriptors.append(
            ReportingDescriptor(
                id=code,
                name=rule.name if rule else code,
                short_description=Message(text=rule.summary if rule else _TOOL_RULES.get(code, code)),
                full_description=Message(text=(rule.why.strip() if rule else _TOOL_RULES.get(code, code))),
                help=Message(text=rule.message.strip() if rule else _TOOL_RULES.get(code, code)),
                properties={"category": rule.category.value if rule else "tool"},
            )
        )
    index = {code: i for i, code in enumerate(used)}
    results = []
    for loc in result.findings:
        f = loc.finding
        value = _value(loc, show)
        results.append(
            Result(
                rule_id=f.rule,
                rule_index=index[f.rule],
                level=_SARIF_LEVEL[f.severity],
                message=Message(
                    text=_with_suggestion(f"{f.message} ({value})" if value else f.message, f.suggestion) + in_image(f)
                ),
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


def _with_suggestion(message: str, suggestion: str | None) -> str:
    return f"{message} Suggested reply: {suggestion}" if suggestion else message


def _uri(path: str) -> str:
    return path.replace("\\", "/").removeprefix("./")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github(result: CheckResult, out: TextIO, show: bool, rules: RuleSet, color: bool) -> None:
    """GitHub Actions workflow commands: annotations on the pull request's files."""
    for loc in result.findings:
        f = loc.finding
        value = _value(loc, show)
        props = (
            f"file={_gh_escape(loc.path, True)},line={loc.line},col={loc.column},"
            f"endLine={loc.end_line},endColumn={loc.end_column},title={_gh_escape(f.rule, True)}"
        )
        message = _with_suggestion(f"{f.message} ({value})" if value else f.message, f.suggestion) + in_image(f)
        out.write(f"::{_GITHUB_LEVEL[f.severity]} {props}::{_gh_escape(message)}\n")


_TOOL_RULES = {code: summary for code, (_, _, summary) in TOOL_RULES.items()}


def html(result: CheckResult, out: TextIO, show: bool, rules: RuleSet, color: bool) -> None:
    """One self-contained page: each post with its findings highlighted in place, and a summary."""
    import jinja2

    template = files("phiguard").joinpath("templates/report.html.j2").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    posts = [_html_post(fr, show) for fr in result.files]
    counts = {s.value: sum(1 for loc in result.findings if loc.severity == s) for s in Severity}
    page = env.from_string(template).render(
        version=__version__,
        files=posts,
        counts=counts,
        total_files=len(result.files),
        flagged_files=sum(1 for fr in result.files if fr.located),
        baselined=sum(fr.baselined for fr in result.files),
        show=show,
    )
    out.write(page)


def _html_post(fr: FileResult, show: bool) -> dict[str, object]:
    """A draft's scopes as lists of (text, finding or None) segments, with values masked in place."""
    draft = fr.draft
    by_scope: dict[tuple[str | None, str], list[Located]] = {}
    for loc in fr.located:
        by_scope.setdefault((loc.post_id, loc.finding.scope), []).append(loc)
    posts = []
    for post in draft.posts:
        scopes = []
        for scope, text in post.post.scopes():
            segments: list[tuple[str, Located | None]] = []
            pos = 0
            for loc in sorted(by_scope.get((post.post.id, scope), []), key=lambda x: x.finding.start):
                f = loc.finding
                if f.start < pos:
                    continue
                segments.append((text[pos : f.start], None))
                segments.append((f.value if show else f.masked, loc))
                pos = f.end
            segments.append((text[pos:], None))
            scopes.append({"name": scope, "segments": segments})
        posts.append({"id": post.post.id, "scopes": scopes})
    tool = [loc for loc in fr.located if loc.finding.scope == "file"]
    return {"path": draft.path, "posts": posts, "findings": fr.located, "tool": tool}


WRITERS: dict[str, Callable[[CheckResult, TextIO, bool, RuleSet, bool], None]] = {
    "text": text,
    "json": json_,
    "sarif": sarif,
    "github": github,
    "html": html,
}
