"""Property-based tests: whatever the server sends, the facade returns a Result or raises
ResponseValidationError naming a field - never anything else.

CI runs a few hundred examples per property (profile "ci"); `make fuzz` runs 10,000 (profile
"fuzz"). Three sources of payloads: the vendored ResultDetailV2 schema (hypothesis-jsonschema),
realistic payloads mutated at random places, and the ResultDetailV2 schema of every upstream
version in ../shared/upstream-specs.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from cekura_client import ResponseValidationError, Result
from cekura_client.testing import payloads

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT.parent / "shared" / "upstream-specs"

settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_TOKEN = re.compile(r"\.?([A-Za-z_]\w*)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]")
_MISSING = object()


def resolve(payload: Any, path: str) -> Any:
    """Follow a field path like ``runs['86101'].evaluation.metrics[1].score`` into a payload;
    _MISSING when the last key is absent (the error is about a missing field)."""
    node, position = payload, 0
    while position < len(path):
        match = _TOKEN.match(path, position)
        assert match, f"unparseable path {path!r} at {position}"
        name, index, quoted = match.groups()
        key: Any = name if name is not None else int(index) if index is not None else eval(quoted)
        assert isinstance(node, (dict, list)), f"{path!r}: {type(node).__name__} has no {key!r}"
        if isinstance(node, list) or key in node:
            node = node[key]
        else:
            assert match.end() == len(path), f"{path!r}: {key!r} missing before the end"
            return _MISSING
        position = match.end()
    return node


def check(payload: Any) -> Result | None:
    """Parse; the only acceptable failure is a ResponseValidationError naming a real place."""
    try:
        return Result.from_dict(payload)
    except ResponseValidationError as exc:
        assert str(exc).startswith(f"{exc.path or 'response body'}: expected ")
        if exc.path:
            resolve(payload, exc.path)
        return None


def result_detail_schema(spec: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = copy.deepcopy(spec["components"]["schemas"]["ResultDetailV2"])
    schema["required"] = sorted(set(schema.get("required", [])) | {"id", "status"})
    # $refs point at "#/components/schemas/...": keep them resolvable from this root.
    schema["components"] = {"schemas": spec["components"]["schemas"]}
    return schema


VENDORED = result_detail_schema(yaml.safe_load((ROOT / "openapi" / "cekura.yaml").read_text()))


@given(from_schema(VENDORED))
def test_payloads_from_the_vendored_schema(payload: dict[str, Any]) -> None:
    check(payload)


# --- realistic payloads, mutated ---------------------------------------------------------------

odd_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    [
        "",
        " ",
        "\u0000",
        "\ud7ff",
        "🙂" * 10,
        "١٢٣",
        "1e309",
        "-0",
        "NaN",
        "10:99",
        "-5:00",
        "99999999999:00",
    ]
)
wrong_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    odd_text,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(odd_text, st.integers(), max_size=3),
    st.recursive(
        st.none() | st.integers(),
        lambda inner: (
            st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
        ),
        max_leaves=60,
    ),
)
BASES = [
    payloads.passing_result(),
    payloads.failing_result(),
    payloads.running_result(),
    payloads.quirky_result(),
    payloads.webhook_result_completed()["data"],
]


def places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += places(value, (*path, index))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    payload = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        targets = places(payload)
        path = draw(st.sampled_from(targets))
        if not path:
            if draw(st.booleans()):
                payload = draw(wrong_values)
            continue
        parent = payload
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "null", "delete", "deep"]))
        if action == "replace":
            parent[path[-1]] = draw(wrong_values)
        elif action == "null":
            parent[path[-1]] = None
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "deep":
            nested: Any = draw(wrong_values)
            for _ in range(draw(st.integers(min_value=20, max_value=200))):
                nested = [nested]
            parent[path[-1]] = nested
        if not isinstance(payload, (dict, list)):
            break
    return payload


@given(mutated())
def test_mutated_realistic_payloads(payload: Any) -> None:
    result = check(payload)
    if result is not None:
        json.dumps(result.to_dict(), allow_nan=True)  # a parsed result always serialises


def test_non_finite_numbers_are_refused_with_the_field() -> None:
    payload = payloads.passing_result()
    payload["success_rate"] = math.inf
    with pytest.raises(
        ResponseValidationError, match="^success_rate: expected a finite number, got number inf"
    ):
        Result.from_dict(payload)


def test_deep_nesting_in_free_form_fields_is_kept() -> None:
    payload = payloads.passing_result()
    deep: Any = "bottom"
    for _ in range(500):
        deep = {"next": deep}
    payload["runs_by_tags"] = deep
    assert Result.from_dict(payload).runs_by_tags == deep


# --- every upstream version's ResultDetailV2 ------------------------------------------------------

UPSTREAM_SPECS = sorted(UPSTREAM.glob("*.json")) if UPSTREAM.is_dir() else []
needs_upstream = pytest.mark.skipif(not UPSTREAM_SPECS, reason=f"{UPSTREAM} is absent")


def upstream_schema(path: Path) -> dict[str, Any]:
    return result_detail_schema(json.loads(path.read_text()))


@needs_upstream
@pytest.mark.parametrize("spec", UPSTREAM_SPECS, ids=[p.stem[15:25] for p in UPSTREAM_SPECS])
def test_realistic_payload_shaped_like_each_version_parses(spec: Path) -> None:
    """A real result restricted to exactly the fields that version documents parses fully."""
    properties = set(upstream_schema(spec)["properties"])
    payload = {k: v for k, v in payloads.failing_result().items() if k in properties}
    if "scenario_names" in properties:
        payload["scenario_names"] = ["Reschedule cleaning", "Cancel appointment"]
    result = Result.from_dict(payload)
    assert result.id == 1002 and result.status == "completed"
    assert [run.id for run in result.runs] == [86101, 86102, 86103, 86104]
    assert result.total_runs_count == 4
    assert result.extra == {}
    if "scenario_names" in properties:
        assert [s.name for s in result.scenarios] == ["Reschedule cleaning", "Cancel appointment"]


@needs_upstream
@pytest.mark.parametrize("spec", UPSTREAM_SPECS, ids=[p.stem[15:25] for p in UPSTREAM_SPECS])
def test_payloads_from_each_upstream_schema(spec: Path) -> None:
    @settings(max_examples=max(10, settings().max_examples // 12))
    @given(from_schema(upstream_schema(spec)))
    def run(payload: dict[str, Any]) -> None:
        check(payload)

    run()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "total_duration",
            10**17,
            "total_duration: expected a duration timedelta can hold, got integer",
        ),
        (
            "total_duration",
            "99999999999999:00",
            "total_duration: expected a duration timedelta can hold, got string",
        ),
        ("success_rate", 10**400, "success_rate: expected a finite number, got integer"),
    ],
)
def test_values_beyond_python_ranges_are_refused_with_the_field(
    field: str, value: Any, message: str
) -> None:
    """Found by `make fuzz`: a numeric duration of 10^17 s overflowed timedelta."""
    payload = payloads.passing_result()
    payload[field] = value
    with pytest.raises(ResponseValidationError, match=f"^{re.escape(message)}"):
        Result.from_dict(payload)
