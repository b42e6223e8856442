"""to_markdown: what a GitHub step summary or PR comment shows, within GitHub's 1 MiB limit."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cekura_client import InvalidRequestError, Result
from cekura_client.reports import GITHUB_STEP_SUMMARY_LIMIT, compare, to_markdown
from cekura_client.testing import payloads


def result(data: dict[str, Any]) -> Result:
    return Result.from_dict(data)


def table_cells(line: str) -> list[str]:
    """Cells of a Markdown table row, splitting only on unescaped pipes."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def test_passing_result() -> None:
    md = to_markdown(result(payloads.passing_result()))
    lines = md.splitlines()
    assert lines[0] == "## ✅ Cekura result 1001 · Nightly regression - front desk: passed"
    assert lines[2] == (
        "**Agent** Ava - front desk · **status** completed · **runs** 3 (3 passed, 0 failed) · "
        "**success rate** 100.0% · **total duration** 7:51"
    )
    assert "### Failing runs" not in md
    assert "| Reschedule cleaning | 1 | 1 | 0 | 0 | ✅ passed |" in lines


def test_failing_result_verdict_scenarios_reasons_and_recordings() -> None:
    md = to_markdown(result(payloads.failing_result()))
    lines = md.splitlines()
    # "#482" in server text must not cross-reference this repository's PR 482: a zero-width
    # joiner after "#" breaks the reference and reads the same.
    assert lines[0] == "## ❌ Cekura result 1002 · PR #\u200d482 - new insurance flow: failed"
    assert lines[2] == "2 of 4 runs did not succeed"
    assert "| Reschedule cleaning | 2 | 2 | 0 | 0 | ✅ passed |" in lines
    assert "| Cancel appointment | 1 | 0 | 1 | 0 | ❌ failed |" in lines
    failing = md.split("### Failing runs\n\n")[1].split("\n\n")[0].splitlines()
    assert failing == [
        "- **Cancel appointment** / Busy professional (run 86102, 0:00) · "
        "[recording](https://recordings.cekura.ai/86102.wav)",
        "  - error: Call failed to connect: callee did not answer",
        "- **Insurance question** / Busy professional (run 86103, 4:07) · "
        "[recording](https://recordings.cekura.ai/86103.wav)",
        "  - Appointment booked: The agent ended the call without booking.",
        "  - Verified caller identity: Date of birth was never asked.; The agent read out the "
        "address before verification.",
    ]
    # A table per scenario, with every run and a link to its recording.
    assert re.findall(r"^#### (.+)$", md, flags=re.M) == [
        "Reschedule cleaning",
        "Cancel appointment",
        "Insurance question",
    ]
    row = next(line for line in lines if line.startswith("| 86104 |"))
    assert table_cells(row) == [
        "86104",
        "Busy professional",
        "✅ pass",
        "2:02",
        "-",
        "[listen](https://recordings.cekura.ai/86104.wav)",
    ]


def test_running_result_shows_pending_runs() -> None:
    md = to_markdown(result(payloads.running_result()))
    assert md.splitlines()[0].startswith("## ❌ Cekura result 1003")
    assert "status is 'running', not 'completed'" in md
    assert "| Cancel appointment | 1 | 0 | 0 | 1 | ⏳ incomplete |" in md
    assert "⏳ pending" in md


def test_baseline_section() -> None:
    baseline, current = result(payloads.baseline_result()), result(payloads.regressed_result())
    md = to_markdown(current, baseline=baseline)
    section = md.split("### Compared with baseline 1005: no regression\n")[1]
    section = section.split("### Scenarios")[0]
    assert "Run success rate 87.5% → 62.5%.\n\nStatistical rule at 95% confidence: " in section
    strict = to_markdown(
        current, baseline=baseline, comparison=compare(baseline, current, rule="thresholds")
    )
    assert "### Compared with baseline 1005: 🔻 regressed\n" in strict
    assert "- metric 'Verified caller identity' pass rate fell from 100% to 71%" in strict
    assert "| Insurance question | Elderly caller | passed | failed | newly failing |" in section
    assert "| Opening hours | Busy professional | passed | - | disappeared |" in section
    assert "| Billing dispute | Busy professional | - | passed | appeared |" in section
    assert "| Cancel appointment | Busy professional | failed | passed | newly passing |" in section
    assert "| Latency | mean 808.8 | mean 1300 |" in section
    assert "Mean run duration 135 s → 203 s (+51%)." in section


def test_server_text_cannot_break_tables_or_inject_markup() -> None:
    data = payloads.failing_result()
    run = data["runs"]["86102"]
    run["scenario_name"] = "Cancel | <img src=x onerror=alert(1)> [x](javascript:alert(1))"
    run["error_message"] = "line one\nline two | **bold** \x1b[31m"
    run["voice_recording"] = "javascript:alert(1)"
    md = to_markdown(result(data))
    assert "<img" not in md and "\x1b" not in md
    assert not re.search(r"(?<!\\)\]\(javascript:", md)  # no link to javascript:
    row = next(line for line in md.splitlines() if line.startswith("| 86102 |"))
    cells = table_cells(row)
    assert len(cells) == 6
    assert cells[4] == r"error: line one line two \| \*\*bold\*\* \\x1b\[31m"
    assert cells[5] == "-"  # a javascript: URL is not linked
    heading = next(line for line in md.splitlines() if line.startswith("#### Cancel"))
    assert heading == (
        r"#### Cancel \| &lt;img src=x onerror=alert(1)&gt; \[x\](javascript:alert(1))"
    )


def big_result(runs: int) -> Result:
    data = payloads.failing_result()
    template = data["runs"]["86103"]
    data["runs"] = {}
    for i in range(runs):
        run = dict(template, id=90000 + i, scenario=8000 + i % 50)
        run["scenario_name"] = f"Scenario {i % 50}"
        run["error_message"] = f"error {i}: " + "x" * 250
        data["runs"][str(run["id"])] = run
    return result(data)


def test_fits_githubs_step_summary_limit_with_a_note() -> None:
    md = to_markdown(big_result(4000))
    size = len(md.encode("utf-8"))
    assert GITHUB_STEP_SUMMARY_LIMIT - 2000 < size <= GITHUB_STEP_SUMMARY_LIMIT
    assert md.rstrip().splitlines()[-1] == (
        "> ✂️ Report truncated to fit 1,048,576 bytes (GitHub's step summary limit is 1 MiB); "
        "4000 runs in total. The JUnit or HTML report (`cekura-results report`) has everything."
    )


def test_max_bytes_is_respected_at_line_boundaries() -> None:
    md = to_markdown(big_result(100), max_bytes=5000)
    assert len(md.encode("utf-8")) <= 5000
    assert "Report truncated to fit 5,000 bytes" in md
    assert md.startswith("## ❌ Cekura result 1002")


def test_a_small_report_is_not_truncated() -> None:
    assert "truncated" not in to_markdown(big_result(3))


def test_max_bytes_too_small_is_refused() -> None:
    # The library's own error (a ValueError too), naming the value.
    with pytest.raises(InvalidRequestError, match="^max_bytes must be at least 800, got 100$"):
        to_markdown(result(payloads.passing_result()), max_bytes=100)
