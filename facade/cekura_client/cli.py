"""``cekura-results``: show, wait for and gate on Cekura results from a shell or a CI job.

    cekura-results run --agent ID (--scenarios 1,2 | --tags T | --folder P --project ID)
                   [--text] [--frequency N] [--max-runs N] [--dry-run] [--wait] [gate options]
    cekura-results list [--agent ID] [--limit N] [--json]
    cekura-results comment --body-file FILE [--pr N] [--repo OWNER/NAME] [--key KEY]
    cekura-results show RESULT_ID [--json]
    cekura-results wait RESULT_ID [--timeout S] [--poll-interval S] [--json]
    cekura-results gate RESULT_ID [--wait] [--timeout S] [--min-success-rate PCT]
                   [--junit FILE] [--markdown FILE] [--html FILE] [--baseline ID|latest]
                   [--fail-on-regression] [--no-summary]
    cekura-results report ID... --format html|markdown|junit|ctrf|json [-o FILE]
                   [--baseline ID|latest]
    cekura-results compare BASE_ID NEW_ID [--format text|markdown|json]
    cekura-results export ID... --format csv|jsonl [-o FILE] [--concurrency N]

The API key comes from CEKURA_API_KEY (never from the command line, where other users of the
machine could read it); the base URL from --base-url, CEKURA_API_URL or https://api.cekura.ai.

Exit codes (every failure also prints exactly one line to stderr):

    0    success (for gate: the result passed)
    1    the gate failed, or a comparison regressed (compare, gate --fail-on-regression)
    2    an API, network, file or usage error
    3    a wait ran out of time (--timeout) before the result finished
    130  interrupted (Ctrl-C, or SIGTERM; ``run --wait`` then ends the suite's calls)
    141  stdout was closed early (e.g. piped into head); nothing more is printed

Progress goes to stderr, results to stdout. ``gate`` appends its Markdown report to
$GITHUB_STEP_SUMMARY when that is set (``--no-summary`` turns this off). Text that came from the
server (names, error details) is printed with control characters escaped (``\x1b`` shows as
``\u001b``), so it cannot recolour, overwrite or add lines; characters the terminal's encoding
cannot show are written as backslash escapes instead of failing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import math
import os
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from . import _cli_options as options
from ._client import Cekura
from ._config import MAX_TIMEOUT
from ._exceptions import (
    CekuraError,
    InsecureTransportError,
    InvalidRequestError,
    WaitTimeoutError,
)
from ._polling import DEFAULT_WAIT_TIMEOUT
from ._text import escape_controls, json_text
from ._version import __version__
from .gate import GateVerdict, check_min_success_rate, evaluate_gate
from .summary import format_duration, format_result
from .types.result import Result

if TYPE_CHECKING:
    from .history import HistoryReport
    from .reports import Comparison
    from .reports._cli import History

__all__ = ["main"]

PROG = "cekura-results"
EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
EXIT_TIMED_OUT = options.EXIT_WAIT_TIMEOUT
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


class _OutputClosed(Exception):
    """stdout (or stderr) was closed by the reader: stop printing, exit 141."""


class Printer:
    """Writes text that may hold server-controlled strings: every line's control characters
    are escaped (the newlines between lines are kept), and a character the stream cannot
    encode is written as a backslash escape. A closed pipe raises _OutputClosed."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        safe = "\n".join(escape_controls(line) for line in text.split("\n"))
        try:
            try:
                self.stream.write(safe)
            except UnicodeEncodeError:
                encoding = getattr(self.stream, "encoding", None) or "ascii"
                self.stream.write(safe.encode(encoding, "backslashreplace").decode(encoding))
            self.stream.flush()
        except BrokenPipeError:
            raise _OutputClosed from None

    def write_raw(self, text: str) -> None:
        """Write a document (CSV, JSON, HTML, JUnit) as it is: its format does the escaping."""
        try:
            try:
                self.stream.write(text)
            except UnicodeEncodeError:
                encoding = getattr(self.stream, "encoding", None) or "ascii"
                self.stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
            self.stream.flush()
        except BrokenPipeError:
            raise _OutputClosed from None

    def line(self, text: str) -> None:
        self.write(text + "\n")

    def error(self, text: str) -> None:
        """One line, whatever ``text`` holds (newlines in it are escaped too)."""
        self.line(escape_controls(text))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _positive_float(text: str) -> float:
    value = _float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    if not math.isfinite(value) or value > MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"must be a finite number of seconds up to {MAX_TIMEOUT:g}: {text!r}"
        )
    return value


