"""Compare a result with a baseline: print what got worse or better, exit 1 on a regression.

Usage: CEKURA_API_KEY=... python compare_results.py BASELINE_ID RESULT_ID [RULE]

RULE is "statistical" (the default: a drop counts when it is unlikely by chance) or
"thresholds" (any scenario newly failing, a pass rate down more than 5 points).
"""

import sys

from cekura_client import Cekura
from cekura_client.reports import compare, format_comparison

with Cekura() as client:
    ids = [int(sys.argv[1]), int(sys.argv[2])]
    baseline, current = client.results.get_many(ids).raise_for_errors()

if sys.argv[3:] == ["thresholds"]:
    comparison = compare(baseline, current, rule="thresholds")
else:
    comparison = compare(baseline, current)
print(format_comparison(comparison))
sys.exit(1 if comparison.regressed else 0)
