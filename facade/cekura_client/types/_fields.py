"""The field kinds the models are declared with: wire type (decoded by msgspec in C), strictness,
error phrase, slow-path coercion and normalisation, each defined once here.

Under ``TYPE_CHECKING`` each alias is the attribute's public type (what a user's type checker
sees); at run time it is the ``Annotated`` wire type that msgspec decodes, whose ``Kind.public``
repeats the public type for ``help()`` (``tests/client/test_model_help.py`` keeps them equal).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import msgspec
from msgspec import Meta

from ._model import CHECKED, CORE, LENIENT, Kind, split_kind
from ._reader import _FALSE, _TRUE, PathLike, duration_text, int_text, to_duration, to_str

__all__ = [
    "AnyValue",
    "CoreFlag",
    "CoreId",
    "CoreNumber",
    "Count",
    "DateTime",
    "Deferred",
    "Duration",
    "Flag",
    "IdList",
    "Int",
    "Items",
    "Number",
    "Obj",
    "OptIdList",
    "OptItems",
    "OptObj",
    "OptText",
    "StrList",
    "Text",
    "TurnTime",
    "View",
    "as_utc",
    "bool_text",
    "number_to_text",
]

_MAX = sys.float_info.max
_MAX_SECONDS = 86_399_999_999_999.0  # timedelta.max, about


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
        return to_str(value, path)
    return value


def _empty_is_none(value: Any, path: PathLike) -> Any:
    return None if value == "" else value


def _datetime_text(value: Any, path: PathLike) -> Any:
    from ._reader import to_datetime  # noqa: PLC0415

    return None if value is None else to_datetime(value, path)


def _duration_value(value: Any, path: PathLike) -> Any:
    if value is None or isinstance(value, bool):
        return value
    parsed = to_duration(value, path)  # raises with the precise message
    return None if parsed is None else parsed.total_seconds()


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


def _view_of(cls: Any) -> Any:
    from ._model import view  # noqa: PLC0415

    def read(model: Any, value: Any) -> Any:
        return view(cls, value)

    read.view_of = cls  # type: ignore[attr-defined]  # for the field table (types/_doc.py)
    return read


def _public(item: Any) -> Any:
    """What a type checker sees for ``item`` (a field kind, or a plain type)."""
    wire, kind = split_kind(item)
    return wire if kind.public is None else kind.public


_Finite = Annotated[float, Meta(ge=-_MAX, le=_MAX)]
_Seconds = Annotated[float, Meta(ge=0, le=_MAX_SECONDS)]

if TYPE_CHECKING:
    _T = TypeVar("_T")
    #: ``Deferred[X]`` is X to a type checker.
    Deferred = Annotated[_T, "deferred"]
    from builtins import list as Items
    from builtins import list as OptItems  # with None kept: `list[X] | None` at run time
    from typing import Optional as View
else:

    class Deferred:
        """``Deferred[X]`` (X a lenient field kind): the slot keeps the JSON as received, a
        ``msgspec.Raw`` slice of the response bytes, and each read decodes it as X's wire type
        and normalises it as X does (see ``Kind.deferred``)."""

        def __class_getitem__(cls, item: Any) -> Any:
            wire, kind = split_kind(item)
            if kind.strictness != LENIENT:
                raise TypeError(f"only a lenient field can be deferred, not {item!r}")
            return Annotated[msgspec.Raw, dataclasses.replace(kind, deferred=wire)]

    class Items:
        """``Items[X]``: an array of X; null or missing is ``[]``."""

        def __class_getitem__(cls, item: Any) -> Any:
            return Annotated[
                list[item] | None,
                Kind(CHECKED, "an array", normalise=_list, public=list[_public(item)]),
            ]

    class OptItems:
        """``OptItems[X]``: an array of X, or None for null (the difference matters)."""

        def __class_getitem__(cls, item: Any) -> Any:
            return Annotated[
                list[item] | None, Kind(CHECKED, "an array", public=list[_public(item)] | None)
            ]

    class View:
        """``View[X]``: a lenient typed view of an untyped (``oneOf: [{}, null]``) field: X when
        the value is a non-empty object (fields that do not fit are None), else None. The
        value as received stays in the parent's ``raw``."""

        def __class_getitem__(cls, item: Any) -> Any:
            return Annotated[
                Any, Kind(LENIENT, normalise=_view_of(item), public=_public(item) | None)
            ]


