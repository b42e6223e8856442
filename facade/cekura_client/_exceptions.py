"""The facade's error types. Every error the facade raises is a :class:`CekuraError`.

The hierarchy follows openai-python's, which users of generated SDKs already know::

    CekuraError
    ├── APIError                      (something went wrong talking to the API)
    │   ├── APIConnectionError        (no usable response: DNS, refused, reset, ...)
    │   │   └── APITimeoutError
    │   ├── APIStatusError            (the server answered 4xx/5xx)
    │   │   ├── BadRequestError       400 (and 422)
    │   │   ├── AuthenticationError   401
    │   │   ├── PermissionDeniedError 403
    │   │   ├── NotFoundError         404
    │   │   ├── RateLimitError        429
    │   │   └── ServerError           5xx
    │   ├── ResponseValidationError   (a 2xx body that does not fit the model)
    │   ├── ResponseTooLargeError     (the body passed max_response_bytes while streaming)
    │   └── ResponseDecodingError     (the body is not what its Content-Encoding says)
    ├── WaitTimeoutError              (also TimeoutError: results.wait passed its deadline)
    ├── GetManyError                  (get_many(...).raise_for_errors(): some fetches failed)
    ├── MissingOperationError         (also LookupError: the generated client lacks an operation)
    ├── WebhookError                  (receiving webhooks)
    │   ├── WebhookVerificationError  (missing or wrong secret)
    │   └── WebhookPayloadError       (also ValueError: the body is not a Cekura event)
    ├── MissingAPIKeyError            (also ValueError: no key given or in CEKURA_API_KEY)
    │   └── InvalidAPIKeyError        (the key has control or non-ASCII characters)
    ├── InsecureTransportError        (also ValueError: the key would travel in cleartext)
    └── InvalidRequestError           (also ValueError: an argument refused before sending)

No message, repr or attribute of these errors carries the API key: URLs are stored without user
info and with secret-looking query parameters redacted, and request headers are never stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ._text import safe_repr, short_text

if TYPE_CHECKING:
    from .types.result import Result

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CekuraError",
    "GetManyError",
    "InsecureTransportError",
    "InvalidAPIKeyError",
    "InvalidRequestError",
    "MissingAPIKeyError",
    "MissingOperationError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseDecodingError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "ServerError",
    "WaitTimeoutError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookVerificationError",
    "detail_of",
]

_SECRET_QUERY_WORDS = ("key", "token", "secret", "password", "signature", "auth")


def redact_url(url: httpx.URL | str) -> str:
    """Render ``url`` without user info and with secret-looking query values replaced (a URL
    that does not parse, e.g. a server's ``Location``, is shown as ``<invalid URL>``)."""
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
    except (httpx.InvalidURL, ValueError, TypeError):
        return "<invalid URL>"
    if parsed.userinfo:
        parsed = parsed.copy_with(username=None, password=None)
    if parsed.query:
        params = [
            (name, "REDACTED" if any(w in name.lower() for w in _SECRET_QUERY_WORDS) else value)
            for name, value in parsed.params.multi_items()
        ]
        parsed = parsed.copy_with(params=params)
    return str(parsed)


def describe_request(request: httpx.Request) -> str:
    """``GET https://…/results/9/``, as error messages name a request (no secrets, escaped)."""
    return f"{request.method} {short_text(redact_url(request.url), 200)}"


_SECRET_HEADERS = ("authorization", "proxy-authorization", "cookie")


def masked_request(request: httpx.Request) -> httpx.Request:
    """A copy of ``request`` whose credential headers (``X-CEKURA-API-KEY``, ``Authorization``,
    cookies, any name with key, token or secret in it) read ``REDACTED``."""
    headers = [
        (
            name,
            "REDACTED"
            if name.lower() in _SECRET_HEADERS
            or any(word in name.lower() for word in _SECRET_QUERY_WORDS)
            else value,
        )
        for name, value in request.headers.multi_items()
    ]
    try:
        content: bytes | None = request.content
    except httpx.RequestNotRead:  # a streamed body was sent and is gone: keep none
        content = None
    return httpx.Request(
        request.method, request.url, headers=headers, content=content, extensions={}
    )


class CekuraError(Exception):
    """Root of every error raised by ``cekura_client``."""


class MissingAPIKeyError(CekuraError, ValueError):
    """No API key was given and ``CEKURA_API_KEY`` is not set."""


class InvalidAPIKeyError(MissingAPIKeyError):
    """The API key cannot be sent in a header (a control or non-ASCII character). The message
    says where, never what the key is."""


class InsecureTransportError(CekuraError, ValueError):
    """The base URL (or a proxy) would expose the API key (plain http off loopback), or the base
    URL is not usable (credentials, query or fragment in it). ``host`` is the host at fault."""

    def __init__(self, message: str, *, host: str | None = None) -> None:
        super().__init__(message)
        self.host = host


class InvalidRequestError(CekuraError, ValueError):
    """An argument was refused before any request was sent (e.g. a result ID that is not a
    positive integer)."""


class APIError(CekuraError):
    """An error while talking to the Cekura API. ``method`` and ``url`` name the request."""

    method: str | None
    url: str | None

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.method = None
        self.url = None
        if request is not None:
            self.set_request(request)

    def set_request(self, request: httpx.Request) -> None:
        """Record the request's method and URL (without secrets)."""
        self.method = request.method
        self.url = redact_url(request.url)

    def _end_with(self, note: str) -> None:
        """Add ``note`` to the end of the message (once)."""
        if note and not self.message.endswith(note):
            self.message += ("" if self.message.endswith((".", ")")) else ".") + note
            self.args = (self.message, *self.args[1:])


class APIConnectionError(APIError):
    """The request did not get a usable HTTP response (refused, reset, DNS, protocol error).

    ``reason`` is the cause as the network stack gave it (``ConnectError: [Errno 111]
    Connection refused``); ``connect_failed`` is True when no connection could be opened at all
    (refused, DNS, TLS handshake), as opposed to one lost or timed out after opening."""

    reason: str | None
    connect_failed: bool

    def __init__(
        self, message: str = "Connection error.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)
        self.reason = None
        self.connect_failed = False


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool timeout)."""

    def __init__(
        self, message: str = "Request timed out.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)


def detail_of(body: Any) -> str | None:
    """The server's ``detail`` message in an error body, if it sent one."""
    if isinstance(body, dict):
        detail = body.get("detail")
        if isinstance(detail, str):
            return detail
    return None


class APIStatusError(APIError):
    """The API answered with a 4xx or 5xx status.

    Attributes: ``status_code``; ``body`` (the decoded JSON, or the text when it is not JSON);
    ``detail`` (the server's ``detail`` message when it sent one); ``response``; ``method`` and
    ``url`` of the request (without secrets).
    """

    status_code: int

    def __init__(self, message: str, *, response: httpx.Response, body: Any) -> None:
        super().__init__(message, request=response.request)
        # Users log error objects: the response keeps a copy of its request with every
        # credential header masked, so exc.response.request.headers cannot leak the key.
        response.request = masked_request(response.request)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.detail = detail_of(body)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code}, message={self.message!r})"


