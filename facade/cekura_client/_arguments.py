"""Checks on the arguments a caller passes, made before any request is sent."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from typing import Any, Final

from ._exceptions import InvalidRequestError
from ._text import safe_repr

__all__ = ["MAX_ID", "check_id", "check_ids", "check_positive"]

#: The largest ID accepted: a signed 64-bit integer, the widest a database key is.
MAX_ID: Final = 2**63 - 1


def check_id(value: Any, name: str) -> int:
    """A positive integer ID (an ``int``, an ``int`` subclass such as ``IntEnum``, or a string
    of ASCII digits) as a plain ``int``, or InvalidRequestError before any request is sent."""
    number: int | None = None
    if isinstance(value, str):
        if value.isascii() and value.isdigit() and len(value) <= 19:
            number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = operator.index(value)
    if number is None or number <= 0:
        raise InvalidRequestError(f"{name} must be a positive integer, got {safe_repr(value)}")
    if number > MAX_ID:
        raise InvalidRequestError(
            f"{name} must be a positive integer, got {safe_repr(value)} (IDs are at most 2**63-1)"
        )
    return int(number)


def check_positive(value: Any, name: str, maximum: int | None = None) -> int:
    """A positive ``int`` (not a bool), at most ``maximum`` when given, or InvalidRequestError
    before any request is sent."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidRequestError(f"{name} must be a positive integer, got {safe_repr(value)}")
    if maximum is not None and value > maximum:
        raise InvalidRequestError(f"{name} must be at most {maximum}, got {value}")
    return int(value)


def check_ids(
    value: Any, name: str, *, listed_as: str = "positive integer IDs", allow_empty: bool = False
) -> list[int]:
    """A collection of IDs (each checked by :func:`check_id`) as a list, in order; a string or
    a mapping is refused (``"1,2"`` is one value, not two IDs), and so is an empty one unless
    ``allow_empty``."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidRequestError(f"{name} must be a list of {listed_as}, got {safe_repr(value)}")
    ids = [check_id(item, f"each of {name}") for item in value]
    if not ids and not allow_empty:
        raise InvalidRequestError(f"{name} must name at least one ID, got an empty list")
    return ids
