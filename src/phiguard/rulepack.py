"""Rule packs: YAML files in ``rules/``, one rule per file, validated strictly.

A pack is a folder (``rules/identifiers``, ...). A rule file is named ``<CODE>-<name>.yml`` and holds the
rule's code, severity, message, the HIPAA reason, how candidates are detected, which context checks
change its severity, and examples that the test suite runs. Word lists shared by several rules live in
``rules/lexicon/<name>.yml``. Unknown keys, bad regexes, unknown check names and missing examples are
errors that name the file, so a typo never silently disables a rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import regex
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from phiguard.errors import RulePackError
from phiguard.models import LANGS, Category, Lang, Severity

CODE_PATTERN = r"^[A-Z]{2,4}[0-9]{3}$"
ConsentScope = Literal["name", "photo", "condition", "dates", "location", "contact", "record"]  # consent.SCOPES
POST_CHECKS = ("consent", "advice")  # post-level checks: phiguard.featured, phiguard.advice
ImageSource = Literal["face", "gps", "serial", "unchecked"]  # what phiguard.images reports of an image


# The flags rule patterns run with (phiguard.recognizers): compiling with them here means the `regex`
# module's cache hands the recognizers this very compiled pattern instead of compiling it again.
PATTERN_FLAGS = regex.MULTILINE | regex.DOTALL
# libyaml's parser when PyYAML was built with it (the PyPI wheels are): rule packs load several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compiles(pattern: str) -> str:
    try:
        regex.compile(pattern, PATTERN_FLAGS)
    except regex.error as exc:
        raise ValueError(f"invalid regex: {exc}") from None
    return pattern


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class ImageRecipe(_Strict):
    """An image the test suite makes for a rule example (tests/imagekit.py draws it with Pillow)."""

    lines: tuple[str, ...] = Field(default=(), description="text drawn in black on white, one line each")
    face: bool = Field(default=False, description="a photograph of a face (scikit-image's astronaut)")
    description: str | None = Field(default=None, description="EXIF ImageDescription")
    gps: tuple[float, float] | None = Field(default=None, description="EXIF GPS latitude and longitude")
    serial: str | None = Field(default=None, description="EXIF BodySerialNumber")
    broken: Literal["missing", "corrupt", "not-an-image", "huge"] | None = None


class Example(_Strict):
    text: str
    lang: Lang
    match: str | None = Field(default=None, description="text the finding must overlap (flag only)")
    captions: tuple[str, ...] = ()
    metadata: dict[str, Any] = Field(default_factory=dict, description="front matter, e.g. consent records")
    ledger: tuple[dict[str, Any], ...] = Field(default=(), description="consent-ledger records for this example")
    today: date | None = None
    image: ImageRecipe | None = Field(default=None, description="an image attached to the example post")


class Examples(_Strict):
    flag: tuple[Example, ...] = Field(min_length=2)
    pass_: tuple[Example, ...] = Field(alias="pass", min_length=2)

    @model_validator(mode="after")
    def _both_languages(self) -> Examples:
        for kind, items in (("flag", self.flag), ("pass", self.pass_)):
            missing = set(LANGS) - {e.lang for e in items}
            if missing:
                raise ValueError(f"examples.{kind} needs examples in {sorted(missing)}")
        for e in self.flag:
            if e.match is not None and e.match not in e.text:
                raise ValueError(f"examples.flag: match {e.match!r} is not in its text")
        return self


class PatternSpec(_Strict):
    name: str
    regex: Annotated[str, AfterValidator(_compiles)]
    score: float = Field(default=0.8, ge=0.0, le=1.0)
    languages: tuple[Lang, ...] = LANGS


class Detect(_Strict):
    """Where candidates come from. Any mix of the three sources is allowed."""

    ner: dict[Lang, tuple[str, ...]] = Field(default_factory=dict, description="spaCy labels")
    patterns: tuple[PatternSpec, ...] = ()
    presidio: tuple[str, ...] = Field(default=(), description="Presidio predefined recognizers")
    names: bool = Field(
        default=False, description="known given names (phiguard.names) in any case, with a known surname after"
    )
    validator: str | None = Field(default=None, description="a function in phiguard.validators")
    post: str | None = Field(default=None, description="a post-level check (consent) in phiguard.featured")
    image: ImageSource | None = Field(default=None, description="what an attached image shows or carries")

    @model_validator(mode="after")
    def _has_source(self) -> Detect:
        if not (self.ner or self.patterns or self.presidio or self.names or self.post or self.image):
            raise ValueError("detect needs at least one of ner, patterns, presidio, names, post, image")
        if (self.post or self.image) and (self.ner or self.patterns or self.presidio or self.names):
            raise ValueError("a post-level or image rule (detect.post, detect.image) cannot also match text")
        if self.post and self.image:
            raise ValueError("a rule is either post-level (detect.post) or about an image (detect.image)")
        return self


class Floor(_Strict):
    """Recall first: a candidate for which every ``when`` check says yes (no ``when``: always) and no
    ``unless`` check does is reported at ``severity`` at least, whatever the model's score (a private
    person's name in a post that discloses care, unless positive evidence says staff, public figure,
    donor or cited author; an age over 89, always)."""

    severity: Severity = Severity.WARNING
    when: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()


class ContextSpec(_Strict):
    """Names of context checks (``phiguard.context.CHECKS``) for a rule's candidates. ``drop``: a yes
    discards the candidate before anything else is weighed (the allowlist, and what Safe Harbor leaves
    out: a year alone, a country). ``checks``: the checks the learned context model reads as features
    of the candidate (``phiguard.learned``); the model, not the rule, decides what a yes is worth."""

    drop: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    floor: Floor | None = None


class Rule(_Strict):
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    name: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    summary: str
    category: Category
    entity: str
    severity: Severity
    message: str
    why: str
    hipaa: str | None = None
    consent_scope: ConsentScope | None = Field(
        default=None, description="the consent scope word that authorises this identifier (none: never covered)"
    )
    features_patient: bool = Field(
        default=True, description="false for what identifies a photo, not a person (GPS, camera serial)"
    )
    detect: Detect
    context: ContextSpec = Field(default_factory=ContextSpec)
    reply: dict[Lang, str] | None = Field(
        default=None, description="a safe reply to offer instead, per language (the finding's suggestion)"
    )
    examples: Examples


class LexiconPatterns(_Strict):
    """Regular expressions for phrases a word list cannot spell out ("your A1C came back")."""

    en: tuple[Annotated[str, AfterValidator(_compiles)], ...] = ()
    es: tuple[Annotated[str, AfterValidator(_compiles)], ...] = ()


class Lexicon(_Strict):
    """A named word list per language (plus optional regexes), with where it came from. Matching is
    case-insensitive and on word boundaries."""

    name: str
    description: str
    source: str
    en: tuple[str, ...] = ()
    es: tuple[str, ...] = ()
    patterns: LexiconPatterns = Field(default_factory=LexiconPatterns)

    def words(self, lang: Lang) -> tuple[str, ...]:
        return self.en if lang == "en" else self.es

    def regexes(self, lang: Lang) -> tuple[str, ...]:
        return self.patterns.en if lang == "en" else self.patterns.es


class RuleSet(_Strict):
    rules: tuple[Rule, ...]
    lexicons: dict[str, Lexicon]

    def by_code(self, code: str) -> Rule:
        rule = self.get(code)
        if rule is None:
            raise KeyError(code)
        return rule

    def get(self, code: str) -> Rule | None:
        return self._by_code.get(code)

    @cached_property
    def _by_code(self) -> dict[str, Rule]:
        """Rules by code, built once: the consent check looks rules up for every finding."""
        return {rule.code: rule for rule in self.rules}


def builtin_rules_dir() -> Path:
    """The packs shipped with phiguard: inside the wheel, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parents[1] / "rules"):
        if (candidate / "lexicon").is_dir():
            return candidate
    raise RulePackError(
        "the built-in rule packs are missing from this installation",
        "reinstall phiguard (pip install --force-reinstall phiguard)",
    )


