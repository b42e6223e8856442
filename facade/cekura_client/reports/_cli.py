"""The report side of ``cekura-results``: ``gate``'s output files and the ``report``,
``compare`` and ``export`` commands. ``cli.py`` wires these in; they live here to keep it small.

Exit codes: 0 passed (no regression); 1 the gate failed, or a comparison regressed; 2 usage,
API, network or file errors; 3 a wait that timed out.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import stat
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any, Protocol

import attrs

# The command line's definitions live apart, so that `--help` does not import the reports.
from .._cli_options import (
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_WAIT_TIMEOUT,
    LATEST,
    PROG,
    REPORT_COMMANDS,
    add_gate_options,
    add_report_commands,
    check_args,
)
from .._client import Cekura
from .._exceptions import CekuraError
from .._formats import REPORT_FORMATS
from .._text import json_text
from ..history import HistoryReport, classify
from ..resources._listing import MAX_PAGE_SIZE, Newest, age
from ..types.result import Result
from ._compare import Comparison, compare, format_comparison
from ._html import to_html
from ._junit import to_junit_xml
from ._markdown import (
    GITHUB_STEP_SUMMARY_LIMIT,
    MIN_MAX_BYTES,
    comparison_markdown,
    history_markdown,
    to_markdown,
)
from ._table import json_rows as table_rows
from ._text import html_text, markdown_cell, xml_safe

__all__ = [
    "EXIT_ERROR",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_WAIT_TIMEOUT",
    "REPORT_COMMANDS",
    "add_gate_options",
    "add_report_commands",
    "check_args",
    "comparison_with",
    "fetch_baseline",
    "finish_gate",
    "run_report_command",
]

#: Below this many bytes left in $GITHUB_STEP_SUMMARY, only a one-line note is appended.
_MIN_SUMMARY_BYTES = 4096


class ReportFileError(Exception):
    """A report file could not be written (exit 2)."""


class Writer(Protocol):
    """Where output goes: a text stream, or the CLI's printer (which escapes server text in
    lines it prints and writes documents through ``write_raw`` unchanged)."""

    def write(self, text: str, /) -> object: ...


def _emit(out: Writer, text: str) -> None:
    """Write a document whose format does its own escaping (CSV, JSON, HTML, JUnit)."""
    getattr(out, "write_raw", out.write)(text)


def _write(path: str, text: str, out: Writer) -> None:
    """``text`` as UTF-8 at ``path`` (``-``: on ``out``), all or nothing: a write that fails
    leaves the file that was there as it was, and no temporary file behind."""
    if path == "-":
        _emit(out, text)
        return
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ReportFileError(f"cannot write {path}: {_unencodable(exc)}") from exc
    try:
        _replace_file(path, data)
    except OSError as exc:
        raise ReportFileError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _unencodable(exc: UnicodeEncodeError) -> str:
    char = ord(exc.object[exc.start])
    return f"text cannot be encoded as UTF-8 (U+{char:04X} at character {exc.start})"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it; put back at once
    os.umask(mask)
    return mask


def _replace_file(path: str, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and move it into place. The file
    keeps the mode the one it replaces had (a new file: the umask's default); a symlink is
    followed. A device or pipe (``/dev/stdout``) cannot be replaced: it is written to."""
    target = os.path.realpath(path)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    else:
        if not stat.S_ISREG(mode):
            with open(target, "wb") as handle:  # a directory fails here: "Is a directory"
                handle.write(data)
            return
        mode = stat.S_IMODE(mode)
    folder, name = os.path.split(target)
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def resolve_baseline(client: Cekura, ref: int | str | None, current: Result) -> Result | None:
    """The baseline ``ref`` names: a result ID, or ``latest`` (the newest completed result of
    ``current``'s agent created before ``current``); None when there is none."""
    if ref is None:
        return None
    if ref != LATEST:
        return client.results.get(int(ref))
    if current.agent is None:
        return None
    return client.results.latest(current.agent, exclude=[current.id], before=current.created_at)


@attrs.frozen
class History:
    """The earlier results a gate judged against (oldest first), and the labels they gave."""

    results: list[Result]
    report: HistoryReport


