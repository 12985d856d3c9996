"""Configuration: one frozen model, parsed once and passed explicitly (no globals).

Keys use the dashed spelling of ``[tool.phiguard]`` in ``pyproject.toml``; Python callers may use either
spelling. Unknown keys are an error, so a typo never silently switches a check off.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from phiguard import safeio
from phiguard.codes import check_selectors
from phiguard.errors import ConfigError, InputError
from phiguard.inputs.draft import ReadOptions
from phiguard.inputs.selection import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, Selection
from phiguard.lang import DEFAULT_LANG, PROFILES
from phiguard.models import LANGS, Entity, Lang, MaskStyle, Severity
from phiguard.safeio import MAX_BYTES


def default_models() -> dict[str, str]:
    """Each language's default spaCy model (its profile's), for the languages registered now."""
    return {code: p.model for code, p in PROFILES.items()}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Allowlist(_Strict):
    """The organisation's own contact points and staff: never reported as patient identifiers."""

    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    names: tuple[str, ...] = Field(default=(), description="staff and public figures")

    def allows(self, entity: Entity, value: str) -> bool:
        """True when ``value`` is one of the organisation's own (compared loosely: case, spaces,
        punctuation and, for phones, everything but digits are ignored)."""
        if entity == Entity.PHONE:
            digits = _digits(value)
            own = [_digits(p)[-9:] for p in self.phones]
            return bool(digits) and any(o and digits.endswith(o) for o in own)
        if entity in {Entity.EMAIL, Entity.URL}:
            low = value.lower()
            return any(
                low.endswith(d.lower()) or f"{d.lower()}/" in low or f"@{d.lower()}" in low
                for d in (*self.domains, *self.emails)
            )
        key = _loose(value)
        if not key:
            return False
        if entity == Entity.ADDRESS:
            return any(key in _loose(a) for a in self.addresses)
        if entity == Entity.PERSON:
            return any(key == _loose(n) for n in self.names)
        return False


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _loose(value: str) -> str:
    return re.sub(r"[^\w]+", " ", value.casefold()).strip()


class ImageSettings(_Strict):
    """How the images a draft attaches are checked (``[tool.phiguard.images]``). Every check is on by
    default. Without Tesseract or OpenCV an image is still checked for what Pillow reads (metadata,
    GPS, serials) and gets an IMG001 warning saying what was not checked, never a silent skip;
    ``require-tools`` (``--require-images``) makes a missing tool an error (exit 2), for CI."""

    check: bool = Field(default=True, description="open attached images at all (metadata, OCR, faces)")
    require_tools: bool = Field(
        default=False, alias="require-tools", description="a missing OCR or face tool is an error (exit 2)"
    )
    ocr: bool = Field(default=True, description="read visible text with Tesseract (phiguard[images])")
    faces: bool = Field(default=True, description="detect faces with OpenCV (phiguard[images])")
    ocr_languages: str = Field(
        default="+".join(p.tesseract for p in PROFILES.values()),
        alias="ocr-languages",
        pattern=r"^[A-Za-z_]+(\+[A-Za-z_]+)*$",
    )
    ocr_timeout: float = Field(
        default=60.0, alias="ocr-timeout", gt=0, le=3600, description="seconds per image (the program is then killed)"
    )
    tesseract: str = Field(default="tesseract", description="the Tesseract program (a name on PATH, or a path)")
    ocr_confidence: int = Field(default=30, alias="ocr-confidence", ge=0, le=100, description="lowest word confidence")
    max_pixels: int = Field(
        default=50_000_000, alias="max-pixels", ge=1, le=2_000_000_000, description="larger images are not decoded"
    )
    max_frames: int = Field(
        default=20,
        alias="max-frames",
        ge=1,
        le=10_000,
        description="frames (pages) of a GIF, TIFF or WebP that are read; more are named in an IMG001 warning",
    )
    roots: tuple[Path, ...] = Field(
        default=(),
        description="folders attached images may be opened from, besides the drafts' own (the CLI adds the "
        "config file's folder, or the current one); empty in the library: any path the caller gives",
    )


