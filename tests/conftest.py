"""Fixtures for every test folder: the embedded mock, both clients, recorded waits, Prism.
Servers and constants live in tests/support/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest

from cekura_client import AsyncCekura, Cekura, Result
from cekura_client._clock import Clock
from cekura_client.testing import MockCekuraServer
from tests.support.constants import API_KEY, SPEC, Fetch
from tests.support.prism import prism_server

#: Variables the client or the CLI read: a developer's shell or a CI runner (GitHub Actions sets
#: GITHUB_STEP_SUMMARY) must not change what a test sees. Tests that need one set it themselves.
_AMBIENT = ("CEKURA_API_KEY", "CEKURA_API_URL", "CEKURA_DEBUG", "GITHUB_STEP_SUMMARY")


@pytest.fixture(autouse=True)
def _hermetic_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _AMBIENT:
        monkeypatch.delenv(name, raising=False)


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
    """Record the clock's sleeps (retries and polls, sync and async) instead of sleeping."""
    recorded: list[float] = []

    def fake_sleep(self: Clock, seconds: float) -> None:
        recorded.append(seconds)

    async def fake_async_sleep(self: Clock, seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(Clock, "sleep", fake_sleep)
    monkeypatch.setattr(Clock, "async_sleep", fake_async_sleep)
    return recorded


@pytest.fixture(scope="session")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prism (pinned in package.json) mocking the vendored spec on a free loopback port."""
    with prism_server(SPEC, tmp_path_factory.mktemp("prism") / "prism.log") as url:
        yield url
