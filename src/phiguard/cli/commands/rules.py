"""``phiguard rules``: list the rules, explain one, or write one Markdown page per rule (``--docs``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from phiguard.cli import options
from phiguard.codes import TOOL_RULES, unknown_message
from phiguard.errors import ArgumentError
from phiguard.outputs.rules import write_list, write_rule, write_tool_rule

NAME = "rules"
HELP = "list the rules, or explain one"


def arguments(rules: argparse.ArgumentParser) -> None:
    rules.add_argument("code", nargs="?")
    rules.add_argument("--docs", type=Path, metavar="DIR", help="write one Markdown page per rule into DIR")
    rules.add_argument("--config", type=Path, help="phiguard.toml or pyproject.toml (its rule-dirs are listed too)")


def run(args: argparse.Namespace) -> int:
    from phiguard.rulepack.loader import load_rules

    config, _ = options.config_of(args)
    rules = load_rules(config.rule_dirs)  # the built-in packs and the configured rule-dirs
    if args.docs:
        from phiguard.rulepack.docs import write_docs

        written = write_docs(rules, args.docs)
        print(f"phiguard: wrote {len(written)} page(s) to {args.docs}", file=sys.stderr)
        return 0
    if args.code:
        code = args.code.upper()
        if code in TOOL_RULES:
            write_tool_rule(code, sys.stdout)
            return 0
        try:
            rule = rules.by_code(code)
        except KeyError:
            known = [*rules.codes, *TOOL_RULES]
            raise ArgumentError(
                unknown_message(args.code, known, exact=True), "run `phiguard rules` for the list"
            ) from None
        write_rule(rule, sys.stdout)
        return 0
    write_list(rules, sys.stdout)
    return 0
