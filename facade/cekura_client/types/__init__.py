"""The facade's models: what ``client.results.get`` returns."""

from .metric import MetricScore
from .result import Result
from .run import ExpectedOutcome, OutcomeAlignment, Run, TranscriptTurn
from .status import TERMINAL_STATUSES, ResultStatus
from .summaries import (
    AggregateMetric,
    AISummary,
    CriticalCategory,
    FailedReason,
    FailedReasons,
    MetricRef,
    MetricSummary,
    NextStep,
    OverallEvaluation,
    RunSettings,
    ScenarioRef,
)

__all__ = [
    "TERMINAL_STATUSES",
    "AISummary",
    "AggregateMetric",
    "CriticalCategory",
    "ExpectedOutcome",
    "FailedReason",
    "FailedReasons",
    "MetricRef",
    "MetricScore",
    "MetricSummary",
    "NextStep",
    "OutcomeAlignment",
    "OverallEvaluation",
    "Result",
    "ResultStatus",
    "Run",
    "RunSettings",
    "ScenarioRef",
    "TranscriptTurn",
]
