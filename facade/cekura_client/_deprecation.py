"""Server-announced deprecation: the IETF ``Deprecation`` (RFC 9745) and ``Sunset`` (RFC 8594)
response headers.

When a response carries either, the client logs a warning and issues a ``DeprecationWarning``,
once per operation and client, naming the successor when the facade knows one (the candidate
listed before the one in use: candidates are newest first). The call itself never fails, not
even under ``-W error`` (the warning is then only logged).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import warnings

import httpx

from ._operations import ResolvedOperation
from ._text import short_text

__all__ = ["DeprecationNotices"]

logger = logging.getLogger("cekura_client")


def successor_of(resolved: ResolvedOperation) -> str | None:
    """The candidate preferred over the one in use, if the operation lists one."""
    keys = resolved.operation.candidate_keys()
    try:
        index = keys.index(resolved.key)
    except ValueError:
        return None
    return keys[index - 1] if index > 0 else None


class DeprecationNotices:
    """Remembers which operations have been reported, so each is reported once."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def check(self, response: httpx.Response, resolved: ResolvedOperation) -> None:
        try:
            deprecation = response.headers.get("deprecation")
            sunset = response.headers.get("sunset")
        except (UnicodeDecodeError, ValueError):  # pragma: no cover - httpx decodes leniently
            return
        if deprecation is None and sunset is None:
            return
        with self._lock:
            if resolved.key in self._seen:
                return
            self._seen.add(resolved.key)
        parts = []
        if deprecation is not None:
            parts.append(f"Deprecation: {short_text(deprecation, 80)}")
        if sunset is not None:
            parts.append(f"Sunset: {short_text(sunset, 80)}")
        successor = successor_of(resolved)
        advice = (
            f"; its successor is {successor} (regenerate the client from a spec that has it: "
            "make vendor SRC=... && make generate)"
            if successor
            else "; no successor is known to this client version"
        )
        message = (
            f"The server marks {resolved.key} ({resolved.operation.name}) deprecated "
            f"({', '.join(parts)}){advice}"
        )
        logger.warning("%s", message)
        # Under -W error the notice is only logged: the call itself never fails over it.
        with contextlib.suppress(DeprecationWarning):
            warnings.warn(message, DeprecationWarning, stacklevel=5)  # the caller of get()
