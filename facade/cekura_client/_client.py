"""``Cekura`` and ``AsyncCekura``: configuration, one shared httpx client, one attribute per
resource. Everything but the act of sending lives in ``_base_client`` and the resources."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx
from typing_extensions import Self

from ._base_client import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    BaseClient,
    TimeoutTypes,
    connection_error,
)
from ._transport import (
    AsyncClientTransport,
    AsyncRetryTransport,
    ClientTransport,
    RetryTransport,
)
from .resources.results import AsyncResults, Results

__all__ = ["AsyncCekura", "Cekura"]

RequestTimeout = TimeoutTypes | httpx._client.UseClientDefault


class Cekura(BaseClient):
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
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
        )
        inner = ClientTransport(http_client) if http_client is not None else None
        self._http = httpx.Client(
            transport=RetryTransport(inner, policy=self._config.retry_policy),
            **self._config.httpx_options(),
        )
        self.openapi = self._config.openapi_client().set_httpx_client(self._http)
        self.results = Results(self)

    def _send(
        self,
        request_args: Mapping[str, Any],
        *,
        timeout: RequestTimeout,
        extra_headers: Mapping[str, str] | None,
    ) -> httpx.Response:
        request = self._http.build_request(**request_args, headers=extra_headers, timeout=timeout)
        try:
            return self._http.send(request)
        except httpx.TransportError as exc:
            raise connection_error(exc, request) from exc

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


class AsyncCekura(BaseClient):
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
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
        )
        inner = AsyncClientTransport(http_client) if http_client is not None else None
        self._http = httpx.AsyncClient(
            transport=AsyncRetryTransport(inner, policy=self._config.retry_policy),
            **self._config.httpx_options(),
        )
        self.openapi = self._config.openapi_client().set_async_httpx_client(self._http)
        self.results = AsyncResults(self)

    async def _send(
        self,
        request_args: Mapping[str, Any],
        *,
        timeout: RequestTimeout,
        extra_headers: Mapping[str, str] | None,
    ) -> httpx.Response:
        request = self._http.build_request(**request_args, headers=extra_headers, timeout=timeout)
        try:
            return await self._http.send(request)
        except httpx.TransportError as exc:
            raise connection_error(exc, request) from exc

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
