"""CI proves the README: .ci/run starts with the README's test command, the GitHub workflows only
call make targets that exist, and the Python matrix is the one the package metadata claims."""

from __future__ import annotations

import re
import sys
from typing import Any

import yaml

from scripts.suite_envs import SUPPORTED
from tests.support.constants import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # the dev lock installs tomli on 3.10
    import tomli as tomllib

WORKFLOWS = ROOT / ".github" / "workflows"


def _readme_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    assert block is not None
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def _ci_commands() -> list[str]:
    """The commands .ci/run runs, each written as ``step <command>``."""
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    return [line.removeprefix("step ").strip() for line in lines if line.startswith("step make ")]


def _make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))


def _workflow(name: str) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


def _run_steps(workflow: dict[Any, Any]) -> list[str]:
    return [
        step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step
    ]


def test_the_readme_names_two_commands_and_ci_runs_the_second_first() -> None:
    demo, test = _readme_commands()
    assert (demo, test) == ("make demo", "make test")
    assert _ci_commands()[0] == test


def test_ci_runs_the_floors_and_the_matrix() -> None:
    commands = _ci_commands()
    for needed in ("make lint", "make check-generated", "make test-lowest", "make test-matrix"):
        assert needed in commands
    assert {c.split()[1] for c in commands} <= _make_targets()


def test_the_workflows_only_call_make_targets_that_exist() -> None:
    targets = _make_targets()
    for name in ("ci.yml", "latest.yml"):
        for command in _run_steps(_workflow(name)):
            words = command.split()
            assert words[0] == "make" and words[1] in targets, (name, command)


def test_ci_runs_on_push_and_pull_request_and_latest_weekly() -> None:
    ci, latest = _workflow("ci.yml"), _workflow("latest.yml")
    # YAML 1.1 reads the key `on` as True.
    assert {"push", "pull_request"} <= set(ci[True])
    assert "schedule" in latest[True]
    assert _run_steps(latest) == ["make test-latest PYTHONS=3.13"]
    assert "make test" in _run_steps(ci) and "make test-lowest PYTHONS=3.10" in _run_steps(ci)


def test_the_matrix_is_the_pythons_the_metadata_claims() -> None:
    ci = _workflow("ci.yml")
    matrix = ci["jobs"]["client"]["strategy"]["matrix"]["python"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    claimed = [
        c.rsplit(" :: ", 1)[1] for c in project["classifiers"] if re.search(r":: 3\.\d+$", c)
    ]
    assert matrix == claimed == [v for v in SUPPORTED if v != "3.14"]
    assert project["requires-python"] == f">={claimed[0]}"


def test_the_readme_install_lines_run_as_written() -> None:
    """No placeholder a shell would choke on: a value to substitute is a variable."""
    readme = (ROOT / "README.md").read_text()
    for document in (readme, (ROOT / "docs" / "guides" / "reports.md").read_text()):
        assert "<your-org>" not in document and "<this-repo>" not in document
    assert 'pip install "cekura-results-client @ git+$REPO_URL"' in readme
    assert "[dev]" not in readme  # tools are dependency groups, not something users install


def test_the_readme_links_the_examples_and_its_snippets_import_what_they_use() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "(docs/examples/)" in readme
    for example in (ROOT / "docs" / "examples").glob("*.py"):
        assert f"`{example.name}`" in readme, example.name
    webhook = readme[readme.index("## Receiving webhooks") :]
    assert webhook.index("from cekura_client.gate import evaluate_gate") < webhook.index(
        "evaluate_gate(event.result)"
    )


def test_checkouts_keep_no_credentials_unless_the_job_pushes() -> None:
    """zizmor's artipacked: a checkout leaves the token in .git/config unless told not to. Only
    spec-update pushes (its branch, with the checkout's credentials)."""
    for name in ("ci.yml", "latest.yml", "spec-diff.yml", "spec-update.yml"):
        for job in _workflow(name)["jobs"].values():
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    persist = step.get("with", {}).get("persist-credentials", True)
                    assert persist is (name == "spec-update.yml"), (name, step)
