"""cekura_spec_tools.spec_slice: the operations declared in openapi/operations.txt and every
component they reach, transitively (schemas through schemas, parameters, responses and request
bodies), nothing else; security schemes only when a kept requirement names them; path-level
fields kept; the source's order, so the same source gives the same bytes; the declaration file's
errors name file:line."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cekura_spec_tools import spec_io, spec_slice, vendor
from cekura_spec_tools.spec_slice import SliceError, cut, neighbours, parse_operations

ROOT = Path(__file__).resolve().parents[2]

LIST = ("GET", "/test_framework/v2/results/")
GET = ("GET", "/test_framework/v2/results/{id}/")
RERUN = ("POST", "/test_framework/v2/results/{id}/rerun/")


def ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def source() -> dict[str, Any]:
    """A complete spec in miniature: three declared operations reaching components through
    every kind of reference, and undeclared ones reaching components of their own."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cekura API", "version": "v1"},
        "servers": [{"url": "https://api.cekura.ai"}],
        "paths": {
            "/agents/": {  # undeclared: everything only it reaches goes
                "get": {
                    "security": [{"oauth2": []}],
                    "parameters": [ref("parameters", "AgentFilter")],
                    "responses": {"200": ref("responses", "AgentList")},
                }
            },
            "/test_framework/v2/results/{id}/": {
                "parameters": [ref("parameters", "Id")],  # path-level: kept
                "summary": "one result",
                "get": {
                    "security": [{"api_key": []}],
                    "responses": {
                        "200": {
                            "description": "",
                            "content": {
                                "application/json": {"schema": ref("schemas", "ResultDetail")}
                            },
                        },
                        "404": ref("responses", "NotFound"),
                    },
                },
                "delete": {  # undeclared method of a declared path: dropped
                    "security": [{"session": []}],
                    "responses": {"204": {"description": ""}},
                },
            },
            "/test_framework/v2/results/": {
                "get": {"responses": {"200": ref("responses", "ResultPage")}}
            },
            "/test_framework/v2/results/{id}/rerun/": {
                "parameters": [ref("parameters", "Id")],
                "post": {
                    "requestBody": ref("requestBodies", "Rerun"),
                    "responses": {"201": {"description": ""}},
                },
            },
        },
        "components": {
            "schemas": {
                "Unused": {"type": "object", "properties": {"x": ref("schemas", "Status")}},
                "Agent": {"type": "object"},
                "ResultDetail": {
                    "type": "object",
                    "properties": {
                        "status": ref("schemas", "Status"),
                        "runs": {"type": "array", "items": ref("schemas", "Run")},
                    },
                },
                "Run": {  # a cycle: Run -> Metric -> Run
                    "allOf": [{"type": "object"}, {"properties": {"m": ref("schemas", "Metric")}}]
                },
                "Metric": {"oneOf": [{"type": "null"}, ref("schemas", "Run")]},
                "Status": {"type": "string", "enum": ["completed", "failed"]},
                "Page": {"type": "object", "properties": {"results": ref("schemas", "Summary")}},
                "Summary": {"type": "object"},
                "Error": {"type": "object"},
                "RerunBody": {
                    "type": "object",
                    "properties": {"only": {"$ref": "#/components/schemas/a~1b"}},
                },
                "a/b": {"type": "integer"},  # referred to as a~1b
                "IdFormat": {"type": "integer"},
            },
            "parameters": {
                "AgentFilter": {"in": "query", "name": "agent", "schema": ref("schemas", "Agent")},
                "Id": {
                    "in": "path",
                    "name": "id",
                    "required": True,
                    "schema": ref("schemas", "IdFormat"),
                },
            },
            "responses": {
                "AgentList": {"description": ""},
                "NotFound": {
                    "description": "",
                    "content": {"application/json": {"schema": ref("schemas", "Error")}},
                },
                "ResultPage": {
                    "description": "",
                    "content": {"application/json": {"schema": ref("schemas", "Page")}},
                },
            },
            "requestBodies": {
                "Rerun": {"content": {"application/json": {"schema": ref("schemas", "RerunBody")}}}
            },
            "securitySchemes": {
                "oauth2": {"type": "oauth2", "flows": {}},
                "api_key": {"type": "apiKey", "in": "header", "name": "X-CEKURA-API-KEY"},
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
                "global": {"type": "http", "scheme": "bearer"},
            },
        },
    }


