"""The GitHub REST client behind ``cekura-results comment``: one sticky pull-request comment,
created once and edited in place on later runs.

Which comment is ours: the one whose first line is the marker (``<!-- cekura-results:comment -->``,
or ``<!-- cekura-results:comment:KEY -->`` with a key) AND whose author is the token's own
account, compared by the account's numeric ID. Anyone can write the marker into a comment, so
the marker alone proves nothing; the author is set by GitHub and cannot be forged. The token's
account comes from ``GET /user`` (a personal access token, classic or fine-grained, or an OAuth
or user-to-server token); an installation token (a workflow's ``GITHUB_TOKEN``, a GitHub App's
token) gets 403 there, and then comes from the GraphQL ``viewer`` on the same host, which names
the app's bot account (``github-actions[bot]``, ``my-app[bot]``) and its ID. When neither
answers, nothing is posted: a comment is never chosen by its marker alone.

The token goes only to the configured API (``GITHUB_API_URL``, default https://api.github.com):
requests are built from that base, a pagination link to any other origin is refused, redirects
are never followed, and plain http is refused off loopback. The token never appears in a message.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Literal

import httpx

from ._exceptions import CekuraError, redact_url
from ._proxy import is_loopback, proxy_for
from ._text import short_text

__all__ = [
    "COMMENT_LIMIT",
    "DEFAULT_API_URL",
    "GitHub",
    "GitHubError",
    "Identity",
    "Posted",
    "check_key",
    "comment_body",
    "marker",
]

DEFAULT_API_URL: Final = "https://api.github.com"
#: GitHub refuses a comment body longer than this many characters.
COMMENT_LIMIT: Final = 65_536
_MARKER_NAME: Final = "cekura-results:comment"
_KEY: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_PER_PAGE: Final = 100
_MAX_PAGES: Final = 1000  # 100,000 comments: a loop guard, not a limit anyone reaches
_RETRY_STATUSES: Final = frozenset({500, 502, 503, 504})
_INTEGRATION: Final = "resource not accessible by integration"


class GitHubError(Exception):
    """A request to GitHub failed; the message is one line and never holds the token.
    ``status`` is the HTTP status when GitHub answered (None otherwise)."""

    def __init__(
        self, message: str, *, status: int | None = None, rate_limited: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        self.rate_limited = rate_limited


@dataclass(frozen=True)
class Identity:
    """The account a token acts as: ``id`` is GitHub's numeric user ID (None only when the
    server did not say, and then the login is compared)."""

    login: str
    id: int | None


@dataclass(frozen=True)
class Posted:
    """What ``upsert_comment`` did: ``created``, ``updated``, or ``unchanged`` (the comment
    already had this body, so it was not edited)."""

    action: Literal["created", "updated", "unchanged"]
    id: int
    url: str


def check_key(key: str) -> str:
    """A ``--key``: 1-64 letters, digits, ``.``, ``_`` or ``-`` (it goes into an HTML comment)."""
    if not _KEY.fullmatch(key):
        raise ValueError(
            f"not a comment key (1-64 letters, digits, '.', '_' or '-'): {short_text(key, 80)!r}"
        )
    return key


def marker(key: str | None = None) -> str:
    """The hidden first line that names the comment (one comment per key per pull request)."""
    name = _MARKER_NAME if key is None else f"{_MARKER_NAME}:{check_key(key)}"
    return f"<!-- {name} -->"


def _length(text: str) -> int:
    """Characters as GitHub may count them: UTF-16 code units (an emoji is two), never fewer
    than code points, so a body within the limit by this count is within it either way."""
    return len(text.encode("utf-16-le")) // 2


def _truncation_note(total: int) -> str:
    return (
        f"\n\n> ✂️ **Cut to fit GitHub's {COMMENT_LIMIT:,}-character limit for a comment** "
        f"(the report has {total:,}); the workflow run has the whole report.\n"
    )


def comment_body(text: str, key: str | None = None, *, footer: str = "") -> str:
    """``text`` with the marker as its first line (once), then ``footer``; past
    ``COMMENT_LIMIT`` the text is cut at a line boundary (an open code fence closed) and ends
    with a note saying so."""
    head = marker(key)
    lines = text.split("\n")
    if lines and lines[0].strip() == head:
        text = "\n".join(lines[1:])
    body = f"{head}\n{text.rstrip()}\n{footer}"
    if _length(body) <= COMMENT_LIMIT:
        return body
    total = _length(text)
    budget = COMMENT_LIMIT - _length(f"{head}\n") - _length(_truncation_note(total) + footer) - 8
    kept: list[str] = []
    used = 0
    for line in text.split("\n"):
        size = _length(line) + 1
        if used + size > budget:
            if not kept:  # one enormous line: cut inside it
                kept.append(text.encode("utf-16-le")[: budget * 2].decode("utf-16-le", "ignore"))
            break
        kept.append(line)
        used += size
    cut = "\n".join(kept).rstrip()
    if sum(1 for line in kept if line.lstrip().startswith("```")) % 2:
        cut += "\n```"
    return f"{head}\n{cut}{_truncation_note(total)}{footer}"


def _graphql_url(api: httpx.URL) -> httpx.URL:
    """GraphQL on the same host: ``https://api.github.com/graphql``; on GitHub Enterprise
    Server, ``https://HOST/api/v3`` -> ``https://HOST/api/graphql``."""
    path = api.path.rstrip("/")
    if path.endswith("/api/v3"):
        return api.copy_with(path=path.removesuffix("/v3") + "/graphql")
    return api.copy_with(path=path + "/graphql")


