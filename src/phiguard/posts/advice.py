"""Personal medical advice: a treatment instruction or a diagnosis aimed at one person.

Education ("Stay hydrated", "Ask your pharmacist how to store insulin") is what a hospital account
should post; telling one person to halve their warfarin is not. A post is read in two steps:

1. **Signals**, sentence by sentence over the shared spaCy parse, all of them word lists and patterns
   in ``rules/lexicon/advice_*.yml`` plus the tags and sentences of the shared parse:

   - **addressed**: the post replies to a handle ("@tina_r ...", "Replying to Denise:"), greets or
     calls somebody by name ("Hi Laura,", "Marisa, en tu caso...", "Reminder for Mrs. Patel:"), or a
     sentence refers to the reader's own case ("that rash", "your A1C came back at 9", "from your pic",
     "a ti que nos escribes");
   - **directive**: a second-person modal, an imperative (tags and word order) or the word lists ("you should",
     "take", "tómate", "no te pinches"), a verb in the second person, a first-person recommendation
     ("I'd switch", "yo bajaría");
   - **clinical**: a medicine (the drug dictionary and ``drugs``), a dose or a frequency;
   - **diagnosis**: naming the reader's illness ("that's shingles", "eso es una dermatitis", "your toe
     is broken");
   - **health**: a symptom, condition or treatment word;
   - negative evidence: a group named before the instruction ("patients should", "todos"), a
     directive that only defers to a professional or to emergency care, the prescriber's own
     instructions ("exactly as prescribed"), a disclaimer ("we can't give medical advice here").

2. **The advice model** (``phiguard.learned``, ``advice.json``): a logistic regression over those
   signals, their co-occurrence in one sentence and with an addressee, and the post's words, trained by
   ``make train`` on the labelled hospital posts. It decides whether the post gives advice to one
   person; the signals then say which rule fits: ADV001 (error) an instruction with a medicine or dose,
   ADV002 a diagnosis of the reader's case (warning; error with an instruction), ADV003 (warning) any
   other instruction about their own health. One finding per rule per post, placed on the sentence
   that carries it, with the signals in its evidence and the safe reply (``advice-reply`` in the
   config, or the rule's own per language) as its suggestion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import regex

from phiguard.detect.drugs import dictionary
from phiguard.detect.names import is_given_name
from phiguard.lang import profile
from phiguard.lang.sentences import sentences as doc_sentences
from phiguard.learned.features import Features
from phiguard.models import Finding, Lang, Post, Severity
from phiguard.posts.check import Parsed, PostInput, PostTools, Verdict
from phiguard.rulepack.findings import FindingMaker
from phiguard.rulepack.lexicon import Hits, WordPattern, lexicon_words
from phiguard.rulepack.schema import PostKind

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# the post-level kinds this module reports (rules/advice names the rule and code of each)
MEDICATION: PostKind = "advice.medication"
DIAGNOSIS: PostKind = "advice.diagnosis"
SYMPTOM_ACTION: PostKind = "advice.symptom-action"
ADDRESSED = "addressed"  # the feature a post addressing somebody carries (see ``Reading.addressed``)

# Grammar here, words in rules/lexicon (phiguard.rulepack.lexicon.WordPattern): {lex:name} is a lexicon's words.
_REPLY = WordPattern(r"^\W*(?:(?:{lex:reply_handle_openers})\s+)?(?:@\w{2,}[\s,:]*)+", regex.I)
_GREETING = WordPattern(r"^\W*(?:{lex:greetings})\s+(?:(?:{lex:greeting_titles})\.?\s+)?\p{Lu}\p{L}+\s*[,!:.]", regex.I)
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
    "vocative_word": "advice_vocative",
    "education": "advice_education",
    "social": "advice_social",
}


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
class Reading:
    """What the advice rules read in a post: who it addresses and each sentence's signals."""

    address: str | None  # reply, replying-to, greeting, vocative or None
    handle: bool  # a handle anywhere in the body
    sentences: tuple[tuple[Signals, frozenset[str], Lang], ...]  # signals, the kinds found, language
    disclaims: bool
    words: frozenset[str]

    @property
    def addressed(self) -> bool:
        """Somebody in particular is addressed: a handle, a reply, a greeting or vocative name, or the
        reader's own case. Evidence the advice model weighs (the ``addressed`` feature), never a
        precondition: every post is read and scored."""
        return self.address is not None or self.handle or any(kinds & _ONE_READER for _, kinds, _ in self.sentences)


