from typing import Literal

ScenariosRunVoice3Response201RunsItemStatus = Literal[
    "completed", "failed", "pending", "running"
]

SCENARIOS_RUN_VOICE_3_RESPONSE_201_RUNS_ITEM_STATUS_VALUES: set[
    ScenariosRunVoice3Response201RunsItemStatus
] = {
    "completed",
    "failed",
    "pending",
    "running",
}


def check_scenarios_run_voice_3_response_201_runs_item_status(
    value: str,
) -> ScenariosRunVoice3Response201RunsItemStatus:
    if value in SCENARIOS_RUN_VOICE_3_RESPONSE_201_RUNS_ITEM_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SCENARIOS_RUN_VOICE_3_RESPONSE_201_RUNS_ITEM_STATUS_VALUES!r}"
    )
