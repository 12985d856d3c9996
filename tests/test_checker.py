"""phiguard.run.check as a library: the caller owns its Linter; no module keeps one."""

from __future__ import annotations

import sys
from pathlib import Path

from phiguard import Linter
from phiguard.config import Config
from phiguard.run.check import check
from phiguard.run.linters import LinterCache

DRAFTS = Path(__file__).parent / "fixtures" / "drafts"


def test_check_lints_with_the_callers_linter_and_no_module_keeps_one(linter: Linter) -> None:
    calls = 0
    lint_many = linter.lint_many

    def counted(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return lint_many(*args, **kwargs)  # type: ignore[arg-type]

    linter.lint_many = counted  # type: ignore[method-assign]
    try:
        result = check([str(DRAFTS)], linter.config, linter=linter)
    finally:
        del linter.lint_many
    assert calls == 1 and result.findings
    for name, module in list(sys.modules.items()):
        if name.startswith("phiguard") and name != "phiguard.cli.options":  # the CLI is a caller: it holds LINTERS
            for value in vars(module).values():
                assert not isinstance(value, Linter | LinterCache), name
                if isinstance(value, dict):
                    assert not any(isinstance(v, Linter) for v in value.values()), name


def test_a_linter_cache_builds_one_linter_per_configuration() -> None:
    cache = LinterCache()
    a, b = Config(), Config(fail_on="error")
    assert cache.get(a) is cache.get(Config()) and cache.get(b) is not cache.get(a)
    cache.clear()
    assert cache.get(a) is not None
