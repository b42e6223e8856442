"""Faults over real loopback sockets: a server that misbehaves on cue. Each case asserts the
exact outcome (typed error, or success after a bounded number of retries) and the number of
requests made. Retry waits are recorded, not slept; every stall is bounded."""

from __future__ import annotations

import email.utils
import json
import re
import time

import httpx
import pytest

from cekura_client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    Cekura,
    PermissionDeniedError,
    ResponseValidationError,
    ServerError,
)
from cekura_client.testing import payloads
from tests.support.constants import API_KEY, Fetch, result_path
from tests.support.loopback import (
    close_without_response,
    fault_server,
    json_response,
    reset_mid_body,
    respond,
    stall,
)

OK_BODY = json.dumps(payloads.passing_result())
OK = json_response(200, OK_BODY)
PATH_1001 = re.escape(result_path(1001))  # the Get Result path, as a pattern
RESULTS = result_path(0).removesuffix("0/")  # the collection Get Result lives under


def test_429_with_retry_after_seconds(fetch: Fetch, waits: list[float]) -> None:
    with fault_server(
        json_response(429, '{"detail": "slow down"}', {"Retry-After": "3"}), OK
    ) as server:
        assert fetch(1001, base_url=server.url).id == 1001
    assert len(server.requests) == 2 and waits == [3.0]


def test_429_with_retry_after_http_date(fetch: Fetch, waits: list[float]) -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    with fault_server(json_response(429, "{}", {"Retry-After": when}), OK) as server:
        assert fetch(1001, base_url=server.url).id == 1001
    assert len(server.requests) == 2 and len(waits) == 1 and 3 <= waits[0] <= 5


def test_429_without_retry_after_backs_off(fetch: Fetch, waits: list[float]) -> None:
    with fault_server(json_response(429, "{}"), json_response(429, "{}"), OK) as server:
        assert fetch(1001, base_url=server.url).id == 1001
    assert len(server.requests) == 3
    assert 0.375 <= waits[0] <= 0.5 and 0.75 <= waits[1] <= 1.0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_then_success(fetch: Fetch, waits: list[float], status: int) -> None:
    with fault_server(
        respond(status, "<html>upstream error</html>", {"Content-Type": "text/html"}), OK
    ) as server:
        assert fetch(1001, base_url=server.url).status == "completed"
    assert len(server.requests) == 2 and len(waits) == 1


def test_5xx_forever_gives_up_after_max_retries(fetch: Fetch, waits: list[float]) -> None:
    with fault_server(json_response(503, '{"detail": "maintenance"}')) as server:
        with pytest.raises(ServerError, match="^503 Service Unavailable: maintenance$"):
            fetch(1001, base_url=server.url, max_retries=3)
    assert len(server.requests) == 4 and len(waits) == 3


def test_connection_refused(fetch: Fetch, waits: list[float]) -> None:
    with fault_server() as server:
        url = server.url
    with pytest.raises(
        APIConnectionError,
        # The OS's words, as the official SDK prints them, and the request.
        match=r"^Connection error \(ConnectError: .*\[Errno 111\] Connection refused\)+ for GET "
        rf"http://127\.0\.0\.1:\d+{PATH_1001}\.$",
    ):
        fetch(1001, base_url=url)
    assert len(waits) == 2  # three attempts


def test_connection_reset_mid_body_is_retried(fetch: Fetch, waits: list[float]) -> None:
    with fault_server(reset_mid_body(OK_BODY.encode()), OK) as server:
        assert fetch(1001, base_url=server.url).id == 1001
    assert len(server.requests) == 2


def test_connection_reset_mid_body_forever(fetch: Fetch, waits: list[float]) -> None:
    with fault_server(reset_mid_body(OK_BODY.encode())) as server:
        with pytest.raises(APIConnectionError) as info:
            fetch(1001, base_url=server.url)
    assert type(info.value) is APIConnectionError
    assert len(server.requests) == 3


def test_server_closes_without_answering(fetch: Fetch, waits: list[float]) -> None:
    with fault_server(close_without_response(), OK) as server:
        assert fetch(1001, base_url=server.url).id == 1001
    assert len(server.requests) == 2


def test_read_timeout_is_retried_then_raised(fetch: Fetch, waits: list[float]) -> None:
    with fault_server(stall()) as server:
        start = time.monotonic()
        with pytest.raises(
            APITimeoutError,
            match=r"^Request timed out \(ReadTimeout(: timed out)?\) for GET "
            rf"http://127\.0\.0\.1:\d+{PATH_1001}\.$",
        ):
            fetch(1001, base_url=server.url, timeout=httpx.Timeout(0.3))
        elapsed = time.monotonic() - start
    assert len(server.requests) == 3
    assert elapsed < 5


