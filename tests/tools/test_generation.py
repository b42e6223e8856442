"""The spec pipeline: vendoring refuses bad input without touching openapi/, generation is
reproducible and stale trees are named, and the facade agrees with the generated client."""

from __future__ import annotations

import inspect
import json
import re
import shutil
import sys
import typing
from pathlib import Path
from typing import Any

import pytest

from cekura_client import ResultStatus
from cekura_spec_tools import generate, paths, spec_io

ROOT = Path(__file__).resolve().parents[2]


needs_generator = pytest.mark.skipif(
    not (Path(sys.executable).parent / "openapi-python-client").exists(),
    reason="openapi-python-client is not installed (it needs Python 3.11+)",
)


def test_status_enum_matches_the_generated_client() -> None:
    from cekura_openapi.models.result_detail_v2_status import ResultDetailV2Status

    generated = set(typing.get_args(ResultDetailV2Status))
    assert {member.value for member in ResultStatus} == generated


def test_generated_operation_builds_the_request_the_facade_sends() -> None:
    from cekura_client._operations import GET_RESULT, resolve

    resolved = resolve(GET_RESULT)
    assert resolved.key == "GET /test_framework/v2/results/{id}/" and not resolved.deprecated
    assert resolved.build_request(id=5) == {
        "method": "get",
        "url": "/test_framework/v2/results/5/",
    }


def test_facade_and_generated_client_agree_on_every_operation() -> None:
    """Each facade operation resolves to a generated function whose request has the method and
    path the facade declares: a rename or a moved path in the generated client fails here."""
    from cekura_client._operations import resolve
    from cekura_client.spec_contract import OPERATIONS

    class Body:  # stands for a generated request model
        def to_dict(self) -> dict[str, Any]:
            return {}

    for operation in OPERATIONS:
        resolved = resolve(operation)
        method, path = resolved.key.split(" ", 1)
        names = re.findall(r"\{(\w+)\}", path)
        arguments: dict[str, Any] = dict.fromkeys(names, 7)
        if "body" in inspect.signature(resolved.build_request).parameters:
            arguments["body"] = Body()
        request = resolved.build_request(**arguments)
        expected = re.sub(r"\{\w+\}", "7", path)
        assert (request["method"].upper(), request["url"]) == (method, expected), operation.name


def test_every_facade_candidate_is_declared_in_the_slice() -> None:
    """A facade operation names only method+paths openapi/operations.txt declares: one that is
    not declared would vanish from the next `make vendor`."""
    from cekura_client.spec_contract import OPERATIONS
    from cekura_spec_tools import spec_slice

    declared = set(spec_slice.read_operations(ROOT / "openapi" / "operations.txt"))
    for operation in OPERATIONS:
        assert set(operation.candidates) <= declared, operation.name


def _declared() -> list[str]:
    """The operations openapi/operations.txt declares and the vendored spec has."""
    from cekura_spec_tools import spec_slice

    provenance = json.loads((ROOT / "openapi" / "cekura.provenance.json").read_text())
    declared = spec_slice.read_operations(ROOT / "openapi" / "operations.txt")
    return [f"{m} {p}" for m, p in declared if f"{m} {p}" not in provenance["operations_missing"]]


def test_operation_index_lists_every_generated_endpoint() -> None:
    """The generated client is the slice: one endpoint module per declared operation, no other."""
    import importlib

    from cekura_openapi.operation_index import OPERATIONS

    assert sorted(OPERATIONS) == sorted(_declared())
    modules = sorted((paths.GENERATED / "api").rglob("*.py"))
    assert len([m for m in modules if m.name != "__init__.py"]) == len(OPERATIONS)
    for operation, module in OPERATIONS.items():
        assert callable(importlib.import_module(module).sync_detailed), operation


def test_missing_operation_is_a_clear_error() -> None:
    from cekura_client import MissingOperationError
    from cekura_client._operations import Operation, resolve

    nowhere = Operation("client.nope.delete", candidates=(("DELETE", "/nope/{id}/"),))
    with pytest.raises(MissingOperationError) as info:
        resolve(nowhere)
    assert str(info.value) == (
        "client.nope.delete needs 'DELETE /nope/{id}/', which the generated client does not "
        "have: declare it in openapi/operations.txt, then regenerate from a spec that has it "
        "(make vendor SRC=<spec> && make generate)"
    )


def test_provenance_matches_the_vendored_spec() -> None:
    import hashlib

    provenance = json.loads((ROOT / "openapi" / "cekura.provenance.json").read_text())
    spec = (ROOT / "openapi" / "cekura.yaml").read_bytes()
    assert provenance["spec_sha256"] == hashlib.sha256(spec).hexdigest()
    document, _ = spec_io.decode_document(spec)
    assert {key: provenance[key] for key in ("paths", "operations", "schemas")} == spec_io.counts(
        document
    )
    assert provenance["operations"] == len(_declared())
    assert provenance["source_operations"] > provenance["operations"]


@needs_generator
def test_stale_generated_tree_is_detected_and_named(tmp_path: Path) -> None:
    stale = tmp_path / "cekura_openapi"
    shutil.copytree(paths.GENERATED, stale)
    (stale / "client.py").write_text((stale / "client.py").read_text() + "# edited by hand\n")
    (stale / "extra.py").write_text("")
    (stale / "types.py").unlink()
    assert generate.check(target=stale) == [
        "missing from generated/: types.py",
        "not produced by the generator: extra.py",
        "differs: client.py",
    ]


@needs_generator
def test_generation_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    first = generate.run_generator(paths.SPEC, paths.CONFIG, tmp_path / "a")
    second = generate.run_generator(paths.SPEC, paths.CONFIG, tmp_path / "b")
    assert generate.diff_trees(first, second) == []
    assert generate.diff_trees(first, paths.GENERATED) == []


def test_generated_code_avoids_python_311_only_names() -> None:
    for path in paths.GENERATED.rglob("*.py"):
        text = path.read_text()
        assert "from typing import Any, Self" not in text and "StrEnum" not in text, path
