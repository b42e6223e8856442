"""The shared retry transport: which requests are retried, how long it waits, and that the
generated client goes through the same transport. No test sleeps: waits are recorded."""

from __future__ import annotations

import email.utils
import logging
import sys
import time
import typing

import anyio
import httpx
import pytest
import respx

from cekura_client import (
    APIConnectionError,
    AsyncCekura,
    Cekura,
    InvalidRequestError,
    RateLimitError,
    RetryPolicy,
    RetryTransport,
    ServerError,
)
from cekura_client._retry import parse_retry_after
from cekura_client.testing import payloads
from tests.support.clocks import FakeClock
from tests.support.constants import API_KEY, RESULT_URL, Fetch

URL = f"{RESULT_URL}1001/"
OK = httpx.Response(200, json=payloads.passing_result())


class TestRetriesThroughTheClient:
    @pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 429])
    @respx.mock
    def test_transient_status_then_success(
        self, fetch: Fetch, waits: list[float], status: int
    ) -> None:
        route = respx.get(URL).mock(
            side_effect=[httpx.Response(status), httpx.Response(status), OK]
        )
        assert fetch(1001).id == 1001
        assert route.call_count == 3
        assert len(waits) == 2

    @respx.mock
    def test_gives_up_after_max_retries(self, fetch: Fetch, waits: list[float]) -> None:
        route = respx.get(URL).mock(return_value=httpx.Response(503, json={"detail": "down"}))
        with pytest.raises(ServerError, match="^503 Service Unavailable: down$"):
            fetch(1001, max_retries=3)
        assert route.call_count == 4 and len(waits) == 3

    @respx.mock
    def test_max_retries_zero_sends_once(self, fetch: Fetch, waits: list[float]) -> None:
        route = respx.get(URL).mock(return_value=httpx.Response(502))
        with pytest.raises(ServerError):
            fetch(1001, max_retries=0)
        assert route.call_count == 1 and waits == []

    @pytest.mark.parametrize(
        "error",
        [httpx.ConnectError("refused"), httpx.ReadError("reset"), httpx.ReadTimeout("slow")],
    )
    @respx.mock
    def test_connection_errors_then_success(
        self, fetch: Fetch, waits: list[float], error: Exception
    ) -> None:
        route = respx.get(URL).mock(side_effect=[error, OK])
        assert fetch(1001).id == 1001
        assert route.call_count == 2

    @respx.mock
    def test_connection_errors_forever(self, fetch: Fetch, waits: list[float]) -> None:
        route = respx.get(URL).mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(APIConnectionError):
            fetch(1001)
        assert route.call_count == 3

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
    @respx.mock
    def test_client_errors_are_not_retried(
        self, fetch: Fetch, waits: list[float], status: int
    ) -> None:
        route = respx.get(URL).mock(return_value=httpx.Response(status, json={"detail": "no"}))
        with pytest.raises(Exception):  # noqa: B017 - the type is covered by test_errors
            fetch(1001)
        assert route.call_count == 1 and waits == []

    @respx.mock
    def test_retry_after_seconds_is_honoured(self, fetch: Fetch, waits: list[float]) -> None:
        respx.get(URL).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), OK])
        fetch(1001)
        assert waits == [7.0]

    @respx.mock
    def test_retry_after_http_date_is_honoured(self, fetch: Fetch, waits: list[float]) -> None:
        when = email.utils.formatdate(time.time() + 30, usegmt=True)
        respx.get(URL).mock(side_effect=[httpx.Response(503, headers={"Retry-After": when}), OK])
        fetch(1001)
        assert len(waits) == 1 and 28 <= waits[0] <= 30

    @respx.mock
    def test_retry_after_ms(self, fetch: Fetch, waits: list[float]) -> None:
        respx.get(URL).mock(
            side_effect=[httpx.Response(429, headers={"retry-after-ms": "250"}), OK]
        )
        fetch(1001)
        assert waits == [0.25]

    @respx.mock
    def test_retry_after_beyond_the_cap_is_not_slept(
        self, fetch: Fetch, waits: list[float]
    ) -> None:
        route = respx.get(URL).mock(
            return_value=httpx.Response(429, headers={"Retry-After": "3600"})
        )
        with pytest.raises(RateLimitError) as info:
            fetch(1001)
        assert info.value.retry_after == 3600
        assert route.call_count == 1 and waits == []

    @respx.mock
    def test_x_should_retry_false_wins(self, fetch: Fetch, waits: list[float]) -> None:
        route = respx.get(URL).mock(
            return_value=httpx.Response(503, headers={"x-should-retry": "false"})
        )
        with pytest.raises(ServerError):
            fetch(1001)
        assert route.call_count == 1

    @respx.mock
    def test_x_should_retry_true_wins(self, fetch: Fetch, waits: list[float]) -> None:
        route = respx.get(URL).mock(
            side_effect=[httpx.Response(400, headers={"x-should-retry": "true"}), OK]
        )
        assert fetch(1001).id == 1001
        assert route.call_count == 2


