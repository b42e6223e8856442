"""The maintainer benchmarks still run: a benchmark is only read when someone needs it, so a
changed command line breaks it silently (bench_vendor did, when vendoring learned to cut a slice).
One round each; their timings are not asserted here (goals are ratios printed by the scripts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT.parent / "shared" / "upstream-specs"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not UPSTREAM.is_dir(), reason="needs ../shared/upstream-specs"),
]


@pytest.mark.parametrize(
    ("script", "lines"),
    [
        (
            "bench_vendor.py",
            [
                "make vendor, whole spec (--operations all): median",
                "make vendor, the declared slice (openapi/operations.txt): median",
                "same errors: True",
            ],
        ),
        ("bench_spec_diff.py", ["spec diff (no generated section): median"]),
        ("bench_generate.py", ["make generate (ours):", "ratio ours/bare:"]),
    ],
)
def test_benchmark_runs(script: str, lines: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--rounds", "1"],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    for line in lines:
        assert line in done.stdout, done.stdout
