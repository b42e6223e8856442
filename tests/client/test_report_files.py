"""Report and export files: CSV cells that stay one cell (and inert) whatever line breaks the
server's text holds, and report files written atomically (a failed write leaves the earlier
file as it was, and no temporary file behind)."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cekura_client import reports
from cekura_client.cli import main
from cekura_client.reports import _cli
from cekura_client.testing import MockCekuraServer, payloads
from tests.support.constants import API_KEY

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LINE_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")
BREAKS = {"cr": "\r", "lf": "\n", "crlf": "\r\n", "u2028": "\u2028", "mixed": "\r\n\r\u2028\n"}
PAYLOAD = "=cmd|' /C calc'!A0"
OLD = b"previous report\r\n\xe2\x9c\x85 kept byte for byte\n"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockCekuraServer]:
    for name in list(os.environ):
        if name.startswith("CEKURA_") or name in ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"):
            monkeypatch.delenv(name)
    with MockCekuraServer(api_key=API_KEY) as mock:
        monkeypatch.setenv("CEKURA_API_KEY", mock.api_key)
        monkeypatch.setenv("CEKURA_API_URL", mock.url)
        yield mock


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        code = main(list(args), out=out, err=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


# --- CSV: line breaks -----------------------------------------------------------------------


def _hostile_result(brk: str) -> dict[str, Any]:
    """A failing result whose every text column holds ``brk`` followed by a formula."""
    data = payloads.failing_result()
    for run in data["runs"].values():
        run["error_message"] = f"Timeout{brk}{PAYLOAD}"
        run["scenario_name"] = f"Reschedule{brk}+SUM(A1:A9)"
        run["personality_name"] = f"{brk}-2+3"
        run["status"] = f"completed{brk}@SUM(1)"
        run["voice_recording"] = f'https://r.example/1.wav{brk}=HYPERLINK("x")'
        run["evaluation"]["metrics"].append(
            {"id": 4711, "name": f"Mood{brk}=1+1", "type": "enum", "enum": f"calm{brk}\t=2"}
        )
    return data


def _check_cells(cells: list[str]) -> None:
    for cell in cells:
        for line in LINE_BREAKS.split(cell):
            assert not line.startswith(FORMULA_START), (cell, line)


@pytest.mark.parametrize("brk", BREAKS.values(), ids=BREAKS.keys())
def test_csv_line_breaks_stay_in_their_cell_and_formulas_after_them_stay_text(
    server: MockCekuraServer, tmp_path: Path, brk: str
) -> None:
    data = _hostile_result(brk)
    server.results[5001] = data
    target = tmp_path / "runs.csv"
    code, _, err = cli("export", "5001", "--format", "csv", "-o", str(target))
    assert (code, err) == (0, f"exported {len(data['runs'])} runs of 1 results\n")
    raw = target.read_bytes().decode("utf-8")
    # Every field with a line break in it is quoted: no unquoted CR or LF inside a record.
    assert f"Timeout{brk}'=cmd" in raw

    with target.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    header, rows = table[0], table[1:]
    assert len(rows) == len(data["runs"])
    assert all(len(row) == len(header) for row in rows)
    _check_cells(header)
    for row in rows:
        _check_cells(row)
    by_name = [dict(zip(header, row, strict=True)) for row in rows]
    mood = next(name for name in header if name.startswith("metric.Mood"))
    assert mood == f"metric.Mood{brk}'=1+1.value"
    first = by_name[0]
    assert first["error"] == f"Timeout{brk}'{PAYLOAD}"
    assert first["personality"].endswith("'-2+3")
    assert first[mood] == f"calm{brk}'\t=2"


@pytest.mark.parametrize("brk", BREAKS.values(), ids=BREAKS.keys())
def test_csv_round_trips_through_pandas(server: MockCekuraServer, tmp_path: Path, brk: str) -> None:
    pandas = pytest.importorskip("pandas", reason="pandas is not installed in this venv")
    data = _hostile_result(brk)
    server.results[5001] = data
    target = tmp_path / "runs.csv"
    assert cli("export", "5001", "--format", "csv", "-o", str(target))[0] == 0
    for engine in ("c", "python"):
        frame = pandas.read_csv(target, dtype=str, keep_default_na=False, engine=engine)
        assert len(frame) == len(data["runs"]), engine
        _check_cells([str(name) for name in frame.columns])
        for row in frame.itertuples(index=False):
            _check_cells([str(cell) for cell in row])
        assert frame["error"].tolist() == [f"Timeout{brk}'{PAYLOAD}"] * len(data["runs"])


def test_a_formula_after_any_line_break_is_neutralised() -> None:
    """The export quotes and neutralises cells itself: the stdlib's csv writer quotes a bare CR
    on some Python versions and not on others (3.13 changed it), so nothing here relies on it."""
    assert _cli._csv_value("Timeout\r=x") == "Timeout\r'=x"
    assert _cli._csv_value("=x\n-y\r\n+z\u2028@w") == "'=x\n'-y\r\n'+z\u2028'@w"
    assert _cli._csv_value("plain\nline") == "plain\nline"
    assert _cli._csv_value(None) == "" and _cli._csv_value(True) == "true"
    assert _cli._csv_value(-1.5) == -1.5  # numbers are numbers, not formulas


# --- Atomic report files --------------------------------------------------------------------


def _leftovers(folder: Path, *keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_a_successful_write_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_bytes(OLD)
    target.chmod(0o640)
    _cli._write(str(target), "new ✅\r\n", io.StringIO())
    assert target.read_bytes() == "new ✅\r\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _leftovers(tmp_path, "report.md") == []


def test_a_new_file_gets_the_umask_default_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        _cli._write(str(tmp_path / "new.html"), "<p>x</p>\n", io.StringIO())
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.html").stat().st_mode) == 0o640
    assert _leftovers(tmp_path, "new.html") == []


def test_writing_to_a_device_still_works(tmp_path: Path) -> None:
    _cli._write(os.devnull, "anything\n", io.StringIO())
    assert _leftovers(tmp_path) == []


def _fail_mid_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file write puts out a few bytes, then the disk is full."""
    real_write = os.write

    def write(fd: int, data: Any) -> int:
        if fd > 2:
            real_write(fd, bytes(data)[:5])
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)


