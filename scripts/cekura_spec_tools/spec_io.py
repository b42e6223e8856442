"""Reading and writing OpenAPI documents: format by content, deterministic YAML, atomic writes.

YAML aliases (``&anchor`` ... ``*alias``) are refused, not expanded. An alias bomb ("billion
laughs": anchors whose lists repeat aliases of the previous anchor) is a few hundred bytes that
load cheaply as shared objects but are 9**depth nodes to anything that walks them: the
validator, the slice, the generator (16 s at depth 6, MemoryError at depth 7) - and the dumper
would keep them as anchors in the vendored YAML. Expanding under a node budget would need a
budget that every later tool respects; refusing is simpler and costs nothing real: OpenAPI
documents share parts with ``$ref``, and the specs Cekura publishes use no aliases. The check
reads the YAML's event stream (linear in the text, never expanding anything) before loading,
and is skipped when the text has no ``&`` and ``*`` at all.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_DOCS_FENCE = re.compile(r"^````ya?ml[^\n]*\n(?P<body>.*?)^````\s*$", re.DOTALL | re.MULTILINE)

# libyaml is ~10x faster on a full Cekura spec; the pure-Python classes give the same bytes.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class SpecFormatError(Exception):
    """The input is not a JSON or YAML document (or a docs page embedding one)."""


def _refuse_aliases(text: str) -> None:
    """Raise SpecFormatError at the first YAML alias of ``text`` (see the module docstring)."""
    if "&" not in text or "*" not in text:  # an alias needs an anchor: both characters
        return
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            name = str(event.anchor)
            name = name if len(name) <= 40 else name[:39] + "…"
            where = f" at line {event.start_mark.line + 1}" if event.start_mark else ""
            raise SpecFormatError(
                f"the YAML uses aliases (&anchor/*alias), first *{name}{where}: refused rather "
                "than expanded (an alias bomb grows exponentially; OpenAPI documents share parts "
                "with $ref)"
            )


def decode_document(data: bytes) -> tuple[Any, str]:
    """Parse ``data`` as JSON or YAML, whatever its file name says. Returns (document, format),
    format being "json", "yaml" or "docs-page" (a Cekura docs page with a ````yaml block).
    YAML with aliases is refused (SpecFormatError; see the module docstring)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecFormatError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text), "json"
        except json.JSONDecodeError as exc:
            raise SpecFormatError(
                f"looks like JSON but does not parse: {exc.msg} (line {exc.lineno})"
            ) from None
    fence = _DOCS_FENCE.search(text)
    source_format = "yaml"
    if fence and not stripped.startswith("openapi"):
        text, source_format = fence["body"], "docs-page"
    try:
        _refuse_aliases(text)
        return yaml.load(text, Loader=_Loader), source_format
    except yaml.YAMLError as exc:
        raise SpecFormatError(f"not valid JSON or YAML: {exc}") from None


class _BlockStyleDumper(_Dumper):  # type: ignore[misc]
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text (descriptions) as literal blocks: readable, and diffs stay line-by-line.
    # (The emitter falls back to a quoted scalar where a block cannot represent the text.)
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockStyleDumper.add_representer(str, _represent_str)


def dump_yaml(document: Any) -> str:
    """Deterministic YAML: keys in document order, UTF-8 text, multi-line strings as blocks."""
    text: str = yaml.dump(
        document,
        Dumper=_BlockStyleDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1 << 30,  # one line per value: a changed description is a one-line diff
    )
    return text


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every (METHOD, path, operation) of the document."""
    for path, item in (document.get("paths") or {}).items():
        if isinstance(item, dict):
            for method, operation in item.items():
                if method in HTTP_METHODS and isinstance(operation, dict):
                    yield method.upper(), path, operation


def counts(document: dict[str, Any]) -> dict[str, int]:
    schemas = (document.get("components") or {}).get("schemas") or {}
    return {
        "paths": len(document.get("paths") or {}),
        "operations": sum(1 for _ in operations(document)),
        "schemas": len(schemas),
    }


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
