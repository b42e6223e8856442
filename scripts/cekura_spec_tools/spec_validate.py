"""OpenAPI 3.0/3.1 validation with openapi-spec-validator's verdicts and findings, ~100x faster.

openapi-spec-validator (pure Python) spends its time in two places on a full Cekura spec: JSON
Schema validation (the document against the OpenAPI meta-schema, each Schema Object against the
Schema Object dialect) and its walk through the document on jsonschema-path objects, resolving
``$ref``s at every step. Here:

* the compiled validator jsonschema-rs answers "valid?" first; openapi-spec-validator's own
  (Python) validator runs only where jsonschema-rs says "invalid", to produce its exact errors
  (message, path, best match). jsonschema-rs runs without format assertions: the Python
  validators assert none on the document, and among the formats the dialect meta-schemas use only
  ``regex`` (on ``pattern`` and ``patternProperties``), checked here with :func:`re.compile` as
  the Python validator does;
* the walk (:func:`_plain_root`, :class:`_PlainWalk`) mirrors openapi-spec-validator's
  ``RootValidator``/``SchemaValidator`` over the plain document: same visits in the same order,
  deduplicated by the same object identities, the same errors and error types; a default value
  is still checked by the library's own value validator on the library's path to it. Where the
  document has a structure the mirror does not handle (a non-local ``$ref``, an operation that is
  not an object, a non-string parameter name...), the library's own walk runs instead.

tests/test_spec_validate.py proves the same errors, in the same order, on the twelve upstream
versions and on documents carrying each kind of defect openapi-spec-validator reports.

Before any of that, :func:`dangling_refs` finds each local ``$ref`` that points nowhere (and each
``$ref`` to another document): openapi-spec-validator stops there with an exception embedding the
whole document, after validating only part of it.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote

import jsonschema_rs
from jsonschema.exceptions import ValidationError
from openapi_schema_validator._specifications import REGISTRY
from openapi_schema_validator.validators import OAS30Validator, OAS31Validator
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.schemas.backend.jsonschema import (
    create_validator as python_validator_for,
)
from openapi_spec_validator.schemas.utils import get_schema_content
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.exceptions import (
    DuplicateOperationIDError,
    ExtraParametersError,
    OpenAPIValidationError,
    ParameterDuplicateError,
    UnresolvableParameterError,
)

# Values that are data, not OpenAPI structure: a "$ref" key inside them is not a reference.
_DATA_KEYS = frozenset({"example", "default", "enum", "const"})


def _retrieve(uri: str) -> Any:
    """Meta-schemas referenced by the OpenAPI dialects, from the packages' bundled copies."""
    return REGISTRY.contents(uri)


@functools.cache
def _rs_validator(schema_id: str) -> Any:
    """A compiled validator (no format assertions) for a meta-schema, by name."""
    schema: dict[str, Any]
    if schema_id in ("3.0", "3.1"):
        schema = dict(get_schema_content(schema_id))
    elif schema_id == "oas30-schema":
        schema = dict(OAS30Validator.META_SCHEMA)
    else:
        schema = dict(OAS31Validator.META_SCHEMA)
    return jsonschema_rs.validator_for(schema, validate_formats=False, retriever=_retrieve)


@functools.cache
def _python_document_validator(version: str) -> Any:
    return python_validator_for(dict(get_schema_content(version)))


def _patterns_compile(node: Any) -> bool:
    """Whether every ``pattern`` and ``patternProperties`` key in a schema compiles with ``re``
    (the ``regex`` format the Python meta-schema validation asserts)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in _DATA_KEYS:
                    continue
                if key == "pattern" and isinstance(value, str) and not _compiles(value):
                    return False
                keys = value if key == "patternProperties" and isinstance(value, dict) else ()
                if not all(_compiles(str(k)) for k in keys):
                    return False
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return True


@functools.cache
def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def _gated(rs_name: str, python_check: Callable[[Any], None]) -> Callable[[Any], None]:
    """A Schema Object checker: jsonschema-rs decides; the Python check runs (and raises its own
    error) only where jsonschema-rs finds the schema invalid."""

    def check(schema_value: Any) -> None:
        if _rs_validator(rs_name).is_valid(schema_value) and _patterns_compile(schema_value):
            return
        python_check(schema_value)

    return check


class _Unusual(Exception):
    """A structure the plain-dict walk does not mirror: the caller reruns the library's walk."""


