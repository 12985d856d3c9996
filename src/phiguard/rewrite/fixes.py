"""``phiguard fix``: a safe rewrite of a post, executed by presidio-anonymizer on the exact spans the
linter found (never a second detection pass that could disagree).

Each identifier rule says how its findings are rewritten (``fix:`` in its YAML file): ``replace`` with
a text per language ("our patient"), ``remove`` (with the label or preposition just before it, so "in
bed 3" and "at 555-0134" go as a whole), ``mask``, or ``custom`` (a function of :data:`FUNCTIONS`: a
date keeps its year only). A post whose advice rule fired with a safe reply gets that reply instead of
its text. Only findings at ``warning`` or above are rewritten (``info`` is not counted); what is found
in an image is left to ``phiguard redact-image``. The planner returns :class:`Edit` objects on the
original scope text; :func:`apply` runs them through ``AnonymizerEngine`` with one ``OperatorConfig``
each. The caller re-lints the result (:meth:`phiguard.Linter.fix_many`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import regex

from phiguard.detect.names import female_only_names, is_given_name
from phiguard.models import BODY, Category, Entity, Finding, Lang, Post, Report, Scope, Severity
from phiguard.rulepack.lexicon import WordPattern, lexicon_words
from phiguard.rulepack.schema import Rule, RuleSet

if TYPE_CHECKING:  # presidio-anonymizer is imported when a rewrite is applied, not when rules load
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig

# words removed with a value when they stand just before it: its label ("MRN", "DOB:") or a preposition
_BEFORE = WordPattern(r"(?:^|(?<=[\s(]))(?:{lex:fix_remove_before})\s*(?:[:#]|n[º°o]\.?)?\s*$", regex.I)
_YEAR = regex.compile(r"\b(?:19|20)\d{2}\b")
_TITLE_BEFORE = WordPattern(r"(?:^|(?<=[\s(¡¿]))(?:{lex:name_titles})\.?\s+$", regex.I)  # "Ms. ", "our patient "
_GREETING_START = WordPattern(r"^(?:{lex:greetings})\s+", regex.I)  # a model's entity may start with "Hola"
_SHORT_LABEL = regex.compile(r"(?:^|(?<=[.!?\n]\s{0,3}))\p{L}[\p{L}.]*(?:\s+\p{L}[\p{L}.]*){0,3}\s*:\s*$")
_SENTENCE_END = regex.compile(r"^[.!?]")
_GLUED = regex.compile(r"[\p{L}º°ª]+")
_FEMININE = WordPattern(r"\b(?:{lex:feminine_markers})\b\.?", regex.I)
_LETTER_WORDS = regex.compile(r"\p{L}+")
_DATE_PREPOSITION = WordPattern(r"(?:^|(?<=\s))(?:{lex:date_prepositions})\s+$", regex.I)


@dataclass(frozen=True)
class Edit:
    """One rewrite: ``text[start:end]`` of ``scope`` (the finding's span, widened to its label or
    preposition when removed) becomes ``new`` by ``operator``. ``new`` never holds the matched value."""

    rule: str
    scope: Scope
    start: int
    end: int
    operator: str
    new: str


# -- custom operators ------------------------------------------------------------------------------------
Custom = Callable[[str, int, int, Lang], tuple[int, int, str]]  # (text, start, end, lang) -> new span, text


def year_or_remove(text: str, start: int, end: int, lang: Lang) -> tuple[int, int, str]:
    """A date tied to care keeps its year only, which Safe Harbor allows ("on March 3, 2024" -> "in
    2024"); a date without a year goes, with its preposition ("since March")."""
    year = _YEAR.search(text, start, end)
    if year is None:
        a, b = _widened(text, start, end)
        return a, b, ""
    before = _DATE_PREPOSITION.search(text, 0, start)
    preposition = sorted(lexicon_words("year_preposition", lang))[0]
    a = before.start() if before else start
    return a, end, f"{preposition} {year.group()}" if before else year.group()


FUNCTIONS: dict[str, Custom] = {"year_or_remove": year_or_remove}


# -- planning ----------------------------------------------------------------------------------------------
def plan(post: Post, report: Report, rules: RuleSet, *, initials: bool = False) -> list[Edit]:
    """The edits that rewrite what ``report`` found in ``post``: one per identifier finding at warning or
    above whose rule has a text fix, or one replacing the body by the advice rules' safe reply."""
    texts: dict[str, str] = dict(post.scopes())
    langs = report.languages
    advice = [f for f in report.findings if f.category == Category.ADVICE and f.suggestion and f.scope == "body"]
    edits: list[Edit] = []
    if advice and post.text:
        edits.append(Edit(advice[0].rule, BODY, 0, len(post.text), "replace", advice[0].suggestion or ""))
    for f in report.findings:
        rule = rules.get(f.rule)
        if f.category != Category.IDENTIFIER or f.severity < Severity.WARNING or rule is None or rule.fix is None:
            continue
        if f.scope.kind in ("image", "file") or f.scope not in texts or (advice and f.scope == "body"):
            continue
        edits.append(_edit(rule, f, texts[f.scope], langs.get(f.scope, f.lang), initials))
    return _without_overlaps(edits)


def _edit(rule: Rule, f: Finding, text: str, lang: Lang, initials: bool) -> Edit:
    spec = rule.fix
    assert spec is not None
    start, end = f.start, f.end
    if spec.operator == "remove":
        start, end = _widened(text, start, end)
        if _opens(text, start) and text[end : end + 1].islower():
            return Edit(rule.code, f.scope, start, end + 1, "custom", text[end].upper())  # "The DNI 123 was" -> "Was"
        return Edit(rule.code, f.scope, start, end, "redact", "")
    if rule.entity == Entity.PERSON:
        start, end = _name_span(text, start, end)
    if spec.operator == "custom":
        assert spec.function is not None
        start, end, new = FUNCTIONS[spec.function](text, start, end, lang)
        return Edit(rule.code, f.scope, start, end, "custom", new)
    if spec.operator == "mask":
        return Edit(rule.code, f.scope, start, end, "mask", "*" * (end - start))
    if initials and rule.entity == Entity.PERSON:
        return Edit(rule.code, f.scope, start, end, "custom", _initials(text[start:end]))
    if text[end - 1 : end].isdigit() and (suffix := _GLUED.match(text, end)) is not None:
        end = suffix.end()  # "101st", "94º": the ordinal goes with the number
    new = spec.feminine[lang] if lang in spec.feminine and _feminine(text, start, end) else spec.with_[lang]
    return Edit(rule.code, f.scope, start, end, "replace", _cased(text, start, new))


def _feminine(text: str, start: int, end: int) -> bool:
    """The person at ``text[start:end]`` is a woman by what the text says: a feminine title or given name
    ("doña Carmen", "Rosa"), or, for a name of no known gender, a word of the sentence that agrees with a
    woman ("¡Bienvenida a casa, Andrea!")."""
    words = _LETTER_WORDS.findall(text[start:end])
    if words and (_FEMININE.search(text[start:end]) or words[0].casefold() in female_only_names()):
        return True
    if words and is_given_name(words[0]):
        return False  # a man's name, or one given to both: the masculine replacement
    left = max(text.rfind(ch, 0, start) for ch in ".!?\n")
    right = min((i for i in (text.find(ch, end) for ch in ".!?\n") if i >= 0), default=len(text))
    return bool(_FEMININE.search(text, left + 1, start) or _FEMININE.search(text, end, right))


def _name_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A name with the title before it ("Ms. Lopez", "our patient Andrés"), without a greeting the
    model ran into it ("Hola Araceli")."""
    if (greeting := _GREETING_START.match(text[start:end])) is not None:
        start += greeting.end()
    while (m := _TITLE_BEFORE.search(text, 0, start)) is not None and m.start() < start:
        start = m.start()
    return start, end


def _opens(text: str, start: int) -> bool:
    """``start`` opens the text or a sentence."""
    return not text[:start].strip() or text[:start].rstrip()[-1] in ".!?¡¿\n"


def _cased(text: str, start: int, new: str) -> str:
    """``new`` with a capital where it opens the text or a sentence."""
    return new[:1].upper() + new[1:] if _opens(text, start) else new


def _initials(name: str) -> str:
    """ "Rosa María Alvarez" -> "R. M. A."; a handle or a single letter stays one initial."""
    words = regex.findall(r"\p{L}[\p{L}'-]*", name)
    return " ".join(f"{w[0].upper()}." for w in words) or "?"


def _widened(text: str, start: int, end: int) -> tuple[int, int]:
    """A removed value takes its label or preposition with it ("in bed 3", "MRN: 12345", "at
    555-0134"), and the white space before it (after it, at the start of the text)."""
    while (m := _BEFORE.search(text, 0, start)) is not None and m.start() < start:
        start = m.start()
    if (label := _SHORT_LABEL.search(text, 0, start)) is not None and (
        end == len(text.rstrip()) or _SENTENCE_END.match(text[end:])
    ):
        start = label.start()  # "Domicilio: Calle Mayor 9." - the label goes with what it labels
    before, after = text[:start].rstrip(), text[end:].lstrip(" \t")
    if before.endswith("(") and after.startswith(")"):
        start, end = len(before) - 1, end + (len(text[end:]) - len(after)) + 1  # "(DOB 04/12/1951)"
        before, after = text[:start].rstrip(), text[end:].lstrip(" \t")
    if before[-1:] in (",", ":") and after[:1] in (",", ".", "!", "?", ";", ":", ")", ""):
        start = len(before) - 1  # "his number, 414-555-0137." -> "his number."
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    if (start == 0 or text[:start].rstrip()[-1:] in (".", "!", "?", "\n", "")) and _SENTENCE_END.match(text[end:]):
        end += 1  # nothing left of the sentence: its full stop goes too
    if start == 0 or text[start - 1] == "\n":
        while end < len(text) and text[end] in " \t":
            end += 1
    return start, end


def _without_overlaps(edits: Iterable[Edit]) -> list[Edit]:
    """The first edit of each stretch of a scope (a whole-body reply comes first and covers the body)."""
    kept: list[Edit] = []
    for e in edits:
        if not any(k.scope == e.scope and k.start < e.end and e.start < k.end for k in kept):
            kept.append(e)
    return kept


# -- applying -----------------------------------------------------------------------------------------------
@cache
def _engine() -> AnonymizerEngine:
    from presidio_anonymizer import AnonymizerEngine

    return AnonymizerEngine()  # type: ignore[no-untyped-call]


def apply(text: str, edits: list[Edit]) -> str:
    """``text`` with ``edits`` (all of one scope) carried out by presidio-anonymizer."""
    if not edits:
        return text
    from presidio_anonymizer.entities import RecognizerResult

    results = [RecognizerResult(f"E{i}", e.start, e.end, 1.0) for i, e in enumerate(edits)]
    operators = {f"E{i}": _operator(e) for i, e in enumerate(edits)}
    return str(_engine().anonymize(text=text, analyzer_results=results, operators=operators).text)


def _operator(e: Edit) -> OperatorConfig:
    from presidio_anonymizer.entities import OperatorConfig

    if e.operator == "redact":
        return OperatorConfig("redact")
    if e.operator == "mask":
        return OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": e.end - e.start, "from_end": False})
    if e.operator == "custom":
        return OperatorConfig("custom", {"lambda": lambda _value, new=e.new: new})
    return OperatorConfig("replace", {"new_value": e.new})


def rewritten_scopes(post: Post, edits: list[Edit]) -> dict[str, str]:
    """The new text of each scope the edits change."""
    texts: dict[str, str] = dict(post.scopes())
    return {s: apply(texts[s], [e for e in edits if e.scope == s]) for s in dict.fromkeys(e.scope for e in edits)}


# -- settling -------------------------------------------------------------------------------------------------
ROUNDS = 3  # rewrites checked again at most this many times for what the rewrite itself brought up


def _placed(edits: Iterable[Edit], scope: Scope) -> Iterator[tuple[Edit, int, int]]:
    """Each edit of ``scope``, in order, with where its new text stands in the rewrite."""
    shift = 0
    for e in sorted((e for e in edits if e.scope == scope), key=lambda e: e.start):
        yield e, e.start + shift, e.start + shift + len(e.new)
        shift += len(e.new) - (e.end - e.start)


def inserted(edits: Iterable[Edit]) -> dict[Scope, list[tuple[int, int]]]:
    """Where each scope's rewrite holds the fix's own words ("our patient", "over 90"): offsets into the
    rewrite, in order."""
    return {
        scope: [(start, end) for _, start, end in _placed(edits, scope)]
        for scope in dict.fromkeys(e.scope for e in edits)
    }


def own_words(f: Finding, regions: dict[Scope, list[tuple[int, int]]]) -> bool:
    """The finding of a rewrite lies within words the fix wrote itself: never a finding of the draft. One
    that runs on past them ("nuestra paciente García") still holds the draft's text: it stands."""
    return any(a <= f.start and f.end <= b for a, b in regions.get(f.scope, ()) if b > a)


def _carried_back(f: Finding, edits: list[Edit]) -> Finding | None:
    """A finding of the rewrite at its place in the original text, or None when it touches an edit."""
    shift = 0
    for e, start, end in _placed(edits, f.scope):
        if f.end <= start:
            break
        if f.start < max(end, start + 1):
            return None  # over or against the fix's own words
        shift = end - e.end  # where the original text after this edit has moved to
    return f.model_copy(update={"start": f.start - shift, "end": f.end - shift})


def settle(
    post: Post,
    report: Report,
    rules: RuleSet,
    lint: Callable[[Post], Report],
    *,
    initials: bool = False,
    keep: Callable[[Finding], bool] = lambda f: True,
) -> tuple[list[Edit], Post, Report]:
    """The edits of ``report``'s findings, the rewrite and the rewrite's report. A rewrite changes the
    context of what is left ("Llámala al 612..." after "nuestra paciente" reads as a patient's phone),
    so the rewrite is checked again and what it newly brings up at ``warning`` or above is fixed in the
    original too, up to :data:`ROUNDS` times (only what ``keep`` lets through: the CLI's selection and
    suppressions). The fix's own words are never findings of the rewrite."""
    findings = list(report.findings)
    edits = plan(post, report, rules, initials=initials)
    if not edits:
        return edits, post, report  # nothing rewritten: the post's own report stands
    for round_ in range(ROUNDS + 1):
        fixed = rewrite(post, edits)
        after = lint(fixed)
        regions = inserted(edits)
        kept = tuple(f for f in after.findings if not own_words(f, regions))
        after = after.model_copy(update={"findings": kept})
        if round_ == ROUNDS:
            break
        carried = [
            moved
            for f in kept
            if f.category == Category.IDENTIFIER and f.severity >= Severity.WARNING and keep(f)
            if (moved := _carried_back(f, edits)) is not None
        ]
        spans = {(f.rule, f.scope, f.start, f.end) for f in carried}  # found again, now at warning or above
        findings = [f for f in findings if (f.rule, f.scope, f.start, f.end) not in spans] + carried
        more = plan(post, report.model_copy(update={"findings": tuple(findings)}), rules, initials=initials)
        if more == edits:
            break
        edits = more
    return edits, fixed, after


def rewrite(post: Post, edits: list[Edit]) -> Post:
    """The post with every scope's edits applied (image texts are the images': left as they are)."""
    new = rewritten_scopes(post, edits)
    captions = tuple(new.get(Scope.of("caption", i), t) for i, t in enumerate(post.captions))
    alts = tuple(new.get(Scope.of("alt", i), t) for i, t in enumerate(post.alt_texts))
    return post.model_copy(update={"text": new.get("body", post.text), "captions": captions, "alt_texts": alts})


@dataclass(frozen=True)
class FixResult:
    """A post, its rewrite, the edits that made it and what the rewrite still has (linted again)."""

    original: Post
    post: Post  # the rewrite
    edits: tuple[Edit, ...]
    findings: tuple[Finding, ...]  # of the rewrite

    @property
    def text(self) -> str:
        return self.post.text

    @property
    def changed(self) -> bool:
        return bool(self.edits)

    def left(self, level: Severity = Severity.WARNING) -> tuple[Finding, ...]:
        """What no rewrite removed, at ``level`` or above (a consent or advice finding, an identifier
        in an image or of a rule without a fix)."""
        return tuple(f for f in self.findings if f.severity >= level)
