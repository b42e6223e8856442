"""Fixes applied between the vendored spec and the generator.

The vendored spec stays as published; ``generate.py`` runs these rules on a copy and hands the
result (a build artefact) to openapi-python-client. Each rule fixes a *class* of upstream defect
wherever it occurs, never one named operation or schema, so it keeps working when Cekura
publishes the next version. Each is listed in ``RULES`` with what upstream does, what we do and
why; ``python -m cekura_spec_tools.spec_fixes IN OUT`` applies them and prints what each changed.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .spec_io import SpecFormatError, atomic_write, decode_document, operations

Document = dict[str, Any]

_MEDIA_TYPE = re.compile(r"^[\w.+*-]+/[\w.+*-]+\s*(;.*)?$")
# Keywords that show a JSON schema was written where a media-type map belongs.
_SCHEMA_KEYWORDS = frozenset(
    {"type", "properties", "required", "items", "additionalProperties", "oneOf", "anyOf",
     "allOf", "enum", "format", "description", "nullable"}
)  # fmt: skip


@dataclass(frozen=True)
class Rule:
    name: str
    upstream: str
    fix: str
    why: str
    apply: Callable[[Document], list[str]]


def _content_maps(doc: Document) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``content`` map of a request body or a response, with a readable location."""
    for method, path, operation in operations(doc):
        body = operation.get("requestBody")
        if isinstance(body, dict) and isinstance(body.get("content"), dict):
            yield f"{method} {path} requestBody", body["content"]
        for status, response in (operation.get("responses") or {}).items():
            if isinstance(response, dict) and isinstance(response.get("content"), dict):
                yield f"{method} {path} response {status}", response["content"]
    components = doc.get("components") or {}
    for kind in ("requestBodies", "responses"):
        for name, item in (components.get(kind) or {}).items():
            if isinstance(item, dict) and isinstance(item.get("content"), dict):
                yield f"components/{kind}/{name}", item["content"]


def fix_media_type_keys(doc: Document) -> list[str]:
    changed = []
    for where, content in _content_maps(doc):
        invalid = [key for key in content if not _MEDIA_TYPE.match(key)]
        if not invalid:
            continue
        if set(invalid) <= _SCHEMA_KEYWORDS and "application/json" not in content:
            schema: dict[str, Any] = {"type": "object"}
            properties = (content.get("properties") or {}).get("schema")
            if isinstance(properties, dict) and properties:
                schema["properties"] = properties
            else:
                schema["additionalProperties"] = {}
            content["application/json"] = {"schema": schema}
        for key in invalid:
            del content[key]
        changed.append(f"{where}: {', '.join(sorted(invalid))}")
    return changed


def fix_component_titles(doc: Document) -> list[str]:
    changed = []
    schemas = (doc.get("components") or {}).get("schemas") or {}
    for name, schema in schemas.items():
        if isinstance(schema, dict) and "title" in schema:
            changed.append(f"components/schemas/{name} (title {schema.pop('title')!r})")
    return changed


def _walk(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


def fix_duplicate_type_entries(doc: Document) -> list[str]:
    changed = []
    for where, node in _walk(doc, ""):
        types = node.get("type")
        if isinstance(types, list) and all(isinstance(t, str) for t in types):
            unique = list(dict.fromkeys(types))
            if len(unique) != len(types):
                node["type"] = unique if len(unique) > 1 else unique[0]
                changed.append(f"{where or '/'}: {types} -> {node['type']}")
    return changed


def _request_bodies(doc: Document) -> Iterator[tuple[str, dict[str, Any]]]:
    for method, path, operation in operations(doc):
        body = operation.get("requestBody")
        if isinstance(body, dict) and isinstance(body.get("content"), dict):
            yield f"{method} {path}", body["content"]
    for name, body in ((doc.get("components") or {}).get("requestBodies") or {}).items():
        if isinstance(body, dict) and isinstance(body.get("content"), dict):
            yield f"components/requestBodies/{name}", body["content"]


def fix_json_request_bodies(doc: Document) -> list[str]:
    changed = []
    for where, content in _request_bodies(doc):
        if "application/json" in content and len(content) > 1:
            dropped = sorted(key for key in content if key != "application/json")
            for key in dropped:
                del content[key]
            changed.append(f"{where}: {', '.join(dropped)}")
    return changed


RULES: tuple[Rule, ...] = (
    Rule(
        name="media-type-keys",
        upstream="writes a JSON schema where a request or response `content` map belongs, so "
        "the map's keys are `type`, `properties`, `required` instead of media types",
        fix="drops keys that are not media types; when they were schema keywords, rebuilds an "
        "`application/json` object schema from the `properties` they carried",
        why="openapi-python-client drops the whole operation ('Invalid content type')",
        apply=fix_media_type_keys,
    ),
    Rule(
        name="component-schema-titles",
        upstream="gives component schemas display titles that repeat (`BlandConfig` and "
        "`BlandChatConfig` are both titled 'Bland')",
        fix="removes `title` from every component schema, so each model is named after its "
        "component key",
        why="the generator names models after titles: duplicates fail to parse, taking every "
        "schema that refers to them along; and a retitled schema would rename its class",
        apply=fix_component_titles,
    ),
    Rule(
        name="duplicate-type-entries",
        upstream="repeats an entry of a `type` array (`[string, null, null]`)",
        fix="keeps each type once, in order",
        why="JSON Schema requires unique items there; validators reject the document",
        apply=fix_duplicate_type_entries,
    ),
    Rule(
        name="json-request-bodies",
        upstream="offers one request body schema as `application/json`, form data and multipart "
        "alike (Django REST framework's default parsers)",
        fix="keeps `application/json` only, where a body offers it",
        why="the generator types the three the same and tests them in turn, so the last "
        "(multipart) wins and a JSON body is sent as a form; the client sends JSON",
        apply=fix_json_request_bodies,
    ),
)


def apply_fixes(doc: Document) -> tuple[Document, dict[str, list[str]]]:
    """A fixed copy of ``doc`` and, per rule name, the places each rule changed."""
    fixed = copy.deepcopy(doc)
    return fixed, {rule.name: rule.apply(fixed) for rule in RULES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Apply the spec fixes: IN (JSON/YAML) -> OUT.")
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args(argv)
    try:
        doc, _ = decode_document(args.source.read_bytes())
    except (OSError, SpecFormatError) as exc:
        print(f"spec_fixes: {exc}", file=sys.stderr)
        return 1
    fixed, report = apply_fixes(doc)
    atomic_write(args.target, json.dumps(fixed, ensure_ascii=False).encode("utf-8"))
    for name, places in report.items():
        print(f"{name}: {len(places)} change(s)")
        for place in places:
            print(f"  {place}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
