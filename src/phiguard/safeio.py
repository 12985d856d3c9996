"""Reading what phiguard is given, within bounds (files, YAML and JSON), and writing what it makes
without ever touching what it read.

Every reader of drafts, front matter, ledgers, baselines and archives goes through here, so that a
device, a FIFO, a huge file, an alias bomb or deep nesting is a clear exit-2 error naming the file and
the limit, and so that no parse error quotes the file's content (patient names, phones) into a log:
messages give a line, a column and the kind of problem, never the text.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import regex
import yaml

from phiguard.errors import InputError

MAX_BYTES = 5_000_000  # default largest draft, ledger or baseline (config: max-draft-bytes)
MAX_DEPTH = 64  # deepest nesting of a YAML or JSON value
MAX_INT_DIGITS = 64  # a longer number in JSON is kept as its text (no 5,000-digit integers)

_SURROGATE = regex.compile(r"[\ud800-\udfff]")
_QUOTED = regex.compile(r"""'(?!<)[^']*'|"(?!<)[^"]*"|`[^`]*`""")  # PyYAML's '<block end>' names stay


def clean_text(text: str) -> str:
    """``text`` with lone surrogates (from a JSON or YAML escape such as ``\\ud800``) replaced by
    U+FFFD: one character for one, so offsets hold, and every output can encode it."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _describe(problem: object) -> str:
    """A parser's problem with every quoted piece of the input removed ("found undefined alias 'Rosa'")."""
    return _QUOTED.sub("…", str(problem or "invalid syntax")).strip()


@contextmanager
def open_regular(path: Path, where: str = "") -> Iterator[IO[bytes]]:
    """``path`` opened for reading if it is a regular file (or a link to one); a device, FIFO, socket
    or folder is refused before anything is read from it."""
    label = where or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(f"{label}: cannot read ({exc.strerror})", "check the path and its permissions") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{label}: not a regular file", "pass draft files (or - for standard input)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with fh:
        yield fh


def read_bytes(path: Path, limit: int = MAX_BYTES, where: str = "") -> bytes:
    """The content of a regular file of at most ``limit`` bytes; more is an error naming the limit."""
    label = where or str(path)
    with open_regular(path, label) as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise InputError(f"{label}: cannot read ({exc.strerror})", "check the file") from None
    return bounded(data, limit, label)


def bounded(data: bytes, limit: int, where: str) -> bytes:
    if len(data) > limit:
        raise InputError(
            f"{where}: larger than {limit:,} bytes (max-draft-bytes)", "split the file or raise max-draft-bytes"
        )
    return data


def read_text(path: Path, limit: int = MAX_BYTES, where: str = "") -> str:
    """A regular UTF-8 text file of at most ``limit`` bytes (a BOM is dropped); binary is refused."""
    return decode_text(read_bytes(path, limit, where), where or str(path))


def read_stdin(stream: IO[bytes], limit: int = MAX_BYTES) -> str:
    """Standard input as a draft: at most ``limit`` bytes of UTF-8 text; binary is refused as a file's."""
    return decode_text(bounded(stream.read(limit + 1), limit, "<stdin>"), "<stdin>")


