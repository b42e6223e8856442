"""zizmor audits the workflows and action.yml (`make lint-workflows`): expression injection into
shell, unpinned actions, credentials left in checkouts. The tests prove the audit runs clean on
ours and still catches the classes it is there for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
ZIZMOR = Path(sys.executable).with_name("zizmor")


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    if not ZIZMOR.exists():
        if sys.version_info >= (3, 11):
            pytest.fail("zizmor is in the dev lock: run `make test` to install it")
        pytest.skip("zizmor needs Python 3.11+")
    return subprocess.run(
        [str(ZIZMOR), "--offline", "--quiet", "--format", "plain", *map(str, paths)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip


def test_our_workflows_and_action_pass() -> None:
    proc = zizmor(WORKFLOWS, ROOT / "action.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout


def test_a_ref_pasted_into_a_run_line_is_caught(tmp_path: Path) -> None:
    # The shape the spec-diff workflow once had: a branch name git accepts runs in the shell.
    workflow = tmp_path / ".github" / "workflows" / "diff.yml"
    workflow.parent.mkdir(parents=True)
    text = (WORKFLOWS / "spec-diff.yml").read_text()
    assert 'BASE="origin/$BASE_REF"' in text
    workflow.write_text(text.replace("$BASE_REF", "${{ github.base_ref }}"))
    proc = zizmor(workflow)
    assert proc.returncode != 0
    assert "template-injection" in proc.stdout
    assert "github.base_ref" in proc.stdout


def test_an_action_pinned_to_a_tag_is_caught(tmp_path: Path) -> None:
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    text = (WORKFLOWS / "ci.yml").read_text()
    pinned = "actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0"
    assert pinned in text
    workflow.write_text(text.replace(pinned, "actions/checkout@v4"))
    proc = zizmor(workflow)
    assert proc.returncode != 0
    assert "unpinned-uses" in proc.stdout
