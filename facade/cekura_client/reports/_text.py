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
from collections.abc import Sequence
from urllib.parse import urlsplit

import attrs

from ..summary import format_duration, format_percent
from ..types.run import Run, TranscriptTurn, scenario_key, scenario_label

__all__ = [
    "MAX_FILE_TRANSCRIPT_CHARS",
    "MAX_MESSAGE_CHARS",
    "MAX_TEXT_CHARS",
    "MAX_TRANSCRIPT_CHARS",
    "TranscriptBudget",
    "clip",
    "format_duration",
    "format_number",
    "format_percent",
    "format_seconds",
    "html_text",
    "link_target",
    "markdown_cell",
    "mean",
    "scenario_key",
    "scenario_label",
    "seconds",
    "truncate",
    "turn_line",
    "unlinked_url",
    "xml_safe",
]

# Characters XML 1.0 does not allow (anywhere, even escaped): C0 controls but tab/LF/CR, lone
# surrogates, U+FFFE/U+FFFF. C1 controls and DEL are legal but invisible; they are replaced too,
# as are the explicit bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI
# PDI), so that a name cannot reorder the text around it in any report.
_NOT_XML = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 forbids (and other invisible control characters,
    bidi controls included) written as a visible ``\\xNN`` or ``\\uNNNN`` escape. Server text
    (errors, transcripts) can hold them."""
    return _NOT_XML.sub(_visible, text)


def html_text(text: object) -> str:
    """Escaped for HTML text and attribute values, control characters made visible."""
    return html.escape(xml_safe(str(text)), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# What GitHub turns into a link or a notification by itself: @mentions (and e-mail addresses),
# bare URLs and www. names (autolinks), #123 references. A zero-width joiner after the mark
# breaks each without changing what people read, so links come only from URLs a report chose.
_ZWJ = "\u200d"
_AUTOLINKS = re.compile(r"(?i)@|:(?=//)|(?<![a-z0-9])www(?=\.)|#(?=[0-9])")


def markdown_cell(text: str | None, limit: int = 300) -> str:
    """One line of inert Markdown (no links, mentions, markup or table breaks), at most
    ``limit`` characters."""
    value = " ".join(xml_safe((text or "")[: limit * 4]).split())
    value = truncate(value, limit)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _AUTOLINKS.sub(lambda match: match.group() + _ZWJ, value)
    return _MD_SPECIAL.sub(r"\\\1", value)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def seconds(value: dt.timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


# --- size caps: what one report shows of server text --------------------------------------------

#: Characters of one piece of server text (an error, a failure message, a metric's explanation,
#: a name, one transcript turn) a report shows; the rest is replaced by a note of how much.
MAX_TEXT_CHARS = 4_000
#: Characters of one message made of several pieces (a JUnit failure message or its text, a
#: CTRF ``message`` or ``trace``) a report shows.
MAX_MESSAGE_CHARS = 4 * MAX_TEXT_CHARS
#: Characters of one run's transcript a report shows (HTML, JUnit ``system-out``, CTRF
#: ``stdout``), counted as ``[M:SS] role: content`` lines; later turns are left out, with a note.
MAX_TRANSCRIPT_CHARS = 50_000
#: Characters of transcript one report file shows in all. Once spent, each further transcript
#: is a note, so a report of thousands of long calls stays a file people can open.
MAX_FILE_TRANSCRIPT_CHARS = 2_000_000

_NOTE_ROOM = len("… [999,999,999,999 more characters cut]")
_WHERE_IT_ALL_IS = "the JSON export (cekura-results export) has it all"


def clip(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``text`` if it has at most ``limit`` characters; else its start and a note of how many
    characters were cut, ``limit`` characters in all (so clipping twice changes nothing)."""
    if len(text) <= limit:
        return text
    keep = max(limit - _NOTE_ROOM, 0)
    return f"{text[:keep]}… [{len(text) - keep:,} more characters cut]"


def turn_line(turn: TranscriptTurn) -> str:
    """``[M:SS] Role: content`` (control characters made visible, the content clipped)."""
    start = format_seconds(turn.start_time)
    return xml_safe(f"[{start}] {clip(turn.role or '?', 200)}: {clip(turn.content or '')}")


@attrs.define
class TranscriptBudget:
    """One report file's transcript allowance: :meth:`excerpt` hands out the turns of each run's
    transcript a report shows, within :data:`MAX_TRANSCRIPT_CHARS` per run and
    ``total`` (:data:`MAX_FILE_TRANSCRIPT_CHARS`) per file, and the note for what it left out."""

    total: int = MAX_FILE_TRANSCRIPT_CHARS
    left: int = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.left = self.total

    def excerpt(self, run: Run) -> tuple[list[tuple[TranscriptTurn, str]], str | None]:
        """The turns shown, each with its line (see :func:`turn_line`), and the note on what
        was cut (None when the whole transcript is shown)."""
        turns = run.transcript
        if turns and self.left <= 0:
            return [], (
                f"[transcript of {len(turns):,} turns left out: this report's "
                f"{self.total:,}-character transcript allowance is spent; {_WHERE_IT_ALL_IS}]"
            )
        allowance = min(MAX_TRANSCRIPT_CHARS, self.left)
        kept: list[tuple[TranscriptTurn, str]] = []
        used = 0
        for turn in turns:
            line = turn_line(turn)
            if used + len(line) + 1 > allowance and kept:
                break
            kept.append((turn, line))
            used += len(line) + 1
        self.left -= used
        if len(kept) == len(turns):
            return kept, None
        return kept, (
            f"[transcript cut: {len(kept):,} of {len(turns):,} turns shown "
            f"({MAX_TRANSCRIPT_CHARS:,} characters per run, {self.total:,} per report); "
            f"{_WHERE_IT_ALL_IS}]"
        )

    def lines(self, run: Run) -> list[str]:
        """The transcript as text lines, the note last."""
        kept, note = self.excerpt(run)
        return [line for _, line in kept] + ([note] if note else [])


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
    ``urlsplit`` reads, of characters a link can carry, and no longer than a report shows any
    text (:data:`MAX_TEXT_CHARS`); else None (``javascript:``, ``http://[``,
    a lone surrogate...)."""
    if not url or len(url) > MAX_TEXT_CHARS or _NOT_IN_LINK.search(url):
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
