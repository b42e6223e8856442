from typing import Literal

ScenariosRunVoice3Response201Status = Literal[
    "completed", "failed", "pending", "running"
]

SCENARIOS_RUN_VOICE_3_RESPONSE_201_STATUS_VALUES: set[
    ScenariosRunVoice3Response201Status
] = {
    "completed",
    "failed",
    "pending",
    "running",
}


def check_scenarios_run_voice_3_response_201_status(
    value: str,
) -> ScenariosRunVoice3Response201Status:
    if value in SCENARIOS_RUN_VOICE_3_RESPONSE_201_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SCENARIOS_RUN_VOICE_3_RESPONSE_201_STATUS_VALUES!r}"
    )
