from typing import Literal

ResultDetailV2Status = Literal[
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

RESULT_DETAIL_V2_STATUS_VALUES: set[ResultDetailV2Status] = {
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


def check_result_detail_v2_status(value: str) -> ResultDetailV2Status:
    if value in RESULT_DETAIL_V2_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {RESULT_DETAIL_V2_STATUS_VALUES!r}"
    )
