"""What the commands share: their common flags, how flags and the config file become a
:class:`~phiguard.config.Config`, and the CLI's Linters (one per configuration, kept while the process
runs). Commands import the checker and the engine (spaCy, Presidio) only when they lint."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from phiguard import safeio
from phiguard.config import Config, find_config_file, load_config_file
from phiguard.errors import ConfigError, InputError
from phiguard.lang import LANGS
from phiguard.models import MaskStyle, Severity
from phiguard.run.linters import LinterCache

if TYPE_CHECKING:
    from phiguard.run.check import CheckResult

LINTERS = LinterCache()  # the CLI's Linters, one per configuration, kept while the process runs


def common(p: argparse.ArgumentParser, attached: bool = True) -> None:
    p.add_argument("--config", type=Path, help="phiguard.toml or pyproject.toml (default: nearest one found)")
    p.add_argument("--lang", choices=LANGS, help="force the language of every draft")
    p.add_argument(
        "--messages",
        choices=["post", *LANGS],
        help="the language of the findings' messages: each post's own (post, the default) or one for all",
    )
    if attached:
        p.add_argument("--no-images", action="store_true", help="do not open attached images")
    p.add_argument("--no-ocr", action="store_true", help="do not read the visible text of images")
    p.add_argument(
        "--require-images",
        action="store_true",
        help="a missing OCR or face tool is an error (exit 2), not an IMG001 warning per image",
    )
    p.add_argument("--no-faces", action="store_true", help="do not look for faces in images")


def value_flags(p: argparse.ArgumentParser, shown: str = "print matched values unmasked") -> None:
    """--show-values and --mask: whether and how the values a command prints are masked."""
    p.add_argument("--show-values", action="store_true", help=shown)
    p.add_argument(
        "--mask", choices=["type", "initials"], help="how values are masked: <PERSON> (default) or R*** D***"
    )


def progress_flags(p: argparse.ArgumentParser, jobs: bool = True) -> None:
    """-j (with ``jobs``) and --no-progress, for the commands that lint many drafts or posts."""
    if jobs:
        p.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (0: one per core)")
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")


def file_flags(p: argparse.ArgumentParser) -> None:
    """ruff's file-selection flags (gitignore-style patterns, comma-separated)."""
    p.add_argument("--exclude", metavar="PATTERNS", help="what is never a draft (replaces the config's and defaults)")
    p.add_argument("--extend-exclude", metavar="PATTERNS", help="excluded too, on top of exclude")
    p.add_argument("--extend-include", metavar="PATTERNS", help="files a folder's walk reads too (e.g. *.markdown)")
    p.add_argument(
        "--respect-gitignore",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="skip what git ignores (.gitignore, .git/info/exclude, global excludes); default: on",
    )
    p.add_argument(
        "--force-exclude",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="exclusions apply to files named on the command line too (the pre-commit hook passes it)",
    )


def selection_flags(p: argparse.ArgumentParser) -> None:
    """ruff's selection flags: code prefixes, comma-separated."""
    p.add_argument("--select", metavar="CODES", help="only these codes (prefixes: PHI0,CON,ADV); replaces the config's")
    p.add_argument("--extend-select", metavar="CODES", help="these codes too, on top of select")
    p.add_argument("--ignore", metavar="CODES", help="not these codes, on top of the config's ignore")


def config_of(args: argparse.Namespace, paths: Sequence[str] = ()) -> tuple[Config, Path]:
    """The explicit --config, or the nearest one above the first checked path (or the current folder),
    with the image switches of the command line; and the folder that exclude patterns are relative to."""
    path: Path | None = args.config
    if path is None:
        first = next((Path(p) for p in paths if p != "-"), Path.cwd())
        path = find_config_file(first if first.exists() else Path.cwd())
    if path is not None and not path.is_file():
        raise ConfigError(f"{path}: no such config file", "check the --config path")
    config, root = (Config(), Path.cwd()) if path is None else (load_config_file(path), path.parent)
    if path is not None:
        try:
            config.check_codes(LINTERS.rules(config).codes)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc.message}", exc.fix) from None
    args.config_used = str(path) if path is not None else None
    switches = {
        key: False
        for key, flag in (("check", "no_images"), ("ocr", "no_ocr"), ("faces", "no_faces"))
        if getattr(args, flag, False)
    }
    if getattr(args, "require_images", False):
        switches["require_tools"] = True
    if switches:
        config = config.model_copy(update={"images": config.images.model_copy(update=switches)})
    if getattr(args, "messages", None):
        config = config.model_copy(update={"messages": args.messages})
    return config, root


