"""The facade against the embedded mock server over real loopback sockets (sync and async)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cekura_client import AuthenticationError, NotFoundError, ResultStatus
from cekura_client.testing import MockCekuraServer, payloads
from tests.support.constants import Fetch, result_path


def test_passing_result(mock_server: MockCekuraServer, fetch: Fetch) -> None:
    result = fetch(payloads.PASSING_RESULT_ID, base_url=mock_server.url)
    assert result.status is ResultStatus.COMPLETED and result.is_terminal
    assert result.total_runs_count == len(result.runs) == 3
    assert result.failed_runs == []
    assert result.total_duration == dt.timedelta(minutes=7, seconds=51)


def test_failing_result(mock_server: MockCekuraServer, fetch: Fetch) -> None:
    result = fetch(payloads.FAILING_RESULT_ID, base_url=mock_server.url)
    assert [run.id for run in result.failed_runs] == [86102, 86103]
    assert [m.name for m in result.run(86103).failed_metrics] == [
        "Appointment booked",
        "Verified caller identity",
    ]


def test_running_result(mock_server: MockCekuraServer, fetch: Fetch) -> None:
    result = fetch(payloads.RUNNING_RESULT_ID, base_url=mock_server.url)
    assert result.status == "running" and not result.is_terminal
    assert [run.evaluated for run in result.runs] == [True, False, False]


def test_quirky_result(mock_server: MockCekuraServer, fetch: Fetch) -> None:
    result = fetch(payloads.QUIRKY_RESULT_ID, base_url=mock_server.url)
    assert result.status == "post_processing" and not result.status.is_known
    assert [run.id for run in result.runs] == [86301, 86302]
    assert result.total_duration == dt.timedelta(hours=2, minutes=17, seconds=6)


def test_not_found(mock_server: MockCekuraServer, fetch: Fetch) -> None:
    with pytest.raises(NotFoundError) as info:
        fetch(424242, base_url=mock_server.url)
    assert info.value.detail == "Not found."
    assert info.value.url == f"{mock_server.url}{result_path(424242)}"


def test_wrong_key(mock_server: MockCekuraServer, fetch: Fetch) -> None:
    with pytest.raises(AuthenticationError, match="^401 Unauthorized: Invalid API key.$"):
        fetch(payloads.PASSING_RESULT_ID, base_url=mock_server.url, api_key="wrong")
    assert mock_server.requests[-1].had_valid_key is False


def test_requests_made(mock_server: MockCekuraServer, fetch: Fetch) -> None:
    fetch(payloads.PASSING_RESULT_ID, base_url=mock_server.url)
    assert [(r.method, r.path, r.had_valid_key) for r in mock_server.requests] == [
        ("GET", result_path(1001), True)
    ]


def test_connection_refused_after_retries(fetch: Fetch, waits: list[float]) -> None:
    from cekura_client import APIConnectionError

    server = MockCekuraServer()
    url = server.url
    server.stop()  # the port is now closed
    with pytest.raises(
        APIConnectionError,
        # The OS's words, as the official SDK prints them, and the request.
        match=r"^Connection error \(ConnectError: .*\[Errno 111\] Connection refused\)+ for GET "
        rf"http://127\.0\.0\.1:\d+{re.escape(result_path(1001))}\.$",
    ):
        fetch(1001, base_url=url)


def test_key_absent_from_debug_logs_errors_and_tracebacks(
    mock_server: MockCekuraServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Real sockets, every logger at DEBUG (httpx, httpcore, ours): the key never shows."""
    import logging
    import traceback

    from cekura_client import Cekura
    from tests.support.constants import API_KEY

    with caplog.at_level(logging.DEBUG):
        with Cekura(api_key=API_KEY, base_url=mock_server.url) as client:
            client.results.get(payloads.FAILING_RESULT_ID)
            with pytest.raises(NotFoundError) as info:
                client.results.get(999)
            text = repr(client) + str(info.value) + repr(info.value)
            text += "".join(traceback.format_exception(info.value)) + str(vars(info.value))
    assert "httpcore" in caplog.text  # the transport's DEBUG lines were captured...
    assert API_KEY not in caplog.text + text  # ...and none carries the key