def test_closure_reaches_through_every_kind_of_reference() -> None:
    sliced = cut(source(), [GET, LIST, RERUN])
    components = sliced.document["components"]
    assert {kind: list(members) for kind, members in components.items()} == {
        "schemas": [
            "ResultDetail",
            "Run",
            "Metric",
            "Status",
            "Page",
            "Summary",
            "Error",
            "RerunBody",
            "a/b",
            "IdFormat",
        ],
        "parameters": ["Id"],
        "responses": ["NotFound", "ResultPage"],
        "requestBodies": ["Rerun"],
        "securitySchemes": ["api_key"],
    }
    assert (sliced.present, sliced.missing) == ((GET, LIST, RERUN), ())


def test_components_not_reached_are_dropped() -> None:
    sliced = cut(source(), [LIST])
    assert sliced.document["components"] == {
        "schemas": {
            "Page": source()["components"]["schemas"]["Page"],
            "Summary": {"type": "object"},
        },
        "responses": {"ResultPage": source()["components"]["responses"]["ResultPage"]},
    }
    assert list(sliced.document["paths"]) == [LIST[1]]


def test_a_slice_reaching_no_component_has_no_components() -> None:
    document = source()
    document["paths"]["/ping/"] = {"get": {"responses": {"200": {"description": ""}}}}
    assert "components" not in cut(document, [("GET", "/ping/")]).document


def test_security_schemes_only_when_a_kept_requirement_names_them() -> None:
    document = source()
    # api_key: named by the kept GET; session: only by the dropped DELETE of the same path;
    # oauth2: only by the undeclared /agents/
    schemes = cut(document, [GET]).document["components"]["securitySchemes"]
    assert list(schemes) == ["api_key"]
    # a top-level requirement applies to every operation: its schemes stay
    document["security"] = [{"global": []}, {}]
    sliced = cut(document, [LIST]).document
    assert sliced["security"] == [{"global": []}, {}]
    assert list(sliced["components"]["securitySchemes"]) == ["global"]


def test_path_level_fields_are_kept_and_followed() -> None:
    sliced = cut(source(), [GET]).document
    assert sliced["paths"] == {
        GET[1]: {
            "parameters": [ref("parameters", "Id")],
            "summary": "one result",
            "get": source()["paths"][GET[1]]["get"],
        }
    }
    assert sliced["components"]["parameters"] == {"Id": source()["components"]["parameters"]["Id"]}
    assert "IdFormat" in sliced["components"]["schemas"]  # reached from the path-level parameter


def test_top_level_fields_kept_and_others_dropped() -> None:
    document = source()
    document["tags"] = [{"name": "agents"}]
    document["webhooks"] = {"x": {}}
    document["externalDocs"] = {"url": "https://docs.cekura.ai"}
    sliced = cut(document, [LIST]).document
    assert list(sliced) == ["openapi", "info", "servers", "externalDocs", "paths", "components"]


def test_order_follows_the_source_not_the_declaration() -> None:
    forwards = cut(source(), [GET, LIST, RERUN]).document
    backwards = cut(source(), [RERUN, LIST, GET]).document
    assert spec_io.dump_yaml(forwards) == spec_io.dump_yaml(backwards)
    assert list(forwards["paths"]) == [GET[1], LIST[1], RERUN[1]]  # the source's order


def test_cutting_a_slice_again_changes_nothing_and_the_source_is_untouched() -> None:
    document = source()
    pristine = copy.deepcopy(document)
    once = cut(document, [GET, RERUN]).document
    assert document == pristine
    assert cut(once, [GET, RERUN]).document == once
    once["paths"][GET[1]]["get"]["summary"] = "edited"  # a copy, not a view of the source
    assert document == pristine


def test_cycles_terminate() -> None:
    document = source()
    schemas = document["components"]["schemas"]
    schemas["Status"] = {"anyOf": [ref("schemas", "Status"), ref("schemas", "ResultDetail")]}
    assert "Status" in cut(document, [GET]).document["components"]["schemas"]


def test_a_dangling_ref_is_left_for_vendor_to_name() -> None:
    document = source()
    document["components"]["schemas"]["Summary"] = ref("schemas", "Gone")
    sliced = cut(document, [LIST]).document
    assert list(sliced["components"]["schemas"]) == ["Page", "Summary"]


