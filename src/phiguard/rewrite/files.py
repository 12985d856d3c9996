"""``phiguard fix`` without the printing: check the drafts, rewrite each post's findings (phiguard.rewrite.fixes),
write the rewrites back into the files' own text (phiguard.inputs.rewrite), check the rewrites again
and say what no rewrite removes. Nothing is written here; :func:`write_atomically` does that for the CLI.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from phiguard import safeio
from phiguard.config import Config
from phiguard.engine.linter import Linter
from phiguard.errors import InputError
from phiguard.inputs import Draft, load_draft
from phiguard.inputs.draft import line_starts
from phiguard.inputs.rewrite import CannotRewrite, rewrite_source
from phiguard.inputs.selection import Skipped
from phiguard.models import BODY, Category, Finding, Lang, MaskStyle, Post, Report, Scope, Severity, masked_as
from phiguard.rewrite import fixes
from phiguard.rewrite.fixes import Edit
from phiguard.rulepack.lexicon import lexicons_in_use
from phiguard.run.check import FileResult, Located, check, check_drafts, ignored_here


@dataclass
class FileFix:
    """One draft, its rewrite and what the rewrite still has."""

    draft: Draft
    source: str  # the rewrite (the draft's own text when nothing is fixed)
    edits: list[tuple[int, Edit]] = field(default_factory=list)  # (post index, edit)
    before: list[Located] = field(default_factory=list)
    after: list[Located] = field(default_factory=list)  # the rewrite checked (images: the original's)
    problem: str | None = None  # why the draft cannot be rewritten in place

    @property
    def changed(self) -> bool:
        return self.source != self.draft.source

    def left(self, level: Severity) -> list[Located]:
        """What remains at ``level`` or above once the rewrite is in: a consent or advice finding, an
        identifier of a rule without a text fix, anything found in an image."""
        return [loc for loc in (self.after if self.changed else self.before) if loc.severity >= level]

    def blocking(self, level: Severity, selected: Callable[[str], bool] = lambda code: True) -> list[Located]:
        """Identifier findings of the rewrite's own text at ``level`` or above, of the rules being fixed:
        the rewrite is not written."""
        return [
            loc
            for loc in self.left(level)
            if loc.finding.category == Category.IDENTIFIER
            and loc.finding.scope.kind != "image"
            and selected(loc.finding.rule)
        ]


def fix_files(
    paths: Sequence[str],
    config: Config,
    linter: Linter,
    *,
    lang: Lang | None = None,
    selected: Callable[[str], bool] = lambda code: True,
    root: Path | None = None,
    today: date | None = None,
) -> tuple[list[FileFix], list[Skipped]]:
    """Each draft under ``paths`` with its rewrite, and what the walk skipped; ``selected`` picks the rules
    whose findings are fixed."""
    checked = check(paths, config, lang=lang, root=root, linter=linter, today=today)
    out = [_planned(fr, linter, config, selected, lang) for fr in checked.files]
    _check_rewrites(out, config, linter, lang, today)
    return out, checked.skipped


def fix_draft(
    draft: Draft, config: Config, linter: Linter, selected: Callable[[str], bool] = lambda code: True
) -> FileFix:
    """One draft already read (an editor's buffer) with its rewrite, as :func:`fix_files` makes it."""
    (fr,) = check_drafts(linter, [draft])
    fix = _planned(fr, linter, config, selected, None)
    _check_rewrites([fix], config, linter, None, None)
    return fix


def _check_rewrites(out: list[FileFix], config: Config, linter: Linter, lang: Lang | None, today: date | None) -> None:
    """Check each changed rewrite again (``FileFix.after``)."""
    changed = [f for f in out if f.changed]
    rewritten = [load_draft(f.draft.path, f.source, config.read_options()) for f in changed]
    for draft in rewritten:  # the images are the same: what was found in them stays, unread again
        for post in draft.posts:
            post.post = post.post.model_copy(update={"images": ()})
    if today is not None:
        linter = linter.with_consent(linter.ledger, today)
    for f, result in zip(changed, check_drafts(linter, rewritten, lang), strict=True):
        images = [loc for loc in f.before if loc.finding.scope.kind == "image"]
        regions = {i: fixes.inserted([e for j, e in f.edits if j == i]) for i in {j for j, _ in f.edits}}
        located = [  # the fix's own words are never findings of the rewrite
            loc
            for loc in result.located
            if loc.post_index is None or not fixes.own_words(loc.finding, regions.get(loc.post_index, {}))
        ]
        f.after = sorted([*located, *images], key=lambda loc: (loc.line, loc.column, loc.finding.rule))


def _planned(
    fr: FileResult, linter: Linter, config: Config, selected: Callable[[str], bool], lang: Lang | None
) -> FileFix:
    by_post: dict[int, list[Located]] = {}
    for loc in fr.located:
        if loc.post_index is not None:
            by_post.setdefault(loc.post_index, []).append(loc)
    edits: dict[int, list[Edit]] = {}
    texts: dict[int, dict[str, str]] = {}
    # what the draft says not to fix: the rules left out here and the codes of its inline suppressions
    ignored = (*ignored_here(fr.draft.path, config), *(c for s in fr.draft.suppressions for c in s.codes))

    def keep(f: Finding) -> bool:
        return selected(f.rule) and not f.rule.startswith(ignored)

    for i, located in by_post.items():
        post = fr.draft.posts[i].post
        report = Report(post=post, findings=tuple(loc.finding for loc in located if selected(loc.finding.rule)))
        read_as = post.lang or lang or next((loc.finding.lang for loc in located if loc.finding.scope == BODY), None)

        def again(rewrite: Post, read_as: Lang | None = read_as) -> Report:
            return linter.lint(rewrite.model_copy(update={"lang": read_as}), lang=lang)

        with lexicons_in_use(linter.lexicons):
            planned, _, _ = fixes.settle(
                post, report, linter.rules, again, initials=config.fix_names == "initials", keep=keep
            )
        if planned:
            edits[i] = planned
            texts[i] = fixes.rewritten_scopes(post, planned)
    fix = FileFix(fr.draft, fr.draft.source, [(i, e) for i, es in edits.items() for e in es], list(fr.located))
    try:
        fix.source = rewrite_source(fr.draft, edits, texts)
    except CannotRewrite as exc:
        fix.problem, fix.edits = str(exc), []
    return fix


def masked(
    source: str, located: Sequence[Located], also: Sequence[tuple[str, str]] = (), style: MaskStyle = "type"
) -> str:
    """``source`` with the value of each finding in its text replaced by the finding's mask, and every
    occurrence of ``also`` (posts' own ids, image paths: value and entity) masked: what a diff may show of
    a draft without ``--show-values`` (findings in images or about the file have no span)."""
    starts = line_starts(source)
    spans = []
    for loc in located:
        f = loc.finding
        if f.scope.kind in ("image", "file") or f.end <= f.start or loc.end_line > len(starts):
            continue
        start = starts[loc.line - 1] + loc.column - 1
        spans.append((start, max(starts[loc.end_line - 1] + loc.end_column - 1, start), f.shown(False, style)))
    out, pos = [], 0
    for start, end, hidden in sorted(spans):
        if start < pos:  # overlapping findings: the first one's mask stands for both
            continue
        out += [source[pos:start], hidden]
        pos = end
    out.append(source[pos:])
    text = "".join(out)
    for value, entity in sorted({(v, e) for v, e in also if v.strip()}, key=lambda pair: -len(pair[0])):
        text = text.replace(value, masked_as(value, entity, style))
    return text


def identifying(draft: Draft) -> list[tuple[str, str]]:
    """What a draft's lines hold that names a post or an image without being a finding, with what it is:
    posts' own ids and the image references, as written."""
    out = [(p.post.id, "POST-ID") for p in draft.posts if p.own_id and p.post.id]
    out += [(f.text, "IMAGE") for p in draft.posts for scope, f in p.fields.items() if Scope(scope).kind == "image"]
    return out


def check_writable(path: str) -> None:
    """A draft this user may not (or should not: read-only, even for root) write is an error (exit 2)."""
    target = Path(path)
    if not os.access(target, os.W_OK) or not target.stat().st_mode & stat.S_IWUSR:
        raise InputError(f"{path}: cannot write (read-only)", "make it writable, or run `phiguard fix` without --write")


def write_atomically(path: str, text: str) -> None:
    """Replace the draft's text: the file itself keeps its links, mode, owner and BOM
    (:func:`phiguard.safeio.rewrite_in_place`); a read-only draft is refused first."""
    check_writable(path)
    safeio.rewrite_in_place(Path(path), text)
