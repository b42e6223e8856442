"""``cekura-results run`` and ``cekura-results list``: start a suite (its cost printed first,
refused above ``--max-runs``), wait for it and gate on it; list results.

While ``run --wait`` waits, SIGINT and SIGTERM (a cancelled CI job) end the suite's calls, once,
so they stop being billed; the reports are written from the last state seen, and the command
exits 130 with one line that says so.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

from . import _cli_options as options
from ._exceptions import CekuraError, InvalidRequestError, WaitTimeoutError
from ._suite import SuiteRequest
from ._text import json_text
from .cli import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    HEARTBEAT_SECONDS,
    PROG,
    Printer,
    Progress,
    conclude,
    error_line,
    timed_out,
)
from .reports import _cli as report_cli
from .resources._listing import MAX_PAGE_SIZE
from .types.result import Result

__all__ = ["list_command", "run_command"]

#: Seconds ``end_calls`` may take after a signal: a cancelled CI job is killed soon after.
END_CALLS_TIMEOUT = 10.0


class _Cancelled(Exception):
    """SIGINT or SIGTERM arrived while waiting."""

    def __init__(self, signum: int) -> None:
        self.signame = signal.Signals(signum).name
        super().__init__(self.signame)
        self.signum = signum


class _SignalGuard:
    """SIGINT and SIGTERM from the moment a suite is being started until its wait ends.

    While the start request is in flight a signal is only recorded: the request completes, so
    the new result's ID is known and its calls can be ended (an interrupted POST would leave
    them running, unknown). Once armed, a signal raises _Cancelled. After the first signal
    both are ignored until the guard is left, so a second Ctrl-C or the runner's repeated
    SIGTERM cannot cut ``end_calls`` short."""

    def __init__(self) -> None:
        self.pending: int | None = None
        self.armed = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if self.armed:
            raise _Cancelled(signum)
        self.pending = signum

    def arm(self) -> None:
        """From now on a signal cancels; one that came before cancels now."""
        self.armed = True
        if self.pending is not None:
            raise _Cancelled(self.pending)


@contextlib.contextmanager
def _guard_signals() -> Iterator[_SignalGuard]:
    """Install a _SignalGuard (main thread only: elsewhere Python delivers no signals, and the
    block runs unguarded), and put the previous handlers back when the block is left."""
    guard = _SignalGuard()
    if threading.current_thread() is not threading.main_thread():
        yield guard
        return
    previous = {sig: signal.signal(sig, guard.handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield guard
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _suite_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """``run``'s options as the keyword arguments of ``scenarios.run``."""
    return {
        "scenarios": args.scenarios,
        "tags": args.tags,
        "folder": args.folder,
        "project_id": args.project,
        "frequency": args.frequency,
        "personality_ids": args.personalities,
        "test_profile_ids": args.test_profiles,
        "concurrency_limit": args.concurrency_limit,
        "name": args.name,
    }


def _suite_request(args: argparse.Namespace) -> SuiteRequest:
    return SuiteRequest.build(args.agent, **_suite_arguments(args))


class _Watch(Progress):
    """Progress lines, and the last state seen (the reports of an interrupted wait)."""

    def __init__(self, printer: Printer, started: Result) -> None:
        super().__init__(printer)
        self.last = started

    def __call__(self, result: Result) -> None:
        self.last = result
        super().__call__(result)


