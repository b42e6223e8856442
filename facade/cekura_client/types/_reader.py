"""Converting decoded JSON values, with the field path in every error.

The spec types many fields wrongly (integers as ``string``, durations as free text). These
converters accept what real servers send and raise :class:`~cekura_client.ResponseValidationError`
naming the field path when a value is present but unusable; the field declarations
(``_fields.py``) use them. Paths are only built when an error is raised, so reading stays cheap.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any

from dateutil.parser import isoparse

from .._exceptions import ResponseValidationError

_DURATION = re.compile(r"^\s*(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)\s*$")
_INT_TEXT = re.compile(r"^\s*[+-]?\d+\s*$")
_TRUE = frozenset({"true", "True", "TRUE", "1", "yes"})
_FALSE = frozenset({"false", "False", "FALSE", "0", "no", ""})


def join(path: str, key: str | int) -> str:
    """Extend a field path: ``a`` + ``b`` -> ``a.b``; integers and non-identifiers index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if not (key.isascii() and key.isidentifier()):
        return f"{path}[{key!r}]"
    return f"{path}.{key}" if path else key


class FieldPath:
    """A field path built only when printed: parsing a large result creates hundreds of
    thousands of paths, and needs their text only for the one that fails."""

    __slots__ = ("key", "parent")

    def __init__(self, parent: PathLike, key: str | int) -> None:
        self.parent = parent
        self.key = key

    def __str__(self) -> str:
        return join(str(self.parent), self.key)


PathLike = str | FieldPath


def fail(path: PathLike, expected: str, value: Any) -> ResponseValidationError:
    return ResponseValidationError(path=str(path), expected=expected, value=value)


def int_text(text: str) -> int | None:
    """The integer a numeric string spells (surrounding whitespace allowed), else None - also
    for text the pattern lets through but ``int()`` refuses (the separators ``\x1c``-``\x1f``,
    more digits than Python's int/str limit)."""
    if not _INT_TEXT.match(text):
        return None
    try:
        return int(text)
    except ValueError:
        return None


def to_int(value: Any, path: PathLike) -> int:
    """An integer from a JSON integer, an integral float, or a numeric string."""
    if type(value) is int:
        return value
    if isinstance(value, str) and (number := int_text(value)) is not None:
        return number
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise fail(path, "an integer", value)


def to_str(value: Any, path: PathLike) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise fail(path, "a string", value)


def to_datetime(value: Any, path: PathLike) -> dt.datetime | None:
    """An aware datetime from ISO 8601 text; naive times are taken as UTC; ``""`` is None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise fail(path, "an ISO 8601 date-time", value)
    try:
        parsed = dt.datetime.fromisoformat(value[:-1] + "+00:00" if value[-1] == "Z" else value)
    except ValueError:
        try:
            parsed = isoparse(value)
        except (ValueError, OverflowError):
            raise fail(path, "an ISO 8601 date-time", value) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


def to_duration(value: Any, path: PathLike) -> dt.timedelta | None:
    """A duration from ``"MM:SS"``, ``"H:MM:SS"``, minutes past 59 (``"75:03"``) or seconds.

    ``None`` and ``""`` (a result still running) give ``None``.
    """
    if value is None or value == "":
        return None
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value < 0 or not math.isfinite(value):
                raise fail(path, "a non-negative duration", value)
            return dt.timedelta(seconds=value)
        if isinstance(value, str):
            parsed = duration_text(value)
            if parsed is not None:
                return parsed
    except (OverflowError, ValueError):
        # more than timedelta holds (999,999,999 days), or more digits than int() reads
        raise fail(path, "a duration timedelta can hold", value) from None
    raise fail(path, 'a duration like "MM:SS" or "H:MM:SS"', value)


@functools.lru_cache(maxsize=4096)
def duration_text(value: str) -> dt.timedelta | None:
    # Cached: transcripts repeat the same few "MM:SS" stamps thousands of times.
    match = _DURATION.match(value)
    if match:
        hours, minutes, seconds = match.groups()
        if float(seconds) < 60:
            return dt.timedelta(hours=int(hours or 0), minutes=int(minutes), seconds=float(seconds))
    return None
