"""The definitions of ``cekura-results``' report options and commands (``gate``'s report files,
``report``, ``compare``, ``export``) and the checks argparse cannot express. Only argparse: the
reports themselves (``reports/_cli.py``) are imported when a command runs, not for ``--help``.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

from ._formats import EXPORT_FORMATS, REPORT_FORMATS, Format, by_ending

__all__ = [
    "EXIT_ERROR",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_WAIT_TIMEOUT",
    "LATEST",
    "PROG",
    "REPORT_COMMANDS",
    "add_gate_options",
    "add_list_command",
    "add_report_commands",
    "add_rule_options",
    "add_run_command",
    "baseline",
    "check_args",
    "result_id",
]

PROG = "cekura-results"
EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_WAIT_TIMEOUT = 0, 1, 2, 3
REPORT_COMMANDS = frozenset({"report", "compare", "export"})


def _positive_id(text: str, what: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"not {what} ID (a positive integer): {text!r}")
    return int(text)


def result_id(text: str) -> int:
    """argparse type of a result ID: a positive integer in ASCII digits."""
    return _positive_id(text, "a result")


def agent_id(text: str) -> int:
    """argparse type of an agent ID."""
    return _positive_id(text, "an agent")


def project_id(text: str) -> int:
    """argparse type of a project ID."""
    return _positive_id(text, "a project")


#: ``--baseline latest``: the newest completed result of the same agent, other than this one.
LATEST = "latest"


def baseline(text: str) -> int | str:
    """argparse type of a baseline: a result ID, or ``latest``."""
    if text == LATEST:
        return LATEST
    try:
        return result_id(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"not a baseline (a result ID, or 'latest'): {text!r}"
        ) from None


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) <= 0 or len(text) > 9:
        raise argparse.ArgumentTypeError(f"not a positive integer: {text!r}")
    return int(text)


def _id_list(text: str) -> list[int]:
    """``1,2,3``: positive integer IDs, comma-separated."""
    parts = [part.strip() for part in text.split(",")]
    try:
        return [result_id(part) for part in parts]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of IDs (e.g. 1,2,3): {text!r}"
        ) from None


def _text_list(text: str) -> list[str]:
    items = [part.strip() for part in text.split(",")]
    if not all(items):
        raise argparse.ArgumentTypeError(f"not a comma-separated list of names: {text!r}")
    return items


#: ``--history`` without N: this many previous completed results.
DEFAULT_HISTORY = 20


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.5 < value < 1:
        raise argparse.ArgumentTypeError(
            f"a confidence is a number between 0.5 and 1 (e.g. 0.95), got {text!r}"
        )
    return value


def _concurrency(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 100:
        raise argparse.ArgumentTypeError(f"concurrency is an integer from 1 to 100: {text!r}")
    return int(text)


def add_rule_options(parser: argparse.ArgumentParser, *, confidence: bool = True) -> None:
    """``--rule`` (and ``--confidence``): how a comparison with a baseline decides."""
    parser.add_argument(
        "--rule",
        choices=["statistical", "thresholds"],
        default="statistical",
        help="what makes a regression against the baseline: 'statistical' (default: a drop "
        "unlikely by chance, docs/guides/history-statistics.md) or 'thresholds' (a scenario "
        "newly failing, a pass rate down more than 5 points)",
    )
    if confidence:
        parser.add_argument(
            "--confidence",
            type=_confidence,
            default=0.95,
            help="how sure a regression (or a 'new failure' with --history) must be, from 0.5 "
            "to 1 exclusive (default 0.95)",
        )


def add_gate_options(gate: argparse.ArgumentParser) -> None:
    gate.add_argument("--junit", metavar="FILE", help="write a JUnit XML report to FILE")
    gate.add_argument("--markdown", metavar="FILE", help="write a Markdown report to FILE")
    gate.add_argument("--html", metavar="FILE", help="write an HTML report to FILE")
    gate.add_argument(
        "--baseline",
        type=baseline,
        metavar="ID|latest",
        help="compare with this earlier result; 'latest': the newest completed result of the "
        "same agent",
    )
    gate.add_argument(
        "--fail-on-regression",
        action="store_true",
        help="also fail (exit 1) when the result regressed against --baseline",
    )
    gate.add_argument(
        "--history",
        type=_positive,
        nargs="?",
        const=DEFAULT_HISTORY,
        metavar="N",
        help="label each scenario against the agent's N previous completed results (default "
        f"{DEFAULT_HISTORY}): 'new failure' when its history makes the failure unlikely, "
        "'flaky' when it often fails (docs/guides/history-statistics.md)",
    )
    gate.add_argument(
        "--fail-on",
        choices=["new-failures", "any-failure"],
        help="what fails the gate: new failures only (the default with --history) or any "
        "failed run (the default without)",
    )
    add_rule_options(gate)
    gate.add_argument(
        "--no-summary",
        action="store_true",
        help="do not append the Markdown report to $GITHUB_STEP_SUMMARY",
    )


def _format_option(parser: argparse.ArgumentParser, formats: dict[str, Format]) -> None:
    endings = ", ".join(f.endings[0] for f in formats.values())
    parser.add_argument(
        "--format",
        choices=list(formats),
        help=f"default: from the -o file's extension ({endings})",
    )


def add_report_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add ``report``, ``compare`` and ``export``; ``command(name, help)`` makes a subparser
    that already has the global options."""
    report = command("report", "write a report of one or more results")
    report.add_argument("result_ids", type=result_id, nargs="+", metavar="ID")
    report.add_argument(
        "--baseline",
        type=baseline,
        metavar="ID|latest",
        help="compare the last result with it ('latest': the agent's newest completed one)",
    )
    _format_option(report, REPORT_FORMATS)
    report.add_argument("--json", action="store_true", help="the same as --format json")
    report.add_argument("-o", "--output", metavar="FILE", default="-", help="default: stdout")
    add_rule_options(report)

    comp = command("compare", "compare a result with a baseline; exit 1 on a regression")
    comp.add_argument(
        "baseline_id",
        type=baseline,
        metavar="BASE_ID",
        help="a result ID, or 'latest': the newest completed result of NEW_ID's agent",
    )
    comp.add_argument("current_id", type=result_id, metavar="NEW_ID")
    comp.add_argument(
        "--format", choices=["text", "markdown", "json"], help="default: text (--json: json)"
    )
    comp.add_argument("--json", action="store_true", help="the same as --format json")
    add_rule_options(comp)

    export = command("export", "write one flat row per run (CSV or JSON lines)")
    export.add_argument("result_ids", type=result_id, nargs="+", metavar="ID")
    _format_option(export, EXPORT_FORMATS)
    export.add_argument("-o", "--output", metavar="FILE", default="-", help="default: stdout")
    export.add_argument(
        "--concurrency", type=_concurrency, default=10, help="requests at a time (default 10)"
    )


