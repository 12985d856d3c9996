"""What every output format is: a writer of a whole ``phiguard check`` result (:class:`Writer`), of
one archive post at a time for ``phiguard audit`` (:class:`PostWriter`), or both; and the pieces the
formats share. Every format masks matched values (``B*** M*****``) unless ``show_values`` is set, so
CI logs and uploaded reports never carry the identifiers they warn about."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO, runtime_checkable

from phiguard.models import Finding, MaskStyle, Severity, printable

if TYPE_CHECKING:
    from phiguard.inputs import DraftPost
    from phiguard.models import Report
    from phiguard.rulepack.schema import RuleSet
    from phiguard.run.check import CheckResult


@dataclass(frozen=True)
class WriteOptions:
    show_values: bool = False  # print matched values unmasked (--show-values)
    color: bool = False  # a terminal that takes colour (text only)
    rules: RuleSet | None = None  # the rules the check ran with (SARIF describes them)
    root: Path | None = None  # what file paths are relative to in SARIF (%SRCROOT%): the config's folder
    command_line: str | None = None  # the run, for SARIF's invocation
    fail_on: Severity = Severity.WARNING  # what the run fails on: the HTML summary counts as the CLI does
    config_file: str | None = None  # the configuration the run read (the HTML report names it)
    show_ids: bool = False  # print posts' own ids (--show-ids; --show-values too): an id may be PHI
    mask: MaskStyle = "type"  # how a value is masked: <PERSON> (the default) or R*** D*** (--mask initials)

    def post_id(self, post_id: str | None, own: bool = True) -> str | None:
        """A post's id as it may be printed: its place (``export.json#2``, ``archive.jsonl:5``) always, its
        own id (``own``: an export's id field, which may be PHI) only with ``show_ids`` or ``show_values``
        (None otherwise: the archive line or the file position says which post it is)."""
        return post_id if not own or self.show_ids or self.show_values else None


@runtime_checkable
class Writer(Protocol):
    """A format of ``phiguard check``: the whole result, written when every draft is checked."""

    name: str

    def write(self, result: CheckResult, out: TextIO, options: WriteOptions) -> None: ...


@runtime_checkable
class PostWriter(Protocol):
    """A format of ``phiguard audit``: one archive post's findings, written as soon as they are known
    and in one piece (``out.write`` once), so an interrupted audit leaves whole posts."""

    name: str

    def write_post(self, archive: str, post: DraftPost, report: Report, out: TextIO, options: WriteOptions) -> None: ...


def finding_record(f: Finding, options: WriteOptions) -> dict[str, object]:
    """The fields of a finding that every JSON answer shares (``check --format json``, ``phiguard serve``),
    its value and image masked as ``options`` say."""
    return {
        "rule": f.rule,
        "category": f.category.value,
        "severity": f.severity.value,
        "entity": f.entity,
        "scope": f.scope,
        "lang": f.lang,
        "message": f.message,
        "suggestion": f.suggestion,
        "image": f.image_shown(options.show_values),
        "box": list(f.box) if f.box else None,
        "value": shown(f, options),
    }


def shown(f: Finding, options: WriteOptions) -> str:
    """The matched value as it may be printed: masked unless asked otherwise."""
    return f.shown(options.show_values, options.mask)


def in_image(f: Finding, show_values: bool = False) -> str:
    """Where in an attached image a finding is: `` [image[0] .png, box 44,39 97x29]`` (or nothing); the
    image's path only with ``show_values`` (a file name may carry a patient's name)."""
    if not f.image:
        return ""
    box = f", box {f.box[0]},{f.box[1]} {f.box[2]}x{f.box[3]}" if f.box else ""
    part = f.scope.part or ""
    if part.startswith("frame"):  # a later frame (page) of a GIF, TIFF or WebP: frame3.text
        box = f", {part.split('.')[0].replace('frame', 'frame ')}{box}"
    image = f"image {f.image}" if show_values else f.image_shown()
    return f" [{printable(image or '')}{box}]"


def with_value(f: Finding, options: WriteOptions) -> str:
    """The message, the shown value, the suggested reply and the place in an image, in one line."""
    value = shown(f, options)
    message = f"{f.message} ({value})" if value else f.message
    return (f"{message} Suggested reply: {f.suggestion}" if f.suggestion else message) + in_image(
        f, options.show_values
    )
