"""Post the spec-diff report as one pull-request comment, updated in place on later pushes.

    python -m cekura_spec_tools.pr_comment --repo OWNER/NAME --pr N --body-file spec-diff.md

Reads GITHUB_TOKEN (and GITHUB_API_URL, default https://api.github.com). The comment is found by
the marker the report starts with AND its author being the token's own account (``GET /user``,
or GraphQL ``viewer`` for installation tokens), so re-runs edit it instead of adding another and
never edit someone else's comment that quotes the marker; when the account cannot be told, a new
comment is created. A body over GitHub's limit is cut at whole lines, with a note. The token is
never printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx

from .diff_report import GITHUB_BODY_LIMIT, MARKER, cap_body
from .github import Identity, github_client, token_identity


class CommentError(Exception):
    pass


def _check(response: httpx.Response, action: str) -> httpx.Response:
    if response.status_code >= 400:
        raise CommentError(f"{action} failed: HTTP {response.status_code} {response.text[:200]}")
    return response


def find_comment(client: httpx.Client, repo: str, pr: int, me: Identity) -> int | None:
    """The ID of ``me``'s existing report comment on the pull request, if any (all pages)."""
    url: str | None = f"/repos/{repo}/issues/{pr}/comments?per_page=100"
    while url:
        response = _check(client.get(url), "listing comments")
        for comment in response.json():
            if MARKER in (comment.get("body") or "") and me.wrote(comment):
                return int(comment["id"])
        url = response.links.get("next", {}).get("url")
    return None


def upsert_comment(
    client: httpx.Client, repo: str, pr: int, body: str, *, full_report: str = "the body file"
) -> tuple[str, int]:
    """Create the report comment or update the token's own; ("created"|"updated", comment id)."""
    if MARKER not in body:
        body = f"{MARKER}\n{body}"
    body = cap_body(body, GITHUB_BODY_LIMIT - 2_000, f"the full report is {full_report}")
    me = token_identity(client)
    existing = None if me is None else find_comment(client, repo, pr, me)
    if existing is None:
        response = _check(
            client.post(f"/repos/{repo}/issues/{pr}/comments", json={"body": body}),
            "creating the comment",
        )
        return "created", int(response.json()["id"])
    _check(
        client.patch(f"/repos/{repo}/issues/comments/{existing}", json={"body": body}),
        "updating the comment",
    )
    return "updated", existing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Post or update the spec-diff PR comment.")
    parser.add_argument("--repo", required=True, help="OWNER/NAME")
    parser.add_argument("--pr", type=int, required=True)
    parser.add_argument("--body-file", type=Path, required=True)
    args = parser.parse_args(argv)
    client = github_client("pr_comment")
    if client is None:
        return 2
    try:
        with client:
            action, comment_id = upsert_comment(
                client, args.repo, args.pr, args.body_file.read_text(encoding="utf-8"),
                full_report=f"`{args.body_file.name}` (the spec-diff workflow's output)",
            )  # fmt: skip
    except (CommentError, httpx.HTTPError, OSError) as exc:
        print(f"pr_comment: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"{action} comment {comment_id} on {args.repo}#{args.pr}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
