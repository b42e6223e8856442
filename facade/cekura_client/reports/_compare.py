"""Comparing two results of the same agent: what got worse, what got better.

Runs are matched by scenario (its ID where known, else its name) and personality (where the
runs have one). A matched group *passes* when every run in it succeeded, *fails* when any run in
it failed, and is *incomplete* otherwise (runs still running or not evaluated).

**The statistical rule** (``rule="statistical"``, the default). Voice calls are stochastic, so a
drop counts only when it is unlikely under chance, given both sample sizes. With
α = 1 - ``confidence``, ``Comparison.regressed`` is True when any of these one-sided exact tests
is significant:

1. the whole result, as paired scenarios: b scenarios newly failing against c newly passing,
   sign test P(Bin(b + c, 1/2) >= b) < α/2. Several one-run scenarios add up to evidence;
2. each scenario (with its personality) with decided runs on both sides, and each binary metric
   scored on both sides: Fisher's exact test of a drop in its pass rate, at (α/2)/m, where m is
   the number of such scenarios and metrics.

The weights (a weighted Bonferroni split) bound the chance of a false alarm, when nothing
changed, by α. ``docs/guides/history-statistics.md`` has the simulations that measure it and
the power.

**The thresholds rule** (``rule="thresholds"``), the rule before the statistical one:

1. a scenario (with its personality) that passed in the baseline fails in the current result;
2. a binary metric's pass rate dropped by more than ``pass_rate_threshold`` percentage points
   (default 5) over the runs both results scored it on;
3. the share of successful runs dropped by more than ``pass_rate_threshold`` points.

Under both rules, scenarios that appeared or disappeared, changes in mean scores of non-binary
metrics (whose direction - is a higher latency worse? - the API does not say) and duration
changes are reported, but do not make a regression by themselves: ``score_threshold`` and
``duration_threshold`` only mark them as changed.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from typing import Any, Literal

import attrs

from .._exceptions import InvalidRequestError
from .._text import finite, safe_repr
from ..history import check_confidence, fisher_drop_p_value, sign_test_p_value
from ..types.result import Result
from ..types.run import Run, ScenarioKey
from ._table import metric_name
from ._text import mean, scenario_key, scenario_label, seconds, xml_safe

__all__ = [
    "Comparison",
    "DurationChange",
    "MetricChange",
    "Rule",
    "ScenarioChange",
    "compare",
    "comparison_for",
    "describe_rule",
    "format_comparison",
    "group_state",
]

State = Literal["passed", "failed", "incomplete"]
Rule = Literal["statistical", "thresholds"]
RULES: tuple[Rule, ...] = ("statistical", "thresholds")
Change = Literal[
    "newly_failing",
    "newly_passing",
    "still_failing",
    "still_passing",
    "appeared",
    "disappeared",
    "incomplete",
]


def group_state(runs: Iterable[Run]) -> State:
    """``failed`` if any run failed, ``passed`` if every run succeeded, else ``incomplete``."""
    outcomes = [run.success for run in runs]
    if any(outcome is False for outcome in outcomes):
        return "failed"
    if outcomes and all(outcome is True for outcome in outcomes):
        return "passed"
    return "incomplete"


@attrs.frozen(kw_only=True)
class ScenarioChange:
    """One scenario (with personality) across both results; ``None`` where it is absent.
    ``scenario`` is its label (the name, else ``scenario <id>``); ``scenario_id`` is None when
    the runs do not say it (they were matched by name). ``*_passed`` of ``*_decided`` counts
    its runs that succeeded among those with a verdict; ``p_value`` (statistical rule) is
    Fisher's one-sided p for a drop in that pass rate, None when a side has no decided run."""

    scenario: str
    scenario_id: int | None = None
    personality: str | None
    baseline: State | None
    current: State | None
    baseline_runs: list[int]
    current_runs: list[int]
    baseline_mean_duration: float | None
    current_mean_duration: float | None
    baseline_passed: int
    baseline_decided: int
    current_passed: int
    current_decided: int
    p_value: float | None

    @property
    def label(self) -> str:
        return self.scenario + (f" / {self.personality}" if self.personality else "")

    @property
    def baseline_run_ids(self) -> list[int]:
        """The IDs of the baseline's runs of this scenario (``baseline_runs``, by a name that
        says what it holds: ``MetricChange.baseline_runs`` is a count)."""
        return list(self.baseline_runs)

    @property
    def current_run_ids(self) -> list[int]:
        """The IDs of the current result's runs of this scenario (``current_runs``)."""
        return list(self.current_runs)

    @property
    def change(self) -> Change:
        if self.baseline is None:
            return "appeared"
        if self.current is None:
            return "disappeared"
        if "incomplete" in (self.baseline, self.current):
            return "incomplete"
        if self.baseline == "passed":
            return "still_passing" if self.current == "passed" else "newly_failing"
        return "newly_passing" if self.current == "passed" else "still_failing"


