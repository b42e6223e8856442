"""JUnit XML: the format CI test-report views (Jenkins, GitLab, GitHub actions) read.

One ``testsuite`` per result, one ``testcase`` per run: ``classname`` is the scenario, ``name``
the scenario and personality (``#2``, ``#3``... on repetitions, in run-ID order, so that every
name is unique and stays the same from one result to the next), ``time`` the run's duration in
seconds. Each case has ``properties`` (``cekura.run_id``, each metric's outcome...). A failed
run has a ``failure`` whose ``message`` names the error and failed metrics and whose text has
each failed metric's explanation and the recording URL; a run not evaluated yet is
``skipped``; the transcript is in ``system-out``. Server text is capped as in every report
(``MAX_TEXT_CHARS`` per piece of text, ``MAX_MESSAGE_CHARS`` per message,
``MAX_TRANSCRIPT_CHARS`` per transcript, ``MAX_FILE_TRANSCRIPT_CHARS`` of transcript per
file), with a note where something was cut.
A result whose status is not ``completed`` gets an extra ``error`` case, so a CI view never
shows an unfinished result as green. With a baseline, a second suite holds one case,
``regression``, that fails when the comparison regressed.

Only the elements and attributes GitLab and Jenkins document are written (the tests hold the
lists).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

from ..types.metric import MetricScore
from ..types.result import Result
from ..types.run import Run
from ._compare import Comparison, comparison_for, format_comparison
from ._text import (
    MAX_MESSAGE_CHARS,
    MAX_TEXT_CHARS,
    TranscriptBudget,
    clip,
    scenario_label,
    seconds,
    truncate,
    xml_safe,
)

__all__ = [
    "MAX_PROPERTY_NAME",
    "PROPERTY_PREFIX",
    "STATUS_CASE",
    "case_names",
    "failure_message",
    "failure_text",
    "metric_key",
    "run_label",
    "run_properties",
    "to_junit_xml",
]

#: Characters of a metric's name kept in its property name.
MAX_PROPERTY_NAME = 200
#: What every test-case property name starts with.
PROPERTY_PREFIX = "cekura."
#: The name of the extra case of a result that is not ``completed``.
STATUS_CASE = "status"

#: A run property's value: IDs are ints, a numeric metric's score a float, the rest text.
PropertyValue = str | int | float
Labels = Mapping[tuple[Any, Any], str]


def _element(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    attributes = {k: xml_safe(clip(v, MAX_MESSAGE_CHARS)) for k, v in attrs.items()}
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = xml_safe(text)
    return element


def _one_line(text: str) -> str:
    """``text`` as one line of visible characters: control characters escaped, runs of
    whitespace (line breaks, tabs) as one space."""
    return " ".join(xml_safe(text).split())


def case_names(runs: Iterable[Run], *, reserved: Iterable[str] = ()) -> dict[int, str]:
    """The test name of each run, by run ID: ``"<scenario> / <personality>"`` (or the scenario
    alone), with ``#2``, ``#3``... on the second and later runs of the same name in run-ID
    order. Every name is unique and none is in ``reserved`` (GitLab keeps only the first of
    tests with the same name)."""
    used = set(reserved)
    seen: dict[str, int] = {}
    names: dict[int, str] = {}
    for run in sorted(runs, key=lambda r: r.id):
        base = scenario_label(run)
        if run.personality_name:
            base = f"{base} / {run.personality_name}"
        # Clipped here, with room for the suffix, so that the attribute cap keeps names unique.
        base = clip(base, MAX_TEXT_CHARS - 100)
        count = seen.get(base, 0)
        name = base
        while True:
            count += 1
            name = base if count == 1 else f"{base} #{count}"
            if name not in used:
                break
        seen[base] = count
        used.add(name)
        names[run.id] = name
    return names


def run_label(run: Run, labels: Labels | None) -> str | None:
    """The caller's label of the run's scenario and personality: ``labels`` is keyed by
    ``(scenario, personality)``, the scenario as its ID (an int, or its text as in
    :func:`~cekura_client.reports.compare`'s keys) or its name, the personality as its name
    (None for runs without one)."""
    if not labels:
        return None
    personality = run.personality_name
    scenarios: list[Any] = []
    if run.scenario_id is not None:
        scenarios += [run.scenario_id, str(run.scenario_id)]
    if run.scenario_name:
        scenarios.append(run.scenario_name)
    scenarios.append(scenario_label(run))
    for scenario in scenarios:
        label = labels.get((scenario, personality))
        if label:
            return label
    return None


def metric_key(metric: MetricScore) -> str:
    """The property name of a metric: ``cekura.metric.<name>`` (or ``metric <id>``), on one
    line, control characters escaped, at most :data:`MAX_PROPERTY_NAME` characters of name."""
    name = _one_line(metric.name or "") or f"metric {metric.id if metric.id is not None else '?'}"
    return f"{PROPERTY_PREFIX}metric.{truncate(name, MAX_PROPERTY_NAME)}"


def _metric_value(metric: MetricScore) -> PropertyValue | None:
    if metric.passed is not None:
        return "passed" if metric.passed else "failed"
    if metric.score is not None:
        return metric.score
    if metric.enum_value is not None:
        return metric.enum_value
    return None


def run_properties(result: Result, run: Run, label: str | None = None) -> dict[str, PropertyValue]:
    """What a run's test case carries besides its outcome: ``cekura.result_id``,
    ``cekura.run_id``, ``cekura.scenario_id`` and ``cekura.personality`` (when known), one
    ``cekura.metric.<name>`` per metric (``passed`` / ``failed`` for a binary metric, else the
    score, else an enum metric's value) and ``cekura.label`` when given."""
    props: dict[str, PropertyValue] = {
        f"{PROPERTY_PREFIX}result_id": result.id,
        f"{PROPERTY_PREFIX}run_id": run.id,
    }
    if run.scenario_id is not None:
        props[f"{PROPERTY_PREFIX}scenario_id"] = run.scenario_id
    if run.personality_name:
        props[f"{PROPERTY_PREFIX}personality"] = run.personality_name
    for metric in run.metrics:
        value = _metric_value(metric)
        if value is None:
            continue
        key = base = metric_key(metric)
        count = 1
        while key in props:  # two metrics of the same name
            count += 1
            key = f"{base} #{count}"
        props[key] = value
    if label:
        props[f"{PROPERTY_PREFIX}label"] = label
    return props


def _property_text(value: PropertyValue) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 910, not 910.0 (nor 1.23457e+06 for a large one)
    return str(value)


def failure_message(run: Run, label: str | None = None) -> str:
    """One line on why the run failed: the error and the failed metrics, after ``[label]``."""
    parts = [clip(run.error_message)] if run.error_message else []
    failed = [m.name or f"metric {m.id}" for m in run.failed_metrics]
    if failed:
        parts.append("failed metrics: " + ", ".join(failed))
    message = "; ".join(parts) or "the run did not succeed"
    return clip(f"[{label}] {message}" if label else message, MAX_MESSAGE_CHARS)


def failure_text(run: Run) -> str:
    """The failure's details: the error, each failed metric's explanations, the expected
    outcome's score and the recording URL, one item a line."""
    lines = [f"error: {clip(run.error_message)}"] if run.error_message else []
    for metric in run.failed_metrics:
        lines.append(f"{clip(metric.name or f'metric {metric.id}')}: failed")
        lines += [f"  - {clip(text)}" for text in metric.explanation]
    if run.expected_outcome and run.expected_outcome.score is not None:
        lines.append(f"expected outcome score: {run.expected_outcome.score:g}")
        lines += [f"  - {clip(text)}" for text in run.expected_outcome.explanations]
    if run.voice_recording:
        lines.append(f"recording: {clip(run.voice_recording)}")
    return clip("\n".join(lines), MAX_MESSAGE_CHARS)


def _testcase(
    suite: ET.Element,
    result: Result,
    run: Run,
    name: str,
    label: str | None,
    budget: TranscriptBudget,
) -> tuple[str, float]:
    scenario = scenario_label(run)
    duration = seconds(run.duration) or 0.0
    case = _element(suite, "testcase", classname=scenario, name=name, time=f"{duration:.3f}")
    props = _element(case, "properties")
    for key, value in run_properties(result, run, label).items():
        _element(props, "property", name=_one_line(key), value=_property_text(value))
    if run.success is False:
        outcome = "failure"
        _element(
            case,
            "failure",
            failure_text(run),
            message=failure_message(run, label),
            type="CallError" if run.error_message and not run.metrics else "RunFailed",
        )
    elif run.success is None or not run.evaluated:
        outcome = "skipped" if run.success is None else "passed"
        if run.success is None:
            _element(case, "skipped", message=f"not evaluated yet (status {run.status or '-'})")
    else:
        outcome = "passed"
    lines = budget.lines(run)
    if lines:
        _element(case, "system-out", "\n".join(lines))
    return outcome, duration


def _suite(root: ET.Element, result: Result, labels: Labels | None) -> None:
    budget = TranscriptBudget()
    suite = _element(
        root,
        "testsuite",
        name=f"Cekura result {result.id}: {result.name or '(unnamed)'}",
        id=str(result.id),
    )
    if result.created_at:
        suite.set("timestamp", result.created_at.replace(tzinfo=None).isoformat(timespec="seconds"))
    props = _element(suite, "properties")
    for key, value in (
        ("result_id", result.id),
        ("status", result.status.value),
        ("agent", result.agent_name or result.agent),
        ("success_rate", result.success_rate),
    ):
        if value is not None:
            _element(props, "property", name=key, value=str(value))
    completed = result.status == "completed"
    names = case_names(result.runs, reserved=() if completed else (STATUS_CASE,))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total = 0.0
    for run in sorted(result.runs, key=lambda r: r.id):
        label = run_label(run, labels)
        outcome, duration = _testcase(suite, result, run, names[run.id], label, budget)
        total += duration
        counts["tests"] += 1
        if outcome == "failure":
            counts["failures"] += 1
        elif outcome == "skipped":
            counts["skipped"] += 1
    if not completed:
        case = _element(suite, "testcase", classname="result", name=STATUS_CASE, time="0")
        _element(
            case,
            "error",
            f"Result {result.id} is {result.status.value!r}; only 'completed' results pass.",
            message=f"result status is {result.status.value!r}, not 'completed'",
            type="ResultNotCompleted",
        )
        counts["tests"] += 1
        counts["errors"] += 1
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("time", f"{total:.3f}")


def to_junit_xml(
    result: Result,
    *,
    baseline: Result | None = None,
    labels: Mapping[tuple[Any, Any], str] | None = None,
    comparison: Comparison | None = None,
) -> str:
    """The result as a JUnit XML document (a ``testsuites`` root), as text.

    Each run's case has properties (:func:`run_properties`). ``labels`` maps ``(scenario ID
    or name, personality name)`` to a label such as ``"new failure"`` or ``"flaky"``: it becomes
    the ``cekura.label`` property of that scenario's cases, and a ``[label]`` prefix of their
    failure messages.

    With ``baseline``, a second suite ``comparison with baseline N`` has one case,
    ``regression``, failing with the comparison's reasons when :func:`compare` says regressed.
    Every piece of server text is escaped, and characters XML 1.0 forbids are written as
    visible ``\\xNN`` escapes, so any XML parser reads the file.

    ``comparison``: a :func:`compare` of ``baseline`` and the result made by the caller (to
    choose its rule), used instead of ``compare(baseline, result)``.
    """
    root = ET.Element("testsuites", {"name": f"Cekura result {result.id}"})
    _suite(root, result, labels)
    comparison = comparison_for(baseline, result, comparison)
    if comparison is not None and baseline is not None:
        suite = _element(
            root,
            "testsuite",
            name=f"Cekura comparison of result {result.id} with baseline {baseline.id}",
            tests="1",
            failures=str(int(comparison.regressed)),
            errors="0",
            skipped="0",
            time="0",
        )
        case = _element(suite, "testcase", classname="comparison", name="regression", time="0")
        text = format_comparison(comparison)
        if comparison.regressed:
            _element(
                case, "failure", text, message="; ".join(comparison.reasons), type="Regression"
            )
        else:
            _element(case, "system-out", text)
    # The root carries what Jenkins' JUnit schema allows there (no `skipped`).
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in root)))
    root.set("time", f"{sum(float(s.get('time', '0')) for s in root):.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
