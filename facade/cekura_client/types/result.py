"""The test result returned by ``GET /test_framework/v1/results/{id}/`` (``ResultDetailV2``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import attrs

from ._reader import FieldPath, PathLike, Reader, fail, gc_paused
from ._serialize import to_jsonable
from .run import Run
from .status import ResultStatus
from .summaries import (
    AISummary,
    CriticalCategory,
    FailedReasons,
    NextStep,
    OverallEvaluation,
    RunSettings,
    ScenarioRef,
)

__all__ = ["RESULT_FIELDS", "Result", "spec_dependencies"]

#: Result attributes that are not read from the ResultDetailV2 property of the same name.
_NOT_FROM_SPEC = frozenset({"extra", "raw"})
#: Other properties an attribute is read from (older specs' names for the same data).
_ALSO_READ_FROM = {"scenarios": ("scenario_names",)}


@attrs.frozen(kw_only=True)
class Result:
    """A Cekura test result, with the spec's wrong types corrected.

    Counts are ``int`` (JSON integers and numeric strings are accepted; a missing or null count is
    0); ``success_rate`` is a percentage (0-100); ``runs`` is a list ordered by run ID, built from
    the ``runs`` dict (each run's own ``id`` wins over its key). ``failed_*_runs`` keep the
    difference between ``None`` (metric absent) and ``[]`` (no failure). ``raw`` is the JSON as
    received; ``extra`` holds the fields this version does not model.
    """

    id: int
    name: str | None
    agent: int | None
    agent_name: str | None
    status: ResultStatus
    success_rate: float | None
    total_runs_count: int
    completed_runs_count: int
    success_runs_count: int
    failed_runs_count: int
    met_expected_outcome_count: int
    total_expected_outcome_count: int
    total_duration: dt.timedelta | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    run_as_text: bool | None = None
    is_cronjob: bool = False
    run_type: str | None = None
    agent_version: Any = None
    runs: list[Run] = attrs.field(factory=list, repr=False)
    connected_runs: list[int] = attrs.field(factory=list, repr=False)
    not_connected_runs: list[int] | None = attrs.field(default=None, repr=False)
    successful_calls: list[int] = attrs.field(factory=list, repr=False)
    failed_infrastructure_runs: list[int] | None = attrs.field(default=None, repr=False)
    failed_workflow_runs: list[int] | None = attrs.field(default=None, repr=False)
    scenarios: list[ScenarioRef] = attrs.field(factory=list, repr=False)
    critical_categories: list[CriticalCategory] = attrs.field(factory=list, repr=False)
    metrics: list[Mapping[str, Any]] = attrs.field(factory=list, repr=False)
    overall_evaluation: OverallEvaluation | None = attrs.field(default=None, repr=False)
    failed_reasons: FailedReasons | None = attrs.field(default=None, repr=False)
    ai_summary: AISummary | None = attrs.field(default=None, repr=False)
    next_steps: list[NextStep] | None = attrs.field(default=None, repr=False)
    performance_metrics: list[Mapping[str, Any]] | None = attrs.field(default=None, repr=False)
    run_settings: RunSettings | None = attrs.field(default=None, repr=False)
    runs_by_tags: Mapping[str, Any] | None = attrs.field(default=None, repr=False)
    latency_data: Mapping[str, Any] | None = attrs.field(default=None, repr=False)
    domain: str | None = attrs.field(default=None, repr=False)
    domain_logo: str | None = attrs.field(default=None, repr=False)
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def is_terminal(self) -> bool:
        """Whether the result is finished (completed, failed, timeout or cancelled)."""
        return self.status.is_terminal

    @property
    def failed_runs(self) -> list[Run]:
        """Runs whose ``success`` is False (a ``completed`` result can still have these)."""
        return [run for run in self.runs if run.success is False]

    def to_dict(self) -> dict[str, Any]:
        """The normalised result as plain JSON values (durations in seconds, ISO datetimes,
        runs as a list); ``raw`` is left out. ``json.dumps(result.to_dict())`` works."""
        return to_jsonable(self)

    def runs_table(self) -> list[dict[str, Any]]:
        """One flat row per run: scenario, personality, status, success, ``duration_seconds``,
        error, and ``metric.<name>.passed`` / ``metric.<name>.score`` for every metric (see
        :mod:`cekura_client.reports`)."""
        from ..reports._table import runs_table  # noqa: PLC0415 (reports import this module)

        return runs_table(self)

    def to_dataframe(self) -> Any:
        """:meth:`runs_table` as a ``pandas.DataFrame``; needs the ``[pandas]`` extra."""
        from ..reports._table import to_dataframe  # noqa: PLC0415 (reports import this module)

        return to_dataframe(self)

    def run(self, run_id: int) -> Run:
        """The run with this ID. Raises KeyError when the result has no such run."""
        for run in self.runs:
            if run.id == run_id:
                return run
        raise KeyError(run_id)

    @classmethod
    def from_dict(cls, data: Any, path: PathLike = "") -> Result:
        """Build a Result from decoded JSON; raises ResponseValidationError naming the field
        (``path`` prefixes the names, e.g. ``"data"`` for a webhook body)."""
        with gc_paused():
            return cls._build(Reader(data, path))

    @classmethod
    def from_json(cls, text: str | bytes) -> Result:
        """Decode and build a Result from JSON text (a stored response, a queue message).
        Raises ResponseValidationError for text that is not a JSON object, or naming the field."""
        with gc_paused():
            try:
                data = json.loads(text)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise fail("", "a JSON document", _preview(text)) from None
            return cls.from_dict(data)

    @classmethod
    def _build(cls, r: Reader) -> Result:
        status = r.string("status")
        if status is None:
            raise fail(r.at("status"), "a status string", None)
        next_steps = r.array("next_steps")
        return cls(
            id=r.required_integer("id"),
            name=r.string("name"),
            agent=r.integer("agent"),
            agent_name=r.string("agent_name"),
            agent_version=r.raw("agent_version"),
            status=ResultStatus(status),
            success_rate=r.number("success_rate"),
            total_runs_count=r.count("total_runs_count"),
            completed_runs_count=r.count("completed_runs_count"),
            success_runs_count=r.count("success_runs_count"),
            failed_runs_count=r.count("failed_runs_count"),
            met_expected_outcome_count=r.count("met_expected_outcome_count"),
            total_expected_outcome_count=r.count("total_expected_outcome_count"),
            total_duration=r.duration("total_duration"),
            created_at=r.datetime("created_at"),
            updated_at=r.datetime("updated_at"),
            run_as_text=r.boolean("run_as_text"),
            is_cronjob=bool(r.boolean("is_cronjob")),
            run_type=r.string("run_type"),
            runs=parse_runs(r),
            connected_runs=r.id_list("connected_runs") or [],
            not_connected_runs=r.id_list("not_connected_runs"),
            successful_calls=r.id_list("successful_calls") or [],
            failed_infrastructure_runs=r.id_list("failed_infrastructure_runs"),
            failed_workflow_runs=r.id_list("failed_workflow_runs"),
            scenarios=_scenarios(r),
            critical_categories=r.models("critical_categories", CriticalCategory.from_dict),
            metrics=r.models("metrics", _object),
            overall_evaluation=_optional_object(r, "overall_evaluation", OverallEvaluation),
            failed_reasons=_optional_object(r, "failed_reasons", FailedReasons),
            ai_summary=_optional_object(r, "ai_summary", AISummary),
            next_steps=None if next_steps is None else r.models("next_steps", NextStep.from_dict),
            performance_metrics=None
            if r.raw("performance_metrics") is None
            else r.models("performance_metrics", _object),
            run_settings=_optional_object(r, "run_settings", RunSettings),
            runs_by_tags=r.mapping("runs_by_tags"),
            latency_data=r.mapping("latency_data"),
            domain=r.string("domain"),
            domain_logo=r.string("domain_logo"),
            extra=r.extra(RESULT_FIELDS),
            raw=r.data,
        )


def spec_dependencies() -> dict[str, str]:
    """Which ``ResultDetailV2`` property each :class:`Result` attribute is built from
    (property -> attribute), derived from the model's fields. The spec-diff tool uses it to name
    the facade attributes a spec change touches."""
    dependencies: dict[str, str] = {}
    for field in attrs.fields(Result):
        if field.name in _NOT_FROM_SPEC:
            continue
        for prop in (field.name, *_ALSO_READ_FROM.get(field.name, ())):
            dependencies[prop] = field.name
    return dependencies


#: The ``ResultDetailV2`` properties Result reads; anything else lands in ``Result.extra``.
RESULT_FIELDS = frozenset(spec_dependencies())


def _preview(text: str | bytes) -> str:
    return text[:200].decode("utf-8", "replace") if isinstance(text, bytes) else text[:200]


def _object(value: Any, path: PathLike) -> Mapping[str, Any]:
    return Reader(value, path).data


def _optional_object(r: Reader, key: str, model: Any) -> Any:
    """``null`` and ``{}`` (nothing computed yet) are both None."""
    value = r.mapping(key)
    return model.from_dict(value, r.at(key)) if value else None


def parse_runs(r: Reader) -> list[Run]:
    """``runs`` is a dict keyed by run ID string (detail endpoint) or a list (list endpoint)."""
    value = r.raw("runs")
    path = r.at("runs")
    if value is None:
        return []
    if isinstance(value, dict):
        runs = [Run.from_dict(item, FieldPath(path, key)) for key, item in value.items()]
    elif isinstance(value, list):
        runs = [Run.from_dict(item, FieldPath(path, i)) for i, item in enumerate(value)]
    else:
        raise fail(path, "an object keyed by run ID or an array of runs", value)
    runs.sort(key=_run_id)
    return runs


def _run_id(run: Run) -> int:
    return run.id


def _scenarios(r: Reader) -> list[ScenarioRef]:
    if r.raw("scenarios") is None and r.raw("scenario_names") is not None:
        # Specs before 2025-10 sent `scenario_names` (a list of names) instead.
        return [ScenarioRef(id=None, name=name) for name in r.str_list("scenario_names")]
    return r.models("scenarios", ScenarioRef.from_dict)
