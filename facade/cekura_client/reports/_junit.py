"""JUnit XML: the format CI test-report views (Jenkins, GitLab, GitHub actions) read.

One ``testsuite`` per result, one ``testcase`` per run: ``classname`` is the scenario, ``name``
the scenario plus the run ID, ``time`` the run's duration in seconds. A failed run has a
``failure`` whose ``message`` names the error and failed metrics and whose text has each failed
metric's explanation; a run not evaluated yet is ``skipped``; the transcript is in
``system-out`` (truncated). A result whose status is not ``completed`` gets an extra ``error``
case, so a CI view never shows an unfinished result as green. With a baseline, a second suite
holds one case, ``regression``, that fails when the comparison regressed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..types.result import Result
from ..types.run import Run
from ._compare import compare, format_comparison
from ._text import scenario_label, seconds, transcript_lines, truncate, xml_safe

__all__ = ["MAX_SYSTEM_OUT", "to_junit_xml"]

#: Characters of transcript kept in a test case's ``system-out``.
MAX_SYSTEM_OUT = 20_000


def _element(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _failure_message(run: Run) -> str:
    parts = [run.error_message] if run.error_message else []
    failed = [m.name or f"metric {m.id}" for m in run.failed_metrics]
    if failed:
        parts.append("failed metrics: " + ", ".join(failed))
    return "; ".join(parts) or "the run did not succeed"


def _failure_text(run: Run) -> str:
    lines = [f"error: {run.error_message}"] if run.error_message else []
    for metric in run.failed_metrics:
        lines.append(f"{metric.name or f'metric {metric.id}'}: failed")
        lines += [f"  - {text}" for text in metric.explanation]
    if run.expected_outcome and run.expected_outcome.score is not None:
        lines.append(f"expected outcome score: {run.expected_outcome.score:g}")
        lines += [f"  - {text}" for text in run.expected_outcome.explanations]
    if run.voice_recording:
        lines.append(f"recording: {run.voice_recording}")
    return "\n".join(lines)


def _testcase(suite: ET.Element, run: Run) -> tuple[str, float]:
    scenario = scenario_label(run)
    name = f"{scenario} (run {run.id})"
    if run.personality_name:
        name = f"{scenario} / {run.personality_name} (run {run.id})"
    duration = seconds(run.duration) or 0.0
    case = _element(suite, "testcase", classname=scenario, name=name, time=f"{duration:.3f}")
    if run.success is False:
        outcome = "failure"
        _element(
            case,
            "failure",
            _failure_text(run),
            message=_failure_message(run),
            type="CallError" if run.error_message and not run.metrics else "RunFailed",
        )
    elif run.success is None or not run.evaluated:
        outcome = "skipped" if run.success is None else "passed"
        if run.success is None:
            _element(case, "skipped", message=f"not evaluated yet (status {run.status or '-'})")
    else:
        outcome = "passed"
    lines = list(transcript_lines(run))
    if lines:
        out = "\n".join(lines)
        if len(out) > MAX_SYSTEM_OUT:
            out = truncate(out, MAX_SYSTEM_OUT) + f"\n[transcript truncated: {len(out)} characters]"
        _element(case, "system-out", out)
    return outcome, duration


def _suite(root: ET.Element, result: Result) -> None:
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
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total = 0.0
    for run in result.runs:
        outcome, duration = _testcase(suite, run)
        total += duration
        counts["tests"] += 1
        if outcome == "failure":
            counts["failures"] += 1
        elif outcome == "skipped":
            counts["skipped"] += 1
    if result.status != "completed":
        case = _element(suite, "testcase", classname="result", name="status", time="0")
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


def to_junit_xml(result: Result, *, baseline: Result | None = None) -> str:
    """The result as a JUnit XML document (a ``testsuites`` root), as text.

    With ``baseline``, a second suite ``comparison with baseline N`` has one case,
    ``regression``, failing with the comparison's reasons when :func:`compare` says regressed.
    Every piece of server text is escaped, and characters XML 1.0 forbids are written as
    visible ``\\xNN`` escapes, so any XML parser reads the file.
    """
    root = ET.Element("testsuites", {"name": f"Cekura result {result.id}"})
    _suite(root, result)
    if baseline is not None:
        comparison = compare(baseline, result)
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
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in root)))
    root.set("time", f"{sum(float(s.get('time', '0')) for s in root):.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
