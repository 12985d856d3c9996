"""What a rule file and a lexicon file may say: pydantic models with unknown keys rejected. The schema
imports nothing of the detectors; :mod:`phiguard.rulepack.loader` checks the names a rule gives them
(context checks, validators, Presidio recognizers)."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal

import regex
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from phiguard.codes import TOOL_RULES
from phiguard.lang import DEFAULT_LANG, PROFILES
from phiguard.models import Category, Entity, Lang, Scope, Severity

CODE_PATTERN = r"^[A-Z]{2,4}[0-9]{3}$"
ConsentScope = Literal["name", "photo", "condition", "dates", "location", "contact", "record"]  # consent.SCOPES
# Post-level rule kinds, the way Vale's checks are kinds (existence, substitution...): a rule file names
# the kind it reports ("consent.missing", "advice.medication") and the check that decides it is one
# module of phiguard.posts, which declares its kinds; the loader checks the name against them. At most
# one rule reports each kind.
PostKind = Annotated[str, StringConstraints(pattern=r"^[a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*$")]
Role = Literal["handle"]  # what a rule is to the post-level checks (Rule.role)
ImageSource = Literal["face", "gps", "serial", "unchecked"]  # what phiguard.detect.images reports of an image
# Presidio's predefined recognizers a rule may name (`detect: {presidio: [...]}`), each built by
# phiguard.detect.recognizers.PRESIDIO_RECOGNIZERS; named here so that rules load without Presidio.
PresidioRecognizer = Literal[
    "EmailRecognizer",
    "PhoneRecognizer",
    "IpRecognizer",
    "UrlRecognizer",
    "UsSsnRecognizer",
    "EsNifRecognizer",
    "EsNieRecognizer",
    "CreditCardRecognizer",
    "IbanRecognizer",
]


# The flags rule patterns run with (phiguard.detect.recognizers): compiling with them here means the `regex`
# module's cache hands the recognizers this very compiled pattern instead of compiling it again.
PATTERN_FLAGS = regex.MULTILINE | regex.DOTALL


_SCOPE_KINDS = ("body", "caption", "alt", "image")


def _selector(value: str) -> str:
    """``body``, ``caption``, ``alt``, ``image``, ``image.text`` (what OCR read), ``image.exif``...; a
    leading ``~`` excludes."""
    kind = value.removeprefix("~").split(".", 1)[0]
    if kind not in _SCOPE_KINDS:
        raise ValueError(f"unknown scope {value!r}: use {', '.join(_SCOPE_KINDS)} (optionally ~excluded)")
    return value


def _selects(selector: str, scope: Scope) -> bool:
    kind, _, part = selector.removeprefix("~").partition(".")
    return scope.kind == kind and (not part or (scope.part or "").startswith(part))


def _compiles(pattern: str) -> str:
    try:
        regex.compile(pattern, PATTERN_FLAGS)
    except regex.error as exc:
        raise ValueError(f"invalid regex: {exc}") from None
    for body in _lookbehinds(pattern):
        if _unbounded(body):
            raise ValueError(
                "a lookbehind with an unbounded quantifier (*, +, {n,}): it is tried backwards from every "
                "position, so a long run of spaces or letters costs time quadratic in its length; bound it "
                r"(\s{0,8}, [\p{L}]{1,32})"
            )
    return pattern


def _syntax(pattern: str) -> list[tuple[int, str]]:
    """Each character of a regex that is syntax, with its index: neither escaped nor in a class."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        else:
            out.append((i, c))
        i += 1
    return out


def _lookbehinds(pattern: str) -> list[str]:
    """The body of each ``(?<=...)`` and ``(?<!...)`` group of a regex."""
    syntax = _syntax(pattern)
    out = []
    for k, (i, c) in enumerate(syntax):
        if c == "(" and pattern.startswith(("(?<=", "(?<!"), i):
            depth = 0
            for j, d in syntax[k:]:
                depth += (d == "(") - (d == ")")
                if depth == 0:
                    out.append(pattern[i + 4 : j])
                    break
    return out


def _unbounded(body: str) -> bool:
    """Whether a piece of regex has a ``*``, ``+`` or ``{n,}`` outside character classes."""
    return any(c in "*+" or (c == "{" and regex.match(r"\{\d*,\}", body[i:])) for i, c in _syntax(body))


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
    def _matches(self) -> Examples:
        for e in self.flag:
            if e.match is not None and e.match not in e.text:
                raise ValueError(f"examples.flag: match {e.match!r} is not in its text")
        return self


class PatternSpec(_Strict):
    name: str
    regex: Annotated[str, AfterValidator(_compiles)]
    # above the NER model's 0.5 (phiguard.detect.recognizers.NER_SCORE): where a pattern and the model find the
    # same span, Presidio (which dedupes through a set) keeps the pattern's result the same way on every run
    score: float = Field(default=0.8, gt=0.5, le=1.0)
    languages: tuple[Lang, ...] = Field(default=(), description="none given: every language of the rule")


