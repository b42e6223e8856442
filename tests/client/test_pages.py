"""``client.results.list`` (pages fetched lazily, by number, at the client's own base URL),
``results.latest`` (the newest result with a status, whatever order the server sorts in),
``results.rerun`` and ``results.end_calls``. An httpx.MockTransport serves DRF-style pages and
records every request; every case runs through Cekura and AsyncCekura."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import httpx
import pytest

from cekura_client import (
    AsyncCekura,
    Cekura,
    InvalidRequestError,
    NotFoundError,
    ResponseValidationError,
    Result,
)
from cekura_client.types.page import Page
from tests.support.constants import API_KEY, BASE_URL, result_path

T = TypeVar("T")

LIST_PATH = "/test_framework/v2/results/"
LIST_URL = BASE_URL + LIST_PATH
AGENT = 512
JSON = dict[str, Any]


def item(
    result_id: int,
    status: str = "completed",
    *,
    minute: int | None = None,
    agent: int = AGENT,
    **more: Any,
) -> JSON:
    """A list item as the list endpoint sends it (runs as an array of summaries). ``minute``
    orders creation (defaults to the ID: a higher ID is newer)."""
    minute = result_id if minute is None else minute
    return {
        "id": result_id,
        "name": f"suite {result_id}",
        "agent": agent,
        "status": status,
        "created_at": f"2025-03-01T{minute // 60:02d}:{minute % 60:02d}:00Z",
        "runs": [],
        **more,
    }


def detail(result_id: int) -> JSON:
    """What ``get`` returns: more than the list item (a detail-only name and a run keyed by
    ID)."""
    return {
        "id": result_id,
        "name": f"detail of {result_id}",
        "agent": AGENT,
        "status": "completed",
        "runs": {"7": {"id": 7, "status": "completed", "transcript_object": []}},
    }


def page_body(
    items: list[JSON],
    number: int,
    last: int,
    count: int,
    next_base: str = LIST_URL,
) -> JSON:
    return {
        "count": count,
        "next": f"{next_base}?page={number + 1}" if number < last else None,
        "previous": f"{LIST_URL}?page={number - 1}" if number > 1 else None,
        "results": items,
    }


@dataclass
class Api:
    """A fake Cekura: the list (``items`` cut into pages of the requested ``page_size``, or
    ``pages`` served as given), result details, and an answer for the POST actions."""

    items: list[JSON] | None = None
    pages: list[JSON] = field(default_factory=list)
    details: dict[int, JSON] = field(default_factory=dict)
    default_page_size: int = 10
    next_base: str = LIST_URL
    action: Callable[[], httpx.Response] = lambda: httpx.Response(404, json={"detail": "?"})
    requests: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.method == "POST":
            return self.action()
        path = request.url.path
        if path == LIST_PATH:
            return self._page(request)
        for result_id, body in self.details.items():
            if path == result_path(result_id):
                return httpx.Response(200, json=body)
        return httpx.Response(404, json={"detail": "Not found."})

    def _page(self, request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        if self.items is None:
            if 1 <= number <= len(self.pages):
                return httpx.Response(200, json=self.pages[number - 1])
            return httpx.Response(404, json={"detail": "Invalid page."})
        size = int(request.url.params.get("page_size", str(self.default_page_size)))
        chunks = [self.items[i : i + size] for i in range(0, len(self.items), size)] or [[]]
        if not 1 <= number <= len(chunks):
            return httpx.Response(404, json={"detail": "Invalid page."})
        body = page_body(chunks[number - 1], number, len(chunks), len(self.items), self.next_base)
        return httpx.Response(200, json=body)

    @property
    def list_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == LIST_PATH]

    def page_numbers(self) -> list[int]:
        return [int(r.url.params["page"]) for r in self.list_requests]


@dataclass
class Driver:
    """Calls ``client.results`` through one client kind, against ``api``."""

    api: Api
    asynchronous: bool

    def _sync(self, use: Callable[[Cekura], T]) -> T:
        with (
            httpx.Client(transport=httpx.MockTransport(self.api.handle)) as http,
            Cekura(api_key=API_KEY, http_client=http, max_retries=0) as client,
        ):
            return use(client)

    def _async(self, use: Callable[[AsyncCekura], Awaitable[T]]) -> T:
        async def run() -> T:
            async with (
                httpx.AsyncClient(transport=httpx.MockTransport(self.api.handle)) as http,
                AsyncCekura(api_key=API_KEY, http_client=http, max_retries=0) as client,
            ):
                return await use(client)

        return anyio.run(run)

    def take(self, count: int | None = None, **kwargs: Any) -> list[Result]:
        """Iterate the list, breaking after ``count`` items (None: to the end)."""
        if not self.asynchronous:

            def use(client: Cekura) -> list[Result]:
                out: list[Result] = []
                for result in client.results.list(**kwargs):
                    out.append(result)
                    if len(out) == count:
                        break
                return out

            return self._sync(use)

        async def use_async(client: AsyncCekura) -> list[Result]:
            out: list[Result] = []
            async for result in client.results.list(**kwargs):
                out.append(result)
                if len(out) == count:
                    break
            return out

        return self._async(use_async)

    def take_until_error(self, out: list[Result], **kwargs: Any) -> None:
        """Iterate the list into ``out`` until it raises."""
        if not self.asynchronous:
            self._sync(lambda client: out.extend(client.results.list(**kwargs)))
            return

        async def use_async(client: AsyncCekura) -> None:
            async for result in client.results.list(**kwargs):
                out.append(result)

        self._async(use_async)

    def pages(self, **kwargs: Any) -> list[Page[Result]]:
        if not self.asynchronous:
            return self._sync(lambda client: list(client.results.list(**kwargs).pages()))

        async def use_async(client: AsyncCekura) -> list[Page[Result]]:
            return [page async for page in client.results.list(**kwargs).pages()]

        return self._async(use_async)

    def first(self, **kwargs: Any) -> Result | None:
        if not self.asynchronous:
            return self._sync(lambda client: client.results.list(**kwargs).first())

        async def use_async(client: AsyncCekura) -> Result | None:
            return await client.results.list(**kwargs).first()

        return self._async(use_async)

    def list_only(self, **kwargs: Any) -> None:
        """Call ``list`` without iterating (its argument checks run at once)."""
        if not self.asynchronous:
            self._sync(lambda client: client.results.list(**kwargs))
            return

        async def use_async(client: AsyncCekura) -> None:
            client.results.list(**kwargs)

        self._async(use_async)

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``client.results.<method>(*args, **kwargs)``, awaited for the async client."""
        if not self.asynchronous:
            return self._sync(lambda client: getattr(client.results, method)(*args, **kwargs))

        async def use_async(client: AsyncCekura) -> Any:
            return await getattr(client.results, method)(*args, **kwargs)

        return self._async(use_async)


