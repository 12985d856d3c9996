"""Post-level checks: a verdict on a whole post rather than a span, one module each (what a check is:
:mod:`phiguard.posts.check`).

``advice`` (personal medical advice to one person) runs first; ``featured`` (does the post feature a
patient, and is a consent on record; the records in ``ledger``) then knows whom a reply advises. A rule
file names the kind it reports (``detect: {post: consent.missing}``); :func:`post_kinds` is what the
rule loader accepts. Another check is added with :func:`register` (before the rules are loaded).
"""

from __future__ import annotations

from phiguard.posts.advice import AdviceCheck
from phiguard.posts.check import PostCheck
from phiguard.posts.featured import ConsentCheck

CHECKS: list[PostCheck] = [AdviceCheck(), ConsentCheck()]  # in the order they run on each post


def register(check: PostCheck) -> None:
    """Run ``check`` on every post too, after the built-in checks; its kinds become names a rule file may
    give. A kind another check already reports is an error."""
    taken = post_kinds() & set(check.kinds)
    if taken:
        raise ValueError(f"post-level kinds already reported by another check: {sorted(taken)}")
    CHECKS.append(check)


def unregister(check: PostCheck) -> None:
    CHECKS.remove(check)


def post_kinds() -> set[str]:
    """Every kind a rule file may name in ``detect.post``."""
    return {kind for check in CHECKS for kind in check.kinds}
