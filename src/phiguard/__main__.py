"""``python -m phiguard``: the same command line as ``phiguard``."""

from __future__ import annotations

import sys

from phiguard.cli import main

if __name__ == "__main__":
    sys.exit(main())
