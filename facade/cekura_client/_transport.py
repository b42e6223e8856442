"""The one transport every request goes through: retries, backoff, Retry-After, API-key auth.

It is an httpx transport (and an ``httpx.Auth``), so it serves the facade and the generated
``cekura_openapi`` calls alike: both send through the same ``httpx.Client``.

Retry rules (one :class:`RetryPolicy`, used by the sync and the async transport):

* idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) are retried on connection errors,
  timeouts, 408, 409, 429 and 5xx;
* other methods (POST, PATCH) are retried only when the request cannot have reached the server
  (connect error, connect or pool timeout) - never after a reset, a read timeout or a 5xx;
* for idempotent methods the body is read inside the retry loop, so a reset or a stall half-way
  through a response body is retried too;
* a server header ``x-should-retry: true|false`` overrides the status rule;
* the wait honours ``retry-after-ms`` and ``Retry-After`` (seconds or an HTTP date) up to
  ``max_retry_after`` seconds; a longer requested wait is not slept: the response is returned
  (a 429 then raises RateLimitError with ``retry_after``). Otherwise the wait is
  ``initial_delay * 2**attempt`` capped at ``max_delay``, minus up to ``jitter`` (25 %).
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable, Generator
from typing import Final

import anyio
import attrs
import httpx

from ._exceptions import redact_url

__all__ = [
    "API_KEY_HEADER",
    "APIKeyAuth",
    "AsyncClientTransport",
    "AsyncRetryTransport",
    "ClientTransport",
    "RetryPolicy",
    "RetryTransport",
    "parse_retry_after",
]

logger = logging.getLogger("cekura_client")

API_KEY_HEADER: Final = "X-CEKURA-API-KEY"
IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES: Final = frozenset({408, 409, 429})
# Errors raised before the request left this machine: safe to retry for any method.
_NOT_SENT_ERRORS: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class APIKeyAuth(httpx.Auth):
    """Adds ``X-CEKURA-API-KEY`` to each request it is given; its repr never shows the key.

    Being an ``httpx.Auth`` (not a default header), the key is set on the request itself and is
    not copied onto a redirect to another host.
    """

    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[API_KEY_HEADER] = self._api_key
        yield request

    def __repr__(self) -> str:
        return "APIKeyAuth(api_key='***')"


def parse_retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """The wait a server asks for, in seconds: ``retry-after-ms``, then ``Retry-After`` given as
    seconds or as an HTTP date. None when absent or unparseable."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(float(millis) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    current = time.time() if now is None else now
    return max(when.timestamp() - current, 0.0)


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """When to retry and how long to wait. Shared by the sync and the async transport."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25
    random: Callable[[], float] = attrs.field(default=random.random, repr=False, eq=False)

    def backoff(self, attempt: int) -> float:
        delay: float = min(self.initial_delay * (2**attempt), self.max_delay)
        return delay * (1.0 - self.jitter * float(self.random()))

    def delay_after_error(
        self, request: httpx.Request, error: Exception, attempt: int
    ) -> float | None:
        """Seconds to wait before retrying after a transport error, or None to give up."""
        if attempt >= self.max_retries or not isinstance(error, httpx.TransportError):
            return None
        if request.method in IDEMPOTENT_METHODS or isinstance(error, _NOT_SENT_ERRORS):
            return self.backoff(attempt)
        return None

    def delay_after_response(
        self, request: httpx.Request, response: httpx.Response, attempt: int
    ) -> float | None:
        """Seconds to wait before retrying after this response, or None to return it."""
        if attempt >= self.max_retries:
            return None
        should = response.headers.get("x-should-retry")
        if should == "false":
            return None
        if should != "true":
            status = response.status_code
            if status not in RETRY_STATUSES and status < 500:
                return None
            if request.method not in IDEMPOTENT_METHODS:
                return None
        requested = parse_retry_after(response.headers)
        if requested is None:
            return self.backoff(attempt)
        if requested > self.max_retry_after:
            return None  # longer than we are willing to block: let the caller decide
        return requested


def default_sleep(seconds: float) -> None:
    """How the sync transport waits (looked up at call time, so tests can replace it)."""
    time.sleep(seconds)


async def default_async_sleep(seconds: float) -> None:
    """How the async transport waits (looked up at call time, so tests can replace it)."""
    await anyio.sleep(seconds)


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


class RetryTransport(httpx.BaseTransport):
    """Wraps another transport and retries by :class:`RetryPolicy`."""

    def __init__(
        self,
        wrapped: httpx.BaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.wrapped = wrapped if wrapped is not None else httpx.HTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self.wrapped.handle_request(request)
                if request.method in IDEMPOTENT_METHODS:
                    # Read the body here, so that a connection reset or a timeout half-way
                    # through it is retried like any other transport error.
                    response.read()
            except httpx.TransportError as exc:
                delay = self.policy.delay_after_error(request, exc, attempt)
                if delay is None:
                    raise
                reason = type(exc).__name__
            else:
                delay = self.policy.delay_after_response(request, response, attempt)
                if delay is None:
                    return response
                response.close()
                reason = f"status {response.status_code}"
            _log_retry(request, reason, delay, attempt, self.policy.max_retries)
            (self._sleep or default_sleep)(delay)
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
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.wrapped = wrapped if wrapped is not None else httpx.AsyncHTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self._sleep = sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self.wrapped.handle_async_request(request)
                if request.method in IDEMPOTENT_METHODS:
                    await response.aread()  # see RetryTransport
            except httpx.TransportError as exc:
                delay = self.policy.delay_after_error(request, exc, attempt)
                if delay is None:
                    raise
                reason = type(exc).__name__
            else:
                delay = self.policy.delay_after_response(request, response, attempt)
                if delay is None:
                    return response
                await response.aclose()
                reason = f"status {response.status_code}"
            _log_retry(request, reason, delay, attempt, self.policy.max_retries)
            await (self._sleep or default_async_sleep)(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self.wrapped.aclose()


class ClientTransport(httpx.BaseTransport):
    """Sends through a caller-supplied ``httpx.Client`` (its proxies, hooks and transport),
    never following redirects, so the API key cannot leave for another host."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.client.send(request, stream=True, follow_redirects=False)


class AsyncClientTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`ClientTransport`."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.client.send(request, stream=True, follow_redirects=False)
