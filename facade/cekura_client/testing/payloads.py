"""Realistic Get Result payloads, shaped like what Cekura's servers send (not like the spec).

Used by the embedded mock server, the demo and the tests. Each builder returns fresh JSON-ready
dicts, so callers may mutate them.

* ``passing_result``  (1001): completed, every run passed (newer ``eval_type: binary`` metrics).
* ``failing_result``  (1002): completed, but two runs failed: one never connected, one failed
  legacy binary metrics (score 0); with failed_reasons, ai_summary and next_steps.
* ``running_result``  (1003): still running: runs without evaluation, empty durations.
* ``quirky_result``   (1004): every documented quirk at once (numeric strings, string keys that
  differ from run IDs, ``H:MM:SS`` and ``75:03`` durations, scenario objects, null vs [] run
  lists, an unknown status, unknown fields).
* ``baseline_result`` (1005) and ``regressed_result`` (1006): the same agent before and after a
  change, for reports and comparisons: two personalities per scenario, numeric metrics
  (latency in ms, politeness 0-5), a scenario that newly fails, one that newly passes, one that
  appeared and one that disappeared, slower calls, and server text with control characters and
  markup in it.
* ``nightly_result`` (1101-1107): a week of nightly results of that agent, for trends. Any
  other positive ID gives another night of it, and ``nightly_results(n)`` gives n consecutive
  nights as a dict to serve: ``MockCekuraServer(payloads.nightly_results(50))``.

For results started on the mock server (``run_scenarios``, ``rerun``): ``started_result`` built
from ``finished_run`` and ``unfinished_run`` runs (the nightly results' metrics and scenario
names), the scenarios that ``SCENARIO_TAGS`` and ``SCENARIO_FOLDERS`` select, and ``list_item``,
a payload in the shape the results list sends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

__all__ = [
    "BASELINE_RESULT_ID",
    "DEFAULT_PERSONALITY",
    "FAILING_RESULT_ID",
    "MOCK_AGENT_ID",
    "MOCK_PROJECT_ID",
    "NIGHTLY_RESULT_IDS",
    "PASSING_RESULT_ID",
    "PERSONALITY_NAMES",
    "QUIRKY_RESULT_ID",
    "REGRESSED_RESULT_ID",
    "RUNNING_RESULT_ID",
    "SCENARIO_FOLDERS",
    "SCENARIO_TAGS",
    "agent_name",
    "all_results",
    "baseline_result",
    "failing_result",
    "finished_run",
    "list_item",
    "nightly_result",
    "nightly_results",
    "passing_result",
    "personality_name",
    "quirky_result",
    "regressed_result",
    "running_result",
    "scenario_name",
    "started_result",
    "unfinished_run",
    "webhook_pre_trigger",
    "webhook_result_completed",
]

PASSING_RESULT_ID = 1001
FAILING_RESULT_ID = 1002
RUNNING_RESULT_ID = 1003
QUIRKY_RESULT_ID = 1004
BASELINE_RESULT_ID = 1005
REGRESSED_RESULT_ID = 1006
NIGHTLY_RESULT_IDS = tuple(range(1101, 1108))

JSON = dict[str, Any]


def _binary(metric_id: int, name: str, passed: bool, why: str) -> JSON:
    return {
        "id": metric_id,
        "name": name,
        "eval_type": "binary",
        "passed": passed,
        "explanation": why,
        "function_name": None,
        "extra": {},
    }


def _legacy_binary(metric_id: int, name: str, passed: bool, why: list[str]) -> JSON:
    return {
        "id": metric_id,
        "name": name,
        "type": "binary_workflow_adherence",
        "score": 5 if passed else 0,
        "explanation": why,
        "extra": {
            "categories": []
            if passed
            else [{"category": "Workflow", "deviation": why[0], "priority": "high"}]
        },
    }


def _latency(metric_id: int, p50_ms: float) -> JSON:
    return {
        "id": metric_id,
        "name": "Latency",
        "type": "numeric",
        "score": p50_ms,
        "explanation": f"Median response latency {p50_ms:.0f} ms.",
        "extra": {"percentiles": {"p50": p50_ms, "p90": p50_ms * 1.6}},
    }


def _transcript(agent_line: str, with_tool_call: bool = False) -> list[JSON]:
    turns: list[JSON] = [
        {
            "role": "Main Agent",
            "content": "Thanks for calling Bright Smile Dental, this is Ava.",
            "start_time": 0.4,
            "end_time": 3.1,
            "time": "00:00",
        },
        {
            "role": "Testing Agent",
            "content": "Hi, I need to move my cleaning to next week.",
            "start_time": 3.9,
            "end_time": 6.8,
            "time": "00:03",
        },
    ]
    if with_tool_call:
        turns += [
            {
                "role": "Function Call",
                "content": "find_appointment",
                "start_time": 7.2,
                "end_time": 7.2,
                "data": {"name": "find_appointment", "arguments": {"phone": "+14155550123"}},
            },
            {
                "role": "Function Call Result",
                "content": '{"appointment_id": 88412}',
                "start_time": 7.9,
                "end_time": 7.9,
                "data": {"appointment_id": 88412},
            },
        ]
    turns.append(
        {
            "role": "Main Agent",
            "content": agent_line,
            "start_time": 8.3,
            "end_time": 12.0,
            "time": "00:08",
        }
    )
    return turns


def _run(
    run_id: int,
    scenario: int,
    scenario_name: str,
    *,
    success: bool,
    duration: str,
    metrics: list[JSON],
    error_message: str = "",
    status: str = "completed",
    outcome_score: int = 100,
) -> JSON:
    return {
        "id": run_id,
        "scenario": scenario,
        "scenario_name": scenario_name,
        "personality_name": "Busy professional",
        "outbound_number": "+14155550123",
        "inbound_number": "+14155550199",
        "call_id": f"CA{run_id:08x}e1b2c3d4",
        "status": status,
        "success": success,
        "error_message": error_message,
        "timestamp": "2026-11-20T14:03:11.482913Z",
        "executed_at": "2026-11-20T14:03:12Z",
        "duration": duration,
        "metadata": {"campaign": "nightly", "branch": "main"},
        "voice_recording": f"https://recordings.cekura.ai/{run_id}.wav",
        "expected_outcome": {
            "score": outcome_score,
            "explanation": [
                "✅ The agent confirmed the new appointment time."
                if outcome_score == 100
                else "❌ The agent never offered an alternative slot."
            ],
            "outcome_alignments": [
                {
                    "outcome": "Appointment rescheduled",
                    "prompt_part": "reschedule",
                    "aligned": outcome_score == 100,
                },
            ],
        },
        "evaluation": {"metrics": metrics},
        "transcript_object": _transcript(
            "You're all set for Tuesday at 10am." if success else "Sorry, I can't help with that.",
            with_tool_call=success,
        ),
    }


def _base(result_id: int, name: str, status: str) -> JSON:
    return {
        "id": result_id,
        "name": name,
        "agent": 512,
        "agent_name": "Ava - front desk",
        "status": status,
        "run_as_text": False,
        "is_cronjob": True,
        "domain": None,
        "domain_logo": None,
        "run_type": "scheduled",
        "created_at": "2026-11-20T14:02:58.118204Z",
        "updated_at": "2026-11-20T14:09:41.902117Z",
        "scenarios": [
            {"id": 7001, "name": "Reschedule cleaning"},
            {"id": 7002, "name": "Cancel appointment"},
            {"id": 7003, "name": "Insurance question"},
        ],
        "critical_categories": [
            {
                "id": 3284,
                "name": "Latency",
                "eval_type": "numeric",
                "simulation_enabled": True,
                "observability_enabled": False,
            },
        ],
        "metrics": [{"id": 3284, "name": "Latency", "type": "numeric"}],
        "runs_by_tags": {"smoke": [86001]},
        "latency_data": {"p50_ms": 820, "p90_ms": 1310},
        "failed_reasons": None,
        "ai_summary": None,
        "next_steps": None,
        "performance_metrics": [],
        "run_settings": {
            "override_value": 10,
            "frequency": 2,
            "concurrency_limit": 5,
            "personality_ids": [3, 7],
            "test_profile_ids": [20],
            "mode": "same_number",
            "livekit_data": None,
        },
    }


def _counts(runs: list[JSON]) -> JSON:
    done = [r for r in runs if r["status"] == "completed"]
    ok = [r for r in runs if r["success"]]
    return {
        "total_runs_count": len(runs),
        "completed_runs_count": len(done),
        "success_runs_count": len(ok),
        "failed_runs_count": len(done) - len(ok),
        "met_expected_outcome_count": sum(
            1 for r in runs if r["expected_outcome"].get("score") == 100
        ),
        "total_expected_outcome_count": sum(1 for r in runs if r["expected_outcome"]),
        "success_rate": round(100.0 * len(ok) / len(runs), 2) if runs else 0.0,
        "connected_runs": [r["id"] for r in runs if not r["error_message"]],
        "successful_calls": [r["id"] for r in ok],
    }


def passing_result(result_id: int = PASSING_RESULT_ID) -> JSON:
    runs = [
        _run(
            86001 + i,
            7001 + i,
            name,
            success=True,
            duration=duration,
            metrics=[
                _binary(901, "Appointment booked", True, "The agent booked the requested slot."),
                _binary(902, "No hallucinated prices", True, "No prices were quoted."),
                _latency(3284, 780.0 + 40 * i),
            ],
        )
        for i, (name, duration) in enumerate(
            [
                ("Reschedule cleaning", "02:41"),
                ("Cancel appointment", "01:58"),
                ("Insurance question", "03:12"),
            ]
        )
    ]
    result = _base(result_id, "Nightly regression - front desk", "completed")
    result.update(_counts(runs))
    result.update(
        runs={str(r["id"]): r for r in runs},
        total_duration="07:51",
        failed_infrastructure_runs=[],
        failed_workflow_runs=[],
        overall_evaluation={
            "success_rate": 100,
            "metric_summary": {
                "901": {
                    "id": 901,
                    "name": "Appointment booked",
                    "type": "binary",
                    "score": 100,
                    "function_name": "appointment_booked",
                },
                "3284": {
                    "id": 3284,
                    "name": "Latency",
                    "type": "numeric",
                    "score": 820.0,
                    "function_name": "latency",
                    "p50": 820.0,
                },
            },
            "worst_performing_metrics": {"binary_adherence": []},
            "numeric_metrics": [
                {
                    "name": "Latency",
                    "type": "numeric",
                    "value": 820.0,
                    "percentiles": {"p50": 820.0},
                },
            ],
            "enum_metrics": [],
            "extra_metrics": [
                {
                    "name": "Expected Outcome",
                    "type": "numeric",
                    "value": 100,
                    "percentiles": {"p50": 100},
                },
            ],
        },
    )
    return result


def failing_result(result_id: int = FAILING_RESULT_ID) -> JSON:
    runs = [
        _run(
            86101,
            7001,
            "Reschedule cleaning",
            success=True,
            duration="02:35",
            metrics=[
                _legacy_binary(901, "Appointment booked", True, ["Booked Tuesday 10am."]),
                _latency(3284, 910.0),
            ],
        ),
        _run(
            86102,
            7002,
            "Cancel appointment",
            success=False,
            duration="00:00",
            metrics=[],
            error_message="Call failed to connect: callee did not answer",
            outcome_score=0,
        ),
        _run(
            86103,
            7003,
            "Insurance question",
            success=False,
            duration="04:07",
            metrics=[
                _legacy_binary(
                    901, "Appointment booked", False, ["The agent ended the call without booking."]
                ),
                _legacy_binary(
                    903,
                    "Verified caller identity",
                    False,
                    [
                        "Date of birth was never asked.",
                        "The agent read out the address before verification.",
                    ],
                ),
                _latency(3284, 1630.0),
            ],
            outcome_score=40,
        ),
        _run(
            86104,
            7001,
            "Reschedule cleaning",
            success=True,
            duration="02:02",
            metrics=[
                _legacy_binary(901, "Appointment booked", True, ["Booked Monday 9am."]),
                _latency(3284, 870.0),
            ],
        ),
    ]
    result = _base(result_id, "PR #482 - new insurance flow", "completed")
    result.update(_counts(runs))
    result.update(
        is_cronjob=False,
        runs={str(r["id"]): r for r in runs},
        total_duration="08:44",
        failed_infrastructure_runs=[86102],
        failed_workflow_runs=[86103],
        overall_evaluation={
            "success_rate": 50.0,
            "metric_summary": {
                "901": {"id": 901, "name": "Appointment booked", "type": "binary", "score": 66.67},
                "903": {
                    "id": 903,
                    "name": "Verified caller identity",
                    "type": "binary",
                    "score": 0,
                    "explanation": "Identity was not verified in 1 of 1 runs.",
                },
            },
            "worst_performing_metrics": {"binary_adherence": [903, 901]},
            "numeric_metrics": [],
            "enum_metrics": [],
            "extra_metrics": [],
        },
        failed_reasons={
            "issues": [
                {
                    "rank": 1,
                    "run_ids": [86103],
                    "description": "The agent skipped identity verification.",
                    "affected_count": 1,
                },
                {
                    "rank": 2,
                    "run_ids": [86102],
                    "description": "The call to the agent was never answered.",
                    "affected_count": 1,
                },
            ],
            "total_failed_runs": 2,
        },
        ai_summary={
            "what_happened": "2 of 4 runs failed.",
            "why_it_happened": "The insurance flow skips identity verification.",
            "how_to_fix": "Ask for the date of birth before reading account details.",
            "generated_from_runs_count": 4,
            "generated_at": "2026-11-20T14:10:02Z",
        },
        next_steps=[
            {"title": "Add identity verification", "description": "1 prompt edit."},
            {"title": "Check the inbound number", "description": "Unblocks 1 run."},
        ],
    )
    return result


def running_result(result_id: int = RUNNING_RESULT_ID) -> JSON:
    done = _run(
        86201,
        7001,
        "Reschedule cleaning",
        success=True,
        duration="02:20",
        metrics=[
            _binary(901, "Appointment booked", True, "Booked."),
        ],
    )
    pending = [
        _run(86202 + i, 7002 + i, name, success=False, duration="", metrics=[], status="running")
        for i, name in enumerate(["Cancel appointment", "Insurance question"])
    ]
    for run in pending:
        run["evaluation"] = None if run["id"] == 86202 else {}
        run["expected_outcome"] = {}
        run["success"] = None
        run["duration"] = None if run["id"] == 86202 else ""
        run["transcript_object"] = []
    runs = [done, *pending]
    result = _base(result_id, "Nightly regression - front desk", "running")
    result.update(
        runs={str(r["id"]): r for r in runs},
        total_runs_count=3,
        completed_runs_count=1,
        success_runs_count=1,
        failed_runs_count=0,
        met_expected_outcome_count=1,
        total_expected_outcome_count=1,
        success_rate=100,
        total_duration="",
        connected_runs=[86201],
        successful_calls=[86201],
        failed_infrastructure_runs=None,
        failed_workflow_runs=None,
        overall_evaluation=None,
        run_settings=None,
    )
    return result


def quirky_result(result_id: int = QUIRKY_RESULT_ID) -> JSON:
    long_run = _run(
        86302,
        7002,
        "Cancel appointment",
        success=True,
        duration="1:02:03",
        metrics=[
            {
                "id": 904,
                "name": "Caller sentiment",
                "type": "enum",
                "enum": "satisfied",
                "explanation": ["Caller thanked the agent twice."],
            },
            {
                "id": 905,
                "name": "Politeness",
                "type": "continuous_qualitative",
                "score": 4.5,
                "explanation": "Warm and polite throughout.",
            },
        ],
    )
    # Webhook-style scenario object instead of an ID.
    long_run["scenario"] = {
        "id": 7002,
        "name": "Cancel appointment",
        "personality_name": "Busy professional",
        "expected_outcome_prompt": "The appointment is cancelled and confirmed by SMS.",
    }
    del long_run["scenario_name"]
    over_hour = _run(
        86301,
        7001,
        "Reschedule cleaning",
        success=False,
        duration="75:03",
        metrics=[_legacy_binary(901, "Appointment booked", False, ["No slot."])],
        outcome_score=0,
    )
    over_hour["expected_outcome"] = {}
    over_hour["sentiment_v2"] = {"label": "neutral"}  # a field no spec documents yet
    result = _base(result_id, "Quirks: every documented deviation", "post_processing")
    result.update(
        # The key is not always the run's own id: trust `id`.
        runs={"86399": over_hour, "86302": long_run},
        total_runs_count="2",
        completed_runs_count="2",
        success_runs_count=1,
        failed_runs_count="1",
        met_expected_outcome_count="0",
        total_expected_outcome_count=1,
        success_rate=50,
        is_cronjob=False,
        total_duration="2:17:06",
        connected_runs=["86301", 86302],
        not_connected_runs=[],
        successful_calls=[86302],
        failed_infrastructure_runs=None,
        failed_workflow_runs=[],
        overall_evaluation={},
        ai_summary_status="pending",
        path_coverage={"covered": 3, "total": 5},
    )
    return result


def webhook_result_completed(result_id: int = FAILING_RESULT_ID) -> JSON:
    """A ``result.completed`` webhook body: the result, with scenarios as objects."""
    result = failing_result(result_id)
    for run in result["runs"].values():
        run["scenario"] = {
            "id": run["scenario"],
            "name": run.pop("scenario_name"),
            "personality_name": run["personality_name"],
            "expected_outcome_prompt": "The caller's request is handled and confirmed.",
        }
    return {"event_type": "result.completed", "data": result}


def webhook_pre_trigger(result_id: int = RUNNING_RESULT_ID) -> JSON:
    """A ``result.pre_trigger`` webhook body: the result ID and its runs, before they run."""
    runs = running_result(result_id)["runs"]
    return {"event_type": "result.pre_trigger", "data": {"result_id": result_id, "runs": runs}}


_PERSONALITIES = ("Busy professional", "Elderly caller")
_REPORT_SCENARIOS = {
    7001: "Reschedule cleaning",
    7002: "Cancel appointment",
    7003: "Insurance question",
    7004: "Opening hours",
    7005: "Billing dispute",
}


def _report_run(
    run_id: int,
    scenario: int,
    personality: str,
    *,
    duration: str,
    latency_ms: float,
    politeness: float,
    failing: dict[str, str] | None = None,
    error_message: str = "",
) -> JSON:
    """A run of the report results: binary metrics (``failing`` maps the ones that failed to
    why), latency and politeness scores; a run with an error never connected (no metrics)."""
    failing = failing or {}
    metrics: list[JSON] = []
    if not error_message:
        metrics = [
            _binary(901, "Appointment booked", "Appointment booked" not in failing,
                    failing.get("Appointment booked", "The agent handled the request.")),
            _binary(903, "Verified caller identity", "Verified caller identity" not in failing,
                    failing.get("Verified caller identity", "Date of birth was checked.")),
            _latency(3284, latency_ms),
            {
                "id": 905,
                "name": "Politeness",
                "type": "continuous_qualitative",
                "score": politeness,
                "explanation": ["Warm and polite." if politeness >= 4 else "Curt at times."],
            },
        ]  # fmt: skip
    success = not failing and not error_message
    run = _run(
        run_id,
        scenario,
        _REPORT_SCENARIOS[scenario],
        success=success,
        duration=duration,
        metrics=metrics,
        error_message=error_message,
        outcome_score=100 if success else 0,
    )
    run["personality_name"] = personality
    return run


def _report_result(result_id: int, name: str, created: str, runs: list[JSON]) -> JSON:
    result = _base(result_id, name, "completed")
    scenario_ids = sorted({r["scenario"] for r in runs})
    result.update(_counts(runs))
    result.update(
        is_cronjob=name.startswith("Nightly"),
        created_at=created,
        updated_at=created.replace(":00:00", ":09:30"),
        scenarios=[{"id": i, "name": _REPORT_SCENARIOS[i]} for i in scenario_ids],
        metrics=[
            {"id": 901, "name": "Appointment booked", "type": "binary"},
            {"id": 903, "name": "Verified caller identity", "type": "binary"},
            {"id": 3284, "name": "Latency", "type": "numeric"},
            {"id": 905, "name": "Politeness", "type": "continuous_qualitative"},
        ],
        runs={str(r["id"]): r for r in runs},
        total_duration=_sum_durations(r["duration"] for r in runs),
        failed_infrastructure_runs=[r["id"] for r in runs if r["error_message"]],
        failed_workflow_runs=[r["id"] for r in runs if not r["success"] and not r["error_message"]],
    )
    return result


def _sum_durations(values: Any) -> str:
    total = 0
    for value in values:
        minutes, seconds = value.split(":")
        total += int(minutes) * 60 + int(seconds)
    return f"{total // 60:02d}:{total % 60:02d}"


def baseline_result(result_id: int = BASELINE_RESULT_ID) -> JSON:
    """Before the change: 8 runs (4 scenarios x 2 personalities), one failed."""
    runs = []
    for i, (scenario, personality, duration, latency, politeness) in enumerate(
        [
            (7001, "Busy professional", "02:31", 790.0, 4.6),
            (7001, "Elderly caller", "03:05", 810.0, 4.8),
            (7002, "Busy professional", "01:52", 840.0, 3.2),
            (7002, "Elderly caller", "02:10", 805.0, 4.5),
            (7003, "Busy professional", "02:48", 860.0, 4.4),
            (7003, "Elderly caller", "03:21", 830.0, 4.7),
            (7004, "Busy professional", "00:58", 760.0, 4.9),
            (7004, "Elderly caller", "01:12", 775.0, 4.6),
        ]
    ):
        failing = None
        if (scenario, personality) == (7002, "Busy professional"):
            failing = {
                "Appointment booked": "The agent asked for the booking reference twice, then "
                "ended the call without cancelling."
            }
        runs.append(
            _report_run(
                86501 + i,
                scenario,
                personality,
                duration=duration,
                latency_ms=latency,
                politeness=politeness,
                failing=failing,
            )
        )
    return _report_result(
        result_id, "Baseline - front desk v41", "2026-11-19T02:00:00.000000Z", runs
    )


def regressed_result(result_id: int = REGRESSED_RESULT_ID) -> JSON:
    """After the change: Insurance question newly fails for both personalities, Cancel
    appointment newly passes, Billing dispute appeared, Opening hours disappeared; calls are
    slower and latency is up ~50%. Server text carries markup and terminal control codes."""
    identity = (
        "Date of birth was never asked; the agent read the <policy number> & address "
        "before verification."
    )
    runs = []
    for i, (scenario, personality, duration, latency, politeness) in enumerate(
        [
            (7001, "Busy professional", "02:58", 1190.0, 4.5),
            (7001, "Elderly caller", "03:40", 1240.0, 4.6),
            (7002, "Busy professional", "02:05", 1210.0, 4.1),
            (7002, "Elderly caller", "02:29", 1180.0, 4.4),
            (7003, "Busy professional", "04:12", 1460.0, 3.9),
            (7003, "Elderly caller", "05:03", 1520.0, 3.1),
            (7005, "Busy professional", "03:17", 1300.0, 4.2),
            (7005, "Elderly caller", "00:00", 0.0, 0.0),
        ]
    ):
        failing = None
        error = ""
        if scenario == 7003:
            failing = {"Verified caller identity": identity}
            if personality == "Elderly caller":
                failing["Appointment booked"] = "The caller hung up before a slot was offered."
        if (scenario, personality) == (7005, "Elderly caller"):
            error = "Provider error: \x1b[31mSIP 486 Busy Here\x1b[0m (carrier <Twilio>)"
        run = _report_run(
            86601 + i,
            scenario,
            personality,
            duration=duration,
            latency_ms=latency,
            politeness=politeness,
            failing=failing,
            error_message=error,
        )
        if scenario == 7003:
            run["transcript_object"].insert(
                2,
                {
                    "role": "Testing Agent",
                    "content": "Is my <Gold & Silver> plan covered? \x07\x00",
                    "start_time": 7.0,
                    "end_time": 8.1,
                    "time": "00:07",
                },
            )
        runs.append(run)
    return _report_result(
        result_id, "PR #517 - faster voice model", "2026-11-20T02:00:00.000000Z", runs
    )


#: The last night of the week of nightly results (ID 1107). Other IDs count one night per ID
#: back from it, in a ten-year cycle so that every positive ID has a real, past date.
_LAST_NIGHT = dt.date(2026, 11, 18)
_NIGHTS_IN_CYCLE = 3650
_AGENT_ID = 512


def _check_result_id(result_id: int) -> None:
    if isinstance(result_id, bool) or not isinstance(result_id, int):
        raise TypeError(f"result_id must be an int, not {type(result_id).__name__}")
    if result_id < 1:
        raise ValueError(f"result_id must be a positive integer, got {result_id}")


def nightly_result(result_id: int, *, agent_id: int = _AGENT_ID) -> JSON:
    """One night of the agent's nightly regression: 6 runs (3 scenarios x 2 personalities), with
    0-3 failures depending on the night. 1101-1107 are the week before the baseline, one a day
    from 2026-11-12; any other positive ID is another night, one per ID counting back from
    2026-11-18 (1058 is 2026-09-30) in a ten-year cycle (1108 is 2016-11-21)."""
    _check_result_id(result_id)
    night = result_id - NIGHTLY_RESULT_IDS[0]
    failures = (0, 1, 0, 2, 1, 3, 1)[night % 7]
    # The week keeps its historical run IDs; other nights get their own block, clear of every
    # other payload's runs, so run IDs stay unique across everything served together.
    first_run = (
        86700 + night * 10 if result_id in NIGHTLY_RESULT_IDS else 1_000_000 + result_id * 10
    )
    runs = []
    for i in range(6):
        scenario = 7001 + i // 2
        failing = None
        if i >= 6 - failures:
            failing = {"Verified caller identity": "Date of birth was not asked."}
        runs.append(
            _report_run(
                first_run + i,
                scenario,
                _PERSONALITIES[i % 2],
                duration=f"0{2 + (i + night) % 3}:{(17 * i + 7 * night) % 60:02d}",
                latency_ms=780.0 + 15 * ((i * 7 + night * 3) % 9),
                politeness=round(3.6 + 0.2 * ((i + night) % 7), 1),
                failing=failing,
            )
        )
    nights_back = (NIGHTLY_RESULT_IDS[-1] - result_id) % _NIGHTS_IN_CYCLE
    created = f"{_LAST_NIGHT - dt.timedelta(days=nights_back)}T02:00:00.000000Z"
    result = _report_result(result_id, "Nightly regression - front desk", created, runs)
    result["agent"] = agent_id
    return result


def nightly_results(
    n: int, *, last_id: int = NIGHTLY_RESULT_IDS[-1], agent_id: int = _AGENT_ID
) -> dict[int, JSON]:
    """``n`` consecutive nights by ID, oldest first, ending with ``last_id`` (default 1107, so
    ``nightly_results(50)`` is 1058-1107, dated 2026-09-30 to 2026-11-18). Serve them with
    ``MockCekuraServer(nightly_results(50))`` or ``server.results.update(nightly_results(50))``.
    Keep ``n`` <= 101 with the default ``last_id``: lower IDs are the other examples'."""
    _check_result_id(last_id)
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, not {type(n).__name__}")
    if not 0 <= n <= last_id:
        raise ValueError(
            f"n must be from 0 to last_id ({last_id}) so that IDs stay positive, got {n}"
        )
    first = last_id - n + 1
    return {i: nightly_result(i, agent_id=agent_id) for i in range(first, last_id + 1)}


