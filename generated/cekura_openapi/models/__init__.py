"""Contains all the data models used in inputs/outputs"""

from .end_calls_3_response_404 import EndCalls3Response404
from .paginated_result_list import PaginatedResultList
from .result import Result
from .result_detail_v2 import ResultDetailV2
from .result_detail_v2_runs import ResultDetailV2Runs
from .result_detail_v2_status import ResultDetailV2Status
from .result_runs import ResultRuns
from .result_scenarios import ResultScenarios
from .result_status import ResultStatus
from .results_retrieve_response_404 import ResultsRetrieveResponse404
from .results_v1_retrieve_response_404 import ResultsV1RetrieveResponse404
from .scenarios_run_text_3_response_201 import ScenariosRunText3Response201
from .scenarios_run_text_3_response_201_runs_item import (
    ScenariosRunText3Response201RunsItem,
)
from .scenarios_run_text_3_response_201_runs_item_status import (
    ScenariosRunText3Response201RunsItemStatus,
)
from .scenarios_run_text_3_response_201_runs_item_test_profile_data_type_0 import (
    ScenariosRunText3Response201RunsItemTestProfileDataType0,
)
from .scenarios_run_text_3_response_201_status import ScenariosRunText3Response201Status
from .scenarios_run_text_3_response_400 import ScenariosRunText3Response400
from .scenarios_run_voice_3_response_201 import ScenariosRunVoice3Response201
from .scenarios_run_voice_3_response_201_runs_item import (
    ScenariosRunVoice3Response201RunsItem,
)
from .scenarios_run_voice_3_response_201_runs_item_status import (
    ScenariosRunVoice3Response201RunsItemStatus,
)
from .scenarios_run_voice_3_response_201_runs_item_test_profile_data_type_0 import (
    ScenariosRunVoice3Response201RunsItemTestProfileDataType0,
)
from .scenarios_run_voice_3_response_201_status import (
    ScenariosRunVoice3Response201Status,
)
from .scenarios_run_voice_3_response_400 import ScenariosRunVoice3Response400
from .schema_post_run_scenarios import SchemaPostRunScenarios
from .schema_post_run_scenarios_mode import SchemaPostRunScenariosMode
from .schema_post_run_scenarios_text import SchemaPostRunScenariosText
from .schema_post_run_scenarios_text_websocket_headers import (
    SchemaPostRunScenariosTextWebsocketHeaders,
)

__all__ = (
    "EndCalls3Response404",
    "PaginatedResultList",
    "Result",
    "ResultDetailV2",
    "ResultDetailV2Runs",
    "ResultDetailV2Status",
    "ResultRuns",
    "ResultScenarios",
    "ResultStatus",
    "ResultsRetrieveResponse404",
    "ResultsV1RetrieveResponse404",
    "ScenariosRunText3Response201",
    "ScenariosRunText3Response201RunsItem",
    "ScenariosRunText3Response201RunsItemStatus",
    "ScenariosRunText3Response201RunsItemTestProfileDataType0",
    "ScenariosRunText3Response201Status",
    "ScenariosRunText3Response400",
    "ScenariosRunVoice3Response201",
    "ScenariosRunVoice3Response201RunsItem",
    "ScenariosRunVoice3Response201RunsItemStatus",
    "ScenariosRunVoice3Response201RunsItemTestProfileDataType0",
    "ScenariosRunVoice3Response201Status",
    "ScenariosRunVoice3Response400",
    "SchemaPostRunScenarios",
    "SchemaPostRunScenariosMode",
    "SchemaPostRunScenariosText",
    "SchemaPostRunScenariosTextWebsocketHeaders",
)
