"""Response handling: a response becomes a parsed model or the facade's typed error; a
transport failure becomes an :class:`APIConnectionError`."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Final, Protocol, TypeVar

import httpx

from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CekuraError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    describe_request,
    detail_of,
    redact_url,
)
from ._retry import parse_retry_after
from ._text import short_text

__all__ = [
    "NO_CONTENT",
    "Model",
    "cause_text",
    "connection_error",
    "decode_body",
    "parse_response",
    "status_error",
]

M_co = TypeVar("M_co", covariant=True)
M = TypeVar("M")


class Model(Protocol[M_co]):
    """What a resource hands the request path to parse a 2xx body with (a model class, or a
    parser such as a page of a model)."""

    def from_json(self, data: bytes) -> M_co: ...

    def from_dict(self, data: Any) -> M_co: ...


class _NoContent:
    """The "model" of an operation whose success has no body worth reading (``end_calls``):
    whatever a 2xx carries is ignored, so a server that starts sending JSON breaks nothing."""

    def from_json(self, data: bytes) -> None:
        return None

    def from_dict(self, data: Any) -> None:
        return None


NO_CONTENT: Final = _NoContent()


class _BodyError(Exception):
    """Why a body is not usable JSON, in words fit for an error message. ``plain`` when it is
    simply not JSON (the content type and text then say enough)."""

    def __init__(self, message: str, *, plain: bool = False) -> None:
        super().__init__(message)
        self.plain = plain


def _load_json(response: httpx.Response) -> Any:
    """The body as JSON; _BodyError (never RecursionError or ValueError) when it is not."""
    try:
        return json.loads(response.content)
    except RecursionError:
        raise _BodyError("JSON nested too deeply to decode") from None
    except json.JSONDecodeError as exc:
        raise _BodyError(f"not JSON ({exc.msg} at position {exc.pos})", plain=True) from None
    except UnicodeDecodeError:
        raise _BodyError("not JSON (not UTF-8, UTF-16 or UTF-32 text)", plain=True) from None
    except ValueError as exc:  # e.g. an integer past Python's int/str digit limit
        raise _BodyError(f"JSON that cannot be decoded ({short_text(str(exc), 80)})") from None


def _text(response: httpx.Response) -> str:
    """The body as text, never raising (an unknown charset falls back to UTF-8)."""
    try:
        return response.text
    except (LookupError, ValueError):
        return response.content.decode("utf-8", errors="replace")


def decode_body(response: httpx.Response) -> Any:
    """The response body as JSON, else as text (for error bodies)."""
    try:
        return _load_json(response)
    except _BodyError:
        return _text(response)


def _dump(body: Any) -> str:
    try:
        return json.dumps(body)
    except (RecursionError, ValueError, TypeError):
        return f"<a JSON {type(body).__name__}>"


_STATUS_ERRORS: Final[Mapping[int, type[APIStatusError]]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: BadRequestError,
}


def status_error(response: httpx.Response, subject: str = "", note: str = "") -> APIStatusError:
    """The typed error for a 4xx/5xx response. ``subject`` names what was asked for (``result
    999``): a 404 says which, and at which URL, since a missing ID and a base URL with a wrong
    path prefix get the same "Not found." from the server. ``note`` ends the message."""
    body = decode_body(response)
    detail = detail_of(body)
    if detail is None:
        text = body if isinstance(body, str) else _dump(body)
        detail = text[:800] if text else response.reason_phrase
    code = response.status_code
    if response.is_redirect:
        location = short_text(redact_url(response.headers.get("location", "")), 200)
        detail = f"redirect to {location} not followed (the API key is never sent elsewhere)"
    message = f"{code} {short_text(response.reason_phrase, 60)}: {short_text(detail)}"
    if code == 404:
        what = f"no {subject} at " if subject else ""
        message += f" ({what}{describe_request(response.request)}; check the ID and the base URL)"
    if code == 429:
        error: APIStatusError = RateLimitError(
            message, response=response, body=body, retry_after=parse_retry_after(response.headers)
        )
    elif code >= 500:
        error = ServerError(message, response=response, body=body)
    else:
        error = _STATUS_ERRORS.get(code, APIStatusError)(message, response=response, body=body)
    error._end_with(note)
    return error


def connection_error(
    exc: httpx.TransportError, request: httpx.Request, *, secret: str = "", note: str = ""
) -> APIConnectionError:
    """The typed error for a request that got no usable response. Its one line names the cause
    as the network stack gave it (``[Errno 111] Connection refused``, a TLS or DNS failure) and
    the request, so a refused port, a wrong scheme and a typo in the host read differently.
    ``note`` ends the message."""
    cause = cause_text(exc, secret)
    where = f" for {describe_request(request)}.{note}"
    if isinstance(exc, httpx.TimeoutException):
        error: APIConnectionError = APITimeoutError(f"Request timed out ({cause}){where}")
    elif isinstance(exc, httpx.LocalProtocolError):
        error = APIConnectionError(
            f"The request could not be sent ({cause}: a header name or value is not valid "
            f"HTTP){where}"
        )
    elif isinstance(exc, httpx.ProxyError):
        error = APIConnectionError(f"The proxy refused or failed the connection ({cause}){where}")
    elif isinstance(exc, httpx.RemoteProtocolError):
        error = APIConnectionError(
            f"The server sent a response that is not valid HTTP ({cause}){where}"
        )
    else:
        error = APIConnectionError(f"Connection error ({cause}){where}")
    error.set_request(request)
    error.reason = cause
    error.connect_failed = isinstance(exc, httpx.ConnectError)
    return error


#: A key this short cannot be told from ordinary text ("k" is in "known"); real keys are longer.
_MIN_SCRUBBED = 8


def cause_text(exc: BaseException, secret: str) -> str:
    """``ConnectError: [Errno 111] Connection refused``: the class and what it says, escaped,
    short, and never the key (the transport's text should not hold it; this makes sure)."""
    try:
        text = str(exc)
    except Exception:  # a message that cannot be rendered says nothing useful
        text = ""
    root = _root_os_error(exc)
    if root is not None and root.errno is not None and root.errno > 0:
        # async transports say "All connection attempts failed"; the OS error under it says why
        why = os.strerror(root.errno)
        if why not in text:
            text = f"{text} ([Errno {root.errno}] {why})" if text else f"[Errno {root.errno}] {why}"
    if len(secret) >= _MIN_SCRUBBED:
        text = text.replace(secret, "***")
    name = type(exc).__name__
    return f"{name}: {short_text(text, 160)}" if text.strip() else name


def _root_os_error(exc: BaseException) -> OSError | None:
    """The deepest OSError with an errno in ``exc``'s chain (a few links at most)."""
    found = None
    node: BaseException | None = exc
    for _ in range(8):
        if node is None:
            break
        if isinstance(node, OSError) and node.errno is not None:
            found = node
        node = node.__cause__ or node.__context__
    return found


def json_object(response: httpx.Response, subject: str = "", note: str = "") -> dict[str, Any]:
    """The JSON object of a 2xx response, or ResponseValidationError saying what came instead."""
    if not response.is_success:
        raise status_error(response, subject, note)
    try:
        body = _load_json(response)
    except _BodyError as exc:
        content_type = short_text(response.headers.get("content-type", "no content type"), 60)
        why = "" if exc.plain else f"; the body is {exc}"
        raise ResponseValidationError(
            path="",
            expected=f"a JSON object (content type: {content_type}{why})",
            value=_text(response)[:200],
            request=response.request,
        ) from None
    if not isinstance(body, dict):
        raise ResponseValidationError(
            path="", expected="a JSON object", value=body, request=response.request
        )
    return body


def parse_response(
    response: httpx.Response, model: Model[M], subject: str = "", *, note: str = ""
) -> M:
    """The model built from a 2xx JSON object, else the typed error; errors name the request.

    The body's bytes go straight to the model's decoder (in C). Only when that refuses the body
    as a whole (not JSON, not an object) is it decoded again, for the message that says why."""
    try:
        if response.is_success:
            try:
                return model.from_json(response.content)
            except ResponseValidationError as exc:
                if exc.path:
                    raise
        return model.from_dict(json_object(response, subject, note))
    except ResponseValidationError as exc:
        exc.set_request(response.request)
        raise
    except CekuraError:
        raise
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        # A body that decoded but that the model cannot take without failing inside Python
        # (nesting deeper than the recursion limit, an integer past the digit limit).
        error = ResponseValidationError(
            path="",
            expected=f"a result the model can read ({type(exc).__name__} while reading it)",
            value=f"<{len(response.content)} bytes>",
            request=response.request,
        )
    raise error from None
