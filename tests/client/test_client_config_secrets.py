"""The API key and the base URL: a key is cleaned or refused when
the client is built, never echoed, and never reachable through an error's chain, in messages,
full tracebacks or ``logger.exception`` output; a base URL with credentials, a query or a
fragment is refused without showing it."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import traceback

import anyio
import httpx
import pytest

from cekura_client import (
    APIConnectionError,
    APIStatusError,
    AsyncCekura,
    Cekura,
    CekuraError,
    InsecureTransportError,
    InvalidRequestError,
    MissingAPIKeyError,
)
from cekura_client._exceptions import InvalidAPIKeyError
from cekura_client.testing import payloads
from tests.support.constants import API_KEY, Fetch, result_path
from tests.support.loopback import fault_server, json_response

OK = json_response(200, json.dumps(payloads.passing_result()))


def _everything_shown(exc: BaseException) -> str:
    """Every way an error reaches a person: message, repr, full traceback with its chain, and
    what logging.exception writes."""
    stream = io.StringIO()
    logger = logging.getLogger("test_client_config_secrets")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        try:
            raise exc
        except BaseException:
            logger.exception("the call failed")
    finally:
        logger.removeHandler(handler)
    return "\n".join(
        [str(exc), repr(exc), "".join(traceback.format_exception(exc)), stream.getvalue()]
    )


@pytest.mark.parametrize("padded", [API_KEY + "\n", f"  {API_KEY}\r\n", f"\t{API_KEY} "])
def test_surrounding_whitespace_is_stripped(fetch: Fetch, padded: str) -> None:
    with fault_server(OK) as server:
        assert fetch(1001, api_key=padded, base_url=server.url).id == 1001
    assert server.requests[0].headers["x-cekura-api-key"] == API_KEY


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (API_KEY[:6] + "\n" + API_KEY[6:], "contains a control character at position 6"),
        (API_KEY[:6] + "\x00" + API_KEY[6:], "contains a control character at position 6"),
        (API_KEY[:6] + "\x1b" + API_KEY[6:], "contains a control character at position 6"),
        (API_KEY[:6] + "é" + API_KEY[6:], "contains a non-ASCII character at position 6"),
        (API_KEY[:6] + "\u2028" + API_KEY[6:], "contains a control character at position 6"),
        (API_KEY[:6] + "\ud800" + API_KEY[6:], "contains a control character at position 6"),
    ],
)
def test_a_key_that_cannot_be_a_header_is_refused_without_echo(key: str, message: str) -> None:
    with pytest.raises(InvalidAPIKeyError) as info:
        Cekura(api_key=key)
    assert message in str(info.value) and isinstance(info.value, MissingAPIKeyError)
    shown = _everything_shown(info.value)
    assert API_KEY[:6] not in shown and API_KEY[6:] not in shown


def test_a_key_from_the_environment_is_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEKURA_API_KEY", API_KEY + "\n")
    assert Cekura()._config.api_key == API_KEY
    monkeypatch.setenv("CEKURA_API_KEY", "   ")
    with pytest.raises(MissingAPIKeyError, match="No API key"):
        Cekura()


def test_headers_that_h11_would_refuse_are_refused_before_sending() -> None:
    """h11 refuses an illegal header value and puts the whole value in its message; such a
    header is refused before sending, naming the header, never its value."""
    with fault_server(OK) as server:
        with Cekura(api_key=API_KEY, base_url=server.url) as client:
            with pytest.raises(InvalidRequestError) as info:
                client.results.get(1001, extra_headers={"X-Echo": f"{API_KEY}\n"})
    assert str(info.value) == (
        "extra_headers: the value of X-Echo has a control or non-ASCII character "
        "(the value is not shown)"
    )
    assert API_KEY not in _everything_shown(info.value) and server.requests == []
    with pytest.raises(InvalidRequestError, match="default_headers: the value of X-Echo"):
        Cekura(api_key=API_KEY, default_headers={"X-Echo": f"{API_KEY}\r\n"})


def _assert_nothing_chained_carries_the_key(exc: BaseException) -> None:
    """The chain holds a detached copy of the transport error: its type and message with the
    key masked, no request (whose headers hold the key), no further chain."""
    assert exc.__context__ is None
    cause = exc.__cause__
    assert cause is not None and cause.__cause__ is None and cause.__context__ is None
    assert "***" in str(cause) and API_KEY not in str(cause)
    with pytest.raises(RuntimeError):
        cause.request  # type: ignore[attr-defined]  # noqa: B018
    assert API_KEY not in _everything_shown(exc)


def _leaky_client(error: Exception, attempts: list[int]) -> httpx.Client:
    """A transport failing the way h11 does: the exception's text holds the key."""

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        raise error

    return httpx.Client(transport=httpx.MockTransport(handler))


