"""The one request path. Every resource method calls ``_request``: it builds the request with the
generated client's function for the operation, sends it through the shared transport, maps
transport errors and statuses to typed errors, and parses the body with the given model.
A resource cannot skip a step, because there is no other way to send.

``BaseClient`` holds what the sync and async clients share; ``SyncAPIClient`` and
``AsyncAPIClient`` differ only in how they send.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn, TypeVar

import httpx

from ._clock import Clock
from ._config import ClientConfig, TimeoutTypes, check_headers, check_timeout, total_of
from ._deadline import Deadline
from ._deadline import active as active_deadline
from ._deprecation import DeprecationNotices
from ._exceptions import (
    APIConnectionError,
    APITimeoutError,
    CekuraError,
    InvalidRequestError,
    describe_request,
)
from ._operations import Operation, resolve
from ._response import Model, connection_error, parse_response
from ._transport import STOPPED_BY_DEADLINE, AsyncRetryTransport, RetryTransport

__all__ = ["AsyncAPIClient", "BaseClient", "RequestTimeout", "SyncAPIClient"]

M = TypeVar("M")

RequestTimeout = TimeoutTypes | httpx._client.UseClientDefault


def _detached_cause(exc: BaseException, secret: str) -> BaseException | None:
    """A copy of ``exc`` to chain under the client's error: same type and message (the key, if
    it appears, replaced by ``***``), but no request (whose headers hold the key), no
    traceback and no chain of its own. None when ``exc`` cannot be rebuilt that way."""
    try:
        text = str(exc)
    except Exception:  # one we cannot render may carry anything
        return None
    try:
        return type(exc)(text.replace(secret, "***"))
    except Exception:  # a constructor with another signature: chain nothing
        return None


class BaseClient:
    """Configuration, clock and request building shared by :class:`Cekura` and
    :class:`AsyncCekura`."""

    _retry_transport: RetryTransport | AsyncRetryTransport

    def __init__(self, config: ClientConfig) -> None:
        self._config = config
        self.__clock = Clock()
        self._deprecations = DeprecationNotices()

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
    def total_timeout(self) -> float | None:
        """Seconds each call may take from start to finish, retries included (None: no
        bound)."""
        return self._config.total_timeout

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
        if not isinstance(timeout, httpx._client.UseClientDefault):
            timeout = check_timeout(timeout)
        extra_headers = check_headers(extra_headers, "extra_headers") or None
        request_args = resolve(operation).build_request(**params)
        try:
            return http.build_request(**request_args, headers=extra_headers, timeout=timeout)
        except (ValueError, TypeError, httpx.InvalidURL) as exc:
            raise InvalidRequestError(
                f"The request could not be built ({type(exc).__name__}): check extra_headers "
                "(header names and values are ASCII text without control characters)."
            ) from None

    def _deadline(self, timeout: RequestTimeout, outer: Deadline | None) -> Deadline | None:
        """This call's deadline: its own whole-call timeout, or the caller's (``wait``), whichever
        ends first."""
        if isinstance(timeout, httpx._client.UseClientDefault):
            total = self._config.total_timeout
        else:
            total = total_of(timeout, self._config.total_timeout)
        own = Deadline.after(self._clock, total) if total is not None else None
        if own is None:
            return outer
        return own.earliest(outer)

    def _connection_error(
        self, exc: httpx.TransportError, request: httpx.Request, deadline: Deadline | None
    ) -> APIConnectionError:
        # Refused, DNS, TLS (ConnectError) are named as such even when the deadline also
        # stopped the retries: the cause says more than the clock.
        if (
            deadline is not None
            and not isinstance(exc, httpx.ConnectError)
            and (deadline.expired() or request.extensions.get(STOPPED_BY_DEADLINE))
        ):
            return APITimeoutError(
                f"Request did not finish within {deadline.total:g} s (the whole-call deadline, "
                f"retries included) for {describe_request(request)}.",
                request=request,
            )
        return connection_error(exc, request, secret=self._config.api_key)

    def _raise(self, error: CekuraError, cause: BaseException) -> NoReturn:
        """Raise ``error`` chaining a detached copy of ``cause`` (type and message, never the
        request it was sent with: its headers hold the API key). Called outside ``except``
        blocks, so ``__context__`` stays empty."""
        raise error from _detached_cause(cause, self._config.api_key)

    def _finish(
        self,
        operation: Operation,
        params: Mapping[str, Any],
        response: httpx.Response,
        model: Model[M],
    ) -> M:
        self._deprecations.check(response, resolve(operation))
        # Only an error message names the subject: a success does not format it.
        subject = "" if response.is_success else operation.subject_of(params)
        return parse_response(response, model, subject)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={str(self.base_url)!r}, "
            f"max_retries={self.max_retries})"
        )


def _expired_before_sending(deadline: Deadline | None, request: httpx.Request) -> None:
    if deadline is not None and deadline.expired():
        raise httpx.ReadTimeout("the deadline passed before the request was sent", request=request)


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
        deadline: Deadline | None = None,
    ) -> M:
        request = self._build_request(
            self._http, operation, params, timeout=timeout, extra_headers=extra_headers
        )
        call_deadline = self._deadline(timeout, deadline)
        try:
            with active_deadline(call_deadline):
                _expired_before_sending(call_deadline, request)
                response = self._http.send(request)
        except httpx.TransportError as exc:
            error, cause = self._connection_error(exc, request, call_deadline), exc
        else:
            return self._finish(operation, params, response, model)
        self._raise(error, cause)


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
        deadline: Deadline | None = None,
    ) -> M:
        request = self._build_request(
            self._http, operation, params, timeout=timeout, extra_headers=extra_headers
        )
        call_deadline = self._deadline(timeout, deadline)
        try:
            with active_deadline(call_deadline):
                _expired_before_sending(call_deadline, request)
                response = await self._http.send(request)
        except httpx.TransportError as exc:
            error, cause = self._connection_error(exc, request, call_deadline), exc
        else:
            return self._finish(operation, params, response, model)
        self._raise(error, cause)
