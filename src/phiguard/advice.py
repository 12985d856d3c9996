"""Personal medical advice: a treatment instruction or a diagnosis aimed at one person.

Education ("Stay hydrated", "Ask your pharmacist how to store insulin") is what a hospital account
should post; telling one person to halve their warfarin is not. Each sentence of the shared spaCy parse
is read for signals, all of them word lists and patterns in ``rules/lexicon/advice_*.yml``:

- **addressed**: the post replies to a handle ("@tina_r ...", "Replying to @x"), greets somebody by name
  ("Hi Laura,"), or the sentence refers to the reader's own case ("that rash", "your A1C came back at 9",
  "con esa tos", "a tu niña");
- **directive**: a second-person modal or an imperative ("you should", "take", "tómate", "no tomes");
- **clinical**: a medicine (the drug dictionary and ``drugs``), a dose or a frequency ("800 mg",
  "cada 6 horas", "halve your dose");
- **diagnosis**: naming the reader's illness ("sounds like shingles", "eso es una faringitis");
- **health**: a symptom, condition or treatment word (``health_detail``): the reader's case named
  without one ("in your situation", ``advice_reader_generic``) counts only next to one, so "in your
  situation, talk to your mom" is not medical advice.

Negative evidence keeps education quiet: a group or everyone named before the instruction ("patients
should", "todos"), a directive that only defers to a professional ("check with your care team",
"pregunta a tu farmacéutico") or to the prescriber's own instructions ("exactly as prescribed"), and a
disclaimer ("we can't give medical advice here") for instructions without a medicine.

ADV001 (error) is an instruction with clinical content to an addressed person; ADV002 (warning) a
diagnosis of their case; ADV003 (warning) another instruction about their own symptoms. One finding
per rule per post, placed on the first sentence that fired, with the signals in its evidence and a safe
reply in the post's language as its suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import regex
from spacy.tokens import Doc, Span, Token

from phiguard.drugs import dictionary
from phiguard.lexicon import LexiconIndex
from phiguard.models import Category, Finding, Lang, Post
from phiguard.rulepack import RuleSet

MEDICATION, DIAGNOSIS, SYMPTOM_ACTION = "ADV001", "ADV002", "ADV003"

_REPLY = regex.compile(r"^\W*(?:(?:replying\s+to|en\s+respuesta\s+a)\s+)?(?:@\w{2,}[\s,:]*)+", regex.I)
_GREETING = regex.compile(
    r"^\W*(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening)|hola|buenas|buenos\s+días|querid[oa]|estimad[oa])"
    r"\s+(?:(?:mr|mrs|ms|sr|sra|don|doña)\.?\s+)?\p{Lu}\p{L}+\s*[,!:.]",
    regex.I,
)
# signal name -> the lexicon (rules/lexicon/<name>.yml) that finds it in a sentence
_SIGNAL_LEXICONS = {
    "directive": "advice_directive",
    "deferral": "advice_deferral",
    "clinical": "advice_clinical",
    "drug": "drugs",
    "diagnosis": "advice_diagnosis",
    "reader": "advice_reader_case",
    "reader_generic": "advice_reader_generic",
    "population": "advice_population",
    "second_person": "second_person",
    "health": "health_detail",
    "adherence": "advice_adherence",
}


@dataclass(frozen=True)
class Parsed:
    """One parsed text of a post (a scope, or a chunk of one) and where it starts in that scope."""

    scope: str
    offset: int
    doc: Doc
    lang: Lang
    text: str  # the parsed text (``doc.text`` rebuilds it from the tokens on every access)


@dataclass
class Signals:
    """Spans (scope offsets) of each signal found in one sentence."""

    scope: str
    start: int
    end: int
    text: str  # the parsed text the offsets (minus ``offset``) index
    offset: int
    found: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return bool(self.found.get(name))

    def spans(self, *names: str) -> list[tuple[int, int]]:
        return sorted(s for n in names for s in self.found.get(n, []))


@dataclass(frozen=True)
class AdviceContext:
    lexicons: LexiconIndex
    common_words: dict[Lang, frozenset[str]]


def assess(
    post: Post, parsed: Sequence[Parsed], ctx: AdviceContext, rules: RuleSet, active: set[str]
) -> tuple[Finding, ...]:
    """The ADV findings of one post (empty when no advice rule is active)."""
    wanted = active & {MEDICATION, DIAGNOSIS, SYMPTOM_ACTION}
    if not wanted or not parsed:
        return ()
    body = post.text
    reply = bool(_REPLY.match(body))
    vocative = bool(_GREETING.match(body))
    decided: dict[str, tuple[Signals, Lang, list[str]]] = {}
    for p in parsed:
        for sent in _sentences(p.doc):
            if not (reply or vocative or _may_address(p, sent, ctx)):
                continue  # nobody addressed: skip the other signals (most posts end here)
            sig = _signals(p, sent, ctx)
            personal = reply or vocative or sig.has("reader")
            if sig.has("population") and not sig.has("second_person") and sig.has("directive"):
                personal = False  # "patients should...", "todos": a population, not the reader
            if not personal:
                continue
            directive = sig.has("directive")
            how = ["reply" if reply else "vocative" if vocative else "reader-case"]
            if directive and _clinical(sig, p, sent, ctx):
                decided.setdefault(MEDICATION, (sig, p.lang, [*how, "directive", *_kinds(sig)]))
            if sig.has("diagnosis"):
                decided.setdefault(DIAGNOSIS, (sig, p.lang, [*how, "diagnosis"]))
            if directive and sig.has("reader") and not _disclaims(parsed, ctx):
                decided.setdefault(SYMPTOM_ACTION, (sig, p.lang, [*how, "directive", "reader-case"]))
    if MEDICATION in decided:
        decided.pop(SYMPTOM_ACTION, None)  # the stronger finding says it already
    return tuple(_finding(rules, code, *decided[code]) for code in sorted(decided) if code in wanted)


def addressee_end(post: Post) -> int:
    """Where the opening address of the body ends ("@tina_r", "Hi Laura,"), or 0 without one."""
    m = _REPLY.match(post.text) or _GREETING.match(post.text)
    return m.end() if m else 0


def _sentences(doc: Doc) -> Iterable[Span]:
    if doc.has_annotation("SENT_START"):
        yield from doc.sents
    else:
        yield doc[:]


def _disclaims(parsed: Sequence[Parsed], ctx: AdviceContext) -> bool:
    """The post declines to advise in public ("we can't give medical advice here")."""
    return any(ctx.lexicons.search("advice_disclaimer", p.lang, p.text) for p in parsed)


def _may_address(p: Parsed, sent: Span, ctx: AdviceContext) -> bool:
    """The sentence refers to a reader's own case at all (the cheap first look)."""
    text, start, end = p.text, sent.start_char, sent.end_char
    return any(
        (pat := ctx.lexicons.pattern(name, p.lang)) is not None and pat.search(text, start, end) is not None
        for name in ("advice_reader_case", "advice_reader_generic")
    )


