"""Client configuration: the settings a client is built with, resolved and checked once
(API key, base URL and its safety, timeouts, retries, headers)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any, Final, TypeVar

import attrs
import httpx

from cekura_openapi import AuthenticatedClient

from ._auth import APIKeyAuth
from ._body import ACCEPT_ENCODING, DEFAULT_MAX_RESPONSE_BYTES
from ._exceptions import (
    InsecureTransportError,
    InvalidAPIKeyError,
    InvalidRequestError,
    MissingAPIKeyError,
)
from ._network import AsyncNetworkTransport, NetworkTransport
from ._proxy import ProxyTypes, is_loopback, proxy_for
from ._retry import RetryPolicy
from ._text import safe_repr, short_text
from ._version import __version__

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOTAL_TIMEOUT",
    "NOT_GIVEN",
    "ClientConfig",
    "NotGiven",
    "RequestTimeout",
    "TimeoutTypes",
    "check_api_key",
    "check_base_url",
    "check_seconds",
    "check_timeout",
    "is_loopback",
]

_C = TypeVar("_C", httpx.Client, httpx.AsyncClient)

DEFAULT_BASE_URL: Final = "https://api.cekura.ai"
DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
#: The whole-call deadline when ``timeout`` is an ``httpx.Timeout`` (a float timeout is itself
#: the whole-call deadline).
DEFAULT_TOTAL_TIMEOUT: Final = 300.0
DEFAULT_MAX_RETRIES: Final = 2
#: Timeouts above this (about 116 days) are refused: sockets cannot wait that long.
MAX_TIMEOUT: Final = 1e7
MAX_RETRIES_LIMIT: Final = 100
API_KEY_ENV: Final = "CEKURA_API_KEY"
BASE_URL_ENV: Final = "CEKURA_API_URL"

TimeoutTypes = float | httpx.Timeout | None


class NotGiven:
    """The default of a method's ``timeout=``: the client's own timeout (None would mean no
    timeout at all). Our own sentinel: httpx's type for it is private."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()
#: A method's ``timeout=``: seconds, an ``httpx.Timeout``, None (none), or the client's own.
RequestTimeout = TimeoutTypes | NotGiven


def check_seconds(value: object, name: str, *, allow_none: bool = True) -> float | None:
    """A finite, positive number of seconds (at most MAX_TIMEOUT), or InvalidRequestError."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidRequestError(f"{name} must be a number of seconds, got {safe_repr(value)}")
    seconds = float(value)
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT):
        raise InvalidRequestError(
            f"{name} must be positive and finite (seconds, at most {MAX_TIMEOUT:g}), "
            f"got {safe_repr(value)}"
        )
    return seconds


def check_timeout(timeout: object, name: str = "timeout") -> httpx.Timeout:
    """``timeout`` as an httpx.Timeout whose every phase is None or a sane number of seconds."""
    if isinstance(timeout, httpx.Timeout):
        for phase in ("connect", "read", "write", "pool"):
            check_seconds(getattr(timeout, phase), f"{name}.{phase}")
        return timeout
    return httpx.Timeout(check_seconds(timeout, name))


def total_of(timeout: object, default: float | None) -> float | None:
    """The whole-call deadline a timeout stands for: a number is one; else ``default``."""
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        return float(timeout)
    return default


def check_headers(headers: object, name: str) -> dict[str, str]:
    """Headers that can be sent: str names and values, ASCII, no CR, LF or NUL; else
    InvalidRequestError naming the header (never its value)."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise InvalidRequestError(f"{name} must be a mapping of header names to values")
    checked: dict[str, str] = {}
    for key, value in headers.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise InvalidRequestError(f"{name}: header names and values must be str")
        if not (key.isascii() and key.isprintable() and key.strip() == key and key):
            raise InvalidRequestError(f"{name}: {safe_repr(key)} is not a header name")
        if not all(" " <= char <= "~" or char == "\t" for char in value):
            raise InvalidRequestError(
                f"{name}: the value of {key} has a control or non-ASCII character "
                "(the value is not shown)"
            )
        checked[key] = value
    return checked


def check_api_key(value: object) -> str:
    """The key without surrounding whitespace; InvalidAPIKeyError (never showing the key) when
    it cannot travel in an HTTP header."""
    if not isinstance(value, str):
        raise InvalidAPIKeyError(f"The API key must be a str, got {type(value).__name__}.")
    key = value.strip()
    if not key:
        raise MissingAPIKeyError(
            f"The API key is empty: pass api_key=... or set the {API_KEY_ENV} environment variable."
        )
    for position, char in enumerate(key):
        if not " " <= char <= "~":
            kind = (
                "a control character"
                if char.isascii() or not char.isprintable()
                else ("a non-ASCII character")
            )
            raise InvalidAPIKeyError(
                f"The API key contains {kind} at position {position} (of {len(key)}); an API "
                "key is printable ASCII. Check how it was copied or read (the key is not shown)."
            )
    return key


