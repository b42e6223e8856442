"""Hostile servers and bodies for the hardening tests, built on ``loopback``'s behaviours: a
server that drips, a raw response head, a gzip bomb, deep JSON, and a loopback proxy that
records what reaches it."""

from __future__ import annotations

import socket
import socketserver
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from tests.support.loopback import Behaviour, _Handler

DEEP = 100_000


def deep_json(depth: int = DEEP) -> str:
    return "[" * depth + "]" * depth


def huge_int_json(digits: int = 5_000) -> str:
    return '{"id": ' + "9" * digits + ', "status": "completed", "runs": {}}'


@cache
def gzip_bomb(decoded_mib: int = 1024) -> bytes:
    """About 1 MB of gzip that expands to ``decoded_mib`` MiB of zeros (identical full-flush
    blocks; the trailer is not checked, a capped reader never gets there)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + block * (decoded_mib - 1) + compressor.flush()


def raw(head: str, body: bytes = b"") -> Behaviour:
    """Send ``head`` (status line and headers, CRLF-separated, without the blank line) and
    ``body`` exactly as given."""

    def run(handler: _Handler) -> bool:
        handler.wfile.write(head.encode("latin-1") + b"\r\n\r\n" + body)
        return True

    return run


def drip(interval: float, *, in_headers: bool = False, total: int = 1000) -> Behaviour:
    """Answer 200 promising ``total`` body bytes, then send one byte every ``interval``
    seconds (with ``in_headers``, drip the status line and headers too)."""

    def run(handler: _Handler) -> bool:
        stopping: threading.Event = handler.server.stopping
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {total}\r\n\r\n"
        ).encode()
        try:
            if in_headers:
                for byte in head:
                    handler.wfile.write(bytes([byte]))
                    handler.wfile.flush()
                    if stopping.wait(interval):
                        return False
            else:
                handler.wfile.write(head)
            for _ in range(total):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                if stopping.wait(interval):
                    return False
        except OSError:
            return False
        return False

    return run


@dataclass
class ProxyRecorder:
    """A loopback 'proxy' that records every byte a client sends it and refuses to tunnel
    (``403``). ``received`` holds each connection's bytes."""

    received: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        owner = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn: socket.socket = self.request
                conn.settimeout(5)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass
                finally:
                    owner.received.append(data)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def request_lines(self) -> list[str]:
        return [data.split(b"\r\n", 1)[0].decode("latin-1") for data in self.received]


@contextmanager
def proxy_recorder() -> Iterator[ProxyRecorder]:
    proxy = ProxyRecorder()
    threading.Thread(
        target=proxy._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    try:
        yield proxy
    finally:
        proxy._server.shutdown()
        proxy._server.server_close()
