"""Which files are drafts: ruff's file selection, for a repository of drafts.

Walking a folder finds the files whose names match ``include`` (the draft formats' suffixes) and no
``exclude`` pattern, in folders that are neither hidden nor excluded, and not ignored by git
(``.gitignore`` files, ``.git/info/exclude`` and the global excludes file, asked of ``git check-ignore``
so the rules are git's own; ``respect-gitignore = false`` or ``--no-respect-gitignore`` turns it off).
The default excludes name what is never a draft (VCS and virtualenv folders, ``node_modules``, lockfiles,
``package.json``, ``pyproject.toml``, CI workflows, pre-commit's files...), and every file phiguard is
configured to read besides drafts (the config, the baseline, the consent ledger) is excluded too.

A file named on the command line is checked whatever the patterns say, and one that holds no post is an
error, unless ``--force-exclude`` (``force-exclude = true``) says the names come from a tool (pre-commit
hands over every staged file the hook's pattern matches): then exclusions apply to them as well, and a
structured file with no post text is skipped and named, as when a folder's walk finds it.
Whatever the walk passes over that could hold text — a FIFO or device, a link to a folder or out of the
checked tree — is named as skipped, never dropped silently.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from phiguard import programs
from phiguard.errors import InputError

STDIN = "-"
# the suffixes of the formats found in folders (phiguard.inputs.FOLDER_SUFFIXES; a test keeps them equal)
DEFAULT_INCLUDE: tuple[str, ...] = ("*.md", "*.markdown", "*.txt", "*.json", "*.yaml", "*.yml", "*.csv")
GIT_TIMEOUT = 30.0  # seconds `git check-ignore` may take for one run

# What is never a draft, gitignore-style (ruff's default excludes, plus the files a drafts repository holds
# for its tools). ``exclude`` in the config replaces this list; ``extend-exclude`` adds to it.
DEFAULT_EXCLUDE: tuple[str, ...] = (
    *(".git/", ".hg/", ".svn/", ".bzr/", ".venv/", "venv/", ".tox/", ".nox/", "__pycache__/", "node_modules/"),
    *(".mypy_cache/", ".ruff_cache/", ".pytest_cache/", "site-packages/", "_build/", "site/"),
    *("package.json", "package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "*.lock"),
    *("composer.json", "tsconfig.json", "jsconfig.json", "deno.json", "renovate.json", ".prettierrc*"),
    *("pyproject.toml", "phiguard.toml", ".pre-commit-config.yaml", ".pre-commit-hooks.yaml", "mkdocs.yml"),
    *(".github/", ".gitlab-ci.yml", ".gitlab/", ".circleci/", ".travis.yml", "azure-pipelines.yml"),
    *("bitbucket-pipelines.yml", "docker-compose.yml", "docker-compose.yaml", "compose.yaml", "compose.yml"),
    *(".readthedocs.yaml", ".readthedocs.yml", "codecov.yml", ".codecov.yml", "dependabot.yml"),
    ".phiguard-baseline.json",
)


@dataclass(frozen=True)
class Skipped:
    """A file (or folder) the walk passed over, and why: named in the summary, never silent."""

    path: str
    reason: str


@dataclass
class Found:
    """The drafts to read, which of them were found by walking a folder or handed by a tool (a structured
    file there with no post text is skipped, where one a person named is an error), and what was skipped."""

    files: list[str] = field(default_factory=list)
    walked: set[str] = field(default_factory=set)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    """The file-selection settings of one run (from the config and the command line)."""

    include: tuple[str, ...]
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    root: Path | None = None  # where patterns are relative to: the config's folder, or the current one
    respect_gitignore: bool = True
    force_exclude: bool = False
    reads: tuple[Path, ...] = ()  # files phiguard reads as something else than a draft (ledger, baseline)

    def discover(self, paths: Sequence[str]) -> Found:
        """Drafts under ``paths`` (folders recursively); ``-`` stands for standard input."""
        base = (self.root or Path.cwd()).resolve()
        include = pathspec.GitIgnoreSpec.from_lines(self.include)
        exclude = pathspec.GitIgnoreSpec.from_lines(self.exclude)
        reads = {p.resolve() for p in self.reads}
        found = Found()
        named: list[Path] = []
        walked: list[Path] = []
        for raw in paths:
            if raw == STDIN:
                found.files.append(STDIN)
                continue
            path = Path(raw)
            if not path.exists() and not path.is_symlink():
                raise InputError(f"{raw}: no such file or folder", "check the path")
            if path.is_dir():
                walked += self._walk(path, include, exclude, base, found)
            elif self.force_exclude and (_matches(exclude, path, base) or path.resolve() in reads):
                found.skipped.append(Skipped(raw, "excluded (force-exclude)"))
            else:
                named.append(path)
        ignored = self._git_ignored([*walked, *(named if self.force_exclude else [])])
        found.skipped += [Skipped(str(p), "ignored by git (force-exclude)") for p in named if p in ignored]
        for path in walked:
            if path in ignored or path.resolve() in reads:
                continue
            found.files.append(str(path))
            found.walked.add(str(path))
        found.files += [str(p) for p in named if p not in ignored]
        found.files = list(dict.fromkeys(found.files))
        if self.force_exclude:  # handed by a tool (pre-commit passes every staged file): read as found
            found.walked |= {str(p) for p in named}
        else:  # named by a person: a file that is no draft is an error (and so when it was also found)
            found.walked -= {str(p) for p in named}
        return found

    def _walk(
        self, folder: Path, include: pathspec.GitIgnoreSpec, exclude: pathspec.GitIgnoreSpec, base: Path, found: Found
    ) -> list[Path]:
        """Files under ``folder`` that ``include`` names and ``exclude`` does not; hidden and excluded
        folders are not entered; links to folders, links out of ``folder``, FIFOs and devices are named in
        ``found.skipped``. A folder that cannot be read is an error (``Path.rglob`` would skip it)."""

        def refuse(exc: OSError) -> None:
            raise InputError(
                f"{exc.filename or folder}: cannot read folder ({exc.strerror})", "fix its permissions or exclude it"
            )

        top_real = folder.resolve()
        out: list[Path] = []
        for top, dirs, names in os.walk(folder, onerror=refuse):
            here = Path(top)
            keep = []
            for d in sorted(dirs):
                sub = here / d
                if d.startswith(".") or _matches(exclude, sub, base, folder=True):
                    continue
                if sub.is_symlink():
                    found.skipped.append(Skipped(str(sub), "a link to a folder (not followed)"))
                    continue
                keep.append(d)
            dirs[:] = keep
            for name in sorted(names):
                path = here / name
                if not _matches(include, path, base) or _matches(exclude, path, base):
                    continue
                try:
                    mode = path.stat().st_mode
                except OSError:
                    found.skipped.append(Skipped(str(path), "a broken link"))
                    continue
                if not stat.S_ISREG(mode):
                    found.skipped.append(Skipped(str(path), "not a regular file (a FIFO, device or socket)"))
                elif path.is_symlink() and not path.resolve().is_relative_to(top_real):
                    found.skipped.append(Skipped(str(path), "a link out of the checked folder"))
                else:
                    out.append(path)
        return out

    def _git_ignored(self, paths: Iterable[Path]) -> set[Path]:
        """The paths git ignores (``git check-ignore --no-index``, per repository, one call each);
        nothing outside a git work tree, or when ``respect-gitignore`` is off."""
        paths = list(paths)
        if not self.respect_gitignore or not paths or shutil.which("git") is None:
            return set()
        by_repo: dict[Path, list[Path]] = {}
        trees: dict[Path, Path | None] = {}
        for path in paths:
            repo = _work_tree(path.resolve().parent, trees)
            if repo is not None:
                by_repo.setdefault(repo, []).append(path)
        ignored: set[Path] = set()
        for repo, members in by_repo.items():
            relative = {str(p.resolve().relative_to(repo)): p for p in members}
            try:
                done = programs.run(
                    ["git", "-C", str(repo), "check-ignore", "--no-index", "--stdin", "-z"],
                    GIT_TIMEOUT,
                    "\0".join(relative).encode() + b"\0",
                )
            except programs.ProgramFailed as exc:
                raise InputError(
                    f"{repo}: `git check-ignore` failed: {exc.reason}",
                    "pass --no-respect-gitignore to select files without git",
                ) from None
            if done.returncode not in (0, 1):  # 1: nothing ignored
                raise InputError(
                    f"{repo}: `git check-ignore` failed (exit {done.returncode})",
                    "pass --no-respect-gitignore to select files without git",
                )
            ignored |= {relative[name] for name in done.stdout.decode().split("\0") if name in relative}
        return ignored


def _matches(spec: pathspec.GitIgnoreSpec, path: Path, base: Path, folder: bool = False) -> bool:
    """Whether a gitignore-style spec matches ``path`` (its name, not a link's target), relative to
    ``base`` when it is inside it."""
    if not spec.patterns:
        return False
    full = Path(os.path.abspath(path))
    if not full.is_relative_to(base):  # base is resolved: so is the folder holding path
        full = full.parent.resolve() / full.name
    rel = full.relative_to(base).as_posix() if full.is_relative_to(base) else path.as_posix()
    return spec.match_file(rel + "/" if folder else rel)


def _work_tree(folder: Path, known: dict[Path, Path | None]) -> Path | None:
    """The git work tree holding ``folder`` (a ``.git`` folder or file above it), or None; ``known``:
    the folders of this run already looked up (a walk asks about every file's folder)."""
    if folder not in known:
        known[folder] = next((p for p in (folder, *folder.parents) if (p / ".git").exists()), None)
    return known[folder]