def with_file_flags(config: Config, args: argparse.Namespace) -> Config:
    """The config with the command line's file-selection flags."""

    def patterns(value: str) -> tuple[str, ...]:
        return tuple(p.strip() for p in value.split(",") if p.strip())

    update: dict[str, object] = {}
    if args.exclude is not None:
        update["exclude"] = patterns(args.exclude)
    if args.extend_exclude is not None:
        update["extend_exclude"] = (*config.extend_exclude, *patterns(args.extend_exclude))
    if args.extend_include is not None:
        update["extend_include"] = (*config.extend_include, *patterns(args.extend_include))
    if args.respect_gitignore is not None:
        update["respect_gitignore"] = args.respect_gitignore
    if args.force_exclude is not None:
        update["force_exclude"] = args.force_exclude
    return config.model_copy(update=update) if update else config


def codes_of(value: str | None, flag: str, config: Config) -> tuple[str, ...]:
    """A comma-separated list of code prefixes; one that names no loaded rule is exit 2 (ruff's "unknown
    rule selector"), with the closest codes."""
    from phiguard.codes import check_selectors

    codes = tuple(c.strip().upper() for c in (value or "").split(",") if c.strip())
    if value is not None and not codes:
        raise ConfigError(f"{flag}: no code given", "name codes or prefixes, e.g. PHI0,CON")
    check_selectors(codes, LINTERS.rules(config).codes, flag)
    return codes


def with_selection(config: Config, args: argparse.Namespace) -> Config:
    update: dict[str, object] = {}
    if args.select is not None:
        update["select"] = codes_of(args.select, "--select", config)
    if getattr(args, "extend_select", None) is not None:
        update["extend_select"] = (*config.extend_select, *codes_of(args.extend_select, "--extend-select", config))
    if args.ignore is not None:
        update["ignore"] = (*config.ignore, *codes_of(args.ignore, "--ignore", config))
    return config.model_copy(update=update) if update else config


def mask_style(args: argparse.Namespace, config: Config) -> MaskStyle:
    """--mask, else the config's mask."""
    return args.mask or config.mask


def fail_level(args: argparse.Namespace, config: Config) -> Severity:
    """--fail-on, else the config's fail-on."""
    return Severity(args.fail_on) if args.fail_on else config.fail_on


def jobs(args: argparse.Namespace) -> int:
    """--jobs: 0 is one worker per core."""
    from phiguard.run.check import default_jobs

    return default_jobs() if args.jobs == 0 else max(1, args.jobs)


def color(args: argparse.Namespace) -> bool:
    """--color, else FORCE_COLOR or a terminal; NO_COLOR turns auto off (no-color.org, force-color.org)."""
    if args.color != "auto":
        return bool(args.color == "always")
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def inputs_of(args: argparse.Namespace, config: Config, result: CheckResult | None = None) -> list[Path | str]:
    """Every file the run reads: the drafts and the images they attach, the config, the baseline, the
    consent ledger and an audit's archive. No output may be (or link to) one of them."""
    read: list[Path | str] = []
    if result is not None:
        read += [fr.draft.path for fr in result.files]
        read += [image for fr in result.files for post in fr.draft.posts for image in post.post.images]
    read_too = ("config_used", "archive", *(("baseline",) if args.command == "check" else ()))  # baseline: written
    read += [getattr(args, name) for name in read_too if getattr(args, name, None)]
    ledger = config.ledger_path()
    return [*read, *([ledger] if ledger else [])]


def open_output(path: Path, inputs: Sequence[Path | str], append: bool = False) -> TextIO:
    """A streamed output (an audit's findings), opened for writing (``append``: after what a resumed
    audit kept) once :func:`safeio.check_output` has found it touches no input; a missing folder or no
    permission is exit 2 naming it."""
    safeio.check_output(path, inputs, "output")
    try:
        return path.open("a" if append else "w", encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        raise InputError(
            f"{path}: cannot write ({exc.strerror})", "check the path and that its folder exists"
        ) from None
