"""Contract tests: the facade against Prism serving the vendored spec on loopback.

Prism validates every request against the spec: a request that breaks it gets a 4xx and an
``sl-violations`` header naming the problem. The tests record every response and assert that no
request violation was reported.

What Prism serves for a valid request is the seed's example, whose values are placeholders
("integer", "float", "datetime"...). The facade does not pretend those are data: it raises
ResponseValidationError naming the first unusable field (``id``). With ``Prefer: dynamic=true``
Prism invents values that obey the spec's (wrong) types; counts then come as random words, and
the facade names a count field: a core field (docs/field-strictness.md). The untyped fields
(``next_steps``, ``ai_summary``... any JSON value in dynamic mode) never fail a result.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
import yaml

from cekura_client import (
    AuthenticationError,
    Cekura,
    InvalidRequestError,
    ResponseValidationError,
    Result,
)
from cekura_client.types import _model
from cekura_client.types.result import RESULT_FIELDS
from tests.support.constants import SPEC

pytestmark = pytest.mark.contract


@pytest.fixture
def recorded(prism_url: str) -> Iterator[tuple[Cekura, list[httpx.Response]]]:
    responses: list[httpx.Response] = []
    http_client = httpx.Client(event_hooks={"response": [responses.append]})
    with Cekura(api_key="contract-test-key", base_url=prism_url, http_client=http_client) as client:
        yield client, responses
    http_client.close()


def request_violations(response: httpx.Response) -> list[dict[str, object]]:
    raw = response.headers.get("sl-violations")
    violations = json.loads(raw) if raw else []
    return [v for v in violations if v["location"][0] == "request"]


def test_get_result_request_passes_validation(
    recorded: tuple[Cekura, list[httpx.Response]],
) -> None:
    client, responses = recorded
    with pytest.raises(ResponseValidationError):
        client.results.get(1001)
    assert len(responses) == 1
    response = responses[0]
    assert response.status_code == 200
    assert request_violations(response) == []
    assert response.request.url.path == "/test_framework/v1/results/1001/"


def test_seed_example_placeholders_are_refused_naming_the_field(
    recorded: tuple[Cekura, list[httpx.Response]],
) -> None:
    client, _ = recorded
    with pytest.raises(ResponseValidationError) as info:
        client.results.get(7)
    assert info.value.path == "id"
    assert str(info.value) == "id: expected an integer, got string 'integer'"


def test_dynamic_spec_conformant_data_gives_a_result_or_a_named_field(
    recorded: tuple[Cekura, list[httpx.Response]],
) -> None:
    """Random data that obeys the spec's types: never a crash, only a Result or a
    ResponseValidationError naming a ResultDetailV2 property (counts are random words)."""
    client, responses = recorded
    properties = set(
        yaml.safe_load(SPEC.read_text())["components"]["schemas"]["ResultDetailV2"]["properties"]
    )
    outcomes = []
    for _ in range(5):
        try:
            client.results.get(7, extra_headers={"Prefer": "dynamic=true"})
            outcomes.append("result")
        except ResponseValidationError as exc:
            root = re.split(r"[.\[]", exc.path)[0]
            assert root in properties, exc.path
            assert str(exc).startswith(f"{exc.path}: expected ")
            outcomes.append(root)
    assert len(outcomes) == 5
    assert all(request_violations(r) == [] for r in responses)


_TOKEN = re.compile(r"\.?([A-Za-z_]\w*)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*')\]")


def field_class(path: str) -> str:
    """The class (core/checked/lenient) of the field an error path names, from the declarations:
    ``runs['7'].evaluation.metrics[0].score`` -> MetricScore.score -> core. An item of a field
    (``runs['7']``, ``connected_runs[2]``) has its field's class."""
    model: type[_model.Model] | None = Result
    strictness = _model.CHECKED
    wire: object = None
    for name, _index, _quoted in (m.groups() for m in _TOKEN.finditer(path)):
        if name is None:  # an index or a key: stay in the field; descend into its model, if any
            continue
        if model is None:
            return strictness
        decl = {d.key: d for d in _model.model_fields(model)}[name]
        strictness, wire = decl.kind.strictness, decl.wire
        model = _inner_model(wire)
    return strictness


