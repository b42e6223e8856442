"""The GitHub REST client the PR scripts share: token from $GITHUB_TOKEN, API from
$GITHUB_API_URL (GitHub Enterprise, or a fake API in the tests)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any, Final

import httpx

__all__ = ["DEFAULT_API", "Identity", "github_client", "graphql_url", "token_identity"]

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


@dataclass(frozen=True)
class Identity:
    """The account a token acts as: its login and numeric ID (None when not known)."""

    login: str
    id: int | None

    def wrote(self, comment: dict[str, Any]) -> bool:
        """Whether ``comment`` (a REST issue comment) is this account's."""
        user = comment.get("user")
        if not isinstance(user, dict):
            return False
        if self.id is not None and isinstance(user.get("id"), int):
            return bool(user["id"] == self.id)
        login = user.get("login")
        # an app's installation token: GraphQL says "app", comments say "app[bot]"
        return isinstance(login, str) and login in {self.login, f"{self.login}[bot]"}


def graphql_url(api: str) -> str:
    """The GraphQL endpoint on the same host as the REST ``api``: ``https://api.github.com``
    -> ``/graphql``; GitHub Enterprise ``https://HOST/api/v3`` -> ``https://HOST/api/graphql``."""
    base = api.rstrip("/")
    if base.endswith("/api/v3"):
        return base.removesuffix("/v3") + "/graphql"
    return base + "/graphql"


def _identity(login: object, number: object) -> Identity | None:
    if not isinstance(login, str) or not login:
        return None
    return Identity(login, number if isinstance(number, int) and number > 0 else None)


def token_identity(client: httpx.Client) -> Identity | None:
    """The token's own account: ``GET /user``; for installation tokens (403 there) the GraphQL
    ``viewer``; None when neither answers."""
    try:
        response = client.get("/user")
        if response.status_code == 200:
            data = response.json()
            if isinstance(data, dict) and (found := _identity(data.get("login"), data.get("id"))):
                return found
    except (httpx.HTTPError, ValueError):
        pass
    try:
        response = client.post(
            graphql_url(str(client.base_url)),
            json={"query": "query { viewer { login databaseId } }"},
        )
        if response.status_code == 200:
            data = response.json()
            viewer = (
                ((data.get("data") or {}).get("viewer") or {}) if isinstance(data, dict) else {}
            )
            if isinstance(viewer, dict):
                return _identity(viewer.get("login"), viewer.get("databaseId"))
    except (httpx.HTTPError, ValueError, AttributeError):
        pass
    return None
