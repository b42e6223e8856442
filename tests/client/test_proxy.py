"""Proxies: the environment's HTTPS_PROXY/HTTP_PROXY/ALL_PROXY/NO_PROXY
and an explicit ``proxy=`` are honoured as httpx honours them, through a loopback proxy that
records what reaches it; the key never reaches a proxy in cleartext off loopback."""

from __future__ import annotations

import json
import time

import anyio
import httpx
import pytest

from cekura_client import (
    APIConnectionError,
    AsyncCekura,
    Cekura,
    InsecureTransportError,
    InvalidRequestError,
    PermissionDeniedError,
)
from cekura_client._proxy import is_loopback
from cekura_client.testing import payloads
from tests.support.constants import API_KEY, Fetch, result_path
from tests.support.hostile import proxy_recorder
from tests.support.loopback import fault_server, json_response

TARGET = "https://api.cekura.test"
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def _clean_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def _through_proxy(fetch: Fetch, **kwargs: object) -> tuple[APIConnectionError, float]:
    started = time.monotonic()
    with pytest.raises(APIConnectionError) as info:
        fetch(1001, base_url=TARGET, max_retries=0, timeout=5, **kwargs)
    return info.value, time.monotonic() - started


def test_an_explicit_proxy_tunnels_https_with_connect(fetch: Fetch) -> None:
    with proxy_recorder() as proxy:
        exc, elapsed = _through_proxy(fetch, proxy=proxy.url)
    assert str(exc).startswith("The proxy refused or failed the connection (ProxyError")
    assert str(exc).endswith(f"for GET {TARGET}{result_path(1001)}.")
    assert proxy.request_lines == ["CONNECT api.cekura.test:443 HTTP/1.1"]
    assert API_KEY.encode() not in b"".join(proxy.received)  # the key only travels inside TLS
    assert elapsed < 5


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"])
def test_the_proxy_environment_is_honoured(
    fetch: Fetch, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    with proxy_recorder() as proxy:
        monkeypatch.setenv(variable, proxy.url)
        exc, _ = _through_proxy(fetch)
    assert str(exc).startswith("The proxy refused or failed the connection (ProxyError")
    assert str(exc).endswith(f"for GET {TARGET}{result_path(1001)}.")
    assert proxy.request_lines == ["CONNECT api.cekura.test:443 HTTP/1.1"]
    assert API_KEY.encode() not in b"".join(proxy.received)


def test_http_proxy_does_not_apply_to_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:3128")
    assert Cekura(api_key=API_KEY, base_url=TARGET)._config.proxy is None
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    proxy = Cekura(api_key=API_KEY, base_url=TARGET)._config.proxy
    assert proxy is not None and proxy.url == httpx.URL("http://127.0.0.1:3128")


@pytest.mark.parametrize("no_proxy", ["api.cekura.test", ".cekura.test", "cekura.test", "*"])
def test_no_proxy_is_honoured(monkeypatch: pytest.MonkeyPatch, no_proxy: str) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    monkeypatch.setenv("NO_PROXY", no_proxy)
    assert Cekura(api_key=API_KEY, base_url=TARGET)._config.proxy is None


def test_trust_env_false_ignores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    assert Cekura(api_key=API_KEY, base_url=TARGET, trust_env=False)._config.proxy is None


def test_a_loopback_base_url_never_goes_through_an_environment_proxy(
    fetch: Fetch, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok = json_response(200, json.dumps(payloads.passing_result()))
    with proxy_recorder() as proxy, fault_server(ok) as server:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        assert fetch(1001, base_url=server.url).id == 1001
    assert proxy.received == [] and len(server.requests) == 1


def test_plain_http_through_a_loopback_proxy_is_allowed(fetch: Fetch) -> None:
    """The key reaches the proxy in cleartext, but only on this machine."""
    with proxy_recorder() as proxy:
        with pytest.raises(PermissionDeniedError, match="403 Forbidden"):  # the proxy's answer
            fetch(1001, base_url="http://127.0.0.1:9", proxy=proxy.url, max_retries=0)
    assert proxy.request_lines[0].startswith("GET http://127.0.0.1:9/")


@pytest.mark.parametrize("client", [Cekura, AsyncCekura])
def test_plain_http_through_a_remote_proxy_is_refused(client: type[Cekura]) -> None:
    with pytest.raises(InsecureTransportError) as info:
        client(api_key=API_KEY, base_url="http://127.0.0.1:8000", proxy="http://10.1.2.3:3128")
    assert str(info.value).startswith(
        "Refusing to send the API key in cleartext through the proxy http://10.1.2.3:3128 to "
        "127.0.0.1"
    )
    client(  # the caller may say they mean it
        api_key=API_KEY,
        base_url="http://127.0.0.1:8000",
        proxy="http://10.1.2.3:3128",
        allow_insecure_http=True,
    )


def test_plain_http_through_a_remote_environment_proxy_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://user:secret@10.1.2.3:3128")
    with pytest.raises(InsecureTransportError) as info:
        Cekura(api_key=API_KEY, base_url="http://api.example.com", allow_insecure_http=False)
    assert "secret" not in str(info.value)


def test_a_proxy_that_is_not_a_url_is_a_clear_error() -> None:
    with pytest.raises(Exception, match="proxy must be an http://, https://, socks5://"):
        Cekura(api_key=API_KEY, proxy="ftp://proxy:21")


def test_the_async_client_uses_the_same_proxy() -> None:
    async def run() -> None:
        with proxy_recorder() as proxy:
            async with AsyncCekura(
                api_key=API_KEY, base_url=TARGET, proxy=proxy.url, max_retries=0
            ) as client:
                with pytest.raises(APIConnectionError):
                    await client.results.get(1001)
        assert proxy.request_lines == ["CONNECT api.cekura.test:443 HTTP/1.1"]

    anyio.run(run)


# -- NO_PROXY rules: read through public APIs, matched as httpx matches them ---------------------


def _environment_proxy_for(base_url: str) -> httpx.URL | None:
    proxy = Cekura(api_key=API_KEY, base_url=base_url)._config.proxy
    return None if proxy is None else proxy.url


@pytest.mark.parametrize(
    ("no_proxy", "base_url", "direct"),
    [
        (".cekura.test", "https://cekura.test", False),  # a leading dot: subdomains only
        (".cekura.test", "https://api.cekura.test", True),
        ("cekura.test", "https://cekura.test", True),  # no dot: the domain and its subdomains
        ("cekura.test", "https://xcekura.test", False),  # ... not a longer name
        ("other.test, api.cekura.test", "https://api.cekura.test", True),  # a list, spaces
        ("api.cekura.test:8443", "https://api.cekura.test:8443", True),  # with a port: only it
        ("api.cekura.test:8443", "https://api.cekura.test", False),
        ("http://api.cekura.test", "https://api.cekura.test", False),  # with a scheme: only it
        ("https://api.cekura.test", "https://api.cekura.test", True),
        ("10.1.2.3", "https://10.1.2.3", True),  # an IP address: only itself
        ("10.1.2.3", "https://10.1.2.30", False),
        ("::ffff:a01:203", "https://[::ffff:a01:203]", True),
        ("", "https://api.cekura.test", False),
    ],
)
def test_no_proxy_rules(
    monkeypatch: pytest.MonkeyPatch, no_proxy: str, base_url: str, direct: bool
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    monkeypatch.setenv("no_proxy", no_proxy)
    expected = None if direct else httpx.URL("http://127.0.0.1:3128")
    assert _environment_proxy_for(base_url) == expected


def test_a_proxy_without_a_scheme_is_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("https_proxy", "127.0.0.1:3128")
    assert _environment_proxy_for(TARGET) == httpx.URL("http://127.0.0.1:3128")


def test_https_proxy_wins_over_all_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:1080")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    assert _environment_proxy_for(TARGET) == httpx.URL("http://127.0.0.1:3128")


ENVIRONMENTS = [
    {"HTTPS_PROXY": "http://127.0.0.1:3128"},
    {"ALL_PROXY": "socks5://127.0.0.1:1080", "NO_PROXY": ".cekura.test,10.1.2.3"},
    {"https_proxy": "127.0.0.1:3128", "no_proxy": "cekura.test:8443, localhost"},
    {"HTTP_PROXY": "http://127.0.0.1:3128", "ALL_PROXY": "http://127.0.0.1:1080"},
    {"HTTPS_PROXY": "http://127.0.0.1:3128", "NO_PROXY": "https://api.cekura.test,*"},
    {"HTTPS_PROXY": "http://127.0.0.1:3128", "NO_PROXY": "http://api.cekura.test"},
]
URLS = [
    "https://api.cekura.test",
    "https://cekura.test",
    "https://cekura.test:8443",
    "http://api.cekura.test",
    "https://10.1.2.3",
    "https://xcekura.test",
]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_environment_is_read_as_httpx_reads_it(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> None:
    """httpx's own (private) reading is the oracle; the client reads it through public APIs."""
    oracle = pytest.importorskip("httpx._utils")
    if not hasattr(oracle, "URLPattern") or not hasattr(oracle, "get_environment_proxies"):
        pytest.skip("this httpx has no URLPattern/get_environment_proxies to compare with")
    from cekura_client._proxy import _environment_proxy

    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for url in map(httpx.URL, URLS):
        mounts = sorted(
            (oracle.URLPattern(key), value)
            for key, value in oracle.get_environment_proxies().items()
        )
        expected = next((value for pattern, value in mounts if pattern.matches(url)), None)
        ours = _environment_proxy(url)
        assert (None if ours is None else str(ours.url)) == expected, (environment, str(url))


def test_a_callers_http_client_picks_its_proxy_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    # httpx offers no public way to read which proxy (if any) a client would use, so its
    # environment is not judged for it: a mock transport in a proxied CI keeps working.
    monkeypatch.setenv("HTTP_PROXY", "http://10.1.2.3:3128")
    monkeypatch.setenv("NO_PROXY", "host:abc")  # one this client never reads
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=payloads.passing_result())

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        Cekura(api_key=API_KEY, base_url="http://localhost:8000", http_client=http) as client,
    ):
        assert client.results.get(1001).id == 1001
    assert [str(r.url) for r in seen] == ["http://localhost:8000" + result_path(1001)]


@pytest.mark.parametrize("entry", ["[::1]", "host:abc"])
def test_a_no_proxy_entry_that_is_not_a_host_names_no_proxy(
    monkeypatch: pytest.MonkeyPatch, entry: str
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", f"localhost,{entry}")
    with pytest.raises(InvalidRequestError) as info:
        Cekura(api_key=API_KEY)
    assert str(info.value) == (
        f"NO_PROXY holds an entry that is not a host name, IP address or domain: {entry!r}"
    )


def test_a_subdomain_of_localhost_is_not_loopback() -> None:
    # glibc's resolver ("files dns") asks DNS for api.localhost: it may be anywhere
    assert is_loopback("localhost") and is_loopback("127.0.0.2") and is_loopback("[::1]")
    assert not is_loopback("api.localhost")
    with pytest.raises(InsecureTransportError):
        Cekura(api_key=API_KEY, base_url="http://api.localhost:8000")
