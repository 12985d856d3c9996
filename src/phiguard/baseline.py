"""Baselines, in the spirit of detect-secrets: accept today's findings, report only new ones.

A finding is keyed by a fingerprint: a hash of its rule, the draft's path and its matched text
normalised (case-folded, spaces collapsed). No line numbers, so editing a draft above a finding does not
make it new; no raw values, so the baseline file can be committed without leaking what it accepts.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from phiguard.errors import InputError

VERSION = 1


def fingerprint(rule: str, path: str, value: str) -> str:
    normalised = " ".join(value.casefold().split())
    data = "\x1f".join((rule, Path(path).as_posix(), normalised)).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:32]


class Baseline:
    """Accepted fingerprints, each with how many findings share it."""

    def __init__(self, counts: Counter[str] | None = None, rules: dict[str, str] | None = None) -> None:
        self.counts: Counter[str] = counts or Counter()
        self.rules: dict[str, str] = rules or {}

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(f"{path}: no such baseline", "create it with `phiguard baseline create`") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: unreadable baseline ({exc})", "recreate it") from None
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
            raise InputError(f"{path}: not a phiguard baseline (version {VERSION})", "recreate it")
        counts: Counter[str] = Counter()
        rules: dict[str, str] = {}
        for item in data["findings"]:
            counts[str(item["fingerprint"])] += int(item.get("count", 1))
            rules[str(item["fingerprint"])] = str(item.get("rule", ""))
        return cls(counts, rules)

    def add(self, rule: str, fp: str) -> None:
        self.counts[fp] += 1
        self.rules[fp] = rule

    def save(self, path: Path) -> None:
        items = [
            {"fingerprint": fp, "rule": self.rules.get(fp, ""), "count": n} for fp, n in sorted(self.counts.items())
        ]
        path.write_text(json.dumps({"version": VERSION, "findings": items}, indent=2) + "\n", encoding="utf-8")

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
