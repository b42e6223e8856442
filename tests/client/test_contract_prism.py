"""Contract tests: the facade against Prism serving the vendored spec on loopback.

Prism validates every request against the spec: a request that breaks it gets a 4xx and an
``sl-violations`` header naming the problem. The tests record every response and assert that no
request violation was reported.

What Prism serves for a valid request is the seed's example, whose values are placeholders
("integer", "float", "datetime"...). The facade does not pretend those are data: it raises
ResponseValidationError naming the first unusable field (``id``). With ``Prefer: dynamic=true``
Prism invents values that obey the spec's (wrong) types; counts then come as random words, and
the facade names a count field: a core field (docs/guides/field-strictness.md). The untyped fields
(``next_steps``, ``ai_summary``... any JSON value in dynamic mode) never fail a result.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest
import yaml

from cekura_client import (
    AsyncCekura,
    AuthenticationError,
    Cekura,
    InvalidRequestError,
    NotFoundError,
    ResponseValidationError,
    Result,
)
from cekura_client.types import _model
from cekura_client.types.result import RESULT_FIELDS
from tests.support.constants import SPEC, result_path

pytestmark = pytest.mark.contract


@pytest.fixture
def recorded(prism_url: str) -> Iterator[tuple[Cekura, list[httpx.Response]]]:
    responses: list[httpx.Response] = []
    http_client = httpx.Client(event_hooks={"response": [responses.append]})
    with Cekura(api_key="contract-test-key", base_url=prism_url, http_client=http_client) as client:
        yield client, responses
    http_client.close()


def request_violations(response: httpx.Response) -> list[dict[str, Any]]:
    """The request violations Prism reported: in the ``sl-violations`` header, or, when no
    response of the spec fits an invalid request, in its own 422 problem document (whose
    ``validation`` locations have no ``request`` prefix)."""
    raw = response.headers.get("sl-violations")
    violations = json.loads(raw) if raw else []
    found = [v for v in violations if v["location"][0] == "request"]
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        problem = json.loads(response.read())
        for v in problem.get("validation", []):
            found.append({**v, "location": ["request", *v["location"]]})
    return found


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
    assert response.request.url.path == result_path(1001)


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
        # send no key at all, as a misconfigured proxy would (None on purpose: httpx types
        # the auth setter without None, but accepts it and then sends no auth)
        client._http.auth = None  # type: ignore[assignment]
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


# --- Every operation of the slice, sync and async ---------------------------------------------
#
# Each call goes through the facade (Cekura or AsyncCekura) with a recording event hook; Prism
# validates the request (path, query, headers, JSON body) against the vendored spec. What comes
# back is Prism's example (or, with ``Prefer: dynamic=true``, invented data): the facade turns it
# into a typed object or raises ResponseValidationError naming a field, never anything else.

_SPEC = yaml.safe_load(SPEC.read_text())
_SCHEMAS = _SPEC["components"]["schemas"]
LIST_RESULT_PROPERTIES = set(_SCHEMAS["Result"]["properties"])
PAGE_PROPERTIES = set(_SCHEMAS["PaginatedResultList"]["properties"])
RUN_PATH = "/test_framework/v2/scenarios/run_scenarios/"
RUN_TEXT_PATH = "/test_framework/v2/scenarios/run_scenarios_text/"
LIST_PATH = "/test_framework/v2/results/"


def _started_properties(path: str) -> set[str]:
    """The properties of a run-start's 201 body, as the spec declares them."""
    response = _SPEC["paths"][path]["post"]["responses"]["201"]
    return set(response["content"]["application/json"]["schema"]["properties"])


class Api:
    """Calls ``op(client)`` through a fresh Cekura (sync) or AsyncCekura (async) whose
    ``httpx`` client records every response in ``responses``. ``op`` may return an awaitable
    (async client): it is awaited. ``transport`` wraps Prism (sync or async as the mode)."""

    def __init__(self, mode: str, url: str, transport: object = None) -> None:
        self.mode = mode
        self.url = url
        self.transport = transport
        self.responses: list[httpx.Response] = []

    def __call__(self, op: Callable[[Any], Any]) -> Any:
        if self.mode == "sync":
            http = httpx.Client(
                event_hooks={"response": [self.responses.append]},
                transport=self.transport,  # type: ignore[arg-type]
            )
            with (
                http,
                Cekura(api_key="contract-test-key", base_url=self.url, http_client=http) as c,
            ):
                return op(c)

        async def record(response: httpx.Response) -> None:
            self.responses.append(response)

        async def run() -> Any:
            http = httpx.AsyncClient(
                event_hooks={"response": [record]},
                transport=self.transport,  # type: ignore[arg-type]
            )
            async with (
                http,
                AsyncCekura(api_key="contract-test-key", base_url=self.url, http_client=http) as c,
            ):
                out = op(c)
                return await out if inspect.isawaitable(out) else out

        return anyio.run(run)

    def outcome(self, op: Callable[[Any], Any]) -> Any:
        """What ``op`` returns, or the ResponseValidationError it raises (any other exception
        fails the test)."""
        try:
            return self(op)
        except ResponseValidationError as exc:
            return exc

    def assert_clean(self, status: int) -> None:
        assert self.responses, "no request reached Prism"
        for response in self.responses:
            assert response.status_code == status, (response.status_code, response.text)
            assert request_violations(response) == [], response.request.url


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest, prism_url: str) -> Api:
    return Api(request.param, prism_url)


