"""The mock server's run workflow over real sockets, with plain httpx: the results list, starting
runs (voice and text), their progression, rerun, end_calls, the records, and the drop fault."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import httpx
import pytest

from cekura_client import Result
from cekura_client.testing import (
    MockCekuraServer,
    MockResponse,
    RecordedRequest,
    StartedResult,
    payloads,
)

LIST = "/test_framework/v2/results/"
VOICE = "/test_framework/v2/scenarios/run_scenarios/"
TEXT = "/test_framework/v2/scenarios/run_scenarios_text/"
DEFAULT_ORDER = [1004, 1003, 1002, 1001, 1006, 1005, 1107, 1106, 1105, 1104, 1103, 1102, 1101]
LIST_FIELDS = {
    "id", "name", "agent", "agent_name", "agent_inbound", "status", "success_rate", "run_as_text",
    "is_cronjob", "runs", "met_expected_outcome_count", "total_expected_outcome_count",
    "total_runs_count", "completed_runs_count", "success_runs_count", "failed_runs_count",
    "scenarios", "run_type", "agent_version", "created_at", "updated_at",
}  # fmt: skip
START_FIELDS = {"id", "agent", "status", "success_rate", "run_as_text", "runs", "created_at"}
INVALID_INT = ["A valid integer is required."]
MIN_ONE = ["Ensure this value is greater than or equal to 1."]
NOT_FOUND = {"detail": "Not found."}


def detail(result_id: int | str, version: str = "v2") -> str:
    return f"/test_framework/{version}/results/{result_id}/"


def rerun(result_id: int | str) -> str:
    return f"/test_framework/v2/results/{result_id}/rerun/"


def end_calls(result_id: int | str) -> str:
    return f"/test_framework/v2/results/{result_id}/end_calls/"


def both(path: str) -> list[str]:
    """The path as the facade writes it (trailing slash) and as the official SDK does."""
    return [path, path.removesuffix("/")]


def client_for(server: MockCekuraServer, key: str | None = "valid") -> httpx.Client:
    headers = {} if key is None else {"X-CEKURA-API-KEY": server.api_key if key == "valid" else key}
    return httpx.Client(base_url=server.url, headers=headers, trust_env=False, timeout=10)


@pytest.fixture
def mock() -> Iterator[MockCekuraServer]:
    with MockCekuraServer() as server:
        yield server


@pytest.fixture
def api(mock: MockCekuraServer) -> Iterator[httpx.Client]:
    with client_for(mock) as client:
        yield client


def ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["results"]]


def start(api: httpx.Client, body: object, path: str = VOICE) -> dict[str, Any]:
    response = api.post(path, json=body)
    assert response.status_code == 201, response.text
    started: dict[str, Any] = response.json()
    return started


# --- authentication, routing ------------------------------------------------------------------

OPERATIONS = [
    ("GET", LIST, None),
    ("GET", detail(1001), None),
    ("POST", VOICE, {"agent_id": 512, "scenarios": [7001]}),
    ("POST", TEXT, {"agent_id": 512, "scenarios": [7001]}),
    ("POST", rerun(1001), None),
    ("POST", end_calls(1003), None),
]


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "Authentication credentials were not provided."),
        ("wrong", "Invalid API key."),
    ],
)
def test_every_operation_needs_the_key(
    mock: MockCekuraServer, method: str, path: str, body: object, key: str | None, message: str
) -> None:
    with client_for(mock, key) as client:
        for variant in both(path):
            response = client.request(method, variant, json=body)
            assert (response.status_code, response.json()) == (401, {"detail": message})
    assert mock.started == [] and mock.calls_ended == [] and mock.reruns == []
    assert sorted(mock.results) == sorted(payloads.all_results())
    assert mock.results[1003] == payloads.running_result()
    assert [(r.method, r.had_valid_key) for r in mock.requests] == [(method, False)] * 2


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", LIST), ("GET", VOICE), ("GET", TEXT), ("GET", rerun(1001)),
     ("DELETE", end_calls(1001)), ("POST", detail(1001)), ("PUT", detail(1001, "v1"))],
)  # fmt: skip
def test_a_wrong_method_is_405(api: httpx.Client, method: str, path: str) -> None:
    for variant in both(path):
        response = api.request(method, variant)
        assert (response.status_code, response.json()) == (
            405,
            {"detail": f'Method "{method}" not allowed.'},
        )


@pytest.mark.parametrize(
    "path",
    ["/test_framework/v1/results/", "/test_framework/v1/scenarios/run_scenarios/",
     "/test_framework/v2/results/1001/rerun//", "/test_framework/v2/results/1001/stop/",
     "/test_framework/v2/scenarios/run_scenarios_voice/"],
)  # fmt: skip
def test_unknown_paths_are_404(api: httpx.Client, path: str) -> None:
    for method in ("GET", "POST"):
        response = api.request(method, path)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), (method, path)


# --- the results list --------------------------------------------------------------------------


def test_list_pages_newest_first_with_working_links(
    mock: MockCekuraServer, api: httpx.Client
) -> None:
    for variant in both(LIST):
        first = api.get(variant)
        assert first.status_code == 200
        body = first.json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert body["count"] == 13 and ids(body) == DEFAULT_ORDER[:10]
        assert body["previous"] is None
        assert body["next"] == f"{mock.url}{variant}?page=2"
        second = httpx.get(body["next"], headers=api.headers, trust_env=False).json()
        assert second["count"] == 13 and ids(second) == DEFAULT_ORDER[10:]
        assert second["next"] is None
        assert second["previous"] == f"{mock.url}{variant}"  # page 1 is written without ?page
        back = httpx.get(second["previous"], headers=api.headers, trust_env=False).json()
        assert back == body


def test_list_items_have_the_list_shape(api: httpx.Client) -> None:
    items = {
        item["id"]: item for item in api.get(LIST, params={"page_size": 100}).json()["results"]
    }
    assert len(items) == 13
    for item in items.values():
        assert set(item) == LIST_FIELDS
        assert isinstance(item["runs"], list)
        for run in item["runs"]:
            assert {"id", "scenario", "scenario_name", "status", "success"} <= set(run)
            assert "transcript_object" not in run and "evaluation" not in run
        for name in ("total_runs_count", "completed_runs_count", "failed_runs_count"):
            assert type(item[name]) is int, (item["id"], name)
    assert items[1002] == payloads.list_item(payloads.failing_result())
    assert [run["id"] for run in items[1002]["runs"]] == [86101, 86102, 86103, 86104]
    assert items[1002]["runs"][1] == {
        "id": 86102, "scenario": 7002, "scenario_name": "Cancel appointment",
        "personality_name": "Busy professional", "status": "completed", "success": False,
        "error_message": "Call failed to connect: callee did not answer", "duration": "00:00",
        "executed_at": "2026-11-20T14:03:12Z",
    }  # fmt: skip
    quirky = items[1004]
    assert (quirky["total_runs_count"], quirky["failed_runs_count"]) == (2, 1)  # were "2", "1"
    # The webhook-style scenario object becomes its ID and name.
    assert quirky["runs"][1]["scenario"] == 7002
    assert quirky["runs"][1]["scenario_name"] == "Cancel appointment"


def test_links_use_the_host_header_and_keep_the_other_parameters(mock: MockCekuraServer) -> None:
    with client_for(mock) as client:
        page = client.get(
            LIST,
            params={"search": "nightly", "page_size": 4, "agent_id": 512},
            headers={"Host": "api.example.test"},
        ).json()
    assert page["next"] == (
        "http://api.example.test/test_framework/v2/results/"
        "?agent_id=512&page=2&page_size=4&search=nightly"
    )


def test_following_next_walks_every_page(api: httpx.Client) -> None:
    url: str | None = f"{api.base_url}{LIST}?search=nightly&page_size=4"
    seen, previous = [], []
    while url:
        response = httpx.get(url, headers=api.headers, trust_env=False)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 9
        seen += ids(body)
        previous.append(body["previous"])
        url = body["next"]
    assert seen == [1003, 1001, 1107, 1106, 1105, 1104, 1103, 1102, 1101]
    assert previous == [
        None,
        f"{api.base_url}{LIST}?page_size=4&search=nightly",
        f"{api.base_url}{LIST}?page=2&page_size=4&search=nightly",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"agent_id": 512}, DEFAULT_ORDER[:10]),
        ({"agent_id": 77}, []),
        ({"project_id": 1376}, DEFAULT_ORDER[:10]),
        ({"project_id": 1}, []),
        ({"search": "pr #"}, [1002, 1006]),
        ({"search": "BASELINE"}, [1005]),
        ({"search": "no such result"}, []),
        ({"scenarios": "7005"}, [1006]),
        ({"scenarios": "7004, 7005"}, [1006, 1005]),
        ({"scenarios": "9999"}, []),
        ({"scenarios": "7004", "search": "front desk"}, [1005]),
        ({"page": "", "agent_id": "", "search": ""}, DEFAULT_ORDER[:10]),  # blank: no filter
    ],
)
def test_list_filters(api: httpx.Client, params: dict[str, Any], expected: list[int]) -> None:
    response = api.get(LIST, params=params)
    assert response.status_code == 200
    assert ids(response.json()) == expected
    assert response.json()["count"] == (13 if expected == DEFAULT_ORDER[:10] else len(expected))


@pytest.mark.parametrize(
    ("params", "status", "body"),
    [
        ({"page": 3}, 404, {"detail": "Invalid page."}),
        ({"page": 0}, 404, {"detail": "Invalid page."}),
        ({"page": -1}, 404, {"detail": "Invalid page."}),
        ({"page": 2, "agent_id": 77}, 404, {"detail": "Invalid page."}),
        ({"page": "two"}, 400, {"page": INVALID_INT}),
        ({"page_size": "ten"}, 400, {"page_size": INVALID_INT}),
        ({"page_size": 0}, 400, {"page_size": MIN_ONE}),
        ({"agent_id": "ava"}, 400, {"agent_id": INVALID_INT}),
        ({"project_id": "1.5"}, 400, {"project_id": INVALID_INT}),
        ({"scenarios": "7001,x"}, 400, {"scenarios": INVALID_INT}),
        ({"page": "x", "agent_id": "y"}, 400, {"page": INVALID_INT, "agent_id": INVALID_INT}),
    ],
)
def test_list_errors(
    api: httpx.Client, params: dict[str, Any], status: int, body: dict[str, Any]
) -> None:
    for variant in both(LIST):
        response = api.get(variant, params=params)
        assert (response.status_code, response.json()) == (status, body)


def test_an_empty_list_has_one_empty_page() -> None:
    with MockCekuraServer({}) as server, client_for(server) as client:
        body = client.get(LIST).json()
        assert body == {"count": 0, "next": None, "previous": None, "results": []}
        assert client.get(LIST, params={"page": 2}).status_code == 404


def test_page_size_is_capped_at_100() -> None:
    results = payloads.nightly_results(150, last_id=5000)
    with MockCekuraServer(results) as server, client_for(server) as client:
        first = client.get(LIST, params={"page_size": 500}).json()
        assert first["count"] == 150 and len(first["results"]) == 100
        assert ids(first) == list(range(5000, 4900, -1))
        assert first["next"] == f"{server.url}{LIST}?page=2&page_size=500"
        second = httpx.get(first["next"], headers=client.headers, trust_env=False).json()
        assert ids(second) == list(range(4900, 4850, -1)) and second["next"] is None


def test_twenty_nights_give_agent_512_a_twenty_result_history() -> None:
    with MockCekuraServer(payloads.nightly_results(20)) as server, client_for(server) as client:
        body = client.get(LIST, params={"agent_id": 512, "page_size": 100}).json()
    assert body["count"] == 20 and ids(body) == list(range(1107, 1087, -1))
    dates = [item["created_at"] for item in body["results"]]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == 20
    assert {item["agent"] for item in body["results"]} == {512}
    assert body["results"][0] == payloads.list_item(payloads.nightly_result(1107))


def test_what_the_list_shows_of_responses_callables_and_bare_payloads(
    mock: MockCekuraServer, api: httpx.Client
) -> None:
    calls: list[int] = []

    def scripted() -> dict[str, Any]:
        calls.append(1)
        return payloads.passing_result(9)

    mock.results = {
        1: MockResponse(200, payloads.nightly_result(1)),
        2: MockResponse(503, {"detail": "down"}),
        3: MockResponse(200, b"not a dict"),
        4: {"id": 4, "name": "bare"},
        9: scripted,
    }
    body = api.get(LIST).json()
    assert ids(body) == [1, 4]  # the bare one has no date: last
    bare = body["results"][1]
    assert bare == {**dict.fromkeys(LIST_FIELDS), "id": 4, "name": "bare", "runs": []}
    assert calls == []  # a callable is never called to list it


# --- starting runs -----------------------------------------------------------------------------


def test_start_a_voice_run(mock: MockCekuraServer, api: httpx.Client) -> None:
    existing_runs = {
        run["id"] for payload in payloads.all_results().values() for run in payload["runs"].values()
    }
    request = {"agent_id": 512, "scenarios": [7001, 7002], "name": "PR #9"}
    before = dt.datetime.now(dt.timezone.utc)
    body = start(api, request)
    assert set(body) == START_FIELDS
    assert (body["id"], body["agent"], body["status"]) == (1108, 512, "pending")
    assert (body["success_rate"], body["run_as_text"]) == (0, False)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", body["created_at"])
    created = dt.datetime.fromisoformat(body["created_at"].replace("Z", "+00:00"))
    assert before - dt.timedelta(seconds=1) <= created <= dt.datetime.now(dt.timezone.utc)
    assert [(r["scenario"], r["scenario_name"], r["status"]) for r in body["runs"]] == [
        (7001, "Reschedule cleaning", "pending"),
        (7002, "Cancel appointment", "pending"),
    ]
    run_ids = [r["id"] for r in body["runs"]]
    assert len(set(run_ids)) == 2 and not set(run_ids) & existing_runs
    assert mock.started == [request]
    assert isinstance(mock.results[1108], StartedResult)
    # Served by the list (newest first) and by the detail.
    listed = api.get(LIST).json()
    assert ids(listed)[0] == 1108 and listed["count"] == 14
    assert listed["results"][0]["status"] == "pending" and listed["results"][0]["name"] == "PR #9"
    shown = api.get(detail(1108)).json()
    assert (shown["id"], shown["agent"], shown["name"]) == (1108, 512, "PR #9")
    assert shown["created_at"] == body["created_at"]
    assert sorted(shown["runs"]) == sorted(str(i) for i in run_ids)


def test_start_a_text_run(mock: MockCekuraServer, api: httpx.Client) -> None:
    plain = start(api, {"agent_id": 40, "scenarios": [7003]}, TEXT)
    socket = start(api, {"agent_id": 40, "scenarios": [7003], "websocket_url": "wss://a/b"}, TEXT)
    assert plain["run_as_text"] is True and socket["run_as_text"] is True
    first, second = (api.get(detail(b["id"])).json() for b in (plain, socket))
    assert (first["run_type"], second["run_type"]) == ("Text", "WebSocket")
    assert (first["name"], first["agent"], first["agent_name"]) == (
        "Text run via API",
        40,
        "Agent 40",
    )
    assert second["run_settings"]["websocket_url"] == "wss://a/b"


def test_start_with_or_without_the_trailing_slash(
    mock: MockCekuraServer, api: httpx.Client
) -> None:
    started = [
        start(api, {"agent_id": 512, "scenarios": [7001]}, p)["id"]
        for p in (*both(VOICE), *both(TEXT))
    ]
    assert started == [1108, 1109, 1110, 1111]
    assert len(mock.started) == 4


@pytest.mark.parametrize(
    ("extra", "calls"),
    [
        ({"scenarios": [7001]}, 1),
        ({"scenarios": [7001, 7002, 7003]}, 3),
        ({"scenarios": [7001], "frequency": 3}, 3),
        ({"scenarios": [7001, 7002], "frequency": 2, "personality_ids": [3, 7]}, 8),
        ({"scenarios": [7001, 7002, 7003], "frequency": 2, "personality_ids": [3, 7],
          "test_profile_ids": [20, 21]}, 24),
        ({"scenarios": [7001], "personality_ids": [], "test_profile_ids": None}, 1),
        ({"scenarios": [7001], "personality_ids": [3], "personality_id": 7}, 2),
        ({"scenarios": [7001], "test_profile_id": 20, "test_profile_ids": [20]}, 1),
        ({"tags": ["billing"], "frequency": 2}, 4),
        ({"folder_path": "FrontDesk", "project_id": 1376}, 5),
    ],
)  # fmt: skip
@pytest.mark.parametrize("path", [VOICE, TEXT])
def test_the_run_count(api: httpx.Client, path: str, extra: dict[str, Any], calls: int) -> None:
    body = start(api, {"agent_id": 512, **extra}, path)
    assert len(body["runs"]) == calls
    assert len({r["id"] for r in body["runs"]}) == calls
    assert api.get(detail(body["id"])).json()["total_runs_count"] == calls


def test_personalities_and_test_profiles_of_the_runs(api: httpx.Client) -> None:
    body = start(
        api,
        {
            "agent_id": 512,
            "scenarios": [7001],
            "personality_ids": [3, 99],
            "test_profile_ids": [20],
        },
    )
    assert [r["test_profile_data"] for r in body["runs"]] == [{"id": 20}, {"id": 20}]
    runs = api.get(detail(body["id"])).json()["runs"].values()
    assert [r["personality_name"] for r in runs] == ["Busy professional", "Personality 99"]
    assert [r["test_profile"] for r in runs] == [20, 20]


@pytest.mark.parametrize(
    ("selection", "scenarios"),
    [
        ({"tags": ["billing"]}, [7003, 7005]),
        ({"tags": ["smoke", "appointments", "unknown"]}, [7001, 7002]),
        ({"folder_path": "FrontDesk", "project_id": 1376}, [7001, 7002, 7003, 7004, 7005]),
        ({"folder_path": "FrontDesk.Billing", "project_id": 1376}, [7005]),
        ({"scenarios": "FrontDesk.Questions", "project_id": 1376}, [7003, 7004]),
        ({"scenarios": [7002, 7002, 9001]}, [7002, 7002, 9001]),
    ],
)
def test_tags_and_folders_select_known_scenarios(
    api: httpx.Client, selection: dict[str, Any], scenarios: list[int]
) -> None:
    body = start(api, {"agent_id": 512, **selection})
    assert [r["scenario"] for r in body["runs"]] == scenarios
    names = [r["scenario_name"] for r in body["runs"]]
    assert names == [payloads.scenario_name(s) for s in scenarios]
    assert payloads.scenario_name(9001) == "Scenario 9001"


def test_assistant_id_and_drf_integer_strings(mock: MockCekuraServer, api: httpx.Client) -> None:
    assert start(api, {"assistant_id": "asst_123", "scenarios": [7001]})["agent"] == 512
    # Django REST framework's IntegerField takes "12" and 12.0 as 12; so does the mock.
    body = start(api, {"agent_id": "77", "scenarios": ["7001", 7002.0], "frequency": "2"})
    assert body["agent"] == 77 and [r["scenario"] for r in body["runs"]] == [7001, 7001, 7002, 7002]
    assert mock.started[1] == {"agent_id": "77", "scenarios": ["7001", 7002.0], "frequency": "2"}


def test_a_folder_run_belongs_to_its_project(api: httpx.Client) -> None:
    mine = start(api, {"agent_id": 40, "folder_path": "FrontDesk", "project_id": 77})["id"]
    other = start(api, {"agent_id": 41, "scenarios": [7001]})["id"]  # an agent in no project
    assert ids(api.get(LIST, params={"project_id": 77}).json()) == [mine]
    assert other not in ids(api.get(LIST, params={"project_id": 1376, "page_size": 100}).json())


BAD_BODIES = [
    ({}, {"non_field_errors": ["Either agent_id or assistant_id must be provided."]}),
    ({"scenarios": [7001]}, {"non_field_errors": ["Either agent_id or assistant_id must be provided."]}),
    ({"agent_id": 512}, {"non_field_errors": ["Either scenarios, tags, or folder_path must be provided."]}),
    ({"agent_id": 512, "scenarios": [], "tags": []}, {"non_field_errors": ["Either scenarios, tags, or folder_path must be provided."]}),
    ({"agent_id": 512, "scenarios": [7001], "tags": ["smoke"]}, {"non_field_errors": ["Provide only one of scenarios, tags, or folder_path."]}),
    ({"agent_id": 512, "tags": ["smoke"], "folder_path": "FrontDesk", "project_id": 1}, {"non_field_errors": ["Provide only one of scenarios, tags, or folder_path."]}),
    ({"agent_id": 512, "folder_path": "FrontDesk"}, {"project_id": ["project_id is required when folder_path is provided."]}),
    ({"agent_id": 512, "scenarios": "FrontDesk"}, {"project_id": ["project_id is required when folder_path is provided."]}),
    ({"agent_id": 512, "scenarios": [7001], "frequency": 0}, {"frequency": MIN_ONE}),
    ({"agent_id": 512, "scenarios": [7001], "frequency": -2}, {"frequency": MIN_ONE}),
    ({"agent_id": 512, "scenarios": [7001], "frequency": "twice"}, {"frequency": INVALID_INT}),
    ({"agent_id": 512, "scenarios": [7001], "frequency": 1.5}, {"frequency": INVALID_INT}),
    ({"agent_id": 512, "scenarios": [7001], "frequency": None}, {"frequency": ["This field may not be null."]}),
    ({"agent_id": 512, "scenarios": [7001], "concurrency_limit": 0}, {"concurrency_limit": MIN_ONE}),
    ({"agent_id": 512, "scenarios": [7001], "concurrency_limit": "5x"}, {"concurrency_limit": INVALID_INT}),
    ({"agent_id": "ava", "scenarios": [7001]}, {"agent_id": INVALID_INT}),
    ({"agent_id": True, "scenarios": [7001]}, {"agent_id": INVALID_INT}),
    ({"agent_id": None, "scenarios": [7001]}, {"agent_id": ["This field may not be null."]}),
    ({"agent_id": 512, "scenarios": [7001, "x", 2.5]}, {"scenarios": {"1": INVALID_INT, "2": INVALID_INT}}),
    ({"agent_id": 512, "scenarios": {"id": 7001}}, {"scenarios": ['Expected a list of items but got type "dict".']}),
    ({"agent_id": 512, "scenarios": 7001}, {"scenarios": ['Expected a list of items but got type "int".']}),
    ({"agent_id": 512, "folder_path": "FrontDesk", "project_id": "p"}, {"project_id": INVALID_INT}),
    ({"agent_id": 512, "scenarios": [7001], "personality_ids": ["calm"]}, {"personality_ids": {"0": INVALID_INT}}),
    ({"agent_id": 512, "scenarios": [7001], "test_profile_ids": "20"}, {"test_profile_ids": ['Expected a list of items but got type "str".']}),
    ({"agent_id": 512, "tags": "smoke"}, {"tags": ['Expected a list of items but got type "str".']}),
    ({"agent_id": 512, "tags": ["nope"]}, {"tags": ["No scenarios found with the given tags."]}),
    ({"agent_id": 512, "folder_path": "Nowhere", "project_id": 1}, {"folder_path": ['No scenarios found in folder "Nowhere".']}),
    ({"agent_id": 512, "folder_path": ["FrontDesk"], "project_id": 1}, {"folder_path": ["Not a valid string."]}),
    ({"agent_id": 512, "scenarios": [7001], "name": "x" * 256}, {"name": ["Ensure this field has no more than 255 characters."]}),
    ({"agent_id": 512, "scenarios": [7001], "frequency": 10_001}, {"non_field_errors": ["The mock starts at most 10000 runs a request; this one asks for 10001."]}),
    ({"agent_id": "x", "scenarios": [7001], "frequency": 0}, {"agent_id": INVALID_INT, "frequency": MIN_ONE}),
    ([{"agent_id": 512}], {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
    ("agent 512", {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}),
]  # fmt: skip


@pytest.mark.parametrize(("body", "errors"), BAD_BODIES)
@pytest.mark.parametrize("path", [VOICE, TEXT])
def test_invalid_run_requests_are_400(
    mock: MockCekuraServer, api: httpx.Client, path: str, body: object, errors: dict[str, Any]
) -> None:
    for variant in both(path):
        response = api.post(variant, json=body)
        assert (response.status_code, response.json()) == (400, errors)
    assert mock.started == [] and sorted(mock.results) == sorted(payloads.all_results())
    assert [r.body for r in mock.requests] == [body, body]  # recorded all the same


def test_mode_is_checked_on_voice_runs_only(api: httpx.Client) -> None:
    body = {"agent_id": 512, "scenarios": [7001], "mode": "loud"}
    response = api.post(VOICE, json=body)
    assert (response.status_code, response.json()) == (
        400,
        {"mode": ['"loud" is not a valid choice.']},
    )
    assert api.post(TEXT, json=body).status_code == 201
    assert start(api, {**body, "mode": "different_numbers"})["status"] == "pending"


@pytest.mark.parametrize("path", [VOICE, TEXT])
def test_bodies_that_are_not_json(mock: MockCekuraServer, api: httpx.Client, path: str) -> None:
    json_type = {"Content-Type": "application/json"}
    response = api.post(path, content=b'{"agent_id": 512,', headers=json_type)
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "JSON parse error - Expecting property name enclosed in double quotes: "
                   "line 1 column 18 (char 17)"},
    )  # fmt: skip
    response = api.post(path, content=b"agent_id=512", headers={"Content-Type": "text/plain"})
    assert (response.status_code, response.json()) == (
        415,
        {"detail": 'Unsupported media type "text/plain" in request.'},
    )
    response = api.post(path, content=b"", headers=json_type)  # an empty body is {}
    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["Either agent_id or assistant_id must be provided."]},
    )
    assert mock.started == []
    assert mock.requests[0].body == b'{"agent_id": 512,' and mock.requests[2].body is None


# --- progression -------------------------------------------------------------------------------


def test_a_started_result_progresses_as_it_is_polled() -> None:
    with MockCekuraServer(failing_scenarios={7002}) as server, client_for(server) as api:
        assert server.polls_to_complete == 3
        body = start(
            api, {"agent_id": 512, "scenarios": [7001, 7002, 7003], "personality_ids": [3, 7]}
        )
        result_id = body["id"]
        # The list does not advance it.
        for _ in range(2):
            assert api.get(LIST).json()["results"][0]["status"] == "pending"
        seen = []
        for version in ("v2", "v1", "v2", "v2"):
            payload = api.get(detail(result_id, version)).json()
            statuses = [run["status"] for run in payload["runs"].values()]
            seen.append((payload["status"], payload["completed_runs_count"], statuses))
        listed = api.get(LIST).json()["results"][0]
    assert seen == [
        ("running", 2, ["completed"] * 2 + ["running"] * 4),
        ("running", 4, ["completed"] * 4 + ["running"] * 2),
        ("completed", 6, ["completed"] * 6),
        ("completed", 6, ["completed"] * 6),
    ]
    assert server.results[result_id].polls == 3
    final = payload
    assert final["total_runs_count"] == 6 and final["success_runs_count"] == 4
    assert final["failed_runs_count"] == 2 and final["success_rate"] == 66.67
    assert list(final["runs"]) == [str(run["id"]) for run in body["runs"]]
    for key, run in final["runs"].items():
        assert run["id"] == int(key)
        assert run["success"] is (run["scenario"] != 7002)
        assert re.fullmatch(r"\d\d:\d\d", run["duration"])
        assert run["scenario_name"] == payloads.scenario_name(run["scenario"])
        assert run["personality_name"] in {"Busy professional", "Elderly caller"}
        binary = [m for m in run["evaluation"]["metrics"] if m.get("eval_type") == "binary"]
        assert {m["name"] for m in binary} == {"Appointment booked", "Verified caller identity"}
        failed = [m["name"] for m in binary if not m["passed"]]
        assert failed == ([] if run["success"] else ["Verified caller identity"])
    assert listed["status"] == "completed" and listed["success_rate"] == 66.67
    assert listed == payloads.list_item(final)


def test_a_completed_started_result_compares_with_the_nightly_history() -> None:
    with MockCekuraServer(polls_to_complete=1, failing_scenarios={7003}) as server:
        with client_for(server) as api:
            result_id = start(
                api, {"agent_id": 512, "tags": ["nightly"], "personality_ids": [3, 7]}
            )["id"]
            payload = api.get(detail(result_id)).json()
    result, night = Result.from_dict(payload), Result.from_dict(payloads.nightly_result(1105))
    assert result.status == "completed" and result.total_runs_count == 6

    def key(run: Any) -> tuple[object, object]:
        return run.scenario_id, run.personality_name

    assert sorted(map(key, result.runs)) == sorted(map(key, night.runs))
    assert {m.name for r in result.runs for m in r.metrics} == {
        m.name for r in night.runs for m in r.metrics
    }
    names = [cast(str, r.scenario_name) for r in result.failed_runs]  # str | None to the checker
    assert sorted(names) == ["Insurance question"] * 2
    assert result.success_rate == pytest.approx(66.67)


def test_polls_to_complete_is_read_when_a_result_starts(
    mock: MockCekuraServer, api: httpx.Client
) -> None:
    mock.polls_to_complete = 1
    quick = start(api, {"agent_id": 512, "scenarios": [7001]})["id"]
    mock.polls_to_complete = 5
    mock.failing_scenarios.add(7001)
    slow = start(api, {"agent_id": 512, "scenarios": [7001]})["id"]
    quick_payload = api.get(detail(quick)).json()
    assert quick_payload["status"] == "completed" and quick_payload["success_runs_count"] == 1
    statuses = [api.get(detail(slow)).json()["status"] for _ in range(5)]
    assert statuses == ["running"] * 4 + ["completed"]
    assert api.get(detail(slow)).json()["success_runs_count"] == 0


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (0, ValueError, "polls_to_complete must be at least 1, got 0"),
        ("3", TypeError, "polls_to_complete must be an int, not <class 'str'>"),
    ],
)
def test_polls_to_complete_must_be_a_positive_int(
    value: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        MockCekuraServer(polls_to_complete=value)  # type: ignore[arg-type]
    assert str(info.value) == message


# --- end_calls ---------------------------------------------------------------------------------


def test_end_calls_cancels_and_stops_progression(mock: MockCekuraServer, api: httpx.Client) -> None:
    result_id = start(api, {"agent_id": 512, "scenarios": [7001, 7002, 7003]})["id"]
    assert api.get(detail(result_id)).json()["completed_runs_count"] == 1
    response = api.post(end_calls(result_id))
    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["content-length"] == "0" and "content-type" not in response.headers
    for _ in range(4):
        payload = api.get(detail(result_id)).json()
        assert payload["status"] == "cancelled" and payload["completed_runs_count"] == 1
        assert [r["status"] for r in payload["runs"].values()] == [
            "completed",
            "cancelled",
            "cancelled",
        ]
    assert mock.results[result_id].polls == 1
    assert api.get(LIST).json()["results"][0]["status"] == "cancelled"
    assert mock.calls_ended == [result_id]


def test_end_calls_on_a_finished_result_changes_nothing(
    mock: MockCekuraServer, api: httpx.Client
) -> None:
    result_id = start(api, {"agent_id": 512, "scenarios": [7001]})["id"]
    for _ in range(3):
        api.get(detail(result_id))
    finished = api.get(detail(result_id)).json()
    for path in both(end_calls(result_id)) + both(end_calls(1001)):
        response = api.post(path)
        assert (response.status_code, response.content) == (200, b"")
    assert api.get(detail(result_id)).json() == finished
    assert api.get(detail(1001)).json() == payloads.passing_result()
    assert mock.calls_ended == [result_id, result_id, 1001, 1001]


def test_end_calls_on_a_running_payload(mock: MockCekuraServer, api: httpx.Client) -> None:
    assert api.post(end_calls(1003)).status_code == 200
    payload = api.get(detail(1003)).json()
    assert payload["status"] == "cancelled"
    assert {k: r["status"] for k, r in payload["runs"].items()} == {
        "86201": "completed", "86202": "cancelled", "86203": "cancelled",
    }  # fmt: skip
    assert payload == {**payloads.running_result(), "status": "cancelled", "runs": payload["runs"]}


@pytest.mark.parametrize("result_id", [424242, "abc"])
def test_end_calls_and_rerun_of_an_unknown_result_are_404(
    mock: MockCekuraServer, api: httpx.Client, result_id: object
) -> None:
    for path in both(end_calls(str(result_id))) + both(rerun(str(result_id))):
        response = api.post(path)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), path
    assert mock.calls_ended == [] and mock.reruns == []
    assert sorted(mock.results) == sorted(payloads.all_results())


# --- rerun -------------------------------------------------------------------------------------


def test_rerun_starts_a_new_result_of_the_same_scenarios(
    mock: MockCekuraServer, api: httpx.Client
) -> None:
    for expected_id, path in zip((1108, 1109), both(rerun(1002)), strict=True):
        response = api.post(path)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == LIST_FIELDS
        assert (body["id"], body["agent"], body["status"]) == (expected_id, 512, "pending")
        assert body["name"] == "PR #482 - new insurance flow"
        assert [(r["scenario"], r["status"]) for r in body["runs"]] == [
            (7001, "pending"), (7002, "pending"), (7003, "pending"),
        ]  # fmt: skip
        assert body["total_runs_count"] == 3 and body["completed_runs_count"] == 0
    assert mock.reruns == [1002, 1002] and mock.started == []
    statuses = [api.get(detail(1108)).json()["status"] for _ in range(3)]
    assert statuses == ["running", "running", "completed"]


def test_rerun_of_a_started_text_result(mock: MockCekuraServer, api: httpx.Client) -> None:
    original = start(api, {"agent_id": 40, "scenarios": [7002, 7001], "frequency": 2}, TEXT)
    body = api.post(rerun(original["id"])).json()
    assert (body["agent"], body["run_as_text"], body["run_type"]) == (40, True, "Text")
    assert [r["scenario"] for r in body["runs"]] == [7002, 7001]  # one run per scenario
    assert not {r["id"] for r in body["runs"]} & {r["id"] for r in original["runs"]}


def test_rerun_needs_scenarios(mock: MockCekuraServer, api: httpx.Client) -> None:
    mock.results[9] = {"id": 9, "name": "bare"}
    mock.results[10] = MockResponse(503, {"detail": "down"})
    for result_id in (9, 10):
        response = api.post(rerun(result_id))
        assert (response.status_code, response.json()) == (
            400,
            {"non_field_errors": [f"Result {result_id} has no scenarios to rerun."]},
        )
    assert mock.reruns == []


# --- records and faults ------------------------------------------------------------------------


def test_requests_record_their_json_body(mock: MockCekuraServer, api: httpx.Client) -> None:
    body = {"agent_id": 512, "scenarios": [7001]}
    start(api, body)
    api.get(LIST, params={"page": 1})
    api.post(end_calls(1108))
    assert mock.requests == [
        RecordedRequest("POST", VOICE, True, body),
        RecordedRequest("GET", LIST + "?page=1", True),
        RecordedRequest("POST", end_calls(1108), True, None),
    ]


@pytest.mark.parametrize("spelled", both(VOICE))
def test_a_dropped_run_start_is_started_once_and_never_answered(
    mock: MockCekuraServer, api: httpx.Client, spelled: str
) -> None:
    mock.drop_responses_to = {f"POST {spelled}"}
    body = {"agent_id": 512, "scenarios": [7001, 7002], "name": "billed once"}
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        api.post(VOICE.removesuffix("/"), json=body)
    assert mock.started == [body]
    assert [(r.method, r.body) for r in mock.requests] == [("POST", body)]
    # The result was started: it is served, and progresses.
    assert api.get(detail(1108)).json()["name"] == "billed once"
    assert api.post(TEXT, json=body).status_code == 201  # other operations are answered
    mock.drop_responses_to.clear()
    assert start(api, body)["id"] == 1110
    assert mock.started == [body] * 3


def test_any_operation_can_be_dropped(mock: MockCekuraServer, api: httpx.Client) -> None:
    mock.drop_responses_to = {"POST /test_framework/v2/results/1003/end_calls", f"GET {LIST}"}
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(end_calls(1003))
    with pytest.raises(httpx.RemoteProtocolError):
        api.get(LIST)
    assert mock.calls_ended == [1003]
    assert api.get(detail(1003)).json()["status"] == "cancelled"


def test_concurrent_run_starts_get_distinct_ids(mock: MockCekuraServer) -> None:
    barrier = threading.Barrier(16)

    def one(i: int) -> dict[str, Any]:
        with client_for(mock) as client:
            barrier.wait(timeout=10)
            path = VOICE if i % 2 else TEXT
            return start(
                client, {"agent_id": 512, "scenarios": [7001, 7002], "name": f"n{i}"}, path
            )

    with ThreadPoolExecutor(16) as pool:
        bodies = list(pool.map(one, range(16)))
    assert sorted(b["id"] for b in bodies) == list(range(1108, 1124))
    run_ids = [r["id"] for b in bodies for r in b["runs"]]
    assert len(run_ids) == len(set(run_ids)) == 32
    assert sorted(s["name"] for s in mock.started) == sorted(f"n{i}" for i in range(16))
    with client_for(mock) as client:
        listed = client.get(LIST, params={"page_size": 100}).json()
    assert listed["count"] == 13 + 16
