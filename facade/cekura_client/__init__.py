"""cekura_client: a typed client for Cekura test results.

>>> from cekura_client import Cekura
>>> client = Cekura()                    # CEKURA_API_KEY, CEKURA_API_URL
>>> result = client.results.get(123)
>>> result.status == "completed", result.total_runs_count, [r.id for r in result.failed_runs]

The low-level generated client is ``cekura_openapi``; ``client.openapi`` is an instance of it
that shares this client's transport.
"""

from ._auth import APIKeyAuth
from ._client import AsyncCekura, Cekura
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CekuraError,
    GetManyError,
    InsecureTransportError,
    InvalidAPIKeyError,
    InvalidRequestError,
    MissingAPIKeyError,
    MissingOperationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodingError,
    ResponseTooLargeError,
    ResponseValidationError,
    ServerError,
    WaitTimeoutError,
    WebhookError,
    WebhookPayloadError,
    WebhookVerificationError,
)
from ._retry import RetryPolicy
from ._transport import AsyncRetryTransport, RetryTransport
from ._version import __version__
from .resources._many import Fetched, ManyResults
from .types import (
    TERMINAL_STATUSES,
    AggregateMetric,
    AISummary,
    CriticalCategory,
    ExpectedOutcome,
    FailedReason,
    FailedReasons,
    MetricScore,
    MetricSummary,
    NextStep,
    OutcomeAlignment,
    OverallEvaluation,
    Result,
    ResultStatus,
    Run,
    RunSettings,
    ScenarioRef,
    TranscriptTurn,
)

__all__ = [
    "TERMINAL_STATUSES",
    "AISummary",
    "APIConnectionError",
    "APIError",
    "APIKeyAuth",
    "APIStatusError",
    "APITimeoutError",
    "AggregateMetric",
    "AsyncCekura",
    "AsyncRetryTransport",
    "AuthenticationError",
    "BadRequestError",
    "Cekura",
    "CekuraError",
    "CriticalCategory",
    "ExpectedOutcome",
    "FailedReason",
    "FailedReasons",
    "Fetched",
    "GetManyError",
    "InsecureTransportError",
    "InvalidAPIKeyError",
    "InvalidRequestError",
    "ManyResults",
    "MetricScore",
    "MetricSummary",
    "MissingAPIKeyError",
    "MissingOperationError",
    "NextStep",
    "NotFoundError",
    "OutcomeAlignment",
    "OverallEvaluation",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseDecodingError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "Result",
    "ResultStatus",
    "RetryPolicy",
    "RetryTransport",
    "Run",
    "RunSettings",
    "ScenarioRef",
    "ServerError",
    "TranscriptTurn",
    "WaitTimeoutError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookVerificationError",
    "__version__",
]
