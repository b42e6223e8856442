"""The three small apps in docs/examples (a CI gate, an export of 50 results, a comparison)
and `make demo`'s HTML report, each run as a user would against the embedded mock server."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from junitparser import JUnitXml

from cekura_client.testing import MockCekuraServer, payloads
from tests.support.constants import result_path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"


@pytest.fixture
def server() -> Iterator[MockCekuraServer]:
    results = payloads.all_results()
    # 50 nightly results for the export.
    results.update({2000 + i: payloads.baseline_result(2000 + i) for i in range(1, 51)})
    with MockCekuraServer(results, api_key="example-key") as mock:
        yield mock


def run(
    script: Path, server: MockCekuraServer, *args: str, cwd: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CEKURA_", "GITHUB_"))}
    return subprocess.run(
        [sys.executable, str(script), *args],
        env={**base, "CEKURA_API_KEY": "example-key", "CEKURA_API_URL": server.url, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ci_gate_fails_a_regression_and_writes_junit_and_summary(
    server: MockCekuraServer, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    proc = run(
        EXAMPLES / "ci_gate.py", server, "1006", "1005", cwd=tmp_path,
        GITHUB_STEP_SUMMARY=str(summary),
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("## ❌ Cekura result 1006")
    assert summary.read_text(encoding="utf-8") == proc.stdout[:-1]  # print adds a newline
    doc = JUnitXml.fromfile(str(tmp_path / "cekura-junit.xml"))
    assert (doc.tests, doc.failures) == (9, 4)


def test_ci_gate_passes(server: MockCekuraServer, tmp_path: Path) -> None:
    proc = run(EXAMPLES / "ci_gate.py", server, "1101", "1103", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("## ✅ Cekura result 1101")


def test_export_of_50_results(server: MockCekuraServer, tmp_path: Path) -> None:
    ids = [str(2000 + i) for i in range(1, 51)]
    proc = run(EXAMPLES / "export_results.py", server, *ids, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    table = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(table) == 50 * 8
    assert [row["result_id"] for row in table[::8]] == ids
    assert table[2]["metric.Appointment booked.passed"] == "False"
    assert proc.stderr == "400 runs of 50 results\n"
    assert len(server.requests) == 50


def test_export_reports_a_missing_result_and_keeps_the_rest(
    server: MockCekuraServer, tmp_path: Path
) -> None:
    proc = run(EXAMPLES / "export_results.py", server, "1001", "9999", cwd=tmp_path)
    assert proc.returncode == 1
    assert len(list(csv.DictReader(io.StringIO(proc.stdout)))) == 3
    assert proc.stderr.splitlines() == [
        "result 9999 skipped: 404 Not Found: Not found. (no result 9999 at GET "
        f"{server.url}{result_path(9999)}; check the ID and the base URL)",
        "3 runs of 1 results",
    ]


def test_compare(server: MockCekuraServer, tmp_path: Path) -> None:
    regressed = run(EXAMPLES / "compare_results.py", server, "1005", "1006", cwd=tmp_path)
    assert regressed.returncode == 1, regressed.stderr
    assert regressed.stdout.startswith("Result 1006 compared with baseline 1005: REGRESSED\n")
    assert "Newly failing:\n  Insurance question / Busy professional\n" in regressed.stdout
    better = run(EXAMPLES / "compare_results.py", server, "1106", "1107", cwd=tmp_path)
    assert better.returncode == 0 and "NO REGRESSION" in better.stdout


def test_demo_writes_an_html_report(tmp_path: Path) -> None:
    target = tmp_path / "demo.html"
    base = {k: v for k, v in os.environ.items() if not k.startswith("CEKURA_")}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py")],
        env={**base, "CEKURA_DEMO_REPORT": str(target)},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == f"HTML report: {target}"
    covered = proc.stdout.splitlines()[-3]
    assert covered.startswith("The HTML report covers results 1101, 1102, ")
    assert covered.endswith(", 1107, 1006 (the last in detail), compared with baseline 1005.")
    html = target.read_text(encoding="utf-8")
    assert 'id="history"' in html and 'id="comparison"' in html
    assert "Result 1006: PR #517 - faster voice model" in html


def test_the_reports_doc_names_files_that_exist() -> None:
    text = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:tests|docs|scripts|facade)/[\w./-]+\.py)`", text))
    assert "tests/client/test_reports_examples.py" in paths
    assert sorted(path for path in paths if not (ROOT / path).is_file()) == []
