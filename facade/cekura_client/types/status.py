"""Result status: an enum that keeps values it does not know."""

from __future__ import annotations

from enum import Enum

__all__ = ["TERMINAL_STATUSES", "ResultStatus"]


class ResultStatus(str, Enum):
    """The status of a result.

    A member compares equal to its string (``result.status == "completed"``). Cekura has added
    statuses over time (``scaling_up`` came late); a value this version does not know becomes a
    pseudo-member that keeps its string (``ResultStatus("paused").value == "paused"``,
    ``.is_known`` is False) instead of raising. The known values are checked against the
    generated client's ``ResultDetailV2Status`` by the test suite.
    """

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    EVALUATING = "evaluating"
    IN_QUEUE = "in_queue"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"
    SCALING_UP = "scaling_up"

    @classmethod
    def _missing_(cls, value: object) -> ResultStatus | None:
        if not isinstance(value, str):
            return None
        pseudo = str.__new__(cls, value)
        pseudo._name_ = value.upper()
        pseudo._value_ = value
        return pseudo

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        """Whether this status is one of the values documented in the vendored spec."""
        return type(self).__members__.get(self.name) is self

    @property
    def is_terminal(self) -> bool:
        """Whether a result with this status will not change any more."""
        return self in TERMINAL_STATUSES


#: The statuses a result does not leave: completed, failed, timeout, cancelled.
TERMINAL_STATUSES: frozenset[ResultStatus] = frozenset(
    {ResultStatus.COMPLETED, ResultStatus.FAILED, ResultStatus.TIMEOUT, ResultStatus.CANCELLED}
)
