"""The one clock of a client: what retries and polling read the time from and sleep with.

Both the retry transport and ``results.wait`` take the client's :class:`Clock`, so a test that
replaces it (``client._clock = FakeClock()``) controls every wait the client makes.
"""

from __future__ import annotations

import time

import anyio

__all__ = ["Clock"]


class Clock:
    """Monotonic time, and sleeping for the sync and the async client."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    async def async_sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)
