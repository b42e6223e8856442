"""An embedded Cekura mock server on loopback, for the demo, end-to-end tests and your own tests.

    with MockCekuraServer() as server:
        client = Cekura(api_key=server.api_key, base_url=server.url)
        client.results.get(payloads.FAILING_RESULT_ID)

It serves ``GET /test_framework/v1/results/{id}/`` (and the same at ``v2``, each also without
the trailing slash, as the official SDK calls it) from a dict of payloads, answers like the real
API (``401`` without a valid ``X-CEKURA-API-KEY``, ``404 {"detail": "Not found."}``), and
records each request's method, path and JSON body. A value in ``results`` may also be a
:class:`MockResponse` (any status, body and headers) or a callable returning a payload or a
MockResponse on each request - to script a result that progresses, or an outage. It also lists
results (``GET /test_framework/v2/results/``), starts them (``run_scenarios``,
``run_scenarios_text``), reruns them and ends their calls; a started result progresses as it is
polled (see :class:`MockCekuraServer`). It uses only the standard library and binds to
127.0.0.1 on a free port. ``python -m cekura_client.testing`` runs it in the foreground.
"""

from __future__ import annotations

import copy
import ipaddress
import json
import re
import socket
import threading
from collections.abc import Callable, Iterable, Mapping
from email.message import Message
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import attrs
from typing_extensions import Self

from . import payloads
from ._suites import (
    NOT_FOUND,
    TERMINAL,
    Listed,
    PlannedRun,
    RunRequest,
    StartedResult,
    list_page,
    parse_run_request,
    plan_runs,
    scenario_order,
)
from .payloads import all_results

__all__ = [
    "DEFAULT_MOCK_API_KEY",
    "MockCekuraServer",
    "MockResponse",
    "RecordedRequest",
    "StartedResult",
]

#: The API key the mock server accepts unless it is given another.
DEFAULT_MOCK_API_KEY = "mock-cekura-key"
JSON = dict[str, Any]
# Get Result at v1 and at v2 (same body): the facade calls whichever the generated client has.
# The trailing slash is optional everywhere: the official SDK leaves it out.
_RESULT_PATH = re.compile(r"^/test_framework/v[12]/results/(?P<id>[^/]+)/?$")
_LIST_PATH = re.compile(r"^/test_framework/v2/results/?$")
_START_PATH = re.compile(r"^/test_framework/v2/scenarios/run_scenarios(?P<text>_text)?/?$")
_ACTION_PATH = re.compile(
    r"^/test_framework/v2/results/(?P<id>[^/]+)/(?P<action>rerun|end_calls)/?$"
)


