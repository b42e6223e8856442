"""Dashboard export: the agent's last 50 results, one CSV row per run with a column per metric,
fetching 10 results at a time.

Usage: CEKURA_API_KEY=... python export_results.py AGENT_ID > runs.csv
"""

import csv
import sys

from cekura_client import Cekura
from cekura_client.reports import rows

with Cekura() as client:
    listed = client.results.list(agent_id=int(sys.argv[1]), limit=50)
    fetched = client.results.get_many([result.id for result in listed], concurrency=10)
for result_id, error in fetched.errors.items():
    print(f"result {result_id} skipped: {error}", file=sys.stderr)

table = rows(fetched.results)
writer = csv.DictWriter(sys.stdout, fieldnames=list(table[0]) if table else [])
writer.writeheader()
writer.writerows(table)
print(f"{len(table)} runs of {len(fetched.results)} results", file=sys.stderr)
sys.exit(1 if fetched.errors else 0)
