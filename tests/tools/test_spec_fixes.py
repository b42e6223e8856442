"""Each rule of scripts/cekura_spec_tools/spec_fixes.py on a minimal fixture of the defect it fixes."""

from __future__ import annotations

import copy
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
    fixed, report = spec_fixes.apply_fixes(doc)
    kept = fixed["paths"]["/a/"]["post"]["requestBody"]["content"]
    assert list(kept) == list(content)[:3]
    assert report["media-type-keys"] == ["POST /a/ requestBody: schema"]


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


def test_a_clean_spec_is_unchanged() -> None:
    import yaml

    doc = yaml.safe_load((ROOT / "openapi" / "cekura.yaml").read_text())
    fixed, report = spec_fixes.apply_fixes(doc)
    assert fixed == doc
    assert all(places == [] for places in report.values())


def test_every_rule_is_documented_in_the_readme() -> None:
    readme = (ROOT / "docs" / "updating-the-spec.md").read_text()
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
