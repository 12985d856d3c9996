"""Consent records and the ledgers that hold them.

A consent record is a patient's written authorization (45 CFR 164.508): who signed it, what it lets the
organisation disclose (``scope``), when it was signed, when it expires and whether it was revoked.
Records come from a draft's front matter (``consent:``) and from a ledger configured as
``consent-ledger``: a CSV or YAML export of the consent system, or a SQLite database
(``sqlite:///path.db``), each read whole into a :class:`MemoryLedger` (another store is added as one
more reader in :func:`open_ledger`). A ledger that cannot be read, or a record with a bad date, a missing column
or an unknown scope word, is a :class:`LedgerError` (exit 2) naming the file and row.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from phiguard import safeio
from phiguard.errors import InputError
from phiguard.rulepack.lexicon import WordPattern

# What a consent may authorise. ``record`` (record, health-plan, account and device numbers) is never
# implied: a compliance officer must write it out. SSNs, DNI/NIE, plates and IPs have no scope at all.
SCOPES = ("name", "photo", "condition", "dates", "location", "contact", "record")
COLUMNS = ("id", "patient", "scope", "signed", "expires", "revoked")


class LedgerError(InputError):
    """A consent ledger or a front-matter consent that cannot be trusted."""


class ConsentRecord(BaseModel):
    """One signed authorization."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    patient: str | None = None
    scope: tuple[str, ...] = ()
    signed: date | None = None
    expires: date | None = None
    revoked: date | None = None
    source: str = Field(default="front matter", exclude=True)

    @field_validator("scope", mode="before")
    @classmethod
    def _scope_words(cls, value: object) -> tuple[str, ...]:
        if value in (None, ""):
            return ()
        if isinstance(value, str):
            words: list[object] = list(regex.split(r"[\s,;|]+", value.strip()))
        elif isinstance(value, list | tuple):
            words = list(value)
        else:
            raise ValueError(f"expected scope words ({', '.join(SCOPES)}), got {type(value).__name__}")
        out = tuple(str(w).strip().lower() for w in words if str(w).strip())
        unknown = [w for w in out if w not in SCOPES]
        if unknown:  # the words themselves are not quoted: a name written in the wrong column stays out of logs
            raise ValueError(f"{len(unknown)} unknown scope word(s); use {', '.join(SCOPES)}")
        return out

    @field_validator("signed", "expires", "revoked", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if value in ("", None, False, "no", "false", "False"):
            return None
        return value

    def problem(self, today: date) -> str | None:
        """Why this record does not authorise anything today, or None."""
        if self.revoked is not None and self.revoked <= today:
            return f"revoked on {self.revoked.isoformat()}"
        if self.expires is not None and self.expires < today:
            return f"expired on {self.expires.isoformat()}"
        if self.signed is not None and self.signed > today:
            return f"signed in the future ({self.signed.isoformat()})"
        return None


def parse_record(data: Mapping[str, object], where: str) -> ConsentRecord:
    try:
        return ConsentRecord.model_validate({**data, "source": where})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise LedgerError(f"{where}: invalid consent record: {problems}", "fix the record") from None


def front_matter_records(metadata: Mapping[str, object], where: str) -> list[ConsentRecord]:
    """``consent:`` in a draft's front matter: a record, a list of records, or a list of ids."""
    raw = metadata.get("consent")
    if raw in (None, "", [], False):
        return []
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for i, item in enumerate(items):
        if isinstance(item, str | int):
            item = {"id": str(item)}
        if not isinstance(item, Mapping):
            raise LedgerError(f"{where}: consent[{i}] is not a record", "write `- id: ...` with patient and scope")
        out.append(parse_record({str(k): v for k, v in item.items()}, f"{where}: consent[{i}]"))
    return out


class MemoryLedger:
    """Records already in memory (read from a file, or built by a caller)."""

    def __init__(self, records: Iterable[ConsentRecord], name: str = "ledger") -> None:
        self.name = name
        self._by_id: dict[str, ConsentRecord] = {}
        for r in records:
            if r.id in self._by_id:
                raise LedgerError(f"{name}: consent id {r.id!r} appears twice", "keep one record per id")
            self._by_id[r.id] = r

    def get(self, consent_id: str) -> ConsentRecord | None:
        return self._by_id.get(consent_id)

    def records(self) -> Iterable[ConsentRecord]:
        return self._by_id.values()


def _check_columns(names: Iterable[str], where: str) -> None:
    missing = [c for c in ("id", "patient", "scope") if c not in set(names)]
    if missing:
        raise LedgerError(f"{where}: missing column(s) {', '.join(missing)}", f"the ledger needs {', '.join(COLUMNS)}")


def read_csv_ledger(path: Path) -> MemoryLedger:
    text = _ledger_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        _check_columns([(n or "").strip().lower() for n in reader.fieldnames or []], str(path))
        records = []
        for row in reader:
            where = f"{path}: row {reader.line_num}"
            if None in row:  # csv puts cells beyond the header under None
                raise LedgerError(f"{where}: more cells than the header has columns", "fix the row's commas or quoting")
            data = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            # other columns of the export (notes, staff...) are not ours to judge
            records.append(parse_record({k: v for k, v in data.items() if k in COLUMNS}, where))
    except csv.Error as exc:
        raise LedgerError(
            f"{path}: unreadable CSV consent ledger at line {reader.line_num} ({exc})", "fix the file"
        ) from None
    return MemoryLedger(records, str(path))


def read_yaml_ledger(path: Path) -> MemoryLedger:
    data = safeio.load_yaml(_ledger_text(path), str(path))
    items = data.get("consents", data.get("records")) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise LedgerError(f"{path}: expected a list of consent records", "write `consents: [{id: ..., ...}]`")
    records = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise LedgerError(f"{path}: record {i + 1} is not a mapping", "write id, patient, scope...")
        _check_columns([str(k).lower() for k in item], f"{path}: record {i + 1}")
        records.append(parse_record({str(k).lower(): v for k, v in item.items()}, f"{path}: record {i + 1}"))
    return MemoryLedger(records, str(path))


def _ledger_text(path: Path) -> str:
    try:
        return safeio.read_text(path, where=f"{path} (consent ledger)")
    except InputError as exc:
        raise LedgerError(exc.message, "check consent-ledger") from None


def read_sqlite_ledger(path: Path, table: str = "consents") -> MemoryLedger:
    if not path.is_file():
        raise LedgerError(f"{path}: no such consent database", "check consent-ledger (sqlite:///path.db)")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            cur = con.execute(f'SELECT * FROM "{table}"')
            names = [d[0].lower() for d in cur.description]
            _check_columns(names, f"{path}: table {table}")
            records = []
            for n, row in enumerate(cur.fetchall(), start=1):
                data = {k: v for k, v in zip(names, row, strict=True) if k in COLUMNS}
                data = {k: ("" if v is None else str(v)) for k, v in data.items()}
                records.append(parse_record(data, f"{path}: table {table}, row {n}"))
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise LedgerError(f"{path}: unreadable consent database ({exc})", "check the file and its table") from None
    return MemoryLedger(records, str(path))


def open_ledger(spec: str, base: Path | None = None) -> MemoryLedger:
    """``consent-ledger`` from the config: a .csv, .yaml/.yml file or ``sqlite:///path.db``."""
    base = base or Path.cwd()
    if spec.startswith("sqlite:///"):
        return read_sqlite_ledger(_resolve(spec.removeprefix("sqlite:///"), base))
    path = _resolve(spec, base)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_ledger(path)
    if suffix in (".yaml", ".yml"):
        return read_yaml_ledger(path)
    if suffix in (".db", ".sqlite", ".sqlite3"):
        return read_sqlite_ledger(path)
    raise LedgerError(f"{spec}: unknown consent ledger type", "use a .csv or .yaml file, or sqlite:///path.db")


def _resolve(raw: str, base: Path) -> Path:
    p = Path(raw)
    return p if p.is_absolute() else base / p


# -- names ---------------------------------------------------------------------------------------------
_TITLES = WordPattern(r"^(?:(?:{lex:name_titles})\.?\s+)+", regex.I)  # words: rules/lexicon/name_titles.yml


_LETTERS = regex.compile(r"\p{L}+")


def _fold(name: str) -> list[str]:
    """Lower-case words without accents or titles: "Sra. Díaz-Ruiz" -> ["diaz", "ruiz"]."""
    name = _TITLES.sub("", name.strip())
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return _LETTERS.findall(plain.casefold())


def names_match(recorded: str, mentioned: str) -> bool:
    """A consent's patient name matches a name in a post allowing for the usual variants: first name
    only ("Rosa"), surname with a title ("Mrs. Díaz"), initials ("Rosa D."), accents and case."""
    rec, men = _fold(recorded), _fold(mentioned)
    if not rec or not men:
        return False
    for word in men:
        if len(word) == 1:
            if not any(r.startswith(word) for r in rec):
                return False
        elif word not in rec:
            return False
    return True
