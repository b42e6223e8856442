"""Telling a flaky scenario from a new failure, from a scenario's history of runs.

Voice-agent tests are stochastic: the same scenario can pass on one call and fail on the next.
:func:`classify` labels each scenario of a result against earlier results of the same agent;
:func:`compare_paired` compares a result with one baseline; :func:`metric_regressed` tests a
metric's pass-rate drop. Everything is exact arithmetic from the standard library.

**Scenarios.** A run belongs to the scenario key (scenario ID, or its name when the ID is
missing; personality name or None). Runs whose ``success`` is None (not evaluated) count as not
run. A scenario *fails now* when any of its evaluated runs in the current result failed, and
*passes now* when all of them passed.

**The rule.** Beta-Binomial posterior predictive with a Jeffreys prior Beta(0.5, 0.5): k passes
in n history runs give the posterior Beta(k + 0.5, n - k + 0.5) for the scenario's pass rate; for
the current m runs with x passes,

    p = P(X <= x),  X ~ Beta-Binomial(m, k + 0.5, n - k + 0.5)   (the posterior predictive)

is how likely a result at least this bad was, given the history. Then:

* ``new failure``  - fails now (x < m) and p < 1 - confidence;
* ``flaky``        - fails now otherwise (the history says it often fails; this includes a
  scenario that always failed);
* ``fixed``        - passes now (x = m > 0), the history pass rate k / n is below one half, and
  P(X >= x) < 1 - confidence under the same predictive;
* ``stable pass``  - passes now otherwise;
* ``new scenario`` - run now, but no history runs (n = 0);
* ``not run``      - in the history but without an evaluated run now (m = 0).

``p_value`` is the tail the label was decided on: P(X <= x) for ``new failure`` and ``flaky``,
P(X >= x) for ``fixed`` and for a ``stable pass`` whose history pass rate is below one half,
None otherwise. The Beta-Binomial pmf is computed exactly in log space with ``math.lgamma``:
C(m, x) B(x + a, m - x + b) / B(a, b); the tails are sums of it (no approximation).

**History.** Results of another agent (when both agents are known), the current result itself
(same ID), results that are not ``completed`` and repeats of an ID already seen are ignored.

**One baseline.** :func:`compare_paired` pairs the scenarios evaluated in both results. A pair is
discordant when the scenario passed every run in the baseline and fails now (b) or failed in the
baseline and passes now (c). The exact one-sided sign test (McNemar's exact test)
p = P(Bin(b + c, 1/2) >= b) decides ``regressed`` (p < 1 - confidence), so several one-run
scenarios add up to evidence. Each scenario's own label uses the rule above with the baseline as
a one-result history. :func:`metric_regressed` is a one-sided Fisher exact test (the
hypergeometric lower tail, exact, in log space) of a metric's pass-rate drop.

``confidence`` is a finite number in (0.5, 1); 0.95 by default.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import attrs

from ._exceptions import InvalidRequestError
from ._text import safe_repr
from .gate import GateVerdict, evaluate_gate
from .types.result import Result
from .types.run import Run, ScenarioKey, scenario_key, scenario_label

__all__ = [
    "FailOn",
    "HistoryLabel",
    "HistoryReport",
    "PairedComparison",
    "ScenarioKey",
    "ScenarioRecord",
    "beta_binomial_at_least",
    "beta_binomial_at_most",
    "beta_binomial_pmf",
    "check_confidence",
    "classify",
    "compare_paired",
    "fisher_drop_p_value",
    "label_for",
    "metric_regressed",
    "scenario_key",
    "sign_test_p_value",
]

#: What fails a gate with history: only new failures, or any failing scenario.
FailOn = Literal["new-failures", "any-failure"]

JEFFREYS = 0.5


class HistoryLabel(str, enum.Enum):
    """What a scenario's current runs mean given its history (see the module's rule)."""

    NEW_FAILURE = "new failure"
    FLAKY = "flaky"
    FIXED = "fixed"
    STABLE_PASS = "stable pass"
    NEW_SCENARIO = "new scenario"
    NOT_RUN = "not run"


_ORDER = {
    HistoryLabel.NEW_FAILURE: 0,
    HistoryLabel.FLAKY: 1,
    HistoryLabel.FIXED: 2,
    HistoryLabel.NEW_SCENARIO: 3,
    HistoryLabel.NOT_RUN: 4,
    HistoryLabel.STABLE_PASS: 5,
}


# --- Arguments ---------------------------------------------------------------------------------


def check_confidence(value: object, name: str = "confidence") -> float:
    """A finite number strictly between 0.5 and 1, else InvalidRequestError naming ``name``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not 0.5 < value < 1
    ):
        raise InvalidRequestError(
            f"{name} must be a number between 0.5 and 1 (exclusive), got {safe_repr(value)}"
        )
    return float(value)


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRequestError(f"{name} must be an integer >= 0, got {safe_repr(value)}")
    return value


