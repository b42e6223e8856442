"""Which proxy the client sends through, decided once from the base URL.

The client passes httpx its own (retrying) transport, and httpx then ignores the proxy
environment. So the client does what httpx would: an explicit ``proxy=`` wins; otherwise
``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY`` and ``NO_PROXY`` (upper or lower case) are read with
httpx's own rules. Two differences, both so the key stays where it belongs:

* a loopback base URL (``http://localhost:8000``) never goes through a proxy from the
  environment (as in Go's ``ProxyFromEnvironment``);
* over a plain-http base URL the key would reach the proxy in cleartext, so a proxy that is not
  on loopback is refused unless ``allow_insecure_http=True``. An https base URL goes through an
  http proxy as a ``CONNECT`` tunnel: the proxy sees the host name, never the key.
"""

from __future__ import annotations

import ipaddress

import httpx
from httpx._utils import URLPattern, get_environment_proxies

from ._exceptions import InsecureTransportError, InvalidRequestError, redact_url

__all__ = ["ProxyTypes", "is_loopback", "proxy_for"]

ProxyTypes = str | httpx.URL | httpx.Proxy


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _environment_proxy(url: httpx.URL) -> httpx.Proxy | None:
    mounts = sorted((URLPattern(key), value) for key, value in get_environment_proxies().items())
    for pattern, proxy_url in mounts:
        if pattern.matches(url):
            return None if proxy_url is None else httpx.Proxy(proxy_url)
    return None


def proxy_for(
    base_url: httpx.URL,
    proxy: ProxyTypes | None,
    *,
    trust_env: bool,
    allow_insecure_http: bool,
) -> httpx.Proxy | None:
    """The proxy requests to ``base_url`` go through, or None to connect directly."""
    if proxy is not None:
        try:
            chosen: httpx.Proxy | None = (
                proxy if isinstance(proxy, httpx.Proxy) else httpx.Proxy(proxy)
            )
        except (ValueError, httpx.InvalidURL):
            raise InvalidRequestError(
                "proxy must be an http://, https://, socks5:// or socks5h:// URL"
            ) from None
    elif trust_env and not is_loopback(base_url.host):
        try:
            chosen = _environment_proxy(base_url)
        except (ValueError, httpx.InvalidURL):
            raise InvalidRequestError(
                "the proxy environment (HTTP(S)_PROXY, ALL_PROXY) holds a URL that is not an "
                "http://, https://, socks5:// or socks5h:// URL"
            ) from None
    else:
        chosen = None
    if chosen is None:
        return None
    if base_url.scheme == "http" and not is_loopback(chosen.url.host) and not allow_insecure_http:
        raise InsecureTransportError(
            f"Refusing to send the API key in cleartext through the proxy "
            f"{redact_url(chosen.url)} to {base_url.host}: use an https base URL (the proxy then "
            "only tunnels TLS) or a proxy on loopback, or pass allow_insecure_http=True if you "
            "really mean it.",
            host=chosen.url.host,
        )
    return chosen
