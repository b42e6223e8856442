"""Clocks for tests: time that advances only when the client sleeps, and records each sleep."""

from __future__ import annotations

from cekura_client._clock import Clock


class FakeClock(Clock):
    """Starts at 0; ``sleep`` records the wait and advances time by it, without waiting."""

    def __init__(self) -> None:
        self.time = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
