"""``cekura-results comment`` against a fake GitHub REST API on loopback (a threaded
``http.server`` written here): one comment per pull request, created once and edited in place,
never a duplicate; another account's comment with the same marker never touched; the comment
list paged through its Link headers; the token's account from ``GET /user`` or, for an
installation token, the GraphQL ``viewer``; every failure one line, exit 2; the token never
printed and never sent anywhere but the configured API."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from cekura_client import cli
from cekura_client._cli_comment import add_comment_command, comment_command
from cekura_client._github import COMMENT_LIMIT, GitHub, GitHubError, comment_body, marker

USER_TOKEN = "ghp_userToken0123456789abcdef"
APP_TOKEN = "ghs_installationToken0123456789"
MARKER = "<!-- cekura-results:comment -->"


# --- a fake GitHub ------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    login: str
    id: int
    type: str = "User"

    def json(self) -> dict[str, Any]:
        return {"login": self.login, "id": self.id, "type": self.type}


CEKURA_BOT = Account("cekura-ci", 4242)  # the personal access token's account
ACTIONS_BOT = Account("github-actions[bot]", 41898282, "Bot")  # an installation token's
MALLORY = Account("mallory", 666)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeGitHub:
    """The calls ``comment`` makes: GET /user, POST /graphql, and list (``page_size`` a
    page, with Link headers), create and update issue comments. ``prefix`` is the API path
    (``/api/v3`` on GitHub Enterprise Server, whose GraphQL is ``/api/graphql``). ``fail``
    answers (METHOD, path prefix) with a canned reply instead. Any comment can be edited, as an
    admin's token could: it is the client's job never to edit one that is not its own."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.tokens: dict[str, Account] = {USER_TOKEN: CEKURA_BOT, APP_TOKEN: ACTIONS_BOT}
        self.installation_tokens = {APP_TOKEN}
        self.pulls = {("o/r", 7), ("o/r", 8)}
        self.comments: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self.page_size = 2
        self.link_origin: str | None = None  # where the next-page links point (default: here)
        self.fail: dict[tuple[str, str], Reply] = {}
        self.requests: list[Request] = []
        self._next_id = 1000
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()  # headers and body are two writes: no Nagle delay between
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = Request(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                with fake._lock:
                    fake.requests.append(request)
                    reply = fake.handle(request)
                payload = b"" if reply.body is None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        return self.origin + self.prefix

    def start(self) -> None:
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add(self, pr: int, account: Account, body: str, repo: str = "o/r") -> dict[str, Any]:
        self._next_id += 1
        comment = {
            "id": self._next_id,
            "body": body,
            "user": account.json(),
            "html_url": f"https://github.example/{repo}/pull/{pr}#issuecomment-{self._next_id}",
        }
        self.comments.setdefault((repo, pr), []).append(comment)
        return comment

    def on(self, pr: int = 7) -> list[dict[str, Any]]:
        return self.comments.get(("o/r", pr), [])

    # -- the API ---------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        parsed = urllib.parse.urlsplit(request.path)
        path, query = parsed.path, urllib.parse.parse_qs(parsed.query)
        for (method, start), reply in self.fail.items():
            if request.method == method and path.startswith(self.prefix + start):
                return reply
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        account = self.tokens.get(token)
        if account is None:
            return Reply(401, {"message": "Bad credentials"})
        graphql = self.prefix.removesuffix("/v3") + "/graphql"
        if request.method == "POST" and path == graphql:
            viewer = {"login": account.login, "databaseId": account.id}
            return Reply(200, {"data": {"viewer": viewer}})
        if not path.startswith(self.prefix + "/"):
            return Reply(404, {"message": "Not Found"})
        path = path.removeprefix(self.prefix)
        if path == "/user" and request.method == "GET":
            if token in self.installation_tokens:
                return Reply(403, {"message": "Resource not accessible by integration"})
            return Reply(200, account.json())
        parts = path.strip("/").split("/")
        if parts[:1] != ["repos"] or len(parts) < 6:
            return Reply(404, {"message": "Not Found"})
        repo = f"{parts[1]}/{parts[2]}"
        if parts[3:5] == ["issues", "comments"] and request.method == "PATCH":
            for comment in (c for cs in self.comments.values() for c in cs):
                if str(comment["id"]) == parts[5]:
                    comment["body"] = request.json()["body"]
                    return Reply(200, comment)
            return Reply(404, {"message": "Not Found"})
        if parts[3] != "issues" or parts[5:] != ["comments"] or not parts[4].isdigit():
            return Reply(404, {"message": "Not Found"})
        number = int(parts[4])
        if (repo, number) not in self.pulls:
            return Reply(404, {"message": "Not Found"})
        if request.method == "POST":
            body = request.json()["body"]
            if len(body) > COMMENT_LIMIT:
                return Reply(422, {"message": "Validation Failed", "errors": [
                    {"message": "body is too long (maximum is 65536 characters)"}]})  # fmt: skip
            return Reply(201, self.add(number, account, body, repo))
        everything = self.comments.get((repo, number), [])
        page = int(query.get("page", ["1"])[0])
        chunk = everything[(page - 1) * self.page_size : page * self.page_size]
        headers = {}
        if page * self.page_size < len(everything):
            origin = self.link_origin or self.origin
            link = f"{origin}{self.prefix}{path}?per_page=100&page={page + 1}"
            headers["Link"] = f'<{link}>; rel="next", <{link}>; rel="last"'
        return Reply(200, chunk, headers)


@contextlib.contextmanager
def fake_github(prefix: str = "") -> Iterator[FakeGitHub]:
    fake = FakeGitHub(prefix)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with fake_github() as fake:
        yield fake


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No GITHUB_* or CEKURA_* variable of the machine running the tests is seen, and retries
    do not sleep."""
    for name in list(os.environ):
        if name.startswith(("CEKURA_", "GITHUB_")):
            monkeypatch.delenv(name)
    monkeypatch.setattr("cekura_client._github.time.sleep", lambda seconds: None)


# --- running the command --------------------------------------------------------------------


def _wired() -> bool:
    """Whether ``cli.py`` already has the ``comment`` command (else it is run directly)."""
    parser = cli.build_parser()
    return any(
        "comment" in action.choices
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
    )


def _standalone_parser() -> argparse.ArgumentParser:
    parser = cli._Parser(prog=cli.PROG)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=cli._Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = commands.add_parser(name, help=help_text)
        return sub

    add_comment_command(command)
    return parser


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        return self.err.splitlines()


def comment(
    github: FakeGitHub | str | None,
    *args: str,
    token: str | None = USER_TOKEN,
    body: str | None = "## Cekura result 1001\n\nall green",
    tmp: Path | None = None,
    **env: str,
) -> Outcome:
    """``cekura-results comment --repo o/r --pr 7 --body-file FILE ARGS`` in this process."""
    argv = ["comment", *args]
    if body is not None:
        assert tmp is not None
        path = tmp / "body.md"
        path.write_text(body, encoding="utf-8")
        argv += ["--body-file", str(path)]
    if "--repo" not in args and "GITHUB_REPOSITORY" not in env:
        argv += ["--repo", "o/r"]
    if "--pr" not in args and "GITHUB_EVENT_PATH" not in env:
        argv += ["--pr", "7"]
    variables = dict(env)
    if github is not None:
        variables["GITHUB_API_URL"] = github if isinstance(github, str) else github.url
    if token is not None:
        variables["GITHUB_TOKEN"] = token
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, variables), contextlib.redirect_stderr(err):
        try:
            if _wired():
                code = cli.main(argv, out=out, err=err)
            else:
                parsed = _standalone_parser().parse_args(argv)
                code = comment_command(parsed, cli.Printer(out), cli.Printer(err))
        except SystemExit as exc:
            code = int(exc.code or 0)
    outcome = Outcome(code, out.getvalue(), err.getvalue())
    for secret in (USER_TOKEN, APP_TOKEN):
        assert secret not in outcome.out + outcome.err
    return outcome


def _ours(github: FakeGitHub, pr: int = 7, head: str = MARKER) -> list[dict[str, Any]]:
    return [c for c in github.on(pr) if c["body"].split("\n", 1)[0] == head]


def _calls(github: FakeGitHub) -> list[tuple[str, str]]:
    return [(r.method, urllib.parse.urlsplit(r.path).path) for r in github.requests]


# --- create once, then update in place ------------------------------------------------------


def test_creates_once_then_updates_in_place(github: FakeGitHub, tmp_path: Path) -> None:
    for text in ("LGTM", "nit: rename", "ok"):
        github.add(7, MALLORY, text)
    first = comment(github, body="## Cekura\n\nfirst", tmp=tmp_path)
    assert first.code == 0, first.err
    ours = _ours(github)
    assert len(ours) == 1 and ours[0]["user"]["id"] == CEKURA_BOT.id
    assert first.out == f"created comment {ours[0]['id']} on o/r#7: {ours[0]['html_url']}\n"
    assert ours[0]["body"] == f"{MARKER}\n## Cekura\n\nfirst\n"

    github.requests.clear()
    second = comment(github, body="## Cekura\n\nsecond", tmp=tmp_path)
    assert second.code == 0, second.err
    assert second.out.startswith(f"updated comment {ours[0]['id']} on o/r#7")
    assert [c["body"] for c in github.on(7)][:3] == ["LGTM", "nit: rename", "ok"]
    assert len(github.on(7)) == 4 and _ours(github)[0]["body"].endswith("second\n")
    # who am I, then the two pages of comments (the second from the Link header), then the edit
    path = "/repos/o/r/issues/7/comments"
    assert _calls(github) == [("GET", "/user"), ("GET", path), ("GET", path),
                              ("PATCH", f"/repos/o/r/issues/comments/{ours[0]['id']}")]  # fmt: skip
    assert github.requests[2].path.endswith("page=2")
    assert all(r.headers["authorization"] == f"Bearer {USER_TOKEN}" for r in github.requests)
    assert all(r.headers["x-github-api-version"] == "2022-11-28" for r in github.requests)


def test_an_unchanged_report_is_not_edited_again(github: FakeGitHub, tmp_path: Path) -> None:
    assert comment(github, tmp=tmp_path).code == 0
    github.requests.clear()
    again = comment(github, tmp=tmp_path)
    assert again.code == 0 and again.out.startswith("unchanged comment ")
    assert [m for m, _ in _calls(github)] == ["GET", "GET"]  # no PATCH, no POST
    assert len(_ours(github)) == 1


def test_many_runs_never_make_a_duplicate(github: FakeGitHub, tmp_path: Path) -> None:
    for n in range(5):
        github.add(7, MALLORY, f"review {n}")  # our comment ends up on a later page
        assert comment(github, body=f"run {n}", tmp=tmp_path).code == 0
    ours = _ours(github)
    assert len(ours) == 1 and ours[0]["body"] == f"{MARKER}\nrun 4\n"


def test_keys_keep_one_comment_per_suite(github: FakeGitHub, tmp_path: Path) -> None:
    for key, text in (("voice", "v1"), ("text", "t1"), (None, "plain"), ("voice", "v2")):
        extra = ("--key", key) if key else ()
        assert comment(github, *extra, body=text, tmp=tmp_path).code == 0
    bodies = sorted(c["body"] for c in github.on(7))
    assert bodies == sorted([
        "<!-- cekura-results:comment:voice -->\nv2\n",
        "<!-- cekura-results:comment:text -->\nt1\n",
        f"{MARKER}\nplain\n",
    ])  # fmt: skip


def test_a_body_that_already_starts_with_the_marker_gets_it_once(
    github: FakeGitHub, tmp_path: Path
) -> None:
    assert comment(github, body=f"{MARKER}\n# report", tmp=tmp_path).code == 0
    assert _ours(github)[0]["body"] == f"{MARKER}\n# report\n"


# --- only our own comment ---------------------------------------------------------------------


def test_another_accounts_comment_with_the_marker_is_never_edited(
    github: FakeGitHub, tmp_path: Path
) -> None:
    planted = github.add(7, MALLORY, f"{MARKER}\n## Cekura: all passed (trust me)")
    quoted = github.add(7, MALLORY, f"> {MARKER}\nquoting the bot")
    first = comment(github, body="real report", tmp=tmp_path)
    second = comment(github, body="real report, again", tmp=tmp_path)
    assert (first.code, second.code) == (0, 0)
    assert planted["body"] == f"{MARKER}\n## Cekura: all passed (trust me)"
    assert quoted["body"] == f"> {MARKER}\nquoting the bot"
    mine = [c for c in _ours(github) if c["user"]["id"] == CEKURA_BOT.id]
    assert len(mine) == 1 and mine[0]["body"] == f"{MARKER}\nreal report, again\n"
    edited = {r.path.rsplit("/", 1)[-1] for r in github.requests if r.method == "PATCH"}
    assert edited == {str(mine[0]["id"])}


def test_a_same_named_account_with_another_id_is_not_us(github: FakeGitHub, tmp_path: Path) -> None:
    """The author is compared by account ID: a renamed or re-registered login is not enough."""
    impostor = github.add(7, Account(CEKURA_BOT.login, 999), f"{MARKER}\nold")
    assert comment(github, tmp=tmp_path).out.startswith("created comment ")
    assert impostor["body"] == f"{MARKER}\nold"


def test_an_installation_token_finds_itself_through_graphql(
    github: FakeGitHub, tmp_path: Path
) -> None:
    """A workflow's GITHUB_TOKEN cannot call GET /user (403 'Resource not accessible by
    integration'): the GraphQL viewer names github-actions[bot] and its ID; a person's comment
    with the marker stays untouched."""
    github.add(7, CEKURA_BOT, f"{MARKER}\nposted with a personal token")
    for text in ("a", "b", "c"):
        github.add(7, MALLORY, text)
    bot = github.add(7, ACTIONS_BOT, f"{MARKER}\nfrom the last push")  # on page 3
    result = comment(github, token=APP_TOKEN, body="this push", tmp=tmp_path)
    assert result.code == 0, result.err
    assert result.out.startswith(f"updated comment {bot['id']} ")
    assert bot["body"] == f"{MARKER}\nthis push\n"
    assert github.on(7)[0]["body"] == f"{MARKER}\nposted with a personal token"
    assert _calls(github)[:2] == [("GET", "/user"), ("POST", "/graphql")]
    assert github.requests[1].json() == {"query": "query { viewer { login databaseId } }"}


def test_without_an_identity_nothing_is_posted(github: FakeGitHub, tmp_path: Path) -> None:
    github.add(7, ACTIONS_BOT, f"{MARKER}\nold")
    github.fail[("POST", "/graphql")] = Reply(200, {"errors": [{"message": "denied"}]})
    result = comment(github, token=APP_TOKEN, tmp=tmp_path)
    assert result.code == 2
    assert result.error_lines == [
        "cekura-results: error: cannot tell which account the token belongs to (denied), so no "
        "comment can safely be called ours: nothing was posted"
    ]
    assert [m for m, _ in _calls(github)] == ["GET", "POST"]


def test_github_enterprise_server_paths(tmp_path: Path) -> None:
    """GITHUB_API_URL=https://HOST/api/v3: REST below it, GraphQL at /api/graphql."""
    with fake_github("/api/v3") as ghes:
        for text in ("a", "b"):
            ghes.add(7, MALLORY, text)
        assert comment(ghes, token=APP_TOKEN, body="one", tmp=tmp_path).code == 0
        assert comment(ghes, token=APP_TOKEN, body="two", tmp=tmp_path).code == 0
        paths = [p for _, p in _calls(ghes)]
    assert paths[:4] == ["/api/v3/user", "/api/graphql", "/api/v3/repos/o/r/issues/7/comments",
                         "/api/v3/repos/o/r/issues/7/comments"]  # fmt: skip
    assert len(_ours(ghes)) == 1 and _ours(ghes)[0]["body"] == f"{MARKER}\ntwo\n"


# --- the pull request and the repository from GitHub Actions ----------------------------------


def _event(tmp: Path, payload: dict[str, Any]) -> str:
    path = tmp / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return str(path)


def test_the_pull_request_and_repository_come_from_the_event(
    github: FakeGitHub, tmp_path: Path
) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    event = _event(tmp_path, {"pull_request": {"number": 8, "head": {"sha": sha}}})
    result = comment(
        github, tmp=tmp_path, GITHUB_EVENT_PATH=event, GITHUB_REPOSITORY="o/r",
        GITHUB_SERVER_URL="https://github.com", GITHUB_RUN_ID="42", GITHUB_EVENT_NAME="pull_request",
    )  # fmt: skip
    assert result.code == 0, result.err
    (posted,) = _ours(github, 8)
    assert posted["body"].endswith(
        "\n<sub>cekura-results · commit `0123456` · "
        "[workflow run](https://github.com/o/r/actions/runs/42)</sub>\n"
    )


def test_links_to_the_dashboard_and_the_artifact(github: FakeGitHub, tmp_path: Path) -> None:
    dashboard = "https://dashboard.cekura.ai/results/1001"
    artifact = "https://github.com/o/r/actions/runs/42/artifacts/7"
    result = comment(
        github, "--link", f"Cekura dashboard={dashboard}", "--link", f"HTML report={artifact}",
        tmp=tmp_path,
    )  # fmt: skip
    assert result.code == 0, result.err
    (posted,) = _ours(github)
    assert posted["body"].endswith(
        f"\n<sub>cekura-results · [Cekura dashboard]({dashboard}) · [HTML report]({artifact})"
        "</sub>\n"
    )


def test_an_issue_comment_on_a_pull_request_names_it(github: FakeGitHub, tmp_path: Path) -> None:
    event = _event(tmp_path, {"issue": {"number": 8, "pull_request": {"url": "..."}}})
    result = comment(github, tmp=tmp_path, GITHUB_EVENT_PATH=event, GITHUB_REPOSITORY="o/r")
    assert result.code == 0, result.err
    assert len(_ours(github, 8)) == 1


def test_comment_url_goes_to_github_output(github: FakeGitHub, tmp_path: Path) -> None:
    output = tmp_path / "github_output"
    assert comment(github, tmp=tmp_path, GITHUB_OUTPUT=str(output)).code == 0
    (posted,) = _ours(github)
    assert output.read_text() == f"comment_id={posted['id']}\ncomment_url={posted['html_url']}\n"


# --- a long report ----------------------------------------------------------------------------


def test_a_long_report_is_cut_to_githubs_limit_with_a_note(
    github: FakeGitHub, tmp_path: Path
) -> None:
    lines = ["# Cekura", "```text", *(f"transcript line {n} 🎙️" for n in range(8000)), "```"]
    result = comment(github, body="\n".join(lines), tmp=tmp_path)
    assert result.code == 0, result.err
    (posted,) = _ours(github)
    body = posted["body"]
    assert len(body.encode("utf-16-le")) // 2 <= COMMENT_LIMIT
    assert body.startswith(f"{MARKER}\n# Cekura\n```text\ntranscript line 0 ")
    assert "\n```\n\n> ✂️ **Cut to fit GitHub's 65,536-character limit for a comment**" in body
    assert body.count("```") % 2 == 0  # the open code fence is closed before the note


def test_comment_body_keeps_a_short_report_whole() -> None:
    assert comment_body("hi", footer="\n<sub>x</sub>\n") == f"{MARKER}\nhi\n\n<sub>x</sub>\n"
    assert marker("nightly") == "<!-- cekura-results:comment:nightly -->"
    with pytest.raises(ValueError, match="not a comment key"):
        marker("a -->")


# --- errors: one line, exit 2, the token never shown ------------------------------------------


INTEGRATION = {"message": "Resource not accessible by integration"}


@pytest.mark.parametrize(
    ("fail", "expected"),
    [
        (
            {("POST", "/repos/"): Reply(403, INTEGRATION)},
            "cekura-results: error: GitHub refused creating a comment on o/r#7 (403 Resource not "
            "accessible by integration): the token may not write pull-request comments; the "
            "workflow needs `permissions: pull-requests: write` (a pull request from a fork only "
            "ever gets a read-only token)",
        ),
        (
            {("GET", "/user"): Reply(401, {"message": "Bad credentials"})},
            "cekura-results: error: GitHub rejected the token (401 Bad credentials) while asking "
            "who the token belongs to: GITHUB_TOKEN is invalid or expired",
        ),
        (
            {("GET", "/repos/"): Reply(404, {"message": "Not Found"})},
            "cekura-results: error: GitHub found nothing while listing the comments of o/r#7 "
            "(404 Not Found): check the repository and the pull request number, and that the "
            "token can see the repository",
        ),
        (
            {
                ("POST", "/repos/"): Reply(
                    422, {"message": "Validation Failed", "errors": [{"message": "body is locked"}]}
                )
            },
            "cekura-results: error: GitHub refused creating a comment on o/r#7 (422 Validation "
            "Failed: body is locked)",
        ),
        (
            {
                ("GET", "/repos/"): Reply(
                    403, {"message": "API rate limit exceeded"}, {"X-RateLimit-Remaining": "0"}
                )
            },
            "cekura-results: error: GitHub's rate limit was hit (403 API rate limit exceeded) "
            "while listing the comments of o/r#7; try again later",
        ),
        (
            {("GET", "/repos/"): Reply(503, {"message": "unavailable"})},
            "cekura-results: error: GitHub answered 503 unavailable while listing the comments "
            "of o/r#7",
        ),
    ],
    ids=["403-integration", "401", "404", "422", "rate-limit", "503-after-retries"],
)
def test_failures_are_one_line_and_exit_2(
    github: FakeGitHub, tmp_path: Path, fail: dict[tuple[str, str], Reply], expected: str
) -> None:
    github.fail.update(fail)
    result = comment(github, tmp=tmp_path)
    assert (result.code, result.out, result.error_lines) == (2, "", [expected])


def test_a_503_is_retried_then_succeeds(github: FakeGitHub, tmp_path: Path) -> None:
    real = github.handle
    answers = iter([Reply(503, {"message": "busy"}), Reply(502, {"message": "busy"})])
    github.handle = lambda request: (  # type: ignore[method-assign]
        next(answers, None) or real(request) if request.method == "GET" else real(request)
    )
    assert comment(github, tmp=tmp_path).code == 0


def test_a_pull_request_that_does_not_exist(github: FakeGitHub, tmp_path: Path) -> None:
    result = comment(github, "--pr", "99", tmp=tmp_path)
    assert result.code == 2 and len(result.error_lines) == 1
    assert "listing the comments of o/r#99 (404 Not Found)" in result.err


def test_the_token_is_never_printed_even_when_github_echoes_it(
    github: FakeGitHub, tmp_path: Path
) -> None:
    github.fail[("POST", "/repos/")] = Reply(422, {"message": f"bad token {USER_TOKEN} here"})
    result = comment(github, tmp=tmp_path)  # comment() asserts the token is absent
    assert result.code == 2 and "bad token *** here" in result.err


def test_missing_token(github: FakeGitHub, tmp_path: Path) -> None:
    result = comment(github, token=None, tmp=tmp_path)
    assert (result.code, result.error_lines) == (2, [
        "cekura-results: error: GITHUB_TOKEN is not set: the comment is posted with it (in a "
        "workflow: `env: GITHUB_TOKEN: ${{ github.token }}` and `permissions: pull-requests: "
        "write`)"
    ])  # fmt: skip
    assert github.requests == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "no pull request: pass --pr N ($GITHUB_EVENT_PATH is not set)"),
        (
            {"push": True},
            "no pull request: pass --pr N (the push event in $GITHUB_EVENT_PATH is not about a "
            "pull request)",
        ),
    ],
)
def test_no_pull_request(
    github: FakeGitHub, tmp_path: Path, env: dict[str, Any], expected: str
) -> None:
    variables = {"GITHUB_REPOSITORY": "o/r", "GITHUB_EVENT_PATH": "", "GITHUB_EVENT_NAME": "push"}
    if env:
        variables["GITHUB_EVENT_PATH"] = _event(tmp_path, {"ref": "refs/heads/main"})
    result = comment(github, tmp=tmp_path, **variables)
    assert (result.code, result.error_lines) == (2, [f"cekura-results: error: {expected}"])
    assert github.requests == []


