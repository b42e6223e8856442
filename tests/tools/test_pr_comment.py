"""The PR-comment step of the spec-diff workflow, against a fake GitHub API on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.loopback import Behaviour, Recorded, json_response, loopback

TOKEN = "ghs_faketoken123"
BOT = {"login": "spec-bot", "id": 42}


class FakeGitHub:
    """The calls pr_comment makes: who the token is (``GET /user``), list comments (two a page),
    create, update. Comments carry their author, as GitHub's do."""

    def __init__(self) -> None:
        self.comments: list[dict[str, Any]] = [
            {"id": 1, "body": "LGTM"},
            {"id": 2, "body": "nit"},
            {"id": 3, "body": "ok"},
        ]
        self.calls: list[tuple[str, str, str]] = []

    def __call__(self, request: Recorded) -> Behaviour:
        self.calls.append((request.method, request.path, request.headers.get("authorization", "")))
        if request.path == "/user":
            return json_response(200, json.dumps(BOT))
        if request.method == "GET":
            page = 2 if "page=2" in request.path else 1
            chunk = self.comments[(page - 1) * 2 : page * 2]  # two per page: exercise pagination
            links = {}
            if page * 2 < len(self.comments):
                links["Link"] = (
                    f'<http://{request.headers["host"]}/repos/o/r/issues/7/comments?per_page=100&page=2>; rel="next"'
                )
            return json_response(200, json.dumps(chunk), links)
        if request.method == "POST":
            comment = {"id": 100 + len(self.comments), "body": request.json()["body"], "user": BOT}
            self.comments.append(comment)
            return json_response(201, json.dumps(comment))
        comment_id = int(request.path.rsplit("/", 1)[-1])
        for comment in self.comments:
            if comment["id"] == comment_id:
                comment["body"] = request.json()["body"]
        return json_response(200, json.dumps({"id": comment_id}))


@pytest.fixture
def fake_github() -> FakeGitHub:
    return FakeGitHub()


@pytest.fixture
def github(fake_github: FakeGitHub) -> Iterator[str]:
    with loopback(fake_github) as server:
        yield server.url


def post(github: str, body_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cekura_spec_tools.pr_comment", "--repo", "o/r", "--pr", "7", "--body-file", str(body_file)],
        env={**os.environ, "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": github},
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_creates_once_then_updates_in_place(
    github: str, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    report = tmp_path / "spec-diff.md"
    report.write_text("<!-- cekura-spec-diff -->\n## OpenAPI spec diff\nfirst")
    first = post(github, report)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "created comment 103 on o/r#7"
    report.write_text("<!-- cekura-spec-diff -->\n## OpenAPI spec diff\nsecond")
    second = post(github, report)
    assert second.stdout.strip() == "updated comment 103 on o/r#7"
    bodies = [c["body"] for c in fake_github.comments]
    assert bodies[:3] == ["LGTM", "nit", "ok"] and len(bodies) == 4
    assert bodies[3].endswith("second")
    # each run asks who the token is; the second paged through the comments to find its own
    assert [(method, path.split("?")[0]) for method, path, _ in fake_github.calls] == [
        ("GET", "/user"),
        ("GET", "/repos/o/r/issues/7/comments"),
        ("GET", "/repos/o/r/issues/7/comments"),
        ("POST", "/repos/o/r/issues/7/comments"),
        ("GET", "/user"),
        ("GET", "/repos/o/r/issues/7/comments"),
        ("GET", "/repos/o/r/issues/7/comments"),
        ("PATCH", "/repos/o/r/issues/comments/103"),
    ]
    assert all(auth == f"Bearer {TOKEN}" for _, _, auth in fake_github.calls)
    assert TOKEN not in first.stdout + first.stderr + second.stdout + second.stderr


def test_missing_token(tmp_path: Path) -> None:
    (tmp_path / "r.md").write_text("x")
    proc = subprocess.run(
        [sys.executable, "-m", "cekura_spec_tools.pr_comment", "--repo", "o/r", "--pr", "1", "--body-file", str(tmp_path / "r.md")],
        env={k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2 and "GITHUB_TOKEN is not set" in proc.stderr


def test_workflow_keeps_logic_in_scripts() -> None:
    workflow = (
        Path(__file__).resolve().parents[2] / ".github" / "workflows" / "spec-diff.yml"
    ).read_text()
    assert 'paths:\n      - "openapi/**"' in workflow
    assert "make check-generated" in workflow
    assert 'make spec-diff BASE="origin/$BASE_REF"' in workflow
    assert "cekura_spec_tools.pr_comment" in workflow


def test_another_users_comment_with_the_marker_is_left_alone(
    github: str, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    stranger = {
        "id": 4,
        "body": "<!-- cekura-spec-diff -->\nquoted",
        "user": {"login": "eve", "id": 9},
    }
    fake_github.comments.append(stranger)
    report = tmp_path / "spec-diff.md"
    report.write_text("<!-- cekura-spec-diff -->\nours")
    proc = post(github, report)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "created comment 104 on o/r#7"
    assert fake_github.comments[3]["body"] == "<!-- cekura-spec-diff -->\nquoted"
    assert not any(method == "PATCH" for method, _, _ in fake_github.calls)
