"""Checks on the arguments a caller passes, made before any request is sent."""

from __future__ import annotations

import operator
from typing import Any, Final

from ._exceptions import InvalidRequestError
from ._text import safe_repr

__all__ = ["MAX_ID", "check_id"]

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
