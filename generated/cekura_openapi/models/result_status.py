from typing import Literal

ResultStatus = Literal[
    "cancelled",
    "completed",
    "evaluating",
    "failed",
    "in_progress",
    "in_queue",
    "pending",
    "running",
    "scaling_up",
    "timeout",
]

RESULT_STATUS_VALUES: set[ResultStatus] = {
    "cancelled",
    "completed",
    "evaluating",
    "failed",
    "in_progress",
    "in_queue",
    "pending",
    "running",
    "scaling_up",
    "timeout",
}


def check_result_status(value: str) -> ResultStatus:
    if value in RESULT_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {RESULT_STATUS_VALUES!r}"
    )
