"""``jsonl`` (``phiguard audit``): one JSON object per finding, with the archive line and post id and
every field of the finding (offsets into its scope, evidence, score), the value masked (the post's own
id and the image's path only with --show-ids / --show-values)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from phiguard.outputs.base import WriteOptions, shown

if TYPE_CHECKING:
    from phiguard.inputs import DraftPost
    from phiguard.models import Report


class JsonLinesWriter:
    name = "jsonl"

    def write_post(self, archive: str, post: DraftPost, report: Report, out: TextIO, options: WriteOptions) -> None:
        lines = []
        for f in report.findings:
            record = {
                "line": post.line,
                "post": options.post_id(post.post.id, post.own_id),
                **f.model_dump(mode="json"),
                "value": shown(f, options),
                "image": f.image_shown(options.show_values),
            }
            record.pop("masked", None)
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        out.write("".join(lines))


WRITER = JsonLinesWriter()
