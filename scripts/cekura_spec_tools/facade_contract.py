"""What the facade calls, as the spec tools see it: its operations and their method+path
candidates, and the rule choosing among the candidates a spec provides.

The facade declares its operations in ``cekura_client.spec_contract.OPERATIONS`` (each with a
``.name`` such as "client.results.get" and ``.candidates``, ordered (METHOD, path) pairs, the
preferred first). :func:`facade_operations` is the one place that reads that declaration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_VERSION = re.compile(r"/(v\d+)/")


@dataclass(frozen=True)
class FacadeOperation:
    name: str  # e.g. "client.results.get"
    candidates: tuple[tuple[str, str], ...]  # (METHOD, path), preferred first


@dataclass(frozen=True)
class Selection:
    operation: str  # "METHOD /path"
    deprecated: bool  # True only when every candidate present is deprecated


def facade_operations() -> tuple[FacadeOperation, ...]:
    """The facade's operations, read from its public ``cekura_client.spec_contract``."""
    from cekura_client.spec_contract import OPERATIONS  # noqa: PLC0415 (the client is optional)

    return tuple(
        FacadeOperation(op.name, tuple((method.upper(), path) for method, path in op.candidates))
        for op in OPERATIONS
    )


def select(spec: Mapping[str, Any], candidates: tuple[tuple[str, str], ...]) -> Selection | None:
    """The candidate the facade uses with ``spec``: the first one present and not
    ``deprecated: true``; else the first present one (deprecated); None when none is present."""
    paths = spec.get("paths") or {}
    present: list[tuple[str, bool]] = []
    for method, path in candidates:
        item = paths.get(path)
        operation = item.get(method.lower()) if isinstance(item, Mapping) else None
        if isinstance(operation, Mapping):
            present.append((f"{method} {path}", operation.get("deprecated") is True))
    for operation, deprecated in present:
        if not deprecated:
            return Selection(operation, False)
    return Selection(present[0][0], True) if present else None


def move_label(old: str, new: str) -> str:
    """ "v1 to v2" when two operations differ by their path's version segment, else both."""
    old_versions, new_versions = _VERSION.findall(old), _VERSION.findall(new)
    if (
        old_versions
        and new_versions
        and _VERSION.sub("/_/", old) == _VERSION.sub("/_/", new)
        and old_versions != new_versions
    ):
        return f"{old_versions[0]} to {new_versions[0]}"
    return f"{old} to {new}"
