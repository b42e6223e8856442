"""Prism (``@stoplight/prism-cli``, pinned in package.json) serving a spec on loopback."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .constants import PRISM


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def prism_server(spec: Path, log_path: Path, *, dynamic: bool = False) -> Iterator[str]:
    """Start ``prism mock`` on a free port; yield its URL; stop it. Fails the test (under
    ``CEKURA_REQUIRE_PRISM``) or skips it when Prism is not installed."""
    if not PRISM.exists() or shutil.which("node") is None:
        if os.environ.get("CEKURA_REQUIRE_PRISM"):
            pytest.fail("Prism is not installed: run `make test` (it runs `npm ci`)")
        pytest.skip("Prism is not installed (node_modules/.bin/prism); `make test` installs it")
    port = free_port()
    command = [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)]
    if dynamic:
        command.append("--dynamic")
    with log_path.open("w") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"Prism exited ({proc.returncode}): {log_path.read_text()[-2000:]}")
                try:
                    httpx.get(url + "/", timeout=1)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        pytest.fail("Prism did not start within 90 s")
                    time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
