"""The mock server as a user meets it: ``python -m cekura_client.testing`` run as a real process,
its help text, results for any ID, and the routes the official SDK calls (no trailing slash)."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import pydoc
import queue
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import httpx
import pytest

from cekura_client import Cekura, Result
from cekura_client.testing import DEFAULT_MOCK_API_KEY, MockCekuraServer, payloads
from cekura_client.testing._serve import main

PROG = "python -m cekura_client.testing"
STARTUP_SECONDS = 30.0
posix_signals = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@dataclass
class Served:
    proc: subprocess.Popen[str]
    banner: list[str]
    url: str

    def stop(self, signum: int) -> tuple[int, str]:
        """Send ``signum``; the exit code and stderr once it has exited."""
        self.proc.send_signal(signum)
        code = self.proc.wait(timeout=10)
        assert self.proc.stderr is not None
        return code, self.proc.stderr.read()


def _clean_env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CEKURA_")}
    return {**base, **extra}


def _lines(proc: subprocess.Popen[str]) -> queue.Queue[str | None]:
    """stdout's lines as they come (None at EOF), so the test can wait with a deadline."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


@pytest.fixture
def serve() -> Iterator[Callable[..., Served]]:
    """``serve(*args, **env)`` starts ``python -m cekura_client.testing`` and waits for its
    banner; every process started is killed at the end, whatever happened."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str, **env: str) -> Served:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cekura_client.testing", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_clean_env(**env),
        )
        started.append(proc)
        banner: list[str]
        lines, banner = _lines(proc), []
        deadline = time.monotonic() + STARTUP_SECONDS
        while not banner or banner[-1] != "Press Ctrl-C to stop.":
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no banner within {STARTUP_SECONDS} s; so far: {banner}")
            if line is None:
                proc.wait(timeout=10)
                assert proc.stderr is not None
                pytest.fail(f"exited {proc.returncode}: {proc.stderr.read()!r}")
            banner.append(line.rstrip("\n"))
        return Served(proc, banner, banner[0].removeprefix("Cekura mock API at "))

    try:
        yield start
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def get(url: str, key: str | None) -> httpx.Response:
    """A plain GET, past any proxy of the environment."""
    headers = {} if key is None else {"X-CEKURA-API-KEY": key}
    return httpx.get(url, headers=headers, trust_env=False)


def expected_banner(url: str, key_line: str = DEFAULT_MOCK_API_KEY) -> list[str]:
    return [
        f"Cekura mock API at {url}",
        f"API key: {key_line}",
        "Result IDs: 1001 passing, 1002 failing, 1003 running, 1004 quirky, 1005 baseline, "
        "1006 regressed, 1101-1107 nightly",
        "Try:",
        f"  CEKURA_API_URL={url} CEKURA_API_KEY={DEFAULT_MOCK_API_KEY} cekura-results show 1002",
        '  python -c \'from cekura_client import Cekura; print(Cekura(api_key="mock-cekura-key", '
        f'base_url="{url}").results.get(1002).status)\'',
        "Press Ctrl-C to stop.",
    ]


# --- python -m cekura_client.testing ---------------------------------------------------------


@posix_signals
def test_module_serves_a_real_client_until_sigint(serve: Callable[..., Served]) -> None:
    served = serve("--port", "0")
    host, _, port = served.url.removeprefix("http://").partition(":")
    assert host == "127.0.0.1" and int(port) > 0
    assert served.banner == expected_banner(served.url)
    with Cekura(api_key=DEFAULT_MOCK_API_KEY, base_url=served.url) as client:
        result = client.results.get(payloads.FAILING_RESULT_ID)
    assert result.id == 1002 and result.name == "PR #482 - new insurance flow"
    assert served.stop(signal.SIGINT) == (0, "Cekura mock API stopped.\n")


@posix_signals
def test_sigterm_stops_it_cleanly_too(serve: Callable[..., Served]) -> None:
    served = serve("--port", "0", "--api-key", "my-mock-key")
    assert served.banner[1] == "API key: my-mock-key"
    response = get(f"{served.url}/test_framework/v1/results/1001/", key="my-mock-key")
    assert response.json() == payloads.passing_result()
    assert served.stop(signal.SIGTERM) == (0, "Cekura mock API stopped.\n")


@posix_signals
def test_the_printed_commands_work(serve: Callable[..., Served]) -> None:
    served = serve("--port", "0")
    *assignments, command, subcommand, result_id = shlex.split(served.banner[4])
    assert command == "cekura-results"
    env = dict(a.split("=", 1) for a in assignments)
    shown = subprocess.run(
        [sys.executable, "-m", "cekura_client.cli", subcommand, result_id],
        env=_clean_env(**env), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Result 1002: PR #482 - new insurance flow\n")
    python, flag, code = shlex.split(served.banner[5])
    assert (python, flag) == ("python", "-c")
    snippet = subprocess.run(
        [sys.executable, "-c", code],
        env=_clean_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (snippet.returncode, snippet.stdout, snippet.stderr) == (0, "completed\n", "")
    assert served.stop(signal.SIGINT)[0] == 0


@posix_signals
def test_the_environments_real_key_is_never_printed(serve: Callable[..., Served]) -> None:
    real = "sk-live-0123456789abcdef"
    served = serve("--port", "0", "--api-key", real, CEKURA_API_KEY=real)
    assert served.banner[1] == "API key: the value of $CEKURA_API_KEY"
    assert served.banner[4] == f"  CEKURA_API_URL={served.url} cekura-results show 1002"
    assert "api_key=" not in served.banner[5]
    code, stderr = served.stop(signal.SIGINT)
    assert code == 0 and real not in "\n".join(served.banner) + stderr


def test_a_port_in_use_is_one_line_and_exit_2(busy_port: int) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cekura_client.testing", "--port", str(busy_port)],
        env=_clean_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        f"{PROG}: port {busy_port} is already in use on 127.0.0.1; pick another with --port, "
        "or --port 0 for a free one\n"
    )


def test_main_names_the_program_it_is_given(
    busy_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--port", str(busy_port)], prog="cekura-results mock") == 2
    assert capsys.readouterr().err.startswith(f"cekura-results mock: port {busy_port} is already")
    assert main(["--help"], prog="cekura-results mock") == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith("usage: cekura-results mock [-h] [--host HOST] [--port PORT]")
    assert "0 for a free one (default: 8765)" in help_text
    for operation in ("GET /test_framework/v2/results/", "/run_scenarios/", "/{id}/rerun/"):
        assert operation in " ".join(help_text.split()), operation


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "argument --port: not a port (0-65535, 0 for a free one): '70000'"),
        (["--port", "-1"], "argument --port: not a port (0-65535, 0 for a free one): '-1'"),
        (["--api-key", ""], "argument --api-key: must be printable text without surrounding"),
        (["--api-key", "a\nb"], "argument --api-key: must be printable text without surrounding"),
        (["--nightly"], "unrecognized arguments: --nightly"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: {PROG} ") and f"{PROG}: error: {message}" in err


def test_an_address_it_cannot_listen_on(capsys: pytest.CaptureFixture[str]) -> None:
    # 192.0.2.1 is reserved for documentation: never one of this machine's addresses.
    assert main(["--host", "192.0.2.1", "--port", "0"]) == 2
    assert capsys.readouterr().err == (
        f"{PROG}: cannot listen on 192.0.2.1 port 0: {os.strerror(errno.EADDRNOTAVAIL)}\n"
    )


def test_the_server_class_refuses_a_busy_port(busy_port: int) -> None:
    with pytest.raises(OSError, match=r"Address already in use") as info:
        MockCekuraServer(port=busy_port)
    assert info.value.errno == errno.EADDRINUSE


# --- help(MockCekuraServer) --------------------------------------------------------------------


def test_help_shows_how_to_use_it() -> None:
    # pydoc.plaintext (help() without bold) exists at run time; typeshed's pydoc.pyi omits it.
    text = pydoc.render_doc(MockCekuraServer, renderer=cast(Any, pydoc).plaintext)
    for line in (
        "from cekura_client.testing import MockCekuraServer, MockResponse, payloads",
        "with MockCekuraServer() as server:  # 127.0.0.1, a free port",
        "client = Cekura(api_key=server.api_key, base_url=server.url)",
        "result = client.results.get(payloads.FAILING_RESULT_ID)  # 1002",
        "1001 passing, 1002",
        "server.results[5000] = payloads.nightly_result(5000)",
        "server.results.update(payloads.nightly_results(50))  # IDs 1058-1107",
        'server.results[7] = MockResponse(503, {"detail": "down"})',
        "python -m cekura_client.testing [--port N]",
        "results: result ID -> payload, MockResponse or callable: what it serves.",
        "api_key: the key every request must send",
        "requests: a RecordedRequest (method, path, had_valid_key, body) per request, in order.",
        "GET /test_framework/v2/results/``: the results list, newest first",
        "POST /test_framework/v2/scenarios/run_scenarios/`` (and ``run_scenarios_text``)",
        "POST /test_framework/v2/results/{id}/rerun/``: a new result, one run per scenario.",
        "POST /test_framework/v2/results/{id}/end_calls/``: 200, no body; cancels the result.",
        "started: the body of each run start that started a result, in order.",
        "calls_ended: the result IDs of each end_calls answered 200, in order.",
        "polls_to_complete: GETs after which a started result is completed (default 3).",
        "failing_scenarios: scenario IDs whose runs fail in started results (default none).",
        'server.drop_responses_to = {"POST /test_framework/v2/scenarios/run_scenarios/"}',
    ):
        assert line in text, line
    for name in (
        "url", "start", "stop", "record", "started", "reruns", "calls_ended", "__init__",
        "__enter__", "__exit__",
    ):  # fmt: skip
        doc = getattr(MockCekuraServer, name).__doc__
        assert doc and "\n" not in doc.strip(), name


# --- payloads for any ID -----------------------------------------------------------------------


def test_nightly_result_for_any_positive_id() -> None:
    payload = payloads.nightly_result(5000)
    assert payload["id"] == 5000 and payload["created_at"] == "2017-07-21T02:00:00.000000Z"
    result = Result.from_dict(payload)
    assert result.created_at == dt.datetime(2017, 7, 21, 2, tzinfo=dt.timezone.utc)
    assert len(result.runs) == 6 and result.total_runs_count == 6
    assert payloads.nightly_result(5000) == payload  # deterministic
    for result_id, created in [
        (1, "2023-11-08"), (1058, "2026-09-30"), (1100, "2026-11-11"), (1108, "2016-11-21"),
        (10**12, "2021-04-01"),
    ]:  # fmt: skip
        assert payloads.nightly_result(result_id)["created_at"].startswith(created), result_id


def test_nightly_run_ids_never_collide_with_other_results() -> None:
    def run_ids(payload: dict[str, object]) -> set[str]:
        runs = payload["runs"]
        assert isinstance(runs, dict)
        return set(runs)

    taken = set().union(*(run_ids(p) for p in payloads.all_results().values()))
    for result_id in (1, 861, 1032, 1091, 1108, 5000):
        assert not run_ids(payloads.nightly_result(result_id)) & taken, result_id


def test_the_existing_examples_are_unchanged() -> None:
    # Tests all over tests/ compare against these payloads: they must not drift.
    everything = json.dumps(payloads.all_results(), sort_keys=True).encode()
    digest = "1755d6266a9e7b4aded0246d2266a700dc15b7ee6312eb72db77bb9d3a3d3c84"
    assert hashlib.sha256(everything).hexdigest() == digest
    week = [payloads.nightly_result(i)["created_at"][:10] for i in payloads.NIGHTLY_RESULT_IDS]
    assert week == [f"2026-11-{day}" for day in range(12, 19)]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: payloads.nightly_result(0), ValueError, "result_id must be a positive integer, got 0"),
        (lambda: payloads.nightly_result("5000"), TypeError, "result_id must be an int, not str"),  # type: ignore[arg-type]  # a wrong type on purpose
        (lambda: payloads.nightly_results(-1), ValueError, "n must be from 0 to last_id (1107) so that IDs stay positive, got -1"),
        (lambda: payloads.nightly_results(1108), ValueError, "n must be from 0 to last_id (1107) so that IDs stay positive, got 1108"),
        (lambda: payloads.nightly_results(2.5), TypeError, "n must be an int, not float"),  # type: ignore[arg-type]  # a wrong type on purpose
    ],
)  # fmt: skip
def test_builder_errors(call: Callable[[], object], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_fifty_nightly_results_are_served_and_fetched() -> None:
    with MockCekuraServer(payloads.nightly_results(50)) as server:
        assert sorted(server.results) == list(range(1058, 1108))
        with Cekura(api_key=server.api_key, base_url=server.url) as client:
            fetched = [client.results.get(result_id) for result_id in sorted(server.results)]
    assert [r.id for r in fetched] == list(range(1058, 1108))
    dates = [r.created_at for r in fetched]
    assert dates == sorted(cast(list[dt.datetime], dates)) and len(set(dates)) == 50  # no None
    assert dates[0] == dt.datetime(2026, 9, 30, 2, tzinfo=dt.timezone.utc)
    assert dates[-1] == dt.datetime(2026, 11, 18, 2, tzinfo=dt.timezone.utc)
    assert len(server.requests) == 50


def test_nightly_results_of_another_agent() -> None:
    results = payloads.nightly_results(3, last_id=5000, agent_id=77)
    assert list(results) == [4998, 4999, 5000]
    assert {Result.from_dict(p).agent for p in results.values()} == {77}
    assert payloads.nightly_results(0) == {}


# --- routes without the trailing slash (the official SDK's) --------------------------------------


@pytest.fixture
def mock() -> Iterator[MockCekuraServer]:
    with MockCekuraServer() as server:
        yield server


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize(
    ("result_id", "key", "status", "body"),
    [
        (1002, DEFAULT_MOCK_API_KEY, 200, payloads.failing_result()),
        (424242, DEFAULT_MOCK_API_KEY, 404, {"detail": "Not found."}),
        (1002, "wrong", 401, {"detail": "Invalid API key."}),
        (1002, None, 401, {"detail": "Authentication credentials were not provided."}),
    ],
)
def test_with_or_without_the_trailing_slash(
    mock: MockCekuraServer,
    version: str,
    result_id: int,
    key: str | None,
    status: int,
    body: object,
) -> None:
    path = f"{mock.url}/test_framework/{version}/results/{result_id}"
    with_slash, without = get(path + "/", key), get(path, key)
    assert (without.status_code, without.json()) == (status, body)
    assert (with_slash.status_code, with_slash.content) == (status, without.content)
    assert [r.had_valid_key for r in mock.requests] == [key == mock.api_key] * 2


def test_other_paths_are_still_not_found(mock: MockCekuraServer) -> None:
    for path in ("/test_framework/v1/results/1002//", "/test_framework/v1/results/", "/"):
        response = get(mock.url + path, mock.api_key)
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), path


def test_ipv6_loopback() -> None:
    try:
        server = MockCekuraServer(host="::1")
    except OSError as exc:  # a machine without IPv6
        pytest.skip(f"no IPv6 loopback: {exc}")
    with server, Cekura(api_key=server.api_key, base_url=server.url) as client:
        assert server.url.startswith("http://[::1]:")
        assert client.results.get(1001).id == 1001


def test_every_interface_gives_a_loopback_url() -> None:
    with MockCekuraServer(host="0.0.0.0") as server:
        assert server.url.startswith("http://127.0.0.1:")
        with Cekura(api_key=server.api_key, base_url=server.url) as client:
            assert client.results.get(1001).id == 1001
