"""The span stage of the pipeline: the analyzer's candidates in one text, each weighed by its rule's
validator and drop checks, the learned identifier model and its rule's floor, then one finding per
stretch of text (:func:`resolve_overlaps`)."""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import regex

from phiguard.config import Allowlist
from phiguard.detect.context import CHECKS
from phiguard.detect.scope import Candidate, ScopeContext
from phiguard.detect.validators import VALIDATORS
from phiguard.engine.nlp import LanguageRuntime
from phiguard.engine.texts import Unit
from phiguard.errors import PostError
from phiguard.learned import LinearModel
from phiguard.learned.features import (
    CandidateRecord,
    ScoredCandidate,
    TextFeatures,
    candidate_features,
    own_features,
    story_of,
    text_features,
)
from phiguard.models import Evidence, Finding, Severity, Source
from phiguard.rulepack.findings import FindingMaker
from phiguard.rulepack.lexicon import LexiconIndex
from phiguard.rulepack.schema import Rule

_ENTITY_BREAK = regex.compile(r"\s[-–—|·]\s|[,;:!?¡¿«»\"“”()\[\]]")


@dataclass(frozen=True)
class SpanStage:
    """What the span stage of one Linter reads: the rules by code (those whose detectors run), the
    entities the analyzer is asked for, the lexicons, the allowlist, the finding maker, the identifier
    model (read on first use) and, while training, the recorder of every candidate's features."""

    by_code: Mapping[str, Rule]
    entities: list[str]
    lexicons: LexiconIndex
    allowlist: Allowlist
    maker: FindingMaker
    model: Callable[[], LinearModel]
    recorder: Callable[[CandidateRecord], None] | None = None

    def analyze(
        self,
        unit: Unit,
        runtime: LanguageRuntime,
        artifacts: object,
        post_care: bool,
        story: float,
        scored: list[ScoredCandidate],
    ) -> list[Finding]:
        """The identifier findings of one text (``story``: its post's story score); every candidate the
        model scored is added to ``scored`` (the consent model reads them)."""
        results = runtime.analyzer.analyze(  # type: ignore[attr-defined]
            text=unit.text,
            language=unit.lang,
            entities=self.entities,
            nlp_artifacts=artifacts,
        )
        ctx = ScopeContext(
            text=unit.text,
            lang=unit.lang,
            doc=artifacts.tokens,  # type: ignore[attr-defined]
            lexicons=self.lexicons,
            allowlist=self.allowlist,
            common_words=runtime.common_words,
            lemma=runtime.lemma,
            post_care=post_care,
        )
        weighed: list[tuple[Severity, Candidate, tuple[str, ...]]] = []
        scores: dict[tuple[int, int, str], float] = {}
        text = text_features(ctx, unit.scope.kind) if results else None
        shared = self.model().weigh(text.shared()) if text is not None else 0.0
        for r in results:
            if r.entity_type not in self.by_code:
                continue  # a recognizer shared with a rule that select/ignore left out
            rule, source = self.by_code[r.entity_type], _source(r)
            if not rule.applies_to(unit.scope):
                continue  # the rule's `scope:` leaves this text out
            pieces = _entity_pieces(unit.text, r.start, r.end) if source.kind == "ner" else [(r.start, r.end)]
            for start, end in pieces:
                cand = Candidate(rule, start, end, r.score, source)
                assert text is not None
                decided = self.weigh(cand, ctx, unit, text, shared, story)
                if decided is not None:
                    severity, score = decided
                    weighed.append((severity, cand, ()))
                    key = (cand.start, cand.end, cand.rule.code)
                    scores[key] = max(scores.get(key, 0.0), score)
                    scored.append(
                        ScoredCandidate(cand.rule.code, cand.rule.entity, unit.scope, score, cand.end + unit.offset)
                    )
        return [
            self.maker.make(
                c.rule.code,
                severity=severity,
                start=c.start + unit.offset,
                end=c.end + unit.offset,
                scope=unit.scope,
                lang=unit.lang,
                evidence=(c.source, *why),
                score=scores[(c.start, c.end, c.rule.code)],
                value=ctx.value(c),
            )
            for severity, c, why in resolve_overlaps(weighed)
        ]

    def weigh(
        self, c: Candidate, ctx: ScopeContext, unit: Unit, text: TextFeatures, shared: float, story: float
    ) -> tuple[Severity, float] | None:
        """The candidate's severity and score from the learned context model, or None to drop it: a failed
        validator (checksum), the allowlist and what Safe Harbor leaves out (a year alone, a country)
        drop it before the model is asked. ``shared``: the model's weighted sum of what every candidate
        of the text shares (``TextFeatures.shared``), less the candidate's own words here, so no
        candidate copies its text's words. Training records the features without the story score (it
        adds out-of-fold story scores of its own)."""
        rule = c.rule
        if rule.detect.validator and not VALIDATORS[rule.detect.validator](ctx.value(c)):
            return None
        if any(CHECKS[name](c, ctx) for name in rule.context.drop):
            return None
        features = own_features(c, ctx)
        model = self.model()
        shared -= sum(model.weights.get(f"P:{w}", 0.0) for w in text.own_words(c.start, c.end))
        shared += model.weigh(story_of(rule.entity, story))
        score = model.score(features, weighed=shared)
        if self.recorder is not None:
            self.recorder(
                CandidateRecord(
                    unit.post_id,
                    unit.scope,
                    c.start + unit.offset,
                    c.end + unit.offset,
                    rule.code,
                    rule.entity,
                    candidate_features(c, ctx, text),
                )
            )
        severity = model.severity(score)
        floor = rule.context.floor
        if floor is not None and severity < floor.severity:

            def says_yes(name: str) -> bool:  # a check the features already ran is not run again
                return bool(features.get(f"chk:{name}")) if name in rule.context.checks else CHECKS[name](c, ctx)

            if all(says_yes(name) for name in floor.when) and not any(says_yes(name) for name in floor.unless):
                severity = floor.severity
        return self.maker.severity(rule.code, severity), score


