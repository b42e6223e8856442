"""The network transport the client builds for itself, over httpcore's public API.

httpx's ``HTTPTransport`` takes no network backend, and the whole-call deadline needs one (see
``_deadline``: every connect, read, write and TLS handshake is clipped to the time left). So
the client builds its connection pool itself, through httpcore's public constructors
(``ConnectionPool``/``HTTPProxy``/``SOCKSProxy`` and their async twins, which take
``network_backend=``), configured as ``httpx.HTTPTransport(proxy=...)`` configures its own:
``httpx.create_ssl_context()``, httpx's default limits, HTTP/1.1 only. What httpx does around
the pool (an httpx request to an httpcore one, an httpcore response to an httpx one, httpcore
exceptions to httpx ones) is done here the same way, in a few lines.

The price: those few lines follow httpx's ``_transports/default.py`` by reading, not by
import. ``tests/client/test_network.py`` checks them against httpx's transport (the exception
map, the pool's settings).
"""

from __future__ import annotations

import contextlib
import importlib.util
import typing
from collections.abc import AsyncIterator, Iterator
from typing import Final

import httpcore
import httpx

from ._deadline import AsyncDeadlineBackend, DeadlineBackend

__all__ = ["AsyncNetworkTransport", "NetworkTransport"]

#: httpx's default pool limits (``httpx.HTTPTransport``'s ``limits=DEFAULT_LIMITS``).
LIMITS: Final = httpx.Limits(max_connections=100, max_keepalive_connections=20)

#: httpcore's exceptions and the httpx ones httpx raises for them.
EXCEPTIONS: Final[tuple[tuple[type[Exception], type[httpx.HTTPError]], ...]] = (
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
)


@contextlib.contextmanager
def _mapped_exceptions() -> Iterator[None]:
    """Raise httpcore's exceptions as the most specific httpx exception, as httpx does."""
    try:
        yield
    except Exception as exc:
        mapped: type[httpx.HTTPError] | None = None
        for source, target in EXCEPTIONS:
            if isinstance(exc, source) and (mapped is None or issubclass(target, mapped)):
                mapped = target
        if mapped is None:
            raise
        raise mapped(str(exc)) from exc


def _core_url(url: httpx.URL) -> httpcore.URL:
    return httpcore.URL(
        scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
    )


def _core_request(request: httpx.Request) -> httpcore.Request:
    return httpcore.Request(
        method=request.method,
        url=_core_url(request.url),
        headers=request.headers.raw,
        content=request.stream,
        extensions=request.extensions,
    )


def _pool_options(proxy: httpx.Proxy | None, trust_env: bool) -> tuple[str, dict[str, typing.Any]]:
    """Which pool (``direct``, ``http`` or ``socks``) and its options, as httpx chooses them
    (``trust_env=False``: no ``SSL_CERT_FILE``/``SSL_CERT_DIR`` either)."""
    options: dict[str, typing.Any] = {
        "ssl_context": httpx.create_ssl_context(trust_env=trust_env),
        "max_connections": LIMITS.max_connections,
        "max_keepalive_connections": LIMITS.max_keepalive_connections,
        "keepalive_expiry": LIMITS.keepalive_expiry,
        "http1": True,
        "http2": False,
    }
    if proxy is None:
        return "direct", options
    options["proxy_url"] = _core_url(proxy.url)
    options["proxy_auth"] = proxy.raw_auth
    if proxy.url.scheme in ("http", "https"):
        options["proxy_headers"] = proxy.headers.raw
        options["proxy_ssl_context"] = proxy.ssl_context
        return "http", options
    if proxy.url.scheme in ("socks5", "socks5h"):
        if importlib.util.find_spec("socksio") is None:  # pragma: no cover
            raise ImportError(
                "Using SOCKS proxy, but the 'socksio' package is not installed. "
                "Make sure to install httpx using `pip install httpx[socks]`."
            )
        return "socks", options
    raise ValueError(  # pragma: no cover (httpx.Proxy refuses other schemes)
        f"Proxy protocol must be either 'http', 'https', 'socks5', or 'socks5h', but got "
        f"{proxy.url.scheme!r}."
    )


#: Each pool kind :func:`_pool_options` chooses: its sync and its async httpcore class.
_POOLS: Final[
    dict[str, tuple[type[httpcore.ConnectionPool], type[httpcore.AsyncConnectionPool]]]
] = {
    "direct": (httpcore.ConnectionPool, httpcore.AsyncConnectionPool),
    "http": (httpcore.HTTPProxy, httpcore.AsyncHTTPProxy),
    "socks": (httpcore.SOCKSProxy, httpcore.AsyncSOCKSProxy),
}


def _response(
    core: httpcore.Response, stream: httpx.SyncByteStream | httpx.AsyncByteStream
) -> httpx.Response:
    """httpcore's response as httpx's, its body read from ``stream``."""
    return httpx.Response(
        status_code=core.status, headers=core.headers, stream=stream, extensions=core.extensions
    )


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: typing.Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _mapped_exceptions():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class NetworkTransport(httpx.BaseTransport):
    """``httpx.HTTPTransport(proxy=proxy)``, but every socket operation honours the deadline
    of the request in progress (:class:`~._deadline.DeadlineBackend`)."""

    def __init__(self, proxy: httpx.Proxy | None = None, *, trust_env: bool = True) -> None:
        kind, options = _pool_options(proxy, trust_env)
        pool, _ = _POOLS[kind]
        self.pool = pool(**options, network_backend=DeadlineBackend(httpcore.SyncBackend()))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with _mapped_exceptions():
            response = self.pool.handle_request(_core_request(request))
        assert isinstance(response.stream, typing.Iterable)
        return _response(response, _ResponseStream(response.stream))

    def close(self) -> None:
        self.pool.close()


class _AsyncResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: typing.AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _mapped_exceptions():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        aclose = getattr(self._stream, "aclose", None)
        if aclose is not None:
            await aclose()


class AsyncNetworkTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`NetworkTransport`. Its backend is httpcore's ``AnyIOBackend``
    (httpx picks ``TrioBackend`` under trio; anyio serves trio too)."""

    def __init__(self, proxy: httpx.Proxy | None = None, *, trust_env: bool = True) -> None:
        kind, options = _pool_options(proxy, trust_env)
        _, pool = _POOLS[kind]
        backend = AsyncDeadlineBackend(httpcore.AnyIOBackend())
        self.pool = pool(**options, network_backend=backend)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with _mapped_exceptions():
            response = await self.pool.handle_async_request(_core_request(request))
        assert isinstance(response.stream, typing.AsyncIterable)
        return _response(response, _AsyncResponseStream(response.stream))

    async def aclose(self) -> None:
        await self.pool.aclose()
