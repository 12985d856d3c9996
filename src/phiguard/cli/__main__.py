"""``python -m phiguard.cli``: the same as the ``phiguard`` command."""

import sys

from phiguard.cli import main

sys.exit(main())
