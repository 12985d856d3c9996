"""``html``: one self-contained page (Jinja2 template, no scripts from elsewhere): each post with its
findings highlighted in place beside the suggested rewrite (what ``phiguard fix`` would write), and a
summary."""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING, TextIO

from phiguard import __version__
from phiguard.models import Severity
from phiguard.outputs.base import WriteOptions, shown

if TYPE_CHECKING:
    from phiguard.checker import CheckResult, FileResult, Located
    from phiguard.models import Post


class HtmlWriter:
    name = "html"

    def write(self, result: CheckResult, out: TextIO, options: WriteOptions) -> None:
        import jinja2

        template = files("phiguard").joinpath("templates/report.html.j2").read_text(encoding="utf-8")
        env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
        counts = {s.value: sum(1 for loc in result.findings if loc.severity == s) for s in Severity}
        page = env.from_string(template).render(
            version=__version__,
            files=[_post(fr, options) for fr in result.files],
            counts=counts,
            total_files=len(result.files),
            flagged_files=sum(1 for fr in result.files if fr.located),
            baselined=sum(fr.baselined for fr in result.files),
            show=options.show_values,
        )
        out.write(page)


def _post(fr: FileResult, options: WriteOptions) -> dict[str, object]:
    """A draft's scopes as lists of (text, finding or None) segments, with values masked in place."""
    by_scope: dict[tuple[int | None, str], list[Located]] = {}
    for loc in fr.located:
        by_scope.setdefault((loc.post_index, loc.finding.scope), []).append(loc)
    posts = []
    for index, post in enumerate(fr.draft.posts):
        scopes = []
        rewrites = _rewrites(post.post, [loc for loc in fr.located if loc.post_index == index], options)
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
        posts.append({"id": post.post.id, "scopes": scopes})
    tool = [loc for loc in fr.located if loc.finding.scope == "file"]
    return {"path": fr.draft.path, "posts": posts, "findings": fr.located, "tool": tool}


def _rewrites(post: Post, located: list[Located], options: WriteOptions) -> dict[str, str]:
    """The suggested rewrite of each scope that ``phiguard fix`` would change (phiguard.fixes)."""
    if options.rules is None or not located:
        return {}
    from phiguard import fixes
    from phiguard.models import Report

    edits = fixes.plan(post, Report(post=post, findings=tuple(loc.finding for loc in located)), options.rules)
    texts = dict(post.scopes())
    return {s: fixes.apply(texts[s], [e for e in edits if e.scope == s]) for s in {e.scope for e in edits}}


WRITER = HtmlWriter()