def read(post: Post, parsed: Sequence[Parsed], ctx: PostTools) -> Reading:
    """The signals of every sentence of the post's own texts (body, captions, alt texts)."""
    sentences = []
    for p in parsed:
        common = ctx.common_words.get(p.lang, frozenset())
        not_before = lexicon_words("not_instruction_before", p.lang)
        bare_verb = profile(p.lang).bare_verb
        found = _text_hits(p, ctx)
        for sent in doc_sentences(p.doc):
            tokens = list(sent)  # read once: every test below walks the sentence's tokens
            sig = _signals(p, sent, tokens, found)
            kinds = {name for name in _SIGNAL_LEXICONS if sig.has(name)}
            if any(t.pos_ in ("VERB", "AUX") and "2" in t.morph.get("Person", []) for t in tokens):
                kinds.add("verb_2p")
            deferrals = sig.found.get("deferral", [])
            bare = [(t.idx + p.offset, t.idx + len(t) + p.offset) for t in tokens if bare_verb(t, not_before)]
            if not sig.has("adherence") and any(not _defers(b, deferrals) for b in bare):
                kinds.add("bare_verb")
            to_reader = sig.has("directive") or bool(kinds & {"second_person", "reader", "verb_2p"})
            if to_reader and _clinical(sig, p, tokens, ctx):
                kinds.add("drug")
            called = any(_set_off(p.text, a - p.offset, b - p.offset) for a, b in sig.found.get("vocative_word", []))
            if called or _vocative_at(p.text, sent.start_char, common, p.lang):
                kinds.add("vocative")
            if "adherence" in kinds:  # "take it exactly as prescribed": the prescriber's instruction, repeated
                kinds -= {"directive", "bare_verb", "drug", "clinical"}
            if "population" in kinds and "second_person" not in kinds:  # "clinicians should...": a group's
                kinds -= {"directive", "bare_verb", "drug", "clinical"}
            sentences.append((sig, frozenset(kinds), p.lang))
    address = _opening(post.text)
    if address is None and any("vocative" in kinds for _, kinds, _ in sentences):
        address = "vocative"
    words = frozenset(w for p in parsed for w in _WORD.findall(p.text.lower()))
    handle = any(_calls(post.text, m) for m in _HANDLE.finditer(post.text))
    return Reading(address, handle, tuple(sentences), _disclaims(parsed, ctx), words)


# What a sentence's kinds add up to, for the features: the signal groups the model sees together.
_GROUPS: dict[str, frozenset[str]] = {
    "dir": frozenset({"directive", "bare_verb"}),
    "you": frozenset({"second_person", "reader", "reader_generic", "verb_2p", "vocative"}),
    "clin": frozenset({"clinical", "drug"}),
    "health": frozenset({"health", "clinical", "drug", "diagnosis"}),
    "diag": frozenset({"diagnosis"}),
    "reader": frozenset({"reader"}),
    "pop": frozenset({"population"}),
    "defer": frozenset({"deferral"}),
    "edu": frozenset({"education"}),
    "adh": frozenset({"adherence"}),
    "social": frozenset({"social"}),
}
_ONE_READER = _GROUPS["you"] - {"second_person", "verb_2p"}  # "you" alone is also the public's
_TOGETHER = (
    ("dir",), ("clin",), ("diag",), ("adh",),
    ("dir", "clin"), ("dir", "health"), ("dir", "you"), ("you", "clin"), ("you", "health"), ("diag", "you"),
    ("reader", "dir"), ("pop", "dir"), ("defer", "dir"), ("dir", "clin", "you"), ("diag", "dir"), ("edu", "dir"),
    ("adh", "clin"), ("social", "health"), ("social", "dir"),
)  # fmt: skip


