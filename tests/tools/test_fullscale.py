"""The spec pipeline at the size of the whole Cekura API, on the twelve real upstream versions in
../shared/upstream-specs: vendor each whole (`--operations all`) into a temp dir, generate a
client from it (strict: any dropped operation or unparsed schema fails), check it, and run the
facade's Get Result tests against that client; then the same for the slice openapi/operations.txt
declares, cut from each version, as `make vendor` and `make update-spec` vendor it. Skips where
../shared is absent (a user's fresh clone); CI has it."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import pytest

from cekura_spec_tools import generate, paths, spec_io, spec_slice, vendor
from cekura_spec_tools.update_spec import FACADE_TESTS

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT.parent / "shared" / "upstream-specs"
SPECS = sorted(UPSTREAM.glob("*.json")) if UPSTREAM.is_dir() else []


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SPECS, reason=f"{UPSTREAM} is absent: no upstream specs to test with"),
    pytest.mark.skipif(
        importlib.util.find_spec("openapi_python_client") is None,
        reason="openapi-python-client is not installed (it needs Python 3.11+)",
    ),
]


def _deprecated(package: Path) -> set[str]:
    namespace: dict[str, object] = {}
    exec((package / "operation_index.py").read_text(), namespace)
    return set(cast(Iterable[str], namespace["DEPRECATED"]))


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_full_spec_vendors_generates_and_serves_the_facade(spec: Path, tmp_path: Path) -> None:
    provenance = vendor.vendor(str(spec), tmp_path / "openapi", "2026-11-24")
    vendored = tmp_path / "openapi" / "cekura.yaml"
    document, _ = spec_io.decode_document(vendored.read_bytes())
    operations = {f"{method} {path}" for method, path, _ in spec_io.operations(document)}
    assert len(operations) == provenance["operations"] > 500

    package = generate.run_generator(vendored, paths.CONFIG, tmp_path / "gen")
    dropped, unparsed = generate.generator_problems(
        (tmp_path / "gen" / "generator-output.txt").read_text()
    )
    assert (dropped, unparsed) == ([], [])

    endpoint_modules = [p for p in (package / "api").rglob("*.py") if p.name != "__init__.py"]
    assert all("def sync_detailed(" in p.read_text() for p in endpoint_modules)
    assert len(endpoint_modules) == len(operations)
    index = (package / "operation_index.py").read_text()
    assert (
        "'GET /test_framework/v1/results/{id}/': 'cekura_openapi.api.test_framework."
        in index.replace('"', "'")
    )

    _serves_the_facade(package, operations)


def _serves_the_facade(package: Path, operations: set[str]) -> None:
    """The generated package imports; the facade picks Get Result's newest path the spec does not
    deprecate (v2 from 2026-07 on, where v1 is deprecated), and its tests pass against it."""
    index = (package / "operation_index.py").read_text()
    v1, v2 = "GET /test_framework/v1/results/{id}/", "GET /test_framework/v2/results/{id}/"
    expected = v2 if v2 in operations else v1
    assert (v1 in index and v2 in operations) == (v1 in _deprecated(package))
    env = {**os.environ, "PYTHONPATH": str(package.parent)}
    probe = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", "import cekura_openapi, cekura_client._operations as o; r = o.resolve(o.GET_RESULT); print(cekura_openapi.__file__, r.key, r.deprecated, sep='|')"],
        env=env, capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip().split("|") == [str(package / "__init__.py"), expected, "False"]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *FACADE_TESTS],
        env=env, capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout.splitlines()[-1]


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_slice_vendors_generates_and_serves_the_facade(spec: Path, tmp_path: Path) -> None:
    declared = spec_slice.read_operations(ROOT / "openapi" / vendor.OPERATIONS_NAME)
    provenance = vendor.vendor(str(spec), tmp_path / "openapi", "2026-11-24", declared)
    vendored = tmp_path / "openapi" / "cekura.yaml"
    document, _ = spec_io.decode_document(vendored.read_bytes())
    operations = {f"{method} {path}" for method, path, _ in spec_io.operations(document)}
    source, _ = spec_io.decode_document(spec.read_bytes())
    in_source = {f"{method} {path}" for method, path, _ in spec_io.operations(source)}
    wanted = [f"{method} {path}" for method, path in declared]
    assert operations == set(wanted) & in_source
    assert provenance["operations_missing"] == [op for op in wanted if op not in in_source]
    assert provenance["source_operations"] == len(in_source) > 500

    package = generate.run_generator(vendored, paths.CONFIG, tmp_path / "gen")
    dropped, unparsed = generate.generator_problems(
        (tmp_path / "gen" / "generator-output.txt").read_text()
    )
    assert (dropped, unparsed) == ([], [])
    endpoint_modules = [p for p in (package / "api").rglob("*.py") if p.name != "__init__.py"]
    assert len(endpoint_modules) == len(operations)
    namespace: dict[str, object] = {}
    exec((package / "operation_index.py").read_text(), namespace)
    assert set(namespace["OPERATIONS"]) == operations  # type: ignore[call-overload]
    _serves_the_facade(package, operations)
