"""cekura_spec_tools.update_spec (`make update-spec`): it re-cuts the slice openapi/operations.txt
declares; no change changes nothing (an operation upstream adds beside the slice is no change);
every refusal leaves the tree byte-for-byte as it was (compared file by file before and after);
an update installs the spec and the generated client together and writes the report, whose
informational section lists the operations upstream added next to the slice.

The "upstream" documents are the vendored slice itself (a slice of a slice is the same slice)
with hand-made edits, so most of this runs without ../shared."""

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

from cekura_spec_tools import spec_slice, vendor
from cekura_spec_tools.diff_report import (
    NEIGHBOURS_KEY,
    NEIGHBOURS_TITLE,
    Neighbours,
    build_report,
    to_json,
    to_markdown,
)
from cekura_spec_tools.facade_contract import facade_operations
from tests.support.loopback import loopback, respond

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT.parent / "shared" / "upstream-specs"
SPECS = sorted(UPSTREAM.glob("*.json")) if UPSTREAM.is_dir() else []
V1 = "/test_framework/v1/results/{id}/"
V2 = "/test_framework/v2/results/{id}/"
LIST = "/test_framework/v2/results/"
DECLARED = spec_slice.read_operations(ROOT / "openapi" / "operations.txt")
#: Beside the slice (same first three path segments as declared operations), and not.
NEIGHBOUR = "/test_framework/v2/results/{id}/summary/"
OTHER_NEIGHBOUR = "/test_framework/v2/results/export/"
FAR_AWAY = "/agents/"


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


def vendored() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "openapi" / "cekura.yaml").read_text()))


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def operation(operation_id: str, path: str = "") -> dict[str, Any]:
    item: dict[str, Any] = {
        "get": {
            "operationId": operation_id,
            "tags": ["test_framework"],
            "responses": {"200": {"description": "ok"}},
        }
    }
    if "{id}" in path:
        item["parameters"] = [
            {"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}}
        ]
    return item


def upstream(*neighbours: str, edit: bool = False) -> dict[str, Any]:
    """The vendored spec as a complete upstream: plus the given undeclared operations (and one
    far from the slice), with a change inside the slice when ``edit``."""
    document = vendored()
    for number, path in enumerate((*neighbours, FAR_AWAY)):
        document["paths"][path] = operation(f"extra-{number}", path)
    if edit:
        document["paths"][LIST]["get"]["description"] = "Lists results, newest first."
    return document


def test_no_change_changes_nothing(project: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "up.yaml", (ROOT / "openapi" / "cekura.yaml").read_bytes())
    sha = hashlib.sha256((ROOT / "openapi" / "cekura.yaml").read_bytes()).hexdigest()
    before = snapshot(project)
    proc = run(project, source)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        f"update-spec: no change: openapi/cekura.yaml already is the spec at {source} "
        f"(sha256 {sha[:12]}); nothing was changed\n"
    )
    assert snapshot(project) == before and not (project / "build").exists()


def test_operations_added_beside_the_slice_alone_are_no_change(
    project: Path, tmp_path: Path
) -> None:
    source = write(tmp_path, "up.json", json.dumps(upstream(NEIGHBOUR)).encode())
    before = snapshot(project)
    proc = run(project, source)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("update-spec: no change: openapi/cekura.yaml already is")
    assert snapshot(project) == before


def test_declared_operations_upstream_lacks_are_noted(project: Path, tmp_path: Path) -> None:
    declared = project / "openapi" / "operations.txt"
    declared.write_text(declared.read_text() + "GET /test_framework/v2/results/{id}/gone/\n")
    source = write(tmp_path, "up.yaml", (ROOT / "openapi" / "cekura.yaml").read_bytes())
    proc = run(project, source)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("update-spec: no change:")
    assert proc.stderr == (
        f"update-spec: note: the spec at {source} has no GET "
        "/test_framework/v2/results/{id}/gone/ (declared in openapi/operations.txt)\n"
    )


@pytest.fixture
def failing_upstream() -> Iterator[str]:
    with loopback(lambda request: respond(503)) as server:
        yield f"{server.url}/openapi.json"


def _dangling() -> bytes:
    document = vendored()
    document["components"]["schemas"]["ResultDetailV2"]["properties"]["status"] = {
        "$ref": "#/components/schemas/Gone"
    }
    return json.dumps(document).encode()


def _without_results() -> bytes:
    document = vendored()
    del document["paths"][V1], document["paths"][V2]
    return json.dumps(document).encode()


def _none_declared() -> bytes:
    document = vendored()
    document["paths"] = {FAR_AWAY: operation("agents")}
    del document["components"]
    return json.dumps(document).encode()