@pytest.mark.parametrize(
    ("error", "tries"),
    [
        (httpx.LocalProtocolError(f"Illegal header value b'{API_KEY}\\n'"), 1),  # not retried
        (httpx.ConnectError(f"proxy said: bad key {API_KEY}"), 3),
    ],
    ids=["LocalProtocolError", "ConnectError"],
)
def test_no_raised_error_chains_an_exception_carrying_the_key(
    error: Exception, tries: int, waits: list[float]
) -> None:
    attempts: list[int] = []
    with Cekura(api_key=API_KEY, http_client=_leaky_client(error, attempts)) as client:
        with pytest.raises(APIConnectionError) as info:
            client.results.get(1001)
    exc = info.value
    _assert_nothing_chained_carries_the_key(exc)
    assert len(attempts) == tries


def test_the_async_client_does_not_chain_it_either() -> None:
    attempts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        raise httpx.LocalProtocolError(f"Illegal header value b'{API_KEY}\\n'")

    async def run() -> CekuraError:
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        async with AsyncCekura(api_key=API_KEY, http_client=http) as client:
            with pytest.raises(APIConnectionError) as info:
                await client.results.get(1001)
        return info.value

    exc = anyio.run(run)
    _assert_nothing_chained_carries_the_key(exc)
    assert len(attempts) == 1


def test_a_harmless_cause_is_still_chained(fetch: Fetch) -> None:
    with fault_server() as server:
        url = server.url
    with pytest.raises(APIConnectionError) as info:
        fetch(1001, base_url=url, max_retries=0)
    cause = info.value.__cause__
    assert isinstance(cause, httpx.ConnectError) and str(cause)  # the reason, kept
    assert cause.__context__ is None and info.value.__context__ is None


# -- base_url (item 8) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["https://user:hunter2@api.cekura.ai", "https://hunter2@api.cekura.ai/api"]
)
def test_a_base_url_with_credentials_is_refused_without_showing_them(url: str) -> None:
    with pytest.raises(InsecureTransportError) as info:
        Cekura(api_key=API_KEY, base_url=url)
    assert str(info.value).startswith("base_url must not contain credentials")
    assert "hunter2" not in _everything_shown(info.value)


@pytest.mark.parametrize(
    "url",
    ["https://api.cekura.ai/?x=1", "https://api.cekura.ai/#frag", "https://api.cekura.ai/?"],
)
def test_a_base_url_with_a_query_or_fragment_is_refused(url: str) -> None:
    with pytest.raises(InvalidRequestError, match="must not have a query string or a fragment"):
        Cekura(api_key=API_KEY, base_url=url)


@pytest.mark.parametrize("url", ["https://api.cekura.ai:99999", "http://[::1", "https://x.ai:abc"])
def test_a_base_url_that_does_not_parse_is_refused(url: str) -> None:
    with pytest.raises(InvalidRequestError, match="base_url is not a valid URL"):
        Cekura(api_key=API_KEY, base_url=url)


def test_the_repr_never_shows_the_key() -> None:
    client = Cekura(api_key=API_KEY)
    assert API_KEY not in repr(client) and API_KEY not in repr(client._config)


def test_the_cli_plain_http_error_names_its_flag() -> None:
    env = {**os.environ, "CEKURA_API_KEY": API_KEY}
    base = [sys.executable, "-m", "cekura_client.cli", "--base-url", "http://api.example.com"]
    proc = subprocess.run(
        [*base, "show", "1"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        "cekura-results: error: Refusing to send the API key over plain http to "
        "api.example.com; use https, or pass --allow-insecure-http if you really mean it.\n"
    )
    assert "allow_insecure_http" not in proc.stderr


@pytest.mark.parametrize("status", [401, 404, 429, 503])
def test_a_status_errors_response_does_not_carry_the_key(fetch: Fetch, status: int) -> None:
    """Users log error objects, ``exc.response`` included: its request's headers are masked,
    and so is every representation of the error a logger or a debugger shows."""
    with fault_server(json_response(status, '{"detail": "no"}')) as server:
        with pytest.raises(APIStatusError) as info:
            fetch(1001, base_url=server.url, max_retries=0)
    error = info.value
    sent = server.requests[0].headers
    assert sent["x-cekura-api-key"] == API_KEY  # what was sent is the key...
    headers = error.response.request.headers
    assert headers["X-CEKURA-API-KEY"] == "REDACTED"  # ...what the error keeps is not
    assert headers["User-Agent"].startswith("cekura-results-client/")
    assert error.response.request.url == f"{server.url}{result_path(1001)}"
    for shown in (
        repr(error), str(error), repr(error.response.request.headers),
        str(list(error.response.request.headers.raw)), repr(vars(error)),
        "".join(traceback.format_exception(error)),
    ):  # fmt: skip
        assert API_KEY not in shown
