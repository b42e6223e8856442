"""When to retry a request and how long to wait: one :class:`RetryPolicy` for the sync and the
async transport.

* idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) are retried on connection errors,
  timeouts, 408, 409, 429 and 5xx;
* other methods (POST, PATCH) are retried only when the request cannot have reached the server
  (connect error, connect or pool timeout) - never after a reset, a read timeout or any
  response: every POST of this API starts or ends calls that Cekura bills, so it is never sent
  twice, whatever the server's headers say;
* for idempotent methods, a server header ``x-should-retry: true|false`` overrides the status
  rule;
* the wait honours ``retry-after-ms`` and ``Retry-After`` (seconds or an HTTP date) up to
  ``max_retry_after`` seconds; a longer requested wait is not slept: the response is returned
  (a 429 then raises RateLimitError with ``retry_after``). Otherwise the wait is
  ``initial_delay * 2**attempt`` capped at ``max_delay``, minus up to ``jitter`` (25 %).
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable
from typing import Final

import attrs
import httpx

__all__ = ["IDEMPOTENT_METHODS", "NOT_SENT_ERRORS", "RetryPolicy", "parse_retry_after"]

IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES: Final = frozenset({408, 409, 429})
#: Errors raised before the request left this machine: safe to retry for any method.
NOT_SENT_ERRORS: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


#: A requested wait longer than this (a year, ``inf`` included) is read as this: "not soon".
MAX_RETRY_AFTER_VALUE: Final = 365 * 24 * 3600.0


def _seconds(text: str, scale: float) -> float | None:
    if len(text) > 32:
        return None
    try:
        value = float(text) / scale
    except ValueError:
        return None
    if math.isnan(value):
        return None  # not a wait at all
    return min(max(value, 0.0), MAX_RETRY_AFTER_VALUE)  # inf, 1e999: "not soon"


def parse_retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """The wait a server asks for, in seconds: ``retry-after-ms``, then ``Retry-After`` given as
    seconds or as an HTTP date. None when absent or unparseable (``nan``, garbage); a negative
    wait or a date in the past is 0; ``inf`` or more than a year is a year. Never raises."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        parsed = _seconds(millis.strip(), 1000.0)
        if parsed is not None:
            return parsed
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    parsed = _seconds(value, 1.0)
    if parsed is not None or len(value) > 64:
        return parsed
    try:
        when = email.utils.parsedate_to_datetime(value)
        current = time.time() if now is None else now
        delta = when.timestamp() - current
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if math.isnan(delta):
        return None
    return min(max(delta, 0.0), MAX_RETRY_AFTER_VALUE)


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
        if isinstance(error, httpx.LocalProtocolError):
            return None  # the request itself is invalid: sending it again cannot help
        if request.method in IDEMPOTENT_METHODS or isinstance(error, NOT_SENT_ERRORS):
            return self.backoff(attempt)
        return None

    def delay_after_response(
        self, request: httpx.Request, response: httpx.Response, attempt: int
    ) -> float | None:
        """Seconds to wait before retrying after this response, or None to return it."""
        if attempt >= self.max_retries or request.method not in IDEMPOTENT_METHODS:
            return None
        should = response.headers.get("x-should-retry")
        if should == "false":
            return None
        if should != "true":
            status = response.status_code
            if status not in RETRY_STATUSES and status < 500:
                return None
        requested = parse_retry_after(response.headers)
        if requested is None:
            return self.backoff(attempt)
        if requested > self.max_retry_after:
            return None  # longer than we are willing to block: let the caller decide
        return requested