def _message(response: httpx.Response) -> str:
    """GitHub's ``message`` (and a 422's field errors), or the start of the body."""
    try:
        data = response.json()
    except ValueError:
        return response.text[:200].strip()
    if not isinstance(data, dict):
        return ""
    text = str(data.get("message") or "")
    errors = data.get("errors")
    if isinstance(errors, list):
        details = [
            str(e.get("message") or e.get("code") or "") if isinstance(e, dict) else str(e)
            for e in errors
        ]
        details = [d for d in details if d]
        if details:
            text = f"{text}: {'; '.join(details)}" if text else "; ".join(details)
    return text


class GitHub:
    """A small GitHub REST client for issue comments, authenticated with ``token``, that talks
    only to ``api_url``. Use it as a context manager (or call ``close``)."""

    def __init__(
        self,
        token: str,
        api_url: str = DEFAULT_API_URL,
        *,
        timeout: float = 30.0,
        retries: int = 2,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._token = token.strip()
        if not self._token:
            raise GitHubError("the GitHub token is empty")
        if any(not " " < c <= "~" for c in self._token):
            raise GitHubError("the GitHub token holds spaces or control characters")
        try:
            base = httpx.URL(api_url.strip().rstrip("/"))
        except (httpx.InvalidURL, ValueError, TypeError):
            raise GitHubError(
                f"GITHUB_API_URL is not a URL: {short_text(api_url, 100)!r}"
            ) from None
        if base.scheme not in ("http", "https") or not base.host or base.userinfo:
            raise GitHubError(
                f"GITHUB_API_URL must be an https:// URL without credentials: {self._safe(base)}"
            )
        if base.scheme == "http" and not is_loopback(base.host):
            raise GitHubError(
                f"refusing to send the GitHub token in cleartext to {base.host}: GITHUB_API_URL "
                "must be https:// (plain http only on loopback)"
            )
        if base.query or base.fragment:
            raise GitHubError(f"GITHUB_API_URL has a query or fragment: {self._safe(base)}")
        try:
            proxy = proxy_for(base, None, trust_env=True, allow_insecure_http=False)
        except CekuraError as exc:
            raise GitHubError(self._scrub(str(exc).replace("API key", "GitHub token"))) from None
        self.api_url = base
        self._retries = retries
        self._sleep = sleep if sleep is not None else time.sleep
        self._http = httpx.Client(
            base_url=base,
            transport=httpx.HTTPTransport(proxy=proxy),
            headers={
                "Authorization": f"Bearer {self._token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "cekura-results",
            },
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
        )

    # -- plumbing -------------------------------------------------------------------------

    def __enter__(self) -> GitHub:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def _safe(self, url: httpx.URL | str) -> str:
        """A URL fit to print: no credentials, no secret-looking query values, no token."""
        return self._scrub(short_text(redact_url(url), 200))

    def _url(self, target: str | httpx.URL) -> httpx.URL:
        """An absolute URL for ``target``: a path below the API (``/repos/...``), or a URL
        (a pagination link GitHub sent), refused unless on the API's own origin."""
        base = self.api_url
        if isinstance(target, str):
            return base.copy_with(raw_path=base.raw_path.rstrip(b"/") + target.encode("ascii"))
        same_origin = (target.scheme, target.host, target.port) == (
            base.scheme,
            base.host,
            base.port,
        )
        if not same_origin or target.userinfo:
            raise GitHubError(
                f"refusing to send the GitHub token to {self._safe(target.copy_with(query=None))}"
                f": GitHub linked outside {self._safe(base)} (GITHUB_API_URL)"
            )
        return target

    def _link(self, link: str) -> httpx.URL:
        try:
            return self._url(httpx.URL(link))
        except (httpx.InvalidURL, ValueError, TypeError):
            raise GitHubError(f"GitHub sent a link that is not a URL: {self._safe(link)}") from None

    def _request(
        self, method: str, target: str | httpx.URL, what: str, *, json: Any = None
    ) -> httpx.Response:
        url = self._url(target)
        # Sent again after a failure only when that cannot duplicate anything: a GET, a PATCH
        # (the same body twice) and the GraphQL query are safe; a POST only when no connection
        # was made, so the request cannot have arrived.
        idempotent = method in ("GET", "PATCH") or url.path.endswith("/graphql")
        for attempt in range(self._retries + 1):
            last = attempt == self._retries
            try:
                response = self._http.request(method, url, json=json)
            except httpx.RequestError as exc:
                if last or not (idempotent or isinstance(exc, httpx.ConnectError)):
                    raise GitHubError(
                        f"cannot reach GitHub at {self._safe(self.api_url)} while {what}: "
                        f"{type(exc).__name__}: {self._scrub(short_text(str(exc), 200))}"
                    ) from None
            else:
                if last or not idempotent or response.status_code not in _RETRY_STATUSES:
                    return self._check(response, what)
            self._sleep(float(attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _check(self, response: httpx.Response, what: str) -> httpx.Response:
        status = response.status_code
        if 200 <= status < 300:
            return response
        limited = status == 429 or (
            status == 403
            and (
                response.headers.get("x-ratelimit-remaining") == "0"
                or "rate limit" in _message(response).lower()
            )
        )
        raise GitHubError(self._explain(response, what), status=status, rate_limited=limited)

    def _explain(self, response: httpx.Response, what: str) -> str:
        status = response.status_code
        message = self._scrub(short_text(_message(response), 300))
        shown = f"{status} {message}".rstrip() if message else str(status)
        if 300 <= status < 400:
            where = self._safe(response.headers.get("location", "?"))
            return (
                f"GitHub answered {status} (a redirect to {where}) while {what}; redirects are "
                "not followed: point GITHUB_API_URL at the API itself"
            )
        if status == 401:
            return (
                f"GitHub rejected the token ({shown}) while {what}: GITHUB_TOKEN is invalid or "
                "expired"
            )
        limited = response.headers.get("x-ratelimit-remaining") == "0" or "rate limit" in (
            message.lower()
        )
        if status == 429 or (status == 403 and limited):
            return f"GitHub's rate limit was hit ({shown}) while {what}; try again later"
        if status == 403 and _INTEGRATION in message.lower():
            return (
                f"GitHub refused {what} ({shown}): the token may not write pull-request "
                "comments; the workflow needs `permissions: pull-requests: write` (a pull "
                "request from a fork only ever gets a read-only token)"
            )
        if status == 403:
            return (
                f"GitHub refused {what} ({shown}): the token lacks a permission it needs "
                "(pull requests: write)"
            )
        if status == 404:
            return (
                f"GitHub found nothing while {what} ({shown}): check the repository and the "
                "pull request number, and that the token can see the repository"
            )
        if status == 422:
            return f"GitHub refused {what} ({shown})"
        return f"GitHub answered {shown} while {what}"

    @staticmethod
    def _json(response: httpx.Response, what: str) -> Any:
        try:
            return response.json()
        except ValueError:
            raise GitHubError(f"GitHub's answer while {what} is not JSON") from None

    # -- the API ----------------------------------------------------------------------------

    def identity(self) -> Identity:
        """The account the token acts as: ``GET /user``, or for an installation token (which
        gets 403 there) the GraphQL ``viewer``."""
        try:
            response = self._request("GET", "/user", "asking who the token belongs to")
        except GitHubError as exc:
            if exc.status != 403 or exc.rate_limited:
                raise
            return self._viewer()
        data = self._json(response, "asking who the token belongs to")
        if not isinstance(data, dict) or not isinstance(data.get("login"), str):
            raise GitHubError("GitHub's GET /user answer has no login")
        user_id = data.get("id")
        return Identity(data["login"], user_id if isinstance(user_id, int) else None)

    def _viewer(self) -> Identity:
        what = "asking GraphQL who the token belongs to (GET /user is closed to app tokens)"
        url = _graphql_url(self.api_url)
        query = {"query": "query { viewer { login databaseId } }"}
        response = self._request("POST", url, what, json=query)
        data = self._json(response, what)
        viewer = (data.get("data") or {}).get("viewer") if isinstance(data, dict) else None
        if not isinstance(viewer, dict) or not isinstance(viewer.get("login"), str):
            errors = data.get("errors") if isinstance(data, dict) else None
            detail = _message(response) if errors else "no viewer in the answer"
            raise GitHubError(
                f"cannot tell which account the token belongs to ({self._scrub(detail)}), so "
                "no comment can safely be called ours: nothing was posted"
            )
        database_id = viewer.get("databaseId")
        return Identity(viewer["login"], database_id if isinstance(database_id, int) else None)

    def comments(self, repo: str, number: int) -> Iterator[dict[str, Any]]:
        """Every comment on issue or pull request ``number``, oldest first, all pages."""
        what = f"listing the comments of {repo}#{number}"
        target: str | httpx.URL = f"/repos/{repo}/issues/{number}/comments?per_page={_PER_PAGE}"
        seen: set[str] = set()
        for _ in range(_MAX_PAGES):
            response = self._request("GET", target, what)
            page = self._json(response, what)
            if not isinstance(page, list):
                raise GitHubError(f"GitHub's answer while {what} is not a list")
            yield from (item for item in page if isinstance(item, dict))
            link = response.links.get("next", {}).get("url")
            if not link or link in seen:
                return
            seen.add(link)
            target = self._link(link)  # refused unless on the API's own origin
        raise GitHubError(f"more than {_MAX_PAGES} pages while {what}")

    def create_comment(self, repo: str, number: int, body: str) -> dict[str, Any]:
        what = f"creating a comment on {repo}#{number}"
        response = self._request(
            "POST", f"/repos/{repo}/issues/{number}/comments", what, json={"body": body}
        )
        return self._comment(response, what)

    def update_comment(self, repo: str, comment_id: int, body: str) -> dict[str, Any]:
        what = f"updating comment {comment_id} on {repo}"
        response = self._request(
            "PATCH", f"/repos/{repo}/issues/comments/{comment_id}", what, json={"body": body}
        )
        return self._comment(response, what)

    def _comment(self, response: httpx.Response, what: str) -> dict[str, Any]:
        data = self._json(response, what)
        if not isinstance(data, dict) or not isinstance(data.get("id"), int):
            raise GitHubError(f"GitHub's answer while {what} has no comment ID")
        return data

    def find_comment(
        self, repo: str, number: int, me: Identity, key: str | None = None
    ) -> dict[str, Any] | None:
        """Our comment on ``repo``#``number``: the first whose first line is the marker and
        whose author is ``me``; another account's comment with the marker is never it."""
        head = marker(key)
        for comment in self.comments(repo, number):
            body = comment.get("body")
            if not isinstance(body, str) or body.split("\n", 1)[0].strip() != head:
                continue
            if _authored_by(comment, me) and isinstance(comment.get("id"), int):
                return comment
        return None

    def upsert_comment(
        self, repo: str, number: int, body: str, *, key: str | None = None
    ) -> Posted:
        """Create our comment on ``repo``#``number``, or edit it in place. ``body`` must start
        with the marker (``comment_body`` adds it)."""
        if body.split("\n", 1)[0].strip() != marker(key):
            raise ValueError("body must start with the marker: use comment_body()")
        me = self.identity()
        existing = self.find_comment(repo, number, me, key)
        if existing is None:
            created = self.create_comment(repo, number, body)
            return Posted("created", created["id"], str(created.get("html_url") or ""))
        url = str(existing.get("html_url") or "")
        if existing.get("body") == body:
            return Posted("unchanged", existing["id"], url)
        updated = self.update_comment(repo, existing["id"], body)
        return Posted("updated", updated["id"], str(updated.get("html_url") or url))


def _authored_by(comment: dict[str, Any], me: Identity) -> bool:
    user = comment.get("user")
    if not isinstance(user, dict):
        return False  # a deleted account ("ghost") or an unexpected shape: not ours
    if me.id is not None:
        return user.get("id") == me.id
    login = user.get("login")
    return isinstance(login, str) and login.casefold() == me.login.casefold()