@pytest.fixture(params=["sync", "async"])
def asynchronous(request: pytest.FixtureRequest) -> bool:
    return bool(request.param == "async")


@pytest.fixture
def make(asynchronous: bool) -> Callable[..., tuple[Api, Driver]]:
    def build(**api: Any) -> tuple[Api, Driver]:
        server = Api(**api)
        return server, Driver(server, asynchronous)

    return build


Make = Callable[..., tuple[Api, Driver]]


def ids(results: list[Result]) -> list[int]:
    return [r.id for r in results]


# --- the query ------------------------------------------------------------------------------


def test_the_query_sent(make: Make) -> None:
    api, client = make(items=[item(3)])
    client.take(
        agent_id=AGENT,
        project_id=7,
        search="renewal call",
        scenarios=[24270, "24271"],
        page_size=10,
    )
    (request,) = api.requests
    assert request.method == "GET"
    assert request.url.path == LIST_PATH and request.url.host == "api.cekura.ai"
    assert dict(request.url.params) == {
        "page": "1",
        "page_size": "10",
        "agent_id": "512",
        "project_id": "7",
        "search": "renewal call",
        "scenarios": "24270,24271",
    }
    assert request.headers["x-cekura-api-key"] == API_KEY


def test_filters_left_out_or_none_are_not_sent(make: Make) -> None:
    api, client = make(items=[item(3)])
    client.take()
    client.take(agent_id=None, project_id=None, search=None, scenarios=None, page_size=None)
    assert [dict(r.url.params) for r in api.requests] == [{"page": "1"}, {"page": "1"}]


