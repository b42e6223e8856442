"""Open or update the ONE spec-update pull request, after ``make update-spec``:

    python -m cekura_spec_tools.spec_update_pr --repo OWNER/NAME --base main

* nothing changed under openapi/ or generated/: does nothing;
* the change is the one the pull request's branch already holds (same spec, same generated
  client): leaves the pull request alone;
* otherwise commits the change onto the branch (``spec-update``, rebuilt from the base each time
  and force-pushed), and opens the pull request or updates its title and body. The body is the
  spec-diff report (build/spec-update/report.md) with its facade-impact section first; the label
  ``breaking`` is set when the report counts breaking changes and removed when it no longer does
  (the informational section on operations upstream added next to the slice never counts).

Reads GITHUB_TOKEN (and GITHUB_API_URL, default https://api.github.com); the token is never
printed. Exit codes: 0 done (including "nothing to do"), 1 a git or GitHub error, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from .diff_report import GITHUB_BODY_LIMIT, MARKER, cap_body
from .github import github_client

BRANCH = "spec-update"
LABEL = "breaking"
PATHS = ("openapi", "generated")
REPORT = Path("build") / "spec-update" / "report.md"
REPORT_JSON = Path("build") / "spec-update" / "report.json"
_BOT = ["-c", "user.name=cekura-spec-update", "-c", "user.email=spec-update@users.noreply"]


class PullRequestError(Exception):
    pass


@dataclass(frozen=True)
class PullRequest:
    number: int
    labels: frozenset[str]


def _check(response: httpx.Response, action: str) -> httpx.Response:
    if response.status_code >= 400:
        raise PullRequestError(
            f"{action} failed: HTTP {response.status_code} {response.text[:200]}"
        )
    return response


def find_pull_request(
    client: httpx.Client, repo: str, base: str, branch: str
) -> PullRequest | None:
    owner = repo.split("/", 1)[0]
    response = _check(
        client.get(
            f"/repos/{repo}/pulls",
            params={"state": "open", "head": f"{owner}:{branch}", "base": base, "per_page": 100},
        ),
        "listing pull requests",
    )
    for pull in response.json():
        if (pull.get("head") or {}).get("ref") == branch:
            labels = frozenset(str(label.get("name")) for label in pull.get("labels") or [])
            return PullRequest(int(pull["number"]), labels)
    return None


def upsert_pull_request(
    client: httpx.Client,
    repo: str,
    *,
    base: str,
    branch: str,
    title: str,
    body: str,
    breaking: bool,
) -> tuple[str, int]:
    """Open the pull request or update it; set or clear the label. ("opened"|"updated", number)."""
    existing = find_pull_request(client, repo, base, branch)
    if existing is None:
        response = _check(
            client.post(
                f"/repos/{repo}/pulls",
                json={"title": title, "head": branch, "base": base, "body": body},
            ),
            "opening the pull request",
        )
        action, number, labels = "opened", int(response.json()["number"]), frozenset[str]()
    else:
        _check(
            client.patch(
                f"/repos/{repo}/pulls/{existing.number}", json={"title": title, "body": body}
            ),
            "updating the pull request",
        )
        action, number, labels = "updated", existing.number, existing.labels
    if breaking and LABEL not in labels:
        _check(
            client.post(f"/repos/{repo}/issues/{number}/labels", json={"labels": [LABEL]}),
            f"adding the label {LABEL!r}",
        )
    elif not breaking and LABEL in labels:
        response = client.delete(f"/repos/{repo}/issues/{number}/labels/{LABEL}")
        if response.status_code != 404:
            _check(response, f"removing the label {LABEL!r}")
    return action, number


#: Where the whole report is, for the note when the body is cut to GitHub's limit.
FULL_REPORT = (
    f"the full report is `{REPORT.as_posix()}` (and `{REPORT_JSON.as_posix()}`) "
    "written by `make update-spec`"
)


def pull_request_body(report_markdown: str) -> str:
    """The report with its facade-impact section moved to the top (under the marker), cut at
    whole lines to stay under GitHub's body limit."""
    return cap_body(_reordered(report_markdown), GITHUB_BODY_LIMIT - 2_000, FULL_REPORT)


