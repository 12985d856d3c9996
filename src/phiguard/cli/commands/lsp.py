"""``phiguard lsp``: the language server for editors, over stdio (:mod:`phiguard.lsp.server`)."""

from __future__ import annotations

import argparse

from phiguard.errors import ArgumentError

NAME = "lsp"
HELP = "run the language server for editors over stdio (needs phiguard[lsp])"


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default and only transport)")


def run(args: argparse.Namespace) -> int:
    try:
        from phiguard.lsp.server import main
    except ImportError:
        raise ArgumentError("phiguard lsp needs the lsp extra", 'pip install "phiguard[lsp]" (pygls)') from None
    main()
    return 0
