from __future__ import annotations

from collections.abc import Iterator

import pytest

from phiguard import Linter


@pytest.fixture(scope="session")
def linter() -> Iterator[Linter]:
    """One Linter (and one load of each model) for the whole session."""
    yield Linter()