def items(pager: Any) -> Any:
    """Every item of a SyncPager (a list) or an AsyncPager (an awaitable of a list)."""
    if hasattr(pager, "__aiter__"):

        async def collect() -> list[Any]:
            return [item async for item in pager]

        return collect()
    return list(pager)


def first_page(pager: Any) -> Any:
    """The first page of a pager, sync or async."""
    pages = pager.pages()
    if hasattr(pages, "__anext__"):
        return pages.__anext__()
    return next(pages)


def assert_names_a_list_item_field(exc: ResponseValidationError) -> None:
    """A list failure names a field of one item (``results[0].total_runs_count``), one of the
    list's Result properties, and a core one; or a field of the page itself."""
    assert str(exc).startswith(f"{exc.path}: expected "), str(exc)
    match = re.fullmatch(r"results\[(\d+)\]\.(\w+)(.*)", exc.path)
    if match is None:
        assert re.split(r"[.\[]", exc.path)[0] in PAGE_PROPERTIES, str(exc)
        return
    assert match[2] in LIST_RESULT_PROPERTIES, str(exc)
    assert field_class(match[2] + match[3]) == "core", str(exc)


LIST_FILTERS: dict[str, dict[str, Any]] = {
    "no-filter": {},
    "every-filter": {
        "agent_id": 512,
        "project_id": 1376,
        "search": "nightly regression & co",
        "scenarios": [24270, 24271],
        "page_size": 50,
    },
}
LIST_QUERIES: dict[str, dict[str, str]] = {
    "no-filter": {"page": "1"},
    "every-filter": {
        "page": "1",
        "agent_id": "512",
        "project_id": "1376",
        "search": "nightly regression & co",
        "scenarios": "24270,24271",  # a comma-separated string, as the spec says
        "page_size": "50",
    },
}


@pytest.mark.parametrize("how", ["items", "pages"])
@pytest.mark.parametrize("filters", list(LIST_FILTERS))
def test_list_requests_pass_validation(api: Api, filters: str, how: str) -> None:
    """The example page's counts are the spec's strings ("string"): the facade names the first
    item's core field; the request, filters included, had no violation."""
    kwargs = LIST_FILTERS[filters]
    walk = items if how == "items" else first_page
    outcome = api.outcome(lambda c: walk(c.results.list(**kwargs)))
    if isinstance(outcome, ResponseValidationError):
        assert_names_a_list_item_field(outcome)
        assert outcome.path.startswith("results[0].")
    else:
        assert all(isinstance(item, Result) for item in getattr(outcome, "items", outcome))
    api.assert_clean(200)
    first = api.responses[0].request
    assert first.url.path == LIST_PATH
    assert dict(first.url.params) == LIST_QUERIES[filters]


def test_latest_requests_pass_validation(api: Api) -> None:
    outcome = api.outcome(lambda c: c.results.latest(512))
    assert isinstance(outcome, (ResponseValidationError, Result, type(None)))
    if isinstance(outcome, ResponseValidationError):
        assert_names_a_list_item_field(outcome)
    api.assert_clean(200)
    assert dict(api.responses[0].request.url.params) == {
        "page": "1",
        "agent_id": "512",
        "page_size": "25",
    }


class _Repair:
    """Prism's example page with each item's core fields made usable (``_repair_core``) and
    the fields the spec mistypes (``is_cronjob: "string"``...) left out, so the pager reads
    page 1 and asks for page 2; the status and headers (``sl-violations``) are Prism's."""

    @staticmethod
    def repaired(
        request: httpx.Request, response: httpx.Response, content: bytes
    ) -> httpx.Response:
        body = json.loads(content)
        body["results"] = [
            {k: v for k, v in _repair_core(item).items() if k not in SPEC_MISTYPED_CHECKED}
            for item in body["results"]
        ]
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=json.dumps(body).encode(),
            request=request,
        )


