"""Worker processes of ``check -j N`` and ``audit -j N``: each builds its own Linter once, in the pool's
initializer, so models load once per worker. This is the only per-process Linter, and it lives only
in worker processes; in the calling process the caller owns its Linters
(:class:`phiguard.run.linters.LinterCache`)."""

from __future__ import annotations

import os
import signal
import threading
import time

from phiguard.config import Config
from phiguard.engine.linter import Linter
from phiguard.errors import InternalError

_LINTER: Linter | None = None


def start(config: Config, parent_stops: bool = False, parent: int | None = None) -> None:
    """The pool's initializer. ``parent_stops``: the worker leaves SIGINT to the parent, which stops
    its workers itself (``audit``), and a SIGTERM from it ends the worker quietly: no worker prints a
    traceback, also when stopped while building its Linter. ``parent``: the process that started the
    pool; when it is gone (SIGKILL gives it no chance to stop its workers), the worker ends too."""
    global _LINTER
    if parent_stops:  # first: the parent may stop a worker while it is still building its Linter
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    _die_with(parent if parent is not None else os.getppid())
    _LINTER = Linter(config)


WATCH_SECONDS = 0.5  # how often a worker looks whether its parent is still there


def _die_with(parent: int) -> None:
    """End this worker at once when ``parent`` is no longer its parent (it died and the worker was
    handed to init): an orphan would go on using CPU and memory, and hold the archive open."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(3)

    threading.Thread(target=watch, name="phiguard-parent-watch", daemon=True).start()


def linter() -> Linter:
    if _LINTER is None:
        raise InternalError("linting", RuntimeError("a worker process started without workers.start"))
    return _LINTER
