"""README command 1: the demo, run as a user would, against the embedded mock server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cekura_client import Result
from cekura_client.summary import format_duration, format_result
from cekura_client.testing import MockCekuraServer, payloads
from tests.support.constants import result_path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scripts" / "demo.py"


def run_demo(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CEKURA_")}
    return subprocess.run(
        [sys.executable, str(DEMO), *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_demo_without_a_key_uses_the_embedded_mock() -> None:
    proc = run_demo()
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Embedded mock Cekura API at http://127.0.0.1:" in out
    for line in (
        "Result 1001: Nightly regression - front desk",
        "verdict:  PASSED - all 3 runs passed",
        "verdict:  FAILED - 2 of 4 runs failed",
        "86103  Insurance question   completed  4:07      FAIL     Appointment booked; Verified caller identity",
        "86102  Cancel appointment   completed  0:00      FAIL     error: Call failed to connect",
        "verdict:  IN PROGRESS - 1 of 3 runs done",
        "status:   post_processing    created:",
        "verdict:  NOT COMPLETED - status post_processing, 2 of 2 runs done",
        "86301  Reschedule cleaning  completed  1:15:03   FAIL     Appointment booked",
    ):
        assert line in out
    assert "unknown status" not in out
    # The CI loop: a suite started on the mock, waited for, gated and compared.
    loop = out[out.index("The CI loop:") :].splitlines()[:5]
    assert loop == [
        "The CI loop: start 3 scenarios on agent 512, wait, gate, compare.",
        "Started result 1108 (3 calls); waiting for it...",
        "Result 1108: completed, gate PASSED",
        "Compared with result 1002, the agent's latest completed before it: no regression",
        "The agent's 5 newest results: 1108, 1004, 1003, 1002, 1001",
    ]
    # The four results above are not what the HTML report shows: it says which ones it covers.
    assert out.splitlines()[-3:-1] == [
        "The HTML report covers results 1101, 1102, 1103, 1104, 1105, 1106, 1107, 1006 "
        "(the last in detail), compared with baseline 1005.",
        "(Other mock results than the ones above: a week of nightly results, and a result "
        "with new failures against its baseline.)",
    ]
    assert out.splitlines()[-1].startswith("HTML report: ")


def test_demo_with_key_and_id_uses_the_configured_api() -> None:
    with MockCekuraServer(api_key="real-looking-key") as server:
        proc = run_demo(
            "1002",
            env={"CEKURA_API_KEY": "real-looking-key", "CEKURA_API_URL": server.url},
        )
        assert [r.path for r in server.requests] == [result_path(1002)]
    assert proc.returncode == 0, proc.stderr
    assert f"Fetching from {server.url}/" in proc.stdout
    assert "Result 1002: PR #482 - new insurance flow" in proc.stdout
    assert "\nThe HTML report covers result 1002.\nHTML report: " in proc.stdout
    assert "real-looking-key" not in proc.stdout + proc.stderr


def test_demo_reports_api_errors_without_traceback() -> None:
    with MockCekuraServer(api_key="k") as server:
        proc = run_demo("5", env={"CEKURA_API_KEY": "wrong", "CEKURA_API_URL": server.url})
    assert proc.returncode == 1
    assert (
        proc.stderr.strip() == "Result 5: AuthenticationError: 401 Unauthorized: Invalid API key."
    )


def test_demo_with_an_id_but_no_key_asks_for_one_instead_of_the_mock() -> None:
    proc = run_demo("123")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip() == (
        "Fetching result IDs needs the real API: set CEKURA_API_KEY (and CEKURA_API_URL for "
        "another host). Without IDs, the demo uses the embedded mock."
    )


def test_demo_usage_error() -> None:
    proc = run_demo("latest")
    assert proc.returncode == 2 and "usage:" in proc.stderr


def test_format_duration() -> None:
    import datetime as dt

    assert format_duration(None) == "-"
    assert format_duration(dt.timedelta(seconds=59)) == "0:59"
    assert format_duration(dt.timedelta(hours=1, minutes=15, seconds=3)) == "1:15:03"


def test_summary_of_a_result_without_runs() -> None:
    payload = payloads.passing_result()
    payload["runs"] = {}
    text = format_result(Result.from_dict(payload))
    assert "verdict:  NO RUNS" in text and "(no runs)" in text


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        ("post_processing", "NOT COMPLETED - status post_processing, 2 of 3 runs done"),
        ("paused\x1b[31m", "NOT COMPLETED - status paused\\u001b[31m, 2 of 3 runs done"),
        ("evaluating", "IN PROGRESS - 2 of 3 runs done"),
        ("cancelled", "NOT COMPLETED - status cancelled"),
    ],
)
def test_a_status_the_summary_does_not_know_is_shown_by_its_value(
    status: str, verdict: str
) -> None:
    payload = payloads.running_result()
    payload["status"] = status
    payload["completed_runs_count"] = 2
    text = format_result(Result.from_dict(payload))
    shown = status.replace("\x1b", "\\u001b")  # control characters are made visible
    assert f"  status:   {shown}    created: " in text
    assert f"  verdict:  {verdict}\n" in text
    assert "unknown" not in text and ("IN PROGRESS" in text) == (status == "evaluating")
