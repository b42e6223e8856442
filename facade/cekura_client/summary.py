"""A readable plain-text summary of a result: what the demo (and later the CLI) prints."""

from __future__ import annotations

import datetime as dt
from typing import Final

import attrs

from ._text import escape_controls
from .types.result import Result
from .types.run import Run

__all__ = [
    "OUTCOMES",
    "Outcome",
    "format_duration",
    "format_percent",
    "format_result",
    "outcome_of",
]

_MAX_CELL = 40
#: Past this, ``.1f`` would write every digit of the integer part (309 of them for 1.7e308).
_PLAIN_LIMIT = 1e9


def format_duration(value: dt.timedelta | None) -> str:
    """``H:MM:SS`` (or ``M:SS`` under an hour); ``-`` when unknown."""
    if value is None:
        return "-"
    total = round(value.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def format_percent(value: float | None, places: int = 1) -> str:
    """``87.5%`` (``places`` decimals); a value the server sent far outside 0-100 in four
    significant digits (``1.7e+308%``); ``-`` for None."""
    if value is None:
        return "-"
    return f"{value:.{places}f}%" if abs(value) < _PLAIN_LIMIT else f"{value:.4g}%"


def _cell(text: str | None, width: int = _MAX_CELL) -> str:
    value = escape_controls(" ".join((text or "-").split()))
    return value if len(value) <= width else value[: width - 1] + "…"


@attrs.frozen
class Outcome:
    """How one run outcome is shown: ``plain`` in terminal tables, ``icon`` and ``word`` in
    Markdown (``"✅ pass"``)."""

    plain: str
    icon: str
    word: str

    @property
    def markdown(self) -> str:
        return f"{self.icon} {self.word}"


#: Every run outcome (``Run.success``: passed, failed, not evaluated yet) and how it is shown.
OUTCOMES: Final[dict[bool | None, Outcome]] = {
    True: Outcome("pass", "✅", "pass"),
    False: Outcome("FAIL", "❌", "fail"),
    None: Outcome("...", "⏳", "pending"),
}


def outcome_of(run: Run) -> Outcome:
    """The run's outcome label (passed, failed, pending) from :data:`OUTCOMES`."""
    return OUTCOMES[run.success]


def _run_problems(run: Run) -> str:
    problems = [f"error: {run.error_message}"] if run.error_message else []
    problems += [metric.name or f"metric {metric.id}" for metric in run.failed_metrics]
    if not run.evaluated and run.success is None:
        problems.append("not evaluated yet")
    return "; ".join(problems)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _verdict(result: Result) -> str:
    failed = len(result.failed_runs)
    total = len(result.runs)
    progress = f"{result.completed_runs_count} of {result.total_runs_count} runs done"
    status = escape_controls(str(result.status))
    if not result.status.is_known:
        # Neither finished nor in progress as far as this version knows: say what the server
        # said, next to the counts, and claim nothing else.
        return f"NOT COMPLETED - status {status}, {progress}"
    if not result.is_terminal:
        return f"IN PROGRESS - {progress}"
    if result.status != "completed":
        return f"NOT COMPLETED - status {status}"
    if total == 0:
        return "NO RUNS"
    if failed:
        return f"FAILED - {failed} of {total} runs failed"
    return f"PASSED - all {total} runs passed"


def format_result(result: Result) -> str:
    """A multi-line summary: header, counts, verdict, a table of runs, failure reasons."""
    created = result.created_at.strftime("%Y-%m-%d %H:%M %Z") if result.created_at else "-"
    rate = format_percent(result.success_rate)
    # A status this version does not know is shown as the server sent it: the verdict below
    # says what follows from it.
    status = escape_controls(str(result.status))
    lines = [
        f"Result {result.id}: {escape_controls(result.name or '(unnamed)')}",
        f"  agent:    {escape_controls(result.agent_name or '-')} ({result.agent})",
        f"  status:   {status}    created: {created}",
        f"  runs:     {result.total_runs_count} total, {result.completed_runs_count} completed, "
        f"{result.success_runs_count} passed, {result.failed_runs_count} failed",
        f"  pass rate: {rate}    total duration: {format_duration(result.total_duration)}",
        f"  verdict:  {_verdict(result)}",
        "",
    ]
    if result.runs:
        rows = [["RUN", "SCENARIO", "STATUS", "DURATION", "OUTCOME", "FAILING METRICS / ERRORS"]]
        rows += [
            [
                str(run.id),
                _cell(run.scenario_name or (str(run.scenario_id) if run.scenario_id else None)),
                _cell(run.status, 12),
                format_duration(run.duration),
                outcome_of(run).plain,
                _cell(_run_problems(run), 70),
            ]
            for run in result.runs
        ]
        lines += ["  " + line for line in _table(rows)]
    else:
        lines.append("  (no runs)")
    if result.failed_reasons and result.failed_reasons.issues:
        lines += ["", "  Why runs failed:"]
        for issue in result.failed_reasons.issues:
            count = issue.affected_count if issue.affected_count is not None else len(issue.run_ids)
            description = escape_controls(str(issue.description))
            lines.append(f"    {issue.rank or '-'}. {description} ({count} run(s))")
    return "\n".join(lines)