class _PlainWalk(keywords.SchemaValidator):
    """openapi-spec-validator's walk through a Schema Object and its subschemas
    (``SchemaValidator.__call__``: meta check of the top schema, ``allOf``/``anyOf``/``oneOf``/
    ``not``/``items``/``properties`` recursion, ``required`` names missing from an ``allOf``,
    default values), over the plain document instead of jsonschema-path objects: the same
    visits, in the same order, deduplicated by the same object identities (jsonschema-path hands
    out the document's own objects), with the same errors. A default value is still checked by
    the library's own value validator, on the library's path to it. Local ``$ref``s only;
    anything else it does not mirror raises :class:`_Unusual`."""

    def __init__(self, registry: Any) -> None:
        super().__init__(registry)
        self._meta_seen: set[int] = set()
        self._visited: set[int] = set()
        self._document: Any = None

    def __call__(
        self, schema: Any, require_properties: bool = True, meta_checked: bool = False
    ) -> Iterator[ValidationError]:
        if self._document is None:
            self._document = schema._clone_with_parts(()).read_value()
        schema_value = schema.read_value()
        if not isinstance(schema_value, dict | bool):
            yield OpenAPIValidationError(f"{schema_value!r} is not of type 'object', 'boolean'")
            return
        if not meta_checked and id(schema_value) not in self._meta_seen:
            self._meta_seen.add(id(schema_value))
            error = self._validate_schema_meta(schema, schema_value)
            if error is not None:
                yield error
                return
        yield from self._walk(schema, (), schema_value, require_properties)

    def check_at(self, root: Any, keys: tuple[Any, ...], node: Any) -> Iterator[ValidationError]:
        """``__call__`` on the Schema Object at ``root / keys...`` (``node``, maybe a $ref),
        without building that path unless a default value needs it."""
        schema_value = self._resolve(node)
        if not isinstance(schema_value, dict | bool):
            yield OpenAPIValidationError(f"{schema_value!r} is not of type 'object', 'boolean'")
            return
        if id(schema_value) not in self._meta_seen:
            self._meta_seen.add(id(schema_value))
            error = self._validate_schema_meta(root, schema_value)  # root: for the dialect
            if error is not None:
                yield error
                return
        yield from self._walk(root, keys, schema_value, True)

    def _resolve(self, node: Any) -> Any:
        for _ in range(64):
            if not (isinstance(node, dict) and "$ref" in node):
                return node
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#"):
                raise _Unusual(f"$ref {ref!r}")
            target = self._document
            fragment = unquote(ref[1:])
            for raw in fragment[1:].split("/") if fragment else ():
                part = raw.replace("~1", "/").replace("~0", "~")
                if isinstance(target, dict) and part in target:
                    target = target[part]
                elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                    target = target[int(part)]
                else:
                    raise _Unusual(f"$ref {ref!r}")
            node = target
        raise _Unusual("a cycle of $refs")

    def _list(self, value: dict[str, Any], key: str) -> list[Any]:
        items = self._resolve(value[key])
        if not isinstance(items, list):
            raise _Unusual(key)
        return items

    def _mapping(self, value: dict[str, Any], key: str) -> dict[str, Any]:
        items = self._resolve(value[key])
        if not isinstance(items, dict):
            raise _Unusual(key)
        return items

    def _child(self, base: Any, keys: tuple[Any, ...], child: Any) -> Iterator[ValidationError]:
        value = self._resolve(child)
        if not isinstance(value, dict | bool):
            yield OpenAPIValidationError(f"{value!r} is not of type 'object', 'boolean'")
            return
        yield from self._walk(base, keys, value, False)

    def _collect(self, value: Any) -> set[str]:
        props: set[str] = set()
        if not isinstance(value, dict):
            raise _Unusual("a subschema that is not an object")
        if "properties" in value:
            props.update(self._mapping(value, "properties").keys())
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in value:
                for sub in self._list(value, keyword):
                    props.update(self._collect(self._resolve(sub)))
        for keyword in ("items", "not"):
            if keyword in value:
                props.update(self._collect(self._resolve(value[keyword])))
        return props

    def _walk(
        self, base: Any, keys: tuple[Any, ...], value: Any, require_properties: bool
    ) -> Iterator[ValidationError]:
        if id(value) in self._visited:
            return
        self._visited.add(id(value))
        if not isinstance(value, dict):
            return  # a boolean schema
        nested: list[str] = []
        if "allOf" in value:
            for index, inner in enumerate(self._list(value, "allOf")):
                yield from self._child(base, (*keys, "allOf", index), inner)
                nested += list(self._collect(self._resolve(inner)))
        for keyword in ("anyOf", "oneOf"):
            if keyword in value:
                for index, inner in enumerate(self._list(value, keyword)):
                    yield from self._child(base, (*keys, keyword, index), inner)
        for keyword in ("not", "items"):
            if keyword in value:
                yield from self._child(base, (*keys, keyword), value[keyword])
        if "properties" in value:
            for name, prop in self._mapping(value, "properties").items():
                yield from self._child(base, (*keys, "properties", name), prop)
        required = ("required" in value and self._resolve(value["required"])) or []
        properties: Any = (
            "properties" in value and self._mapping(value, "properties").keys()
        ) or []
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            raise _Unusual("required")
        extra = list(set(required) - set(properties) - set(nested)) if "allOf" in value else []
        if extra and require_properties:
            yield ExtraParametersError(f"Required list has not defined properties: {extra}")
        if "default" in value:
            default_value = self._resolve(value["default"])
            nullable = self._resolve(value["nullable"]) if "nullable" in value else False
            if default_value is not None or nullable is not True:
                path = base
                for key in keys:
                    path = path / key
                yield from self.default_validator(path, default_value)


