"""Making text that came from elsewhere (a server, a user) safe to show: control characters
escaped, length bounded, never an exception while rendering."""

from __future__ import annotations

import json
import math
import re
from typing import Any, Final

__all__ = ["escape_controls", "finite", "json_text", "safe_repr", "short_text"]

# C0 controls (tab and newline included), DEL, C1 controls, lone surrogates, and the Unicode
# line/paragraph separators and bidi overrides that can reorder or break a terminal line.
_UNSAFE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or f"\\u{ord(char):04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control character, lone surrogate and bidi override written as an
    escape (``\\n``, ``\\r``, ``\\u001b`` ...), so it prints as exactly one line and cannot
    move the cursor, recolour or overwrite what was printed before."""
    return _UNSAFE.sub(_escape, text)


def short_text(text: str, limit: int = 200) -> str:
    """``text`` escaped and cut to ``limit`` characters."""
    if len(text) > limit * 4:
        text = text[: limit * 4]
    shown = escape_controls(text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def safe_repr(value: Any, limit: int = 60) -> str:
    """A short repr that never raises (huge integers, broken ``__repr__``) and never prints
    control characters."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"<an integer of about {int(value.bit_length() * 0.30103)} digits>"
    try:
        text = repr(value)
    except Exception:  # rendering must not fail
        text = f"<{type(value).__name__}>"
    return short_text(text, limit)


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON every tool reads and a UTF-8 file holds: NaN and infinities (lenient
    fields keep them as received) as ``null``, lone surrogates as ``\\udc80`` escapes (the same
    string to a JSON reader), every other character as it is."""
    text = json.dumps(finite(value), indent=indent, ensure_ascii=False, allow_nan=False)
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def finite(value: Any) -> Any:
    """Decoded JSON with every non-finite float (NaN, inf, -inf) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(item) for item in value]
    return value