def decode_text(data: bytes, where: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(f"{where}: looks binary, not text", "pass text drafts only, or exclude it")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not UTF-8 text (byte {exc.start})", "save the file as UTF-8") from None


# -- writing ----------------------------------------------------------------------------------------
def check_output(path: Path, inputs: Iterable[Path | str], what: str = "output") -> None:
    """Refuse, before anything is written, an output that would touch an input: one that is (or links to,
    by a symbolic or hard link) a file the run reads, a symbolic link (written through, it would replace
    the file it points at), a folder, or a read-only file (even root must not overwrite it)."""
    if path.is_symlink():
        raise InputError(
            f"{path}: the {what} is a symbolic link, which phiguard does not write through",
            "name a regular file (or remove the link)",
        )
    if not path.exists():
        return
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: the {what} is a folder", "name a file")
    for source in inputs:
        if source in ("", "-") or str(source).startswith("<"):
            continue
        try:
            same = os.path.samefile(path, source)
        except OSError:
            continue
        if same:
            raise InputError(
                f"{path}: the {what} is a file this run reads ({source}); it was not overwritten",
                f"write the {what} somewhere else",
            )
    if stat.S_ISREG(mode) and not (mode & stat.S_IWUSR and os.access(path, os.W_OK)):
        raise InputError(
            f"{path}: the {what} is read-only; it was not overwritten", "make it writable, or write elsewhere"
        )


def write_text(path: Path, text: str, what: str = "output") -> None:
    """:func:`write_bytes` of ``text`` as UTF-8."""
    write_bytes(path, text.encode("utf-8", errors="backslashreplace"), what)


def write_bytes(path: Path, data: bytes, what: str = "output") -> None:
    """Write ``data`` to ``path`` through a temporary file beside it renamed over it, so an interrupted or
    failed write (a full disk) leaves what was there; a device (``/dev/stdout``) is written directly.
    Call :func:`check_output` first."""
    problem = f"{path}: cannot write the {what}"
    try:
        device = path.exists() and not stat.S_ISREG(path.stat().st_mode)
    except OSError as exc:
        raise InputError(f"{problem} ({exc.strerror})", "check the path and its folder") from None
    if device:
        _write_into(path, data, problem)
    else:
        _replace(path, data, 0o666 & ~_umask(), None, problem)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def rewrite_in_place(path: Path, text: str) -> None:
    """Replace a draft's text keeping the file itself: a symbolic link's target is written (the link
    stays), a file with hard links or another owner is written into the same inode (every name sees the
    change, the owner stays), and otherwise a temporary file takes its mode and owner and is renamed over
    it. A UTF-8 BOM the file had is kept."""
    target = path.resolve()
    with open_regular(target) as fh:
        bom = fh.read(3) == b"\xef\xbb\xbf"
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    info = target.stat()
    owner = (info.st_uid, info.st_gid)
    problem = f"{path}: cannot write"
    if info.st_nlink > 1 or (owner != (os.getuid(), os.getgid()) and os.getuid() != 0):
        _write_into(target, data, problem)  # a rename would split hard links or change the owner
    else:
        _replace(target, data, stat.S_IMODE(info.st_mode), owner, problem)


def _write_into(target: Path, data: bytes, problem: str) -> None:
    """Overwrite ``target`` itself (a device, or a file whose inode must stay)."""
    try:
        regular = stat.S_ISREG(target.stat().st_mode)
        with target.open("r+b" if regular else "wb") as out:
            out.write(data)
            if regular:
                out.truncate()
                out.flush()
                os.fsync(out.fileno())
    except OSError as exc:
        raise InputError(f"{problem} ({exc.strerror})", "check the file and the disk") from None


def _replace(target: Path, data: bytes, mode: int, owner: tuple[int, int] | None, problem: str) -> None:
    """``data`` into a temporary file beside ``target`` with ``mode`` (and ``owner``), flushed to disk and
    renamed over ``target``: an interrupted or failed write leaves ``target`` as it was."""
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".phiguard", dir=target.parent)
    except OSError as exc:
        raise InputError(f"{problem} ({exc.strerror})", "check the path and its folder") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        if owner is not None and owner != (os.getuid(), os.getgid()):
            os.chown(temp, *owner)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise InputError(f"{problem} ({exc.strerror})", "check the disk and the path") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# -- YAML ---------------------------------------------------------------------------------------------
