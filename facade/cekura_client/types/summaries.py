"""Small typed models for the result-level objects the spec documents only by example:
``overall_evaluation``, ``failed_reasons``, ``ai_summary``, ``next_steps``, ``scenarios``,
``critical_categories`` and ``run_settings``. Each keeps ``raw`` for what it does not model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from ._reader import FieldPath, PathLike, Reader, to_int

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


@attrs.frozen(kw_only=True)
class MetricSummary:
    """One entry of ``overall_evaluation.metric_summary`` (keyed by metric ID)."""

    id: int | None
    name: str | None
    type: str | None
    score: float | None
    explanation: list[str]
    function_name: str | None
    vocera_defined_metric_code: str | None
    p50: float | None

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> MetricSummary:
        r = Reader(data, path)
        return cls(
            id=r.integer("id"),
            name=r.string("name"),
            type=r.string("type"),
            score=r.number("score"),
            explanation=r.str_list("explanation"),
            function_name=r.string("function_name"),
            vocera_defined_metric_code=r.string("vocera_defined_metric_code"),
            p50=r.number("p50"),
        )


@attrs.frozen(kw_only=True)
class AggregateMetric:
    """A numeric or extra metric aggregated over the runs (``value`` and percentiles)."""

    name: str | None
    type: str | None
    value: float | None
    percentiles: Mapping[str, float]

    @property
    def p50(self) -> float | None:
        return self.percentiles.get("p50")

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> AggregateMetric:
        r = Reader(data, path)
        percentiles = r.mapping_or_empty("percentiles")
        p_reader = Reader(percentiles, r.at("percentiles"))
        values = {key: p_reader.number(key) for key in percentiles}
        return cls(
            name=r.string("name"),
            type=r.string("type"),
            value=r.number("value"),
            percentiles={k: v for k, v in values.items() if v is not None},
        )


@attrs.frozen(kw_only=True)
class OverallEvaluation:
    """``overall_evaluation``: aggregates over all runs of the result."""

    success_rate: float | None
    metric_summary: Mapping[int, MetricSummary]
    worst_performing_metrics: Mapping[str, Any]
    numeric_metrics: list[AggregateMetric]
    enum_metrics: list[Any]
    extra_metrics: list[AggregateMetric]
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> OverallEvaluation:
        r = Reader(data, path)
        summary_path = r.at("metric_summary")
        summaries: dict[int, MetricSummary] = {}
        for key, value in r.mapping_or_empty("metric_summary").items():
            item_path = FieldPath(summary_path, key)
            item = MetricSummary.from_dict(value, item_path)
            metric_id = item.id if item.id is not None else to_int(key, item_path)
            summaries[metric_id] = item
        return cls(
            success_rate=r.number("success_rate"),
            metric_summary=summaries,
            worst_performing_metrics=r.mapping_or_empty("worst_performing_metrics"),
            numeric_metrics=r.models("numeric_metrics", AggregateMetric.from_dict),
            enum_metrics=r.array("enum_metrics") or [],
            extra_metrics=r.models("extra_metrics", AggregateMetric.from_dict),
            raw=r.data,
        )


@attrs.frozen(kw_only=True)
class FailedReason:
    """One cluster of failures: which runs, how many, and why."""

    rank: int | None
    run_ids: list[int]
    description: str | None
    affected_count: int | None

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> FailedReason:
        r = Reader(data, path)
        return cls(
            rank=r.integer("rank"),
            run_ids=r.id_list("run_ids") or [],
            description=r.string("description"),
            affected_count=r.integer("affected_count"),
        )


@attrs.frozen(kw_only=True)
class FailedReasons:
    """``failed_reasons``: failures clustered by cause, most important first."""

    issues: list[FailedReason]
    total_failed_runs: int | None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> FailedReasons:
        r = Reader(data, path)
        return cls(
            issues=r.models("issues", FailedReason.from_dict),
            total_failed_runs=r.integer("total_failed_runs"),
            raw=r.data,
        )


@attrs.frozen(kw_only=True)
class AISummary:
    """``ai_summary``: the LLM-written narrative of the result."""

    what_happened: str | None
    why_it_happened: str | None
    how_to_fix: str | None
    generated_from_runs_count: int | None
    generated_at: dt.datetime | None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> AISummary:
        r = Reader(data, path)
        return cls(
            what_happened=r.string("what_happened"),
            why_it_happened=r.string("why_it_happened"),
            how_to_fix=r.string("how_to_fix"),
            generated_from_runs_count=r.integer("generated_from_runs_count"),
            generated_at=r.datetime("generated_at"),
            raw=r.data,
        )


@attrs.frozen(kw_only=True)
class NextStep:
    """One item of ``next_steps`` (ordered by impact)."""

    title: str | None
    description: str | None

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> NextStep:
        r = Reader(data, path)
        return cls(title=r.string("title"), description=r.string("description"))


@attrs.frozen(kw_only=True)
class ScenarioRef:
    """An item of ``scenarios``: a scenario used by the result."""

    id: int | None
    name: str | None

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> ScenarioRef:
        r = Reader(data, path)
        return cls(id=r.integer("id"), name=r.string("name"))


@attrs.frozen(kw_only=True)
class CriticalCategory:
    """An item of ``critical_categories``: a metric flagged as critical for this result."""

    id: int | None
    name: str | None
    eval_type: str | None
    simulation_enabled: bool | None
    observability_enabled: bool | None

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> CriticalCategory:
        r = Reader(data, path)
        return cls(
            id=r.integer("id"),
            name=r.string("name"),
            eval_type=r.string("eval_type"),
            simulation_enabled=r.boolean("simulation_enabled"),
            observability_enabled=r.boolean("observability_enabled"),
        )


@attrs.frozen(kw_only=True)
class RunSettings:
    """``run_settings``: the overrides the result was started with."""

    override_value: int | None
    frequency: int | None
    concurrency_limit: int | None
    personality_ids: list[int]
    test_profile_ids: list[int]
    mode: str | None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> RunSettings:
        r = Reader(data, path)
        return cls(
            override_value=r.integer("override_value"),
            frequency=r.integer("frequency"),
            concurrency_limit=r.integer("concurrency_limit"),
            personality_ids=r.id_list("personality_ids") or [],
            test_profile_ids=r.id_list("test_profile_ids") or [],
            mode=r.string("mode"),
            raw=r.data,
        )
