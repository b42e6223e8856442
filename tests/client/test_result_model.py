"""Every quirk of ../shared/docs/api-facts.md, parsed from realistic payloads."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from collections.abc import Callable
from typing import Any

import pytest

from cekura_client import ResponseValidationError, Result, ResultStatus
from cekura_client.testing import payloads


def parse(payload: dict[str, Any]) -> Result:
    return Result.from_dict(payload)


COUNT_FIELDS = [
    "total_runs_count",
    "completed_runs_count",
    "success_runs_count",
    "failed_runs_count",
    "met_expected_outcome_count",
    "total_expected_outcome_count",
]


class TestCounts:
    def test_json_integers(self) -> None:
        result = parse(payloads.failing_result())
        assert [getattr(result, f) for f in COUNT_FIELDS] == [4, 4, 2, 2, 2, 4]
        assert all(type(getattr(result, f)) is int for f in COUNT_FIELDS)

    def test_numeric_strings_as_the_spec_types_them(self) -> None:
        payload = payloads.failing_result()
        for field in COUNT_FIELDS:
            payload[field] = str(payload[field])
        result = parse(payload)
        assert [getattr(result, f) for f in COUNT_FIELDS] == [4, 4, 2, 2, 2, 4]

    def test_mixed_strings_and_ints_in_the_quirky_payload(self) -> None:
        result = parse(payloads.quirky_result())
        assert result.total_runs_count == 2 and result.failed_runs_count == 1
        assert result.met_expected_outcome_count == 0

    @pytest.mark.parametrize("field", COUNT_FIELDS)
    def test_unusable_count_names_the_field(self, field: str) -> None:
        payload = payloads.passing_result()
        payload[field] = "many"
        with pytest.raises(ResponseValidationError) as info:
            parse(payload)
        assert info.value.path == field
        assert info.value.value_type == "string"
        assert str(info.value) == f"{field}: expected an integer, got string 'many'"

    @pytest.mark.parametrize(
        "text",
        ["0\x1f", "\x1c7", "9" * 5000],
        ids=["unit-separator", "file-separator", "5000-digits"],
    )
    def test_number_text_int_refuses_names_the_field(self, text: str) -> None:
        """Text the numeric pattern lets through but int() refuses (the separators
        \\x1c-\\x1f count as whitespace for the pattern, not for int(); more digits than
        Python's limit) is a ResponseValidationError on the field, not a ValueError."""
        payload = payloads.passing_result()
        payload["completed_runs_count"] = text
        with pytest.raises(ResponseValidationError) as info:
            parse(payload)
        assert info.value.path == "completed_runs_count"
        assert str(info.value).startswith("completed_runs_count: expected an integer, got string")

    def test_duration_with_more_digits_than_int_reads_names_the_field(self) -> None:
        payload = payloads.passing_result()
        payload["total_duration"] = "9" * 5000 + ":00:00"
        parsed: Callable[[], Result]
        for parsed in (lambda: parse(payload), lambda: Result.from_json(json.dumps(payload))):
            with pytest.raises(ResponseValidationError) as info:
                parsed()
            assert info.value.path == "total_duration"
            assert str(info.value).startswith(
                "total_duration: expected a duration timedelta can hold, got string"
            )

    def test_metric_summary_key_int_refuses_is_skipped(self) -> None:
        payload = payloads.passing_result()
        payload["overall_evaluation"] = {
            "metric_summary": {"12\x1f": {"name": "odd key"}, "7": {"name": "Appointment booked"}}
        }
        summary = parse(payload).overall_evaluation
        assert summary is not None
        assert {k: v.name for k, v in summary.metric_summary.items()} == {7: "Appointment booked"}

    def test_boolean_is_not_a_count(self) -> None:
        payload = payloads.passing_result()
        payload["total_runs_count"] = True
        with pytest.raises(ResponseValidationError, match="total_runs_count: .* got boolean"):
            parse(payload)

    def test_missing_or_null_count_is_zero(self) -> None:
        payload = payloads.running_result()
        del payload["total_runs_count"]
        payload["failed_runs_count"] = None
        result = parse(payload)
        assert result.total_runs_count == 0 and result.failed_runs_count == 0


class TestScalars:
    def test_is_cronjob_is_a_real_boolean(self) -> None:
        assert parse(payloads.passing_result()).is_cronjob is True
        assert parse(payloads.failing_result()).is_cronjob is False

    def test_is_cronjob_as_text(self) -> None:
        payload = payloads.passing_result()
        payload["is_cronjob"] = "false"
        assert parse(payload).is_cronjob is False

    @pytest.mark.parametrize(("sent", "expected"), [(100, 100.0), (0.0, 0.0), (66.67, 66.67)])
    def test_success_rate_int_or_float(self, sent: float, expected: float) -> None:
        payload = payloads.passing_result()
        payload["success_rate"] = sent
        rate = parse(payload).success_rate
        assert rate == expected and isinstance(rate, float)

    def test_id_and_agent_are_ints_even_from_strings(self) -> None:
        payload = payloads.passing_result()
        payload["id"], payload["agent"] = "1001", "512"
        result = parse(payload)
        assert (result.id, result.agent) == (1001, 512)

    def test_missing_id_is_a_validation_error(self) -> None:
        payload = payloads.passing_result()
        del payload["id"]
        with pytest.raises(ResponseValidationError, match=r"^id: expected an integer, got null"):
            parse(payload)

    def test_timestamps_are_aware(self) -> None:
        result = parse(payloads.passing_result())
        assert result.created_at == dt.datetime(2026, 11, 20, 14, 2, 58, 118204, dt.timezone.utc)
        assert result.updated_at is not None and result.updated_at.tzinfo is not None

    def test_naive_timestamp_like_the_spec_example_is_utc(self) -> None:
        payload = payloads.passing_result()
        payload["created_at"] = "2021-01-01 00:00:00"
        created = parse(payload).created_at
        assert created == dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)

    def test_bad_timestamp_names_the_field(self) -> None:
        payload = payloads.passing_result()
        payload["updated_at"] = "yesterday"
        with pytest.raises(ResponseValidationError, match="^updated_at: expected an ISO 8601"):
            parse(payload)