class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses aliases (``*name``: the way a few lines expand to gigabytes)
    and nesting deeper than ``MAX_DEPTH``. Anchors alone are harmless and allowed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(problem="an alias (*name) is not accepted", problem_mark=mark)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(problem=f"nested deeper than {MAX_DEPTH} levels", problem_mark=mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _bounded_int(loader: BoundedLoader, node: yaml.ScalarNode) -> int | str:
    """A YAML integer; one longer than MAX_INT_DIGITS digits is kept as its text (Python refuses to make
    an int of more than 4,300 digits, and no id or number in a post needs one)."""
    text = str(loader.construct_scalar(node))
    if len(text.replace("_", "").lstrip("+-")) > MAX_INT_DIGITS:
        return text
    return loader.construct_yaml_int(node)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", _bounded_int)


def yaml_error(exc: yaml.YAMLError, where: str, line_offset: int = 0, what: str = "YAML") -> InputError:
    """An InputError for a YAML problem: the line and column and what is wrong, not the text."""
    mark = getattr(exc, "problem_mark", None)
    at = f" at line {mark.line + 1 + line_offset}, column {mark.column + 1}" if mark is not None else ""
    return InputError(f"{where}: invalid {what}{at}: {_describe(getattr(exc, 'problem', None))}", f"fix the {what}")


def compose_yaml(text: str, where: str, line_offset: int = 0, what: str = "YAML") -> yaml.Node | None:
    """The YAML node tree of ``text`` (aliases refused, depth bounded); ``what`` names it in errors."""
    try:
        loader = BoundedLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character PyYAML does not accept
        raise InputError(
            f"{where}: invalid {what}: character #x{exc.character:04x} at offset {exc.position}", "remove it"
        ) from None
    try:
        return loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        raise InputError(
            f"{where}: invalid {what}: character #x{exc.character:04x} at offset {exc.position}", "remove it"
        ) from None
    except yaml.YAMLError as exc:
        raise yaml_error(exc, where, line_offset, what) from None
    except RecursionError:
        raise InputError(f"{where}: {what} nested too deeply", f"keep nesting under {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()


def construct_yaml(node: yaml.Node | None, where: str) -> Any:
    """Plain Python values of a composed node (dates and binary become text, keys become text)."""
    if node is None:
        return None
    loader = BoundedLoader("")
    try:
        return jsonable(loader.construct_document(node))
    except yaml.YAMLError as exc:
        raise yaml_error(exc, where) from None
    finally:
        loader.dispose()


def load_yaml(text: str, where: str) -> Any:
    return construct_yaml(compose_yaml(text, where), where)


def jsonable(value: Any, depth: int = 0) -> Any:
    """``value`` with every mapping key a string and every leaf a JSON type (dates and times as ISO
    text, binary as a placeholder), so that JSON output never fails on what a YAML file contained."""
    if depth > MAX_DEPTH + 1:
        raise InputError(f"value nested deeper than {MAX_DEPTH} levels", "flatten the file")
    if isinstance(value, dict):
        return {_key(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v, depth + 1) for v in value]
    if isinstance(value, str):
        return clean_text(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes of binary>"
    iso = getattr(value, "isoformat", None)
    return iso() if callable(iso) else str(value)


def _key(key: object) -> str:
    if isinstance(key, str):
        return clean_text(key)
    if isinstance(key, bytes | bytearray):
        return f"<{len(key)} bytes of binary>"
    iso = getattr(key, "isoformat", None)
    return str(iso()) if callable(iso) else str(key)


# -- JSON ---------------------------------------------------------------------------------------------
def _number(text: str) -> int | str:
    return int(text) if len(text.lstrip("-")) <= MAX_INT_DIGITS else text


def load_json(text: str, where: str) -> Any:
    """``json.loads`` with nesting bounded and huge integers kept as text; errors give the position."""
    try:
        value = json.loads(text, parse_int=_number)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{where}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", "fix the JSON"
        ) from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply", f"keep nesting under {MAX_DEPTH} levels") from None
    except ValueError:
        raise InputError(f"{where}: invalid JSON value", "fix the JSON") from None
    if _depth(value) > MAX_DEPTH:
        raise InputError(f"{where}: JSON nested deeper than {MAX_DEPTH} levels", "flatten the file")
    return value


def _depth(value: Any) -> int:
    """How deep a JSON value nests, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, d)
            if d <= MAX_DEPTH:
                stack.extend((v, d + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest
