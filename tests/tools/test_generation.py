"""The spec pipeline: vendoring refuses bad input without touching openapi/, generation is
reproducible and stale trees are named, and the facade agrees with the generated client."""

from __future__ import annotations

import json
import shutil
import sys
import typing
from pathlib import Path

import pytest

from cekura_client import ResultStatus
from cekura_spec_tools import generate

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
    assert resolved.key == "GET /test_framework/v1/results/{id}/" and not resolved.deprecated
    assert resolved.build_request(id=5) == {
        "method": "get",
        "url": "/test_framework/v1/results/5/",
    }


def test_facade_and_generated_client_agree_on_every_operation() -> None:
    """Each facade operation resolves to a generated function whose request has the method and
    path the facade declares: a rename or a moved path in the generated client fails here."""
    from cekura_client._operations import resolve
    from cekura_client.spec_contract import OPERATIONS

    for operation in OPERATIONS:
        resolved = resolve(operation)
        method, path = resolved.key.split(" ", 1)
        request = resolved.build_request(id=7)
        assert (request["method"].upper(), request["url"]) == (method, path.replace("{id}", "7"))


def test_operation_index_lists_every_generated_endpoint() -> None:
    from cekura_openapi.operation_index import OPERATIONS

    assert OPERATIONS == {
        "GET /test_framework/v1/results/{id}/": "cekura_openapi.api.test_framework.results_retrieve"
    }


def test_missing_operation_is_a_clear_error() -> None:
    from cekura_client._operations import MissingOperationError, Operation, resolve

    nowhere = Operation("client.nope.delete", candidates=(("DELETE", "/nope/{id}/"),))
    with pytest.raises(MissingOperationError) as info:
        resolve(nowhere)
    assert str(info.value) == (
        "the generated client has none of 'DELETE /nope/{id}/' (client.nope.delete); regenerate "
        "it from a spec that has one (make vendor SRC=... && make generate)"
    )


def test_provenance_matches_the_vendored_spec() -> None:
    import hashlib

    provenance = json.loads((ROOT / "openapi" / "cekura.provenance.json").read_text())
    spec = (ROOT / "openapi" / "cekura.yaml").read_bytes()
    assert provenance["spec_sha256"] == hashlib.sha256(spec).hexdigest()
    assert (provenance["operations"], provenance["schemas"]) == (1, 1)


@needs_generator
def test_stale_generated_tree_is_detected_and_named(tmp_path: Path) -> None:
    stale = tmp_path / "cekura_openapi"
    shutil.copytree(generate.TARGET, stale)
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
    first = generate.run_generator(generate.SPEC, generate.CONFIG, tmp_path / "a")
    second = generate.run_generator(generate.SPEC, generate.CONFIG, tmp_path / "b")
    assert generate.diff_trees(first, second) == []
    assert generate.diff_trees(first, generate.TARGET) == []


def test_generated_code_avoids_python_311_only_names() -> None:
    for path in generate.TARGET.rglob("*.py"):
        text = path.read_text()
        assert "from typing import Any, Self" not in text and "StrEnum" not in text, path
