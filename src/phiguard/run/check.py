"""``phiguard check`` without the printing: find drafts, read them, lint every post, place each finding
at ``path:line:column``, apply inline suppressions and the baseline. The CLI and the pre-commit hook call
:func:`check`; output formats live in :mod:`phiguard.outputs`.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TypeVar

import pathspec

from phiguard.config import Config
from phiguard.engine.linter import Linter
from phiguard.errors import InternalError, NotADraft, PhiguardError, PostError
from phiguard.inputs import IMAGE_SUFFIXES, Draft, DraftPost, image_draft, load_draft, read_text
from phiguard.inputs.selection import Found, Skipped
from phiguard.inputs.suppressions import apply, problems
from phiguard.models import Finding, Lang, Severity
from phiguard.run import workers
from phiguard.run.baseline import Baseline, fingerprint, fingerprints
from phiguard.safeio import read_stdin

STDIN = "-"
STDIN_NAME = "<stdin>"  # what a draft read from standard input is called, unless --stdin-filename names it
T = TypeVar("T")


@dataclass(frozen=True)
class Located:
    """A finding with its place in a draft file."""

    path: str
    finding: Finding
    line: int
    column: int
    end_line: int
    end_column: int
    post_id: str | None
    fingerprint: str
    post_index: int | None = None  # which post of the draft (ids may repeat in an export): None for the file
    own_id: bool = False  # post_id is the post's own id field (outputs show it only when asked), not its place

    @property
    def severity(self) -> Severity:
        return self.finding.severity


@dataclass
class FileResult:
    draft: Draft
    located: list[Located] = field(default_factory=list)
    baselined: int = 0


@dataclass
class CheckResult:
    files: list[FileResult]
    skipped: list[Skipped] = field(default_factory=list)  # what the walk passed over, and why

    @property
    def findings(self) -> list[Located]:
        return [loc for f in self.files for loc in f.located]

    def failing(self, level: Severity) -> list[Located]:
        return [loc for loc in self.findings if loc.severity >= level]


# -- finding drafts -----------------------------------------------------------------------------------
def discover(paths: Sequence[str], config: Config, root: Path | None = None, reads: Sequence[Path] = ()) -> Found:
    """The drafts under ``paths`` by the config's file selection (phiguard.inputs.selection), patterns relative
    to ``root``; ``reads``: files the run reads as something else (a baseline), never drafts."""
    return config.selection(root, reads).discover(paths)


# -- checking -----------------------------------------------------------------------------------------
def check(
    paths: Sequence[str],
    config: Config,
    *,
    lang: Lang | None = None,
    baseline: Baseline | None = None,
    jobs: int = 1,
    root: Path | None = None,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
    linter: Linter | None = None,
    stdin_name: str = STDIN_NAME,
    reads: Sequence[Path] = (),
) -> CheckResult:
    """Check drafts; ``today`` is the date consents are judged by (default: the current date); ``reads``
    are files the run reads as something else than drafts (a baseline): never checked as drafts.
    ``linter`` (built from ``config``) is the caller's to reuse; without one a new Linter is built.
    With ``jobs`` > 1 each worker process builds its own once."""
    found = discover(paths, config, root, reads)
    files = found.files
    roots = _image_roots(config, root or Path.cwd(), [p for p in paths if p != STDIN])
    skipped = list(found.skipped)
    if jobs > 1 and len(files) > 1 and STDIN not in files:
        chunks = [files[i::jobs] for i in range(jobs)]
        results: dict[str, FileResult] = {}
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=workers.start, initargs=(config, False, os.getpid()))
        with pool:
            walked = [found.walked] * jobs
            for chunk_result in pool.map(_worker_files, chunks, [lang] * jobs, [today] * jobs, [roots] * jobs, walked):
                for item in chunk_result:
                    if isinstance(item, Skipped):
                        skipped.append(item)
                        continue
                    results[item.draft.path] = item
                    if progress:
                        progress(1)
        ordered = [results[f] for f in files if f in results]
    else:
        linter = linter or Linter(config)
        checked = _check_files(linter, files, lang, progress, today, roots, stdin_name, found.walked)
        ordered = [item for item in checked if isinstance(item, FileResult)]
        skipped += [item for item in checked if isinstance(item, Skipped)]
    if baseline is not None:
        for fr in ordered:
            new = baseline.filter_new([loc.fingerprint for loc in fr.located])
            fr.baselined = new.count(False)
            fr.located = [loc for loc, is_new in zip(fr.located, new, strict=True) if is_new]
    return CheckResult(ordered, sorted(skipped, key=lambda s: s.path))


def _image_roots(config: Config, root: Path, paths: Sequence[str]) -> tuple[Path, ...]:
    """The folders attached images may be opened from: the config's folder (or the current one), the
    folders and the files' folders named on the command line, and ``images.roots``."""
    named = (Path(p) if Path(p).is_dir() else Path(p).parent for p in paths)
    return tuple(dict.fromkeys((root, *named, *config.images.roots)))


def _worker_files(
    files: Sequence[str], lang: Lang | None, today: date | None, image_roots: tuple[Path, ...], walked: set[str]
) -> list[FileResult | Skipped]:
    return _check_files(workers.linter(), files, lang, None, today, image_roots, walked=walked)