class TestDurations:
    @pytest.mark.parametrize(
        ("sent", "seconds"),
        [("07:51", 471), ("2:17:06", 8226), ("75:03", 4503), ("00:00", 0), ("1:02:03", 3723)],
    )
    def test_total_duration_forms(self, sent: str, seconds: int) -> None:
        payload = payloads.passing_result()
        payload["total_duration"] = sent
        assert parse(payload).total_duration == dt.timedelta(seconds=seconds)

    @pytest.mark.parametrize("sent", [None, ""])
    def test_running_result_has_no_duration_yet(self, sent: str | None) -> None:
        payload = payloads.running_result()
        payload["total_duration"] = sent
        assert parse(payload).total_duration is None

    def test_run_durations_in_the_quirky_payload(self) -> None:
        result = parse(payloads.quirky_result())
        assert result.run(86301).duration == dt.timedelta(hours=1, minutes=15, seconds=3)
        assert result.run(86302).duration == dt.timedelta(hours=1, minutes=2, seconds=3)

    @pytest.mark.parametrize("sent", ["ten minutes", "12:75", "-1:00", True])
    def test_unusable_duration_names_the_field(self, sent: Any) -> None:
        payload = payloads.passing_result()
        payload["runs"]["86002"]["duration"] = sent
        with pytest.raises(ResponseValidationError) as info:
            parse(payload)
        assert info.value.path == "runs['86002'].duration"
        assert "expected a duration" in str(info.value)


