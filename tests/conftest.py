from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from phiguard import Linter


@pytest.fixture(autouse=True)
def _no_forced_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """FORCE_COLOR in the environment would colour the text output the tests read (test_flags sets it)."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture(scope="session")
def linter() -> Iterator[Linter]:
    """One Linter (and one load of each model) for the whole session."""
    yield Linter()


def _image_tools() -> str | None:
    """Why image OCR/face tests cannot run here, or None."""
    if shutil.which("tesseract") is None:
        return "the Tesseract program is not installed (make setup installs it)"
    try:
        import cv2  # noqa: F401
    except ImportError:
        return "phiguard[images] is not installed"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Image tests need Tesseract and OpenCV: skipped on a developer machine without them, but a
    failure in CI (PHIGUARD_REQUIRE_OCR=1), where they must run."""
    missing = _image_tools()
    if missing is None or os.environ.get("PHIGUARD_REQUIRE_OCR") == "1":
        return
    skip = pytest.mark.skip(reason=missing)
    for item in items:
        if "ocr" in item.keywords:
            item.add_marker(skip)
