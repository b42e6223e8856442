"""Webhooks under hostile input: every body, header shape and secret type
ends in a WebhookError with a clear message, in a receiver over real sockets and in direct
calls; nothing escapes as RecursionError, ValueError, UnicodeEncodeError or TypeError."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, cast

import pytest

from cekura_client import CekuraError
from cekura_client.testing import payloads
from cekura_client.webhooks import (
    ResultCompletedEvent,
    WebhookError,
    WebhookPayloadError,
    WebhookVerificationError,
    parse_event,
)
from tests.support.hostile import deep_json, huge_int_json

SECRET = "whsec-9d1e77c2b0"
HEADERS = {"X-CEKURA-SECRET": SECRET}
COMPLETED = json.dumps(payloads.webhook_result_completed()).encode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (deep_json(), "the body is JSON nested too deeply to decode"),
        ('{"event_type": "x", "data": ' + deep_json() + "}", "nested too deeply"),
        (huge_int_json(), "the body is JSON that cannot be decoded (Exceeds the limit"),
        (
            '{"event_type": "result.pre_trigger", "data": {"result_id": ' + "7" * 5000 + "}}",
            "cannot be decoded",
        ),
        (b"\xff\xfe\x00", "the body is not JSON"),
        (12, "the body must be bytes or str, got int"),
        (None, "the body must be bytes or str, got NoneType"),
    ],
    ids=["deep", "deep-data", "huge-int", "huge-result-id", "not-utf8", "int", "none"],
)
def test_hostile_bodies(body: Any, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(WebhookPayloadError) as info:
        parse_event(body, HEADERS, secret=SECRET)
    assert message in str(info.value) and time.monotonic() - started < 2


def _deep_data(depth: int) -> bytes:
    """A body that decodes (depth under the recursion limit) but nests inside ``data``."""
    inner = "[" * depth + "]" * depth
    return ('{"event_type": "result.completed", "data": {"id": 1, "runs": ' + inner + "}}").encode()


def test_a_deep_structure_inside_a_decodable_event() -> None:
    with pytest.raises(WebhookPayloadError):
        parse_event(_deep_data(900), HEADERS, secret=SECRET)


@pytest.mark.parametrize(
    "headers",
    [
        [("X-CEKURA-SECRET", SECRET)],
        [(b"x-cekura-secret", SECRET.encode())],
        ((b"content-type", b"application/json"), (b"X-Cekura-Secret", SECRET.encode())),
    ],
    ids=["str-pairs", "bytes-pairs", "asgi-tuple"],
)
def test_headers_as_pairs(headers: Any) -> None:
    assert isinstance(parse_event(COMPLETED, headers, secret=SECRET), ResultCompletedEvent)


@pytest.mark.parametrize(
    ("headers", "error", "message"),
    [
        (None, WebhookVerificationError, "missing X-CEKURA-SECRET header"),
        ([], WebhookVerificationError, "missing X-CEKURA-SECRET header"),
        ({"X-CEKURA-SECRET": "\ud800" + SECRET}, WebhookVerificationError, "wrong X-CEKURA-SECRET"),
        ({"X-CEKURA-SECRET": SECRET + "\udcff"}, WebhookVerificationError, "wrong X-CEKURA-SECRET"),
        ([("X-CEKURA-SECRET",)], WebhookError, "headers must be a mapping or a list of"),
        (42, WebhookError, "headers must be a mapping or a list of"),
        ({"X-CEKURA-SECRET": 42}, WebhookError, "a header value must be str or bytes, got int"),
    ],
    ids=["none", "empty", "surrogate-first", "surrogate-last", "bad-pair", "int", "int-value"],
)
def test_hostile_headers(headers: Any, error: type[CekuraError], message: str) -> None:
    with pytest.raises(error) as info:
        parse_event(COMPLETED, headers, secret=SECRET)
    assert str(info.value).startswith(message) and SECRET not in str(info.value)


@pytest.mark.parametrize(
    "secret", [SECRET.encode(), bytearray(SECRET.encode())], ids=["bytes", "bytearray"]
)
def test_a_secret_given_as_bytes(secret: Any) -> None:
    assert isinstance(parse_event(COMPLETED, HEADERS, secret=secret), ResultCompletedEvent)
    with pytest.raises(WebhookVerificationError, match="wrong X-CEKURA-SECRET"):
        parse_event(COMPLETED, {"X-CEKURA-SECRET": "nope"}, secret=secret)


@pytest.mark.parametrize("secret", [None, 42, "", b""])
def test_a_secret_that_is_not_one(secret: Any) -> None:
    with pytest.raises(WebhookVerificationError):
        parse_event(COMPLETED, HEADERS, secret=secret)


def test_a_non_ascii_secret_matches_its_utf8_header() -> None:
    secret = "sécret-✓"
    raw_header = secret.encode().decode("latin-1")  # what http.server hands over
    assert isinstance(
        parse_event(COMPLETED, [(b"X-CEKURA-SECRET", secret.encode())], secret=secret),
        ResultCompletedEvent,
    )
    for header in (secret, raw_header):  # decoded as UTF-8, or as latin-1 (WSGI, http.server)
        assert isinstance(
            parse_event(COMPLETED, {"X-CEKURA-SECRET": header}, secret=secret),
            ResultCompletedEvent,
        )
    with pytest.raises(WebhookVerificationError):
        parse_event(COMPLETED, {"X-CEKURA-SECRET": "s\u00e9cret-?"}, secret=secret)


class _Receiver(BaseHTTPRequestHandler):
    """A user's endpoint in a stdlib server: any WebhookError is a 4xx, anything else a 500."""

    outcomes: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            # An HTTPMessage: not a Mapping to mypy, but it has the items() parse_event reads.
            parse_event(raw, cast(Mapping[str, str], self.headers), secret=SECRET)
        except WebhookVerificationError:
            status, outcome = 401, "unverified"
        except WebhookError as exc:
            status, outcome = 400, type(exc).__name__
        except Exception as exc:
            status, outcome = 500, type(exc).__name__
        else:
            status, outcome = 204, "ok"
        self.outcomes.append(outcome)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def receiver() -> Iterator[tuple[str, int]]:
    _Receiver.outcomes = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield "127.0.0.1", server.server_address[1]
    server.shutdown()
    server.server_close()


def _post(address: tuple[str, int], headers: bytes, body: bytes) -> int:
    """A raw POST, so headers may hold bytes no HTTP client library would send."""
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(
            b"POST /hooks HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n%s\r\n%s"
            % (len(body), headers, body)
        )
        return int(conn.recv(1024).split(b" ", 2)[1])


def test_a_receiver_over_real_sockets(receiver: tuple[str, int]) -> None:
    good = b"X-CEKURA-SECRET: " + SECRET.encode() + b"\r\n"
    cases = [
        (good, COMPLETED, 204),
        (good, deep_json().encode(), 400),
        (good, huge_int_json().encode(), 400),
        (b"X-CEKURA-SECRET: \xff\xfe" + SECRET.encode() + b"\r\n", COMPLETED, 401),
        (b"", COMPLETED, 401),
    ]
    statuses = [_post(receiver, headers, body) for headers, body, _ in cases]
    assert statuses == [expected for _, _, expected in cases]
    assert 500 not in statuses and all(
        outcome in ("ok", "unverified", "WebhookPayloadError") for outcome in _Receiver.outcomes
    )