class TestRuns:
    def test_dict_keyed_by_string_becomes_a_sorted_list(self) -> None:
        payload = payloads.failing_result()
        payload["runs"] = dict(reversed(list(payload["runs"].items())))
        result = parse(payload)
        assert [run.id for run in result.runs] == [86101, 86102, 86103, 86104]

    def test_run_id_wins_over_its_key(self) -> None:
        result = parse(payloads.quirky_result())
        assert [run.id for run in result.runs] == [86301, 86302]
        assert result.run(86301).scenario_name == "Reschedule cleaning"
        with pytest.raises(KeyError):
            result.run(86399)

    def test_list_of_runs_is_accepted(self) -> None:
        payload = payloads.failing_result()
        payload["runs"] = list(payload["runs"].values())
        assert [run.id for run in parse(payload).runs] == [86101, 86102, 86103, 86104]

    def test_runs_that_are_neither_dict_nor_list(self) -> None:
        payload = payloads.failing_result()
        payload["runs"] = "86101,86102"
        with pytest.raises(ResponseValidationError, match="^runs: expected an object keyed"):
            parse(payload)

    def test_run_fields(self) -> None:
        run = parse(payloads.failing_result()).run(86102)
        assert run.scenario_id == 7002 and run.scenario_name == "Cancel appointment"
        assert run.success is False and run.status == "completed"
        assert run.error_message == "Call failed to connect: callee did not answer"
        assert run.call_id == "CA00015056e1b2c3d4"
        assert run.metadata == {"campaign": "nightly", "branch": "main"}
        assert run.timestamp == dt.datetime(2026, 11, 20, 14, 3, 11, 482913, dt.timezone.utc)
        assert run.outbound_number == "+14155550123"

    def test_empty_error_message_is_none(self) -> None:
        assert parse(payloads.passing_result()).runs[0].error_message is None

    def test_webhook_style_scenario_object(self) -> None:
        run = parse(payloads.quirky_result()).run(86302)
        assert run.scenario_id == 7002
        assert run.scenario_name == "Cancel appointment"
        assert run.personality_name == "Busy professional"

    def test_scenario_id_as_numeric_string(self) -> None:
        payload = payloads.passing_result()
        payload["runs"]["86001"]["scenario"] = "7001"
        assert parse(payload).run(86001).scenario_id == 7001

    def test_expected_outcome(self) -> None:
        run = parse(payloads.failing_result()).run(86103)
        assert run.expected_outcome is not None
        assert run.expected_outcome.score == 40
        assert run.expected_outcome.explanations == [
            "❌ The agent never offered an alternative slot."
        ]
        alignment = run.expected_outcome.alignments[0]
        assert (alignment.outcome, alignment.prompt_part, alignment.aligned) == (
            "Appointment rescheduled",
            "reschedule",
            False,
        )

    def test_empty_expected_outcome_is_none(self) -> None:
        assert parse(payloads.quirky_result()).run(86301).expected_outcome is None

    def test_transcript_with_tool_call(self) -> None:
        turns = parse(payloads.passing_result()).runs[0].transcript
        assert [t.role for t in turns] == [
            "Main Agent",
            "Testing Agent",
            "Function Call",
            "Function Call Result",
            "Main Agent",
        ]
        assert turns[1].start_time == 3.9 and turns[1].end_time == 6.8
        assert turns[1].time == dt.timedelta(seconds=3)
        assert turns[2].data == {
            "name": "find_appointment",
            "arguments": {"phone": "+14155550123"},
        }

    def test_unknown_run_field_is_kept(self) -> None:
        run = parse(payloads.quirky_result()).run(86301)
        assert run.extra == {"sentiment_v2": {"label": "neutral"}}
        assert run.raw["sentiment_v2"] == {"label": "neutral"}

    def test_failed_runs_of_a_completed_result(self) -> None:
        result = parse(payloads.failing_result())
        assert result.status == "completed"
        assert [run.id for run in result.failed_runs] == [86102, 86103]


class TestRunningResult:
    def test_unevaluated_runs(self) -> None:
        result = parse(payloads.running_result())
        assert result.status == ResultStatus.RUNNING and not result.is_terminal
        null_eval, empty_eval = result.run(86202), result.run(86203)
        for run in (null_eval, empty_eval):
            assert run.metrics == [] and not run.evaluated
            assert run.success is None and run.duration is None
            assert run.expected_outcome is None
        assert result.run(86201).evaluated

    def test_nullable_objects(self) -> None:
        result = parse(payloads.running_result())
        assert result.overall_evaluation is None
        assert result.failed_reasons is None and result.ai_summary is None
        assert result.next_steps is None and result.run_settings is None