@attrs.frozen(kw_only=True)
class MetricChange:
    """A metric in both results: its pass rate (binary metrics, 0-100) and mean score
    (non-binary metrics). ``significant`` when a change is beyond chance (statistical rule:
    Fisher's test either way, at the level of a metric test) or beyond the thresholds; a mean
    score is marked by ``score_threshold`` under both rules. ``p_value`` (statistical rule):
    Fisher's one-sided p for a drop in the pass rate."""

    name: str
    binary: bool
    baseline_pass_rate: float | None
    current_pass_rate: float | None
    baseline_mean_score: float | None
    current_mean_score: float | None
    baseline_runs: int
    current_runs: int
    significant: bool
    baseline_passed: int
    baseline_scored: int
    current_passed: int
    current_scored: int
    p_value: float | None

    @property
    def pass_rate_delta(self) -> float | None:
        if self.baseline_pass_rate is None or self.current_pass_rate is None:
            return None
        return self.current_pass_rate - self.baseline_pass_rate

    @property
    def mean_score_change(self) -> float | None:
        """Relative change of the mean score (0.25 = 25 % higher); None when not computable."""
        if not self.baseline_mean_score or self.current_mean_score is None:
            return None
        return (self.current_mean_score - self.baseline_mean_score) / abs(self.baseline_mean_score)


@attrs.frozen(kw_only=True)
class DurationChange:
    """Mean and median run duration in seconds (runs with a known, non-zero duration)."""

    baseline_mean: float | None
    current_mean: float | None
    baseline_median: float | None
    current_median: float | None
    significant: bool

    @property
    def mean_change(self) -> float | None:
        if not self.baseline_mean or self.current_mean is None:
            return None
        return (self.current_mean - self.baseline_mean) / self.baseline_mean


