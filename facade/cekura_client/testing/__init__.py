"""Test helpers shipped with the client: realistic payloads and an embedded mock server."""

from . import payloads
from .server import (
    DEFAULT_MOCK_API_KEY,
    MockCekuraServer,
    MockResponse,
    RecordedRequest,
    StartedResult,
)

__all__ = [
    "DEFAULT_MOCK_API_KEY",
    "MockCekuraServer",
    "MockResponse",
    "RecordedRequest",
    "StartedResult",
    "payloads",
]
