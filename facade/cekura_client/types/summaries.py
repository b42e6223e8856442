"""Small typed models for the result-level objects the spec documents only by example:
``overall_evaluation``, ``failed_reasons``, ``ai_summary``, ``next_steps``, ``scenarios``,
``critical_categories`` and ``run_settings``. The untyped ones (``oneOf: [{}, null]``) are
lenient views (see :class:`~cekura_client.types._fields.View`): a field that does not fit is
None, and each keeps ``raw`` for what it does not model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from ._fields import AnyValue, DateTime, Flag, IdList, Int, Items, Number, Obj, StrList, Text
from ._model import ABSENT, LENIENT, EagerModel, Kind, Model
from ._reader import int_text

__all__ = [
    "AISummary",
    "AggregateMetric",
    "CriticalCategory",
    "FailedReason",
    "FailedReasons",
    "MetricSummary",
    "NextStep",
    "OverallEvaluation",
    "RunSettings",
    "ScenarioRef",
]


class MetricSummary(Model, frozen=True):
    """One entry of ``overall_evaluation.metric_summary`` (keyed by metric ID)."""

    id: Int = ABSENT
    name: Text = ABSENT
    type: Text = ABSENT
    score: Number = ABSENT
    explanation: StrList = ABSENT
    function_name: Text = ABSENT
    vocera_defined_metric_code: Text = ABSENT
    p50: Number = ABSENT


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


if TYPE_CHECKING:
    Percentiles = Mapping[str, float]
    SummaryById = Mapping[int, MetricSummary]
else:
    Percentiles = Annotated[
        dict[str, Number] | None, Kind(LENIENT, "an object", normalise=_percentiles)
    ]
    SummaryById = Annotated[
        dict[str, MetricSummary] | None, Kind(LENIENT, "an object", normalise=_by_metric_id)
    ]


class AggregateMetric(Model, frozen=True):
    """A numeric or extra metric aggregated over the runs (``value`` and percentiles)."""

    name: Text = ABSENT
    type: Text = ABSENT
    value: Number = ABSENT
    percentiles: Percentiles = ABSENT

    @property
    def p50(self) -> float | None:
        return self.percentiles.get("p50")


class OverallEvaluation(EagerModel, frozen=True):
    """``overall_evaluation``: aggregates over all runs of the result."""

    success_rate: Number = ABSENT
    metric_summary: SummaryById = ABSENT
    worst_performing_metrics: Obj = ABSENT
    numeric_metrics: Items[AggregateMetric] = ABSENT
    enum_metrics: Items[AnyValue] = ABSENT
    extra_metrics: Items[AggregateMetric] = ABSENT


class FailedReason(Model, frozen=True):
    """One cluster of failures: which runs, how many, and why."""

    rank: Int = ABSENT
    run_ids: IdList = ABSENT
    description: Text = ABSENT
    affected_count: Int = ABSENT


class FailedReasons(EagerModel, frozen=True):
    """``failed_reasons``: failures clustered by cause, most important first."""

    issues: Items[FailedReason] = ABSENT
    total_failed_runs: Int = ABSENT


class AISummary(EagerModel, frozen=True):
    """``ai_summary``: the LLM-written narrative of the result."""

    what_happened: Text = ABSENT
    why_it_happened: Text = ABSENT
    how_to_fix: Text = ABSENT
    generated_from_runs_count: Int = ABSENT
    generated_at: DateTime = ABSENT


class NextStep(Model, frozen=True):
    """One item of ``next_steps`` (ordered by impact)."""

    title: Text = ABSENT
    description: Text = ABSENT


class ScenarioRef(Model, frozen=True):
    """An item of ``scenarios``: a scenario used by the result."""

    id: Int = ABSENT
    name: Text = ABSENT


class CriticalCategory(Model, frozen=True):
    """An item of ``critical_categories``: a metric flagged as critical for this result."""

    id: Int = ABSENT
    name: Text = ABSENT
    eval_type: Text = ABSENT
    simulation_enabled: Flag = ABSENT
    observability_enabled: Flag = ABSENT


class RunSettings(EagerModel, frozen=True):
    """``run_settings``: the overrides the result was started with."""

    override_value: Int = ABSENT
    frequency: Int = ABSENT
    concurrency_limit: Int = ABSENT
    personality_ids: IdList = ABSENT
    test_profile_ids: IdList = ABSENT
    mode: Text = ABSENT