def all_results() -> dict[int, JSON]:
    """Every mock result by ID."""
    return {
        PASSING_RESULT_ID: passing_result(),
        FAILING_RESULT_ID: failing_result(),
        RUNNING_RESULT_ID: running_result(),
        QUIRKY_RESULT_ID: quirky_result(),
        BASELINE_RESULT_ID: baseline_result(),
        REGRESSED_RESULT_ID: regressed_result(),
        **{result_id: nightly_result(result_id) for result_id in NIGHTLY_RESULT_IDS},
    }


# --- Results started on the mock server (run_scenarios, run_scenarios_text, rerun) ------------

#: The agent of every example result, and the project the mock puts it in.
MOCK_AGENT_ID = _AGENT_ID
MOCK_PROJECT_ID = 1376
#: Scenario tags the mock knows: ``run_scenarios`` with ``tags`` runs the union of theirs.
SCENARIO_TAGS: dict[str, tuple[int, ...]] = {
    "smoke": (7001,),
    "nightly": (7001, 7002, 7003),
    "appointments": (7001, 7002),
    "billing": (7003, 7005),
}
#: Scenario folders the mock knows; a ``folder_path`` selects a folder and its subfolders
#: (``"FrontDesk"`` is all five scenarios).
SCENARIO_FOLDERS: dict[str, tuple[int, ...]] = {
    "FrontDesk.Appointments": (7001, 7002),
    "FrontDesk.Questions": (7003, 7004),
    "FrontDesk.Billing": (7005,),
}
#: Personality IDs the mock knows (the examples' ``run_settings`` name 3 and 7).
PERSONALITY_NAMES: dict[int, str] = {3: _PERSONALITIES[0], 7: _PERSONALITIES[1]}
DEFAULT_PERSONALITY = _PERSONALITIES[0]