def test_each_page_is_asked_for_by_number_with_the_same_filters(make: Make) -> None:
    api, client = make(items=[item(i) for i in (9, 8, 7, 6, 5)])
    assert ids(client.take(agent_id=AGENT, page_size=2)) == [9, 8, 7, 6, 5]
    assert [dict(r.url.params) for r in api.requests] == [
        {"page": str(n), "page_size": "2", "agent_id": "512"} for n in (1, 2, 3)
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page_size": 0}, "page_size must be a positive integer, got 0"),
        ({"page_size": 101}, "page_size must be at most 100, got 101"),
        ({"page_size": True}, "page_size must be a positive integer, got True"),
        ({"page_size": "10"}, "page_size must be a positive integer, got '10'"),
        ({"agent_id": -1}, "agent_id must be a positive integer, got -1"),
        ({"agent_id": 0}, "agent_id must be a positive integer, got 0"),
        ({"project_id": "x"}, "project_id must be a positive integer, got 'x'"),
        ({"scenarios": "1,2"}, "scenarios must be a list of scenario IDs, got '1,2'"),
        ({"scenarios": 1}, "scenarios must be a list of scenario IDs, got 1"),
        ({"scenarios": []}, "scenarios must name at least one ID, got an empty list"),
        ({"scenarios": [1, 0]}, "each of scenarios must be a positive integer, got 0"),
        ({"search": 5}, "search must be a string, got 5"),
        ({"search": b"q"}, "search must be a string, got b'q'"),
        ({"limit": 0}, "limit must be a positive integer, got 0"),
        ({"limit": 2.0}, "limit must be a positive integer, got 2.0"),
    ],
)
def test_invalid_filters_are_refused_before_sending(
    make: Make, kwargs: dict[str, Any], message: str
) -> None:
    api, client = make(items=[item(3)])
    with pytest.raises(InvalidRequestError) as info:
        client.list_only(**kwargs)  # at the call, not at the first page
    assert str(info.value) == message
    assert api.requests == []


def test_page_size_100_is_accepted(make: Make) -> None:
    api, client = make(items=[item(3)])
    client.take(page_size=100)
    assert api.requests[0].url.params["page_size"] == "100"


# --- iterating ------------------------------------------------------------------------------

FIVE = [item(i) for i in (9, 8, 7, 6, 5)]


@pytest.mark.parametrize(
    ("count", "pages_fetched"), [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (None, 3)]
)
def test_pages_are_fetched_only_as_the_loop_needs_them(
    make: Make, count: int | None, pages_fetched: int
) -> None:
    api, client = make(items=FIVE)
    got = client.take(count, page_size=2)
    assert ids(got) == [9, 8, 7, 6, 5][:count]
    assert api.page_numbers() == list(range(1, pages_fetched + 1))


@pytest.mark.parametrize(
    ("limit", "expected", "pages_fetched"),
    [(1, [9], 1), (2, [9, 8], 1), (3, [9, 8, 7], 2), (5, [9, 8, 7, 6, 5], 3), (50, None, 3)],
)
def test_limit_stops_after_that_many_items(
    make: Make, limit: int, expected: list[int] | None, pages_fetched: int
) -> None:
    api, client = make(items=FIVE)
    assert ids(client.take(page_size=2, limit=limit)) == (expected or [9, 8, 7, 6, 5])
    assert api.page_numbers() == list(range(1, pages_fetched + 1))