def _reordered(report_markdown: str) -> str:
    lines = report_markdown.rstrip("\n").split("\n")
    rest = [line for line in lines if line != MARKER]
    try:
        start = rest.index("### Facade impact")
    except ValueError:
        return "\n".join([MARKER, *rest]) + "\n"
    end = next((i for i in range(start + 1, len(rest)) if rest[i].startswith("### ")), len(rest))
    impact = rest[start:end]
    while impact and not impact[-1].strip():
        impact.pop()
    return "\n".join([MARKER, *impact, "", *rest[:start], *rest[end:]]) + "\n"


def _git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise PullRequestError(f"git {' '.join(args)} failed: {proc.stderr.strip()[-500:]}")
    return proc.stdout.strip()


def _tree_id(root: Path, ref: str) -> str | None:
    """An ID of the spec and generated client at ``ref`` (None when the ref does not exist).
    The provenance record is left out: its date changes on every run."""
    parts = []
    for path in ("openapi/cekura.yaml", "generated"):
        proc = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{ref}:{path}"],
            cwd=root, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if proc.returncode != 0:
            return None
        parts.append(proc.stdout.strip())
    return " ".join(parts)


def commit_to_branch(root: Path, remote: str, branch: str, message: str) -> bool:
    """Commit the working tree's openapi/ and generated/ onto ``branch`` (from HEAD) and
    force-push it, unless the remote branch already holds the same spec and client.
    Returns whether the branch was pushed."""
    subprocess.run(
        ["git", "fetch", "--quiet", remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"],
        cwd=root,
        capture_output=True,
        check=False,
    )  # fmt: skip  (the branch may not exist yet)
    _git(root, "checkout", "--quiet", "-B", branch)
    _git(root, "add", "--all", "--", *PATHS)
    _git(root, *_BOT, "commit", "--quiet", "-m", message)
    if _tree_id(root, "HEAD") == _tree_id(root, f"refs/remotes/{remote}/{branch}"):
        return False
    _git(root, "push", "--quiet", "--force", remote, f"HEAD:refs/heads/{branch}")
    return True


def has_changes(root: Path) -> bool:
    return bool(_git(root, "status", "--porcelain", "--", *PATHS))


def run(
    root: Path,
    client: httpx.Client,
    *,
    repo: str,
    base: str,
    branch: str = BRANCH,
    remote: str = "origin",
) -> str:
    """The whole step; returns what was done, as one line."""
    if not has_changes(root):
        return "no spec change to propose; pull request left alone"
    try:
        body = pull_request_body((root / REPORT).read_text(encoding="utf-8"))
        breaking = int(json.loads((root / REPORT_JSON).read_text())["summary"]["breaking"])
    except (OSError, ValueError, KeyError) as exc:
        raise PullRequestError(
            f"cannot read the update-spec report under {REPORT.parent}: {exc}"
        ) from None
    title = "Update the vendored Cekura OpenAPI spec" + (
        f" ({breaking} breaking change{'s' if breaking != 1 else ''})" if breaking else ""
    )
    if not commit_to_branch(root, remote, branch, title):
        existing = find_pull_request(client, repo, base, branch)
        if existing is not None:
            return f"pull request #{existing.number} already proposes this spec; left alone"
    action, number = upsert_pull_request(
        client, repo, base=base, branch=branch, title=title, body=body, breaking=breaking > 0
    )
    label = f", labelled {LABEL!r}" if breaking else ""
    return f"{action} pull request #{number} from branch {branch}{label}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Open or update the spec-update pull request.")
    parser.add_argument("--repo", required=True, help="OWNER/NAME")
    parser.add_argument("--base", required=True, help="the branch the pull request targets")
    parser.add_argument("--branch", default=BRANCH)
    parser.add_argument("--remote", default="origin")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    client = github_client("spec_update_pr")
    if client is None:
        return 2
    try:
        with client:
            done = run(
                args.root, client, repo=args.repo, base=args.base, branch=args.branch,
                remote=args.remote,
            )  # fmt: skip
    except (PullRequestError, httpx.HTTPError) as exc:
        print(f"spec_update_pr: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"spec_update_pr: {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
