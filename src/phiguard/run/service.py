"""One warm engine for a long-running process: ``phiguard serve``, ``phiguard lsp`` and ``phiguard check
--watch`` lint through it. It is the CLI's own pipeline (a :class:`Linter` from the CLI's cache,
:func:`phiguard.run.check.check_drafts` for a draft's text, :func:`phiguard.rewrite.files.fix_draft` for
its rewrite), with the models loaded at start and the calls taken one at a time: a Linter keeps
per-batch caches and is not shared between threads.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from phiguard.config import Config, find_config_file, load_config_file
from phiguard.models import Lang, Post, Report
from phiguard.run.linters import LinterCache

if TYPE_CHECKING:
    from phiguard.engine.linter import Linter
    from phiguard.rewrite.files import FileFix
    from phiguard.rewrite.fixes import FixResult
    from phiguard.run.check import FileResult

T = TypeVar("T")
WARM_UP = "OK, 10:00."  # read as each configured language in turn: every pipeline and recognizer runs once


@dataclass
class Service:
    """The Linter of one configuration, loaded once, used by one call at a time."""

    config: Config
    linters: LinterCache = field(default_factory=LinterCache)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ready: threading.Event = field(default_factory=threading.Event)

    @property
    def linter(self) -> Linter:
        return self.linters.get(self.config)

    @property
    def ready(self) -> bool:
        """The models of every configured language are loaded."""
        return self._ready.is_set()

    def warm(self) -> None:
        """Load the rule packs and every configured language's model (a missing model raises here, at
        start, not at the first request), then move what is loaded out of the garbage collector's way
        (``gc.freeze``: this process is phiguard's own, and the models live as long as it does)."""
        self.run(lambda linter: [linter.lint(WARM_UP, lang=lang) for lang in self.config.languages])
        gc.collect()
        gc.freeze()
        self._ready.set()

    def run(self, work: Callable[[Linter], T]) -> T:
        """``work`` with the Linter, after any call already running."""
        with self._lock:
            return work(self.linter)

    def lint(self, posts: Sequence[Post], lang: Lang | None = None) -> list[Report]:
        return self.run(lambda linter: list(linter.lint_many(posts, lang=lang)))

    def fix(self, posts: Sequence[Post], lang: Lang | None = None) -> list[FixResult]:
        return self.run(lambda linter: list(linter.fix_many(posts, lang=lang)))

    def check_text(self, path: str, text: str) -> FileResult:
        """A draft's findings as ``phiguard check`` places them, read from ``text`` (an editor's unsaved
        buffer) as if it were the file at ``path``."""
        from phiguard.inputs import load_draft
        from phiguard.run.check import check_drafts

        draft = load_draft(path, text, self.config.read_options())
        return self.run(lambda linter: check_drafts(linter, [draft])[0])

    def fix_text(self, path: str, text: str, selected: Callable[[str], bool] = lambda code: True) -> FileFix:
        """``phiguard fix``'s rewrite of the draft ``text`` read as the file at ``path``."""
        from phiguard.inputs import load_draft
        from phiguard.rewrite.files import fix_draft

        draft = load_draft(path, text, self.config.read_options())
        return self.run(lambda linter: fix_draft(draft, self.config, linter, selected))


def config_for(path: Path) -> tuple[Config, Path]:
    """The configuration ``phiguard check`` would use for a draft at ``path`` (the nearest
    ``phiguard.toml`` or ``pyproject.toml`` with ``[tool.phiguard]`` above it), and its folder."""
    found = find_config_file(path)
    if found is None:
        return Config(), path if path.is_dir() else path.parent
    return load_config_file(found), found.parent
