"""results.wait against the embedded mock over real sockets, with a fake clock (no real sleeps),
for both Cekura and AsyncCekura."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from cekura_client import (
    APIConnectionError,
    AsyncCekura,
    AuthenticationError,
    Cekura,
    InvalidRequestError,
    NotFoundError,
    Result,
    ResultStatus,
    WaitTimeoutError,
)
from cekura_client._polling import UNREACHABLE_GRACE
from cekura_client.testing import MockCekuraServer, MockResponse, payloads
from tests.support.clocks import FakeClock
from tests.support.constants import API_KEY, result_path

RESULT_ID = 5000


Wait = Callable[..., Result]


@pytest.fixture
def server() -> Any:
    with MockCekuraServer({}, api_key=API_KEY) as mock:
        yield mock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sync", "async"])
def wait(request: pytest.FixtureRequest, server: MockCekuraServer, clock: FakeClock) -> Wait:
    """``wait(**kwargs)`` for RESULT_ID through either client; max_retries=0 so transient
    errors reach the poller instead of the transport's own (real-time) retries."""

    def sync_wait(**kwargs: Any) -> Result:
        with Cekura(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
            client._clock = clock
            return client.results.wait(RESULT_ID, **kwargs)

    def async_wait(**kwargs: Any) -> Result:
        async def run() -> Result:
            async with AsyncCekura(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
                client._clock = clock
                return await client.results.wait(RESULT_ID, **kwargs)

        return anyio.run(run)

    return sync_wait if request.param == "sync" else async_wait


def progressing(clock: FakeClock, minutes: int = 10, runs: int = 10) -> Callable[[], Any]:
    """A result that completes one run per minute and finishes after ``minutes``."""
    start = clock.time
    final = payloads.passing_result(RESULT_ID)

    def respond() -> Any:
        elapsed = clock.time - start
        payload = copy.deepcopy(final)
        if elapsed >= minutes * 60:
            return payload
        payload["status"] = "running"
        payload["total_runs_count"] = runs
        payload["completed_runs_count"] = int(elapsed // 60) * runs // minutes
        return payload

    return respond


def test_following_a_ten_minute_result_costs_at_most_40_requests(
    wait: Wait, server: MockCekuraServer, clock: FakeClock
) -> None:
    server.results[RESULT_ID] = progressing(clock)
    updates: list[tuple[str, int]] = []
    result = wait(on_update=lambda r: updates.append((r.status.value, r.completed_runs_count)))
    assert result.status is ResultStatus.COMPLETED
    assert clock.time - 1000.0 >= 600
    assert len(server.requests) <= 40
    assert len(server.requests) == 35  # 2 s, x1.5 per poll, capped at 20 s
    # one update per change of status or completed runs, none for unchanged polls
    assert updates[0] == ("running", 0) and updates[-1] == ("completed", 3)
    assert len(updates) == len(set(updates)) == 11
    assert clock.sleeps[:5] == [2.0, 3.0, 4.5, 6.75, 10.125]
    assert max(clock.sleeps) == 20.0


def test_fixed_poll_interval(wait: Wait, server: MockCekuraServer, clock: FakeClock) -> None:
    server.results[RESULT_ID] = progressing(clock, minutes=1)
    wait(poll_interval=5)
    assert set(clock.sleeps) == {5.0} and len(server.requests) == 13


@pytest.mark.parametrize("status", ["completed", "failed", "timeout", "cancelled"])
def test_every_terminal_status_ends_the_wait(
    wait: Wait, server: MockCekuraServer, status: str
) -> None:
    payload = payloads.running_result(RESULT_ID)
    payload["status"] = status
    server.results[RESULT_ID] = payload
    assert wait().status == status
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "outage",
    [
        MockResponse(503, {"detail": "Service unavailable"}),
        MockResponse(502, b"<html>Bad gateway</html>", {"Content-Type": "text/html"}),
        MockResponse(429, {"detail": "Throttled."}, {"Retry-After": "30"}),
    ],
)
def test_transient_errors_do_not_end_the_wait(
    wait: Wait, server: MockCekuraServer, clock: FakeClock, outage: MockResponse
) -> None:
    answers = iter([outage, outage, payloads.passing_result(RESULT_ID)])
    server.results[RESULT_ID] = lambda: next(answers)
    assert wait().status == "completed"
    assert len(server.requests) == 3
    if outage.status == 429:
        assert clock.sleeps == [30.0, 30.0]  # Retry-After wins over the shorter poll interval


def test_not_found_ends_the_wait_at_once(wait: Wait, server: MockCekuraServer) -> None:
    with pytest.raises(NotFoundError):
        wait()
    assert len(server.requests) == 1


def test_bad_key_ends_the_wait_at_once(server: MockCekuraServer, clock: FakeClock) -> None:
    server.results[RESULT_ID] = payloads.running_result(RESULT_ID)
    with Cekura(api_key="wrong", base_url=server.url) as client:
        client._clock = clock
        with pytest.raises(AuthenticationError):
            client.results.wait(RESULT_ID)
    assert len(server.requests) == 1 and clock.sleeps == []


def test_deadline_raises_with_the_last_result(
    wait: Wait, server: MockCekuraServer, clock: FakeClock
) -> None:
    server.results[RESULT_ID] = payloads.running_result(RESULT_ID)
    with pytest.raises(WaitTimeoutError) as info:
        wait(timeout=60)
    error = info.value
    assert error.last_result is not None and error.last_result.status == "running"
    assert clock.time == 1060.0  # the last poll happens right at the deadline
    assert str(error) == (
        f"Result {RESULT_ID} did not finish within 60 s (last status: running, "
        f"{len(server.requests)} requests)"
    )
    assert isinstance(error, TimeoutError)


def test_deadline_with_only_errors(wait: Wait, server: MockCekuraServer) -> None:
    server.results[RESULT_ID] = MockResponse(503, {"detail": "down"})
    with pytest.raises(WaitTimeoutError) as info:
        wait(timeout=30)
    assert info.value.last_result is None
    assert info.value.last_error is not None and "503" in str(info.value.last_error)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": 0}, "timeout must be positive"),
        ({"poll_interval": -1}, "poll_interval must be positive"),
    ],
)
def test_bad_arguments(wait: Wait, kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wait(**kwargs)


# -- a wrong address ends early; every timeout names its last error ---------------------------


def _dead_url() -> str:
    dead = MockCekuraServer()
    url = dead.url
    dead.stop()  # nothing listens there now: every connection is refused
    return url


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_wait_that_never_reaches_the_server_gives_up_after_the_grace(
    clock: FakeClock, mode: str
) -> None:
    url = _dead_url()

    def sync_wait() -> Result:
        with Cekura(api_key=API_KEY, base_url=url, max_retries=0) as client:
            client._clock = clock
            return client.results.wait(RESULT_ID)

    async def async_wait() -> Result:
        async with AsyncCekura(api_key=API_KEY, base_url=url, max_retries=0) as client:
            client._clock = clock
            return await client.results.wait(RESULT_ID)

    with pytest.raises(APIConnectionError) as info:
        sync_wait() if mode == "sync" else anyio.run(async_wait)
    error = info.value
    assert not isinstance(error, WaitTimeoutError)
    waited = clock.time - 1000.0
    assert UNREACHABLE_GRACE <= waited < UNREACHABLE_GRACE + 20  # not the 1,800 s default
    message = str(error)
    assert message.startswith("Connection error (ConnectError: ")
    assert "[Errno 111] Connection refused" in message
    assert f"for GET {url}{result_path(RESULT_ID)}." in message
    assert message.endswith(
        f"Gave up waiting for result {RESULT_ID}: no response to any of {len(clock.sleeps) + 1} "
        f"requests in {waited:.0f} s (a wrong base URL or host?)."
    )
    assert error.connect_failed and error.url == f"{url}{result_path(RESULT_ID)}"


def test_the_grace_can_be_set(clock: FakeClock) -> None:
    with Cekura(api_key=API_KEY, base_url=_dead_url(), max_retries=0) as client:
        client._clock = clock
        with pytest.raises(APIConnectionError, match="Gave up waiting"):
            client.results.wait(RESULT_ID, unreachable_grace=5)
    assert 5 <= clock.time - 1000.0 < 10


def test_a_server_that_answers_503_is_waited_for_to_the_deadline(
    wait: Wait, server: MockCekuraServer, clock: FakeClock
) -> None:
    """A 503 is an answer: the server is there, so the grace does not apply."""
    server.results[RESULT_ID] = MockResponse(503, {"detail": "down"})
    with pytest.raises(WaitTimeoutError) as info:
        wait(timeout=300)
    assert clock.time == 1300.0
    assert str(info.value) == (
        f"Result {RESULT_ID} did not finish within 300 s (last status: unknown, "
        f"{len(server.requests)} requests; last error: ServerError: 503 Service Unavailable: "
        "down)"
    )


def test_heartbeat_calls_on_update_while_nothing_changes(
    wait: Wait, server: MockCekuraServer, clock: FakeClock
) -> None:
    server.results[RESULT_ID] = payloads.running_result(RESULT_ID)
    seen: list[float] = []
    with pytest.raises(WaitTimeoutError):
        wait(timeout=600, heartbeat=60, on_update=lambda result: seen.append(clock.time))
    gaps = [later - earlier for earlier, later in itertools.pairwise(seen)]
    assert seen[0] == 1000.0 and len(seen) >= 600 // 80
    assert all(60 <= gap <= 60 + 20 for gap in gaps), gaps  # the poll interval caps at 20 s


def test_without_a_heartbeat_on_update_is_called_on_change_only(
    wait: Wait, server: MockCekuraServer, clock: FakeClock
) -> None:
    server.results[RESULT_ID] = payloads.running_result(RESULT_ID)
    seen: list[Result] = []
    with pytest.raises(WaitTimeoutError):
        wait(timeout=600, on_update=seen.append)
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"heartbeat": 0}, "heartbeat must be positive"),
        ({"unreachable_grace": float("nan")}, "unreachable_grace must be"),
    ],
)
def test_bad_heartbeat_or_grace(wait: Wait, kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(InvalidRequestError, match=message):
        wait(**kwargs)
