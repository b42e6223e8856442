"""The test result returned by ``GET /test_framework/v1/results/{id}/`` (``ResultDetailV2``)."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from msgspec.structs import force_setattr

from ._fields import (
    AnyValue,
    CoreId,
    Count,
    DateTime,
    Duration,
    Flag,
    IdList,
    Int,
    Items,
    Number,
    OptIdList,
    OptObj,
    Text,
    View,
    bool_text,
)
from ._model import (
    CHECKED,
    CORE,
    LENIENT,
    EagerModel,
    FieldPath,
    Kind,
    PathLike,
    RawRef,
    check_all,
    convert,
    fail,
    optional,
    required,
    unknown_fields,
    view,
)
from .run import Run
from .status import ResultStatus
from .summaries import (
    AISummary,
    CriticalCategory,
    FailedReasons,
    MetricRef,
    NextStep,
    OverallEvaluation,
    RunSettings,
    ScenarioRef,
)

__all__ = ["RESULT_FIELDS", "Result", "parse_runs", "spec_dependencies"]


def _status_text(value: Any, path: PathLike) -> Any:
    if value is None:
        raise fail(path, "a status string", value)
    return value


def _status(result: Any, value: Any) -> ResultStatus:
    return value if isinstance(value, ResultStatus) else ResultStatus(value)


def _sorted_runs(result: Any, value: Any) -> list[Run]:
    """``runs`` is a dict keyed by run ID string (detail endpoint) or a list (list endpoint):
    a list ordered by each run's own ``id``. Each run learns where its ``raw`` lives."""
    root = result._ref
    if not isinstance(root, RawRef):
        root = RawRef()
        result._attach(root)
    if not value:
        return []
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, run in items:
        if run._ref is None:
            force_setattr(run, "_ref", (root, "runs", key))
    runs = list(value.values()) if isinstance(value, dict) else list(value)
    check_all(runs)
    return _in_id_order(runs)


_RUN_ID = operator.attrgetter("id")


def _in_id_order(runs: list[Run]) -> list[Run]:
    """The runs ordered by ID, each ID once: of a run ID sent twice the later run is kept, as a
    repeated JSON key keeps its later value, so that every count and report sees it once."""
    return sorted({run.id: run for run in runs}.values(), key=_RUN_ID)


def _false_if_none(result: Any, value: Any) -> bool:
    return bool(value)


def _scenarios(result: Any, value: Any) -> list[ScenarioRef]:
    if value is None:
        # Specs before 2025-10 sent `scenario_names` (a list of names) instead.
        names = result._w_scenario_names
        if isinstance(names, str):
            names = [names]
        if isinstance(names, list):
            return [ScenarioRef(name=name) for name in names if isinstance(name, str)]
        return []
    return list(value)


def _next_steps(result: Any, value: Any) -> list[NextStep] | None:
    if not isinstance(value, list):
        return None
    steps = [view(NextStep, item) for item in value]
    return [step for step in steps if step is not None]


_next_steps.view_of = NextStep  # type: ignore[attr-defined]  # for the field table


def _objects(result: Any, value: Any) -> list[Mapping[str, Any]] | None:
    if not isinstance(value, list):
        return None
    return [item for item in value if isinstance(item, dict)]


def _metric_refs(result: Any, value: Any) -> list[MetricRef]:
    """Each object of ``metrics`` as a lenient view (``{}`` too: the list keeps its length)."""
    if not isinstance(value, list):
        return []
    return [view(MetricRef, item) or MetricRef() for item in value]


if TYPE_CHECKING:
    from pandas import DataFrame

    from ..reports._table import RunRow

Status = Annotated[
    ResultStatus, Kind(CORE, "a string", coerce=_status_text, normalise=_status, wire=str)
]
Runs = Annotated[
    list[Run],
    Kind(
        CORE,
        "an object keyed by run ID or an array of runs",
        normalise=_sorted_runs,
        wire=dict[str, Run] | list[Run],
    ),
]
Cron = Annotated[bool, Kind(CHECKED, "a boolean", coerce=bool_text, normalise=_false_if_none)]
Scenarios = Annotated[list[ScenarioRef], Kind(CHECKED, "an array", normalise=_scenarios)]
NextSteps = Annotated[list[NextStep] | None, Kind(LENIENT, normalise=_next_steps, wire=Any)]
Objects = Annotated[list[Mapping[str, Any]] | None, Kind(LENIENT, normalise=_objects, wire=Any)]
# The decoder reads any array of objects, as before; each object is then a lenient view.
MetricRefs = Annotated[
    list[MetricRef],
    Kind(CHECKED, "an array", normalise=_metric_refs, wire=list[dict[str, Any]]),
]