class TestBackoff:
    def test_exponential_with_cap_and_no_jitter(self) -> None:
        policy = RetryPolicy(max_retries=8, random=lambda: 0.0)
        assert [policy.backoff(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]

    def test_jitter_takes_off_at_most_a_quarter(self) -> None:
        policy = RetryPolicy(random=lambda: 1.0)
        assert policy.backoff(0) == 0.375 and policy.backoff(4) == 6.0

    def test_waits_recorded_by_the_transport(self) -> None:
        clock = FakeClock()
        responses = iter([httpx.Response(500), httpx.Response(500), httpx.Response(200)])
        transport = RetryTransport(
            httpx.MockTransport(lambda request: next(responses)),
            policy=RetryPolicy(max_retries=2, random=lambda: 0.0),
            clock=clock,
        )
        with httpx.Client(transport=transport) as client:
            assert client.get("https://api.cekura.ai/x").status_code == 200
        assert clock.sleeps == [0.5, 1.0]


class TestNonIdempotentRequests:
    """The shared transport never retries a POST once it may have reached the server."""

    def _post(self, handler: httpx.MockTransport) -> tuple[list[float], httpx.Client]:
        clock = FakeClock()
        transport = RetryTransport(handler, policy=RetryPolicy(max_retries=2), clock=clock)
        return clock.sleeps, httpx.Client(transport=transport)

    def test_post_not_retried_after_5xx(self) -> None:
        calls: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request)
            return httpx.Response(503)

        waits, client = self._post(httpx.MockTransport(handler))
        assert client.post("https://api.cekura.ai/x", json={}).status_code == 503
        assert len(calls) == 1 and waits == []

    def test_post_not_retried_after_reset(self) -> None:
        calls: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request)
            raise httpx.ReadError("connection reset", request=request)

        waits, client = self._post(httpx.MockTransport(handler))
        with pytest.raises(httpx.ReadError):
            client.post("https://api.cekura.ai/x", json={})
        assert len(calls) == 1 and waits == []

    def test_post_retried_when_it_never_left(self) -> None:
        calls: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request)
            if len(calls) == 1:
                raise httpx.ConnectError("refused", request=request)
            return httpx.Response(201)

        waits, client = self._post(httpx.MockTransport(handler))
        assert client.post("https://api.cekura.ai/x", json={}).status_code == 201
        assert len(calls) == 2 and len(waits) == 1


class TestRetryAfterParsing:
    @pytest.mark.parametrize(
        ("headers", "expected"),
        [({}, None), ({"Retry-After": "2"}, 2.0), ({"Retry-After": "1.5"}, 1.5),
         ({"Retry-After": "soon"}, None), ({"Retry-After": "-4"}, 0.0),
         ({"retry-after-ms": "1500", "Retry-After": "9"}, 1.5)],
    )  # fmt: skip
    def test_forms(self, headers: dict[str, str], expected: float | None) -> None:
        assert parse_retry_after(httpx.Headers(headers)) == expected

    def test_http_date_in_the_past_is_zero(self) -> None:
        headers = httpx.Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
        assert parse_retry_after(headers) == 0.0


