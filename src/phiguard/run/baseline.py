"""Baselines, in the spirit of detect-secrets: accept today's findings, report only new ones.

A finding is keyed by a fingerprint that holds nothing of any value. detect-secrets can hash the secret
itself because a secret has entropy; a patient's name or birth date has very little, so a hash of it
plus its masked form and a name list give it back in seconds. Version 2 hashed the words around a
finding with the *reported* findings blanked, so a value of a rule that was ignored or not selected (a
phone next to a bed number, with ``ignore = ["PHI030"]``) stayed in the hash and was brute-forced in a
fraction of a second. Here (version 3) the fingerprint is a hash of the rule, the draft's path, the
shape of the words around the finding on its line — each word kept only if it is a lowercase stop word
of a supported language ("her", "new", "de", "la"), every other word, number, name or handle one
placeholder — and which occurrence of that shape it is. A value of any rule, selected or not, is never a
stop word, so nothing of it is in the hash. No line numbers, so editing elsewhere in a draft does not
make a finding new; no values, so the baseline file can be committed and shared.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Collection, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from phiguard import safeio
from phiguard.codes import unknown_message
from phiguard.errors import InputError
from phiguard.models import Finding, Post

VERSION = 3  # 1 hashed the value; 2 hashed the words around it, an ignored rule's value included
CONTEXT_WORDS = 4  # words read on each side of a finding
_WINDOW = 120  # characters on each side that those words are looked for in
_TOKEN = regex.compile(r"\w+|\x00+")
_BLANK = "\x00"


def fingerprint(rule: str, path: str, context: str, occurrence: int = 0) -> str:
    data = "\x1f".join((rule, Path(path).as_posix(), context, str(occurrence))).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:32]


def context(text: str, start: int, end: int, flagged: Sequence[tuple[int, int]]) -> str:
    """The words around ``text[start:end]`` on its line, lowercased, with every flagged span (this one
    included) blanked: what a fingerprint may hold of a draft. Lines added or edited elsewhere leave it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    lo = max(line_start, start - _WINDOW)
    hi = min(len(text) if line_end < 0 else line_end, end + _WINDOW)
    chars = list(text[lo:hi])
    for a, b in (*flagged, (start, end)):
        for i in range(max(a, lo), min(b, hi)):
            chars[i - lo] = _BLANK
    window = "".join(chars)
    # the finding is a placeholder that swallows the ones next to it ("Tobias" of "Tobias Okonkwo")
    before = _shape([*_TOKEN.findall(window[: max(start - lo, 0)]), _BLANK])[-CONTEXT_WORDS - 1 :]
    after = _shape([_BLANK, *_TOKEN.findall(window[min(end, hi) - lo :])])[1 : CONTEXT_WORDS + 1]
    return " ".join([*before, *after])


def _shape(words: Sequence[str]) -> list[str]:
    """Each word as a fingerprint may keep it: a lowercase stop word as it is, anything else (a value, a
    name, a number, a blanked finding) one placeholder, and a run of placeholders one: not even how many
    words a value has is kept."""
    stop = _stop_words()
    out: list[str] = []
    for word in words:
        kept = word if word in stop else "∎"
        if not (kept == "∎" and out and out[-1] == "∎"):
            out.append(kept)
    return out


@cache
def _stop_words() -> frozenset[str]:
    """The stop words of every supported language (spaCy's lists, named by the language profiles): the
    only words a fingerprint keeps. Lowercase as written, so a name that is also a word ("Will", "Rosa")
    is kept only when written as the word."""
    from importlib import import_module

    from phiguard.lang import PROFILES

    words: set[str] = set()
    for profile in PROFILES.values():
        words |= {w for w in import_module(profile.stop_words).STOP_WORDS if w.isalpha() and w.islower()}
    return frozenset(words)


