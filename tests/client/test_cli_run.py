"""``cekura-results run`` and ``list`` (and ``--baseline latest``) end to end against the embedded
mock server: the CI loop as a real subprocess (start, wait, gate, compare with the agent's latest
completed result, JUnit, ``$GITHUB_OUTPUT``), SIGTERM and SIGINT while waiting (the calls ended
once, the reports written and marked incomplete, exit 130), the cost refused above
``--max-runs``, a start never sent twice; the rest in-process through ``main()``. Every error
path checks the exit code and the exact line on stderr."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pytest
from junitparser import Error, Failure, JUnitXml

from cekura_client import Cekura
from cekura_client.cli import main
from cekura_client.testing import MockCekuraServer, MockResponse, payloads

MODULE = [sys.executable, "-m", "cekura_client"]
POLL = ("--poll-interval", "0.05")
START_PATH = "/test_framework/v2/scenarios/run_scenarios/"
START_TEXT_PATH = "/test_framework/v2/scenarios/run_scenarios_text/"
COST_3 = (
    "cekura-results: run: 3 calls (3 scenarios x frequency 1) against agent 512, as voice calls"
)
UNKNOWN_COST = (
    "cekura-results: run: an unknown number of calls (the scenarios Cekura selects x frequency 1) "
    "against agent 512, as voice calls"
)
TAGS_NEED_MAX_RUNS = (
    "cekura-results: error: with --tags or --folder, Cekura chooses the scenarios, so the number "
    "of calls is known only once started; pass --max-runs N to start (calls past N are ended at "
    "once)"
)
INCOMPLETE = "Incomplete report: the result had not finished"


@pytest.fixture
def server() -> Iterator[MockCekuraServer]:
    with MockCekuraServer(polls_to_complete=2) as mock_server:
        yield mock_server


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs see no CEKURA_* or GITHUB_* variables of the machine running the tests."""
    for name in list(os.environ):
        if name.startswith(("CEKURA_", "GITHUB_")):
            monkeypatch.delenv(name)


