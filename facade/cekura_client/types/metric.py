"""One metric's score for one run (``runs[*].evaluation.metrics[*]``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec

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
from ._model import ABSENT, CORE, Kind, Model, unknown_fields

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


if TYPE_CHECKING:
    MetricType = str | None
    EvalType = str | None
    Verdict = bool | None
else:
    MetricType = Annotated[
        str | None, Kind(CORE, "a string", coerce=number_to_text, normalise=_type)
    ]
    EvalType = Annotated[str | None, Kind(CORE, "a string", coerce=number_to_text)]
    Verdict = Annotated[bool | None, Kind(CORE, "a boolean", coerce=bool_text, normalise=_verdict)]


class MetricScore(Model, frozen=True):
    """A metric evaluated on one run.

    ``passed`` is the binary verdict where there is one: from ``eval_type: "binary"`` with a
    boolean ``passed`` (newer payloads), or from a legacy binary ``type`` scored 5 (pass) / 0
    (fail). It is ``None`` for non-binary metrics (continuous, numeric, enum), whose value is in
    ``score`` or ``enum_value``. ``explanation`` is always a list of strings.

    ``extra`` is the metric's own ``extra`` field as the API sends it (evaluator details: an
    object, or ``None`` when absent or not an object). It is *not* the unknown-fields mapping that
    ``Result.extra`` and ``Run.extra`` are; a metric's unknown fields are in ``unknown_fields``.
    """

    id: Int = ABSENT
    name: Text = ABSENT
    type: MetricType = ABSENT
    eval_type: EvalType = ABSENT
    score: CoreNumber = ABSENT
    passed: Verdict = ABSENT
    explanation: Deferred[StrList] = ABSENT
    enum_value: Text = msgspec.field(default=ABSENT, name="enum")
    function_name: Text = ABSENT
    extra: Deferred[Obj] = ABSENT

    @property
    def unknown_fields(self) -> dict[str, Any]:
        """The fields of this metric no declaration reads, as received."""
        return unknown_fields(self)

    @property
    def is_binary(self) -> bool:
        return self.type == "binary" or self.type in BINARY_METRIC_TYPES

    @property
    def failed(self) -> bool:
        """True only for a binary metric that did not pass."""
        return self.passed is False
