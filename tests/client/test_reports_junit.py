"""to_junit_xml read back by junitparser, a JUnit consumer CI plugins are built like: the
counts, failure messages and times that Jenkins, GitLab and GitHub test-report readers use; the
test-case properties, names unique across repetitions, labels, and nothing but the elements and
attributes GitLab and Jenkins document."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from junitparser import Error, Failure, JUnitXml, Properties, Skipped, TestCase, TestSuite

from cekura_client import InvalidRequestError, Result
from cekura_client.reports import MAX_TRANSCRIPT_CHARS, compare, to_junit_xml
from cekura_client.testing import payloads


def read(xml: str) -> list[TestSuite]:
    doc = JUnitXml.fromstring(xml)
    return list(doc)


def cases(suite: TestSuite) -> dict[str, TestCase]:
    return {case.name: case for case in suite}


def properties(case: TestCase) -> dict[str, str]:
    """A test case's properties as junitparser reads them."""
    found = case.child(Properties)  # type: ignore[no-untyped-call]
    return {} if found is None else {p.name: p.value for p in found}


def test_failing_result_counts_messages_and_times() -> None:
    xml = to_junit_xml(Result.from_dict(payloads.failing_result()))
    (suite,) = read(xml)
    assert suite.name == "Cekura result 1002: PR #482 - new insurance flow"
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (4, 2, 0, 0)
    assert suite.time == 155 + 0 + 247 + 122
    by_name = cases(suite)
    assert list(by_name) == [
        "Reschedule cleaning / Busy professional",
        "Cancel appointment / Busy professional",
        "Insurance question / Busy professional",
        "Reschedule cleaning / Busy professional #2",
    ]
    passed = by_name["Reschedule cleaning / Busy professional"]
    assert passed.classname == "Reschedule cleaning" and passed.time == 155.0
    assert passed.is_passed and "You're all set for Tuesday at 10am." in passed.system_out

    no_answer = by_name["Cancel appointment / Busy professional"]
    (failure,) = no_answer.result
    assert isinstance(failure, Failure) and failure.type == "CallError"
    assert failure.message == "Call failed to connect: callee did not answer"
    assert no_answer.time == 0.0

    metrics = by_name["Insurance question / Busy professional"]
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
    # No `skipped` on the root: Jenkins' JUnit schema does not have it there (see ALLOWED).
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped", "time")} == {
        "tests": "4",
        "failures": "2",
        "errors": "0",
        "skipped": None,
        "time": "524.000",
    }
    suite_props = root.find("testsuite/properties")
    assert suite_props is not None  # the run cases' own properties are not the suite's
    props = {p.get("name"): p.get("value") for p in suite_props}
    assert props == {
        "result_id": "1002",
        "status": "completed",
        "agent": "Ava - front desk",
        "success_rate": "50.0",
    }
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("timestamp") == "2026-11-20T14:02:58"


def test_running_result_skips_unevaluated_runs_and_errors_on_status() -> None:
    (suite,) = read(to_junit_xml(Result.from_dict(payloads.running_result())))
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (4, 0, 1, 2)
    by_name = cases(suite)
    (skipped,) = by_name["Cancel appointment / Busy professional"].result
    assert isinstance(skipped, Skipped)
    assert skipped.message == "not evaluated yet (status running)"
    (error,) = by_name["status"].result
    assert isinstance(error, Error) and error.type == "ResultNotCompleted"
    assert error.message == "result status is 'running', not 'completed'"
    assert by_name["Cancel appointment / Busy professional"].time == 0.0


def test_control_characters_and_markup_are_escaped_for_xml_1_0() -> None:
    current = Result.from_dict(payloads.regressed_result())
    xml = to_junit_xml(current)
    assert "\x1b" not in xml and "\x00" not in xml and "\x07" not in xml
    by_name = cases(read(xml)[0])
    (failure,) = by_name["Billing dispute / Elderly caller"].result
    assert failure.message == (
        "Provider error: \\x1b[31mSIP 486 Busy Here\\x1b[0m (carrier <Twilio>)"
    )
    out = by_name["Insurance question / Elderly caller"].system_out
    assert "[0:07] Testing Agent: Is my <Gold & Silver> plan covered? \\x07\\x00" in out