FAILURES = {
    "disk-full-on-write": "write",
    "disk-full-on-replace": "replace",
    "unencodable": "encode",
}


def _arrange(kind: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """Make the next report write fail as ``kind`` says; the text to write and the reason."""
    if kind == "write":
        _fail_mid_write(monkeypatch)
        return "a new report\n", "No space left on device"
    if kind == "replace":

        def replace(src: Any, dst: Any) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "replace", replace)
        return "a new report\n", "No space left on device"
    return "lone \udcff surrogate\n", "text cannot be encoded as UTF-8 (U+DCFF at character 5)"


@pytest.mark.parametrize("kind", FAILURES.values(), ids=FAILURES.keys())
def test_a_failed_write_leaves_the_earlier_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    target = tmp_path / "report.html"
    target.write_bytes(OLD)
    text, reason = _arrange(kind, monkeypatch)
    with pytest.raises(_cli.ReportFileError) as caught:
        _cli._write(str(target), text, io.StringIO())
    monkeypatch.undo()
    assert str(caught.value) == f"cannot write {target}: {reason}"
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, "report.html") == []


def test_a_writer_raising_mid_way_leaves_the_earlier_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not an OSError: the exception goes on, the file and folder are as they were."""
    target = tmp_path / "report.md"
    target.write_bytes(OLD)
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(RuntimeError, match="interrupted"):
        _cli._write(str(target), "x" * 100_000, io.StringIO())
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, "report.md") == []


def test_export_o_over_an_existing_file_that_fails_keeps_it(
    server: MockCekuraServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "runs.csv"
    target.write_bytes(OLD)
    _arrange("replace", monkeypatch)
    code, out, err = cli("export", "1001", "--format", "csv", "-o", str(target))
    monkeypatch.undo()
    assert (code, out) == (2, "")
    assert err == f"cekura-results: error: cannot write {target}: No space left on device\n"
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, "runs.csv") == []


def test_report_o_with_text_utf8_cannot_encode_keeps_the_file(
    server: MockCekuraServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.md"
    target.write_bytes(OLD)
    monkeypatch.setattr(reports, "to_markdown", lambda *a, **k: "bad \udcff\n")
    code, out, err = cli("report", "1001", "--format", "markdown", "-o", str(target))
    assert (code, out) == (2, "")
    assert err == (
        f"cekura-results: error: cannot write {target}: text cannot be encoded as UTF-8 "
        "(U+DCFF at character 4)\n"
    )
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, "report.md") == []


def test_report_o_replaces_the_file(server: MockCekuraServer, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(OLD)
    code, _, err = cli("report", "1001", "--format", "json", "-o", str(target))
    assert (code, err) == (0, f"wrote {target}\n")
    assert target.read_text(encoding="utf-8").startswith('{\n  "results"')
    assert _leftovers(tmp_path, "report.json") == []


@pytest.mark.parametrize("option", ["--junit", "--markdown", "--html"])
@pytest.mark.parametrize("kind", FAILURES.values(), ids=FAILURES.keys())
def test_gate_report_files_failing_keep_the_earlier_file(
    server: MockCekuraServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    option: str,
    kind: str,
) -> None:
    target = tmp_path / "report.out"
    target.write_bytes(OLD)
    text, reason = _arrange(kind, monkeypatch)
    if kind == "encode":
        name = {"--junit": "to_junit_xml", "--markdown": "to_markdown", "--html": "to_html"}
        monkeypatch.setattr(_cli, name[option], lambda *a, **k: text)
    code, _, err = cli("gate", "1001", option, str(target), "--no-summary")
    monkeypatch.undo()
    assert code == 2
    assert err == f"cekura-results: error: cannot write {target}: {reason}\n"
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, "report.out") == []


@pytest.mark.parametrize("option", ["--junit", "--markdown", "--html"])
def test_gate_report_files_replace_the_earlier_file(
    server: MockCekuraServer, tmp_path: Path, option: str
) -> None:
    target = tmp_path / "report.out"
    target.write_bytes(OLD)
    target.chmod(0o600)
    code, _, err = cli("gate", "1001", option, str(target), "--no-summary")
    assert (code, err) == (0, "")
    assert target.read_bytes() != OLD and target.stat().st_size > 100
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path, "report.out") == []


# --- $GITHUB_STEP_SUMMARY -------------------------------------------------------------------


def test_a_step_summary_append_that_fails_leaves_the_summary_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_bytes(OLD)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    err = io.StringIO()
    _fail_mid_write(monkeypatch)
    _cli._append_step_summary(lambda room: "# A long report\n" * 100, err)
    monkeypatch.undo()
    assert summary.read_bytes() == OLD
    assert err.getvalue() == (
        "cekura-results: warning: cannot append to $GITHUB_STEP_SUMMARY: "
        "[Errno 28] No space left on device\n"
    )


def test_a_step_summary_text_utf8_cannot_encode_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_bytes(OLD)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    err = io.StringIO()
    _cli._append_step_summary(lambda room: "ok \udcff\n", err)
    assert summary.read_bytes() == OLD
    assert err.getvalue() == (
        "cekura-results: warning: cannot append to $GITHUB_STEP_SUMMARY: text cannot be "
        "encoded as UTF-8 (U+DCFF at character 3)\n"
    )