@attrs.frozen
class MockResponse:
    """A canned answer: ``body`` is sent as JSON unless it is ``bytes``."""

    status: int
    body: Any = None
    headers: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class RecordedRequest:
    """One request the server received; ``path`` includes the query string; ``body`` is its
    JSON body decoded (the raw bytes if it was not JSON; None without a body)."""

    method: str
    path: str
    had_valid_key: bool
    body: Any = None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Buffer the status line, headers and body and send them in one write: separate small
    # writes on a keep-alive connection meet delayed ACKs and cost ~40 ms a request.
    wbufsize = 64 * 1024

    def log_message(self, format: str, *args: Any) -> None:
        return  # keep test and demo output clean

    def _send(self, status: int, data: bytes, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_json(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        self._send(status, data, {"Content-Type": "application/json", **(headers or {})})

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while size := int(self.rfile.readline(65537).split(b";", 1)[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline(65537).strip():
                pass  # trailers
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        owner = self.server.owner
        try:
            raw = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send_json(400, {"detail": "Malformed request body."})
            return
        path, _, query = self.path.partition("?")
        key = self.headers.get("X-CEKURA-API-KEY")
        valid = key == owner.api_key
        owner.record(RecordedRequest(self.command, self.path, valid, _decoded(raw)))
        if key is None:
            answer = MockResponse(401, {"detail": "Authentication credentials were not provided."})
        elif not valid:
            answer = MockResponse(401, {"detail": "Invalid API key."})
        else:
            answer = owner._answer(self.command, path, query, raw, self.headers)
        if owner._drops(self.command, path):
            self.close_connection = True  # read and done, but never answered
            return
        if answer.body is _NO_BODY:
            self._send(answer.status, b"", answer.headers)
        else:
            self._send_json(answer.status, answer.body, answer.headers)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


#: A MockResponse body meaning none at all: no Content-Type, Content-Length 0 (end_calls).
_NO_BODY: Any = object()


def _decoded(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Some Python versions turn SO_REUSEPORT on for HTTPServer, which lets a second server
    # share a busy port silently; a port in use must be an error instead.
    allow_reuse_port = False
    # socketserver's default backlog of 5 resets connections when many clients connect at once.
    request_queue_size = 128
    owner: MockCekuraServer


class _Server6(_Server):
    address_family = socket.AF_INET6


class MockCekuraServer:
    """A Cekura API on your machine, for tests and demos (standard library only, threaded).

    Usage::

        from cekura_client import Cekura
        from cekura_client.testing import MockCekuraServer, MockResponse, payloads

        with MockCekuraServer() as server:  # 127.0.0.1, a free port
            client = Cekura(api_key=server.api_key, base_url=server.url)
            result = client.results.get(payloads.FAILING_RESULT_ID)  # 1002

    It answers like the real API, each path with or without the trailing slash, 401 without
    ``X-CEKURA-API-KEY: <api_key>``, 404 ``{"detail": "Not found."}`` for an ID it does not have,
    400 with Django REST framework's error bodies (``{"field": ["message"]}``):

    * ``GET /test_framework/v1/results/{id}/`` and ``/v2/``: a result's detail.
    * ``GET /test_framework/v2/results/``: the results list, newest first, page by page
      (``page``, ``page_size`` up to 100, ``agent_id``, ``project_id``, ``search``,
      ``scenarios=7001,7002``); ``next`` and ``previous`` are absolute links.
    * ``POST /test_framework/v2/scenarios/run_scenarios/`` (and ``run_scenarios_text``): checks
      the JSON body, starts a result (201) of ``len(scenarios) x frequency x
      max(1, len(personality_ids)) x max(1, len(test_profile_ids))`` runs, with an ID above
      every other; ``tags`` and ``folder_path`` select from payloads.SCENARIO_TAGS and
      payloads.SCENARIO_FOLDERS, and any ``assistant_id`` is agent 512.
    * ``POST /test_framework/v2/results/{id}/rerun/``: a new result, one run per scenario.
    * ``POST /test_framework/v2/results/{id}/end_calls/``: 200, no body; cancels the result.

    A started (or rerun) result is a StartedResult in ``results``. Each GET of its detail
    advances it: ``pending`` -> ``running`` -> ``completed`` at the ``polls_to_complete``-th GET
    (runs complete along the way); a run fails if its scenario is in ``failing_scenarios``
    (both settings are read when the result starts).

    By default it has ``payloads.all_results()``: 1001 passing, 1002 failing, 1003 running,
    1004 quirky, 1005 baseline, 1006 regressed, 1101-1107 a week of nightly results (agent 512,
    project 1376).

    Your own results, before or while it runs::

        server.results[5000] = payloads.nightly_result(5000)  # any payload dict
        server.results.update(payloads.nightly_results(50))  # IDs 1058-1107
        server.results[7] = MockResponse(503, {"detail": "down"})  # any status and body
        server.results[8] = lambda: next(states)  # called on each request
        MockCekuraServer(payloads.nightly_results(50))  # serve only these

    The list shows payload dicts, StartedResults and 2xx MockResponses with a dict body; it
    skips other MockResponses and callables (calling one could use up its states).

    Faults: ``server.drop_responses_to = {"POST /test_framework/v2/scenarios/run_scenarios/"}``
    makes it read such a request, act on it (the result is started and recorded), then close
    the connection without answering.

    From a shell: ``python -m cekura_client.testing [--port N]`` (``--help`` for more).

    Attributes:
        results: result ID -> payload, MockResponse or callable: what it serves.
        api_key: the key every request must send (default ``"mock-cekura-key"``).
        requests: a RecordedRequest (method, path, had_valid_key, body) per request, in order.
        started: the body of each run start that started a result, in order.
        reruns: the result IDs rerun, in order.
        calls_ended: the result IDs of each end_calls answered 200, in order.
        polls_to_complete: GETs after which a started result is completed (default 3).
        failing_scenarios: scenario IDs whose runs fail in started results (default none).
        projects: agent ID -> project ID, for ``project_id`` (default ``{512: 1376}``).
        drop_responses_to: ``"METHOD /path"`` requests to act on but never answer.
    """

    def __init__(
        self,
        results: Mapping[int, Any] | None = None,
        *,
        api_key: str = DEFAULT_MOCK_API_KEY,
        port: int = 0,
        host: str = "127.0.0.1",
        polls_to_complete: int = 3,
        failing_scenarios: Iterable[int] = (),
    ) -> None:
        """Binds at once (port 0: a free one; OSError if taken); serves after start()."""
        if isinstance(polls_to_complete, bool) or not isinstance(polls_to_complete, int):
            raise TypeError(f"polls_to_complete must be an int, not {type(polls_to_complete)}")
        if polls_to_complete < 1:
            raise ValueError(f"polls_to_complete must be at least 1, got {polls_to_complete}")
        self.results: dict[int, Any] = dict(all_results() if results is None else results)
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self.polls_to_complete = polls_to_complete
        self.failing_scenarios: set[int] = set(failing_scenarios)
        self.projects: dict[int, int] = {payloads.MOCK_AGENT_ID: payloads.MOCK_PROJECT_ID}
        self.drop_responses_to: set[str] = set()
        self._started: list[Any] = []
        self._reruns: list[int] = []
        self._calls_ended: list[int] = []
        self._last_result_id = 0
        self._last_run_id = 0
        self._lock = threading.Lock()
        self._store_lock = threading.RLock()
        server_class = _Server6 if ":" in host else _Server
        self._server = server_class((host, port), _Handler)
        self._server.owner = self
        self._thread: threading.Thread | None = None

    @property
    def started(self) -> list[Any]:
        """The body of each run start that started a result, in order (a new list)."""
        with self._lock:
            return list(self._started)

    @property
    def reruns(self) -> list[int]:
        """The result IDs rerun, in order (a new list)."""
        with self._lock:
            return list(self._reruns)

    @property
    def calls_ended(self) -> list[int]:
        """The result IDs of each end_calls answered 200, in order (a new list)."""
        with self._lock:
            return list(self._calls_ended)

    @property
    def url(self) -> str:
        """The base URL for a client on this machine, e.g. ``http://127.0.0.1:8765``."""
        host, port = str(self._server.server_address[0]), self._server.server_address[1]
        address = ipaddress.ip_address(host)
        if address.is_unspecified:  # bound to every interface, loopback included
            address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
        shown = f"[{address}]" if address.version == 6 else str(address)
        return f"http://{shown}:{port}"

    def record(self, request: RecordedRequest) -> None:
        """Append to ``requests`` (thread-safe; the request handler calls it)."""
        with self._lock:
            self.requests.append(request)

    # --- the operations (run by the request handler's threads) --------------------------------

    def _answer(
        self, method: str, path: str, query: str, raw: bytes, headers: Message
    ) -> MockResponse:
        route = self._route(path, query, raw, headers)
        if route is None:
            return MockResponse(404, NOT_FOUND)
        allowed, operation = route
        if method != allowed:
            return MockResponse(405, {"detail": f'Method "{method}" not allowed.'})
        return operation()

    def _route(
        self, path: str, query: str, raw: bytes, headers: Message
    ) -> tuple[str, Callable[[], MockResponse]] | None:
        if _LIST_PATH.match(path):
            base = f"http://{headers.get('Host') or self.url.removeprefix('http://')}{path}"
            return "GET", partial(self._list, query, base)
        if match := _RESULT_PATH.match(path):
            return "GET", partial(self._detail, match["id"])
        if match := _START_PATH.match(path):
            return "POST", partial(self._start, raw, headers, bool(match["text"]))
        if match := _ACTION_PATH.match(path):
            action = self._rerun if match["action"] == "rerun" else self._end_calls
            return "POST", partial(action, match["id"])
        return None

    def _detail(self, id_text: str) -> MockResponse:
        payload = self.results.get(int(id_text)) if _is_id(id_text) else None
        if callable(payload):
            payload = payload()
        if payload is None:
            return MockResponse(404, NOT_FOUND)
        return payload if isinstance(payload, MockResponse) else MockResponse(200, payload)

    def _project_of(self, value: Any, payload: JSON) -> int | None:
        if isinstance(value, StartedResult):
            return value.project_id
        for name in ("project", "project_id"):
            if isinstance(project := payload.get(name), int):
                return project
        agent = payload.get("agent")
        return self.projects.get(agent) if isinstance(agent, int) else None

    def _list(self, query: str, base: str) -> MockResponse:
        with self._store_lock:
            stored = list(self.results.items())
        entries = [
            Listed(result_id, payload, self._project_of(value, payload))
            for result_id, value in stored
            if isinstance(result_id, int) and (payload := _listable(value)) is not None
        ]
        return MockResponse(*list_page(entries, query, base))

    def _start(self, raw: bytes, headers: Message, text: bool) -> MockResponse:
        body: Any = {}
        if raw:  # Django REST framework ignores an empty body's Content-Type
            content_type = headers.get("Content-Type") or ""
            media = content_type.split(";", 1)[0].strip().lower()
            if media != "application/json" and not media.endswith("+json"):
                detail = f'Unsupported media type "{content_type}" in request.'
                return MockResponse(415, {"detail": detail})
            try:
                body = json.loads(raw)
            except ValueError as exc:
                return MockResponse(400, {"detail": f"JSON parse error - {exc}"})
        request = parse_run_request(body, text=text)
        if not isinstance(request, RunRequest):
            return MockResponse(400, request)
        websocket = text and request.run_settings.get("websocket_url")
        with self._store_lock:
            first_run = self._next_run_id()
            started = StartedResult(
                self._next_result_id(),
                plan_runs(request, first_run),
                agent_id=request.agent_id,
                name=request.name or ("Text run via API" if text else "Voice run via API"),
                project_id=request.project_id or self.projects.get(request.agent_id),
                run_as_text=text,
                run_type="WebSocket" if websocket else "Text" if text else "Voice",
                run_settings=request.run_settings,
                polls_to_complete=self.polls_to_complete,
                failing_scenarios=self.failing_scenarios,
            )
            self._last_run_id = started.runs[-1].id
            self.results[started.id] = started
            with self._lock:
                self._started.append(body)
        return MockResponse(201, started.start_response())

    def _rerun(self, id_text: str) -> MockResponse:
        with self._store_lock:
            value = self.results.get(int(id_text)) if _is_id(id_text) else None
            if value is None:
                return MockResponse(404, NOT_FOUND)
            payload = _listable(value) or {}
            scenarios = scenario_order(payload)
            if not scenarios:
                detail = f"Result {int(id_text)} has no scenarios to rerun."
                return MockResponse(400, {"non_field_errors": [detail]})
            agent = payload.get("agent")
            agent_id = agent if isinstance(agent, int) else payloads.MOCK_AGENT_ID
            first_run = self._next_run_id()
            runs = [PlannedRun(first_run + i, scenario) for i, scenario in enumerate(scenarios)]
            started = StartedResult(
                self._next_result_id(),
                runs,
                agent_id=agent_id,
                name=str(payload.get("name") or "Rerun via API"),
                project_id=self._project_of(value, payload),
                run_as_text=payload.get("run_as_text") is True,
                run_type=str(payload.get("run_type") or "Voice"),
                polls_to_complete=self.polls_to_complete,
                failing_scenarios=self.failing_scenarios,
            )
            self._last_run_id = runs[-1].id
            self.results[started.id] = started
            with self._lock:
                self._reruns.append(int(id_text))
        return MockResponse(200, payloads.list_item(started.payload()))

    def _end_calls(self, id_text: str) -> MockResponse:
        with self._store_lock:
            result_id = int(id_text) if _is_id(id_text) else None
            value = None if result_id is None else self.results.get(result_id)
            if result_id is None or value is None:
                return MockResponse(404, NOT_FOUND)
            if isinstance(value, StartedResult):
                value.cancel()
            elif isinstance(value, dict) and value.get("status") not in TERMINAL:
                self.results[result_id] = _cancelled(value)
            with self._lock:
                self._calls_ended.append(result_id)
        return MockResponse(200, _NO_BODY)

    def _next_result_id(self) -> int:
        ids = [i for i in self.results if isinstance(i, int)]
        self._last_result_id = max([self._last_result_id, *ids]) + 1
        return self._last_result_id

    def _next_run_id(self) -> int:
        highest = self._last_run_id
        for value in list(self.results.values()):
            if isinstance(value, StartedResult):
                highest = max([highest, *(run.id for run in value.runs)])
            elif isinstance(value, dict):
                highest = max([highest, *_run_ids(value)])
        return highest + 1

    def _drops(self, method: str, path: str) -> bool:
        """Whether ``drop_responses_to`` names this request."""
        target = f"{method} {path.rstrip('/')}"
        for entry in list(self.drop_responses_to):
            verb, _, where = entry.strip().partition(" ")
            if f"{verb.upper()} {where.strip().split('?', 1)[0].rstrip('/')}" == target:
                return True
        return False

    def start(self) -> Self:
        """Serve in a background thread (once; later calls do nothing); returns the server."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="mock-cekura",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        """start()"""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """stop()"""
        self.stop()


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _listable(value: Any) -> JSON | None:
    """The payload the list shows for a stored value, or None to leave it out."""
    if isinstance(value, StartedResult):
        return value.payload()
    if isinstance(value, MockResponse):
        ok = 200 <= value.status < 300 and isinstance(value.body, dict)
        return value.body if ok else None
    return value if isinstance(value, dict) else None


def _run_ids(payload: JSON) -> list[int]:
    runs = payload.get("runs")
    ids = [0]
    if isinstance(runs, dict):
        ids += [int(key) for key in runs if isinstance(key, str) and _is_id(key)]
        runs = list(runs.values())
    for run in runs if isinstance(runs, list) else []:
        if isinstance(run, dict) and isinstance(run.get("id"), int):
            ids.append(run["id"])
    return ids


def _cancelled(payload: JSON) -> JSON:
    """A copy of an unfinished result's payload after end_calls: it and its unfinished runs
    are cancelled."""
    result = copy.deepcopy(payload)
    result["status"] = "cancelled"
    runs = result.get("runs")
    for run in runs.values() if isinstance(runs, dict) else runs or []:
        if isinstance(run, dict) and run.get("status") not in TERMINAL:
            run["status"] = "cancelled"
    return result