def _inner_model(wire: object) -> type[_model.Model] | None:
    import typing

    for arg in (wire, *typing.get_args(wire)):
        for inner in (arg, *typing.get_args(arg)):
            if isinstance(inner, type) and issubclass(inner, _model.Model):
                return inner
    return None


def test_field_class_follows_the_declarations() -> None:
    assert field_class("total_runs_count") == "core"
    assert field_class("runs['7']") == "core"
    assert field_class("runs['7'].duration") == "checked"
    assert field_class("runs['7'].evaluation.metrics[0].score") == "core"
    assert field_class("connected_runs[2]") == "checked"


#: Properties the spec types `string` whose real values are not free text (see api-facts.md),
#: kept strict ("checked") because the quirk tests pin them; Prism invents words for them.
SPEC_MISTYPED_CHECKED = {
    "total_duration", "connected_runs", "successful_calls", "failed_infrastructure_runs",
    "failed_workflow_runs", "scenarios", "critical_categories", "metrics", "is_cronjob",
}  # fmt: skip


def _repair_core(body: dict[str, object]) -> dict[str, object]:
    """The body with its core fields replaced by usable values."""
    counts = [d.key for d in _model.model_fields(Result) if d.key.endswith("_count")]
    return {**body, **dict.fromkeys(counts, 1), "id": 7, "status": "completed", "runs": {}}


def test_dynamic_results_parse_or_fail_only_on_a_core_field(
    recorded: tuple[Cekura, list[httpx.Response]],
) -> None:
    """Prism in dynamic mode, serving the vendored spec: every response either gives a Result
    or fails on a core field; never on an untyped (lenient) one. With its core fields repaired,
    a response fails only on a checked field the spec mistypes as `string`."""
    client, responses = recorded
    outcomes: dict[str, int] = {}
    after_repair: dict[str, int] = {}
    for _ in range(40):
        try:
            client.results.get(7, extra_headers={"Prefer": "dynamic=true"})
            outcomes["result"] = outcomes.get("result", 0) + 1
        except ResponseValidationError as exc:
            assert field_class(exc.path) == "core", str(exc)
            outcomes[exc.path] = outcomes.get(exc.path, 0) + 1
        body = json.loads(responses[-1].content)
        assert set(body) <= RESULT_FIELDS  # nothing the spec sends lands in `extra`
        try:
            Result.from_dict(_repair_core(body))
            after_repair["result"] = after_repair.get("result", 0) + 1
        except ResponseValidationError as exc:
            root = re.split(r"[.\[]", exc.path)[0]
            assert field_class(exc.path) == "checked" and root in SPEC_MISTYPED_CHECKED, str(exc)
            after_repair[root] = after_repair.get(root, 0) + 1
    print(f"dynamic outcomes: {outcomes}; with core fields repaired: {after_repair}")
    assert sum(outcomes.values()) == 40
    assert all(request_violations(r) == [] for r in responses)


def test_request_without_key_is_an_authentication_error(prism_url: str) -> None:
    with Cekura(api_key="k", base_url=prism_url, default_headers={}) as client:
        client._http.auth = None  # send no key at all, as a misconfigured proxy would
        with pytest.raises(AuthenticationError) as info:
            client.results.get(1001)
    assert info.value.status_code == 401
    assert "security requirements" in str(info.value.body)


def test_many_ids_all_pass_request_validation(
    recorded: tuple[Cekura, list[httpx.Response]],
) -> None:
    client, responses = recorded
    for result_id in (1, 42, 2**31, 10**15):
        with pytest.raises(ResponseValidationError):
            client.results.get(result_id)
    assert [r.status_code for r in responses] == [200] * 4
    assert all(request_violations(r) == [] for r in responses)


def test_ids_prism_would_reject_never_leave_the_client(
    recorded: tuple[Cekura, list[httpx.Response]],
) -> None:
    client, responses = recorded
    with pytest.raises(InvalidRequestError):
        client.results.get("abc")  # type: ignore[arg-type]
    assert responses == []
