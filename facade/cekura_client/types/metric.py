"""One metric's score for one run (``runs[*].evaluation.metrics[*]``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ._reader import PathLike, Reader

__all__ = ["BINARY_METRIC_TYPES", "MetricScore"]

#: Legacy binary metric types, scored 5 for pass and 0 for fail.
BINARY_METRIC_TYPES = frozenset({"binary_workflow_adherence", "binary_qualitative"})
_LEGACY_PASS_SCORE = 5.0
_LEGACY_FAIL_SCORE = 0.0


@attrs.frozen(kw_only=True)
class MetricScore:
    """A metric evaluated on one run.

    ``passed`` is the binary verdict where there is one: from ``eval_type: "binary"`` with a
    boolean ``passed`` (newer payloads), or from a legacy binary ``type`` scored 5 (pass) / 0
    (fail). It is ``None`` for non-binary metrics (continuous, numeric, enum), whose value is in
    ``score`` or ``enum_value``. ``explanation`` is always a list of strings.
    """

    id: int | None
    name: str | None
    type: str | None
    score: float | None
    passed: bool | None
    explanation: list[str]
    enum_value: str | None = None
    function_name: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def is_binary(self) -> bool:
        return self.type == "binary" or self.type in BINARY_METRIC_TYPES

    @property
    def failed(self) -> bool:
        """True only for a binary metric that did not pass."""
        return self.passed is False

    @classmethod
    def from_dict(cls, data: Any, path: PathLike = "metric") -> MetricScore:
        r = Reader(data, path)
        eval_type = r.string("eval_type")
        metric_type = r.string("type") or eval_type
        score = r.number("score")
        passed: bool | None = None
        if eval_type == "binary" and r.raw("passed") is not None:
            passed = r.boolean("passed")
        elif metric_type in BINARY_METRIC_TYPES and score is not None:
            if score >= _LEGACY_PASS_SCORE:
                passed = True
            elif score == _LEGACY_FAIL_SCORE:
                passed = False
        return cls(
            id=r.integer("id"),
            name=r.string("name"),
            type=metric_type,
            score=score,
            passed=passed,
            explanation=r.str_list("explanation"),
            enum_value=r.string("enum"),
            function_name=r.string("function_name"),
            extra=r.mapping_or_empty("extra"),
            raw=r.data,
        )
