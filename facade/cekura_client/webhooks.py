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
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

import attrs

from ._exceptions import (
    ResponseValidationError,
    WebhookError,
    WebhookPayloadError,
    WebhookVerificationError,
)
from ._text import short_text
from .types._fields import to_int
from .types._model import fail
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

#: The header that carries the webhook secret Cekura was configured with.
SECRET_HEADER: Final = "X-CEKURA-SECRET"
#: The header of a pre-trigger event that names the attempt, so a retry is seen as one.
IDEMPOTENCY_HEADER: Final = "X-CEKURA-IDEMPOTENCY-KEY"


@attrs.frozen(kw_only=True)
class ResultCompletedEvent:
    """``result.completed``: the finished result as the same :class:`Result` the API returns."""

    event_type: str
    result: Result
    raw: Mapping[str, Any] = attrs.field(repr=False, eq=False)


@attrs.frozen(kw_only=True)
class PreTriggerEvent:
    """``result.pre_trigger``: a result about to start, its runs and the idempotency key."""

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


#: What :func:`parse_event` returns: one of the modelled events, or an :class:`UnknownEvent`.
WebhookEvent = ResultCompletedEvent | PreTriggerEvent | UnknownEvent


HeadersInput = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]] | None

#: The largest webhook body parse_event reads (as the API client's max_response_bytes).
MAX_WEBHOOK_BODY: Final = 64 * 1024 * 1024


def _text(value: object, what: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")  # how HTTP servers hand over raw header bytes
    raise WebhookError(f"{what} must be str or bytes, got {type(value).__name__}")


def _pairs(headers: HeadersInput) -> Iterator[tuple[str, str]]:
    if headers is None:
        return
    try:
        items = headers.items() if hasattr(headers, "items") else headers
        for item in items:
            name, value = item
            yield _text(name, "a header name"), _text(value, "a header value")
    except WebhookError:
        raise
    except (TypeError, ValueError):
        raise WebhookError(
            "headers must be a mapping or a list of (name, value) pairs of str or bytes"
        ) from None


def _header(headers: HeadersInput, name: str) -> str | None:
    """Case-insensitive header lookup on any mapping (dict, httpx/Starlette/Werkzeug headers),
    a list of (name, value) pairs (str or bytes, as ASGI gives them) or None. Objects with
    ``get`` and ``items`` (``email.message.Message`` from http.server) work too."""
    getter = getattr(headers, "get", None)
    if callable(getter):
        try:
            value = getter(name)
        except (TypeError, ValueError, KeyError):
            value = None
        if value is not None:
            return _text(value, "a header value")
    lowered = name.lower()
    for key, item in _pairs(headers):
        if key.lower() == lowered:
            return item
    return None


def _secret_bytes(value: str | bytes) -> bytes:
    # surrogatepass: a lone surrogate (from a broken decoder) compares as bytes, never raises
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else bytes(value)


def verify_secret(headers: HeadersInput, secret: str | bytes) -> None:
    """Raise WebhookVerificationError unless ``X-CEKURA-SECRET`` equals ``secret``
    (compared in constant time). An empty configured secret never verifies."""
    if not isinstance(secret, (str, bytes, bytearray)):
        raise WebhookVerificationError(
            f"the configured webhook secret must be str or bytes, got {type(secret).__name__}"
        )
    if not secret:
        raise WebhookVerificationError("no webhook secret is configured; refusing every request")
    received = _header(headers, SECRET_HEADER)
    if received is None:
        raise WebhookVerificationError(f"missing {SECRET_HEADER} header")
    expected = _secret_bytes(secret)
    candidates = [_secret_bytes(received)]
    if not received.isascii() and all(ord(char) < 256 for char in received):
        # servers that decode header bytes as latin-1 (http.server, WSGI) hand over this
        candidates.append(received.encode("latin-1"))
    matches = [hmac.compare_digest(candidate, expected) for candidate in candidates]
    if not any(matches):
        raise WebhookVerificationError(f"wrong {SECRET_HEADER} header")


def _decode(body: object) -> Any:
    if isinstance(body, (bytearray, memoryview)):
        body = bytes(body)
    if not isinstance(body, (bytes, str)):
        raise WebhookPayloadError(f"the body must be bytes or str, got {type(body).__name__}")
    if len(body) > MAX_WEBHOOK_BODY:
        raise WebhookPayloadError(f"the body is larger than {MAX_WEBHOOK_BODY} bytes")
    if isinstance(body, str) and body.startswith("\ufeff"):
        # One leading BOM, as json.loads skips in bytes (UTF-8, -16, -32): a str decoded from
        # such bytes with plain "utf-8" keeps it.
        body = body[1:]
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise WebhookPayloadError(f"the body is not JSON: {exc.msg}") from None
    except UnicodeDecodeError:
        raise WebhookPayloadError("the body is not JSON: it is not UTF-8 text") from None
    except RecursionError:
        raise WebhookPayloadError("the body is JSON nested too deeply to decode") from None
    except ValueError as exc:  # an integer past Python's int/str digit limit
        raise WebhookPayloadError(
            f"the body is JSON that cannot be decoded ({short_text(str(exc), 80)})"
        ) from None


def parse_event(body: bytes | str, headers: HeadersInput, *, secret: str | bytes) -> WebhookEvent:
    """Verify and parse one webhook request (the raw body, its headers, your secret).

    ``headers`` may be any mapping, a list of (name, value) pairs (str or bytes) or None;
    ``secret`` str or bytes. Every failure is a WebhookError."""
    verify_secret(headers, secret)
    decoded = _decode(body)
    if not isinstance(decoded, dict):
        raise WebhookPayloadError("the body is not a JSON object")
    event_type = decoded.get("event_type")
    if not isinstance(event_type, str) or not event_type:
        raise WebhookPayloadError("the body has no event_type string", path="event_type")
    data = decoded.get("data")
    error: WebhookPayloadError
    try:
        if event_type == "result.completed":
            return ResultCompletedEvent(
                event_type=event_type, result=Result.from_dict(data, path="data"), raw=decoded
            )
        if event_type == "result.pre_trigger":
            if not isinstance(data, dict):
                raise fail("data", "an object", data)
            return PreTriggerEvent(
                event_type=event_type,
                result_id=to_int(data.get("result_id"), "data.result_id"),
                runs=parse_runs(data.get("runs"), "data"),
                idempotency_key=_header(headers, IDEMPOTENCY_HEADER),
                raw=decoded,
            )
    except ResponseValidationError as exc:
        error = WebhookPayloadError(f"{exc}", path=exc.path)
    except WebhookError:
        raise
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        error = WebhookPayloadError(f"the event cannot be read ({type(exc).__name__})")
    else:
        return UnknownEvent(event_type=event_type, data=data, raw=decoded)
    raise error from None
