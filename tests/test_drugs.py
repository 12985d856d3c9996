"""The medicine list phiguard ships (src/phiguard/detect/medicines.txt) is the selection its source
package gives, written by `make medicines`; linting reads only the shipped list."""

from __future__ import annotations

import pytest

from phiguard.detect import drugs


def test_the_shipped_list_is_the_packages_selection() -> None:
    pytest.importorskip("drug_named_entity_recognition")  # a dev dependency (pyproject: medicines, dev)
    assert drugs.SHIPPED.read_text(encoding="utf-8") == drugs.render(drugs.from_package())


def test_the_source_licence_ships_beside_the_list() -> None:
    assert "MIT License" in drugs.LICENCE.read_text(encoding="utf-8")
    assert "medicines.LICENSE" in drugs.SHIPPED.read_text(encoding="utf-8").split("\n\n")[0]


def test_the_list_holds_medicines_and_no_comment_lines() -> None:
    names = drugs.dictionary()
    assert {"warfarin", "levothyroxine", "metoprolol", "ibuprofen"} <= names
    assert len(names) > 10_000
    assert not any(n.startswith("#") for n in names)


def test_an_unreadable_list_is_an_error(tmp_path, monkeypatch) -> None:
    from phiguard.errors import ModelNotAvailable

    monkeypatch.setattr(drugs, "SHIPPED", tmp_path / "missing.txt")
    drugs.dictionary.cache_clear()
    try:
        with pytest.raises(ModelNotAvailable, match="medicine list"):
            drugs.dictionary()
    finally:
        drugs.dictionary.cache_clear()