def _get_result() -> str:
    (candidates,) = [op.candidates for op in facade_operations() if op.name == "client.results.get"]
    return ", ".join(f"{m} {p}" for m, p in candidates)


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
            f"the new spec drops an operation the facade uses: client.results.get ({_get_result()})",
        ),
        (
            "elsewhere.json",
            _none_declared(),
            "cannot vendor {src}: the source has none of the declared operations ("
            + ", ".join(f"{m} {p}" for m, p in DECLARED[:3])
            + (f" and {len(DECLARED) - 3} more)" if len(DECLARED) > 3 else ")"),
        ),
    ],
    ids=["unreadable", "dangling-ref", "drops-the-facade-operation", "none-declared"],
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


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        (
            "GET /test_framework/v2/results/\nGET\n",
            "{ops}:2: expected 'METHOD /path' (e.g. 'GET /test_framework/v2/results/'), got 'GET'",
        ),
        ("# emptied by mistake\n", "{ops}: declares no operation"),
        (None, "cannot read {ops}: No such file or directory"),
    ],
    ids=["malformed", "empty", "missing"],
)
def test_a_bad_declaration_is_refused(
    project: Path, tmp_path: Path, declaration: str | None, message: str
) -> None:
    declared = project / "openapi" / "operations.txt"
    if declaration is None:
        declared.unlink()
    else:
        declared.write_text(declaration)
    source = write(tmp_path, "up.json", json.dumps(upstream(edit=True)).encode())
    before = snapshot(project)
    proc = run(project, source)
    assert proc.returncode == 1
    assert proc.stderr == (
        f"update-spec: refused: {message.replace('{ops}', str(declared))}\n"
        "update-spec: openapi/ and generated/ left unchanged\n"
    )
    assert snapshot(project) == before


def test_a_declaration_without_a_facade_operation_is_refused(project: Path, tmp_path: Path) -> None:
    """Not "upstream dropped it": the fix is a line in operations.txt, and the message says so."""
    (end_calls,) = [op for op in facade_operations() if op.name == "client.results.end_calls"]
    (method, path) = end_calls.candidates[0]
    declared = project / "openapi" / "operations.txt"
    kept = [line for line in declared.read_text().splitlines() if line != f"{method} {path}"]
    declared.write_text("\n".join(kept) + "\n")
    source = write(tmp_path, "up.json", json.dumps(upstream(edit=True)).encode())
    before = snapshot(project)
    proc = run(project, source)
    assert proc.returncode == 1
    assert proc.stderr == (
        "update-spec: refused: openapi/operations.txt declares no candidate of an operation the "
        f"facade uses: client.results.end_calls ({method} {path})\n"
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


def test_missing_facade_tests_refuse_the_update(project: Path, tmp_path: Path) -> None:
    source = write(tmp_path, "new.json", json.dumps(upstream(edit=True)).encode())
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
    source = write(tmp_path, "new.json", json.dumps(upstream(edit=True)).encode())
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


def _neighbours_section(markdown: str) -> list[str]:
    section = markdown.split(f"### {NEIGHBOURS_TITLE}\n", 1)[1].split("\n\n<details>", 1)[0]
    return section.splitlines()


@pytest.mark.slow
def test_an_update_installs_spec_client_and_report(project: Path, tmp_path: Path) -> None:
    """Two updates in a row: the slice changes each time; upstream adds one operation beside the
    slice in each, and the report lists it, as information, never as a change."""
    provenance_path = project / "openapi" / "cekura.provenance.json"
    provenance = json.loads(provenance_path.read_text())
    provenance.pop("neighbours", None)  # recorded before neighbours were: no baseline
    provenance_path.write_text(json.dumps(provenance))
    source = write(tmp_path, "new.json", json.dumps(upstream(NEIGHBOUR, edit=True)).encode())
    before = snapshot(project)
    proc = run(project, source)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        f"update-spec: updated openapi/cekura.yaml and generated/cekura_openapi from {source}: "
        f"{len(DECLARED)} operations, 0 breaking change(s); report: build/spec-update/report.md\n"
    )
    after = snapshot(project)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert {
        "openapi/cekura.yaml",
        "openapi/cekura.provenance.json",
        "build/spec-update/report.md",
        "build/spec-update/report.json",
    } <= changed
    assert all(n.startswith(("openapi/", "generated/", "build/spec-update/")) for n in changed)
    assert "openapi/operations.txt" not in changed
    installed = yaml.safe_load((project / "openapi" / "cekura.yaml").read_text())
    assert installed == spec_slice.cut(upstream(NEIGHBOUR, edit=True), DECLARED).document
    recorded = json.loads(provenance_path.read_text())
    assert recorded["neighbours"] == [f"GET {NEIGHBOUR}"]
    assert recorded["operations_selected"] == [f"{m} {p}" for m, p in DECLARED]
    report = json.loads((project / "build/spec-update/report.json").read_text())
    assert report["operations_added"] == [] and report["summary"]["breaking"] == 0
    assert report[NEIGHBOURS_KEY] == {
        "informational": True,
        "added": [f"GET {NEIGHBOUR}"],
        "total": 1,
        "baseline": False,
    }
    markdown = (project / "build/spec-update/report.md").read_text()
    assert _neighbours_section(markdown)[2:] == [
        "The previous provenance records no neighbours: all 1 are listed.",
        f"- `GET {NEIGHBOUR}`",
    ]
    # the same source again: nothing to do
    again = run(project, source)
    assert again.stdout.startswith("update-spec: no change:")
    assert snapshot(project) == after

    # the next version: another change in the slice, another operation beside it
    passing = tmp_path / "test_passes.py"
    passing.write_text("def test_passes():\n    pass\n")
    document = upstream(NEIGHBOUR, OTHER_NEIGHBOUR, edit=True)
    document["paths"][LIST]["get"]["summary"] = "List results"
    source = write(tmp_path, "next.json", json.dumps(document).encode())
    proc = run(project, source, "--facade-tests", str(passing))
    assert proc.returncode == 0, proc.stderr
    report = json.loads((project / "build/spec-update/report.json").read_text())
    assert report[NEIGHBOURS_KEY]["added"] == [f"GET {OTHER_NEIGHBOUR}"]
    assert report[NEIGHBOURS_KEY]["baseline"] is True
    assert report["summary"]["breaking"] == 0
    markdown = (project / "build/spec-update/report.md").read_text()
    assert _neighbours_section(markdown)[2:] == [
        "1 new since the last update (2 next to the slice in all):",
        f"- `GET {OTHER_NEIGHBOUR}`",
    ]


