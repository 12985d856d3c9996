"""Fail closed: a missing model or a bad config raises a coded error that names the fix."""

from __future__ import annotations

import pytest

from phiguard import Config, Linter, Report, Severity
from phiguard.errors import ConfigError, ModelNotAvailable


def test_missing_model_is_a_coded_error_not_a_clean_report() -> None:
    linter = Linter(Config(models={"en": "no_such_model_xyz"}))
    with pytest.raises(ModelNotAvailable) as info:
        linter.lint("Welcome home, Rosa!", lang="en")
    assert info.value.code == "PG101"
    assert "no_such_model_xyz" in str(info.value)
    assert "Rosa" not in str(info.value)


def test_unknown_config_key_is_named() -> None:
    with pytest.raises(ConfigError, match="serverity"):
        Config.from_mapping({"serverity": {"PHI001": "error"}})


def test_unsupported_language_model_is_rejected() -> None:
    with pytest.raises(ConfigError, match="unsupported languages"):
        Config.from_mapping({"models": {"fr": "fr_core_news_sm"}})


def test_select_and_ignore_longest_prefix_wins() -> None:
    config = Config(select=("PHI",), ignore=("PHI0",), severity={})
    assert not config.selected("PHI001")
    config = Config(select=("PHI00",), ignore=("PHI0",))
    assert config.selected("PHI001") and not config.selected("PHI010")
    assert Config().selected("ADV001")


def test_ignored_rules_do_not_run(linter: Linter) -> None:
    text = "Welcome home, Rosa! Her new knee is working wonders since March."
    quiet = Linter(Config(ignore=("PHI002", "PHI001", "PHI010", "CON")), rules=linter.rules)
    assert not quiet.lint(text, lang="en").findings
    # the consent model reads the post, not only the identifier rules: ignoring them may keep CON001
    names_off = Linter(Config(ignore=("PHI002", "PHI001", "PHI010")), rules=linter.rules)
    assert {f.rule for f in names_off.lint(text, lang="en").findings} <= {"CON001"}


def test_allowlist_silences_the_organisations_own_details(linter: Linter) -> None:
    text = "Reach Priya's family at 512-555-0199 or write to priya@stdavids-example.org."
    config = Config(allowlist={"phones": ["(512) 555-0199"], "domains": ["stdavids-example.org"]})
    allowed = Linter(config, rules=linter.rules)
    spans = {"phone": (text.index("512"), text.index(" or")), "mail": (text.index("priya@"), len(text) - 1)}

    def covered(report: Report) -> set[str]:
        return {
            k for k, (a, b) in spans.items() for f in report.at_least(Severity.WARNING) if f.start < b and a < f.end
        }

    assert covered(allowed.lint(text, lang="en")) == set()
    assert covered(linter.lint(text, lang="en")) == {"phone", "mail"}
