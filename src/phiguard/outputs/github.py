"""``github``: GitHub Actions workflow commands, annotations on the pull request's files (values,
file names and messages escaped so that no text can start a command of its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from phiguard.models import Severity
from phiguard.outputs.base import WriteOptions, with_value

if TYPE_CHECKING:
    from phiguard.run.check import CheckResult

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


class GithubWriter:
    name = "github"

    def write(self, result: CheckResult, out: TextIO, options: WriteOptions) -> None:
        for loc in result.findings:
            f = loc.finding
            props = (
                f"file={_escape(loc.path, True)},line={loc.line},col={loc.column},"
                f"endLine={loc.end_line},endColumn={loc.end_column},title={_escape(f.rule, True)}"
            )
            out.write(f"::{_LEVEL[f.severity]} {props}::{_escape(with_value(f, options))}\n")


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


WRITER = GithubWriter()