def test_unreadable_body_file(github: FakeGitHub, tmp_path: Path) -> None:
    result = comment(github, "--body-file", str(tmp_path / "missing.md"), body=None)
    assert (result.code, result.error_lines) == (
        2,
        [
            f"cekura-results: error: cannot read {tmp_path / 'missing.md'}: No such file or directory"
        ],
    )
    assert github.requests == []


def test_usage_errors(github: FakeGitHub, tmp_path: Path) -> None:
    for args, message in (
        (("--key", "a -->"), "argument --key: not a comment key"),
        (("--repo", "../etc"), "argument --repo: not a repository (OWNER/NAME): '../etc'"),
        (("--pr", "-1"), "argument --pr: not a pull request number: '-1'"),
        (
            ("--link", "https://x.test"),
            "argument --link: a link is LABEL=URL, with a label of letters, digits, spaces and "
            "._/- (at most 40 characters): 'https://x.test'",
        ),
        (
            ("--link", "[x](javascript:1)=https://x.test"),
            "argument --link: a link is LABEL=URL",
        ),
        (
            ("--link", "Report=javascript:alert(1)"),
            "argument --link: a link's URL is http:// or https:// without spaces, quotes or "
            "brackets: 'javascript:alert(1)'",
        ),
        (
            ("--link", "Report=https://x.test/a) ![img](https://evil.test/i.png"),
            "argument --link: a link's URL is http:// or https://",
        ),
    ):
        result = comment(github, *args, tmp=tmp_path)
        assert result.code == 2 and message in result.err, result.err
    assert github.requests == []