def test_stall_forever_the_client_timeout_fires(fetch: Fetch, waits: list[float]) -> None:
    with fault_server(stall()) as server, pytest.raises(APITimeoutError):
        fetch(1001, base_url=server.url, timeout=httpx.Timeout(0.2), max_retries=0)
    assert len(server.requests) == 1


def test_stall_then_success(fetch: Fetch, waits: list[float]) -> None:
    with fault_server(stall(), OK) as server:
        assert fetch(1001, base_url=server.url, timeout=httpx.Timeout(0.3)).id == 1001
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        (
            json_response(200, OK_BODY[: len(OK_BODY) // 2]),
            "response body: expected a JSON object (content type: application/json), got string '{",
        ),
        (
            respond(
                200,
                "<html><body>Service temporarily unavailable</body></html>",
                {"Content-Type": "text/html"},
            ),
            "response body: expected a JSON object (content type: text/html), got string '<html>",
        ),
        (
            respond(200, b""),
            "response body: expected a JSON object (content type: no content type), got string ''",
        ),
        (
            json_response(200, "[1, 2, 3]"),
            "response body: expected a JSON object, got array of length 3",
        ),
        (json_response(200, '"ok"'), "response body: expected a JSON object, got string 'ok'"),
    ],
    ids=["truncated-json", "html-200", "empty-200", "json-array", "json-string"],
)
def test_unusable_200_bodies_are_not_retried(
    fetch: Fetch, waits: list[float], behaviour: object, message: str
) -> None:
    with fault_server(behaviour) as server:  # type: ignore[arg-type]
        with pytest.raises(ResponseValidationError) as info:
            fetch(1001, base_url=server.url)
    assert str(info.value).startswith(message)
    assert info.value.url == f"{server.url}{result_path(1001)}"
    assert len(server.requests) == 1 and waits == []


def test_wrong_content_type_with_a_valid_object_is_accepted(fetch: Fetch) -> None:
    """Servers mislabel JSON; a body that parses as the expected object is used."""
    with fault_server(respond(200, OK_BODY, {"Content-Type": "text/plain"})) as server:
        assert fetch(1001, base_url=server.url).id == 1001


@pytest.mark.parametrize(
    ("status", "error"), [(401, AuthenticationError), (403, PermissionDeniedError)]
)
def test_401_and_403_are_not_retried(
    fetch: Fetch, waits: list[float], status: int, error: type[Exception]
) -> None:
    with fault_server(json_response(status, '{"detail": "no"}')) as server:
        with pytest.raises(error):
            fetch(1001, base_url=server.url)
    assert len(server.requests) == 1 and waits == []


@pytest.mark.parametrize("follow", [False, True])
def test_redirect_to_another_host_does_not_carry_the_key(waits: list[float], follow: bool) -> None:
    with fault_server(OK, host="127.0.0.2") as elsewhere:
        redirect = respond(302, "", {"Location": f"{elsewhere.url}{result_path(1001)}"})
        with fault_server(redirect) as server:
            http_client = httpx.Client(follow_redirects=follow)
            with Cekura(api_key=API_KEY, base_url=server.url, http_client=http_client) as client:
                with pytest.raises(
                    APIStatusError,
                    match=rf"^302 Found: redirect to http://127\.0\.0\.2:\d+{PATH_1001} not followed",
                ):
                    client.results.get(1001)
            http_client.close()
    assert len(server.requests) == 1
    assert server.requests[0].headers["x-cekura-api-key"] == API_KEY
    assert elsewhere.requests == []  # the key never went to the other host


@pytest.mark.parametrize(
    ("behaviour", "raises"),
    [(json_response(503, "{}"), False), (reset_mid_body(), True), (close_without_response(), True)],
    ids=["503", "reset", "closed"],
)
def test_post_through_the_shared_transport_is_not_retried(
    waits: list[float], behaviour: object, raises: bool
) -> None:
    with fault_server(behaviour, OK) as server:  # type: ignore[arg-type]
        with Cekura(api_key=API_KEY, base_url=server.url) as client:
            if raises:
                with pytest.raises(httpx.TransportError):
                    client._http.post(RESULTS, json={"agent": 512})
            else:
                assert client._http.post(RESULTS, json={"agent": 512}).status_code == 503
    assert len(server.requests) == 1 and waits == []
    # The JSON, not its bytes: httpx 0.27 writes '{"agent": 512}', 0.28 '{"agent":512}'.
    assert server.requests[0].method == "POST" and json.loads(server.requests[0].body) == {
        "agent": 512
    }
