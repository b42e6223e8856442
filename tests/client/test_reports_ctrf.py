"""to_ctrf: CTRF JSON (https://ctrf.io) validated against CTRF's published JSON schema (vendored
in tests/data/ctrf, see its README), the status of every kind of run, failing and running
results, labels, hostile text, and the command line's ``--format ctrf`` / ``-o x.ctrf.json``."""

from __future__ import annotations

import io
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cekura_client import Result
from cekura_client._version import __version__
from cekura_client.cli import main
from cekura_client.reports import MAX_TRANSCRIPT_CHARS, compare, to_ctrf, to_junit_xml
from cekura_client.reports._ctrf import ctrf_status
from cekura_client.testing import MockCekuraServer, payloads
from tests.support.constants import API_KEY

SCHEMA_PATH = Path(__file__).parents[1] / "data" / "ctrf" / "ctrf-schema-0.0.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def check(text: str) -> dict[str, Any]:
    """The document, after checking it is UTF-8-encodable JSON that the CTRF schema accepts."""
    text.encode("utf-8")  # raises on a lone surrogate
    data: dict[str, Any] = json.loads(text)
    errors = sorted(VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return data


def named(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    tests = data["results"]["tests"]
    by_name = {test["name"]: test for test in tests}
    assert len(by_name) == len(tests)  # names are unique
    return by_name


def test_the_vendored_schema_is_a_draft_7_schema_that_refuses_a_broken_document() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    data = json.loads(to_ctrf(Result.from_dict(payloads.failing_result())))
    data["results"]["tests"][0]["status"] = "broken"
    del data["results"]["summary"]["start"]
    assert len(list(VALIDATOR.iter_errors(data))) == 2


def _regressed_by_thresholds() -> str:
    """1006 against 1005, regressed by the thresholds rule (by the statistical rule, its new
    failures are within chance)."""
    baseline = Result.from_dict(payloads.baseline_result())
    current = Result.from_dict(payloads.regressed_result())
    return to_ctrf(
        current,
        baseline=baseline,
        labels={(7003, "Elderly caller"): "new failure"},
        comparison=compare(baseline, current, rule="thresholds"),
    )


DOCUMENTS: dict[str, Callable[[], str]] = {
    "passing": lambda: to_ctrf(Result.from_dict(payloads.passing_result())),
    "failing": lambda: to_ctrf(Result.from_dict(payloads.failing_result())),
    "running": lambda: to_ctrf(Result.from_dict(payloads.running_result())),
    "quirky": lambda: to_ctrf(Result.from_dict(payloads.quirky_result())),
    "regressed": _regressed_by_thresholds,
    "no regression": lambda: to_ctrf(
        Result.from_dict(payloads.nightly_result(1101)),
        baseline=Result.from_dict(payloads.nightly_result(1101)),
    ),
}


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_document_is_valid_ctrf(document: str) -> None:
    data = check(DOCUMENTS[document]())
    assert (data["reportFormat"], data["specVersion"]) == ("CTRF", "0.0.0")
    results = data["results"]
    assert results["tool"] == {"name": "cekura-results", "version": __version__}
    summary = results["summary"]
    statuses = [test["status"] for test in results["tests"]]
    assert summary["tests"] == len(statuses)
    for status in ("passed", "failed", "skipped", "pending", "other"):
        assert summary[status] == statuses.count(status)
    assert summary["start"] <= summary["stop"]


def test_a_failing_result() -> None:
    data = check(to_ctrf(Result.from_dict(payloads.failing_result())))
    results = data["results"]
    assert results["summary"] == {
        "tests": 4, "passed": 2, "failed": 2, "skipped": 0, "pending": 0, "other": 0,
        "start": 1795183378118, "stop": 1795183781902,  # created_at, updated_at (ms)
    }  # fmt: skip
    assert results["environment"] == {
        "reportName": "Cekura result 1002: PR #482 - new insurance flow",
        "appName": "Ava - front desk",
    }
    assert results["extra"] == {
        "cekura.result_id": 1002,
        "cekura.status": "completed",
        "cekura.agent_id": 512,
        "cekura.success_rate": 50.0,
    }
    by_name = named(data)
    assert list(by_name) == [
        "Reschedule cleaning / Busy professional",
        "Cancel appointment / Busy professional",
        "Insurance question / Busy professional",
        "Reschedule cleaning / Busy professional #2",
    ]
    passed = by_name["Reschedule cleaning / Busy professional"]
    assert passed["status"] == "passed" and passed["duration"] == 155_000
    assert passed["suite"] == ["Reschedule cleaning"] and "message" not in passed
    assert passed["stdout"][-1] == "[0:08] Main Agent: You're all set for Tuesday at 10am."
    assert passed["stop"] - passed["start"] == 155_000
    assert passed["extra"] == {
        "cekura.result_id": 1002,
        "cekura.run_id": 86101,
        "cekura.scenario_id": 7001,
        "cekura.personality": "Busy professional",
        "cekura.metric.Appointment booked": "passed",
        "cekura.metric.Latency": 910.0,
    }
    assert passed["attachments"] == [
        {
            "name": "recording",
            "contentType": "audio/wav",
            "path": "https://recordings.cekura.ai/86101.wav",
        }
    ]
    failed = by_name["Insurance question / Busy professional"]
    assert failed["status"] == "failed" and failed["rawStatus"] == "completed"
    assert failed["message"] == "failed metrics: Appointment booked, Verified caller identity"
    assert failed["trace"].splitlines()[:2] == [
        "Appointment booked: failed",
        "  - The agent ended the call without booking.",
    ]
    assert failed["trace"].splitlines()[-1] == "recording: https://recordings.cekura.ai/86103.wav"
    no_answer = by_name["Cancel appointment / Busy professional"]
    assert no_answer["message"] == "Call failed to connect: callee did not answer"
    assert no_answer["duration"] == 0


def test_names_and_extra_match_the_junit_report() -> None:
    result = Result.from_dict(payloads.regressed_result())
    labels = {(7003, "Busy professional"): "new failure"}
    tests = check(to_ctrf(result, labels=labels))["results"]["tests"]
    root = ET.fromstring(to_junit_xml(result, labels=labels))
    junit = {
        case.get("name"): {p.get("name"): p.get("value") for p in case.iterfind(".//property")}
        for case in root.iter("testcase")
    }
    assert [test["name"] for test in tests] == list(junit)
    for test in tests:
        as_text = {
            k: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
            for k, v in test["extra"].items()
        }
        assert as_text == junit[test["name"]]


def _run(run_id: int, success: bool | None, status: str | None) -> dict[str, Any]:
    run = payloads.finished_run(run_id, 7001, index=run_id, passed=success is not False)
    run.update(success=success, status=status, scenario_name=f"Scenario {run_id}")
    if success is None:
        run.update(evaluation=None, duration=None)
    return run


STATUSES = [
    (True, "completed", "passed"),
    (False, "completed", "failed"),
    (None, "pending", "pending"),
    (None, "queued", "pending"),
    (None, "in_queue", "pending"),
    (None, "running", "pending"),
    (None, "in_progress", "pending"),
    (None, "evaluating", "pending"),
    (None, "scaling_up", "pending"),
    (None, "cancelled", "skipped"),
    (None, "CANCELLED", "skipped"),
    (None, "skipped", "skipped"),
    (None, "completed", "other"),  # ended without a verdict
    (None, "timeout", "other"),
    (None, "failed", "other"),
    (None, "paused", "other"),  # a status this version does not know
    (None, None, "other"),
    (True, "running", "passed"),  # a verdict wins over the status
]


@pytest.mark.parametrize(("success", "status", "expected"), STATUSES)
def test_every_status_mapping(success: bool | None, status: str | None, expected: str) -> None:
    data = payloads.passing_result()
    data["runs"] = {"1": _run(1, success, status)}
    result = Result.from_dict(data)
    assert ctrf_status(result.runs[0]) == expected
    (test,) = check(to_ctrf(result))["results"]["tests"]
    assert test["status"] == expected
    if success is None:
        assert test["message"] == f"not evaluated yet (status {status or '-'})"
        assert "trace" not in test
    if status is None:
        assert "rawStatus" not in test
    else:
        assert test["rawStatus"] == status


def test_all_statuses_in_one_result_are_counted() -> None:
    data = payloads.passing_result()
    data["runs"] = {str(i): _run(i, s, st) for i, (s, st, _) in enumerate(STATUSES, 1)}
    summary = check(to_ctrf(Result.from_dict(data)))["results"]["summary"]
    expected = [e for _, _, e in STATUSES]
    assert {k: summary[k] for k in ("passed", "failed", "skipped", "pending", "other")} == {
        status: expected.count(status)
        for status in ("passed", "failed", "skipped", "pending", "other")
    }


def test_a_running_result_is_pending_and_never_green() -> None:
    data = check(to_ctrf(Result.from_dict(payloads.running_result())))
    summary = data["results"]["summary"]
    assert (summary["tests"], summary["passed"], summary["pending"], summary["failed"]) == (
        4, 1, 2, 1,
    )  # fmt: skip
    by_name = named(data)
    pending = by_name["Cancel appointment / Busy professional"]
    assert pending == {
        "name": "Cancel appointment / Busy professional",
        "status": "pending",
        "duration": 0,
        "start": pending["start"],
        "stop": pending["start"],
        "suite": ["Cancel appointment"],
        "message": "not evaluated yet (status running)",
        "rawStatus": "running",
        "attachments": pending["attachments"],
        "extra": {
            "cekura.result_id": 1003,
            "cekura.run_id": 86202,
            "cekura.scenario_id": 7002,
            "cekura.personality": "Busy professional",
        },
    }
    status = by_name["status"]  # as the JUnit report's error case
    assert status["status"] == "failed" and status["rawStatus"] == "running"
    assert status["message"] == "result status is 'running', not 'completed'"


def test_a_baseline_adds_the_regression_test() -> None:
    data = check(DOCUMENTS["regressed"]())
    regression = named(data)["regression"]
    assert regression["status"] == "failed" and regression["suite"] == ["comparison"]
    assert regression["message"].startswith("2 scenario(s) newly failing: ")
    assert "Disappeared:\n  Opening hours / Busy professional" in regression["trace"]
    assert data["results"]["extra"]["cekura.baseline_result_id"] == 1005
    assert data["results"]["extra"]["cekura.regressed"] is True
    calm = named(check(DOCUMENTS["no regression"]()))["regression"]
    assert calm["status"] == "passed" and "message" not in calm
    assert "NO REGRESSION" in calm["trace"]


def test_labels_are_in_extra_and_prefix_the_failure_message() -> None:
    labels = {
        (7003, "Busy professional"): "new failure",
        ("Reschedule cleaning", "Elderly caller"): "flaky",
        ("7005", "Elderly caller"): "still failing",
    }
    data = check(to_ctrf(Result.from_dict(payloads.regressed_result()), labels=labels))
    by_name = named(data)
    new = by_name["Insurance question / Busy professional"]
    assert new["extra"]["cekura.label"] == "new failure"
    assert new["message"] == "[new failure] failed metrics: Verified caller identity"
    flaky = by_name["Reschedule cleaning / Elderly caller"]
    assert flaky["status"] == "passed" and flaky["extra"]["cekura.label"] == "flaky"
    assert "message" not in flaky
    assert by_name["Billing dispute / Elderly caller"]["message"].startswith("[still failing] ")
    assert "cekura.label" not in by_name["Insurance question / Elderly caller"]["extra"]


HOSTILE = (
    'nul\x00 esc\x1b[31m bell\x07 del\x7f c1\x85 lone\ud83d ffff\uffff ls\u2028 é 📞 "q" \\ <&>'
)


def test_unicode_and_control_characters_never_break_the_json() -> None:
    data = payloads.failing_result()
    data["name"] = HOSTILE
    data["agent_name"] = HOSTILE
    run = data["runs"]["86103"]
    run.update(scenario_name=HOSTILE, personality_name=HOSTILE, error_message=HOSTILE)
    run["evaluation"]["metrics"][0]["name"] = HOSTILE
    run["transcript_object"][0]["content"] = HOSTILE
    labels = {(7003, HOSTILE): HOSTILE}
    text = to_ctrf(Result.from_dict(data), labels=labels)
    for char in "\x00\x1b\x07\x7f\x85\ufffe\uffff":
        assert char not in text
    parsed = check(text)
    test = parsed["results"]["tests"][2]
    visible = (
        "nul\\x00 esc\\x1b[31m bell\\x07 del\\x7f c1\\x85 lone\\ud83d ffff\\uffff ls\u2028 é 📞 "
        '"q" \\ <&>'
    )
    assert test["name"] == f"{visible} / {visible}"
    assert test["suite"] == [visible]
    assert test["message"].startswith(f"[{visible}] {visible}; failed metrics: ")
    assert test["extra"]["cekura.label"] == visible
    assert test["extra"]["cekura.personality"] == visible
    metric = f"cekura.metric.{' '.join(visible.split())}"
    assert test["extra"][metric] == "failed"
    assert test["stdout"][0] == f"[0:00] Main Agent: {visible}"
    assert parsed["results"]["environment"]["appName"] == visible
    assert text.encode("utf-8").decode("utf-8") == text


def test_long_transcripts_are_cut_with_a_note() -> None:
    data = payloads.passing_result()
    run: dict[str, Any] = data["runs"]["86001"]
    run["transcript_object"] = run["transcript_object"] * 2000
    (test, *_) = check(to_ctrf(Result.from_dict(data)))["results"]["tests"]
    *shown, note = test["stdout"]
    assert MAX_TRANSCRIPT_CHARS - 200 < sum(len(line) + 1 for line in shown) <= MAX_TRANSCRIPT_CHARS
    assert note.startswith(f"[transcript cut: {len(shown):,} of ")


def test_a_result_without_runs() -> None:
    data = payloads.passing_result()
    data["runs"] = {}
    data["created_at"] = data["updated_at"] = None
    summary = check(to_ctrf(Result.from_dict(data)))["results"]["summary"]
    assert (summary["tests"], summary["start"], summary["stop"]) == (0, 0, 0)


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockCekuraServer]:
    for name in list(os.environ):
        if name.startswith("CEKURA_") or name == "GITHUB_STEP_SUMMARY":
            monkeypatch.delenv(name)
    monkeypatch.setenv("CEKURA_API_KEY", API_KEY)
    with MockCekuraServer(api_key=API_KEY) as mock:
        yield mock


def cli(server: MockCekuraServer, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        code = main(["--base-url", server.url, *args], out=out, err=err)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_cli_writes_ctrf_with_format_ctrf(server: MockCekuraServer) -> None:
    code, out, err = cli(server, "report", "1006", "--baseline", "1005", "--format", "ctrf")
    assert (code, err) == (0, "")
    data = check(out)
    baseline = Result.from_dict(payloads.baseline_result())
    current = Result.from_dict(payloads.regressed_result())
    assert out == to_ctrf(current, baseline=baseline)
    assert named(data)["regression"]["status"] == "passed"  # within chance
    args = ("report", "1006", "--baseline", "1005", "--format", "ctrf", "--rule", "thresholds")
    code, out, err = cli(server, *args)
    assert (code, err) == (0, "")
    assert out == to_ctrf(
        current, baseline=baseline, comparison=compare(baseline, current, rule="thresholds")
    )
    assert named(check(out))["regression"]["status"] == "failed"


@pytest.mark.parametrize(
    ("filename", "is_ctrf"),
    [("report.ctrf.json", True), ("REPORT.CTRF.JSON", True), ("report.json", False)],
)
def test_cli_infers_ctrf_from_the_extension(
    server: MockCekuraServer, tmp_path: Path, filename: str, is_ctrf: bool
) -> None:
    target = tmp_path / filename
    code, out, err = cli(server, "report", "1002", "-o", str(target))
    assert (code, out, err) == (0, "", f"wrote {target}\n")
    data = json.loads(target.read_text(encoding="utf-8"))
    if is_ctrf:
        assert check(target.read_text(encoding="utf-8"))["reportFormat"] == "CTRF"
    else:  # plain .json stays the results' JSON
        assert set(data) == {"results", "comparison"}


def test_cli_format_ctrf_overrides_the_extension(server: MockCekuraServer, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    assert cli(server, "report", "1002", "--format", "ctrf", "-o", str(target))[0] == 0
    check(target.read_text(encoding="utf-8"))


def test_cli_ctrf_takes_one_result(server: MockCekuraServer) -> None:
    code, out, err = cli(server, "report", "1001", "1002", "--format", "ctrf")
    assert (code, out) == (2, "")
    assert err == (
        "cekura-results: error: --format ctrf reports one result (a CTRF document is one test "
        "run); got 2\n"
    )
    assert server.requests == []
    assert cli(server, "report", "1002", "1002", "--format", "ctrf")[0] == 0  # the same one


def test_cli_json_and_ctrf_disagree(
    server: MockCekuraServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(server, "report", "1002", "--json", "--format", "ctrf")[0] == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith("--json and --format ctrf disagree")