def fingerprints(path: str, post: Post, findings: Sequence[Finding], seen: Counter[str]) -> list[str]:
    """A fingerprint for each of a post's findings; ``seen`` counts contexts already used in this draft
    (the n-th identical context gets occurrence n), so the caller passes one Counter per draft."""
    texts = dict(post.scopes())
    spans: dict[str, list[tuple[int, int]]] = {}
    for f in findings:
        spans.setdefault(f.scope, []).append((f.start, f.end))
    out: dict[int, str] = {}
    for i in sorted(range(len(findings)), key=lambda k: (findings[k].scope, findings[k].start, findings[k].rule)):
        f = findings[i]
        if f.image and f.start == f.end:  # a face, GPS, serial or unchecked image: its place, not its name
            where = f"{f.scope} {f.box or ''}"
        else:
            where = f"{f.scope.kind} {context(texts.get(f.scope, ''), f.start, f.end, spans[f.scope])}"
        key = f"{f.rule}\x1f{where}"
        out[i] = fingerprint(f.rule, path, where, seen[key])
        seen[key] += 1
    return [out[i] for i in range(len(findings))]


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    fingerprint: str = Field(pattern=r"^[0-9a-f]{32}$")
    rule: str = Field(default="", pattern=r"^[A-Z]{2,4}\d{0,4}$|^$")
    count: int = Field(default=1, ge=1, le=1_000_000)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    version: Literal[3]
    findings: list[_Item]


class Baseline:
    """Accepted fingerprints, each with how many findings share it."""

    def __init__(self, counts: Counter[str] | None = None, rules: dict[str, str] | None = None) -> None:
        self.counts: Counter[str] = counts or Counter()
        self.rules: dict[str, str] = rules or {}

    @classmethod
    def load(cls, path: Path) -> Baseline:
        if not path.exists():
            raise InputError(f"{path}: no such baseline", "create it with `phiguard baseline create`")
        data = safeio.load_json(safeio.read_text(path, where=f"{path} (baseline)"), f"{path} (baseline)")
        if isinstance(data, dict) and data.get("version") in (1, 2):
            raise InputError(
                f"{path}: a version {data['version']} baseline, whose fingerprints could give values back",
                f"rewrite it as version {VERSION}: `phiguard baseline update --baseline {path} <drafts>` "
                "(it accepts the current findings again)",
            )
        try:
            parsed = _File.model_validate(data)
        except ValidationError as exc:  # positions and types only: the input is never quoted
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'top level'}: {e['msg']}" for e in exc.errors()[:5]
            )
            raise InputError(
                f"{path}: not a phiguard baseline (version {VERSION}): {problems}", "recreate it"
            ) from None
        counts: Counter[str] = Counter()
        rules: dict[str, str] = {}
        for item in parsed.findings:
            counts[item.fingerprint] += item.count
            rules[item.fingerprint] = item.rule
        return cls(counts, rules)

    def check_codes(self, codes: Collection[str], path: Path) -> None:
        """Every rule the baseline names is a loaded rule's (a typo or a removed rule pack is exit 2)."""
        for rule in sorted(set(self.rules.values()) - {""}):
            if rule not in codes:
                raise InputError(
                    f"{path}: the baseline accepts findings of an {unknown_message(rule, codes, exact=True)}",
                    "load the rule pack that has it, or run `phiguard baseline update`",
                )

    def add(self, rule: str, fp: str) -> None:
        self.counts[fp] += 1
        self.rules[fp] = rule

    def save(self, path: Path, inputs: Sequence[Path | str] = ()) -> None:
        """Write the baseline (through a temporary file); it may not be, or link to, one of ``inputs``."""
        safeio.check_output(path, inputs, "baseline")
        items = [
            {"fingerprint": fp, "rule": self.rules.get(fp, ""), "count": n} for fp, n in sorted(self.counts.items())
        ]
        text = json.dumps({"version": VERSION, "findings": items}, indent=2) + "\n"
        safeio.write_text(path, text, "baseline")

    def filter_new(self, fingerprints: list[str]) -> list[bool]:
        """For each fingerprint in order: True when it is new (beyond the accepted count)."""
        left = Counter(self.counts)
        out = []
        for fp in fingerprints:
            if left[fp] > 0:
                left[fp] -= 1
                out.append(False)
            else:
                out.append(True)
        return out