def test_pages_gives_each_page(make: Make) -> None:
    api, client = make(items=FIVE)
    pages = client.pages(page_size=2)
    assert [p.number for p in pages] == [1, 2, 3]
    assert [p.count for p in pages] == [5, 5, 5]
    assert [p.has_next for p in pages] == [True, True, False]
    assert [p.has_previous for p in pages] == [False, True, True]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [[r.id for r in p] for p in pages] == [[9, 8], [7, 6], [5]]
    assert all(isinstance(r, Result) for p in pages for r in p.items)
    assert api.page_numbers() == [1, 2, 3]


def test_pages_of_an_empty_list(make: Make) -> None:
    api, client = make(items=[])
    (page,) = client.pages()
    assert (page.items, page.count, page.number, page.has_next) == ([], 0, 1, False)
    assert len(api.requests) == 1


def test_first_fetches_one_page(make: Make) -> None:
    api, client = make(items=FIVE)
    first = client.first(page_size=2)
    assert first is not None and first.id == 9
    assert api.page_numbers() == [1]


def test_first_of_an_empty_list_is_none(make: Make) -> None:
    api, client = make(items=[])
    assert client.first(agent_id=AGENT) is None
    assert api.page_numbers() == [1]


def test_an_item_pushed_onto_the_next_page_is_yielded_once(make: Make) -> None:
    # Result 10 was created between page 1 and page 2: 8 moved from page 1 to page 2.
    api, client = make(
        pages=[
            page_body([item(9), item(8)], 1, 3, 5),
            page_body([item(8), item(7)], 2, 3, 6),
            page_body([item(6), item(5)], 3, 3, 6),
        ]
    )
    assert ids(client.take()) == [9, 8, 7, 6, 5]
    assert api.page_numbers() == [1, 2, 3]


def test_a_duplicate_row_within_a_page_is_yielded_once(make: Make) -> None:
    # The spec: filtering by scenarios may return the same result twice.
    _api, client = make(pages=[page_body([item(9), item(9), item(8)], 1, 1, 3)])
    assert ids(client.take(scenarios=[1])) == [9, 8]


def test_limit_counts_each_item_once(make: Make) -> None:
    _api, client = make(
        pages=[page_body([item(9), item(8)], 1, 2, 4), page_body([item(8), item(7)], 2, 2, 4)]
    )
    assert ids(client.take(limit=3)) == [9, 8, 7]


def test_an_empty_page_ends_the_walk_even_with_a_next_link(make: Make) -> None:
    api, client = make(
        pages=[
            page_body([item(9), item(8)], 1, 3, 4),
            page_body([], 2, 3, 4),  # says page 3 exists
            page_body([item(7), item(6)], 3, 3, 4),
        ]
    )
    assert ids(client.take()) == [9, 8]
    assert api.page_numbers() == [1, 2]
    pages = client.pages()
    assert [len(p) for p in pages] == [2, 0] and pages[1].has_next


@pytest.mark.parametrize(
    "next_base",
    [
        "https://evil.example/test_framework/v2/results/",
        "http://api.cekura.ai/test_framework/v2/results/",  # downgraded to cleartext
        "https://api.cekura.ai/other/path/",
        "https://api.cekura.ai:8443/test_framework/v2/results/",
    ],
)
def test_the_next_url_is_never_followed(make: Make, next_base: str) -> None:
    api, client = make(items=FIVE, next_base=next_base)
    assert ids(client.take(page_size=2)) == [9, 8, 7, 6, 5]
    assert [str(r.url) for r in api.requests] == [
        f"{LIST_URL}?page={n}&page_size=2" for n in (1, 2, 3)
    ]
    assert all(r.url.host == "api.cekura.ai" and r.url.scheme == "https" for r in api.requests)


def test_a_relative_or_empty_next_link(make: Make) -> None:
    _api, client = make(
        pages=[
            {"count": 3, "next": "?page=2", "previous": None, "results": [item(9)]},
            {"count": 3, "next": "", "previous": "?page=1", "results": [item(8)]},
        ]
    )
    pages = client.pages()
    assert [p.has_next for p in pages] == [True, False]
    assert [p.has_previous for p in pages] == [False, True]
    assert ids(client.take()) == [9, 8]


