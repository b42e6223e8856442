"""Reading a response body with a size cap, decoding ``Content-Encoding`` ourselves.

httpx decodes a gzip chunk in one go, so a 64 KiB chunk of a gzip bomb becomes 64 MiB at once.
Here every chunk is decompressed in pieces of at most :data:`PIECE` bytes, and the decoded total
is checked after each piece: a body over the cap fails with :class:`ResponseTooLargeError` while
it streams, having held at most the cap (plus one piece) in memory. A body that is not what its
``Content-Encoding`` says fails with :class:`ResponseDecodingError`. Only ``gzip`` and
``deflate`` are decoded (the client asks for no other).
"""

from __future__ import annotations

import typing
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Final

import httpx

from ._deadline import of as deadline_of
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


#: Bytes after the end of compressed data that are ignored, as httpx and curl ignore them (a
#: newline, padding); more is refused: zlib keeps what follows the end by appending to it, at a
#: cost growing with the square of its size.
AFTER_END_LIMIT: Final = 1024


class _Inflate:
    """One bounded zlib decompressor (gzip, zlib-wrapped or raw deflate)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._decompressor: zlib._Decompress | None = None
        self._after_end = 0
        if encoding in ("gzip", "x-gzip"):
            self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def _start(self, data: bytes) -> zlib._Decompress:
        if self._decompressor is None:
            # deflate: zlib-wrapped per the RFC, raw when the first data (empty too) is not
            # zlib: the choice httpx's decoder makes, as it decodes the bytes handed on
            try:
                zlib.decompressobj().decompress(data, 1)
                wbits = zlib.MAX_WBITS
            except zlib.error:
                wbits = -zlib.MAX_WBITS
            self._decompressor = zlib.decompressobj(wbits)
        return self._decompressor

    def feed(self, data: bytes) -> Iterator[tuple[bytes, int]]:
        """The decoded pieces of ``data``, each with how many bytes of ``data`` are consumed."""
        decompressor = self._start(data)
        if not data:
            return
        try:
            if decompressor.eof:
                self._after_end += len(data)
                yield b"", len(data)
            else:
                piece = decompressor.decompress(data, PIECE)
                yield piece, len(data) - len(decompressor.unconsumed_tail)
                while decompressor.unconsumed_tail:
                    piece = decompressor.decompress(decompressor.unconsumed_tail, PIECE)
                    yield piece, len(data) - len(decompressor.unconsumed_tail)
                self._after_end = len(decompressor.unused_data)
            if self._after_end > AFTER_END_LIMIT:
                raise zlib.error(f"more than {AFTER_END_LIMIT} bytes after its end")
        except zlib.error as exc:
            raise ValueError(f"not valid {self.encoding} data ({exc})") from None

    def flush(self) -> Iterator[bytes]:
        if self._decompressor is not None:
            try:
                yield self._decompressor.flush()
            except zlib.error as exc:
                raise ValueError(f"not valid {self.encoding} data ({exc})") from None


#: The encodings httpx's ``Response.read()`` undoes itself; it passes any other through as is.
_HTTPX_DECODES: Final = frozenset({"gzip", "deflate"})


class BodyReader:
    """Decodes and counts one body: :meth:`feed` each raw chunk, then :meth:`finish`; or, to
    let httpx decode, :meth:`passed` each raw chunk, then :meth:`flush`."""

    def __init__(self, response: httpx.Response, request: httpx.Request, limit: int) -> None:
        self.request = request
        self.status_code = response.status_code
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
        undone_by_httpx = {step.encoding in _HTTPX_DECODES for step in self._steps}
        if len(undone_by_httpx) > 1:
            raise self._decoding_error(f"it mixes Content-Encoding 'x-gzip' with {header[:40]!r}")
        #: True when httpx undoes no encoding of this body (only x-gzip, or none): then
        #: :meth:`passed` hands on the decoded bytes; otherwise the raw bytes.
        self.hands_on_decoded = undone_by_httpx != {True}
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
            status_code=self.status_code,
        )

    def _decoding_error(self, why: str) -> ResponseDecodingError:
        return ResponseDecodingError(
            f"The response body could not be decoded: {why}.",
            request=self.request,
            status_code=self.status_code,
        )

    def _count(self, piece: bytes) -> bytes:
        self.size += len(piece)
        if self.size > self.limit:
            raise self._too_large(f"more than {self.limit} bytes after decoding")
        return piece

    def _through(self, pieces: Iterator[bytes], index: int) -> Iterator[bytes]:
        if index == len(self._steps):
            yield from pieces
            return
        for piece in pieces:
            for decoded, _ in self._steps[index].feed(piece):
                yield from self._through(iter((decoded,)), index + 1)

    def _decode(self, chunk: bytes) -> Iterator[tuple[bytes, int]]:
        """The decoded pieces of ``chunk``, counted against the limit; after all those of what
        the first decoder has consumed so far, an empty piece with that count (-1 otherwise)."""
        self.raw_size += len(chunk)
        if self.raw_size > self.limit:
            raise self._too_large(f"more than {self.limit} bytes received")
        try:
            if not self._steps:
                yield self._count(chunk), len(chunk)
                return
            for piece, consumed in self._steps[0].feed(chunk):
                for decoded in self._through(iter((piece,)), 1):
                    yield self._count(decoded), -1  # not a place to cut: more may follow
                yield b"", consumed
        except ValueError as exc:
            raise self._decoding_error(f"Content-Encoding {self._header!r} but {exc}") from None

    def passed(self, chunk: bytes) -> Iterator[bytes]:
        """What to hand httpx of the raw ``chunk``, once what it decodes to is counted: the
        decoded pieces (:attr:`hands_on_decoded`), else the raw bytes in slices that each decode
        to at most about :data:`PIECE` bytes (so httpx never inflates much at once)."""
        if self.hands_on_decoded:
            for piece, _ in self._decode(chunk):
                if piece:
                    yield piece
            return
        start = 0
        for _, consumed in self._decode(chunk):
            if consumed > start:
                yield chunk[start:consumed]
                start = consumed
        if start < len(chunk):
            yield chunk[start:]

    def _end(self) -> Iterator[bytes]:
        try:
            for index, step in enumerate(self._steps):
                for piece in self._through(step.flush(), index + 1):
                    yield self._count(piece)
        except ValueError as exc:
            raise self._decoding_error(f"Content-Encoding {self._header!r} but {exc}") from None

    def flush(self) -> Iterator[bytes]:
        """The decoded end of the body, counted; handed on only when :attr:`hands_on_decoded`."""
        for piece in self._end():
            if piece and self.hands_on_decoded:
                yield piece

    def feed(self, chunk: bytes) -> None:
        """Decode and keep ``chunk``, for :meth:`finish`."""
        self._parts.extend(piece for piece, _ in self._decode(chunk) if piece)

    def finish(self) -> bytes:
        """The whole decoded body fed so far."""
        return b"".join([*self._parts, *self._end()])


def _check_deadline(request: httpx.Request) -> None:
    """Between chunks: a transport this client did not build (a caller's http_client) does not
    clip its reads to the deadline, so stop here once it has passed."""
    carried = deadline_of(request)
    if carried is not None and carried.deadline.expired():
        raise httpx.ReadTimeout(
            f"the whole-call deadline of {carried.deadline.total:g} s passed", request=request
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


class _CappedStream(httpx.SyncByteStream):
    """The raw stream of a response, checked by a :class:`BodyReader` before httpx sees it."""

    def __init__(
        self, raw: typing.Iterable[bytes], reader: BodyReader, close: typing.Callable[[], None]
    ) -> None:
        self._raw = raw
        self._reader = reader
        self._close = close

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._raw:
            yield from self._reader.passed(chunk)
            _check_deadline(self._reader.request)
        yield from self._reader.flush()

    def close(self) -> None:
        self._close()


class _AsyncCappedStream(httpx.AsyncByteStream):
    """The async twin of :class:`_CappedStream`."""

    def __init__(
        self,
        raw: typing.AsyncIterable[bytes],
        reader: BodyReader,
        aclose: typing.Callable[[], typing.Awaitable[None]],
    ) -> None:
        self._raw = raw
        self._reader = reader
        self._aclose = aclose

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._raw:
            for piece in self._reader.passed(chunk):
                yield piece
            _check_deadline(self._reader.request)
        for piece in self._reader.flush():
            yield piece

    async def aclose(self) -> None:
        await self._aclose()


def read_capped(response: httpx.Response, request: httpx.Request, limit: int) -> None:
    """Read ``response``'s body (decoded, at most ``limit`` bytes) into ``response.content``;
    close it and raise ResponseTooLargeError/ResponseDecodingError otherwise.

    The body is read by httpx's public ``Response.read()``, from the response's stream wrapped
    (as httpx's own client wraps it) in one that counts what each chunk decodes to before
    httpx sees it. So the response object stays the one a caller's ``http_client`` handed its
    event hooks, and it holds its ``content`` afterwards."""
    try:
        reader = BodyReader(response, request, limit)
        if _already_read(response, reader):
            return
        raw = response.stream
        if not isinstance(raw, httpx.SyncByteStream):
            raise RuntimeError("Attempted to call a sync iterator on an async stream.")
        response.stream = _CappedStream(raw, reader, raw.close)
        try:
            response.read()
        except httpx.DecodingError as exc:  # the encoding decoded here, refused by httpx's decoder
            # raised after the except block: the httpx error's request holds the API key
            refused = reader._decoding_error(f"Content-Encoding {reader._header!r} but {exc}")
        else:
            return
        raise refused
    finally:
        response.close()


async def aread_capped(response: httpx.Response, request: httpx.Request, limit: int) -> None:
    """The async twin of :func:`read_capped`."""
    try:
        reader = BodyReader(response, request, limit)
        if _already_read(response, reader):
            return
        raw = response.stream
        if not isinstance(raw, httpx.AsyncByteStream):
            raise RuntimeError("Attempted to call an async iterator on a sync stream.")
        response.stream = _AsyncCappedStream(raw, reader, raw.aclose)
        try:
            await response.aread()
        except httpx.DecodingError as exc:  # the encoding decoded here, refused by httpx's decoder
            # raised after the except block: the httpx error's request holds the API key
            refused = reader._decoding_error(f"Content-Encoding {reader._header!r} but {exc}")
        else:
            return
        raise refused
    finally:
        await response.aclose()
