"""Turning the facade's models back into plain JSON values (for ``--json`` output, logs, caches).

The normalised form: counts are integers, durations are seconds (float), datetimes are ISO 8601
strings, statuses are their strings, runs are a list. ``raw`` fields are left out.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import attrs


def _value(inst: Any, field: attrs.Attribute[Any] | None, value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def _keep(field: attrs.Attribute[Any], value: Any) -> bool:
    return field.name != "raw"


def to_jsonable(model: Any) -> dict[str, Any]:
    """A JSON-ready dict of an attrs model (recursively), without ``raw``."""
    data: dict[str, Any] = attrs.asdict(model, filter=_keep, value_serializer=_value)
    return data
