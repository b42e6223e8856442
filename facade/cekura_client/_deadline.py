"""Whole-call deadlines.

httpx timeouts apply to each network operation (connect, one read, one write), so a server that
sends one byte every few seconds never trips them. A :class:`Deadline` bounds a call from start
to finish, retries and retry sleeps included:

* ``_base_client`` makes one per call and :func:`attach` es it to the call's request, in
  ``request.extensions`` (public httpx API: the request reaches every transport, a caller's
  ``http_client`` included). That is the one way a deadline travels;
* the retry transport reads it there (:func:`of`): it does not sleep or retry past it, notes on
  it when it gave up a retry for it (:attr:`RequestDeadline.stopped`), and checks it between
  body chunks;
* the network backend wrapped around httpcore's (:class:`DeadlineBackend`, which ``_network``
  builds its connection pool with, through httpcore's public API) clips the timeout of every
  connect, read, write and TLS handshake to the time left, and fails once none is left. httpcore
  hands a backend no request, so for it alone the retry transport makes the request's deadline
  *active* (a context variable, which follows the call through the sync and the async
  transport) while it sends and reads.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import attrs
import httpcore
import httpx

from ._clock import Clock

__all__ = [
    "EXTENSION",
    "AsyncDeadlineBackend",
    "Deadline",
    "DeadlineBackend",
    "RequestDeadline",
    "active",
    "attach",
    "of",
]


@attrs.frozen
class Deadline:
    """A point in time (on ``clock``) by which a call must end; ``total`` is its length."""

    clock: Clock
    expires_at: float
    total: float

    @classmethod
    def after(cls, clock: Clock, seconds: float) -> Deadline:
        return cls(clock, clock.now() + seconds, seconds)

    def remaining(self) -> float:
        return self.expires_at - self.clock.now()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def earliest(self, other: Deadline | None) -> Deadline:
        return self if other is None or self.expires_at <= other.expires_at else other


#: The key of ``request.extensions`` that carries a call's :class:`RequestDeadline`.
EXTENSION = "cekura_deadline"


@attrs.define
class RequestDeadline:
    """A call's deadline as its request carries it. ``stopped``: the retry transport gave up a
    retry because the deadline was too near (so the call ended for the deadline)."""

    deadline: Deadline
    stopped: bool = False


def attach(request: httpx.Request, deadline: Deadline | None) -> None:
    """Make ``deadline`` the deadline of ``request`` (None: it has none)."""
    if deadline is None:
        request.extensions.pop(EXTENSION, None)
    else:
        request.extensions[EXTENSION] = RequestDeadline(deadline)


def of(request: httpx.Request) -> RequestDeadline | None:
    """The deadline ``request`` carries, if any."""
    carried = request.extensions.get(EXTENSION)
    return carried if isinstance(carried, RequestDeadline) else None


_ACTIVE: ContextVar[Deadline | None] = ContextVar("cekura_deadline", default=None)


@contextlib.contextmanager
def active(request: httpx.Request) -> Iterator[None]:
    """While sending and reading ``request``: its deadline, for the network backend."""
    carried = of(request)
    token = _ACTIVE.set(None if carried is None else carried.deadline)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


class DeadlineExceeded(httpcore.ReadTimeout):
    """Raised inside httpcore when the active deadline has passed; httpx maps it to
    ``httpx.ReadTimeout``, the request path to APITimeoutError naming the deadline."""


def _clip(timeout: float | None) -> float | None:
    deadline = _ACTIVE.get()
    if deadline is None:
        return timeout
    left = deadline.remaining()
    if left <= 0:
        raise DeadlineExceeded(f"the whole-call deadline of {deadline.total:g} s passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clip(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clip(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        clipped = _clip(timeout)
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, clipped))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """Wraps a network backend: every operation is clipped to the active deadline."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        clipped = _clip(timeout)
        return _Stream(
            self._backend.connect_tcp(host, port, clipped, local_address, socket_options)
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        clipped = _clip(timeout)
        return _Stream(self._backend.connect_unix_socket(path, clipped, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _clip(timeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, _clip(timeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        clipped = _clip(timeout)
        return _AsyncStream(await self._stream.start_tls(ssl_context, server_hostname, clipped))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class AsyncDeadlineBackend(httpcore.AsyncNetworkBackend):
    """The async twin of :class:`DeadlineBackend`."""

    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        clipped = _clip(timeout)
        stream = await self._backend.connect_tcp(host, port, clipped, local_address, socket_options)
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        clipped = _clip(timeout)
        return _AsyncStream(await self._backend.connect_unix_socket(path, clipped, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)
