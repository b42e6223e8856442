"""Each rule of scripts/cekura_spec_tools/spec_fixes.py on a minimal fixture of the defect it fixes."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from cekura_spec_tools import spec_fixes

ROOT = Path(__file__).resolve().parents[2]


def spec(
    paths: dict[str, Any] | None = None, schemas: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas or {}},
    }


MANGLED_BODY = {
    "content": {
        "type": {
            "schema": {
                "type": "object",
                "additionalProperties": {},
                "description": "Unspecified request body",
            }
        },
        "properties": {"schema": {"session_id": {"type": "integer"}}},
        "required": {"schema": {"type": "object", "additionalProperties": {}}},
    }
}


def test_media_type_keys_rebuilds_the_json_body() -> None:
    doc = spec(
        {
            "/scenarios/cancel-agent/": {
                "post": {"requestBody": copy.deepcopy(MANGLED_BODY), "responses": {}}
            }
        }
    )
    fixed, report = spec_fixes.apply_fixes(doc)
    assert fixed["paths"]["/scenarios/cancel-agent/"]["post"]["requestBody"]["content"] == {
        "application/json": {
            "schema": {"type": "object", "properties": {"session_id": {"type": "integer"}}}
        }
    }
    assert report["media-type-keys"] == [
        "POST /scenarios/cancel-agent/ requestBody: properties, required, type"
    ]
    assert (
        doc["paths"]["/scenarios/cancel-agent/"]["post"]["requestBody"] == MANGLED_BODY
    )  # input untouched


def test_media_type_keys_keeps_valid_media_types() -> None:
    content = {
        "application/json": {"schema": {"type": "object"}},
        "multipart/form-data": {"schema": {"type": "object"}},
        "application/x-www-form-urlencoded; charset=utf-8": {"schema": {"type": "object"}},
        "schema": {"type": "object"},
    }
    doc = spec(
        {
            "/a/": {
                "post": {
                    "requestBody": {"content": copy.deepcopy(content)},
                    "responses": {"200": {"description": "", "content": {"application/json": {}}}},
                }
            }
        }
    )
    # this rule alone: json-request-bodies would then keep only application/json
    assert spec_fixes.fix_media_type_keys(doc) == ["POST /a/ requestBody: schema"]
    kept = doc["paths"]["/a/"]["post"]["requestBody"]["content"]
    assert list(kept) == list(content)[:3]


def test_media_type_keys_without_properties_gives_a_free_form_object() -> None:
    doc = spec(
        {"/a/": {"put": {"requestBody": {"content": {"type": {"schema": {}}}}, "responses": {}}}}
    )
    fixed, _ = spec_fixes.apply_fixes(doc)
    assert fixed["paths"]["/a/"]["put"]["requestBody"]["content"] == {
        "application/json": {"schema": {"type": "object", "additionalProperties": {}}}
    }


def test_component_titles_are_removed() -> None:
    doc = spec(schemas={
        "BlandConfig": {"type": "object", "title": "Bland"},
        "BlandChatConfig": {"type": "object", "title": "Bland"},
        "Plain": {"type": "string"},
    })  # fmt: skip
    fixed, report = spec_fixes.apply_fixes(doc)
    assert all("title" not in s for s in fixed["components"]["schemas"].values())
    assert report["component-schema-titles"] == [
        "components/schemas/BlandConfig (title 'Bland')",
        "components/schemas/BlandChatConfig (title 'Bland')",
    ]


def test_duplicate_type_entries() -> None:
    doc = spec(schemas={
        "Folder": {"type": "object", "properties": {
            "folder_path": {"type": ["string", "null", "null"]},
            "name": {"type": ["string", "string"]},
            "ok": {"type": ["string", "null"]},
        }},
    })  # fmt: skip
    fixed, report = spec_fixes.apply_fixes(doc)
    props = fixed["components"]["schemas"]["Folder"]["properties"]
    assert props["folder_path"]["type"] == ["string", "null"]
    assert props["name"]["type"] == "string"
    assert props["ok"]["type"] == ["string", "null"]
    assert report["duplicate-type-entries"] == [
        "/components/schemas/Folder/properties/folder_path: ['string', 'null', 'null'] -> ['string', 'null']",
        "/components/schemas/Folder/properties/name: ['string', 'string'] -> string",
    ]


FORM_BODY = {
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Run"}},
        "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Run"}},
        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/Run"}},
    },
    "required": True,
}


def test_json_request_bodies_keeps_only_json() -> None:
    doc = spec({
        "/run/": {"post": {"requestBody": copy.deepcopy(FORM_BODY), "responses": {}}},
        "/upload/": {"put": {"requestBody": {"content": {
            "multipart/form-data": {"schema": {"type": "object"}},
            "application/octet-stream": {"schema": {}},
        }}, "responses": {}}},
        "/json/": {"patch": {"requestBody": {"content": {
            "application/json": {"schema": {"type": "object"}},
        }}, "responses": {"200": {"description": "", "content": {
            "application/json": {}, "text/csv": {},  # responses are left alone
        }}}}},
        "/ref/": {"post": {"requestBody": {"$ref": "#/components/requestBodies/Run"},
                           "responses": {}}},
    }, schemas={"Run": {"type": "object"}})  # fmt: skip
    doc["components"]["requestBodies"] = {"Run": copy.deepcopy(FORM_BODY)}
    fixed, report = spec_fixes.apply_fixes(doc)
    assert fixed["paths"]["/run/"]["post"]["requestBody"] == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}},
        "required": True,
    }
    assert (
        fixed["components"]["requestBodies"]["Run"]
        == fixed["paths"]["/run/"]["post"]["requestBody"]
    )
    # no JSON offered: nothing to prefer, the body stays as it is
    assert fixed["paths"]["/upload/"] == doc["paths"]["/upload/"]
    assert fixed["paths"]["/json/"] == doc["paths"]["/json/"]
    assert report["json-request-bodies"] == [
        "POST /run/: application/x-www-form-urlencoded, multipart/form-data",
        "components/requestBodies/Run: application/x-www-form-urlencoded, multipart/form-data",
    ]
    assert doc["paths"]["/run/"]["post"]["requestBody"] == FORM_BODY  # input untouched


@pytest.mark.skipif(
    importlib.util.find_spec("openapi_python_client") is None,
    reason="openapi-python-client is not installed (it needs Python 3.11+)",
)
def test_json_request_bodies_makes_the_generated_client_send_json(tmp_path: Path) -> None:
    """Why the rule exists: without it the generator sends such a body as a multipart form."""
    from cekura_spec_tools import generate, paths

    doc = spec(
        {"/run/": {"post": {"operationId": "run", "requestBody": copy.deepcopy(FORM_BODY),
                            "responses": {"201": {"description": ""}}}}},
        schemas={"Run": {"type": "object", "properties": {"name": {"type": "string"}}}},
    )  # fmt: skip
    source = tmp_path / "spec.json"
    source.write_text(json.dumps(doc))
    package = generate.run_generator(source, paths.CONFIG, tmp_path / "gen")
    (module,) = (package / "api" / "default").glob("run.py")
    text = module.read_text()
    assert '_kwargs["json"] = body.to_dict()' in text
    assert "multipart" not in text and '_kwargs["files"]' not in text


def test_the_vendored_spec_needs_only_the_json_body_rule() -> None:
    import yaml

    doc = yaml.safe_load((ROOT / "openapi" / "cekura.yaml").read_text())
    fixed, report = spec_fixes.apply_fixes(doc)
    assert {name: places for name, places in report.items() if places} == {
        "json-request-bodies": [
            f"POST {path}: application/x-www-form-urlencoded, multipart/form-data"
            for path in (
                "/test_framework/v2/scenarios/run_scenarios/",
                "/test_framework/v2/scenarios/run_scenarios_text/",
            )
        ]
    }
    # and once fixed, it is clean: applying the rules again changes nothing
    again, report = spec_fixes.apply_fixes(fixed)
    assert again == fixed
    assert all(places == [] for places in report.values())


def test_every_rule_is_documented_in_the_readme() -> None:
    readme = (ROOT / "docs" / "maintainers" / "updating-the-spec.md").read_text()
    for rule in spec_fixes.RULES:
        assert f"`{rule.name}`" in readme, rule.name
        assert rule.upstream and rule.fix and rule.why


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(spec(schemas={"A": {"title": "X", "type": "object"}})))
    assert spec_fixes.main([str(source), str(tmp_path / "out.json")]) == 0
    assert json.loads((tmp_path / "out.json").read_text())["components"]["schemas"]["A"] == {
        "type": "object"
    }
    assert "component-schema-titles: 1 change(s)" in capsys.readouterr().out