def test_missing_operations_are_reported_not_refused() -> None:
    sliced = cut(source(), [("GET", "/gone/"), LIST, ("POST", LIST[1])])
    assert sliced.present == (LIST,)
    assert sliced.missing == (("GET", "/gone/"), ("POST", LIST[1]))


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ([("GET", "/gone/")], "the source has none of the declared operations (GET /gone/)"),
        (
            [("GET", f"/gone/{n}/") for n in range(5)],
            "the source has none of the declared operations (GET /gone/0/, GET /gone/1/, "
            "GET /gone/2/ and 2 more)",
        ),
    ],
)
def test_a_source_with_none_of_them_is_refused(
    declared: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(SliceError) as info:
        cut(source(), declared)
    assert str(info.value) == message


def test_neighbours_share_the_first_three_path_segments() -> None:
    document = source()
    document["paths"]["/test_framework/v2/results/{id}/end_calls/"] = {"post": {}}
    document["paths"]["/test_framework/v2/scenarios/"] = {"get": {}}
    document["paths"]["/test_framework/v1/results/"] = {"get": {}}
    document["paths"]["/test_framework/v2/"] = {"get": {}}  # shorter than the prefix
    assert neighbours(document, [GET, LIST]) == [
        "DELETE /test_framework/v2/results/{id}/",
        "POST /test_framework/v2/results/{id}/end_calls/",
        "POST /test_framework/v2/results/{id}/rerun/",
    ]
    # a declared path shorter than the prefix: what lies below it
    document["paths"]["/agents/{id}/"] = {"get": {}}
    assert neighbours(document, [("GET", "/agents/")]) == ["GET /agents/{id}/"]
    assert neighbours(document, [("GET", "/nowhere/at/all/")]) == []


# --- the declaration: openapi/operations.txt ------------------------------------------------


def test_parse_operations() -> None:
    text = (
        "# the operations\n"
        "\n"
        "GET /test_framework/v2/results/   # list\n"
        "  post   /test_framework/v2/results/{id}/rerun/\n"
    )
    assert parse_operations(text, "ops.txt") == (LIST, RERUN)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "GET /a/\nGET\n",
            "ops.txt:2: expected 'METHOD /path' (e.g. 'GET /test_framework/v2/results/'), "
            "got 'GET'",
        ),
        (
            "\n\nFETCH /a/\n",
            "ops.txt:3: expected 'METHOD /path' (e.g. 'GET /test_framework/v2/results/'), "
            "got 'FETCH /a/'",
        ),
        (
            "GET a/\n",
            "ops.txt:1: expected 'METHOD /path' (e.g. 'GET /test_framework/v2/results/'), "
            "got 'GET a/'",
        ),
        (
            "GET /a/ /b/\n",
            "ops.txt:1: expected 'METHOD /path' (e.g. 'GET /test_framework/v2/results/'), "
            "got 'GET /a/ /b/'",
        ),
        ("GET /a/\n# again\nget /a/\n", "ops.txt:3: GET /a/ is declared twice"),
        ("# nothing\n\n", "ops.txt: declares no operation"),
        ("", "ops.txt: declares no operation"),
    ],
    ids=["no-path", "unknown-method", "relative-path", "three-fields", "twice", "only-comments",
         "empty"],
)  # fmt: skip
def test_malformed_declarations_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(SliceError) as info:
        parse_operations(text, "ops.txt")
    assert str(info.value) == message


def test_a_long_bad_line_is_cut() -> None:
    line = "GET /a/ " + "x" * 100
    with pytest.raises(SliceError) as info:
        parse_operations(line, "ops.txt")
    assert str(info.value).endswith(f"got {line[:80]!r}")


def test_read_operations_errors(tmp_path: Path) -> None:
    with pytest.raises(SliceError) as info:
        spec_slice.read_operations(tmp_path / "nope.txt")
    assert str(info.value) == f"cannot read {tmp_path / 'nope.txt'}: No such file or directory"
    (tmp_path / "latin1.txt").write_bytes(b"GET /caf\xe9/\n")
    with pytest.raises(SliceError) as info:
        spec_slice.read_operations(tmp_path / "latin1.txt")
    assert str(info.value) == (
        f"cannot read {tmp_path / 'latin1.txt'}: not UTF-8 text (invalid continuation byte)"
    )


def test_the_project_declaration_is_the_vendored_slice() -> None:
    """openapi/operations.txt parses, and the vendored spec holds exactly what it declares
    (less what the source lacked), as its provenance records."""
    declared = spec_slice.read_operations(ROOT / "openapi" / vendor.OPERATIONS_NAME)
    provenance = json.loads((ROOT / "openapi" / vendor.PROVENANCE_NAME).read_text())
    assert provenance["operations_selected"] == [f"{m} {p}" for m, p in declared]
    document, _ = spec_io.decode_document((ROOT / "openapi" / vendor.SPEC_NAME).read_bytes())
    vendored = {f"{m} {p}" for m, p, _ in spec_io.operations(document)}
    assert vendored == {f"{m} {p}" for m, p in declared} - set(provenance["operations_missing"])
    # the vendored spec is its own slice: cutting it again gives the same bytes
    again = cut(document, declared).document
    assert spec_io.dump_yaml(again).encode() == (ROOT / "openapi" / vendor.SPEC_NAME).read_bytes()
