"""Server-announced deprecation: a ``Deprecation`` (RFC 9745) or ``Sunset``
(RFC 8594) response header logs one warning and issues one DeprecationWarning per operation,
naming the successor the facade knows; the call never fails because of it."""

from __future__ import annotations

import json
import logging
import warnings

import anyio
import pytest

from cekura_client import AsyncCekura, Cekura, NotFoundError
from cekura_client._deprecation import DeprecationNotices, successor_of
from cekura_client._operations import GET_RESULT, ResolvedOperation
from cekura_client.testing import payloads
from tests.support.constants import API_KEY
from tests.support.loopback import fault_server, json_response

BODY = json.dumps(payloads.passing_result())
HEADERS = {"Deprecation": "@1723939200", "Sunset": "Wed, 31 Dec 2026 23:59:59 GMT"}
V1 = "GET /test_framework/v1/results/{id}/"
V2 = "GET /test_framework/v2/results/{id}/"


#: What the facade says for the vendored spec, whose ``client.results.get`` is the v2 operation
#: (the newest candidate, so no successor is known).
EXPECTED = (
    "The server marks GET /test_framework/v2/results/{id}/ (client.results.get) deprecated "
    "(Deprecation: @1723939200, Sunset: Wed, 31 Dec 2026 23:59:59 GMT); no successor is known "
    "to this client version"
)


def test_sync_client_warns_once_per_operation(caplog: pytest.LogCaptureFixture) -> None:
    with fault_server(json_response(200, BODY, HEADERS)) as server:
        with Cekura(api_key=API_KEY, base_url=server.url) as client:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                with caplog.at_level(logging.WARNING, logger="cekura_client"):
                    results = [client.results.get(1001) for _ in range(3)]
    assert [r.id for r in results] == [1001] * 3 and len(server.requests) == 3
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert [str(w.message) for w in deprecations] == [EXPECTED]
    assert deprecations[0].filename == __file__  # points at the caller's line
    assert [r.getMessage() for r in caplog.records] == [EXPECTED]


def test_async_client_warns_once_per_operation(caplog: pytest.LogCaptureFixture) -> None:
    async def run() -> None:
        with fault_server(json_response(200, BODY, {"Sunset": HEADERS["Sunset"]})) as server:
            async with AsyncCekura(api_key=API_KEY, base_url=server.url) as client:
                for _ in range(2):
                    assert (await client.results.get(1001)).id == 1001

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with caplog.at_level(logging.WARNING, logger="cekura_client"):
            anyio.run(run)
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert len(deprecations) == 1 and "Sunset: Wed, 31 Dec 2026" in str(deprecations[0].message)
    assert len(caplog.records) == 1


def test_an_error_response_with_the_header_still_raises_its_own_error() -> None:
    headers = {"Deprecation": "true\x1b[2K"}
    with fault_server(json_response(404, '{"detail": "Not found."}', headers)) as server:
        with Cekura(api_key=API_KEY, base_url=server.url) as client:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                with pytest.raises(NotFoundError):
                    client.results.get(1001)
    assert len(caught) == 1 and "\x1b" not in str(caught[0].message)


def test_warnings_as_errors_do_not_fail_the_call(caplog: pytest.LogCaptureFixture) -> None:
    """Under ``-W error`` the notice is only logged: the call never fails over it."""
    with fault_server(json_response(200, BODY, HEADERS)) as server:
        with Cekura(api_key=API_KEY, base_url=server.url) as client:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                with caplog.at_level(logging.WARNING, logger="cekura_client"):
                    assert client.results.get(1001).id == 1001
    assert [r.getMessage() for r in caplog.records] == [EXPECTED]


def test_no_header_no_warning() -> None:
    with fault_server(json_response(200, BODY)) as server:
        with Cekura(api_key=API_KEY, base_url=server.url) as client:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                assert client.results.get(1001).id == 1001


def test_the_successor_is_the_candidate_listed_before() -> None:
    def resolved(key: str) -> ResolvedOperation:
        return ResolvedOperation(
            operation=GET_RESULT, key=key, deprecated=False, build_request=dict
        )

    assert successor_of(resolved(V1)) == V2
    assert successor_of(resolved(V2)) is None
    assert successor_of(resolved("GET /elsewhere/")) is None
    notices = DeprecationNotices()
    import httpx

    response = httpx.Response(200, headers={"Deprecation": "@1"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        notices.check(response, resolved(V2))
        notices.check(response, resolved(V2))
        DeprecationNotices().check(response, resolved(V1))
    assert [str(w.message) for w in caught] == [
        f"The server marks {V2} (client.results.get) deprecated (Deprecation: @1); "
        "no successor is known to this client version",
        f"The server marks {V1} (client.results.get) deprecated (Deprecation: @1); its "
        f"successor is {V2} (regenerate the client from a spec that has it: make vendor "
        "SRC=... && make generate)",
    ]