def fetch_history(
    client: Cekura, args: argparse.Namespace, result: Result, err: Writer
) -> History | None:
    """With ``--history N``: the agent's N newest completed results created before ``result``,
    fetched whole, and each scenario labelled against them; None without ``--history``."""
    wanted = getattr(args, "history", None)
    if not wanted or result.agent is None:
        return None
    earlier = Newest.build(result.agent, "completed", [result.id], result.created_at)
    ids: list[int] = []
    pager = client.results.list(agent_id=result.agent, page_size=min(MAX_PAGE_SIZE, wanted + 5))
    for item in pager:
        if earlier.matches(item):
            ids.append(item.id)
            if len(ids) == wanted:
                break
    many = client.results.get_many(ids, on_progress=_FetchProgress(err))
    for result_id, error in many.errors.items():
        err.write(f"{PROG}: warning: history result {result_id} left out: {error}\n")
    err.write(
        f"{PROG}: history: {len(many.results)} earlier completed result(s) of agent "
        f"{result.agent}\n"
    )
    oldest_first = sorted(many.results, key=age)
    return History(oldest_first, classify(result, oldest_first, confidence=args.confidence))


def fetch_baseline(
    client: Cekura, args: argparse.Namespace, result: Result, err: Writer
) -> Result | None:
    """The ``--baseline`` result of ``gate`` and ``run``, or None. ``latest`` with no earlier
    completed result (an agent's first run) compares with nothing, and says so."""
    ref = getattr(args, "baseline", None)
    baseline = resolve_baseline(client, ref, result)
    if ref == LATEST and baseline is None:
        err.write(
            f"{PROG}: note: --baseline latest: agent {result.agent} has no earlier completed "
            "result; nothing to compare with\n"
        )
    return baseline