class RepairingTransport(_Repair, httpx.HTTPTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        content = response.read()
        response.close()
        return (
            self.repaired(request, response, content) if response.status_code == 200 else response
        )


class AsyncRepairingTransport(_Repair, httpx.AsyncHTTPTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        content = await response.aread()
        await response.aclose()
        return (
            self.repaired(request, response, content) if response.status_code == 200 else response
        )


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_list_walks_past_the_first_page_with_every_filter(prism_url: str, mode: str) -> None:
    """With the items' core fields repaired, the pager reads page 1 (``next`` is set), asks for
    page 2 with the same filters, sees only the item it already has, and stops: both pages'
    requests pass validation."""
    transport = RepairingTransport() if mode == "sync" else AsyncRepairingTransport()
    api = Api(mode, prism_url, transport)
    found = api(lambda c: items(c.results.list(**LIST_FILTERS["every-filter"])))
    assert [item.id for item in found] == [7]
    api.assert_clean(200)
    queries = [dict(r.request.url.params) for r in api.responses]
    assert queries == [LIST_QUERIES["every-filter"], {**LIST_QUERIES["every-filter"], "page": "2"}]


RUN_SELECTIONS: dict[str, dict[str, Any]] = {
    "scenarios": {"scenarios": [101, 102, 103]},
    "tags": {"tags": ["smoke", "billing"]},
    "folder": {"folder": "Sales.Inbound", "project_id": 1376},
    "everything": {
        "scenarios": [101],
        "frequency": 2,
        "personality_ids": [3, 7],
        "test_profile_ids": [20, 21],
        "concurrency_limit": 5,
        "name": "Nightly Sales.Inbound regression",
        "max_calls": 8,
    },
}
#: A field each body declares that no argument fills, passed through ``extra_body``.
EXTRA_BODY: dict[str, dict[str, Any]] = {
    "run": {"mode": "different_numbers", "mock_tool_names": ["get_appointments"]},
    "run_text": {
        "websocket_url": "wss://my-agent.example.com/chat",
        "websocket_headers": {"X-Token": "t"},
    },
}
RUN_BODIES: dict[str, dict[str, Any]] = {
    "scenarios": {"agent_id": 12, "scenarios": [101, 102, 103], "frequency": 1},
    "tags": {"agent_id": 12, "tags": ["smoke", "billing"], "frequency": 1},
    "folder": {"agent_id": 12, "folder_path": "Sales.Inbound", "project_id": 1376, "frequency": 1},
    "everything": {
        "agent_id": 12,
        "scenarios": [101],
        "frequency": 2,
        "personality_ids": [3, 7],
        "test_profile_ids": [20, 21],
        "concurrency_limit": 5,
        "name": "Nightly Sales.Inbound regression",
    },
}


@pytest.mark.parametrize("selection", list(RUN_SELECTIONS))
@pytest.mark.parametrize("method", ["run", "run_text"])
def test_run_requests_pass_validation(api: Api, method: str, selection: str) -> None:
    """Both run-starts, with each way of choosing the scenarios and every option: the JSON body
    passes Prism's validation. Prism's voice example is a Result; its text example sends
    ``runs`` as one object (the property's first ``examples`` entry), which the facade refuses
    naming ``runs``."""
    kwargs = dict(RUN_SELECTIONS[selection])
    expected = dict(RUN_BODIES[selection])
    if selection == "everything":
        kwargs["extra_body"] = EXTRA_BODY[method]
        expected.update(EXTRA_BODY[method])
    outcome = api.outcome(lambda c: getattr(c.scenarios, method)(12, **kwargs))
    api.assert_clean(201)
    (response,) = api.responses
    assert response.request.url.path == (RUN_PATH if method == "run" else RUN_TEXT_PATH)
    assert response.request.headers["content-type"] == "application/json"
    assert json.loads(response.request.content) == expected
    if method == "run":
        assert isinstance(outcome, Result)
        assert (outcome.id, outcome.status, [r.id for r in outcome.runs]) == (
            167,
            "pending",
            [273, 274],
        )
    else:
        assert isinstance(outcome, ResponseValidationError)
        assert re.split(r"[.\[]", outcome.path)[0] == "runs", str(outcome)


FORBIDDEN_BODIES = [
    pytest.param(RUN_PATH, {"frequency": 0}, "frequency", id="voice-frequency-0"),
    pytest.param(RUN_PATH, {"concurrency_limit": 0}, "concurrency_limit", id="voice-concurrency-0"),
    pytest.param(RUN_PATH, {"mode": "bogus"}, "mode", id="voice-mode-not-in-enum"),
    pytest.param(RUN_PATH, {"scenarios": ["101"]}, "scenarios", id="voice-scenario-a-string"),
    pytest.param(RUN_TEXT_PATH, {"frequency": 0}, "frequency", id="text-frequency-0"),
    pytest.param(RUN_TEXT_PATH, {"websocket_url": 5}, "websocket_url", id="text-url-a-number"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "change", "field"), FORBIDDEN_BODIES)
def test_prism_validates_bodies(
    prism_url: str, path: str, change: dict[str, Any], field: str
) -> None:
    """Prism really validates bodies: the body the facade sends is accepted (201, no
    violation); the same body with one forbidden value is refused with a violation naming it.
    So the "no violation" assertions above mean something."""
    headers = {"X-CEKURA-API-KEY": "contract-test-key"}
    body = {"agent_id": 12, "scenarios": [101], "frequency": 1}
    with httpx.Client(base_url=prism_url, headers=headers) as http:
        accepted = http.post(path, json=body)
        refused = http.post(path, json={**body, **change})
    assert accepted.status_code == 201
    assert request_violations(accepted) == []
    assert refused.status_code in (400, 422)
    violations = request_violations(refused)
    assert [v["location"][:3] for v in violations] == [["request", "body", field]], violations


def test_prism_validates_list_queries(prism_url: str) -> None:
    headers = {"X-CEKURA-API-KEY": "contract-test-key"}
    with httpx.Client(base_url=prism_url, headers=headers) as http:
        refused = http.get(LIST_PATH, params={"agent_id": "abc", "page": 1})
    assert refused.status_code == 422
    violations = request_violations(refused)
    assert [v["location"] for v in violations] == [["request", "query", "agent_id"]], violations


def test_rerun_request_passes_validation(api: Api) -> None:
    """Rerun answers a list-shaped Result, counts as the spec's strings: the facade names a
    core count."""
    outcome = api.outcome(lambda c: c.results.rerun(1001))
    api.assert_clean(200)
    (response,) = api.responses
    assert (response.request.method, response.request.url.path) == (
        "POST",
        "/test_framework/v2/results/1001/rerun/",
    )
    assert isinstance(outcome, ResponseValidationError)
    assert outcome.path in LIST_RESULT_PROPERTIES and field_class(outcome.path) == "core", outcome


def test_end_calls_request_passes_validation(api: Api) -> None:
    """The 200 has no body: the facade returns None."""
    assert api(lambda c: c.results.end_calls(1001)) is None
    api.assert_clean(200)
    (response,) = api.responses
    assert (response.request.method, response.request.url.path) == (
        "POST",
        "/test_framework/v2/results/1001/end_calls/",
    )
    assert response.content == b""


def test_end_calls_on_an_unknown_result_is_not_found(api: Api) -> None:
    with pytest.raises(NotFoundError):
        api(lambda c: c.results.end_calls(1001, extra_headers={"Prefer": "code=404"}))
    api.assert_clean(404)


DYNAMIC = {"Prefer": "dynamic=true"}

DYNAMIC_CALLS: dict[str, tuple[Callable[[Any], Any], set[str]]] = {
    "run": (
        lambda c: c.scenarios.run(12, scenarios=[101], extra_headers=DYNAMIC),
        _started_properties(RUN_PATH),
    ),
    "run_text": (
        lambda c: c.scenarios.run_text(12, tags=["smoke"], extra_headers=DYNAMIC),
        _started_properties(RUN_TEXT_PATH),
    ),
    "rerun": (lambda c: c.results.rerun(7, extra_headers=DYNAMIC), LIST_RESULT_PROPERTIES),
    "list": (
        lambda c: items(c.results.list(**LIST_FILTERS["every-filter"], extra_headers=DYNAMIC)),
        PAGE_PROPERTIES,
    ),
}


@pytest.mark.parametrize("operation", list(DYNAMIC_CALLS))
def test_dynamic_data_gives_a_typed_object_or_a_named_field(api: Api, operation: str) -> None:
    """Whatever Prism invents within the spec's types, the facade gives typed Results or a
    ResponseValidationError naming a field the response schema declares."""
    op, properties = DYNAMIC_CALLS[operation]
    outcomes: dict[str, int] = {}
    for _ in range(8):
        outcome = api.outcome(op)
        if isinstance(outcome, ResponseValidationError):
            assert str(outcome).startswith(f"{outcome.path}: expected "), str(outcome)
            if operation == "list":
                assert_names_a_list_item_field(outcome)
            else:
                assert re.split(r"[.\[]", outcome.path)[0] in properties, str(outcome)
            key = re.sub(r"\[\d+\]", "[i]", outcome.path)
        else:
            results = outcome if isinstance(outcome, list) else [outcome]
            for result in results:
                assert isinstance(result, Result)
                assert type(result.id) is int
                assert all(isinstance(run.id, int) for run in result.runs)
            key = "typed"
        outcomes[key] = outcomes.get(key, 0) + 1
    print(f"{operation} ({api.mode}) dynamic outcomes: {outcomes}")
    api.assert_clean(201 if operation.startswith("run") else 200)
