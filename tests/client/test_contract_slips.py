"""Contract slips: get_many's concurrency cap and ID handling, compare's thresholds and JSON,
duplicate metric names in exports, BOMs in webhook bodies, duration histogram labels, a run ID
sent twice."""

from __future__ import annotations

import copy
import enum
import json
import math
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from cekura_client import AsyncCekura, Cekura, InvalidRequestError, ManyResults, Result
from cekura_client.reports import compare, to_html
from cekura_client.reports._svg import histogram
from cekura_client.reports._table import columns, json_rows, runs_table
from cekura_client.resources import _many
from cekura_client.resources._many import get_many_async, get_many_sync
from cekura_client.testing import MockCekuraServer, payloads
from cekura_client.webhooks import WebhookPayloadError, parse_event
from tests.support.constants import API_KEY, result_path

# --- 1. get_many: concurrency is capped at the connection pool's size -----------------------

POOL_SIZE = 100  # httpx.Limits default max_connections


class _InFlight:
    """Counts calls in progress (thread-safe) and remembers the most at once."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def leave(self) -> None:
        with self._lock:
            self.now -= 1


def test_pool_size_is_httpx_default() -> None:
    # The client builds its transports without ``limits``: httpx's documented default applies.
    assert _many.POOL_SIZE == POOL_SIZE


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_huge_concurrency_against_a_healthy_server(mode: str) -> None:
    ids = list(range(10_001, 12_001))  # 2,000 IDs
    template = payloads.passing_result(10_001)
    server_side = _InFlight()
    client_side = _InFlight()

    def serve(result_id: int) -> Callable[[], Any]:
        def answer() -> Any:
            server_side.enter()
            try:
                time.sleep(0.002)
                payload = copy.copy(template)
                payload["id"] = result_id
                return payload
            finally:
                server_side.leave()

        return answer

    with MockCekuraServer({i: serve(i) for i in ids}, api_key=API_KEY) as server:
        if mode == "sync":
            with Cekura(api_key=API_KEY, base_url=server.url, max_retries=0, timeout=60) as c:
                inner = c.results.get

                def get(result_id: int) -> Result:
                    client_side.enter()
                    try:
                        return inner(result_id)
                    finally:
                        client_side.leave()

                many = get_many_sync(get, ids, 10**6)
        else:

            async def run() -> ManyResults:
                async with AsyncCekura(
                    api_key=API_KEY, base_url=server.url, max_retries=0, timeout=60
                ) as c:
                    inner = c.results.get

                    async def get(result_id: int) -> Result:
                        client_side.enter()
                        try:
                            return await inner(result_id)
                        finally:
                            client_side.leave()

                    return await get_many_async(get, ids, 10**6)

            many = anyio.run(run)
        requests = len(server.requests)
    assert many.errors == {}
    assert [r.id for r in many.results] == ids
    assert requests == 2000
    assert client_side.most <= POOL_SIZE
    assert 1 <= server_side.most <= POOL_SIZE


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(("concurrency", "most"), [(3, 3), (100, 100), (101, 100), (10**6, 100)])
def test_effective_concurrency(mode: str, concurrency: int, most: int) -> None:
    ids = list(range(1, 301))
    seen = _InFlight()

    def fake(result_id: int) -> Result:
        return Result.from_dict(payloads.passing_result(result_id))

    if mode == "sync":

        def get(result_id: int) -> Result:
            seen.enter()
            try:
                time.sleep(0.05 if most > 3 else 0.005)
                return fake(result_id)
            finally:
                seen.leave()

        many = get_many_sync(get, ids, concurrency)
    else:

        async def aget(result_id: int) -> Result:
            seen.enter()
            try:
                await anyio.sleep(0.01)
                return fake(result_id)
            finally:
                seen.leave()

        async def run() -> ManyResults:
            return await get_many_async(aget, ids, concurrency)

        many = anyio.run(run)
    assert many.ok and len(many) == 300
    assert seen.most == most


# --- 2. get_many: IDs are normalised, de-duplicated, and bad ones fail alone -----------------


class Color(enum.IntEnum):
    PASSING = 1001


def _get_many(mode: str, server: MockCekuraServer, ids: list[Any]) -> ManyResults:
    if mode == "sync":
        with Cekura(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
            return client.results.get_many(ids)

    async def run() -> ManyResults:
        async with AsyncCekura(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
            return await client.results.get_many(ids)

    return anyio.run(run)


def _paths(server: MockCekuraServer) -> list[str]:
    return sorted(r.path for r in server.requests)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    ("bad", "key", "shown"),
    [
        (True, "True", "True"),
        (False, "False", "False"),
        ([1001], "[1001]", "[1001]"),
        ({"id": 1001}, "{'id': 1001}", "{'id': 1001}"),
        ({1001}, "{1001}", "{1001}"),
    ],
)
def test_a_bad_id_fails_alone(
    mode: str, mock_server: MockCekuraServer, bad: Any, key: str, shown: str
) -> None:
    many = _get_many(mode, mock_server, [1001, bad, 1002])
    assert [item.ok for item in many] == [True, False, True]
    assert [r.id for r in many.results] == [1001, 1002]
    assert list(many.errors) == [key]
    assert many[1].result_id == key
    error = many.errors[key]
    assert type(error) is InvalidRequestError
    assert str(error) == f"result_id must be a positive integer, got {shown}"
    assert _paths(mock_server) == [result_path(1001), result_path(1002)]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_true_alone_fails(mode: str, mock_server: MockCekuraServer) -> None:
    many = _get_many(mode, mock_server, [True])
    assert list(many.errors) == ["True"]
    assert str(many.errors["True"]) == "result_id must be a positive integer, got True"
    assert mock_server.requests == []


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_one_and_true_do_not_fetch_one_twice(mode: str, mock_server: MockCekuraServer) -> None:
    many = _get_many(mode, mock_server, [1, True])
    assert [item.result_id for item in many] == [1, "True"]
    assert type(many.errors["True"]) is InvalidRequestError
    assert _paths(mock_server) == [result_path(1)]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_equal_ids_are_fetched_once(mode: str, mock_server: MockCekuraServer) -> None:
    many = _get_many(mode, mock_server, [1001, "1001", Color.PASSING, "1002", 1002])
    assert many.ok
    assert [item.result_id for item in many] == [1001, 1001, 1001, 1002, 1002]
    assert all(type(item.result_id) is int for item in many)
    assert [r.id for r in many.results] == [1001, 1001, 1001, 1002, 1002]
    assert _paths(mock_server) == [result_path(1001), result_path(1002)]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_progress_counts_distinct_normalised_ids(mode: str, mock_server: MockCekuraServer) -> None:
    calls: list[tuple[int, int]] = []
    ids: list[Any] = [1001, "1001", True, [1], [1], 0, 1002]
    if mode == "sync":
        with Cekura(api_key=API_KEY, base_url=mock_server.url, max_retries=0) as client:
            many = get_many_sync(client.results.get, ids, 3, lambda d, t: calls.append((d, t)))
    else:

        async def run() -> ManyResults:
            async with AsyncCekura(
                api_key=API_KEY, base_url=mock_server.url, max_retries=0
            ) as client:
                return await get_many_async(
                    client.results.get, ids, 3, lambda d, t: calls.append((d, t))
                )

        many = anyio.run(run)
    # 1001, True, [1], 0, 1002: five distinct entries.
    assert calls == [(i, 5) for i in range(1, 6)]
    assert list(many.errors) == ["True", "[1]", 0]
    assert len(many) == 7


# --- 3. compare: thresholds must be finite --------------------------------------------------


@pytest.fixture(scope="module")
def baseline() -> Result:
    return Result.from_dict(payloads.baseline_result())


@pytest.fixture(scope="module")
def regressed() -> Result:
    return Result.from_dict(payloads.regressed_result())


@pytest.mark.parametrize("name", ["pass_rate_threshold", "score_threshold", "duration_threshold"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (math.inf, "must be a finite number, got inf"),
        (1e309, "must be a finite number, got inf"),
        (math.nan, "must be a number >= 0, got nan"),
        (-math.nan, "must be a number >= 0, got nan"),
        (-math.inf, "must be a number >= 0, got -inf"),
    ],
)
def test_thresholds_must_be_finite(
    baseline: Result, regressed: Result, name: str, value: float, message: str
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        thresholds: dict[str, Any] = {name: value}
        compare(baseline, regressed, **thresholds)
    assert type(info.value) is InvalidRequestError
    assert str(info.value) == f"{name} {message}"


def test_finite_thresholds_still_work(baseline: Result, regressed: Result) -> None:
    c = compare(
        baseline, regressed, rule="thresholds", pass_rate_threshold=0, score_threshold=1e300
    )
    assert c.regressed and c.pass_rate_threshold == 0


# --- 4. compare: to_dict is strict JSON -----------------------------------------------------


def _with_latency(result_id: int, score: float) -> Result:
    payload = payloads.passing_result(result_id)
    for run in payload["runs"].values():
        for metric in run["evaluation"]["metrics"]:
            if metric["name"] == "Latency":
                metric["score"] = score
    return Result.from_dict(payload)


@pytest.mark.parametrize(
    ("old", "new"), [(1e-300, 1e300), (-1e308, 1e308), (1e308, -1e308), (1e308, 1e308)]
)
def test_to_dict_has_no_non_finite_numbers(old: float, new: float) -> None:
    c = compare(_with_latency(1, old), _with_latency(2, new))
    data = c.to_dict()
    text = json.dumps(data, allow_nan=False)
    latency = next(m for m in data["metrics"] if m["name"] == "Latency")
    for field in ("mean_score_change", "baseline_mean_score", "current_mean_score"):
        value = latency[field]
        assert value is None or math.isfinite(value)
    assert "Infinity" not in text and "NaN" not in text


def test_every_to_dict_is_strict_json(baseline: Result, regressed: Result) -> None:
    json.dumps(compare(baseline, regressed).to_dict(), allow_nan=False)
    json.dumps(regressed.to_dict(), allow_nan=False)


# --- 5. exports: one column per metric, even when two share a name --------------------------


def _duplicated() -> Result:
    payload = payloads.passing_result(1)
    for run in payload["runs"].values():
        metrics = run["evaluation"]["metrics"]
        twin = dict(metrics[0], id=999, passed=False)  # same name as metric 901
        metrics.append(twin)
    return Result.from_dict(payload)


def test_duplicate_metric_names_get_a_column_each() -> None:
    result = _duplicated()
    cols = columns([result])
    assert [c for c in cols if "Appointment booked" in c] == [
        "metric.Appointment booked#901.passed",
        "metric.Appointment booked#999.passed",
    ]
    for row in runs_table(result):
        cells: dict[str, Any] = dict(row)
        assert cells["metric.Appointment booked#901.passed"] is True
        assert cells["metric.Appointment booked#999.passed"] is False
        assert "metric.Appointment booked.passed" not in cells
    assert columns([result]) == cols  # deterministic


def test_duplicate_names_are_split_across_a_whole_export() -> None:
    plain = Result.from_dict(payloads.passing_result(2))
    rows = json_rows([plain, _duplicated()])
    keys = set(rows[0])
    assert {"metric.Appointment booked#901.passed", "metric.Appointment booked#999.passed"} <= keys
    assert "metric.Appointment booked.passed" not in keys
    first = rows[0]
    assert first["metric.Appointment booked#901.passed"] is True
    assert first["metric.Appointment booked#999.passed"] is None


def test_unique_names_keep_plain_columns() -> None:
    cols = columns([Result.from_dict(payloads.passing_result(3))])
    assert "metric.Appointment booked.passed" in cols
    assert not any("#" in c for c in cols)


# --- 6. webhooks: a leading BOM ----------------------------------------------------------

SECRET = "whsec-9d1e77c2b0"
HEADERS = {"X-CEKURA-SECRET": SECRET}


def _text() -> str:
    return json.dumps(payloads.webhook_result_completed())


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("\ufeff" + _text(), id="str-bom"),
        pytest.param(_text().encode("utf-8-sig"), id="utf8-bom-bytes"),
        pytest.param(bytearray(_text().encode("utf-8-sig")), id="utf8-bom-bytearray"),
        pytest.param(_text().encode("utf-16"), id="utf16-bom"),
        pytest.param(b"\xff\xfe" + _text().encode("utf-16-le"), id="utf16le-bom"),
        pytest.param(b"\xfe\xff" + _text().encode("utf-16-be"), id="utf16be-bom"),
        pytest.param(_text().encode("utf-32"), id="utf32-bom"),
    ],
)
def test_bom_bodies_parse(body: Any) -> None:
    event = parse_event(body, HEADERS, secret=SECRET)
    assert event.event_type == "result.completed"


def test_only_one_bom_is_skipped() -> None:
    with pytest.raises(WebhookPayloadError) as info:
        parse_event("\ufeff\ufeff" + _text(), HEADERS, secret=SECRET)
    assert type(info.value) is WebhookPayloadError
    assert str(info.value) == (
        "the body is not JSON: Unexpected UTF-8 BOM (decode using utf-8-sig)"
    )


# --- 7. histogram labels never go below zero for non-negative data --------------------------


def _labels(svg: str) -> list[str]:
    return re.findall(r"<text [^>]*>([^<]*)</text>", svg) + re.findall(
        r"<title>([^<]*)</title></rect>", svg
    )


@pytest.mark.parametrize(
    ("values", "low", "high"),
    [([0.0], "0 s", "1 s"), ([0.0, 0.0, 0.0], "0 s", "1 s"), ([0.2], "0 s", "1 s"),
     ([7.0, 7.0], "6.5 s", "7.5 s"), ([-0.0, 5.0], "0 s", "5 s")],
)  # fmt: skip
def test_duration_labels(values: list[float], low: str, high: str) -> None:
    svg = histogram("durations", "d", values, unit=" s")
    labels = _labels(svg)
    assert low in labels and high in labels
    assert not any(label.startswith("-") for label in labels)
    assert f"{len(values)} values" in labels


def test_negative_data_keeps_its_range() -> None:
    labels = _labels(histogram("scores", "s", [-2.0]))
    assert "-2.5" in labels and "-1.5" in labels


def test_report_of_one_zero_run_has_no_negative_label() -> None:
    payload = payloads.passing_result(4)
    first = next(iter(payload["runs"]))
    payload["runs"] = {first: dict(payload["runs"][first], duration="00:00")}
    page = to_html(Result.from_dict(payload))
    chart = re.search(r'<svg class="chart" data-chart="durations".*?</svg>', page, re.S)
    assert chart is not None
    assert not any(label.startswith("-") for label in _labels(chart.group(0)))


# --- 8. the same run ID twice: one run, so every count and report agrees ----------------------


def _twice(key_of_copy: str = "99999") -> dict[str, Any]:
    payload = payloads.failing_result()
    again = copy.deepcopy(payload["runs"]["86102"])  # failed; the copy passes
    again.update(success=True, error_message="")
    payload["runs"][key_of_copy] = again
    return payload


def test_a_run_id_sent_twice_is_one_run_the_later() -> None:
    result = Result.from_dict(_twice())
    assert [run.id for run in result.runs] == [86101, 86102, 86103, 86104]
    assert result.run(86102).success is True
    assert result.run(86102).raw["success"] is True  # .raw is the kept run's own


def test_compare_and_the_html_chart_count_it_once() -> None:
    baseline = Result.from_dict(payloads.failing_result())
    current = Result.from_dict(_twice())
    comparison = compare(baseline, current, rule="thresholds")
    assert comparison.current_success_rate == 75.0  # 3 of 4 runs, not 3 of 5
    (cancel,) = [s for s in comparison.scenarios if s.scenario == "Cancel appointment"]
    assert (cancel.current, cancel.change) == ("passed", "newly_passing")
    page = to_html(current)
    assert "Cancel appointment: 1 passed" in page
    assert "Cancel appointment: 2" not in page


def test_a_webhook_with_a_run_id_twice_lists_it_once() -> None:
    run = copy.deepcopy(payloads.failing_result()["runs"]["86102"])
    body = {"event_type": "result.pre_trigger", "data": {"result_id": 1, "runs": [run, run]}}
    event = parse_event(json.dumps(body), {"X-CEKURA-SECRET": "s"}, secret="s")
    assert [r.id for r in event.runs] == [86102]  # type: ignore[union-attr]
