"""Deciding whether a result passes, for CI gates.

A result is ``completed`` even when some of its runs failed, so status alone is not a pass. By
default a result passes when its status is ``completed``, it has at least one run, and every run
succeeded. With ``min_success_rate`` the last rule becomes: the share of successful runs
(computed from the runs, 0-100) is at least that percentage.
"""

from __future__ import annotations

import attrs

from .types.result import Result
from .types.run import Run

__all__ = ["GateVerdict", "evaluate_gate"]


@attrs.frozen(kw_only=True)
class GateVerdict:
    """``passed``; ``reasons`` it did not (empty when it passed); the runs that did not succeed
    (a run still unevaluated counts as not successful); the success rate over the runs."""

    passed: bool
    reasons: list[str]
    failing_runs: list[Run]
    success_rate: float | None


def evaluate_gate(result: Result, *, min_success_rate: float | None = None) -> GateVerdict:
    if min_success_rate is not None and not 0 <= min_success_rate <= 100:
        raise ValueError("min_success_rate is a percentage between 0 and 100")
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
