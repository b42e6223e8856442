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
    # Every example result (agent 512); a suite started on it completes at its first poll.
    with MockCekuraServer(api_key="example-key", polls_to_complete=1) as mock:
        yield mock


def run(
    script: Path, server: MockCekuraServer, *args: str, cwd: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CEKURA_", "GITHUB_"))}
    return subprocess.run(
        [sys.executable, str(script), *args],
        env={**base, "CEKURA_API_KEY": server.api_key, "CEKURA_API_URL": server.url, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SCENARIOS = ("7001", "7002", "7003")


def _started(proc: subprocess.CompletedProcess[str]) -> int:
    """The ID ci_gate.py printed for the result it started."""
    line = proc.stderr.splitlines()[0]
    assert line.startswith("started result "), proc.stderr
    return int(line.removeprefix("started result "))


def test_ci_gate_passes(server: MockCekuraServer, tmp_path: Path) -> None:
    proc = run(EXAMPLES / "ci_gate.py", server, "512", *SCENARIOS, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    new_id = _started(proc)
    assert proc.stderr == f"started result {new_id}\n"
    assert server.started == [{"agent_id": 512, "scenarios": [7001, 7002, 7003], "frequency": 1}]
    assert proc.stdout.startswith(f"## ✅ Cekura result {new_id}")
    # The latest completed result of agent 512 among the examples is 1002 (two runs failed).
    assert "Compared with baseline 1002: no regression" in proc.stdout
    doc = JUnitXml.fromfile(str(tmp_path / "cekura-junit.xml"))
    assert (doc.tests, doc.failures) == (4, 0)  # 3 runs + the comparison


def test_ci_gate_fails_a_failing_run_and_writes_junit_and_summary(
    server: MockCekuraServer, tmp_path: Path
) -> None:
    good = run(EXAMPLES / "ci_gate.py", server, "512", *SCENARIOS, cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    server.failing_scenarios = {7002}
    summary = tmp_path / "summary.md"
    proc = run(
        EXAMPLES / "ci_gate.py", server, "512", *SCENARIOS, cwd=tmp_path,
        GITHUB_STEP_SUMMARY=str(summary),
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    new_id = _started(proc)
    assert proc.stdout.startswith(f"## ❌ Cekura result {new_id}")
    # One scenario failing where it passed before is within chance: the failed run fails the
    # gate, the comparison does not.
    assert f"Compared with baseline {_started(good)}: no regression" in proc.stdout
    assert "1 newly failing against 0 newly passing, sign test p = 0.5" in proc.stdout
    assert summary.read_text(encoding="utf-8") == proc.stdout[:-1]  # print adds a newline
    doc = JUnitXml.fromfile(str(tmp_path / "cekura-junit.xml"))
    assert (doc.tests, doc.failures) == (4, 1)  # the run of 7002; the regression case passed
    assert len(server.started) == 2


def test_ci_gate_fails_on_the_first_run_without_a_baseline(tmp_path: Path) -> None:
    with MockCekuraServer({}, polls_to_complete=1, failing_scenarios={7003}) as server:
        proc = run(EXAMPLES / "ci_gate.py", server, "512", *SCENARIOS, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Compared with baseline" not in proc.stdout
    doc = JUnitXml.fromfile(str(tmp_path / "cekura-junit.xml"))
    assert (doc.tests, doc.failures) == (3, 1)  # no comparison


@pytest.fixture
def nights() -> Iterator[MockCekuraServer]:
    """60 nights of agent 512 (1048-1107, one a day up to 2026-11-18, 6 runs each)."""
    with MockCekuraServer(payloads.nightly_results(60), api_key="example-key") as mock:
        yield mock


def test_export_of_the_last_50_results(nights: MockCekuraServer, tmp_path: Path) -> None:
    proc = run(EXAMPLES / "export_results.py", nights, "512", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    table = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(table) == 50 * 6
    newest_first = [str(i) for i in range(1107, 1057, -1)]
    assert [row["result_id"] for row in table[::6]] == newest_first
    assert {row["result_id"] for row in table} == set(newest_first)
    # 1107 failed one run (its last), 1106 three.
    verified = [row["metric.Verified caller identity.passed"] for row in table[:12]]
    assert verified == ["True"] * 5 + ["False"] + ["True"] * 3 + ["False"] * 3
    assert proc.stderr == "300 runs of 50 results\n"
    details = [r.path for r in nights.requests if "?" not in r.path]  # the rest list pages
    assert sorted(details) == sorted(result_path(int(i)) for i in newest_first)


def test_export_of_an_agent_without_results_is_empty(
    nights: MockCekuraServer, tmp_path: Path
) -> None:
    proc = run(EXAMPLES / "export_results.py", nights, "999", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert list(csv.DictReader(io.StringIO(proc.stdout))) == []
    assert proc.stderr == "0 runs of 0 results\n"


def test_export_reports_a_result_it_cannot_fetch_and_keeps_the_rest(
    nights: MockCekuraServer, tmp_path: Path
) -> None:
    nights.drop_responses_to = {f"GET {result_path(1107)}"}
    proc = run(EXAMPLES / "export_results.py", nights, "512", cwd=tmp_path)
    assert proc.returncode == 1
    table = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(table) == 49 * 6 and table[0]["result_id"] == "1106"
    assert proc.stderr.splitlines() == [
        "result 1107 skipped: The server sent a response that is not valid HTTP "
        "(RemoteProtocolError: Server disconnected without sending a response.) for GET "
        f"{nights.url}{result_path(1107)}.",
        "294 runs of 49 results",
    ]


def test_compare(server: MockCekuraServer, tmp_path: Path) -> None:
    chance = run(EXAMPLES / "compare_results.py", server, "1005", "1006", cwd=tmp_path)
    assert chance.returncode == 0, chance.stderr
    assert chance.stdout.startswith("Result 1006 compared with baseline 1005: NO REGRESSION\n")
    assert "Newly failing:\n  Insurance question / Busy professional\n" in chance.stdout
    regressed = run(
        EXAMPLES / "compare_results.py", server, "1005", "1006", "thresholds", cwd=tmp_path
    )
    assert regressed.returncode == 1, regressed.stderr
    assert regressed.stdout.startswith("Result 1006 compared with baseline 1005: REGRESSED\n")
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
    text = (ROOT / "docs" / "guides" / "reports.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:tests|docs|scripts|facade)/[\w./-]+\.py)`", text))
    assert "tests/client/test_reports_examples.py" in paths
    assert sorted(path for path in paths if not (ROOT / path).is_file()) == []