def test_lone_surrogates_and_ffff_become_visible_escapes() -> None:
    data = payloads.failing_result()
    data["runs"]["86102"]["error_message"] = "bad \ud83d half \uffff end"
    xml = to_junit_xml(Result.from_dict(data))
    xml.encode("utf-8")  # would raise on a lone surrogate
    by_name = cases(read(xml)[0])
    (failure,) = by_name["Cancel appointment / Busy professional"].result
    assert failure.message == "bad \\ud83d half \\uffff end"


def test_long_transcripts_are_cut_with_a_note() -> None:
    data = payloads.passing_result()
    run: dict[str, Any] = data["runs"]["86001"]
    turns = len(run["transcript_object"]) * 2000
    run["transcript_object"] = run["transcript_object"] * 2000
    (suite,) = read(to_junit_xml(Result.from_dict(data)))
    out = cases(suite)["Reschedule cleaning / Busy professional"].system_out
    *shown, note = out.splitlines()
    assert MAX_TRANSCRIPT_CHARS - 200 < len("\n".join(shown)) <= MAX_TRANSCRIPT_CHARS
    assert note == (
        f"[transcript cut: {len(shown):,} of {turns:,} turns shown (50,000 characters per run, "
        "2,000,000 per report); the JSON export (cekura-results export) has it all]"
    )


