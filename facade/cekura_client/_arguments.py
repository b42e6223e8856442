"""Checks on the arguments a caller passes, made before any request is sent."""

from __future__ import annotations

from typing import Any

from ._exceptions import InvalidRequestError

__all__ = ["check_id"]


def check_id(value: Any, name: str) -> int:
    """A positive integer ID, or InvalidRequestError before any request is sent."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if type(value) is not int or value <= 0:
        raise InvalidRequestError(f"{name} must be a positive integer, got {value!r}")
    return value
