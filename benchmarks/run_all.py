"""Every client benchmark in one run, each against a baseline measured in the same run (and
interleaved with it, so drift on this shared machine hits both), printed as a table of ratios.

For each of four payload shapes (benchmarks/_payloads.py: transcript-heavy, metric-heavy, many
small runs, a small result):

  decode        Result.from_json(bytes)                              vs  json.loads(bytes)
  decode+touch  the same, then every run, metric verdict and turn    vs  json.loads(bytes)
  from_dict     json.loads(bytes) then Result.from_dict               vs  json.loads(bytes)
  memory        traced memory a Result keeps                         vs  the json.loads tree
  round trip    client.results.get over loopback                     vs  httpx.Client.get(...).json()

then: AsyncCekura fetching 200 results 20 at a time vs httpx.AsyncClient, and the requests
results.wait makes to follow a 10-minute result vs a fixed 5 s poll.

Fairness: the garbage collector is on for both sides (nothing in the client switches it off), and
only the payload *bytes* stay alive while timing: a big decoded dict kept alive would make every
full collection during the baseline walk it too (see docs/maintainers/benchmarks.md: that is how an
earlier note came to report 1.16-1.23x for what was really ~2x).

Usage: .venv/bin/python benchmarks/run_all.py [--quick]   (or: make bench)
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gc
import json
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import httpx

from _payloads import SHAPES
from cekura_client import AsyncCekura, Cekura, Result
from cekura_client._clock import Clock
from cekura_client.testing import MockCekuraServer, MockResponse, payloads

KEY = "bench-key"
ROWS: list[tuple[str, str, str, str, str]] = []
LARGE_GOALS = {"decode": "<= 0.6x", "decode+touch": "reported", "round trip": "<= 0.8x"}
SMALL_GOALS = {"decode": "reported", "decode+touch": "reported", "round trip": "<= 1.10x"}


def paired(
    ours: Callable[[], object], base: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Median seconds of ``repeat`` runs of each, interleaved (ours, base, ours, base...)."""
    ours_t: list[float] = []
    base_t: list[float] = []
    for _ in range(repeat):
        for fn, samples in ((ours, ours_t), (base, base_t)):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
    return statistics.median(ours_t), statistics.median(base_t)


def row(name: str, ours: float, base: float, unit: str, goal: str) -> None:
    ratio = ours / base if base else float("inf")
    ROWS.append((name, f"{ours:.4g} {unit}", f"{base:.4g} {unit}", f"{ratio:.2f}x", goal))


def touch(result: Result) -> None:
    """Read every run, metric verdict and transcript turn once."""
    for run in result.runs:
        for metric in run.metrics:
            _ = metric.passed
        for turn in run.transcript:
            _ = turn.end_time


def bench_parse(label: str, raw: bytes, repeat: int, goals: dict[str, str]) -> None:
    ours, base = paired(lambda: Result.from_json(raw), lambda: json.loads(raw), repeat)
    row(f"{label}: decode", ours, base, "s", goals["decode"])
    ours, base = paired(lambda: touch(Result.from_json(raw)), lambda: json.loads(raw), repeat)
    row(f"{label}: decode+touch", ours, base, "s", goals["decode+touch"])
    # A dict already decoded (a stored payload, a webhook body): json.loads + from_dict.
    ours, base = paired(lambda: Result.from_dict(json.loads(raw)), lambda: json.loads(raw), repeat)
    row(f"{label}: json.loads+from_dict", ours, base, "s", "reported")


def bench_memory(label: str, raw: bytes) -> None:
    def retained(fn: Callable[[], object]) -> float:
        gc.collect()
        tracemalloc.start()
        kept = fn()
        size, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del kept
        return size / 1e6

    base = retained(lambda: json.loads(raw))
    ours = retained(lambda: Result.from_json(raw))
    touched = retained(lambda: _touched(raw))
    # The Result also keeps the response bytes, to decode .raw from on first use: counted in
    # the first row (the bytes existed before tracing started, so tracemalloc does not see them).
    row(f"{label}: memory kept (+ bytes)", ours + len(raw) / 1e6, base, "MB", "<= 1.0x")
    row(f"{label}: memory kept, structs only", ours, base, "MB", "reported")
    row(f"{label}: same, all read", touched, base, "MB", "reported")