class BadRequestError(APIStatusError):
    """400 (and 422): the server refused the request as malformed."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the API key may not access this resource."""


class NotFoundError(APIStatusError):
    """404: no such object (``detail`` carries the server's message, e.g. "Not found.")."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` is the server's wait in seconds, if it sent one."""

    def __init__(
        self, message: str, *, response: httpx.Response, body: Any, retry_after: float | None
    ) -> None:
        super().__init__(message, response=response, body=body)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """5xx: the server failed (after the transport's retries were used up)."""


class ResponseValidationError(APIError):
    """A successful response whose body does not fit the model.

    ``path`` names the field (e.g. ``runs["86368"].evaluation.metrics[0].score``), ``expected``
    what the facade accepts there, ``value_type`` the JSON type that was received.
    """

    def __init__(
        self,
        *,
        path: str,
        expected: str,
        value: Any,
        request: httpx.Request | None = None,
    ) -> None:
        self.path = path
        self.expected = expected
        self.value_type = json_type_name(value)
        shown = _short_repr(value)
        where = path or "response body"
        super().__init__(
            f"{where}: expected {expected}, got {self.value_type} {shown}", request=request
        )


class ResponseTooLargeError(APIError):
    """The response body passed ``max_response_bytes`` (decoded); it was not read further.
    ``limit`` is the cap in bytes, ``status_code`` the status of that response."""

    def __init__(
        self,
        message: str,
        *,
        limit: int,
        request: httpx.Request | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message, request=request)
        self.limit = limit
        self.status_code = status_code


class ResponseDecodingError(APIError):
    """The response body could not be decoded: it is not what its ``Content-Encoding`` says,
    or uses an encoding the client did not ask for. ``status_code`` is that response's status."""

    def __init__(
        self, message: str, *, request: httpx.Request | None = None, status_code: int | None = None
    ) -> None:
        super().__init__(message, request=request)
        self.status_code = status_code


def json_type_name(value: Any) -> str:
    """The JSON name of a decoded value's type (``null``, ``boolean``, ``string`` ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _short_repr(value: Any, limit: int = 60) -> str:
    if isinstance(value, (dict, list)):
        return f"of length {len(value)}"
    return safe_repr(value, limit)


class GetManyError(CekuraError):
    """Raised by :meth:`ManyResults.raise_for_errors`; ``errors`` maps each ID that failed to
    its error and ``results`` holds the results that were fetched."""

    def __init__(self, errors: dict[int | str, CekuraError], results: list[Result]) -> None:
        self.errors = errors
        self.results = results
        detail = "; ".join(f"{i}: {type(e).__name__}: {e}" for i, e in errors.items())
        total = len(errors) + len(results)
        super().__init__(f"{len(errors)} of {total} results could not be fetched: {detail}")


class WaitTimeoutError(CekuraError, TimeoutError):
    """``results.wait`` reached its deadline. ``last_result`` is the last Result fetched (None
    if no poll succeeded); ``last_error`` the last transient error, if any."""

    def __init__(
        self,
        message: str,
        *,
        last_result: Result | None,
        last_error: CekuraError | None = None,
    ) -> None:
        super().__init__(message)
        self.last_result = last_result
        self.last_error = last_error


class MissingOperationError(CekuraError, LookupError):
    """The generated client has no operation the facade needs (regenerate from a spec that has
    it)."""


class WebhookError(CekuraError):
    """Root of the webhook errors."""


class WebhookVerificationError(WebhookError):
    """The request does not carry the configured secret: answer 401 and ignore it."""


class WebhookPayloadError(WebhookError, ValueError):
    """The body is not a Cekura event. ``path`` names the field when one is at fault."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path
