"""cekura-results gate (report files, baseline, step summary), report, compare and export,
against the embedded mock server; exit codes 0 / 1 / 2 / 3."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from junitparser import JUnitXml

from cekura_client.testing import MockCekuraServer, payloads
from tests.support.cli import cli
from tests.support.constants import API_KEY, result_path


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockCekuraServer]:
    for name in list(os.environ):
        if name.startswith("CEKURA_") or name == "GITHUB_STEP_SUMMARY":
            monkeypatch.delenv(name)
    monkeypatch.setenv("CEKURA_API_KEY", API_KEY)
    with MockCekuraServer(api_key=API_KEY) as mock:
        yield mock


def test_gate_writes_junit_markdown_html_and_the_step_summary(
    server: MockCekuraServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    ran = cli(
        server, "gate", "1006", "--baseline", "1005", "--rule", "thresholds",
        "--junit", str(tmp_path / "junit.xml"),
        "--markdown", str(tmp_path / "report.md"),
        "--html", str(tmp_path / "report.html"),
    )  # fmt: skip
    assert ran.code == 1 and ran.err == ""
    assert "GATE FAILED: 3 of 8 runs did not succeed" in ran.out
    assert "Result 1006 compared with baseline 1005: REGRESSED" in ran.out
    suites = list(JUnitXml.fromfile(str(tmp_path / "junit.xml")))
    assert [(s.tests, s.failures) for s in suites] == [(8, 3), (1, 1)]
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert markdown.startswith(
        "## ❌ Cekura result 1006 · PR #\u200d517 - faster voice model: failed"
    )
    assert summary.read_text(encoding="utf-8") == "# Earlier step\n" + markdown
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'id="comparison"' in html


def test_gate_passing_without_outputs_writes_nothing(
    server: MockCekuraServer, tmp_path: Path
) -> None:
    ran = cli(server, "gate", "1001")
    assert ran.code == 0 and ran.out.rstrip().endswith("GATE PASSED (100.0% of runs)")
    assert list(tmp_path.iterdir()) == []


def test_no_summary_leaves_the_step_summary_alone(
    server: MockCekuraServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert cli(server, "gate", "1001", "--no-summary").code == 0
    assert not summary.exists()
    assert cli(server, "gate", "1001").code == 0
    assert summary.read_text(encoding="utf-8").startswith("## ✅ Cekura result 1001")


def test_a_nearly_full_step_summary_gets_a_note_only(
    server: MockCekuraServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_bytes(b"x" * (1024 * 1024 - 100))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert cli(server, "gate", "1001").code == 0
    assert summary.read_bytes()[1024 * 1024 - 100 :] == (
        b"\n> Cekura report left out: the step summary is almost full (1 MiB).\n"
    )


def test_the_step_summary_budget_is_what_is_left_of_1_mib(
    server: MockCekuraServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = payloads.failing_result()
    template = data["runs"]["86103"]
    data["runs"] = {str(90000 + i): dict(template, id=90000 + i) for i in range(3000)}
    server.results[5000] = data
    summary = tmp_path / "summary.md"
    summary.write_bytes(b"x" * 500_000)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert cli(server, "gate", "5000").code == 1
    assert 1024 * 1024 - 2000 < summary.stat().st_size <= 1024 * 1024
    assert b"Report truncated to fit 548,576 bytes" in summary.read_bytes()


def test_fail_on_regression(server: MockCekuraServer) -> None:
    # 62.5% of runs passed: enough for --min-success-rate 60, but it regressed.
    args = ["gate", "1006", "--min-success-rate", "60", "--baseline", "1005"]
    assert cli(server, *args, "--rule", "thresholds").code == 0
    ran = cli(server, *args, "--rule", "thresholds", "--fail-on-regression")
    assert ran.code == 1 and "GATE PASSED" in ran.out and "REGRESSED" in ran.out
    # By the statistical rule (the default), its new failures are within chance.
    calm = cli(server, *args, "--fail-on-regression")
    assert calm.code == 0 and "NO REGRESSION" in calm.out
    assert "Statistical rule at 95% confidence: 2 newly failing against 1 newly passing" in (
        calm.out
    )
    # At 60% confidence the sign test needs p < 0.2: still not 0.5.
    assert cli(server, *args, "--fail-on-regression", "--confidence", "0.6").code == 0
    ok = cli(server, "gate", "1101", "--baseline", "1101", "--fail-on-regression")
    assert ok.code == 0 and "NO REGRESSION" in ok.out


def test_fail_on_regression_needs_a_baseline(
    server: MockCekuraServer, capsys: pytest.CaptureFixture[str]
) -> None:
    ran = cli(server, "gate", "1001", "--fail-on-regression")
    assert ran.code == 2 and server.requests == []
    assert capsys.readouterr().err.splitlines()[-1] == (
        "cekura-results gate: error: --fail-on-regression needs --baseline ID "
        "(or --baseline latest)"
    )


def test_an_unwritable_step_summary_is_a_warning(
    server: MockCekuraServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a directory
    ran = cli(server, "gate", "1001")
    assert ran.code == 0
    assert ran.err.startswith(
        "cekura-results: warning: cannot append to $GITHUB_STEP_SUMMARY: [Errno 21] Is a directory"
    )


def test_fail_on_regression_usage_message() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cekura_client.cli", "gate", "1001", "--fail-on-regression"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "CEKURA_API_KEY": API_KEY},
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == (
        "cekura-results gate: error: --fail-on-regression needs --baseline ID "
        "(or --baseline latest)"
    )


def test_a_missing_baseline_is_an_api_error(server: MockCekuraServer) -> None:
    ran = cli(server, "gate", "1001", "--baseline", "9999")
    assert ran.code == 2
    assert ran.err == (
        "cekura-results: error: NotFoundError: 404 Not Found: Not found. (no result 9999 at GET "
        f"{server.url}{result_path(9999)}; check the ID and the base URL)\n"
    )


def test_an_unwritable_report_file_is_exit_2(server: MockCekuraServer, tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "junit.xml"
    ran = cli(server, "gate", "1001", "--junit", str(target))
    assert ran.code == 2
    assert ran.err == f"cekura-results: error: cannot write {target}: No such file or directory\n"


def test_gate_wait_timeout_is_exit_3(server: MockCekuraServer) -> None:
    ran = cli(server, "gate", "1003", "--wait", "--timeout", "0.2", "--poll-interval", "0.05")
    assert ran.code == 3
    assert "did not finish within 0.2 s" in ran.err


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("html", lambda text: text.startswith("<!DOCTYPE html>") and 'id="history"' in text),
        ("markdown", lambda text: text.count("## ") >= 3 and "\n---\n" in text),
        ("junit", lambda text: text.startswith('<?xml version="1.0" encoding="UTF-8"?>')),
        ("json", lambda text: [r["id"] for r in json.loads(text)["results"]] == [1101, 1005, 1006]),
    ],
)
def test_report_formats(server: MockCekuraServer, tmp_path: Path, fmt: str, check: object) -> None:
    target = tmp_path / f"report.{fmt}"
    ran = cli(server, "report", "1101", "1005", "1006", "--baseline", "1005",
              "--format", fmt, "-o", str(target))  # fmt: skip
    assert ran.code == 0 and ran.err == f"wrote {target}\n" and ran.out == ""
    assert check(target.read_text(encoding="utf-8"))  # type: ignore[operator]


def test_report_junit_of_several_results_sums_the_counts(server: MockCekuraServer) -> None:
    ran = cli(server, "report", "1001", "1002", "--format", "junit")
    assert ran.code == 0
    doc = JUnitXml.fromstring(ran.out)
    assert [(s.tests, s.failures) for s in doc] == [(3, 0), (4, 2)]
    assert (doc.tests, doc.failures) == (7, 2)


def test_report_json_has_the_comparison(server: MockCekuraServer) -> None:
    ran = cli(server, "report", "1006", "--baseline", "1005", "--format", "json")
    data = json.loads(ran.out)
    assert data["comparison"]["regressed"] is False
    assert (data["comparison"]["rule"], data["comparison"]["confidence"]) == ("statistical", 0.95)
    args = ("report", "1006", "--baseline", "1005", "--format", "json", "--rule", "thresholds")
    strict = json.loads(cli(server, *args).out)["comparison"]
    assert strict["regressed"] is True and strict["rule"] == "thresholds"
    assert data["results"][0]["id"] == 1006


def test_report_with_a_missing_result_is_exit_2(server: MockCekuraServer, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    ran = cli(server, "report", "1001", "9999", "--format", "html", "-o", str(target))
    assert ran.code == 2 and not target.exists()
    assert ran.err == (
        "cekura-results: error: result 9999: NotFoundError: 404 Not Found: Not found. (no "
        f"result 9999 at GET {server.url}{result_path(9999)}; check the ID and the base URL)\n"
    )


def test_compare_exits_1_on_regression(server: MockCekuraServer) -> None:
    ran = cli(server, "compare", "1005", "1006", "--rule", "thresholds")
    assert ran.code == 1
    assert ran.out.startswith("Result 1006 compared with baseline 1005: REGRESSED\n")
    calm = cli(server, "compare", "1005", "1006")
    assert calm.code == 0
    assert calm.out.startswith("Result 1006 compared with baseline 1005: NO REGRESSION\n")
    better = cli(server, "compare", "1106", "1107")
    assert better.code == 0 and "NO REGRESSION" in better.out


def test_compare_formats(server: MockCekuraServer) -> None:
    strict = ("--rule", "thresholds")
    data = json.loads(cli(server, "compare", "1005", "1006", "--format", "json", *strict).out)
    assert data["regressed"] is True and data["baseline_id"] == 1005
    md = cli(server, "compare", "1005", "1006", "--format", "markdown", *strict)
    assert md.code == 1 and md.out.startswith("### Compared with baseline 1005: 🔻 regressed")
    calm = cli(server, "compare", "1005", "1006", "--format", "markdown")
    assert calm.code == 0 and calm.out.startswith("### Compared with baseline 1005: no regression")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--rule", "strict"],
            "argument --rule: invalid choice: 'strict' (choose from 'statistical', 'thresholds')",
        ),
        (
            ["--confidence", "1"],
            "argument --confidence: a confidence is a number between 0.5 and 1 (e.g. 0.95), "
            "got '1'",
        ),
    ],
)
def test_compare_rule_options_are_checked(
    server: MockCekuraServer, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    ran = cli(server, "compare", "1005", "1006", *args)
    assert ran.code == 2 and server.requests == []
    assert capsys.readouterr().err.splitlines()[-1] == (f"cekura-results compare: error: {message}")


def test_compare_with_a_missing_result_is_exit_2(server: MockCekuraServer) -> None:
    ran = cli(server, "compare", "1005", "9999")
    assert ran.code == 2
    assert ran.err == (
        "cekura-results: error: GetManyError: 1 of 2 results could not be fetched: "
        f"9999: NotFoundError: 404 Not Found: Not found. (no result 9999 at GET {server.url}"
        f"{result_path(9999)}; check the ID and the base URL)\n"
    )


def test_export_csv(server: MockCekuraServer, tmp_path: Path) -> None:
    target = tmp_path / "runs.csv"
    ran = cli(server, "export", "1005", "1006", "--format", "csv", "-o", str(target))
    assert ran.code == 0 and ran.err == "exported 16 runs of 2 results\n"
    with target.open(encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    assert len(table) == 16
    assert table[15]["run_id"] == "86608" and table[15]["success"] == "false"
    assert table[15]["error"] == (
        "Provider error: \\x1b[31mSIP 486 Busy Here\\x1b[0m (carrier <Twilio>)"
    )
    assert table[0]["metric.Latency.score"] == "790.0"
    assert "metric.Latency.passed" not in table[0]  # a numeric metric: no verdict column
    assert table[0]["executed_at"] == "2026-11-20T14:03:12+00:00"


def test_export_csv_keeps_formulas_inert(server: MockCekuraServer) -> None:
    data = payloads.failing_result()
    data["runs"]["86102"]["error_message"] = '=HYPERLINK("http://evil.example","click")'
    server.results[5001] = data
    ran = cli(server, "export", "5001", "--format", "csv")
    row = list(csv.DictReader(io.StringIO(ran.out)))[1]
    assert row["error"] == '\'=HYPERLINK("http://evil.example","click")'


def test_export_jsonl_reports_failures_and_keeps_the_rest(server: MockCekuraServer) -> None:
    ran = cli(server, "export", "1001", "9999", "1002", "--format", "jsonl", "--concurrency", "2")
    assert ran.code == 2
    rows = [json.loads(line) for line in ran.out.splitlines()]
    assert [r["result_id"] for r in rows] == [1001] * 3 + [1002] * 4
    assert rows[4]["success"] is False and rows[4]["duration_seconds"] == 0.0
    assert ran.err.splitlines() == [
        "cekura-results: error: result 9999: NotFoundError: 404 Not Found: Not found. (no result "
        f"9999 at GET {server.url}{result_path(9999)}; check the ID and the base URL)",
        "exported 7 runs of 2 results; 1 failed",
    ]


@pytest.mark.parametrize("value", ["0", "101", "x"])
def test_export_concurrency_is_checked(
    server: MockCekuraServer, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    assert cli(server, "export", "1001", "--format", "csv", "--concurrency", value).code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "cekura-results export: error: argument --concurrency: "
        f"concurrency is an integer from 1 to 100: {value!r}"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "1001"], "cekura-results report: error: --format is needed (or an -o FILE "
         "ending in .htm, .html, .json, .markdown, .md, .xml)"),
        (["export", "1001", "-o", "runs.xlsx"], "cekura-results export: error: --format is "
         "needed (or an -o FILE ending in .csv, .jsonl, .ndjson)"),
        (["report", "0", "--format", "html"], "cekura-results report: error: argument ID: "
         "not a result ID (a positive integer): '0'"),
        (["compare", "1005"], "cekura-results compare: error: the following arguments are "
         "required: NEW_ID"),
        # (argparse quotes the choices differently from Python 3.12.8 on)
        (["export", "1001", "--format", "xlsx"], "cekura-results export: error: argument "
         "--format: invalid choice: 'xlsx' (choose from "),
    ],
)  # fmt: skip
def test_usage_errors(
    server: MockCekuraServer, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert cli(server, *args).code == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith(message)
    assert server.requests == []


def test_without_an_api_key_report_commands_exit_2(
    server: MockCekuraServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CEKURA_API_KEY")
    ran = cli(server, "compare", "1005", "1006")
    assert ran.code == 2
    assert ran.err.startswith("cekura-results: error: MissingAPIKeyError: ")


def test_export_of_many_results_reports_progress(server: MockCekuraServer) -> None:
    ids = [str(i) for i in (*range(1001, 1007), *range(1101, 1108))]
    ran = cli(server, "export", *ids, "--format", "jsonl")
    assert ran.code == 0
    assert ran.err.splitlines() == [
        f"fetched {len(ids)}/{len(ids)} results",
        ran.err.splitlines()[-1],
    ]
    assert ran.err.splitlines()[-1].startswith("exported ") and f"of {len(ids)} results" in ran.err


def test_export_of_a_few_results_stays_quiet(server: MockCekuraServer) -> None:
    ran = cli(server, "export", "1001", "1002", "--format", "jsonl")
    assert "fetched" not in ran.err