def _signals(p: Parsed, sent: Span, ctx: AdviceContext) -> Signals:
    text, lang, lex = p.text, p.lang, ctx.lexicons
    start, end = sent.start_char, sent.end_char
    sig = Signals(p.scope, start + p.offset, end + p.offset, text, p.offset)
    for key, lexicon in _SIGNAL_LEXICONS.items():
        pat = lex.pattern(lexicon, lang)
        if pat is not None:
            sig.found[key] = [(m.start() + p.offset, m.end() + p.offset) for m in pat.finditer(text, start, end)]
    sig.found["directive"] += [(t.idx + p.offset, t.idx + len(t) + p.offset) for t in sent if _imperative(t, lang)]
    if sig.has("health") or sig.has("drug") or sig.has("clinical"):
        sig.found["reader"] += sig.found.get("reader_generic", [])  # "in your case" + a health word
    # a directive that only sends the reader to a professional is what the account should say
    deferrals = sig.found.get("deferral", [])
    sig.found["directive"] = [d for d in sig.found.get("directive", []) if not _defers(d, deferrals)]
    if sig.has("adherence"):
        sig.found["directive"] = []  # "finish the antibiotics exactly as prescribed": the prescriber's advice
    # a group named before the instruction is its subject ("patients should..."), not "children's Motrin"
    first = min((a for a, _ in sig.found["directive"]), default=end + p.offset)
    sig.found["population"] = [
        (a, b) for a, b in sig.found.get("population", []) if a < first and not text[b - p.offset :].startswith("'s")
    ]
    return sig


