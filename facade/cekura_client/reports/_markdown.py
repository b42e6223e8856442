"""Markdown for people: a GitHub step summary, a PR comment, a chat message.

The output fits GitHub's step-summary limit (1 MiB per step): past ``max_bytes`` it stops at a
line boundary and ends with a note saying what was left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote

from .._exceptions import InvalidRequestError
from ..gate import evaluate_gate
from ..summary import OUTCOMES, outcome_of
from ..types.result import Result
from ..types.run import Run
from ._compare import Comparison, comparison_for, describe_rule, group_state
from ._text import (
    format_duration,
    format_percent,
    link_target,
    markdown_cell,
    scenario_label,
    unlinked_url,
)

if TYPE_CHECKING:
    from ..history import HistoryReport

__all__ = [
    "GITHUB_STEP_SUMMARY_LIMIT",
    "MIN_MAX_BYTES",
    "comparison_markdown",
    "history_markdown",
    "to_markdown",
]

#: GitHub's limit on one step's summary, in bytes.
GITHUB_STEP_SUMMARY_LIMIT = 1024 * 1024
_NOTE_RESERVE = 400
#: The least ``max_bytes`` to_markdown takes: room for a verdict and the truncation note.
MIN_MAX_BYTES = 2 * _NOTE_RESERVE


def _link(url: str | None, label: str) -> str:
    """A Markdown link for http(s) URLs only (no ``javascript:``); a malformed one
    (``http://[``) as inert text; else ``-``."""
    target = link_target(url)
    if target is not None:
        return f"[{label}]({quote(target, safe=':/?&=#%@+,;~')})"
    shown = unlinked_url(url)
    return "-" if shown is None else markdown_cell(shown, 200)


def _rate(value: float | None) -> str:
    return format_percent(value)


def _reasons(run: Run) -> list[str]:
    reasons = [f"error: {run.error_message}"] if run.error_message else []
    for metric in run.failed_metrics:
        why = "; ".join(metric.explanation)
        reasons.append(f"{metric.name or f'metric {metric.id}'}" + (f": {why}" if why else ""))
    return reasons or ["the run did not succeed"]


def _verdict(result: Result) -> str:
    verdict = evaluate_gate(result)
    name = markdown_cell(result.name or "(unnamed)", 120)
    head = f"Cekura result {result.id} · {name}"
    if verdict.passed:
        return f"## ✅ {head}: passed"
    return f"## ❌ {head}: failed\n\n" + markdown_cell("; ".join(verdict.reasons), 500)


def comparison_markdown(comparison: Comparison) -> list[str]:
    """The comparison as Markdown lines (a heading, the reasons, a table of changes)."""
    c = comparison
    head = "🔻 regressed" if c.regressed else "no regression"
    lines = [
        f"### Compared with baseline {c.baseline_id}: {head}",
        "",
        f"Run success rate {_rate(c.baseline_success_rate)} → {_rate(c.current_success_rate)}.",
        "",
        describe_rule(c),
        "",
    ]
    lines += [f"- {markdown_cell(reason, 500)}" for reason in c.reasons]
    changes = [s for s in c.scenarios if s.change not in ("still_passing", "incomplete")]
    if changes:
        lines += [
            "",
            "| Scenario | Personality | Baseline | Current | Change |",
            "|---|---|---|---|---|",
        ]
        for s in changes:
            lines.append(
                f"| {markdown_cell(s.scenario)} | {markdown_cell(s.personality or '-')} "
                f"| {s.baseline or '-'} | {s.current or '-'} | {s.change.replace('_', ' ')} |"
            )
    if c.changed_metrics:
        lines += ["", "| Metric | Baseline | Current |", "|---|---|---|"]
        for m in c.changed_metrics:
            if m.binary:
                old, new = _rate(m.baseline_pass_rate), _rate(m.current_pass_rate)
            else:
                old = "-" if m.baseline_mean_score is None else f"mean {m.baseline_mean_score:.4g}"
                new = "-" if m.current_mean_score is None else f"mean {m.current_mean_score:.4g}"
            lines.append(f"| {markdown_cell(m.name)} | {old} | {new} |")
    d = c.duration
    if d.baseline_mean is not None and d.current_mean is not None:
        lines += [
            "",
            f"Mean run duration {d.baseline_mean:.0f} s → {d.current_mean:.0f} s"
            + (f" ({d.mean_change * 100:+.0f}%)." if d.mean_change is not None else "."),
        ]
    return lines


def _scenario_overview(result: Result) -> list[str]:
    groups: dict[str, list[Run]] = {}
    for run in result.runs:
        groups.setdefault(scenario_label(run), []).append(run)
    lines = [
        "| Scenario | Runs | Passed | Failed | Pending | Verdict |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, runs in groups.items():
        passed = sum(1 for r in runs if r.success is True)
        failed = sum(1 for r in runs if r.success is False)
        state = group_state(runs)
        icon = OUTCOMES[{"passed": True, "failed": False}.get(state)].icon
        lines.append(
            f"| {markdown_cell(name)} | {len(runs)} | {passed} | {failed} "
            f"| {len(runs) - passed - failed} | {icon} {state} |"
        )
    return lines


def _scenario_tables(result: Result) -> Iterable[list[str]]:
    groups: dict[str, list[Run]] = {}
    for run in result.runs:
        groups.setdefault(scenario_label(run), []).append(run)
    for name, runs in groups.items():
        block = [
            "",
            f"#### {markdown_cell(name)}",
            "",
            "| Run | Personality | Outcome | Duration | Failed metrics / error | Recording |",
            "|---:|---|---|---:|---|---|",
        ]
        for run in runs:
            problems = "; ".join(_reasons(run)) if run.success is False else ""
            block.append(
                f"| {run.id} | {markdown_cell(run.personality_name or '-')} "
                f"| {outcome_of(run).markdown} "
                f"| {format_duration(run.duration)} | {markdown_cell(problems, 200) or '-'} "
                f"| {_link(run.voice_recording, 'listen')} |"
            )
        yield block


def to_markdown(
    result: Result,
    *,
    baseline: Result | None = None,
    max_bytes: int = GITHUB_STEP_SUMMARY_LIMIT,
    comparison: Comparison | None = None,
) -> str:
    """A Markdown report: a verdict line, counts, the comparison with ``baseline`` (if given),
    a table of scenarios, the failing runs with why they failed and a link to each recording,
    and a table of runs per scenario. At most ``max_bytes`` of UTF-8: beyond that the report
    stops at a line boundary with a note (GitHub refuses step summaries over 1 MiB).
    ``comparison``: a :func:`compare` of ``baseline`` and the result made by the caller (to
    choose its rule), shown instead of ``compare(baseline, result)``."""
    if max_bytes < MIN_MAX_BYTES:
        raise InvalidRequestError(f"max_bytes must be at least {MIN_MAX_BYTES}, got {max_bytes}")
    runs = result.runs
    header = [
        _verdict(result),
        "",
        f"**Agent** {markdown_cell(result.agent_name or str(result.agent or '-'))} · "
        f"**status** {markdown_cell(result.status.value)} · **runs** {len(runs)} "
        f"({sum(1 for r in runs if r.success is True)} passed, "
        f"{sum(1 for r in runs if r.success is False)} failed) · "
        f"**success rate** {_rate(result.success_rate)} · "
        f"**total duration** {format_duration(result.total_duration)}",
        "",
    ]
    blocks: list[list[str]] = [header]
    shown = comparison_for(baseline, result, comparison)
    if shown is not None:
        blocks.append([*comparison_markdown(shown), ""])
    if runs:
        blocks.append(["### Scenarios", "", *_scenario_overview(result), ""])
    failing = result.failed_runs
    if failing:
        blocks.append(["### Failing runs", ""])
        for run in failing:
            who = f" / {markdown_cell(run.personality_name)}" if run.personality_name else ""
            item = [
                f"- **{markdown_cell(scenario_label(run))}**{who} (run {run.id}, "
                f"{format_duration(run.duration)}) · {_link(run.voice_recording, 'recording')}"
            ]
            item += [f"  - {markdown_cell(reason, 600)}" for reason in _reasons(run)]
            blocks.append(item)
        blocks.append([""])
    if runs:
        blocks.append(["### Runs by scenario"])
        blocks.extend(_scenario_tables(result))
    return _fit(blocks, max_bytes, len(runs))


def _fit(blocks: list[list[str]], max_bytes: int, total_runs: int) -> str:
    budget = max_bytes - _NOTE_RESERVE
    out: list[str] = []
    used = 0
    for block in blocks:
        for line in block:
            size = len(line.encode("utf-8")) + 1
            if used + size > budget:
                out += [
                    "",
                    f"> ✂️ Report truncated to fit {max_bytes:,} bytes (GitHub's step summary "
                    f"limit is 1 MiB); {total_runs} runs in total. The JUnit or HTML report "
                    "(`cekura-results report`) has everything.",
                ]
                return "\n".join(out) + "\n"
            out.append(line)
            used += size
    return "\n".join(out).rstrip("\n") + "\n"


def history_markdown(report: HistoryReport) -> str:
    """A section for the top of a gate's Markdown report: each scenario that failed now, with
    its label and record (new failures first; flaky ones folded), so people see why the gate
    decided."""
    failing = [r for r in report.records if r.fails_now]
    lines = [
        f"### Against the last {len(report.history_ids)} completed results",
        "",
    ]
    if not failing:
        lines += ["No scenario failed.", ""]
        return "\n".join(lines) + "\n"
    new = [r for r in failing if r.label.value == "new failure"]
    other = [r for r in failing if r.label.value != "new failure"]
    if new:
        lines += ["| label | scenario | now | history |", "| --- | --- | --- | --- |"]
        lines += [
            f"| **{r.label.value}** | {markdown_cell(r.name)} | "
            f"{r.now_passed}/{r.now_runs} passed | {r.record} |"
            for r in new
        ]
        lines.append("")
    if other:
        lines += [
            f"<details><summary>{len(other)} failing scenario(s) that often fail (flaky)</summary>",
            "",
            "| label | scenario | now | history |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| {r.label.value} | {markdown_cell(r.name)} | {r.now_passed}/{r.now_runs} "
            f"passed | {r.record} |"
            for r in other
        ]
        lines += ["", "</details>", ""]
    return "\n".join(lines) + "\n"
