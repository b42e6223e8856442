"""Time cekura-spec-diff on the two largest upstream specs (consecutive versions), per pair:
the diff itself (load + compare + report) and the full report with the generated-client section.
Where optic is installed (`npx @useoptic/optic`, optional, not a project dependency) it times
optic on the same pair in the same run and prints the ratio. Goal: <= 2 s per full-spec pair.
Usage: .venv/bin/python benchmarks/bench_spec_diff.py [--rounds N]"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from _common import upstream_specs
from cekura_spec_tools.diff_report import build_report, to_markdown
from cekura_spec_tools.spec_io import decode_document


def run_once(old_path: Path, new_path: Path, with_generated: bool) -> float:
    start = time.perf_counter()
    old, _ = decode_document(old_path.read_bytes())
    new, _ = decode_document(new_path.read_bytes())
    to_markdown(
        build_report(
            old,
            new,
            old_label=old_path.name,
            new_label=new_path.name,
            with_generated=with_generated,
        )
    )
    return time.perf_counter() - start


def optic_available() -> bool:
    if shutil.which("npx") is None:
        return False
    probe = subprocess.run(
        ["npx", "--no-install", "@useoptic/optic", "--version"], capture_output=True, check=False
    )
    return probe.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    specs = upstream_specs()
    largest = sorted(sorted(specs, key=lambda p: p.stat().st_size)[-2:])
    print(f"pair: {largest[0].name} -> {largest[1].name}")
    core = [run_once(largest[0], largest[1], with_generated=False) for _ in range(args.rounds)]
    full = [
        run_once(largest[0], largest[1], with_generated=True)
        for _ in range(max(1, args.rounds // 2))
    ]
    print(f"spec diff (no generated section): median {statistics.median(core):.3f} s per pair")
    print(f"full report incl. generated client: median {statistics.median(full):.3f} s per pair")
    if optic_available():
        start = time.perf_counter()
        subprocess.run(
            ["npx", "--no-install", "@useoptic/optic", "diff", str(largest[0]), str(largest[1])],
            capture_output=True,
            check=False,
        )
        optic = time.perf_counter() - start
        print(
            f"optic diff: {optic:.2f} s; ratio ours(full)/optic = {statistics.median(full) / optic:.3f}x"
        )
    else:
        print("optic: not installed here (npx @useoptic/optic), no ratio measured")


if __name__ == "__main__":
    main()
