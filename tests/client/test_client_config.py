"""Construction: environment variables, the API key's secrecy, base URL rules."""

from __future__ import annotations

import logging
import traceback

import anyio
import httpx
import pytest
import respx

from cekura_client import (
    AsyncCekura,
    AuthenticationError,
    Cekura,
    InsecureTransportError,
    InvalidRequestError,
    MissingAPIKeyError,
)
from cekura_client.testing import payloads
from tests.support.constants import API_KEY, BASE_URL, RESULT_URL, result_path


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CEKURA_API_KEY", raising=False)
    monkeypatch.delenv("CEKURA_API_URL", raising=False)


@pytest.mark.parametrize("client_class", [Cekura, AsyncCekura])
def test_missing_key_names_the_variable(client_class: type[Cekura]) -> None:
    with pytest.raises(MissingAPIKeyError, match="CEKURA_API_KEY"):
        client_class()


def test_empty_key_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEKURA_API_KEY", "")
    with pytest.raises(MissingAPIKeyError):
        Cekura()


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEKURA_API_KEY", API_KEY)
    monkeypatch.setenv("CEKURA_API_URL", "https://staging.cekura.ai/api")
    client = Cekura()
    assert str(client.base_url) == "https://staging.cekura.ai/api/"
    with respx.mock:
        route = respx.get(f"https://staging.cekura.ai/api{result_path(1001)}").mock(
            return_value=httpx.Response(200, json=payloads.passing_result())
        )
        assert client.results.get(1001).id == 1001
    assert route.calls.last.request.headers["X-CEKURA-API-KEY"] == API_KEY


def test_arguments_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEKURA_API_KEY", "from-env")
    monkeypatch.setenv("CEKURA_API_URL", "https://env.example")
    client = Cekura(api_key=API_KEY, base_url="https://api.cekura.ai")
    assert str(client.base_url) == "https://api.cekura.ai/"
    assert client._config.api_key == API_KEY


def test_default_base_url_and_settings() -> None:
    client = Cekura(api_key=API_KEY)
    assert str(client.base_url) == "https://api.cekura.ai/"
    assert client.max_retries == 2
    assert client.timeout.read == 60.0 and client.timeout.connect == 10.0


@pytest.mark.parametrize("url", ["http://api.cekura.ai", "http://10.0.0.5:8000"])
def test_plain_http_off_loopback_is_refused(url: str) -> None:
    with pytest.raises(
        InsecureTransportError, match="Refusing to send the API key over plain http"
    ):
        Cekura(api_key=API_KEY, base_url=url)


def test_plain_http_allowed_explicitly() -> None:
    assert Cekura(api_key=API_KEY, base_url="http://proxy.internal", allow_insecure_http=True)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:4010", "http://localhost:8000", "http://[::1]:9"]
)
def test_plain_http_on_loopback_is_fine(url: str) -> None:
    assert Cekura(api_key=API_KEY, base_url=url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "ftp://api.cekura.ai",
            "base_url is not an absolute http(s) URL: 'ftp://api.cekura.ai'; expected e.g. "
            "https://api.cekura.ai",
        ),
        (
            "127.0.0.1:8765",
            "base_url is not an absolute http(s) URL: '127.0.0.1:8765'; expected e.g. "
            "https://api.cekura.ai (did you mean http://127.0.0.1:8765?)",
        ),
        (
            "api.cekura.ai",
            "base_url is not an absolute http(s) URL: 'api.cekura.ai'; expected e.g. "
            "https://api.cekura.ai (did you mean https://api.cekura.ai?)",
        ),
        (
            "localhost:8000/api",
            "base_url is not an absolute http(s) URL: 'localhost:8000/api'; expected e.g. "
            "https://api.cekura.ai (did you mean http://localhost:8000/api?)",
        ),
        # Whatever might be credentials is not shown.
        (
            "user:secret@host",
            "base_url is not an absolute http(s) URL; expected e.g. https://api.cekura.ai",
        ),
    ],
)
def test_a_malformed_base_url_is_named_as_such(url: str, message: str) -> None:
    """Not an InsecureTransportError: nothing was insecure, the URL is malformed."""
    with pytest.raises(InvalidRequestError) as info:
        Cekura(api_key=API_KEY, base_url=url)
    assert str(info.value) == message
    assert not isinstance(info.value, InsecureTransportError)