def features(reading: Reading) -> Features:
    """Named features of a post for the advice model: the addressee, each signal (any, how many), the
    groups found together in one sentence (alone and with an addressee), and the post's words."""
    f: Features = {"bias": 1.0}
    langs = {lang for _, _, lang in reading.sentences}
    for lang in langs:
        f[f"lang:{lang}"] = 1.0
    named = reading.address is not None or reading.handle  # a person called, not only the reader's case
    if reading.addressed:
        f[ADDRESSED] = 1.0
    if reading.address:
        f[f"addr:{reading.address}"] = 1.0
    if reading.handle:
        f["addr:handle"] = 1.0
    if named:
        f["addr:any"] = 1.0
    if reading.disclaims:
        f["disclaims"] = 1.0
    counts: dict[str, int] = {}
    for _, kinds, _ in reading.sentences:
        for k in kinds:
            counts[k] = counts.get(k, 0) + 1
        for combo in _TOGETHER:
            if all(kinds & _GROUPS[g] for g in combo):
                name = "+".join(combo)
                f[f"S:{name}"] = 1.0
                if named:
                    f[f"A&S:{name}"] = 1.0
    # in a post that addresses somebody, the same groups found only across sentences ("@ana con esas
    # cifras, | sube el enalapril a 20 mg"): where a sentence ends weighs less
    everywhere = frozenset(k for _, kinds, _ in reading.sentences for k in kinds)
    for combo in _TOGETHER:
        name = "+".join(combo)
        if named and len(combo) > 1 and f"S:{name}" not in f and all(everywhere & _GROUPS[g] for g in combo):
            f[f"A&T:{name}"] = 1.0
    for k, n in counts.items():
        f[f"any:{k}"] = 1.0
        f[f"n:{k}"] = min(n, 3) / 3
    for w in reading.words:
        f[f"w:{w}"] = 1.0
    return f


class AdviceCheck:
    """ADV001-ADV003: the model decides whether the post advises one person, the signals which rule fits
    and where."""

    kinds: tuple[PostKind, ...] = (MEDICATION, DIAGNOSIS, SYMPTOM_ACTION)

    def run(self, item: PostInput, tools: PostTools, verdict: Verdict) -> Verdict:
        return verdict.adding(_assess(item.post, item.parsed, tools, tools.wants(self.kinds, item.lang)))


def _assess(post: Post, parsed: Sequence[Parsed], tools: PostTools, wanted: set[str]) -> tuple[Finding, ...]:
    """The ADV findings of one post (empty when no advice rule is active and covers its language)."""
    maker = tools.maker
    recorder = tools.recorders.get("advice")
    if not (wanted or recorder) or not parsed:
        return ()
    # every post is read: an addressee (a handle, a vocative, "your son") is evidence the model weighs,
    # never a precondition — replies without a handle, question-box answers and "to the mom asking
    # about..." advise one person too
    reading = read(post, parsed, tools)
    f = features(reading)
    if recorder is not None:
        recorder(post.id, f)
    model = tools.model("advice")
    score = model.score(f)
    if score < model.thresholds.warning or not reading.sentences:
        return ()
    how = reading.address or ("handle" if reading.handle else "reader-case" if reading.addressed else "content")
    decided: dict[PostKind, tuple[Signals, Lang, list[str]]] = {}
    instructs = any("directive" in kinds for _, kinds, _ in reading.sentences)
    for sig, kinds, lang in reading.sentences:
        if "directive" in kinds and kinds & _GROUPS["clin"]:
            decided.setdefault(MEDICATION, (sig, lang, [how, "directive", *sorted(kinds & _GROUPS["clin"])]))
        if "diagnosis" in kinds:
            decided.setdefault(DIAGNOSIS, (sig, lang, [how, "diagnosis"]))
    if not decided:
        # the sentence with most to say: an instruction first, then any health word
        sig, kinds, lang = max(
            reading.sentences, key=lambda t: ("directive" in t[1], len(t[1] & _GROUPS["health"]), len(t[1]))
        )
        decided[SYMPTOM_ACTION] = (sig, lang, [how, *sorted(kinds & (_GROUPS["dir"] | _GROUPS["health"]))])
    out = []
    for kind in sorted(decided, key=maker.post_code):
        if kind not in wanted:
            continue
        # a diagnosis with an instruction to act on it is stopped, not only looked at
        severity = Severity.ERROR if kind == DIAGNOSIS and instructs else None
        out.append(_finding(maker, kind, *decided[kind], score, tools, severity))
    return tuple(out)


