"""make vendor refuses inputs built to exhaust time or memory, in one line, leaving openapi/
byte for byte as it was: YAML alias bombs ("billion laughs") and oversized downloads (an endless
body, a gzip bomb, a Content-Length over the cap, too many redirects, a trickle)."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cekura_spec_tools import spec_io, vendor

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "000_d225609f2bca721d.txt"
# getattr: so that the tests run (and fail) against a vendor.py without the caps.
CAP: int = getattr(vendor, "MAX_DOWNLOAD_BYTES", 64 << 20)
MAX_REDIRECTS: int = getattr(vendor, "MAX_REDIRECTS", 5)
MIB = 1 << 20

SMALL_YAML = """\
openapi: 3.1.0
info:
  title: Cekura API
  version: v1
  description: "Results & runs: **bold** markdown, *emphasis*, a & b"
paths:
  /test_framework/v1/results/{id}/:
    get:
      operationId: results-retrieve
      description: Returns a *result* & its **runs**.
      parameters:
      - in: path
        name: id
        required: true
        schema:
          type: integer
      responses:
        '200':
          description: ok
components:
  schemas:
    A:
      type: object
"""


def bomb(depth: int, width: int = 9) -> str:
    """A spec whose schema example is a billion-laughs tree: ``width ** depth`` leaves."""
    lines = [line for line in SMALL_YAML.splitlines() if line]
    lines.append("      example:")
    lines.append('        l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]')
    for level in range(1, depth + 1):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"        l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def prepared_out(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "openapi"
    out.mkdir(exist_ok=True)
    (out / "cekura.yaml").write_bytes(b"the vendored spec\n")
    (out / "cekura.provenance.json").write_bytes(b"{}\n")
    return out, {p.name: p.read_bytes() for p in out.iterdir()}


def vendor_cli(tmp_path: Path, source: str, timeout: float = 30) -> tuple[str, float, Path]:
    """`make vendor SRC=source --operations all` in a subprocess: (stderr, seconds, out dir);
    asserts a refusal (exit 1, nothing on stdout) and openapi/ unchanged byte for byte."""
    out, before = prepared_out(tmp_path)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "cekura_spec_tools.vendor", source, "--out-dir", str(out),
         "--operations", "all"],
        capture_output=True, text=True, check=False, timeout=timeout,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert (proc.returncode, proc.stdout) == (1, ""), proc.stderr[-2000:]
    return proc.stderr, elapsed, out


# --- YAML alias bombs ---------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [6, 9])
def test_alias_bomb_is_refused_fast_in_one_line(tmp_path: Path, depth: int) -> None:
    source = tmp_path / "bomb.yaml"
    source.write_text(bomb(depth))
    assert source.stat().st_size < 20_000
    stderr, _, out = vendor_cli(tmp_path, str(source))
    assert stderr.count("\n") == 1
    assert stderr.startswith(f"vendor: refused {source}: the YAML uses aliases (&anchor/*alias), ")
    assert stderr.endswith(f"; {out} left unchanged\n")
    # In-process, without the interpreter's start-up: well under a second.
    start = time.perf_counter()
    with pytest.raises(spec_io.SpecFormatError, match=r"aliases \(&anchor/\*alias\)"):
        spec_io.decode_document(source.read_bytes())
    assert time.perf_counter() - start < 0.2


def test_alias_bomb_in_a_docs_page_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "page.txt"
    source.write_text(f"> docs\n\n````yaml get /x\n{bomb(9)}````\n")
    stderr, _, _ = vendor_cli(tmp_path, str(source))
    assert "the YAML uses aliases (&anchor/*alias)" in stderr


def test_a_single_alias_is_refused_too(tmp_path: Path) -> None:
    source = tmp_path / "spec.yaml"
    source.write_text(SMALL_YAML + "    B: &b {type: string}\n    C: *b\n")
    stderr, _, _ = vendor_cli(tmp_path, str(source))
    assert "the YAML uses aliases (&anchor/*alias)" in stderr


def vendors(tmp_path: Path, source: str, operations: str = "all") -> dict[str, Any]:
    out = tmp_path / "openapi"
    argv = [source, "--out-dir", str(out), "--date", "2026-12-01"]
    assert vendor.main([*argv, "--operations", operations] if operations else argv) == 0
    text = (out / "cekura.yaml").read_text()
    assert "&id" not in text and "*id" not in text
    provenance: dict[str, Any] = json.loads((out / "cekura.provenance.json").read_text())
    return provenance


def test_a_small_yaml_spec_with_stars_and_ampersands_still_vendors(tmp_path: Path) -> None:
    source = tmp_path / "spec.yaml"
    source.write_text(SMALL_YAML)
    assert vendors(tmp_path, str(source))["operations"] == 1
    document, _ = spec_io.decode_document((tmp_path / "openapi" / "cekura.yaml").read_bytes())
    assert document["info"]["description"].startswith("Results & runs: **bold**")


def test_an_anchor_without_alias_is_harmless_and_vendors(tmp_path: Path) -> None:
    source = tmp_path / "spec.yaml"
    source.write_text(SMALL_YAML.replace("    A:\n", "    A: &a\n"))
    assert vendors(tmp_path, str(source))["schemas"] == 1


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside this checkout")
def test_the_seed_page_still_vendors(tmp_path: Path) -> None:
    out = tmp_path / "openapi"
    out.mkdir()
    shutil.copy(ROOT / "openapi" / "operations.txt", out)
    assert vendors(tmp_path, str(SEED), operations="")["operations"] == 1


# --- downloads ----------------------------------------------------------------------------------


def _gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, gzip-compressed (about 1/1000 of it)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(MIB)
    parts = [compressor.compress(block) for _ in range(size // MIB)]
    return b"".join([*parts, compressor.flush()])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    gzip_bomb = b""

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route()  # (a client that stops reading, as a cap does, resets the connection)

    def _route(self) -> None:
        path = self.path
        if path == "/spec.yaml":
            body = SMALL_YAML.encode()
            self._send(200, {"Content-Length": str(len(body))}, body)
        elif path == "/spec.yaml.gz":
            body = gzip.compress(SMALL_YAML.encode())
            headers = {"Content-Length": str(len(body)), "Content-Encoding": "gzip"}
            self._send(200, headers, body)
        elif path == "/endless":
            # Chunked and "endless": stops at 4x the cap only so that an uncapped client ends.
            self._send(200, {"Transfer-Encoding": "chunked"})
            chunk = b"x" * 65536
            frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
            for _ in range(0, 4 * CAP, len(chunk)):
                self.wfile.write(frame)
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/gzip-bomb":
            body = self.gzip_bomb
            headers = {"Content-Length": str(len(body)), "Content-Encoding": "gzip"}
            self._send(200, headers, body)
        elif path == "/too-long":
            self._send(200, {"Content-Length": str(2 * CAP)})
            block = b"y" * MIB
            for _ in range(0, 2 * CAP, MIB):
                self.wfile.write(block)
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            target = "/spec.yaml" if left == 0 else f"/hop/{left - 1}"
            self._send(302, {"Location": target, "Content-Length": "0"})
        elif path == "/trickle":
            self._send(200, {"Transfer-Encoding": "chunked"})
            for _ in range(100):  # 20 s at most
                self.wfile.write(b"1\r\nz\r\n")
                self.wfile.flush()
                time.sleep(0.2)
            self.wfile.write(b"0\r\n\r\n")
        else:
            self._send(404, {"Content-Length": "0"})


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that stops reading (the cap) resets the connection: expected


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    Handler.gzip_bomb = _gzip_bomb(2 * CAP)
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def refused_in_process(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> tuple[str, float, int]:
    """vendor.main on ``url``, measured: (stderr, seconds, tracemalloc peak bytes)."""
    out, before = prepared_out(tmp_path)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        code = vendor.main([url, "--out-dir", str(out), "--operations", "all"])
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, ""), captured.err[-500:]
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"vendor: refused {url}: ")
    assert captured.err.endswith(f"; {out} left unchanged\n")
    return captured.err, elapsed, peak


@pytest.mark.parametrize("path", ["/endless", "/gzip-bomb"])
def test_a_body_decoding_past_the_cap_is_refused_with_bounded_memory(
    tmp_path: Path, server: str, capsys: pytest.CaptureFixture[str], path: str
) -> None:
    stderr, elapsed, peak = refused_in_process(tmp_path, server + path, capsys)
    assert f"the download exceeds {CAP // MIB} MiB" in stderr
    assert peak < CAP * 1.25, f"peak {peak / MIB:.0f} MiB"
    assert elapsed < 10, f"{elapsed:.1f} s"


def test_a_content_length_over_the_cap_is_refused_before_reading(
    tmp_path: Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stderr, elapsed, peak = refused_in_process(tmp_path, server + "/too-long", capsys)
    assert f"Content-Length {2 * CAP} exceeds {CAP // MIB} MiB" in stderr
    assert peak < 8 * MIB, f"peak {peak / MIB:.0f} MiB"
    assert elapsed < 2, f"{elapsed:.1f} s"


def test_too_many_redirects_are_refused(
    tmp_path: Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    hops = MAX_REDIRECTS + 1
    stderr, _, _ = refused_in_process(tmp_path, f"{server}/hop/{hops}", capsys)
    assert f"more than {MAX_REDIRECTS} redirects" in stderr


def test_a_trickle_is_cut_at_the_deadline(
    tmp_path: Path, server: str, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    monkeypatch.setattr(vendor, "DOWNLOAD_SECONDS", 1.0, raising=False)
    stderr, elapsed, _ = refused_in_process(tmp_path, server + "/trickle", capsys)
    assert "the download took more than 1 s" in stderr
    assert elapsed < 3, f"{elapsed:.1f} s"


@pytest.mark.parametrize("path", ["/spec.yaml", "/spec.yaml.gz", "/hop/3"])
def test_a_normal_spec_still_vendors(tmp_path: Path, server: str, path: str) -> None:
    provenance = vendors(tmp_path, server + path)
    assert (provenance["operations"], provenance["source_format"]) == (1, "yaml")
    assert provenance["source_sha256"] == hashlib.sha256(SMALL_YAML.encode()).hexdigest()


def test_the_cap_is_the_documented_constant() -> None:
    assert vendor.MAX_DOWNLOAD_BYTES == 64 * MIB
