"""Hostile bodies and headers over real loopback sockets: whatever
the server sends, the client raises its own typed error, with a clear message, after a known
number of requests, quickly, and without holding a decompression bomb in memory."""

from __future__ import annotations

import enum
import gzip
import json
import re
import time
import tracemalloc
import zlib
from typing import Any

import anyio
import httpx
import pytest

from cekura_client import (
    AsyncCekura,
    Cekura,
    CekuraError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
)
from cekura_client._exceptions import ResponseDecodingError, ResponseTooLargeError
from cekura_client.testing import payloads
from tests.support.constants import API_KEY, Fetch, result_path
from tests.support.hostile import deep_json, gzip_bomb, huge_int_json, raw
from tests.support.loopback import Behaviour, fault_server, json_response, respond

OK_BODY = json.dumps(payloads.passing_result())


def _timed(fetch: Fetch, *args: Any, **kwargs: Any) -> tuple[BaseException, float]:
    started = time.monotonic()
    with pytest.raises(CekuraError) as info:
        fetch(*args, **kwargs)
    return info.value, time.monotonic() - started


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (200, ResponseValidationError, "JSON nested too deeply to decode"),
        (404, NotFoundError, "404 Not Found: [[[["),
        (500, ServerError, "500 Internal Server Error: [[[["),
    ],
)
def test_deeply_nested_bodies(
    fetch: Fetch, status: int, error: type[CekuraError], message: str
) -> None:
    with fault_server(json_response(status, deep_json())) as server:
        exc, elapsed = _timed(fetch, 1001, base_url=server.url, max_retries=0)
    assert type(exc) is error and message in str(exc)
    assert len(server.requests) == 1 and elapsed < 5


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (200, ResponseValidationError, "id: expected an integer, got number inf"),
        (404, NotFoundError, '404 Not Found: {"id": 9999'),
    ],
)
def test_integers_past_the_digit_limit(
    fetch: Fetch, status: int, error: type[CekuraError], message: str
) -> None:
    with fault_server(json_response(status, huge_int_json())) as server:
        exc, elapsed = _timed(fetch, 1001, base_url=server.url, max_retries=0)
    assert type(exc) is error and message in str(exc)
    assert len(server.requests) == 1 and elapsed < 5


@pytest.mark.parametrize(
    "result_id",
    [10**5000, "9" * 5000, 2**63, -(10**5000)],
    ids=["int-5001-digits", "str-5000-digits", "2**63", "negative-5001-digits"],
)
def test_huge_ids_are_refused_before_sending(fetch: Fetch, result_id: object) -> None:
    with fault_server(json_response(200, OK_BODY)) as server:
        exc, _ = _timed(fetch, result_id, base_url=server.url)
    assert type(exc) is InvalidRequestError
    assert str(exc).startswith("result_id must be a positive integer, got ")
    assert len(str(exc)) < 200 and server.requests == []


class ResultId(enum.IntEnum):
    NIGHTLY = 1001


def test_an_int_subclass_is_an_id(fetch: Fetch) -> None:
    with fault_server(json_response(200, OK_BODY)) as server:
        assert fetch(ResultId.NIGHTLY, base_url=server.url).id == 1001
    assert server.requests[0].path.endswith("/1001/")


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("gzip", "Content-Encoding 'gzip' but not valid gzip data"),
        ("deflate", "Content-Encoding 'deflate' but not valid deflate data"),
        ("br", "it uses Content-Encoding 'br'"),
    ],
)
def test_a_body_that_is_not_its_content_encoding(fetch: Fetch, encoding: str, message: str) -> None:
    body = OK_BODY.encode()
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: {encoding}"
        f"\r\nContent-Length: {len(body)}"
    )
    with fault_server(raw(head, body)) as server:
        exc, elapsed = _timed(fetch, 1001, base_url=server.url)
    assert type(exc) is ResponseDecodingError
    assert str(exc).startswith("The response body could not be decoded: ") and message in str(exc)
    assert exc.url is not None and exc.url.startswith(server.url)
    assert len(server.requests) == 1 and elapsed < 5  # not retried: it would not change


