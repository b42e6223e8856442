"""The GitHub REST client the PR scripts share: token from $GITHUB_TOKEN, API from
$GITHUB_API_URL (GitHub Enterprise, or a fake API in the tests)."""

from __future__ import annotations

import os
import sys
from typing import Final

import httpx

__all__ = ["DEFAULT_API", "github_client"]

DEFAULT_API: Final = "https://api.github.com"


def github_client(prog: str) -> httpx.Client | None:
    """An authenticated client, or None (after saying why on stderr) when no token is set."""
    token = os.environ.get("GITHUB_TOKEN")
    if not token:
        print(f"{prog}: GITHUB_TOKEN is not set", file=sys.stderr)
        return None
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    api = os.environ.get("GITHUB_API_URL", DEFAULT_API)
    return httpx.Client(base_url=api, headers=headers, timeout=30)
