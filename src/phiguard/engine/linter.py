"""The Linter: posts in, reports out.

Work flows in one direction: split each post into scopes, pick a language per post, parse every text
once (batched through ``nlp.pipe`` per language), let the analyzer find candidates, weigh each
candidate's context, and resolve overlaps. Models load on first use of a language and stay loaded.
"""

from __future__ import annotations

import copy
import time
from bisect import bisect_right, insort
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from phiguard.config import Config
from phiguard.detect.context import CHECKS, Candidate, ScopeContext
from phiguard.detect.recognizers import PatternTimeout
from phiguard.detect.validators import VALIDATORS
from phiguard.engine.findings import FindingMaker
from phiguard.engine.nlp import PRESIDIO_LOG, LanguageRuntime, load_language
from phiguard.errors import ArgumentError, PostError
from phiguard.lang.detect import detect
from phiguard.learned import LinearModel, ModelName, read_model
from phiguard.learned import load as load_model
from phiguard.learned.features import (
    CandidateRecord,
    Features,
    ScoredCandidate,
    TextFeatures,
    candidate_features,
    post_signals,
    story_features,
    text_features,
    with_story,
)
from phiguard.models import Box, Category, Evidence, Finding, Lang, Post, Report, Scope, Severity, Source
from phiguard.posts import CHECKS as POST_CHECKS
from phiguard.posts.check import Parsed, PostInput, PostTools, Verdict
from phiguard.posts.ledger import LedgerError, MemoryLedger, open_ledger
from phiguard.rewrite import fixes
from phiguard.rewrite.fixes import FixResult
from phiguard.rulepack.lexicon import LexiconIndex
from phiguard.rulepack.loader import load_rules
from phiguard.rulepack.schema import Rule, RuleSet

if TYPE_CHECKING:
    from phiguard.detect.images import ImageFacts, ImageInspector, ImageText

IMAGE_THREADS = 4  # images read at once (Tesseract and OpenCV work outside the GIL)
MAX_CHUNK = 50_000  # characters per parse: long texts are split at whitespace, offsets kept
_SURROGATE = regex.compile(r"[\ud800-\udfff]")
_ENTITY_BREAK = regex.compile(r"\s[-–—|·]\s|[,;:!?¡¿«»\"“”()\[\]]")


@dataclass(frozen=True)
class _Unit:
    """One parse: a chunk of one scope of one post."""

    post: int
    post_id: str | None
    scope: Scope
    offset: int
    text: str
    lang: Lang