# --- the neighbours section, without generating ------------------------------------------------


def test_neighbours_between_provenance_records() -> None:
    assert Neighbours.between(["GET /a/b/c/"], ["GET /a/b/c/", "PUT /a/b/c/"]) == Neighbours(
        ["PUT /a/b/c/"], 2
    )
    assert Neighbours.between(None, ["GET /a/b/c/"]) == Neighbours(["GET /a/b/c/"], 1, False)
    assert Neighbours.between("all", []) == Neighbours([], 0, False)
    # one that went away is not news
    assert Neighbours.between(["GET /a/b/c/"], []) == Neighbours([], 0)


@pytest.mark.parametrize(
    ("neighbours", "lines"),
    [
        (Neighbours([], 4), ["None since the last update (4 next to the slice in all)."]),
        (Neighbours([], 0, baseline=False), ["None."]),
        (
            Neighbours(["GET /a/b/c/", "PUT /a/b/c/"], 9),
            ["2 new since the last update (9 next to the slice in all):", "- `GET /a/b/c/`",
             "- `PUT /a/b/c/`"],
        ),
    ],
)  # fmt: skip
def test_the_neighbours_section_is_information_only(
    neighbours: Neighbours, lines: list[str]
) -> None:
    old = vendored()
    new = copy.deepcopy(old)
    del new["paths"][LIST]  # a breaking change, to show the section does not add to it
    report = build_report(
        old, new, old_label="a", new_label="b", with_generated=False, neighbours=neighbours
    )
    markdown = to_markdown(report)
    assert _neighbours_section(markdown) == [
        "_Information only: operations sharing a path prefix with one in `openapi/operations.txt`"
        ", not declared there, so not vendored and not counted above. To vendor one, add its "
        "line to `openapi/operations.txt`._",
        "",
        *lines,
    ]
    data = json.loads(to_json(report))
    assert data[NEIGHBOURS_KEY]["added"] == neighbours.added
    assert data["summary"]["breaking"] == len(report.breaking) == 1
    # without neighbours (a plain spec diff), no section at all
    plain = build_report(old, new, old_label="a", new_label="b", with_generated=False)
    assert NEIGHBOURS_TITLE not in to_markdown(plain) and NEIGHBOURS_KEY not in to_json(plain)


@pytest.mark.skipif(len(SPECS) < 2, reason=f"{UPSTREAM} is absent: no upstream specs to test with")
def test_neighbours_of_two_consecutive_upstream_versions(tmp_path: Path) -> None:
    """2026-07-10 -> 2026-07-22: upstream added five operations under /test_framework/v2/
    scenarios/, beside the declared run_scenarios; the slice itself did not change."""
    index = next(i for i, p in enumerate(SPECS) if "2026-07-22" in p.name)
    first = vendor.vendor(str(SPECS[index - 1]), tmp_path / "a", "2026-11-25", DECLARED)
    second = vendor.vendor(str(SPECS[index]), tmp_path / "b", "2026-11-25", DECLARED)
    assert len(first["neighbours"]) == 93 and len(second["neighbours"]) == 97
    neighbours = Neighbours.between(first["neighbours"], second["neighbours"])
    assert neighbours.added == [
        "POST /test_framework/v2/scenarios/run_scenarios_api_chat/",
        "POST /test_framework/v2/scenarios/run_scenarios_email/",
        "GET /test_framework/v2/scenarios/{id}/condition-audio/",
        "POST /test_framework/v2/scenarios/{id}/condition-audio/",
        "DELETE /test_framework/v2/scenarios/{id}/condition-audio/{audio_id}/",
    ]
    assert all(op.split(" ", 1)[1].startswith("/test_framework/v2/") for op in neighbours.added)
    old, new = (yaml.safe_load((tmp_path / d / "cekura.yaml").read_text()) for d in "ab")
    report = build_report(
        old, new, old_label="a", new_label="b", with_generated=False, neighbours=neighbours
    )
    assert report.diff.operations_added == []  # not vendored: no operation was added
    section = _neighbours_section(to_markdown(report))
    assert section[3:] == [f"- `{op}`" for op in neighbours.added]
