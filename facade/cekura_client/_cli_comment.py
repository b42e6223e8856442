"""``cekura-results comment``: post a report (Markdown another step wrote, e.g. ``gate
--markdown``) as ONE pull-request comment, and edit that comment in place on later runs.

    cekura-results comment --body-file cekura.md [--pr N] [--repo OWNER/NAME] [--key NAME]
                           [--link "Cekura dashboard=https://..."]...

The comment is found by a hidden first line (``<!-- cekura-results:comment -->``, or
``<!-- cekura-results:comment:NAME -->`` with ``--key NAME``, for several suites on one pull
request) AND by its author being the token's own account; another account's comment with the
same marker is never edited (``_github.py`` says how the account is found). Only argparse is
imported here; the HTTP client is imported when the command runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from typing import Any, Final, Protocol

from ._cli_options import EXIT_ERROR, EXIT_OK, PROG

__all__ = ["add_comment_command", "comment_command"]

_REPO: Final = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
#: Bodies are capped at GitHub's limit anyway; a larger file is not a report.
_MAX_BODY_BYTES: Final = 16 * 1024 * 1024

_DESCRIPTION = """\
Post the Markdown in --body-file as one comment on a pull request, and update that same comment
on later runs (found by a hidden marker and by its author being the token's own account: another
account's comment is never edited). A body past GitHub's 65,536-character limit is cut, with a
note. In GitHub Actions the pull request and the repository come from the event.
"""

_EPILOG = """\
environment:
  GITHUB_TOKEN        the token to post with (required; needs pull-requests: write)
  GITHUB_API_URL      the GitHub API (default https://api.github.com); no other host is contacted
  GITHUB_REPOSITORY   OWNER/NAME when --repo is not given
  GITHUB_EVENT_PATH   the event whose pull request is commented on when --pr is not given
  GITHUB_OUTPUT       comment_id= and comment_url= are appended to it when set

exit codes: 0 posted (created, updated or unchanged) · 2 a missing token, an API, network or file
error
"""


class _Printer(Protocol):
    """The CLI's printer (``cli.Printer``): ``line`` escapes control characters in each line,
    ``error`` prints exactly one line."""

    def line(self, text: str) -> None: ...

    def error(self, text: str) -> None: ...

    def write(self, text: str, /) -> object: ...


class _Refused(Exception):
    """A usage or environment problem found before anything is sent (exit 2)."""


def _pr_number(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) <= 0 or len(text) > 9:
        raise argparse.ArgumentTypeError(f"not a pull request number: {text!r}")
    return int(text)


def _repo(text: str) -> str:
    if not _REPO.fullmatch(text) or ".." in text:
        raise argparse.ArgumentTypeError(f"not a repository (OWNER/NAME): {text!r}")
    return text


#: A link's label: short, one line, nothing Markdown would read as markup.
_LABEL: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/-]{0,39}")


def _link(text: str) -> tuple[str, str]:
    """``LABEL=URL``: an http(s) URL without spaces, quotes or brackets that would end a
    Markdown link early, and a plain label."""
    label, sep, url = text.partition("=")
    if not sep or not _LABEL.fullmatch(label):
        raise argparse.ArgumentTypeError(
            f"a link is LABEL=URL, with a label of letters, digits, spaces and ._/- (at most 40 "
            f"characters): {text!r}"
        )
    if not re.fullmatch(r"https?://[^\s<>()\[\]\"'`]+", url) or len(url) > 2000:
        raise argparse.ArgumentTypeError(
            f"a link's URL is http:// or https:// without spaces, quotes or brackets: {url!r}"
        )
    return label, url


def _key(text: str) -> str:
    from ._github import check_key  # noqa: PLC0415  (httpx is not imported for --help)

    try:
        return check_key(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_comment_command(
    command: Callable[[str, str], argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add ``comment``; ``command(name, help)`` makes a subparser (the CLI's factory, which
    adds the global options). Returns the subparser."""
    sub = command("comment", "post a report as one pull-request comment, updated on later runs")
    sub.formatter_class = argparse.RawDescriptionHelpFormatter
    sub.description = _DESCRIPTION
    sub.epilog = _EPILOG
    sub.add_argument(
        "--body-file",
        required=True,
        metavar="FILE",
        help="the Markdown to post, e.g. gate's --markdown report ('-': standard input)",
    )
    sub.add_argument(
        "--pr",
        type=_pr_number,
        metavar="N",
        help="the pull request (default: the one in $GITHUB_EVENT_PATH)",
    )
    sub.add_argument(
        "--repo",
        type=_repo,
        metavar="OWNER/NAME",
        help="the repository (default: $GITHUB_REPOSITORY)",
    )
    sub.add_argument(
        "--key",
        type=_key,
        metavar="NAME",
        help="one comment per NAME (several suites on one pull request); default: one comment",
    )
    sub.add_argument(
        "--link",
        type=_link,
        action="append",
        default=[],
        metavar="LABEL=URL",
        help="add a link under the comment (repeatable): the result in Cekura's dashboard, the "
        "HTML report's artifact (actions/upload-artifact's artifact-url output)",
    )
    return sub


def _read_event() -> tuple[dict[str, Any], str]:
    """The event payload GitHub Actions wrote ($GITHUB_EVENT_PATH) and its name, or ({}, "")."""
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path:
        return {}, ""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise _Refused(f"cannot read $GITHUB_EVENT_PATH ({path}): {reason}") from None
    return (data if isinstance(data, dict) else {}), os.environ.get("GITHUB_EVENT_NAME", "")


def _event_pr(event: dict[str, Any]) -> int | None:
    """The pull request an event is about: ``pull_request``/``pull_request_target`` (and
    review events) carry ``pull_request``; ``issue_comment`` on a pull request carries an
    ``issue`` with a ``pull_request`` key."""
    pull = event.get("pull_request")
    if isinstance(pull, dict) and isinstance(pull.get("number"), int):
        return int(pull["number"])
    issue = event.get("issue")
    if isinstance(issue, dict) and "pull_request" in issue and isinstance(issue.get("number"), int):
        return int(issue["number"])
    return None


def _target(args: argparse.Namespace) -> tuple[str, int, dict[str, Any]]:
    event, event_name = _read_event()
    repo = args.repo or os.environ.get("GITHUB_REPOSITORY", "")
    if not repo:
        raise _Refused("no repository: pass --repo OWNER/NAME (or set $GITHUB_REPOSITORY)")
    try:
        repo = _repo(repo)
    except argparse.ArgumentTypeError:
        raise _Refused(f"$GITHUB_REPOSITORY is not OWNER/NAME: {repo!r}") from None
    number = args.pr if args.pr is not None else _event_pr(event)
    if number is None:
        where = (
            f"the {event_name or 'current'} event in $GITHUB_EVENT_PATH is not about a pull request"
            if event
            else "$GITHUB_EVENT_PATH is not set"
        )
        raise _Refused(f"no pull request: pass --pr N ({where})")
    return repo, number, event


def _read_body(path: str) -> str:
    try:
        if path == "-":
            data = sys.stdin.buffer.read(_MAX_BODY_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(_MAX_BODY_BYTES + 1)
    except OSError as exc:
        raise _Refused(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > _MAX_BODY_BYTES:
        raise _Refused(f"{path} is larger than {_MAX_BODY_BYTES // (1024 * 1024)} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Refused(f"{path} is not UTF-8 text") from None
    if not text.strip():
        raise _Refused(f"{path} is empty: nothing to post")
    return text


def _footer(event: dict[str, Any], links: list[tuple[str, str]]) -> str:
    """In GitHub Actions: which commit the comment reflects and a link to the run (a sticky
    comment is edited on every push, so it says which one it is about); then the ``--link``
    links."""
    server = os.environ.get("GITHUB_SERVER_URL", "")
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    run_id = os.environ.get("GITHUB_RUN_ID", "")
    pull = event.get("pull_request")
    head = pull.get("head") if isinstance(pull, dict) else None
    sha = head.get("sha") if isinstance(head, dict) else None
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{40}", sha):
        sha = os.environ.get("GITHUB_SHA", "")
    parts: list[str] = []
    if re.fullmatch(r"[0-9a-f]{40}", sha):
        parts.append(f"commit `{sha[:7]}`")
    if (
        re.fullmatch(r"https?://[A-Za-z0-9.:-]+", server)
        and _REPO.fullmatch(repo)
        and run_id.isascii()
        and run_id.isdigit()
    ):
        parts.append(f"[workflow run]({server}/{repo}/actions/runs/{run_id})")
    parts += [f"[{label}]({url})" for label, url in links]
    return f"\n<sub>cekura-results · {' · '.join(parts)}</sub>\n" if parts else ""


def comment_command(args: argparse.Namespace, out: _Printer, err: _Printer) -> int:
    """Run ``comment``: 0 when the comment was created, updated or already up to date; 2 (with
    one line on stderr) otherwise."""
    from ._github import DEFAULT_API_URL, GitHub, GitHubError, comment_body  # noqa: PLC0415

    token = os.environ.get("GITHUB_TOKEN", "").strip()
    try:
        if not token:
            raise _Refused(
                "GITHUB_TOKEN is not set: the comment is posted with it (in a workflow: "
                "`env: GITHUB_TOKEN: ${{ github.token }}` and `permissions: pull-requests: write`)"
            )
        repo, number, event = _target(args)
        body = comment_body(_read_body(args.body_file), args.key, footer=_footer(event, args.link))
        api = os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL
        with GitHub(token, api) as github:
            posted = github.upsert_comment(repo, number, body, key=args.key)
    except (_Refused, GitHubError) as exc:
        err.error(f"{PROG}: error: {str(exc).replace(token, '***') if token else exc}")
        return EXIT_ERROR
    where = f": {posted.url}" if posted.url else ""
    out.line(f"{posted.action} comment {posted.id} on {repo}#{number}{where}")
    outputs = {"comment_id": str(posted.id)}
    if re.fullmatch(r"https?://\S+", posted.url):
        outputs["comment_url"] = posted.url
    from .reports._cli import write_github_output  # noqa: PLC0415  (not for --help)

    write_github_output(outputs, err)
    return EXIT_OK