def _append_step_summary(markdown_of: Any, err: Writer) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        used = os.path.getsize(path) if os.path.exists(path) else 0
        room = GITHUB_STEP_SUMMARY_LIMIT - used
        text = (
            markdown_of(room)
            if room >= _MIN_SUMMARY_BYTES
            else "\n> Cekura report left out: the step summary is almost full (1 MiB).\n"
        )
        _append_all(path, text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        err.write(f"{PROG}: warning: cannot append to $GITHUB_STEP_SUMMARY: {_unencodable(exc)}\n")
    except OSError as exc:
        err.write(f"{PROG}: warning: cannot append to $GITHUB_STEP_SUMMARY: {exc}\n")


def _append_all(path: str, data: bytes) -> None:
    """Append ``data`` to ``path``, all or nothing: an append that fails part way (a full
    disk) is cut off again, leaving the file as it was."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        start = os.lseek(fd, 0, os.SEEK_END)
        try:
            _write_all(fd, data)
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, start)
            raise
    finally:
        os.close(fd)


def finish_gate(
    args: argparse.Namespace,
    result: Result,
    baseline: Result | None,
    passed: bool,
    out: Writer,
    err: Writer,
    *,
    incomplete: str | None = None,
    incomplete_as: str = "WaitTimeoutError",
    history: History | None = None,
    comparison: Comparison | None = None,
) -> int:
    """Write ``gate``'s report files and step summary; the exit code (regression included).
    ``incomplete`` says why ``result`` is only the last state seen (a wait that timed out):
    each report then says so at its top, and the JUnit file gets an error for it."""
    if comparison is None:
        comparison = comparison_with(args, baseline, result)
    if comparison is not None and not getattr(args, "json", False):
        out.write("\n" + format_comparison(comparison) + "\n")

    incomplete_note = "" if incomplete is None else _markdown_note(incomplete)
    history_note = ""
    labels = None
    shown: list[Result] = [result]
    if history is not None:
        labels = {record.key: record.label.value for record in history.report.records}
        history_note = history_markdown(history.report)
        shown = [*history.results, result]

    def markdown(room: int = GITHUB_STEP_SUMMARY_LIMIT) -> str:
        note = incomplete_note + history_note
        if room - len(note.encode()) < MIN_MAX_BYTES:  # a long history: the report goes first
            note = incomplete_note
        return note + to_markdown(
            result,
            baseline=baseline,
            max_bytes=room - len(note.encode()),
            comparison=comparison,
        )

    try:
        if args.junit:
            junit = to_junit_xml(result, baseline=baseline, labels=labels, comparison=comparison)
            _write(
                args.junit,
                junit if incomplete is None else _junit_error(junit, incomplete, incomplete_as),
                out,
            )
        if args.markdown:
            _write(args.markdown, markdown(), out)
        if args.html:
            html = to_html(shown, baseline=baseline, labels=labels, comparison=comparison)
            _write(args.html, html if incomplete is None else _html_note(html, incomplete), out)
    except ReportFileError as exc:
        err.write(f"{PROG}: error: {exc}\n")
        return EXIT_ERROR
    if not args.no_summary:
        _append_step_summary(markdown, err)
    regressed = comparison is not None and comparison.regressed
    write_github_output({"passed": str(passed).lower(), "regressed": str(regressed).lower()}, err)
    if not passed:
        return EXIT_FAILED
    if args.fail_on_regression and regressed:
        return EXIT_FAILED
    return EXIT_OK


def write_github_output(values: dict[str, str], err: Writer) -> None:
    """Append ``name=value`` lines to ``$GITHUB_OUTPUT`` when it is set (a step's outputs)."""
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.writelines(f"{name}={value}\n" for name, value in values.items())
    except OSError as exc:
        err.write(f"{PROG}: warning: cannot write $GITHUB_OUTPUT: {exc}\n")


_INCOMPLETE = "Incomplete report: the result had not finished"


def _markdown_note(why: str) -> str:
    return f"> **{_INCOMPLETE}.** {markdown_cell(why, 600)}\n\n"


def _html_note(html: str, why: str) -> str:
    note = (
        '<p role="alert" style="border:2px solid #b42318;padding:.5em 1em;color:#b42318">'
        f"<strong>{_INCOMPLETE}.</strong> {html_text(why)}</p>"
    )
    head, found, rest = html.partition("<body>")
    return head + found + note + rest if found else note + html


def _junit_error(document: str, why: str, error_type: str) -> str:
    """The JUnit document with one more test case, in error: the wait itself."""
    root = ET.fromstring(document)
    suite = root.find("testsuite")
    holder = suite if suite is not None else root
    case = ET.SubElement(holder, "testcase", {"classname": "cekura", "name": "wait for the result"})
    ET.SubElement(case, "error", {"message": xml_safe(why), "type": error_type})
    for node in {root, holder}:
        for key in ("tests", "errors"):
            node.set(key, str(int(node.get(key, "0")) + 1))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _fetch_all(client: Cekura, ids: Sequence[int], concurrency: int, err: Writer) -> list[Result]:
    many = client.results.get_many(ids, concurrency=concurrency, on_progress=_FetchProgress(err))
    for result_id, error in many.errors.items():
        err.write(f"{PROG}: error: result {result_id}: {type(error).__name__}: {error}\n")
    return many.results if many.ok else []


def _report(client: Cekura, args: argparse.Namespace, out: Writer, err: Writer) -> int:
    form = REPORT_FORMATS[args.format]
    if form.one_result and len(set(args.result_ids)) > 1:
        err.write(
            f"{PROG}: error: --format {form.name} reports one result ({form.one_result}); got "
            f"{len(set(args.result_ids))}\n"
        )
        return EXIT_ERROR
    results = _fetch_all(client, args.result_ids, 10, err)
    if not results:
        return EXIT_ERROR
    baseline = fetch_baseline(client, args, results[-1], err)
    assert form.render is not None  # every report format has a writer
    text = form.render(results, baseline, comparison_with(args, baseline, results[-1]))
    _write(args.output, text, out)
    if args.output != "-":
        err.write(f"wrote {args.output}\n")
    return EXIT_OK


def merge_junit(documents: list[str]) -> str:
    """Several ``testsuites`` documents as one, with the totals summed."""
    roots = [ET.fromstring(doc) for doc in documents]
    merged = ET.Element("testsuites", {"name": "Cekura results"})
    for root in roots:
        merged.extend(list(root))
    for key in ("tests", "failures", "errors"):  # as to_junit_xml's root: no `skipped`
        merged.set(key, str(sum(int(r.get(key, "0")) for r in roots)))
    merged.set("time", f"{sum(float(r.get('time', '0')) for r in roots):.3f}")
    ET.indent(merged)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(merged, encoding="unicode") + "\n"
    )


def comparison_with(
    args: argparse.Namespace, baseline: Result | None, current: Result
) -> Comparison | None:
    """The comparison with ``--baseline`` by the rule and confidence the command was given."""
    if baseline is None:
        return None
    return compare(baseline, current, rule=args.rule, confidence=args.confidence)


def _compare(client: Cekura, args: argparse.Namespace, out: Writer, err: Writer) -> int:
    if args.baseline_id == LATEST:
        current = client.results.get(args.current_id)
        found = resolve_baseline(client, LATEST, current)
        if found is None:
            err.write(
                f"{PROG}: error: agent {current.agent} has no completed result earlier than "
                f"{current.id} to compare with\n"
            )
            return EXIT_ERROR
        baseline = found
    else:
        many = client.results.get_many([args.baseline_id, args.current_id], concurrency=2)
        baseline, current = many.raise_for_errors()
    comparison = compare(baseline, current, rule=args.rule, confidence=args.confidence)
    if args.format == "json":
        _emit(out, json_text(comparison.to_dict(), indent=2) + "\n")
    elif args.format == "markdown":
        _emit(out, "\n".join(comparison_markdown(comparison)) + "\n")
    else:
        out.write(format_comparison(comparison) + "\n")
    return EXIT_FAILED if comparison.regressed else EXIT_OK


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: What a spreadsheet or CSV reader may take for the end of a line (CRLF first: one break).
_LINE_BREAK = "\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]"
# A formula at the start of a cell, or at the start of a line in it (a CR there is one more
# line break, itself checked for what follows it).
_FORMULA_AT_LINE_START = re.compile(
    "^(?=[{}])|(?:{})(?=[{}])".format(
        "".join(map(re.escape, _FORMULA_START)),
        _LINE_BREAK,
        "".join(re.escape(c) for c in _FORMULA_START if c != "\r"),
    )
)
#: A cell holding one of these is quoted (any line break: not only those csv.writer quotes).
_NEEDS_QUOTES = re.compile(f'[,"]|{_LINE_BREAK}')


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # A cell or line in it starting like a formula would run in a spreadsheet: keep it
        # text with a leading `'`.
        return _FORMULA_AT_LINE_START.sub(lambda m: m.group() + "'", xml_safe(value))
    return value


def _csv_cell(value: Any) -> str:
    text = str(_csv_value(value))
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if _NEEDS_QUOTES.search(text) else text


def _csv_record(values: Sequence[Any]) -> str:
    """One CSV line (RFC 4180 quoting, LF ended). The stdlib's writer is not used: with an LF
    line terminator it leaves a field with a bare CR unquoted, which readers (csv, pandas,
    spreadsheets) take for the end of the row."""
    return ",".join(_csv_cell(v) for v in values) + "\n"


class _FetchProgress:
    """``fetched 10/50 results`` on stderr every few seconds (and at the end) when there are
    enough results for the wait to be felt."""

    EVERY_SECONDS = 5.0
    AT_LEAST = 10

    def __init__(self, err: Writer) -> None:
        self.err = err
        self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if total >= self.AT_LEAST and (done == total or now - self.last >= self.EVERY_SECONDS):
            self.last = now
            self.err.write(f"fetched {done}/{total} results\n")


def _export(client: Cekura, args: argparse.Namespace, out: Writer, err: Writer) -> int:
    many = client.results.get_many(
        args.result_ids, concurrency=args.concurrency, on_progress=_FetchProgress(err)
    )
    for result_id, error in many.errors.items():
        err.write(f"{PROG}: error: result {result_id}: {type(error).__name__}: {error}\n")
    rows = table_rows(many.results)
    if args.format == "jsonl":
        text = "".join(json_text(row) + "\n" for row in rows)
    else:
        keys = list(rows[0]) if rows else ["result_id", "run_id"]
        text = _csv_record(keys) + "".join(_csv_record([row[k] for k in keys]) for row in rows)
    _write(args.output, text, out)
    err.write(
        f"exported {len(rows)} runs of {len(many.results)} results"
        + (f"; {len(many.errors)} failed" if many.errors else "")
        + "\n"
    )
    return EXIT_OK if many.ok else EXIT_ERROR


def client_from_args(args: argparse.Namespace) -> Cekura:
    """The client the command line's global options describe (the key comes from the
    environment only)."""
    return Cekura(
        base_url=args.base_url,
        timeout=args.request_timeout,
        allow_insecure_http=args.allow_insecure_http,
    )


def run_report_command(
    args: argparse.Namespace, *, out: Writer | None = None, err: Writer | None = None
) -> int:
    """Run ``report``, ``compare`` or ``export``; API errors are reported, exit 2."""
    out = out or sys.stdout
    err = err or sys.stderr
    handler = {"report": _report, "compare": _compare, "export": _export}[args.command]
    try:
        with client_from_args(args) as client:
            return handler(client, args, out, err)
    except CekuraError as exc:
        err.write(f"{PROG}: error: {type(exc).__name__}: {exc}\n")
    except ReportFileError as exc:
        err.write(f"{PROG}: error: {exc}\n")
    return EXIT_ERROR
