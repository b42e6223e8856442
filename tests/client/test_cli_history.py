"""``--history``: the gate tells a flaky scenario from a new failure, against a 20-result
history of agent 512 served by the embedded mock (scenarios 7001-7003, two personalities;
7001 always passed, 7003 with the elderly caller often failed)."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import attrs
import pytest
from junitparser import JUnitXml

from cekura_client.cli import main
from cekura_client.testing import MockCekuraServer, payloads

RUN = (
    "run", "--agent", "512", "--scenarios", "7001,7002,7003", "--personalities", "3,7",
    "--wait", "--poll-interval", "0.02",
)  # fmt: skip


@attrs.frozen
class Outcome:
    code: int
    out: str
    err: str


@pytest.fixture
def server() -> Iterator[MockCekuraServer]:
    with MockCekuraServer(payloads.nightly_results(20), polls_to_complete=2) as mock_server:
        yield mock_server


def cli(server: MockCekuraServer, *args: str) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    variables = {"CEKURA_API_KEY": server.api_key, "CEKURA_API_URL": server.url}
    with mock.patch.dict(os.environ, variables), contextlib.redirect_stderr(err):
        try:
            code = main(list(args), out=out, err=err)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return Outcome(code, out.getvalue(), err.getvalue())


def _verdict(out: str) -> list[str]:
    return out[out.index("GATE ") :].splitlines()


def test_only_flaky_scenarios_fail_the_gate_passes(server: MockCekuraServer) -> None:
    server.failing_scenarios = {7003}
    result = cli(server, *RUN, "--history", "20", "--fail-on", "new-failures")
    assert result.code == 0, result.err
    assert _verdict(result.out)[:4] == [
        "GATE PASSED (failing scenarios are flaky: 2)",
        "Against the last 20 completed results of the agent (fail on new-failures, "
        "confidence 0.95):",
        "  flaky        Insurance question / Busy professional: failed 1 of 1 now, passed 14 of "
        "last 20",
        "  flaky        Insurance question / Elderly caller: failed 1 of 1 now, passed 5 of last 20",
    ]
    assert "history: 20 earlier completed result(s) of agent 512" in result.err


def test_an_always_passing_scenario_that_fails_fails_the_gate_naming_it(
    server: MockCekuraServer, tmp_path: Path
) -> None:
    server.failing_scenarios = {7001}
    junit, markdown = tmp_path / "j.xml", tmp_path / "m.md"
    result = cli(
        server, *RUN, "--history", "20", "--fail-on", "new-failures", "--junit", str(junit),
        "--markdown", str(markdown), "--no-summary",
    )  # fmt: skip
    assert result.code == 1
    assert _verdict(result.out)[0] == (
        "GATE FAILED: 2 new failure(s): Reschedule cleaning / Busy professional (passed 20 of "
        "last 20), Reschedule cleaning / Elderly caller (passed 20 of last 20)"
    )
    text = markdown.read_text(encoding="utf-8")
    assert (
        "| **new failure** | Reschedule cleaning / Busy professional | 0/1 passed | passed 20 "
        "of last 20 |" in text
    )
    messages = [
        result.message
        for suite in JUnitXml.fromfile(str(junit))
        for case in suite
        for result in case.result
        if result.message
    ]
    assert any("new failure" in message for message in messages)


def test_fail_on_any_failure_keeps_todays_rule(server: MockCekuraServer) -> None:
    server.failing_scenarios = {7003}
    result = cli(server, *RUN, "--history", "20", "--fail-on", "any-failure")
    assert result.code == 1
    assert _verdict(result.out)[0] == "GATE FAILED: 2 of 6 runs did not succeed"


def test_without_history_any_failure_fails_as_before(server: MockCekuraServer) -> None:
    server.failing_scenarios = {7003}
    result = cli(server, *RUN)
    assert result.code == 1
    assert "history:" not in result.err
    assert _verdict(result.out)[0].startswith("GATE FAILED")


def test_fail_on_new_failures_alone_uses_the_default_history(server: MockCekuraServer) -> None:
    server.failing_scenarios = {7003}
    result = cli(server, *RUN, "--fail-on", "new-failures")
    assert result.code == 0, result.out
    assert "history: 20 earlier completed result(s) of agent 512" in result.err


def test_history_smaller_than_asked(server: MockCekuraServer) -> None:
    result = cli(server, "gate", "1107", "--history", "5")
    assert result.code == 0, result.err
    assert "Against the last 5 completed results of the agent" in result.out


def test_json_carries_the_history(server: MockCekuraServer) -> None:
    server.failing_scenarios = {7003}
    result = cli(server, *RUN, "--history", "20", "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["passed"] is True
    assert document["history"]["flaky"] == [
        "Insurance question / Busy professional",
        "Insurance question / Elderly caller",
    ]
    assert len(document["history"]["history_ids"]) == 20


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.5", "a confidence is a number between 0.5 and 1 (e.g. 0.95), got '1.5'"),
        ("nan", "a confidence is a number between 0.5 and 1 (e.g. 0.95), got 'nan'"),
        ("95", "a confidence is a number between 0.5 and 1 (e.g. 0.95), got '95'"),
    ],
)
def test_a_confidence_out_of_range_is_a_usage_error(
    server: MockCekuraServer, value: str, message: str
) -> None:
    result = cli(server, "gate", "1107", "--history", "--confidence", value)
    assert result.code == 2
    assert (
        result.err.splitlines()[-1]
        == f"cekura-results gate: error: argument --confidence: {message}"
    )
    assert server.requests == []


def test_history_on_run_needs_wait(server: MockCekuraServer) -> None:
    result = cli(server, "run", "--agent", "512", "--scenarios", "7001", "--history", "5")
    assert result.code == 2
    assert result.err.splitlines()[-1] == (
        "cekura-results run: error: --history needs --wait (the result must finish first)"
    )
    assert server.requests == []