def _counts(passed: object, runs: object, passed_name: str, runs_name: str) -> tuple[int, int]:
    k, n = _count(passed, passed_name), _count(runs, runs_name)
    if k > n:
        raise InvalidRequestError(f"{passed_name} ({k}) is more than {runs_name} ({n})")
    return k, n


def _shape(value: object, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise InvalidRequestError(f"{name} must be a finite number > 0, got {safe_repr(value)}")
    return float(value)


# --- Exact distributions -----------------------------------------------------------------------


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _pmf(x: int, m: int, alpha: float, beta: float, log_norm: float) -> float:
    return math.exp(_log_comb(m, x) + _log_beta(x + alpha, m - x + beta) - log_norm)


def beta_binomial_pmf(x: int, m: int, alpha: float, beta: float) -> float:
    """P(X = x) for X ~ Beta-Binomial(m, alpha, beta): C(m, x) B(x+alpha, m-x+beta) / B(alpha,
    beta), in log space with ``math.lgamma``. 0 for x outside 0..m."""
    m = _count(m, "m")
    alpha, beta = _shape(alpha, "alpha"), _shape(beta, "beta")
    if isinstance(x, bool) or not isinstance(x, int):
        raise InvalidRequestError(f"x must be an integer, got {safe_repr(x)}")
    if not 0 <= x <= m:
        return 0.0
    return _pmf(x, m, alpha, beta, _log_beta(alpha, beta))


def beta_binomial_at_most(x: int, m: int, alpha: float, beta: float) -> float:
    """P(X <= x) for X ~ Beta-Binomial(m, alpha, beta): the pmf summed from 0 up to x."""
    m = _count(m, "m")
    alpha, beta = _shape(alpha, "alpha"), _shape(beta, "beta")
    if isinstance(x, bool) or not isinstance(x, int):
        raise InvalidRequestError(f"x must be an integer, got {safe_repr(x)}")
    if x < 0:
        return 0.0
    if x >= m:
        return 1.0
    log_norm = _log_beta(alpha, beta)
    total = 0.0
    for j in range(x + 1):
        total += _pmf(j, m, alpha, beta, log_norm)
    return min(total, 1.0)


def beta_binomial_at_least(x: int, m: int, alpha: float, beta: float) -> float:
    """P(X >= x) for X ~ Beta-Binomial(m, alpha, beta): the pmf summed from m down to x."""
    m = _count(m, "m")
    alpha, beta = _shape(alpha, "alpha"), _shape(beta, "beta")
    if isinstance(x, bool) or not isinstance(x, int):
        raise InvalidRequestError(f"x must be an integer, got {safe_repr(x)}")
    if x <= 0:
        return 1.0
    if x > m:
        return 0.0
    log_norm = _log_beta(alpha, beta)
    total = 0.0
    for j in range(m, x - 1, -1):
        total += _pmf(j, m, alpha, beta, log_norm)
    return min(total, 1.0)


def sign_test_p_value(worse: int, better: int) -> float:
    """McNemar's exact one-sided test: P(Bin(worse + better, 1/2) >= worse), from exact integer
    binomial coefficients. 1.0 when there is no discordant pair."""
    b, c = _count(worse, "worse"), _count(better, "better")
    n = b + c
    if n == 0:
        return 1.0
    return min(sum(math.comb(n, j) for j in range(b, n + 1)) / (1 << n), 1.0)


def fisher_drop_p_value(
    baseline_passes: int, baseline_n: int, now_passes: int, now_n: int
) -> float:
    """One-sided Fisher exact test of a pass-rate drop: with the margins of the 2x2 table
    fixed, P(now passes <= ``now_passes``) under the hypergeometric distribution (exact, in log
    space with ``math.lgamma``). 1.0 when either side has no runs."""
    a, n1 = _counts(baseline_passes, baseline_n, "baseline_passes", "baseline_n")
    x, n2 = _counts(now_passes, now_n, "now_passes", "now_n")
    if n1 == 0 or n2 == 0:
        return 1.0
    total_n, total_k = n1 + n2, a + x
    lowest = max(0, n2 - (total_n - total_k))
    log_norm = _log_comb(total_n, n2)
    p = 0.0
    for j in range(lowest, x + 1):
        p += math.exp(_log_comb(total_k, j) + _log_comb(total_n - total_k, n2 - j) - log_norm)
    return min(p, 1.0)


def metric_regressed(
    baseline_passes: int,
    baseline_n: int,
    now_passes: int,
    now_n: int,
    confidence: float = 0.95,
) -> bool:
    """Whether a metric's pass rate dropped beyond chance: :func:`fisher_drop_p_value` below
    1 - ``confidence``."""
    level = 1 - check_confidence(confidence)
    return fisher_drop_p_value(baseline_passes, baseline_n, now_passes, now_n) < level


def label_for(
    history_passed: int,
    history_runs: int,
    now_passed: int,
    now_runs: int,
    *,
    confidence: float = 0.95,
) -> tuple[HistoryLabel, float | None]:
    """The module's rule on counts: the label and the tail probability it was decided on."""
    k, n = _counts(history_passed, history_runs, "history_passed", "history_runs")
    x, m = _counts(now_passed, now_runs, "now_passed", "now_runs")
    return _decide(k, n, x, m, 1 - check_confidence(confidence))


def _decide(k: int, n: int, x: int, m: int, level: float) -> tuple[HistoryLabel, float | None]:
    if m == 0:
        return HistoryLabel.NOT_RUN, None
    if n == 0:
        return HistoryLabel.NEW_SCENARIO, None
    alpha, beta = k + JEFFREYS, n - k + JEFFREYS
    if x < m:
        p = beta_binomial_at_most(x, m, alpha, beta)
        return (HistoryLabel.NEW_FAILURE if p < level else HistoryLabel.FLAKY), p
    if 2 * k < n:
        p = beta_binomial_at_least(x, m, alpha, beta)
        return (HistoryLabel.FIXED if p < level else HistoryLabel.STABLE_PASS), p
    return HistoryLabel.STABLE_PASS, None


# --- Scenario records --------------------------------------------------------------------------


def _display_name(run: Run) -> str:
    name = scenario_label(run)
    return f"{name} / {run.personality_name}" if run.personality_name else name


def _record_text(passed: int, runs: int) -> str:
    return f"passed {passed} of last {runs}" if runs else "no history"


@attrs.frozen(kw_only=True)
class ScenarioRecord:
    """One scenario: its counts over the history and now, its ``label`` and the tail
    probability ``p_value`` the label was decided on (None where none); ``record`` says the
    history in words (``"passed 20 of last 20"``)."""

    key: ScenarioKey
    name: str
    history_passed: int
    history_runs: int
    now_passed: int
    now_runs: int
    label: HistoryLabel
    p_value: float | None
    record: str

    @property
    def fails_now(self) -> bool:
        return self.now_passed < self.now_runs

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.key[0],
            "personality": self.key[1],
            "name": self.name,
            "history_passed": self.history_passed,
            "history_runs": self.history_runs,
            "now_passed": self.now_passed,
            "now_runs": self.now_runs,
            "label": self.label.value,
            "p_value": self.p_value,
            "record": self.record,
        }