def _env(server: MockCekuraServer, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKURA_", "GITHUB_"))}
    return {**env, "CEKURA_API_KEY": server.api_key, "CEKURA_API_URL": server.url, **extra}


def _subprocess(
    server: MockCekuraServer, *args: str, cwd: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MODULE, *args],
        env=_env(server, **env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@attrs.frozen
class Outcome:
    code: int
    out: str
    err: str

    @property
    def last_error(self) -> str:
        return self.err.splitlines()[-1]


def cli(server: MockCekuraServer, *args: str, key: str | None = None, **env: str) -> Outcome:
    """``main(args)`` in this process against ``server``; argparse's usage errors (written to
    sys.stderr, then SystemExit) are captured too."""
    out, err = io.StringIO(), io.StringIO()
    variables = {"CEKURA_API_KEY": key or server.api_key, "CEKURA_API_URL": server.url, **env}
    with mock.patch.dict(os.environ, variables), contextlib.redirect_stderr(err):
        try:
            code = main(list(args), out=out, err=err)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return Outcome(code, out.getvalue(), err.getvalue())


def _starts(server: MockCekuraServer) -> list[str]:
    return [r.path for r in server.requests if r.method == "POST" and "run_scenarios" in r.path]


def _started_id(stdout: str, runs: int = 3) -> int:
    first = stdout.splitlines()[0]
    prefix, _, rest = first.partition(": ")
    assert prefix.startswith("started result ") and rest == f"{runs} runs, pending", first
    return int(prefix.removeprefix("started result "))


# --- the CI loop (the acceptance case) ----------------------------------------------

CI_LOOP = (
    "run", "--agent", "512", "--scenarios", "1,2,3", "--wait", "--junit", "j.xml",
    "--baseline", "latest", "--fail-on-regression", *POLL,
)  # fmt: skip
BODY_3 = {"agent_id": 512, "scenarios": [1, 2, 3], "frequency": 1}


def _ci_loop(
    server: MockCekuraServer, tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run the acceptance command once; check what every outcome shares; the new result's ID."""
    output, summary = tmp_path / "github_output", tmp_path / "summary.md"
    starts_before = len(server.started)
    proc = _subprocess(
        server, *CI_LOOP, cwd=tmp_path,
        GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary),
    )  # fmt: skip
    assert "Traceback" not in proc.stderr
    new_id = _started_id(proc.stdout)
    assert proc.stderr.splitlines()[0] == COST_3
    lines = output.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"result_id={new_id}"
    passed = "false" if proc.returncode else "true"
    assert lines[1:] == [f"passed={passed}", lines[2]] and lines[2] in (
        "regressed=true",
        "regressed=false",
    )
    assert f"Cekura result {new_id}" in summary.read_text(encoding="utf-8")
    assert server.started[starts_before:] == [BODY_3]  # exactly one start, this body
    assert len(_starts(server)) == starts_before + 1
    return proc, new_id


def test_the_ci_loop_passes(server: MockCekuraServer, tmp_path: Path) -> None:
    proc, new_id = _ci_loop(server, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "GATE PASSED (100.0% of runs)" in proc.stdout
    # The latest completed result of agent 512 among the mock's examples is 1002.
    assert f"Result {new_id} compared with baseline 1002: NO REGRESSION" in proc.stdout
    doc = JUnitXml.fromfile(str(tmp_path / "j.xml"))
    assert (doc.tests, doc.failures, doc.errors) == (4, 0, 0)  # 3 runs + the comparison
    assert server.calls_ended == []


def test_the_ci_loop_fails_on_a_failed_run(server: MockCekuraServer, tmp_path: Path) -> None:
    with Cekura(api_key=server.api_key, base_url=server.url) as client:  # the last good run
        good = client.scenarios.run(512, scenarios=[1, 2, 3])
        client.results.wait(good.id, poll_interval=0.01)
    server.failing_scenarios = {2}
    proc, new_id = _ci_loop(server, tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "GATE FAILED: 1 of 3 runs did not succeed" in proc.stdout
    # One of three scenarios newly failing is within chance: no regression, by default.
    assert f"Result {new_id} compared with baseline {good.id}: NO REGRESSION" in proc.stdout
    assert "Newly failing:\n  Scenario 2 / Busy professional\n" in proc.stdout
    doc = JUnitXml.fromfile(str(tmp_path / "j.xml"))
    assert (doc.tests, doc.failures, doc.errors) == (4, 1, 0)
    failed = {case.name for suite in doc for case in suite if any(case.result)}
    assert failed == {"Scenario 2 / Busy professional"}


def test_a_regression_alone_fails_the_run(server: MockCekuraServer) -> None:
    """--min-success-rate 50 lets the gate pass (2 of 3 runs): only the regression fails it."""
    with Cekura(api_key=server.api_key, base_url=server.url) as client:
        good = client.scenarios.run(512, scenarios=[1, 2, 3])
        client.results.wait(good.id, poll_interval=0.01)
    server.failing_scenarios = {2}
    args = (
        "run", "--agent", "512", "--scenarios", "1,2,3", "--wait", "--min-success-rate", "50",
        "--rule", "thresholds",
    )  # fmt: skip
    strict = cli(server, *args, *POLL, "--baseline", "latest", "--fail-on-regression", "--json")
    assert strict.code == 1, strict.err
    document = json.loads(strict.out)  # with --json, stdout is the JSON document alone
    assert document["verdict"]["passed"] is True
    assert document["comparison"]["baseline_id"] == good.id
    assert document["comparison"]["regressed"] is True
    # Without --fail-on-regression the regression is reported, and the gate decides.
    lenient = cli(server, *args, *POLL, "--baseline", str(good.id))
    assert lenient.code == 0, lenient.err
    assert f"compared with baseline {good.id}: REGRESSED" in lenient.out


# --- SIGTERM and SIGINT while waiting -------------------------------------------------------

SIGNAL_RUN = (
    "run", "--agent", "512", "--scenarios", "1,2,3", "--wait", "--junit", "j.xml",
    "--markdown", "m.md", "--html", "h.html", "--baseline", "latest", "--fail-on-regression",
    "--poll-interval", "30",
)  # fmt: skip


def _start_waiting(server: MockCekuraServer, tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    """Start ``run --wait`` (30 s between polls) and return once it is waiting."""
    proc = subprocess.Popen(
        [*MODULE, *SIGNAL_RUN],
        env=_env(server, GITHUB_OUTPUT=str(tmp_path / "github_output")),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        new_id = _started_id(proc.stdout.readline())
        assert proc.stderr.readline() == COST_3 + "\n"
        # The first poll's progress line: the wait is under way, 30 s from the next poll.
        assert proc.stderr.readline() == f"[0:00] result {new_id}: running, 2/3 runs done\n"
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc, new_id


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    assert proc.stdout is not None and proc.stderr is not None
    try:
        code = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    return code, proc.stdout.read(), proc.stderr.read()


def _interrupted_line(signum: signal.Signals, new_id: int) -> str:
    return (
        f"cekura-results: interrupted: {signum.name} received while waiting: ended the calls of "
        f"result {new_id}; reports written from the last state seen\n"
    )


def _check_incomplete_reports(tmp_path: Path, signum: signal.Signals, new_id: int) -> None:
    why = f"{signum.name} received while waiting: ended the calls of result {new_id}"
    doc = JUnitXml.fromfile(str(tmp_path / "j.xml"))
    errors = {
        case.name: result.message
        for suite in doc
        for case in suite
        for result in case.result
        if isinstance(result, Error)
    }
    assert errors["wait for the result"] == why
    assert not any(isinstance(r, Failure) for suite in doc for case in suite for r in case.result)
    markdown = (tmp_path / "m.md").read_text(encoding="utf-8")
    assert markdown.startswith(f"> **{INCOMPLETE}.** {why}\n")
    html = (tmp_path / "h.html").read_text(encoding="utf-8")
    assert INCOMPLETE in html and why in html
    output = (tmp_path / "github_output").read_text(encoding="utf-8")
    assert output == f"result_id={new_id}\npassed=false\nregressed=false\n"


@pytest.mark.parametrize(
    "signals",
    [1, 2],
    ids=["once", "twice-at-once"],
)
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_waiting_ends_the_calls_once(
    server: MockCekuraServer, tmp_path: Path, signum: signal.Signals, signals: int
) -> None:
    proc, new_id = _start_waiting(server, tmp_path)
    sent = time.monotonic()
    for _ in range(signals):  # a runner's repeated SIGTERM, a second Ctrl-C
        proc.send_signal(signum)
    code, out, err = _finish(proc)
    assert code == 130 and time.monotonic() - sent < 10
    assert out == ""
    assert err == _interrupted_line(signum, new_id)  # the one line after the progress
    assert server.calls_ended == [new_id]
    assert server.results[new_id].status == "cancelled"
    assert len(_starts(server)) == 1
    _check_incomplete_reports(tmp_path, signum, new_id)


class _SlowEndCalls(MockCekuraServer):
    """Answers end_calls after a second: a signal can arrive while the calls are being ended."""

    def _end_calls(self, id_text: str) -> MockResponse:
        time.sleep(1.0)
        return super()._end_calls(id_text)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_second_signal_while_the_calls_are_ended_does_not_cut_it_short(
    tmp_path: Path, signum: signal.Signals
) -> None:
    with _SlowEndCalls(polls_to_complete=2) as server:
        proc, new_id = _start_waiting(server, tmp_path)
        proc.send_signal(signum)
        deadline = time.monotonic() + 10
        while not any(r.path.endswith("/end_calls/") for r in server.requests):
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("end_calls was never sent")
            time.sleep(0.01)
        proc.send_signal(signum)  # the end_calls request is in flight
        code, _, err = _finish(proc)
        assert code == 130
        assert err == _interrupted_line(signum, new_id)
        assert server.calls_ended == [new_id]
        _check_incomplete_reports(tmp_path, signum, new_id)


class _SlowStart(MockCekuraServer):
    """Answers a run start after a second: a signal can arrive while the POST is in flight."""

    def _start(self, raw: bytes, headers: Any, text: bool) -> MockResponse:
        answer = super()._start(raw, headers, text)
        time.sleep(1.0)
        return answer


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_during_the_start_waits_for_its_answer_then_ends_the_calls(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """Interrupting the POST would leave calls running under an ID nobody knows: the start is
    let to finish, and its calls are ended at once."""
    with _SlowStart(polls_to_complete=2) as server:
        proc = subprocess.Popen(
            [*MODULE, *SIGNAL_RUN],
            env=_env(server, GITHUB_OUTPUT=str(tmp_path / "github_output")),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the run was never started")
            time.sleep(0.01)
        proc.send_signal(signum)  # the start's answer is still a second away
        code, out, err = _finish(proc)
        new_id = _started_id(out.splitlines()[0])
        assert code == 130
        assert err.splitlines()[-1] == _interrupted_line(signum, new_id).rstrip("\n")
        assert server.calls_ended == [new_id]
        assert len(server.started) == 1


# --- what starts, and what it costs ---------------------------------------------------------


def test_text_runs_start_text_chats(server: MockCekuraServer) -> None:
    result = cli(server, "run", "--agent", "512", "--scenarios", "1,2,3", "--text", "--wait", *POLL)
    assert result.code == 0, result.err
    assert result.err.splitlines()[0] == COST_3.replace("voice calls", "text chats")
    assert _starts(server) == [START_TEXT_PATH]
    assert server.started == [BODY_3]
    new_id = _started_id(result.out)
    assert server.results[new_id].run_as_text is True
    assert "GATE PASSED" in result.out


def test_frequency_and_personalities_multiply_the_cost(server: MockCekuraServer) -> None:
    result = cli(
        server, "run", "--agent", "512", "--scenarios", "1,2,3", "--frequency", "2",
        "--personalities", "3,7",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.err == (
        "cekura-results: run: 12 calls (3 scenarios x frequency 2 x 2 personalities) against "
        "agent 512, as voice calls\n"
    )
    new_id = _started_id(result.out, runs=12)
    assert server.started == [
        {"agent_id": 512, "scenarios": [1, 2, 3], "frequency": 2, "personality_ids": [3, 7]}
    ]
    assert len(server.results[new_id].runs) == 12


def test_dry_run_prints_the_body_and_sends_nothing(server: MockCekuraServer) -> None:
    result = cli(
        server, "run", "--agent", "512", "--scenarios", "1,2,3", "--frequency", "2",
        "--name", "nightly", "--dry-run", "--wait",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert json.loads(result.out) == {
        "dry_run": True,
        "calls": 6,
        "body": {"agent_id": 512, "scenarios": [1, 2, 3], "frequency": 2, "name": "nightly"},
    }
    assert result.err.splitlines() == [
        "cekura-results: run: 6 calls (3 scenarios x frequency 2) against agent 512, as voice calls"
    ]
    assert server.requests == []


def test_a_cost_above_max_runs_is_refused(server: MockCekuraServer) -> None:
    args = ("run", "--agent", "512", "--scenarios", "1,2,3", "--frequency", "20")
    refused = cli(server, *args, "--wait")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err.splitlines() == [
        "cekura-results: run: 60 calls (3 scenarios x frequency 20) against agent 512, as voice "
        "calls",
        "cekura-results: error: refusing to start 60 calls, more than --max-runs 50; pass "
        "--max-runs 60 to start them",
    ]
    lowered = cli(server, "run", "--agent", "512", "--scenarios", "1,2,3", "--max-runs", "2")
    assert lowered.code == 2
    assert lowered.last_error == (
        "cekura-results: error: refusing to start 3 calls, more than --max-runs 2; pass "
        "--max-runs 3 to start them"
    )
    assert server.requests == []
    raised = cli(server, *args, "--max-runs", "60")
    assert raised.code == 0, raised.err
    _started_id(raised.out, runs=60)
    assert server.started == [{"agent_id": 512, "scenarios": [1, 2, 3], "frequency": 20}]


@pytest.mark.parametrize(
    "selection",
    [("--tags", "nightly"), ("--folder", "FrontDesk", "--project", "1376")],
    ids=["tags", "folder"],
)
def test_tags_or_a_folder_need_max_runs(
    server: MockCekuraServer, selection: tuple[str, ...]
) -> None:
    result = cli(server, "run", "--agent", "512", *selection, "--wait")
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [UNKNOWN_COST, TAGS_NEED_MAX_RUNS]
    assert server.requests == []


@pytest.mark.parametrize(
    ("selection", "runs"),
    [(("--tags", "nightly"), 3), (("--folder", "FrontDesk", "--project", "1376"), 5)],
    ids=["tags", "folder"],
)
def test_calls_past_max_runs_are_ended_at_once(
    server: MockCekuraServer, tmp_path: Path, selection: tuple[str, ...], runs: int
) -> None:
    output = tmp_path / "github_output"
    args = ("run", "--agent", "512", *selection, "--wait", *POLL)
    result = cli(server, *args, "--max-runs", "2", GITHUB_OUTPUT=str(output))
    assert result.code == 2
    new_id = _started_id(result.out, runs=runs)
    assert result.out.count("\n") == 1  # no wait, no gate
    assert result.err.splitlines() == [
        UNKNOWN_COST,
        f"cekura-results: error: result {new_id} started {runs} calls, more than --max-runs 2; "
        "its calls were ended",
    ]
    assert server.calls_ended == [new_id]
    assert output.read_text(encoding="utf-8") == f"result_id={new_id}\n"
    # Enough room: it starts, waits and passes, and nothing is ended.
    enough = cli(server, *args, "--max-runs", str(runs))
    assert enough.code == 0, enough.err
    assert "GATE PASSED" in enough.out
    assert server.calls_ended == [new_id]


def _usage_error(result: Outcome, message: str) -> None:
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("usage: cekura-results run ")
    assert result.last_error == f"cekura-results run: error: {message}"


def test_folder_needs_project(server: MockCekuraServer) -> None:
    result = cli(server, "run", "--agent", "512", "--folder", "FrontDesk", "--max-runs", "9")
    _usage_error(result, "--folder needs --project ID (folder paths are per project)")
    assert server.requests == []


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--junit", "j.xml"], "--junit"),
        (["--markdown", "m.md", "--html", "h.html"], "--markdown, --html"),
        (["--baseline", "latest"], "--baseline"),
        (["--baseline", "1005", "--min-success-rate", "90"], "--baseline, --min-success-rate"),
    ],
)
def test_report_options_need_wait(server: MockCekuraServer, options: list[str], named: str) -> None:
    result = cli(server, "run", "--agent", "512", "--scenarios", "1", *options)
    verb = "need" if "," in named else "needs"
    _usage_error(result, f"{named} {verb} --wait (the result must finish first)")
    assert server.requests == []


def test_fail_on_regression_needs_a_baseline(server: MockCekuraServer) -> None:
    result = cli(
        server, "run", "--agent", "512", "--scenarios", "1", "--wait", "--fail-on-regression"
    )
    _usage_error(result, "--fail-on-regression needs --baseline ID (or --baseline latest)")
    assert server.requests == []


def test_json_without_wait_prints_the_started_result_only(
    server: MockCekuraServer, tmp_path: Path
) -> None:
    output = tmp_path / "github_output"
    result = cli(
        server, "run", "--agent", "512", "--scenarios", "1,2,3", "--json",
        GITHUB_OUTPUT=str(output),
    )  # fmt: skip
    assert result.code == 0, result.err
    started = json.loads(result.out)  # nothing else on stdout
    assert started["status"] == "pending" and started["agent"] == 512
    assert [run["scenario_id"] for run in started["runs"]] == [1, 2, 3]
    assert list(server.results)[-1] == started["id"]
    assert result.err == COST_3 + "\n"
    assert output.read_text(encoding="utf-8") == f"result_id={started['id']}\n"
    assert server.calls_ended == []


def test_a_lost_start_answer_is_not_resent(server: MockCekuraServer, tmp_path: Path) -> None:
    server.drop_responses_to = {f"POST {START_PATH}"}
    output = tmp_path / "github_output"
    result = cli(
        server, "--request-timeout", "5", "run", "--agent", "512", "--scenarios", "1,2,3",
        "--wait", *POLL, GITHUB_OUTPUT=str(output),
    )  # fmt: skip
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        COST_3,
        "cekura-results: error: APIConnectionError: The server sent a response that is not valid "
        "HTTP (RemoteProtocolError: Server disconnected without sending a response.) for POST "
        f"{server.url}{START_PATH}. The request may have reached Cekura, so its calls may have "
        "started (and be billed); client.scenarios.run does not send it again. Check with "
        "client.results.list(agent_id=...) or `cekura-results list --agent ID` before starting "
        "it again.",
    ]
    assert server.started == [BODY_3]  # it did start, once
    assert _starts(server) == [START_PATH]
    assert len(server.requests) == 1
    assert not output.exists()


def test_a_run_that_outlasts_timeout_exits_3_with_its_reports(tmp_path: Path) -> None:
    with MockCekuraServer(polls_to_complete=1000) as server:
        result = cli(
            server, "run", "--agent", "512", "--scenarios", "1,2,3", "--wait", "--timeout", "0.3",
            *POLL, "--junit", str(tmp_path / "j.xml"),
        )  # fmt: skip
    assert result.code == 3
    new_id = _started_id(result.out)
    assert result.last_error.startswith(
        f"cekura-results: Result {new_id} did not finish within 0.3 s (last status: running"
    )
    doc = JUnitXml.fromfile(str(tmp_path / "j.xml"))
    assert any(case.name == "wait for the result" for suite in doc for case in suite)


# --- --baseline latest ----------------------------------------------------------------------


@pytest.mark.parametrize(("failing", "code"), [(set(), 0), ({2}, 1)], ids=["passes", "fails"])
def test_latest_with_no_other_completed_result_compares_with_nothing(
    failing: set[int], code: int
) -> None:
    with MockCekuraServer({}, polls_to_complete=2, failing_scenarios=failing) as server:
        result = cli(
            server, "run", "--agent", "512", "--scenarios", "1,2,3", "--wait", *POLL,
            "--baseline", "latest", "--fail-on-regression",
        )  # fmt: skip
    assert result.code == code, result.err
    assert result.last_error == (
        "cekura-results: note: --baseline latest: agent 512 has no earlier completed result; "
        "nothing to compare with"
    )
    assert "compared with baseline" not in result.out


@pytest.fixture
def pair() -> Iterator[MockCekuraServer]:
    """1005 (2026-11-19) and 1006 (2026-11-20, regressed): agent 512's only results."""
    results = {1005: payloads.baseline_result(), 1006: payloads.regressed_result()}
    with MockCekuraServer(results) as mock_server:
        yield mock_server


def test_gate_with_baseline_latest(pair: MockCekuraServer) -> None:
    args = (
        "gate", "1006", "--baseline", "latest", "--min-success-rate", "50", "--json",
        "--rule", "thresholds",
    )  # fmt: skip
    result = cli(pair, *args)
    assert result.code == 0, result.err  # the gate passes; the regression alone does not fail it
    comparison = json.loads(result.out)["comparison"]
    assert (comparison["baseline_id"], comparison["current_id"]) == (1005, 1006)
    assert comparison["regressed"] is True
    assert cli(pair, *args, "--fail-on-regression").code == 1


def test_report_with_baseline_latest(pair: MockCekuraServer, tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    result = cli(
        pair, "report", "1006", "--baseline", "latest", "-o", str(target), "--rule", "thresholds"
    )
    assert (result.code, result.out, result.err) == (0, "", f"wrote {target}\n")
    document = json.loads(target.read_text(encoding="utf-8"))
    assert [r["id"] for r in document["results"]] == [1006]
    assert document["comparison"]["baseline_id"] == 1005
    assert document["comparison"]["regressed"] is True


def test_compare_latest(pair: MockCekuraServer) -> None:
    regressed = cli(pair, "compare", "latest", "1006", "--rule", "thresholds")
    assert (regressed.code, regressed.err) == (1, "")
    assert regressed.out.startswith("Result 1006 compared with baseline 1005: REGRESSED\n")
    with MockCekuraServer(payloads.nightly_results(7)) as week:  # 1106 failed 3 runs, 1107 one
        better = cli(week, "compare", "latest", "1107", "--json")
    assert (better.code, better.err) == (0, "")
    assert json.loads(better.out)["baseline_id"] == 1106


def test_compare_latest_without_an_earlier_completed_result() -> None:
    results = {1001: payloads.passing_result(), 1003: payloads.running_result()}
    with MockCekuraServer(results) as server:
        result = cli(server, "compare", "latest", "1001")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "cekura-results: error: agent 512 has no completed result earlier than 1001 to compare with\n"
    )


def test_compare_latest_never_takes_a_later_result_as_the_baseline(
    pair: MockCekuraServer,
) -> None:
    result = cli(pair, "compare", "latest", "1005")  # 1006 is newer: there is no earlier one
    assert (result.code, result.out) == (2, "")


@pytest.mark.parametrize(
    ("args", "parser", "argument"),
    [
        (["gate", "1002", "--baseline", "banana"], "gate", "--baseline"),
        (["report", "1002", "--baseline", "banana", "--json"], "report", "--baseline"),
        (["compare", "banana", "1002"], "compare", "BASE_ID"),
        (
            ["run", "--agent", "512", "--scenarios", "1", "--wait", "--baseline", "banana"],
            "run",
            "--baseline",
        ),
    ],
    ids=["gate", "report", "compare", "run"],
)
def test_a_baseline_that_is_neither_an_id_nor_latest(
    server: MockCekuraServer, args: list[str], parser: str, argument: str
) -> None:
    result = cli(server, *args)
    assert (result.code, result.out) == (2, "")
    assert result.last_error == (
        f"cekura-results {parser}: error: argument {argument}: not a baseline (a result ID, or "
        "'latest'): 'banana'"
    )
    assert server.requests == []


# --- list -----------------------------------------------------------------------------------


@pytest.fixture
def nights() -> Iterator[MockCekuraServer]:
    """60 nights of agent 512 (1048-1107, one a day up to 2026-11-18) and one other agent's."""
    results: dict[int, Any] = dict(payloads.nightly_results(60))
    results[2001] = payloads.nightly_result(2001, agent_id=77)
    with MockCekuraServer(results) as mock_server:
        yield mock_server


def _newest_of_agent_512(server: MockCekuraServer, n: int) -> list[dict[str, Any]]:
    mine = [p for p in server.results.values() if p["agent"] == 512]
    return sorted(mine, key=lambda p: (p["created_at"], p["id"]), reverse=True)[:n]


def test_list_prints_a_table_newest_first(nights: MockCekuraServer) -> None:
    result = cli(nights, "list", "--agent", "512", "--limit", "5")
    assert (result.code, result.err) == (0, "")
    header, *rows = result.out.splitlines()
    assert header.split() == ["ID", "CREATED", "(UTC)", "STATUS", "PASSED", "RUNS", "NAME"]
    expected = _newest_of_agent_512(nights, 5)
    assert [p["id"] for p in expected] == [1107, 1106, 1105, 1104, 1103]
    assert [row.split() for row in rows] == [
        [
            str(p["id"]),
            p["created_at"][:10],
            p["created_at"][11:16],
            "completed",
            f"{p['success_rate']:.1f}%",
            "6",
            *p["name"].split(),
        ]
        for p in expected
    ]
    assert len([r for r in nights.requests if r.method == "GET"]) == 1  # one page of 5


def test_list_json(nights: MockCekuraServer) -> None:
    result = cli(nights, "list", "--agent", "512", "--limit", "5", "--json")
    assert (result.code, result.err) == (0, "")
    items = json.loads(result.out)
    assert [item["id"] for item in items] == [p["id"] for p in _newest_of_agent_512(nights, 5)]
    assert {item["status"] for item in items} == {"completed"}


def test_list_shows_a_started_result_first(server: MockCekuraServer) -> None:
    new_id = _started_id(cli(server, "run", "--agent", "512", "--scenarios", "1,2,3").out)
    result = cli(server, "list", "--agent", "512", "--limit", "2")
    assert (result.code, result.err) == (0, "")
    first = result.out.splitlines()[1].split()
    assert (first[0], first[3], first[5]) == (str(new_id), "pending", "3")


def test_list_with_no_results(nights: MockCekuraServer) -> None:
    result = cli(nights, "list", "--agent", "999")
    assert result.code == 0
    assert result.out.split() == ["ID", "CREATED", "(UTC)", "STATUS", "PASSED", "RUNS", "NAME"]
    assert result.err == "cekura-results: no results\n"


def test_list_with_a_bad_key_is_one_line(nights: MockCekuraServer) -> None:
    result = cli(nights, "list", "--agent", "512", key="not-the-key")
    assert (result.code, result.out) == (2, "")
    assert (
        result.err
        == "cekura-results: error: AuthenticationError: 401 Unauthorized: Invalid API key.\n"
    )


# --- help -----------------------------------------------------------------------------------


def test_help_names_run_list_max_runs_and_latest(server: MockCekuraServer, tmp_path: Path) -> None:
    top = _subprocess(server, "--help", cwd=tmp_path)
    assert top.returncode == 0 and top.stderr == ""
    for command, summary in (("run", "start a suite of scenarios"), ("list", "list results")):
        assert re.search(rf"^ +{command} +{summary}", top.stdout, re.MULTILINE), top.stdout
    run_help = _subprocess(server, "run", "--help", cwd=tmp_path)
    assert run_help.returncode == 0 and run_help.stderr == ""
    for text in ("--max-runs N", "(default 50)", "--baseline ID|latest", "--dry-run", "--text"):
        assert text in run_help.stdout
    gate_help = _subprocess(server, "gate", "--help", cwd=tmp_path)
    assert "--baseline ID|latest" in gate_help.stdout
    assert server.requests == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("list", "--agent", "abc"),
            "argument --agent: not an agent ID (a positive integer): 'abc'",
        ),
        (
            ("list", "--project", "0"),
            "argument --project: not a project ID (a positive integer): '0'",
        ),
        (
            ("run", "--agent", "x", "--scenarios", "1"),
            "argument --agent: not an agent ID (a positive integer): 'x'",
        ),
    ],
)
def test_an_id_that_is_not_one_is_named_for_what_it_is(
    server: MockCekuraServer, args: tuple[str, ...], message: str
) -> None:
    result = cli(server, *args)
    command = args[0]
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"usage: cekura-results {command} ")
    assert result.last_error == f"cekura-results {command}: error: {message}"
    assert server.requests == []