def _read_yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        raise RulePackError(f"cannot read {path}: {exc.__class__.__name__}", "check the file") from None
    except yaml.YAMLError as exc:
        raise RulePackError(f"{path} is not valid YAML: {exc}", "fix the YAML syntax") from None


def _validate(model: type[BaseModel], path: Path) -> BaseModel:
    data = _read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors())
        raise RulePackError(f"{path}: {problems}", "fix the rule file") from None


def load_rules(dirs: Iterable[Path] = ()) -> RuleSet:
    """Load the built-in packs plus any extra folders. Later folders may add rules and lexicons but
    never silently replace a rule: a duplicate code is an error."""
    from phiguard.context import CHECKS
    from phiguard.recognizers import PRESIDIO_RECOGNIZERS
    from phiguard.validators import VALIDATORS

    rules: dict[str, Rule] = {}
    lexicons: dict[str, Lexicon] = {}
    for root in (builtin_rules_dir(), *dirs):
        if not root.is_dir():
            raise RulePackError(f"rule folder {root} does not exist", "fix rule-dirs in the config")
        for path in sorted(root.glob("lexicon/*.yml")):
            lex = _validate(Lexicon, path)
            assert isinstance(lex, Lexicon)
            if lex.name != path.stem:
                raise RulePackError(f"{path}: name {lex.name!r} must match the file name")
            lexicons[lex.name] = lex
        files = [*root.glob("*.yml"), *(p for p in root.glob("*/*.yml") if p.parent.name != "lexicon")]
        for path in sorted(files):
            rule = _validate(Rule, path)
            assert isinstance(rule, Rule)
            if not path.stem.startswith(f"{rule.code}-") or path.stem != f"{rule.code}-{rule.name}":
                raise RulePackError(f"{path}: file must be named {rule.code}-{rule.name}.yml")
            if rule.code in rules:
                raise RulePackError(f"{path}: duplicate rule code {rule.code}")
            floor = rule.context.floor
            named = {"drop": rule.context.drop, "checks": rule.context.checks}
            if floor is not None:
                named |= {"floor.when": floor.when, "floor.unless": floor.unless}
            for kind, checks in named.items():
                for check in checks:
                    if check not in CHECKS:
                        raise RulePackError(
                            f"{path}: context.{kind} names unknown check {check!r}",
                            f"use one of {sorted(CHECKS)}",
                        )
            if rule.detect.validator and rule.detect.validator not in VALIDATORS:
                raise RulePackError(
                    f"{path}: unknown validator {rule.detect.validator!r}",
                    f"use one of {sorted(VALIDATORS)}",
                )
            if rule.detect.post and rule.detect.post not in POST_CHECKS:
                raise RulePackError(f"{path}: unknown post check {rule.detect.post!r}", f"use one of {POST_CHECKS}")
            unknown = set(rule.detect.presidio) - set(PRESIDIO_RECOGNIZERS)
            if unknown:
                raise RulePackError(
                    f"{path}: unknown Presidio recognizer(s) {sorted(unknown)}",
                    f"use one of {sorted(PRESIDIO_RECOGNIZERS)}",
                )
            rules[rule.code] = rule
    if not rules:
        raise RulePackError("no rules were loaded", "check rule-dirs and the installation")
    return RuleSet(rules=tuple(rules.values()), lexicons=lexicons)