def _tally(runs: Iterable[Run], counts: dict[ScenarioKey, list[int]]) -> None:
    for run in runs:
        entry = counts.setdefault(scenario_key(run), [0, 0])
        if run.success is not None:
            entry[0] += run.success is True
            entry[1] += 1


def _records(current: Result, history: Sequence[Result], level: float) -> list[ScenarioRecord]:
    names: dict[ScenarioKey, str] = {}
    for run in current.runs:
        names.setdefault(scenario_key(run), _display_name(run))
    for result in history:
        for run in result.runs:
            names.setdefault(scenario_key(run), _display_name(run))
    now: dict[ScenarioKey, list[int]] = {}
    _tally(current.runs, now)
    before: dict[ScenarioKey, list[int]] = {}
    for result in history:
        _tally(result.runs, before)
    records = []
    for key, name in names.items():
        k, n = before.get(key, (0, 0))
        x, m = now.get(key, (0, 0))
        label, p = _decide(k, n, x, m, level)
        records.append(
            ScenarioRecord(
                key=key,
                name=name,
                history_passed=k,
                history_runs=n,
                now_passed=x,
                now_runs=m,
                label=label,
                p_value=p,
                record=_record_text(k, n),
            )
        )
    records.sort(key=lambda r: (_ORDER[r.label], r.name.casefold(), r.name, str(r.key)))
    return records


