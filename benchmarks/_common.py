"""Helpers shared by the benchmark scripts (run them with the project's .venv python)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = ROOT.parent / "shared" / "upstream-specs"
BIN = Path(sys.executable).parent


def upstream_specs() -> list[Path]:
    specs = sorted(UPSTREAM.glob("*.json")) if UPSTREAM.is_dir() else []
    if not specs:
        sys.exit(
            f"no upstream specs in {UPSTREAM}: this benchmark needs ../shared beside the checkout"
        )
    return specs


def bare_generate(spec: Path, out: Path) -> tuple[float, str]:
    """openapi-python-client as a user would run it (its default ruff post-hooks included)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    proc = subprocess.run(
        [str(BIN / "openapi-python-client"), "generate", "--path", str(spec), "--meta", "none",
         "--output-path", str(out), "--overwrite"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return time.perf_counter() - start, proc.stdout + proc.stderr
