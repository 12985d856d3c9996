"""The package's shape: no import circles (lazy imports inside functions count; TYPE_CHECKING ones don't)."""

from __future__ import annotations

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import phiguard

PACKAGE = Path(phiguard.__file__).parent


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out[".".join(parts).removesuffix(".__init__")] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    found: set[str] = set()

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if "TYPE_CHECKING" in ast.unparse(node.test):
                for child in node.orelse:
                    self.visit(child)
                return
            self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            found.update(a.name for a in node.names if a.name in modules)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.module not in modules:
                return
            subs = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules]
            found.update(subs)
            if len(subs) < len(node.names):  # a name from the module itself, not a submodule
                found.add(node.module)

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def test_no_module_imports_itself_through_others() -> None:
    modules = _modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import circle: {' -> '.join(exc.args[1])}") from None


_HEAVY = ("spacy", "thinc", "presidio_analyzer", "presidio_anonymizer")


@pytest.mark.parametrize("argv", [["--version"], ["rules"], ["rules", "PHI003"], ["rules", "--docs", "{tmp}"]])
def test_rules_and_version_load_no_nlp(argv: list[str], tmp_path: Path) -> None:
    """`phiguard rules` and `--version` read YAML and print: they start at once, without spaCy or Presidio
    (the rule names a rule file gives are checked against light registries)."""
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code = (
        "import sys, contextlib, io\n"
        "from phiguard.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({argv!r}) == 0\n"
        f"print(sorted(m for m in {_HEAVY!r} if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_the_presidio_recognizers_a_rule_may_name_are_the_ones_built() -> None:
    from typing import get_args

    from phiguard.detect.recognizers import PRESIDIO_RECOGNIZERS
    from phiguard.rulepack.schema import PresidioRecognizer

    assert set(PRESIDIO_RECOGNIZERS) == set(get_args(PresidioRecognizer))
