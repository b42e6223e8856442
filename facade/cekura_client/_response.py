"""Response handling: a response becomes a parsed model or the facade's typed error; a
transport failure becomes an :class:`APIConnectionError`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, Protocol, TypeVar

import httpx

from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    detail_of,
    redact_url,
)
from ._retry import parse_retry_after

__all__ = ["Model", "connection_error", "decode_body", "parse_response", "status_error"]

M_co = TypeVar("M_co", covariant=True)
M = TypeVar("M")


class Model(Protocol[M_co]):
    """What a resource hands the request path to parse a 2xx body with (a model class)."""

    def from_dict(self, data: Any) -> M_co: ...


def decode_body(response: httpx.Response) -> Any:
    """The response body as JSON, else as text (for error bodies)."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text


_STATUS_ERRORS: Final[Mapping[int, type[APIStatusError]]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: BadRequestError,
}


def status_error(response: httpx.Response) -> APIStatusError:
    """The typed error for a 4xx/5xx response."""
    body = decode_body(response)
    detail = detail_of(body)
    if detail is None:
        text = body if isinstance(body, str) else json.dumps(body)
        detail = text[:200] if text else response.reason_phrase
    code = response.status_code
    if response.is_redirect:
        location = redact_url(response.headers.get("location", ""))
        detail = f"redirect to {location} not followed (the API key is never sent elsewhere)"
    message = f"{code} {response.reason_phrase}: {detail}"
    if code == 429:
        return RateLimitError(
            message, response=response, body=body, retry_after=parse_retry_after(response.headers)
        )
    if code >= 500:
        return ServerError(message, response=response, body=body)
    return _STATUS_ERRORS.get(code, APIStatusError)(message, response=response, body=body)


def connection_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out ({type(exc).__name__}).", request=request)
    return APIConnectionError(f"Connection error ({type(exc).__name__}).", request=request)


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a 2xx response, or ResponseValidationError saying what came instead."""
    if not response.is_success:
        raise status_error(response)
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        content_type = response.headers.get("content-type", "no content type")
        raise ResponseValidationError(
            path="",
            expected=f"a JSON object (content type: {content_type})",
            value=response.text,
            request=response.request,
        ) from None
    if not isinstance(body, dict):
        raise ResponseValidationError(
            path="", expected="a JSON object", value=body, request=response.request
        )
    return body


def parse_response(response: httpx.Response, model: Model[M]) -> M:
    """The model built from a 2xx JSON object, else the typed error; errors name the request."""
    try:
        return model.from_dict(json_object(response))
    except ResponseValidationError as exc:
        exc.set_request(response.request)
        raise
