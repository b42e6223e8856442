"""The one transport every request goes through: it retries by :class:`RetryPolicy` and sleeps
with the client's :class:`Clock`.

It is an httpx transport, so it serves the facade and the generated ``cekura_openapi`` calls
alike: both send through the same ``httpx.Client``. For idempotent requests the body is read
inside the retry loop, so a reset or a stall half-way through a response body is retried too.
"""

from __future__ import annotations

import logging

import httpx

from ._body import DEFAULT_MAX_RESPONSE_BYTES, aread_capped, read_capped
from ._clock import Clock
from ._deadline import active as active_deadline
from ._deadline import of as deadline_of
from ._exceptions import InvalidRequestError, redact_url
from ._retry import IDEMPOTENT_METHODS, RetryPolicy

__all__ = [
    "AsyncClientTransport",
    "AsyncRetryTransport",
    "ClientTransport",
    "RetryTransport",
]

logger = logging.getLogger("cekura_client")


def _log_retry(request: httpx.Request, reason: str, delay: float, attempt: int, total: int) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "retrying %s %s after %s in %.2fs (retry %d of %d)",
            request.method,
            redact_url(request.url),
            reason,
            delay,
            attempt + 1,
            total,
        )


def _delay_within_deadline(request: httpx.Request, delay: float | None) -> float | None:
    """``delay`` unless sleeping it would leave no time for the retry before the request's
    deadline (then None: give up now rather than sleep past the deadline)."""
    carried = deadline_of(request)
    if delay is None or carried is None:
        return delay
    if delay < carried.deadline.remaining():
        return delay
    carried.stopped = True
    return None


class RetryTransport(httpx.BaseTransport):
    """Wraps another transport and retries by :class:`RetryPolicy`. Reads every body itself,
    decoded and capped at ``max_response_bytes``; never sleeps past the deadline the request
    carries (``_deadline.of``)."""

    def __init__(
        self,
        wrapped: httpx.BaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.wrapped = wrapped if wrapped is not None else httpx.HTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self.clock = clock if clock is not None else Clock()
        self.max_response_bytes = max_response_bytes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with active_deadline(request):
            return self._send(request)

    def _send(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        idempotent = request.method in IDEMPOTENT_METHODS
        while True:
            try:
                response = self.wrapped.handle_request(request)
                if idempotent:
                    # Read the body here, so that a connection reset or a timeout half-way
                    # through it is retried like any other transport error.
                    read_capped(response, request, self.max_response_bytes)
            except httpx.TransportError as exc:
                delay = _delay_within_deadline(
                    request, self.policy.delay_after_error(request, exc, attempt)
                )
                if delay is None:
                    raise
                reason = type(exc).__name__
            else:
                delay = _delay_within_deadline(
                    request, self.policy.delay_after_response(request, response, attempt)
                )
                if delay is None:
                    if not idempotent:
                        read_capped(response, request, self.max_response_bytes)
                    return response
                response.close()
                reason = f"status {response.status_code}"
            _log_retry(request, reason, delay, attempt, self.policy.max_retries)
            self.clock.sleep(delay)
            attempt += 1

    def close(self) -> None:
        self.wrapped.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`RetryTransport`, with the same :class:`RetryPolicy`."""

    def __init__(
        self,
        wrapped: httpx.AsyncBaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.wrapped = wrapped if wrapped is not None else httpx.AsyncHTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self.clock = clock if clock is not None else Clock()
        self.max_response_bytes = max_response_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with active_deadline(request):
            return await self._send(request)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        idempotent = request.method in IDEMPOTENT_METHODS
        while True:
            try:
                response = await self.wrapped.handle_async_request(request)
                if idempotent:
                    await aread_capped(
                        response, request, self.max_response_bytes
                    )  # see RetryTransport
            except httpx.TransportError as exc:
                delay = _delay_within_deadline(
                    request, self.policy.delay_after_error(request, exc, attempt)
                )
                if delay is None:
                    raise
                reason = type(exc).__name__
            else:
                delay = _delay_within_deadline(
                    request, self.policy.delay_after_response(request, response, attempt)
                )
                if delay is None:
                    if not idempotent:
                        await aread_capped(response, request, self.max_response_bytes)
                    return response
                await response.aclose()
                reason = f"status {response.status_code}"
            _log_retry(request, reason, delay, attempt, self.policy.max_retries)
            await self.clock.async_sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self.wrapped.aclose()


def _check_open(client: httpx.Client | httpx.AsyncClient) -> None:
    if client.is_closed:
        raise InvalidRequestError(
            "The http_client given to the Cekura client is closed: pass an open one, and close "
            "it after the Cekura client."
        )


def _status_only(exc: httpx.HTTPStatusError) -> httpx.Response:
    """A caller's response hook raised for a status (``raise_for_status``): the status is
    handled as every status is (retries, typed errors), without the body, which the caller's
    client closed unread."""
    headers = [
        (name, value)
        for name, value in exc.response.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    extensions = {
        key: value
        for key, value in exc.response.extensions.items()
        if key in ("http_version", "reason_phrase")
    }
    return httpx.Response(
        exc.response.status_code, headers=headers, request=exc.request, extensions=extensions
    )


class ClientTransport(httpx.BaseTransport):
    """Sends through a caller-supplied ``httpx.Client`` (its proxies, hooks and transport),
    never following redirects, so the API key cannot leave for another host."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _check_open(self.client)
        try:
            return self.client.send(request, stream=True, follow_redirects=False)
        except httpx.HTTPStatusError as exc:
            if exc.response.request is not request:  # another request's (an auth flow's)
                raise
            return _status_only(exc)


class AsyncClientTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`ClientTransport`."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _check_open(self.client)
        try:
            return await self.client.send(request, stream=True, follow_redirects=False)
        except httpx.HTTPStatusError as exc:
            if exc.response.request is not request:  # another request's (an auth flow's)
                raise
            return _status_only(exc)
