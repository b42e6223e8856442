"""Compare two OpenAPI 3.0/3.1 documents: operations, parameters, bodies, responses, and every
schema reached from an operation (through ``$ref``s, cycles included), classified by
:mod:`diff_rules`.

Component schemas are compared once each, in the contexts (request, response) in which any
operation reaches them; inline schemas are compared where they stand. ``$ref``s are not followed
during comparison - the referenced component is compared on its own - so cycles cannot loop.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .diff_rules import Category, Context, classify
from .spec_io import operations

Schema = dict[str, Any]
_REF_PREFIX = "#/components/schemas/"
_DOC_KEYS = frozenset({"description", "summary", "title", "example", "examples", "externalDocs"})
_REQ = frozenset({Context.REQUEST})
_RESP = frozenset({Context.RESPONSE})


@dataclass(frozen=True)
class Change:
    kind: str
    category: Category
    location: str  # "GET /path" or "Component.prop.sub" or "GET /path response 200 body.prop"
    message: str
    operation: str | None = None  # the operation, for operation-level changes
    schema: str | None = None  # the component schema, for component-level changes
    prop_path: tuple[str, ...] = ()  # the property path inside that schema


@dataclass
class SpecDiff:
    changes: list[Change] = field(default_factory=list)
    documentation_changes: int = 0
    operations_added: list[str] = field(default_factory=list)
    operations_removed: list[str] = field(default_factory=list)
    operations_deprecated: list[str] = field(default_factory=list)
    schema_users: dict[str, set[str]] = field(default_factory=dict)  # component -> operations

    def of(self, category: Category) -> list[Change]:
        return [c for c in self.changes if c.category is category]


def _ref_name(schema: Any) -> str | None:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
            return ref[len(_REF_PREFIX) :]
    return None


def _refs_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        name = _ref_name(node)
        if name is not None:
            yield name
        for value in node.values():
            yield from _refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs_in(value)


def _parameters(
    doc: dict[str, Any], path: str, operation: dict[str, Any]
) -> dict[tuple[str, str], Any]:
    """Path-level and operation-level parameters by (in, name), $refs to parameters resolved."""
    merged: dict[tuple[str, str], Any] = {}
    item = doc["paths"].get(path) or {}
    shared = (doc.get("components") or {}).get("parameters") or {}
    for declared in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
        param = declared
        if isinstance(declared, dict) and "$ref" in declared:
            param = shared.get(str(declared["$ref"]).rsplit("/", 1)[-1], {})
        if isinstance(param, dict) and "name" in param:
            merged[(str(param.get("in")), str(param["name"]))] = param
    return merged


def _body_schemas(container: Any) -> dict[str, Any]:
    content = container.get("content") if isinstance(container, dict) else None
    if not isinstance(content, dict):
        return {}
    return {
        mt: (m or {}).get("schema") for mt, m in content.items() if isinstance(m, dict) or m is None
    }


def _roots(doc: dict[str, Any]) -> dict[str, dict[Context, set[str]]]:
    """For each operation, the component schemas it references directly, by context."""
    roots: dict[str, dict[Context, set[str]]] = {}
    for method, path, op in operations(doc):
        key = f"{method} {path}"
        request = set(_refs_in([p.get("schema") for p in _parameters(doc, path, op).values()]))
        request |= set(_refs_in(list(_body_schemas(op.get("requestBody")).values())))
        response: set[str] = set()
        for resp in (op.get("responses") or {}).values():
            response |= set(_refs_in(list(_body_schemas(resp).values())))
        roots[key] = {Context.REQUEST: request, Context.RESPONSE: response}
    return roots


def reachable(doc: dict[str, Any]) -> tuple[dict[str, set[Context]], dict[str, set[str]]]:
    """Component schemas reached from operations (following $refs; cycles end at seen nodes):
    the contexts each is reached in, and the operations that reach it."""
    schemas = (doc.get("components") or {}).get("schemas") or {}
    contexts: dict[str, set[Context]] = defaultdict(set)
    users: dict[str, set[str]] = defaultdict(set)
    closure: dict[str, set[str]] = {}

    def reach(start: str) -> set[str]:
        if start not in closure:
            seen, stack = {start}, [start]
            while stack:
                for ref in _refs_in(schemas.get(stack.pop())):
                    if ref not in seen:
                        seen.add(ref)
                        stack.append(ref)
            closure[start] = seen
        return closure[start]

    for op, by_context in _roots(doc).items():
        for context, names in by_context.items():
            for name in names:
                for reached in reach(name):
                    contexts[reached].add(context)
                    users[reached].add(op)
    return dict(contexts), dict(users)


def _types(schema: Schema) -> tuple[frozenset[str], bool]:
    """(non-null types, nullable), from `type` (string or list), 3.0 `nullable`, or a
    oneOf/anyOf with a `{type: null}` branch."""
    raw = schema.get("type")
    types = set(raw) if isinstance(raw, list) else ({raw} if isinstance(raw, str) else set())
    nullable = "null" in types or schema.get("nullable") is True
    for key in ("oneOf", "anyOf"):
        for branch in schema.get(key) or []:
            if isinstance(branch, dict) and branch.get("type") == "null":
                nullable = True
    return frozenset(t for t in types if t != "null"), nullable


def _variants(schema: Schema) -> list[Any]:
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list):
            return [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
    return []


def _properties_of(schema: Schema) -> dict[str, Any]:
    properties = schema.get("properties")
    return properties if isinstance(properties, dict) else {}


def _required_of(schema: Schema) -> set[str]:
    required = schema.get("required")
    return {str(name) for name in required} if isinstance(required, list) else set()


class _Comparer:
    def __init__(self, diff: SpecDiff) -> None:
        self.diff = diff

    def add(self, kind: str, contexts: frozenset[Context], message: str, **where: Any) -> None:
        location = where.pop("location")
        self.diff.changes.append(Change(kind, classify(kind, contexts), location, message, **where))

    def schema(
        self,
        old: Any,
        new: Any,
        contexts: frozenset[Context],
        location: str,
        where: dict[str, Any],
        prop_path: tuple[str, ...] = (),
    ) -> None:
        """Compare two schema nodes without following $refs."""
        if not isinstance(old, dict) or not isinstance(new, dict):
            return
        here = {**where, "prop_path": prop_path, "location": location}
        old_ref, new_ref = _ref_name(old), _ref_name(new)
        if old_ref or new_ref:
            if old_ref != new_ref:
                self.add(
                    "ref-changed",
                    contexts,
                    f"{location}: model {old_ref or 'inline'} -> {new_ref or 'inline'}",
                    **here,
                )
            return
        for key in _DOC_KEYS:
            if old.get(key) != new.get(key):
                self.diff.documentation_changes += 1
        old_types, old_null = _types(old)
        new_types, new_null = _types(new)
        if old_types != new_types and old_types and new_types:
            self.add(
                "type-changed",
                contexts,
                f"{location}: type {'|'.join(sorted(old_types))} -> {'|'.join(sorted(new_types))}",
                **here,
            )
        if old_null != new_null:
            kind = "nullable-added" if new_null else "nullable-removed"
            self.add(
                kind, contexts, f"{location}: {'now' if new_null else 'no longer'} nullable", **here
            )
        if old.get("format") != new.get("format") and old.get("format") and new.get("format"):
            self.add(
                "format-changed",
                contexts,
                f"{location}: format {old['format']} -> {new['format']}",
                **here,
            )
        self._enum(old, new, contexts, location, here)
        self._properties(old, new, contexts, location, where, prop_path)
        for key, suffix in (("items", "[]"), ("additionalProperties", "{}")):
            self.schema(
                old.get(key), new.get(key), contexts, location + suffix, where, (*prop_path, suffix)
            )
        old_variants, new_variants = _variants(old), _variants(new)
        for index in range(min(len(old_variants), len(new_variants))):
            self.schema(
                old_variants[index],
                new_variants[index],
                contexts,
                f"{location}<{index}>",
                where,
                prop_path,
            )
        if len(new_variants) > len(old_variants) and old_variants:
            self.add(
                "variant-added",
                contexts,
                f"{location}: {len(new_variants) - len(old_variants)} more oneOf/anyOf variant(s)",
                **here,
            )
        elif len(new_variants) < len(old_variants) and new_variants:
            self.add(
                "variant-removed",
                contexts,
                f"{location}: {len(old_variants) - len(new_variants)} oneOf/anyOf variant(s) fewer",
                **here,
            )

    def _enum(
        self,
        old: Schema,
        new: Schema,
        contexts: frozenset[Context],
        location: str,
        here: dict[str, Any],
    ) -> None:
        old_enum, new_enum = old.get("enum"), new.get("enum")
        if not isinstance(old_enum, list) or not isinstance(new_enum, list):
            return
        added = [v for v in new_enum if v not in old_enum]
        removed = [v for v in old_enum if v not in new_enum]
        if added:
            self.add(
                "enum-value-added",
                contexts,
                f"{location}: enum value(s) added: {', '.join(map(repr, added))}",
                **here,
            )
        if removed:
            self.add(
                "enum-value-removed",
                contexts,
                f"{location}: enum value(s) removed: {', '.join(map(repr, removed))}",
                **here,
            )

    def _properties(
        self,
        old: Schema,
        new: Schema,
        contexts: frozenset[Context],
        location: str,
        where: dict[str, Any],
        prop_path: tuple[str, ...],
    ) -> None:
        old_props, new_props = _properties_of(old), _properties_of(new)
        old_required, new_required = _required_of(old), _required_of(new)
        for name in new_props:
            path = (*prop_path, name)
            here = {**where, "prop_path": path, "location": f"{location}.{name}"}
            if name not in old_props:
                kind = "required-property-added" if name in new_required else "property-added"
                self.add(
                    kind,
                    contexts,
                    f"{location}.{name}: property added"
                    + (" (required)" if name in new_required else ""),
                    **here,
                )
                continue
            if name in new_required and name not in old_required:
                self.add("required-added", contexts, f"{location}.{name}: now required", **here)
            elif name in old_required and name not in new_required:
                self.add(
                    "required-removed", contexts, f"{location}.{name}: no longer required", **here
                )
            self.schema(
                old_props[name], new_props[name], contexts, f"{location}.{name}", where, path
            )
        for name in old_props:
            if name not in new_props:
                here = {**where, "prop_path": (*prop_path, name), "location": f"{location}.{name}"}
                self.add(
                    "property-removed", contexts, f"{location}.{name}: property removed", **here
                )


def _operation_changes(
    cmp: _Comparer,
    old_doc: dict[str, Any],
    new_doc: dict[str, Any],
    key: str,
    old_op: dict[str, Any],
    new_op: dict[str, Any],
) -> None:
    _method, path = key.split(" ", 1)
    where = {"operation": key, "location": key}
    none: frozenset[Context] = frozenset()
    if new_op.get("deprecated") and not old_op.get("deprecated"):
        cmp.diff.operations_deprecated.append(key)
        cmp.add("operation-deprecated", none, f"{key}: deprecated", **where)
    for doc_key in ("summary", "description", "tags"):
        if old_op.get(doc_key) != new_op.get(doc_key):
            cmp.diff.documentation_changes += 1
    old_params = _parameters(old_doc, path, old_op)
    new_params = _parameters(new_doc, path, new_op)
    for (where_in, name), param in new_params.items():
        label = f"{key}: {where_in} parameter {name!r}"
        old_param = old_params.get((where_in, name))
        if old_param is None:
            kind = (
                "parameter-added-required" if param.get("required") else "parameter-added-optional"
            )
            cmp.add(
                kind,
                none,
                f"{label} added{' (required)' if param.get('required') else ''}",
                **where,
            )
            continue
        if param.get("required") and not old_param.get("required"):
            cmp.add("parameter-made-required", none, f"{label} is now required", **where)
        elif old_param.get("required") and not param.get("required"):
            cmp.add("parameter-made-optional", none, f"{label} is now optional", **where)
        cmp.schema(
            old_param.get("schema"),
            param.get("schema"),
            _REQ,
            f"{key} {where_in} parameter {name}",
            {"operation": key},
        )
    for where_in, name in old_params.keys() - new_params.keys():
        cmp.add("parameter-removed", none, f"{key}: {where_in} parameter {name!r} removed", **where)
    _body_changes(cmp, key, old_op.get("requestBody"), new_op.get("requestBody"))
    old_responses = old_op.get("responses") or {}
    new_responses = new_op.get("responses") or {}
    for status in new_responses:
        if status not in old_responses:
            cmp.add("response-added", none, f"{key}: response {status} added", **where)
        else:
            _content_changes(
                cmp, key, f"response {status}", old_responses[status], new_responses[status], _RESP
            )
    for status in old_responses:
        if status not in new_responses:
            cmp.add("response-removed", none, f"{key}: response {status} removed", **where)


def _body_changes(cmp: _Comparer, key: str, old: Any, new: Any) -> None:
    where = {"operation": key, "location": key}
    none: frozenset[Context] = frozenset()
    if isinstance(new, dict) and not isinstance(old, dict):
        kind = (
            "request-body-added-required" if new.get("required") else "request-body-added-optional"
        )
        cmp.add(kind, none, f"{key}: request body added", **where)
    elif isinstance(old, dict) and not isinstance(new, dict):
        cmp.add("request-body-removed", none, f"{key}: request body removed", **where)
    elif isinstance(old, dict) and isinstance(new, dict):
        if new.get("required") and not old.get("required"):
            cmp.add(
                "request-body-made-required", none, f"{key}: request body is now required", **where
            )
        _content_changes(cmp, key, "request body", old, new, _REQ)


def _content_changes(
    cmp: _Comparer, key: str, label: str, old: Any, new: Any, contexts: frozenset[Context]
) -> None:
    old_media, new_media = _body_schemas(old), _body_schemas(new)
    where = {"operation": key, "location": key}
    for media_type in new_media.keys() - old_media.keys():
        cmp.add(
            "media-type-added", contexts, f"{key}: {label} media type {media_type} added", **where
        )
    for media_type in old_media.keys() - new_media.keys():
        cmp.add(
            "media-type-removed",
            contexts,
            f"{key}: {label} media type {media_type} removed",
            **where,
        )
    if (
        isinstance(old, dict)
        and isinstance(new, dict)
        and old.get("description") != new.get("description")
    ):
        cmp.diff.documentation_changes += 1
    for media_type in old_media.keys() & new_media.keys():
        cmp.schema(
            old_media[media_type],
            new_media[media_type],
            contexts,
            f"{key} {label} {media_type}",
            {"operation": key},
        )


def diff_specs(old: dict[str, Any], new: dict[str, Any]) -> SpecDiff:
    """Everything that changed from ``old`` to ``new``, classified."""
    diff = SpecDiff()
    cmp = _Comparer(diff)
    old_ops = {f"{m} {p}": op for m, p, op in operations(old)}
    new_ops = {f"{m} {p}": op for m, p, op in operations(new)}
    diff.operations_added = sorted(new_ops.keys() - old_ops.keys())
    diff.operations_removed = sorted(old_ops.keys() - new_ops.keys())
    none: frozenset[Context] = frozenset()
    for key in diff.operations_removed:
        cmp.add("operation-removed", none, f"{key}: operation removed", operation=key, location=key)
    for key in diff.operations_added:
        cmp.add("operation-added", none, f"{key}: operation added", operation=key, location=key)
    for key in sorted(old_ops.keys() & new_ops.keys()):
        _operation_changes(cmp, old, new, key, old_ops[key], new_ops[key])

    old_contexts, old_users = reachable(old)
    new_contexts, new_users = reachable(new)
    old_schemas = (old.get("components") or {}).get("schemas") or {}
    new_schemas = (new.get("components") or {}).get("schemas") or {}
    for name in sorted(set(old_contexts) | set(new_contexts)):
        contexts = frozenset(old_contexts.get(name, set()) | new_contexts.get(name, set()))
        diff.schema_users[name] = old_users.get(name, set()) | new_users.get(name, set())
        if name in old_schemas and name in new_schemas:
            cmp.schema(old_schemas[name], new_schemas[name], contexts, name, {"schema": name})
        elif name in new_schemas and name not in old_schemas:
            cmp.add("schema-added", contexts, f"{name}: schema added", schema=name, location=name)
    return diff
