"""The small typed names of the data model: scopes, sources and evidence, parsed once, strings outside."""

from __future__ import annotations

import json

import pytest

from phiguard.models import Category, Evidence, Finding, Scope, Severity, Source
from phiguard.rulepack.loader import load_rules


@pytest.mark.parametrize(
    ("name", "kind", "number", "part", "root"),
    [
        ("body", "body", None, None, "body"),
        ("caption[2]", "caption", 2, None, "caption[2]"),
        ("alt[0]", "alt", 0, None, "alt[0]"),
        ("image[1]", "image", 1, None, "image[1]"),
        ("image[0].text", "image", 0, "text", "image[0]"),
        ("image[3].exif.Artist", "image", 3, "exif.Artist", "image[3]"),
        ("file", "file", None, None, "file"),
    ],
)
def test_a_scope_is_parsed_once_and_stays_its_name(
    name: str, kind: str, number: int | None, part: str | None, root: str
) -> None:
    scope = Scope(name)
    assert (scope.kind, scope.number, scope.part, scope.root) == (kind, number, part, root)
    assert scope == name and Scope(scope) is scope and {name: 1}[scope] == 1
    assert Scope.of(scope.kind, scope.number, scope.part) == name


@pytest.mark.parametrize("bad", ["", "caption", "caption[x]", "footer[0]", "image[0]."])
def test_a_name_that_is_no_scope_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not a scope"):
        Scope(bad)


def test_sources_and_evidence_are_typed_and_serialise_as_strings() -> None:
    assert (Source("ner:PER").kind, Source("ner:PER").name) == ("ner", "PER")
    assert Source("pattern:PHI053").kind == "pattern" and Source("PhoneRecognizer").kind == "presidio"
    assert (Evidence("also:PHI002").kind, Evidence("also:PHI002").detail) == ("also", "PHI002")
    assert Evidence("no consent on record").kind == "note"
    f = Finding(
        rule="PHI001",
        category=Category.IDENTIFIER,
        severity=Severity.ERROR,
        entity="PERSON",
        start=0,
        end=4,
        message="m",
        scope="caption[1]",
        evidence=("ner:PERSON", "also:PHI002"),
    )
    assert f.scope.kind == "caption" and [e.kind for e in f.evidence] == ["ner", "also"]
    dumped = json.loads(f.model_dump_json())
    assert dumped["scope"] == "caption[1]" and dumped["evidence"] == ["ner:PERSON", "also:PHI002"]


def test_rule_scope_selectors_pick_the_texts_a_rule_reads() -> None:
    rules = load_rules()
    advice, name = rules.by_code("ADV001"), rules.by_code("PHI001")
    assert advice.scope == ("~image",)  # advice is what the post says, not what its pictures show
    assert advice.applies_to(Scope("caption[0]")) and not advice.applies_to(Scope("image[0].text"))
    assert all(name.applies_to(Scope(s)) for s in ("body", "alt[0]", "image[0].text"))  # no selector: every text
    only = name.model_copy(update={"scope": ("body", "image.text")})
    assert only.applies_to(Scope("image[2].text")) and not only.applies_to(Scope("image[2].exif.Artist"))
    assert not only.applies_to(Scope("caption[0]"))