def _check_files(
    linter: Linter,
    files: Sequence[str],
    lang: Lang | None,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
    image_roots: tuple[Path, ...] = (),
    stdin_name: str = STDIN_NAME,
    walked: Collection[str] = (),
) -> list[FileResult | Skipped]:
    """The drafts' results in order, and a :class:`Skipped` for each structured file found by walking
    a folder that holds no post (named explicitly, such a file is an error)."""
    config = linter.config
    if image_roots:
        linter = linter.with_image_roots(image_roots)
    if today is not None:
        linter = linter.with_consent(linter.ledger, today)
    read: list[Draft | Skipped] = []
    for f in files:
        try:
            read.append(_guarded(f"reading {f}", _read, f, config, stdin_name))
        except NotADraft as exc:
            if f not in walked:
                raise
            read.append(Skipped(f, f"no post text: {exc.message.removeprefix(f + ': ')}"))
    drafts = [d for d in read if isinstance(d, Draft)]
    results = iter(check_drafts(linter, drafts, lang, progress))
    return [next(results) if isinstance(d, Draft) else d for d in read]


def check_drafts(
    linter: Linter, drafts: Sequence[Draft], lang: Lang | None = None, progress: Callable[[int], None] | None = None
) -> list[FileResult]:
    """Drafts already read (``phiguard fix`` checks its rewrites before writing them): every post
    linted in one batch, each finding placed at ``path:line:column``, inline suppressions applied."""
    posts = [(d, i, p) for d in drafts for i, p in enumerate(d.posts)]
    reports = iter(linter.lint_many((p.post for _, _, p in posts), lang=lang))
    per_draft: dict[int, list[Located]] = {id(d): [] for d in drafts}
    seen: dict[int, Counter[str]] = {id(d): Counter() for d in drafts}  # contexts already fingerprinted
    for draft, index, post in posts:
        try:
            report = _guarded(f"linting {draft.path}", next, reports)
        except PostError as exc:  # the post it names, by its place (its id may be PHI)
            failed_draft, _, failed = posts[exc.index]
            raise exc.at(f"{failed_draft.path}:{failed.line}") from None
        prints = fingerprints(draft.path, report.post, report.findings, seen[id(draft)])
        per_draft[id(draft)] += [
            _locate(draft, post, f, fp, index) for f, fp in zip(report.findings, prints, strict=True)
        ]
    out = []
    for draft in drafts:
        located = sorted(per_draft[id(draft)], key=lambda loc: (loc.line, loc.column, loc.finding.rule))
        keep = apply([(loc.finding.rule, loc.line) for loc in located], draft.suppressions)
        ignored = ignored_here(draft.path, linter.config)
        located = [loc for loc, k in zip(located, keep, strict=True) if k and not loc.finding.rule.startswith(ignored)]
        for p in problems(draft.suppressions, linter.rules.codes):
            f = p.finding()
            fp = fingerprint(f.rule, draft.path, f"{p.line}:{p.column}")
            located.append(Located(draft.path, f, p.line, p.column, p.line, p.column, None, fp))
        located.sort(key=lambda loc: (loc.line, loc.column, loc.finding.rule))
        out.append(FileResult(draft, located))
        if progress:
            progress(1)
    return out


def ignored_here(path: str, config: Config) -> tuple[str, ...]:
    """The codes ``per-file-ignores`` leaves out of this draft (gitignore-style patterns, relative to
    the config's folder)."""
    if not config.per_file_ignores or path.startswith("<"):
        return ()
    base = (config.base_dir or Path.cwd()).resolve()
    full = Path(path).resolve()
    rel = full.relative_to(base).as_posix() if full.is_relative_to(base) else Path(path).as_posix()
    return tuple(
        code for pattern, codes in config.per_file_ignores.items() if _spec(pattern).match_file(rel) for code in codes
    )


@cache
def _spec(pattern: str) -> pathspec.GitIgnoreSpec:
    """A per-file-ignores pattern, compiled once per process (it is asked about every draft)."""
    return pathspec.GitIgnoreSpec.from_lines([pattern])


def _guarded(phase: str, step: Callable[..., T], *args: object) -> T:
    """``step(*args)``, with an unexpected exception turned into a coded internal error naming the
    phase and file (its message, which may quote the draft, is left out)."""
    try:
        return step(*args)
    except PhiguardError:
        raise
    except Exception as exc:
        raise InternalError(phase, exc) from exc


def _read(path: str, config: Config, stdin_name: str = STDIN_NAME) -> Draft:
    if path == STDIN:  # --stdin-filename names it: its suffix says how to read it, per-file-ignores match it
        return load_draft(stdin_name, read_stdin(sys.stdin.buffer, config.max_draft_bytes), config.read_options())
    if Path(path).suffix.lower() in IMAGE_SUFFIXES:
        return image_draft(path)
    return load_draft(path, read_text(Path(path), config.max_draft_bytes), config.read_options())


def _locate(draft: Draft, post: DraftPost, f: Finding, fp: str, index: int) -> Located:
    line, col = draft.position(post, f.scope, f.start)
    end_line, end_col = draft.position(post, f.scope, max(f.end - 1, f.start))
    return Located(
        path=draft.path,
        finding=f,
        line=line,
        column=col,
        end_line=end_line,
        end_column=end_col + (1 if f.end > f.start else 0),
        post_id=post.post.id,
        fingerprint=fp,
        post_index=index,
        own_id=post.own_id,
    )


def default_jobs() -> int:
    return max(1, (os.cpu_count() or 1))
