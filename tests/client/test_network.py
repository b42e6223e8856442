"""The network transport the client builds over httpcore's public API (``_network``): it maps
requests, responses and exceptions as httpx's ``HTTPTransport`` does, with the pool httpx would
build, and a network backend that clips every socket operation to the call's deadline."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import anyio
import httpcore
import httpx
import pytest

from cekura_client import AsyncCekura, Cekura
from cekura_client._clock import Clock
from cekura_client._deadline import AsyncDeadlineBackend, Deadline, DeadlineBackend, attach
from cekura_client._network import (
    EXCEPTIONS,
    AsyncNetworkTransport,
    NetworkTransport,
    _mapped_exceptions,
)
from tests.support.constants import API_KEY
from tests.support.loopback import fault_server, respond

HTTPCORE_ERRORS = [source for source, _ in EXCEPTIONS]


@pytest.mark.parametrize("error", HTTPCORE_ERRORS, ids=lambda e: e.__name__)
def test_exceptions_are_mapped_as_httpx_maps_them(error: type[Exception]) -> None:
    """httpx's own (private) map is the oracle."""
    default = pytest.importorskip("httpx._transports.default")
    if not hasattr(default, "map_httpcore_exceptions"):
        pytest.skip("this httpx has no map_httpcore_exceptions to compare with")
    outcomes: list[tuple[type[BaseException], str]] = []
    for mapping in (default.map_httpcore_exceptions, _mapped_exceptions):
        with pytest.raises(httpx.HTTPError) as info, mapping():
            raise error("boom")
        assert isinstance(info.value.__cause__, error)
        outcomes.append((type(info.value), str(info.value)))
    assert outcomes[0] == outcomes[1] == (outcomes[0][0], "boom")


def test_other_exceptions_pass_through() -> None:
    with pytest.raises(KeyError), _mapped_exceptions():
        raise KeyError("x")


PROXIES = [None, httpx.Proxy("http://127.0.0.1:3128"), httpx.Proxy("https://u:p@127.0.0.1:3129")]
if importlib.util.find_spec("socksio") is not None:
    PROXIES.append(httpx.Proxy("socks5://127.0.0.1:1080"))


@pytest.mark.parametrize("proxy", PROXIES, ids=lambda p: "direct" if p is None else str(p.url))
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_the_pool_is_the_one_httpx_builds(proxy: httpx.Proxy | None, asynchronous: bool) -> None:
    """The same httpcore pool class and settings as httpx.HTTPTransport(proxy=...) (read from
    httpx's and httpcore's private attributes: an oracle only), and the deadline backend."""
    ours: Any = (AsyncNetworkTransport if asynchronous else NetworkTransport)(proxy)
    theirs: Any = (httpx.AsyncHTTPTransport if asynchronous else httpx.HTTPTransport)(proxy=proxy)
    pool = getattr(theirs, "_pool", None)
    assert type(ours.pool) is type(pool)
    backend = getattr(ours.pool, "_network_backend", None)
    assert isinstance(backend, AsyncDeadlineBackend if asynchronous else DeadlineBackend)
    for name in (
        "_max_connections",
        "_max_keepalive_connections",
        "_keepalive_expiry",
        "_http1",
        "_http2",
        "_proxy_url",
        "_proxy_headers",
    ):
        if hasattr(pool, name):
            assert getattr(ours.pool, name) == getattr(pool, name), name


def test_a_request_and_its_response_round_trip() -> None:
    with fault_server(respond(200, b"hello")) as server:
        transport = NetworkTransport()
        request = httpx.Request("POST", f"{server.url}/x?y=1", content=b"body")
        response = transport.handle_request(request)
        assert response.status_code == 200
        assert response.read() == b"hello"
        assert response.extensions["http_version"] == b"HTTP/1.1"
        transport.close()
    assert server.requests[0].headers.get("content-length") == "4"


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_passed_deadline_stops_the_connect(asynchronous: bool) -> None:
    """The backend reads the deadline the retry transport makes active for the request."""
    from cekura_client._deadline import active

    clock = Clock()
    request = httpx.Request("GET", "http://127.0.0.1:9/")
    attach(request, Deadline(clock, clock.now() - 1, 1.0))
    with pytest.raises(httpx.ReadTimeout, match="whole-call deadline of 1 s passed"):
        if asynchronous:

            async def run() -> None:
                with active(request):
                    await AsyncNetworkTransport().handle_async_request(request)

            anyio.run(run)
        else:
            with active(request):
                NetworkTransport().handle_request(request)


def test_httpcore_is_used_through_its_public_names() -> None:
    for name in ("ConnectionPool", "HTTPProxy", "SOCKSProxy", "SyncBackend", "AnyIOBackend"):
        assert name in httpcore.__all__
    assert "create_ssl_context" in httpx.__all__ and "Limits" in httpx.__all__


@pytest.mark.parametrize("client", [Cekura, AsyncCekura])
def test_trust_env_false_ignores_the_certificate_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, client: type[Cekura]
) -> None:
    # as httpx.Client(trust_env=False): SSL_CERT_FILE and SSL_CERT_DIR are not read (a file
    # that is not a certificate would fail the TLS context if they were)
    not_a_certificate = tmp_path / "ca.pem"
    not_a_certificate.write_text("not a certificate\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(not_a_certificate))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    client(api_key=API_KEY, trust_env=False)
