"""Time `make generate` (spec fixes + generator + 3.10 rewrite + operation index + ruff) on the
largest upstream spec against the bare generator on the same input, in one run; print the ratio.
Goal: at most 1.5x.  Usage: .venv/bin/python benchmarks/bench_generate.py [--rounds N]"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import bare_generate, upstream_specs
from cekura_spec_tools import vendor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    largest = max(upstream_specs(), key=lambda p: p.stat().st_size)
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        provenance = vendor.vendor(str(largest), tmp / "openapi", "bench")
        print(
            f"spec: {largest.name} ({provenance['operations']} operations, "
            f"{provenance['schemas']} schemas)"
        )
        ours, bare = [], []
        for round_ in range(args.rounds):  # interleaved, so drift on a noisy machine hits both
            seconds, _ = bare_generate(largest, tmp / f"bare{round_}")
            bare.append(seconds)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "cekura_spec_tools.generate", "generate",
                 "--spec", str(tmp / "openapi" / "cekura.yaml"),
                 "--target", str(tmp / f"ours{round_}" / "cekura_openapi")],
                check=True, capture_output=True,
            )  # fmt: skip
            ours.append(time.perf_counter() - start)
    bare_median, ours_median = statistics.median(bare), statistics.median(ours)
    print(
        f"bare openapi-python-client: median {bare_median:.2f} s  ({', '.join(f'{s:.2f}' for s in bare)})"
    )
    print(
        f"make generate (ours):       median {ours_median:.2f} s  ({', '.join(f'{s:.2f}' for s in ours)})"
    )
    print(f"ratio ours/bare: {ours_median / bare_median:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
