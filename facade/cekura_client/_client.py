"""``Cekura`` and ``AsyncCekura``: configuration, one shared httpx client, one attribute per
resource. Sending, error mapping and parsing live in ``_base_client``'s one request path."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

import httpx
from typing_extensions import Self

from ._base_client import AsyncAPIClient, SyncAPIClient
from ._config import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, ClientConfig, TimeoutTypes
from ._transport import (
    AsyncClientTransport,
    AsyncRetryTransport,
    ClientTransport,
    RetryTransport,
)
from .resources.results import AsyncResults, Results

__all__ = ["AsyncCekura", "Cekura"]


class Cekura(SyncAPIClient):
    """Synchronous client for the Cekura API.

    >>> client = Cekura()                 # reads CEKURA_API_KEY (and CEKURA_API_URL)
    >>> result = client.results.get(123)  # -> cekura_client.Result

    ``http_client`` lets you bring an ``httpx.Client`` (proxies, event hooks, a mock
    transport); requests are still retried by this client's policy and sent without following
    redirects. ``openapi`` is the generated low-level client, wired to the same transport.
    """

    results: Results

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
    ) -> None:
        super().__init__(
            ClientConfig.resolve(
                api_key=api_key,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                default_headers=default_headers,
                allow_insecure_http=allow_insecure_http,
            )
        )
        inner = ClientTransport(http_client) if http_client is not None else None
        self._retry_transport = RetryTransport(
            inner, policy=self._config.retry_policy, clock=self._clock
        )
        self._http = httpx.Client(
            transport=self._retry_transport,
            **self._config.httpx_options(),
        )
        self.openapi = self._config.openapi_client().set_httpx_client(self._http)
        self.results = Results(self)

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
    ) -> None:
        super().__init__(
            ClientConfig.resolve(
                api_key=api_key,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                default_headers=default_headers,
                allow_insecure_http=allow_insecure_http,
            )
        )
        inner = AsyncClientTransport(http_client) if http_client is not None else None
        self._retry_transport = AsyncRetryTransport(
            inner, policy=self._config.retry_policy, clock=self._clock
        )
        self._http = httpx.AsyncClient(
            transport=self._retry_transport,
            **self._config.httpx_options(),
        )
        self.openapi = self._config.openapi_client().set_async_httpx_client(self._http)
        self.results = AsyncResults(self)

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