@pytest.mark.parametrize("client_class", [Cekura, AsyncCekura])
def test_repr_hides_the_key(client_class: type[Cekura]) -> None:
    client = client_class(api_key=API_KEY)
    assert (
        repr(client) == f"{client_class.__name__}(base_url='https://api.cekura.ai/', max_retries=2)"
    )
    for text in (repr(client), repr(client._config), repr(client._http.auth), repr(client.openapi)):
        assert API_KEY not in text


@respx.mock
def test_errors_and_tracebacks_hide_the_key(caplog: pytest.LogCaptureFixture) -> None:
    respx.get(f"{RESULT_URL}5/").mock(
        return_value=httpx.Response(401, json={"detail": "Invalid API key."})
    )
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthenticationError) as info:
        Cekura(api_key=API_KEY).results.get(5)
    rendered = "".join(traceback.format_exception(info.value))
    for text in (str(info.value), repr(info.value), rendered, str(vars(info.value)), caplog.text):
        assert API_KEY not in text


def test_key_in_url_userinfo_or_query_is_redacted_from_errors() -> None:
    from cekura_client._exceptions import redact_url

    url = "https://user:pw@api.cekura.ai/x/?api_key=abc&page=2"
    assert redact_url(url) == "https://api.cekura.ai/x/?api_key=REDACTED&page=2"


def test_http_client_is_used_and_not_closed() -> None:
    seen: list[httpx.Request] = []
    user_client = httpx.Client(
        transport=httpx.MockTransport(
            lambda request: httpx.Response(200, json=payloads.passing_result())
        ),
        event_hooks={"request": [seen.append]},
    )
    with Cekura(api_key=API_KEY, http_client=user_client) as client:
        assert client.results.get(1001).id == 1001
    assert [str(r.url) for r in seen] == [f"{BASE_URL}{result_path(1001)}"]
    assert not user_client.is_closed
    user_client.close()


def test_redirects_are_not_followed_so_the_key_stays_home() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(302, headers={"Location": "https://evil.example/steal"})

    user_client = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
    with (
        Cekura(api_key=API_KEY, http_client=user_client, max_retries=0) as client,
        pytest.raises(Exception, match="302"),
    ):
        client.results.get(1001)
    assert [r.url.host for r in sent] == ["api.cekura.ai"]


@pytest.mark.parametrize(
    ("client", "http", "message"),
    [
        (
            Cekura,
            httpx.AsyncClient,
            "http_client must be an httpx.Client for Cekura, got httpx.AsyncClient",
        ),
        (
            AsyncCekura,
            httpx.Client,
            "http_client must be an httpx.AsyncClient for AsyncCekura, got httpx.Client",
        ),
    ],
)
def test_an_http_client_of_the_other_kind_is_refused(
    client: type[Cekura], http: type[httpx.Client], message: str
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        client(api_key=API_KEY, http_client=http())
    assert str(info.value) == message


def test_a_closed_client_says_so() -> None:
    with Cekura(api_key=API_KEY) as client:
        pass
    with pytest.raises(InvalidRequestError) as info:
        client.results.get(1001)
    assert str(info.value) == (
        "Cekura is closed: make a new client (a client closed by its `with` block or close() "
        "sends nothing more)."
    )

    async def use_after_close() -> None:
        async with AsyncCekura(api_key=API_KEY) as async_client:
            pass
        await async_client.results.get(1001)

    with pytest.raises(InvalidRequestError, match=r"^AsyncCekura is closed: make a new client"):
        anyio.run(use_after_close)
