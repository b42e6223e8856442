"""The PR-comment step of the spec-diff workflow, against a fake GitHub API on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

TOKEN = "ghs_faketoken123"


class FakeGitHub(BaseHTTPRequestHandler):
    comments: ClassVar[list[dict[str, Any]]] = []
    calls: ClassVar[list[tuple[str, str, str]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict[str, Any]:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_GET(self) -> None:
        self.calls.append(("GET", self.path, self.headers.get("Authorization", "")))
        page = 2 if "page=2" in self.path else 1
        chunk = self.comments[(page - 1) * 2 : page * 2]  # two per page: exercise pagination
        links = {}
        if page * 2 < len(self.comments):
            links["Link"] = (
                f'<http://{self.headers["Host"]}/repos/o/r/issues/7/comments?per_page=100&page=2>; rel="next"'
            )
        self._reply(200, chunk, links)

    def do_POST(self) -> None:
        self.calls.append(("POST", self.path, self.headers.get("Authorization", "")))
        comment = {"id": 100 + len(self.comments), "body": self._body()["body"]}
        self.comments.append(comment)
        self._reply(201, comment)

    def do_PATCH(self) -> None:
        self.calls.append(("PATCH", self.path, self.headers.get("Authorization", "")))
        comment_id = int(self.path.rsplit("/", 1)[-1])
        for comment in self.comments:
            if comment["id"] == comment_id:
                comment["body"] = self._body()["body"]
        self._reply(200, {"id": comment_id})


@pytest.fixture
def github() -> Iterator[str]:
    FakeGitHub.comments = [
        {"id": 1, "body": "LGTM"},
        {"id": 2, "body": "nit"},
        {"id": 3, "body": "ok"},
    ]
    FakeGitHub.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def post(github: str, body_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cekura_spec_tools.pr_comment", "--repo", "o/r", "--pr", "7", "--body-file", str(body_file)],
        env={**os.environ, "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": github},
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_creates_once_then_updates_in_place(github: str, tmp_path: Path) -> None:
    report = tmp_path / "spec-diff.md"
    report.write_text("<!-- cekura-spec-diff -->\n## OpenAPI spec diff\nfirst")
    first = post(github, report)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "created comment 103 on o/r#7"
    report.write_text("<!-- cekura-spec-diff -->\n## OpenAPI spec diff\nsecond")
    second = post(github, report)
    assert second.stdout.strip() == "updated comment 103 on o/r#7"
    bodies = [c["body"] for c in FakeGitHub.comments]
    assert bodies[:3] == ["LGTM", "nit", "ok"] and len(bodies) == 4
    assert bodies[3].endswith("second")
    # the second run paged through the comments to find the marker
    assert [method for method, _, _ in FakeGitHub.calls] == [
        "GET",
        "GET",
        "POST",
        "GET",
        "GET",
        "PATCH",
    ]
    assert all(auth == f"Bearer {TOKEN}" for _, _, auth in FakeGitHub.calls)
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
    assert "make spec-diff BASE=origin/${{ github.base_ref }}" in workflow
    assert "cekura_spec_tools.pr_comment" in workflow
