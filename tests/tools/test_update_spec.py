"""cekura_spec_tools.update_spec (`make update-spec`): no change changes nothing; every refusal leaves the
tree byte-for-byte as it was (compared file by file before and after); an update installs the
spec and the generated client together and writes the report."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cekura_spec_tools.facade_contract import facade_operations
from tests.support.loopback import loopback, respond

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "000_d225609f2bca721d.txt"
RESULTS = "/test_framework/v1/results/{id}/"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is absent")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("openapi", "generated"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run(root: Path, source: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cekura_spec_tools.update_spec", "--root", str(root),
         "--source", source, "--date", "2026-11-25", *extra],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip


def seed_document() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "openapi" / "cekura.yaml").read_text()))


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_no_change_changes_nothing(project: Path) -> None:
    before = snapshot(project)
    proc = run(project, str(SEED))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        f"update-spec: no change: openapi/cekura.yaml already is the spec at {SEED} "
        "(sha256 a9b160c33e0d); nothing was changed\n"
    )
    assert snapshot(project) == before and not (project / "build").exists()


@pytest.fixture
def failing_upstream() -> Iterator[str]:
    with loopback(lambda request: respond(503)) as server:
        yield f"{server.url}/openapi.json"


def _dangling() -> bytes:
    document = seed_document()
    document["components"]["schemas"]["ResultDetailV2"]["properties"]["status"] = {
        "$ref": "#/components/schemas/Gone"
    }
    return json.dumps(document).encode()


def _without_results() -> bytes:
    document = seed_document()
    document["paths"] = {"/other/": copy.deepcopy(document["paths"][RESULTS])}
    document["paths"]["/other/"]["get"]["parameters"] = []
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "garbage.json",
            b"{not json",
            "cannot vendor {src}: looks like JSON but does not parse: "
            "Expecting property name enclosed in double quotes (line 1)",
        ),
        (
            "dangling.json",
            _dangling(),
            "cannot vendor {src}: dangling $ref at "
            "/components/schemas/ResultDetailV2/properties/status/$ref: "
            "'#/components/schemas/Gone' points nowhere",
        ),
        (
            "dropped.json",
            _without_results(),
            "the new spec drops an operation the facade uses: client.results.get ("
            + ", ".join(f"{m} {p}" for m, p in facade_operations()[0].candidates)
            + ")",
        ),
    ],
    ids=["unreadable", "dangling-ref", "drops-the-facade-operation"],
)
def test_refusals_leave_the_tree_exactly_as_it_was(
    project: Path, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    source = write(tmp_path, name, data)
    before = snapshot(project)
    proc = run(project, source)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == (
        f"update-spec: refused: {message.replace('{src}', source)}\n"
        "update-spec: openapi/ and generated/ left unchanged\n"
    )
    assert snapshot(project) == before


def test_unreachable_upstream(project: Path, failing_upstream: str) -> None:
    before = snapshot(project)
    proc = run(project, failing_upstream)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"update-spec: refused: cannot vendor {failing_upstream}: "
        f"cannot fetch {failing_upstream}: HTTP 503",
        "update-spec: openapi/ and generated/ left unchanged",
    ]
    assert snapshot(project) == before


def _seed_plus_an_operation() -> bytes:
    document = seed_document()
    document["paths"]["/test_framework/v1/results/"] = {
        "get": {
            "operationId": "results-list",
            "tags": ["test_framework"],
            "responses": {"200": {"description": "ok"}},
        }
    }
    return json.dumps(document).encode()


def test_missing_facade_tests_refuse_the_update(project: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "new.json", _seed_plus_an_operation())
    before = snapshot(project)
    proc = run(project, source, "--facade-tests", "tests/test_no_such_file.py")
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == (
        "update-spec: refused: the facade test file tests/test_no_such_file.py is not in "
        f"{ROOT / 'tests'}"
    )
    assert snapshot(project) == before


def test_the_facade_tests_are_found_where_they_moved(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cekura_spec_tools import update_spec

    (tmp_path / "tests" / "client").mkdir(parents=True)
    (tmp_path / "tests" / "client" / "test_errors.py").write_text("")
    monkeypatch.setattr(update_spec, "CODE_ROOT", tmp_path)
    assert update_spec._locate(("tests/test_errors.py",)) == [
        str(tmp_path / "tests" / "client" / "test_errors.py")
    ]


@pytest.mark.slow
def test_failing_facade_tests_refuse_the_update(project: Path, tmp_path: Path) -> None:
    failing = tmp_path / "test_fails.py"
    failing.write_text("def test_fails():\n    assert 1 == 2\n")
    source = write(tmp_path, "new.json", _seed_plus_an_operation())
    before = snapshot(project)
    proc = run(project, source, "--facade-tests", str(failing))
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert (
        lines[0]
        == "update-spec: refused: the facade's tests fail against the new generated client:"
    )
    assert lines[1].startswith("  FAILED ") and lines[1].endswith("test_fails.py::test_fails")
    assert lines[2] == "      assert 1 == 2"
    assert lines[-1] == "update-spec: openapi/ and generated/ left unchanged"
    assert snapshot(project) == before


@pytest.mark.slow
def test_an_update_installs_spec_client_and_report(project: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "new.json", _seed_plus_an_operation())
    before = snapshot(project)
    proc = run(project, source)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        f"update-spec: updated openapi/cekura.yaml and generated/cekura_openapi from {source}: "
        "2 operations, 0 breaking change(s); report: build/spec-update/report.md\n"
    )
    after = snapshot(project)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert {
        "openapi/cekura.yaml",
        "openapi/cekura.provenance.json",
        "generated/cekura_openapi/operation_index.py",
        "build/spec-update/report.md",
        "build/spec-update/report.json",
    } <= changed
    assert all(n.startswith(("openapi/", "generated/", "build/spec-update/")) for n in changed)
    assert (
        '"GET /test_framework/v1/results/": '
        in (project / "generated/cekura_openapi/operation_index.py").read_text()
    )
    report = json.loads((project / "build/spec-update/report.json").read_text())
    assert report["operations_added"] == ["GET /test_framework/v1/results/"]
    assert report["generated_client"]["functions_added"] == ["api.test_framework.results_list"]
    # the same source again: nothing to do
    again = run(project, source)
    assert again.stdout.startswith("update-spec: no change:")
    assert snapshot(project) == after
