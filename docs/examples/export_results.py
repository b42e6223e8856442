"""Export the runs of many results (e.g. the last 50 nightlies) to one CSV, one row per run
with a column per metric, fetching 10 results at a time.

Usage: CEKURA_API_KEY=... python export_results.py RESULT_ID... > runs.csv
"""

import csv
import sys

from cekura_client import Cekura
from cekura_client.reports import rows

with Cekura() as client:
    fetched = client.results.get_many([int(arg) for arg in sys.argv[1:]], concurrency=10)
for result_id, error in fetched.errors.items():
    print(f"result {result_id} skipped: {error}", file=sys.stderr)

table = rows(fetched.results)
writer = csv.DictWriter(sys.stdout, fieldnames=list(table[0]) if table else [])
writer.writeheader()
writer.writerows(table)
print(f"{len(table)} runs of {len(fetched.results)} results", file=sys.stderr)
sys.exit(1 if fetched.errors else 0)