def run_command(args: argparse.Namespace, out: Printer, err: Printer) -> int:
    try:
        request = _suite_request(args)
    except InvalidRequestError as exc:
        err.error(f"{PROG}: error: {exc}")
        return EXIT_ERROR
    limit = args.max_runs if args.max_runs is not None else options.DEFAULT_MAX_RUNS
    mode = "text chats" if args.text else "voice calls"
    err.line(f"{PROG}: run: {request.describe()} against agent {args.agent}, as {mode}")
    if request.calls is not None and request.calls > limit:
        err.error(
            f"{PROG}: error: refusing to start {request.calls} calls, more than --max-runs "
            f"{limit}; pass --max-runs {request.calls} to start them"
        )
        return EXIT_ERROR
    if args.dry_run:
        out.line(json.dumps({"dry_run": True, "calls": request.calls, "body": request.body}))
        return EXIT_OK
    if request.calls is None and args.max_runs is None:
        err.error(
            f"{PROG}: error: with --tags or --folder, Cekura chooses the scenarios, so the "
            "number of calls is known only once started; pass --max-runs N to start (calls past "
            "N are ended at once)"
        )
        return EXIT_ERROR
    try:
        with report_cli.client_from_args(args) as client:
            with _guard_signals() as guard:
                started = _start(client, args, limit)
                report_cli.write_github_output({"result_id": str(started.id)}, err)
                if not args.json:
                    out.line(
                        f"started result {started.id}: {_runs(len(started.runs))}, "
                        f"{started.status.value}"
                    )
                watch = _Watch(err, started)
                try:
                    guard.arm()
                    if request.calls is None and len(started.runs) > limit:
                        client.results.end_calls(started.id, timeout=END_CALLS_TIMEOUT)
                        err.error(
                            f"{PROG}: error: result {started.id} started "
                            f"{_runs(len(started.runs), 'call')}, more than --max-runs {limit}; "
                            "its calls were ended"
                        )
                        return EXIT_ERROR
                    if not args.wait:
                        if args.json:
                            out.line(json_text(started.to_dict(), indent=2))
                        return EXIT_OK
                    result = client.results.wait(
                        started.id,
                        timeout=args.timeout,
                        poll_interval=args.poll_interval,
                        on_update=watch,
                        heartbeat=HEARTBEAT_SECONDS,
                    )
                except _Cancelled as cancelled:
                    # Still inside the guard: later signals are ignored while the calls end.
                    return _interrupted(client, args, watch.last, cancelled, out, err)
            return conclude(client, args, result, out, err)
    except WaitTimeoutError as exc:
        return timed_out(args, exc, out, err)
    except CekuraError as exc:
        err.error(error_line(exc))
        return EXIT_ERROR


def _runs(count: int, noun: str = "run") -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _start(client: Any, args: argparse.Namespace, limit: int) -> Result:
    start = client.scenarios.run_text if args.text else client.scenarios.run
    started: Result = start(args.agent, max_calls=limit, **_suite_arguments(args))
    return started


def _interrupted(
    client: Any,
    args: argparse.Namespace,
    last: Result,
    cancelled: _Cancelled,
    out: Printer,
    err: Printer,
) -> int:
    """End the suite's calls (once), write the reports of the last state seen, say so."""
    try:
        client.results.end_calls(last.id, timeout=END_CALLS_TIMEOUT)
        ended = f"ended the calls of result {last.id}"
    except CekuraError as exc:
        ended = f"could not end the calls of result {last.id} ({type(exc).__name__}: {exc})"
    why = f"{cancelled} received while waiting: {ended}"
    report_cli.finish_gate(
        args, last, None, False, out, err, incomplete=why, incomplete_as=cancelled.signame
    )
    err.error(f"{PROG}: interrupted: {why}; reports written from the last state seen")
    return EXIT_INTERRUPTED


def list_command(args: argparse.Namespace, out: Printer, err: Printer) -> int:
    try:
        with report_cli.client_from_args(args) as client:
            pager = client.results.list(
                agent_id=args.agent,
                project_id=args.project,
                search=args.search,
                page_size=min(args.limit, MAX_PAGE_SIZE),
                limit=args.limit,
            )
            results = list(pager)
    except CekuraError as exc:
        err.error(error_line(exc))
        return EXIT_ERROR
    if args.json:
        out.line(json_text([r.to_dict() for r in results], indent=2))
        return EXIT_OK
    rows = [
        (
            str(result.id),
            result.created_at.strftime("%Y-%m-%d %H:%M") if result.created_at else "-",
            result.status.value,
            "-" if result.success_rate is None else f"{result.success_rate:.1f}%",
            str(result.total_runs_count or len(result.runs)),
            result.name or "",
        )
        for result in results
    ]
    header = ("ID", "CREATED (UTC)", "STATUS", "PASSED", "RUNS", "NAME")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        cells = [
            row[i].rjust(widths[i]) if i in (0, 3, 4) else row[i].ljust(widths[i]) for i in range(5)
        ]
        out.line("  ".join([*cells, row[5]]).rstrip())
    if not results:
        err.line(f"{PROG}: no results")
    return EXIT_OK
