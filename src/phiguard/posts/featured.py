"""Does a post feature a patient, and does a written authorization on record cover what it discloses?

A post features a patient when it identifies a private person at all: a name, or details that point at
one person (a date, age, place, room, record number or contact tied to care). Clinicians, staff, public
figures, citations and event details are already ``info`` by the identifier rules, so they feature
nobody. A reply to a handle about the handle's own health is advice territory (the ADV rules), not a
featured patient, unless the reply names or otherwise identifies someone.

Consents (front matter and ledger) are matched to the people named in the post; a valid consent whose
scope covers what the post discloses turns the covered identifier findings into ``info``. Otherwise the
post gets one ``consent`` finding (CON001-CON005) that names its evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from phiguard.detect.context import called_patient
from phiguard.lang import DEFAULT_LANG
from phiguard.learned.features import not_advised, post_features
from phiguard.models import Category, Entity, Evidence, Finding, Lang, Post, Severity
from phiguard.posts.advice import addressee_end
from phiguard.posts.check import PostInput, PostTools, Verdict
from phiguard.posts.ledger import ConsentRecord, LedgerError, MemoryLedger, front_matter_records, names_match
from phiguard.rulepack.findings import FindingMaker
from phiguard.rulepack.lexicon import LexiconIndex
from phiguard.rulepack.schema import PostKind, RuleSet

# the post-level kinds this module reports (rules/consent names the rule and code of each)
MISSING: PostKind = "consent.missing"
UNKNOWN_ID: PostKind = "consent.unknown-id"
NOT_VALID: PostKind = "consent.not-valid"
BEYOND_SCOPE: PostKind = "consent.beyond-scope"
NAMES_NOBODY: PostKind = "consent.names-nobody"


class ConsentCheck:
    """CON001-CON005: the consent model scores whether the post features a patient (from its identifier
    candidates, what it says as a whole and its story score); the consents it cites are then matched to
    the people it names and to what it discloses."""

    kinds: tuple[PostKind, ...] = (MISSING, UNKNOWN_ID, NOT_VALID, BEYOND_SCOPE, NAMES_NOBODY)

    def run(self, item: PostInput, tools: PostTools, verdict: Verdict) -> Verdict:
        if not tools.covers(self.kinds, item.lang):
            return verdict  # no consent rule is written for the post's language
        # the person a reply advises ("@tina_r", "Hi Laura,") is the ADV rules' concern, not a featured patient
        advice = verdict.has(Category.ADVICE)
        advised = addressee_end(item.post) if advice else 0
        said = {**item.signals, "advice": 1.0} if advice else item.signals
        model = tools.model("consent")
        handles = tools.maker.rules.with_role("handle")
        score = model.score(post_features(not_advised(item.scored, advised), said, item.story, handles))
        outcome = assess(item.post, verdict.spans, item.langs, tools, advised, (score, model.severity(score)))
        return verdict.adding(outcome.consent, spans=outcome.findings)


@dataclass(frozen=True)
class Disclosure:
    """What makes the post about a patient: who (identifier findings at warning or above), whether it
    shows a photo, and which words disclose care or health (found only when a consent finding or a
    consent's scope needs them: most posts feature nobody and cite no consent)."""

    post: Post
    who: tuple[Finding, ...]
    lexicons: LexiconIndex
    langs: Mapping[str, Lang]

    @property
    def photo(self) -> bool:
        post = self.post
        return bool(post.images or post.alt_texts or post.captions or post.metadata.get("images"))

    @cached_property
    def care(self) -> tuple[tuple[str, int, int], ...]:
        """(scope, start, end) of each care or health word."""
        care: list[tuple[str, int, int]] = []
        for scope, text in self.post.scopes():
            lang = self.langs.get(scope, DEFAULT_LANG)
            for lexicon in ("care", "care_second_person", "health_detail"):
                care += [(scope, s, e) for s, e in self.lexicons.finditer(lexicon, lang, text)]
        return tuple(care)


def _scope_word(f: Finding, rules: RuleSet) -> str | None:
    """The consent scope word that authorises this identifier (``consent_scope`` in its rule file)."""
    rule = rules.get(f.rule)
    return rule.consent_scope if rule else None


def find_disclosure(
    post: Post,
    findings: Sequence[Finding],
    lexicons: LexiconIndex,
    langs: Mapping[str, Lang],
    advised: int = 0,
) -> Disclosure:
    """Who the post identifies (identifier findings at warning or above). ``advised``: where the opening
    address of a post that gives personal advice ends; the person advised ("@tina_r", "Hi Laura,") is
    the ADV rules' concern, not a featured patient."""
    counted = [
        f
        for f in findings
        if f.category == Category.IDENTIFIER
        and f.severity >= Severity.WARNING
        and not (f.scope == "body" and f.end <= advised)
    ]
    return Disclosure(post, tuple(counted), lexicons, langs)


def disclosed(disclosure: Disclosure, rules: RuleSet) -> set[str]:
    """The consent scope words a post needs: what it discloses about the patient."""
    words = {w for f in disclosure.who if (w := _scope_word(f, rules))}
    if disclosure.care:
        words.add("condition")
    if disclosure.photo:
        words.add("photo")  # a draft with images or captions shows the patient it identifies
    return words


@dataclass(frozen=True)
class Outcome:
    findings: tuple[Finding, ...]  # identifier findings, some demoted to info by a consent
    consent: tuple[Finding, ...]  # CON findings


def assess(
    post: Post,
    findings: Sequence[Finding],
    langs: Mapping[str, Lang],
    tools: PostTools,
    advised: int = 0,
    featured: tuple[float, Severity] = (1.0, Severity.ERROR),
) -> Outcome:
    """``featured``: the consent model's score that the post features a patient, and its severity
    (``info``: it does not)."""
    maker, ledger, today, active, lexicons = tools.maker, tools.ledger, tools.today, tools.active, tools.lexicons
    where = "the post's consent"  # not its id, which may be PHI: callers name the post by its place
    rules = maker.rules
    records = _records(post, ledger, where)
    about_people = [f for f in findings if (r := rules.get(f.rule)) is None or r.features_patient]
    disclosure = find_disclosure(post, about_people, lexicons, langs, advised)
    score, severity = featured
    # a face (or another image identifier of a person) in an attached photo always features somebody
    # (full-face photographs are a Safe Harbor identifier), and so does a person the post itself calls its
    # patient ("our patient Rosa", "nuestra paciente Marta García"), whatever the words say
    if severity < Severity.WARNING and disclosure.who:
        texts = dict(post.scopes())
        if any(
            ((r := rules.get(f.rule)) is not None and r.detect.image)
            or (f.entity == Entity.PERSON and called_patient(texts.get(f.scope, ""), f.start))
            for f in disclosure.who
        ):
            severity = Severity.WARNING
    # with no identifier at warning or above, only a confident score says the post points at one
    # person by its details alone ("the 16-year-old quarterback who collapsed at Friday's game")
    if not disclosure.who and severity < Severity.ERROR:
        severity = Severity.INFO
    is_featured = severity >= Severity.WARNING
    out: list[Finding] = []
    if not records and not is_featured:
        return Outcome(tuple(findings), ())
    if not disclosure.who and not is_featured:
        for rec, _ in records:
            if rec.patient:
                out.append(
                    _finding(maker, NAMES_NOBODY, None, f"consent {rec.id} names a patient the post does not name")
                )
        return Outcome(tuple(findings), _selected(out, active))

    handles = rules.with_role("handle")  # a handle alone is advice territory (ADV), not a featured patient
    names = [f for f in disclosure.who if f.entity == Entity.PERSON and f.rule not in handles]
    valid: list[ConsentRecord] = []
    for rec, known in records:
        if not known:
            out.append(_finding(maker, UNKNOWN_ID, disclosure, f"consent id {rec.id} is not in the ledger"))
            continue
        problem = rec.problem(today)
        if problem:
            out.append(_finding(maker, NOT_VALID, disclosure, f"consent {rec.id} {problem}"))
            continue
        if rec.patient and names and not any(names_match(rec.patient, f.value) for f in names):
            out.append(_finding(maker, NAMES_NOBODY, disclosure, f"consent {rec.id} names someone else"))
            continue
        valid.append(rec)

    covered_names = [f for f in names if any(r.patient and names_match(r.patient, f.value) for r in valid)]
    uncovered = [f for f in names if f not in covered_names]
    if not valid or uncovered:
        refused = {maker.post_code(UNKNOWN_ID), maker.post_code(NOT_VALID)}
        if is_featured and not any(c.rule in refused for c in out):
            note = "no consent on record" if not valid else "a named person has no consent on record"
            who = uncovered or list(disclosure.who)
            out.append(_finding(maker, MISSING, disclosure, note, who=who, severity=severity, score=score))
        return Outcome(tuple(findings), _selected(out, active))

    allowed = {w for r in valid for w in r.scope}
    beyond = sorted(disclosed(disclosure, rules) - allowed)
    if beyond:
        out.append(_finding(maker, BEYOND_SCOPE, disclosure, f"discloses {', '.join(beyond)} beyond the consent"))
    ids = ",".join(r.id for r in valid)
    demoted = [
        f.model_copy(update={"severity": Severity.INFO, "evidence": (*f.evidence, Evidence.of("consent", ids))})
        if f.category == Category.IDENTIFIER and f.severity >= Severity.WARNING and _scope_word(f, rules) in allowed
        else f
        for f in findings
    ]
    return Outcome(tuple(demoted), _selected(out, active))


def _records(post: Post, ledger: MemoryLedger | None, where: str) -> list[tuple[ConsentRecord, bool]]:
    """Front-matter consents, each resolved against the ledger when one is configured (the ledger's
    record wins). phiguard never guesses a consent from the ledger that the draft does not cite."""
    out = []
    for rec in front_matter_records(post.metadata, where):
        if ledger is None:
            if rec.patient is None and not rec.scope:
                raise LedgerError(
                    f"{where}: consent {rec.id} gives only an id and no consent-ledger is configured",
                    "configure consent-ledger, or give patient and scope in the front matter",
                )
            out.append((rec, True))
            continue
        stored = ledger.get(rec.id)
        out.append((stored, True) if stored is not None else (rec, False))
    return out


def _selected(findings: list[Finding], active: frozenset[str]) -> tuple[Finding, ...]:
    return tuple(f for f in findings if f.rule in active)


def _finding(
    maker: FindingMaker,
    kind: PostKind,
    disclosure: Disclosure | None,
    note: str,
    who: Sequence[Finding] = (),
    severity: Severity | None = None,
    score: float | None = None,
) -> Finding:
    anchor = (who or (disclosure.who if disclosure else ()))[:1]
    details = [note]
    if disclosure:
        details += [f"who:{f.rule}@{f.scope}:{f.start}-{f.end}" for f in disclosure.who[:5]]
        details += [f"care:{s}:{a}-{b}" for s, a, b in disclosure.care[:5]]
    at = anchor[0] if anchor else None
    code = maker.post_code(kind)
    return maker.make(
        code,
        severity=severity,
        score=score,
        start=at.start if at else 0,
        end=at.end if at else 0,
        scope=at.scope if at else "body",
        lang=at.lang if at else DEFAULT_LANG,
        evidence=tuple(details),
        image=at.image if at else None,
        box=at.box if at else None,
        value=at.value if at else "",
        message=None if maker.rules.get(code) else note,
        fallback=Category.CONSENT,
    )
