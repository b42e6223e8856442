"""A request that starts calls (run, run_text, rerun) is sent once: when its answer is lost
after it may have reached Cekura, the client raises, saying the calls may have started and how
to check, and never sends it again, whatever the server's headers say. Over a real loopback
socket server, through Cekura and AsyncCekura. Retry waits are recorded, not slept."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import anyio
import httpx
import pytest

from cekura_client import (
    APIConnectionError,
    APITimeoutError,
    AsyncCekura,
    Cekura,
    RateLimitError,
    ResponseValidationError,
    ServerError,
)
from cekura_client._deadline import Deadline
from cekura_client._exceptions import ResponseDecodingError, ResponseTooLargeError
from cekura_client.testing import payloads
from tests.support.constants import API_KEY, result_path
from tests.support.hostile import raw
from tests.support.loopback import (
    Behaviour,
    FaultServer,
    close_without_response,
    fault_server,
    json_response,
    stall,
)

# operation -> (resource, method, args, kwargs, the path it posts to, the body it sends)
OPERATIONS: dict[str, tuple[str, str, tuple[Any, ...], dict[str, Any], str, bytes]] = {
    "run": (
        "scenarios",
        "run",
        (12,),
        {"scenarios": [101, 102], "frequency": 2},
        "/test_framework/v2/scenarios/run_scenarios/",
        b'{"agent_id":12,"scenarios":[101,102],"frequency":2}',
    ),
    "run_text": (
        "scenarios",
        "run_text",
        (12,),
        {"tags": ["smoke"]},
        "/test_framework/v2/scenarios/run_scenarios_text/",
        b'{"agent_id":12,"tags":["smoke"],"frequency":1}',
    ),
    "rerun": ("results", "rerun", (999,), {}, "/test_framework/v2/results/999/rerun/", b""),
    "end_calls": (
        "results",
        "end_calls",
        (999,),
        {},
        "/test_framework/v2/results/999/end_calls/",
        b"",
    ),
    "get": ("results", "get", (1001,), {}, result_path(1001), b""),
}
STARTS_CALLS = ["run", "run_text", "rerun"]


def may_have_started(name: str) -> str:
    """The note every lost answer to ``client.<name>`` ends with (written out here: it is what
    a user reads)."""
    return (
        " The request may have reached Cekura, so its calls may have started (and be billed); "
        f"client.{name} does not send it again. Check with client.results.list(agent_id=...) "
        "or `cekura-results list --agent ID` before starting it again."
    )


def public_name(operation: str) -> str:
    resource, method = OPERATIONS[operation][:2]
    return f"{resource}.{method}"


def call(asynchronous: bool, operation: str, base_url: str, **client_kwargs: Any) -> Any:
    """``client.<resource>.<method>(...)`` on a fresh Cekura or AsyncCekura at ``base_url``."""
    resource, method, args, kwargs, _, _ = OPERATIONS[operation]
    client_kwargs.setdefault("max_retries", 2)
    if not asynchronous:
        with Cekura(api_key=API_KEY, base_url=base_url, **client_kwargs) as client:
            return getattr(getattr(client, resource), method)(*args, **kwargs)

    async def run() -> Any:
        async with AsyncCekura(api_key=API_KEY, base_url=base_url, **client_kwargs) as client:
            return await getattr(getattr(client, resource), method)(*args, **kwargs)

    return anyio.run(run)


def expect(
    asynchronous: bool, operation: str, behaviour: Behaviour, **client_kwargs: Any
) -> tuple[BaseException, FaultServer]:
    """Call ``operation`` against a server that answers with ``behaviour``; the error raised
    and the server (its requests counted a moment after the error, so a late retry shows)."""
    with fault_server(behaviour) as server:
        with pytest.raises(Exception) as info:
            call(asynchronous, operation, server.url, **client_kwargs)
        time.sleep(0.1)  # a retry would come at once (waits are recorded, not slept)
    return info.value, server


def url_of(server: FaultServer, operation: str) -> str:
    return server.url + OPERATIONS[operation][4]


def assert_sent_once(server: FaultServer, operation: str) -> None:
    path, body = OPERATIONS[operation][4:]
    assert [(r.method, r.path) for r in server.requests] == [("POST", path)]
    assert server.requests[0].body == body  # read in full before the server hung up
    if body:
        json.loads(body)
        assert server.requests[0].headers["content-type"] == "application/json"


@pytest.fixture(params=["sync", "async"])
def asynchronous(request: pytest.FixtureRequest) -> bool:
    return bool(request.param == "async")


# --- the answer lost after sending ----------------------------------------------------------


@pytest.mark.parametrize("operation", STARTS_CALLS)
def test_closed_without_an_answer_is_not_sent_again(
    asynchronous: bool, operation: str, waits: list[float]
) -> None:
    error, server = expect(asynchronous, operation, close_without_response())
    assert_sent_once(server, operation)
    assert waits == []
    assert type(error) is APIConnectionError
    message = str(error)
    assert message.startswith("The server sent a response that is not valid HTTP (")
    assert message.endswith(
        f" for POST {url_of(server, operation)}.{may_have_started(public_name(operation))}"
    )
    assert "may have reached Cekura" in message
    assert "calls may have started" in message
    assert "client.results.list(agent_id=...)" in message
    assert error.connect_failed is False


@pytest.mark.parametrize("operation", ["run", "rerun"])
def test_a_stalled_answer_times_out_and_is_not_sent_again(
    asynchronous: bool, operation: str, waits: list[float]
) -> None:
    error, server = expect(asynchronous, operation, stall(), timeout=0.25)
    assert_sent_once(server, operation)
    assert waits == []
    assert type(error) is APITimeoutError
    # the read timeout and the whole-call deadline end together: either may name it
    message = str(error)
    assert message.startswith(
        ("Request did not finish within 0.25 s (the whole-call deadline", "Request timed out (")
    )
    assert message.endswith(
        f" for POST {url_of(server, operation)}.{may_have_started(public_name(operation))}"
    )


def test_a_read_timeout_under_a_longer_deadline(asynchronous: bool, waits: list[float]) -> None:
    error, server = expect(
        asynchronous, "run", stall(), timeout=httpx.Timeout(0.25), total_timeout=30
    )
    assert_sent_once(server, "run")
    assert type(error) is APITimeoutError
    assert str(error).startswith("Request timed out (ReadTimeout")
    assert str(error).endswith(
        f" for POST {url_of(server, 'run')}.{may_have_started('scenarios.run')}"
    )


@pytest.mark.parametrize("operation", STARTS_CALLS)
def test_a_503_asking_for_a_retry_is_not_retried(
    asynchronous: bool, operation: str, waits: list[float]
) -> None:
    behaviour = json_response(
        503,
        '{"detail": "Service temporarily unavailable."}',
        {"x-should-retry": "true", "Retry-After": "0"},
    )
    error, server = expect(asynchronous, operation, behaviour)
    assert_sent_once(server, operation)
    assert waits == []
    assert type(error) is ServerError
    assert str(error) == (
        "503 Service Unavailable: Service temporarily unavailable."
        + may_have_started(public_name(operation))
    )
    assert error.status_code == 503


@pytest.mark.parametrize("status", [500, 502, 504])
def test_other_5xx_on_a_start_carry_the_note(
    asynchronous: bool, status: int, waits: list[float]
) -> None:
    error, server = expect(asynchronous, "run", json_response(status, '{"detail": "Boom."}'))
    assert_sent_once(server, "run")
    assert type(error) is ServerError
    assert str(error).endswith("Boom." + may_have_started("scenarios.run"))


@pytest.mark.parametrize("operation", STARTS_CALLS)
def test_a_429_on_a_start_is_not_retried(
    asynchronous: bool, operation: str, waits: list[float]
) -> None:
    behaviour = json_response(
        429, '{"detail": "Request was throttled."}', {"Retry-After": "0", "x-should-retry": "true"}
    )
    error, server = expect(asynchronous, operation, behaviour)
    assert_sent_once(server, operation)
    assert waits == []
    assert type(error) is RateLimitError
    # a 429 was refused, not started: no may-have-started note
    assert str(error) == "429 Too Many Requests: Request was throttled."
    assert error.retry_after == 0


# --- by contrast ----------------------------------------------------------------------------


@pytest.mark.parametrize("behaviour", [close_without_response(), json_response(503, "{}")])
def test_a_get_to_the_same_failing_server_is_retried(
    asynchronous: bool, behaviour: Behaviour, waits: list[float]
) -> None:
    error, server = expect(asynchronous, "get", behaviour)
    assert [(r.method, r.path) for r in server.requests] == [("GET", result_path(1001))] * 3
    assert len(waits) == 2
    assert isinstance(error, (APIConnectionError, ServerError))
    assert "may have reached Cekura" not in str(error)
    if isinstance(error, ServerError):
        assert str(error) == "503 Service Unavailable: {}"
    else:
        assert type(error) is APIConnectionError
        assert str(error).startswith("The server sent a response that is not valid HTTP (")
        assert str(error).endswith(f" for GET {url_of(server, 'get')}.")


def test_a_get_that_recovers_returns_the_result(asynchronous: bool, waits: list[float]) -> None:
    ok = json_response(200, json.dumps(payloads.passing_result(1001)))
    with fault_server(close_without_response(), ok) as server:
        result = call(asynchronous, "get", server.url)
    assert result.id == 1001
    assert len(server.requests) == 2 and len(waits) == 1


@pytest.mark.parametrize(
    ("behaviour", "error_type", "start"),
    [
        (close_without_response(), APIConnectionError, "The server sent a response that is not "),
        (json_response(503, '{"detail": "Down."}'), ServerError, "503 Service Unavailable: Down."),
    ],
    ids=["closed", "503"],
)
def test_end_calls_is_sent_once_without_the_note(
    asynchronous: bool,
    behaviour: Behaviour,
    error_type: type[Exception],
    start: str,
    waits: list[float],
) -> None:
    error, server = expect(asynchronous, "end_calls", behaviour)
    assert_sent_once(server, "end_calls")  # a POST: never sent twice either
    assert type(error) is error_type
    message = str(error)
    assert message.startswith(start)
    assert "may have" not in message and "billed" not in message
    if error_type is APIConnectionError:
        assert message.endswith(f" for POST {url_of(server, 'end_calls')}.")
    else:
        assert message == "503 Service Unavailable: Down."


def test_end_calls_timing_out_has_no_note(asynchronous: bool, waits: list[float]) -> None:
    error, server = expect(asynchronous, "end_calls", stall(), timeout=0.25)
    assert_sent_once(server, "end_calls")
    assert type(error) is APITimeoutError
    assert str(error).endswith(f" for POST {url_of(server, 'end_calls')}.")


# --- not sent at all ------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("operation", [*STARTS_CALLS, "end_calls"])
def test_a_refused_connection_is_retried_without_the_note(
    asynchronous: bool, operation: str, waits: list[float]
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(APIConnectionError) as info:
        call(asynchronous, operation, url, max_retries=2)
    error = info.value
    assert type(error) is APIConnectionError
    assert len(waits) == 2  # retried twice: it cannot have reached anyone
    assert error.connect_failed is True
    message = str(error)
    assert message.startswith("Connection error (ConnectError: ")
    assert "Connection refused" in message
    assert message.endswith(f" for POST {url}{OPERATIONS[operation][4]}.")
    assert "may have" not in message


@pytest.mark.parametrize("operation", STARTS_CALLS)
def test_an_answered_start_is_sent_once(
    asynchronous: bool, operation: str, waits: list[float]
) -> None:
    started = json_response(201, '{"id": 167, "status": "pending", "runs": []}')
    with fault_server(started) as server:
        result = call(asynchronous, operation, server.url)
    assert (result.id, result.status) == (167, "pending")
    assert_sent_once(server, operation)
    assert waits == []


@pytest.mark.parametrize(
    ("status", "head", "body", "error_type", "noted"),
    [
        (201, "Content-Encoding: br\r\n", b"xxxx", ResponseDecodingError, True),
        (201, "", b'{"id": 1}' + b" " * 2000, ResponseTooLargeError, True),
        (201, "", b"<html>created</html>", ResponseValidationError, True),
        # a 4xx refused the request: nothing started, whatever its body
        (401, "Content-Encoding: br\r\n", b"xxxx", ResponseDecodingError, False),
        (400, "", b'{"detail": "x"}' + b" " * 2000, ResponseTooLargeError, False),
    ],
    ids=["undecodable", "too-large", "not-json", "4xx-undecodable", "4xx-too-large"],
)
def test_an_unusable_answer_to_a_start(
    asynchronous: bool,
    status: int,
    head: str,
    body: bytes,
    error_type: type[Exception],
    noted: bool,
    waits: list[float],
) -> None:
    answer = f"HTTP/1.1 {status} Answer\r\nContent-Type: application/json\r\n{head}"
    error, server = expect(
        asynchronous,
        "rerun",
        raw(answer + f"Content-Length: {len(body)}", body),
        max_response_bytes=1000,
    )
    assert_sent_once(server, "rerun")
    assert type(error) is error_type
    if isinstance(error, (ResponseDecodingError, ResponseTooLargeError)):
        assert error.status_code == status
    if noted:
        assert str(error).endswith(may_have_started("results.rerun"))
        assert str(error).count("may have started") == 1
    else:
        assert "may have started" not in str(error)


def test_an_unusable_2xx_to_a_get_has_no_note(asynchronous: bool, waits: list[float]) -> None:
    error, _ = expect(asynchronous, "get", raw("HTTP/1.1 200 OK\r\nContent-Length: 2", b"<a"))
    assert type(error) is ResponseValidationError
    assert "may have started" not in str(error)


def test_a_start_whose_deadline_passed_before_sending_says_nothing_started(
    asynchronous: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Deadline, "expired", lambda self: True)
    error, server = expect(asynchronous, "run", json_response(200, "{}"))
    assert server.requests == []
    assert type(error) is APITimeoutError
    assert str(error) == (
        "Request did not finish within 300 s (the whole-call deadline, retries included) for "
        f"POST {url_of(server, 'run')}."
    )
