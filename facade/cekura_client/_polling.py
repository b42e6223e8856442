"""Waiting for a result to finish: the poll schedule and the rules for errors, shared by
``Results.wait`` and ``AsyncResults.wait`` (each only adds its own way of sleeping)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from ._clock import Clock
from ._config import check_seconds
from ._deadline import Deadline
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    CekuraError,
    RateLimitError,
    ServerError,
    WaitTimeoutError,
)
from .types.result import Result

__all__ = ["DEFAULT_WAIT_TIMEOUT", "UNREACHABLE_GRACE", "WAIT_MARGIN", "OnUpdate", "Poller"]

DEFAULT_WAIT_TIMEOUT: Final = 1800.0
#: Polling starts this often and slows by FACTOR up to CAP: following a 10-minute result
#: takes about 35 requests, where a fixed 5 s poll takes 120.
INITIAL_INTERVAL: Final = 2.0
INTERVAL_FACTOR: Final = 1.5
MAX_INTERVAL: Final = 20.0

#: How long past its deadline a wait may take: the last poll's request gets WAIT_GRACE seconds,
#: and returning takes the rest. ``wait(timeout=T)`` returns within T + WAIT_MARGIN.
WAIT_GRACE: Final = 0.5
WAIT_MARGIN: Final = 1.0

#: A wait that has not had a single response (every poll refused, a DNS or TLS failure: a wrong
#: address, not a server answering 503) gives up after this many seconds with the connection
#: error, instead of spending the whole timeout (30 minutes by default) on a typo.
UNREACHABLE_GRACE: Final = 30.0

OnUpdate = Callable[[Result], object]


def check_wait_seconds(value: object, name: str) -> float:
    """A finite positive number of seconds for ``wait``, else InvalidRequestError (a
    ValueError): NaN would never end, infinity never time out."""
    seconds = check_seconds(value, name, allow_none=False)
    assert seconds is not None
    return seconds


def _is_transient(error: CekuraError) -> bool:
    """Errors that do not end a wait: the next poll may succeed."""
    return isinstance(error, (APIConnectionError, RateLimitError, ServerError))


class Poller:
    """The state of one wait: deadline, next interval, last status seen."""

    def __init__(
        self,
        result_id: int,
        clock: Clock,
        timeout: float,
        poll_interval: float | None,
        on_update: OnUpdate | None,
        *,
        heartbeat: float | None = None,
        unreachable_grace: float = UNREACHABLE_GRACE,
    ) -> None:
        timeout = check_wait_seconds(timeout, "timeout")
        if poll_interval is not None:
            poll_interval = check_wait_seconds(poll_interval, "poll_interval")
        if heartbeat is not None:
            heartbeat = check_wait_seconds(heartbeat, "heartbeat")
        self.heartbeat = heartbeat
        self.unreachable_grace = check_wait_seconds(unreachable_grace, "unreachable_grace")
        self.result_id = result_id
        self.clock = clock
        self.timeout = timeout
        self.started = clock.now()
        self.deadline = self.started + timeout
        #: Every request of the wait must end by then: the last poll, made right at the
        #: deadline, gets WAIT_GRACE seconds.
        self.request_deadline = Deadline(clock, self.deadline + WAIT_GRACE, timeout + WAIT_GRACE)
        self.fixed_interval = poll_interval
        self.interval = poll_interval if poll_interval is not None else INITIAL_INTERVAL
        self.on_update = on_update
        self.last_result: Result | None = None
        self.last_error: CekuraError | None = None
        self.requests = 0
        self.responded = False  # any HTTP response at all, a 503 included
        self._last_seen: tuple[str, int] | None = None
        self._last_update = self.started

    def observe(self, result: Result) -> bool:
        """Record a fetched result; True when the wait is over (the result is terminal)."""
        self.requests += 1
        self.responded = True
        self.last_result = result
        self.last_error = None
        seen = (result.status.value, result.completed_runs_count)
        now = self.clock.now()
        due = self.heartbeat is not None and now - self._last_update >= self.heartbeat
        if seen != self._last_seen or due:
            self._last_seen = seen
            self._last_update = now
            if self.on_update is not None:
                self.on_update(result)
        return result.is_terminal

    def failed(self, error: CekuraError) -> None:
        """Record a failed poll; re-raise it unless it is transient. A wait that never had a
        response gives up after ``unreachable_grace`` seconds, raising the connection error."""
        self.requests += 1
        if isinstance(error, APIStatusError):
            self.responded = True
        if not _is_transient(error):
            raise error
        self.last_error = error
        elapsed = self.clock.now() - self.started
        if (
            isinstance(error, APIConnectionError)
            and error.connect_failed
            and not self.responded
            and elapsed >= self.unreachable_grace
        ):
            raise self.unreachable_error(error, elapsed)

    def unreachable_error(self, error: APIConnectionError, elapsed: float) -> APIConnectionError:
        gave_up = APIConnectionError(
            f"{error} Gave up waiting for result {self.result_id}: no response to any of "
            f"{self.requests} requests in {elapsed:.0f} s (a wrong base URL or host?)."
        )
        gave_up.method, gave_up.url = error.method, error.url
        gave_up.reason, gave_up.connect_failed = error.reason, True
        gave_up.__cause__ = error.__cause__  # the detached transport error: never the request
        return gave_up

    def next_delay(self) -> float:
        """Seconds to sleep before the next poll; raises WaitTimeoutError past the deadline."""
        remaining = self.deadline - self.clock.now()
        if remaining <= 0:
            raise self.timeout_error()
        delay = self.interval
        if isinstance(self.last_error, RateLimitError) and self.last_error.retry_after:
            delay = max(delay, self.last_error.retry_after)
        if self.fixed_interval is None:
            self.interval = min(self.interval * INTERVAL_FACTOR, MAX_INTERVAL)
        # Sleep past the deadline only to make one last poll right at it.
        return min(delay, remaining)

    def timeout_error(self) -> WaitTimeoutError:
        status = self.last_result.status.value if self.last_result else "unknown"
        last_error = ""
        if self.last_error is not None:
            last_error = f"; last error: {type(self.last_error).__name__}: {self.last_error}"
        return WaitTimeoutError(
            f"Result {self.result_id} did not finish within {self.timeout:g} s "
            f"(last status: {status}, {self.requests} requests{last_error})",
            last_result=self.last_result,
            last_error=self.last_error,
        )