def _v30_checker(self: Any, schema: Any, schema_value: Any) -> Callable[[Any], None]:
    python_check = keywords.OpenAPIV30SchemaValidator._get_schema_checker(
        self, schema, schema_value
    )
    return _gated("oas30-schema", python_check)


def _v31_checker(self: Any, schema: Any, schema_value: Any) -> Callable[[Any], None]:
    checker = keywords.OpenAPIV31SchemaValidator._get_schema_checker(self, schema, schema_value)
    if not (isinstance(schema_value, dict) and "$schema" in schema_value):
        # the document's dialect (OpenAPI 3.1 base unless jsonSchemaDialect says otherwise)
        dialect = self._get_default_jsonschema_dialect_id(schema)
        if dialect == self.default_jsonschema_dialect_id:
            return _gated("oas31-schema", checker)
    return checker  # another dialect: the Python validator alone


class _FastV30SchemaValidator(_PlainWalk, keywords.OpenAPIV30SchemaValidator):
    _get_schema_checker = _v30_checker


class _FastV31SchemaValidator(_PlainWalk, keywords.OpenAPIV31SchemaValidator):
    _get_schema_checker = _v31_checker


class _GatedV30SchemaValidator(keywords.OpenAPIV30SchemaValidator):
    _get_schema_checker = _v30_checker


class _GatedV31SchemaValidator(keywords.OpenAPIV31SchemaValidator):
    _get_schema_checker = _v31_checker


class _FastV30SpecValidator(OpenAPIV30SpecValidator):
    keyword_validators = {  # noqa: RUF012 (as in the base class)
        **OpenAPIV30SpecValidator.keyword_validators,
        "schema": _FastV30SchemaValidator,
    }


class _FastV31SpecValidator(OpenAPIV31SpecValidator):
    keyword_validators = {  # noqa: RUF012 (as in the base class)
        **OpenAPIV31SpecValidator.keyword_validators,
        "schema": _FastV31SchemaValidator,
    }


