"""The client suite in throwaway environments: the declared ranges tested at both ends, and every
CPython the project supports (``make test-lowest``, ``make test-latest``, ``make test-matrix``).

Each run makes a fresh venv under ``.venvs/`` with uv, installs the client with its ``[pandas]``
extra and the ``test`` dependency group, and runs ``tests/client`` without the Prism, Chromium and
full-scale tests (``make test`` runs those):

* ``lowest``: every direct dependency at the lowest version its range allows (uv's
  ``lowest-direct``), on the oldest CPython found: a floor that fails here is a floor to raise;
* ``latest``: the newest releases the ranges allow, ignoring the locks, on the newest CPython
  found: what a new user gets;
* ``matrix``: the locked set (``requirements/test.txt``) on each CPython from 3.10 up.

It prints the versions each environment got, one line for each Python it could not find, and a
summary; it exits non-zero when any run fails or when nothing ran. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENVS = ROOT / ".venvs"
SUPPORTED = ("3.10", "3.11", "3.12", "3.13", "3.14")
SUITE = ("tests/client", "-m", "not contract and not slow and not browser", "-q")
#: What the note of each run shows: the runtime dependencies and what they pull in.
SHOWN = ("httpx", "httpcore", "msgspec", "attrs", "python-dateutil", "typing-extensions", "pandas")
_VERSION = re.compile(r"^(\d+)\.(\d+)$")


@dataclass
class Outcome:
    name: str
    python: str
    versions: str
    code: int
    seconds: float

    @property
    def passed(self) -> bool:
        return self.code == 0


def _pyenv_roots() -> list[Path]:
    roots = [Path(os.environ["PYENV_ROOT"])] if os.environ.get("PYENV_ROOT") else []
    return [*roots, Path.home() / ".pyenv"]


def _version_of(python: str) -> str | None:
    """``3.12.1`` when ``python`` runs and is CPython; None otherwise (pyenv shims of a version
    that is not active fail here, which is why every candidate is run)."""
    probe = "import platform; print(platform.python_implementation(), platform.python_version())"
    try:
        proc = subprocess.run(
            [python, "-c", probe], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    implementation, _, version = proc.stdout.strip().partition(" ")
    return version if proc.returncode == 0 and implementation == "CPython" else None


def find_python(version: str) -> tuple[str, str] | None:
    """(path, full version) of a CPython ``version`` (``3.12``): PATH first, then pyenv's."""
    candidates: list[str] = []
    found = shutil.which(f"python{version}")
    if found:
        candidates.append(found)
    for root in _pyenv_roots():
        installed = sorted((root / "versions").glob(f"{version}.*/bin/python{version}"))
        candidates.extend(str(path) for path in reversed(installed))
    for candidate in candidates:
        full = _version_of(candidate)
        if full is not None and full.startswith(version + "."):
            return candidate, full
    return None


def _uv() -> str:
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if beside.exists() else shutil.which("uv")
    if found is None:
        sys.exit("suite_envs: uv not found (make bootstraps it into .venv from requirements/)")
    return found


def _run(args: Sequence[str]) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, cwd=ROOT, check=True)


def install(uv: str, mode: str, python: str, env: Path) -> None:
    shutil.rmtree(env, ignore_errors=True)
    _run([uv, "venv", "--quiet", "--python", python, str(env)])
    # Bytecode now: pip compiles at install, uv only when asked, and with
    # PYTHONDONTWRITEBYTECODE set every run would compile every module again.
    pip = [
        uv,
        "pip",
        "install",
        "--quiet",
        "--compile-bytecode",
        "--python",
        str(env / "bin" / "python"),
    ]
    if mode == "matrix":
        _run([*pip[:2], "sync", *pip[3:], "--require-hashes", "requirements/test.txt"])
        _run([*pip, "--no-deps", "--no-build-isolation", "-e", "."])
        return
    resolution = "lowest-direct" if mode == "lowest" else "highest"
    _run([*pip, "--resolution", resolution, "--upgrade", "-e", ".[pandas]", "--group", "test"])


def installed_versions(uv: str, env: Path) -> str:
    proc = subprocess.run(
        [uv, "pip", "list", "--python", str(env / "bin" / "python"), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    versions = {item["name"].lower(): item["version"] for item in json.loads(proc.stdout)}
    return " · ".join(f"{name} {versions[name]}" for name in SHOWN if name in versions)


def run_suite(uv: str, mode: str, version: str, python: str, full: str) -> Outcome:
    name = f"{mode}-{version}"
    env = ENVS / name
    print(f"\n=== {name}: CPython {full} ({python})", flush=True)
    started = time.monotonic()
    install(uv, mode, python, env)
    versions = installed_versions(uv, env)
    print(f"=== {name}: {versions}", flush=True)
    pytest = [str(env / "bin" / "python"), "-m", "pytest", *SUITE, "-p", "no:cacheprovider"]
    environ = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    code = subprocess.run(pytest, cwd=ROOT, env=environ, check=False).returncode
    return Outcome(name, full, versions, code, time.monotonic() - started)


def _wanted(text: str | None) -> list[str]:
    versions = text.replace(",", " ").split() if text else list(SUPPORTED)
    for version in versions:
        if not _VERSION.match(version):
            sys.exit(f"suite_envs: --pythons takes versions like 3.12, got {version!r}")
    return versions


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="suite_envs.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["lowest", "latest", "matrix"])
    parser.add_argument(
        "--pythons",
        help="versions to try, e.g. '3.10 3.13' (default: 3.10 to 3.14; lowest takes the "
        "oldest found, latest the newest)",
    )
    args = parser.parse_args(argv)
    uv = _uv()
    outcomes: list[Outcome] = []
    skipped: list[str] = []
    wanted = _wanted(args.pythons)
    # The floors on the oldest Python, the newest releases on the newest: the ends users meet.
    for version in reversed(wanted) if args.mode == "latest" else wanted:
        found = find_python(version)
        if found is None:
            line = f"skip {version}: no CPython {version} on PATH or in pyenv"
            skipped.append(line)
            print(line, flush=True)
            continue
        outcomes.append(run_suite(uv, args.mode, version, *found))
        if args.mode != "matrix":
            break
    print(f"\n=== {args.mode}: summary", flush=True)
    for line in skipped:
        print(line)
    for outcome in outcomes:
        verdict = "passed" if outcome.passed else f"FAILED (pytest exit {outcome.code})"
        print(f"{outcome.name:14} CPython {outcome.python:8} {verdict} in {outcome.seconds:.0f} s")
        print(f"{'':14} {outcome.versions}")
    if not outcomes:
        print(f"{args.mode}: no Python to run the suite on", file=sys.stderr)
        return 1
    return 0 if all(outcome.passed for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
