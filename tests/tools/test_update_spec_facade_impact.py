"""The spec diff's facade impact follows the facade's candidate operations: "client.results.get
moves from v1 to v2", or "uses a deprecated operation, no successor known"."""

from __future__ import annotations

import copy
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cekura_spec_tools import diff_report, facade_contract
from cekura_spec_tools.diff_report import build_report, facade_impact, to_json, to_markdown
from cekura_spec_tools.facade_contract import FacadeOperation, Selection, select
from cekura_spec_tools.spec_diff import diff_specs
from cekura_spec_tools.spec_io import decode_document
from cekura_spec_tools.spec_slice import cut

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT.parent / "shared" / "upstream-specs"
SPECS = sorted(UPSTREAM.glob("*.json")) if UPSTREAM.is_dir() else []
V1 = ("GET", "/test_framework/v1/results/{id}/")
V2 = ("GET", "/test_framework/v2/results/{id}/")


@dataclass(frozen=True)
class _Declared:  # the shape the facade's cekura_client.spec_contract will declare
    name: str
    candidates: tuple[tuple[str, str], ...]


@pytest.fixture
def v2_then_v1(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    module = types.ModuleType("cekura_client.spec_contract")
    module.OPERATIONS = (_Declared("client.results.get", (V2, V1)),)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cekura_client.spec_contract", module)
    yield


def seed() -> dict[str, Any]:
    """Get Result's v1 operation alone and not deprecated, as the seed page had it: cut from
    the vendored spec (which deprecates v1 in favour of v2)."""
    document, _ = decode_document((ROOT / "openapi" / "cekura.yaml").read_bytes())
    one = cut(document, [V1]).document
    one["paths"][V1[1]]["get"].pop("deprecated", None)
    return one


def with_v2(document: dict[str, Any], *, deprecate_v1: bool) -> dict[str, Any]:
    new = copy.deepcopy(document)
    v1 = new["paths"][V1[1]]["get"]
    new["paths"][V2[1]] = {"get": {**copy.deepcopy(v1), "operationId": "results-retrieve"}}
    if deprecate_v1:
        v1["deprecated"] = True
    return new


def test_the_adapter_reads_the_facade_declaration(v2_then_v1: None) -> None:
    assert facade_contract.facade_operations() == (FacadeOperation("client.results.get", (V2, V1)),)


def test_the_adapter_reads_the_facade_s_public_contract() -> None:
    from cekura_client.spec_contract import OPERATIONS

    operations = facade_contract.facade_operations()
    assert [op.name for op in operations] == [op.name for op in OPERATIONS]
    assert FacadeOperation("client.results.get", (V2, V1)) in operations


def test_selection_rule() -> None:
    both = with_v2(seed(), deprecate_v1=True)
    assert select(both, (V2, V1)) == Selection("GET " + V2[1], False)
    assert select(seed(), (V2, V1)) == Selection("GET " + V1[1], False)
    only_deprecated = copy.deepcopy(both)
    del only_deprecated["paths"][V2[1]]
    assert select(only_deprecated, (V2, V1)) == Selection("GET " + V1[1], True)
    v2_deprecated_too = copy.deepcopy(both)
    v2_deprecated_too["paths"][V2[1]]["get"]["deprecated"] = True
    # all deprecated: the first present, in preference order
    assert select(v2_deprecated_too, (V2, V1)) == Selection("GET " + V2[1], True)
    assert select({"paths": {}}, (V2, V1)) is None
    assert select({}, (("POST", V1[1]),)) is None  # the method counts, not only the path


def test_move_from_v1_to_v2_is_its_own_entry(v2_then_v1: None) -> None:
    old, new = seed(), with_v2(seed(), deprecate_v1=True)
    impacts = facade_impact(old, new, diff_specs(old, new))
    assert (impacts[0].attribute, impacts[0].change.kind, impacts[0].change.message) == (
        "client.results.get",
        "operation-moved",
        f"client.results.get moves from v1 to v2 (GET {V1[1]} → GET {V2[1]})",
    )
    assert impacts[0].change.category.value == "non-breaking"
    # the spec changes of both operations follow, under the facade name
    assert [(i.attribute, i.change.kind) for i in impacts[1:]] == [
        ("client.results.get", "operation-added"),
        ("client.results.get", "operation-deprecated"),
    ]
    report = build_report(old, new, old_label="a", new_label="b", with_generated=False)
    markdown = to_markdown(report)
    facade_section = markdown.split("### Facade impact\n", 1)[1].split("\n### ", 1)[0]
    assert facade_section.splitlines()[0] == (
        "- **client.results.get** — non-breaking: `operation-moved` client.results.get moves "
        f"from v1 to v2 (GET {V1[1]} → GET {V2[1]})"
    )
    assert '"kind": "operation-moved"' in to_json(report)


def test_moving_back_is_reported_too(v2_then_v1: None) -> None:
    old, new = with_v2(seed(), deprecate_v1=False), seed()
    impacts = facade_impact(old, new, diff_specs(old, new))
    assert impacts[0].change.message.startswith("client.results.get moves from v2 to v1 (")


def test_deprecated_without_successor(v2_then_v1: None) -> None:
    old = seed()
    new = copy.deepcopy(old)
    new["paths"][V1[1]]["get"]["deprecated"] = True
    impacts = facade_impact(old, new, diff_specs(old, new))
    assert [(i.change.kind, i.change.message) for i in impacts] == [
        (
            "deprecated-no-successor",
            f"client.results.get uses a deprecated operation, no successor known (GET {V1[1]})",
        ),
        ("operation-deprecated", f"GET {V1[1]}: deprecated"),
    ]
    # no change, no entry: both sides already use the deprecated operation
    assert facade_impact(new, new, diff_specs(new, new)) == []


def test_nothing_to_report_without_a_move(v2_then_v1: None) -> None:
    old = with_v2(seed(), deprecate_v1=True)
    assert facade_impact(old, old, diff_specs(old, old)) == []


def test_the_facade_kinds_are_documented() -> None:
    assert set(diff_report.FACADE_KINDS) == {"operation-moved", "deprecated-no-successor"}
    doc = (ROOT / "docs" / "maintainers" / "updating-the-spec.md").read_text()
    assert all(f"`{kind}`" in doc for kind in diff_report.FACADE_KINDS)


def _load(path: Path) -> dict[str, Any]:
    document, _ = decode_document(path.read_bytes())
    return dict(document)


@pytest.mark.skipif(not SPECS, reason=f"{UPSTREAM} is absent: no upstream specs to test with")
def test_real_upstream_move(v2_then_v1: None) -> None:
    index = next(i for i, p in enumerate(SPECS) if "2026-07-10" in p.name)
    old, new = _load(SPECS[index - 1]), _load(SPECS[index])
    impacts = facade_impact(old, new, diff_specs(old, new))
    assert impacts[0].change.message == (
        f"client.results.get moves from v1 to v2 (GET {V1[1]} → GET {V2[1]})"
    )
    # between two versions that both have v2, nothing moves
    later = _load(SPECS[-1])
    assert all(
        i.change.kind != "operation-moved"
        for i in facade_impact(_load(SPECS[-2]), later, diff_specs(_load(SPECS[-2]), later))
    )


@pytest.mark.skipif(not SPECS, reason=f"{UPSTREAM} is absent: no upstream specs to test with")
def test_real_upstream_deprecation_with_only_the_v1_candidate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_v1 = (FacadeOperation("client.results.get", (V1,)),)
    monkeypatch.setattr(diff_report, "facade_operations", lambda: only_v1)
    index = next(i for i, p in enumerate(SPECS) if "2026-07-10" in p.name)
    old, new = _load(SPECS[index - 1]), _load(SPECS[index])
    kinds = [i.change.kind for i in facade_impact(old, new, diff_specs(old, new))]
    assert kinds[0] == "deprecated-no-successor"
