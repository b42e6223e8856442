"""Text helpers shared by the report writers: safe text for XML/HTML/Markdown, run labels,
numbers, times and URLs.

Every helper here is total: any value the models accept (a turn at 1e14 s, a score of
1.7e308, a URL ``http://[``, a lone surrogate) gives text, so a report is never lost to one
odd value.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from ..summary import format_duration, format_percent
from ..types.run import Run

__all__ = [
    "format_duration",
    "format_number",
    "format_percent",
    "format_seconds",
    "html_text",
    "link_target",
    "markdown_cell",
    "mean",
    "run_key",
    "scenario_label",
    "seconds",
    "transcript_lines",
    "truncate",
    "unlinked_url",
    "xml_safe",
]

# Characters XML 1.0 does not allow (anywhere, even escaped): C0 controls but tab/LF/CR, lone
# surrogates, U+FFFE/U+FFFF. C1 controls and DEL are legal but invisible; they are replaced too.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 forbids (and other invisible control characters)
    written as a visible ``\\xNN`` escape. Server text (errors, transcripts) can hold them."""
    return _NOT_XML.sub(_visible, text)


def html_text(text: object) -> str:
    """Escaped for HTML text and attribute values, control characters made visible."""
    return html.escape(xml_safe(str(text)), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def markdown_cell(text: str | None, limit: int = 300) -> str:
    """One line of inert Markdown (no links, markup or table breaks), at most ``limit`` chars."""
    value = " ".join(xml_safe(text or "").split())
    value = truncate(value, limit)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def seconds(value: dt.timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def scenario_label(run: Run) -> str:
    """The scenario's name, else ``scenario 7001``, else ``(no scenario)``."""
    if run.scenario_name:
        return run.scenario_name
    if run.scenario_id is not None:
        return f"scenario {run.scenario_id}"
    return "(no scenario)"


def run_key(run: Run) -> tuple[str, str | None]:
    """What matches a run across results: its scenario (ID where known, else name) and its
    personality where the run has one."""
    scenario = str(run.scenario_id) if run.scenario_id is not None else scenario_label(run)
    return scenario, run.personality_name


def transcript_lines(run: Run) -> Iterable[str]:
    """``[M:SS] Role: content`` per turn (control characters made visible)."""
    for turn in run.transcript:
        start = format_seconds(turn.start_time)
        yield xml_safe(f"[{start}] {turn.role or '?'}: {turn.content or ''}")


# --- numbers and times -------------------------------------------------------------------------

#: The most seconds a timedelta holds: durations up to here are shown as H:MM:SS, like
#: ``format_duration`` shows the durations the models parse.
_TIMEDELTA_SECONDS = dt.timedelta.max.total_seconds()


def format_number(value: float | None) -> str:
    """Four significant digits (``0.8125``, ``1e+17``, ``-1.7e+308``); ``-`` for None."""
    return "-" if value is None else f"{value:.4g}"


def format_seconds(value: float | None) -> str:
    """Seconds as ``M:SS`` or ``H:MM:SS`` (``-0:05`` before zero), as ``format_duration``
    shows a duration; beyond what a duration can be (a turn ``start_time`` of 1e14) as
    ``1e+14 s``; ``-`` for None."""
    if value is None:
        return "-"
    if not abs(value) <= _TIMEDELTA_SECONDS:  # NaN too (the models refuse it; still text)
        return f"{value:.4g} s"
    shown = format_duration(dt.timedelta(seconds=abs(value)))
    return "-" + shown if value < 0 and shown != "0:00" else shown


def mean(values: Sequence[float]) -> float | None:
    """The mean of finite values, finite too (where their sum, as of ``[1.7e308, 1.7e308]``,
    overflows); None for none."""
    if not values:
        return None
    try:
        return math.fsum(values) / len(values)
    except OverflowError:  # the sum overflows; the sum of the shares cannot
        return math.fsum(v / len(values) for v in values)


# --- URLs --------------------------------------------------------------------------------------

# Characters a link must not carry: controls, spaces, lone surrogates (which cannot be encoded
# to percent-escapes), line separators and bidi controls (which can disguise where it goes).
_NOT_IN_LINK = re.compile("[\x00-\x20\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_WEB = re.compile("https?://", re.IGNORECASE)


def link_target(url: str | None) -> str | None:
    """``url`` when a report may link to it: an absolute http(s) URL with a host that
    ``urlsplit`` reads, of characters a link can carry; else None (``javascript:``, ``http://[``,
    a lone surrogate...)."""
    if not url or _NOT_IN_LINK.search(url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


def unlinked_url(url: str | None) -> str | None:
    """What a report shows, as text, of a URL it cannot link to (see :func:`link_target`): an
    http(s) URL that does not parse is shown (for people to see what the server sent); a URL
    of another scheme (``javascript:``, ``data:``) is not, nor an empty one: None."""
    if not url or link_target(url) is not None or not _WEB.match(url):
        return None
    return url
