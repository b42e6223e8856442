"""Text helpers shared by the report writers: safe text for XML/HTML/Markdown, run labels."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable

from ..summary import format_duration
from ..types.run import Run

__all__ = [
    "format_duration",
    "html_text",
    "markdown_cell",
    "run_key",
    "scenario_label",
    "seconds",
    "transcript_lines",
    "truncate",
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
        start = (
            "-"
            if turn.start_time is None
            else format_duration(dt.timedelta(seconds=turn.start_time))
        )
        yield xml_safe(f"[{start}] {turn.role or '?'}: {turn.content or ''}")