class TestRunIdLists:
    def test_lists_of_ids(self) -> None:
        result = parse(payloads.failing_result())
        assert result.connected_runs == [86101, 86103, 86104]
        assert result.successful_calls == [86101, 86104]
        assert result.failed_infrastructure_runs == [86102]
        assert result.failed_workflow_runs == [86103]

    def test_null_and_empty_stay_different(self) -> None:
        result = parse(payloads.quirky_result())
        assert result.failed_infrastructure_runs is None  # metric absent
        assert result.failed_workflow_runs == []  # metric present, nothing failed
        assert result.not_connected_runs == []

    def test_ids_as_strings(self) -> None:
        assert parse(payloads.quirky_result()).connected_runs == [86301, 86302]

    def test_bad_id_in_list_names_the_index(self) -> None:
        payload = payloads.failing_result()
        payload["connected_runs"] = [86101, "x"]
        with pytest.raises(ResponseValidationError) as info:
            parse(payload)
        assert info.value.path == "connected_runs[1]"

    def test_list_typed_as_string_by_the_spec_but_sent_as_text(self) -> None:
        payload = payloads.failing_result()
        payload["successful_calls"] = "86101,86104"
        with pytest.raises(ResponseValidationError, match="^successful_calls: expected an array"):
            parse(payload)


class TestMetrics:
    def test_newer_binary_metrics(self) -> None:
        metric = parse(payloads.passing_result()).runs[0].metric("Appointment booked")
        assert metric is not None
        assert (metric.type, metric.passed, metric.score) == ("binary", True, None)
        assert metric.explanation == ["The agent booked the requested slot."]

    def test_newer_binary_failure(self) -> None:
        payload = payloads.passing_result()
        payload["runs"]["86001"]["evaluation"]["metrics"][0]["passed"] = False
        assert parse(payload).run(86001).failed_metrics[0].id == 901

    def test_legacy_binary_scores(self) -> None:
        run = parse(payloads.failing_result()).run(86103)
        verified = run.metric(903)
        assert verified is not None
        assert verified.type == "binary_workflow_adherence"
        assert (verified.score, verified.passed) == (0, False)
        assert verified.explanation == [
            "Date of birth was never asked.",
            "The agent read out the address before verification.",
        ]
        assert [m.name for m in run.failed_metrics] == [
            "Appointment booked",
            "Verified caller identity",
        ]
        assert parse(payloads.failing_result()).run(86101).metrics[0].passed is True

    def test_non_binary_metrics_have_no_verdict(self) -> None:
        run = parse(payloads.quirky_result()).run(86302)
        sentiment, politeness = run.metrics
        assert (sentiment.type, sentiment.enum_value, sentiment.passed) == (
            "enum",
            "satisfied",
            None,
        )
        assert (politeness.score, politeness.passed) == (4.5, None)
        assert politeness.explanation == ["Warm and polite throughout."]

    def test_numeric_metric_extra(self) -> None:
        latency = parse(payloads.passing_result()).runs[0].metric("Latency")
        assert latency is not None
        assert latency.score == 780.0
        assert latency.extra["percentiles"]["p50"] == 780.0

    def test_bad_score_names_the_full_path(self) -> None:
        payload = payloads.failing_result()
        payload["runs"]["86103"]["evaluation"]["metrics"][1]["score"] = "high"
        with pytest.raises(ResponseValidationError) as info:
            parse(payload)
        assert info.value.path == "runs['86103'].evaluation.metrics[1].score"
        assert str(info.value) == (
            "runs['86103'].evaluation.metrics[1].score: expected a number, got string 'high'"
        )