def timed_out(what: str, post: int) -> PostError:
    """A post a pattern could not finish on: an error, since a pattern skipped is findings lost."""
    return PostError(
        f"a post was not checked: {what} ran past its time limit on it (the machine too busy, or a text "
        "that makes the pattern slow)",
        "run again on a less loaded machine, or report the post's shape (not its text) to phiguard",
        post,
    )


def _entity_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of a model's entity that can be a name or place on their own: the small models run
    entities across punctuation ("¡Gracias, Rosa", "Cama 4: J. Goikoetxea") and past a spaced dash or
    bar, which on whiteboards, census sheets and lists separates a name from what follows ("John Lennon
    - isolation"). Each piece with a letter is a candidate of its own."""
    out = []
    cursor = start
    for m in [*_ENTITY_BREAK.finditer(text, start, end), None]:
        a, b = cursor, (m.start() if m is not None else end)
        while a < b and not text[a].isalnum():
            a += 1
        while b > a and not (text[b - 1].isalnum() or text[b - 1] in ".'"):
            b -= 1
        if b > a and any(ch.isalpha() for ch in text[a:b]):
            out.append((a, b))
        if m is not None:
            cursor = m.end()
    return out or [(start, end)]


def _source(result: object) -> Source:
    meta = getattr(result, "recognition_metadata", None) or {}
    return Source(str(meta.get("recognizer_name", "unknown")))


def resolve_overlaps(
    weighed: list[tuple[Severity, Candidate, tuple[str, ...]]],
) -> list[tuple[Severity, Candidate, tuple[str, ...]]]:
    """One finding per stretch of text: where candidates overlap, keep the most severe, then the
    validated (a checksum that holds: "a Spanish DNI" says more than "an ID number"), then the longest,
    then the most confident; the rules it absorbed are named in its evidence (``also:CODE``). A validated
    candidate takes the highest severity of the candidates on exactly its text, so naming the more
    specific rule never lowers what the text was judged."""
    judged: dict[tuple[int, int], Severity] = {}
    for severity, cand, _ in weighed:
        key = (cand.start, cand.end)
        judged[key] = max(judged.get(key, severity), severity)
    weighed = [(judged[(c.start, c.end)] if c.rule.detect.validator else s, c, why) for s, c, why in weighed]
    ordered = sorted(
        weighed,
        key=lambda t: (-t[0].rank, not t[1].rule.detect.validator, -(t[1].end - t[1].start), -t[1].score),
    )
    kept: list[tuple[Severity, Candidate, tuple[str, ...]]] = []
    spans: list[tuple[int, int, int]] = []  # (start, end, index in kept) of the kept ones, which never overlap
    for severity, cand, why in ordered:
        first = bisect_right(spans, (cand.end,)) - 1  # the last kept span starting before cand ends
        overlapping = []
        while first >= 0 and spans[first][1] > cand.start:
            overlapping.append(spans[first][2])
            first -= 1
        if overlapping:
            i = min(overlapping)  # the one kept first absorbs it
            k_sev, k, k_why = kept[i]
            also = Evidence.of("also", cand.rule.code)
            if cand.rule.code != k.rule.code and also not in k_why:
                kept[i] = (k_sev, k, (*k_why, also))
        else:
            insort(spans, (cand.start, cand.end, len(kept)))
            kept.append((severity, cand, why))
    return sorted(kept, key=lambda t: t[1].start)
