"""The main job: fetch results through the facade and print readable summaries.

Without arguments it starts the embedded mock server on loopback and shows its results:
passing, failing, still running, and one full of the API's quirks; then the CI loop (start a
suite, wait for it, compare it with the agent's latest completed result); then it writes an HTML
report of other mock results (a week of nightly results, and a result with new failures
compared with its baseline), says which results it covers and prints its path
($CEKURA_DEMO_REPORT, else cekura-report.html in a temporary folder). Given result IDs, it
fetches those from the real API (CEKURA_API_KEY required; CEKURA_API_URL, default
https://api.cekura.ai) - never from the mock, so a 404 is always the real API's.

Usage: python scripts/demo.py [RESULT_ID ...]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from cekura_client import Cekura, CekuraError, Result
from cekura_client.gate import evaluate_gate
from cekura_client.reports import compare, to_html
from cekura_client.summary import format_result
from cekura_client.testing import MockCekuraServer, payloads


def show(client: Cekura, result_ids: list[int], fetched: list[Result] | None = None) -> int:
    """Print each result's summary (collecting the results in ``fetched``); 1 if any failed."""
    status = 0
    for result_id in result_ids:
        try:
            result = client.results.get(result_id)
        except CekuraError as exc:
            print(f"Result {result_id}: {type(exc).__name__}: {exc}", file=sys.stderr)
            status = 1
        else:
            print(format_result(result))
            if fetched is not None:
                fetched.append(result)
        print()
    return status


#: What the demo shows from the mock server, and what its HTML report covers.
SHOWN_IDS = [
    payloads.PASSING_RESULT_ID,
    payloads.FAILING_RESULT_ID,
    payloads.RUNNING_RESULT_ID,
    payloads.QUIRKY_RESULT_ID,
]
REPORT_IDS = [*payloads.NIGHTLY_RESULT_IDS, payloads.REGRESSED_RESULT_ID]


def ci_loop(client: Cekura) -> None:
    """Start a suite on the mock, wait for it, gate on it and compare it with the agent's
    previous completed result: what a CI job does (``cekura-results run --wait``)."""
    agent = payloads.MOCK_AGENT_ID
    print(f"The CI loop: start 3 scenarios on agent {agent}, wait, gate, compare.")
    started = client.scenarios.run(agent, scenarios=[7001, 7002, 7003], max_calls=10)
    print(f"Started result {started.id} ({len(started.runs)} calls); waiting for it...")
    result = client.results.wait(started.id, poll_interval=0.05)
    baseline = client.results.latest(agent, exclude=[result.id], before=result.created_at)
    verdict = evaluate_gate(result)
    gate = "PASSED" if verdict.passed else "FAILED"
    print(f"Result {result.id}: {result.status.value}, gate {gate}")
    if baseline is not None:
        comparison = compare(baseline, result)
        print(
            f"Compared with result {baseline.id}, the agent's latest completed before it: "
            f"{'REGRESSED' if comparison.regressed else 'no regression'}"
        )
    listed = [r.id for r in client.results.list(agent_id=agent, limit=5)]
    print(f"The agent's 5 newest results: {', '.join(map(str, listed))}\n")


def coverage(results: list[Result], baseline: Result | None = None) -> str:
    """Which results the HTML report of ``results`` shows."""
    ids = ", ".join(str(result.id) for result in results)
    text = f"The HTML report covers result {ids}"
    if len(results) > 1:
        text = f"The HTML report covers results {ids} (the last in detail)"
    return text + (f", compared with baseline {baseline.id}." if baseline else ".")


def write_report(results: list[Result], baseline: Result | None = None, note: str = "") -> None:
    """Write one HTML report of ``results`` (the last one in detail); say which results it
    covers (and ``note``), then print its path."""
    if not results:
        return
    target = Path(
        os.environ.get("CEKURA_DEMO_REPORT")
        or Path(tempfile.mkdtemp(prefix="cekura-demo-")) / "cekura-report.html"
    )
    target.write_text(to_html(results, baseline=baseline), encoding="utf-8")
    print(coverage(results, baseline))
    if note:
        print(note)
    print(f"HTML report: {target.resolve()}")


def show_and_report(client: Cekura, result_ids: list[int]) -> int:
    fetched: list[Result] = []
    status = show(client, result_ids, fetched)
    write_report(fetched)
    return status


def main(argv: list[str]) -> int:
    try:
        ids = [int(arg) for arg in argv]
    except ValueError:
        print("usage: demo.py [RESULT_ID ...]  (result IDs are integers)", file=sys.stderr)
        return 2
    if ids:
        if not os.environ.get("CEKURA_API_KEY"):
            print(
                "Fetching result IDs needs the real API: set CEKURA_API_KEY (and CEKURA_API_URL "
                "for another host). Without IDs, the demo uses the embedded mock.",
                file=sys.stderr,
            )
            return 2
        with Cekura() as client:
            print(f"Fetching from {client.base_url}\n")
            return show_and_report(client, ids)
    with (
        MockCekuraServer() as server,
        Cekura(api_key=server.api_key, base_url=server.url) as client,
    ):
        print(
            f"Embedded mock Cekura API at {server.url} (set CEKURA_API_KEY and pass result "
            "IDs to use the real API)\n"
        )
        status = show(client, SHOWN_IDS)
        ci_loop(client)
        many = client.results.get_many(REPORT_IDS)
        write_report(
            many.raise_for_errors(),
            client.results.get(payloads.BASELINE_RESULT_ID),
            note="(Other mock results than the ones above: a week of nightly results, and a "
            "result with new failures against its baseline.)",
        )
        return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
