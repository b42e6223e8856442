"""The mock server's run operations, without HTTP: validating a run-start body as Cekura (Django
REST framework) does, results started on the mock and how they progress, and the results list."""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode

import attrs

from . import payloads

__all__ = [
    "MAX_RUNS",
    "Listed",
    "PlannedRun",
    "RunRequest",
    "StartedResult",
    "list_page",
    "parse_run_request",
    "plan_runs",
    "scenario_order",
]

JSON = dict[str, Any]
#: What an operation answers: status and JSON body (None: no body at all).
Answer = tuple[int, Any]

#: The most calls the mock starts for one request (a typo in ``frequency`` must not eat memory).
MAX_RUNS = 10_000
TERMINAL = frozenset({"completed", "failed", "timeout", "cancelled"})
NOT_FOUND: JSON = {"detail": "Not found."}

# Django REST framework's messages, word for word.
_INVALID_INT = "A valid integer is required."
_NOT_NULL = "This field may not be null."
_NOT_BLANK = "This field may not be blank."
_NOT_STRING = "Not a valid string."
_MIN_ONE = "Ensure this value is greater than or equal to 1."
_MAX_NAME = "Ensure this field has no more than 255 characters."
_MODES = ("same_number", "different_numbers")
# DRF's IntegerField takes ints, integral floats and integer strings ("12", "12.0").
_INT_TEXT = re.compile(r"^\s*[-+]?[0-9]+(\.0*)?\s*$")


def now_iso() -> str:
    """Now in UTC, as Cekura writes it: ``2026-11-20T14:02:58.118204Z``."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- validating a run-start body -----------------------------------------------------------


class _Missing:
    pass


_MISSING = _Missing()


def _to_int(value: Any) -> int | None:
    """DRF's IntegerField: the int, or None if ``value`` is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INT_TEXT.match(value):
        return int(value.strip().split(".", 1)[0])
    return None


class _Fields:
    """Field-level validation of a JSON object; ``errors`` collects DRF-shaped messages."""

    def __init__(self, body: JSON) -> None:
        self.body = body
        self.errors: dict[str, Any] = {}

    def _get(self, name: str, nullable: bool) -> Any:
        value = self.body.get(name, _MISSING)
        if value is None and not nullable:
            self.errors[name] = [_NOT_NULL]
            return _MISSING
        return value

    def integer(self, name: str, *, minimum: int | None = None, nullable: bool = False) -> Any:
        value = self._get(name, nullable)
        if value is _MISSING or value is None:
            return None
        number = _to_int(value)
        if number is None:
            self.errors[name] = [_INVALID_INT]
        elif minimum is not None and number < minimum:
            self.errors[name] = [_MIN_ONE]
        else:
            return number
        return None

    def text(self, name: str, *, allow_blank: bool = False, max_length: int | None = None) -> Any:
        value = self._get(name, False)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.errors[name] = [_NOT_STRING]
            return None
        text = str(value).strip()
        if not text and not allow_blank:
            self.errors[name] = [_NOT_BLANK]
        elif max_length is not None and len(text) > max_length:
            self.errors[name] = [_MAX_NAME]
        else:
            return text
        return None

    def _items(self, name: str, nullable: bool) -> list[Any] | None:
        value = self._get(name, nullable)
        if value is _MISSING or value is None:
            return None
        if not isinstance(value, list):
            self.errors[name] = [f'Expected a list of items but got type "{type(value).__name__}".']
            return None
        return value

    def integers(self, name: str, *, nullable: bool = False) -> list[int] | None:
        items = self._items(name, nullable)
        if items is None:
            return None
        numbers = [_to_int(item) for item in items]
        # DRF's ListField reports each bad item under its index.
        bad = {str(i): [_INVALID_INT] for i, n in enumerate(numbers) if n is None}
        if bad:
            self.errors[name] = bad
            return None
        return [n for n in numbers if n is not None]

    def texts(self, name: str) -> list[str] | None:
        items = self._items(name, False)
        if items is None:
            return None
        bad: dict[str, list[str]] = {}
        for i, item in enumerate(items):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                bad[str(i)] = [_NOT_STRING]
            elif not str(item).strip():
                bad[str(i)] = [_NOT_BLANK]
        if bad:
            self.errors[name] = bad
            return None
        return [str(item).strip() for item in items]


@attrs.frozen
class RunRequest:
    """A valid run-start body, its scenario selection resolved to scenario IDs."""

    agent_id: int
    scenarios: tuple[int, ...]
    frequency: int
    personality_ids: tuple[int, ...]
    test_profile_ids: tuple[int, ...]
    name: str | None
    project_id: int | None
    run_settings: JSON


