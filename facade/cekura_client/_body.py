"""Reading a response body with a size cap, decoding ``Content-Encoding`` ourselves.

httpx decodes a gzip chunk in one go, so a 64 KiB chunk of a gzip bomb becomes 64 MiB at once.
Here every chunk is decompressed in pieces of at most :data:`PIECE` bytes, and the decoded total
is checked after each piece: a body over the cap fails with :class:`ResponseTooLargeError` while
it streams, having held at most the cap (plus one piece) in memory. A body that is not what its
``Content-Encoding`` says fails with :class:`ResponseDecodingError`. Only ``gzip`` and
``deflate`` are decoded (the client asks for no other).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Final

import httpx

from ._deadline import current as current_deadline
from ._exceptions import ResponseDecodingError, ResponseTooLargeError

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "BodyReader",
    "aread_capped",
    "read_capped",
]

DEFAULT_MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024
ACCEPT_ENCODING: Final = "gzip, deflate"
PIECE: Final = 256 * 1024


class _Inflate:
    """One bounded zlib decompressor (gzip, zlib-wrapped or raw deflate)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._decompressor: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def _start(self, data: bytes) -> zlib._Decompress:
        if self._decompressor is None:  # deflate: zlib-wrapped per the RFC, raw in practice
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._decompressor = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        return self._decompressor

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        decompressor = self._start(data)
        try:
            piece = decompressor.decompress(data, PIECE)
            yield piece
            while decompressor.unconsumed_tail:
                yield decompressor.decompress(decompressor.unconsumed_tail, PIECE)
        except zlib.error as exc:
            raise ValueError(f"not valid {self.encoding} data ({exc})") from None

    def flush(self) -> Iterator[bytes]:
        if self._decompressor is not None:
            try:
                yield self._decompressor.flush()
            except zlib.error as exc:
                raise ValueError(f"not valid {self.encoding} data ({exc})") from None


class BodyReader:
    """Decodes and counts one body; :meth:`feed` each raw chunk, then :meth:`finish`."""

    def __init__(self, response: httpx.Response, request: httpx.Request, limit: int) -> None:
        self.request = request
        self.limit = limit
        self.size = 0
        self.raw_size = 0
        self._parts: list[bytes] = []
        header = response.headers.get("content-encoding", "")
        encodings = [e.strip().lower() for e in header.split(",") if e.strip()]
        self._steps: list[_Inflate] = []
        for encoding in reversed(encodings):  # the last encoding applied is undone first
            if encoding == "identity":
                continue
            if encoding not in ("gzip", "x-gzip", "deflate"):
                raise self._decoding_error(f"it uses Content-Encoding {encoding[:40]!r}")
            self._steps.append(_Inflate(encoding))
        self._header = header
        length = response.headers.get("content-length", "")
        if length.isascii() and length.isdigit() and len(length) < 20 and int(length) > limit:
            raise self._too_large(f"Content-Length {int(length)}")

    def _too_large(self, what: str) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"The response body exceeds the limit of {self.limit} bytes ({what}); "
            "raise max_response_bytes= if this is expected.",
            limit=self.limit,
            request=self.request,
        )

    def _decoding_error(self, why: str) -> ResponseDecodingError:
        return ResponseDecodingError(
            f"The response body could not be decoded: {why}.", request=self.request
        )

    def _add(self, piece: bytes) -> None:
        if not piece:
            return
        self.size += len(piece)
        if self.size > self.limit:
            raise self._too_large(f"more than {self.limit} bytes after decoding")
        self._parts.append(piece)

    def _through(self, pieces: Iterator[bytes], index: int) -> Iterator[bytes]:
        if index == len(self._steps):
            yield from pieces
            return
        for piece in pieces:
            yield from self._through(self._steps[index].feed(piece), index + 1)

    def feed(self, chunk: bytes) -> None:
        self.raw_size += len(chunk)
        if self.raw_size > self.limit:
            raise self._too_large(f"more than {self.limit} bytes received")
        try:
            for piece in self._through(iter((chunk,)), 0):
                self._add(piece)
        except ValueError as exc:
            raise self._decoding_error(f"Content-Encoding {self._header!r} but {exc}") from None

    def finish(self) -> bytes:
        try:
            for index, step in enumerate(self._steps):
                for piece in self._through(step.flush(), index + 1):
                    self._add(piece)
        except ValueError as exc:
            raise self._decoding_error(f"Content-Encoding {self._header!r} but {exc}") from None
        return b"".join(self._parts)


def _check_deadline(request: httpx.Request) -> None:
    """Between chunks: a transport this client did not build (a caller's http_client) does not
    clip its reads to the deadline, so stop here once it has passed."""
    deadline = current_deadline()
    if deadline is not None and deadline.expired():
        raise httpx.ReadTimeout(
            f"the whole-call deadline of {deadline.total:g} s passed", request=request
        )


def _already_read(response: httpx.Response, reader: BodyReader) -> bool:
    """A response built in memory (``httpx.MockTransport``, a test double) arrives read and
    decoded: only its size is checked."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return False
    if len(content) > reader.limit:
        raise reader._too_large(f"{len(content)} bytes")
    return True


def read_capped(response: httpx.Response, request: httpx.Request, limit: int) -> None:
    """Read ``response``'s body (decoded, at most ``limit`` bytes) into ``response.content``;
    close it and raise ResponseTooLargeError/ResponseDecodingError otherwise."""
    try:
        reader = BodyReader(response, request, limit)
        if _already_read(response, reader):
            return
        for chunk in response.iter_raw():
            reader.feed(chunk)
            _check_deadline(request)
        response._content = reader.finish()
    finally:
        response.close()


async def aread_capped(response: httpx.Response, request: httpx.Request, limit: int) -> None:
    """The async twin of :func:`read_capped`."""
    try:
        reader = BodyReader(response, request, limit)
        if _already_read(response, reader):
            return
        async for chunk in response.aiter_raw():
            reader.feed(chunk)
            _check_deadline(request)
        response._content = reader.finish()
    finally:
        await response.aclose()
