"""``html``: one self-contained page (Jinja2 template, no scripts from elsewhere): each post with its
findings highlighted in place beside the suggested rewrite (what ``phiguard fix`` would write), and a
summary."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from importlib.resources import files
from typing import TYPE_CHECKING, TextIO

from phiguard import __version__
from phiguard.models import Severity
from phiguard.outputs.base import WriteOptions, shown
from phiguard.outputs.sarif import DOCS

if TYPE_CHECKING:
    from phiguard.models import Box, Post
    from phiguard.run.check import CheckResult, FileResult, Located


class HtmlWriter:
    name = "html"

    def write(self, result: CheckResult, out: TextIO, options: WriteOptions) -> None:
        import jinja2

        template = files("phiguard").joinpath("templates/report.html.j2").read_text(encoding="utf-8")
        env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
        counts = {s.value: sum(1 for loc in result.findings if loc.severity == s) for s in Severity}
        found = sorted({loc.finding.rule for loc in result.findings})
        page = env.from_string(template).render(
            version=__version__,
            files=[_post(fr, options) for fr in result.files],
            counts=counts,
            total_files=len(result.files),
            # as the CLI's summary: drafts with a finding at or above the run's fail-on
            flagged_files=len({loc.path for loc in result.failing(options.fail_on)}),
            fail_on=options.fail_on.value,
            baselined=sum(fr.baselined for fr in result.files),
            show=options.show_values,
            rules=found,
            categories=sorted({loc.finding.category.value for loc in result.findings}),
            docs=DOCS,
            when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            config=options.config_file or "defaults (no config file)",
        )
        out.write(page)


def _post(fr: FileResult, options: WriteOptions) -> dict[str, object]:
    """A draft's scopes as lists of (text, finding or None) segments, with values masked in place."""
    by_post: dict[int | None, list[Located]] = {}
    by_scope: dict[tuple[int | None, str], list[Located]] = {}
    for loc in fr.located:
        by_post.setdefault(loc.post_index, []).append(loc)
        by_scope.setdefault((loc.post_index, loc.finding.scope), []).append(loc)
    posts = []
    for index, post in enumerate(fr.draft.posts):
        scopes = []
        rewrites = _rewrites(post.post, by_post.get(index, []), options)
        for scope, text in post.post.scopes():
            segments: list[tuple[str, Located | None]] = []
            pos = 0
            for loc in sorted(by_scope.get((index, scope), []), key=lambda x: x.finding.start):
                f = loc.finding
                if f.start < pos:
                    continue
                segments.append((text[pos : f.start], None))
                segments.append((shown(f, options), loc))
                pos = f.end
            segments.append((text[pos:], None))
            scopes.append({"name": scope, "segments": segments, "rewrite": rewrites.get(scope)})
        posts.append({"id": options.post_id(post.post.id, post.own_id) or f"post {index + 1}", "scopes": scopes})
    tool = [loc for loc in fr.located if loc.finding.scope == "file"]
    thumbs = _thumbnails(fr.located, options.show_values)
    clean = not any(loc.severity >= options.fail_on for loc in fr.located)  # as the CLI counts it
    return {
        "path": fr.draft.path,
        "posts": posts,
        "findings": fr.located,
        "tool": tool,
        "thumbs": thumbs,
        "clean": clean,
    }


THUMB = 240  # pixels: the longer side of an image's picture in the report
COVER = (32, 32, 32)  # the opaque fill over each flagged box (the outline stays around it)


def _thumbnails(located: list[Located], show_values: bool = False) -> list[dict[str, object]]:
    """Each image a finding points into, shrunk and embedded (a data: URI: the image never leaves the
    report file; the full-size image is never embedded). Every flagged box, of any severity, is covered
    by an opaque fill in the pixels themselves, so the report shows no more of a whiteboard's names
    than the masked values do; ``show_values`` leaves the boxes uncovered (outlined only). The image's
    name is shown as which image of the post it is, unless ``show_values``."""
    boxes: dict[str, list[tuple[str, Box]]] = {}
    labels: dict[str, str] = {}
    for loc in located:
        f = loc.finding
        if f.image and f.box and not (f.scope.part or "").startswith("frame"):  # the picture is the first frame
            boxes.setdefault(f.image, []).append((f.rule, f.box))
            labels.setdefault(f.image, f.image_shown(show_values) or "")
    out = []
    for path, found in boxes.items():
        try:
            from PIL import Image, ImageDraw, ImageOps

            with Image.open(path) as image:
                upright = ImageOps.exif_transpose(image).convert("RGB")
        except Exception:  # an image that cannot be opened again: its findings are listed all the same
            continue
        if not show_values:  # covered at full size, before shrinking: no blurred letters at the edges
            pen = ImageDraw.Draw(upright)
            for _, (left, top, width, height) in found:
                pen.rectangle((left, top, left + width - 1, top + height - 1), fill=COVER)
        scale = min(1.0, THUMB / max(upright.size))
        small = upright.resize((max(1, int(upright.width * scale)), max(1, int(upright.height * scale))))
        shapes = []
        for rule, (left, top, width, height) in found:
            # the box in thumbnail pixels, grown to whole pixels so the cover is never partly blended
            x0, y0 = int(left * scale), int(top * scale)
            x1 = min(small.width, max(x0 + 1, -(-(left + width) * scale // 1)))
            y1 = min(small.height, max(y0 + 1, -(-(top + height) * scale // 1)))
            if not show_values:
                ImageDraw.Draw(small).rectangle((x0, y0, int(x1) - 1, int(y1) - 1), fill=COVER)
            shapes.append({"rule": rule, "x": x0, "y": y0, "w": int(x1) - x0, "h": int(y1) - y0})
        buffer = io.BytesIO()
        small.save(buffer, format="PNG")  # lossless: a covered box stays one colour
        uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        label = labels[path]
        out.append({"path": label, "uri": uri, "width": small.width, "height": small.height, "boxes": shapes})
    return out


def _rewrites(post: Post, located: list[Located], options: WriteOptions) -> dict[str, str]:
    """The suggested rewrite of each scope that ``phiguard fix`` would change (phiguard.rewrite.fixes)."""
    if options.rules is None or not located:
        return {}
    from phiguard.models import Report
    from phiguard.rewrite import fixes
    from phiguard.rulepack.lexicon import LexiconIndex, lexicons_in_use

    findings = tuple(loc.finding for loc in located)
    with lexicons_in_use(LexiconIndex(options.rules.lexicons)):  # the report's rule packs' words
        edits = fixes.plan(post, Report(post=post, findings=findings), options.rules)
    if not edits:
        return {}
    if not options.show_values:  # what the rewrite keeps (an info finding, not fixed) is masked in it too
        edits += [
            fixes.Edit(f.rule, f.scope, f.start, f.end, "replace", shown(f, options))
            for f in findings
            if f.end > f.start
            and f.scope.kind != "image"
            and not any(e.scope == f.scope and e.start < f.end and f.start < e.end for e in edits)
        ]
    return fixes.rewritten_scopes(post, edits)


WRITER = HtmlWriter()
