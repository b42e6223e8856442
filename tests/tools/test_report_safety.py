"""The spec-diff report and the PR scripts against hostile or huge specs, and the PR comment
against other people's comments (a fake GitHub API on loopback)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from cekura_spec_tools.diff_report import (
    MARKER,
    GeneratedNames,
    Neighbours,
    build_report,
    to_markdown,
)
from cekura_spec_tools.pr_comment import upsert_comment
from cekura_spec_tools.spec_update_pr import pull_request_body
from tests.support.loopback import Behaviour, Recorded, json_response, loopback, respond

GITHUB_LIMIT = 65_536
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
#: Everything a reviewer must not be fooled by, in one string.
HOSTILE = (
    "x<!-- hidden `tick`` @octocat ![i](http://evil.example/i.png) [c](javascript:alert(1)) "
    "https://evil.example/p www.evil.example <img src=x onerror=alert(1)> \u202egnp.exe\u202c "
    "#123 |cell| *em* _em_\n\n### Breaking changes\nNone. @evil-team -->"
)


def _doc(paths: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _op(schema: str, op_id: str = "get_thing") -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {
        "get": {
            "operationId": op_id,
            "responses": {"200": {"content": {"application/json": {"schema": ref}}}},
        }
    }


def hostile_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    thing = {
        "type": "object",
        "description": "plain",
        "properties": {"size": {"type": "integer", "format": "int32"}, "kind": {"type": "string", "enum": ["a"]}},
    }  # fmt: skip
    old = _doc(
        {"/things/": _op("Thing"), "/real-removed/": _op("Thing", "real_removed")},
        {"Thing": thing},
    )
    new = json.loads(json.dumps(old))
    del new["paths"]["/real-removed/"]  # the real breaking change
    props = new["components"]["schemas"]["Thing"]["properties"]
    props["size"]["format"] = HOSTILE  # format-changed (breaking), spec text in the message
    props["kind"]["enum"] += [HOSTILE, "b"]  # enum value added
    props[HOSTILE] = {"type": "string"}  # property name
    new["components"]["schemas"]["Thing"]["description"] = HOSTILE
    new["components"]["schemas"][HOSTILE] = {"type": "string"}  # schema name
    new["paths"]["/x" + HOSTILE] = _op("Thing", HOSTILE)  # path, operationId
    return old, new


def assert_safe(markdown: str) -> None:
    assert markdown.count("<!--") == 1 and markdown.startswith(MARKER)  # only the marker
    ours = re.sub(r"</?(details|summary)>", "", markdown.replace(MARKER, ""))  # the report's own
    assert not re.search(r"<(?!U\+)[A-Za-z/!?]", ours), "an HTML tag or comment"
    assert not re.search(r"@[A-Za-z0-9]", markdown), "a raw @mention"
    assert "![" not in markdown and "](" not in markdown, "image or link syntax"
    text = re.sub(r"(`+).*?\1", "", markdown)  # a code span never autolinks
    assert not re.search(r"(?i)https?://|www\.", text), "a bare URL"
    assert not re.search(r"(?<![&\w])#[0-9]", text), "an issue reference"
    assert not BIDI & set(markdown), "a raw bidi control"
    assert markdown.count("\n### Breaking changes\n") == 1


def breaking_section(markdown: str) -> str:
    return markdown.split("\n### Breaking changes\n", 1)[1].split("\n### ", 1)[0]


def test_hostile_spec_text_is_escaped_everywhere() -> None:
    old, new = hostile_pair()
    generated = (
        GeneratedNames({"GET /things/": "api.default.get_thing"}, {"Thing"}),
        GeneratedNames(
            {"GET /things/": f"api.default.{HOSTILE}", f"GET /x{HOSTILE}": f"api.x.{HOSTILE}"},
            {"Thing", HOSTILE},
        ),
    )
    report = build_report(
        old,
        new,
        old_label="main" + HOSTILE,
        new_label="new",
        generated_names=generated,
        neighbours=Neighbours([f"GET /things/{HOSTILE}"], 1),
    )
    kinds = {c.kind for c in report.diff.changes}
    assert {"format-changed", "enum-value-added", "property-added", "operation-added"} <= kinds
    markdown = to_markdown(report)
    for text in (markdown, pull_request_body(markdown)):
        assert_safe(text)
        section = breaking_section(text)
        assert "GET /real-removed/: operation removed" in section
        assert "None." not in section.split("\n")[0]
    # the hostile text is still shown, visibly (bidi controls named, not applied)
    assert "<U+202E>" in markdown.replace("&lt;", "<")
    assert "\\n" in markdown or "<U+000A>" in markdown.replace("&lt;", "<")


def _enum_pair(count: int) -> tuple[dict[str, Any], dict[str, Any]]:
    old = _doc(
        {"/things/": _op("Thing")},
        {"Thing": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["a"]}}}},
    )
    new = json.loads(json.dumps(old))
    new["components"]["schemas"]["Thing"]["properties"]["kind"]["enum"] += [
        f"value-{i:05d}-{'v' * 20}" for i in range(count)
    ]
    return old, new


def _long_names_pair() -> tuple[dict[str, Any], dict[str, Any]]:
    old = _doc({"/things/": _op("Thing")}, {"Thing": {"type": "object", "properties": {}}})
    new = json.loads(json.dumps(old))
    for i in range(30):
        name = f"N{i}" + "n" * 50_000
        new["components"]["schemas"][name] = {"type": "string"}
        new["components"]["schemas"]["Thing"]["properties"][name] = {"type": "string"}
        new["paths"][f"/{name}/"] = _op("Thing", name)
    del new["paths"]["/things/"]  # breaking
    return old, new


@pytest.mark.parametrize("pair", [lambda: _enum_pair(5_000), _long_names_pair])
def test_huge_reports_fit_githubs_limit(pair: Any) -> None:
    old, new = pair()
    report = build_report(old, new, old_label="a", new_label="b", with_generated=False)
    markdown = to_markdown(report)
    for text in (markdown, pull_request_body(markdown)):
        assert len(text) < GITHUB_LIMIT
        assert max(len(line) for line in text.split("\n")) <= 4_000
        assert "### Breaking changes" in text


def test_enum_lists_are_summarised() -> None:
    markdown = to_markdown(
        build_report(*_enum_pair(5_000), old_label="a", new_label="b", with_generated=False)
    )
    line = next(line for line in markdown.split("\n") if "enum-value-added" in line)
    assert "5,000 values added, first 20:" in line and "value-00019" in line
    assert "value-00020" not in line


def test_a_body_over_the_limit_is_cut_at_lines_with_a_note() -> None:
    lines = [f"- item {i} " + "y" * 300 for i in range(1_000)]
    markdown = "\n".join([MARKER, "### Facade impact", "None.", "", "### Breaking changes", *lines])
    body = pull_request_body(markdown)
    assert len(body) < GITHUB_LIMIT
    kept = [line for line in body.split("\n") if line.startswith("- item")]
    assert kept and all(line in lines for line in kept)  # whole lines only
    assert "left out" in body and "report.json" in body


# -- the PR comment: never another account's comment ----------------------------------------


class FakeGitHub:
    """Comments with authors; /user answers as ``user_status`` says; GraphQL as ``viewer``."""

    def __init__(self, user_status: int = 200, viewer: dict[str, Any] | None = None) -> None:
        self.me = {"login": "spec-bot", "id": 42}
        self.user_status = user_status
        self.viewer = viewer
        self.comments: list[dict[str, Any]] = [
            {"id": 1, "body": f"{MARKER}\nquoted by a stranger", "user": {"login": "mallory", "id": 666}},
            {"id": 2, "body": "LGTM", "user": {"login": "alice", "id": 7}},
        ]  # fmt: skip
        self.calls: list[tuple[str, str]] = []

    def __call__(self, request: Recorded) -> Behaviour:
        self.calls.append((request.method, request.path))
        if request.path == "/user":
            if self.user_status != 200:
                return json_response(self.user_status, '{"message": "Resource not accessible"}')
            return json_response(200, json.dumps(self.me))
        if request.path == "/graphql":
            if self.viewer is None:
                return respond(502, "bad gateway")
            return json_response(200, json.dumps({"data": {"viewer": self.viewer}}))
        if request.method == "GET":
            return json_response(200, json.dumps(self.comments))
        if request.method == "POST":
            comment = {"id": 100 + len(self.comments), "body": request.json()["body"]}
            comment["user"] = {"login": "github-actions[bot]", "id": 41898282}
            if self.user_status == 200:
                comment["user"] = dict(self.me)
            self.comments.append(comment)
            return json_response(201, json.dumps(comment))
        comment_id = int(request.path.rsplit("/", 1)[-1])
        for comment in self.comments:
            if comment["id"] == comment_id:
                comment["body"] = request.json()["body"]
        return json_response(200, json.dumps({"id": comment_id}))


@pytest.fixture
def fake() -> FakeGitHub:
    return FakeGitHub()


def _client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": "Bearer t"}, timeout=10)


@pytest.fixture
def api(fake: FakeGitHub) -> Iterator[str]:
    with loopback(fake) as server:
        yield server.url


def _bodies(fake: FakeGitHub) -> dict[int, str]:
    return {c["id"]: c["body"] for c in fake.comments}


def test_a_strangers_comment_with_the_marker_is_never_edited(api: str, fake: FakeGitHub) -> None:
    with _client(api) as client:
        assert upsert_comment(client, "o/r", 7, f"{MARKER}\nfirst") == ("created", 102)
        assert upsert_comment(client, "o/r", 7, f"{MARKER}\nsecond") == ("updated", 102)
    bodies = _bodies(fake)
    assert bodies[1] == f"{MARKER}\nquoted by a stranger" and bodies[102].endswith("second")
    assert ("PATCH", "/repos/o/r/issues/comments/1") not in fake.calls


def test_installation_tokens_are_identified_by_graphql(api: str, fake: FakeGitHub) -> None:
    fake.user_status = 403
    fake.viewer = {"login": "github-actions", "databaseId": 41898282}
    with _client(api) as client:
        assert upsert_comment(client, "o/r", 7, f"{MARKER}\nfirst")[0] == "created"
        assert upsert_comment(client, "o/r", 7, f"{MARKER}\nsecond") == ("updated", 102)
    assert _bodies(fake)[1].endswith("stranger")
    assert ("POST", "/graphql") in fake.calls


def test_unknown_identity_creates_rather_than_edits(api: str, fake: FakeGitHub) -> None:
    fake.user_status = 403  # and no GraphQL answer
    with _client(api) as client:
        assert upsert_comment(client, "o/r", 7, f"{MARKER}\nfirst") == ("created", 102)
        assert upsert_comment(client, "o/r", 7, f"{MARKER}\nsecond") == ("created", 103)
    assert not any(method == "PATCH" for method, _ in fake.calls)
    assert _bodies(fake)[1].endswith("stranger")


def test_a_huge_comment_is_capped(api: str, fake: FakeGitHub) -> None:
    body = MARKER + "\n" + "\n".join(f"- line {i} " + "z" * 200 for i in range(2_000))
    with _client(api) as client:
        upsert_comment(client, "o/r", 7, body)
    posted = fake.comments[-1]["body"]
    assert len(posted) < GITHUB_LIMIT and "left out" in posted
    assert all(line in body.split("\n") for line in posted.split("\n")[:-3] if line)


def test_graphql_url_is_on_the_same_api_host() -> None:
    from cekura_spec_tools.github import graphql_url

    assert graphql_url("https://api.github.com") == "https://api.github.com/graphql"
    assert graphql_url("https://ghe.example/api/v3/") == "https://ghe.example/api/graphql"
    assert graphql_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080/graphql"
