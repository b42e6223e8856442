"""``Cekura`` and ``AsyncCekura``: configuration, one shared httpx client, one attribute per
resource. Sending, error mapping and parsing live in ``_base_client``'s one request path."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

import httpx
from typing_extensions import Self

from ._base_client import AsyncAPIClient, SyncAPIClient
from ._body import DEFAULT_MAX_RESPONSE_BYTES
from ._config import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    ClientConfig,
    TimeoutTypes,
)
from ._proxy import ProxyTypes
from ._transport import (
    AsyncClientTransport,
    AsyncRetryTransport,
    ClientTransport,
    RetryTransport,
)
from .resources.results import AsyncResults, Results
from .resources.scenarios import AsyncScenarios, Scenarios

__all__ = ["AsyncCekura", "Cekura"]


class Cekura(SyncAPIClient):
    """Synchronous client for the Cekura API.

    >>> client = Cekura()                 # reads CEKURA_API_KEY (and CEKURA_API_URL)
    >>> result = client.results.get(123)  # -> cekura_client.Result

    ``http_client`` lets you bring an ``httpx.Client`` (proxies, event hooks, a mock
    transport); requests are still retried by this client's policy and sent without following
    redirects. ``openapi`` is the generated low-level client, wired to the same transport.

    Limits (see docs/guides/reliability.md):

    * ``timeout``: a number bounds each call from start to finish, retries included, and each
      connect/read/write; an ``httpx.Timeout`` keeps httpx's per-phase meaning, and then
      ``total_timeout`` (default 300 s, None for none) bounds each call;
    * ``max_response_bytes``: the largest decoded body accepted (default 64 MiB), checked while
      it streams; past it ResponseTooLargeError;
    * ``proxy``: an explicit proxy URL; otherwise HTTPS_PROXY/HTTP_PROXY/ALL_PROXY/NO_PROXY are
      honoured as httpx does (``trust_env=False`` ignores them). The key never travels in
      cleartext through a proxy that is not on loopback.
    """

    results: Results
    scenarios: Scenarios

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        proxy: ProxyTypes | None = None,
        trust_env: bool = True,
    ) -> None:
        super().__init__(
            ClientConfig.resolve(
                api_key=api_key,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                default_headers=default_headers,
                allow_insecure_http=allow_insecure_http,
                total_timeout=total_timeout,
                max_response_bytes=max_response_bytes,
                proxy=proxy,
                trust_env=trust_env,
            )
        )
        inner = (
            ClientTransport(self._config.caller_client(http_client, httpx.Client))
            if http_client is not None
            else self._config.http_transport()
        )
        self._retry_transport = RetryTransport(
            inner,
            policy=self._config.retry_policy,
            clock=self._clock,
            max_response_bytes=self._config.max_response_bytes,
        )
        self._http = httpx.Client(
            transport=self._retry_transport,
            **self._config.httpx_options(),
        )
        self.openapi = self._config.openapi_client().set_httpx_client(self._http)
        self.results = Results(self)
        self.scenarios = Scenarios(self)

    def close(self) -> None:
        """Close the connections this client opened (not a caller-supplied http_client)."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncCekura(AsyncAPIClient):
    """Asynchronous client for the Cekura API; mirrors :class:`Cekura` method for method.

    >>> async with AsyncCekura() as client:
    ...     result = await client.results.get(123)
    """

    results: AsyncResults
    scenarios: AsyncScenarios

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        proxy: ProxyTypes | None = None,
        trust_env: bool = True,
    ) -> None:
        super().__init__(
            ClientConfig.resolve(
                api_key=api_key,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                default_headers=default_headers,
                allow_insecure_http=allow_insecure_http,
                total_timeout=total_timeout,
                max_response_bytes=max_response_bytes,
                proxy=proxy,
                trust_env=trust_env,
            )
        )
        inner = (
            AsyncClientTransport(self._config.caller_client(http_client, httpx.AsyncClient))
            if http_client is not None
            else self._config.async_http_transport()
        )
        self._retry_transport = AsyncRetryTransport(
            inner,
            policy=self._config.retry_policy,
            clock=self._clock,
            max_response_bytes=self._config.max_response_bytes,
        )
        self._http = httpx.AsyncClient(
            transport=self._retry_transport,
            **self._config.httpx_options(),
        )
        self.openapi = self._config.openapi_client().set_async_httpx_client(self._http)
        self.results = AsyncResults(self)
        self.scenarios = AsyncScenarios(self)

    async def close(self) -> None:
        """Close the connections this client opened (not a caller-supplied http_client)."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
