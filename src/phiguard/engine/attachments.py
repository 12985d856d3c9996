"""Attached images in the pipeline: read once per batch, in threads (Tesseract runs as a separate
program), their texts placed as scopes of the post, and what they show or carry beyond words (faces,
GPS, serial numbers, an image that could not be checked) as findings of the rules in ``rules/images``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from phiguard.models import Box, Evidence, Finding, Lang, Post, Scope, Severity
from phiguard.rulepack.findings import FindingMaker
from phiguard.rulepack.schema import Rule

if TYPE_CHECKING:
    from phiguard.detect.image_metadata import ImageText
    from phiguard.detect.images import ImageFacts, ImageInspector

IMAGE_THREADS = 4  # images read at once (Tesseract and OpenCV work outside the GIL)


def read_images(posts: list[Post], check: bool, inspector: Callable[[], ImageInspector]) -> dict[int, list[ImageFacts]]:
    """Every attached image of the batch, read in threads (Tesseract runs as a separate program)."""
    wanted = [(i, path) for i, post in enumerate(posts) for path in post.images]
    if not wanted or not check:
        return {}
    images = inspector()
    images.require()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(len(wanted), IMAGE_THREADS)) as pool:
        facts = list(pool.map(images.inspect, [path for _, path in wanted]))
    out: dict[int, list[ImageFacts]] = defaultdict(list)
    for (i, _), fact in zip(wanted, facts, strict=True):
        out[i].append(fact)
    return out


def image_findings(
    facts: list[ImageFacts], lang: Lang, rules: Mapping[str, Rule], maker: FindingMaker
) -> list[Finding]:
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
        maker.make(
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
        if (rule := rules.get(source)) is not None  # None: not selected
    ] + _partly_checked(facts, lang, rules, maker)


def _partly_checked(
    facts: list[ImageFacts], lang: Lang, rules: Mapping[str, Rule], maker: FindingMaker
) -> list[Finding]:
    """An IMG001 warning for each image checked without a tool that is not installed (``images.require-tools``
    off), and for each image with frames or metadata past phiguard's bounds: a person should look at
    what phiguard could not read."""
    rule = rules.get("unchecked")
    if rule is None:
        return []
    parts = [(k, fact, fact.partial, "tools-missing") for k, fact in enumerate(facts) if fact.partial]
    parts += [(k, fact, "; ".join(fact.unread), "unread") for k, fact in enumerate(facts) if fact.unread]
    return [
        maker.make(
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


def placed(findings: list[Finding], image_scopes: dict[str, tuple[ImageFacts, ImageText]]) -> list[Finding]:
    """Findings in image texts, with their image and (for OCR text) the box around the match."""
    out = []
    for f in findings:
        if f.scope in image_scopes:
            fact, text = image_scopes[f.scope]
            f = f.model_copy(update={"image": fact.path, "box": text.box(f.start, f.end)})
        out.append(f)
    return out
