"""The field kinds the models are declared with: wire type (decoded by msgspec in C), strictness,
error phrase, slow-path coercion and normalisation, each defined once here.

Each alias is ``Annotated[public type, Kind(...)]``: a type checker sees the public type, and
msgspec decodes ``Kind.wire`` (the public type where it is not given; null too, for a field
that is not required).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import sys
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from dateutil.parser import isoparse
from msgspec import Meta

from ._model import CHECKED, CORE, DEFERRED, LENIENT, Kind, PathLike, fail

_MAX = sys.float_info.max
_MAX_SECONDS = 86_399_999_999_999.0  # timedelta.max, about
_DURATION = re.compile(r"^\s*(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)\s*$")
_INT_TEXT = re.compile(r"^\s*[+-]?\d+\s*$")
_TRUE = frozenset({"true", "True", "TRUE", "1", "yes"})
_FALSE = frozenset({"false", "False", "FALSE", "0", "no", ""})

# --- coercions (slow path only: an odd but usable wire value as the canonical one) ----------


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


def _int_text(value: Any, path: PathLike) -> Any:
    if isinstance(value, str) and (number := int_text(value)) is not None:
        return number
    return value


def bool_text(value: Any, path: PathLike) -> Any:
    if isinstance(value, str):
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    return value


def number_to_text(value: Any, path: PathLike) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _empty_is_none(value: Any, path: PathLike) -> Any:
    return None if value == "" else value


def _datetime_text(value: Any, path: PathLike) -> dt.datetime | None:
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
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _duration_value(value: Any, path: PathLike) -> Any:
    """Seconds from ``"MM:SS"``, ``"H:MM:SS"``, minutes past 59 (``"75:03"``) or seconds;
    ``""`` (a result still running) is None."""
    if value is None or isinstance(value, bool) or value == "":
        return None if value == "" else value
    try:
        if isinstance(value, (int, float)):
            if value < 0 or not math.isfinite(value):
                raise fail(path, "a non-negative duration", value)
            return float(dt.timedelta(seconds=value).total_seconds())
        if isinstance(value, str) and (parsed := duration_text(value)) is not None:
            return parsed.total_seconds()
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


# --- normalisations: (model, wire value) -> attribute value --------------------------------


def as_utc(model: Any, value: Any) -> Any:
    """Naive datetimes (the spec's own example has one) are UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def _duration(model: Any, value: Any) -> Any:
    if value is None or value == "" or isinstance(value, dt.timedelta):
        return None if value == "" else value
    if isinstance(value, str):
        return duration_text(value)
    return dt.timedelta(seconds=value)


def _duration_or_none(model: Any, value: Any) -> Any:
    if isinstance(value, str):
        try:
            return duration_text(value)
        except (OverflowError, ValueError):  # more than a timedelta holds, or int() reads
            return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1e12:
        return dt.timedelta(seconds=value)
    return value if isinstance(value, dt.timedelta) else None


def _duration_ok(value: Any) -> bool:
    """``MM:SS``, ``H:MM:SS`` and minutes past 59 that fit a timedelta (numbers are checked by
    the decoder's ``Meta``)."""
    if not isinstance(value, str) or value == "":
        return True
    try:
        return duration_text(value) is not None
    except OverflowError:
        return False


def _zero(model: Any, value: Any) -> Any:
    return 0 if value is None else value


def _none_if_empty(model: Any, value: Any) -> Any:
    return value or None


def _list(model: Any, value: Any) -> Any:
    return [] if value is None else value


def _str_list(model: Any, value: Any) -> Any:
    if value is None or value == "":
        return []
    return [value] if isinstance(value, str) else value


def _mapping(model: Any, value: Any) -> Any:
    return value if isinstance(value, Mapping) else {}


def _mapping_or_none(model: Any, value: Any) -> Any:
    return value if isinstance(value, Mapping) else None


_Finite = Annotated[float, Meta(ge=-_MAX, le=_MAX)]
_Seconds = Annotated[float, Meta(ge=0, le=_MAX_SECONDS)]
_T = TypeVar("_T")

#: ``Deferred[X]`` (X a lenient field kind): the slot keeps the JSON as received, a
#: ``msgspec.Raw`` slice of the response bytes, and each read decodes it as X's wire type and
#: normalises it as X does (see ``Kind.deferred``).
Deferred = Annotated[_T, DEFERRED]
#: An array of X; null or missing is ``[]``.
Items = Annotated[list[_T], Kind(CHECKED, "an array", normalise=_list)]
#: An array of X, or None for null (the difference matters).
OptItems = Annotated[list[_T] | None, Kind(CHECKED, "an array")]
#: A lenient typed view of an untyped (``oneOf: [{}, null]``) field: X when the value is a
#: non-empty object (fields that do not fit are None), else None. The value as received stays
#: in the parent's ``raw``.
View = Annotated[_T | None, Kind(LENIENT, wire=Any, view=True)]

CoreId = Annotated[int, Kind(CORE, "an integer", coerce=_int_text)]
Int = Annotated[int | None, Kind(CHECKED, "an integer", coerce=_int_text)]
Count = Annotated[int, Kind(CORE, "an integer", coerce=_int_text, normalise=_zero)]
CoreNumber = Annotated[float | None, Kind(CORE, wire=_Finite | None)]
Number = Annotated[float | None, Kind(CHECKED, wire=_Finite | None)]
CoreFlag = Annotated[bool | None, Kind(CORE, "a boolean", coerce=bool_text)]
Flag = Annotated[bool | None, Kind(CHECKED, "a boolean", coerce=bool_text)]
Text = Annotated[str | None, Kind(CHECKED, "a string", coerce=number_to_text)]
OptText = Annotated[
    str | None, Kind(CHECKED, "a string", coerce=number_to_text, normalise=_none_if_empty)
]
DateTime = Annotated[
    dt.datetime | None,
    Kind(CHECKED, "an ISO 8601 date-time", coerce=_datetime_text, normalise=as_utc),
]
Duration = Annotated[
    dt.timedelta | None,
    Kind(
        CHECKED,
        'a duration like "MM:SS" or "H:MM:SS"',
        coerce=_duration_value,
        normalise=_duration,
        check=_duration_ok,
        wire=str | _Seconds,
    ),
]
#: A transcript turn's ``time``: display-only (``start_time`` has the same), and there are
#: tens of thousands per result: lenient, so no pattern check in the decoder (it costs ~40%
#: of the decode time of a transcript-heavy result); unparseable text reads as None.
TurnTime = Annotated[dt.timedelta | None, Kind(LENIENT, normalise=_duration_or_none, wire=Any)]
_Id = Annotated[int, Kind(CHECKED, "an integer", coerce=_int_text)]
IdList = Annotated[list[_Id], Kind(CHECKED, "an array", normalise=_list)]
OptIdList = Annotated[list[_Id] | None, Kind(CHECKED, "an array")]
StrList = Annotated[
    list[str],
    Kind(LENIENT, coerce=_empty_is_none, normalise=_str_list, wire=str | list[str]),
]
Obj = Annotated[Mapping[str, Any], Kind(LENIENT, normalise=_mapping, wire=Any)]
OptObj = Annotated[Mapping[str, Any] | None, Kind(LENIENT, normalise=_mapping_or_none, wire=Any)]
AnyValue = Annotated[Any, Kind(LENIENT)]
