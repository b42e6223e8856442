"""The one loopback HTTP server of the tests, configurable down to the socket.

A server answers each request with a *behaviour*: a normal response (``respond``,
``json_response``), a reset half-way through the body, a stall, a close without answering. It
takes them either from a script (``fault_server(b1, b2, ...)``: the last one repeats) or from a
handler called with each recorded request (``loopback(handler)``: a fake GitHub API, a spec
host, a webhook receiver). Every request is recorded. Stalls end when the server stops, and
every wait is bounded, so no test can hang.
"""

from __future__ import annotations

import json
import socket
import socketserver
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

MAX_STALL = 30.0


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Behaviour = Callable[["_Handler"], bool]  # returns False to close the connection


def respond(
    status: int, body: bytes | str = b"", headers: dict[str, str] | None = None
) -> Behaviour:
    payload = body.encode() if isinstance(body, str) else body

    def run(handler: _Handler) -> bool:
        reason = {200: "OK", 201: "Created", 204: "No Content", 302: "Found", 400: "Bad Request", 404: "Not Found", 422: "Unprocessable Entity", 401: "Unauthorized", 403: "Forbidden", 429: "Too Many Requests",
                  500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                  504: "Gateway Timeout"}.get(status, "Status")  # fmt: skip
        lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(payload)}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        handler.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        return True

    return run


def json_response(status: int, body: str, headers: dict[str, str] | None = None) -> Behaviour:
    return respond(status, body, {"Content-Type": "application/json", **(headers or {})})


def reset_mid_body(body: bytes = b'{"id": 1001, "status": "completed", "runs": {}}') -> Behaviour:
    """Promise the whole body, send half of it, then reset the connection (RST)."""

    def run(handler: _Handler) -> bool:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        handler.wfile.write(head.encode() + body[: len(body) // 2])
        handler.wfile.flush()
        handler.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return False

    return run


def stall() -> Behaviour:
    """Read the request, never answer (until the server stops or MAX_STALL passes)."""

    def run(handler: _Handler) -> bool:
        handler.server.stopping.wait(MAX_STALL)
        return False

    return run


def close_without_response() -> Behaviour:
    return lambda handler: False


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        while True:
            request_line = self.rfile.readline(65537)
            if not request_line.strip():
                return
            method, path, _ = request_line.decode("latin-1").split(" ", 2)
            headers: dict[str, str] = {}
            while True:
                line = self.rfile.readline(65537).decode("latin-1")
                if line in ("\r\n", "\n", ""):
                    break
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = self.rfile.read(int(headers.get("content-length", "0") or 0))
            behaviour = self.server.owner.next_behaviour(Recorded(method, path, headers, body))
            if not behaviour(self):
                return


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FaultServer
    stopping: threading.Event


@dataclass
class FaultServer:
    """A running loopback server: ``url``, and ``requests`` in the order received."""

    host: str = "127.0.0.1"
    script: list[Behaviour] = field(default_factory=list)
    handler: Callable[[Recorded], Behaviour] | None = None
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = _Server((self.host, 0), _Handler)
        self._server.owner = self
        self._server.stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._server.server_address[1]}"

    def next_behaviour(self, request: Recorded) -> Behaviour:
        with self._lock:
            self.requests.append(request)
            if self.handler is not None:
                return self.handler(request)
            index = min(len(self.requests), len(self.script)) - 1
            return self.script[index] if self.script else respond(500)

    def start(self) -> None:
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def fault_server(*script: Behaviour, host: str = "127.0.0.1") -> Iterator[FaultServer]:
    server = FaultServer(host=host, script=list(script))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def loopback(handler: Callable[[Recorded], Behaviour]) -> Iterator[FaultServer]:
    """A server that answers each request with ``handler(request)``."""
    server = FaultServer(handler=handler)
    server.start()
    try:
        yield server
    finally:
        server.stop()
