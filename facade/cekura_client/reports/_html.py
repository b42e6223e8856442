"""One self-contained HTML file: inline CSS and SVG, no script, nothing fetched at view time.

A Content-Security-Policy meta tag (``default-src 'none'``) makes browsers refuse any request
the page could make, so the report cannot leak anything when opened.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from .._exceptions import InvalidRequestError
from .._version import __version__
from ..gate import evaluate_gate
from ..types.result import Result
from ..types.run import Run, ScenarioKey
from . import _svg
from ._compare import Comparison, comparison_for, describe_rule, group_state
from ._table import metric_name
from ._text import (
    TranscriptBudget,
    clip,
    format_duration,
    format_number,
    format_percent,
    format_seconds,
    html_text,
    link_target,
    mean,
    scenario_key,
    scenario_label,
    seconds,
    unlinked_url,
)

__all__ = ["to_html"]


def h(text: object) -> str:
    """Escaped for HTML text and attributes, control and bidi characters visible, at most
    :data:`MAX_TEXT_CHARS` characters (and a note of what was cut)."""
    return html_text(clip(str(text)))


_CSS = """
:root { color-scheme: light; --pass: #2da44e; --fail: #cf222e; --pending: #bf8700;
  --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #24292f;
  margin: 0; background: #f6f8fa; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; }
header.verdict { border-radius: 8px; padding: 16px 20px; color: #fff; margin: 8px 0 16px; }
header.passed { background: var(--pass); } header.failed { background: var(--fail); }
header.pending { background: var(--pending); }
header h1 { margin: 0 0 4px; font-size: 22px; } header p { margin: 0; font-size: 16px; }
dl.stats { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 12px 0 0; }
dl.stats div { min-width: 90px; } dl.stats dt { font-size: 12px; opacity: .85; }
dl.stats dd { margin: 0; font-size: 18px; font-weight: 600; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 18px;
  margin: 0 0 16px; }
section h2 { font-size: 17px; margin: 4px 0 10px; }
.grid { display: flex; flex-wrap: wrap; gap: 16px 32px; align-items: flex-start; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px;
  font-weight: 600; color: #fff; background: #8c959f; white-space: nowrap; }
.b-passed, .b-newly_passing, .b-still_passing { background: var(--pass); }
.b-failed, .b-newly_failing, .b-still_failing { background: var(--fail); }
.b-incomplete, .b-appeared { background: var(--pending); } .b-disappeared { background: #6e7781; }
details { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 6px 10px; }
details[open] { background: #fbfcfd; }
summary { cursor: pointer; font-weight: 600; }
ul.reasons { margin: 6px 0; padding-left: 20px; } ul.reasons li { margin: 2px 0; }
.transcript td:first-child { white-space: nowrap; color: var(--muted); width: 1%; }
.transcript td.role { white-space: nowrap; font-weight: 600; width: 1%; }
.muted { color: var(--muted); } .regressed { color: var(--fail); font-weight: 600; }
.ok { color: var(--pass); font-weight: 600; }
footer { color: var(--muted); font-size: 12px; text-align: center; }
.vh { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }
.hgrid-wrap { position: relative; display: flex; flex-direction: row-reverse; overflow: auto;
  max-height: 80vh; border: 1px solid var(--line); border-radius: 6px; margin: 8px 0 4px; }
.hgrid-wrap:focus-visible { outline: 2px solid #0969da; outline-offset: 2px; }
table.hgrid { width: auto; flex: none; margin: 0 auto 0 0; border-collapse: separate;
  border-spacing: 0; font-size: 13px; }
table.hgrid caption { text-align: left; font-weight: 600; padding: 6px 8px; }
table.hgrid caption span { position: sticky; left: 8px; }
table.hgrid th, table.hgrid td { padding: 3px 6px; white-space: nowrap; text-align: center;
  vertical-align: middle; border-bottom: 1px solid var(--line); }
table.hgrid thead th { position: sticky; top: 0; z-index: 2; background: #f6f8fa;
  font-size: 12px; line-height: 1.25; }
table.hgrid thead th.current { box-shadow: inset 0 -3px 0 #0969da; }
table.hgrid .rid, table.hgrid .rdate { display: block; }
table.hgrid .rdate { font-weight: 400; color: var(--muted); }
table.hgrid .scn { position: sticky; left: 0; z-index: 1; background: #fff; text-align: left;
  width: 17rem; min-width: 17rem; max-width: 17rem; white-space: normal;
  overflow-wrap: anywhere; font-weight: 500; }
table.hgrid .lbl { position: sticky; left: 17rem; z-index: 1; background: #fff;
  width: 7.5rem; min-width: 7.5rem; text-align: left; border-right: 2px solid var(--line); }
table.hgrid thead .scn, table.hgrid thead .lbl { z-index: 3; background: #f6f8fa; }
table.hgrid td[data-state] { min-width: 3rem; font-variant-numeric: tabular-nums;
  box-shadow: inset -1px 0 #fff; }
.c-passed { background: #dafbe1; color: #116329; }
.c-failed { background: #ffebe9; color: #a40e26; font-weight: 700; }
.c-mixed { background: #fff8c5; color: #7d4e00; font-weight: 700; }
.c-pending, .c-absent { color: var(--muted); }
.hl { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px;
  font-weight: 600; border: 1px solid var(--line); color: var(--muted); background: #fff; }
.hl-new-failure { background: var(--fail); border-color: var(--fail); color: #fff; }
.hl-flaky { background: #fff8c5; border-color: #d4a72c; color: #7d4e00; }
.hl-still-failing { background: #ffebe9; border-color: #ff8182; color: #a40e26; }
.hl-fixed { background: #dafbe1; border-color: #4ac26b; color: #116329; }
.hl-new-scenario { background: #ddf4ff; border-color: #54aeff; color: #0550ae; }
.hl-other { color: #24292f; }
@media (max-width: 720px) { table.hgrid .lbl { position: static; }
  table.hgrid .scn { width: 10rem; min-width: 10rem; max-width: 10rem; } }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _pct(value: float | None) -> str:
    return format_percent(value)


def _num(value: float | None) -> str:
    return format_number(value)


def _badge(word: str) -> str:
    return f'<span class="badge b-{h(word)}">{h(word.replace("_", " "))}</span>'


def _link(url: str | None, label: str) -> str:
    """A link for http(s) URLs only; a malformed one (``http://[``) as text, another scheme
    (``javascript:``) as ``-``."""
    target = link_target(url)
    if target is not None:
        return f'<a href="{h(target)}" rel="noopener noreferrer">{h(label)}</a>'
    shown = unlinked_url(url)
    if shown is not None:
        return f'<span class="url">{h(shown)}</span>'
    return '<span class="muted">-</span>'


def _reasons(run: Run) -> list[str]:
    reasons = [f"error: {run.error_message}"] if run.error_message else []
    for metric in run.failed_metrics:
        why = "; ".join(metric.explanation)
        reasons.append(
            f"{metric.name or f'metric {metric.id}'} failed" + (f": {why}" if why else "")
        )
    outcome = run.expected_outcome
    if outcome is not None and outcome.score is not None and outcome.score < 100:
        why = "; ".join(outcome.explanations)
        reasons.append(f"expected outcome {outcome.score:g}/100: {why}")
    return reasons or ["the run did not succeed"]


def _header(result: Result) -> str:
    verdict = evaluate_gate(result)
    runs = result.runs
    passed = sum(1 for r in runs if r.success is True)
    failed = sum(1 for r in runs if r.success is False)
    if verdict.passed:
        css, icon, text = "passed", "✓", f"PASSED - all {len(runs)} runs passed"
    elif not result.status.is_known:  # a status this client does not know: never "in progress"
        css, icon, text = "failed", "✗", "NOT COMPLETED - " + "; ".join(verdict.reasons)
    elif not result.is_terminal:
        css, icon, text = "pending", "…", "IN PROGRESS - " + "; ".join(verdict.reasons)
    else:
        css, icon, text = "failed", "✗", "FAILED - " + "; ".join(verdict.reasons)
    created = result.created_at.strftime("%Y-%m-%d %H:%M UTC") if result.created_at else "-"
    stats = [
        ("Runs", str(len(runs))),
        ("Passed", str(passed)),
        ("Failed", str(failed)),
        ("Success rate", _pct(result.success_rate)),
        ("Total duration", format_duration(result.total_duration)),
        ("Status", result.status.value),
        ("Agent", result.agent_name or str(result.agent or "-")),
        ("Created", created),
    ]
    items = "".join(f"<div><dt>{h(k)}</dt><dd>{h(v)}</dd></div>" for k, v in stats)
    return (
        f'<header class="verdict {css}" id="verdict" data-verdict="{css}">'
        f"<h1>{icon} Result {result.id}: {h(result.name or '(unnamed)')}</h1>"
        f'<p>{h(text)}</p><dl class="stats">{items}</dl></header>'
    )


def _by_scenario(result: Result) -> dict[str, list[Run]]:
    groups: dict[str, list[Run]] = {}
    for run in result.runs:
        groups.setdefault(scenario_label(run), []).append(run)
    return groups


def _scenarios_section(result: Result) -> str:
    groups = _by_scenario(result)
    rows = [
        (
            name,
            sum(1 for r in runs if r.success is True),
            sum(1 for r in runs if r.success is False),
            sum(1 for r in runs if r.success is None),
        )
        for name, runs in groups.items()
    ]
    durations = [s for run in result.runs if (s := seconds(run.duration)) is not None]
    chart = _svg.stacked_bars("scenarios", "Runs passed and failed per scenario", rows)
    hist = _svg.histogram(
        "durations", "Distribution of run durations (seconds)", durations, unit=" s"
    )
    return (
        '<section id="scenarios"><h2>Scenarios and durations</h2><div class="grid">'
        f"<figure><figcaption>Pass / fail per scenario</figcaption>{chart}</figure>"
        f"<figure><figcaption>Run durations</figcaption>{hist}</figure></div></section>"
    )


def _metric_values(result: Result) -> tuple[dict[str, list[bool]], dict[str, list[float]]]:
    binary: dict[str, list[bool]] = {}
    numeric: dict[str, list[float]] = {}
    for run in result.runs:
        for metric in run.metrics:
            name = metric_name(metric.name, metric.id)
            if metric.passed is not None:
                binary.setdefault(name, []).append(metric.passed)
            elif not metric.is_binary and metric.score is not None:
                numeric.setdefault(name, []).append(metric.score)
    return binary, numeric


def _metrics_section(result: Result, baseline: Result | None) -> str:
    binary, numeric = _metric_values(result)
    base_binary = _metric_values(baseline)[0] if baseline is not None else {}
    if not binary and not numeric:
        return (
            '<section id="metrics"><h2>Metrics</h2><p class="muted">No metric scores.</p></section>'
        )
    parts = ['<section id="metrics"><h2>Metrics</h2><div class="grid">']
    if binary:
        rows = []
        for name, outcomes in binary.items():
            base = base_binary.get(name)
            rows.append(
                (name, 100.0 * sum(outcomes) / len(outcomes),
                 100.0 * sum(base) / len(base) if base else None)
            )  # fmt: skip
        chart = _svg.bar_rates("metric-pass-rates", "Pass rate of each binary metric", rows)
        parts.append(f"<figure><figcaption>Pass rate per metric</figcaption>{chart}</figure>")
    for i, (name, scores) in enumerate(numeric.items()):
        chart = _svg.histogram(
            f"metric-scores-{i}", f"Distribution of {name} scores", scores, width=360, height=180
        )
        parts.append(
            f"<figure><figcaption>{h(name)} <span class='muted'>(mean "
            f"{format_number(mean(scores))}, "
            f"{len(scores)} runs)</span></figcaption>{chart}</figure>"
        )
    parts.append("</div></section>")
    return "".join(parts)


def _history_section(results: Sequence[Result]) -> str:
    ordered = sorted(results, key=_when)
    points = [
        ((r.created_at.strftime("%m-%d") if r.created_at else f"#{r.id}"), _rate_of(r))
        for r in ordered
    ]
    chart = _svg.line_chart("history", "Success rate over time", points)
    rows = "".join(
        f"<tr><td class='num'>{r.id}</td><td>{h(r.name or '-')}</td>"
        f"<td>{h(r.created_at.strftime('%Y-%m-%d %H:%M') if r.created_at else '-')}</td>"
        f"<td>{h(r.status.value)}</td><td class='num'>{len(r.runs)}</td>"
        f"<td class='num'>{_pct(_rate_of(r))}</td></tr>"
        for r in ordered
    )
    return (
        '<section id="history"><h2>Success rate over time</h2>'
        f"<figure><figcaption>{len(ordered)} results</figcaption>{chart}</figure>"
        "<table><tr><th class='num'>Result</th><th>Name</th><th>Created</th><th>Status</th>"
        f"<th class='num'>Runs</th><th class='num'>Success</th></tr>{rows}</table></section>"
    )


def _when(result: Result) -> tuple[float, int]:
    """Creation time (naive or aware), then ID; results without a time come first."""
    return (result.created_at.timestamp() if result.created_at else float("-inf"), result.id)


def _rate_of(result: Result) -> float | None:
    decided = [r for r in result.runs if r.success is not None]
    if decided:
        return 100.0 * sum(1 for r in decided if r.success) / len(decided)
    return result.success_rate


# --- the scenario x result grid ---------------------------------------------------------------

#: The simple labels, most urgent first (the order rows are sorted in). ``not run`` and the
#: statistical rule's labels (cekura_client.history) share these words.
_LABEL_ORDER = {
    "new failure": 0,
    "flaky": 1,
    "still failing": 2,
    "fixed": 3,
    "new scenario": 4,
    "not run": 5,
    "stable pass": 7,
}
_OTHER_LABEL = 6  # a label given by the caller that is none of the above

CellState = Literal["passed", "failed", "mixed", "pending", "absent"]


def _isolated(text: object) -> str:
    """Server text in its own bidi isolate (a right-to-left name stays inside its box)."""
    return f"<bdi>{h(text)}</bdi>"


@attrs.frozen
class _Cell:
    passed: int  # runs that succeeded
    failed: int  # runs that did not
    runs: int  # all runs, those not evaluated (success None) included

    @property
    def state(self) -> CellState:
        if not self.runs:
            return "absent"
        if not self.passed + self.failed:
            return "pending"
        if not self.failed:
            return "passed"
        return "failed" if not self.passed else "mixed"


@attrs.frozen
class _Row:
    scenario_id: int | None
    name: str
    personality: str | None
    cells: list[_Cell]
    label: str


def _cell_of(runs: Sequence[Run]) -> _Cell:
    return _Cell(
        passed=sum(1 for r in runs if r.success is True),
        failed=sum(1 for r in runs if r.success is False),
        runs=len(runs),
    )


def _simple_label(cells: Sequence[_Cell]) -> str:
    """The grid's own rule over the decided cells, oldest to newest (see ``to_html``)."""
    *earlier, newest = [c.state for c in cells]
    before = [s for s in earlier if s in ("passed", "failed", "mixed")]
    if newest not in ("passed", "failed", "mixed"):
        return "not run"
    if not before:
        return "new scenario"
    if all(s == "passed" for s in before):
        return "stable pass" if newest == "passed" else "new failure"
    if newest == "passed" and all(s == "failed" for s in before):
        return "fixed"
    if newest == "failed" and all(s == "failed" for s in before):
        return "still failing"
    return "flaky"  # passed and failed across the history


def _given_label(
    labels: Mapping[tuple[Any, Any], Any], scenario_id: int | None, name: str, who: str | None
) -> str | None:
    keys: list[tuple[Any, Any]] = [(name, who)]
    if scenario_id is not None:
        keys[:0] = [(scenario_id, who), (str(scenario_id), who)]
    for key in keys:
        value = labels.get(key)
        if value is not None:
            return str(value.value if isinstance(value, enum.Enum) else value)
    return None


def _grid_rows(
    ordered: Sequence[Result], labels: Mapping[tuple[Any, Any], Any] | None
) -> list[_Row]:
    groups: dict[ScenarioKey, list[list[Run]]] = {}
    for column, result in enumerate(ordered):
        for run in result.runs:
            runs = groups.setdefault(scenario_key(run), [[] for _ in ordered])
            runs[column].append(run)
    rows = []
    for columns in groups.values():
        latest = next(runs[0] for runs in reversed(columns) if runs)  # named as most recently
        scenario_id = next(
            (r.scenario_id for runs in columns for r in runs if r.scenario_id is not None), None
        )
        cells = [_cell_of(runs) for runs in columns]
        name, who = scenario_label(latest), latest.personality_name
        given = _given_label(labels, scenario_id, name, who) if labels is not None else None
        rows.append(_Row(scenario_id, name, who, cells, given or _simple_label(cells)))
    rows.sort(
        key=lambda r: (
            _LABEL_ORDER.get(r.label, _OTHER_LABEL), _natural(r.name), r.name,
            _natural(r.personality or ""), r.personality or "",
        )
    )  # fmt: skip
    return rows


def _natural(text: str) -> tuple[tuple[int, str], ...]:
    """Sorts "scenario 9" before "scenario 10", ignoring case."""
    parts = re.split(r"(\d+)", text)
    return tuple((int(p), "") if i % 2 else (-1, p.casefold()) for i, p in enumerate(parts))


_CELL_TEXT: dict[CellState, tuple[str, str]] = {
    "passed": ("✓", "passed"),
    "failed": ("✗", "failed"),
    "pending": ("…", "not evaluated"),
    "absent": ("–", "not run"),
}


def _grid_cell(cell: _Cell) -> str:
    state = cell.state
    decided = cell.passed + cell.failed
    if state == "mixed":
        shown, spoken = f"{cell.passed}/{decided}", f"{cell.passed} of {decided} runs passed"
    else:
        shown, spoken = _CELL_TEXT[state]
    title = ""
    if cell.runs > 1 or (decided and decided < cell.runs):
        detail = f"{cell.passed} passed, {cell.failed} failed"
        if decided < cell.runs:
            detail += f", {cell.runs - decided} not evaluated"
        title = f' title="{cell.runs} runs: {detail}"'
    return (
        f'<td class="c-{state}" data-state="{state}"{title}><span aria-hidden="true">{shown}'
        f'</span><span class="vh">{spoken}</span></td>'
    )


def _date_format(ordered: Sequence[Result]) -> str:
    years = {r.created_at.year for r in ordered if r.created_at}
    return "%m-%d" if len(years) <= 1 else "%Y-%m-%d"


def _grid_section(
    ordered: Sequence[Result], current: Result, labels: Mapping[tuple[Any, Any], Any] | None
) -> str:
    rows = _grid_rows(ordered, labels)
    fmt = _date_format(ordered)
    heads = []
    for result in ordered:
        when = result.created_at.strftime(fmt) if result.created_at else "no date"
        full = result.created_at.strftime("%Y-%m-%d %H:%M") if result.created_at else "no date"
        detail = " (reported below)" if result is current else ""
        css = ' class="current"' if result is current else ""
        heads.append(
            f'<th scope="col"{css} title="Result {result.id}: '
            f'{h(result.name or "(unnamed)")}, {full}{detail}">'
            f'<span class="rid">{result.id}</span><span class="rdate">{h(when)}</span></th>'
        )
    body = []
    for row in rows:
        who = f" / {_isolated(row.personality)}" if row.personality else ""
        hits = [c.state for c in row.cells]
        ran = sum(1 for s in hits if s in ("passed", "failed", "mixed"))
        clean = sum(1 for s in hits if s == "passed")
        css = row.label.replace(" ", "-") if row.label in _LABEL_ORDER else "other"
        body.append(
            f'<tr data-label="{h(row.label)}"><th scope="row" class="scn">'
            f"{_isolated(row.name)}{who}</th>"
            f'<td class="lbl" title="passed in {clean} of the {ran} results that ran it">'
            f'<span class="hl hl-{css}">{_isolated(row.label)}</span></td>'
            + "".join(_grid_cell(c) for c in row.cells)
            + "</tr>"
        )
    source = (
        "given by the caller (e.g. the statistical rule of <code>cekura_client.history</code>)"
        if labels is not None
        else "<b>new failure</b> failed only in the newest result after passing in all earlier"
        " ones; <b>flaky</b> both passed and failed; <b>fixed</b> passes now after failing in"
        " all earlier; <b>still failing</b> never passed; <b>new scenario</b> not run before;"
        " <b>not run</b> not run in the newest"
    )
    return (
        f'<section id="history-grid" data-labels="{"given" if labels is not None else "simple"}">'
        f"<h2>Scenarios across {len(ordered)} results</h2>"
        "<p class='muted'>✓ passed · ✗ failed · 2/3 runs passed · – not run · … not evaluated."
        f" Oldest on the left, newest on the right. Labels: {source}.</p>"
        '<div class="hgrid-wrap" tabindex="0" role="region" aria-labelledby="history-grid-cap">'
        '<table class="hgrid"><caption id="history-grid-cap"><span>Outcome of each scenario'
        f" in each of {len(ordered)} results, oldest to newest</span></caption>"
        '<thead><tr><th scope="col" class="scn">Scenario / personality</th>'
        f'<th scope="col" class="lbl">Label</th>{"".join(heads)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div></section>"
    )


#: What a metric's change went beyond, under each rule, to be marked.
_BEYOND = {"statistical": "chance", "thresholds": "threshold"}


def _comparison_section(comparison: Comparison, baseline: Result, current: Result) -> str:
    c = comparison
    head = (
        "<p class='regressed'>Regressed: " + h("; ".join(c.reasons)) + "</p>"
        if c.regressed
        else "<p class='ok'>No regression.</p>"
    ) + f"<p class='muted rule'>{h(describe_rule(c))}</p>"
    current_runs = {run.id: run for run in current.runs}
    baseline_runs = {run.id: run for run in baseline.runs}
    rows = []
    for s in c.scenarios:
        if s.current_runs:
            cur = [current_runs[i] for i in s.current_runs]
            base = [baseline_runs[i] for i in s.baseline_runs]
            rate = 100.0 * sum(1 for r in cur if r.success) / len(cur)
            base_rate = 100.0 * sum(1 for r in base if r.success) / len(base) if base else None
            rows.append((s.label, rate, base_rate))
    chart = _svg.bar_rates(
        "comparison",
        f"Runs passed per scenario: result {c.current_id} vs baseline {c.baseline_id}",
        rows,
    )
    table = "".join(
        f"<tr><td>{h(s.scenario)}</td><td>{h(s.personality or '-')}</td>"
        f"<td>{_badge(s.baseline) if s.baseline else '-'}</td>"
        f"<td>{_badge(s.current) if s.current else '-'}</td><td>{_badge(s.change)}</td>"
        f"<td class='num'>{_num(s.baseline_mean_duration)}</td>"
        f"<td class='num'>{_num(s.current_mean_duration)}</td></tr>"
        for s in c.scenarios
    )
    metric_rows = "".join(
        f"<tr><td>{h(m.name)}{' <b>*</b>' if m.significant else ''}</td>"
        f"<td class='num'>{_metric_value(m.binary, m.baseline_pass_rate, m.baseline_mean_score)}"
        f"</td><td class='num'>"
        f"{_metric_value(m.binary, m.current_pass_rate, m.current_mean_score)}</td>"
        f"<td>{'pass rate' if m.binary else 'mean score'}</td></tr>"
        for m in c.metrics
    )
    d = c.duration
    change = "" if d.mean_change is None else f" ({d.mean_change * 100:+.0f}%)"
    return (
        f'<section id="comparison" data-regressed="{str(c.regressed).lower()}">'
        f"<h2>Compared with baseline {c.baseline_id} ({h(baseline.name or '-')})</h2>{head}"
        f"<p>Run success rate {_pct(c.baseline_success_rate)} → {_pct(c.current_success_rate)}; "
        f"mean run duration {_num(d.baseline_mean)} s → {_num(d.current_mean)} s{h(change)}.</p>"
        f'<div class="grid"><figure><figcaption>Runs passed per scenario (| = baseline)'
        f"</figcaption>{chart}</figure></div>"
        "<table><tr><th>Scenario</th><th>Personality</th><th>Baseline</th><th>Current</th>"
        "<th>Change</th><th class='num'>Baseline mean s</th><th class='num'>Current mean s</th>"
        f"</tr>{table}</table>"
        f"<table><tr><th>Metric (* changed beyond {_BEYOND[c.rule]})</th>"
        "<th class='num'>Baseline</th><th class='num'>Current</th><th>Measure</th></tr>"
        f"{metric_rows}</table></section>"
    )


def _metric_value(binary: bool, rate: float | None, mean: float | None) -> str:
    return _pct(rate) if binary else _num(mean)


def _transcript(run: Run, budget: TranscriptBudget) -> str:
    if not run.transcript:
        return "<p class='muted'>No transcript.</p>"
    kept, note = budget.excerpt(run)
    rows = "".join(
        f"<tr><td>{h(format_seconds(t.start_time))}</td><td class='role'>{h(t.role or '?')}"
        f"</td><td>{h(t.content or '')}</td></tr>"
        for t, _ in kept
    )
    cut = f"<p class='muted cut'>{h(note)}</p>" if note else ""
    return (f'<table class="transcript">{rows}</table>' if rows else "") + cut


def _failing_section(result: Result) -> str:
    failing = result.failed_runs
    if not failing:
        return '<section id="failing"><h2>Failing runs</h2><p class="muted">None.</p></section>'
    budget = TranscriptBudget()
    items = []
    for run in failing:
        who = f" / {run.personality_name}" if run.personality_name else ""
        reasons = "".join(f"<li>{h(reason)}</li>" for reason in _reasons(run))
        items.append(
            f'<details class="failing-run" id="run-{run.id}">'
            f"<summary>✗ {h(scenario_label(run) + who)}"
            f" <span class='muted'>run {run.id} · {h(format_duration(run.duration))}</span>"
            f"</summary><ul class='reasons'>{reasons}</ul>"
            f"<p>Recording: {_link(run.voice_recording, run.voice_recording or '')}</p>"
            f"{_transcript(run, budget)}</details>"
        )
    return (
        f'<section id="failing"><h2>Failing runs ({len(failing)})</h2>'
        "<p class='muted'>Open a run to read its transcript.</p>" + "".join(items) + "</section>"
    )


def _runs_section(result: Result) -> str:
    rows = []
    for run in result.runs:
        state = group_state([run])
        failed = ", ".join(m.name or f"metric {m.id}" for m in run.failed_metrics)
        rows.append(
            f"<tr><td class='num'>{run.id}</td><td>{h(scenario_label(run))}</td>"
            f"<td>{h(run.personality_name or '-')}</td><td>{_badge(state)}</td>"
            f"<td class='num'>{h(format_duration(run.duration))}</td>"
            f"<td>{h(run.error_message or failed or '')}</td></tr>"
        )
    return (
        '<section id="runs"><h2>All runs</h2><table><tr><th class="num">Run</th><th>Scenario</th>'
        "<th>Personality</th><th>Outcome</th><th class='num'>Duration</th>"
        f"<th>Error / failed metrics</th></tr>{''.join(rows)}</table></section>"
    )


def to_html(
    results: Result | Sequence[Result],
    *,
    baseline: Result | None = None,
    labels: Mapping[tuple[Any, Any], str] | None = None,
    comparison: Comparison | None = None,
) -> str:
    """A self-contained HTML report of the last result in ``results`` (a Result or a sequence).

    It shows the verdict; pass/fail per scenario; the distribution of run durations; each
    binary metric's pass rate and each numeric metric's score distribution; the failing runs
    with expandable transcripts; with several results, the success rate over time and a grid of
    each scenario's outcome in each result (both ordered by creation); with ``baseline``, the
    comparison (see :func:`compare`). Charts are inline SVG; the page has no script and fetches
    nothing.

    The grid labels each scenario (with its personality) by its outcomes, oldest to newest:
    ``new failure`` (failed only in the newest result, after passing in every earlier one that
    ran it), ``flaky`` (both passed and failed), ``fixed`` (passes in the newest after failing
    in every earlier one), ``still failing`` (never passed), ``new scenario`` (only the newest
    ran it), ``stable pass`` and ``not run`` (not in the newest). ``labels``, keyed by
    (scenario ID or name, personality name or None), replaces these labels (for instance with
    those of :func:`cekura_client.history.classify`); a scenario it does not name keeps its
    own. Rows are sorted new failures first, then flaky ones.

    ``comparison``: a :func:`compare` of ``baseline`` and the result made by the caller (to
    choose its rule), shown instead of ``compare(baseline, result)``.
    """
    items = [results] if isinstance(results, Result) else list(results)
    if not items:
        raise InvalidRequestError("to_html needs at least one result")
    if labels is not None and not isinstance(labels, Mapping):
        raise InvalidRequestError(f"labels must be a mapping or None, not {type(labels).__name__}")
    current = items[-1]
    title = f"Cekura result {current.id}: {current.name or '(unnamed)'}"
    body = [_header(current)]
    shown = comparison_for(baseline, current, comparison)
    if shown is not None and baseline is not None:
        body.append(_comparison_section(shown, baseline, current))
    if len(items) > 1:
        body.append(_history_section(items))
    ordered = sorted({r.id: r for r in items}.values(), key=_when)  # a repeated ID once
    if len(ordered) > 1:
        body.append(_grid_section(ordered, current, labels))
    body += [
        _scenarios_section(current),
        _metrics_section(current, baseline),
        _failing_section(current),
        _runs_section(current),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{h(title)}</title><style>{_CSS}</style></head><body><main>"
        + "".join(body)
        + f"<footer>cekura-results-client {h(__version__)}</footer></main></body></html>\n"
    )
