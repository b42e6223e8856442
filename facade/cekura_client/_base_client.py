"""The one request path. Every resource method calls ``_request``: it builds the request with the
generated client's function for the operation, sends it through the shared transport, maps
transport errors and statuses to typed errors, and parses the body with the given model.
A resource cannot skip a step, because there is no other way to send.

``BaseClient`` holds what the sync and async clients share; ``SyncAPIClient`` and
``AsyncAPIClient`` differ only in how they send.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import httpx

from ._clock import Clock
from ._config import ClientConfig, TimeoutTypes
from ._operations import Operation, resolve
from ._response import Model, connection_error, parse_response
from ._transport import AsyncRetryTransport, RetryTransport

__all__ = ["AsyncAPIClient", "BaseClient", "RequestTimeout", "SyncAPIClient"]

M = TypeVar("M")

RequestTimeout = TimeoutTypes | httpx._client.UseClientDefault


class BaseClient:
    """Configuration, clock and request building shared by :class:`Cekura` and
    :class:`AsyncCekura`."""

    _retry_transport: RetryTransport | AsyncRetryTransport

    def __init__(self, config: ClientConfig) -> None:
        self._config = config
        self.__clock = Clock()

    @property
    def _clock(self) -> Clock:
        """The clock retries and polling read and sleep with (tests replace it)."""
        return self.__clock

    @_clock.setter
    def _clock(self, clock: Clock) -> None:
        self.__clock = clock
        self._retry_transport.clock = clock

    @property
    def base_url(self) -> httpx.URL:
        return self._config.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        return self._config.timeout

    @property
    def max_retries(self) -> int:
        return self._config.retry_policy.max_retries

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        operation: Operation,
        params: Mapping[str, Any],
        *,
        timeout: RequestTimeout,
        extra_headers: Mapping[str, str] | None,
    ) -> httpx.Request:
        request_args = resolve(operation).build_request(**params)
        return http.build_request(**request_args, headers=extra_headers, timeout=timeout)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={str(self.base_url)!r}, "
            f"max_retries={self.max_retries})"
        )


class SyncAPIClient(BaseClient):
    """Sends through one ``httpx.Client`` whose transport retries."""

    _http: httpx.Client

    def _request(
        self,
        operation: Operation,
        params: Mapping[str, Any],
        *,
        model: Model[M],
        timeout: RequestTimeout = httpx.USE_CLIENT_DEFAULT,
        extra_headers: Mapping[str, str] | None = None,
    ) -> M:
        request = self._build_request(
            self._http, operation, params, timeout=timeout, extra_headers=extra_headers
        )
        try:
            response = self._http.send(request)
        except httpx.TransportError as exc:
            raise connection_error(exc, request) from exc
        return parse_response(response, model)


class AsyncAPIClient(BaseClient):
    """Sends through one ``httpx.AsyncClient`` whose transport retries."""

    _http: httpx.AsyncClient

    async def _request(
        self,
        operation: Operation,
        params: Mapping[str, Any],
        *,
        model: Model[M],
        timeout: RequestTimeout = httpx.USE_CLIENT_DEFAULT,
        extra_headers: Mapping[str, str] | None = None,
    ) -> M:
        request = self._build_request(
            self._http, operation, params, timeout=timeout, extra_headers=extra_headers
        )
        try:
            response = await self._http.send(request)
        except httpx.TransportError as exc:
            raise connection_error(exc, request) from exc
        return parse_response(response, model)
