from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from cekura_client import AsyncCekura, Cekura, Result
from cekura_client.testing import MockCekuraServer

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "cekura.yaml"
PRISM = ROOT / "node_modules" / ".bin" / "prism"
API_KEY = "sk-test-4f1c9a0b7e2d"  # a fake key that tests search for in outputs
BASE_URL = "https://api.cekura.ai"
RESULT_URL = f"{BASE_URL}/test_framework/v1/results/"

Fetch = Callable[..., Result]


@pytest.fixture
def mock_server() -> Iterator[MockCekuraServer]:
    with MockCekuraServer(api_key=API_KEY) as server:
        yield server


@pytest.fixture(params=["sync", "async"])
def fetch(request: pytest.FixtureRequest) -> Fetch:
    """``fetch(result_id, **client_kwargs)`` through Cekura or AsyncCekura: the same behaviour
    cases run against both clients."""

    def sync_fetch(result_id: Any, **kwargs: Any) -> Result:
        kwargs.setdefault("api_key", API_KEY)
        with Cekura(**kwargs) as client:
            return client.results.get(result_id)

    def async_fetch(result_id: Any, **kwargs: Any) -> Result:
        kwargs.setdefault("api_key", API_KEY)

        async def run() -> Result:
            async with AsyncCekura(**kwargs) as client:
                return await client.results.get(result_id)

        return anyio.run(run)

    return sync_fetch if request.param == "sync" else async_fetch


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the retry transport's waits instead of sleeping (sync and async)."""
    from cekura_client import _transport

    recorded: list[float] = []

    async def fake_async_sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(_transport, "default_sleep", recorded.append)
    monkeypatch.setattr(_transport, "default_async_sleep", fake_async_sleep)
    return recorded


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prism (pinned in package.json) mocking the vendored spec on a free loopback port."""
    if not PRISM.exists() or shutil.which("node") is None:
        if os.environ.get("CEKURA_REQUIRE_PRISM"):
            pytest.fail("Prism is not installed: run `make test` (it runs `npm ci`)")
        pytest.skip("Prism is not installed (node_modules/.bin/prism); `make test` installs it")
    port = free_port()
    log_path = tmp_path_factory.mktemp("prism") / "prism.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
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
        log.close()
