"""Every client benchmark in one run, each against a baseline measured in the same run, printed
as a table of ratios (absolute times on shared machines are noise; ratios are not).

  parse        typed Result from a 2,000-run payload  vs  json.loads of the same bytes
  memory       peak traced memory of the same          vs  json.loads
  round trip   results.get over loopback               vs  httpx.Client.get(...).json()
  concurrency  AsyncCekura, 200 gets, 20 at a time     vs  httpx.AsyncClient, same
  polling      requests to follow a 10-minute result   vs  a fixed 5 s poll

Usage: .venv/bin/python benchmarks/run_all.py [--quick]   (or: make bench)
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import httpx

from _payloads import large_result
from cekura_client import AsyncCekura, Cekura, Result
from cekura_client._clock import Clock
from cekura_client.testing import MockCekuraServer, MockResponse, payloads

KEY = "bench-key"
ROWS: list[tuple[str, str, str, str, str]] = []


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def row(name: str, ours: float, base: float, unit: str, goal: str) -> None:
    ratio = ours / base if base else float("inf")
    ROWS.append((name, f"{ours:.4g} {unit}", f"{base:.4g} {unit}", f"{ratio:.2f}x", goal))


def bench_parse(raw: bytes, repeat: int) -> None:
    def typed() -> None:
        result = Result.from_json(raw)  # what results.get does with a body: decode and build
        for run in result.runs:  # touch every run, metric and turn once
            for metric in run.metrics:
                _ = metric.passed
            for turn in run.transcript:
                _ = turn.end_time

    base = timed(lambda: json.loads(raw), repeat)
    ours = timed(typed, repeat)
    row(f"parse ({len(raw) / 1e6:.0f} MB, 2,000 runs)", ours, base, "s", "<= 1.5x")


def bench_memory(raw: bytes) -> None:
    def measure(fn: Callable[[], object]) -> tuple[float, float]:
        """(peak, retained) traced MB while building and keeping the value."""
        tracemalloc.start()
        kept = fn()
        retained, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del kept
        return peak / 1e6, retained / 1e6

    base_peak, base_kept = measure(lambda: json.loads(raw))
    ours_peak, ours_kept = measure(lambda: Result.from_json(raw))
    row("memory peak (same payload)", ours_peak, base_peak, "MB", "reported")
    row("memory retained (Result keeps .raw)", ours_kept, base_kept, "MB", "reported")


def bench_round_trip(server: MockCekuraServer, result_id: int, label: str, repeat: int) -> None:
    path = f"/test_framework/v1/results/{result_id}/"
    with (
        Cekura(api_key=KEY, base_url=server.url) as client,
        httpx.Client(base_url=server.url, headers={"X-CEKURA-API-KEY": KEY}) as raw,
    ):
        client.results.get(result_id)  # warm both connections
        raw.get(path).json()
        ours, base = [], []
        for _ in range(repeat):  # interleaved: drift hits both
            start = time.perf_counter()
            client.results.get(result_id)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            raw.get(path).json()
            base.append(time.perf_counter() - start)
    row(f"round trip ({label})", statistics.median(ours), statistics.median(base), "s", "<= 1.10x")


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

    ours_t, base_t = [], []
    for _ in range(repeat):
        ours_t.append(timed(lambda: asyncio.run(ours()), 1))
        base_t.append(timed(lambda: asyncio.run(base()), 1))
    row(
        "concurrency (200 gets, 20 at once)",
        statistics.median(ours_t),
        statistics.median(base_t),
        "s",
        "<= 1.2x",
    )


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
    large = large_result()
    raw = json.dumps(large).encode()
    bench_parse(raw, repeat)
    bench_memory(raw)
    results: dict[int, Any] = {
        payloads.PASSING_RESULT_ID: MockResponse(
            200, json.dumps(payloads.passing_result()).encode()
        ),
        large["id"]: MockResponse(200, raw),
    }
    with MockCekuraServer(results, api_key=KEY) as server:
        bench_round_trip(server, payloads.PASSING_RESULT_ID, "small result", repeat * 30)
        bench_round_trip(server, large["id"], "2,000-run result", repeat)
        bench_concurrency(server, repeat)
        bench_polling(server)
    header = ("benchmark", "ours", "baseline", "ratio", "goal")
    widths = [max(len(r[i]) for r in [header, *ROWS]) for i in range(5)]
    for line in [header, *ROWS]:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))


if __name__ == "__main__":
    main()
