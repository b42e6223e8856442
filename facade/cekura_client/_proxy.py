"""Which proxy the client sends through, decided once from the base URL.

The client passes httpx its own (retrying) transport, and httpx then ignores the proxy
environment. So the client does what httpx would: an explicit ``proxy=`` wins; otherwise
``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY`` and ``NO_PROXY`` (upper or lower case) are read with
httpx's own rules, through public APIs only: the variables come from the standard library's
``urllib.request.getproxies()`` (as in httpx), and ``NO_PROXY`` entries are matched as httpx
matches them (curl's rules: ``example.com`` is the domain and its subdomains, ``.example.com``
only its subdomains, ``*`` every host; an IP address or ``localhost`` only itself; an entry with
a port only that port; an entry with a scheme, ``http://host``, only that scheme).
``tests/client/test_proxy.py`` checks these rules against httpx's own. Two differences, both so
the key stays where it belongs:

* a loopback base URL (``http://localhost:8000``) never goes through a proxy from the
  environment (as in Go's ``ProxyFromEnvironment``);
* over a plain-http base URL the key would reach the proxy in cleartext, so a proxy that is not
  on loopback is refused unless ``allow_insecure_http=True``. An https base URL goes through an
  http proxy as a ``CONNECT`` tunnel: the proxy sees the host name, never the key.
"""

from __future__ import annotations

import ipaddress
import urllib.request

import httpx

from ._exceptions import InsecureTransportError, InvalidRequestError, redact_url

__all__ = ["ProxyTypes", "is_loopback", "proxy_for"]

ProxyTypes = str | httpx.URL | httpx.Proxy


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address. Not ``*.localhost``: a resolver without RFC 6761's
    rule (glibc's ``files dns``) asks DNS for those, so they may be anywhere."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_ip(hostname: str, version: type[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> bool:
    try:
        version(hostname.partition("/")[0])
    except ValueError:
        return False
    return True


def _environment_mounts() -> dict[str, str | None]:
    """The proxy environment as URL patterns: a proxy URL, or None for "connect directly"."""
    variables = urllib.request.getproxies()
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        if variables.get(scheme):
            value = variables[scheme]
            mounts[f"{scheme}://"] = value if "://" in value else f"http://{value}"
    for entry in (name.strip() for name in variables.get("no", "").split(",")):
        if entry == "*":
            return {}
        if not entry:
            continue
        if "://" in entry:
            mounts[entry] = None
        elif _is_ip(entry, ipaddress.IPv4Address) or entry.lower() == "localhost":
            mounts[f"all://{entry}"] = None
        elif _is_ip(entry, ipaddress.IPv6Address):
            mounts[f"all://[{entry}]"] = None
        else:
            mounts[f"all://*{entry}"] = None  # the domain and its subdomains; "*." only these
    return mounts


class _Pattern:
    """A mount key (``https://``, ``all://*example.com:8080``) and the URLs it covers."""

    def __init__(self, key: str) -> None:
        url = httpx.URL(key)
        self.scheme = "" if url.scheme == "all" else url.scheme
        self.host = "" if url.host == "*" else url.host
        self.port = url.port
        # More specific first: a port, then a longer host, then a scheme.
        self.priority = (0 if self.port is not None else 1, -len(self.host), -len(self.scheme))

    def _host_matches(self, host: str) -> bool:
        if not self.host:
            return True
        if self.host.startswith("*."):  # subdomains only
            return host.endswith(self.host[1:]) and len(host) > len(self.host) - 1
        if self.host.startswith("*"):  # the domain and its subdomains
            domain = self.host[1:]
            return host == domain or (host.endswith("." + domain) and len(host) > len(domain) + 1)
        return host == self.host

    def matches(self, url: httpx.URL) -> bool:
        if self.scheme and self.scheme != url.scheme:
            return False
        if not self._host_matches(url.host):
            return False
        return self.port is None or self.port == url.port


def _environment_proxy(url: httpx.URL) -> httpx.Proxy | None:
    patterns = []
    for key, proxy_url in _environment_mounts().items():
        try:
            patterns.append((_Pattern(key), proxy_url))
        except (ValueError, httpx.InvalidURL):
            if proxy_url is not None:
                raise
            raise InvalidRequestError(
                f"NO_PROXY holds an entry that is not a host name, IP address or domain: "
                f"{key.removeprefix('all://').lstrip('*')[:80]!r}"
            ) from None
    for pattern, proxy_url in sorted(patterns, key=lambda item: item[0].priority):
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
        except InvalidRequestError:  # NO_PROXY, named
            raise
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
