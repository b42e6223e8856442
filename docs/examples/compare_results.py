"""Compare a result with a baseline: print what got worse or better, exit 1 on a regression.

Usage: CEKURA_API_KEY=... python compare_results.py BASELINE_ID RESULT_ID
"""

import sys

from cekura_client import Cekura
from cekura_client.reports import compare, format_comparison

with Cekura() as client:
    ids = [int(sys.argv[1]), int(sys.argv[2])]
    baseline, current = client.results.get_many(ids).raise_for_errors()

comparison = compare(baseline, current)
print(format_comparison(comparison))
sys.exit(1 if comparison.regressed else 0)
