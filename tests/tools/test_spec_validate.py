"""cekura_spec_tools.spec_validate gives openapi-spec-validator's verdicts and findings (those of
its own pure-Python run), faster: on the twelve upstream versions (slow: the pure-Python
reference takes ~15 s per version) and on small documents carrying each kind of defect the
reference reports."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator

from cekura_spec_tools import spec_validate, vendor

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT.parent / "shared" / "upstream-specs"
SPECS = sorted(UPSTREAM.glob("*.json")) if UPSTREAM.is_dir() else []


def errors(iterator: Any) -> list[tuple[str, list[str], str]]:
    return [(type(e).__name__, [str(p) for p in e.absolute_path], e.message) for e in iterator]


def both(document: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    fast = errors(spec_validate.iter_errors(copy.deepcopy(document)))
    reference = errors(spec_validate.reference_iter_errors(copy.deepcopy(document)))
    return fast, reference


BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Cekura API", "version": "v1"},
    "paths": {
        "/results/{id}/": {
            "get": {
                "operationId": "results-retrieve",
                "parameters": [
                    {"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/R"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "parameters": {
            "X": {"in": "path", "name": "x", "required": True, "schema": {"default": 1}},
            "Id": {"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}},
        },
        "schemas": {
            "D": {
                "type": "object",
                "properties": {"a": {"type": "integer", "default": 1}},
            },
            "R": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "s": {"type": "string"}},
            },
        },
    },
}


def _mutate(path: str, value: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    node = document
    *parents, last = path.split("|")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return document


_DELETE = object()
_OP = "paths|/results/{id}/|get"
_R = "components|schemas|R"

DEFECTS = {
    "valid": copy.deepcopy(BASE),
    "no info": _mutate("info", _DELETE),
    "bad info": _mutate("info", "x"),
    "operation not an object": _mutate(_OP, "x"),
    "unknown top-level field": _mutate("nonsense", 1),
    "path parameter not declared": _mutate(f"{_OP}|parameters", []),
    "duplicate parameter": _mutate(
        f"{_OP}|parameters",
        [{"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}}] * 2,
    ),
    "duplicate tag": _mutate("tags", [{"name": "a"}, {"name": "a"}]),
    "duplicated type entry": _mutate(f"{_R}|properties|s|type", ["string", "null", "null"]),
    "unknown type": _mutate(f"{_R}|properties|s|type", "text"),
    "schema not an object": _mutate(f"{_R}|properties|s", 5),
    "bad regex": _mutate(f"{_R}|properties|s|pattern", "a(b"),
    "ECMA-only regex": _mutate(f"{_R}|properties|s|pattern", r"\p{L}+"),
    "bad patternProperties key": _mutate(f"{_R}|patternProperties", {"(": {"type": "string"}}),
    "required outside allOf properties": _mutate(
        _R, {"allOf": [{"type": "object", "properties": {"a": {}}}], "required": ["a", "zz"]}
    ),
    "default not of its type": _mutate(f"{_R}|properties|id|default", "x"),
    "bad required list": _mutate(f"{_R}|required", "id"),
    "inline response schema defect": _mutate(
        f"{_OP}|responses|200|content|application/json|schema", {"type": "strnig"}
    ),
    "bad enum": _mutate(f"{_R}|properties|s|enum", "a"),
    "duplicate operationId": _mutate(
        "paths|/other/{x}",
        {
            "parameters": [{"in": "path", "name": "x", "required": True, "schema": {}}],
            "get": {"operationId": "results-retrieve", "responses": {}},
            "put": {"operationId": None, "responses": {}},
        },
    ),
    "path-level parameter not in the url": _mutate(
        "paths|/other/",
        {
            "parameters": [{"$ref": "#/components/parameters/X"}],
            "get": {"responses": {}},
        },
    ),
    "duplicate parameter through $refs": _mutate(
        f"{_OP}|parameters",
        [
            {"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}},
            {"$ref": "#/components/parameters/Id"},
        ],
    ),
    "wrong default in a component": _mutate("components|schemas|D|properties|a|default", "x"),
    "required outside allOf through a $ref": _mutate(
        "components|schemas|N",
        {"allOf": [{"$ref": "#/components/schemas/D"}], "required": ["a", "missing"]},
    ),
    "$ref with siblings": _mutate(
        f"{_R}|properties|sib", {"$ref": "#/components/schemas/D", "type": "strnig"}
    ),
    "null default, nullable": _mutate(
        f"{_R}|properties|n", {"type": "string", "nullable": True, "default": None}
    ),
    "non-string parameter name (library walk)": _mutate(
        f"{_OP}|parameters",
        [
            {"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}},
            {"in": "query", "name": 5, "schema": {"type": "integer", "default": "x"}},
        ],
    ),
    "bad minimum": _mutate(f"{_R}|properties|id|minimum", "1"),
}


@pytest.mark.parametrize("name", DEFECTS)
def test_same_errors_as_openapi_spec_validator(name: str) -> None:
    fast, reference = both(DEFECTS[name])
    assert fast == reference
    assert (fast == []) == (name in ("valid", "null default, nullable"))  # each defect reported


REFERENCE_RUN = """
import json, sys
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.schemas import get_validator_backend