class _PageIgnored(Exception):
    """Raised by the fake server once the client has asked for far more pages than exist."""


def _ignores_page_numbers(api: Api, items: list[JSON]) -> None:
    """Make ``api`` answer every list request with the same page of ``items`` (a proxy or
    server that drops ``page``), its ``next`` link always set; past 20 requests it raises."""
    same = {"count": len(items), "next": f"{LIST_URL}?page=2", "previous": None, "results": items}
    original = api.handle

    def handle(request: httpx.Request) -> httpx.Response:
        if len(api.requests) >= 20:
            raise _PageIgnored(f"{len(api.requests)} requests for a list of 2")
        if request.url.path == LIST_PATH:
            api.requests.append(request)
            return httpx.Response(200, json=same)
        return original(request)

    api.handle = handle  # type: ignore[method-assign]


def test_a_server_ignoring_page_numbers_does_not_loop_forever(make: Make) -> None:
    api, client = make()
    _ignores_page_numbers(api, [item(9), item(8)])
    assert ids(client.take()) == [9, 8]
    assert len(api.requests) <= 2


def test_latest_against_a_server_ignoring_page_numbers_ends(make: Make) -> None:
    api, client = make(details=with_details(9))
    _ignores_page_numbers(api, [item(8), item(9)])
    assert client.call("latest", AGENT).id == 9
    assert len(api.requests) <= 3


def test_each_iteration_starts_again_from_page_one(asynchronous: bool) -> None:
    api = Api(items=FIVE)
    if asynchronous:

        async def twice() -> tuple[list[int], list[int]]:
            async with (
                httpx.AsyncClient(transport=httpx.MockTransport(api.handle)) as http,
                AsyncCekura(api_key=API_KEY, http_client=http, max_retries=0) as client,
            ):
                pager = client.results.list(page_size=2)
                first = [r.id async for r in pager]
                second = [r.id async for r in pager]
                return first, second

        first, second = anyio.run(twice)
    else:
        with (
            httpx.Client(transport=httpx.MockTransport(api.handle)) as http,
            Cekura(api_key=API_KEY, http_client=http, max_retries=0) as client,
        ):
            pager = client.results.list(page_size=2)
            first, second = [r.id for r in pager], [r.id for r in pager]
    assert first == second == [9, 8, 7, 6, 5]
    assert api.page_numbers() == [1, 2, 3, 1, 2, 3]


# --- the items ------------------------------------------------------------------------------


def test_items_are_results_with_their_own_json(make: Make) -> None:
    runs = [
        {"id": 86369, "status": "completed", "scenario": 2, "success": False, "new_run_field": 1},
        {"id": 86368, "status": "completed", "scenario": 1, "success": True},
    ]
    first = item(
        9,
        total_runs_count="2",
        success_rate=50.0,
        runs=runs,
        list_only_field={"x": [1, 2]},
    )
    second = item(8, status="running")
    _api, client = make(items=[first, second])
    got = client.take()
    assert all(isinstance(r, Result) for r in got)
    nine, eight = got
    assert nine.raw == first and eight.raw == second
    assert nine.extra == {"list_only_field": {"x": [1, 2]}}
    assert eight.extra == {}
    assert nine.total_runs_count == 2 and nine.success_rate == 50.0
    assert nine.agent == AGENT and nine.name == "suite 9"
    assert nine.created_at is not None and nine.created_at.isoformat() == (
        "2025-03-01T00:09:00+00:00"
    )
    assert eight.status == "running" and not eight.is_terminal
    # runs: an array in the list endpoint, read in run-ID order
    assert [run.id for run in nine.runs] == [86368, 86369]
    assert [run.raw for run in nine.runs] == [runs[1], runs[0]]
    assert nine.runs[1].extra == {"new_run_field": 1}
    assert [run.id for run in nine.failed_runs] == [86369]


