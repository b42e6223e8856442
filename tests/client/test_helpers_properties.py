"""Properties of the hardening helpers, for any input: header parsing never
raises, IDs are refused only with InvalidRequestError, escaped text is one safe line, and the
capped decoder refuses rather than expands."""

from __future__ import annotations

import gzip
import math
import re
import zlib
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cekura_client import InvalidRequestError, ResponseDecodingError, ResponseTooLargeError
from cekura_client._arguments import MAX_ID, check_id
from cekura_client._body import BodyReader, read_capped
from cekura_client._retry import MAX_RETRY_AFTER_VALUE, parse_retry_after
from cekura_client._text import escape_controls, safe_repr

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=80)


@given(value=HEADER_TEXT, millis=st.none() | HEADER_TEXT)
def test_retry_after_never_raises(value: str, millis: str | None) -> None:
    raw = [(b"retry-after", value.encode("latin-1"))]  # any bytes a server can send
    if millis is not None:
        raw.append((b"retry-after-ms", millis.encode("latin-1")))
    wait = parse_retry_after(httpx.Headers(raw))
    assert wait is None or (math.isfinite(wait) and 0 <= wait <= MAX_RETRY_AFTER_VALUE)


@given(value=st.one_of(st.integers(), st.text(), st.floats(), st.booleans(), st.none()))
def test_check_id_accepts_or_refuses_with_its_own_error(value: object) -> None:
    try:
        result = check_id(value, "result_id")
    except InvalidRequestError as exc:
        assert len(str(exc)) < 250
    else:
        assert type(result) is int and 0 < result <= MAX_ID


@given(text=st.text())
def test_escaped_text_is_one_safe_line(text: str) -> None:
    escaped = escape_controls(text)
    assert UNSAFE.search(escaped) is None and "\n" not in escaped
    escaped.encode("utf-8")  # no lone surrogates left


@given(value=st.one_of(st.integers(), st.text(), st.binary(), st.floats()))
def test_safe_repr_is_short_and_safe(value: object) -> None:
    shown = safe_repr(value)
    assert len(shown) <= 60 and UNSAFE.search(shown) is None


def _reader(encoding: str, limit: int) -> BodyReader:
    request = httpx.Request("GET", "https://api.cekura.ai/")
    response = httpx.Response(200, headers={"content-encoding": encoding}, request=request)
    return BodyReader(response, request, limit)


@given(data=st.binary(max_size=2000), encoding=st.sampled_from(["gzip", "deflate", "identity"]))
def test_the_decoder_returns_or_raises_its_own_errors(data: bytes, encoding: str) -> None:
    reader = _reader(encoding, 10_000)
    try:
        reader.feed(data)
        body = reader.finish()
    except (ResponseDecodingError, ResponseTooLargeError):
        return
    assert len(body) <= 10_000


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as servers send it
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
    ],
)
def test_each_encoding_decodes_and_caps(encoding: str, compress: object) -> None:
    data = b'{"id": 1}' * 1000
    packed = compress(data)  # type: ignore[operator]
    reader = _reader(encoding, len(data))
    for start in range(0, len(packed), 7):
        reader.feed(packed[start : start + 7])
    assert reader.finish() == data
    too_small = _reader(encoding, len(data) - 1)
    with pytest.raises(ResponseTooLargeError):
        too_small.feed(packed)
        too_small.finish()


class _Chunks(httpx.SyncByteStream):
    def __init__(self, data: bytes, size: int) -> None:
        self.chunks = [data[i : i + size] for i in range(0, len(data), size)]

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
        ("identity", lambda data: data),
    ],
)
@pytest.mark.parametrize("size", [7, 65536])
def test_httpx_reads_what_the_reader_hands_on(encoding: str, compress: object, size: int) -> None:
    """read_capped lets httpx's public read() fill content: the decoded body, whatever the
    encoding and however the raw body is cut."""
    data = b'{"id": 1}' * 100_000  # decodes to more than one PIECE
    packed = compress(data)  # type: ignore[operator]
    request = httpx.Request("GET", "https://api.cekura.ai/")
    headers = {"content-encoding": encoding}
    response = httpx.Response(200, headers=headers, stream=_Chunks(packed, size), request=request)
    read_capped(response, request, len(data))
    assert response.is_closed and response.content == data
    too_small = httpx.Response(200, headers=headers, stream=_Chunks(packed, size), request=request)
    with pytest.raises(ResponseTooLargeError):
        read_capped(too_small, request, len(data) - 1)
    assert too_small.is_closed
