"""The spec diff's generated-client section parses with cheap endpoint copies
(diff_report._cheap_endpoint_copies): the same generated names as the generator's own parse, on
the twelve upstream versions (slow: the unpatched parse takes ~5 s per version)."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import pytest

from cekura_spec_tools import diff_report
from cekura_spec_tools.spec_io import decode_document, operations

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT.parent / "shared" / "upstream-specs"
SPECS = sorted(UPSTREAM.glob("*.json")) if UPSTREAM.is_dir() else []

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("openapi_python_client") is None,
    reason="openapi-python-client is not installed (it needs Python 3.11+)",
)


def test_the_generator_is_restored_afterwards() -> None:
    from openapi_python_client.parser import openapi

    document, _ = decode_document((ROOT / "openapi" / "cekura.yaml").read_bytes())
    names = diff_report._generated_names(document)
    assert not isinstance(names, str)
    assert sorted(names.functions) == sorted(f"{m} {p}" for m, p, _ in operations(document))
    assert names.functions["GET /test_framework/v2/results/{id}/"] == (
        "api.test_framework.results_retrieve"
    )
    assert openapi.deepcopy is copy.deepcopy


@pytest.mark.slow
@pytest.mark.skipif(not SPECS, reason=f"{UPSTREAM} is absent: no upstream specs to test with")
@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_same_generated_names_as_the_generators_own_parse(spec: Path) -> None:
    document, _ = decode_document(spec.read_bytes())
    cheap = diff_report._generated_names(document)
    reference = diff_report._generated_names(document, cheap_copies=False)
    assert not isinstance(cheap, str) and not isinstance(reference, str)
    assert cheap.functions == reference.functions and len(cheap.functions) > 500
    assert cheap.models == reference.models
