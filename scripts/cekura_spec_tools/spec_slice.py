"""Cut a slice of a complete spec: the operations the client covers and every component they
reach, transitively, nothing else.

The operations are declared once, in ``openapi/operations.txt`` (one ``METHOD /path`` per line,
``#`` comments). Cekura publishes one document with about a thousand operations; the client needs
a handful, and generating all of them would make every review of ``generated/`` unreadable.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import spec_io
from .spec_io import HTTP_METHODS

__all__ = [
    "ALL",
    "PREFIX_SEGMENTS",
    "Slice",
    "SliceError",
    "cut",
    "neighbours",
    "parse_operations",
    "read_operations",
]

#: ``--operations all``: vendor the document whole.
ALL = "all"

#: How many leading path segments make an operation a neighbour of a declared one
#: (``/test_framework/v2/results/...``).
PREFIX_SEGMENTS = 3

_REF_PREFIX = "#/components/"
#: Top-level fields a slice keeps as they are (``paths`` and ``components`` are cut).
_KEPT = ("openapi", "info", "jsonSchemaDialect", "servers", "security", "externalDocs")


class SliceError(ValueError):
    """The operations file or the slice cannot be used; the message says why, in a line."""


def parse_operations(text: str, source: str = "operations") -> tuple[tuple[str, str], ...]:
    """``METHOD /path`` pairs from the declaration text, in order, without duplicates."""
    found: list[tuple[str, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2 or parts[0].lower() not in HTTP_METHODS or not parts[1].startswith("/"):
            raise SliceError(
                f"{source}:{number}: expected 'METHOD /path' (e.g. 'GET /test_framework/v2/"
                f"results/'), got {line[:80]!r}"
            )
        pair = (parts[0].upper(), parts[1])
        if pair in found:
            raise SliceError(f"{source}:{number}: {pair[0]} {pair[1]} is declared twice")
        found.append(pair)
    if not found:
        raise SliceError(f"{source}: declares no operation")
    return tuple(found)


def read_operations(path: Path) -> tuple[tuple[str, str], ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SliceError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise SliceError(f"cannot read {path}: not UTF-8 text ({exc.reason})") from None
    return parse_operations(text, str(path))


@dataclass(frozen=True)
class Slice:
    """The cut document, the declared operations it holds and those the source lacks."""

    document: dict[str, Any]
    present: tuple[tuple[str, str], ...]
    missing: tuple[tuple[str, str], ...]


def _refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` string in ``node``, depth first (iteratively: a deep schema cannot exhaust
    the call stack)."""
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _component(ref: str) -> tuple[str, str] | None:
    """``("schemas", "Result")`` for ``#/components/schemas/Result``; None for other refs."""
    if not ref.startswith(_REF_PREFIX):
        return None
    kind, _, name = ref[len(_REF_PREFIX) :].partition("/")
    name = name.split("/", 1)[0].replace("~1", "/").replace("~0", "~")
    return (kind, name) if kind and name else None


def _reached(components: dict[str, Any], roots: Iterable[Any]) -> set[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    pending = list(roots)
    while pending:
        for ref in _refs(pending.pop()):
            key = _component(ref)
            if key is None or key in seen:
                continue
            target = (components.get(key[0]) or {}).get(key[1])
            if target is None:
                continue  # a dangling ref: vendor's own check names it
            seen.add(key)
            pending.append(target)
    return seen


def _security_schemes(document: dict[str, Any], operations: list[dict[str, Any]]) -> set[str]:
    names: set[str] = set()
    for requirements in [document.get("security"), *(op.get("security") for op in operations)]:
        for requirement in requirements or []:
            if isinstance(requirement, dict):
                names.update(requirement)
    return names


def cut(document: dict[str, Any], operations: Iterable[tuple[str, str]]) -> Slice:
    """The slice of ``document`` holding ``operations`` (those it has) and what they reach.

    Path-level fields (``parameters``, ``servers``...) are kept for each kept path; component
    order follows the source, so the same source and list give the same bytes."""
    paths = document.get("paths") or {}
    components = document.get("components") or {}
    present: list[tuple[str, str]] = []
    missing: list[tuple[str, str]] = []
    new_paths: dict[str, dict[str, Any]] = {}
    for method, path in operations:
        item = paths.get(path)
        operation = item.get(method.lower()) if isinstance(item, dict) else None
        if not isinstance(operation, dict):
            missing.append((method, path))
            continue
        present.append((method, path))
        kept = new_paths.setdefault(path, {})
        kept[method.lower()] = operation
    if not present:
        shown = ", ".join(f"{m} {p}" for m, p in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise SliceError(f"the source has none of the declared operations ({shown}{more})")
    # Keep the source's order of paths and, inside each, of methods and path-level fields.
    sliced_paths: dict[str, Any] = {}
    for path, item in paths.items():
        if path not in new_paths:
            continue
        sliced_paths[path] = {
            key: value
            for key, value in item.items()
            if key not in HTTP_METHODS or key in new_paths[path]
        }
    kept_operations = [op for item in new_paths.values() for op in item.values()]
    reached = _reached(components, sliced_paths.values())
    schemes = _security_schemes(document, kept_operations)
    new_components: dict[str, Any] = {}
    for kind, members in components.items():
        if not isinstance(members, dict):
            continue
        keep = {
            name: value
            for name, value in members.items()
            if (kind, name) in reached or (kind == "securitySchemes" and name in schemes)
        }
        if keep:
            new_components[kind] = keep
    sliced: dict[str, Any] = {key: document[key] for key in _KEPT if key in document}
    sliced["paths"] = sliced_paths
    if new_components:
        sliced["components"] = new_components
    return Slice(copy.deepcopy(sliced), tuple(present), tuple(missing))


def _prefix(path: str) -> tuple[str, ...]:
    return tuple(segment for segment in path.split("/") if segment)[:PREFIX_SEGMENTS]


def neighbours(document: dict[str, Any], operations: Iterable[tuple[str, str]]) -> list[str]:
    """The operations of ``document`` next to the slice: not declared, but under the same first
    :data:`PREFIX_SEGMENTS` path segments as a declared operation (all of a shorter declared
    path's segments). ``METHOD /path`` strings, sorted by path, then method."""
    declared = set(operations)
    prefixes = {_prefix(path) for _, path in declared}
    found = [
        (path, method)
        for method, path, _ in spec_io.operations(document)
        if (method, path) not in declared
        and any(_prefix(path)[: len(prefix)] == prefix for prefix in prefixes)
    ]
    return [f"{method} {path}" for path, method in sorted(found)]