def _resolve_folder(path: str) -> tuple[int, ...]:
    ids = {
        scenario
        for folder, scenarios in payloads.SCENARIO_FOLDERS.items()
        if folder == path or folder.startswith(path + ".")
        for scenario in scenarios
    }
    return tuple(sorted(ids))


def _merge(ids: list[int] | None, single: int | None) -> tuple[int, ...]:
    merged = list(ids or [])
    if single is not None and single not in merged:
        merged.append(single)
    return tuple(merged)


def parse_run_request(body: Any, *, text: bool) -> RunRequest | JSON:
    """The run request of a run_scenarios (or, with ``text``, run_scenarios_text) JSON body, or
    the 400 body that Cekura answers for it (field errors first, then the first rule broken)."""
    if not isinstance(body, dict):
        kind = "list" if isinstance(body, list) else type(body).__name__
        return {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
    fields = _Fields(body)
    agent_id = fields.integer("agent_id")
    assistant_id = fields.text("assistant_id")
    raw_scenarios = body.get("scenarios")
    # The spec lets `scenarios` carry a folder path string instead of a list of IDs.
    scenario_folder = fields.text("scenarios") if isinstance(raw_scenarios, str) else None
    scenarios = None if isinstance(raw_scenarios, str) else fields.integers("scenarios")
    tags = fields.texts("tags")
    folder_path = fields.text("folder_path")
    project_id = fields.integer("project_id")
    frequency = fields.integer("frequency", minimum=1)
    concurrency_limit = fields.integer("concurrency_limit", minimum=1)
    name = fields.text("name", allow_blank=True, max_length=255)
    personality_ids = fields.integers("personality_ids", nullable=True)
    test_profile_ids = fields.integers("test_profile_ids", nullable=True)
    personality_id = fields.integer("personality_id", nullable=True)
    test_profile_id = fields.integer("test_profile_id", nullable=True)
    mode = None
    if not text:
        mode = fields.text("mode")
        if mode is not None and mode not in _MODES:
            fields.errors["mode"] = [f'"{mode}" is not a valid choice.']
    websocket_url = fields.text("websocket_url") if text else None
    if fields.errors:
        return fields.errors

    if agent_id is None and assistant_id is None:
        return {"non_field_errors": ["Either agent_id or assistant_id must be provided."]}
    folder = folder_path or scenario_folder
    chosen = [x for x in (scenarios, tags, folder_path, scenario_folder) if x]
    if not chosen:
        return {"non_field_errors": ["Either scenarios, tags, or folder_path must be provided."]}
    if len(chosen) > 1:
        return {"non_field_errors": ["Provide only one of scenarios, tags, or folder_path."]}
    if folder and project_id is None:
        return {"project_id": ["project_id is required when folder_path is provided."]}
    if tags:
        selected = tuple(sorted({s for tag in tags for s in payloads.SCENARIO_TAGS.get(tag, ())}))
        if not selected:
            return {"tags": ["No scenarios found with the given tags."]}
    elif folder:
        selected = _resolve_folder(folder)
        if not selected:
            field = "folder_path" if folder_path else "scenarios"
            return {field: [f'No scenarios found in folder "{folder}".']}
    else:
        selected = tuple(scenarios or ())
    personalities = _merge(personality_ids, personality_id)
    profiles = _merge(test_profile_ids, test_profile_id)
    calls = len(selected) * (frequency or 1) * max(1, len(personalities)) * max(1, len(profiles))
    if calls > MAX_RUNS:
        detail = f"The mock starts at most {MAX_RUNS} runs a request; this one asks for {calls}."
        return {"non_field_errors": [detail]}
    settings: JSON = {
        "frequency": frequency or 1,
        "concurrency_limit": concurrency_limit,
        "personality_ids": list(personalities) or None,
        "test_profile_ids": list(profiles) or None,
    }
    if text:
        settings["websocket_url"] = websocket_url
    else:
        settings["mode"] = mode or "same_number"
    return RunRequest(
        # Any assistant_id is the mock agent's: the mock knows no other assistants.
        agent_id=payloads.MOCK_AGENT_ID if agent_id is None else agent_id,
        scenarios=selected,
        frequency=frequency or 1,
        personality_ids=personalities,
        test_profile_ids=profiles,
        name=name or None,
        project_id=project_id,
        run_settings=settings,
    )


# --- a result started on the mock ------------------------------------------------------------


@attrs.frozen
class PlannedRun:
    """One call of a started result."""

    id: int
    scenario: int
    personality_id: int | None = None
    test_profile_id: int | None = None


def plan_runs(request: RunRequest, first_run_id: int) -> list[PlannedRun]:
    """Every call: ``len(scenarios) x frequency x max(1, len(personality_ids)) x
    max(1, len(test_profile_ids))``, scenario by scenario."""
    personalities: Sequence[int | None] = request.personality_ids or (None,)
    profiles: Sequence[int | None] = request.test_profile_ids or (None,)
    combos = [
        (scenario, personality, profile)
        for scenario in request.scenarios
        for personality in personalities
        for profile in profiles
        for _ in range(request.frequency)
    ]
    return [PlannedRun(first_run_id + i, *combo) for i, combo in enumerate(combos)]


class StartedResult:
    """A result started on the mock server (run_scenarios, run_scenarios_text or rerun).

    Each call (each GET of its detail) advances it: ``pending`` when started, ``running`` with
    more runs completed at each poll, ``completed`` at poll ``polls_to_complete``. A run fails
    when its scenario is in ``failing_scenarios``, else passes. ``cancel()`` (end_calls) stops
    it: ``cancelled``, with its unfinished runs. ``payload()`` is its detail without advancing.
    """

    def __init__(
        self,
        result_id: int,
        runs: Sequence[PlannedRun],
        *,
        agent_id: int,
        name: str,
        project_id: int | None = None,
        run_as_text: bool = False,
        run_type: str = "Voice",
        run_settings: JSON | None = None,
        polls_to_complete: int = 3,
        failing_scenarios: Iterable[int] = (),
    ) -> None:
        """A result of these runs, pending, created now."""
        if polls_to_complete < 1:
            raise ValueError(f"polls_to_complete must be at least 1, got {polls_to_complete}")
        self.id = result_id
        self.runs = tuple(runs)
        self.agent_id = agent_id
        self.name = name
        self.project_id = project_id
        self.run_as_text = run_as_text
        self.run_type = run_type
        self.run_settings = run_settings
        self.polls_to_complete = polls_to_complete
        self.failing_scenarios = frozenset(failing_scenarios)
        self.created_at = now_iso()
        self._updated_at = self.created_at
        self._polls = 0
        self._done = 0
        self._cancelled = False
        self._executed: dict[int, str] = {}
        self._lock = threading.Lock()

    @property
    def status(self) -> str:
        """pending, running, completed or cancelled."""
        if self._cancelled:
            return "cancelled"
        if self._polls == 0:
            return "pending"
        return "completed" if self._polls >= self.polls_to_complete else "running"

    @property
    def polls(self) -> int:
        """How many times it has advanced (GETs of its detail while it was unfinished)."""
        return self._polls

    @property
    def scenario_ids(self) -> list[int]:
        """Its scenarios, each once, in run order."""
        return list(dict.fromkeys(run.scenario for run in self.runs))

    def __call__(self) -> JSON:
        """Advance one poll (unless finished) and return the detail payload."""
        with self._lock:
            if self.status not in TERMINAL:
                self._polls += 1
                total = len(self.runs)
                done = total
                if self._polls < self.polls_to_complete:
                    done = math.ceil(total * self._polls / self.polls_to_complete)
                self._updated_at = now_iso()
                for run in self.runs[self._done : done]:
                    self._executed[run.id] = self._updated_at
                self._done = done
            return self._payload()

    def cancel(self) -> bool:
        """End its calls: cancelled unless already finished; whether it changed."""
        with self._lock:
            if self.status in TERMINAL:
                return False
            self._cancelled = True
            self._updated_at = now_iso()
            return True

    def payload(self) -> JSON:
        """The detail payload as it is now (without advancing)."""
        with self._lock:
            return self._payload()

    def _payload(self) -> JSON:
        status = self.status
        waiting = {"pending": "pending", "cancelled": "cancelled"}.get(status, "running")
        runs = []
        for index, planned in enumerate(self.runs):
            personality = payloads.personality_name(planned.personality_id)
            if index < self._done:
                run = payloads.finished_run(
                    planned.id,
                    planned.scenario,
                    index=index,
                    personality=personality,
                    passed=planned.scenario not in self.failing_scenarios,
                    executed_at=self._executed[planned.id],
                )
            else:
                run = payloads.unfinished_run(
                    planned.id, planned.scenario, status=waiting, personality=personality
                )
            run["test_profile"] = planned.test_profile_id
            runs.append(run)
        return payloads.started_result(
            self.id,
            runs,
            status=status,
            agent_id=self.agent_id,
            name=self.name,
            created_at=self.created_at,
            updated_at=self._updated_at,
            run_as_text=self.run_as_text,
            run_type=self.run_type,
            run_settings=self.run_settings,
        )

    def start_response(self) -> JSON:
        """The run-start (201) body: the result and one entry per call."""
        with self._lock:
            status = self.status
        runs = [
            {
                "id": run.id,
                "status": "pending",
                "scenario": run.scenario,
                "scenario_name": payloads.scenario_name(run.scenario),
                "number": None,
                "inbound_number": "+14155550123",
                "test_profile_data": None
                if run.test_profile_id is None
                else {"id": run.test_profile_id},
                "outbound_dial_window_opens_at": None,
                "outbound_dial_window_seconds": None,
                "outbound_dial_window_closes_at": None,
            }
            for run in self.runs
        ]
        return {
            "id": self.id,
            "agent": self.agent_id,
            "status": status,
            "success_rate": 0,
            "run_as_text": self.run_as_text,
            "runs": runs,
            "created_at": self.created_at,
        }

    def __repr__(self) -> str:
        return f"<StartedResult {self.id}: {self.status}, {len(self.runs)} runs>"


# --- the results list ------------------------------------------------------------------------


@attrs.frozen
class Listed:
    """A result the list can show: its ID, detail payload and project (None if unknown)."""

    id: int
    payload: JSON
    project_id: int | None


def _created(payload: JSON) -> dt.datetime | None:
    value = payload.get("created_at")
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def scenario_order(payload: JSON) -> list[int]:
    """A result payload's scenario IDs, each once: its ``scenarios``, then its runs'."""
    found: list[Any] = []
    for scenario in payload.get("scenarios") or []:
        found.append(scenario.get("id") if isinstance(scenario, dict) else scenario)
    runs = payload.get("runs")
    values = runs.values() if isinstance(runs, dict) else runs if isinstance(runs, list) else []
    for run in values:
        if isinstance(run, dict):
            scenario = run.get("scenario")
            found.append(scenario.get("id") if isinstance(scenario, dict) else scenario)
    ids = (_to_int(value) for value in found)
    return list(dict.fromkeys(i for i in ids if i is not None))


def _link(base: str, params: dict[str, list[str]], page: int | None) -> str:
    """DRF's replace_query_param / remove_query_param: sorted, ``page`` set or removed."""
    query = {k: v for k, v in params.items() if k != "page"}
    if page is not None:
        query["page"] = [str(page)]
    encoded = urlencode(sorted(query.items()), doseq=True)
    return f"{base}?{encoded}" if encoded else base


def list_page(entries: Iterable[Listed], query: str, base: str) -> Answer:
    """``GET /test_framework/v2/results/``: filter, newest first, one page; ``base`` is the
    absolute URL of the request without its query, for ``next`` and ``previous``."""
    params = parse_qs(query, keep_blank_values=True)

    def last(name: str) -> str:
        return params.get(name, [""])[-1]

    errors: JSON = {}
    numbers: dict[str, int | None] = {}
    for name in ("page", "page_size", "agent_id", "project_id"):
        text = last(name).strip()
        numbers[name] = None
        if text:
            if re.fullmatch(r"[-+]?[0-9]+", text):
                numbers[name] = int(text)
            else:
                errors[name] = [_INVALID_INT]
    wanted: set[int] = set()
    for item in filter(None, (part.strip() for part in last("scenarios").split(","))):
        if re.fullmatch(r"[0-9]+", item):
            wanted.add(int(item))
        else:
            errors["scenarios"] = [_INVALID_INT]
    size = numbers["page_size"]
    if size is not None and size < 1:
        errors["page_size"] = [_MIN_ONE]
    if errors:
        return 400, errors
    page = 1 if numbers["page"] is None else numbers["page"]
    size = 10 if size is None else min(size, 100)
    agent_id, project_id, search = numbers["agent_id"], numbers["project_id"], last("search")
    chosen = [
        entry
        for entry in entries
        if (agent_id is None or _to_int(entry.payload.get("agent")) == agent_id)
        and (project_id is None or entry.project_id == project_id)
        and (not search or search.lower() in str(entry.payload.get("name") or "").lower())
        and (not wanted or not wanted.isdisjoint(scenario_order(entry.payload)))
    ]
    oldest = dt.datetime.min.replace(tzinfo=dt.timezone.utc)

    def newest_first(entry: Listed) -> tuple[bool, dt.datetime, int]:
        created = _created(entry.payload)
        return created is not None, created or oldest, entry.id

    chosen.sort(key=newest_first, reverse=True)
    pages = max(1, math.ceil(len(chosen) / size))
    if not 1 <= page <= pages:
        return 404, {"detail": "Invalid page."}
    shown = chosen[(page - 1) * size : page * size]
    return 200, {
        "count": len(chosen),
        "next": _link(base, params, page + 1) if page < pages else None,
        "previous": None if page == 1 else _link(base, params, None if page == 2 else page - 1),
        "results": [payloads.list_item(entry.payload) for entry in shown],
    }
