"""``phiguard serve``: the HTTP JSON API (:mod:`phiguard.serve.app`) on uvicorn, with the models loaded once.
Binds 127.0.0.1 unless told otherwise; any other address needs a bearer token. SIGTERM or Ctrl-C stops
taking requests and lets those in flight finish (``--drain-seconds``)."""

from __future__ import annotations

import argparse
import ipaddress
import signal
import sys
from pathlib import Path

from phiguard.cli import options
from phiguard.errors import ArgumentError, InputError, PhiguardError
from phiguard.safeio import read_text

NAME = "serve"
HELP = "serve the checks as an HTTP JSON API (needs phiguard[serve])"


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, help="phiguard.toml or pyproject.toml (default: nearest one found)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument(
        "--token-file",
        type=Path,
        help="a file holding the bearer token every request but /healthz must send (required off loopback)",
    )
    p.add_argument(
        "--allow-show-values", action="store_true", help="let requests ask for unmasked values (show_values)"
    )
    p.add_argument("--max-body-bytes", type=int, default=1_000_000, help="largest request body (default 1 MB)")
    p.add_argument("--max-posts", type=int, default=100, help="most posts in one request (default 100)")
    p.add_argument("--max-in-flight", type=int, default=8, help="requests worked on at once; more get 503 (8)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds a request may take; then 504 (default 30)")
    p.add_argument("--drain-seconds", type=float, default=30.0, help="on SIGTERM, how long requests may finish (30)")
    p.add_argument("--log-level", choices=["critical", "error", "warning", "info"], default="info")
    p.add_argument("--no-access-log", action="store_true", help="do not log requests (method, path and status)")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _token(path: Path | None) -> str | None:
    if path is None:
        return None
    token = read_text(path, where=f"{path} (--token-file)").strip()
    if len(token) < 16 or any(ch.isspace() for ch in token):
        raise InputError(f"{path}: the token must be one word of at least 16 characters", "write a longer token")
    return token


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from phiguard.serve.app import Limits, create_app
    except ImportError:
        raise ArgumentError(
            "phiguard serve needs the serve extra", 'pip install "phiguard[serve]" (FastAPI and uvicorn)'
        ) from None
    from phiguard.run.service import Service

    if not _loopback(args.host) and args.token_file is None:
        raise ArgumentError(
            f"binding {args.host} opens the API to other machines and needs a bearer token",
            "pass --token-file FILE, or bind 127.0.0.1",
        )
    for flag in ("max_body_bytes", "max_posts", "max_in_flight", "timeout", "drain_seconds"):
        if getattr(args, flag) <= 0:
            raise ArgumentError(f"--{flag.replace('_', '-')} must be positive", "pass a number above 0")
    token = _token(args.token_file)
    config, _ = options.config_of(args)
    limits = Limits(
        max_body_bytes=args.max_body_bytes,
        max_posts=args.max_posts,
        max_in_flight=args.max_in_flight,
        timeout=args.timeout,
        allow_show_values=args.allow_show_values,
        token=token,
    )
    failed: list[PhiguardError] = []
    server: uvicorn.Server | None = None

    def stop(exc: PhiguardError) -> None:
        failed.append(exc)
        if server is not None:
            server.should_exit = True

    app = create_app(Service(config), limits, on_failure=stop)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            access_log=not args.no_access_log,
            timeout_graceful_shutdown=int(args.drain_seconds),
            server_header=False,
        )
    )
    guard = "a bearer token is required" if token else "no token (loopback only)"
    values = "values may be shown on request" if args.allow_show_values else "values always masked"
    print(
        f"phiguard serve: http://{args.host}:{args.port} ({guard}; {values}; "
        f"at most {args.max_posts} posts and {args.max_body_bytes:,} bytes a request)",
        file=sys.stderr,
        flush=True,
    )
    # SIGTERM and Ctrl-C are how a server is stopped: uvicorn drains, then hands the signal back to the
    # handler it found, which for a server is "done" (exit 0), not the CLI's "interrupted" (exit 2)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    server.run()
    if failed:
        raise failed[0]
    return 0