_LIST_FIELDS = (
    "id", "name", "agent", "agent_name", "agent_inbound", "status", "success_rate", "run_as_text",
    "is_cronjob", "runs", "met_expected_outcome_count", "total_expected_outcome_count",
    "total_runs_count", "completed_runs_count", "success_runs_count", "failed_runs_count",
    "scenarios", "run_type", "agent_version", "created_at", "updated_at",
)  # fmt: skip
_COUNT_FIELDS = (
    "met_expected_outcome_count", "total_expected_outcome_count", "total_runs_count",
    "completed_runs_count", "success_runs_count", "failed_runs_count",
)  # fmt: skip
_RUN_SUMMARY_FIELDS = (
    "id", "scenario", "scenario_name", "personality_name", "status", "success", "error_message",
    "duration", "executed_at",
)  # fmt: skip


def scenario_name(scenario_id: int) -> str:
    """The name of a scenario: the examples' names for 7001-7005, else ``"Scenario <id>"``."""
    return _REPORT_SCENARIOS.get(scenario_id, f"Scenario {scenario_id}")


def personality_name(personality_id: int | None) -> str:
    """The name of a personality: ``PERSONALITY_NAMES``, else ``"Personality <id>"``; None is
    the scenario's default personality (``DEFAULT_PERSONALITY``)."""
    if personality_id is None:
        return DEFAULT_PERSONALITY
    return PERSONALITY_NAMES.get(personality_id, f"Personality {personality_id}")