found = {}
for name, document in json.loads(sys.stdin.read()).items():
    spec = OpenAPIV31SpecValidator if document["openapi"].startswith("3.1") else (
        OpenAPIV30SpecValidator)
    found[name] = [[type(e).__name__, [str(p) for p in e.absolute_path], e.message]
                   for e in spec(document).iter_errors()]
print(json.dumps({"backend": get_validator_backend(), "errors": found}))
"""


def test_the_reference_is_openapi_spec_validator_s_own_pure_python_run() -> None:
    """reference_iter_errors gives what openapi-spec-validator's iter_errors gives with its
    pure-Python backend (which it does not pick by itself when jsonschema-rs is installed)."""
    documents = {**DEFECTS, "openapi 3.0": {**BASE, "openapi": "3.0.3"}}
    env = {**os.environ, "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND": "jsonschema"}
    run = subprocess.run(
        [sys.executable, "-c", REFERENCE_RUN], input=json.dumps(documents), env=env,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    library = json.loads(run.stdout)
    assert library["backend"] == "jsonschema"
    for name, document in json.loads(json.dumps(documents)).items():  # as the subprocess read them
        reference = [list(e) for e in errors(spec_validate.reference_iter_errors(document))]
        assert reference == library["errors"][name], name


def test_the_library_s_python_meta_check_runs_only_on_a_defective_schema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[Any] = []
    check_schema = OAS31Validator.check_schema

    def counting(schema: Any, **kwargs: Any) -> None:
        checked.append(schema)
        check_schema(schema, **kwargs)

    monkeypatch.setattr(OAS31Validator, "check_schema", counting)
    document = DEFECTS["unknown type"]
    fast = errors(spec_validate.iter_errors(copy.deepcopy(document)))
    assert checked == [document["components"]["schemas"]["R"]]  # jsonschema-rs passed the rest
    checked.clear()
    assert errors(spec_validate.reference_iter_errors(copy.deepcopy(document))) == fast
    assert len(checked) == 3  # each Schema Object the walk meets (R, id's, D), in pure Python


def test_same_errors_on_openapi_30() -> None:
    document = copy.deepcopy(BASE)
    document["openapi"] = "3.0.3"
    document["components"]["schemas"]["R"]["properties"]["s"] = {"type": "string", "pattern": "("}
    document["components"]["schemas"]["R"]["properties"]["n"] = {"type": "integer", "nullable": 1}
    fast, reference = both(document)
    assert fast == reference and len(fast) == 2


def test_dangling_refs_are_found_with_their_pointers() -> None:
    document = copy.deepcopy(BASE)
    document["components"]["schemas"]["R"]["properties"]["x"] = {"$ref": "#/components/schemas/No"}
    document["components"]["schemas"]["R"]["properties"]["y"] = {"$ref": "other.yaml#/A"}
    document["components"]["schemas"]["R"]["properties"]["z"] = {
        "$ref": "#/components/schemas/R",  # resolves
        "example": {"$ref": "data, not a reference"},
    }
    document["paths"]["/results/{id}/"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] = {"$ref": "#/components/schemas/a~1b%20c"}
    document["components"]["schemas"]["a/b c"] = {"type": "string"}
    assert spec_validate.dangling_refs(document) == [
        ("/components/schemas/R/properties/x/$ref", "#/components/schemas/No"),
        ("/components/schemas/R/properties/y/$ref", "other.yaml#/A"),
    ]
    assert spec_validate.dangling_refs(BASE) == []


@pytest.mark.slow
@pytest.mark.skipif(not SPECS, reason=f"{UPSTREAM} is absent: no upstream specs to test with")
@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_same_verdict_and_findings_on_upstream_versions(
    spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = json.loads(spec.read_bytes())
    reference = errors(spec_validate.reference_iter_errors(copy.deepcopy(document)))
    assert spec_validate.dangling_refs(document) == []
    # vendor's verdict: an acceptance with the same findings; and the errors spec_validate gave
    # it on the way (recorded, so that the document is validated once) are the reference's
    given: list[Any] = []
    iter_errors = spec_validate.iter_errors

    def recording(validated: dict[str, Any]) -> Any:
        for error in iter_errors(validated):
            given.append(error)
            yield error

    monkeypatch.setattr(spec_validate, "iter_errors", recording)
    start = time.perf_counter()
    findings = vendor.validate(copy.deepcopy(document))
    seconds = time.perf_counter() - start
    assert errors(given) == reference
    assert findings == sorted(
        f"in a Schema Object, at {spec_validate.pointer(path)}: {message}"
        for _, path, message in reference
    )
    assert seconds < 8  # ~0.4-1.5 s here; the reference takes ~15 s


@pytest.mark.slow
@pytest.mark.skipif(not SPECS, reason=f"{UPSTREAM} is absent: no upstream specs to test with")
def test_same_errors_for_defects_in_a_full_upstream_spec() -> None:
    document = json.loads(SPECS[-1].read_bytes())
    first_op = next(iter(document["paths"].values()))
    method = next(m for m in first_op if m in ("get", "post", "put", "patch", "delete"))
    first_op[method]["operationId"] = "duplicated"
    second = list(document["paths"].values())[1]
    method2 = next(m for m in second if m in ("get", "post", "put", "patch", "delete"))
    second[method2]["operationId"] = "duplicated"
    name = sorted(document["components"]["schemas"])[0]
    document["components"]["schemas"][name]["type"] = "strnig"
    fast, reference = both(document)
    assert fast == reference
    assert any("is not unique" in message for _, _, message in fast)
