"""Flat rows, one per run: what ``Result.runs_table()``, ``to_dataframe()`` and the CLI's
``export`` produce."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ._text import scenario_label, seconds

if TYPE_CHECKING:
    from ..types.result import Result

__all__ = ["BASE_COLUMNS", "columns", "rows", "runs_table", "to_dataframe"]

#: The columns every row has, in order; ``metric.<name>.passed`` / ``metric.<name>.score``
#: (and ``metric.<name>.value`` for enum metrics) follow, in the order metrics first appear.
BASE_COLUMNS = (
    "result_id",
    "run_id",
    "scenario_id",
    "scenario",
    "personality",
    "status",
    "success",
    "duration_seconds",
    "error",
    "expected_outcome_score",
    "executed_at",
    "voice_recording",
)


def runs_table(result: Result) -> list[dict[str, Any]]:
    """One flat dict per run (ordered by run ID). Every row has the same keys: a metric a run
    was not scored on is ``None``, as are unknown durations and the values of unevaluated runs.
    Values are JSON scalars (``executed_at`` is an ISO 8601 string)."""
    metric_columns = _metric_columns([result])
    table = []
    for run in result.runs:
        row: dict[str, Any] = {
            "result_id": result.id,
            "run_id": run.id,
            "scenario_id": run.scenario_id,
            "scenario": scenario_label(run),
            "personality": run.personality_name,
            "status": run.status,
            "success": run.success,
            "duration_seconds": seconds(run.duration),
            "error": run.error_message,
            "expected_outcome_score": run.expected_outcome.score if run.expected_outcome else None,
            "executed_at": run.executed_at.isoformat() if run.executed_at else None,
            "voice_recording": run.voice_recording,
        }
        row.update(dict.fromkeys(metric_columns))
        for metric in run.metrics:
            name = metric_name(metric.name, metric.id)
            row[f"metric.{name}.passed"] = metric.passed
            row[f"metric.{name}.score"] = metric.score
            if metric.enum_value is not None:
                row[f"metric.{name}.value"] = metric.enum_value
        table.append(row)
    return table


def metric_name(name: str | None, metric_id: int | None) -> str:
    return name or f"#{metric_id}"


def _metric_columns(results: Iterable[Result]) -> list[str]:
    found: dict[str, None] = {}
    for result in results:
        for run in result.runs:
            for metric in run.metrics:
                name = metric_name(metric.name, metric.id)
                found[f"metric.{name}.passed"] = None
                found[f"metric.{name}.score"] = None
                if metric.enum_value is not None:
                    found[f"metric.{name}.value"] = None
    return list(found)


def columns(results: Iterable[Result]) -> list[str]:
    """The columns of :func:`rows` over several results (base columns, then every metric's)."""
    return [*BASE_COLUMNS, *_metric_columns(results)]


def rows(results: Iterable[Result]) -> list[dict[str, Any]]:
    """The rows of several results, each with every column of :func:`columns`."""
    results = list(results)
    keys = columns(results)
    return [{key: row.get(key) for key in keys} for result in results for row in runs_table(result)]


def to_dataframe(result: Result) -> Any:
    """``runs_table`` as a pandas DataFrame (pandas is imported only here)."""
    try:
        import pandas as pd  # noqa: PLC0415 (an optional extra, imported on use)
    except ImportError as exc:
        raise ImportError(
            "Result.to_dataframe() needs pandas: pip install 'cekura-results-client[pandas]'"
        ) from exc
    return pd.DataFrame(runs_table(result), columns=columns([result]))
