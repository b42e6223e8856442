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
from ._model import LENIENT, Kind, Model
from ._reader import _INT_TEXT

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


class MetricSummary(Model, frozen=True, gc=False, kw_only=True):
    """One entry of ``overall_evaluation.metric_summary`` (keyed by metric ID)."""

    id: Int = None
    name: Text = None
    type: Text = None
    score: Number = None
    explanation: StrList = None
    function_name: Text = None
    vocera_defined_metric_code: Text = None
    p50: Number = None


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
            elif _INT_TEXT.match(key):
                summaries[int(key)] = item
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


class AggregateMetric(Model, frozen=True, gc=False, kw_only=True):
    """A numeric or extra metric aggregated over the runs (``value`` and percentiles)."""

    name: Text = None
    type: Text = None
    value: Number = None
    percentiles: Percentiles = None

    @property
    def p50(self) -> float | None:
        return self.percentiles.get("p50")


class OverallEvaluation(Model, frozen=True, gc=False, kw_only=True):
    """``overall_evaluation``: aggregates over all runs of the result."""

    __eager__ = True

    success_rate: Number = None
    metric_summary: SummaryById = None
    worst_performing_metrics: Obj = None
    numeric_metrics: Items[AggregateMetric] = None
    enum_metrics: Items[AnyValue] = None
    extra_metrics: Items[AggregateMetric] = None


class FailedReason(Model, frozen=True, gc=False, kw_only=True):
    """One cluster of failures: which runs, how many, and why."""

    rank: Int = None
    run_ids: IdList = None
    description: Text = None
    affected_count: Int = None


class FailedReasons(Model, frozen=True, gc=False, kw_only=True):
    """``failed_reasons``: failures clustered by cause, most important first."""

    __eager__ = True

    issues: Items[FailedReason] = None
    total_failed_runs: Int = None


class AISummary(Model, frozen=True, gc=False, kw_only=True):
    """``ai_summary``: the LLM-written narrative of the result."""

    __eager__ = True

    what_happened: Text = None
    why_it_happened: Text = None
    how_to_fix: Text = None
    generated_from_runs_count: Int = None
    generated_at: DateTime = None


class NextStep(Model, frozen=True, gc=False, kw_only=True):
    """One item of ``next_steps`` (ordered by impact)."""

    title: Text = None
    description: Text = None


class ScenarioRef(Model, frozen=True, gc=False, kw_only=True):
    """An item of ``scenarios``: a scenario used by the result."""

    id: Int = None
    name: Text = None


class CriticalCategory(Model, frozen=True, gc=False, kw_only=True):
    """An item of ``critical_categories``: a metric flagged as critical for this result."""

    id: Int = None
    name: Text = None
    eval_type: Text = None
    simulation_enabled: Flag = None
    observability_enabled: Flag = None


class RunSettings(Model, frozen=True, gc=False, kw_only=True):
    """``run_settings``: the overrides the result was started with."""

    __eager__ = True

    override_value: Int = None
    frequency: Int = None
    concurrency_limit: Int = None
    personality_ids: IdList = None
    test_profile_ids: IdList = None
    mode: Text = None