class Config(_Strict):
    """Everything a Linter needs to know. ``Config()`` is a sensible default."""

    languages: tuple[Lang, ...] = Field(default=LANGS, min_length=1, description="the languages posts may be in")
    default_language: Lang = Field(default=DEFAULT_LANG, alias="default-language")
    models: dict[str, str] = Field(default_factory=default_models)
    learned_models: Path | None = Field(
        default=None,
        alias="learned-models",
        description="a folder with story.json, identifier.json, consent.json and advice.json to use instead of the"
        " shipped learned models (as `python -m phiguard.learned.train --out FOLDER` writes them)",
    )
    rule_dirs: tuple[Path, ...] = Field(default=(), alias="rule-dirs")
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = Field(default=(), alias="extend-select", description="added to select")
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        alias="per-file-ignores",
        description="gitignore-style pattern (relative to the config's folder) -> codes not reported there",
    )
    severity: dict[str, Severity] = Field(default_factory=dict, description="code -> severity")
    allowlist: Allowlist = Field(default_factory=Allowlist)
    batch_size: int = Field(default=64, alias="batch-size", ge=1, le=100_000)
    fail_on: Severity = Field(default=Severity.WARNING, alias="fail-on")
    include: tuple[str, ...] = Field(
        default=DEFAULT_INCLUDE, description="gitignore-style patterns of the files a folder's walk reads"
    )
    extend_include: tuple[str, ...] = Field(default=(), alias="extend-include", description="added to include")
    exclude: tuple[str, ...] = Field(
        default=DEFAULT_EXCLUDE,
        description="gitignore-style patterns of what is never a draft (replaces the defaults: see extend-exclude)",
    )
    extend_exclude: tuple[str, ...] = Field(default=(), alias="extend-exclude", description="added to exclude")
    respect_gitignore: bool = Field(
        default=True, alias="respect-gitignore", description="skip what git ignores (.gitignore, info/exclude)"
    )
    force_exclude: bool = Field(
        default=False, alias="force-exclude", description="exclusions apply to files named on the command line too"
    )
    csv_text_columns: tuple[str, ...] = Field(default=(), alias="csv-text-columns")
    text_fields: tuple[str, ...] = Field(
        default=(), alias="text-fields", description="more fields of a post that are text (checked as captions)"
    )
    metadata_fields: tuple[str, ...] = Field(
        default=(), alias="metadata-fields", description="fields that are not text (not reported as unchecked)"
    )
    max_post_chars: int = Field(
        default=200_000,
        alias="max-post-chars",
        ge=1,
        le=100_000_000,
        description="longer posts are an error, not checked",
    )
    post_cpu_seconds: float = Field(
        default=10.0,
        alias="post-cpu-seconds",
        gt=0,
        le=86_400,
        description="CPU time one post may take (tokenizer, parse, analysis)",
    )
    max_draft_bytes: int = Field(
        default=MAX_BYTES,
        alias="max-draft-bytes",
        ge=1,
        le=1_000_000_000,
        description="largest draft, archive line or ledger read",
    )
    messages: Literal["post"] | Lang = Field(
        default="post",
        description="the language of the findings' messages: post (each in the language its text was read "
        "in) or a language code (en, es)",
    )
    emergency_number: str | dict[Lang, str] | None = Field(
        default=None,
        alias="emergency-number",
        description="the emergency number the advice rules' safe reply gives (e.g. 999, or {es: 911}); "
        "default: the language profile's (en 911, es 112)",
    )
    advice_reply: dict[Lang, str] = Field(
        default_factory=dict,
        alias="advice-reply",
        description="language -> the organisation's own safe reply to a request for personal advice "
        "(e.g. its nurse line), instead of the advice rules' built-in text",
    )
    consent_ledger: str | None = Field(
        default=None, alias="consent-ledger", description="a .csv/.yaml file or sqlite:///path.db"
    )
    images: ImageSettings = Field(default_factory=ImageSettings)
    mask: MaskStyle = Field(
        default="type",
        description="how outputs mask a value: its entity type (<PERSON>), or initials (R*** D***: more revealing)",
    )
    fix_names: Literal["replace", "initials"] = Field(
        default="replace",
        alias="fix-names",
        description="how `phiguard fix` rewrites a patient's name: the rule's text (\"our patient\") or initials",
    )
    base_dir: Path | None = Field(default=None, exclude=True, description="where relative paths start")

    def emergency_numbers(self) -> dict[Lang, str]:
        """``emergency-number`` per language (one number for every language, or a mapping)."""
        if self.emergency_number is None:
            return {}
        if isinstance(self.emergency_number, str):
            return dict.fromkeys(self.languages, self.emergency_number)
        return dict(self.emergency_number)

    @field_validator("models")
    @classmethod
    def _known_langs(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = set(value) - set(PROFILES)
        if unknown:
            raise ValueError(f"models for unsupported languages: {sorted(unknown)}")
        return {**default_models(), **value}

    def __init__(self, **data: object) -> None:
        """``Config(select=(...), ...)``: an invalid value is a :class:`ConfigError` (PG202) naming the key
        and the problem, never quoting the value, as for a config file."""
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _config_error(exc, "config") from None

    @classmethod
    def from_mapping(cls, data: dict[str, object], source: str = "config") -> Config:
        """Validate a mapping (e.g. ``[tool.phiguard]``), turning errors into a coded ConfigError."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise _config_error(exc, source) from None

    def selection(self, root: Path | None = None, reads: Sequence[Path] = ()) -> Selection:
        """Which files are drafts: the include/exclude patterns relative to ``root`` (the config's folder by
        default), git's ignores, and ``reads`` (a baseline) plus the consent ledger, which are never drafts."""
        ledger = self.ledger_path()
        return Selection(
            include=(*self.include, *self.extend_include),
            exclude=(*self.exclude, *self.extend_exclude),
            root=root or self.base_dir,
            respect_gitignore=self.respect_gitignore,
            force_exclude=self.force_exclude,
            reads=(*reads, *([ledger] if ledger else [])),
        )

    def read_options(self) -> ReadOptions:
        """What the draft readers need of the config: which fields are text and which are not."""
        return ReadOptions(self.csv_text_columns, self.text_fields, self.metadata_fields)

    def learned_models_dir(self) -> Path | None:
        """The folder of other learned models, relative to the config's folder; None: the shipped ones."""
        return (self.base_dir or Path.cwd()) / self.learned_models if self.learned_models else None

    def ledger_path(self) -> Path | None:
        """The consent ledger's file (``sqlite:///path.db`` or a path), relative to the config's folder."""
        if not self.consent_ledger:
            return None
        spec = self.consent_ledger.removeprefix("sqlite:///")
        return (self.base_dir or Path.cwd()) / spec

    def check_codes(self, codes: Collection[str]) -> None:
        """Every code or prefix this config names is one of ``codes`` (the loaded rules'): an unknown one
        is a :class:`ConfigError` naming the key and the closest codes, never a check silently off."""
        check_selectors(self.select, codes, "select")
        check_selectors(self.extend_select, codes, "extend-select")
        check_selectors(self.ignore, codes, "ignore")
        check_selectors(self.severity, codes, "severity", exact=True)
        for pattern, selectors in self.per_file_ignores.items():
            check_selectors(selectors, codes, f"per-file-ignores[{pattern!r}]")

    def selected(self, code: str) -> bool:
        """flake8/ruff style selection: the longest matching prefix of select/ignore wins."""
        select = (*self.select, *self.extend_select)
        best_sel = max((len(p) for p in select if code.startswith(p)), default=-1)
        best_ign = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        if not self.select:
            best_sel = max(best_sel, 0)
        return best_sel >= 0 and best_sel >= best_ign


def _config_error(exc: ValidationError, source: str) -> ConfigError:
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return ConfigError(f"invalid {source}: {problems}", "fix or remove the key")


CONFIG_FILES = ("phiguard.toml", "pyproject.toml")


_TOOL_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*phiguard\b|^\s*tool\s*\.\s*phiguard\s*[.=]", re.M)


def find_config_file(start: Path) -> Path | None:
    """The nearest ``phiguard.toml``, or ``pyproject.toml`` with a ``[tool.phiguard]`` table, walking up
    from ``start`` (a file or folder) to the filesystem root."""
    import tomllib

    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "phiguard.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # unreadable, and nothing says it is ours
            try:
                if "phiguard" in tomllib.loads(text).get("tool", {}):
                    return candidate
            except tomllib.TOMLDecodeError as exc:
                if _TOOL_TABLE.search(text):  # ours, broken: its settings (fail-on...) must not be lost
                    raise ConfigError(f"{candidate}: not valid TOML ({exc})", "fix the file") from None
                continue  # somebody else's broken pyproject.toml: not ours to judge
    return None


def load_config_file(path: Path) -> Config:
    """Read ``[tool.phiguard]`` (pyproject.toml) or the whole file (phiguard.toml). Relative rule
    folders are resolved against the file's folder."""
    import tomllib

    try:
        data = tomllib.loads(safeio.read_text(path))  # a regular file of at most 5 MB
    except InputError as exc:
        raise ConfigError(exc.message, "check the --config path") from None
    except tomllib.TOMLDecodeError as exc:  # "Invalid value (at line 3, column 9)": no content quoted
        raise ConfigError(f"{path}: not valid TOML ({exc})", "fix the file") from None
    tool = data.get("tool", {}).get("phiguard") if isinstance(data.get("tool"), dict) else None
    if path.name == "pyproject.toml":
        table = tool or {}
    elif tool is not None:  # a phiguard.toml may hold pyproject's table as it is
        others = sorted(k for k in data if k != "tool")
        if others:
            raise ConfigError(f"{path}: both [tool.phiguard] and top-level keys ({', '.join(others)})", "use one")
        table = tool
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.phiguard] is not a table", "write it as a TOML table")
    dirs = table.get("rule-dirs", table.get("rule_dirs"))
    if isinstance(dirs, list):
        key = "rule-dirs" if "rule-dirs" in table else "rule_dirs"
        table = {**table, key: [str((path.parent / d).resolve()) for d in dirs]}
    images = table.get("images")
    if isinstance(images, dict) and isinstance(images.get("roots"), list):
        roots = [str((path.parent / r).resolve()) if isinstance(r, str) else r for r in images["roots"]]
        table = {**table, "images": {**images, "roots": roots}}
    return Config.from_mapping({**table, "base_dir": path.parent}, source=str(path))