if TYPE_CHECKING:
    CoreId = int
    Int = int | None
    Count = int
    CoreNumber = float | None
    Number = float | None
    CoreFlag = bool | None
    Flag = bool | None
    Text = str | None
    OptText = str | None
    DateTime = dt.datetime | None
    Duration = dt.timedelta | None
    TurnTime = dt.timedelta | None
    IdList = list[int]
    OptIdList = list[int] | None
    StrList = list[str]
    Obj = Mapping[str, Any]
    OptObj = Mapping[str, Any] | None
    AnyValue = Any
else:
    CoreId = Annotated[int, Kind(CORE, "an integer", coerce=_int_text, public=int)]
    Int = Annotated[int | None, Kind(CHECKED, "an integer", coerce=_int_text, public=int | None)]
    Count = Annotated[
        int | None, Kind(CORE, "an integer", coerce=_int_text, normalise=_zero, public=int)
    ]
    CoreNumber = Annotated[_Finite | None, Kind(CORE, public=float | None)]
    Number = Annotated[_Finite | None, Kind(CHECKED, public=float | None)]
    CoreFlag = Annotated[bool | None, Kind(CORE, "a boolean", coerce=bool_text, public=bool | None)]
    Flag = Annotated[bool | None, Kind(CHECKED, "a boolean", coerce=bool_text, public=bool | None)]
    Text = Annotated[
        str | None, Kind(CHECKED, "a string", coerce=number_to_text, public=str | None)
    ]
    OptText = Annotated[
        str | None,
        Kind(
            CHECKED,
            "a string",
            coerce=number_to_text,
            normalise=_none_if_empty,
            public=str | None,
        ),
    ]
    DateTime = Annotated[
        dt.datetime | None,
        Kind(
            CHECKED,
            "an ISO 8601 date-time",
            coerce=_datetime_text,
            normalise=as_utc,
            public=dt.datetime | None,
        ),
    ]
    Duration = Annotated[
        str | _Seconds | None,
        Kind(
            CHECKED,
            'a duration like "MM:SS" or "H:MM:SS"',
            coerce=_duration_value,
            normalise=_duration,
            check=_duration_ok,
            public=dt.timedelta | None,
        ),
    ]
    #: A transcript turn's ``time``: display-only (``start_time`` has the same), and there are
    #: tens of thousands per result: lenient, so no pattern check in the decoder (it costs ~40%
    #: of the decode time of a transcript-heavy result); unparseable text reads as None.
    TurnTime = Annotated[
        Any, Kind(LENIENT, normalise=_duration_or_none, public=dt.timedelta | None)
    ]
    _Id = Annotated[int, Kind(CHECKED, "an integer", coerce=_int_text)]
    IdList = Annotated[
        list[_Id] | None, Kind(CHECKED, "an array", normalise=_list, public=list[int])
    ]
    OptIdList = Annotated[list[_Id] | None, Kind(CHECKED, "an array", public=list[int] | None)]
    StrList = Annotated[
        str | list[str] | None,
        Kind(LENIENT, coerce=_empty_is_none, normalise=_str_list, public=list[str]),
    ]
    Obj = Annotated[Any, Kind(LENIENT, normalise=_mapping, public=Mapping[str, Any])]
    OptObj = Annotated[
        Any, Kind(LENIENT, normalise=_mapping_or_none, public=Mapping[str, Any] | None)
    ]
    AnyValue = Annotated[Any, Kind(LENIENT, public=Any)]