def _percentage(text: str) -> float:
    try:
        return check_min_success_rate(_float(text), "--min-success-rate")
    except InvalidRequestError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_EPILOG = """\
environment:
  CEKURA_API_KEY   the API key (required; never taken from the command line, where other
                   users of the machine could read it)
  CEKURA_API_URL   the API base URL (default https://api.cekura.ai; --base-url wins)

exit codes: 0 passed · 1 the gate failed or a comparison regressed · 2 an API, network, file or
usage error · 3 a --wait ran out of time · 130 interrupted
"""


def _global_options(parser: argparse.ArgumentParser, *, in_subcommand: bool) -> None:
    """The options every command takes, before or after the command's name. In a subcommand
    they default to SUPPRESS, so a value given before the name is kept unless repeated after."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if in_subcommand else value

    parser.add_argument(
        "--base-url",
        default=default(None),
        help="API base URL (default: CEKURA_API_URL or https://api.cekura.ai)",
    )
    parser.add_argument(
        "--request-timeout",
        type=_positive_float,
        default=default(60.0),
        help="seconds each request may take from start to finish, retries included",
    )
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        default=default(False),
        help="allow a plain http --base-url off loopback (the API key then travels in cleartext)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Show, wait for and gate on Cekura test results.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _global_options(parser, in_subcommand=False)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _global_options(sub, in_subcommand=True)
        sub.set_defaults(command_parser=sub)  # for errors found after parsing, in its name
        return sub

    show = command("show", "print a summary of a result")
    show.add_argument("result_id", type=options.result_id)
    show.add_argument("--json", action="store_true", help="print the normalised result as JSON")

    wait = command("wait", "wait until a result finishes, then show it")
    wait.add_argument("result_id", type=options.result_id)
    wait.add_argument("--json", action="store_true", help="print the final result as JSON")

    gate = command("gate", "exit 0 if the result passed, 1 if not")
    gate.add_argument("result_id", type=options.result_id)
    gate.add_argument("--wait", action="store_true", help="wait for the result to finish first")
    gate.add_argument(
        "--json", action="store_true", help="print the result and the verdict as JSON"
    )
    run = options.add_run_command(command)
    for sub in (gate, run):
        sub.add_argument(
            "--min-success-rate",
            type=_percentage,
            metavar="PCT",
            help="pass when at least PCT%% of runs succeeded, a percentage from 0 to 100 "
            "(default: every run must succeed)",
        )
        options.add_gate_options(sub)
    options.add_list_command(command)
    from ._cli_comment import add_comment_command  # noqa: PLC0415  (argparse only)

    add_comment_command(command)
    for sub in (wait, gate, run):
        sub.add_argument(
            "--timeout",
            type=_positive_float,
            default=DEFAULT_WAIT_TIMEOUT,
            help=f"seconds to wait at most (default {DEFAULT_WAIT_TIMEOUT:g})",
        )
        sub.add_argument(
            "--poll-interval", type=_positive_float, help="fixed seconds between polls"
        )
    options.add_report_commands(command)
    # Listed for --help only: main() hands `mock ...` to the mock server's own parser.
    commands.add_parser(
        "mock", help="serve the mock Cekura API on this machine (cekura-results mock --help)"
    )
    return parser


class Progress:
    """Prints one line to stderr each time the result's status or completed runs change."""

    def __init__(self, printer: Printer) -> None:
        self.printer = printer
        self.started = time.monotonic()

    def __call__(self, result: Result) -> None:
        elapsed = format_duration(dt.timedelta(seconds=int(time.monotonic() - self.started)))
        self.printer.line(
            f"[{elapsed}] result {result.id}: {escape_controls(result.status.value)}, "
            f"{result.completed_runs_count}/{result.total_runs_count} runs done"
        )


