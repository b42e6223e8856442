"""OpenAPI 3.0/3.1 validation with openapi-spec-validator's verdicts and findings, about 20x faster.

openapi-spec-validator (pure Python) spends ~97% of a full Cekura spec's time in JSON Schema
validation: the whole document against the OpenAPI meta-schema, then every Schema Object
against the Schema Object dialect. Here the compiled validator jsonschema-rs answers the
yes/no question first, and openapi-spec-validator's own (Python) validator runs only where
jsonschema-rs says "invalid", to produce its exact errors (message, path, best match). The walk
over the document (operationIds, path parameters, duplicate parameters and tags, default values,
``required`` names in ``allOf``) stays openapi-spec-validator's own code.

So the errors are always openapi-spec-validator's, as long as jsonschema-rs accepts exactly what
the Python validator accepts. jsonschema-rs runs without format assertions (the Python
validators assert none on the document, and only ``regex`` - on ``pattern`` and
``patternProperties`` - among the formats the meta-schemas use on Schema Objects; that one is
checked here with :func:`re.compile`, as the Python validator does). tests/test_spec_validate*.py
proves same verdicts and same findings on the twelve upstream versions.

Before any of that, :func:`dangling_refs` finds each local ``$ref`` that points nowhere (and each
``$ref`` to another document): openapi-spec-validator stops there with an exception embedding the
whole document, after validating only part of it.
"""

from __future__ import annotations

import functools
import re
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
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

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


class _FastV30SchemaValidator(keywords.OpenAPIV30SchemaValidator):
    def _get_schema_checker(self, schema: Any, schema_value: Any) -> Callable[[Any], None]:
        return _gated("oas30-schema", super()._get_schema_checker(schema, schema_value))


class _FastV31SchemaValidator(keywords.OpenAPIV31SchemaValidator):
    def _get_schema_checker(self, schema: Any, schema_value: Any) -> Callable[[Any], None]:
        checker = super()._get_schema_checker(schema, schema_value)
        if not (isinstance(schema_value, dict) and "$schema" in schema_value):
            # the document's dialect (OpenAPI 3.1 base unless jsonSchemaDialect says otherwise)
            dialect = self._get_default_jsonschema_dialect_id(schema)
            if dialect == self.default_jsonschema_dialect_id:
                return _gated("oas31-schema", checker)
        return checker  # another dialect: the Python validator alone


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
    fast = _FastV31SpecValidator if version == "3.1" else _FastV30SpecValidator
    validator = fast(document)
    if not _rs_validator(version).is_valid(document):
        yield from _wrap(_python_document_validator(version).iter_errors(document))
    yield from _wrap(validator.root_validator(validator.schema_path))


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