@pytest.mark.parametrize(
    ("value", "requests", "retry_after"),
    [
        ("nan", 2, None),  # not a wait: the retry uses the backoff
        ("-5", 2, 0.0),  # in the past: retried at once
        ("inf", 1, 365 * 24 * 3600.0),  # "not soon": not slept, RateLimitError at once
        ("1e999", 1, 365 * 24 * 3600.0),
        ("99999999999999999999", 1, 365 * 24 * 3600.0),
        ("Wed, 21 Oct 99999 07:28:00 GMT", 2, None),  # garbage date: backoff
    ],
)
def test_retry_after_values_that_cannot_be_slept(
    fetch: Fetch, value: str, requests: int, retry_after: float | None
) -> None:
    limited = json_response(429, '{"detail": "slow down"}', {"Retry-After": value})
    with fault_server(limited, limited) as server:
        exc, elapsed = _timed(fetch, 1001, base_url=server.url, max_retries=1)
    assert type(exc) is RateLimitError and str(exc) == "429 Too Many Requests: slow down"
    assert exc.retry_after == retry_after
    assert len(server.requests) == requests and elapsed < 3


def test_hostile_headers(fetch: Fetch) -> None:
    head = (
        "HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Type: text/html; "
        "charset=no-such-codec\r\nContent-Length: 4"
    )
    with fault_server(raw(head, b"\xff\xfe\x00x")) as server:
        exc, elapsed = _timed(fetch, 1001, base_url=server.url)
    # httpx itself refuses a Location it cannot parse, even when not following redirects
    assert re.fullmatch(
        r"The server sent a response that is not valid HTTP \(RemoteProtocolError: .+\) for "
        rf"GET http://127\.0\.0\.1:\d+{re.escape(result_path(1001))}\.",
        str(exc),
    ), str(exc)
    assert len(server.requests) == 1 and elapsed < 5


def test_a_redirect_location_with_escapes(fetch: Fetch) -> None:
    head = (
        "HTTP/1.1 302 Found\r\nLocation: https://evil.example/%1b[2K?token=abc\r\nContent-Length: 0"
    )
    with fault_server(raw(head)) as server:
        exc, _ = _timed(fetch, 1001, base_url=server.url)
    assert str(exc) == (
        "302 Found: redirect to https://evil.example/%1b[2K?token=REDACTED not followed "
        "(the API key is never sent elsewhere)"
    )


def test_a_reason_phrase_with_escapes(fetch: Fetch) -> None:
    body = b'{"detail": "gone"}'
    head = f"HTTP/1.1 404 \x1b[2KGATE PASSED\r\nContent-Length: {len(body)}"
    with fault_server(raw(head, body)) as server:
        exc, _ = _timed(fetch, 1001, base_url=server.url)
    assert type(exc) is NotFoundError
    assert str(exc).startswith("404 \\u001b[2KGATE PASSED: gone (no result 1001 at GET http://")


def test_a_status_line_that_is_not_http(fetch: Fetch) -> None:
    with fault_server(raw("HTTP/1.1 2OO OK\r\nContent-Length: 2", b"{}")) as server:
        exc, elapsed = _timed(fetch, 1001, base_url=server.url, max_retries=1)
    assert re.fullmatch(
        r"The server sent a response that is not valid HTTP \(RemoteProtocolError: .+\) for "
        rf"GET http://127\.0\.0\.1:\d+{re.escape(result_path(1001))}\.",
        str(exc),
    ), str(exc)
    assert len(server.requests) == 2 and elapsed < 5


def test_control_characters_in_a_detail_are_escaped(fetch: Fetch) -> None:
    body = json.dumps({"detail": "Not found.\r\x1b[32mGATE PASSED\x1b[0m\nfake line"})
    with fault_server(json_response(404, body)) as server:
        exc, _ = _timed(fetch, 1001, base_url=server.url)
    assert type(exc) is NotFoundError
    assert str(exc).startswith(
        "404 Not Found: Not found.\\r\\u001b[32mGATE PASSED\\u001b[0m\\nfake line (no result 1001 "
    )
    assert exc.detail == json.loads(body)["detail"]  # the attribute keeps the raw text


# -- size cap (item 6) ---------------------------------------------------------------------


def test_a_body_over_the_cap_is_refused_by_its_content_length(fetch: Fetch) -> None:
    with fault_server(json_response(200, OK_BODY)) as server:
        exc, elapsed = _timed(fetch, 1001, base_url=server.url, max_response_bytes=1000)
    assert type(exc) is ResponseTooLargeError and exc.limit == 1000
    assert str(exc).startswith("The response body exceeds the limit of 1000 bytes (Content-Length")
    assert len(server.requests) == 1 and elapsed < 5


