"""Value checks and reference data that rules rely on (no model needed)."""

from __future__ import annotations

import pytest

from phiguard.detect.geo import is_large_region
from phiguard.detect.names import is_known_name, looks_like_person
from phiguard.detect.validators import age_over_89, luhn, spanish_id
from phiguard.models import mask


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("12345678Z", True),
        ("12345678A", False),
        ("X1234567L", True),
        ("X-1234567-L", True),
        ("Y1234567X", True),
        ("1234", False),
    ],
)
def test_spanish_id_check_letter(value: str, ok: bool) -> None:
    assert spanish_id(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("4111 1111 1111 1111", True),
        ("4111 1111 1111 1112", False),
        ("ES91 2100 0418 4502 0005 1332", True),
        ("1234", False),
    ],
)
def test_luhn(value: str, ok: bool) -> None:
    assert luhn(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [("97", True), ("89", False), ("103rd", True), ("93 años", True), ("65", False), ("140", False)]
)
def test_age_over_89(value: str, ok: bool) -> None:
    assert age_over_89(value) is ok


@pytest.mark.parametrize(
    ("place", "large"),
    [
        ("Texas", True),
        ("España", True),
        ("Estados Unidos", True),
        ("Andalucía", True),
        ("Madrid", False),
        ("Leganés", False),
        ("Round Rock", False),
        ("Murcia", False),
    ],
)
def test_large_regions(place: str, large: bool) -> None:
    assert is_large_region(place) is large


def test_names() -> None:
    assert is_known_name("Gloria") and is_known_name("sánchez")
    assert looks_like_person(["Pilar", "Sánchez"]) and not looks_like_person(["Round", "Rock"])


def test_mask_keeps_first_letters_only() -> None:
    assert mask("Rosa Díaz") == "R*** D***"
    assert mask("512-555-0199") == "5***********"
