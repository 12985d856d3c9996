"""Coded errors. phiguard fails closed: anything that would make a check unreliable raises one of
these (the CLI turns it into exit code 2) instead of returning a clean report.

Messages name what failed and how to fix it; they never contain text from a post.
"""

from __future__ import annotations


class PhiguardError(Exception):
    """Base class. ``code`` is stable (``PG1xx`` setup, ``PG2xx`` rules/config, ``PG3xx`` input,
    ``PG9xx`` phiguard's own failure)."""

    code = "PG000"

    def __init__(self, message: str, fix: str = "") -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"{self.code}: {_sentence(message)}" + (f" Fix: {_sentence(fix)}" if fix else ""))


def _sentence(text: str) -> str:
    """The text ending as a sentence does ("no such file or folder" + "."), so a fix never runs into it."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…" else text + "."


class ModelNotAvailable(PhiguardError):
    code = "PG101"


class ImageToolsMissing(PhiguardError):
    """OCR or face detection was asked for (the default) and Tesseract or OpenCV is not installed."""

    code = "PG103"


class RulePackError(PhiguardError):
    code = "PG201"


class ConfigError(PhiguardError):
    code = "PG202"


class ArgumentError(PhiguardError, ValueError, TypeError):
    """A bad argument to the library API (an unsupported ``lang``, something that is not a post); a
    ValueError and a TypeError too, for callers that catch those."""

    code = "PG203"


class InputError(PhiguardError):
    code = "PG301"


class PostError(InputError):
    """One post could not be checked (longer than max-post-chars, over its CPU budget). ``index`` is its
    place among the posts given to ``lint_many`` (0-based); the message names no post id (an id may be
    PHI), so callers that know where the post is say it with :meth:`at`."""

    def __init__(self, message: str, fix: str = "", index: int = 0) -> None:
        super().__init__(message, fix)
        self.index = index

    def __reduce__(self) -> tuple[object, ...]:  # crosses from worker processes whole
        return (type(self), (self.message, self.fix, self.index))

    def at(self, where: str) -> PostError:
        """The same error, naming where the post is (``drafts/export.json:12``)."""
        return PostError(f"{where}: {self.message}", self.fix, self.index)


class NotADraft(InputError):
    """A structured file (JSON, YAML, CSV) with no field any reader takes for post text: skipped and
    named when a folder's walk found it, an error when it was named on the command line."""

    code = "PG302"


class InternalError(PhiguardError):
    """phiguard itself failed (a bug, or an input it did not foresee). The message names the phase
    and the file and the exception's type, never its text (which may quote a draft)."""

    code = "PG900"

    def __init__(self, phase: str, exc: BaseException) -> None:
        super().__init__(
            f"internal error {phase} ({type(exc).__name__}); nothing was checked past this point",
            "run again with --debug for the traceback (it may quote the draft) and report it",
        )


class Interrupted(PhiguardError):
    """SIGINT or SIGTERM: the run stopped before every draft or post was checked."""

    code = "PG901"