def test_baseline_adds_a_failing_regression_case() -> None:
    baseline = Result.from_dict(payloads.baseline_result())
    current = Result.from_dict(payloads.regressed_result())
    calm = to_junit_xml(current, baseline=baseline)  # the statistical rule: within chance
    (calm_case,) = list(read(calm)[1])
    assert calm_case.is_passed
    assert "Statistical rule at 95% confidence" in calm_case.system_out
    xml = to_junit_xml(
        current, baseline=baseline, comparison=compare(baseline, current, rule="thresholds")
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


# --- what GitLab and Jenkins read ------------------------------------------------------------

#: GitLab docs, "Unit test reports" (https://docs.gitlab.com/ci/testing/unit_test_reports/),
#: section "JUnit XML format specification": the elements and attributes GitLab parses.
GITLAB_JUNIT: dict[str, frozenset[str]] = {
    "testsuites": frozenset({"time"}),
    "testsuite": frozenset({"name", "time"}),
    "testcase": frozenset({"classname", "name", "file", "time"}),
    "failure": frozenset(),  # element content
    "error": frozenset(),
    "skipped": frozenset(),
    "system-out": frozenset(),
    "system-err": frozenset(),
}

#: Jenkins: the JUnit schema of the Jenkins xUnit plugin (jenkinsci/xunit-plugin,
#: src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd), with what the
#: Jenkins JUnit plugin parses (jenkinsci/junit-plugin, hudson/tasks/junit/SuiteResult.java
#: and CaseResult.java): the same attributes, plus ``properties`` in a ``testcase`` (shown with
#: ``junit keepProperties: true``).
JENKINS_JUNIT: dict[str, frozenset[str]] = {
    "testsuites": frozenset({"name", "time", "tests", "failures", "errors"}),
    "testsuite": frozenset(
        {
            "name",
            "tests",
            "failures",
            "errors",
            "group",
            "time",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
            "file",
            "log",
            "url",
        }
    ),
    "testcase": frozenset({"name", "time", "classname", "group"}),
    "failure": frozenset({"type", "message"}),
    "error": frozenset({"type", "message"}),
    "skipped": frozenset({"type", "message"}),
    "properties": frozenset(),
    "property": frozenset({"name", "value"}),
    "system-out": frozenset(),
    "system-err": frozenset(),
    "rerunFailure": frozenset({"type", "message"}),
    "rerunError": frozenset({"type", "message"}),
    "flakyFailure": frozenset({"type", "message"}),
    "flakyError": frozenset({"type", "message"}),
    "stackTrace": frozenset(),
}

#: Where each element may be, by the same Jenkins sources (``properties`` in ``testcase``:
#: CaseResult.java).
JENKINS_CHILDREN: dict[str, frozenset[str]] = {
    "testsuites": frozenset({"testsuite"}),
    "testsuite": frozenset({"testsuite", "properties", "testcase", "system-out", "system-err"}),
    "testcase": frozenset(
        {
            "skipped",
            "error",
            "failure",
            "rerunFailure",
            "rerunError",
            "flakyFailure",
            "flakyError",
            "system-out",
            "system-err",
            "properties",
        }
    ),
    "properties": frozenset({"property"}),
}

ALLOWED: dict[str, frozenset[str]] = {
    tag: GITLAB_JUNIT.get(tag, frozenset()) | JENKINS_JUNIT.get(tag, frozenset())
    for tag in GITLAB_JUNIT.keys() | JENKINS_JUNIT.keys()
}


def _odd_regressed() -> str:
    data = payloads.regressed_result()
    data["runs"]["86608"]["evaluation"] = {
        "metrics": [{"id": 1, "name": "Bad\x1b[31m\nname", "eval_type": "binary", "passed": False}]
    }
    return to_junit_xml(
        Result.from_dict(data),
        baseline=Result.from_dict(payloads.baseline_result()),
        labels={(7003, "Elderly caller"): "new failure"},
    )


DOCUMENTS: dict[str, Callable[[], str]] = {
    "passing": lambda: to_junit_xml(Result.from_dict(payloads.passing_result())),
    "failing": lambda: to_junit_xml(
        Result.from_dict(payloads.failing_result()), labels={(7002, "Busy professional"): "x"}
    ),
    "running": lambda: to_junit_xml(Result.from_dict(payloads.running_result())),
    "quirky": lambda: to_junit_xml(Result.from_dict(payloads.quirky_result())),
    "regressed": _odd_regressed,
    "no regression": lambda: to_junit_xml(
        Result.from_dict(payloads.nightly_result(1101)),
        baseline=Result.from_dict(payloads.nightly_result(1101)),
    ),
}


@pytest.mark.parametrize("document", DOCUMENTS)
def test_only_elements_and_attributes_gitlab_and_jenkins_document(document: str) -> None:
    root = ET.fromstring(DOCUMENTS[document]())
    assert root.tag == "testsuites"
    for element in root.iter():
        assert element.tag in ALLOWED, element.tag
        assert set(element.attrib) <= ALLOWED[element.tag], (element.tag, element.attrib)
        children = {child.tag for child in element}
        assert children <= JENKINS_CHILDREN.get(element.tag, frozenset()), element.tag
        if element.tag == "property":  # Jenkins' schema requires both
            assert set(element.attrib) == {"name", "value"}
    for case in root.iter("testcase"):  # what GitLab shows: suite (classname), name, time
        assert {"classname", "name", "time"} <= set(case.attrib)
    for suite in root.iter("testsuite"):  # what the Jenkins schema requires
        assert {"name", "tests", "failures", "errors"} <= set(suite.attrib)


def test_every_run_case_has_its_properties() -> None:
    root = ET.fromstring(to_junit_xml(Result.from_dict(payloads.regressed_result())))
    case = root.find(".//testcase[@name='Insurance question / Elderly caller']")
    assert case is not None
    props = [(p.get("name"), p.get("value")) for p in case.iterfind("properties/property")]
    assert props == [
        ("cekura.result_id", "1006"),
        ("cekura.run_id", "86606"),
        ("cekura.scenario_id", "7003"),
        ("cekura.personality", "Elderly caller"),
        ("cekura.metric.Appointment booked", "failed"),
        ("cekura.metric.Verified caller identity", "failed"),
        ("cekura.metric.Latency", "1520"),
        ("cekura.metric.Politeness", "3.1"),
    ]
    # junitparser (what CI plugins are built like) reads them back
    (suite,) = read(ET.tostring(root, encoding="unicode"))
    by_name = cases(suite)
    assert properties(by_name["Insurance question / Elderly caller"])["cekura.run_id"] == "86606"
    # the result-status and regression cases are not runs: no run properties
    running = ET.fromstring(to_junit_xml(Result.from_dict(payloads.running_result())))
    status = running.find(".//testcase[@name='status']")
    assert status is not None and status.find("properties") is None


def test_metric_properties_of_every_kind_and_odd_names() -> None:
    data = payloads.passing_result()
    data["runs"]["86001"]["evaluation"] = {
        "metrics": [
            {"id": 1, "name": "Booked", "eval_type": "binary", "passed": True},
            {"id": 2, "name": "Legacy", "type": "binary_qualitative", "score": 0},
            {"id": 3, "name": "Latency", "type": "numeric", "score": 1234567.0},
            {"id": 4, "name": "Politeness", "type": "continuous_qualitative", "score": 4.25},
            {"id": 5, "name": "Mood", "type": "enum", "enum": "calm\x00"},
            {"id": 6, "name": "Colour\x1b[31m\r\n  code\x7f", "type": "numeric", "score": 1},
            {"id": 7, "name": None, "type": "numeric", "score": 2},
            {"id": 8, "name": "Booked", "eval_type": "binary", "passed": False},
            {"id": 9, "name": "Unscored", "type": "numeric"},
            {"id": 10, "name": "x" * 500, "type": "numeric", "score": 3},
        ]
    }
    xml = to_junit_xml(Result.from_dict(data))
    assert not any(c in xml for c in "\x00\x1b\x7f\r")
    case = ET.fromstring(xml).find(".//testcase[@name='Reschedule cleaning / Busy professional']")
    assert case is not None
    props = {p.get("name", ""): p.get("value") for p in case.iterfind("properties/property")}
    metrics = {k[len("cekura.metric.") :]: v for k, v in props.items() if ".metric." in k}
    assert metrics == {
        "Booked": "passed",
        "Legacy": "failed",
        "Latency": "1234567",
        "Politeness": "4.25",
        "Mood": "calm\\x00",
        "Colour\\x1b[31m code\\x7f": "1",  # one line, control characters visible
        "metric 7": "2",
        "Booked #2": "failed",  # two metrics of one name keep both
        "x" * 199 + "…": "3",
    }


def test_names_are_unique_across_repetitions_in_run_id_order() -> None:
    data = payloads.passing_result()
    template = data["runs"]["86001"]
    runs: dict[str, Any] = {}
    # the dict order is not run-ID order; names follow run IDs
    for run_id, scenario, name in [
        (5, 7001, "Reschedule cleaning"),
        (2, 7001, "Reschedule cleaning"),
        (9, 7001, "Reschedule cleaning"),
        (7, 7002, "Cancel appointment"),
    ]:
        runs[str(run_id)] = {**template, "id": run_id, "scenario": scenario, "scenario_name": name}
    runs["4"] = {  # a scenario whose name is what run 5 would be called
        **template, "id": 4, "scenario": 7009, "personality_name": None,
        "scenario_name": "Reschedule cleaning / Busy professional #2",
    }  # fmt: skip
    runs["8"] = {**template, "id": 8, "personality_name": None}
    runs["10"] = {**template, "id": 10, "personality_name": None}
    data["runs"] = runs
    first = to_junit_xml(Result.from_dict(data))
    (suite,) = read(first)
    names = {int(properties(case)["cekura.run_id"]): case.name for case in suite}
    assert names == {
        2: "Reschedule cleaning / Busy professional",
        4: "Reschedule cleaning / Busy professional #2",
        5: "Reschedule cleaning / Busy professional #3",
        7: "Cancel appointment / Busy professional",
        8: "Reschedule cleaning",
        9: "Reschedule cleaning / Busy professional #4",
        10: "Reschedule cleaning #2",
    }
    assert [case.name for case in suite] == [names[i] for i in sorted(names)]
    data["runs"] = dict(reversed(list(runs.items())))
    assert to_junit_xml(Result.from_dict(data)) == first  # deterministic


def test_a_scenario_named_status_does_not_clash_with_the_status_case() -> None:
    data = payloads.running_result()
    for run in data["runs"].values():
        run["scenario_name"], run["personality_name"] = "status", None
    (suite,) = read(to_junit_xml(Result.from_dict(data)))
    names = [case.name for case in suite]
    assert len(names) == len(set(names)) == 4
    assert names[-1] == "status" and names[0] == "status #2"
    (error,) = cases(suite)["status"].result
    assert isinstance(error, Error)


def test_labels_go_into_a_property_and_the_failure_message() -> None:
    current = Result.from_dict(payloads.regressed_result())
    labels = {
        (7003, "Busy professional"): "new failure",  # by scenario ID
        ("7003", "Elderly caller"): "flaky",  # by the ID as text (compare()'s keys)
        ("Billing dispute", "Elderly caller"): "still failing",  # by name
        ("Reschedule cleaning", "Busy professional"): "fixed",  # a passing run
        (7004, "Busy professional"): "unused",  # not in this result
    }
    (suite,) = read(to_junit_xml(current, labels=labels))
    by_name = cases(suite)

    def label(name: str) -> str | None:
        return properties(by_name[name]).get("cekura.label")

    (failure,) = by_name["Insurance question / Busy professional"].result
    assert failure.message == "[new failure] failed metrics: Verified caller identity"
    assert label("Insurance question / Busy professional") == "new failure"
    (failure,) = by_name["Insurance question / Elderly caller"].result
    assert failure.message.startswith("[flaky] failed metrics: Appointment booked")
    (failure,) = by_name["Billing dispute / Elderly caller"].result
    assert failure.message.startswith("[still failing] Provider error: ")
    assert label("Reschedule cleaning / Busy professional") == "fixed"
    assert by_name["Reschedule cleaning / Busy professional"].is_passed
    assert label("Reschedule cleaning / Elderly caller") is None
    # without labels: no prefix, no property
    (plain,) = read(to_junit_xml(current))
    (failure,) = cases(plain)["Insurance question / Busy professional"].result
    assert failure.message == "failed metrics: Verified caller identity"


def test_a_label_with_control_characters_stays_visible() -> None:
    current = Result.from_dict(payloads.regressed_result())
    xml = to_junit_xml(current, labels={(7003, "Busy professional"): "new\x1b\nfailure"})
    assert "\x1b" not in xml
    (failure,) = cases(read(xml)[0])["Insurance question / Busy professional"].result
    assert failure.message.startswith("[new\\x1b\nfailure] ")


def test_the_recording_url_is_in_every_failure_text() -> None:
    (suite,) = read(to_junit_xml(Result.from_dict(payloads.regressed_result())))
    failures = [r for case in suite for r in case.result if isinstance(r, Failure)]
    assert len(failures) == 3
    for failure in failures:
        assert failure.text.splitlines()[-1].startswith("recording: https://recordings.cekura.ai/")


def test_a_comparison_must_be_of_the_reported_results() -> None:
    baseline = Result.from_dict(payloads.baseline_result())
    current = Result.from_dict(payloads.regressed_result())
    other = compare(current, baseline)
    calls: tuple[dict[str, Any], ...] = ({"baseline": baseline}, {})
    for kwargs in calls:
        with pytest.raises(InvalidRequestError) as info:
            to_junit_xml(current, comparison=other, **kwargs)
        assert str(info.value) == (
            "comparison is of result 1005 with baseline 1006; pass those results as the "
            "report's result and baseline"
        )
    with pytest.raises(InvalidRequestError) as info:
        to_junit_xml(current, baseline=baseline, comparison="yes")  # type: ignore[arg-type]
    assert str(info.value) == "comparison must be a Comparison or None, not str"
