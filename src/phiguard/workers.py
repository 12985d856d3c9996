"""Worker processes of ``check -j N`` and ``audit -j N``: each builds its own Linter once, in the pool's
initializer, so models load once per worker. This is the only per-process Linter, and it lives only
in worker processes; in the calling process the caller owns its Linters (see ``engine.LinterCache``)."""

from __future__ import annotations

import signal

from phiguard.config import Config
from phiguard.engine import Linter
from phiguard.errors import InternalError

_LINTER: Linter | None = None


def start(config: Config, parent_stops: bool = False) -> None:
    """The pool's initializer. ``parent_stops``: the worker leaves SIGINT to the parent, which stops
    its workers itself (``audit``), and a SIGTERM from it ends the worker quietly: no worker prints a
    traceback, also when stopped while building its Linter."""
    global _LINTER
    if parent_stops:  # first: the parent may stop a worker while it is still building its Linter
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    _LINTER = Linter(config)


def linter() -> Linter:
    if _LINTER is None:
        raise InternalError("linting", RuntimeError("a worker process started without workers.start"))
    return _LINTER