def _defers(directive: tuple[int, int], deferrals: list[tuple[int, int]]) -> bool:
    """The directive is a deferral ("call your doctor") or introduces one ("you should check with...")."""
    start, end = directive
    return any(a <= start < b or start <= a <= end + 12 for a, b in deferrals)


_SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})


def _imperative(token: Token, lang: Lang) -> bool:
    """An imperative in the parse: a base-form verb heading its clause with no subject and no modal or
    "to" ("for his ear infection give him..."), or a verb the model marks as imperative (Spanish)."""
    if not token.is_alpha:
        return False  # a handle the model took for a verb
    if lang == "es":
        return token.pos_ == "VERB" and "Imp" in token.morph.get("Mood", [])
    if token.tag_ != "VB" or token.dep_ not in ("ROOT", "conj"):
        return False
    return not any(
        (c.dep_ in _SUBJECTS and not _vocative(c)) or c.dep_ == "aux" or c.tag_ == "MD" for c in token.children
    )


def _vocative(token: Token) -> bool:
    """A handle or a name set off by a comma ("@tina_r halve...", "Laura, give him..."), which the
    model often takes for the subject."""
    if token.text.startswith("@"):
        return True
    right = token.doc[token.right_edge.i + 1] if token.right_edge.i + 1 < len(token.doc) else None
    return token.pos_ == "PROPN" and right is not None and right.text == ","


def _clinical(sig: Signals, p: Parsed, sent: Span, ctx: AdviceContext) -> bool:
    """A dose, frequency, kind of medicine or a named medicine in the sentence. The drug dictionary is
    loaded only here, for sentences that already address somebody with an instruction."""
    if sig.has("clinical") or sig.has("drug"):
        return True
    common = ctx.common_words.get(p.lang, frozenset())
    drugs = dictionary()
    words = [t for t in sent if t.is_alpha]
    found = []
    for i in range(len(words)):
        for n in (3, 2, 1):
            gram = " ".join(t.lower_ for t in words[i : i + n])
            if len(words[i : i + n]) == n and gram in drugs and (n > 1 or gram not in common):
                found.append((words[i].idx + p.offset, words[i + n - 1].idx + len(words[i + n - 1]) + p.offset))
                break
    sig.found["drug"] = found
    return bool(found)


def _kinds(sig: Signals) -> list[str]:
    return [k for k in ("drug", "clinical") if sig.has(k)]


def _finding(rules: RuleSet, code: str, sig: Signals, lang: Lang, fired: list[str]) -> Finding:
    rule = rules.by_code(code)
    anchor = sig.spans("directive", "diagnosis") or [(sig.start, sig.end)]
    tail = sig.spans("drug", "clinical", "diagnosis") or anchor
    start = anchor[0][0]
    end = max(anchor[0][1], max(e for _, e in tail))
    evidence = [f"signals:{'+'.join(fired)}"]
    for name in ("directive", "drug", "clinical", "diagnosis", "reader"):
        evidence += [f"{name}@{sig.scope}:{a}-{b}" for a, b in sig.found.get(name, [])[:3]]
    return Finding(
        rule=code,
        category=Category.ADVICE,
        severity=rule.severity,
        entity="ADVICE",
        start=start,
        end=end,
        message=rule.message,
        scope=sig.scope,
        lang=lang,
        evidence=tuple(evidence),
        suggestion=rule.reply.get(lang) if rule.reply else None,
        value=sig.text[start - sig.offset : end - sig.offset],
    )
