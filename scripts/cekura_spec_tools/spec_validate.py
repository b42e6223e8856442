"""OpenAPI 3.0/3.1 validation: openapi-spec-validator's own, with jsonschema-rs answering "valid?"
first where it would run pure-Python JSON Schema validation.

openapi-spec-validator (with its pure-Python ``jsonschema`` backend: the messages vendor prints)
does two things, each sped up here without changing a verdict or a message:

1. it validates the document against the OpenAPI 3.0/3.1 meta-schema (its public
   ``schemas.schema_v30``/``schema_v31``): ~10 s on a full Cekura spec. jsonschema-rs checks it
   first (~0.02 s); the Python validator runs only where jsonschema-rs finds the document
   invalid, for its exact errors. (openapi-spec-validator picks its own jsonschema-rs backend
   when jsonschema-rs is installed: its messages differ and embed the whole document.)
2. its walk (``root_validator``: the library's own, unchanged: duplicate operationIds and tags,
   undeclared or duplicate parameters, ``required`` names missing from ``allOf``, default
   values) checks each Schema Object against the Schema Object dialect, three quarters of the
   walk's 2-4 s. For OpenAPI 3.1 in the default dialect, :class:`_V31Schemas` lets jsonschema-rs
   check the Schema Object first, and the library's check runs only where it finds a defect.
   jsonschema-rs runs without format assertions: of the formats the dialect meta-schema uses,
   the Python check asserts only ``regex`` (``pattern``, ``patternProperties``), checked here
   with :func:`re.compile` as it does. OpenAPI 3.0 documents get the library's walk as is.

tests/tools/test_spec_validate.py proves the same errors, in the same order, as
openapi-spec-validator on the twelve upstream versions and on documents carrying each kind of
defect it reports.

Before any of that, :func:`dangling_refs` finds each local ``$ref`` that points nowhere (and each
``$ref`` to another document): openapi-spec-validator stops there with an exception embedding the
whole document, after validating only part of it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from importlib.resources import files
from typing import Any
from urllib.parse import unquote

import jsonschema_rs
from jsonschema.exceptions import ValidationError
from jsonschema.validators import validator_for
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.schemas import schema_v30, schema_v31
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

# Values that are data, not OpenAPI structure: a "$ref" key inside them is not a reference.
_DATA_KEYS = frozenset({"example", "default", "enum", "const"})
_DOCUMENT_SCHEMAS = {"3.0": schema_v30, "3.1": schema_v31}
_SPEC_VALIDATORS = {"3.0": OpenAPIV30SpecValidator, "3.1": OpenAPIV31SpecValidator}
# The one schema the OpenAPI 3.1 dialect refers to that jsonschema-rs does not bundle.
_OAS31_VOCABULARY = "https://spec.openapis.org/oas/3.1/meta/base"


def _retrieve(uri: str) -> Any:
    """The OpenAPI 3.1 vocabulary meta-schema, from the copy openapi-schema-validator ships as
    package data; nothing else (no network)."""
    if uri != _OAS31_VOCABULARY:
        raise ValueError(f"no bundled copy of {uri}")
    path = files("openapi_schema_validator") / "schemas" / "oas3.1" / "vocabularies" / "base"
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def _compiled(name: str) -> Any:
    """jsonschema-rs, without format assertions, for a document meta-schema (``"3.0"``,
    ``"3.1"``) or the OpenAPI 3.1 Schema Object dialect (``"dialect"``)."""
    schema = OAS31Validator.META_SCHEMA if name == "dialect" else _DOCUMENT_SCHEMAS[name]
    return jsonschema_rs.validator_for(dict(schema), validate_formats=False, retriever=_retrieve)


@functools.cache
def _python(version: str) -> Any:
    """openapi-spec-validator's pure-Python document validator (as its ``jsonschema`` backend
    builds it)."""
    schema = dict(_DOCUMENT_SCHEMAS[version])
    return validator_for(schema)(schema)


@functools.cache
def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def _patterns_compile(node: Any) -> bool:
    """Whether every ``pattern`` and ``patternProperties`` key in a schema compiles with ``re``
    (the ``regex`` format the Python meta check asserts)."""
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


def _gated(check: Callable[[Any], None], schema_value: Any) -> None:
    """The library's meta check of a Schema Object, run only where jsonschema-rs (or ``re``)
    finds a defect: it raises the library's own error."""
    if not (_compiled("dialect").is_valid(schema_value) and _patterns_compile(schema_value)):
        check(schema_value)


class _V31Schemas(keywords.OpenAPIV31SchemaValidator):
    """openapi-spec-validator's Schema Object keyword validator (its walk, untouched), with the
    meta check gated. Used only for documents without ``jsonSchemaDialect``."""

    def _get_schema_checker(self, schema: Any, schema_value: Any) -> Callable[[Any], None]:
        check = super()._get_schema_checker(schema, schema_value)
        if isinstance(schema_value, dict) and "$schema" in schema_value:
            return check  # another dialect: the library's check alone
        return functools.partial(_gated, check)


class _V31(OpenAPIV31SpecValidator):
    keyword_validators = {  # noqa: RUF012 (as in the base class)
        **OpenAPIV31SpecValidator.keyword_validators,
        "schema": _V31Schemas,
    }


def _wrap(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    """As openapi-spec-validator's ``iter_errors`` does."""
    for error in errors:
        if isinstance(error, OpenAPIValidationError):
            yield error
        else:
            yield OpenAPIValidationError.create_from(error)


def _version(document: dict[str, Any]) -> str:
    return "3.1" if str(document.get("openapi", "")).startswith("3.1") else "3.0"


def iter_errors(document: dict[str, Any]) -> Iterator[ValidationError]:
    """openapi-spec-validator's errors for an OpenAPI 3.0/3.1 document, in its order."""
    version = _version(document)
    if not _compiled(version).is_valid(document):
        yield from _wrap(_python(version).iter_errors(document))
    gated = version == "3.1" and "jsonSchemaDialect" not in document
    validator = (_V31 if gated else _SPEC_VALIDATORS[version])(document)
    yield from _wrap(validator.root_validator(validator.schema_path))


def reference_iter_errors(document: dict[str, Any]) -> Iterator[ValidationError]:
    """openapi-spec-validator alone, pure Python: what its ``iter_errors`` yields with its
    ``jsonschema`` backend (the reference the tests compare with)."""
    version = _version(document)
    yield from _wrap(_python(version).iter_errors(document))
    validator = _SPEC_VALIDATORS[version](document)
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
