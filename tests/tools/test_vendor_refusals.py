"""make vendor refuses in one line: what is wrong, where (a JSON pointer, or file:line in the
operations declaration), and that openapi/ was left unchanged - never the whole document in the
message."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT.parent / "shared" / "upstream-specs"
SPECS = sorted(UPSTREAM.glob("*.json")) if UPSTREAM.is_dir() else []

MINIMAL: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Cekura API", "version": "v1"},
    "paths": {
        "/test_framework/v1/results/{id}/": {
            "get": {
                "parameters": [
                    {"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "components": {"schemas": {"A": {"type": "object"}}},
}


def vendor_cli(
    tmp_path: Path, document: Any, declaration: str | None = None
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run cekura_spec_tools.vendor as `make vendor` does, into a prepared openapi/ dir, and
    check that it left that dir byte for byte as it was. The whole document, unless a
    ``declaration`` (the text of openapi/operations.txt) is given."""
    out = tmp_path / "openapi"
    out.mkdir(exist_ok=True)
    (out / "cekura.yaml").write_bytes(b"the vendored spec\n")
    (out / "cekura.provenance.json").write_bytes(b"{}\n")
    if declaration is not None:
        (out / "operations.txt").write_text(declaration)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    source = tmp_path / "upstream.json"
    source.write_text(json.dumps(document))
    selection = [] if declaration is not None else ["--operations", "all"]
    proc = subprocess.run(
        [sys.executable, "-m", "cekura_spec_tools.vendor", str(source), "--out-dir", str(out),
         *selection],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    return proc, out


def _with_ref(ref: str) -> dict[str, Any]:
    document = copy.deepcopy(MINIMAL)
    document["components"]["schemas"]["A"] = {
        "type": "object",
        "properties": {"result": {"$ref": ref}},
    }
    return document


def test_dangling_ref_in_a_schema_is_refused_in_one_line(tmp_path: Path) -> None:
    proc, out = vendor_cli(tmp_path, _with_ref("#/components/schemas/Gone"))
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == (
        f"vendor: refused {tmp_path / 'upstream.json'}: dangling $ref at "
        "/components/schemas/A/properties/result/$ref: '#/components/schemas/Gone' points "
        f"nowhere; {out} left unchanged\n"
    )


def test_several_dangling_refs_name_the_first_and_count_the_rest(tmp_path: Path) -> None:
    document = _with_ref("#/components/schemas/Gone")
    operation = document["paths"]["/test_framework/v1/results/{id}/"]["get"]
    operation["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/AlsoGone"}}
    }
    operation["parameters"].append({"$ref": "#/components/parameters/page"})
    proc, _ = vendor_cli(tmp_path, document)
    assert proc.returncode == 1
    assert (
        "dangling $ref at /paths/~1test_framework~1v1~1results~1{id}~1/get/parameters/1/$ref: "
        "'#/components/parameters/page' points nowhere (and 2 more);"
    ) in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


def test_ref_to_another_document_is_refused(tmp_path: Path) -> None:
    proc, _ = vendor_cli(tmp_path, _with_ref("https://example.com/schemas.json#/Result"))
    assert proc.returncode == 1
    assert (
        "$ref at /components/schemas/A/properties/result/$ref: "
        "'https://example.com/schemas.json#/Result' points outside the document "
        "(only local '#/...' references are supported)"
    ) in proc.stderr


def test_a_huge_invalid_value_is_not_printed_whole(tmp_path: Path) -> None:
    document = copy.deepcopy(MINIMAL)
    document["info"] = ["x" * 100] * 1000  # ~100 KB where an object belongs
    proc, out = vendor_cli(tmp_path, document)
    assert proc.returncode == 1
    assert len(proc.stderr) < 600 and len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith(f"vendor: refused {tmp_path / 'upstream.json'}: invalid OpenAPI")
    assert "…" in proc.stderr and proc.stderr.endswith(f"{out} left unchanged\n")


@pytest.mark.skipif(not SPECS, reason=f"{UPSTREAM} is absent: no upstream specs to test with")
def test_a_full_upstream_spec_with_one_dangling_ref(tmp_path: Path) -> None:
    document = json.loads(SPECS[-1].read_bytes())
    result = document["components"]["schemas"]["ResultDetailV2"]
    result["properties"]["status"] = {"$ref": "#/components/schemas/NoSuchEnum"}
    proc, out = vendor_cli(tmp_path, document)
    assert proc.returncode == 1
    assert proc.stderr == (
        f"vendor: refused {tmp_path / 'upstream.json'}: dangling $ref at "
        "/components/schemas/ResultDetailV2/properties/status/$ref: "
        f"'#/components/schemas/NoSuchEnum' points nowhere; {out} left unchanged\n"
    )


# --- the slice's refusals --------------------------------------------------------------------


def test_a_source_with_none_of_the_declared_operations_is_refused(tmp_path: Path) -> None:
    declaration = "GET /test_framework/v2/results/\nPOST /test_framework/v2/results/{id}/rerun/\n"
    proc, out = vendor_cli(tmp_path, MINIMAL, declaration)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == (
        f"vendor: refused {tmp_path / 'upstream.json'}: the source has none of the declared "
        "operations (GET /test_framework/v2/results/, POST /test_framework/v2/results/{id}/rerun/)"
        f"; {out} left unchanged\n"
    )


@pytest.mark.parametrize(
    ("declaration", "line", "problem"),
    [
        ("# ops\nGET /test_framework/v1/results/{id}/\nGET\n", 3, "expected 'METHOD /path' "
         "(e.g. 'GET /test_framework/v2/results/'), got 'GET'"),
        ("GET /test_framework/v1/results/{id}/\n\nGET /test_framework/v1/results/{id}/ # again\n",
         3, "GET /test_framework/v1/results/{id}/ is declared twice"),
        ("# nothing declared\n", None, "declares no operation"),
    ],
    ids=["malformed-line", "twice", "empty"],
)  # fmt: skip
def test_a_malformed_declaration_is_refused_naming_file_and_line(
    tmp_path: Path, declaration: str, line: int | None, problem: str
) -> None:
    proc, out = vendor_cli(tmp_path, MINIMAL, declaration)
    where = f"{out / 'operations.txt'}" + (f":{line}" if line else "")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == (
        f"vendor: refused {tmp_path / 'upstream.json'}: {where}: {problem}; {out} left unchanged\n"
    )


def test_a_missing_declaration_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "openapi"
    source = tmp_path / "upstream.json"
    source.write_text(json.dumps(MINIMAL))
    proc = subprocess.run(
        [sys.executable, "-m", "cekura_spec_tools.vendor", str(source), "--out-dir", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr == (
        f"vendor: refused {source}: cannot read {out / 'operations.txt'}: No such file or "
        f"directory; {out} left unchanged\n"
    )
    assert not out.exists()
