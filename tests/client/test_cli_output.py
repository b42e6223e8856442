"""``cekura-results`` robustness, as a subprocess: output never fails
(any stdout encoding, lone surrogates, a closed pipe), Ctrl-C exits 130 in one line, timeouts
must be finite, server text cannot paint lines, a timed-out wait exits 3."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from cekura_client.testing import payloads
from tests.support.constants import API_KEY, result_path
from tests.support.loopback import fault_server, json_response

CLI = [sys.executable, "-m", "cekura_client.cli"]
PAINT = "\r\x1b[2K\x1b[32mGATE PASSED\x1b[0m"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKURA_", "PYTHONIO"))}
    return {**env, "CEKURA_API_KEY": API_KEY, **extra}


def _run(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*CLI, "--base-url", url, *args],
        env=_env(**env),
        capture_output=True,
        timeout=60,
        check=False,
    )


def _body(result: dict[str, Any]) -> str:
    return json.dumps(result)  # ensure_ascii: lone surrogates travel as \ud800 escapes


def _one_line(stderr: bytes) -> str:
    text = stderr.decode()
    assert text.endswith("\n") and text.count("\n") == 1, text
    return text[:-1]


def test_a_passing_gate_on_an_ascii_stdout() -> None:
    result = payloads.passing_result()
    result["name"] = "Nächtlicher Lauf ✓ — 日本語"
    with fault_server(json_response(200, _body(result))) as server:
        proc = _run(server.url, "gate", "1001", PYTHONIOENCODING="ascii")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    assert b"N\\xe4chtlicher Lauf \\u2713" in proc.stdout and b"GATE PASSED" in proc.stdout


@pytest.mark.parametrize("encoding", ["utf-8", "ascii", "latin-1"])
def test_lone_surrogates_in_names(encoding: str) -> None:
    result = payloads.passing_result()
    result["name"] = "bad \ud800 name"
    result["agent_name"] = "\udcff"
    with fault_server(json_response(200, _body(result))) as server:
        text = _run(server.url, "show", "1001", PYTHONIOENCODING=encoding)
        as_json = _run(server.url, "show", "1001", "--json", PYTHONIOENCODING=encoding)
    assert text.returncode == 0 and text.stderr == b""
    assert b"bad \\ud800 name" in text.stdout
    assert as_json.returncode == 0 and as_json.stderr == b""
    assert json.loads(as_json.stdout)["name"] == "bad \ud800 name"  # still valid JSON


@pytest.mark.parametrize("args", [["show", "1001", "--json"], ["show", "1001"], ["gate", "1001"]])
def test_output_into_a_closed_pipe(args: list[str]) -> None:
    """Like ``| head -c1``: the reader is gone. (Its read end is closed before the CLI starts,
    so the write fails for certain; a reader that leaves half-way is the same error.)"""
    with fault_server(json_response(200, _body(payloads.passing_result()))) as server:
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            proc = subprocess.run(
                [*CLI, "--base-url", server.url, *args],
                env=_env(),
                stdout=write_end,
                stderr=subprocess.PIPE,
                timeout=60,
                check=False,
            )
        finally:
            os.close(write_end)
    assert proc.returncode == 141 and proc.stderr == b""


def test_ctrl_c_during_wait_is_one_line_and_exit_130() -> None:
    running = json_response(200, _body(payloads.running_result(1003)))
    with fault_server(running) as server:
        proc = subprocess.Popen(
            [*CLI, "--base-url", server.url, "wait", "1003", "--poll-interval", "0.2"],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stderr is not None
        first = proc.stderr.readline()  # the first progress line: the wait is under way
        assert b"result 1003: running" in first
        time.sleep(0.3)
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=10)
        elapsed = time.monotonic() - started
    assert proc.returncode == 130 and stdout == b""
    assert stderr == b"cekura-results: interrupted\n" and elapsed < 5


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e300", "-inf"])
@pytest.mark.parametrize("option", ["--request-timeout", "--timeout", "--poll-interval"])
def test_timeouts_must_be_finite_and_positive(value: str, option: str) -> None:
    before = [option, value] if option == "--request-timeout" else []
    after = [] if option == "--request-timeout" else [option, value]
    proc = subprocess.run(
        [*CLI, *before, "wait", "1", *after],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    last = proc.stderr.splitlines()[-1]
    assert last.startswith(f"cekura-results wait: error: argument {option}: ") or last.startswith(
        f"cekura-results: error: argument {option}: "
    )
    assert "Traceback" not in proc.stderr


def test_server_text_in_an_error_cannot_paint_lines() -> None:
    detail = json.dumps({"detail": f"Not found.{PAINT}\nsecond line"})
    with fault_server(json_response(404, detail)) as server:
        proc = _run(server.url, "show", "1001")
    assert proc.returncode == 2 and proc.stdout == b""
    assert _one_line(proc.stderr) == (
        "cekura-results: error: NotFoundError: 404 Not Found: Not found.\\r\\u001b[2K\\u001b[32m"
        "GATE PASSED\\u001b[0m\\nsecond line (no result 1001 at GET "
        f"{server.url}{result_path(1001)}; check the ID and the base URL)"
    )


def test_server_text_in_a_failing_gate_cannot_paint_a_pass() -> None:
    result = payloads.failing_result()
    result["name"] = f"nightly{PAINT}"
    result["agent_name"] = "agent\nGATE PASSED"
    for run in result["runs"].values():
        run["scenario_name"] = f"scenario\nGATE PASSED{PAINT}"
        run["error_message"] = f"boom\n\nGATE PASSED{PAINT}"
    with fault_server(json_response(200, _body(result))) as server:
        proc = _run(server.url, "gate", "1002")
    assert proc.returncode == 1 and proc.stderr == b""
    out = proc.stdout.decode()
    assert "\x1b" not in out and "\r" not in out
    assert not any(line.lstrip().startswith("GATE PASSED") for line in out.splitlines())
    assert "GATE FAILED" in out


def test_a_timed_out_wait_has_its_own_exit_code() -> None:
    running = json_response(200, _body(payloads.running_result(1003)))
    with fault_server(running) as server:
        proc = _run(server.url, "wait", "1003", "--timeout", "0.5", "--poll-interval", "0.2")
    assert proc.returncode == 3 and proc.stdout == b""
    assert proc.stderr.decode().splitlines()[-1] == (
        f"cekura-results: Result 1003 did not finish within 0.5 s (last status: running, "
        f"{len(server.requests)} requests)"
    )


def test_a_network_error_is_one_line_and_exit_2() -> None:
    with fault_server() as server:
        url = server.url
    proc = _run(url, "--request-timeout", "2", "show", "1")
    assert proc.returncode == 2 and _one_line(proc.stderr) == (
        "cekura-results: error: APIConnectionError: Connection error (ConnectError: [Errno 111] "
        f"Connection refused) for GET {url}{result_path(1)}."
    )
