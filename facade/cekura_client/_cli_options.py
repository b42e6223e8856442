"""The definitions of ``cekura-results``' report options and commands (``gate``'s report files,
``report``, ``compare``, ``export``) and the checks argparse cannot express. Only argparse: the
reports themselves (``reports/_cli.py``) are imported when a command runs, not for ``--help``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "EXIT_ERROR",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_WAIT_TIMEOUT",
    "PROG",
    "REPORT_COMMANDS",
    "add_gate_options",
    "add_report_commands",
    "check_args",
    "result_id",
]

PROG = "cekura-results"
EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_WAIT_TIMEOUT = 0, 1, 2, 3
REPORT_COMMANDS = frozenset({"report", "compare", "export"})


def result_id(text: str) -> int:
    """argparse type of a result ID: a positive integer in ASCII digits."""
    if not (text.isascii() and text.isdigit()) or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"not a result ID (a positive integer): {text!r}")
    return int(text)


def _concurrency(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 100:
        raise argparse.ArgumentTypeError(f"concurrency is an integer from 1 to 100: {text!r}")
    return int(text)


def add_gate_options(gate: argparse.ArgumentParser) -> None:
    gate.add_argument("--junit", metavar="FILE", help="write a JUnit XML report to FILE")
    gate.add_argument("--markdown", metavar="FILE", help="write a Markdown report to FILE")
    gate.add_argument("--html", metavar="FILE", help="write an HTML report to FILE")
    gate.add_argument(
        "--baseline", type=result_id, metavar="ID", help="compare with this earlier result"
    )
    gate.add_argument(
        "--fail-on-regression",
        action="store_true",
        help="also fail (exit 1) when the result regressed against --baseline",
    )
    gate.add_argument(
        "--no-summary",
        action="store_true",
        help="do not append the Markdown report to $GITHUB_STEP_SUMMARY",
    )


#: Output formats by file extension, for ``-o FILE`` without ``--format``.
_REPORT_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
                   ".xml": "junit", ".json": "json"}  # fmt: skip
_EXPORT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def add_report_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add ``report``, ``compare`` and ``export``; ``command(name, help)`` makes a subparser
    that already has the global options."""
    report = command("report", "write a report of one or more results")
    report.add_argument("result_ids", type=result_id, nargs="+", metavar="ID")
    report.add_argument("--baseline", type=result_id, metavar="ID", help="compare with it")
    report.add_argument(
        "--format",
        choices=["html", "markdown", "junit", "json"],
        help="default: from the -o file's extension (.html, .md, .xml, .json)",
    )
    report.add_argument("--json", action="store_true", help="the same as --format json")
    report.add_argument("-o", "--output", metavar="FILE", default="-", help="default: stdout")

    comp = command("compare", "compare a result with a baseline; exit 1 on a regression")
    comp.add_argument("baseline_id", type=result_id, metavar="BASE_ID")
    comp.add_argument("current_id", type=result_id, metavar="NEW_ID")
    comp.add_argument(
        "--format", choices=["text", "markdown", "json"], help="default: text (--json: json)"
    )
    comp.add_argument("--json", action="store_true", help="the same as --format json")

    export = command("export", "write one flat row per run (CSV or JSON lines)")
    export.add_argument("result_ids", type=result_id, nargs="+", metavar="ID")
    export.add_argument(
        "--format",
        choices=["csv", "jsonl"],
        help="default: from the -o file's extension (.csv, .jsonl)",
    )
    export.add_argument("-o", "--output", metavar="FILE", default="-", help="default: stdout")
    export.add_argument(
        "--concurrency", type=_concurrency, default=10, help="requests at a time (default 10)"
    )


def _infer_format(
    parser: argparse.ArgumentParser, args: argparse.Namespace, formats: dict[str, str]
) -> None:
    if getattr(args, "json", False):
        if args.format not in (None, "json"):
            parser.error(f"--json and --format {args.format} disagree")
        args.format = "json"
    if args.format is None:
        suffix = Path(args.output).suffix.lower() if args.output != "-" else ""
        if suffix not in formats:
            known = ", ".join(sorted(set(formats)))
            parser.error(f"--format is needed (or an -o FILE ending in {known})")
        args.format = formats[suffix]


def check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Checks argparse cannot express: option pairs, and formats inferred from -o."""
    parser = getattr(args, "command_parser", parser)
    if args.command == "gate" and args.fail_on_regression and args.baseline is None:
        parser.error("--fail-on-regression needs --baseline ID")
    if args.command == "report":
        _infer_format(parser, args, _REPORT_FORMATS)
    elif args.command == "export":
        _infer_format(parser, args, _EXPORT_FORMATS)
    elif args.command == "compare":
        if args.json or args.format is not None:
            _infer_format(parser, args, {})
        else:
            args.format = "text"