def _opening_match(text: str) -> tuple[str, regex.Match[str]] | None:
    """How the body opens by addressing somebody: a reply to a handle, "Replying to Denise:", a greeting."""
    for kind, pattern in (("reply", _REPLY), ("replying-to", _REPLYING_TO), ("greeting", _GREETING)):
        if m := pattern.match(text):
            return kind, m
    return None


def _opening(text: str) -> str | None:
    found = _opening_match(text)
    return found[0] if found else None


def addressee_end(post: Post) -> int:
    """Where the opening address of the body ends ("@tina_r", "Hi Laura,", "Marisa,"), or 0."""
    found = _opening_match(post.text)
    m = found[1] if found else _VOCATIVE.match(post.text)
    return m.end() if m else 0


_REPLYING_TO = WordPattern(r"^\W*(?:{lex:reply_name_openers})\s+\p{Lu}[\p{L}.]+(?:\s+\p{Lu}[\p{L}.]+)?\s*[,:]", regex.I)
_TITLES = r"(?i:(?:{lex:vocative_titles})\.?\s+)"
# a name (or two or three) opening the text or a clause and set off by a comma or colon: "Marisa, en
# tu caso", "Reminder for Mrs. Patel:", "Señora Luz Dary,"; the first word must be a known given name
# unless a title comes before it
_NAME = r"\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){0,2}"
_TO_YOU = r"(?i:(?:{lex:to_you_openers})\s+)?(?i:{lex:you_words})\b"
_VOCATIVE = WordPattern(rf"\W{{0,8}}(?P<title>{_TITLES}*)(?P<name>{_NAME})(?:\s*[,:]|\s+(?={_TO_YOU}))")
_HANDLE = regex.compile(r"(?<![\w.])@\w{2,}")
_WORD = regex.compile(r"[^\W\d_]{2,}")
_CLAUSE_START = regex.compile(r"(?:^|[.!?:;]\s+|\n)")


_MENTION_BEFORE = WordPattern(r"(?i:\b(?:{lex:mention_before})\s*:?\s*)$")


def _calls(text: str, handle: regex.Match[str]) -> bool:
    """A handle that speaks to its person: set off at the start of a clause or by punctuation
    ("that's shingles @lorenzo.paints.", "mañana, @sara_gm, no te..."), not a mention after a
    preposition ("vía @EFE", "en @blogsanitum", "thanks to @team")."""
    before = text[: handle.start()]
    if _MENTION_BEFORE.search(before[-20:]):
        return False
    stripped = before.rstrip()
    after = text[handle.end() :].lstrip()[:1]
    return not stripped or stripped[-1] in ".!?¡¿:;,\n" or after in {"", ",", ".", "!", "?", ":"}


def _set_off(text: str, start: int, end: int) -> bool:
    """A word used to call somebody ("tía", "bro") stands apart: it opens the text or a clause, or a
    comma follows it ("tía, eso es...", "thanks, hun"); "su tía" or "el corazón" in a sentence is not."""
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?¡¿:;,\n" or text[end:].lstrip()[:1] in {",", "!"}


def _vocative_at(text: str, start: int, common: frozenset[str], lang: Lang) -> bool:
    """A name set off by a comma or colon opens the sentence at ``start`` or a clause of it after a colon."""
    for at in (start, *(m.end() for m in _CLAUSE_START.finditer(text, start, start + 200) if m.end() > start)):
        m = _VOCATIVE.match(text, at)
        if m is None:
            continue
        name = m.group("name").split()
        if m.group("title").strip() or is_given_name(name[0], lang, common):
            return True
    return False


