"""Contains all the data models used in inputs/outputs"""

from .result_detail_v2 import ResultDetailV2
from .result_detail_v2_runs import ResultDetailV2Runs
from .result_detail_v2_status import ResultDetailV2Status
from .results_retrieve_response_404 import ResultsRetrieveResponse404

__all__ = (
    "ResultDetailV2",
    "ResultDetailV2Runs",
    "ResultDetailV2Status",
    "ResultsRetrieveResponse404",
)
