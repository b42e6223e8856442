"""The spec-update pull request (cekura_spec_tools.spec_update_pr) against a fake GitHub API on
loopback and real git repositories in a temp dir; and the whole scheduled flow end to end:
`make update-spec` against a loopback "upstream" serving two real upstream versions in turn, in a
temp clone of this project - the first run opens the pull request, the second updates it, the
third (no change) leaves it alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from cekura_spec_tools import spec_slice, spec_update_pr
from cekura_spec_tools.diff_report import MARKER, NEIGHBOURS_KEY, NEIGHBOURS_TITLE
from cekura_spec_tools.spec_io import decode_document, dump_yaml
from cekura_spec_tools.spec_update_pr import PullRequestError, pull_request_body
from tests.support.loopback import Behaviour, Recorded, json_response, loopback, respond

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT.parent / "shared" / "upstream-specs"
SPECS = sorted(UPSTREAM.glob("*.json")) if UPSTREAM.is_dir() else []
TOKEN = "ghs_faketoken456"


class FakeGitHub:
    """The pull-request calls spec_update_pr makes, answered on a loopback server."""

    pulls: ClassVar[list[dict[str, Any]]] = []
    calls: ClassVar[list[tuple[str, str]]] = []
    auth: ClassVar[set[str]] = set()
    fail_on: ClassVar[str | None] = None  # "METHOD" answered with HTTP 500

    @classmethod
    def _pull(cls, number: int) -> dict[str, Any]:
        return next(p for p in cls.pulls if p["number"] == number)

    @classmethod
    def handle(cls, request: Recorded) -> Behaviour:
        cls.calls.append((request.method, request.path))
        cls.auth.add(request.headers.get("authorization", ""))
        if cls.fail_on == request.method:
            return json_response(500, json.dumps({"message": "boom"}))
        if request.method == "GET":
            url = urlsplit(request.path)
            query = parse_qs(url.query)
            assert url.path == "/repos/o/r/pulls" and query["state"] == ["open"]
            owner, branch = query["head"][0].split(":")
            assert owner == "o"
            found = [p for p in cls.pulls if p["head"]["ref"] == branch and p["open"]]
            return json_response(200, json.dumps(found))
        if request.method == "POST" and request.path == "/repos/o/r/pulls":
            body = request.json()
            pull = {
                "number": 41 + len(cls.pulls),
                "head": {"ref": body["head"]},
                "base": {"ref": body["base"]},
                "title": body["title"],
                "body": body["body"],
                "labels": [],
                "open": True,
            }
            cls.pulls.append(pull)
            return json_response(201, json.dumps(pull))
        if request.method == "POST":  # /repos/o/r/issues/N/labels
            number = int(request.path.split("/")[-2])
            cls._pull(number)["labels"] += [{"name": n} for n in request.json()["labels"]]
            return json_response(200, json.dumps(cls._pull(number)["labels"]))
        if request.method == "PATCH":
            cls._pull(int(request.path.rsplit("/", 1)[-1])).update(request.json())
            return json_response(200, "{}")
        parts = request.path.split("/")  # DELETE /repos/o/r/issues/N/labels/NAME
        pull = cls._pull(int(parts[5]))
        before = len(pull["labels"])
        pull["labels"] = [label for label in pull["labels"] if label["name"] != parts[7]]
        return json_response(200 if len(pull["labels"]) < before else 404, "[]")


@pytest.fixture
def github() -> Iterator[str]:
    FakeGitHub.pulls, FakeGitHub.calls, FakeGitHub.auth, FakeGitHub.fail_on = [], [], set(), None
    with loopback(FakeGitHub.handle) as server:
        yield server.url


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return proc.stdout.strip()


REPORT = """<!-- cekura-spec-diff -->
## OpenAPI spec diff: `a` → `b`

**{breaking} breaking**, 1 non-breaking and 0 documentation-only changes.

### Facade impact
- **client.results.get** — non-breaking: `operation-moved` client.results.get moves from v1 to v2

