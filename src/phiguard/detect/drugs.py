"""Medicine names for the advice rules.

The dictionary comes from drug-named-entity-recognition (MIT licence; Fast Data Science), whose data file
merges DrugBank, MedlinePlus, MeSH and Wikipedia names. phiguard keeps the names linked to a MedlinePlus
drug page (real medicines, generic and brand, some Spanish generics) and leaves out the MeSH long tail
(proteins, receptors, chemicals). The data file is read directly: importing that package would load it
a second time and open a cache in the home folder. ``rules/lexicon/drugs.yml`` adds what it misses
(Spanish brands such as Dalsy or Nolotil, US over-the-counter brands).
"""

from __future__ import annotations

import bz2
import importlib.util
import pickle
from functools import lru_cache
from pathlib import Path

import regex

from phiguard.errors import ModelNotAvailable

PACKAGE = "drug_named_entity_recognition"
DATA_FILE = "drug_ner_dictionary.pkl.bz2"
_NAME = regex.compile(r"^[\p{L}][\p{L}\-]*(?: [\p{L}][\p{L}\-]*){0,2}$")


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


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """Lower-case medicine names of one to three words (at least four letters), loaded on first use."""
    with bz2.open(_data_path(), "rb") as fh:
        data = pickle.load(fh)  # the package's own data file, installed from PyPI with phiguard
    medicines = {name for name, info in data["drug_canonical_to_data"].items() if "medline_plus_id" in info}
    return frozenset(
        variant
        for variant, targets in data["drug_variant_to_canonical"].items()
        if len(variant) >= 4 and not medicines.isdisjoint(targets) and _NAME.match(variant)
    )