MALFORMED: list[tuple[Any, str]] = [
    (
        {"count": 1, "next": None, "previous": None, "results": {"1": item(1)}},
        "results: expected an array, got object of length 1",
    ),
    (
        {"count": "abc", "next": None, "previous": None, "results": [item(1)]},
        "count: expected a non-negative integer, got string 'abc'",
    ),
    (
        {"count": -1, "next": None, "previous": None, "results": []},
        "count: expected a non-negative integer, got integer -1",
    ),
    (
        {"count": 2, "next": None, "previous": None, "results": [item(1), item(2, id="x")]},
        "results[1].id: expected an integer, got string 'x'",
    ),
    (
        {"count": 2, "results": [item(1), item(2, runs=[{"id": "q"}])]},
        "results[1].runs[0].id: expected an integer, got string 'q'",
    ),
    (
        {"count": 1, "results": [item(1, runs=5)]},
        "results[0].runs: expected an object keyed by run ID or an array of runs, got integer 5",
    ),
    (
        {"count": 1, "next": 2, "previous": None, "results": [item(1)]},
        "next: expected a URL or null, got integer 2",
    ),
    ([item(1)], "response body: expected a JSON object, got array of length 1"),
]


@pytest.mark.parametrize(
    ("body", "message"), MALFORMED, ids=[m.split(":")[0] for _, m in MALFORMED]
)
def test_a_malformed_page_names_the_field(make: Make, body: Any, message: str) -> None:
    _api, client = make(pages=[body])
    with pytest.raises(ResponseValidationError) as info:
        client.take()
    assert str(info.value) == message


def test_count_as_a_numeric_string_is_read(make: Make) -> None:
    _api, client = make(pages=[{"count": "7", "next": None, "previous": None, "results": []}])
    (page,) = client.pages()
    assert page.count == 7


def test_items_of_good_pages_arrive_before_a_bad_page_raises(make: Make) -> None:
    _api, client = make(
        pages=[
            page_body([item(9), item(8)], 1, 2, 3),
            page_body([item(7), item(6, id=None)], 2, 2, 3),
        ]
    )
    got: list[Result] = []
    with pytest.raises(ResponseValidationError) as info:
        client.take_until_error(got)
    assert str(info.value) == "results[1].id: expected an integer, got null None"
    assert ids(got) == [9, 8]


def test_a_page_that_vanished_ends_the_walk(make: Make) -> None:
    # page 1 says there is a page 2; by the time it is asked for, it is gone (DRF: 404 "Invalid
    # page."): the list shrank while it was read, so the walk ends with what it has
    api, client = make(pages=[page_body([item(9)], 1, 2, 2)])
    assert ids(client.take(page_size=1)) == [9]
    assert api.page_numbers() == [1, 2]


def test_a_404_for_the_first_page_raises_naming_it(make: Make) -> None:
    _api, client = make(pages=[])
    with pytest.raises(NotFoundError) as info:
        client.take(page_size=1)
    assert str(info.value) == (
        f"404 Not Found: Invalid page. (no page 1 of the results at GET {LIST_URL}?page=1&"
        "page_size=1; check the ID and the base URL)"
    )


# --- latest ---------------------------------------------------------------------------------


def newest_first(statuses: dict[int, str], top: int = 100, bottom: int = 51) -> list[JSON]:
    """Results ``top`` down to ``bottom`` (newest first), ``running`` unless ``statuses`` says
    otherwise."""
    return [item(i, statuses.get(i, "running")) for i in range(top, bottom - 1, -1)]


def with_details(*result_ids: int) -> dict[int, JSON]:
    return {i: detail(i) for i in result_ids}


def test_latest_stops_at_the_first_page_that_cannot_hold_anything_newer(make: Make) -> None:
    items = newest_first({97: "completed", 90: "completed", 60: "completed"})
    api, client = make(items=items, details=with_details(97, 90, 60))
    result = client.call("latest", AGENT)
    assert isinstance(result, Result) and result.id == 97
    # one page of the list (25 items, this agent), then the result fetched whole
    assert [dict(r.url.params) for r in api.list_requests] == [
        {"agent_id": "512", "page_size": "25", "page": "1"}
    ]
    assert len(api.requests) == 2
    assert api.requests[-1].method == "GET"
    assert str(api.requests[-1].url) == BASE_URL + result_path(97)
    assert result.name == "detail of 97"  # the detail, not the list item
    assert [run.id for run in result.runs] == [7]