def _touched(raw: bytes) -> Result:
    result = Result.from_json(raw)
    touch(result)
    return result


def bench_round_trip(
    server: MockCekuraServer, result_id: int, label: str, repeat: int, goal: str
) -> None:
    path = f"/test_framework/v1/results/{result_id}/"
    with (
        Cekura(api_key=KEY, base_url=server.url) as client,
        httpx.Client(base_url=server.url, headers={"X-CEKURA-API-KEY": KEY}) as raw,
    ):
        client.results.get(result_id)  # warm both connections
        raw.get(path).json()
        ours, base = paired(
            lambda: client.results.get(result_id), lambda: raw.get(path).json(), repeat
        )
    row(f"{label}: round trip", ours, base, "s", goal)


def bench_concurrency(server: MockCekuraServer, repeat: int) -> None:
    ids = [payloads.PASSING_RESULT_ID] * 200

    async def ours() -> None:
        gate = asyncio.Semaphore(20)
        async with AsyncCekura(api_key=KEY, base_url=server.url) as client:

            async def one(result_id: int) -> None:
                async with gate:
                    await client.results.get(result_id)

            await asyncio.gather(*(one(i) for i in ids))

    async def base() -> None:
        gate = asyncio.Semaphore(20)
        limits = httpx.Limits(max_connections=100)
        async with httpx.AsyncClient(
            base_url=server.url, headers={"X-CEKURA-API-KEY": KEY}, limits=limits
        ) as client:

            async def one(result_id: int) -> None:
                async with gate:
                    (await client.get(f"/test_framework/v1/results/{result_id}/")).json()

            await asyncio.gather(*(one(i) for i in ids))

    ours_t, base_t = paired(lambda: asyncio.run(ours()), lambda: asyncio.run(base()), repeat)
    row("concurrency (200 gets, 20 at once)", ours_t, base_t, "s", "<= 1.2x")


class _FakeClock(Clock):
    def __init__(self) -> None:
        self.time = 0.0

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.time += seconds


def bench_polling(server: MockCekuraServer) -> None:
    clock = _FakeClock()
    final = payloads.passing_result(4242)

    def respond() -> Any:
        if clock.time >= 600:
            return final
        running = copy.deepcopy(final)
        running["status"] = "running"
        return running

    server.results[4242] = respond
    before = len(server.requests)
    with Cekura(api_key=KEY, base_url=server.url) as client:
        client._clock = clock
        client.results.wait(4242)
    requests = len(server.requests) - before
    fixed = 600 / 5 + 1
    ROWS.append(
        (
            "polling (10-minute result)",
            f"{requests} requests",
            f"{fixed:.0f} requests",
            f"{requests / fixed:.2f}x",
            "<= 40 requests",
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    bodies: dict[str, tuple[int, bytes]] = {}
    for label, build in SHAPES.items():
        payload = build()
        bodies[label] = (payload["id"], json.dumps(payload).encode())
        del payload  # only the bytes stay alive: see the module docstring
    gc.collect()
    for label, (_, raw) in bodies.items():
        small = len(raw) < 1_000_000
        name = (
            f"{label} ({len(raw) / 1e6:.1f} MB)"
            if not small
            else f"{label} ({len(raw) / 1e3:.0f} kB)"
        )
        bench_parse(
            name, raw, repeat * 200 if small else repeat, SMALL_GOALS if small else LARGE_GOALS
        )
        bench_memory(name, raw)
    results = {result_id: MockResponse(200, raw) for result_id, raw in bodies.values()}
    results[payloads.PASSING_RESULT_ID] = MockResponse(
        200, json.dumps(payloads.passing_result()).encode()
    )
    with MockCekuraServer(results, api_key=KEY) as server:
        for label, (result_id, raw) in bodies.items():
            small = len(raw) < 1_000_000
            goals = SMALL_GOALS if small else LARGE_GOALS
            bench_round_trip(
                server, result_id, label, repeat * 30 if small else repeat, goals["round trip"]
            )
        bench_concurrency(server, repeat)
        bench_polling(server)
    header = ("benchmark", "ours", "baseline", "ratio", "goal")
    widths = [max(len(r[i]) for r in [header, *ROWS]) for i in range(5)]
    for line in [header, *ROWS]:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))


if __name__ == "__main__":
    main()
