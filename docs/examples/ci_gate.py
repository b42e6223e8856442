"""CI gate: start the agent's suite, wait for it, compare it with the agent's last completed
result, write JUnit XML and a Markdown summary, and fail the job when it failed or regressed.

Usage: CEKURA_API_KEY=... python ci_gate.py AGENT_ID SCENARIO_ID...
"""

import os
import sys

from cekura_client import Cekura
from cekura_client.gate import evaluate_gate
from cekura_client.reports import compare, to_junit_xml, to_markdown

agent_id, scenarios = int(sys.argv[1]), [int(arg) for arg in sys.argv[2:]]
with Cekura() as client:
    started = client.scenarios.run(agent_id, scenarios=scenarios, max_calls=50)
    print(f"started result {started.id}", file=sys.stderr)
    result = client.results.wait(started.id, timeout=1800)
    baseline = client.results.latest(agent_id, exclude=[result.id])  # None on the first run

with open("cekura-junit.xml", "w", encoding="utf-8") as junit:
    junit.write(to_junit_xml(result, baseline=baseline))
summary = to_markdown(result, baseline=baseline)
if os.environ.get("GITHUB_STEP_SUMMARY"):
    with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as step_summary:
        step_summary.write(summary)
print(summary)

regressed = baseline is not None and compare(baseline, result).regressed
sys.exit(0 if evaluate_gate(result).passed and not regressed else 1)