def test_a_chunked_body_over_the_cap_stops_while_streaming(fetch: Fetch) -> None:
    chunk = b"x" * 4096
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(64)) + b"0\r\n\r\n"
    head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
    with fault_server(raw(head, chunks)) as server:
        exc, _ = _timed(fetch, 1001, base_url=server.url, max_response_bytes=10_000)
    assert type(exc) is ResponseTooLargeError
    assert "(more than 10000 bytes" in str(exc) and len(server.requests) == 1


def _bomb_server_head(size: int) -> str:
    return (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        f"Content-Length: {size}"
    )


@pytest.mark.parametrize(("cap", "peak_limit"), [(None, 160 << 20), (2 << 20, 12 << 20)])
def test_a_gzip_bomb_keeps_memory_low(fetch: Fetch, cap: int | None, peak_limit: int) -> None:
    bomb = gzip_bomb(1024)  # about 1 MB that decodes to 1 GiB
    assert len(bomb) < 1_100_000
    kwargs: dict[str, Any] = {} if cap is None else {"max_response_bytes": cap}
    with fault_server(raw(_bomb_server_head(len(bomb)), bomb)) as server:
        tracemalloc.start()
        try:
            exc, elapsed = _timed(fetch, 1001, base_url=server.url, **kwargs)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    limit = cap or 64 * 1024 * 1024
    assert type(exc) is ResponseTooLargeError
    assert str(exc).startswith(
        f"The response body exceeds the limit of {limit} bytes (more than {limit} bytes "
        "after decoding)"
    )
    assert peak < peak_limit, f"peak {peak / 2**20:.0f} MiB"
    assert len(server.requests) == 1 and elapsed < 20


def test_gzip_within_the_cap_is_decoded(fetch: Fetch) -> None:
    import gzip

    body = gzip.compress(OK_BODY.encode())
    head = _bomb_server_head(len(body))
    with fault_server(raw(head, body)) as server:
        assert fetch(1001, base_url=server.url).id == 1001
    assert server.requests[0].headers["accept-encoding"] == "gzip, deflate"


def test_max_response_bytes_is_checked() -> None:
    for bad in (0, -1, 1.5, True, "10"):
        with pytest.raises(InvalidRequestError, match="max_response_bytes must be a positive"):
            Cekura(api_key=API_KEY, max_response_bytes=bad)  # type: ignore[arg-type]


def test_async_client_reads_with_the_same_cap() -> None:
    async def run() -> None:
        with fault_server(respond(200, b"x" * 5000)) as server:
            async with AsyncCekura(
                api_key=API_KEY, base_url=server.url, max_response_bytes=100
            ) as client:
                with pytest.raises(ResponseTooLargeError):
                    await client.results.get(1001)
        assert len(server.requests) == 1

    anyio.run(run)


# -- a caller's http_client: its response hooks see the body the client read -------------------


@pytest.mark.parametrize("encoding", ["identity", "gzip", "deflate"])
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_callers_response_hook_sees_the_content(encoding: str, asynchronous: bool) -> None:
    """The body is read into the very response a caller's hooks were handed (through httpx's
    public ``read()``), so a hook that records responses finds their content afterwards."""
    import gzip
    import zlib

    body = OK_BODY.encode()
    packed = {"identity": body, "gzip": gzip.compress(body), "deflate": zlib.compress(body)}
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: {encoding}"
        f"\r\nContent-Length: {len(packed[encoding])}"
    )
    seen: list[httpx.Response] = []
    with fault_server(raw(head, packed[encoding])) as server:
        if asynchronous:

            async def record(response: httpx.Response) -> None:
                seen.append(response)

            async def run() -> int:
                async with (
                    httpx.AsyncClient(event_hooks={"response": [record]}) as http,
                    AsyncCekura(api_key=API_KEY, base_url=server.url, http_client=http) as c,
                ):
                    return (await c.results.get(1001)).id

            assert anyio.run(run) == 1001
        else:
            with (
                httpx.Client(event_hooks={"response": [seen.append]}) as http,
                Cekura(api_key=API_KEY, base_url=server.url, http_client=http) as client,
            ):
                assert client.results.get(1001).id == 1001
    (response,) = seen
    assert response.is_closed
    assert response.content == body and response.read() == body
    assert response.json()["id"] == 1001
    assert response.headers["content-encoding"] == encoding  # the headers as they came
    assert response.num_bytes_downloaded == len(packed[encoding])


