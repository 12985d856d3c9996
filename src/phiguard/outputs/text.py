"""``text``: ``path:line:col: CODE [severity] message ('m*****')``, grouped by file and coloured on a
terminal (rich); under ``phiguard audit``, ``archive:line: CODE [severity] scope:start-end message``."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from phiguard.models import Severity, printable
from phiguard.outputs.base import WriteOptions, in_image, shown

if TYPE_CHECKING:
    from phiguard.inputs import DraftPost
    from phiguard.models import Report
    from phiguard.run.check import CheckResult, Located

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class TextWriter:
    name = "text"

    def write(self, result: CheckResult, out: TextIO, options: WriteOptions) -> None:
        if not options.color:
            for loc in result.findings:
                out.write(_line(loc, options) + "\n")
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
                value = shown(f, options)
                tail = f" [dim]({escape(repr(value))})[/]" if value else ""
                console.print(
                    f"  {loc.line}:{loc.column}: [bold]{f.rule}[/] [{_STYLE[f.severity]}]{f.severity.value}[/] "
                    f"{escape(printable(f.message))}{tail}[dim]{escape(in_image(f, options.show_values))}[/]"
                )
                if f.suggestion:
                    console.print(f"      [green]suggested reply:[/] {escape(f.suggestion)}")

    def write_post(self, archive: str, post: DraftPost, report: Report, out: TextIO, options: WriteOptions) -> None:
        lines = []
        for f in report.findings:
            value = shown(f, options)
            tail = f" ({value!r})" if value else ""
            lines.append(
                f"{printable(archive)}:{post.line}: {f.rule} [{f.severity.value}] "
                f"{f.scope}:{f.start}-{f.end} {printable(f.message)}{tail}{in_image(f, options.show_values)}\n"
            )
        out.write("".join(lines))


def _line(loc: Located, options: WriteOptions) -> str:
    f = loc.finding
    value = shown(f, options)
    tail = f" ({value!r})" if value else ""
    where = f"{printable(loc.path)}:{loc.line}:{loc.column}"
    return f"{where}: {f.rule} [{f.severity.value}] {printable(f.message)}{tail}{in_image(f, options.show_values)}"


WRITER = TextWriter()