def _chunks(text: str, size: int = MAX_CHUNK) -> Iterator[tuple[int, str]]:
    """The text in parses of at most ``size`` characters, cut at whitespace, each without the
    whitespace around it: the small models tag a word differently after blank lines (a Markdown body
    under its front matter), so a post reads the same in a draft file as through the API."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
            end = cut + 1 if cut > start else end
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        if chunk.strip():
            yield start + lead, chunk.strip()
        start = end


def _as_post(item: object) -> Post:
    """A Post, or plain text as one; anything else is a TypeError naming its type, never its content
    (pydantic's message would quote it)."""
    if isinstance(item, Post):
        return item
    if isinstance(item, str):
        return Post(text=item)
    raise ArgumentError(
        f"lint_many takes Post objects or strings, not {type(item).__name__}", "pass phiguard.Post(text=...)"
    )


_LONG_RUN = regex.compile(r"\S{65,}")


def _defuse(run: regex.Match[str]) -> str:
    """A long run of non-space characters that is mostly punctuation or symbols ("((((", ":::",
    emoji, "a.a.a.") keeps its first 16 characters, and after them its letters and digits only; one
    over 256 characters, whatever it holds, keeps its letters and digits after the 256th. spaCy's
    tokenizer strips a run's prefixes one at a time, so such runs cost time quadratic in their length
    (10 KB: 10-14 s); no identifier looks like them, and words, URLs and numbers are left alone."""
    text = run.group()
    alnum = sum(ch.isalnum() for ch in text)
    keep = 16 if alnum < 0.7 * len(text) else 256
    if len(text) <= keep:
        return text
    return text[:keep] + "".join(ch if ch.isalnum() else " " for ch in text[keep:])


def _clean(text: str) -> str:
    """The text as it is parsed: lone surrogates (from broken decoding) become U+FFFD and long
    punctuation runs are broken up with spaces (``_defuse``); the same length, so offsets still hold."""
    return _LONG_RUN.sub(_defuse, _SURROGATE.sub("\ufffd", text))


class Linter:
    """Lints posts against the rule packs. Create once and reuse: models load lazily and stay."""

    def __init__(
        self,
        config: Config | None = None,
        rules: RuleSet | None = None,
        *,
        ledger: MemoryLedger | None = None,
        today: date | None = None,
        identifier_model: LinearModel | None = None,
        consent_model: LinearModel | None = None,
        advice_model: LinearModel | None = None,
        story_model: LinearModel | None = None,
    ) -> None:
        """``ledger`` overrides the config's ``consent-ledger``; ``today`` (for consent expiry) defaults
        to the current date at each lint; ``identifier_model`` and ``consent_model`` replace the shipped
        learned models (training and cross-validation use them), and so do ``advice_model`` and ``story_model``."""
        self.config = config or Config()
        self.rules = rules or load_rules(self.config.rule_dirs)
        self.config.check_codes(self.rules.codes)  # a typo in select/ignore/severity is an error, not a check off
        self.active: tuple[Rule, ...] = tuple(r for r in self.rules.rules if self.config.selected(r.code))
        self._reported = {r.code for r in self.active}
        # A consent rule judges the identifiers and faces a post shows, so with one selected every
        # detector runs (select/ignore then decide what is reported, as in ruff).
        consent = any(r.category == Category.CONSENT for r in self.active)
        detected = self.rules.rules if consent else self.active
        self._by_code = {r.code: r for r in detected}
        # what the analyzer is asked for, built once; post-level rules run after it
        self._entities = [r.code for r in detected if not (r.detect.post or r.detect.image)]
        self._image_rules: dict[str, Rule] = {r.detect.image: r for r in detected if r.detect.image}  # rules/images
        self._post_rules = {r.code for r in self.active if r.detect.post}
        self._advice_rules = [r for r in self.rules.rules if r.category == Category.ADVICE]  # read the shared parse
        if ledger is None and self.config.consent_ledger:
            ledger = open_ledger(self.config.consent_ledger, self.config.base_dir)
        self.ledger = ledger
        self.today = today
        self._lexicons = LexiconIndex(self.rules.lexicons)
        self.findings = FindingMaker(self.rules, self.config.severity)
        self._runtimes: dict[Lang, LanguageRuntime] = {}
        # the learned context model (phiguard.learned), read on first use; training sets a recorder
        given: dict[ModelName, LinearModel | None] = {
            "identifier": identifier_model,
            "consent": consent_model,
            "advice": advice_model,
            "story": story_model,
        }
        self._models = {name: m for name, m in given.items() if m is not None}
        self.recorder: Callable[[CandidateRecord], None] | None = None
        # training: what a post-level check's model reads of each post, by model name ("advice")
        self.post_recorders: dict[str, Callable[[str | None, Features], None]] = {}

    # -- public API -------------------------------------------------------------------------------
    def lint(self, post: Post | str, lang: Lang | None = None) -> Report:
        """Lint one post (or plain text). ``lang`` forces the language."""
        return next(self.lint_many([post], lang=lang))

    def lint_many(self, posts: Iterable[Post | str], lang: Lang | None = None) -> Iterator[Report]:
        """Lint many posts lazily, batching the NLP per language; reports come back in order. ``lang``
        forces every post's language: one of the config's ``languages`` (anything else is an
        :class:`ArgumentError`)."""
        if lang is not None and lang not in self.config.languages:
            shown = lang if isinstance(lang, str) and lang.isalpha() and len(lang) < 12 else "that value"
            raise ArgumentError(
                f"lang {shown!r} is not one of this Linter's languages ({', '.join(self.config.languages)})",
                "pass one of them, or None to detect each post's language",
            )
        it = iter(posts)
        done = 0
        while batch := list(islice(it, self.config.batch_size * 4)):
            try:
                yield from self._lint_batch([_as_post(p) for p in batch], lang)
            except PostError as exc:  # its index in this batch, made its index among ``posts``
                raise PostError(exc.message, exc.fix, done + exc.index) from None
            done += len(batch)

    def fix(self, post: Post | str, lang: Lang | None = None) -> FixResult:
        """A safe rewrite of one post (or text): see :meth:`fix_many`."""
        return next(self.fix_many([post], lang=lang))

    def fix_many(self, posts: Iterable[Post | str], lang: Lang | None = None) -> Iterator[FixResult]:
        """Each post rewritten by its rules' ``fix`` operators (phiguard.rewrite.fixes, through
        presidio-anonymizer) and linted again, in order; the posts are read in batches as
        :meth:`lint_many`, each rewrite on its own, in the language its post was read in, until it brings
        up nothing new (:func:`phiguard.rewrite.fixes.settle`)."""
        it = iter(posts)
        initials = self.config.fix_names == "initials"
        while batch := [_as_post(p) for p in islice(it, self.config.batch_size * 4)]:
            for p, report in zip(batch, self.lint_many(batch, lang=lang), strict=True):
                read_as = lang or report.languages.get("body") or p.lang

                def again(rewrite: Post, read_as: Lang | None = read_as) -> Report:
                    return self.lint(rewrite.model_copy(update={"lang": read_as}), lang=lang)

                edits, fixed, after = fixes.settle(p, report, self.rules, again, initials=initials)
                yield fixes.FixResult(p, fixed.model_copy(update={"lang": p.lang}), tuple(edits), after.findings)

    def with_consent(self, ledger: MemoryLedger | None, today: date | None = None) -> Linter:
        """A Linter sharing this one's rules and loaded models, with another consent ledger and date."""
        other = copy.copy(self)
        other.ledger, other.today = ledger, today
        return other

    def with_image_roots(self, roots: tuple[Path, ...]) -> Linter:
        """A Linter sharing this one's rules and loaded models that opens attached images only inside
        ``roots`` (the CLI passes the drafts' folder and ``images.roots``)."""
        other = copy.copy(self)
        images = self.config.images.model_copy(update={"roots": roots})
        other.config = self.config.model_copy(update={"images": images})
        other.__dict__.pop("images", None)  # the inspector is rebuilt with the new roots
        return other

    def runtime(self, lang: Lang) -> LanguageRuntime:
        if lang not in self._runtimes:
            self._runtimes[lang] = load_language(lang, self.config.models[lang], self.rules)
        return self._runtimes[lang]

    # -- pipeline ---------------------------------------------------------------------------------
    def _language(self, post: Post, forced: Lang | None) -> Lang:
        chosen = forced or post.lang
        if chosen:
            return chosen
        text = " ".join(t for _, t in post.scopes())
        return detect(text, self.config.default_language, self.config.languages)

    @cached_property
    def images(self) -> ImageInspector:
        """Reads attached images; Pillow is imported on the first post that has one."""
        from phiguard.detect.images import ImageInspector

        return ImageInspector(self.config.images)

    def _read_images(self, posts: list[Post]) -> dict[int, list[ImageFacts]]:
        """Every attached image of the batch, read in threads (Tesseract runs as a separate program)."""
        wanted = [(i, path) for i, post in enumerate(posts) for path in post.images]
        if not wanted or not self.config.images.check:
            return {}
        self.images.require()
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(len(wanted), IMAGE_THREADS)) as pool:
            facts = list(pool.map(self.images.inspect, [path for _, path in wanted]))
        out: dict[int, list[ImageFacts]] = defaultdict(list)
        for (i, _), fact in zip(wanted, facts, strict=True):
            out[i].append(fact)
        return out

    def _lint_batch(self, posts: list[Post], forced: Lang | None) -> Iterator[Report]:
        images = self._read_images(posts)
        # the texts found in images become scopes of the post; each scope remembers its image and words
        image_scopes: dict[int, dict[str, tuple[ImageFacts, ImageText]]] = {}
        for i, facts in images.items():
            found_texts: dict[str, tuple[ImageFacts, ImageText]] = {
                Scope.of("image", k, t.scope): (fact, t) for k, fact in enumerate(facts) for t in fact.texts
            }
            image_scopes[i] = found_texts
            pairs = tuple((scope, t.text) for scope, (_, t) in found_texts.items())
            posts[i] = posts[i].model_copy(update={"image_texts": (*posts[i].image_texts, *pairs)})
        units: list[_Unit] = []
        langs: list[Lang] = []
        # what each post says as a whole (``post_signals``; "lex:care": it discloses care in some scope)
        signals: list[Features] = []
        stories: list[float] = []  # how likely each post tells one person's health story: read by every candidate
        for i, post in enumerate(posts):
            scopes = post.scopes()
            length = sum(len(text) for _, text in scopes)
            if length > self.config.max_post_chars:
                raise PostError(
                    f"a post of {length:,} characters, more than max-post-chars "
                    f"({self.config.max_post_chars:,}); it was not checked",
                    "split the text or raise max-post-chars",
                    i,
                )
            lang = self._language(post, forced)
            langs.append(lang)
            signals.append(post_signals(post, self._lexicons, {scope: lang for scope, _ in scopes}, advice=False))
            stories.append(self.story_model.score(story_features(signals[-1])))
            for scope, text in scopes:
                units += [_Unit(i, post.id, scope, off, chunk, lang) for off, chunk in _chunks(_clean(text))]
        found: dict[int, list[Finding]] = defaultdict(list)
        scored: dict[int, list[ScoredCandidate]] = defaultdict(list)
        parsed: dict[int, list[Parsed]] = defaultdict(list)  # the shared parse, reused by the advice rules
        by_lang: dict[Lang, list[_Unit]] = defaultdict(list)
        for unit in units:
            by_lang[unit.lang].append(unit)
        cpu: dict[int, float] = defaultdict(float)  # CPU seconds spent on each post: tokenizing, analysis
        for lang, group in by_lang.items():
            runtime = self.runtime(lang)
            texts = [u.text for u in group]

            def parsing(k: int, seconds: float, group: list[_Unit] = group) -> None:
                self._spend(cpu, group[k], posts, seconds)

            parses = runtime.artifacts(texts, self.config.batch_size, parsing)
            for unit, artifacts in zip(group, parses, strict=True):
                started, skipped = time.process_time(), PRESIDIO_LOG.timeouts()
                try:
                    found[unit.post] += self._analyze(
                        unit,
                        runtime,
                        artifacts,
                        "lex:care" in signals[unit.post],
                        stories[unit.post],
                        scored[unit.post],
                    )
                except PatternTimeout as exc:
                    raise _timed_out(str(exc), unit.post) from None
                if PRESIDIO_LOG.timeouts() != skipped:  # Presidio skipped a pattern: fewer findings, never
                    raise _timed_out("a Presidio pattern", unit.post)
                self._spend(cpu, unit, posts, time.process_time() - started)
                if any(rule.applies_to(unit.scope) for rule in self._advice_rules):  # their `scope:` selectors
                    tokens = artifacts.tokens  # type: ignore[attr-defined]
                    parsed[unit.post].append(Parsed(unit.scope, unit.offset, tokens, lang, unit.text))
        for i, facts in images.items():
            found[i] = [*_placed(found[i], image_scopes[i]), *self._image_findings(facts, langs[i])]
        tools = PostTools(
            maker=self.findings,
            lexicons=self._lexicons,
            active=frozenset(self._post_rules),
            model=self.model,
            today=self.today or date.today(),
            ledger=self.ledger,
            common_words={lang: rt.common_words for lang, rt in self._runtimes.items()},
            replies=self.config.advice_reply,
            recorders=self.post_recorders,
        )
        for i, post in enumerate(posts):
            languages: dict[str, Lang] = {scope: langs[i] for scope, _ in post.scopes()}
            item = PostInput(post, languages, parsed[i], scored[i], signals[i], stories[i])
            verdict = Verdict(tuple(found[i]))
            try:
                for check in POST_CHECKS:
                    verdict = check.run(item, tools, verdict)
            except LedgerError as exc:  # a consent record of this post: named by its place, not its id
                raise PostError(exc.message, exc.fix, i) from None
            findings = sorted(
                (f for f in (*verdict.spans, *verdict.posts) if f.rule in self._reported),
                key=lambda f: (-f.severity.rank, f.scope, f.start, f.rule),
            )
            yield Report(post=post, findings=tuple(findings), languages=languages, fail_on=self.config.fail_on)

    def _spend(self, cpu: dict[int, float], unit: _Unit, posts: list[Post], seconds: float) -> None:
        """Count CPU time against a post's budget (``post-cpu-seconds``): over it, the post is an error
        (fail closed: a post phiguard could not finish is never reported clean)."""
        cpu[unit.post] += seconds
        if cpu[unit.post] > self.config.post_cpu_seconds:
            raise PostError(
                f"a post took more than {self.config.post_cpu_seconds:g} s of CPU (post-cpu-seconds); it was not "
                "checked",
                "shorten the post or raise post-cpu-seconds",
                unit.post,
            )

    def _image_findings(self, facts: list[ImageFacts], lang: Lang) -> list[Finding]:
        """What an image shows or carries beyond words (faces, GPS, serial numbers) or why it is
        unchecked, as findings of the rules in rules/images."""
        events: list[tuple[str, int, ImageFacts, str, Box | None, str]] = []  # source, index, fact, value, box, note
        for k, fact in enumerate(facts):
            if fact.problem:
                events.append(("unchecked", k, fact, "", None, fact.problem))
            if fact.gps:
                events.append(("gps", k, fact, f"{fact.gps[0]:.5f}, {fact.gps[1]:.5f}", None, ""))
            events += [("serial", k, fact, serial, None, f"records it in EXIF {name}") for name, serial in fact.serials]
            events += [("face", k, fact, "", box, "") for box in fact.faces]
        return [
            self.findings.make(
                rule.code,
                message=f"{rule.message} The image {note}." if note else rule.message,
                scope=Scope.of("image", k),
                lang=lang,
                evidence=(Evidence.of("image", source),),
                image=fact.path,
                box=box,
                value=value,
            )
            for source, k, fact, value, box, note in events
            if (rule := self._image_rules.get(source)) is not None  # None: not selected
        ] + self._partly_checked(facts, lang)

    def _partly_checked(self, facts: list[ImageFacts], lang: Lang) -> list[Finding]:
        """An IMG001 warning for each image checked without a tool that is not installed (``images.require-tools``
        off), and for each image with frames or metadata past phiguard's bounds: a person should look at
        what phiguard could not read."""
        rule = self._image_rules.get("unchecked")
        if rule is None:
            return []
        parts = [(k, fact, fact.partial, "tools-missing") for k, fact in enumerate(facts) if fact.partial]
        parts += [(k, fact, "; ".join(fact.unread), "unread") for k, fact in enumerate(facts) if fact.unread]
        return [
            self.findings.make(
                rule.code,
                severity=Severity.WARNING,
                message=f"An attached image was checked only in part: {what}.",
                scope=Scope.of("image", k),
                lang=lang,
                evidence=(Evidence.of("image", why),),
                image=fact.path,
            )
            for k, fact, what, why in parts
        ]

    def _analyze(
        self,
        unit: _Unit,
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
            entities=self._entities,
            nlp_artifacts=artifacts,
        )
        ctx = ScopeContext(
            text=unit.text,
            lang=unit.lang,
            doc=artifacts.tokens,  # type: ignore[attr-defined]
            lexicons=self._lexicons,
            allowlist=self.config.allowlist,
            common_words=runtime.common_words,
            lemma=runtime.lemma,
            post_care=post_care,
        )
        weighed: list[tuple[Severity, Candidate, tuple[str, ...]]] = []
        scores: dict[tuple[int, int, str], float] = {}
        text = text_features(ctx, unit.scope.kind) if results else None
        for r in results:
            if r.entity_type not in self._by_code:
                continue  # a recognizer shared with a rule that select/ignore left out
            rule, source = self._by_code[r.entity_type], _source(r)
            if not rule.applies_to(unit.scope):
                continue  # the rule's `scope:` leaves this text out
            pieces = _entity_pieces(unit.text, r.start, r.end) if source.kind == "ner" else [(r.start, r.end)]
            for start, end in pieces:
                cand = Candidate(rule, start, end, r.score, source)
                assert text is not None
                decided = self._weigh(cand, ctx, unit, text, story)
                if decided is not None:
                    severity, score = decided
                    weighed.append((severity, cand, ()))
                    key = (cand.start, cand.end, cand.rule.code)
                    scores[key] = max(scores.get(key, 0.0), score)
                    scored.append(
                        ScoredCandidate(cand.rule.code, cand.rule.entity, unit.scope, score, cand.end + unit.offset)
                    )
        return [
            self.findings.make(
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
            for severity, c, why in _resolve_overlaps(weighed)
        ]

    def model(self, name: ModelName) -> LinearModel:
        """The learned model ``name`` this Linter uses, read on first use (copies made by
        :meth:`with_consent` share what is read)."""
        if name not in self._models:
            self._models[name] = self._learned(name)
        return self._models[name]

    @property
    def story_model(self) -> LinearModel:
        return self.model("story")

    @property
    def identifier_model(self) -> LinearModel:
        return self.model("identifier")

    @property
    def consent_model(self) -> LinearModel:
        return self.model("consent")

    @property
    def advice_model(self) -> LinearModel:
        return self.model("advice")

    def _learned(self, name: ModelName) -> LinearModel:
        """The shipped model ``name``, or the one in the config's ``learned-models`` folder (a missing or
        corrupt file there is PG104, never a fallback to the shipped one)."""
        folder = self.config.learned_models_dir()
        return read_model(folder / f"{name}.json", name) if folder is not None else load_model(name)

    def _weigh(
        self, c: Candidate, ctx: ScopeContext, unit: _Unit, text: TextFeatures, story: float
    ) -> tuple[Severity, float] | None:
        """The candidate's severity and score from the learned context model, or None to drop it: a failed
        validator (checksum), the allowlist and what Safe Harbor leaves out (a year alone, a country)
        drop it before the model is asked. Training records the features without the story score (it
        adds out-of-fold story scores of its own)."""
        rule = c.rule
        if rule.detect.validator and not VALIDATORS[rule.detect.validator](ctx.value(c)):
            return None
        if any(CHECKS[name](c, ctx) for name in rule.context.drop):
            return None
        features = candidate_features(c, ctx, text)
        model = self.identifier_model
        score = model.score(with_story(features, rule.entity, story))
        if self.recorder is not None:
            self.recorder(
                CandidateRecord(
                    unit.post_id,
                    unit.scope,
                    c.start + unit.offset,
                    c.end + unit.offset,
                    rule.code,
                    rule.entity,
                    features,
                )
            )
        severity = model.severity(score)
        floor = rule.context.floor
        if floor is not None and severity < floor.severity:

            def says_yes(name: str) -> bool:  # a check the features already ran is not run again
                return bool(features.get(f"chk:{name}")) if name in rule.context.checks else CHECKS[name](c, ctx)

            if all(says_yes(name) for name in floor.when) and not any(says_yes(name) for name in floor.unless):
                severity = floor.severity
        return self.findings.severity(rule.code, severity), score


def _timed_out(what: str, post: int) -> PostError:
    """A post a pattern could not finish on: an error, since a pattern skipped is findings lost."""
    return PostError(
        f"a post was not checked: {what} ran past its time limit on it (the machine too busy, or a text "
        "that makes the pattern slow)",
        "run again on a less loaded machine, or report the post's shape (not its text) to phiguard",
        post,
    )


def _placed(findings: list[Finding], image_scopes: dict[str, tuple[ImageFacts, ImageText]]) -> list[Finding]:
    """Findings in image texts, with their image and (for OCR text) the box around the match."""
    out = []
    for f in findings:
        if f.scope in image_scopes:
            fact, text = image_scopes[f.scope]
            f = f.model_copy(update={"image": fact.path, "box": text.box(f.start, f.end)})
        out.append(f)
    return out


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


def _resolve_overlaps(
    weighed: list[tuple[Severity, Candidate, tuple[str, ...]]],
) -> list[tuple[Severity, Candidate, tuple[str, ...]]]:
    """One finding per stretch of text: where candidates overlap, keep the most severe, then the
    longest, then the most confident; the rules it absorbed are named in its evidence (``also:CODE``)."""
    ordered = sorted(weighed, key=lambda t: (-t[0].rank, -(t[1].end - t[1].start), -t[1].score))
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