def test_latest_reads_on_until_it_finds_one(make: Make) -> None:
    api, client = make(
        items=newest_first({70: "completed", 55: "completed"}), details=with_details(70)
    )
    result = client.call("latest", AGENT)
    assert result.id == 70
    assert api.page_numbers() == [1, 2]
    assert len(api.requests) == 3


def test_latest_against_an_oldest_first_server_still_gives_the_newest(make: Make) -> None:
    statuses = {10: "completed", 55: "completed", 59: "failed", 60: "running"}
    items = [item(i, statuses.get(i, "running")) for i in range(1, 61)]
    api, client = make(items=items, details=with_details(10, 55, 59))
    assert client.call("latest", AGENT).id == 55
    assert api.page_numbers() == [1, 2, 3]  # every page: the newest is on the last
    assert api.requests[-1].url.path == result_path(55)


def test_latest_by_creation_time_then_id(make: Make) -> None:
    # unsorted, two created in the same minute: the higher ID is the newer
    items = [item(5, minute=30), item(9, minute=10), item(7, minute=30), item(8, minute=20)]
    _api, client = make(items=items, details=with_details(7))
    assert client.call("latest", AGENT).id == 7


@pytest.mark.parametrize(
    ("status", "expected"), [("failed", 93), ("completed", 97), (None, 100), ("timeout", 52)]
)
def test_latest_with_a_status(make: Make, status: str | None, expected: int) -> None:
    items = newest_first({97: "completed", 93: "failed", 80: "failed", 52: "timeout"})
    api, client = make(items=items, details=with_details(expected))
    assert client.call("latest", AGENT, status=status).id == expected
    assert api.requests[-1].url.path == result_path(expected)


def test_latest_skips_excluded_ids(make: Make) -> None:
    items = newest_first({97: "completed", 96: "completed", 94: "completed"})
    api, client = make(items=items, details=with_details(94))
    assert client.call("latest", AGENT, exclude=[97, 96]).id == 94
    assert api.page_numbers() == [1]


def test_latest_skips_another_agents_results(make: Make) -> None:
    # a server that ignored agent_id: the newest completed belongs to agent 999
    items = [item(100, agent=999), item(99, "running"), item(98), item(97)]
    _api, client = make(items=items, details=with_details(98))
    assert client.call("latest", AGENT).id == 98


