"""The Linter: posts in, reports out. It drives the pipeline's stages, each in a module of its own:

1. read the texts (``engine.texts``: each scope in chunks, cleaned; attached images read and their
   texts made scopes, ``engine.attachments``), pick a language per post and score its story;
2. parse every text once, batched through ``nlp.pipe`` per language (``engine.nlp``);
3. analyze and weigh the candidates, one finding per stretch of text (``engine.spans``);
4. run the post-level checks (``phiguard.posts``) and report.

Models load on first use of a language and stay loaded.
"""

from __future__ import annotations

import copy
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from datetime import date
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from phiguard.config import Config
from phiguard.detect.recognizers import PatternTimeout
from phiguard.engine.attachments import image_findings, placed, read_images
from phiguard.engine.nlp import PRESIDIO_LOG, LanguageRuntime, load_language
from phiguard.engine.spans import SpanStage, timed_out
from phiguard.engine.texts import Unit, as_post, chunks, clean
from phiguard.errors import ArgumentError, PostError
from phiguard.lang.detect import detect
from phiguard.learned import LinearModel, ModelName, read_model
from phiguard.learned import load as load_model
from phiguard.learned.features import (
    CandidateRecord,
    Features,
    ScoredCandidate,
    post_signals,
    story_features,
)
from phiguard.models import Category, Finding, Lang, Post, Report, Scope
from phiguard.posts import CHECKS as POST_CHECKS
from phiguard.posts.check import Parsed, PostInput, PostTools, Verdict
from phiguard.posts.ledger import LedgerError, MemoryLedger, open_ledger
from phiguard.rewrite import fixes
from phiguard.rewrite.fixes import FixResult
from phiguard.rulepack.findings import FindingMaker
from phiguard.rulepack.lexicon import LexiconIndex, lexicons_in_use
from phiguard.rulepack.loader import load_rules
from phiguard.rulepack.schema import Rule, RuleSet

