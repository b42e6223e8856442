"""Client configuration: the settings a client is built with, resolved and checked once
(API key, base URL and its safety, timeouts, retries, headers)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import Any, Final

import attrs
import httpx

from cekura_openapi import AuthenticatedClient

from ._auth import APIKeyAuth
from ._exceptions import InsecureTransportError, MissingAPIKeyError
from ._retry import RetryPolicy
from ._version import __version__

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ClientConfig",
    "TimeoutTypes",
    "check_base_url",
    "is_loopback",
]

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