def test_a_callers_response_hook_sees_no_content_over_the_cap() -> None:
    seen: list[httpx.Response] = []
    with (
        fault_server(respond(200, b"x" * 5000)) as server,
        httpx.Client(event_hooks={"response": [seen.append]}) as http,
        Cekura(
            api_key=API_KEY, base_url=server.url, http_client=http, max_response_bytes=100
        ) as client,
        pytest.raises(ResponseTooLargeError),
    ):
        client.results.get(1001)
    (response,) = seen
    assert response.is_closed
    with pytest.raises(httpx.ResponseNotRead):
        response.content  # noqa: B018


def test_x_gzip_is_decoded_by_the_client(fetch: Fetch) -> None:
    """httpx does not undo ``x-gzip``; the client does, and hands httpx the decoded body."""
    import gzip

    body = gzip.compress(OK_BODY.encode())
    head = _bomb_server_head(len(body)).replace("Encoding: gzip", "Encoding: x-gzip")
    with fault_server(raw(head, body)) as server:
        assert fetch(1001, base_url=server.url).id == 1001


def test_x_gzip_mixed_with_another_encoding_is_refused(fetch: Fetch) -> None:
    """httpx would undo the gzip layer and leave the x-gzip one: refused, a documented limit."""
    import gzip

    body = gzip.compress(gzip.compress(OK_BODY.encode()))
    head = _bomb_server_head(len(body)).replace("Encoding: gzip", "Encoding: gzip, x-gzip")
    with fault_server(raw(head, body)) as server:
        exc, _ = _timed(fetch, 1001, base_url=server.url)
    assert type(exc) is ResponseDecodingError
    assert "it mixes Content-Encoding 'x-gzip' with 'gzip, x-gzip'" in str(exc)
    assert len(server.requests) == 1


def _first_byte_alone(packed: bytes, encoding: str) -> Behaviour:
    """A chunked body whose first chunk is one byte, sent alone (TCP may split any body so)."""

    def run(handler: Any) -> bool:
        handler.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: "
            + encoding.encode()
            + b"\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n"
            + packed[:1]
            + b"\r\n"
        )
        handler.wfile.flush()
        time.sleep(0.2)
        rest = packed[1:]
        handler.wfile.write(b"%x\r\n" % len(rest) + rest + b"\r\n0\r\n\r\n")
        return True

    return run


def test_zlib_deflate_whose_first_byte_comes_alone_is_decoded(fetch: Fetch) -> None:
    with fault_server(_first_byte_alone(zlib.compress(OK_BODY.encode()), "deflate")) as server:
        assert fetch(1001, base_url=server.url, max_retries=0).id == 1001


def test_raw_deflate_whose_first_byte_comes_alone_is_a_decoding_error(fetch: Fetch) -> None:
    # httpx decides zlib or raw on the first byte it is handed, as zlib reads it: one byte
    # looks like zlib, so httpx (which decodes the body handed on) would fail. The client
    # decides the same way, and says so with its own error.
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    packed = compressor.compress(OK_BODY.encode()) + compressor.flush()
    with fault_server(_first_byte_alone(packed, "deflate")) as server:
        exc, _ = _timed(fetch, 1001, base_url=server.url, max_retries=0)
    assert type(exc) is ResponseDecodingError
    assert str(exc).startswith(
        "The response body could not be decoded: Content-Encoding 'deflate' but not valid "
        "deflate data ("
    )
    assert API_KEY not in repr(vars(exc)) and exc.__cause__ is None


def _gzip_response(packed: bytes) -> Behaviour:
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip"
        f"\r\nContent-Length: {len(packed)}"
    )
    return raw(head, packed)


def test_compressed_data_without_its_end_is_read_as_httpx_reads_it(fetch: Fetch) -> None:
    # a stream ended by a flush alone (no trailer): every decoder reads what is there
    with fault_server(_gzip_response(gzip.compress(OK_BODY.encode())[:-8])) as server:
        assert fetch(1001, base_url=server.url, max_retries=0).id == 1001
    # cut inside the data: what is there is not the whole JSON, and the error says so
    with fault_server(_gzip_response(gzip.compress(OK_BODY.encode())[:-40])) as server:
        exc, _ = _timed(fetch, 1001, base_url=server.url, max_retries=0)
    assert type(exc) is ResponseValidationError
    assert str(exc).startswith("response body: expected a JSON object (content type: ")