def parse_base_url(value: str | httpx.URL) -> httpx.URL:
    """The base URL, refused when it does not parse or carries what a base URL must not:
    credentials (shown nowhere), a query string or a fragment."""
    try:
        url = httpx.URL(str(value))
        if url.port is not None and not 0 < url.port < 65536:
            raise ValueError("port out of range")
    except (httpx.InvalidURL, ValueError, TypeError):
        raise InvalidRequestError(
            "base_url is not a valid URL (expected e.g. https://api.cekura.ai)"
        ) from None
    if url.scheme not in ("http", "https") or not url.host:
        # "127.0.0.1:8765" and "api.cekura.ai" parse, as a scheme or a path: say what is
        # wrong and show the value, unless it may hold credentials.
        text = str(value)
        shown = "" if "@" in text else f": {safe_repr(text, 100)}"
        host = text.split("/", maxsplit=1)[0].rsplit(":", 1)[0]
        scheme = "http" if is_loopback(host.strip("[]")) else "https"
        hint = "" if "://" in text or "@" in text else f" (did you mean {scheme}://{text}?)"
        raise InvalidRequestError(
            f"base_url is not an absolute http(s) URL{shown}; expected e.g. "
            f"{DEFAULT_BASE_URL}{hint}"
        )
    if url.userinfo:
        raise InsecureTransportError(
            "base_url must not contain credentials (user:password@); the API key is the only "
            "credential, passed as api_key= or CEKURA_API_KEY. The URL is not shown.",
            host=url.host,
        )
    if url.query or url.fragment or "?" in str(value) or "#" in str(value):
        raise InvalidRequestError(
            "base_url must not have a query string or a fragment (a base URL ends at its path, "
            f"e.g. {DEFAULT_BASE_URL})"
        )
    return url


@attrs.frozen(kw_only=True)
class ClientConfig:
    """Resolved settings of a client. ``api_key`` is excluded from the repr.

    ``timeout`` holds the per-phase timeouts (connect, each read, each write, pool);
    ``total_timeout`` bounds each call from start to finish, retries included (None: unbounded).
    """

    api_key: str = attrs.field(repr=False)
    base_url: httpx.URL
    timeout: httpx.Timeout
    total_timeout: float | None
    retry_policy: RetryPolicy
    headers: Mapping[str, str]
    max_response_bytes: int
    proxy: httpx.Proxy | None
    trust_env: bool

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
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        proxy: ProxyTypes | None = None,
        trust_env: bool = True,
    ) -> ClientConfig:
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
        if key is None or (isinstance(key, str) and not key.strip()):
            raise MissingAPIKeyError(
                f"No API key: pass api_key=... or set the {API_KEY_ENV} environment variable."
            )
        key = check_api_key(key)
        url = parse_base_url(base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL)
        check_base_url(url, allow_insecure_http=allow_insecure_http)
        if (
            isinstance(max_retries, bool)
            or not isinstance(max_retries, int)
            or not 0 <= max_retries <= MAX_RETRIES_LIMIT
        ):
            raise InvalidRequestError(
                f"max_retries must be an integer from 0 to {MAX_RETRIES_LIMIT}, "
                f"got {safe_repr(max_retries)}"
            )
        if (
            isinstance(max_response_bytes, bool)
            or not isinstance(max_response_bytes, int)
            or max_response_bytes <= 0
        ):
            raise InvalidRequestError(
                "max_response_bytes must be a positive integer, "
                f"got {safe_repr(max_response_bytes)}"
            )
        per_phase = check_timeout(timeout)
        total = total_of(timeout, check_seconds(total_timeout, "total_timeout"))
        headers = {
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": f"cekura-results-client/{__version__} httpx/{httpx.__version__}",
            **check_headers(default_headers, "default_headers"),
        }
        return cls(
            api_key=key,
            base_url=url.copy_with(path=url.path.rstrip("/") + "/"),
            timeout=per_phase,
            total_timeout=total,
            retry_policy=RetryPolicy(max_retries=max_retries),
            headers=headers,
            max_response_bytes=max_response_bytes,
            proxy=proxy_for(
                url, proxy, trust_env=trust_env, allow_insecure_http=allow_insecure_http
            ),
            trust_env=trust_env,
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

    def http_transport(self) -> NetworkTransport:
        """The network transport this client sends through (its proxy, the deadline backend)."""
        return NetworkTransport(proxy=self.proxy, trust_env=self.trust_env)

    def async_http_transport(self) -> AsyncNetworkTransport:
        return AsyncNetworkTransport(proxy=self.proxy, trust_env=self.trust_env)

    def caller_client(self, client: _C, kind: type[_C]) -> _C:
        """A caller's ``http_client``, checked to be of the kind this client sends with. (It picks
        its proxy itself: httpx offers no public way to read which, so it is not checked.)"""
        if not isinstance(client, kind):
            twin = "Cekura" if kind is httpx.Client else "AsyncCekura"
            raise InvalidRequestError(
                f"http_client must be an httpx.{kind.__name__} for {twin}, "
                f"got {type(client).__module__}.{type(client).__qualname__}"
            )
        return client

    def openapi_client(self) -> AuthenticatedClient:
        """The generated low-level client, to be handed the shared httpx client. Auth is done by
        that httpx client (APIKeyAuth), so the generated client's own token stays empty."""
        return AuthenticatedClient(base_url=str(self.base_url), token="")


def check_base_url(url: httpx.URL, *, allow_insecure_http: bool) -> None:
    """Refuse URLs the key must not be sent to: plain http off loopback (parse_base_url has
    refused every URL that is not http(s))."""
    if url.scheme == "http" and not is_loopback(url.host) and not allow_insecure_http:
        raise InsecureTransportError(
            f"Refusing to send the API key over plain http to {short_text(url.host, 100)}; "
            "use https, or pass allow_insecure_http=True if you really mean it.",
            host=url.host,
        )
