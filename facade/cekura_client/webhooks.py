"""Receiving Cekura's result webhooks, framework-free.

Cekura POSTs ``{"event_type": ..., "data": {...}}`` with the project's secret in the
``X-CEKURA-SECRET`` header. :func:`parse_event` checks the secret in constant time and returns a
typed event::

    event = parse_event(body_bytes, request.headers, secret=os.environ["CEKURA_WEBHOOK_SECRET"])
    if isinstance(event, ResultCompletedEvent):
        gate(event.result)

* ``result.completed`` -> :class:`ResultCompletedEvent` with the same :class:`Result` model that
  ``results.get`` returns (webhooks send ``scenario`` as an object; that works);
* ``result.pre_trigger`` -> :class:`PreTriggerEvent` with the result ID, its runs and the
  ``X-CEKURA-IDEMPOTENCY-KEY`` header, to de-duplicate retries;
* any other event type -> :class:`UnknownEvent` (not an error: Cekura adds events).

A missing or wrong secret raises :class:`WebhookVerificationError`; a body that is not a JSON
event raises :class:`WebhookPayloadError`. Neither message ever contains the secret.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any, Final

import attrs

from ._exceptions import CekuraError, ResponseValidationError
from .types._reader import Reader
from .types.result import Result, parse_runs
from .types.run import Run

__all__ = [
    "IDEMPOTENCY_HEADER",
    "SECRET_HEADER",
    "PreTriggerEvent",
    "ResultCompletedEvent",
    "UnknownEvent",
    "WebhookError",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookVerificationError",
    "parse_event",
    "verify_secret",
]

SECRET_HEADER: Final = "X-CEKURA-SECRET"
IDEMPOTENCY_HEADER: Final = "X-CEKURA-IDEMPOTENCY-KEY"


class WebhookError(CekuraError):
    """Root of the webhook errors."""


class WebhookVerificationError(WebhookError):
    """The request does not carry the configured secret: answer 401 and ignore it."""


class WebhookPayloadError(WebhookError, ValueError):
    """The body is not a Cekura event. ``path`` names the field when one is at fault."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


@attrs.frozen(kw_only=True)
class ResultCompletedEvent:
    event_type: str
    result: Result
    raw: Mapping[str, Any] = attrs.field(repr=False, eq=False)


@attrs.frozen(kw_only=True)
class PreTriggerEvent:
    event_type: str
    result_id: int
    runs: list[Run]
    idempotency_key: str | None
    raw: Mapping[str, Any] = attrs.field(repr=False, eq=False)


@attrs.frozen(kw_only=True)
class UnknownEvent:
    """An event type this version does not model; ``data`` as received."""

    event_type: str
    data: Any
    raw: Mapping[str, Any] = attrs.field(repr=False, eq=False)


WebhookEvent = ResultCompletedEvent | PreTriggerEvent | UnknownEvent


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup on any mapping (dict, httpx/Starlette/Werkzeug headers)."""
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, item in headers.items():
        if key.lower() == lowered:
            return item
    return None


def verify_secret(headers: Mapping[str, str], secret: str) -> None:
    """Raise WebhookVerificationError unless ``X-CEKURA-SECRET`` equals ``secret``
    (compared in constant time). An empty configured secret never verifies."""
    if not secret:
        raise WebhookVerificationError("no webhook secret is configured; refusing every request")
    received = _header(headers, SECRET_HEADER)
    if received is None:
        raise WebhookVerificationError(f"missing {SECRET_HEADER} header")
    if not hmac.compare_digest(received.encode("utf-8"), secret.encode("utf-8")):
        raise WebhookVerificationError(f"wrong {SECRET_HEADER} header")


def parse_event(body: bytes | str, headers: Mapping[str, str], *, secret: str) -> WebhookEvent:
    """Verify and parse one webhook request (the raw body, its headers, your secret)."""
    verify_secret(headers, secret)
    try:
        decoded = json.loads(body)
    except json.JSONDecodeError as exc:
        raise WebhookPayloadError(f"the body is not JSON: {exc.msg}") from None
    except UnicodeDecodeError:
        raise WebhookPayloadError("the body is not JSON: it is not UTF-8 text") from None
    if not isinstance(decoded, dict):
        raise WebhookPayloadError("the body is not a JSON object")
    event_type = decoded.get("event_type")
    if not isinstance(event_type, str) or not event_type:
        raise WebhookPayloadError("the body has no event_type string", path="event_type")
    data = decoded.get("data")
    try:
        if event_type == "result.completed":
            return ResultCompletedEvent(
                event_type=event_type, result=Result.from_dict(data, path="data"), raw=decoded
            )
        if event_type == "result.pre_trigger":
            reader = Reader(data, "data")
            result_id = reader.required_integer("result_id")
            return PreTriggerEvent(
                event_type=event_type,
                result_id=result_id,
                runs=parse_runs(reader.raw("runs"), "data"),
                idempotency_key=_header(headers, IDEMPOTENCY_HEADER),
                raw=decoded,
            )
    except ResponseValidationError as exc:
        raise WebhookPayloadError(f"{exc}", path=exc.path) from None
    return UnknownEvent(event_type=event_type, data=data, raw=decoded)
