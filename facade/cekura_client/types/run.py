"""One run of a result (a value of the ``runs`` dict), with its outcome, metrics and transcript.

The spec leaves runs untyped (``additionalProperties: {}``); these models follow the spec's
example and real payloads (see docs/guides/field-strictness.md).
"""

from __future__ import annotations

from typing import Annotated, Any

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
from ._model import (
    CHECKED,
    CORE,
    Kind,
    Model,
    optional,
    required,
    unknown_fields,
)
from .metric import MetricScore

__all__ = [
    "ExpectedOutcome",
    "OutcomeAlignment",
    "Run",
    "ScenarioKey",
    "TranscriptTurn",
    "scenario_key",
    "scenario_label",
]

#: (scenario ID, or its name when the ID is missing; personality name or None).
ScenarioKey = tuple[int | str, str | None]


class OutcomeAlignment(Model, frozen=True):
    """One part of an expected outcome, and whether the call matched it."""

    outcome: Text = optional("the expected outcome's part")
    prompt_part: Text = optional("the part of the scenario's prompt it comes from")
    aligned: Flag = optional("whether the call matched it")


class ExpectedOutcome(Model, frozen=True):
    """How well a run met its scenario's expected outcome."""

    score: Number = optional("0-100; 100 is fully met")
    explanations: Deferred[StrList] = optional("why, one line each", key="explanation")
    alignments: Items[OutcomeAlignment] = optional(
        "each part of the outcome, matched or not", key="outcome_alignments"
    )


class TranscriptTurn(Model, frozen=True):
    """One turn of a call's transcript."""

    role: Text = optional('who spoke: "Testing Agent", "Main Agent", "Function Call"...')
    content: Text = optional("what was said (or the function call)")
    start_time: Number = optional("seconds from the start of the call")
    end_time: Number = optional("seconds from the start of the call")
    time: TurnTime = optional("``start_time`` as the server formats it (MM:SS); None if odd")
    data: Deferred[OptObj] = optional("a function call's details, as received")


class _ScenarioObject(Model, frozen=True):
    """``scenario`` as webhook payloads send it (the API sends the ID alone)."""

    id: Int = optional("the scenario's ID")
    name: Text = optional("the scenario's name")
    personality_name: Text = optional("the personality's name")


class _Evaluation(Model, frozen=True):
    """A run's ``evaluation``: its metrics."""

    metrics: Annotated[list[MetricScore] | None, Kind(CORE, "an array")] = optional(
        "the run's metric scores"
    )


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


ScenarioId = Annotated[
    int | None,
    Kind(CHECKED, "a scenario ID or object", normalise=_scenario_id, wire=int | _ScenarioObject),
]
ScenarioText = Annotated[
    str | None,
    Kind(CHECKED, "a string", coerce=number_to_text, normalise=_from_scenario("name")),
]
PersonalityText = Annotated[
    str | None,
    Kind(CHECKED, "a string", coerce=number_to_text, normalise=_from_scenario("personality_name")),
]
Outcome = Annotated[ExpectedOutcome | None, Kind(CHECKED, "an object", normalise=_expected_outcome)]
Metrics = Annotated[
    list[MetricScore], Kind(CORE, "an object", normalise=_metrics, wire=_Evaluation)
]

_EMPTY_OUTCOME = ExpectedOutcome()


class Run(Model, frozen=True):
    """One simulated call of a result (an item of ``Result.runs``)."""

    id: CoreId = required("the run's ID")
    scenario_id: ScenarioId = optional(
        "the scenario's ID (from an ID or, in webhooks, an object)", key="scenario"
    )
    scenario_name: ScenarioText = optional("the scenario's name")
    personality_name: PersonalityText = optional("the caller personality's name")
    status: Text = optional("``completed``, ``running``... as the server says")
    success: CoreFlag = optional("whether the run passed; None until it is evaluated")
    error_message: OptText = optional('why the call failed; None if it did not (or sent "")')
    duration: Duration = optional("the call's length")
    timestamp: DateTime = optional("when the run was created")
    executed_at: DateTime = optional("when the call was made")
    outbound_number: OptText = optional("the number that called")
    inbound_number: OptText = optional("the number that was called")
    call_id: OptText = optional("the telephony provider's call ID (not a Cekura ID)")
    voice_recording: OptText = optional("the recording's URL")
    metadata: Deferred[Obj] = optional("the run's metadata, as received")
    expected_outcome: Outcome = optional("how well the call met the expected outcome")
    metrics: Metrics = optional("the metric scores; empty until evaluated", key="evaluation")
    transcript: Items[TranscriptTurn] = optional("the call, turn by turn", key="transcript_object")

    @property
    def evaluated(self) -> bool:
        """Whether the run has an evaluation (``evaluation`` neither null nor ``{}``)."""
        value = self._w_metrics  # type: ignore[attr-defined]  # the slot
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


def scenario_label(run: Run) -> str:
    """The scenario's name, else ``scenario 7001``, else ``(no scenario)``."""
    if run.scenario_name:
        return run.scenario_name
    if run.scenario_id is not None:
        return f"scenario {run.scenario_id}"
    return "(no scenario)"


def scenario_key(run: Run) -> ScenarioKey:
    """What matches a run across results (history, comparisons): its scenario ID (else its
    name; an ID and a name that spells it stay apart) and its personality."""
    scenario: int | str = run.scenario_id if run.scenario_id is not None else scenario_label(run)
    return scenario, run.personality_name