# --- Against a history -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class HistoryReport:
    """Every scenario of the current result and its history, labelled (see the module's rule):
    ``records`` new failures first, then flaky, fixed, new scenario, not run, stable pass, by
    name within. ``history_ids`` are the results used, ``ignored_ids`` those left out; ``gate``
    is today's rule (:func:`cekura_client.gate.evaluate_gate`) on the current result."""

    current_id: int
    current_status: str
    confidence: float
    history_ids: list[int]
    ignored_ids: list[int]
    records: list[ScenarioRecord]
    gate: GateVerdict

    def _with(self, label: HistoryLabel) -> list[ScenarioRecord]:
        return [r for r in self.records if r.label is label]

    @property
    def new_failures(self) -> list[ScenarioRecord]:
        return self._with(HistoryLabel.NEW_FAILURE)

    @property
    def flaky(self) -> list[ScenarioRecord]:
        return self._with(HistoryLabel.FLAKY)

    def reasons(self, fail_on: FailOn = "new-failures") -> list[str]:
        """Why the current result fails under ``fail_on`` (empty when it passes):
        ``"new-failures"`` fails a result that is not ``completed``, has no evaluated run or
        has a new failure; ``"any-failure"`` is today's gate (every run must succeed)."""
        if fail_on == "any-failure":
            return list(self.gate.reasons)
        if fail_on != "new-failures":
            raise InvalidRequestError(
                "fail_on must be 'new-failures' or 'any-failure', got " + safe_repr(fail_on)
            )
        reasons: list[str] = []
        if self.current_status != "completed":
            reasons.append(f"status is {self.current_status!r}, not 'completed'")
        if not any(r.now_runs for r in self.records):
            reasons.append("the result has no evaluated runs")
        if self.new_failures:
            reasons.append(
                f"{len(self.new_failures)} new failure(s): "
                + ", ".join(f"{r.name} ({r.record})" for r in self.new_failures)
            )
        return reasons

    def passed(self, fail_on: FailOn = "new-failures") -> bool:
        """Whether the current result passes under ``fail_on`` (see :meth:`reasons`)."""
        return not self.reasons(fail_on)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values; each record with its label's value."""
        return {
            "current_id": self.current_id,
            "current_status": self.current_status,
            "confidence": self.confidence,
            "history_ids": list(self.history_ids),
            "ignored_ids": list(self.ignored_ids),
            "records": [r.to_dict() for r in self.records],
            "new_failures": [r.name for r in self.new_failures],
            "flaky": [r.name for r in self.flaky],
            "passed": {mode: self.passed(mode) for mode in ("new-failures", "any-failure")},
        }


def classify(
    current: Result, history: Sequence[Result], *, confidence: float = 0.95
) -> HistoryReport:
    """Label every scenario of ``current`` (and of its history) by the module's rule."""
    level = 1 - check_confidence(confidence)
    used: list[Result] = []
    ignored: list[int] = []
    seen = {current.id}
    for result in history:
        other_agent = (
            result.agent is not None and current.agent is not None and result.agent != current.agent
        )
        if result.id in seen or other_agent or result.status != "completed":
            ignored.append(result.id)
            continue
        seen.add(result.id)
        used.append(result)
    return HistoryReport(
        current_id=current.id,
        current_status=current.status.value,
        confidence=float(confidence),
        history_ids=[r.id for r in used],
        ignored_ids=ignored,
        records=_records(current, used, level),
        gate=evaluate_gate(current),
    )


# --- Against one baseline ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PairedComparison:
    """``current`` against one ``baseline``, scenario by scenario. ``scenarios``: the scenarios
    evaluated in both, each labelled with the baseline as its history; ``unpaired``: the rest.
    ``worse`` (b) passed every run in the baseline and fails now, ``better`` (c) the reverse;
    ``p_value`` is the exact sign test P(Bin(b + c, 1/2) >= b) and ``regressed`` is
    ``p_value < 1 - confidence``."""

    baseline_id: int
    current_id: int
    confidence: float
    scenarios: list[ScenarioRecord]
    unpaired: list[ScenarioRecord]
    worse: int
    better: int
    p_value: float
    regressed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline_id": self.baseline_id,
            "current_id": self.current_id,
            "confidence": self.confidence,
            "scenarios": [r.to_dict() for r in self.scenarios],
            "unpaired": [r.to_dict() for r in self.unpaired],
            "worse": self.worse,
            "better": self.better,
            "p_value": self.p_value,
            "regressed": self.regressed,
        }


def compare_paired(
    baseline: Result, current: Result, *, confidence: float = 0.95
) -> PairedComparison:
    """Compare ``current`` with ``baseline`` by the exact sign test (see the module's docstring)."""
    level = 1 - check_confidence(confidence)
    records = _records(current, [baseline], level)
    paired = [r for r in records if r.history_runs and r.now_runs]
    unpaired = [r for r in records if not (r.history_runs and r.now_runs)]
    worse = sum(1 for r in paired if r.history_passed == r.history_runs and r.fails_now)
    better = sum(1 for r in paired if r.history_passed < r.history_runs and not r.fails_now)
    p = sign_test_p_value(worse, better)
    return PairedComparison(
        baseline_id=baseline.id,
        current_id=current.id,
        confidence=float(confidence),
        scenarios=paired,
        unpaired=unpaired,
        worse=worse,
        better=better,
        p_value=p,
        regressed=p < level,
    )
