"""An embedded Cekura mock server on loopback, for the demo, end-to-end tests and your own tests.

    with MockCekuraServer() as server:
        client = Cekura(api_key=server.api_key, base_url=server.url)
        client.results.get(payloads.FAILING_RESULT_ID)

It serves ``GET /test_framework/v1/results/{id}/`` (and the same at ``v2``, each also without
the trailing slash, as the official SDK calls it) from a dict of payloads, answers like the real
API (``401`` without a valid ``X-CEKURA-API-KEY``, ``404 {"detail": "Not found."}``), and
records each request's method and path. A value in ``results`` may also be a
:class:`MockResponse` (any status, body and headers) or a callable returning a payload or a
MockResponse on each request - to script a result that progresses, or an outage. It uses only
the standard library and binds to 127.0.0.1 on a free port. ``python -m cekura_client.testing``
runs it in the foreground.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import attrs
from typing_extensions import Self

from .payloads import all_results

__all__ = ["DEFAULT_MOCK_API_KEY", "MockCekuraServer", "MockResponse", "RecordedRequest"]

DEFAULT_MOCK_API_KEY = "mock-cekura-key"
# Get Result at v1 and at v2 (same body): the facade calls whichever the generated client has.
# The trailing slash is optional: the official SDK leaves it out.
_RESULT_PATH = re.compile(r"^/test_framework/v[12]/results/(?P<id>[^/]+)/?$")


@attrs.frozen
class MockResponse:
    """A canned answer: ``body`` is sent as JSON unless it is ``bytes``."""

    status: int
    body: Any = None
    headers: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class RecordedRequest:
    """One request the server received; ``path`` includes the query string."""

    method: str
    path: str
    had_valid_key: bool


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Buffer the status line, headers and body and send them in one write: separate small
    # writes on a keep-alive connection meet delayed ACKs and cost ~40 ms a request.
    wbufsize = 64 * 1024

    def log_message(self, format: str, *args: Any) -> None:
        return  # keep test and demo output clean

    def _send_json(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        self.send_response(status)
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        for name, value in all_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        key = self.headers.get("X-CEKURA-API-KEY")
        valid = key == owner.api_key
        owner.record(RecordedRequest("GET", self.path, valid))
        if key is None:
            self._send_json(401, {"detail": "Authentication credentials were not provided."})
            return
        if not valid:
            self._send_json(401, {"detail": "Invalid API key."})
            return
        match = _RESULT_PATH.match(path)
        payload = None
        if match and match["id"].isdigit():
            payload = owner.results.get(int(match["id"]))
        if callable(payload):
            payload = payload()
        if payload is None:
            self._send_json(404, {"detail": "Not found."})
        elif isinstance(payload, MockResponse):
            self._send_json(payload.status, payload.body, payload.headers)
        else:
            self._send_json(200, payload)

    def _method_not_allowed(self) -> None:
        self.server.owner.record(RecordedRequest(self.command, self.path, False))
        self._send_json(405, {"detail": f'Method "{self.command}" not allowed.'})

    do_POST = do_PUT = do_PATCH = do_DELETE = _method_not_allowed


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Some Python versions turn SO_REUSEPORT on for HTTPServer, which lets a second server
    # share a busy port silently; a port in use must be an error instead.
    allow_reuse_port = False
    owner: MockCekuraServer


class _Server6(_Server):
    address_family = socket.AF_INET6


class MockCekuraServer:
    """A Cekura API on your machine, for tests and demos (standard library only, threaded).

    Usage::

        from cekura_client import Cekura
        from cekura_client.testing import MockCekuraServer, MockResponse, payloads

        with MockCekuraServer() as server:  # 127.0.0.1, a free port
            client = Cekura(api_key=server.api_key, base_url=server.url)
            result = client.results.get(payloads.FAILING_RESULT_ID)  # 1002

    It answers ``GET /test_framework/v1/results/{id}/`` and ``/v2/`` (with or without the
    trailing slash) like the real API: 401 without ``X-CEKURA-API-KEY: <api_key>``, 404 for an
    ID it does not have. By default it has ``payloads.all_results()``: 1001 passing, 1002
    failing, 1003 running, 1004 quirky, 1005 baseline, 1006 regressed, 1101-1107 a week of
    nightly results.

    Your own results, before or while it runs::

        server.results[5000] = payloads.nightly_result(5000)  # any payload dict
        server.results.update(payloads.nightly_results(50))  # IDs 1058-1107
        server.results[7] = MockResponse(503, {"detail": "down"})  # any status and body
        server.results[8] = lambda: next(states)  # called on each request
        MockCekuraServer(payloads.nightly_results(50))  # serve only these

    From a shell: ``python -m cekura_client.testing [--port N]`` (``--help`` for more).

    Attributes:
        results: result ID -> payload, MockResponse or callable: what it serves.
        api_key: the key every request must send (default ``"mock-cekura-key"``).
        requests: a RecordedRequest (method, path, had_valid_key) per request, in order.
    """

    def __init__(
        self,
        results: Mapping[int, Any] | None = None,
        *,
        api_key: str = DEFAULT_MOCK_API_KEY,
        port: int = 0,
        host: str = "127.0.0.1",
    ) -> None:
        """Binds at once (port 0: a free one; OSError if taken); serves after start()."""
        self.results: dict[int, Any] = dict(all_results() if results is None else results)
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        server_class = _Server6 if ":" in host else _Server
        self._server = server_class((host, port), _Handler)
        self._server.owner = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL for a client on this machine, e.g. ``http://127.0.0.1:8765``."""
        host, port = str(self._server.server_address[0]), self._server.server_address[1]
        address = ipaddress.ip_address(host)
        if address.is_unspecified:  # bound to every interface, loopback included
            address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
        shown = f"[{address}]" if address.version == 6 else str(address)
        return f"http://{shown}:{port}"

    def record(self, request: RecordedRequest) -> None:
        """Append to ``requests`` (thread-safe; the request handler calls it)."""
        with self._lock:
            self.requests.append(request)

    def start(self) -> Self:
        """Serve in a background thread (once; later calls do nothing); returns the server."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="mock-cekura",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        """start()"""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """stop()"""
        self.stop()
