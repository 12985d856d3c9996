"""``json``: one JSON list of every finding with its file position, post id and fingerprint."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from phiguard.outputs.base import WriteOptions, shown

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
                    "post": options.post_id(loc.post_id, loc.own_id),
                    "lang": f.lang,
                    "message": f.message,
                    "suggestion": f.suggestion,
                    "image": f.image_shown(options.show_values),
                    "box": list(f.box) if f.box else None,
                    "value": shown(f, options),
                    "fingerprint": loc.fingerprint,
                }
            )
        json.dump(items, out, indent=2, ensure_ascii=False)
        out.write("\n")


WRITER = JsonWriter()