@attrs.frozen(kw_only=True)
class Comparison:
    """What changed from ``baseline`` to ``current``; see the module's regression rules.
    ``rule`` says which rule decided. Under the statistical rule, ``confidence`` is its
    confidence, ``sign_test_p_value`` the sign test's p over the paired scenarios, and
    ``sign_test_level`` (α/2) and ``item_level`` ((α/2)/m) the levels the p values had to be
    below; all four are None under the thresholds rule."""

    baseline_id: int
    current_id: int
    baseline_success_rate: float | None
    current_success_rate: float | None
    scenarios: list[ScenarioChange]
    metrics: list[MetricChange]
    duration: DurationChange
    regressed: bool
    reasons: list[str]
    pass_rate_threshold: float
    score_threshold: float
    duration_threshold: float
    rule: Rule
    confidence: float | None
    sign_test_p_value: float | None
    sign_test_level: float | None
    item_level: float | None

    def _with(self, change: Change) -> list[ScenarioChange]:
        return [s for s in self.scenarios if s.change == change]

    @property
    def newly_failing(self) -> list[ScenarioChange]:
        return self._with("newly_failing")

    @property
    def newly_passing(self) -> list[ScenarioChange]:
        return self._with("newly_passing")

    @property
    def appeared(self) -> list[ScenarioChange]:
        return self._with("appeared")

    @property
    def disappeared(self) -> list[ScenarioChange]:
        return self._with("disappeared")

    @property
    def changed_metrics(self) -> list[MetricChange]:
        return [m for m in self.metrics if m.significant]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (with each scenario's ``change``, ``label`` and run IDs). A number
        that is not finite (a relative change that overflows) is ``None``, so
        ``json.dumps(..., allow_nan=False)`` always works."""
        data = attrs.asdict(self, recurse=True)
        for item, scenario in zip(data["scenarios"], self.scenarios, strict=True):
            item["label"] = scenario.label
            item["change"] = scenario.change
            item["baseline_run_ids"] = scenario.baseline_run_ids
            item["current_run_ids"] = scenario.current_run_ids
        for item, metric in zip(data["metrics"], self.metrics, strict=True):
            item["pass_rate_delta"] = metric.pass_rate_delta
            item["mean_score_change"] = metric.mean_score_change
        data["duration"]["mean_change"] = self.duration.mean_change
        cleaned: dict[str, Any] = finite(data)
        return cleaned


def _success_rate(result: Result) -> float | None:
    decided = [run for run in result.runs if run.success is not None]
    if not decided:
        return None
    return 100.0 * sum(1 for run in decided if run.success) / len(decided)


def _durations(result: Result) -> list[float]:
    return [s for run in result.runs if (s := seconds(run.duration))]


def _groups(result: Result) -> dict[ScenarioKey, list[Run]]:
    groups: dict[ScenarioKey, list[Run]] = {}
    for run in result.runs:
        groups.setdefault(scenario_key(run), []).append(run)
    return groups


def _metric_stats(result: Result) -> dict[str, tuple[bool, list[bool], list[float]]]:
    """name -> (binary, pass/fail outcomes, scores of non-binary metrics)."""
    stats: dict[str, tuple[bool, list[bool], list[float]]] = {}
    for run in result.runs:
        for metric in run.metrics:
            name = metric_name(metric.name, metric.id)
            binary = metric.is_binary or metric.passed is not None
            entry = stats.setdefault(name, (binary, [], []))
            if metric.passed is not None:
                entry[1].append(metric.passed)
            elif not binary and metric.score is not None:
                entry[2].append(metric.score)
    return stats


def _rate(outcomes: list[bool]) -> float | None:
    return 100.0 * sum(outcomes) / len(outcomes) if outcomes else None


def _decided(runs: list[Run]) -> tuple[int, int]:
    """(runs that succeeded, runs with a verdict)."""
    verdicts = [run.success for run in runs if run.success is not None]
    return sum(1 for v in verdicts if v), len(verdicts)


def _check_thresholds(**values: float) -> None:
    for name, value in values.items():
        # NaN fails ``>= 0``; inf is refused too: no change exceeds it, so it turns rules off.
        if not (isinstance(value, (int, float)) and value >= 0):
            raise InvalidRequestError(f"{name} must be a number >= 0, got {safe_repr(value)}")
        if not math.isfinite(value):
            raise InvalidRequestError(f"{name} must be a finite number, got {safe_repr(value)}")


def compare(
    baseline: Result,
    current: Result,
    *,
    rule: Rule = "statistical",
    confidence: float = 0.95,
    pass_rate_threshold: float = 5.0,
    score_threshold: float = 0.10,
    duration_threshold: float = 0.20,
) -> Comparison:
    """Compare ``current`` with ``baseline``.

    ``rule`` decides ``regressed``: ``"statistical"`` (exact tests at ``confidence``) or
    ``"thresholds"`` (fixed thresholds: ``pass_rate_threshold`` in percentage points).
    ``score_threshold`` and ``duration_threshold`` are relative changes of the mean (0.10 =
    10 %) that mark a mean score or the duration as changed. See the module's docstring.
    """
    if rule not in RULES:
        raise InvalidRequestError(
            f"rule must be 'statistical' or 'thresholds', got {safe_repr(rule)}"
        )
    alpha = 1 - check_confidence(confidence)
    _check_thresholds(
        pass_rate_threshold=pass_rate_threshold,
        score_threshold=score_threshold,
        duration_threshold=duration_threshold,
    )
    statistical = rule == "statistical"
    before, after = _groups(baseline), _groups(current)
    old_stats, new_stats = _metric_stats(baseline), _metric_stats(current)
    metric_names = [*old_stats, *(n for n in new_stats if n not in old_stats)]

    counted = [
        key for key in before if _decided(before[key])[1] and _decided(after.get(key, []))[1]
    ]
    tested_metrics = [
        n for n in metric_names if old_stats.get(n, (0, []))[1] and new_stats.get(n, (0, []))[1]
    ]
    item_level = alpha / 2 / max(1, len(counted) + len(tested_metrics))

    scenarios: list[ScenarioChange] = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key, []), after.get(key, [])
        sample = (old or new)[0]
        old_k, old_n = _decided(old)
        new_k, new_n = _decided(new)
        p = (
            fisher_drop_p_value(old_k, old_n, new_k, new_n)
            if statistical and key in counted
            else None
        )
        scenarios.append(
            ScenarioChange(
                scenario=scenario_label(sample),
                scenario_id=sample.scenario_id,
                personality=key[1],
                baseline=group_state(old) if old else None,
                current=group_state(new) if new else None,
                baseline_runs=[run.id for run in old],
                current_runs=[run.id for run in new],
                baseline_mean_duration=mean([s for r in old if (s := seconds(r.duration))]),
                current_mean_duration=mean([s for r in new if (s := seconds(r.duration))]),
                baseline_passed=old_k,
                baseline_decided=old_n,
                current_passed=new_k,
                current_decided=new_n,
                p_value=p,
            )
        )
    scenarios.sort(key=lambda s: (s.scenario.casefold(), s.personality or ""))

    reasons: list[str] = []
    newly_failing = [s for s in scenarios if s.change == "newly_failing"]
    newly_passing = [s for s in scenarios if s.change == "newly_passing"]
    sign_p = sign_test_p_value(len(newly_failing), len(newly_passing)) if statistical else None
    if sign_p is not None and sign_p < alpha / 2:
        reasons.append(
            f"{len(newly_failing)} scenario(s) newly failing against {len(newly_passing)} newly "
            f"passing, unlikely by chance (sign test p = {sign_p:.2g} < {alpha / 2:.2g}): "
            + ", ".join(s.label for s in newly_failing)
        )
    elif not statistical and newly_failing:
        reasons.append(
            f"{len(newly_failing)} scenario(s) newly failing: "
            + ", ".join(s.label for s in newly_failing)
        )
    for one in scenarios:
        if one.p_value is not None and one.p_value < item_level:
            reasons.append(
                f"scenario {one.label!r} passed {one.baseline_passed} of {one.baseline_decided} "
                f"runs, now {one.current_passed} of {one.current_decided} "
                f"(Fisher p = {one.p_value:.2g} < {item_level:.2g})"
            )

    metrics: list[MetricChange] = []
    for name in metric_names:
        binary = (old_stats.get(name) or new_stats[name])[0]
        old_passes, old_scores = (old_stats[name][1:]) if name in old_stats else ([], [])
        new_passes, new_scores = (new_stats[name][1:]) if name in new_stats else ([], [])
        old_rate, new_rate = _rate(old_passes), _rate(new_passes)
        old_mean, new_mean = mean(old_scores), mean(new_scores)
        counts = (sum(old_passes), len(old_passes), sum(new_passes), len(new_passes))
        p = None
        significant = False
        if old_rate is not None and new_rate is not None:
            if statistical:
                p = fisher_drop_p_value(*counts)
                rise = fisher_drop_p_value(counts[2], counts[3], counts[0], counts[1])
                significant = min(p, rise) < item_level
                if p < item_level:
                    reasons.append(
                        f"metric {name!r} pass rate fell from {old_rate:.0f}% of {counts[1]} "
                        f"runs to {new_rate:.0f}% of {counts[3]} "
                        f"(Fisher p = {p:.2g} < {item_level:.2g})"
                    )
            else:
                drop = old_rate - new_rate
                significant = abs(drop) > pass_rate_threshold
                if drop > pass_rate_threshold:
                    reasons.append(
                        f"metric {name!r} pass rate fell from {old_rate:.0f}% to {new_rate:.0f}%"
                    )
        if old_mean and new_mean is not None:
            significant = significant or abs(new_mean - old_mean) / abs(old_mean) > score_threshold
        metrics.append(
            MetricChange(
                name=name,
                binary=binary,
                baseline_pass_rate=old_rate,
                current_pass_rate=new_rate,
                baseline_mean_score=old_mean,
                current_mean_score=new_mean,
                baseline_runs=len(old_passes) + len(old_scores),
                current_runs=len(new_passes) + len(new_scores),
                significant=significant,
                baseline_passed=counts[0],
                baseline_scored=counts[1],
                current_passed=counts[2],
                current_scored=counts[3],
                p_value=p,
            )
        )

    old_success, new_success = _success_rate(baseline), _success_rate(current)
    if (
        not statistical
        and old_success is not None
        and new_success is not None
        and old_success - new_success > pass_rate_threshold
    ):
        reasons.append(f"run success rate fell from {old_success:.1f}% to {new_success:.1f}%")

    old_d, new_d = _durations(baseline), _durations(current)
    old_mean_d, new_mean_d = mean(old_d), mean(new_d)
    duration = DurationChange(
        baseline_mean=old_mean_d,
        current_mean=new_mean_d,
        baseline_median=statistics.median(old_d) if old_d else None,
        current_median=statistics.median(new_d) if new_d else None,
        significant=bool(
            old_mean_d
            and new_mean_d is not None
            and abs(new_mean_d - old_mean_d) / old_mean_d > duration_threshold
        ),
    )
    return Comparison(
        baseline_id=baseline.id,
        current_id=current.id,
        baseline_success_rate=old_success,
        current_success_rate=new_success,
        scenarios=scenarios,
        metrics=metrics,
        duration=duration,
        regressed=bool(reasons),
        reasons=reasons,
        pass_rate_threshold=pass_rate_threshold,
        score_threshold=score_threshold,
        duration_threshold=duration_threshold,
        rule=rule,
        confidence=float(confidence) if statistical else None,
        sign_test_p_value=sign_p,
        sign_test_level=alpha / 2 if statistical else None,
        item_level=item_level if statistical else None,
    )


def comparison_for(
    baseline: Result | None, current: Result, comparison: Comparison | None
) -> Comparison | None:
    """The comparison a report shows: ``comparison`` when the caller made one (with the rule
    of its choice; it must be of ``baseline`` and ``current``), else :func:`compare` with its
    defaults; None without a baseline."""
    if comparison is None:
        return None if baseline is None else compare(baseline, current)
    if not isinstance(comparison, Comparison):
        raise InvalidRequestError(
            f"comparison must be a Comparison or None, not {type(comparison).__name__}"
        )
    if baseline is None or (comparison.baseline_id, comparison.current_id) != (
        baseline.id,
        current.id,
    ):
        raise InvalidRequestError(
            f"comparison is of result {comparison.current_id} with baseline "
            f"{comparison.baseline_id}; pass those results as the report's result and baseline"
        )
    return comparison


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def _signed(value: float | None, unit: str = "%") -> str:
    if value is None:
        return ""
    shown = value * 100 if unit == "%" else value
    if not math.isfinite(shown):  # a relative change of a mean near 0 or of huge means
        return ""
    return f"{shown:+.4g}{unit}" if abs(shown) >= 1e6 else f"{shown:+.0f}{unit}"


def describe_rule(comparison: Comparison) -> str:
    """One sentence: the rule that decided ``regressed``, and the evidence it weighed."""
    c = comparison
    if c.rule == "thresholds" or c.confidence is None:
        return (
            "Thresholds rule: a regression is a scenario newly failing, or a pass rate down "
            f"more than {c.pass_rate_threshold:g} points."
        )
    failing, passing = len(c.newly_failing), len(c.newly_passing)
    return (
        f"Statistical rule at {c.confidence * 100:.4g}% confidence: {failing} newly failing "
        f"against {passing} newly passing, sign test p = {c.sign_test_p_value:.2g} (a "
        f"regression needs p < {c.sign_test_level:.2g}, or p < {c.item_level:.2g} for one "
        "scenario's or metric's pass rate)."
    )


def format_comparison(comparison: Comparison) -> str:
    """A plain-text account of a comparison: what ``cekura-results compare`` prints."""
    c = comparison
    verdict = "REGRESSED" if c.regressed else "NO REGRESSION"
    lines = [
        f"Result {c.current_id} compared with baseline {c.baseline_id}: {verdict}",
        f"  run success rate: {_pct(c.baseline_success_rate)} -> {_pct(c.current_success_rate)}",
        f"  {describe_rule(c)}",
    ]
    lines += [f"  - {reason}" for reason in c.reasons]
    for title, items in (
        ("Newly failing", c.newly_failing),
        ("Newly passing", c.newly_passing),
        ("Appeared", c.appeared),
        ("Disappeared", c.disappeared),
    ):
        if items:
            lines.append(f"{title}:")
            lines += [f"  {s.label}" for s in items]
    if c.changed_metrics:
        lines.append("Metrics that changed:")
        for m in c.changed_metrics:
            if m.binary:
                lines.append(
                    f"  {m.name}: pass rate {_pct(m.baseline_pass_rate)} -> "
                    f"{_pct(m.current_pass_rate)}"
                )
            else:
                lines.append(
                    f"  {m.name}: mean score {_num(m.baseline_mean_score)} -> "
                    f"{_num(m.current_mean_score)} ({_signed(m.mean_score_change)})"
                )
    d = c.duration
    lines.append(
        f"Mean run duration: {_num(d.baseline_mean)} s -> {_num(d.current_mean)} s"
        + (f" ({_signed(d.mean_change)})" if d.mean_change is not None else "")
    )
    return xml_safe("\n".join(lines))