class Detect(_Strict):
    """Where candidates come from. Any mix of the three sources is allowed."""

    ner: dict[Lang, tuple[str, ...]] = Field(default_factory=dict, description="spaCy labels")
    patterns: tuple[PatternSpec, ...] = ()
    presidio: tuple[PresidioRecognizer, ...] = Field(default=(), description="Presidio predefined recognizers")
    names: bool = Field(
        default=False, description="known given names (phiguard.detect.names) in any case, with a known surname after"
    )
    validator: str | None = Field(default=None, description="a function in phiguard.detect.validators")
    post: PostKind | None = Field(default=None, description="the post-level kind this rule reports")
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
    """Names of context checks (``phiguard.detect.context.CHECKS``) for a rule's candidates. ``drop``: a yes
    discards the candidate before anything else is weighed (the allowlist, and what Safe Harbor leaves
    out: a year alone, a country). ``checks``: the checks the learned context model reads as features
    of the candidate (``phiguard.learned``); the model, not the rule, decides what a yes is worth."""

    drop: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    floor: Floor | None = None


FixOperator = Literal["replace", "remove", "mask", "custom", "redact-image"]


class FixExample(_Strict):
    """A text and what ``phiguard fix`` makes of it; the suite fixes it and re-lints the result clean."""

    lang: Lang
    text: str
    fixed: str
    image: ImageRecipe | None = Field(default=None, description="an attached image (redact-image rules)")


class FixSpec(_Strict):
    """How ``phiguard fix`` rewrites a finding of the rule (executed by presidio-anonymizer):
    ``replace`` with a text per language (``with``), ``remove`` (with the label or preposition
    before it: "bed 3", "at 555..."), ``mask`` (``*`` over the value), ``custom`` (a function of
    ``phiguard.rewrite.fixes.FUNCTIONS``), or ``redact-image`` (found in an image: no text to rewrite)."""

    operator: FixOperator
    with_: dict[Lang, str] = Field(default_factory=dict, alias="with")
    feminine: dict[Lang, str] = Field(
        default_factory=dict, description="the replacement where the text marks the person as a woman (es)"
    )
    function: str | None = None
    examples: tuple[FixExample, ...] = ()

    @model_validator(mode="after")
    def _complete(self) -> FixSpec:
        if self.feminine and (self.operator != "replace" or not set(self.feminine) <= set(self.with_)):
            raise ValueError("fix.feminine goes with operator replace, in languages fix.with has")
        if (self.operator == "custom") != (self.function is not None):
            raise ValueError("fix.function goes with operator custom, and only with it")
        if not self.examples:
            raise ValueError("fix.examples needs at least one example")
        return self


