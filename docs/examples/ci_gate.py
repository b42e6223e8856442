"""CI gate: wait for a Cekura result, write JUnit XML and a Markdown summary, compare it with a
baseline, and fail the job when it failed or regressed.

Usage: CEKURA_API_KEY=... python ci_gate.py RESULT_ID BASELINE_ID
"""

import os
import sys

from cekura_client import Cekura
from cekura_client.gate import evaluate_gate
from cekura_client.reports import compare, to_junit_xml, to_markdown

result_id, baseline_id = int(sys.argv[1]), int(sys.argv[2])
with Cekura() as client:
    result = client.results.wait(result_id, timeout=1800)
    baseline = client.results.get(baseline_id)

with open("cekura-junit.xml", "w", encoding="utf-8") as junit:
    junit.write(to_junit_xml(result, baseline=baseline))
summary = to_markdown(result, baseline=baseline)
if os.environ.get("GITHUB_STEP_SUMMARY"):
    with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as step_summary:
        step_summary.write(summary)
print(summary)

passed = evaluate_gate(result).passed and not compare(baseline, result).regressed
sys.exit(0 if passed else 1)
