"""The cekura-results command end to end against the embedded mock server: exit codes,
stdout/stderr separation, messages without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cekura_client import InvalidRequestError, Result
from cekura_client.gate import evaluate_gate
from cekura_client.testing import MockCekuraServer, payloads
from tests.support.constants import API_KEY, result_path

CLI = [sys.executable, "-m", "cekura_client.cli"]


@pytest.fixture
def server() -> Iterator[MockCekuraServer]:
    with MockCekuraServer(api_key=API_KEY) as mock:
        yield mock


def run(
    server: MockCekuraServer | None, *args: str, key: str | None = API_KEY
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEKURA_")}
    if key is not None:
        env["CEKURA_API_KEY"] = key
    base = ["--base-url", server.url] if server else []
    return subprocess.run(
        [*CLI, *base, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "cekura-results"
    assert script.exists()
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "gate" in proc.stdout


def test_show(server: MockCekuraServer) -> None:
    proc = run(server, "show", "1002")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.startswith("Result 1002: PR #482 - new insurance flow\n")


def test_show_json_is_the_normalised_result(server: MockCekuraServer) -> None:
    proc = run(server, "show", "1004", "--json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["total_runs_count"] == 2 and data["status"] == "post_processing"
    assert [r["id"] for r in data["runs"]] == [86301, 86302]
    assert data["total_duration"] == 8226.0
    assert data["runs"][0]["timestamp"] == "2026-11-20T14:03:11.482913+00:00"
    assert "raw" not in data and "raw" not in data["runs"][0]


def test_gate_passes(server: MockCekuraServer) -> None:
    proc = run(server, "gate", "1001")
    assert proc.returncode == 0
    assert proc.stdout.rstrip().endswith("GATE PASSED (100.0% of runs)")


def test_gate_fails_and_lists_failing_runs(server: MockCekuraServer) -> None:
    proc = run(server, "gate", "1002")
    assert proc.returncode == 1 and proc.stderr == ""
    verdict = proc.stdout.split("\n\n")[-1]
    assert verdict.splitlines() == [
        "GATE FAILED: 2 of 4 runs did not succeed",
        "  run 86102 [Cancel appointment] status=completed (failed)",
        "    error: Call failed to connect: callee did not answer",
        "  run 86103 [Insurance question] status=completed (failed)",
        "    metric Appointment booked: failed",
        "      - The agent ended the call without booking.",
        "    metric Verified caller identity: failed",
        "      - Date of birth was never asked.",
        "      - The agent read out the address before verification.",
    ]


def test_gate_with_min_success_rate(server: MockCekuraServer) -> None:
    assert run(server, "gate", "1002", "--min-success-rate", "50").returncode == 0
    proc = run(server, "gate", "1002", "--min-success-rate", "75")
    assert proc.returncode == 1
    assert "GATE FAILED: success rate 50.0% is below the required 75%" in proc.stdout


def test_gate_on_a_running_result_fails(server: MockCekuraServer) -> None:
    proc = run(server, "gate", "1003")
    assert proc.returncode == 1
    assert "GATE FAILED: status is 'running', not 'completed'" in proc.stdout


def test_gate_wait_shows_progress_on_stderr_only(server: MockCekuraServer) -> None:
    answers = iter([payloads.running_result(1003)] * 2)
    server.results[1003] = lambda: next(answers, payloads.passing_result(1003))
    proc = run(server, "gate", "1003", "--wait", "--poll-interval", "0.05")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "[0:00] result 1003: running, 1/3 runs done",
        "[0:00] result 1003: completed, 3/3 runs done",
    ]
    assert "runs done" not in proc.stdout and "GATE PASSED" in proc.stdout
    assert len(server.requests) == 3


def test_wait_command_times_out_with_exit_3(server: MockCekuraServer) -> None:
    proc = run(server, "wait", "1003", "--timeout", "0.3", "--poll-interval", "0.1")
    assert proc.returncode == 3  # distinct from a failed gate (1)
    assert proc.stderr.splitlines()[-1].startswith(
        "cekura-results: Result 1003 did not finish within 0.3 s (last status: running"
    )
    assert proc.stdout == ""


@pytest.mark.parametrize(
    ("args", "key", "message"),
    [
        (
            ["show", "9"],
            API_KEY,
            "cekura-results: error: NotFoundError: 404 Not Found: Not found. (no result 9 at GET "
            "{url}{path}; check the ID and the base URL)",
        ),
        (
            ["gate", "1001"],
            "wrong",
            "cekura-results: error: AuthenticationError: 401 Unauthorized: Invalid API key.",
        ),
        (
            ["show", "1001"],
            None,
            "cekura-results: error: MissingAPIKeyError: No API key: pass api_key=... or set the CEKURA_API_KEY environment variable.",
        ),
    ],
)
def test_api_errors_exit_2_without_traceback(
    server: MockCekuraServer, args: list[str], key: str | None, message: str
) -> None:
    proc = run(server, *args, key=key)
    assert proc.returncode == 2
    assert proc.stderr.strip() == message.format(url=server.url, path=result_path(9))
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_network_error_exits_2() -> None:
    dead = MockCekuraServer()
    url = dead.url
    dead.stop()
    proc = subprocess.run(
        [*CLI, "--base-url", url, "--request-timeout", "2", "show", "1"],
        env={**os.environ, "CEKURA_API_KEY": API_KEY},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "cekura-results: error: APIConnectionError: Connection error (ConnectError: [Errno 111] "
        f"Connection refused) for GET {url}{result_path(1)}."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "abc"], "not a result ID (a positive integer): 'abc'"),
        (["show", "0"], "not a result ID (a positive integer): '0'"),
        (
            ["gate", "1", "--min-success-rate", "120"],
            "argument --min-success-rate: --min-success-rate is a percentage from 0 to 100, "
            "got 120\n",
        ),
        (
            # The official SDK's --fail-on-threshold takes a fraction: 0.9 is refused, not 0.9 %.
            ["gate", "1", "--min-success-rate", "0.9"],
            "argument --min-success-rate: --min-success-rate is a percentage from 0 to 100, got "
            "0.9, which looks like a fraction: for 90% pass 90\n",
        ),
        (["report", "1"], "--format is needed (or an -o FILE ending in .htm, .html, .json, "),
        (["report", "1", "-o", "x.txt"], "--format is needed (or an -o FILE ending in "),
        (["compare", "1", "2", "--json", "--format", "markdown"], "--json and --format markdown"),
        (["wait", "1", "--timeout", "-5"], "argument --timeout: must be positive: '-5'"),
        (["explode"], "invalid choice: 'explode'"),
        ([], "the following arguments are required: command"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    proc = run(None, *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_key_never_printed(server: MockCekuraServer) -> None:
    for args in (["show", "1002", "--json"], ["gate", "1002"], ["show", "9"]):
        proc = run(server, *args)
        assert API_KEY not in proc.stdout + proc.stderr


class TestGateRules:
    def parse(self, payload: dict[str, Any]) -> Result:
        return Result.from_dict(payload)

    def test_completed_with_all_runs_passing(self) -> None:
        verdict = evaluate_gate(self.parse(payloads.passing_result()))
        assert verdict.passed and verdict.reasons == [] and verdict.success_rate == 100.0

    def test_completed_is_not_a_pass_when_runs_failed(self) -> None:
        verdict = evaluate_gate(self.parse(payloads.failing_result()))
        assert not verdict.passed
        assert [r.id for r in verdict.failing_runs] == [86102, 86103]

    def test_no_runs(self) -> None:
        payload = payloads.passing_result()
        payload["runs"] = {}
        verdict = evaluate_gate(self.parse(payload))
        assert verdict.reasons == ["the result has no runs"] and verdict.success_rate is None

    @pytest.mark.parametrize("status", ["failed", "timeout", "cancelled", "running", "scaling_up"])
    def test_other_statuses_fail(self, status: str) -> None:
        payload = payloads.passing_result()
        payload["status"] = status
        assert evaluate_gate(self.parse(payload)).reasons == [
            f"status is '{status}', not 'completed'"
        ]

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (101, "min_success_rate is a percentage from 0 to 100, got 101"),
            (150, "min_success_rate is a percentage from 0 to 100, got 150"),
            (-1, "min_success_rate is a percentage from 0 to 100, got -1"),
            (0.5, "min_success_rate is a percentage from 0 to 100, got 0.5, which looks like a "
             "fraction: for 50% pass 50"),
            (float("nan"), "min_success_rate must be a number from 0 to 100, got nan"),
            ("90", "min_success_rate must be a number from 0 to 100, got '90'"),
        ],
    )  # fmt: skip
    def test_bad_threshold(self, value: Any, message: str) -> None:
        """The library's own error (also a ValueError, as before), naming the value."""
        with pytest.raises(InvalidRequestError) as info:
            evaluate_gate(self.parse(payloads.passing_result()), min_success_rate=value)
        assert str(info.value) == message and isinstance(info.value, ValueError)
