"""Flat rows, one per run: what ``Result.runs_table()``, ``to_dataframe()`` and the CLI's
``export`` produce."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict, cast

from ._text import scenario_label, seconds

if TYPE_CHECKING:
    from pandas import DataFrame

    from ..types.metric import MetricScore
    from ..types.result import Result
    from ..types.run import Run

__all__ = [
    "BASE_COLUMNS",
    "JSONScalar",
    "MetricValue",
    "RunRow",
    "columns",
    "json_rows",
    "rows",
    "runs_table",
    "to_dataframe",
]

#: The value of a metric column: ``.passed`` a bool, ``.score`` a float, ``.value`` a str.
MetricValue = bool | float | str | None
#: A cell of :func:`json_rows`.
JSONScalar = bool | int | float | str | None


class RunRow(TypedDict):
    """One run as a flat row: these columns, then the metric columns ``metric.<name>.passed``
    (bool), ``metric.<name>.score`` (float) and ``metric.<name>.value`` (str, enum metrics), in
    the order metrics first appear. A metric column is there only when some run of the table
    has a value in it (no ``.passed`` for a numeric metric, no ``.score`` for a binary one that
    sends none). When a run of the table has two metrics of one name, every metric of that name
    gets its own columns, named ``<name>#<metric ID>`` (and `` (2)``, `` (3)``... for a second
    one of the same name and ID in a run). A type checker knows the columns below; a metric
    column's value (:data:`MetricValue`) is read with ``row.get(key)``."""

    result_id: int
    run_id: int
    scenario_id: int | None
    scenario: str
    personality: str | None
    status: str | None
    success: bool | None
    duration_seconds: float | None
    error: str | None
    expected_outcome_score: float | None
    executed_at: dt.datetime | None
    voice_recording: str | None


#: The columns every row has, in order (the keys of :class:`RunRow`); metric columns follow.
BASE_COLUMNS: tuple[str, ...] = tuple(RunRow.__annotations__)

_SUFFIXES = ("passed", "score", "value")


def runs_table(result: Result) -> list[RunRow]:
    """One flat row per run (ordered by run ID). Every row has the same keys: a metric a run
    was not scored on is ``None``, as are unknown durations and the values of unevaluated runs.
    ``executed_at`` is an aware ``datetime``; the other values are JSON scalars."""
    return _runs_table(result, _shared_names([result]))


def _runs_table(result: Result, shared: set[str]) -> list[RunRow]:
    metric_columns = _metric_columns([result], shared)
    wanted = set(metric_columns)
    return [_row(result, run, metric_columns, wanted, shared) for run in result.runs]


def _row(
    result: Result, run: Run, metric_columns: list[str], wanted: set[str], shared: set[str]
) -> RunRow:
    row = RunRow(
        result_id=result.id,
        run_id=run.id,
        scenario_id=run.scenario_id,
        scenario=scenario_label(run),
        personality=run.personality_name,
        status=run.status,
        success=run.success,
        duration_seconds=seconds(run.duration),
        error=run.error_message,
        expected_outcome_score=run.expected_outcome.score if run.expected_outcome else None,
        executed_at=run.executed_at,
        voice_recording=run.voice_recording,
    )
    # The metric columns are keys a TypedDict cannot name: the row is a plain dict underneath.
    cells = cast(dict[str, MetricValue], row)
    cells.update(dict.fromkeys(metric_columns))
    for name, metric in _labelled(run, shared):
        for suffix, value in zip(_SUFFIXES, _metric_values(metric), strict=True):
            key = f"metric.{name}.{suffix}"
            if key in wanted:
                cells[key] = value
    return row


def _metric_values(metric: MetricScore) -> tuple[MetricValue, MetricValue, MetricValue]:
    return metric.passed, metric.score, metric.enum_value


def metric_name(name: str | None, metric_id: int | None) -> str:
    return name or f"#{metric_id}"


def _shared_names(results: Iterable[Result]) -> set[str]:
    """The metric names some run of these results has more than one metric of."""
    shared: set[str] = set()
    for result in results:
        for run in result.runs:
            seen: set[str] = set()
            for metric in run.metrics:
                name = metric_name(metric.name, metric.id)
                if name in seen:
                    shared.add(name)
                seen.add(name)
    return shared


def _labelled(run: Run, shared: set[str]) -> list[tuple[str, MetricScore]]:
    """Each metric of ``run`` with the name of its columns: its name, or for a name in
    ``shared`` ``<name>#<ID>`` (then `` (2)``, `` (3)``... when a run repeats that label)."""
    labelled: list[tuple[str, MetricScore]] = []
    counts: dict[str, int] = {}
    for metric in run.metrics:
        name = metric_name(metric.name, metric.id)
        if name in shared:
            name = f"{name}#{metric.id}"
            counts[name] = counts.get(name, 0) + 1
            if counts[name] > 1:
                name = f"{name} ({counts[name]})"
        labelled.append((name, metric))
    return labelled


def _metric_columns(results: Iterable[Result], shared: set[str]) -> list[str]:
    """The metric columns some run has a value in: by metric in the order metrics first
    appear, then ``passed``, ``score``, ``value``."""
    found: dict[str, set[str]] = {}
    for result in results:
        for run in result.runs:
            for name, metric in _labelled(run, shared):
                filled = found.setdefault(name, set())
                for suffix, value in zip(_SUFFIXES, _metric_values(metric), strict=True):
                    if value is not None:
                        filled.add(suffix)
    return [
        f"metric.{name}.{suffix}"
        for name, filled in found.items()
        for suffix in _SUFFIXES
        if suffix in filled
    ]


def columns(results: Iterable[Result]) -> list[str]:
    """The columns of :func:`rows` over several results (base columns, then every metric
    column some run of them has a value in)."""
    results = list(results)
    return [*BASE_COLUMNS, *_metric_columns(results, _shared_names(results))]


def rows(results: Iterable[Result]) -> list[RunRow]:
    """The rows of several results, each with every column of :func:`columns`."""
    results = list(results)
    keys = columns(results)
    shared = _shared_names(results)
    return [
        cast(RunRow, {key: cast(dict[str, object], row).get(key) for key in keys})
        for result in results
        for row in _runs_table(result, shared)
    ]


def json_rows(results: Iterable[Result]) -> list[dict[str, JSONScalar]]:
    """:func:`rows` with ``executed_at`` as ISO 8601 text: every value a JSON scalar, what the
    CSV and JSON Lines exports write."""
    table = cast(list[dict[str, JSONScalar | dt.datetime]], rows(results))
    return [
        {key: v.isoformat() if isinstance(v, dt.datetime) else v for key, v in row.items()}
        for row in table
    ]


def to_dataframe(result: Result) -> DataFrame:
    """``runs_table`` as a pandas DataFrame (pandas is imported only here)."""
    try:
        import pandas as pd  # noqa: PLC0415 (an optional extra, imported on use)
    except ImportError as exc:
        raise ImportError(
            "Result.to_dataframe() needs pandas: pip install 'cekura-results-client[pandas]'"
        ) from exc
    return pd.DataFrame(runs_table(result), columns=columns([result]))