### Breaking changes
None.
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A project checkout on main, with an origin remote holding main."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "--quiet", "--bare", str(origin))
    git(tmp_path, "init", "--quiet", str(work))
    for name, text in {
        "openapi/cekura.yaml": "openapi: 3.1.0 # seed\n",
        "openapi/cekura.provenance.json": '{"vendored_on": "2026-11-01"}\n',
        "generated/cekura_openapi/__init__.py": "# seed client\n",
        "README.md": "project\n",
    }.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    git(work, "add", ".")
    git(work, "commit", "--quiet", "-m", "seed")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "--quiet", "origin", "main")
    return work


def fresh_main(work: Path) -> None:
    """As a new CI run: a clean checkout of main."""
    git(work, "checkout", "--quiet", "--force", "main")
    git(work, "clean", "--quiet", "-fdx")


def simulate_update(
    work: Path, spec: str, date: str, breaking: int, neighbours: tuple[str, ...] = ()
) -> None:
    """What `make update-spec` leaves behind: a changed spec and client, and the report."""
    (work / "openapi/cekura.yaml").write_text(f"openapi: 3.1.0 # {spec}\n")
    provenance = {"vendored_on": date, "neighbours": list(neighbours)}
    (work / "openapi/cekura.provenance.json").write_text(json.dumps(provenance) + "\n")
    (work / "generated/cekura_openapi/__init__.py").write_text(f"# client of {spec}\n")
    report = work / "build" / "spec-update"
    report.mkdir(parents=True, exist_ok=True)
    (report / "report.md").write_text(REPORT.format(breaking=breaking))
    summary = {"summary": {"breaking": breaking}, NEIGHBOURS_KEY: {"added": list(neighbours)}}
    (report / "report.json").write_text(json.dumps(summary))


