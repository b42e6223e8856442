"""One metric's score for one run (``runs[*].evaluation.metrics[*]``)."""

from __future__ import annotations

from typing import Annotated, Any

from ._fields import (
    CoreNumber,
    Deferred,
    Int,
    Obj,
    StrList,
    Text,
    bool_text,
    number_to_text,
)
from ._model import CORE, Kind, Model, optional, unknown_fields

__all__ = ["BINARY_METRIC_TYPES", "MetricScore"]

#: Legacy binary metric types, scored 5 for pass and 0 for fail.
BINARY_METRIC_TYPES = frozenset({"binary_workflow_adherence", "binary_qualitative"})
_LEGACY_PASS_SCORE = 5.0
_LEGACY_FAIL_SCORE = 0.0


def _type(metric: Any, value: Any) -> Any:
    """``type``, or ``eval_type`` where a newer payload sends only that."""
    return value or metric._w_eval_type


def _verdict(metric: Any, passed: Any) -> bool | None:
    """The binary verdict: ``passed`` of an ``eval_type: "binary"`` metric, or a legacy binary
    ``type`` scored 5 (pass) / 0 (fail); None for non-binary metrics."""
    eval_type = metric._w_eval_type
    metric_type = metric._w_type or eval_type
    if passed is not None and "binary" in (eval_type, metric_type):
        return bool(passed)
    score = metric._w_score
    if metric_type in BINARY_METRIC_TYPES and score is not None:
        if score >= _LEGACY_PASS_SCORE:
            return True
        if score == _LEGACY_FAIL_SCORE:
            return False
    return None


MetricType = Annotated[str | None, Kind(CORE, "a string", coerce=number_to_text, normalise=_type)]
EvalType = Annotated[str | None, Kind(CORE, "a string", coerce=number_to_text)]
Verdict = Annotated[bool | None, Kind(CORE, "a boolean", coerce=bool_text, normalise=_verdict)]


class MetricScore(Model, frozen=True):
    """A metric evaluated on one run (an item of ``Run.metrics``).

    ``passed`` is the binary verdict: ``passed`` of an ``eval_type: "binary"`` metric, or a
    legacy binary ``type`` scored 5 (pass) / 0 (fail); None for the others (continuous, numeric,
    enum), whose value is in ``score`` or ``enum_value``. ``extra`` is the metric's own
    ``extra`` field, not the unknown-fields mapping ``Result.extra`` is (that is
    ``unknown_fields`` here).
    """

    id: Int = optional("the metric's ID")
    name: Text = optional("the metric's name")
    type: MetricType = optional("``binary_workflow_adherence``, ``numeric``, ``enum``...")
    eval_type: EvalType = optional("``binary``, ``numeric``... (newer payloads)")
    score: CoreNumber = optional("the score (a legacy binary metric: 5 pass, 0 fail)")
    passed: Verdict = optional("the binary verdict; None for non-binary metrics")
    explanation: Deferred[StrList] = optional("why, one line each")
    enum_value: Text = optional("an enum metric's value", key="enum")
    function_name: Text = optional("the evaluator function's name")
    extra: Deferred[Obj] = optional("evaluator details, as received ({} if not an object)")

    @property
    def unknown_fields(self) -> dict[str, Any]:
        """The fields of this metric no declaration reads, as received."""
        return unknown_fields(self)

    @property
    def is_binary(self) -> bool:
        """Whether the metric is pass/fail (``type`` binary, or a legacy binary type)."""
        return self.type == "binary" or self.type in BINARY_METRIC_TYPES

    @property
    def failed(self) -> bool:
        """True only for a binary metric that did not pass."""
        return self.passed is False