def _print_result(result: Result, as_json: bool, out: Printer) -> None:
    if as_json:
        # JSON escapes C0 controls itself; the printer escapes the rest as \uXXXX, which
        # keeps the output valid JSON with the same strings.
        out.line(json_text(result.to_dict(), indent=2))
    else:
        out.line(format_result(result))


def _format_verdict(verdict: GateVerdict) -> str:
    if verdict.passed:
        rate = "" if verdict.success_rate is None else f" ({verdict.success_rate:.1f}% of runs)"
        return f"GATE PASSED{rate}"
    lines = ["GATE FAILED: " + escape_controls("; ".join(verdict.reasons))]
    for run in verdict.failing_runs:
        state = "not evaluated" if run.success is None else "failed"
        scenario = escape_controls(str(run.scenario_name or run.scenario_id or "-"))
        lines.append(
            f"  run {run.id} [{scenario}] status={escape_controls(run.status or '-')} ({state})"
        )
        if run.error_message:
            lines.append(f"    error: {escape_controls(run.error_message)}")
        for metric in run.failed_metrics:
            lines.append(f"    metric {escape_controls(str(metric.name or metric.id))}: failed")
            lines.extend(f"      - {escape_controls(text)}" for text in metric.explanation)
    return "\n".join(lines)


#: A long wait prints a line at least this often, so a CI log shows it is alive.
HEARTBEAT_SECONDS = 60.0


def _fetch(client: Cekura, args: argparse.Namespace, err: Printer) -> Result:
    if args.command == "show" or (args.command == "gate" and not args.wait):
        return client.results.get(args.result_id)
    return client.results.wait(
        args.result_id,
        timeout=args.timeout,
        poll_interval=args.poll_interval,
        on_update=Progress(err),
        heartbeat=HEARTBEAT_SECONDS,
    )


def error_line(exc: CekuraError) -> str:
    # The library's wording names Python arguments; a shell user has flags instead.
    text = str(exc).replace("pass allow_insecure_http=True", "pass --allow-insecure-http")
    text = text.replace("base_url ", "--base-url ", 1) if text.startswith("base_url ") else text
    if isinstance(exc, InsecureTransportError):
        return f"{PROG}: error: {text}"
    return f"{PROG}: error: {type(exc).__name__}: {text}"


def _gate_json(
    result: Result,
    verdict: GateVerdict,
    comparison: Comparison | None,
    history: History | None = None,
    passed: bool | None = None,
) -> str:
    document = {
        "result": result.to_dict(),
        "verdict": {
            "passed": verdict.passed,
            "reasons": verdict.reasons,
            "success_rate": verdict.success_rate,
            "failing_run_ids": [run.id for run in verdict.failing_runs],
        },
        "comparison": None if comparison is None else comparison.to_dict(),
        "history": None if history is None else history.report.to_dict(),
        "passed": verdict.passed if passed is None else passed,
    }
    return json_text(document, indent=2)


def conclude(
    client: Cekura, args: argparse.Namespace, result: Result, out: Printer, err: Printer
) -> int:
    """Gate on a finished result: the verdict (against the history with ``--history``), the
    comparison with ``--baseline``, the report files; the exit code (``gate`` and
    ``run --wait``)."""
    from .reports import _cli as report_cli  # noqa: PLC0415  (not imported for --help)

    history = report_cli.fetch_history(client, args, result, err)
    baseline = report_cli.fetch_baseline(client, args, result, err)
    verdict = evaluate_gate(result, min_success_rate=args.min_success_rate)
    passed = verdict.passed
    if history is not None:
        passed = history.report.passed(args.fail_on)
        if args.fail_on == "new-failures" and args.min_success_rate is not None:
            passed = passed and verdict.passed
    comparison = report_cli.comparison_with(args, baseline, result)
    if args.json:
        out.line(_gate_json(result, verdict, comparison, history, passed))
    elif history is None:
        out.line(format_result(result) + "\n\n" + _format_verdict(verdict))
    else:
        out.line(format_result(result) + "\n\n" + _format_history(history.report, args, passed))
    return report_cli.finish_gate(
        args, result, baseline, passed, out, err, history=history, comparison=comparison
    )