class Rule(_Strict):
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    name: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    summary: str
    category: Category
    entity: Entity
    severity: Severity
    message: str = Field(description="what a finding says: one text, or one per language (en: ..., es: ...)")
    messages: dict[Lang, str] = Field(
        default_factory=dict, description="filled from a per-language `message:`; a finding's text in each language"
    )
    why: str
    hipaa: str | None = None
    consent_scope: ConsentScope | None = Field(
        default=None, description="the consent scope word that authorises this identifier (none: never covered)"
    )
    role: Role | None = Field(
        default=None,
        description="what the post-level checks need to know of the rule's findings: handle (a social "
        "handle: a reply to one is advice territory, not by itself a featured patient)",
    )
    features_patient: bool = Field(
        default=True, description="false for what identifies a photo, not a person (GPS, camera serial)"
    )
    detect: Detect
    scope: tuple[Annotated[str, AfterValidator(_selector)], ...] = Field(
        default=(),
        description="Vale-style selectors of the texts the rule reads: [body, caption, alt, image] or "
        "exclusions such as [~image]; none: every text of the post",
    )
    context: ContextSpec = Field(default_factory=ContextSpec)
    reply: dict[Lang, str] | None = Field(
        default=None, description="a safe reply to offer instead, per language (the finding's suggestion)"
    )
    fix: FixSpec | None = Field(default=None, description="how `phiguard fix` rewrites a finding (identifiers)")
    examples: Examples
    languages: tuple[Lang, ...] = Field(
        default=(),
        description="the languages the rule covers (none given: those of its flagged examples); it runs on "
        "texts in these only, and has flagged and passing examples (and fix texts) in each",
    )

    @model_validator(mode="before")
    @classmethod
    def _message_per_language(cls, data: Any) -> Any:
        """``message: {en: ..., es: ...}``: the text of each language, the default language's (else the
        first) as ``message``."""
        if isinstance(data, dict) and isinstance(data.get("message"), dict):
            if "messages" in data:
                raise ValueError("give message as one text or per language, not messages as well")
            per_lang = data["message"]
            first = per_lang.get(DEFAULT_LANG) or next(iter(per_lang.values()), None)
            data = {**data, "message": first, "messages": per_lang}
        return data

    @model_validator(mode="after")
    def _a_message_in_each_language(self) -> Rule:
        missing = [lang for lang in self.languages if self.messages and lang not in self.messages]
        if missing:
            raise ValueError(f"message: no text in {', '.join(missing)}, a language the rule covers")
        return self

    def message_in(self, lang: Lang) -> str:
        """The finding's text in ``lang``, or the rule's one text."""
        return self.messages.get(lang, self.message)

    @model_validator(mode="before")
    @classmethod
    def _languages_of_examples(cls, data: Any) -> Any:
        """No ``languages:`` given: the languages of the rule's flagged examples."""
        if isinstance(data, dict) and not data.get("languages"):
            examples = data.get("examples")
            flag = examples.get("flag") if isinstance(examples, dict) else None
            if isinstance(flag, list | tuple):
                langs = [e.get("lang") for e in flag if isinstance(e, dict) and isinstance(e.get("lang"), str)]
                order = list(PROFILES)  # the profiles' order, whatever the examples'
                data = {
                    **data,
                    "languages": sorted(set(langs), key=lambda c: order.index(c) if c in order else len(order)),
                }
        return data

    @model_validator(mode="after")
    def _covered(self) -> Rule:
        """The languages the rule covers, each with flagged and passing examples and, for a ``replace``
        fix, a text: a new language breaks no rule, and a rule covers it once its examples are written."""
        for kind, items in (("flag", self.examples.flag), ("pass", self.examples.pass_)):
            missing = set(self.languages) - {e.lang for e in items}
            if missing:
                raise ValueError(f"examples.{kind} needs examples in {sorted(missing)}")
        if self.fix and self.fix.operator == "replace" and not set(self.languages) <= set(self.fix.with_):
            raise ValueError(f"fix.with needs a text in each of {list(self.languages)}")
        return self

    def covers(self, lang: Lang) -> bool:
        return lang in self.languages

    def applies_to(self, scope: Scope) -> bool:
        """Whether the rule reads this text of a post, by its ``scope`` selectors."""
        wanted = [s for s in self.scope if not s.startswith("~")]
        if wanted and not any(_selects(s, scope) for s in wanted):
            return False
        return not any(_selects(s, scope) for s in self.scope if s.startswith("~"))


class Lexicon(_Strict):
    """A named word list per language (plus optional regexes), with where it came from. Matching is
    case-insensitive and on word boundaries."""

    name: str
    description: str
    source: str
    words_by_lang: dict[Lang, tuple[str, ...]] = Field(
        default_factory=dict, description="written in the file as one key per language: `en: [...]`"
    )
    patterns: dict[Lang, tuple[Annotated[str, AfterValidator(_compiles)], ...]] = Field(
        default_factory=dict,
        description='regexes per language for phrases a list cannot spell out ("your A1C came back")',
    )

    @model_validator(mode="before")
    @classmethod
    def _languages_as_keys(cls, data: Any) -> Any:
        """``en: [...]``, ``es: [...]`` (one key per language of phiguard.lang) are the word lists."""
        if isinstance(data, dict):
            words = {k: v for k, v in data.items() if k in PROFILES}
            data = {k: v for k, v in data.items() if k not in PROFILES} | ({"words_by_lang": words} if words else {})
        return data

    def words(self, lang: Lang) -> tuple[str, ...]:
        return self.words_by_lang.get(lang, ())

    def regexes(self, lang: Lang) -> tuple[str, ...]:
        return self.patterns.get(lang, ())


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

    def post_rule(self, kind: PostKind) -> Rule | None:
        """The rule that reports a post-level kind (``consent.missing``...), if one is loaded."""
        return self._by_kind.get(kind)

    @cached_property
    def codes(self) -> frozenset[str]:
        """Every code a selector may name: the rules' and phiguard's own tool codes (PGS...)."""
        return frozenset(self._by_code) | frozenset(TOOL_RULES)

    def with_role(self, role: Role) -> frozenset[str]:
        """The codes of the rules that play ``role`` (``handle``: the social-handle rule)."""
        return self._by_role.get(role, frozenset())

    @cached_property
    def _by_role(self) -> dict[str, frozenset[str]]:
        roles = {rule.role for rule in self.rules if rule.role}
        return {role: frozenset(r.code for r in self.rules if r.role == role) for role in roles}

    @cached_property
    def _by_kind(self) -> dict[str, Rule]:
        return {rule.detect.post: rule for rule in self.rules if rule.detect.post}

    @cached_property
    def _by_code(self) -> dict[str, Rule]:
        """Rules by code, built once: the consent check looks rules up for every finding."""
        return {rule.code: rule for rule in self.rules}