class _GatedV30SpecValidator(OpenAPIV30SpecValidator):
    keyword_validators = {  # noqa: RUF012 (as in the base class)
        **OpenAPIV30SpecValidator.keyword_validators,
        "schema": _GatedV30SchemaValidator,
    }


class _GatedV31SpecValidator(OpenAPIV31SpecValidator):
    keyword_validators = {  # noqa: RUF012 (as in the base class)
        **OpenAPIV31SpecValidator.keyword_validators,
        "schema": _GatedV31SchemaValidator,
    }


_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _plain_root(validator: Any, document: dict[str, Any]) -> Iterator[ValidationError]:
    """openapi-spec-validator's ``RootValidator`` walk (tags, paths with their parameters,
    operations and response schemas, component schemas), over the plain document."""
    registry = validator.keyword_validators_registry
    schemas: Any = registry["schema"]
    schemas._document = document
    root = validator.schema_path
    resolve = schemas._resolve

    def mapping(node: Any) -> dict[Any, Any]:
        value = resolve(node)
        if not isinstance(value, dict):
            raise _Unusual("not an object")
        return value

    def sequence(node: Any) -> list[Any]:
        value = resolve(node)
        if not isinstance(value, list):
            raise _Unusual("not an array")
        return value

    def text(node: dict[str, Any], key: str) -> str:
        value = resolve(node[key]) if key in node else None
        if not isinstance(value, str):
            raise _Unusual(key)
        return value

    def parameters(params: list[Any], keys: tuple[Any, ...]) -> Iterator[ValidationError]:
        seen: set[tuple[str, str]] = set()
        for index, declared in enumerate(params):
            parameter = mapping(declared)
            if "schema" in parameter:
                yield from schemas.check_at(root, (*keys, index, "schema"), parameter["schema"])
            key = (text(parameter, "name"), text(parameter, "in"))
            if key in seen:
                yield ParameterDuplicateError(f"Duplicate parameter '{key[0]}'")
            seen.add(key)

    def path_names(params: list[Any]) -> list[str]:
        return [text(mapping(p), "name") for p in params if text(mapping(p), "in") == "path"]

    operation_ids: list[Any] = []

    def operation(
        url: str, name: str, op: dict[str, Any], keys: tuple[Any, ...], path_params: Any
    ) -> Iterator[ValidationError]:
        if "operationId" in op:
            operation_id = resolve(op["operationId"])
            if operation_id is not None and operation_id in operation_ids:
                yield DuplicateOperationIDError(
                    f"Operation ID '{operation_id}' for '{name}' in '{url}' is not unique"
                )
            operation_ids.append(operation_id)
        if "responses" in op:
            for code, declared in mapping(op["responses"]).items():
                response = mapping(declared)
                if "content" in response:
                    for media_type, declared_media in mapping(response["content"]).items():
                        media = mapping(declared_media)
                        if "schema" in media:
                            where = (*keys, "responses", code, "content", media_type, "schema")
                            yield from schemas.check_at(root, where, media["schema"])
        names: list[str] = []
        if "parameters" in op:
            op_params = sequence(op["parameters"])
            yield from parameters(op_params, (*keys, "parameters"))
            names += path_names(op_params)
        if path_params is not None:
            names += path_names(path_params)
        all_params = set(names)
        url_params = set(filter(None, [item[1] for item in string.Formatter().parse(url)]))
        message = "Path parameter '{}' for '{}' operation in '{}' was not resolved"
        for param in sorted(url_params):
            if param not in all_params:
                yield UnresolvableParameterError(message.format(param, name, url))
        for param in sorted(all_params):
            if param not in url_params:
                yield UnresolvableParameterError(message.format(param, name, url))

    if "tags" in document and "tags" in registry.keyword_validators:
        seen_tags: set[str] = set()
        for declared_tag in sequence(document["tags"]):
            tag_name = text(mapping(declared_tag), "name")
            if tag_name in seen_tags:
                yield OpenAPIValidationError(f"Duplicate tag name '{tag_name}'")
            seen_tags.add(tag_name)
    if "paths" in document:
        for url, declared_item in mapping(document["paths"]).items():
            item = mapping(declared_item)
            path_params = None
            if "parameters" in item:
                path_params = sequence(item["parameters"])
                yield from parameters(path_params, ("paths", url, "parameters"))
            for field_name, declared_op in item.items():
                if field_name in _OPERATIONS:
                    yield from operation(
                        url, field_name, mapping(declared_op), ("paths", url, field_name),
                        path_params,
                    )  # fmt: skip
    if "components" in document:
        components = mapping(document["components"])
        if "schemas" in components:
            for name, schema in mapping(components["schemas"]).items():
                yield from schemas.check_at(root, ("components", "schemas", name), schema)


