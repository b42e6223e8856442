"""to_junit_xml read back by junitparser, a JUnit consumer CI plugins are built like: the
counts, failure messages and times that Jenkins, GitLab and GitHub test-report readers use."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from cekura_client import Result
from cekura_client.reports import to_junit_xml
from cekura_client.reports._junit import MAX_SYSTEM_OUT
from cekura_client.testing import payloads


def read(xml: str) -> list[TestSuite]:
    doc = JUnitXml.fromstring(xml)
    return list(doc)


def cases(suite: TestSuite) -> dict[str, TestCase]:
    return {case.name: case for case in suite}


def test_failing_result_counts_messages_and_times() -> None:
    xml = to_junit_xml(Result.from_dict(payloads.failing_result()))
    (suite,) = read(xml)
    assert suite.name == "Cekura result 1002: PR #482 - new insurance flow"
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (4, 2, 0, 0)
    assert suite.time == 155 + 0 + 247 + 122
    by_name = cases(suite)
    assert list(by_name) == [
        "Reschedule cleaning / Busy professional (run 86101)",
        "Cancel appointment / Busy professional (run 86102)",
        "Insurance question / Busy professional (run 86103)",
        "Reschedule cleaning / Busy professional (run 86104)",
    ]
    passed = by_name["Reschedule cleaning / Busy professional (run 86101)"]
    assert passed.classname == "Reschedule cleaning" and passed.time == 155.0
    assert passed.is_passed and "You're all set for Tuesday at 10am." in passed.system_out

    no_answer = by_name["Cancel appointment / Busy professional (run 86102)"]
    (failure,) = no_answer.result
    assert isinstance(failure, Failure) and failure.type == "CallError"
    assert failure.message == "Call failed to connect: callee did not answer"
    assert no_answer.time == 0.0

    metrics = by_name["Insurance question / Busy professional (run 86103)"]
    (failure,) = metrics.result
    assert failure.type == "RunFailed"
    assert failure.message == "failed metrics: Appointment booked, Verified caller identity"
    assert failure.text.splitlines()[:6] == [
        "Appointment booked: failed",
        "  - The agent ended the call without booking.",
        "Verified caller identity: failed",
        "  - Date of birth was never asked.",
        "  - The agent read out the address before verification.",
        "expected outcome score: 40",
    ]
    assert "recording: https://recordings.cekura.ai/86103.wav" in failure.text
    assert metrics.time == 247.0


def test_root_totals_and_properties() -> None:
    xml = to_junit_xml(Result.from_dict(payloads.failing_result()))
    root = ET.fromstring(xml)
    assert root.tag == "testsuites"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped", "time")} == {
        "tests": "4",
        "failures": "2",
        "errors": "0",
        "skipped": "0",
        "time": "524.000",
    }
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props == {
        "result_id": "1002",
        "status": "completed",
        "agent": "Ava - front desk",
        "success_rate": "50.0",
    }
    assert root.find("testsuite").get("timestamp") == "2026-11-20T14:02:58"


def test_running_result_skips_unevaluated_runs_and_errors_on_status() -> None:
    (suite,) = read(to_junit_xml(Result.from_dict(payloads.running_result())))
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (4, 0, 1, 2)
    by_name = cases(suite)
    (skipped,) = by_name["Cancel appointment / Busy professional (run 86202)"].result
    assert isinstance(skipped, Skipped)
    assert skipped.message == "not evaluated yet (status running)"
    (error,) = by_name["status"].result
    assert isinstance(error, Error) and error.type == "ResultNotCompleted"
    assert error.message == "result status is 'running', not 'completed'"
    assert by_name["Cancel appointment / Busy professional (run 86202)"].time == 0.0


def test_control_characters_and_markup_are_escaped_for_xml_1_0() -> None:
    current = Result.from_dict(payloads.regressed_result())
    xml = to_junit_xml(current)
    assert "\x1b" not in xml and "\x00" not in xml and "\x07" not in xml
    by_name = cases(read(xml)[0])
    (failure,) = by_name["Billing dispute / Elderly caller (run 86608)"].result
    assert failure.message == (
        "Provider error: \\x1b[31mSIP 486 Busy Here\\x1b[0m (carrier <Twilio>)"
    )
    out = by_name["Insurance question / Elderly caller (run 86606)"].system_out
    assert "[0:07] Testing Agent: Is my <Gold & Silver> plan covered? \\x07\\x00" in out


def test_lone_surrogates_and_ffff_become_visible_escapes() -> None:
    data = payloads.failing_result()
    data["runs"]["86102"]["error_message"] = "bad \ud83d half \uffff end"
    xml = to_junit_xml(Result.from_dict(data))
    xml.encode("utf-8")  # would raise on a lone surrogate
    by_name = cases(read(xml)[0])
    (failure,) = by_name["Cancel appointment / Busy professional (run 86102)"].result
    assert failure.message == "bad \\ud83d half \\uffff end"


def test_long_transcripts_are_truncated() -> None:
    data = payloads.passing_result()
    run: dict[str, Any] = data["runs"]["86001"]
    run["transcript_object"] = run["transcript_object"] * 2000
    (suite,) = read(to_junit_xml(Result.from_dict(data)))
    out = cases(suite)["Reschedule cleaning / Busy professional (run 86001)"].system_out
    assert MAX_SYSTEM_OUT < len(out) < MAX_SYSTEM_OUT + 100
    assert out.splitlines()[-1].startswith("[transcript truncated: ")


def test_baseline_adds_a_failing_regression_case() -> None:
    xml = to_junit_xml(
        Result.from_dict(payloads.regressed_result()),
        baseline=Result.from_dict(payloads.baseline_result()),
    )
    run_suite, comparison_suite = read(xml)
    assert (run_suite.tests, run_suite.failures) == (8, 3)
    assert comparison_suite.name == "Cekura comparison of result 1006 with baseline 1005"
    (case,) = list(comparison_suite)
    assert (case.classname, case.name) == ("comparison", "regression")
    (failure,) = case.result
    assert failure.type == "Regression"
    assert failure.message.startswith(
        "2 scenario(s) newly failing: Insurance question / Busy professional, "
        "Insurance question / Elderly caller; "
    )
    assert "Disappeared:\n  Opening hours / Busy professional" in failure.text
    root = ET.fromstring(xml)
    assert (root.get("tests"), root.get("failures")) == ("9", "4")


def test_no_regression_passes_the_regression_case() -> None:
    nightly = Result.from_dict(payloads.nightly_result(1101))
    _, comparison_suite = read(to_junit_xml(nightly, baseline=nightly))
    (case,) = list(comparison_suite)
    assert case.is_passed and "NO REGRESSION" in case.system_out
    assert comparison_suite.failures == 0


def test_a_result_without_runs_is_an_empty_suite() -> None:
    data = payloads.passing_result()
    data["runs"] = {}
    (suite,) = read(to_junit_xml(Result.from_dict(data)))
    assert (suite.tests, suite.failures, suite.errors) == (0, 0, 0)
