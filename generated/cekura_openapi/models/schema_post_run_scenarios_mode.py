from typing import Literal

SchemaPostRunScenariosMode = Literal["different_numbers", "same_number"]

SCHEMA_POST_RUN_SCENARIOS_MODE_VALUES: set[SchemaPostRunScenariosMode] = {
    "different_numbers",
    "same_number",
}


def check_schema_post_run_scenarios_mode(value: str) -> SchemaPostRunScenariosMode:
    if value in SCHEMA_POST_RUN_SCENARIOS_MODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SCHEMA_POST_RUN_SCENARIOS_MODE_VALUES!r}"
    )