def _wrap(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    # as openapi-spec-validator's iter_errors does
    for error in errors:
        yield (
            error
            if isinstance(error, OpenAPIValidationError)
            else (OpenAPIValidationError.create_from(error))
        )


def iter_errors(document: dict[str, Any]) -> Iterator[ValidationError]:
    """openapi-spec-validator's errors for an OpenAPI 3.0/3.1 document, in its order."""
    version = "3.1" if str(document.get("openapi", "")).startswith("3.1") else "3.0"
    if not _rs_validator(version).is_valid(document):
        yield from _wrap(_python_document_validator(version).iter_errors(document))
    fast = _FastV31SpecValidator if version == "3.1" else _FastV30SpecValidator
    validator: Any = fast(document)
    try:
        errors = list(_wrap(_plain_root(validator, document)))
    except _Unusual:  # the library's own walk (still with the compiled meta checks)
        gated = _GatedV31SpecValidator if version == "3.1" else _GatedV30SpecValidator
        validator = gated(document)
        errors = list(_wrap(validator.root_validator(validator.schema_path)))
    yield from errors


def plain_walk_applies(document: dict[str, Any]) -> bool:
    """Whether :func:`iter_errors` walks ``document`` as plain data (the fast way) rather than
    falling back to the library's walk."""
    fast = (
        _FastV31SpecValidator
        if str(document.get("openapi", "")).startswith("3.1")
        else (_FastV30SpecValidator)
    )
    try:
        list(_plain_root(fast(document), document))
    except _Unusual:
        return False
    return True


def reference_iter_errors(document: dict[str, Any]) -> Iterator[ValidationError]:
    """openapi-spec-validator alone, pure Python (the reference the tests compare with)."""
    version = "3.1" if str(document.get("openapi", "")).startswith("3.1") else "3.0"
    base = OpenAPIV31SpecValidator if version == "3.1" else OpenAPIV30SpecValidator
    validator = base(document)
    yield from _wrap(_python_document_validator(version).iter_errors(document))
    yield from _wrap(validator.root_validator(validator.schema_path))


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def pointer(parts: list[str] | tuple[str, ...]) -> str:
    """A JSON pointer (RFC 6901) from its parts."""
    return "".join("/" + _escape(str(part)) for part in parts) or "/"


def _resolves(document: Any, ref: str) -> bool:
    node = document
    fragment = unquote(ref[1:])
    if not fragment:
        return True
    if not fragment.startswith("/"):
        return False  # an anchor name: none are defined in OpenAPI documents we vendor
    for raw in fragment[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def dangling_refs(document: Any) -> list[tuple[str, str]]:
    """(JSON pointer of the ``$ref``, its value) for every reference that does not resolve
    inside the document, in document order. Values that are data (``example``, ``default``,
    ``enum``, ``const``, a Schema Object's ``examples`` list, ``x-`` extensions) are skipped."""
    found: list[tuple[str, str]] = []

    def walk(node: Any, parts: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not (ref.startswith("#") and _resolves(document, ref)):
                found.append((pointer((*parts, "$ref")), ref))
            for key, value in node.items():
                skip = key in _DATA_KEYS or (isinstance(key, str) and key.startswith("x-"))
                if not skip and not (key == "examples" and isinstance(value, list)):
                    walk(value, (*parts, str(key)))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*parts, str(index)))

    walk(document, ())
    return found
