"""Reading decoded JSON into typed values, with the field path in every error.

The spec types many fields wrongly (integers as ``string``, lists of IDs as ``string``, durations
as free text). :class:`Reader` accepts what real servers send and raises
:class:`~cekura_client.ResponseValidationError` naming the field path when a value is present but
unusable. Paths are only built when an error is raised, so reading stays cheap.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from dateutil.parser import isoparse

from .._exceptions import ResponseValidationError

T = TypeVar("T")

JSONObject = dict[str, Any]

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


def to_int(value: Any, path: PathLike) -> int:
    """An integer from a JSON integer, an integral float, or a numeric string."""
    if type(value) is int:
        return value
    if isinstance(value, str) and _INT_TEXT.match(value):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise fail(path, "an integer", value)


def to_float(value: Any, path: PathLike) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            result = float(value)
        except OverflowError:  # an integer beyond the float range
            raise fail(path, "a finite number", value) from None
    elif isinstance(value, str):
        try:
            result = float(value)
        except ValueError:
            raise fail(path, "a number", value) from None
    else:
        raise fail(path, "a number", value)
    if not math.isfinite(result):
        raise fail(path, "a finite number", value)
    return result


def to_bool(value: Any, path: PathLike) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    raise fail(path, "a boolean", value)


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
    except OverflowError:  # more than timedelta holds (999,999,999 days)
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


class Reader:
    """Typed access to one JSON object at a known path.

    Every accessor returns ``None`` for a missing key or a JSON ``null`` unless its name says
    otherwise (``count``, ``str_list``, ...), and raises ResponseValidationError for a value
    it cannot use.
    """

    __slots__ = ("data", "path")

    def __init__(self, data: Any, path: PathLike) -> None:
        if not isinstance(data, dict):
            raise fail(path, "an object", data)
        self.data: JSONObject = data
        self.path = path

    def at(self, key: str) -> FieldPath:
        return FieldPath(self.path, key)

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None or type(value) is int:
            return value
        return to_int(value, self.at(key))

    def required_integer(self, key: str) -> int:
        value = self.data.get(key)
        if value is None:
            raise fail(self.at(key), "an integer", value)
        return to_int(value, self.at(key))

    def count(self, key: str) -> int:
        value = self.data.get(key)
        if type(value) is int:
            return value
        return 0 if value is None else to_int(value, self.at(key))

    def number(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if type(value) is float and math.isfinite(value):
            return value
        return to_float(value, self.at(key))

    def boolean(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None or value is True or value is False:
            return value
        return to_bool(value, self.at(key))

    def string(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None or type(value) is str:
            return value
        return to_str(value, self.at(key))

    def text_or_none(self, key: str) -> str | None:
        """A string where ``""`` means "none" (e.g. ``error_message``)."""
        value = self.string(key)
        return value or None

    def datetime(self, key: str) -> dt.datetime | None:
        value = self.data.get(key)
        return None if value is None else to_datetime(value, self.at(key))

    def duration(self, key: str) -> dt.timedelta | None:
        value = self.data.get(key)
        return None if value is None else to_duration(value, self.at(key))

    def mapping(self, key: str) -> JSONObject | None:
        value = self.data.get(key)
        if value is None or isinstance(value, dict):
            return value
        raise fail(self.at(key), "an object", value)

    def mapping_or_empty(self, key: str) -> JSONObject:
        return self.mapping(key) or {}

    def array(self, key: str) -> list[Any] | None:
        value = self.data.get(key)
        if value is None or isinstance(value, list):
            return value
        raise fail(self.at(key), "an array", value)

    def id_list(self, key: str) -> list[int] | None:
        """A list of IDs (integers or numeric strings). ``null`` stays ``None``."""
        items = self.array(key)
        if items is None:
            return None
        if all(type(item) is int for item in items):
            return list(items)
        path = self.at(key)
        return [to_int(item, FieldPath(path, i)) for i, item in enumerate(items)]

    def str_list(self, key: str) -> list[str]:
        """A list of strings; a single string becomes a one-item list; null/missing is []."""
        value = self.data.get(key)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            if all(type(item) is str for item in value):
                return list(value)
            path = self.at(key)
            return [to_str(item, FieldPath(path, i)) for i, item in enumerate(value)]
        raise fail(self.at(key), "a string or an array of strings", value)

    def models(self, key: str, parse: Callable[[Any, PathLike], T]) -> list[T]:
        """Parse every item of an array with ``parse(item, path)``; null/missing is []."""
        items = self.array(key)
        if not items:
            return []
        path = self.at(key)
        return [parse(item, FieldPath(path, i)) for i, item in enumerate(items)]

    def model(self, key: str, parse: Callable[[Any, PathLike], T]) -> T | None:
        value = self.data.get(key)
        return None if value is None else parse(value, self.at(key))

    def extra(self, known: frozenset[str]) -> Mapping[str, Any]:
        """The fields the model does not know, as received."""
        return {k: v for k, v in self.data.items() if k not in known}