#: The CLI's ``--max-runs`` default (calls a ``run`` may place without raising it).
DEFAULT_MAX_RUNS = 50


def add_run_command(
    command: Callable[[str, str], argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add ``run`` (start a suite; with --wait, gate it like ``gate``); returns its parser so
    the caller adds the wait options."""
    run = command("run", "start a suite of scenarios; with --wait, gate on its result")
    run.add_argument("--agent", type=agent_id, required=True, metavar="ID", help="the agent")
    what = run.add_mutually_exclusive_group(required=True)
    what.add_argument("--scenarios", type=_id_list, metavar="IDS", help="scenario IDs: 1,2,3")
    what.add_argument("--tags", type=_text_list, metavar="TAGS", help="scenario tags: a,b")
    what.add_argument("--folder", metavar="PATH", help="a folder path (needs --project)")
    run.add_argument("--project", type=project_id, metavar="ID", help="the project ID")
    run.add_argument("--text", action="store_true", help="run as text chats, not voice calls")
    run.add_argument("--frequency", type=_positive, default=1, help="runs per scenario")
    run.add_argument("--personalities", type=_id_list, metavar="IDS", help="personality IDs")
    run.add_argument("--test-profiles", type=_id_list, metavar="IDS", help="test profile IDs")
    run.add_argument("--concurrency-limit", type=_positive, metavar="N", help="calls at once")
    run.add_argument("--name", help="a name for the result")
    run.add_argument(
        "--max-runs",
        type=_positive,
        metavar="N",
        help=f"refuse to start more than N calls (default {DEFAULT_MAX_RUNS}); needed with "
        "--tags or --folder, whose count only Cekura knows (calls past N are ended at once)",
    )
    run.add_argument(
        "--dry-run", action="store_true", help="print what would start and its cost; send nothing"
    )
    run.add_argument("--wait", action="store_true", help="wait for the result, then gate on it")
    run.add_argument("--json", action="store_true", help="print JSON on stdout")
    return run


def add_list_command(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    listing = command("list", "list results, newest first")
    listing.add_argument("--agent", type=agent_id, metavar="ID", help="only this agent's")
    listing.add_argument("--project", type=project_id, metavar="ID", help="only this project's")
    listing.add_argument("--search", metavar="TEXT", help="only results whose name has TEXT")
    listing.add_argument(
        "--limit", type=_positive, default=20, help="at most this many (default 20)"
    )
    listing.add_argument("--json", action="store_true", help="print a JSON array")


def _infer_format(
    parser: argparse.ArgumentParser, args: argparse.Namespace, formats: dict[str, Format]
) -> None:
    if getattr(args, "json", False):
        if args.format not in (None, "json"):
            parser.error(f"--json and --format {args.format} disagree")
        args.format = "json"
    if args.format is None:
        name = Path(args.output).name if args.output != "-" else ""
        found = by_ending(formats, name)
        if found is None:
            known = ", ".join(
                sorted({Path("x" + e).suffix for f in formats.values() for e in f.endings})
            )
            parser.error(f"--format is needed (or an -o FILE ending in {known})")
        args.format = found.name


def check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Checks argparse cannot express: option pairs, and formats inferred from -o."""
    parser = getattr(args, "command_parser", parser)
    if args.command in ("gate", "run") and args.fail_on == "new-failures" and not args.history:
        args.history = DEFAULT_HISTORY  # new failures are told from flaky ones by the history
    if args.command in ("gate", "run") and args.fail_on is None:
        args.fail_on = "new-failures" if args.history else "any-failure"
    if args.command in ("gate", "run") and args.fail_on_regression and args.baseline is None:
        parser.error("--fail-on-regression needs --baseline ID (or --baseline latest)")
    if args.command == "run":
        if args.folder is not None and args.project is None:
            parser.error("--folder needs --project ID (folder paths are per project)")
        if not args.wait:
            given = [
                flag
                for flag, value in (
                    ("--junit", args.junit),
                    ("--markdown", args.markdown),
                    ("--html", args.html),
                    ("--baseline", args.baseline),
                    ("--min-success-rate", args.min_success_rate),
                    ("--history", args.history),
                )
                if value is not None
            ]
            if given:
                verb = "needs" if len(given) == 1 else "need"
                parser.error(f"{', '.join(given)} {verb} --wait (the result must finish first)")
    if args.command == "report":
        _infer_format(parser, args, REPORT_FORMATS)
    elif args.command == "export":
        _infer_format(parser, args, EXPORT_FORMATS)
    elif args.command == "compare":
        if args.json or args.format is not None:
            _infer_format(parser, args, {})
        else:
            args.format = "text"