@pytest.mark.parametrize("after", [b"\n", b"\r\n", b"\0" * 1024])
def test_a_little_data_after_the_end_is_ignored(fetch: Fetch, after: bytes) -> None:
    with fault_server(_gzip_response(gzip.compress(OK_BODY.encode()) + after)) as server:
        assert fetch(1001, base_url=server.url, max_retries=0).id == 1001


def test_more_data_after_the_end_is_refused_at_once(fetch: Fetch) -> None:
    # zlib keeps what follows the end by appending to it, at a cost growing with the square
    # of its size (63 MiB took 67 s of CPU when it was all accepted): past 1 KiB, refused
    member = gzip.compress(OK_BODY.encode())
    junk = 24 << 20

    def run(handler: Any) -> bool:
        handler.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: %d\r\n\r\n" % (len(member) + junk) + member
        )
        try:
            for _ in range(junk // 65536):
                handler.wfile.write(b"\0" * 65536)
        except OSError:  # the client stopped reading: the point
            pass
        return True

    with fault_server(run) as server:
        exc, _ = _timed(fetch, 1001, base_url=server.url, max_retries=0)
    assert type(exc) is ResponseDecodingError
    assert str(exc) == (
        "The response body could not be decoded: Content-Encoding 'gzip' but not valid gzip "
        "data (more than 1024 bytes after its end)."
    )
    assert exc.status_code == 200


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_an_empty_body_labelled_compressed_is_empty(encoding: str) -> None:
    head = f"HTTP/1.1 204 No Content\r\nContent-Encoding: {encoding}\r\nContent-Length: 0"
    with (
        fault_server(raw(head)) as server,
        Cekura(api_key=API_KEY, base_url=server.url, max_retries=0) as client,
    ):
        client.results.end_calls(1001)  # no error: an empty body is not a cut one
    assert [r.method for r in server.requests] == ["POST"]


def test_a_body_httpx_cannot_decode_is_the_clients_error_without_the_key(fetch: Fetch) -> None:
    # gzip around raw deflate, the gzip header alone in the first chunk: httpx's deflate decoder
    # is handed b"" first and takes it for zlib, as the client does, and refuses the rest
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    packed = gzip.compress(compressor.compress(OK_BODY.encode()) + compressor.flush())

    def run(handler: Any) -> bool:
        handler.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Encoding: deflate, gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        for part in (packed[:10], packed[10:]):
            handler.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
            handler.wfile.flush()
            time.sleep(0.1)
        handler.wfile.write(b"0\r\n\r\n")
        return True

    with fault_server(run) as server:
        exc, _ = _timed(fetch, 1001, base_url=server.url, max_retries=0)
    assert type(exc) is ResponseDecodingError
    assert str(exc).startswith(
        "The response body could not be decoded: Content-Encoding 'deflate, gzip' but "
    )
    chain = _chain(exc)
    assert chain[0] is ResponseDecodingError
    assert not any(issubclass(link, httpx.HTTPError) for link in chain)  # whose request has the key


def _chain(exc: BaseException | None) -> list[type[BaseException]]:
    found = []
    while exc is not None:
        found.append(type(exc))
        exc = exc.__cause__ or exc.__context__
    return found


def test_a_body_httpx_refuses_after_the_client_accepted_it_is_the_clients_error(
    fetch: Fetch, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the safety net: the client's decoder and httpx's should agree; if they ever do not, the
    # httpx DecodingError (its request holds the API key) never reaches the caller
    monkeypatch.setattr(
        "cekura_client._body._Inflate.feed", lambda self, data: iter([(data, len(data))])
    )
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip"
        "\r\nContent-Length: 8"
    )
    with fault_server(raw(head, b"not gzip")) as server:
        exc, _ = _timed(fetch, 1001, base_url=server.url, max_retries=0)
    assert type(exc) is ResponseDecodingError
    assert str(exc).startswith(
        "The response body could not be decoded: Content-Encoding 'gzip' but Error -3 while "
        "decompressing data"
    )
    assert _chain(exc) == [ResponseDecodingError]