@pytest.mark.parametrize(
    "items",
    [[], newest_first({}), [item(9, agent=999)], [item(9)]],
    ids=["empty", "none-completed", "other-agent", "excluded"],
)
def test_latest_none_found(make: Make, items: list[JSON]) -> None:
    api, client = make(items=items)
    assert client.call("latest", AGENT, exclude=[9]) is None
    assert all(r.url.path == LIST_PATH for r in api.requests)  # no detail request
    assert len(api.requests) == max(1, -(-len(items) // 25))  # every page read


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((0,), {}, "agent_id must be a positive integer, got 0"),
        (
            (AGENT,),
            {"status": 5},
            "status must be a status string such as 'completed', or None, got 5",
        ),
        ((AGENT,), {"exclude": "97"}, "exclude must be a collection of result IDs, got '97'"),
        ((AGENT,), {"exclude": 97}, "exclude must be a collection of result IDs, got 97"),
        ((AGENT,), {"exclude": [0]}, "each of exclude must be a positive integer, got 0"),
    ],
)
def test_latest_refuses_bad_arguments_before_sending(
    make: Make, args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    api, client = make(items=[item(9)])
    with pytest.raises(InvalidRequestError) as info:
        client.call("latest", *args, **kwargs)
    assert str(info.value) == message
    assert api.requests == []


# --- rerun and end_calls ----------------------------------------------------------------------


def test_rerun_returns_the_new_result(make: Make) -> None:
    body = {
        "id": 1000,
        "agent": AGENT,
        "status": "pending",
        "runs": [{"id": 501, "status": "pending", "scenario": 1}],
        "rerun_of": 999,
    }
    api, client = make(action=lambda: httpx.Response(201, json=body))
    result = client.call("rerun", 999)
    assert isinstance(result, Result)
    assert (result.id, result.status, [r.id for r in result.runs]) == (1000, "pending", [501])
    assert result.extra == {"rerun_of": 999} and result.raw == body
    (request,) = api.requests
    assert request.method == "POST"
    assert str(request.url) == f"{BASE_URL}/test_framework/v2/results/999/rerun/"
    assert request.content == b""


@pytest.mark.parametrize(
    "answer",
    [
        lambda: httpx.Response(200),
        lambda: httpx.Response(204),
        lambda: httpx.Response(200, json={"detail": "Calls ended."}),
        lambda: httpx.Response(200, text="<html>ok</html>"),
        lambda: httpx.Response(
            202, content=b"\xff\xfe not json", headers={"Content-Type": "application/json"}
        ),
    ],
    ids=["200-empty", "204", "json", "html", "garbage"],
)
def test_end_calls_returns_none_whatever_the_body(
    make: Make, answer: Callable[[], httpx.Response]
) -> None:
    api, client = make(action=answer)
    assert client.call("end_calls", "999") is None
    (request,) = api.requests
    assert request.method == "POST"
    assert str(request.url) == f"{BASE_URL}/test_framework/v2/results/999/end_calls/"


@pytest.mark.parametrize("method", ["rerun", "end_calls"])
def test_an_unknown_result_is_not_found(make: Make, method: str) -> None:
    api, client = make(action=lambda: httpx.Response(404, json={"detail": "Not found."}))
    with pytest.raises(NotFoundError) as info:
        client.call(method, 999)
    assert str(info.value) == (
        f"404 Not Found: Not found. (no result 999 at POST {BASE_URL}/test_framework/v2/results/"
        f"999/{method}/; check the ID and the base URL)"
    )
    assert info.value.status_code == 404
    assert len(api.requests) == 1


@pytest.mark.parametrize("method", ["rerun", "end_calls"])
@pytest.mark.parametrize("bad", [0, -3, "x", True, None])
def test_rerun_and_end_calls_refuse_a_bad_id(make: Make, method: str, bad: Any) -> None:
    api, client = make(action=lambda: httpx.Response(201, json={"id": 1, "status": "pending"}))
    with pytest.raises(InvalidRequestError) as info:
        client.call(method, bad)
    assert str(info.value) == f"result_id must be a positive integer, got {bad!r}"
    assert api.requests == []


def test_latest_before_skips_results_created_at_or_after_it(make: Make) -> None:
    """``before`` (the result being compared): a later result is never its baseline."""
    import datetime as dt

    items = newest_first({97: "completed", 90: "completed", 60: "completed"})
    api, client = make(items=items, details=with_details(97, 90, 60))
    cutoff = dt.datetime(2025, 3, 1, 1, 30, tzinfo=dt.timezone.utc)  # minute 90
    assert client.call("latest", AGENT, before=cutoff).id == 60
    assert api.requests[-1].url.path == result_path(60)


@pytest.mark.parametrize(
    ("before", "shown"),
    [("2025-03-01", "'2025-03-01'"), ("naive", "datetime.datetime(2025, 3, 1, 0, 0)")],
)
def test_latest_before_must_be_an_aware_datetime(make: Make, before: Any, shown: str) -> None:
    import datetime as dt

    if before == "naive":
        before = dt.datetime(2025, 3, 1)
    api, client = make(items=[])
    with pytest.raises(InvalidRequestError) as info:
        client.call("latest", AGENT, before=before)
    assert str(info.value) == f"before must be a timezone-aware datetime, got {shown}"
    assert api.requests == []
