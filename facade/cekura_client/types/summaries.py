"""Small typed models for the result-level objects the spec documents only by example:
``overall_evaluation``, ``failed_reasons``, ``ai_summary``, ``next_steps``, ``scenarios``,
``critical_categories``, ``metrics`` and ``run_settings``. The untyped ones
(``oneOf: [{}, null]``) are lenient views (see :class:`~cekura_client.types._fields.View`): a
field that does not fit is None, and each keeps ``raw`` for what it does not model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from ._fields import (
    AnyValue,
    DateTime,
    Flag,
    IdList,
    Int,
    Items,
    Number,
    Obj,
    StrList,
    Text,
    int_text,
)
from ._model import LENIENT, EagerModel, Kind, Model, optional

__all__ = [
    "AISummary",
    "AggregateMetric",
    "CriticalCategory",
    "FailedReason",
    "FailedReasons",
    "MetricRef",
    "MetricSummary",
    "NextStep",
    "OverallEvaluation",
    "RunSettings",
    "ScenarioRef",
]


class MetricSummary(Model, frozen=True):
    """One entry of ``overall_evaluation.metric_summary`` (keyed by metric ID)."""

    id: Int = optional("the metric's ID")
    name: Text = optional("the metric's name")
    type: Text = optional("the metric's type")
    score: Number = optional("the score over all runs")
    explanation: StrList = optional("why, one line each")
    function_name: Text = optional("the evaluator function's name")
    vocera_defined_metric_code: Text = optional("the code of a predefined metric")
    p50: Number = optional("the median, for numeric metrics")


def _percentiles(model: Any, value: Any) -> Any:
    if not isinstance(value, Mapping):
        return {}
    return {k: v for k, v in value.items() if v is not None}


def _by_metric_id(model: Any, value: Any) -> Any:
    if not isinstance(value, Mapping):
        return {}
    summaries = {}
    for key, item in value.items():
        if isinstance(item, MetricSummary):
            if item.id is not None:
                summaries[item.id] = item
            elif (metric_id := int_text(key)) is not None:
                summaries[metric_id] = item
    return summaries


Percentiles = Annotated[
    Mapping[str, float],
    Kind(LENIENT, "an object", normalise=_percentiles, wire=dict[str, Number]),
]
SummaryById = Annotated[
    Mapping[int, MetricSummary],
    Kind(LENIENT, "an object", normalise=_by_metric_id, wire=dict[str, MetricSummary]),
]


class AggregateMetric(Model, frozen=True):
    """A numeric or extra metric aggregated over the runs (``value`` and percentiles)."""

    name: Text = optional("the metric's name")
    type: Text = optional("the metric's type")
    value: Number = optional("the value over all runs")
    percentiles: Percentiles = optional('percentiles by name ("p50"...); nulls left out')

    @property
    def p50(self) -> float | None:
        """The median (``percentiles["p50"]``), if given."""
        return self.percentiles.get("p50")


class OverallEvaluation(EagerModel, frozen=True):
    """``overall_evaluation``: aggregates over all runs of the result."""

    success_rate: Number = optional("percentage of runs that succeeded (0-100)")
    metric_summary: SummaryById = optional("each metric's summary, by metric ID")
    worst_performing_metrics: Obj = optional("metric IDs by category, as received")
    numeric_metrics: Items[AggregateMetric] = optional("numeric metrics over all runs")
    enum_metrics: Items[AnyValue] = optional("enum metrics, as received")
    extra_metrics: Items[AggregateMetric] = optional("other aggregates (expected outcome...)")


class FailedReason(Model, frozen=True):
    """One cluster of failures: which runs, how many, and why."""

    rank: Int = optional("1 is the most important")
    run_ids: IdList = optional("the runs that failed this way")
    description: Text = optional("what went wrong")
    affected_count: Int = optional("how many runs failed this way")


class FailedReasons(EagerModel, frozen=True):
    """``failed_reasons``: failures clustered by cause, most important first."""

    issues: Items[FailedReason] = optional("the clusters, most important first")
    total_failed_runs: Int = optional("runs that failed")


class AISummary(EagerModel, frozen=True):
    """``ai_summary``: the LLM-written narrative of the result."""

    what_happened: Text = optional("what the runs did")
    why_it_happened: Text = optional("the causes")
    how_to_fix: Text = optional("the suggested fixes")
    generated_from_runs_count: Int = optional("runs the summary was written from")
    generated_at: DateTime = optional("when it was written")


class NextStep(Model, frozen=True):
    """One item of ``next_steps`` (ordered by impact)."""

    title: Text = optional("what to do")
    description: Text = optional("why, and what it takes")


class ScenarioRef(Model, frozen=True):
    """An item of ``scenarios``: a scenario used by the result."""

    id: Int = optional("the scenario's ID")
    name: Text = optional("the scenario's name")


class MetricRef(Model, frozen=True):
    """An item of ``Result.metrics``: a metric evaluated in the result. A lenient view of an
    untyped object: a field that does not fit is None; ``raw`` has the object as received."""

    id: Int = optional("the metric's ID")
    name: Text = optional("the metric's name")
    type: Text = optional("the metric's type, e.g. ``numeric``")


class CriticalCategory(Model, frozen=True):
    """An item of ``critical_categories``: a metric flagged as critical for this result."""

    id: Int = optional("the metric's ID")
    name: Text = optional("the metric's name")
    eval_type: Text = optional("``binary_qualitative``, ``numeric``...")
    simulation_enabled: Flag = optional("whether it is evaluated on simulated calls")
    observability_enabled: Flag = optional("whether it is evaluated on production calls")


class RunSettings(EagerModel, frozen=True):
    """``run_settings``: the overrides the result was started with."""

    override_value: Int = optional("the override value")
    frequency: Int = optional("how many times each scenario ran")
    concurrency_limit: Int = optional("calls at a time, at most")
    personality_ids: IdList = optional("the personalities used")
    test_profile_ids: IdList = optional("the test profiles used")
    mode: Text = optional("the run mode, e.g. ``same_number``")
