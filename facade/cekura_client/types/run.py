"""One run of a result (a value of the ``runs`` dict), with its outcome, metrics and transcript.

The spec leaves runs untyped (``additionalProperties: {}``); these models follow the spec's
example and real payloads (see the README's quirk table).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from ._reader import PathLike, Reader, fail
from .metric import MetricScore

__all__ = ["ExpectedOutcome", "OutcomeAlignment", "Run", "TranscriptTurn"]


@attrs.frozen(kw_only=True)
class OutcomeAlignment:
    outcome: str | None
    prompt_part: str | None
    aligned: bool | None

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> OutcomeAlignment:
        r = Reader(data, path)
        return cls(
            outcome=r.string("outcome"),
            prompt_part=r.string("prompt_part"),
            aligned=r.boolean("aligned"),
        )


@attrs.frozen(kw_only=True)
class ExpectedOutcome:
    """How well a run met its scenario's expected outcome (``score`` 0-100)."""

    score: float | None
    explanations: list[str]
    alignments: list[OutcomeAlignment]

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> ExpectedOutcome | None:
        r = Reader(data, path)
        if not r.data:
            return None  # `{}`: the run has no expected outcome (yet)
        return cls(
            score=r.number("score"),
            explanations=r.str_list("explanation"),
            alignments=r.models("outcome_alignments", OutcomeAlignment.from_dict),
        )


@attrs.frozen(kw_only=True)
class TranscriptTurn:
    """One turn of a call: ``role`` is e.g. "Testing Agent", "Main Agent", "Function Call"."""

    role: str | None
    content: str | None
    start_time: float | None
    end_time: float | None
    time: dt.timedelta | None = None
    data: Mapping[str, Any] | None = attrs.field(default=None, repr=False)

    @classmethod
    def from_dict(cls, data: Any, path: PathLike) -> TranscriptTurn:
        r = Reader(data, path)
        return cls(
            role=r.string("role"),
            content=r.string("content"),
            start_time=r.number("start_time"),
            end_time=r.number("end_time"),
            time=r.duration("time"),
            data=r.mapping("data"),
        )


_RUN_FIELDS = frozenset(
    {
        "id", "scenario", "scenario_name", "personality_name", "status", "success",
        "error_message", "timestamp", "executed_at", "duration", "outbound_number",
        "inbound_number", "call_id", "metadata", "voice_recording", "expected_outcome",
        "evaluation", "transcript_object",
    }
)  # fmt: skip


@attrs.frozen(kw_only=True)
class Run:
    """A single simulated call of a result.

    ``scenario_id`` is an int whether the payload gives an ID (API) or an object (webhooks).
    ``error_message`` is ``None`` when the server sent ``""``. ``call_id`` is the telephony
    provider's identifier, not a Cekura ID. ``metrics`` is empty while the run is unevaluated.
    """

    id: int
    scenario_id: int | None
    scenario_name: str | None
    personality_name: str | None
    status: str | None
    success: bool | None
    error_message: str | None
    duration: dt.timedelta | None
    timestamp: dt.datetime | None
    executed_at: dt.datetime | None
    outbound_number: str | None = None
    inbound_number: str | None = None
    call_id: str | None = None
    voice_recording: str | None = None
    metadata: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    expected_outcome: ExpectedOutcome | None = attrs.field(default=None, repr=False)
    metrics: list[MetricScore] = attrs.field(factory=list, repr=False)
    evaluated: bool = False
    transcript: list[TranscriptTurn] = attrs.field(factory=list, repr=False)
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def failed_metrics(self) -> list[MetricScore]:
        """The binary metrics this run did not pass."""
        return [m for m in self.metrics if m.passed is False]

    def metric(self, name_or_id: str | int) -> MetricScore | None:
        """The metric with this name (or ID), or None."""
        for metric in self.metrics:
            if name_or_id in (metric.name, metric.id):
                return metric
        return None

    @classmethod
    def from_dict(cls, data: Any, path: PathLike = "run") -> Run:
        r = Reader(data, path)
        scenario_id, scenario_name = _scenario(r)
        evaluation = r.mapping("evaluation")
        metrics: list[MetricScore] = []
        if evaluation:
            metrics = Reader(evaluation, r.at("evaluation")).models(
                "metrics", MetricScore.from_dict
            )
        return cls(
            id=r.required_integer("id"),
            scenario_id=scenario_id,
            scenario_name=scenario_name,
            personality_name=r.string("personality_name") or _scenario_field(r, "personality_name"),
            status=r.string("status"),
            success=r.boolean("success"),
            error_message=r.text_or_none("error_message"),
            duration=r.duration("duration"),
            timestamp=r.datetime("timestamp"),
            executed_at=r.datetime("executed_at"),
            outbound_number=r.text_or_none("outbound_number"),
            inbound_number=r.text_or_none("inbound_number"),
            call_id=r.text_or_none("call_id"),
            voice_recording=r.text_or_none("voice_recording"),
            metadata=r.mapping_or_empty("metadata"),
            expected_outcome=r.model("expected_outcome", ExpectedOutcome.from_dict),
            metrics=metrics,
            evaluated=bool(evaluation),
            transcript=r.models("transcript_object", TranscriptTurn.from_dict),
            extra=r.extra(_RUN_FIELDS),
            raw=r.data,
        )


def _scenario(r: Reader) -> tuple[int | None, str | None]:
    """``scenario`` is an ID on the API and ``{id, name, ...}`` in webhook payloads."""
    value = r.raw("scenario")
    name = r.string("scenario_name")
    if isinstance(value, dict):
        inner = Reader(value, r.at("scenario"))
        return inner.integer("id"), name or inner.string("name")
    if value is None:
        return None, name
    if isinstance(value, bool):
        raise fail(r.at("scenario"), "a scenario ID or object", value)
    return r.integer("scenario"), name


def _scenario_field(r: Reader, key: str) -> str | None:
    value = r.raw("scenario")
    if isinstance(value, dict):
        return Reader(value, r.at("scenario")).string(key)
    return None
