"""Every error path of results.get: the type raised and its message (respx, sync and async)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from cekura_client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CekuraError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
)
from cekura_client.testing import payloads
from tests.support.constants import API_KEY, RESULT_URL, Fetch

URL_1001 = f"{RESULT_URL}1001/"


@pytest.mark.parametrize(
    ("status", "error_type", "body", "message"),
    [
        (400, BadRequestError, {"detail": "Bad id."}, "400 Bad Request: Bad id."),
        (
            401,
            AuthenticationError,
            {"detail": "Invalid API key."},
            "401 Unauthorized: Invalid API key.",
        ),
        (
            403,
            PermissionDeniedError,
            {"detail": "You do not have permission to perform this action."},
            "403 Forbidden: You do not have permission to perform this action.",
        ),
        (
            404,
            NotFoundError,
            {"detail": "Not found."},
            f"404 Not Found: Not found. (no result 1001 at GET {URL_1001}; check the ID and the "
            "base URL)",
        ),
        (409, APIStatusError, {"detail": "Conflict."}, "409 Conflict: Conflict."),
        (
            422,
            BadRequestError,
            {"id": ["Invalid."]},
            '422 Unprocessable Entity: {"id": ["Invalid."]}',
        ),
        (
            500,
            ServerError,
            "<h1>Server Error (500)</h1>",
            "500 Internal Server Error: <h1>Server Error (500)</h1>",
        ),
        (503, ServerError, "", "503 Service Unavailable: Service Unavailable"),
    ],
)
@respx.mock
def test_status_errors(
    fetch: Fetch, status: int, error_type: type[APIStatusError], body: Any, message: str
) -> None:
    kwargs = {"json": body} if isinstance(body, dict) else {"text": body}
    route = respx.get(URL_1001).mock(return_value=httpx.Response(status, **kwargs))
    with pytest.raises(error_type) as info:
        fetch(1001, max_retries=0)
    error = info.value
    assert type(error) is error_type
    assert str(error) == message
    assert error.status_code == status
    assert error.body == body
    assert (error.method, error.url) == ("GET", URL_1001)
    assert route.call_count == 1
    assert isinstance(error, CekuraError)


@respx.mock
def test_not_found_carries_detail(fetch: Fetch) -> None:
    respx.get(f"{RESULT_URL}99/").mock(
        return_value=httpx.Response(404, json={"detail": "Not found."})
    )
    with pytest.raises(NotFoundError) as info:
        fetch(99)
    assert info.value.detail == "Not found."


@respx.mock
def test_rate_limit_carries_retry_after(fetch: Fetch) -> None:
    # 120 s is more than the transport will sleep (60 s cap), so it hands the 429 back at once.
    route = respx.get(URL_1001).mock(
        return_value=httpx.Response(
            429, json={"detail": "Throttled."}, headers={"Retry-After": "120"}
        )
    )
    with pytest.raises(RateLimitError) as info:
        fetch(1001)
    assert info.value.retry_after == 120
    assert str(info.value) == "429 Too Many Requests: Throttled."
    assert route.call_count == 1


@respx.mock
def test_connection_error(fetch: Fetch) -> None:
    respx.get(URL_1001).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as info:
        fetch(1001, max_retries=0)
    assert type(info.value) is APIConnectionError
    assert str(info.value) == f"Connection error (ConnectError: refused) for GET {URL_1001}."
    assert info.value.url == URL_1001
    assert info.value.reason == "ConnectError: refused" and info.value.connect_failed


@respx.mock
def test_timeout_error(fetch: Fetch) -> None:
    respx.get(URL_1001).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as info:
        fetch(1001, max_retries=0)
    assert str(info.value) == f"Request timed out (ReadTimeout: slow) for GET {URL_1001}."
    assert not info.value.connect_failed


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (
            httpx.Response(200, text="<html>Gateway</html>", headers={"content-type": "text/html"}),
            "response body: expected a JSON object (content type: text/html), got string '<html>Gateway</html>'",
        ),
        (
            httpx.Response(200, content=b""),
            "response body: expected a JSON object (content type: no content type), got string ''",
        ),
        (
            httpx.Response(200, json=[1, 2]),
            "response body: expected a JSON object, got array of length 2",
        ),
        (httpx.Response(200, json="ok"), "response body: expected a JSON object, got string 'ok'"),
        (
            httpx.Response(
                200,
                content=b'{"id": 1001, "status": "compl',
                headers={"content-type": "application/json"},
            ),
            'response body: expected a JSON object (content type: application/json), got string \'{"id": 1001, "status": "compl\'',
        ),
    ],
)
@respx.mock
def test_unusable_success_bodies(fetch: Fetch, response: httpx.Response, message: str) -> None:
    respx.get(URL_1001).mock(return_value=response)
    with pytest.raises(ResponseValidationError) as info:
        fetch(1001)
    assert str(info.value) == message
    assert info.value.url == URL_1001


@respx.mock
def test_validation_error_names_field_and_request(fetch: Fetch) -> None:
    payload = payloads.passing_result()
    payload["total_runs_count"] = "many"
    respx.get(URL_1001).mock(return_value=httpx.Response(200, json=payload))
    with pytest.raises(ResponseValidationError) as info:
        fetch(1001)
    assert info.value.path == "total_runs_count"
    assert (info.value.method, info.value.url) == ("GET", URL_1001)


@pytest.mark.parametrize("bad_id", [0, -3, "1/../../users", "abc", 1.5, True, None, "12 "])
@respx.mock
def test_invalid_result_id_is_refused_before_any_request(fetch: Fetch, bad_id: Any) -> None:
    route = respx.route().mock(return_value=httpx.Response(200, json={}))
    with pytest.raises(InvalidRequestError, match="^result_id must be a positive integer, got"):
        fetch(bad_id)
    assert route.call_count == 0


@respx.mock
def test_numeric_string_id_is_accepted(fetch: Fetch) -> None:
    respx.get(URL_1001).mock(return_value=httpx.Response(200, json=payloads.passing_result()))
    assert fetch("1001").id == 1001


@respx.mock
def test_key_is_sent_only_in_its_header(fetch: Fetch) -> None:
    route = respx.get(URL_1001).mock(
        return_value=httpx.Response(200, json=payloads.passing_result())
    )
    fetch(1001)
    request = route.calls.last.request
    assert request.headers["X-CEKURA-API-KEY"] == API_KEY
    assert API_KEY not in str(request.url)
    assert [k for k, v in request.headers.items() if API_KEY in v] == ["x-cekura-api-key"]
