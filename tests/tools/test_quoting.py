"""User values reach programs as the exact bytes given, never as shell or make code.

The Makefile targets that take a value (SRC, OPERATIONS, BASE, SPEC_DIFF_ARGS) pass it through
an environment variable holding make's unexpanded value and quote it in the recipe; the GitHub
workflows pass every ``${{ ... }}`` a ``run:`` needs through ``env:``. Both are checked by reading
(``make -n``, the YAML) and by running: the recipes with fake programs first in BIN that record
their argv, the workflow's ``run:`` lines in bash with a fake ``make``."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.constants import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PAYLOAD = "https://x.test/spec.json?sig=ab$cd'\";$(touch pwned)"
PROGRAMS = ("cekura-update-spec", "cekura-vendor", "cekura-spec-diff")

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _env() -> dict[str, str]:
    drop = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SRC", "OPERATIONS", "BASE", "SPEC_DIFF_ARGS"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def _fake_bin(tmp_path: Path) -> Path:
    """A BIN whose programs append their argv, as JSON, to argv.jsonl next to it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in PROGRAMS:
        script = bin_dir / name
        script.write_text(
            f"#!{sys.executable}\nimport json, pathlib, sys\n"
            f"with open({str(tmp_path / 'argv.jsonl')!r}, 'a') as f:\n"
            "    f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        )
        script.chmod(0o755)
    return bin_dir


def _make(tmp_path: Path, *args: str, dry: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a Makefile target from tmp_path (where a `pwned` file would appear), with BIN the
    fake programs and the install stamp treated as up to date (`-o`)."""
    bin_dir = tmp_path / "bin" if (tmp_path / "bin").is_dir() else _fake_bin(tmp_path)
    stamp = tmp_path / "stamp"
    command = ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "-o", str(stamp),
               f"BIN={bin_dir}", f"STAMP={stamp}", *(["-n"] if dry else []), *args]  # fmt: skip
    return subprocess.run(
        command, cwd=tmp_path, env=_env(), capture_output=True, text=True, check=False
    )


def _argv(tmp_path: Path) -> list[list[str]]:
    lines = (tmp_path / "argv.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


CASES = [
    ("update-spec", [f"SRC={PAYLOAD}"], ["--source", PAYLOAD]),
    ("vendor", [f"SRC={PAYLOAD}"], [PAYLOAD]),
    ("vendor", [f"SRC={PAYLOAD}", f"OPERATIONS={PAYLOAD}"], [PAYLOAD, "--operations", PAYLOAD]),
    ("spec-diff", [f"BASE={PAYLOAD}"], ["--git-base", PAYLOAD]),
    (
        # SPEC_DIFF_ARGS is a list of arguments: split at blanks, nothing else (no glob).
        "spec-diff",
        [f"BASE={PAYLOAD}", "SPEC_DIFF_ARGS=--output spec-diff.md x$cd';$(touch pwned) *"],
        ["--git-base", PAYLOAD, "--output", "spec-diff.md", "x$cd';$(touch", "pwned)", "*"],
    ),
]
IDS = ["update-spec", "vendor", "vendor-operations", "spec-diff", "spec-diff-args"]


@needs_make
@pytest.mark.parametrize(("target", "values", "expected"), CASES, ids=IDS)
def test_a_target_passes_each_value_as_the_exact_bytes(
    tmp_path: Path, target: str, values: list[str], expected: list[str]
) -> None:
    proc = _make(tmp_path, target, *values)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _argv(tmp_path) == [expected]
    assert not (tmp_path / "pwned").exists()


@needs_make
@pytest.mark.parametrize(("target", "values", "expected"), CASES, ids=IDS)
def test_the_dry_run_shows_no_value_pasted_into_the_recipe(
    tmp_path: Path, target: str, values: list[str], expected: list[str]
) -> None:
    """`make -n`: the recipe names variables, it does not contain the values (nor what make
    would have made of them)."""
    proc = _make(tmp_path, target, *values, dry=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (line,) = [line for line in proc.stdout.splitlines() if "/cekura-" in line]
    for fragment in ("x.test", "sig=ab", "touch", "pwned"):
        assert fragment not in line, line
    assert re.search(r'"\$[A-Z_]+"', line), line
    assert not (tmp_path / "argv.jsonl").exists()


@needs_make
def test_the_defaults_still_reach_the_programs(tmp_path: Path) -> None:
    """Without values: update-spec passes no --source, vendor the seed page, spec-diff
    origin/main."""
    for target in ("update-spec", "vendor", "spec-diff"):
        proc = _make(tmp_path, target)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _argv(tmp_path) == [
        [],
        ["../shared/seeds/000_d225609f2bca721d.txt"],
        ["--git-base", "origin/main"],
    ]


# --- the GitHub workflows ---------------------------------------------------------------------


def _steps(document: dict[Any, Any]) -> list[dict[str, Any]]:
    if "runs" in document:  # a composite action
        steps: list[dict[str, Any]] = document["runs"].get("steps", [])
        return steps
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


FILES = [*sorted(WORKFLOWS.glob("*.yml")), ROOT / "action.yml"]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_run_line_contains_an_expression(path: Path) -> None:
    """GitHub pastes `${{ ... }}` into the script before the shell reads it: a branch name or
    input becomes code. Every value a `run:` needs goes through `env:` (none allowed)."""
    steps = _steps(yaml.safe_load(path.read_text()))
    assert steps
    offending = [step["run"] for step in steps if "${{" in step.get("run", "")]
    assert offending == []


EVIL_BRANCH = "main$(touch${IFS}x)"  # git check-ref-format accepts it
CONTEXT = {
    "github.base_ref": EVIL_BRANCH,
    "github.repository": "o/r$(touch${IFS}x)",
    "github.event.pull_request.number": "7",
    "github.event.repository.default_branch": EVIL_BRANCH,
    "inputs.source": PAYLOAD,
    "secrets.GITHUB_TOKEN": "t",
    "matrix.python": "3.11",
}


def _substitute(text: str) -> str:
    return re.sub(r"\$\{\{\s*([^}]*?)\s*\}\}", lambda m: CONTEXT[m.group(1)], text)


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("name", ["spec-diff.yml", "spec-update.yml", "ci.yml"])
def test_the_run_lines_run_with_hostile_context_values(tmp_path: Path, name: str) -> None:
    """Each `run:` as GitHub would run it (expressions substituted, `bash -e`), with `make` and
    the venv's python replaced by programs that record their argv: the hostile values arrive
    as arguments, and nothing runs `touch`."""
    fake = tmp_path / "fakebin"
    fake.mkdir()
    record = tmp_path / "argv.jsonl"
    program = (
        f"#!{sys.executable}\nimport json, sys\nwith open({str(record)!r}, 'a') as f:\n"
        "    f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    for target in (fake / "make", tmp_path / ".venv" / "bin" / "python"):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(program)
        target.chmod(0o755)
    steps = [s for s in _steps(yaml.safe_load((WORKFLOWS / name).read_text())) if "run" in s]
    for step in steps:
        env = {k: _substitute(str(v)) for k, v in step.get("env", {}).items()}
        env["PATH"] = f"{fake}{os.pathsep}{os.environ['PATH']}"
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _substitute(step["run"])],
            cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, (step["run"], proc.stderr)
    assert not (tmp_path / "x").exists()
    calls = [json.loads(line) for line in record.read_text().splitlines()]
    if name == "spec-diff.yml":
        assert [
            "spec-diff",
            f"BASE=origin/{EVIL_BRANCH}",
            "SPEC_DIFF_ARGS=--output spec-diff.md",
        ] in calls
        assert "o/r$(touch${IFS}x)" in calls[-1]
    if name == "spec-update.yml":
        assert ["update-spec", f"SRC={PAYLOAD}"] in calls
        assert EVIL_BRANCH in calls[-1]
