"""Result.runs_table() / to_dataframe() and reports.rows(): one flat row per run."""

from __future__ import annotations

import datetime as dt
import json
import sys
import typing
from collections.abc import Mapping, Sequence

import pytest

from cekura_client import Result
from cekura_client.reports import columns, rows
from cekura_client.reports._table import BASE_COLUMNS, RunRow, json_rows
from cekura_client.testing import payloads

EXECUTED_AT = dt.datetime(2026, 11, 20, 14, 3, 12, tzinfo=dt.timezone.utc)


def test_failing_result_rows() -> None:
    table = Result.from_dict(payloads.failing_result()).runs_table()
    assert [row["run_id"] for row in table] == [86101, 86102, 86103, 86104]
    assert list(table[0]) == [
        *BASE_COLUMNS,
        "metric.Appointment booked.passed",
        "metric.Appointment booked.score",
        "metric.Latency.score",  # numeric: never a verdict, so no .passed column
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
        "executed_at": EXECUTED_AT,
        "voice_recording": "https://recordings.cekura.ai/86102.wav",
        "metric.Appointment booked.passed": None,
        "metric.Appointment booked.score": None,
        "metric.Latency.score": None,
        "metric.Verified caller identity.passed": None,
        "metric.Verified caller identity.score": None,
    }
    insurance: Mapping[str, object] = table[2]  # metric columns are not RunRow's keys
    assert insurance["metric.Verified caller identity.passed"] is False
    assert insurance["metric.Verified caller identity.score"] == 0.0  # legacy binary: 0 = fail
    assert insurance["metric.Latency.score"] == 1630.0
    assert insurance["duration_seconds"] == 247.0 and insurance["error"] is None


def test_running_and_quirky_results() -> None:
    running = Result.from_dict(payloads.running_result()).runs_table()
    assert [(r["success"], r["duration_seconds"], r["status"]) for r in running] == [
        (True, 140.0, "completed"),
        (None, None, "running"),
        (None, None, "running"),
    ]
    quirky: Sequence[Mapping[str, object]] = Result.from_dict(payloads.quirky_result()).runs_table()
    assert [r["duration_seconds"] for r in quirky] == [4503.0, 3723.0]
    assert quirky[1]["metric.Caller sentiment.value"] == "satisfied"
    assert "metric.Caller sentiment.score" not in quirky[1]  # an enum metric: no score
    assert quirky[0]["metric.Caller sentiment.value"] is None
    assert quirky[1]["metric.Politeness.score"] == 4.5
    assert quirky[1]["scenario"] == "Cancel appointment"  # from the webhook-style object


def test_rows_over_several_results_share_columns() -> None:
    results = [
        Result.from_dict(payloads.passing_result()),
        Result.from_dict(payloads.quirky_result()),
    ]
    table: Sequence[Mapping[str, object]] = rows(results)  # read metric columns too
    assert len(table) == 5
    keys = columns(results)
    assert all(list(row) == keys for row in table)
    assert "metric.No hallucinated prices.passed" in keys and "metric.Politeness.score" in keys
    assert table[0]["metric.Politeness.score"] is None  # a column of the other result
    # A column is there when some run of any of the results has a value in it.
    assert "metric.Appointment booked.score" in keys  # only the quirky result has one
    assert "metric.Latency.passed" not in keys and "metric.Politeness.passed" not in keys
    assert [row["result_id"] for row in table] == [1001, 1001, 1001, 1004, 1004]


def test_to_dataframe() -> None:
    pd = pytest.importorskip("pandas")
    frame = Result.from_dict(payloads.regressed_result()).to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert frame.shape == (8, len(BASE_COLUMNS) + 4)
    assert str(frame["executed_at"].dtype).startswith("datetime64[")
    assert frame["executed_at"].iloc[0] == EXECUTED_AT
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


def test_always_empty_metric_columns_are_left_out() -> None:
    data = payloads.passing_result()
    metrics = [
        {"id": 1, "name": "Booked", "eval_type": "binary", "passed": True},  # no score
        {"id": 2, "name": "Latency", "type": "numeric", "score": 800},  # no verdict
        {"id": 3, "name": "Mood", "type": "enum", "enum": "calm"},  # neither
        {"id": 4, "name": "Unscored", "type": "numeric"},  # nothing at all
    ]
    for run in data["runs"].values():
        run["evaluation"] = {"metrics": metrics}
    table: Sequence[Mapping[str, object]] = Result.from_dict(data).runs_table()
    assert list(table[0])[len(BASE_COLUMNS) :] == [
        "metric.Booked.passed",
        "metric.Latency.score",
        "metric.Mood.value",
    ]
    # A value in one run is enough for the column; the other runs have None there.
    data["runs"]["86002"]["evaluation"]["metrics"] = [{**metrics[0], "score": 1}]
    table = typing.cast(Sequence[Mapping[str, object]], Result.from_dict(data).runs_table())
    assert [row["metric.Booked.score"] for row in table] == [None, 1.0, None]
    assert list(table[0])[len(BASE_COLUMNS) : len(BASE_COLUMNS) + 2] == [
        "metric.Booked.passed",
        "metric.Booked.score",
    ]


def test_rows_are_typed() -> None:
    hints = typing.get_type_hints(RunRow)
    assert tuple(hints) == BASE_COLUMNS
    assert hints["executed_at"] == dt.datetime | None
    assert hints["run_id"] is int and hints["duration_seconds"] == float | None
    row = Result.from_dict(payloads.passing_result()).runs_table()[0]
    assert isinstance(row["executed_at"], dt.datetime)
    assert row["executed_at"].tzinfo is not None


def test_json_rows_write_executed_at_as_iso_text() -> None:
    results = [Result.from_dict(payloads.failing_result())]
    table = json_rows(results)
    assert table[1]["executed_at"] == "2026-11-20T14:03:12+00:00"
    assert [list(row) for row in table] == [list(row) for row in rows(results)]
    assert json.loads(json.dumps(table))[1]["run_id"] == 86102
    with pytest.raises(TypeError, match="not JSON serializable"):
        json.dumps(rows(results))  # the typed rows hold datetimes
