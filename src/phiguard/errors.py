"""Coded errors. phiguard fails closed: anything that would make a check unreliable raises one of
these (the CLI turns it into exit code 2) instead of returning a clean report.

Messages name what failed and how to fix it; they never contain text from a post.
"""

from __future__ import annotations


class PhiguardError(Exception):
    """Base class. ``code`` is stable (``PG1xx`` setup, ``PG2xx`` rules/config, ``PG3xx`` input)."""

    code = "PG000"

    def __init__(self, message: str, fix: str = "") -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"{self.code}: {message}" + (f" Fix: {fix}" if fix else ""))


class ModelNotAvailable(PhiguardError):
    code = "PG101"


class NetworkBlocked(PhiguardError):
    code = "PG102"


class ImageToolsMissing(PhiguardError):
    """OCR or face detection was asked for (the default) and Tesseract or OpenCV is not installed."""

    code = "PG103"


class RulePackError(PhiguardError):
    code = "PG201"


class ConfigError(PhiguardError):
    code = "PG202"


class InputError(PhiguardError):
    code = "PG301"
