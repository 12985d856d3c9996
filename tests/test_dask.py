"""The cluster audit (issue 33) on real Dask clusters: a LocalCluster of two worker processes, and a
``dask scheduler`` with ``dask worker`` processes started as a user would. Findings are the same as
``phiguard audit``'s; a run killed anywhere (the client, a worker, the scheduler) and run again accounts
for every post exactly once."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

PHIGUARD = [sys.executable, "-m", "phiguard"]
FIXTURES = Path(__file__).parent / "fixtures" / "public_health_posts.jsonl"
PATIENTS = [
    "Welcome home, Rosa Díaz! Her new knee is working wonders since March 3.",
    "@tina_r halve your warfarin tonight and call us tomorrow",
    "¡Bienvenida a casa, Lucía Pérez! Habitación 12, la echaremos de menos.",
    "Get well soon, Mr. Haddad in bed 3!",
]


def posts(n: int) -> list[dict[str, str]]:
    texts = [json.loads(line)["text"] for line in FIXTURES.read_text(encoding="utf-8").splitlines()] + PATIENTS
    return [{"id": f"p{i}", "text": texts[(i * 7) % len(texts)]} for i in range(n)]


def write_jsonl(path: Path, rows: list[dict[str, str]], bad: bool = False) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    if bad:
        lines.insert(len(lines) // 2, '{"id": "broken", "text": ')
        lines.insert(3, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "text"])
        for r in rows:
            out.writerow([r["id"], r["text"].replace(" tonight", "\ntonight")])  # records over two lines
    return path


def audit(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PHIGUARD, "audit", "--no-progress", *args], capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]


def rows_of(folder: Path, kind: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for f in sorted((folder / kind).glob("part-*.jsonl")):
        out += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()]
    return out


def once_each(folder: Path) -> Counter[tuple[object, object]]:
    """How many times each (archive, line) is in the posts ledger."""
    return Counter((Path(str(r["source"])).name, r["line"]) for r in rows_of(folder, "posts"))


def findings(rows: list[dict[str, object]], source: str | None = None) -> set[tuple[object, ...]]:
    return {
        (Path(str(r.get("source", source))).name, r["line"], r["rule"], r["severity"], r["scope"], r["start"], r["end"])
        for r in rows
    }


def test_same_findings_as_phiguard_audit(tmp_path: Path) -> None:
    rows = posts(240)
    a = write_jsonl(tmp_path / "a.jsonl", rows[:120])
    b = write_csv(tmp_path / "b.csv", rows[120:])
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows[:120]), tmp_path / "c.parquet", row_group_size=25)
    done = audit("--dask", "local:2", str(tmp_path / "*.jsonl"), str(b), str(tmp_path / "c.parquet"),
                 "-o", str(tmp_path / "out"), "--part-posts", "30", "--show-ids")  # fmt: skip
    assert done.returncode == 1, done.stderr  # findings, nothing unreadable
    assert "0 unreadable" in done.stderr
    cluster = findings(rows_of(tmp_path / "out", "findings"))
    for archive in (a, b):
        plain = audit("--format", "jsonl", "--show-ids", str(archive))
        assert plain.returncode == 1, plain.stderr
        expected = findings([json.loads(line) for line in plain.stdout.splitlines()], str(archive))
        assert {f for f in cluster if f[0] == archive.name} == expected
    # the Parquet file holds a.jsonl's posts: row n is line n
    assert {f[1:] for f in cluster if f[0] == "c.parquet"} == {f[1:] for f in cluster if f[0] == "a.jsonl"}
    assert set(once_each(tmp_path / "out").values()) == {1} and len(once_each(tmp_path / "out")) == 360
    ledger = rows_of(tmp_path / "out", "posts")
    assert {r["post"] for r in ledger if str(r["source"]).endswith("b.csv")} == {f"p{i}" for i in range(120, 240)}


def test_unreadable_posts_are_counted_with_their_reason(tmp_path: Path) -> None:
    (tmp_path / "phiguard.toml").write_text("max-post-chars = 2000\n", encoding="utf-8")
    rows = posts(60)
    rows[10]["text"] = "Free flu shots. " * 200  # 3,200 characters: over max-post-chars
    write_jsonl(tmp_path / "a.jsonl", rows, bad=True)
    done = audit("--dask", "local:2", "a.jsonl", "-o", "out", "--part-posts", "25", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "2 unreadable" in done.stderr and "could not be checked" in done.stderr
    unreadable = [r for r in rows_of(tmp_path / "out", "posts") if r["status"] == "unreadable"]
    assert len(unreadable) == 2 and all(r["reason"] for r in unreadable)
    assert any("max-post-chars" in str(r["reason"]) for r in unreadable)
    assert len(once_each(tmp_path / "out")) == 61 and set(once_each(tmp_path / "out").values()) == {1}


def test_a_killed_client_is_finished_by_a_rerun(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", posts(400))
    out = tmp_path / "out"
    cmd = [*PHIGUARD, "audit", "--no-progress", "--dask", "local:2", "a.jsonl", "-o", "out", "--part-posts", "20"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, start_new_session=True, stderr=subprocess.DEVNULL)
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if manifest.exists() and len(manifest.read_text().splitlines()) >= 4:  # the header and 3 parts
            break
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # the client, its scheduler and its workers, mid-run
    proc.wait()
    parts_before = len(manifest.read_text().splitlines()) - 1
    assert 3 <= parts_before < 20
    again = audit("--dask", "local:2", "a.jsonl", "-o", "out", "--part-posts", "20", cwd=tmp_path)
    assert again.returncode == 1, again.stderr
    assert f"{parts_before} already done" in again.stderr
    counts = once_each(out)
    assert len(counts) == 400 and set(counts.values()) == {1}
    assert not list((out / "posts").glob(".*.tmp"))


def test_a_killed_worker_loses_and_repeats_nothing(tmp_path: Path) -> None:
    """A worker process killed while it works: Dask gives its tasks to the other (and to the worker the
    nanny restarts, which the plugin sets up again)."""
    from distributed import get_client

    from phiguard.config import Config
    from phiguard.dask import audit_archives
    from phiguard.dask.parts import Settings

    write_jsonl(tmp_path / "a.jsonl", posts(300))
    config = Config()
    settings = Settings(str(tmp_path / "out"), "jsonl", config.read_options())
    killed: list[int] = []

    def progress(n: int) -> None:
        if not killed:
            client = get_client()
            pids = client.run(os.getpid)
            victim = sorted(pids.values())[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    outcome = audit_archives([tmp_path / "a.jsonl"], settings, config, "local:2", 15, progress)
    assert killed and not outcome.failed and len(outcome.done) == outcome.parts == 20
    counts = once_each(tmp_path / "out")
    assert len(counts) == 300 and set(counts.values()) == {1}


def test_a_killed_scheduler_is_finished_by_a_rerun(tmp_path: Path) -> None:
    """``dask scheduler`` and two ``dask worker`` processes, as on a user's machines; the scheduler is
    killed mid-run, then everything is started again and the same command finishes the audit."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    bindir = Path(sys.executable).parent
    env = {**os.environ, "OMP_NUM_THREADS": "1"}

    def cluster() -> list[subprocess.Popen[bytes]]:
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env, "start_new_session": True}
        scheduler = subprocess.Popen(
            [
                str(bindir / "dask"),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--dashboard-address",
                ":0",
            ],
            **quiet,  # type: ignore[call-overload]
        )
        workers = [
            subprocess.Popen(
                [str(bindir / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard"],
                **quiet,  # type: ignore[call-overload]
            )
            for _ in range(2)
        ]
        return [scheduler, *workers]

    def stop(procs: list[subprocess.Popen[bytes]]) -> None:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()

    write_jsonl(tmp_path / "a.jsonl", posts(400))
    out = tmp_path / "out"
    procs = cluster()
    try:
        client = subprocess.Popen(
            [*PHIGUARD, "audit", "--no-progress", "--dask", address, "a.jsonl", "-o", "out", "--part-posts", "20"],
            cwd=tmp_path, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        manifest = out / "manifest.jsonl"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not (manifest.exists() and len(manifest.read_text().splitlines()) >= 4):
            time.sleep(0.1)
        os.killpg(procs[0].pid, signal.SIGKILL)  # the scheduler
        _, err = client.communicate(timeout=180)
        assert client.returncode != 0 and client.returncode != 1, err
    finally:
        stop(procs)
    procs = cluster()
    try:
        again = audit("--dask", address, "a.jsonl", "-o", "out", "--part-posts", "20", cwd=tmp_path, timeout=300)
    finally:
        stop(procs)
    assert again.returncode == 1, again.stderr
    assert "already done" in again.stderr and " 0 already done" not in again.stderr
    counts = once_each(out)
    assert len(counts) == 400 and set(counts.values()) == {1}


def test_a_dataframe_of_posts() -> None:
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client, LocalCluster

    from phiguard import Linter
    from phiguard.dask import audit as dask_audit

    rows = posts(80)
    frame = dd.from_pandas(pd.DataFrame(rows), npartitions=4)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        found = dask_audit(frame, text_column="text", id_column="id", client=client).compute()
    assert list(found.columns) == ["post", "rule", "category", "severity", "entity", "scope", "start", "end",
                                   "lang", "value", "message"]  # fmt: skip
    linter = Linter()
    expected = {
        (r["id"], f.rule, f.severity.value, f.start, f.end)
        for r, report in zip(rows, linter.lint_many(r["text"] for r in rows), strict=True)
        for f in report.findings
    }
    got = {(r.post, r.rule, r.severity, r.start, r.end) for r in found.itertuples()}
    assert got == expected
    assert "Rosa" not in set(found["value"])  # masked


def test_what_the_cluster_audit_refuses(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", posts(5))
    inside = audit("--dask", "local:1", "out/a.jsonl", "-o", "out", cwd=tmp_path)
    assert inside.returncode == 2 and "no such archive" in inside.stderr
    (tmp_path / "out").mkdir()
    write_jsonl(tmp_path / "out" / "b.jsonl", posts(5))
    own = audit("--dask", "local:1", "out/b.jsonl", "-o", "out", cwd=tmp_path)
    assert own.returncode == 2 and "inside the output folder" in own.stderr
    assert audit("--dask", "local:1", "a.jsonl", cwd=tmp_path).returncode == 2  # no -o
    assert audit("--dask", "local:x", "a.jsonl", "-o", "o2", cwd=tmp_path).returncode == 2
    assert audit("--format", "parquet", "a.jsonl", cwd=tmp_path).returncode == 2  # parquet needs --dask
    assert audit("a.jsonl", "a.jsonl", cwd=tmp_path).returncode == 2  # one archive without --dask
