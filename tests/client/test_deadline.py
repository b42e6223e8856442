"""Deadlines over real loopback sockets: ``timeout=`` (a number)
bounds a call from start to finish, retries included, even against a server that drips one
byte at a time; ``wait(timeout=T)`` returns within T + WAIT_MARGIN whatever the server does."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest

from cekura_client import (
    APITimeoutError,
    AsyncCekura,
    Cekura,
    InvalidRequestError,
    RateLimitError,
    WaitTimeoutError,
)
from cekura_client._polling import WAIT_MARGIN
from tests.support.constants import API_KEY, Fetch, result_path
from tests.support.hostile import drip
from tests.support.loopback import fault_server, json_response, stall

Wait = Callable[..., Any]


@pytest.fixture(params=["sync", "async"])
def wait(request: pytest.FixtureRequest) -> Wait:
    """``wait(result_id, client_kwargs, **wait_kwargs)`` through Cekura or AsyncCekura."""

    def sync_wait(result_id: Any, client: dict[str, Any], **kwargs: Any) -> Any:
        with Cekura(api_key=API_KEY, **client) as cekura:
            return cekura.results.wait(result_id, **kwargs)

    def async_wait(result_id: Any, client: dict[str, Any], **kwargs: Any) -> Any:
        async def run() -> Any:
            async with AsyncCekura(api_key=API_KEY, **client) as cekura:
                return await cekura.results.wait(result_id, **kwargs)

        return anyio.run(run)

    return sync_wait if request.param == "sync" else async_wait


def _clocked(call: Callable[[], Any], error: type[BaseException]) -> tuple[Any, float]:
    started = time.monotonic()
    with pytest.raises(error) as info:
        call()
    return info.value, time.monotonic() - started


# -- whole-call deadline (item 4) -----------------------------------------------------------


@pytest.mark.parametrize("in_headers", [False, True], ids=["drip-body", "drip-headers"])
def test_a_dripping_server_cannot_hold_get_past_its_timeout(fetch: Fetch, in_headers: bool) -> None:
    with fault_server(drip(0.4, in_headers=in_headers)) as server:
        exc, elapsed = _clocked(lambda: fetch(1001, base_url=server.url, timeout=1.5), Exception)
    assert type(exc) is APITimeoutError
    assert str(exc) == (
        "Request did not finish within 1.5 s (the whole-call deadline, retries included) for GET "
        f"{server.url}{result_path(1001)}."
    )
    assert 1.4 < elapsed < 1.5 + 1.0
    assert len(server.requests) == 1  # no time was left to retry


def test_the_per_call_timeout_is_a_whole_call_deadline(fetch: Fetch) -> None:
    """results.get(timeout=...) on a client with a long default."""
    with fault_server(drip(0.4)) as server:

        def call() -> Any:
            with Cekura(api_key=API_KEY, base_url=server.url, timeout=60) as client:
                return client.results.get(1001, timeout=1.0)

        exc, elapsed = _clocked(call, APITimeoutError)
    assert "within 1 s (the whole-call deadline" in str(exc) and elapsed < 2.0


def test_the_deadline_includes_retries(fetch: Fetch) -> None:
    """Each attempt stalls 0.6 s (per-read timeout); three attempts would take 1.8 s + waits,
    the deadline of 1.0 s stops the call after the second."""
    with fault_server(stall()) as server:
        exc, elapsed = _clocked(
            lambda: fetch(
                1001,
                base_url=server.url,
                timeout=httpx.Timeout(0.6),
                total_timeout=1.0,
                max_retries=5,
            ),
            APITimeoutError,
        )
    assert str(exc).startswith("Request did not finish within 1 s")
    assert elapsed < 2.0 and 1 <= len(server.requests) <= 2


def test_an_httpx_timeout_keeps_per_phase_meaning_with_the_default_total() -> None:
    client = Cekura(api_key=API_KEY, timeout=httpx.Timeout(5.0))
    assert client.timeout == httpx.Timeout(5.0) and client.total_timeout == 300.0
    assert Cekura(api_key=API_KEY, timeout=7).total_timeout == 7.0
    assert Cekura(api_key=API_KEY, timeout=None, total_timeout=None).total_timeout is None


@pytest.mark.parametrize("bad", [math.nan, math.inf, -1.0, 0.0, 1e300, "5"])
def test_timeouts_that_are_not_sane_numbers_are_refused(bad: Any) -> None:
    with pytest.raises(InvalidRequestError, match="timeout must be"):
        Cekura(api_key=API_KEY, timeout=bad)
    with pytest.raises(InvalidRequestError, match=r"timeout\.read must be"):
        Cekura(api_key=API_KEY, timeout=httpx.Timeout(5.0, read=bad))
    with pytest.raises(InvalidRequestError, match="total_timeout must be"):
        Cekura(api_key=API_KEY, timeout=httpx.Timeout(5.0), total_timeout=bad)
    with Cekura(api_key=API_KEY) as client, pytest.raises(InvalidRequestError):
        client.results.get(1, timeout=bad)


# -- wait keeps its deadline (item 3) -------------------------------------------------------


def test_wait_against_a_server_that_never_answers(wait: Wait) -> None:
    with fault_server(stall()) as server:
        exc, elapsed = _clocked(
            lambda: wait(1001, {"base_url": server.url, "timeout": 10}, timeout=1.5),
            WaitTimeoutError,
        )
    # The message names the last error: a wait that never got an answer says why.
    assert str(exc) == (
        "Result 1001 did not finish within 1.5 s (last status: unknown, 1 requests; last error: "
        f"APITimeoutError: {exc.last_error})"
    )
    assert isinstance(exc.last_error, APITimeoutError)
    assert elapsed < 1.5 + WAIT_MARGIN and len(server.requests) == 1


def test_wait_under_429_retry_after_30(wait: Wait) -> None:
    limited = json_response(429, '{"detail": "slow down"}', {"Retry-After": "30"})
    with fault_server(limited) as server:
        exc, elapsed = _clocked(
            lambda: wait(1001, {"base_url": server.url}, timeout=2), WaitTimeoutError
        )
    assert str(exc) == (
        "Result 1001 did not finish within 2 s (last status: unknown, 2 requests; last error: "
        "RateLimitError: 429 Too Many Requests: slow down)"
    )
    assert isinstance(exc.last_error, RateLimitError) and exc.last_error.retry_after == 30
    # one poll at once, one right at the deadline; the transport never slept 30 s
    assert 1.9 < elapsed < 2 + WAIT_MARGIN and len(server.requests) == 2


def test_wait_against_a_dripping_server(wait: Wait) -> None:
    with fault_server(drip(0.3)) as server:
        exc, elapsed = _clocked(
            lambda: wait(1001, {"base_url": server.url}, timeout=1.2), WaitTimeoutError
        )
    assert str(exc).startswith("Result 1001 did not finish within 1.2 s")
    assert elapsed < 1.2 + WAIT_MARGIN and len(server.requests) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": math.nan}, "timeout must be positive and finite"),
        ({"timeout": math.inf}, "timeout must be positive and finite"),
        ({"timeout": 0}, "timeout must be positive and finite"),
        ({"timeout": -1}, "timeout must be positive and finite"),
        ({"timeout": 5, "poll_interval": math.nan}, "poll_interval must be positive and finite"),
    ],
)
def test_wait_refuses_timeouts_that_never_end(
    wait: Wait, kwargs: dict[str, Any], message: str
) -> None:
    with fault_server(stall()) as server:
        exc, elapsed = _clocked(
            lambda: wait(1001, {"base_url": server.url}, **kwargs), InvalidRequestError
        )
    assert str(exc).startswith(message) and isinstance(exc, ValueError)
    assert server.requests == [] and elapsed < 1


# -- one mechanism: the deadline travels on the request --------------------------------------


def test_the_deadline_travels_on_the_request() -> None:
    """A call's deadline is on ``request.extensions`` (public httpx API), so any transport on
    the way, a caller's ``http_client`` included, sees the call's own deadline; there is none
    on a request made outside a call (the generated client's)."""
    from cekura_client._deadline import EXTENSION, RequestDeadline
    from cekura_client.testing import payloads

    seen: list[object] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions.get(EXTENSION))
        return httpx.Response(200, json=payloads.passing_result())

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        Cekura(api_key=API_KEY, base_url="https://api.cekura.test", http_client=http) as client,
    ):
        client.results.get(1001, timeout=7)
        client.results.get(1001)
    first, second = seen
    assert isinstance(first, RequestDeadline) and first.deadline.total == 7
    assert not first.stopped and 0 < first.deadline.remaining() <= 7
    assert isinstance(second, RequestDeadline) and second.deadline.total == 300


def test_concurrent_async_calls_keep_their_own_deadlines() -> None:
    from cekura_client._deadline import EXTENSION
    from cekura_client.testing import payloads

    seen: dict[str, float] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(0.05)  # both calls are in flight at once
        seen[request.headers["x-call"]] = request.extensions[EXTENSION].deadline.total
        return httpx.Response(200, json=payloads.passing_result())

    async def run() -> None:
        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http,
            AsyncCekura(
                api_key=API_KEY, base_url="https://api.cekura.test", http_client=http
            ) as client,
            anyio.create_task_group() as group,
        ):
            for total in (3, 5):
                group.start_soon(
                    lambda t=total: client.results.get(  # type: ignore[misc]
                        1001, timeout=t, extra_headers={"x-call": str(t)}
                    )
                )

    anyio.run(run)
    assert seen == {"3": 3, "5": 5}