# --- only the configured host ------------------------------------------------------------------


def test_network_errors_are_one_line(tmp_path: Path) -> None:
    with fake_github() as gone:
        url = gone.url
    result = comment(url, tmp=tmp_path)
    assert result.code == 2 and len(result.error_lines) == 1
    assert result.err.startswith(
        f"cekura-results: error: cannot reach GitHub at {url} while asking who the token belongs "
        "to: ConnectError: "
    )


def test_a_pagination_link_to_another_host_is_refused(github: FakeGitHub, tmp_path: Path) -> None:
    with fake_github() as elsewhere:
        for text in ("a", "b", "c"):
            github.add(7, MALLORY, text)
        github.link_origin = elsewhere.origin
        result = comment(github, tmp=tmp_path)
        assert elsewhere.requests == []
    assert result.code == 2
    assert result.error_lines == [
        f"cekura-results: error: refusing to send the GitHub token to {elsewhere.origin}"
        f"/repos/o/r/issues/7/comments: GitHub linked outside {github.url} (GITHUB_API_URL)"
    ]
    assert not _ours(github)


def test_a_redirect_is_not_followed(github: FakeGitHub, tmp_path: Path) -> None:
    with fake_github() as elsewhere:
        github.fail[("GET", "/user")] = Reply(302, None, {"Location": f"{elsewhere.url}/user"})
        result = comment(github, tmp=tmp_path)
        assert elsewhere.requests == []
    assert result.code == 2
    assert result.error_lines == [
        f"cekura-results: error: GitHub answered 302 (a redirect to {elsewhere.url}/user) while "
        "asking who the token belongs to; redirects are not followed: point GITHUB_API_URL at "
        "the API itself"
    ]