def agent_name(agent_id: int) -> str:
    """The example agent's name for 512, else ``"Agent <id>"``."""
    return "Ava - front desk" if agent_id == _AGENT_ID else f"Agent {agent_id}"


def finished_run(
    run_id: int,
    scenario: int,
    *,
    index: int = 0,
    personality: str = DEFAULT_PERSONALITY,
    passed: bool = True,
    executed_at: str | None = None,
) -> JSON:
    """A completed run of a started result, with the nightly results' metrics (Appointment
    booked, Verified caller identity, Latency, Politeness): a failed one fails "Verified caller
    identity" as a failing night does. ``index`` varies duration, latency and politeness."""
    failing = None if passed else {"Verified caller identity": "Date of birth was not asked."}
    # Built as a run of 7001, then renamed: nothing else in a report run depends on its scenario.
    run = _report_run(
        run_id,
        7001,
        personality,
        duration=f"0{2 + index % 3}:{(17 * index + 11) % 60:02d}",
        latency_ms=780.0 + 15 * ((index * 7) % 9),
        politeness=round(3.6 + 0.2 * (index % 7), 1),
        failing=failing,
    )
    run.update(scenario=scenario, scenario_name=scenario_name(scenario))
    if executed_at is not None:
        run.update(timestamp=executed_at, executed_at=executed_at)
    return run