if TYPE_CHECKING:
    from phiguard.detect.image_metadata import ImageText
    from phiguard.detect.images import ImageFacts, ImageInspector


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
        self.lexicons = LexiconIndex(self.rules.lexicons)
        self.findings = FindingMaker(self.rules, self.config.severity, self.config.messages)
        self._runtimes: dict[Lang, LanguageRuntime] = {}
        self._zones: ExitStack | None = None  # the batch's memory zones (runtime), while a batch runs
        self._zoned: set[Lang] = set()
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
                # a user's rule-dirs may replace a built-in lexicon; what spaCy learns of a batch's words
                # is freed after it (runtime: memory zones)
                with lexicons_in_use(self.lexicons), ExitStack() as zones:
                    self._zones, self._zoned = zones, set()
                    try:
                        reports = list(self._lint_batch([as_post(p) for p in batch], lang))
                    finally:
                        self._zones = None
                self.lexicons.forget_texts()
                yield from reports
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
        while batch := [as_post(p) for p in islice(it, self.config.batch_size * 4)]:
            for p, report in zip(batch, self.lint_many(batch, lang=lang), strict=True):
                read_as = lang or report.languages.get("body") or p.lang

                def again(rewrite: Post, read_as: Lang | None = read_as) -> Report:
                    return self.lint(rewrite.model_copy(update={"lang": read_as}), lang=lang)

                with lexicons_in_use(self.lexicons):
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
        """The language's models, loaded on first use. Inside a batch, the pipeline enters a spaCy memory
        zone (after loading, never around it): the strings and lexemes the batch's texts add to the
        vocabulary are freed when the batch ends, so a long-running process (serve, lsp, audit) does not
        grow with every new word it reads."""
        if lang not in self._runtimes:
            self._runtimes[lang] = load_language(lang, self.config.models[lang], self.rules)
        runtime = self._runtimes[lang]
        if self._zones is not None and lang not in self._zoned:
            self._zones.enter_context(runtime.engine.nlp[lang].memory_zone())  # type: ignore[attr-defined]
            self._zoned.add(lang)
        return runtime

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

    def _lint_batch(self, posts: list[Post], forced: Lang | None) -> Iterator[Report]:
        images = read_images(posts, self.config.images.check, lambda: self.images)
        # the texts found in images become scopes of the post; each scope remembers its image and words
        image_scopes: dict[int, dict[str, tuple[ImageFacts, ImageText]]] = {}
        for i, facts in images.items():
            found_texts: dict[str, tuple[ImageFacts, ImageText]] = {
                Scope.of("image", k, t.scope): (fact, t) for k, fact in enumerate(facts) for t in fact.texts
            }
            image_scopes[i] = found_texts
            pairs = tuple((scope, t.text) for scope, (_, t) in found_texts.items())
            posts[i] = posts[i].model_copy(update={"image_texts": (*posts[i].image_texts, *pairs)})
        units: list[Unit] = []
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
            signals.append(post_signals(post, self.lexicons, {scope: lang for scope, _ in scopes}, advice=False))
            stories.append(self.model("story").score(story_features(signals[-1])))
            for scope, text in scopes:
                units += [Unit(i, post.id, scope, off, chunk, lang) for off, chunk in chunks(clean(text))]
        found: dict[int, list[Finding]] = defaultdict(list)
        scored: dict[int, list[ScoredCandidate]] = defaultdict(list)
        parsed: dict[int, list[Parsed]] = defaultdict(list)  # the shared parse, reused by the advice rules
        by_lang: dict[Lang, list[Unit]] = defaultdict(list)
        for unit in units:
            by_lang[unit.lang].append(unit)
        cpu: dict[int, float] = defaultdict(float)  # CPU seconds spent on each post: tokenizing, analysis
        spans = SpanStage(
            self._by_code,
            self._entities,
            self.lexicons,
            self.config.allowlist,
            self.findings,
            lambda: self.model("identifier"),
            self.recorder,
        )
        for lang, group in by_lang.items():
            runtime = self.runtime(lang)
            texts = [u.text for u in group]

            def parsing(k: int, seconds: float, group: list[Unit] = group) -> None:
                self._spend(cpu, group[k], posts, seconds)

            parses = runtime.artifacts(texts, self.config.batch_size, parsing)
            for unit, artifacts in zip(group, parses, strict=True):
                started, skipped = time.process_time(), PRESIDIO_LOG.timeouts()
                try:
                    found[unit.post] += spans.analyze(
                        unit,
                        runtime,
                        artifacts,
                        "lex:care" in signals[unit.post],
                        stories[unit.post],
                        scored[unit.post],
                    )
                except PatternTimeout as exc:
                    raise timed_out(str(exc), unit.post) from None
                if PRESIDIO_LOG.timeouts() != skipped:  # Presidio skipped a pattern: fewer findings, never
                    raise timed_out("a Presidio pattern", unit.post)
                self._spend(cpu, unit, posts, time.process_time() - started)
                if any(rule.applies_to(unit.scope) for rule in self._advice_rules):  # their `scope:` selectors
                    tokens = artifacts.tokens  # type: ignore[attr-defined]
                    parsed[unit.post].append(Parsed(unit.scope, unit.offset, tokens, lang, unit.text))
        for i, facts in images.items():
            found[i] = [
                *placed(found[i], image_scopes[i]),
                *image_findings(facts, langs[i], self._image_rules, self.findings),
            ]
        tools = PostTools(
            maker=self.findings,
            lexicons=self.lexicons,
            active=frozenset(self._post_rules),
            model=self.model,
            today=self.today or date.today(),
            ledger=self.ledger,
            common_words={lang: rt.common_words for lang, rt in self._runtimes.items()},
            replies=self.config.advice_reply,
            emergency=self.config.emergency_numbers(),
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
                (f for f in (*verdict.spans, *verdict.posts) if self._reports(f)),
                key=lambda f: (-f.severity.rank, f.scope, f.start, f.rule),
            )
            yield Report(post=post, findings=tuple(findings), languages=languages, fail_on=self.config.fail_on)

    def _spend(self, cpu: dict[int, float], unit: Unit, posts: list[Post], seconds: float) -> None:
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

    def _reports(self, f: Finding) -> bool:
        """A finding of a selected rule that covers the language of the text it was found in (a post-level
        rule, say, judges only posts in the languages its examples cover)."""
        rule = self.rules.get(f.rule)
        return f.rule in self._reported and (rule is None or rule.covers(f.lang))

    def model(self, name: ModelName) -> LinearModel:
        """The learned model ``name`` this Linter uses, read on first use (copies made by
        :meth:`with_consent` share what is read)."""
        if name not in self._models:
            self._models[name] = self._learned(name)
        return self._models[name]

    def _learned(self, name: ModelName) -> LinearModel:
        """The shipped model ``name``, or the one in the config's ``learned-models`` folder (a missing or
        corrupt file there is PG104, never a fallback to the shipped one)."""
        folder = self.config.learned_models_dir()
        return read_model(folder / f"{name}.json", name) if folder is not None else load_model(name)