def test_plain_http_off_loopback_is_refused_before_sending(tmp_path: Path) -> None:
    result = comment("http://github.example.com", tmp=tmp_path)
    assert (result.code, result.error_lines) == (2, [
        "cekura-results: error: refusing to send the GitHub token in cleartext to "
        "github.example.com: GITHUB_API_URL must be https:// (plain http only on loopback)"
    ])  # fmt: skip


def test_every_request_goes_to_the_configured_api(github: FakeGitHub, tmp_path: Path) -> None:
    for text in ("a", "b", "c", "d", "e"):
        github.add(7, MALLORY, text)
    assert comment(github, token=APP_TOKEN, tmp=tmp_path).code == 0
    assert comment(github, token=APP_TOKEN, body="again", tmp=tmp_path).code == 0
    assert {r.headers["host"] for r in github.requests} == {github.origin.removeprefix("http://")}
    assert len(github.requests) == 2 * (2 + 3 + 1)  # user, graphql, 3 pages, create | update


def test_the_client_refuses_links_off_its_origin() -> None:
    with GitHub(USER_TOKEN, "https://api.github.com") as client:
        with pytest.raises(GitHubError, match="refusing to send the GitHub token"):
            client._link("https://evil.example/repos/o/r/issues/7/comments?page=2")
        with pytest.raises(GitHubError, match="refusing to send the GitHub token"):
            client._link("http://api.github.com/repos/o/r/issues/7/comments?page=2")
        assert str(client._link("https://api.github.com/x?page=2")).endswith("/x?page=2")
