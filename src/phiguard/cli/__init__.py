"""Command line: ``phiguard check``, ``fix``, ``audit``, ``baseline``, ``redact-image``, ``eval`` and
``rules``, one module each in :mod:`phiguard.cli.commands`.

Exit codes: 0 nothing at or above the fail level, 1 findings, 2 usage, configuration, model or input
error. Matched values are masked unless ``--show-values`` is given.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from functools import partial

from phiguard.cli.commands import add_all
from phiguard.errors import InternalError, Interrupted, PhiguardError
from phiguard.models import printable


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="phiguard",
        description=(
            "Lint social-media drafts of hospitals, clinics and doctors before they are published: patient "
            "identifiers (HIPAA Safe Harbor's 18), patients featured without written consent on record, and "
            "personal medical advice given to one person. English and Spanish; offline; values masked."
        ),
        epilog=(
            "exit codes: 0 nothing at or above the fail level, 1 findings, 2 a usage, configuration, model or "
            "input error (never a clean result). `phiguard COMMAND --help` for each command; "
            "`phiguard rules` lists the rules."
        ),
    )
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command")
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument("--debug", action="store_true", help="print the traceback of an internal error (PG900)")
    add_all(partial(sub.add_parser, parents=[debug]))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # for SARIF's invocation
    if args.version:
        from phiguard import __version__

        print(f"phiguard {__version__}")
        return 0
    if args.command is None:
        _parser().print_help(sys.stderr)
        return 2
    _stop_on_sigterm()
    try:
        code: int = args.run(args)
        return code
    except PhiguardError as exc:
        return _error(exc, args)
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return _error(Interrupted("interrupted; the run is incomplete", "run it again"), args)
    except Exception as exc:
        return _error(InternalError(f"in {args.command}", exc), args, exc)


def _stop_on_sigterm() -> None:
    """SIGTERM (a CI timeout, `kill`) stops phiguard as Ctrl-C does: workers stopped, exit 2."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def _error(exc: PhiguardError, args: argparse.Namespace, cause: BaseException | None = None) -> int:
    """Exit 2 with the coded message; the traceback only with --debug (it may quote a draft)."""
    if isinstance(exc, InternalError):
        cause = cause or exc.__cause__
    if getattr(args, "debug", False) and cause is not None:
        import traceback

        traceback.print_exception(cause, file=sys.stderr)
    print(f"phiguard: error: {printable(str(exc))}", file=sys.stderr)
    return 2