def _format_history(report: HistoryReport, args: argparse.Namespace, passed: bool) -> str:
    """The verdict under ``--history``: each failing scenario with its label and record."""
    reasons = report.reasons(args.fail_on)
    head = "GATE PASSED" if passed else "GATE FAILED: " + escape_controls("; ".join(reasons))
    if passed and report.flaky:
        head += f" (failing scenarios are flaky: {len(report.flaky)})"
    lines = [
        head,
        f"Against the last {len(report.history_ids)} completed results of the agent "
        f"(fail on {args.fail_on}, confidence {args.confidence:g}):",
    ]
    failing = [r for r in report.records if r.fails_now]
    for record in failing:
        lines.append(
            f"  {record.label.value:<12} {escape_controls(record.name)}: failed "
            f"{record.now_runs - record.now_passed} of {record.now_runs} now, {record.record}"
        )
    if not failing:
        lines.append("  no scenario failed")
    return "\n".join(lines)


def timed_out(args: argparse.Namespace, exc: WaitTimeoutError, out: Printer, err: Printer) -> int:
    """A wait ran out of time: ``gate`` and ``run`` still write their reports, from the last
    result seen and marked incomplete; the exit code stays the timeout's."""
    from .reports import _cli as report_cli  # noqa: PLC0415

    if exc.last_result is not None and args.command in ("gate", "run"):
        out.line(format_result(exc.last_result))
        report_cli.finish_gate(args, exc.last_result, None, False, out, err, incomplete=str(exc))
    err.error(f"{PROG}: {exc}")
    return EXIT_TIMED_OUT


def _run(args: argparse.Namespace, out: Printer, err: Printer) -> int:
    from .reports import _cli as report_cli  # noqa: PLC0415  (not imported for --help)

    if args.command in options.REPORT_COMMANDS:
        return report_cli.run_report_command(args, out=out, err=err)
    if args.command in ("run", "list"):
        from . import _cli_run  # noqa: PLC0415

        command = _cli_run.run_command if args.command == "run" else _cli_run.list_command
        return command(args, out, err)
    if args.command == "comment":
        from ._cli_comment import comment_command  # noqa: PLC0415

        return comment_command(args, out, err)
    try:
        with report_cli.client_from_args(args) as client:
            result = _fetch(client, args, err)
            if args.command != "gate":
                _print_result(result, args.json, out)
                return EXIT_OK
            return conclude(client, args, result, out, err)
    except WaitTimeoutError as exc:
        return timed_out(args, exc, out, err)
    except CekuraError as exc:
        err.error(error_line(exc))
        return EXIT_ERROR


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush does
    not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the CLI; returns the exit code (documented in the module docstring)."""
    out_printer = Printer(out or sys.stdout)
    err_printer = Printer(err or sys.stderr)
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["mock"]:
        from .testing._serve import main as serve  # noqa: PLC0415  (only this command needs it)

        return serve(arguments[1:], prog=f"{PROG} mock")
    try:
        parser = build_parser()
        args = parser.parse_args(arguments)
        options.check_args(parser, args)
        return _run(args, out_printer, err_printer)
    except KeyboardInterrupt:
        with contextlib.suppress(_OutputClosed):
            err_printer.line(f"{PROG}: interrupted")
        return EXIT_INTERRUPTED
    except _OutputClosed:
        if out is None:
            _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # every path ends in one line: a bug too
        if os.environ.get("CEKURA_DEBUG"):
            raise
        with contextlib.suppress(_OutputClosed):
            err_printer.error(
                f"{PROG}: internal error: {type(exc).__name__}: {exc} "
                "(set CEKURA_DEBUG=1 for a traceback)"
            )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
