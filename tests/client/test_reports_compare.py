"""compare(): matching runs by scenario and personality, and the regression rule."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cekura_client import InvalidRequestError, Result
from cekura_client.reports import compare, format_comparison
from cekura_client.testing import payloads


@pytest.fixture(scope="module")
def baseline() -> Result:
    return Result.from_dict(payloads.baseline_result())


@pytest.fixture(scope="module")
def regressed() -> Result:
    return Result.from_dict(payloads.regressed_result())


def test_regression_against_the_baseline(baseline: Result, regressed: Result) -> None:
    c = compare(baseline, regressed, rule="thresholds")
    assert (c.baseline_id, c.current_id) == (1005, 1006)
    assert c.regressed is True
    assert c.reasons == [
        "2 scenario(s) newly failing: Insurance question / Busy professional, "
        "Insurance question / Elderly caller",
        "metric 'Verified caller identity' pass rate fell from 100% to 71%",
        "run success rate fell from 87.5% to 62.5%",
    ]
    assert [s.label for s in c.newly_failing] == [
        "Insurance question / Busy professional",
        "Insurance question / Elderly caller",
    ]
    assert [s.label for s in c.newly_passing] == ["Cancel appointment / Busy professional"]
    assert [s.label for s in c.appeared] == [
        "Billing dispute / Busy professional",
        "Billing dispute / Elderly caller",
    ]
    assert [s.label for s in c.disappeared] == [
        "Opening hours / Busy professional",
        "Opening hours / Elderly caller",
    ]
    insurance = c.newly_failing[1]
    assert (insurance.baseline_runs, insurance.current_runs) == ([86506], [86606])
    assert (insurance.baseline_mean_duration, insurance.current_mean_duration) == (201.0, 303.0)
    assert (c.baseline_success_rate, c.current_success_rate) == (87.5, 62.5)


def test_metric_changes(baseline: Result, regressed: Result) -> None:
    metrics = {m.name: m for m in compare(baseline, regressed, rule="thresholds").metrics}
    assert list(metrics) == [
        "Appointment booked",
        "Verified caller identity",
        "Latency",
        "Politeness",
    ]
    identity = metrics["Verified caller identity"]
    assert identity.binary and identity.significant
    assert identity.baseline_pass_rate == 100.0
    assert identity.current_pass_rate == pytest.approx(500 / 7)
    assert identity.pass_rate_delta == pytest.approx(500 / 7 - 100)
    latency = metrics["Latency"]
    assert not latency.binary and latency.significant
    assert latency.baseline_mean_score == pytest.approx(808.75)
    assert latency.current_mean_score == pytest.approx(1300.0)
    assert latency.mean_score_change == pytest.approx(1300 / 808.75 - 1)
    assert latency.baseline_pass_rate is None
    booked = metrics["Appointment booked"]  # 87.5% -> 85.7%: within 5 points
    assert not booked.significant
    politeness = metrics["Politeness"]  # 4.46 -> 4.11: -7.8 %, within 10 %
    assert not politeness.significant and politeness.mean_score_change == pytest.approx(
        (28.8 / 7) / (35.7 / 8) - 1
    )


def test_duration_change(baseline: Result, regressed: Result) -> None:
    d = compare(baseline, regressed).duration
    assert d.baseline_mean == pytest.approx(1077 / 8)
    assert d.current_mean == pytest.approx(1424 / 7)  # the 0:00 run never connected
    assert d.significant and d.mean_change == pytest.approx((1424 / 7) / (1077 / 8) - 1)
    assert (d.baseline_median, d.current_median) == (140.5, 197.0)


def test_identical_results_do_not_regress(baseline: Result) -> None:
    c = compare(baseline, baseline)
    assert not c.regressed and c.reasons == []
    assert {s.change for s in c.scenarios} == {"still_passing", "still_failing"}
    assert c.changed_metrics == [] and not c.duration.significant


def test_nightly_getting_better_is_not_a_regression() -> None:
    worse = Result.from_dict(payloads.nightly_result(1106))  # 3 failures
    better = Result.from_dict(payloads.nightly_result(1107))  # 1 failure
    c = compare(worse, better, rule="thresholds")
    assert not c.regressed
    assert [s.label for s in c.newly_passing] == [
        "Cancel appointment / Elderly caller",
        "Insurance question / Busy professional",
    ]
    assert compare(better, worse, rule="thresholds").regressed


def test_thresholds(baseline: Result, regressed: Result) -> None:
    loose = compare(
        baseline,
        regressed,
        rule="thresholds",
        pass_rate_threshold=50,
        score_threshold=1.0,
        duration_threshold=1.0,
    )
    assert loose.reasons == [
        "2 scenario(s) newly failing: Insurance question / Busy professional, "
        "Insurance question / Elderly caller"
    ]
    assert loose.changed_metrics == [] and not loose.duration.significant
    # The library's own error (also a ValueError), naming the argument and the value.
    for kwargs, message in (
        ({"pass_rate_threshold": -1}, "pass_rate_threshold must be a number >= 0, got -1"),
        ({"score_threshold": float("nan")}, "score_threshold must be a number >= 0, got nan"),
        ({"duration_threshold": "0.2"}, "duration_threshold must be a number >= 0, got '0.2'"),
    ):
        with pytest.raises(InvalidRequestError) as info:
            compare(baseline, regressed, **kwargs)
        assert str(info.value) == message and isinstance(info.value, ValueError)


def test_runs_without_personality_match_by_scenario_alone() -> None:
    old, new = payloads.passing_result(), payloads.failing_result()
    for data in (old, new):
        for run in data["runs"].values():
            run["personality_name"] = None
    c = compare(Result.from_dict(old), Result.from_dict(new))
    assert [(s.label, s.change) for s in c.scenarios] == [
        ("Cancel appointment", "newly_failing"),
        ("Insurance question", "newly_failing"),
        ("Reschedule cleaning", "still_passing"),
    ]
    assert c.scenarios[2].current_runs == [86101, 86104]


def test_scenarios_match_by_id_when_renamed() -> None:
    new = payloads.passing_result()
    new["runs"]["86001"]["scenario_name"] = "Reschedule a cleaning (renamed)"
    c = compare(Result.from_dict(payloads.passing_result()), Result.from_dict(new))
    assert c.appeared == [] and c.disappeared == []


def test_pending_runs_are_incomplete_not_regressions() -> None:
    c = compare(
        Result.from_dict(payloads.passing_result()), Result.from_dict(payloads.running_result())
    )
    changes = {s.label: s.change for s in c.scenarios}
    assert changes == {
        "Cancel appointment / Busy professional": "incomplete",
        "Insurance question / Busy professional": "incomplete",
        "Reschedule cleaning / Busy professional": "still_passing",
    }
    assert not c.regressed


def test_to_dict_is_json(baseline: Result, regressed: Result) -> None:
    data = json.loads(json.dumps(compare(baseline, regressed).to_dict()))
    assert data["regressed"] is False
    assert (data["rule"], data["confidence"], data["sign_test_p_value"]) == (
        "statistical",
        0.95,
        0.5,
    )
    assert data["scenarios"][0] == {
        "scenario": "Billing dispute",
        "scenario_id": 7005,
        "personality": "Busy professional",
        "baseline": None,
        "current": "passed",
        "baseline_runs": [],
        "current_runs": [86607],
        "baseline_run_ids": [],
        "current_run_ids": [86607],
        "baseline_mean_duration": None,
        "current_mean_duration": 197.0,
        "baseline_passed": 0,
        "baseline_decided": 0,
        "current_passed": 1,
        "current_decided": 1,
        "p_value": None,
        "label": "Billing dispute / Busy professional",
        "change": "appeared",
    }
    newly_failing = [s for s in data["scenarios"] if s["change"] == "newly_failing"]
    assert [
        (s["scenario_id"], s["baseline_run_ids"], s["current_run_ids"]) for s in newly_failing
    ] == [
        (7003, [86505], [86605]),
        (7003, [86506], [86606]),
    ]
    assert data["duration"]["mean_change"] == pytest.approx(0.5112, abs=1e-3)


def test_scenarios_matched_by_name_have_no_scenario_id() -> None:
    def without_ids(payload: dict[str, Any]) -> Result:
        for run in payload["runs"].values():
            run["scenario"] = None
        return Result.from_dict(payload)

    c = compare(without_ids(payloads.baseline_result()), without_ids(payloads.regressed_result()))
    item = next(s for s in c.to_dict()["scenarios"] if s["label"].startswith("Insurance"))
    assert (item["scenario"], item["scenario_id"]) == ("Insurance question", None)
    assert item["baseline_run_ids"] == item["baseline_runs"] and item["baseline_runs"]


def test_format_comparison(baseline: Result, regressed: Result) -> None:
    text = format_comparison(compare(baseline, regressed, rule="thresholds"))
    assert text.splitlines()[:3] == [
        "Result 1006 compared with baseline 1005: REGRESSED",
        "  run success rate: 87.5% -> 62.5%",
        "  Thresholds rule: a regression is a scenario newly failing, or a pass rate down "
        "more than 5 points.",
    ]
    assert "Metrics that changed:\n  Verified caller identity: pass rate 100.0% -> 71.4%\n" in text
    assert "  Latency: mean score 808.8 -> 1300 (+61%)\n" in text
    assert text.endswith("Mean run duration: 134.6 s -> 203.4 s (+51%)")
    same = format_comparison(compare(baseline, baseline))
    assert same.startswith("Result 1005 compared with baseline 1005: NO REGRESSION\n")


# --- The statistical rule (the default) ----------------------------------------------------------


def _result(result_id: int, outcomes: dict[int, list[bool]]) -> Result:
    """A completed result: ``outcomes[scenario]`` are that scenario's runs, each passing a binary
    metric exactly when the run succeeded."""
    runs: dict[str, Any] = {}
    for scenario, results in outcomes.items():
        for ok in results:
            run_id = 1_000 * result_id + len(runs)
            runs[str(run_id)] = {
                "id": run_id,
                "status": "completed",
                "success": ok,
                "scenario": scenario,
                "scenario_name": f"Scenario {scenario}",
                "evaluation": {
                    "metrics": [{"id": 1, "name": "Resolved", "eval_type": "binary", "passed": ok}]
                },
            }
    return Result.from_dict({"id": result_id, "status": "completed", "runs": runs})


def test_one_unlucky_call_is_not_a_regression(baseline: Result, regressed: Result) -> None:
    c = compare(baseline, regressed)
    assert (c.rule, c.confidence) == ("statistical", 0.95)
    assert not c.regressed and c.reasons == []
    assert len(c.newly_failing) == 2 and len(c.newly_passing) == 1  # still listed
    assert c.sign_test_p_value == 0.5 and c.sign_test_level == pytest.approx(0.025)
    assert c.item_level == pytest.approx(0.025 / 8)  # 6 paired scenarios + 2 binary metrics
    identity = next(m for m in c.metrics if m.name == "Verified caller identity")
    assert (identity.baseline_passed, identity.baseline_scored) == (8, 8)
    assert (identity.current_passed, identity.current_scored) == (5, 7)
    assert identity.p_value == pytest.approx(0.2) and not identity.significant
    assert format_comparison(c).splitlines()[:3] == [
        "Result 1006 compared with baseline 1005: NO REGRESSION",
        "  run success rate: 87.5% -> 62.5%",
        "  Statistical rule at 95% confidence: 2 newly failing against 1 newly passing, sign "
        "test p = 0.5 (a regression needs p < 0.025, or p < 0.0031 for one scenario's or "
        "metric's pass rate).",
    ]


def test_several_one_run_scenarios_add_up_to_a_regression() -> None:
    before = _result(1, {s: [True] for s in range(1, 9)})
    five = _result(2, {s: [s > 5] for s in range(1, 9)})  # 5 of 8 fail: p = 1/32
    six = _result(3, {s: [s > 6] for s in range(1, 9)})  # 6 of 8 fail: p = 1/64
    assert not compare(before, five).regressed
    assert compare(before, five).sign_test_p_value == 1 / 32
    c = compare(before, six)
    assert c.regressed and c.sign_test_p_value == 1 / 64
    assert c.reasons == [
        "6 scenario(s) newly failing against 0 newly passing, unlikely by chance (sign test "
        "p = 0.016 < 0.025): Scenario 1, Scenario 2, Scenario 3, Scenario 4, Scenario 5, "
        "Scenario 6",
    ]
    # 8 one-run scenarios and the metric, each tested at 0.025 / 9: the metric's 8 of 8 -> 2
    # of 8 is not enough on its own.
    assert c.item_level == pytest.approx(0.025 / 9)
    assert c.metrics[0].p_value == pytest.approx(28 / 8008) and not c.metrics[0].significant
    # A looser confidence is enough for five.
    assert compare(before, five, confidence=0.9).regressed


def test_a_drop_within_one_scenario_counts_given_its_runs() -> None:
    before = _result(1, {1: [True] * 20, 2: [True] * 3})
    after = _result(2, {1: [True] * 5 + [False] * 15, 2: [True] * 3})
    c = compare(before, after)
    assert c.regressed and c.sign_test_p_value == 0.5  # one pair: no evidence from the sign test
    scenario = next(s for s in c.scenarios if s.label == "Scenario 1")
    assert (scenario.baseline_passed, scenario.baseline_decided) == (20, 20)
    assert (scenario.current_passed, scenario.current_decided) == (5, 20)
    assert scenario.p_value is not None and scenario.p_value < 1e-6
    assert c.reasons[0].startswith(
        "scenario 'Scenario 1' passed 20 of 20 runs, now 5 of 20 (Fisher p = "
    )
    assert c.reasons[1].startswith(
        "metric 'Resolved' pass rate fell from 100% of 23 runs to 35% of 23 (Fisher p = "
    )
    # The same drop in one run each way is chance.
    assert not compare(_result(3, {1: [True]}), _result(4, {1: [False]})).regressed


def test_the_statistical_rule_marks_metric_changes_either_way() -> None:
    before = _result(1, {1: [False] * 15 + [True] * 5})
    after = _result(2, {1: [True] * 20})
    c = compare(before, after)
    resolved = c.metrics[0]
    assert resolved.significant and not c.regressed  # a significant rise is no regression
    assert c.changed_metrics == [resolved]


def test_rule_and_confidence_are_checked(baseline: Result) -> None:
    for kwargs, message in (
        ({"rule": "strict"}, "rule must be 'statistical' or 'thresholds', got 'strict'"),
        ({"confidence": 1.0}, "confidence must be a number between 0.5 and 1 (exclusive), got 1.0"),
        (
            {"confidence": float("nan")},
            "confidence must be a number between 0.5 and 1 (exclusive), got nan",
        ),
    ):
        with pytest.raises(InvalidRequestError) as info:
            compare(baseline, baseline, **kwargs)
        assert str(info.value) == message


@pytest.mark.parametrize(
    ("confidence", "shown"), [(0.975, "97.5%"), (0.999, "99.9%"), (0.9, "90%")]
)
def test_the_rule_names_the_confidence_as_given(
    baseline: Result, regressed: Result, confidence: float, shown: str
) -> None:
    text = format_comparison(compare(baseline, regressed, confidence=confidence))
    assert f"Statistical rule at {shown} confidence: " in text


def test_a_scenario_id_and_a_name_that_spells_it_are_different_scenarios() -> None:
    def result(result_id: int, run: dict[str, Any]) -> Result:
        return Result.from_dict({"id": result_id, "status": "completed", "runs": {"1": run}})

    with_id = {"id": 1, "scenario": 7, "scenario_name": "Greeting", "success": True}
    named_7 = {"id": 1, "scenario_name": "7", "success": False}
    c = compare(result(1, with_id), result(2, named_7), rule="thresholds")
    assert c.newly_failing == []
    assert [s.label for s in c.disappeared] == ["Greeting"]
    assert [s.label for s in c.appeared] == ["7"]
