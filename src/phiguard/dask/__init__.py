"""phiguard on a Dask cluster (the ``phiguard[dask]`` extra): every worker builds one Linter, with the same
configuration, rule packs and models as the CLI, when the :class:`LinterPlugin` is registered; tasks use
it and never carry it.

- :func:`audit` lints a dask DataFrame (or Bag) of posts and returns a dask DataFrame of findings.
- :func:`audit_archives` is ``phiguard audit --dask``: archive files cut into parts
  (:mod:`phiguard.dask.parts`), each part's findings and posts ledger written whole, a manifest of the
  parts done, so a re-run after a kill does only what is missing.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dask
from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker

from phiguard.config import Config
from phiguard.dask.parts import Done, Manifest, Part, Settings, finding_row, lint_records, plan, run_part, sweep
from phiguard.engine.linter import Linter
from phiguard.errors import ArgumentError, PhiguardError
from phiguard.inputs import DraftPost
from phiguard.models import Lang, Post, Report
from phiguard.run.service import WARM_UP

if TYPE_CHECKING:
    import pandas as pd

PLUGIN = "phiguard-linter"
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
LIBRARY_COLUMNS = (
    "post",
    "rule",
    "category",
    "severity",
    "entity",
    "scope",
    "start",
    "end",
    "lang",
    "value",
    "message",
)


class LinterPlugin(WorkerPlugin):
    """Builds the worker's Linter once, when registered (and on every worker that joins later), and loads
    every configured language's model there and then: a worker without a model fails the registration,
    before any post is read."""

    name = PLUGIN

    def __init__(self, config: Config) -> None:
        self.config = config
        self.linter: Linter | None = None

    def setup(self, worker: object) -> None:
        # Dask's statistical profiler keeps an hour of stack samples (distributed.worker.profile); with
        # spaCy's deep stacks that grew a worker by 10 MB a minute. phiguard's workers do not need it.
        callbacks = getattr(worker, "periodic_callbacks", {})
        for name in ("profile", "profile-cycle"):
            callback = callbacks.pop(name, None)
            if callback is not None:
                callback.stop()
        self.linter = Linter(self.config)
        for lang in self.config.languages:
            self.linter.lint(WARM_UP, lang=lang)
        gc.collect()
        gc.freeze()  # the models live as long as the worker: out of the collector's way


def register(client: Client, config: Config) -> None:
    """Register the :class:`LinterPlugin` of ``config`` on every worker of ``client``."""
    client.register_plugin(LinterPlugin(config), name=PLUGIN)


def worker_linter() -> Linter:
    """The Linter of the worker this task runs on."""
    plugin = get_worker().plugins.get(PLUGIN)
    if not isinstance(plugin, LinterPlugin) or plugin.linter is None:
        raise ArgumentError("this worker has no phiguard Linter", "call phiguard.dask.register(client, config) first")
    linter: Linter = plugin.linter
    return linter


def _lint(posts: list[DraftPost], lang: Lang | None = None) -> list[Report]:
    return list(worker_linter().lint_many([p.post for p in posts], lang=lang))


# -- a DataFrame of posts ----------------------------------------------------------------------------------
def audit(
    posts: Any,
    *,
    text_column: str = "text",
    id_column: str | None = None,
    lang_column: str | None = None,
    config: Config | None = None,
    show_values: bool = False,
    client: Client | None = None,
) -> Any:
    """The findings of every post of ``posts`` (a dask DataFrame with a text column, or a dask Bag of
    texts or of dicts with those keys) as a dask DataFrame: post (the id column's value, or the row's
    index), rule, category, severity, entity, scope, start, end, lang, value (masked unless
    ``show_values``) and message. A post phiguard could not check is a row of rule PG301 with the reason.
    Registers the Linter plugin on ``client`` (default: the current client)."""
    import dask.bag as db

    client = client or Client.current()
    register(client, config or Config())
    if isinstance(posts, db.Bag):
        posts = posts.map(lambda r: r if isinstance(r, dict) else {text_column: r}).to_dataframe()
    columns = [c for c in (text_column, id_column, lang_column) if c]
    missing = [c for c in columns if c not in posts.columns]
    if missing:
        raise ArgumentError(f"no column {missing[0]!r} in the posts", f"pass one of {list(posts.columns)[:10]}")
    return posts.map_partitions(
        _lint_frame, text_column, id_column, lang_column, show_values, meta=_meta(), enforce_metadata=False
    )


def _meta() -> pd.DataFrame:
    import pandas as pd

    ints = {"start", "end"}
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ints else "object") for c in LIBRARY_COLUMNS})


def _lint_frame(
    frame: pd.DataFrame, text_column: str, id_column: str | None, lang_column: str | None, show_values: bool
) -> pd.DataFrame:
    import pandas as pd

    from phiguard.dask.parts import Unreadable

    ids = [str(v) for v in (frame[id_column] if id_column else frame.index)]
    langs = list(frame[lang_column]) if lang_column else [None] * len(frame)
    records: list[DraftPost | Unreadable] = []
    for i, (text, ident, lang) in enumerate(zip(frame[text_column], ids, langs, strict=True)):
        try:
            post = Post(text="" if text is None else str(text), id=ident, lang=lang or None)
        except ValueError as exc:  # an unknown language code
            records.append(Unreadable(i, f"not a post: {type(exc).__name__}"))
            continue
        records.append(DraftPost(post, {}, i))
    rows = []
    for record, report in lint_records(records, _lint):
        ident = ids[record.line]
        if report is None:
            reason = record.reason if isinstance(record, Unreadable) else ""
            rows.append(dict.fromkeys(LIBRARY_COLUMNS) | {"post": ident, "rule": "PG301", "category": "tool",
                        "severity": "error", "entity": "POST", "start": 0, "end": 0, "message": reason})  # fmt: skip
            continue
        # an archive's row without its source and line: the DataFrame keeps LIBRARY_COLUMNS only
        rows += [finding_row("", 0, ident, f, show_values) for f in report.findings]
    return pd.DataFrame(rows, columns=list(LIBRARY_COLUMNS)).astype({"start": "int64", "end": "int64"})


# -- archives: phiguard audit --dask -------------------------------------------------------------------------
@contextmanager
def connect(address: str) -> Iterator[Client]:
    """A client of the scheduler at ``address`` (``tcp://host:8786``), or of a LocalCluster of ``N``
    single-threaded worker processes started here (``local:N``)."""
    if address.startswith("local:"):
        try:
            n = int(address.removeprefix("local:"))
        except ValueError:
            n = 0
        if n < 1:
            raise ArgumentError(f"--dask {address}: local:N needs a number of workers", "write local:2")
        os.environ.update(ONE_THREAD)  # the worker processes inherit it: one BLAS thread each
        with (
            dask.config.set({"distributed.worker.profile.enabled": False}),  # see LinterPlugin.setup
            LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address, timeout="30s")
    except OSError as exc:
        raise ArgumentError(
            f"--dask {address}: no scheduler answered ({exc})", "start dask-scheduler, or check the address"
        ) from None
    with client:
        yield client


@dataclass
class Outcome:
    """What an archive audit came to, over every planned part (those done before this run too)."""

    parts: int
    done: list[Done]
    failed: list[tuple[Part, str]] = field(default_factory=list)

    @property
    def posts(self) -> int:
        return sum(d.posts for d in self.done)

    def count(self, what: str) -> int:
        return sum(int(getattr(d, what)) for d in self.done)


def audit_archives(
    files: Sequence[Path],
    settings: Settings,
    config: Config,
    address: str,
    records_per_part: int,
    progress: Callable[[int], None] | None = None,
    parts: list[Part] | None = None,
) -> Outcome:
    """Audit ``files`` on the cluster at ``address`` into ``settings.out``; parts the folder's manifest
    lists are not done again. ``parts``: the plan, when the caller made it already (:func:`pending`)."""
    out = Path(settings.out)
    manifest = Manifest.open(out, settings.fmt, files)
    sweep(out)
    parts = plan(files, records_per_part) if parts is None else parts
    todo = [p for p in parts if p.key not in manifest.done]
    failed: list[tuple[Part, str]] = []
    if todo:
        with connect(address) as client:
            register(client, config)
            futures = {client.submit(_part_task, p, settings, key=f"phiguard-part-{p.key}", retries=1): p for p in todo}
            for future in as_completed(futures):
                part = futures[future]
                try:
                    done = future.result()
                except PhiguardError as exc:
                    failed.append((part, exc.message))
                    continue
                except Exception as exc:  # the part's file, or the cluster, failed: named, never skipped
                    failed.append((part, f"{type(exc).__name__}: {exc}"[:300]))
                    continue
                manifest.add(done)
                if progress is not None:
                    progress(done.posts)
    keys = {p.key for p in parts}
    return Outcome(len(parts), [d for k, d in manifest.done.items() if k in keys], failed)


def pending(files: Sequence[Path], out: Path, fmt: str, records_per_part: int) -> tuple[list[Part], list[Part]]:
    """The plan of ``files`` and the parts of it the output folder's manifest does not list yet."""
    parts = plan(files, records_per_part)
    done = Manifest.open(out, fmt, files).done
    return parts, [p for p in parts if p.key not in done]


def _part_task(part: Part, settings: Settings) -> Done:
    return run_part(part, settings, _lint)
