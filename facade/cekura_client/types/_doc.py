"""The field table of docs/field-strictness.md, generated from the model declarations.

``python -m cekura_client.types._doc`` prints it; a test checks that the doc contains it.
"""

from __future__ import annotations

import types
import typing
from typing import Any

import msgspec

from ._model import CORE, LENIENT, Model, model_fields, split_kind
from .metric import MetricScore
from .result import Result
from .run import ExpectedOutcome, OutcomeAlignment, Run, TranscriptTurn
from .summaries import (
    AggregateMetric,
    AISummary,
    CriticalCategory,
    FailedReason,
    FailedReasons,
    MetricSummary,
    NextStep,
    OverallEvaluation,
    RunSettings,
    ScenarioRef,
)

__all__ = ["field_table"]

MODELS: list[tuple[str, type[Model], bool]] = [
    ("result", Result, False),
    ("`runs[*]`", Run, False),
    ("`runs[*].evaluation.metrics[*]`", MetricScore, False),
    ("`runs[*].expected_outcome`", ExpectedOutcome, False),
    ("`runs[*].expected_outcome.outcome_alignments[*]`", OutcomeAlignment, False),
    ("`runs[*].transcript_object[*]`", TranscriptTurn, False),
    ("`scenarios[*]`", ScenarioRef, False),
    ("`critical_categories[*]`", CriticalCategory, False),
    ("`overall_evaluation`", OverallEvaluation, True),
    ("`overall_evaluation.metric_summary.*`", MetricSummary, True),
    ("`overall_evaluation.*_metrics[*]`", AggregateMetric, True),
    ("`failed_reasons`", FailedReasons, True),
    ("`failed_reasons.issues[*]`", FailedReason, True),
    ("`ai_summary`", AISummary, True),
    ("`next_steps[*]`", NextStep, True),
    ("`run_settings`", RunSettings, True),
]


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        inner = _describe(args[0])
        metas = [m for m in args[1:] if isinstance(m, msgspec.Meta)]
        if metas and metas[0].pattern:
            return f"{inner} (MM:SS, H:MM:SS)"
        if metas and metas[0].ge == 0:
            return f"{inner} (seconds)"
        if metas:
            return f"finite {inner}"
        return inner
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in args)
    if origin is list:
        return f"list[{_describe(args[0])}]"
    if origin is dict:
        return f"dict[{_describe(args[0])}, {_describe(args[1])}]"
    if tp is type(None):
        return "null"
    if tp is Any:
        return "any JSON"
    return tp.__name__.lstrip("_") if isinstance(tp, type) else str(tp)


def field_table() -> str:
    """One row per declared field: where, JSON key, attribute, class, wire type."""
    rows = [
        "| object | JSON key | attribute | class | decoded as |",
        "| --- | --- | --- | --- | --- |",
    ]
    for where, model, inside_view in MODELS:
        hints = typing.get_type_hints(model, include_extras=True)
        for decl in model_fields(model):
            strictness = LENIENT if inside_view else decl.kind.strictness
            label = f"**{strictness}**" if strictness == CORE else strictness
            attribute = decl.name if not decl.kind.feeds else f"→ `{decl.kind.feeds}`"
            if decl.name != attribute or decl.key != decl.name:
                attribute = f"`{attribute}`" if not decl.kind.feeds else attribute
            else:
                attribute = "same"
            wire = _describe(split_kind(hints[decl.name])[0])
            rows.append(f"| {where} | `{decl.key}` | {attribute} | {label} | {wire} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(field_table(), end="")
