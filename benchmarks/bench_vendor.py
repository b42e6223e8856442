"""Time `make vendor` (cekura_spec_tools.vendor, a fresh process: imports, read, validation, YAML) on the
largest upstream spec, and the validation alone: cekura_spec_tools.spec_validate (jsonschema-rs
first) against openapi-spec-validator's pure-Python run, on the same document in the same run.
Goal: vendoring a full spec under 2 s.  Usage: .venv/bin/python benchmarks/bench_vendor.py"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time

from _common import ROOT, upstream_specs
from cekura_spec_tools import spec_validate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    largest = max(upstream_specs(), key=lambda p: p.stat().st_size)
    print(f"spec: {largest.name}")
    for label, operations in (
        ("whole spec (--operations all)", "all"),
        ("the declared slice (openapi/operations.txt)", str(ROOT / "openapi" / "operations.txt")),
    ):
        walls = []
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(args.rounds):
                start = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "cekura_spec_tools.vendor", str(largest),
                     "--out-dir", tmp, "--operations", operations],
                    check=False, capture_output=True, text=True,
                )  # fmt: skip
                walls.append(time.perf_counter() - start)
                if done.returncode != 0:
                    sys.exit(f"vendor failed: {done.stderr.strip()}")
        print(f"make vendor, {label}: median {statistics.median(walls):.2f} s (goal < 2 s)")
    document = json.loads(largest.read_bytes())
    start = time.perf_counter()
    fast = list(spec_validate.iter_errors(document))
    fast_s = time.perf_counter() - start
    start = time.perf_counter()
    reference = list(spec_validate.reference_iter_errors(document))
    reference_s = time.perf_counter() - start
    same = [e.message for e in fast] == [e.message for e in reference]
    print(
        f"validation: spec_validate {fast_s:.2f} s, openapi-spec-validator (pure Python) "
        f"{reference_s:.2f} s, ratio {reference_s / fast_s:.1f}x; same errors: {same}"
    )


if __name__ == "__main__":
    main()