def unfinished_run(
    run_id: int, scenario: int, *, status: str, personality: str = DEFAULT_PERSONALITY
) -> JSON:
    """A run that has not finished (``pending``, ``running``) or never will (``cancelled``): no
    success, duration, evaluation, transcript or recording yet."""
    run = _run(run_id, scenario, scenario_name(scenario), success=False, duration="", metrics=[])
    run.update(
        personality_name=personality,
        status=status,
        success=None,
        duration=None,
        evaluation=None,
        expected_outcome={},
        transcript_object=[],
        voice_recording=None,
        call_id=None,
        timestamp=None,
        executed_at=None,
    )
    return run


def started_result(
    result_id: int,
    runs: list[JSON],
    *,
    status: str,
    agent_id: int = _AGENT_ID,
    name: str = "Nightly regression - front desk",
    created_at: str = "2026-11-20T14:02:58.118204Z",
    updated_at: str | None = None,
    run_as_text: bool = False,
    run_type: str = "Voice",
    run_settings: JSON | None = None,
) -> JSON:
    """A Get Result payload of a result started through the API, from its runs (finished_run
    and unfinished_run ones): counts and ``success_rate`` (a percentage of the completed runs)
    follow from them; ``overall_evaluation`` is set once ``status`` is ``completed``."""
    done = [r for r in runs if r["status"] == "completed"]
    ok = [r for r in done if r["success"]]
    scenario_ids = list(dict.fromkeys(r["scenario"] for r in runs))
    success_rate = round(100.0 * len(ok) / len(done), 2) if done else 0
    result = _base(result_id, name, status)
    result.update(
        agent=agent_id,
        agent_name=agent_name(agent_id),
        agent_inbound=True,
        run_as_text=run_as_text,
        is_cronjob=False,
        run_type=run_type,
        created_at=created_at,
        updated_at=updated_at or created_at,
        scenarios=[{"id": i, "name": scenario_name(i)} for i in scenario_ids],
        metrics=[
            {"id": 901, "name": "Appointment booked", "type": "binary"},
            {"id": 903, "name": "Verified caller identity", "type": "binary"},
            {"id": 3284, "name": "Latency", "type": "numeric"},
            {"id": 905, "name": "Politeness", "type": "continuous_qualitative"},
        ],
        runs_by_tags={},
        latency_data=None,
        run_settings=run_settings,
        runs={str(r["id"]): r for r in runs},
        total_runs_count=len(runs),
        completed_runs_count=len(done),
        success_runs_count=len(ok),
        failed_runs_count=len(done) - len(ok),
        met_expected_outcome_count=sum(
            1 for r in done if r["expected_outcome"].get("score") == 100
        ),
        total_expected_outcome_count=len(done),
        success_rate=success_rate,
        total_duration=_sum_durations(r["duration"] for r in done) if done else "",
        connected_runs=[r["id"] for r in done if not r["error_message"]],
        not_connected_runs=[r["id"] for r in done if r["error_message"]],
        successful_calls=[r["id"] for r in ok],
        failed_infrastructure_runs=[r["id"] for r in done if r["error_message"]],
        failed_workflow_runs=[r["id"] for r in done if not r["success"] and not r["error_message"]],
        overall_evaluation={"success_rate": success_rate} if status == "completed" else None,
    )
    return result


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value)
    return None


def _run_summary(run: JSON) -> JSON:
    summary = {name: run.get(name) for name in _RUN_SUMMARY_FIELDS}
    scenario = run.get("scenario")
    if isinstance(scenario, dict):  # the webhook-style scenario object
        summary["scenario"] = scenario.get("id")
        summary["scenario_name"] = summary["scenario_name"] or scenario.get("name")
        summary["personality_name"] = summary["personality_name"] or scenario.get(
            "personality_name"
        )
    return summary


def list_item(result: JSON) -> JSON:
    """A Get Result payload in the shape the results list sends (the spec's ``Result``): the
    list's fields only (null when the payload lacks one), counts as integers, and ``runs`` as a
    list of run summaries (no transcripts or metrics) instead of a dict keyed by run ID."""
    item = {name: result.get(name) for name in _LIST_FIELDS}
    for name in _COUNT_FIELDS:
        item[name] = _count(item[name])
    runs = result.get("runs")
    values = runs.values() if isinstance(runs, dict) else runs if isinstance(runs, list) else []
    item["runs"] = [_run_summary(run) for run in values if isinstance(run, dict)]
    return item
