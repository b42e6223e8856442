"""API-key authentication for every request the client sends."""

from __future__ import annotations

from collections.abc import Generator
from typing import Final

import httpx

__all__ = ["API_KEY_HEADER", "APIKeyAuth"]

API_KEY_HEADER: Final = "X-CEKURA-API-KEY"


class APIKeyAuth(httpx.Auth):
    """Adds ``X-CEKURA-API-KEY`` to each request it is given; its repr never shows the key.

    Being an ``httpx.Auth`` (not a default header), the key is set on the request itself and is
    not copied onto a redirect to another host.
    """

    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[API_KEY_HEADER] = self._api_key
        yield request

    def __repr__(self) -> str:
        return "APIKeyAuth(api_key='***')"
