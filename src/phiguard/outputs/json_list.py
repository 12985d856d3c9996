"""``json``: one JSON list of every finding with its file position, post id and fingerprint."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from phiguard.outputs.base import WriteOptions, finding_record

if TYPE_CHECKING:
    from phiguard.run.check import CheckResult


class JsonWriter:
    name = "json"

    def write(self, result: CheckResult, out: TextIO, options: WriteOptions) -> None:
        items = []
        for loc in result.findings:
            f = loc.finding
            items.append(
                {
                    **finding_record(f, options),
                    "path": loc.path,
                    "line": loc.line,
                    "column": loc.column,
                    "end_line": loc.end_line,
                    "end_column": loc.end_column,
                    "post": options.post_id(loc.post_id, loc.own_id),
                    "fingerprint": loc.fingerprint,
                }
            )
        json.dump(items, out, indent=2, ensure_ascii=False)
        out.write("\n")


WRITER = JsonWriter()
