"""Result.runs_table() / to_dataframe() and reports.rows(): one flat row per run."""

from __future__ import annotations

import sys

import pytest

from cekura_client import Result
from cekura_client.reports import columns, rows
from cekura_client.reports._table import BASE_COLUMNS
from cekura_client.testing import payloads


def test_failing_result_rows() -> None:
    table = Result.from_dict(payloads.failing_result()).runs_table()
    assert [row["run_id"] for row in table] == [86101, 86102, 86103, 86104]
    assert list(table[0]) == [
        *BASE_COLUMNS,
        "metric.Appointment booked.passed",
        "metric.Appointment booked.score",
        "metric.Latency.passed",
        "metric.Latency.score",
        "metric.Verified caller identity.passed",
        "metric.Verified caller identity.score",
    ]
    assert all(list(row) == list(table[0]) for row in table)
    no_answer = table[1]
    assert no_answer == {
        "result_id": 1002,
        "run_id": 86102,
        "scenario_id": 7002,
        "scenario": "Cancel appointment",
        "personality": "Busy professional",
        "status": "completed",
        "success": False,
        "duration_seconds": 0.0,
        "error": "Call failed to connect: callee did not answer",
        "expected_outcome_score": 0.0,
        "executed_at": "2026-11-20T14:03:12+00:00",
        "voice_recording": "https://recordings.cekura.ai/86102.wav",
        "metric.Appointment booked.passed": None,
        "metric.Appointment booked.score": None,
        "metric.Latency.passed": None,
        "metric.Latency.score": None,
        "metric.Verified caller identity.passed": None,
        "metric.Verified caller identity.score": None,
    }
    insurance = table[2]
    assert insurance["metric.Verified caller identity.passed"] is False
    assert insurance["metric.Verified caller identity.score"] == 0.0  # legacy binary: 0 = fail
    assert insurance["metric.Latency.score"] == 1630.0
    assert insurance["metric.Latency.passed"] is None  # numeric: no pass/fail
    assert insurance["duration_seconds"] == 247.0 and insurance["error"] is None


def test_running_and_quirky_results() -> None:
    running = Result.from_dict(payloads.running_result()).runs_table()
    assert [(r["success"], r["duration_seconds"], r["status"]) for r in running] == [
        (True, 140.0, "completed"),
        (None, None, "running"),
        (None, None, "running"),
    ]
    quirky = Result.from_dict(payloads.quirky_result()).runs_table()
    assert [r["duration_seconds"] for r in quirky] == [4503.0, 3723.0]
    assert quirky[1]["metric.Caller sentiment.value"] == "satisfied"
    assert quirky[1]["metric.Caller sentiment.score"] is None
    assert quirky[0]["metric.Caller sentiment.value"] is None
    assert quirky[1]["metric.Politeness.score"] == 4.5
    assert quirky[1]["scenario"] == "Cancel appointment"  # from the webhook-style object


def test_rows_over_several_results_share_columns() -> None:
    results = [
        Result.from_dict(payloads.passing_result()),
        Result.from_dict(payloads.quirky_result()),
    ]
    table = rows(results)
    assert len(table) == 5
    keys = columns(results)
    assert all(list(row) == keys for row in table)
    assert "metric.No hallucinated prices.passed" in keys and "metric.Politeness.score" in keys
    assert table[0]["metric.Politeness.score"] is None
    assert [row["result_id"] for row in table] == [1001, 1001, 1001, 1004, 1004]


def test_to_dataframe() -> None:
    pd = pytest.importorskip("pandas")
    frame = Result.from_dict(payloads.regressed_result()).to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert frame.shape == (8, len(BASE_COLUMNS) + 8)
    assert frame["duration_seconds"].sum() == 1424.0
    assert frame.groupby("scenario")["success"].mean().to_dict() == {
        "Billing dispute": 0.5,
        "Cancel appointment": 1.0,
        "Insurance question": 0.0,
        "Reschedule cleaning": 1.0,
    }
    assert frame["metric.Latency.score"].max() == 1520.0


def test_to_dataframe_without_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    with pytest.raises(ImportError) as info:
        Result.from_dict(payloads.passing_result()).to_dataframe()
    assert str(info.value) == (
        "Result.to_dataframe() needs pandas: pip install 'cekura-results-client[pandas]'"
    )


def test_an_empty_result_has_no_rows() -> None:
    data = payloads.passing_result()
    data["runs"] = {}
    assert Result.from_dict(data).runs_table() == []
