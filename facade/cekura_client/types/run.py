"""One run of a result (a value of the ``runs`` dict), with its outcome, metrics and transcript.

The spec leaves runs untyped (``additionalProperties: {}``); these models follow the spec's
example and real payloads (see docs/field-strictness.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from msgspec.structs import force_setattr

from ._fields import (
    CoreFlag,
    CoreId,
    DateTime,
    Deferred,
    Duration,
    Flag,
    Int,
    Items,
    Number,
    Obj,
    OptObj,
    OptText,
    StrList,
    Text,
    TurnTime,
    number_to_text,
)
from ._model import ABSENT, CHECKED, CORE, Kind, Model, unknown_fields, wire_value
from .metric import MetricScore

__all__ = ["ExpectedOutcome", "OutcomeAlignment", "Run", "TranscriptTurn"]


class OutcomeAlignment(Model, frozen=True):
    outcome: Text = ABSENT
    prompt_part: Text = ABSENT
    aligned: Flag = ABSENT


class ExpectedOutcome(Model, frozen=True):
    """How well a run met its scenario's expected outcome (``score`` 0-100)."""

    score: Number = ABSENT
    explanations: Deferred[StrList] = msgspec.field(default=ABSENT, name="explanation")
    alignments: Items[OutcomeAlignment] = msgspec.field(default=ABSENT, name="outcome_alignments")


class TranscriptTurn(Model, frozen=True):
    """One turn of a call: ``role`` is e.g. "Testing Agent", "Main Agent", "Function Call"."""

    role: Text = ABSENT
    content: Text = ABSENT
    start_time: Number = ABSENT
    end_time: Number = ABSENT
    time: TurnTime = ABSENT
    data: Deferred[OptObj] = ABSENT


class _ScenarioObject(Model, frozen=True):
    """``scenario`` as webhook payloads send it (the API sends the ID alone)."""

    id: Int = ABSENT
    name: Text = ABSENT
    personality_name: Text = ABSENT


class _Evaluation(Model, frozen=True):
    metrics: Annotated[list[MetricScore] | None, Kind(CORE, "an array")] = ABSENT


def _scenario_id(run: Any, value: Any) -> Any:
    return value.id if isinstance(value, _ScenarioObject) else value


def _from_scenario(key: str) -> Any:
    def read(run: Any, value: Any) -> Any:
        if value:
            return value
        scenario = run._w_scenario_id
        return getattr(scenario, key) if isinstance(scenario, _ScenarioObject) else None

    return read


def _expected_outcome(run: Any, value: Any) -> Any:
    return None if value is None or value == _EMPTY_OUTCOME else value


def _metrics(run: Any, value: Any) -> Any:
    metrics = value.metrics if isinstance(value, _Evaluation) else value
    if not metrics:
        return []
    ref = run._ref
    if ref is not None and metrics[0]._ref is None:  # where each metric's `raw` is, on first use
        for index, metric in enumerate(metrics):
            force_setattr(metric, "_ref", (ref, "evaluation", "metrics", index))
    return metrics


if TYPE_CHECKING:
    ScenarioId = int | None
    ScenarioText = str | None
    PersonalityText = str | None
    Outcome = ExpectedOutcome | None
    Metrics = list[MetricScore]
else:
    ScenarioId = Annotated[
        int | _ScenarioObject | None,
        Kind(CHECKED, "a scenario ID or object", normalise=_scenario_id),
    ]
    ScenarioText = Annotated[
        str | None,
        Kind(CHECKED, "a string", coerce=number_to_text, normalise=_from_scenario("name")),
    ]
    PersonalityText = Annotated[
        str | None,
        Kind(
            CHECKED,
            "a string",
            coerce=number_to_text,
            normalise=_from_scenario("personality_name"),
        ),
    ]
    Outcome = Annotated[
        ExpectedOutcome | None, Kind(CHECKED, "an object", normalise=_expected_outcome)
    ]
    Metrics = Annotated[_Evaluation | None, Kind(CORE, "an object", normalise=_metrics)]

_EMPTY_OUTCOME = ExpectedOutcome()


class Run(Model, frozen=True):
    """A single simulated call of a result.

    ``scenario_id`` is an int whether the payload gives an ID (API) or an object (webhooks).
    ``error_message`` is ``None`` when the server sent ``""``. ``call_id`` is the telephony
    provider's identifier, not a Cekura ID. ``metrics`` is empty while the run is unevaluated.
    """

    id: CoreId
    scenario_id: ScenarioId = msgspec.field(default=ABSENT, name="scenario")
    scenario_name: ScenarioText = ABSENT
    personality_name: PersonalityText = ABSENT
    status: Text = ABSENT
    success: CoreFlag = ABSENT
    error_message: OptText = ABSENT
    duration: Duration = ABSENT
    timestamp: DateTime = ABSENT
    executed_at: DateTime = ABSENT
    outbound_number: OptText = ABSENT
    inbound_number: OptText = ABSENT
    call_id: OptText = ABSENT
    voice_recording: OptText = ABSENT
    metadata: Deferred[Obj] = ABSENT
    expected_outcome: Outcome = ABSENT
    metrics: Metrics = msgspec.field(default=ABSENT, name="evaluation")
    transcript: Items[TranscriptTurn] = msgspec.field(default=ABSENT, name="transcript_object")

    @property
    def evaluated(self) -> bool:
        """Whether the run has an evaluation (``evaluation`` neither null nor ``{}``)."""
        value = wire_value(self, "metrics")
        return value is not None and value != _EMPTY_EVALUATION

    @property
    def extra(self) -> dict[str, Any]:
        """The fields this version does not model, as received."""
        return unknown_fields(self)

    @property
    def failed_metrics(self) -> list[MetricScore]:
        """The binary metrics this run did not pass."""
        return [m for m in self.metrics if m.failed]

    def metric(self, name_or_id: str | int) -> MetricScore | None:
        """The metric with this name (or ID), or None."""
        for metric in self.metrics:
            if name_or_id in (metric.name, metric.id):
                return metric
        return None


_EMPTY_EVALUATION = _Evaluation()
