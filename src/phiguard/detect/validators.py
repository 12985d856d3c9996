"""Checks on a matched value, named from a rule's ``detect.validator``. Each returns True to keep."""

from __future__ import annotations

from collections.abc import Callable

import regex

from phiguard.rulepack.lexicon import WordPattern

_NUMBER = regex.compile(r"\d{2,3}")
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


# ages written out: "ninety-four", "a hundred and one", "noventa y cinco", "ciento dos", "cien"
_OVER_89_WORDS = WordPattern(r"\b(?:{lex:ages_over_89_words})\b", regex.IGNORECASE)  # rules/lexicon


def age_over_89(value: str) -> bool:
    """Safe Harbor covers ages over 89 only; anything from 90 to 125 is kept, in digits or in words
    (English and Spanish tens and hundreds: "ninety-four", "noventa y cinco", "ciento dos")."""
    if _OVER_89_WORDS.search(value):
        return True
    return any(90 <= int(n) <= 125 for n in _NUMBER.findall(value))


def spanish_id(value: str) -> bool:
    """Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter) with a valid check letter."""
    raw = regex.sub(r"[\s.\-]", "", value.upper())
    m = regex.search(r"([XYZ]?)(\d{7,8})([A-Z])$", raw)
    if not m:
        return False
    prefix, digits, letter = m.groups()
    number = int(str("XYZ".index(prefix)) + digits if prefix else digits)
    return _DNI_LETTERS[number % 23] == letter


def luhn(value: str) -> bool:
    """Payment card numbers carry a Luhn check digit; IBANs (letters first) are checked by Presidio."""
    if regex.match(r"\s*[A-Za-z]", value):
        return True
    digits = [int(d) for d in regex.sub(r"\D", "", value)]
    if not 12 <= len(digits) <= 19:
        return False
    total = sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
    return total % 10 == 0


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "age_over_89": age_over_89,
    "spanish_id": spanish_id,
    "luhn": luhn,
}
