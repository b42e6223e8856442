"""The main job: fetch results through the facade and print readable summaries.

Without arguments it starts the embedded mock server on loopback and shows its results:
passing, failing, still running, and one full of the API's quirks. Given result IDs, it fetches
those from the real API (CEKURA_API_KEY required; CEKURA_API_URL, default
https://api.cekura.ai) - never from the mock, so a 404 is always the real API's.

Usage: python scripts/demo.py [RESULT_ID ...]
"""

from __future__ import annotations

import os
import sys

from cekura_client import Cekura, CekuraError
from cekura_client.summary import format_result
from cekura_client.testing import MockCekuraServer, payloads


def show(client: Cekura, result_ids: list[int]) -> int:
    status = 0
    for result_id in result_ids:
        try:
            print(format_result(client.results.get(result_id)))
        except CekuraError as exc:
            print(f"Result {result_id}: {type(exc).__name__}: {exc}", file=sys.stderr)
            status = 1
        print()
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
            return show(client, ids)
    with (
        MockCekuraServer() as server,
        Cekura(api_key=server.api_key, base_url=server.url) as client,
    ):
        print(
            f"Embedded mock Cekura API at {server.url} (set CEKURA_API_KEY and pass result "
            "IDs to use the real API)\n"
        )
        return show(client, list(payloads.all_results()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