class Result(EagerModel, frozen=True, kw_only=True):
    """A Cekura test result (``client.results.get(id)``), with the spec's wrong types corrected.

    Counts are ``int`` (numeric strings are read; missing or null is 0) and ``runs`` is a list
    ordered by run ID. ``raw`` is the JSON as received; ``extra`` holds the fields this version
    does not model. Untyped objects (``overall_evaluation``, ``ai_summary``...) are typed views,
    None when the server sends something else (its value stays in ``raw``).
    """

    id: CoreId = required("the result's ID")
    name: Text = optional("the result's name")
    agent: Int = optional("the ID of the agent under test")
    agent_name: Text = optional("the name of the agent under test")
    status: Status = required(
        "``completed``, ``running``...; a value this version does not know is kept"
    )
    success_rate: Number = optional("percentage of runs that succeeded (0-100), per the server")
    total_runs_count: Count = optional("runs in the result")
    completed_runs_count: Count = optional("runs that have finished")
    success_runs_count: Count = optional("runs that succeeded")
    failed_runs_count: Count = optional("runs that failed")
    met_expected_outcome_count: Count = optional("runs that fully met their expected outcome")
    total_expected_outcome_count: Count = optional("runs that had an expected outcome")
    total_duration: Duration = optional("call time of all runs; None while running")
    created_at: DateTime = optional("when the result was created (aware; naive is UTC)")
    updated_at: DateTime = optional("when the result last changed")
    run_as_text: Flag = optional("whether the runs were text chats instead of voice calls")
    is_cronjob: Cron = optional("whether a schedule started the result")
    run_type: Text = optional("how the runs were started, e.g. ``scheduled``")
    agent_version: AnyValue = optional("the agent version used, as received (untyped)")
    runs: Runs = optional("the runs, ordered by run ID (an ID sent twice: its later run)")
    connected_runs: IdList = optional("IDs of the runs whose call connected")
    not_connected_runs: OptIdList = optional("IDs of the runs whose call did not connect")
    successful_calls: IdList = optional("IDs of the runs whose call succeeded")
    failed_infrastructure_runs: OptIdList = optional(
        "IDs of runs failed by infrastructure; None: not reported"
    )
    failed_workflow_runs: OptIdList = optional(
        "IDs of runs failed by the workflow; None: not reported"
    )
    scenario_names: Annotated[AnyValue, Kind(LENIENT, feeds="scenarios")] = optional(
        "older specs' scenario names, as received (read into ``scenarios``)"
    )
    scenarios: Scenarios = optional("the scenarios the result ran")
    critical_categories: Items[CriticalCategory] = optional("metrics flagged as critical")
    metrics: MetricRefs = optional("the metrics evaluated in the result")
    overall_evaluation: View[OverallEvaluation] = optional("aggregates over all runs")
    failed_reasons: View[FailedReasons] = optional("failures clustered by cause")
    ai_summary: View[AISummary] = optional("the LLM-written account of the result")
    ai_summary_status: Text = optional(
        "``completed``, ``pending`` or ``skipped_no_failures``: whether ``ai_summary`` is ready"
    )
    next_steps: NextSteps = optional("LLM-suggested fixes, most impact first")
    performance_metrics: Objects = optional("per-rubric-rule breakdown, as received")
    run_settings: View[RunSettings] = optional("the overrides the result was started with")
    path_coverage: AnyValue = optional("which of the agent's critical paths the runs covered")
    runs_by_tags: OptObj = optional("run IDs by tag, as received")
    latency_data: OptObj = optional("latency statistics, as received")
    domain: Text = optional("the ``domain`` the server sends (branding)")
    domain_logo: Text = optional("the ``domain_logo`` the server sends (branding)")

    @property
    def extra(self) -> dict[str, Any]:
        """The fields this version does not model, as received."""
        return unknown_fields(self)

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
        from ._model import to_jsonable  # noqa: PLC0415

        data: dict[str, Any] = to_jsonable(self)
        return data

    def runs_table(self) -> list[RunRow]:
        """One flat row per run: scenario, personality, status, success, ``duration_seconds``,
        error, ``executed_at`` (a datetime) and ``metric.<name>.passed`` / ``.score`` /
        ``.value`` for each metric column some run has a value in (see
        :mod:`cekura_client.reports`)."""
        from ..reports._table import runs_table  # noqa: PLC0415 (reports import this module)

        return runs_table(self)

    def to_dataframe(self) -> DataFrame:
        """:meth:`runs_table` as a ``pandas.DataFrame``; needs the ``[pandas]`` extra."""
        from ..reports._table import to_dataframe  # noqa: PLC0415 (reports import this module)

        return to_dataframe(self)

    def run(self, run_id: int) -> Run:
        """The run with this ID. Raises KeyError when the result has no such run."""
        for run in self.runs:
            if run.id == run_id:
                return run
        raise KeyError(run_id)


def parse_runs(value: Any, path: PathLike) -> list[Run]:
    """A sorted list of runs from a ``runs`` dict or list (webhook pre-run events)."""
    if value is None:
        return []
    wire = convert(value, Runs, FieldPath(path, "runs"))
    holder = RawRef(tree=value)
    items = wire.items() if isinstance(wire, dict) else enumerate(wire)
    for key, run in items:
        force_setattr(run, "_ref", (holder, key))
    runs = list(wire.values()) if isinstance(wire, dict) else list(wire)
    return _in_id_order(runs)


def spec_dependencies() -> dict[str, str]:
    """Which ``ResultDetailV2`` property each :class:`Result` attribute is built from
    (property -> attribute), derived from the model's field declarations. The spec-diff tool uses
    it to name the facade attributes a spec change touches."""
    return {decl.key: decl.kind.feeds or decl.name for decl in Result.__fields__}


#: The ``ResultDetailV2`` properties Result reads; anything else lands in ``Result.extra``.
RESULT_FIELDS = frozenset(spec_dependencies())
