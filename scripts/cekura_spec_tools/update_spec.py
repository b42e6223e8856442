"""Update the vendored spec from upstream in one step: ``make update-spec [SRC=url-or-file]``.

1. vendor SRC (default: :data:`DEFAULT_SOURCE`, Cekura's published spec) into a staging
   directory, with cekura_spec_tools.vendor's checks, cutting the same slice as before: the
   operations ``openapi/operations.txt`` declares and what they reach;
2. stop if the vendored spec is byte-for-byte the one in openapi/ ("no change"), or if it lacks
   every candidate of an operation the facade uses;
3. generate the client from it (strict, as `make generate`) into the staging directory;
4. run the facade's tests (:data:`FACADE_TESTS`) against that generated client;
5. only then install it: openapi/ and generated/cekura_openapi are replaced, and the spec-diff
   report (old vendored spec -> new) is written as Markdown and JSON under build/spec-update/,
   with, as information only, the operations upstream added next to the slice (the new
   provenance's ``neighbours`` that the previous one did not record).

Any refusal leaves the tree exactly as it was. Exit codes: 0 updated or nothing to update,
1 refused (the message says why, in a line or a few).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import generate, spec_slice, vendor
from .diff_report import (
    Neighbours,
    build_report,
    names_from_generated_tree,
    to_json,
    to_markdown,
)
from .facade_contract import facade_operations, select
from .paths import PACKAGE, ROOT
from .spec_io import SpecFormatError, atomic_write, decode_document

#: Where Cekura publishes its OpenAPI document. The one place to change it.
DEFAULT_SOURCE = "https://docs.cekura.ai/openapi.json"

CODE_ROOT = ROOT  # the checkout whose facade tests judge a new client (see paths.py)
#: The facade's Get Result tests that judge a generated client (also run by the full-scale proof).
FACADE_TESTS = (
    "tests/client/test_end_to_end.py",
    "tests/client/test_errors.py",
    "tests/client/test_wait.py",
)
REPORT_DIR = Path("build") / "spec-update"
SPEC = Path("openapi") / vendor.SPEC_NAME
PROVENANCE = Path("openapi") / vendor.PROVENANCE_NAME
OPERATIONS = Path("openapi") / vendor.OPERATIONS_NAME
GENERATED = Path("generated") / PACKAGE
_TREE_FILES = ("operation_index.py", "models/__init__.py")


class UpdateRefused(Exception):
    """The update cannot go ahead; nothing in the tree was changed."""


@dataclass
class Outcome:
    changed: bool
    message: str
    breaking: int = 0
    notes: tuple[str, ...] = ()


def _load(path: Path) -> dict[str, Any]:
    try:
        document, _ = decode_document(path.read_bytes())
    except (OSError, SpecFormatError) as exc:
        raise UpdateRefused(f"cannot read {path}: {exc}") from None
    if not isinstance(document, dict):
        raise UpdateRefused(f"{path} is not an OpenAPI document")
    return document


def check_facade_operations(
    new: dict[str, Any], declared: tuple[tuple[str, str], ...] | None = None
) -> None:
    """Refuse a spec lacking every candidate of an operation the facade uses; when the slice's
    declaration (``declared``) names none of them, say so: the fix is in operations.txt."""
    missing, undeclared = [], []
    for operation in facade_operations():
        if select(new, operation.candidates) is None:
            tried = ", ".join(f"{m} {p}" for m, p in operation.candidates)
            if declared is not None and not set(operation.candidates) & set(declared):
                undeclared.append(f"{operation.name} ({tried})")
            else:
                missing.append(f"{operation.name} ({tried})")
    if undeclared:
        raise UpdateRefused(
            f"{OPERATIONS} declares no candidate of an operation the facade uses: "
            + "; ".join(undeclared)
        )
    if missing:
        raise UpdateRefused(
            "the new spec drops an operation the facade uses: " + "; ".join(missing)
        )


def _declared_operations(root: Path) -> tuple[tuple[str, str], ...]:
    try:
        return spec_slice.read_operations(root / OPERATIONS)
    except spec_slice.SliceError as exc:
        raise UpdateRefused(str(exc)) from None


def _previous_neighbours(root: Path) -> object:
    """The installed provenance's ``neighbours`` (None when it has none or is unreadable)."""
    try:
        record = json.loads((root / PROVENANCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record.get("neighbours") if isinstance(record, dict) else None


def _locate(tests: tuple[str, ...]) -> list[str]:
    """The test files, found by name under tests/ when they moved (tests/client/... and so on);
    refuses when one is nowhere, rather than run fewer tests."""
    found = []
    for test in tests:
        path = CODE_ROOT / test
        if not path.exists():
            moved = sorted((CODE_ROOT / "tests").rglob(Path(test).name))
            if len(moved) != 1:
                raise UpdateRefused(f"the facade test file {test} is not in {CODE_ROOT / 'tests'}")
            path = moved[0]
        found.append(str(path))
    return found


def run_facade_tests(generated_parent: Path, test_files: list[str]) -> None:
    """The facade's tests against the client generated into ``generated_parent``."""
    # A fixed width makes pytest's short summary the same everywhere: "FAILED <id> - <reason>".
    env = {**os.environ, "PYTHONPATH": str(generated_parent), "COLUMNS": "10000"}
    probe = subprocess.run(
        [sys.executable, "-c", "import cekura_openapi; print(cekura_openapi.__file__)"],
        cwd=CODE_ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if not probe.stdout.strip().startswith(str(generated_parent)):
        raise UpdateRefused(
            f"the facade's tests would not import the new generated client from {generated_parent}"
            f" (got {probe.stdout.strip() or probe.stderr.strip()[-200:]})"
        )
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         *test_files],
        cwd=CODE_ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        failures = [
            _failure_lines(line)
            for line in proc.stdout.splitlines()
            if line.startswith(("FAILED ", "ERROR "))
        ]
        summary = proc.stdout.strip().splitlines()[-1:] if proc.stdout.strip() else []
        shown = [line for pair in failures[:5] for line in pair]
        detail = "\n  ".join([*shown, *summary]) or proc.stderr.strip()[-500:]
        raise UpdateRefused(
            f"the facade's tests fail against the new generated client:\n  {detail}"
        )


def _failure_lines(line: str) -> list[str]:
    """``FAILED <test id> - <reason>`` from pytest's short summary: the test, then its reason."""
    test, sep, reason = line.partition(" - ")
    return [test, f"    {reason}"] if sep and reason else [test]


def _generated_names(package: Path) -> Any:
    texts = [(package / name).read_text(encoding="utf-8") for name in _TREE_FILES]
    return names_from_generated_tree(*texts)


def _install(root: Path, spec_dir: Path, package: Path) -> None:
    """Replace openapi/ files and generated/cekura_openapi; on failure put the old ones back."""
    target = root / GENERATED
    backup = package.parent / "previous"
    old_files = {p: (root / p).read_bytes() for p in (SPEC, PROVENANCE) if (root / p).exists()}
    try:
        if target.exists():
            target.rename(backup)
        shutil.move(str(package), str(target))
        for name in (SPEC, PROVENANCE):
            atomic_write(root / name, (spec_dir / name.name).read_bytes())
    except BaseException:
        if backup.exists():
            if target.exists():
                shutil.rmtree(target)
            backup.rename(target)
        for path, data in old_files.items():
            atomic_write(root / path, data)
        raise


def update(
    source: str,
    root: Path,
    *,
    today: str,
    facade_tests: tuple[str, ...] = FACADE_TESTS,
) -> Outcome:
    old = _load(root / SPEC)
    declared = _declared_operations(root)
    with tempfile.TemporaryDirectory(prefix="cekura-spec-update-") as tmp:
        staging = Path(tmp)
        try:
            provenance = vendor.vendor(source, staging / "openapi", today, declared)
        except vendor.VendorError as exc:
            raise UpdateRefused(f"cannot vendor {source}: {exc}") from None
        notes = tuple(
            f"note: the spec at {source} has no {missing} (declared in {OPERATIONS})"
            for missing in provenance.get("operations_missing", [])
        )
        new_spec = staging / "openapi" / vendor.SPEC_NAME
        if new_spec.read_bytes() == (root / SPEC).read_bytes():
            return Outcome(
                False,
                f"no change: {SPEC} already is the spec at {source} "
                f"(sha256 {provenance['spec_sha256'][:12]}); nothing was changed",
                notes=notes,
            )
        new = _load(new_spec)
        check_facade_operations(new, declared)
        test_files = _locate(facade_tests)
        try:
            package = generate.run_generator(
                new_spec, root / "openapi" / "generator-config.yaml", staging / "gen"
            )
        except generate.GenerationError as exc:
            first = str(exc).splitlines()[0]
            raise UpdateRefused(
                f"the client cannot be generated from the new spec: {first}"
            ) from None
        run_facade_tests(package.parent, test_files)

        old_names = _generated_names(root / GENERATED) if (root / GENERATED).exists() else None
        new_names = _generated_names(package)
        report = build_report(
            old,
            new,
            old_label=f"{SPEC} (before)",
            new_label=source,
            generated_names=(old_names, new_names) if old_names else None,
            with_generated=False,
            neighbours=Neighbours.between(
                _previous_neighbours(root), list(provenance.get("neighbours", []))
            ),
        )
        _install(root, staging / "openapi", package)
    report_dir = root / REPORT_DIR
    report_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(report_dir / "report.md", (to_markdown(report) + "\n").encode("utf-8"))
    atomic_write(report_dir / "report.json", (to_json(report) + "\n").encode("utf-8"))
    return Outcome(
        True,
        f"updated {SPEC} and {GENERATED} from {source}: {provenance['operations']} operations, "
        f"{len(report.breaking)} breaking change(s); report: {REPORT_DIR / 'report.md'}",
        breaking=len(report.breaking),
        notes=notes,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--source", default=DEFAULT_SOURCE, help=f"URL or file (default {DEFAULT_SOURCE})"
    )
    parser.add_argument("--root", type=Path, default=CODE_ROOT, help="the project to update")
    parser.add_argument("--date", default=dt.date.today().isoformat())
    parser.add_argument(
        "--facade-tests", nargs="+", default=list(FACADE_TESTS), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    try:
        outcome = update(
            args.source, args.root, today=args.date, facade_tests=tuple(args.facade_tests)
        )
    except UpdateRefused as exc:
        print(
            f"update-spec: refused: {exc}\nupdate-spec: openapi/ and generated/ left unchanged",
            file=sys.stderr,
        )
        return 1
    print(f"update-spec: {outcome.message}")
    for note in outcome.notes:
        print(f"update-spec: {note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