def run_pr(work: Path, github: str) -> str:
    with httpx.Client(base_url=github, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        return spec_update_pr.run(work, client, repo="o/r", base="main")


def origin_file(work: Path, path: str) -> str:
    return git(work, "show", f"origin/spec-update:{path}")


def test_body_puts_the_facade_impact_first() -> None:
    body = pull_request_body(REPORT.format(breaking=0))
    assert body.splitlines()[:4] == [
        MARKER,
        "### Facade impact",
        "- **client.results.get** — non-breaking: `operation-moved` client.results.get moves from v1 to v2",
        "",
    ]
    assert body.count(MARKER) == 1 and body.index("## OpenAPI spec diff") > body.index("moves")
    assert "### Breaking changes\nNone." in body


def test_the_neighbours_section_stays_in_the_body_and_never_labels() -> None:
    """What upstream added next to the slice is information: it stays in the body, after the
    facade impact, and a report with nothing breaking gets no label."""
    section = (
        f"### {NEIGHBOURS_TITLE}\n_Information only: ..._\n\n1 new since the last update "
        "(3 next to the slice in all):\n- `GET /test_framework/v2/results/{id}/summary/`\n"
    )
    report = REPORT.format(breaking=0) + "\n" + section
    body = pull_request_body(report)
    assert body.index("### Facade impact") < body.index(f"### {NEIGHBOURS_TITLE}")
    assert body.endswith(section)


def test_open_update_then_leave_alone(repo: Path, github: str) -> None:
    assert run_pr(repo, github) == "no spec change to propose; pull request left alone"
    assert FakeGitHub.calls == []

    simulate_update(repo, "A", "2026-11-02", breaking=2)
    assert (
        run_pr(repo, github)
        == "opened pull request #41 from branch spec-update, labelled 'breaking'"
    )
    (pull,) = FakeGitHub.pulls
    assert pull["title"] == "Update the vendored Cekura OpenAPI spec (2 breaking changes)"
    assert pull["body"].startswith(f"{MARKER}\n### Facade impact\n")
    assert (pull["head"]["ref"], pull["base"]["ref"]) == ("spec-update", "main")
    assert [label["name"] for label in pull["labels"]] == ["breaking"]
    assert origin_file(repo, "openapi/cekura.yaml") == "openapi: 3.1.0 # A"
    assert git(repo, "log", "--format=%s", "-1", "origin/spec-update") == pull["title"]
    assert git(repo, "rev-parse", "origin/spec-update~1") == git(repo, "rev-parse", "origin/main")

    fresh_main(repo)
    simulate_update(repo, "B", "2026-11-09", breaking=0)
    assert run_pr(repo, github) == "updated pull request #41 from branch spec-update"
    (pull,) = FakeGitHub.pulls
    assert pull["title"] == "Update the vendored Cekura OpenAPI spec"
    assert pull["labels"] == []  # no longer breaking
    assert origin_file(repo, "openapi/cekura.yaml") == "openapi: 3.1.0 # B"
    pushed = git(repo, "rev-parse", "origin/spec-update")

    calls = len(FakeGitHub.calls)
    fresh_main(repo)
    simulate_update(repo, "B", "2026-11-16", breaking=0)  # same spec, another day
    assert run_pr(repo, github) == "pull request #41 already proposes this spec; left alone"
    assert [m for m, _ in FakeGitHub.calls[calls:]] == ["GET"]
    assert git(repo, "ls-remote", "origin", "spec-update").split()[0] == pushed
    assert FakeGitHub.auth == {f"Bearer {TOKEN}"}


def test_new_neighbours_alone_neither_label_nor_title_the_pull_request(
    repo: Path, github: str
) -> None:
    simulate_update(repo, "A", "2026-11-02", breaking=0, neighbours=("GET /a/b/c/",))
    assert run_pr(repo, github) == "opened pull request #41 from branch spec-update"
    (pull,) = FakeGitHub.pulls
    assert pull["title"] == "Update the vendored Cekura OpenAPI spec" and pull["labels"] == []


def test_a_closed_pull_request_is_reopened_as_a_new_one(repo: Path, github: str) -> None:
    simulate_update(repo, "A", "2026-11-02", breaking=0)
    run_pr(repo, github)
    FakeGitHub.pulls[0]["open"] = False  # someone closed it; the branch still holds A
    fresh_main(repo)
    simulate_update(repo, "A", "2026-11-09", breaking=0)
    assert run_pr(repo, github) == "opened pull request #42 from branch spec-update"


def test_github_errors_are_reported(repo: Path, github: str) -> None:
    simulate_update(repo, "A", "2026-11-02", breaking=0)
    FakeGitHub.fail_on = "POST"
    with pytest.raises(
        PullRequestError,
        match=r'^opening the pull request failed: HTTP 500 \{"message": "boom"\}$',
    ):
        run_pr(repo, github)


def test_missing_report_is_an_error(repo: Path, github: str) -> None:
    simulate_update(repo, "A", "2026-11-02", breaking=0)
    shutil.rmtree(repo / "build")
    with pytest.raises(
        PullRequestError, match="^cannot read the update-spec report under build/spec-update: "
    ):
        run_pr(repo, github)


def cli(work: Path, github: str, token: str | None = TOKEN) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}
    env["GITHUB_API_URL"] = github
    if token:
        env["GITHUB_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "cekura_spec_tools.spec_update_pr", "--repo", "o/r", "--base", "main"],
        cwd=work, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_command_line(repo: Path, github: str) -> None:
    missing = cli(repo, github, token=None)
    assert missing.returncode == 2 and missing.stderr == "spec_update_pr: GITHUB_TOKEN is not set\n"
    simulate_update(repo, "A", "2026-11-02", breaking=1)
    FakeGitHub.fail_on = "GET"
    failed = cli(repo, github)
    assert failed.returncode == 1
    assert failed.stderr.startswith(
        "spec_update_pr: PullRequestError: listing pull requests failed: HTTP 500"
    )
    FakeGitHub.fail_on = None
    fresh_main(repo)
    simulate_update(repo, "A", "2026-11-02", breaking=1)
    done = cli(repo, github)
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout
        == "spec_update_pr: opened pull request #41 from branch spec-update, labelled 'breaking'\n"
    )
    assert TOKEN not in failed.stdout + failed.stderr + done.stdout + done.stderr


# --- end to end: make update-spec + the pull request, against a loopback upstream -----------------


class _Upstream:
    spec: ClassVar[bytes] = b""

    @classmethod
    def handle(cls, request: Recorded) -> Behaviour:
        return respond(200, cls.spec) if request.path == "/openapi.json" else respond(404)


@pytest.fixture
def upstream() -> Iterator[str]:
    with loopback(_Upstream.handle) as server:
        yield f"{server.url}/openapi.json"


