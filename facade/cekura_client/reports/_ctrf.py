"""CTRF (Common Test Report Format, https://ctrf.io): one JSON document per result, for the
CTRF reporters and dashboards.

One test per run, named and described as in the JUnit report (:mod:`._junit`): the same unique
names, failure message and text, and the JUnit properties as ``extra``. A run's ``status`` is
``passed`` or ``failed`` once evaluated; before that ``pending`` while it is on its way,
``skipped`` when it was cancelled, and ``other`` when it ended without a verdict. As in JUnit, a
result that is not ``completed`` gets one more test, ``status``, that fails, and a baseline adds
a ``regression`` test.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from .._version import __version__
from ..types.result import Result
from ..types.run import Run
from ._compare import Comparison, comparison_for, format_comparison
from ._junit import (
    PROPERTY_PREFIX,
    STATUS_CASE,
    case_names,
    failure_message,
    failure_text,
    run_label,
    run_properties,
)
from ._text import MAX_MESSAGE_CHARS, TranscriptBudget, clip, scenario_label, seconds, xml_safe

__all__ = ["CTRF_SPEC_VERSION", "CTRF_TOOL_NAME", "ctrf_status", "to_ctrf", "to_ctrf_dict"]

#: The CTRF specification version the documents declare (``specVersion``).
CTRF_SPEC_VERSION = "0.0.0"
#: ``results.tool.name``.
CTRF_TOOL_NAME = "cekura-results"

#: Run statuses of a run still on its way (CTRF ``pending`` until it has a verdict).
_PENDING_RUN_STATUSES = frozenset(
    {"pending", "queued", "in_queue", "running", "in_progress", "evaluating", "scaling_up"}
)
#: Run statuses of a run that will never be evaluated because it did not run (``skipped``).
_SKIPPED_RUN_STATUSES = frozenset({"cancelled", "canceled", "skipped"})

_AUDIO_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".webm": "audio/webm",
    ".flac": "audio/flac",
}


def ctrf_status(run: Run) -> str:
    """The CTRF status of a run: ``passed`` / ``failed`` by its ``success``; without one,
    ``pending`` (queued, running, evaluating...), ``skipped`` (cancelled) or ``other``."""
    if run.success is True:
        return "passed"
    if run.success is False:
        return "failed"
    status = (run.status or "").lower()
    if status in _SKIPPED_RUN_STATUSES:
        return "skipped"
    if status in _PENDING_RUN_STATUSES:
        return "pending"
    return "other"


def _ms(when: dt.datetime | None) -> int | None:
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return round(when.timestamp() * 1000)


def _content_type(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    for suffix, content_type in _AUDIO_TYPES.items():
        if path.endswith(suffix):
            return content_type
    return "application/octet-stream"


def _test(
    result: Result, run: Run, name: str, label: str | None, budget: TranscriptBudget
) -> dict[str, Any]:
    status = ctrf_status(run)
    duration = round((seconds(run.duration) or 0.0) * 1000)
    test: dict[str, Any] = {"name": name, "status": status, "duration": duration}
    start = _ms(run.executed_at)
    if start is not None:
        test.update(start=start, stop=start + duration)
    test["suite"] = [scenario_label(run)]
    if status == "failed":
        test["message"] = failure_message(run, label)
        test["trace"] = failure_text(run)
    elif run.success is None:
        test["message"] = f"not evaluated yet (status {run.status or '-'})"
    if run.status:
        test["rawStatus"] = run.status
    stdout = budget.lines(run)
    if stdout:
        test["stdout"] = stdout
    if run.voice_recording:
        test["attachments"] = [
            {
                "name": "recording",
                "contentType": _content_type(run.voice_recording),
                "path": run.voice_recording,
            }
        ]
    test["extra"] = dict(run_properties(result, run, label))
    return test


def _status_test(result: Result) -> dict[str, Any]:
    status = result.status.value
    return {
        "name": STATUS_CASE,
        "status": "failed",
        "duration": 0,
        "suite": ["result"],
        "message": f"result status is {status!r}, not 'completed'",
        "trace": f"Result {result.id} is {status!r}; only 'completed' results pass.",
        "rawStatus": status,
        "extra": {f"{PROPERTY_PREFIX}result_id": result.id},
    }


_CLIPPED_ALREADY = frozenset({"trace", "stdout"})


def _clean(value: Any, key: str = "") -> Any:
    """Every string (keys too) with control characters, lone surrogates and U+FFFE/U+FFFF
    written as visible escapes, so that the document encodes as UTF-8 and reads anywhere, and
    clipped to :data:`MAX_MESSAGE_CHARS` but in a ``trace`` or ``stdout`` (failure details and
    transcripts are clipped where they are made; a comparison is ours). (Numbers are finite:
    the models refuse NaN and infinities.)"""
    if isinstance(value, str):
        return xml_safe(value if key in _CLIPPED_ALREADY else clip(value, MAX_MESSAGE_CHARS))
    if isinstance(value, dict):
        return {
            xml_safe(clip(str(k), MAX_MESSAGE_CHARS)): _clean(v, str(k)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_clean(v, key) for v in value]
    return value


def to_ctrf_dict(
    result: Result,
    *,
    baseline: Result | None = None,
    labels: Mapping[tuple[Any, Any], str] | None = None,
    comparison: Comparison | None = None,
) -> dict[str, Any]:
    """:func:`to_ctrf` as a JSON-ready dict."""
    completed = result.status == "completed"
    runs = sorted(result.runs, key=lambda r: r.id)
    names = case_names(runs, reserved=() if completed else (STATUS_CASE,))
    budget = TranscriptBudget()
    tests = [_test(result, run, names[run.id], run_label(run, labels), budget) for run in runs]
    if not completed:
        tests.append(_status_test(result))
    extra: dict[str, Any] = {
        f"{PROPERTY_PREFIX}result_id": result.id,
        f"{PROPERTY_PREFIX}status": result.status.value,
    }
    if result.agent is not None:
        extra[f"{PROPERTY_PREFIX}agent_id"] = result.agent
    if result.success_rate is not None:
        extra[f"{PROPERTY_PREFIX}success_rate"] = result.success_rate
    comparison = comparison_for(baseline, result, comparison)
    if comparison is not None and baseline is not None:
        tests.append(
            {
                "name": "regression",
                "status": "failed" if comparison.regressed else "passed",
                "duration": 0,
                "suite": ["comparison"],
                **({"message": "; ".join(comparison.reasons)} if comparison.regressed else {}),
                "trace": format_comparison(comparison),
                "extra": {f"{PROPERTY_PREFIX}baseline_result_id": baseline.id},
            }
        )
        extra[f"{PROPERTY_PREFIX}baseline_result_id"] = baseline.id
        extra[f"{PROPERTY_PREFIX}regressed"] = comparison.regressed
    counts = dict.fromkeys(("passed", "failed", "skipped", "pending", "other"), 0)
    for test in tests:
        counts[test["status"]] += 1
    start = _ms(result.created_at)
    if start is None:
        starts = [t["start"] for t in tests if "start" in t]
        start = min(starts) if starts else 0
    stop = _ms(result.updated_at)
    if stop is None or stop < start:
        stops = [t["stop"] for t in tests if "stop" in t]
        stop = max([start, *stops])
    environment: dict[str, Any] = {
        "reportName": f"Cekura result {result.id}: {result.name or '(unnamed)'}"
    }
    if result.agent_name:
        environment["appName"] = result.agent_name
    document = {
        "reportFormat": "CTRF",
        "specVersion": CTRF_SPEC_VERSION,
        "results": {
            "tool": {"name": CTRF_TOOL_NAME, "version": __version__},
            "summary": {"tests": len(tests), **counts, "start": start, "stop": stop},
            "tests": tests,
            "environment": environment,
            "extra": extra,
        },
    }
    cleaned: dict[str, Any] = _clean(document)
    return cleaned


def to_ctrf(
    result: Result,
    *,
    baseline: Result | None = None,
    labels: Mapping[tuple[Any, Any], str] | None = None,
    comparison: Comparison | None = None,
) -> str:
    """The result as a CTRF JSON document (https://ctrf.io), as text.

    ``results.tool.name`` is ``cekura-results``; ``results.summary`` counts the tests by
    status; each run is a test with its ``name`` (unique, as in :func:`to_junit_xml`),
    ``status`` (:func:`ctrf_status`), ``duration`` (ms), ``message`` and ``trace`` (why it
    failed, the recording URL), ``stdout`` (the transcript), the recording as an attachment, and
    ``extra``: the JUnit properties (``cekura.run_id``, ``cekura.metric.<name>``...).
    ``labels`` as in :func:`to_junit_xml`: ``cekura.label`` in ``extra`` and a ``[label]``
    prefix of the failure message. Server text is made visible as in the JUnit report (control
    characters escaped), so the document always encodes as UTF-8.

    ``comparison``: a :func:`compare` of ``baseline`` and the result made by the caller (to
    choose its rule), used instead of ``compare(baseline, result)``.
    """
    data = to_ctrf_dict(result, baseline=baseline, labels=labels, comparison=comparison)
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
