"""``cekura-results``: show, wait for and gate on Cekura results from a shell or a CI job.

    cekura-results show RESULT_ID [--json]
    cekura-results wait RESULT_ID [--timeout S] [--poll-interval S] [--json]
    cekura-results gate RESULT_ID [--wait] [--timeout S] [--min-success-rate PCT]
                   [--junit FILE] [--markdown FILE] [--html FILE] [--baseline ID]
                   [--fail-on-regression] [--no-summary]
    cekura-results report ID... --format html|markdown|junit|json [--baseline ID] [-o FILE]
    cekura-results compare BASE_ID NEW_ID [--format text|markdown|json]
    cekura-results export ID... --format csv|jsonl [-o FILE] [--concurrency N]

The API key comes from CEKURA_API_KEY (never from the command line, where other users of the
machine could read it); the base URL from --base-url, CEKURA_API_URL or https://api.cekura.ai.

Exit codes: 0 success (for gate: the result passed); 1 the gate failed, or a comparison
regressed (compare, gate --fail-on-regression); 2 an API, network, file or usage error; 3 a wait
ran out of time. Progress goes to stderr, results to stdout. ``gate`` appends its Markdown
report to $GITHUB_STEP_SUMMARY when that is set (``--no-summary`` turns this off).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from typing import TextIO

from ._client import Cekura
from ._exceptions import CekuraError, WaitTimeoutError
from ._polling import DEFAULT_WAIT_TIMEOUT
from .gate import GateVerdict, evaluate_gate
from .reports import _cli as report_cli
from .summary import format_duration, format_result
from .types.result import Result

__all__ = ["main"]

PROG = "cekura-results"
EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
EXIT_WAIT_TIMEOUT = report_cli.EXIT_WAIT_TIMEOUT


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def _positive_int(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"not a result ID (a positive integer): {text!r}")
    return int(text)


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _positive_float(text: str) -> float:
    value = _float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def _percentage(text: str) -> float:
    value = _float(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"a percentage is between 0 and 100: {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Show, wait for and gate on Cekura test results.")
    parser.add_argument("--base-url", help="API base URL (default: CEKURA_API_URL or Cekura's)")
    parser.add_argument(
        "--request-timeout", type=_positive_float, default=60.0, help="seconds per request"
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    show = commands.add_parser("show", help="print a summary of a result")
    show.add_argument("result_id", type=_positive_int)
    show.add_argument("--json", action="store_true", help="print the normalised result as JSON")

    wait = commands.add_parser("wait", help="wait until a result finishes, then show it")
    wait.add_argument("result_id", type=_positive_int)
    wait.add_argument("--json", action="store_true", help="print the final result as JSON")

    gate = commands.add_parser("gate", help="exit 0 if the result passed, 1 if not")
    gate.add_argument("result_id", type=_positive_int)
    gate.add_argument("--wait", action="store_true", help="wait for the result to finish first")
    gate.add_argument(
        "--min-success-rate",
        type=_percentage,
        metavar="PCT",
        help="pass when at least PCT%% of runs succeeded (default: every run must succeed)",
    )
    report_cli.add_gate_options(gate)
    for sub in (wait, gate):
        sub.add_argument(
            "--timeout",
            type=_positive_float,
            default=DEFAULT_WAIT_TIMEOUT,
            help=f"seconds to wait at most (default {DEFAULT_WAIT_TIMEOUT:g})",
        )
        sub.add_argument(
            "--poll-interval", type=_positive_float, help="fixed seconds between polls"
        )
    report_cli.add_report_commands(commands)
    return parser


class _Progress:
    """Prints one line to stderr each time the result's status or completed runs change."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()

    def __call__(self, result: Result) -> None:
        elapsed = format_duration(dt.timedelta(seconds=int(time.monotonic() - self.started)))
        self.stream.write(
            f"[{elapsed}] result {result.id}: {result.status.value}, "
            f"{result.completed_runs_count}/{result.total_runs_count} runs done\n"
        )
        self.stream.flush()


def _print_result(result: Result, as_json: bool, out: TextIO) -> None:
    if as_json:
        json.dump(result.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(format_result(result) + "\n")


def _format_verdict(verdict: GateVerdict) -> str:
    if verdict.passed:
        rate = "" if verdict.success_rate is None else f" ({verdict.success_rate:.1f}% of runs)"
        return f"GATE PASSED{rate}"
    lines = ["GATE FAILED: " + "; ".join(verdict.reasons)]
    for run in verdict.failing_runs:
        state = "not evaluated" if run.success is None else "failed"
        lines.append(
            f"  run {run.id} [{run.scenario_name or run.scenario_id or '-'}] "
            f"status={run.status or '-'} ({state})"
        )
        if run.error_message:
            lines.append(f"    error: {run.error_message}")
        for metric in run.failed_metrics:
            lines.append(f"    metric {metric.name or metric.id}: failed")
            lines.extend(f"      - {text}" for text in metric.explanation)
    return "\n".join(lines)


def _fetch(client: Cekura, args: argparse.Namespace, err: TextIO) -> Result:
    if args.command == "show" or (args.command == "gate" and not args.wait):
        return client.results.get(args.result_id)
    return client.results.wait(
        args.result_id,
        timeout=args.timeout,
        poll_interval=args.poll_interval,
        on_update=_Progress(err),
    )


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    report_cli.check_gate_args(parser, args)
    if args.command in report_cli.REPORT_COMMANDS:
        return report_cli.run_report_command(args, out=out, err=err)
    baseline = None
    try:
        with Cekura(base_url=args.base_url, timeout=args.request_timeout) as client:
            result = _fetch(client, args, err)
            if args.command == "gate":
                baseline = report_cli.fetch_baseline(client, args)
    except WaitTimeoutError as exc:
        err.write(f"{PROG}: {exc}\n")
        if exc.last_result is not None and args.command == "gate":
            out.write(format_result(exc.last_result) + "\n")
        return EXIT_WAIT_TIMEOUT
    except CekuraError as exc:
        err.write(f"{PROG}: error: {type(exc).__name__}: {exc}\n")
        return EXIT_ERROR
    if args.command != "gate":
        _print_result(result, args.json, out)
        return EXIT_OK
    verdict = evaluate_gate(result, min_success_rate=args.min_success_rate)
    out.write(format_result(result) + "\n\n" + _format_verdict(verdict) + "\n")
    return report_cli.finish_gate(args, result, baseline, verdict.passed, out, err)


if __name__ == "__main__":
    sys.exit(main())