def make_update_spec(work: Path, source: str) -> subprocess.CompletedProcess[str]:
    """`make update-spec SRC=...` in the clone, with this checkout's installed .venv."""
    venv = Path(sys.executable).parent.parent
    return subprocess.run(
        ["make", "--no-print-directory", "-o", f"{venv}/.installed", "update-spec",
         f"VENV={venv}", f"SRC={source}"],
        cwd=work, capture_output=True, text=True, check=False,
    )  # fmt: skip


def _two_versions_to_propose(
    declared: tuple[tuple[str, str], ...], vendored: Path
) -> tuple[Path, Path]:
    """The newest two real consecutive versions whose slices differ from each other and from the
    project's (upstream often changes nothing inside the slice from one version to the next)."""
    slices = [
        dump_yaml(spec_slice.cut(json.loads(spec.read_bytes()), declared).document).encode()
        for spec in SPECS
    ]
    current = vendored.read_bytes()
    for index in range(len(SPECS) - 1, 0, -1):
        if len({slices[index - 1], slices[index], current}) == 3:
            return SPECS[index - 1], SPECS[index]
    pytest.fail("no two consecutive upstream versions differ inside the slice")


@pytest.mark.slow
@pytest.mark.skipif(len(SPECS) < 2, reason=f"{UPSTREAM} is absent: no upstream specs to test with")
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_scheduled_flow_end_to_end(tmp_path: Path, github: str, upstream: str) -> None:
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "clone", "--quiet", "--bare", str(ROOT), str(origin))
    git(tmp_path, "clone", "--quiet", str(origin), str(work))
    git(work, "checkout", "--quiet", "-B", "main")
    # This checkout as the project's main: HEAD plus its uncommitted and new files (the tools
    # and the facade come from this working tree anyway, through the editable install).
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        target = work / name
        if (ROOT / name).is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
        elif target.is_file():  # deleted here, not yet committed
            target.unlink()
    git(work, "add", "--all")
    git(work, "commit", "--quiet", "--allow-empty", "-m", "this checkout")
    git(work, "push", "--quiet", "--force", "origin", "main")
    declared = spec_slice.read_operations(work / "openapi" / "operations.txt")
    first, second = _two_versions_to_propose(declared, work / "openapi" / "cekura.yaml")

    def scheduled_run(spec: Path) -> tuple[subprocess.CompletedProcess[str], str]:
        fresh_main(work)
        _Upstream.spec = spec.read_bytes()
        update = make_update_spec(work, upstream)
        assert update.returncode == 0, update.stderr[-2000:]
        return update, run_pr(work, github)

    update, done = scheduled_run(first)
    assert (
        "update-spec: updated openapi/cekura.yaml and generated/cekura_openapi from"
        in update.stdout
    )
    report = json.loads((work / "build/spec-update/report.json").read_text())
    breaking = report["summary"]["breaking"] > 0
    assert done == "opened pull request #41 from branch spec-update" + (
        ", labelled 'breaking'" if breaking else ""
    )
    (pull,) = FakeGitHub.pulls
    assert pull["body"].startswith(f"{MARKER}\n### Facade impact\n")
    assert f"→ `{upstream}`" in pull["body"]
    assert ({"name": "breaking"} in pull["labels"]) == breaking
    first_push = git(work, "rev-parse", "origin/spec-update")

    update, done = scheduled_run(second)
    assert done.startswith("updated pull request #41 from branch spec-update")
    assert git(work, "rev-parse", "origin/spec-update") != first_push
    second_push = git(work, "rev-parse", "origin/spec-update")
    spec_on_branch = git(work, "show", "origin/spec-update:openapi/cekura.yaml")
    expected = spec_slice.cut(json.loads(second.read_bytes()), declared).document
    assert decode_document(spec_on_branch.encode())[0] == expected
    assert len(FakeGitHub.pulls) == 1

    calls = len(FakeGitHub.calls)
    update, done = scheduled_run(second)  # upstream unchanged
    assert done == "pull request #41 already proposes this spec; left alone"
    assert [m for m, _ in FakeGitHub.calls[calls:]] == ["GET"]
    assert git(work, "rev-parse", "origin/spec-update") == second_push
    # the project's own main was never touched
    assert git(work, "rev-parse", "origin/main") == git(
        tmp_path / "origin.git", "rev-parse", "main"
    )
