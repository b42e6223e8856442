"""results.get_many on both clients: order of IDs, per-ID failures, concurrency limit,
progress."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from cekura_client import (
    AsyncCekura,
    Cekura,
    GetManyError,
    InvalidRequestError,
    ManyResults,
    NotFoundError,
)
from cekura_client.resources._many import get_many_async, get_many_sync
from cekura_client.testing import MockCekuraServer, MockResponse, payloads
from tests.support.constants import API_KEY, result_path

GetMany = Callable[..., ManyResults]


@pytest.fixture(params=["sync", "async"])
def get_many(request: pytest.FixtureRequest, mock_server: MockCekuraServer) -> GetMany:
    def sync(ids: Any, **kwargs: Any) -> ManyResults:
        with Cekura(api_key=API_KEY, base_url=mock_server.url, max_retries=0) as client:
            return client.results.get_many(ids, **kwargs)

    def async_(ids: Any, **kwargs: Any) -> ManyResults:
        async def run() -> ManyResults:
            async with AsyncCekura(
                api_key=API_KEY, base_url=mock_server.url, max_retries=0
            ) as client:
                return await client.results.get_many(ids, **kwargs)

        return anyio.run(run)

    return sync if request.param == "sync" else async_


def test_results_in_the_order_of_the_ids(get_many: GetMany) -> None:
    ids = [1006, 1001, 1101, 1005, 1002]
    many = get_many(ids)
    assert many.ok and len(many) == 5
    assert [r.id for r in many.results] == ids
    assert [item.result_id for item in many] == ids
    assert many.raise_for_errors() == many.results
    assert repr(many) == "ManyResults(5 fetched, 0 failed)"


def test_failures_are_reported_per_id_without_losing_the_others(
    get_many: GetMany, mock_server: MockCekuraServer
) -> None:
    mock_server.results[1007] = MockResponse(500, {"detail": "boom"})
    many = get_many([1001, 9999, 0, 1002, 1007])
    assert not many.ok
    assert [r.id for r in many.results] == [1001, 1002]
    assert [item.ok for item in many] == [True, False, False, True, False]
    assert list(many.errors) == [9999, 0, 1007]
    assert isinstance(many.errors[9999], NotFoundError)
    not_found = (
        "404 Not Found: Not found. (no result 9999 at GET "
        f"{mock_server.url}{result_path(9999)}; check the ID and the base URL)"
    )
    assert str(many.errors[9999]) == not_found
    assert isinstance(many.errors[0], InvalidRequestError)
    assert str(many.errors[0]) == "result_id must be a positive integer, got 0"
    assert type(many.errors[1007]).__name__ == "ServerError"
    assert many[1].result is None and many[1].error is many.errors[9999]
    with pytest.raises(GetManyError) as info:
        many.raise_for_errors()
    assert str(info.value) == (
        f"3 of 5 results could not be fetched: 9999: NotFoundError: {not_found}; "
        "0: InvalidRequestError: result_id must be a positive integer, got 0; "
        f"1007: ServerError: {many.errors[1007]}"
    )
    assert [r.id for r in info.value.results] == [1001, 1002]
    # Invalid IDs never reach the server.
    assert result_path(0) not in [r.path for r in mock_server.requests]


def test_each_id_is_fetched_once(get_many: GetMany, mock_server: MockCekuraServer) -> None:
    many = get_many([1001, 1002, 1001, 1001])
    assert [r.id for r in many.results] == [1001, 1002, 1001, 1001]
    assert sorted(r.path for r in mock_server.requests) == [result_path(1001), result_path(1002)]


def test_no_ids(get_many: GetMany) -> None:
    many = get_many([])
    assert len(many) == 0 and many.ok and many.results == []


@pytest.mark.parametrize("concurrency", [0, -1, 1.5, True])
def test_concurrency_must_be_a_positive_integer(get_many: GetMany, concurrency: Any) -> None:
    with pytest.raises(InvalidRequestError) as info:
        get_many([1001], concurrency=concurrency)
    assert str(info.value) == f"concurrency must be a positive integer, got {concurrency!r}"


@pytest.mark.parametrize("concurrency", [1, 3])
def test_at_most_concurrency_requests_at_a_time(
    get_many: GetMany, mock_server: MockCekuraServer, concurrency: int
) -> None:
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def slow(result_id: int) -> Callable[[], dict[str, Any]]:
        def answer() -> dict[str, Any]:
            with lock:
                state["now"] += 1
                state["peak"] = max(state["peak"], state["now"])
            time.sleep(0.05)
            with lock:
                state["now"] -= 1
            return payloads.baseline_result(result_id)

        return answer

    ids = list(range(3001, 3013))
    for result_id in ids:
        mock_server.results[result_id] = slow(result_id)
    many = get_many(ids, concurrency=concurrency)
    assert [r.id for r in many.results] == ids
    assert state["peak"] == concurrency


# --- on_progress: (done, total) after each result, success or error -------------------------------
# The client methods pass it through (resources/results.py); these call the functions they use.


def _with_progress(
    mode: str, server: MockCekuraServer, ids: list[Any], **kwargs: Any
) -> tuple[ManyResults, list[tuple[int, int, str]]]:
    calls: list[tuple[int, int, str]] = []

    def on_progress(done: int, total: int) -> None:
        calls.append((done, total, threading.current_thread().name))

    if mode == "sync":
        with Cekura(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
            many = get_many_sync(client.results.get, ids, 3, on_progress, **kwargs)
        return many, calls

    async def run() -> ManyResults:
        async with AsyncCekura(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
            return await get_many_async(client.results.get, ids, 3, on_progress, **kwargs)

    return anyio.run(run), calls


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_on_progress_counts_every_result_and_error(
    mode: str, mock_server: MockCekuraServer
) -> None:
    ids = [1001, 9999, 0, 1002, 1001, 1005, 1006]  # a 404, an invalid ID, a repeated ID
    many, calls = _with_progress(mode, mock_server, ids)
    assert [(done, total) for done, total, _ in calls] == [(i, 6) for i in range(1, 7)]
    # Called in the caller's thread, one call at a time, never from the pool's workers.
    assert {thread for _, _, thread in calls} == {threading.current_thread().name}
    assert [r.id for r in many.results] == [1001, 1002, 1001, 1005, 1006]
    assert list(many.errors) == [9999, 0]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("ids", [[], [1001]])
def test_on_progress_with_no_or_one_id(
    mode: str, mock_server: MockCekuraServer, ids: list[int]
) -> None:
    many, calls = _with_progress(mode, mock_server, ids)
    assert [(done, total) for done, total, _ in calls] == [(1, 1)] * len(ids)
    assert len(many) == len(ids)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_an_exception_in_on_progress_ends_get_many_as_it_is(
    mode: str, mock_server: MockCekuraServer
) -> None:
    seen: list[int] = []

    def stop(done: int, total: int) -> None:
        seen.append(done)
        raise RuntimeError(f"stop at {done} of {total}")

    ids = list(range(1101, 1108))
    with pytest.raises(RuntimeError, match="^stop at 1 of 7$"):
        if mode == "sync":
            with Cekura(api_key=API_KEY, base_url=mock_server.url, max_retries=0) as client:
                get_many_sync(client.results.get, ids, 1, stop)
        else:

            async def run() -> None:
                async with AsyncCekura(
                    api_key=API_KEY, base_url=mock_server.url, max_retries=0
                ) as client:
                    await get_many_async(client.results.get, ids, 1, stop)

            anyio.run(run)
    assert seen == [1]
    assert len(mock_server.requests) < len(ids)  # fetches not started were dropped


def test_on_progress_through_the_client(get_many: GetMany) -> None:
    calls: list[tuple[int, int]] = []
    get_many([1001, 9999], on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]