class TestStatus:
    def test_known_status(self) -> None:
        result = parse(payloads.passing_result())
        assert result.status is ResultStatus.COMPLETED
        status: str = result.status  # as str, so mypy allows comparing the member with its string
        assert status == "completed" and result.is_terminal

    def test_unknown_status_is_kept_not_raised(self) -> None:
        result = parse(payloads.quirky_result())
        assert result.status == "post_processing"
        assert result.status.value == "post_processing"
        assert not result.status.is_known and not result.is_terminal
        assert str(result.status) == "post_processing"

    @pytest.mark.parametrize("status", ["completed", "failed", "timeout", "cancelled"])
    def test_every_terminal_status(self, status: str) -> None:
        assert ResultStatus(status).is_terminal

    @pytest.mark.parametrize(
        "status", ["running", "pending", "in_progress", "evaluating", "in_queue", "scaling_up"]
    )
    def test_non_terminal_statuses(self, status: str) -> None:
        assert not ResultStatus(status).is_terminal and ResultStatus(status).is_known

    def test_status_that_is_not_a_string(self) -> None:
        payload = payloads.passing_result()
        payload["status"] = ["completed"]
        with pytest.raises(ResponseValidationError, match="^status: expected a string"):
            parse(payload)


class TestNestedObjects:
    def test_overall_evaluation(self) -> None:
        evaluation = parse(payloads.passing_result()).overall_evaluation
        assert evaluation is not None
        assert evaluation.success_rate == 100
        assert evaluation.metric_summary[3284].p50 == 820.0
        assert evaluation.metric_summary[901].function_name == "appointment_booked"
        assert evaluation.numeric_metrics[0].p50 == 820.0
        assert evaluation.extra_metrics[0].name == "Expected Outcome"

    def test_empty_overall_evaluation_is_none(self) -> None:
        assert parse(payloads.quirky_result()).overall_evaluation is None

    def test_failed_reasons_ai_summary_next_steps(self) -> None:
        result = parse(payloads.failing_result())
        assert result.failed_reasons is not None
        assert result.failed_reasons.total_failed_runs == 2
        assert result.failed_reasons.issues[0].run_ids == [86103]
        assert result.ai_summary is not None
        assert result.ai_summary.generated_at == dt.datetime(
            2026, 11, 20, 14, 10, 2, tzinfo=dt.timezone.utc
        )
        assert result.next_steps is not None
        assert [step.title for step in result.next_steps] == [
            "Add identity verification",
            "Check the inbound number",
        ]

    def test_scenarios_categories_settings(self) -> None:
        result = parse(payloads.passing_result())
        assert [(s.id, s.name) for s in result.scenarios][0] == (7001, "Reschedule cleaning")
        assert result.critical_categories[0].eval_type == "numeric"
        assert result.critical_categories[0].observability_enabled is False
        assert result.run_settings is not None
        assert result.run_settings.personality_ids == [3, 7]
        assert result.run_settings.mode == "same_number"
        assert [(m.id, m.name, m.type) for m in result.metrics] == [(3284, "Latency", "numeric")]
        assert result.metrics[0].raw == {"id": 3284, "name": "Latency", "type": "numeric"}
        assert result.latency_data == {"p50_ms": 820, "p90_ms": 1310}

    def test_result_metrics_are_lenient_views_keeping_their_place(self) -> None:
        payload = payloads.passing_result()
        payload["metrics"] = [{"id": "x", "name": "Odd", "extra": 1}, {}]
        result = parse(payload)
        metrics = result.metrics
        assert [(m.id, m.name, m.type) for m in metrics] == [(None, "Odd", None), (None,) * 3]
        assert metrics[0].raw == {"id": "x", "name": "Odd", "extra": 1}
        assert pickle.loads(pickle.dumps(result)).metrics == metrics
        assert result.to_dict()["metrics"][0] == {"id": None, "name": "Odd", "type": None}
        payload["metrics"] = "Latency"  # the spec types it as a string: still refused
        with pytest.raises(ResponseValidationError, match="^metrics: expected an array"):
            parse(payload)

    def test_old_scenario_names_field(self) -> None:
        payload = payloads.passing_result()
        del payload["scenarios"]
        payload["scenario_names"] = ["Reschedule cleaning", "Cancel appointment"]
        assert [s.name for s in parse(payload).scenarios] == [
            "Reschedule cleaning",
            "Cancel appointment",
        ]

    def test_scenarios_typed_as_string_by_the_spec(self) -> None:
        payload = payloads.passing_result()
        payload["scenarios"] = "Reschedule cleaning"
        with pytest.raises(ResponseValidationError, match="^scenarios: expected an array"):
            parse(payload)


