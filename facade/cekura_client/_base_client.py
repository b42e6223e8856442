"""What the sync and async clients share: configuration, and turning responses into values or
typed errors. Sending is the only thing each client does on its own."""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping
from typing import Any, Final

import attrs
import httpx

from cekura_openapi import AuthenticatedClient

from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InsecureTransportError,
    InvalidRequestError,
    MissingAPIKeyError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    redact_url,
)
from ._polling import Clock
from ._transport import APIKeyAuth, RetryPolicy, parse_retry_after
from ._version import __version__

DEFAULT_BASE_URL: Final = "https://api.cekura.ai"
DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES: Final = 2
API_KEY_ENV: Final = "CEKURA_API_KEY"
BASE_URL_ENV: Final = "CEKURA_API_URL"

TimeoutTypes = float | httpx.Timeout | None


@attrs.frozen(kw_only=True)
class ClientConfig:
    """Resolved settings of a client. ``api_key`` is excluded from the repr."""

    api_key: str = attrs.field(repr=False)
    base_url: httpx.URL
    timeout: httpx.Timeout
    retry_policy: RetryPolicy
    headers: Mapping[str, str]

    @classmethod
    def resolve(
        cls,
        *,
        api_key: str | None,
        base_url: str | httpx.URL | None,
        timeout: TimeoutTypes,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        allow_insecure_http: bool,
    ) -> ClientConfig:
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
        if not key:
            raise MissingAPIKeyError(
                f"No API key: pass api_key=... or set the {API_KEY_ENV} environment variable."
            )
        url = httpx.URL(str(base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL))
        check_base_url(url, allow_insecure_http=allow_insecure_http)
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        headers = {
            "Accept": "application/json",
            "User-Agent": f"cekura-results-client/{__version__} httpx/{httpx.__version__}",
            **(default_headers or {}),
        }
        return cls(
            api_key=key,
            base_url=url.copy_with(path=url.path.rstrip("/") + "/"),
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            retry_policy=RetryPolicy(max_retries=max_retries),
            headers=headers,
        )

    def httpx_options(self) -> dict[str, Any]:
        """Keyword arguments for the one httpx client (sync or async) a client sends through."""
        return {
            "base_url": self.base_url,
            "auth": APIKeyAuth(self.api_key),
            "headers": dict(self.headers),
            "timeout": self.timeout,
            "follow_redirects": False,
        }

    def openapi_client(self) -> AuthenticatedClient:
        """The generated low-level client, to be handed the shared httpx client. Auth is done by
        that httpx client (APIKeyAuth), so the generated client's own token stays empty."""
        return AuthenticatedClient(base_url=str(self.base_url), token="")


class BaseClient:
    """Configuration shared by :class:`Cekura` and :class:`AsyncCekura`."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | httpx.URL | None,
        timeout: TimeoutTypes,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        allow_insecure_http: bool,
    ) -> None:
        self._config = ClientConfig.resolve(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
        )
        self._clock = Clock()

    @property
    def base_url(self) -> httpx.URL:
        return self._config.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        return self._config.timeout

    @property
    def max_retries(self) -> int:
        return self._config.retry_policy.max_retries

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={str(self.base_url)!r}, "
            f"max_retries={self.max_retries})"
        )


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: httpx.URL, *, allow_insecure_http: bool) -> None:
    """Refuse URLs the key must not be sent to: not http(s), or plain http off loopback."""
    if url.scheme not in ("http", "https") or not url.host:
        raise InsecureTransportError(f"base_url must be an http(s) URL, got {url.scheme!r}")
    if url.scheme == "http" and not is_loopback(url.host) and not allow_insecure_http:
        raise InsecureTransportError(
            f"Refusing to send the API key over plain http to {url.host}; use https, "
            "or pass allow_insecure_http=True if you really mean it."
        )


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
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, str):
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


def check_id(value: Any, name: str) -> int:
    """A positive integer ID, or InvalidRequestError before any request is sent."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if type(value) is not int or value <= 0:
        raise InvalidRequestError(f"{name} must be a positive integer, got {value!r}")
    return value
