"""The test result returned by ``GET /test_framework/v1/results/{id}/`` (``ResultDetailV2``)."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
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
    ABSENT,
    CHECKED,
    CORE,
    LENIENT,
    EagerModel,
    Kind,
    RawRef,
    check_all,
    convert,
    decode_any,
    decode_error,
    unknown_fields,
    view,
    wire_value,
)
from ._reader import FieldPath, PathLike, fail
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

__all__ = ["RESULT_FIELDS", "Result", "parse_runs", "spec_dependencies"]


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
    runs.sort(key=_RUN_ID)
    return runs


_RUN_ID = operator.attrgetter("id")


def _false_if_none(result: Any, value: Any) -> bool:
    return bool(value)


def _scenarios(result: Any, value: Any) -> list[ScenarioRef]:
    if value is None:
        # Specs before 2025-10 sent `scenario_names` (a list of names) instead.
        names = wire_value(result, "scenario_names")
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


if TYPE_CHECKING:
    Status = ResultStatus
    Runs = list[Run]
    Cron = bool
    Scenarios = list[ScenarioRef]
    NextSteps = list[NextStep] | None
    Objects = list[Mapping[str, Any]] | None
else:
    Status = Annotated[str, Kind(CORE, "a string", missing="a status string", normalise=_status)]
    Runs = Annotated[
        dict[str, Run] | list[Run] | None,
        Kind(CORE, "an object keyed by run ID or an array of runs", normalise=_sorted_runs),
    ]
    Cron = Annotated[
        bool | None, Kind(CHECKED, "a boolean", coerce=bool_text, normalise=_false_if_none)
    ]
    Scenarios = Annotated[list[ScenarioRef] | None, Kind(CHECKED, "an array", normalise=_scenarios)]
    NextSteps = Annotated[Any, Kind(LENIENT, normalise=_next_steps)]
    Objects = Annotated[Any, Kind(LENIENT, normalise=_objects)]


class Result(EagerModel, frozen=True, kw_only=True):
    """A Cekura test result, with the spec's wrong types corrected.

    Counts are ``int`` (JSON integers and numeric strings are accepted; a missing or null count is
    0); ``success_rate`` is a percentage (0-100); ``runs`` is a list ordered by run ID, built from
    the ``runs`` dict (each run's own ``id`` wins over its key). ``failed_*_runs`` keep the
    difference between ``None`` (metric absent) and ``[]`` (no failure). ``raw`` is the JSON as
    received (decoded from the response bytes on first use); ``extra`` holds the fields this
    version does not model. A msgspec Struct: each field is declared once, below.
    """

    id: CoreId
    name: Text = ABSENT
    agent: Int = ABSENT
    agent_name: Text = ABSENT
    status: Status
    success_rate: Number = ABSENT
    total_runs_count: Count = ABSENT
    completed_runs_count: Count = ABSENT
    success_runs_count: Count = ABSENT
    failed_runs_count: Count = ABSENT
    met_expected_outcome_count: Count = ABSENT
    total_expected_outcome_count: Count = ABSENT
    total_duration: Duration = ABSENT
    created_at: DateTime = ABSENT
    updated_at: DateTime = ABSENT
    run_as_text: Flag = ABSENT
    is_cronjob: Cron = ABSENT
    run_type: Text = ABSENT
    agent_version: AnyValue = ABSENT
    runs: Runs = ABSENT
    connected_runs: IdList = ABSENT
    not_connected_runs: OptIdList = ABSENT
    successful_calls: IdList = ABSENT
    failed_infrastructure_runs: OptIdList = ABSENT
    failed_workflow_runs: OptIdList = ABSENT
    scenario_names: Annotated[AnyValue, Kind(LENIENT, feeds="scenarios")] = ABSENT
    scenarios: Scenarios = ABSENT
    critical_categories: Items[CriticalCategory] = ABSENT
    metrics: Items[dict[str, Any]] = ABSENT
    overall_evaluation: View[OverallEvaluation] = ABSENT
    failed_reasons: View[FailedReasons] = ABSENT
    ai_summary: View[AISummary] = ABSENT
    next_steps: NextSteps = ABSENT
    performance_metrics: Objects = ABSENT
    run_settings: View[RunSettings] = ABSENT
    runs_by_tags: OptObj = ABSENT
    latency_data: OptObj = ABSENT
    domain: Text = ABSENT
    domain_logo: Text = ABSENT

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
        if not isinstance(data, dict):
            raise fail(path, "an object", data)
        try:
            result: Result = convert(data, cls, path)
        except RecursionError:  # the decoder's depth limit: an error, never a crash
            raise fail(path, "an object nested less deeply", data) from None
        _source(result).tree_is(data)
        return result

    @classmethod
    def from_json(cls, text: str | bytes) -> Result:
        """Decode and build a Result from JSON text (a stored response, a queue message), straight
        from bytes to the typed objects. Raises ResponseValidationError for text that is not a
        JSON object, or naming the field."""
        if isinstance(text, str):
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError:
                # A lone surrogate: text may hold one (json.dumps with ensure_ascii=False writes
                # what json.loads read from a \ud800 escape). Read as json.loads reads it.
                return cls._from_tree(text, text)
        else:  # a bytearray or memoryview is copied: the deferred fields are slices of it
            data = text if type(text) is bytes else bytes(text)
            # msgspec checks UTF-8 in what it decodes, not in the deferred fields it skips:
            # anything else (UTF-16, encoded surrogates, invalid bytes) takes the slow path.
            if not data.isascii() and not _is_utf8(data):
                return cls._from_tree(data, text)
        try:
            result = _DECODER.decode(data)
        except (msgspec.ValidationError, msgspec.DecodeError, RecursionError, ValueError):
            return cls._from_tree(data, text)  # the slow path: the exact error, or leniency
        _source(result).bytes = data  # `raw` is decoded from these on first use
        return result

    @classmethod
    def _from_tree(cls, data: str | bytes, text: str | bytes) -> Result:
        try:
            tree = decode_any(data)
        except RecursionError:
            raise decode_error(text, "a JSON document nested less deeply (decoder limit)") from None
        except ValueError:  # JSONDecodeError, UnicodeDecodeError, integers past 4,300 digits
            raise decode_error(text) from None
        return cls.from_dict(tree)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _source(result: Result) -> RawRef:
    ref = result._ref
    assert isinstance(ref, RawRef)
    return ref


_DECODER = msgspec.json.Decoder(Result, strict=False)


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
    runs.sort(key=_RUN_ID)
    return runs


def spec_dependencies() -> dict[str, str]:
    """Which ``ResultDetailV2`` property each :class:`Result` attribute is built from
    (property -> attribute), derived from the model's field declarations. The spec-diff tool uses
    it to name the facade attributes a spec change touches."""
    return {decl.key: decl.kind.feeds or decl.name for decl in Result.__fields__}


#: The ``ResultDetailV2`` properties Result reads; anything else lands in ``Result.extra``.
RESULT_FIELDS = frozenset(spec_dependencies())
