"""Headless Chromium driven over the DevTools protocol, for the HTML report tests.

``chromium()`` finds Debian's ``chromium`` (installing it with apt-get when it is missing and
we are root) or skips the test with the reason. ``Browser.open(path)`` loads a page and
records console messages, exceptions and every network request the page makes; it can then
evaluate JavaScript and take a full-page screenshot.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-allow-origins=*",
]
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
_install_attempted: list[str] = []


def chromium() -> str:
    """The Chromium binary, installed via apt-get if possible; else the test is skipped."""
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    reason = _install()
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"headless Chromium is not available: {reason}")


def _install() -> str:
    if _install_attempted:
        return _install_attempted[0]
    if shutil.which("apt-get") is None:
        reason = "no `chromium` on PATH and no apt-get to install it (apt-get install chromium)"
    elif os.geteuid() != 0:
        reason = "no `chromium` on PATH; installing it needs root (apt-get install chromium)"
    else:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run(
                ["apt-get", "update"], env=env, capture_output=True, timeout=300, check=False
            )
            proc = subprocess.run(
                ["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            reason = (
                "installed"
                if proc.returncode == 0
                else f"`apt-get install chromium` failed: {proc.stderr.strip()[-300:]}"
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            reason = f"`apt-get install chromium` failed: {exc}"
    _install_attempted.append(reason)
    return reason


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Page:
    """What happened while one page loaded, and a connection to inspect it further."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.browser = browser
        self.url = url
        self.console: list[dict[str, Any]] = []
        self.exceptions: list[dict[str, Any]] = []
        self.log_entries: list[dict[str, Any]] = []
        self.requests: list[str] = []

    @property
    def errors(self) -> list[str]:
        """Console errors/warnings, uncaught exceptions and browser log errors (CSP violations,
        failed loads) as text."""
        found = [
            " ".join(str(a.get("value", a.get("description", ""))) for a in c.get("args", []))
            for c in self.console
            if c.get("type") in ("error", "warning", "assert")
        ]
        found += [e.get("exceptionDetails", {}).get("text", "exception") for e in self.exceptions]
        found += [e["entry"]["text"] for e in self.log_entries if e["entry"]["level"] == "error"]
        return found

    @property
    def network_requests(self) -> list[str]:
        """Requests other than the page itself and inline ``data:`` URLs."""
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]

    def evaluate(self, expression: str) -> Any:
        reply = self.browser.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in reply:
            raise AssertionError(f"evaluation failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path, width: int = 1280) -> tuple[int, int]:
        """A full-page PNG at ``width`` CSS pixels; returns its size in CSS pixels."""
        height = int(self.evaluate("document.documentElement.scrollHeight"))
        self.browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        height = int(self.evaluate("document.documentElement.scrollHeight"))
        shot = self.browser.call(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return width, height


class Browser:
    """One headless Chromium with one page, driven over its DevTools websocket."""

    def __init__(self) -> None:
        import websocket  # websocket-client, a dev dependency

        self._websocket = websocket
        self.binary = chromium()
        self.profile = tempfile.mkdtemp(prefix="cekura-chromium-")
        port = _free_port()
        self.proc = subprocess.Popen(
            [
                self.binary,
                *FLAGS,
                f"--user-data-dir={self.profile}",
                f"--remote-debugging-port={port}",
                "--window-size=1280,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        try:
            ws_url = self._page_websocket(port)
            self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.call(f"{domain}.enable")
        except BaseException:
            self.close()
            raise

    def _page_websocket(self, port: int) -> str:
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"chromium exited with {self.proc.returncode} before DevTools was up")
            try:
                targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=2).json()
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    return str(pages[0]["webSocketDebuggerUrl"])
            except (httpx.HTTPError, ValueError):
                pass
            if time.monotonic() > deadline:
                pytest.fail("chromium's DevTools endpoint did not come up within 30 s")
            time.sleep(0.1)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        call_id = self._next_id
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise AssertionError(f"{method} failed: {message['error']}")
                return dict(message.get("result", {}))
            if "method" in message:
                self._events.append(message)

    def _wait_for(self, event: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e["method"] == event for e in self._events):
            if time.monotonic() > deadline:
                raise AssertionError(f"no {event} within {timeout} s")
            self.ws.settimeout(max(deadline - time.monotonic(), 0.1))
            message = json.loads(self.ws.recv())
            if "method" in message:
                self._events.append(message)

    def open(self, path: Path, settle: float = 0.5) -> Page:
        """Load ``path`` and return what happened (after ``settle`` seconds of quiet)."""
        url = path.resolve().as_uri()
        self._events.clear()
        self.call("Page.navigate", url=url)
        self._wait_for("Page.loadEventFired")
        time.sleep(settle)
        self.call("Runtime.evaluate", expression="1")  # drains events that came meanwhile
        page = Page(self, url)
        for event in self._events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                page.console.append(params)
            elif method == "Runtime.exceptionThrown":
                page.exceptions.append(params)
            elif method == "Log.entryAdded":
                page.log_entries.append(params)
            elif method == "Network.requestWillBeSent":
                page.requests.append(params["request"]["url"])
        return page

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)