class TestSharedTransport:
    @respx.mock
    def test_generated_client_uses_the_same_transport(self, waits: list[float]) -> None:
        """Calls made with the generated package via client.openapi get auth and retries."""
        from cekura_client._operations import GET_RESULT, resolve

        # The generated module behind the path the facade resolves (its name follows upstream's
        # operationId, which changes between spec versions).
        results_retrieve = sys.modules[resolve(GET_RESULT).build_request.__module__]
        route = respx.get(URL).mock(side_effect=[httpx.Response(503), OK])
        with Cekura(api_key=API_KEY) as client:
            response = results_retrieve.sync_detailed(id=1001, client=client.openapi)
        assert response.status_code == 200
        assert route.call_count == 2
        assert route.calls.last.request.headers["X-CEKURA-API-KEY"] == API_KEY

    @respx.mock
    def test_retries_are_logged_without_the_key(
        self, waits: list[float], caplog: pytest.LogCaptureFixture
    ) -> None:
        respx.get(URL).mock(side_effect=[httpx.Response(503), OK])
        with caplog.at_level(logging.DEBUG), Cekura(api_key=API_KEY) as client:
            client.results.get(1001)
        assert f"retrying GET {URL} after status 503" in caplog.text
        assert API_KEY not in caplog.text


class TestACallersHttpClient:
    """``http_client=``: whatever that client's hooks or transport raise, the caller gets the
    client's own errors, never an httpx error (whose ``request`` holds the API key)."""

    def test_a_hook_raising_for_a_status_gets_the_typed_error(self, waits: list[float]) -> None:
        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(503, text="Busy", extensions={"reason_phrase": b"Busy"})

        with (
            httpx.Client(
                transport=httpx.MockTransport(handler),
                event_hooks={"response": [lambda r: r.raise_for_status()]},
            ) as http,
            Cekura(api_key=API_KEY, http_client=http) as client,
            pytest.raises(ServerError) as info,
        ):
            client.results.get(1001)
        assert str(info.value) == "503 Busy: Busy"
        assert len(waits) == 2  # retried as any 503 is

    @pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
    def test_any_other_httpx_error_is_an_api_connection_error(self, asynchronous: bool) -> None:
        def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.DecodingError("that client's own decoder gave up", request=request)

        def sync_call() -> None:
            with (
                httpx.Client(transport=httpx.MockTransport(handler)) as http,
                Cekura(api_key=API_KEY, http_client=http, max_retries=0) as client,
            ):
                client.results.get(1001)

        async def async_call() -> None:
            async with (
                httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http,
                AsyncCekura(api_key=API_KEY, http_client=http, max_retries=0) as client,
            ):
                await client.results.get(1001)

        with pytest.raises(APIConnectionError) as info:
            anyio.run(async_call) if asynchronous else sync_call()
        assert type(info.value) is APIConnectionError
        assert str(info.value) == (
            "The http_client failed the request (DecodingError: that client's own decoder gave "
            f"up) for GET {URL}."
        )
        assert info.value.reason == "DecodingError: that client's own decoder gave up"
        assert API_KEY not in repr(vars(info.value))
        cause = info.value.__cause__
        assert type(cause) is httpx.DecodingError and cause.__dict__.get("_request") is None

    def test_a_closed_http_client_is_a_clear_error(self) -> None:
        with httpx.Client() as http:
            client = Cekura(api_key=API_KEY, http_client=http)
        with pytest.raises(InvalidRequestError) as info:
            client.results.get(1001)
        assert str(info.value) == (
            "The http_client given to the Cekura client is closed: pass an open one, and close "
            "it after the Cekura client."
        )

    def test_a_status_error_about_another_request_is_not_the_answer(self) -> None:
        # an auth flow of that client fetching a token, refused: Cekura never answered
        class TokenAuth(httpx.Auth):
            def auth_flow(
                self, request: httpx.Request
            ) -> typing.Generator[httpx.Request, httpx.Response, None]:
                token = yield httpx.Request("POST", "https://auth.example.test/token")
                token.read()
                token.raise_for_status()
                yield request

        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(503 if request.url.host == "auth.example.test" else 200)

        with (
            httpx.Client(transport=httpx.MockTransport(handler), auth=TokenAuth()) as http,
            Cekura(api_key=API_KEY, http_client=http, max_retries=0) as client,
            pytest.raises(APIConnectionError) as info,
        ):
            client.results.rerun(999)
        assert type(info.value) is APIConnectionError
        assert str(info.value).startswith(
            "The http_client failed the request (HTTPStatusError: Server error '503 Service "
            "Unavailable' for url 'https://auth.example.test/token'"
        )
