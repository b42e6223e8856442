"""Deciding whether a result passes, for CI gates.

A result is ``completed`` even when some of its runs failed, so status alone is not a pass. By
default a result passes when its status is ``completed``, it has at least one run, and every run
succeeded. With ``min_success_rate`` the last rule becomes: the share of successful runs
(computed from the runs, 0-100) is at least that percentage.
"""

from __future__ import annotations

import math

import attrs

from ._exceptions import InvalidRequestError
from ._text import safe_repr
from .types.result import Result
from .types.run import Run

__all__ = ["GateVerdict", "check_min_success_rate", "evaluate_gate"]


def check_min_success_rate(value: object, name: str = "min_success_rate") -> float:
    """A percentage from 0 to 100, else InvalidRequestError (a ValueError) naming ``name``.

    Values in (0, 1] are refused too: the official SDK's ``--fail-on-threshold`` takes a fraction
    (0.9), and 0.9 read as a percentage would pass a result where half the runs failed."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise InvalidRequestError(f"{name} must be a number from 0 to 100, got {safe_repr(value)}")
    if not 0 <= value <= 100:
        raise InvalidRequestError(f"{name} is a percentage from 0 to 100, got {value:g}")
    if 0 < value <= 1:
        raise InvalidRequestError(
            f"{name} is a percentage from 0 to 100, got {value:g}, which looks like a fraction: "
            f"for {value * 100:g}% pass {value * 100:g}"
        )
    return float(value)


@attrs.frozen(kw_only=True)
class GateVerdict:
    """``passed``; ``reasons`` it did not (empty when it passed); the runs that did not succeed
    (a run still unevaluated counts as not successful); the success rate over the runs."""

    passed: bool
    reasons: list[str]
    failing_runs: list[Run]
    success_rate: float | None


def evaluate_gate(result: Result, *, min_success_rate: float | None = None) -> GateVerdict:
    """Whether ``result`` passes: completed, with runs, and every run succeeded (or, with
    ``min_success_rate``, at least that percentage of them)."""
    if min_success_rate is not None:
        min_success_rate = check_min_success_rate(min_success_rate)
    runs = result.runs
    failing = [run for run in runs if run.success is not True]
    rate = 100.0 * (len(runs) - len(failing)) / len(runs) if runs else None
    reasons: list[str] = []
    if result.status != "completed":
        reasons.append(f"status is {result.status.value!r}, not 'completed'")
    if not runs:
        reasons.append("the result has no runs")
    elif min_success_rate is None:
        if failing:
            reasons.append(f"{len(failing)} of {len(runs)} runs did not succeed")
    elif rate is not None and rate < min_success_rate:
        reasons.append(f"success rate {rate:.1f}% is below the required {min_success_rate:g}%")
    return GateVerdict(passed=not reasons, reasons=reasons, failing_runs=failing, success_rate=rate)
