"""Medicine names for the advice rules.

The names come from drug-named-entity-recognition (MIT licence; Fast Data Science), whose data file
merges DrugBank, MedlinePlus, MeSH and Wikipedia names. phiguard keeps the names linked to a MedlinePlus
drug page (real medicines, generic and brand, some Spanish generics) and leaves out the MeSH long tail
(proteins, receptors, chemicals). That selection is shipped as ``medicines.txt`` beside this module,
written by ``python -m phiguard.detect.drugs`` (``make medicines``) from the package, which only that
command needs: reading the package's whole pickle costs 0.4 s and a 44 MB peak for 134 KB of names.
``rules/lexicon/drugs.yml`` adds what it misses (Spanish brands such as Dalsy or Nolotil, US
over-the-counter brands).
"""

from __future__ import annotations

import bz2
import importlib.util
import pickle
import sys
from functools import lru_cache
from pathlib import Path

import regex

from phiguard.errors import ModelNotAvailable

PACKAGE = "drug_named_entity_recognition"
DATA_FILE = "drug_ner_dictionary.pkl.bz2"
SHIPPED = Path(__file__).with_name("medicines.txt")
LICENCE = Path(__file__).with_name("medicines.LICENSE")  # the source's MIT licence, shipped with its names
_NAME = regex.compile(r"^[\p{L}][\p{L}\-]*(?: [\p{L}][\p{L}\-]*){0,2}$")
_HEADER = """\
# Medicine names for phiguard's advice rules: the names of drug-named-entity-recognition {version}'s
# dictionary linked to a MedlinePlus drug page, one to three words, at least four letters, lower case.
# Written by `python -m phiguard.detect.drugs` (make medicines); do not edit by hand.
# Source data: Copyright (c) 2023 Fast Data Science Ltd, MIT licence: see medicines.LICENSE beside this file.
"""


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """Lower-case medicine names of one to three words (at least four letters), read on first use."""
    try:
        text = SHIPPED.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelNotAvailable(
            f"cannot read phiguard's medicine list {SHIPPED}: {exc.strerror}", "reinstall phiguard"
        ) from None
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _data_path() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / DATA_FILE
        if path.is_file():
            return path
    raise ModelNotAvailable(
        f"the drug dictionary of {PACKAGE} is not installed", "pip install drug-named-entity-recognition"
    )


def from_package() -> list[str]:
    """The selection, read from the installed package's data file (read directly: importing the package
    would load it a second time and open a cache in the home folder)."""
    with bz2.open(_data_path(), "rb") as fh:
        data = pickle.load(fh)  # the package's own data file, installed from PyPI
    medicines = {name for name, info in data["drug_canonical_to_data"].items() if "medline_plus_id" in info}
    return sorted(
        variant
        for variant, targets in data["drug_variant_to_canonical"].items()
        if len(variant) >= 4 and not medicines.isdisjoint(targets) and _NAME.match(variant)
    )


def render(names: list[str]) -> str:
    from importlib.metadata import version

    return _HEADER.format(version=version("drug-named-entity-recognition")) + "".join(f"{n}\n" for n in names)


def _licence() -> str:
    from importlib.metadata import distribution

    dist = distribution("drug-named-entity-recognition")
    files = [f for f in dist.files or () if "licen" in str(f).lower()]
    if not files:
        raise ModelNotAvailable("the drug dictionary's licence file is not installed", "reinstall it")
    return files[0].read_text(encoding="utf-8")


def main() -> int:
    SHIPPED.write_text(render(from_package()), encoding="utf-8")
    LICENCE.write_text(_licence(), encoding="utf-8")
    print(f"wrote {SHIPPED} and {LICENCE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