def _disclaims(parsed: Sequence[Parsed], ctx: PostTools) -> bool:
    """The post declines to advise in public ("we can't give medical advice here")."""
    return any(ctx.lexicons.search("advice_disclaimer", p.lang, p.text) for p in parsed)


def _text_hits(p: Parsed, ctx: PostTools) -> dict[str, Hits]:
    """The hits of each signal lexicon the text's language defines (found once per text; its sentences
    read their windows of them)."""
    lex = ctx.lexicons
    return {
        key: lex.hits(lexicon, p.lang, p.text)
        for key, lexicon in _SIGNAL_LEXICONS.items()
        if lex.defines(lexicon, p.lang)
    }


def _signals(p: Parsed, sent: Span, tokens: list[Token], found: dict[str, Hits]) -> Signals:
    """The signals of one sentence (``tokens``: its tokens, read once by the caller; ``found``: its
    text's signal hits, from :func:`_text_hits`)."""
    text, lang = p.text, p.lang
    start, end = sent.start_char, sent.end_char
    sig = Signals(p.scope, start + p.offset, end + p.offset, text, p.offset)
    for key, hits in found.items():
        sig.found[key] = [(a + p.offset, b + p.offset) for a, b in hits.matches(start, end)] if hits.starts else []
    imperative = profile(lang).imperative
    sig.found["directive"] += [(t.idx + p.offset, t.idx + len(t) + p.offset) for t in tokens if imperative(t)]
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


def _clinical(sig: Signals, p: Parsed, tokens: list[Token], ctx: PostTools) -> bool:
    """A dose, frequency, kind of medicine or a named medicine in the sentence. The drug dictionary is
    loaded only here, for sentences that already address somebody with an instruction."""
    if sig.has("clinical") or sig.has("drug"):
        return True
    common = ctx.common_words.get(p.lang, frozenset())
    drugs = dictionary()
    words = [t for t in tokens if t.is_alpha]
    found = []
    for i in range(len(words)):
        for n in (3, 2, 1):
            gram = " ".join(t.lower_ for t in words[i : i + n])
            if len(words[i : i + n]) == n and gram in drugs and (n > 1 or gram not in common):
                found.append((words[i].idx + p.offset, words[i + n - 1].idx + len(words[i + n - 1]) + p.offset))
                break
    sig.found["drug"] = found
    return bool(found)


def _finding(
    maker: FindingMaker,
    kind: PostKind,
    sig: Signals,
    lang: Lang,
    fired: list[str],
    score: float,
    ctx: PostTools,
    severity: Severity | None,
) -> Finding:
    code = maker.post_code(kind)
    rule = maker.rules.by_code(code)
    anchor = sig.spans("directive", "diagnosis") or [(sig.start, sig.end)]
    tail = sig.spans("drug", "clinical", "diagnosis") or anchor
    start = anchor[0][0]
    end = max(anchor[0][1], max(e for _, e in tail))
    evidence = [f"signals:{'+'.join(fired)}", f"advice-score:{score:.2f}"]
    for name in ("directive", "drug", "clinical", "diagnosis", "reader"):
        evidence += [f"{name}@{sig.scope}:{a}-{b}" for a, b in sig.found.get(name, [])[:3]]
    return maker.make(
        code,
        severity=severity,
        start=start,
        end=end,
        scope=sig.scope,
        lang=lang,
        evidence=tuple(evidence),
        suggestion=_reply(ctx.replies.get(lang) or (rule.reply.get(lang) if rule.reply else None), lang, ctx),
        score=score,
        value=sig.text[start - sig.offset : end - sig.offset],
    )


def _reply(text: str | None, lang: Lang, ctx: PostTools) -> str | None:
    """The safe reply with its ``{emergency}`` filled in: the config's emergency-number, else the
    language profile's."""
    if text is None or "{emergency}" not in text:
        return text
    return text.replace("{emergency}", ctx.emergency.get(lang) or profile(lang).emergency_number)