class TestExtraFieldsAndRaw:
    def test_unknown_fields_are_kept(self) -> None:
        payload = payloads.quirky_result()
        payload["field_from_the_future"] = {"covered": 3, "total": 5}
        payload["another_new_one"] = "pending"
        result = parse(payload)
        assert result.extra == {
            "field_from_the_future": {"covered": 3, "total": 5},
            "another_new_one": "pending",
        }
        assert result.raw is payload
        # Fields the 2026-08 spec added are modelled: no longer in extra.
        assert result.ai_summary_status == "pending"
        assert result.path_coverage == {"covered": 3, "total": 5}

    def test_not_an_object(self) -> None:
        with pytest.raises(ResponseValidationError, match="^response body: expected an object"):
            Result.from_dict([payloads.passing_result()])


def test_declared_spec_dependencies_are_exactly_what_the_parser_reads() -> None:
    """The decoder reads exactly the declared keys: a payload with all of them has no extra,
    and each one changes what is read."""
    from cekura_client.types.result import RESULT_FIELDS, spec_dependencies

    payload = payloads.failing_result()
    payload["scenario_names"] = ["Reschedule cleaning"]  # older specs' name for scenarios
    added_later = {"ai_summary_status", "path_coverage"}  # the 2026-08 spec's
    assert set(payload) == RESULT_FIELDS - {"agent_version", "not_connected_runs", *added_later}
    assert Result.from_dict(payload).extra == {}
    for key in RESULT_FIELDS - {"id", "status"}:
        assert Result.from_dict({"id": 1, "status": "running", key: None}).extra == {}
    assert spec_dependencies()["total_runs_count"] == "total_runs_count"
    assert spec_dependencies()["scenario_names"] == "scenarios"
    assert "raw" not in RESULT_FIELDS and "extra" not in RESULT_FIELDS


def test_declared_dependencies_cover_the_vendored_schema() -> None:
    """Every ResultDetailV2 property of the vendored spec is modelled (none falls in extra)."""
    from pathlib import Path

    import yaml

    from cekura_client.types.result import RESULT_FIELDS

    spec = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "openapi" / "cekura.yaml").read_text()
    )
    properties = set(spec["components"]["schemas"]["ResultDetailV2"]["properties"])
    assert properties <= RESULT_FIELDS


class TestGarbageCollectorUntouched:
    def test_parsing_never_switches_the_collector_off(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import gc

        def refuse() -> None:
            raise AssertionError("gc.disable() called: process-wide state switched")

        monkeypatch.setattr(gc, "disable", refuse)
        Result.from_dict(payloads.failing_result())
        Result.from_json(json.dumps(payloads.failing_result()))
        assert gc.isenabled()


class TestFromJson:
    def test_bytes_and_text(self) -> None:
        raw = json.dumps(payloads.quirky_result())
        assert Result.from_json(raw) == Result.from_json(raw.encode())
        assert Result.from_json(raw).total_runs_count == 2

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                b'{"id": 1, "sta',
                """response body: expected a JSON document, got string '{"id": 1, "sta'""",
            ),
            ("<html>", "response body: expected a JSON document, got string '<html>'"),
            (b"\xff", "response body: expected a JSON document, got string"),
            ("[1]", "response body: expected an object, got array of length 1"),
        ],
    )
    def test_not_a_json_object(self, text: str | bytes, message: str) -> None:
        with pytest.raises(ResponseValidationError) as info:
            Result.from_json(text)
        assert str(info.value).startswith(message)


def test_metric_extra_is_the_metric_field_and_unknown_fields_are_apart() -> None:
    payload = payloads.failing_result()
    run = next(iter(payload["runs"].values()))
    metric = run["evaluation"]["metrics"][0]
    metric["extra"] = {"evaluator": "llm-judge-v3"}
    metric["added_in_2027"] = 7
    parsed = Result.from_dict(payload).runs[0].metrics[0]
    assert parsed.extra == {"evaluator": "llm-judge-v3"}
    assert parsed.unknown_fields == {"added_in_2027": 7}
    assert parsed.failed is (parsed.passed is False)
