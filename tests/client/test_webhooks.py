"""The webhook receiver: secret verification, typed events, clear errors, no secret leaks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from cekura_client import ResultStatus
from cekura_client.testing import payloads
from cekura_client.webhooks import (
    PreTriggerEvent,
    ResultCompletedEvent,
    UnknownEvent,
    WebhookPayloadError,
    WebhookVerificationError,
    parse_event,
    verify_secret,
)
from tests.support.loopback import Behaviour, Recorded, loopback, respond

SECRET = "whsec-9d1e77c2b0"
HEADERS = {"X-CEKURA-SECRET": SECRET, "Content-Type": "application/json"}


def body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def test_result_completed_carries_the_same_result_model() -> None:
    event = parse_event(body(payloads.webhook_result_completed()), HEADERS, secret=SECRET)
    assert isinstance(event, ResultCompletedEvent)
    result = event.result
    assert result.status is ResultStatus.COMPLETED and result.id == 1002
    run = result.run(86103)
    assert (run.scenario_id, run.scenario_name) == (7003, "Insurance question")
    assert [r.id for r in result.failed_runs] == [86102, 86103]


def test_pre_trigger_carries_id_runs_and_idempotency_key() -> None:
    headers = {**HEADERS, "X-CEKURA-IDEMPOTENCY-KEY": "evt_01HZX3"}
    event = parse_event(body(payloads.webhook_pre_trigger()), headers, secret=SECRET)
    assert isinstance(event, PreTriggerEvent)
    assert event.result_id == 1003
    assert [run.id for run in event.runs] == [86201, 86202, 86203]
    assert event.idempotency_key == "evt_01HZX3"


def test_unknown_event_is_returned_not_raised() -> None:
    payload = {"event_type": "agent.updated", "data": {"agent_id": 512}}
    event = parse_event(body(payload), HEADERS, secret=SECRET)
    assert event == UnknownEvent(event_type="agent.updated", data={"agent_id": 512}, raw=payload)


@pytest.mark.parametrize(
    "headers",
    [
        {"x-cekura-secret": SECRET},
        {"X-Cekura-Secret": SECRET},
        httpx.Headers({"x-cekura-secret": SECRET}),
    ],
)
def test_header_name_is_case_insensitive(headers: Any) -> None:
    verify_secret(headers, SECRET)


@pytest.mark.parametrize(
    ("headers", "secret", "message"),
    [
        ({}, SECRET, "missing X-CEKURA-SECRET header"),
        ({"X-CEKURA-SECRET": "whsec-guess"}, SECRET, "wrong X-CEKURA-SECRET header"),
        ({"X-CEKURA-SECRET": SECRET + "x"}, SECRET, "wrong X-CEKURA-SECRET header"),
        ({"X-CEKURA-SECRET": ""}, SECRET, "wrong X-CEKURA-SECRET header"),
        ({"X-CEKURA-SECRET": ""}, "", "no webhook secret is configured; refusing every request"),
        ({}, "", "no webhook secret is configured; refusing every request"),
    ],
)
def test_bad_secrets_never_verify(headers: dict[str, str], secret: str, message: str) -> None:
    with pytest.raises(WebhookVerificationError) as info:
        parse_event(body(payloads.webhook_result_completed()), headers, secret=secret)
    assert str(info.value) == message
    assert SECRET not in repr(info.value) and "whsec-guess" not in str(info.value)


def test_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import hmac

    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    verify_secret(HEADERS, SECRET)
    assert calls == [(SECRET.encode(), SECRET.encode())]


@pytest.mark.parametrize(
    ("raw", "message", "path"),
    [
        (b"<html>", "the body is not JSON: Expecting value", None),
        (b"\xff\xfe", "the body is not JSON", None),
        (b"[1, 2]", "the body is not a JSON object", None),
        (b'{"data": {}}', "the body has no event_type string", "event_type"),
        (b'{"event_type": 3}', "the body has no event_type string", "event_type"),
        (
            b'{"event_type": "result.completed", "data": null}',
            "data: expected an object, got null",
            "data",
        ),
        (
            b'{"event_type": "result.pre_trigger", "data": {"runs": {}}}',
            "data.result_id: expected an integer, got null",
            "data.result_id",
        ),
    ],
)
def test_bodies_that_are_not_events(raw: bytes, message: str, path: str | None) -> None:
    with pytest.raises(WebhookPayloadError) as info:
        parse_event(raw, HEADERS, secret=SECRET)
    assert str(info.value).startswith(message)
    assert info.value.path == path
    assert SECRET not in str(info.value)


def test_bad_field_in_completed_result_names_the_path() -> None:
    payload = payloads.webhook_result_completed()
    payload["data"]["total_runs_count"] = "many"
    with pytest.raises(WebhookPayloadError) as info:
        parse_event(body(payload), HEADERS, secret=SECRET)
    assert str(info.value) == "data.total_runs_count: expected an integer, got string 'many'"
    assert info.value.path == "data.total_runs_count"


class Receiver:
    """What a user's endpoint does, on a plain loopback server: verify, parse, answer."""

    def __init__(self) -> None:
        self.events: list[Any] = []

    def __call__(self, request: Recorded) -> Behaviour:
        try:
            event = parse_event(request.body, request.headers, secret=SECRET)
        except WebhookVerificationError:
            return respond(401)
        except WebhookPayloadError:
            return respond(400)
        self.events.append(event)
        return respond(204)


@pytest.fixture
def receiver_app() -> Receiver:
    return Receiver()


@pytest.fixture
def receiver(receiver_app: Receiver) -> Iterator[str]:
    with loopback(receiver_app) as server:
        yield f"{server.url}/hooks/cekura"


def test_receiver_over_real_sockets(receiver: str, receiver_app: Receiver) -> None:
    completed = body(payloads.webhook_result_completed())
    with httpx.Client() as client:
        ok = client.post(receiver, content=completed, headers=HEADERS)
        wrong = client.post(receiver, content=completed, headers={"X-CEKURA-SECRET": "nope"})
        garbage = client.post(receiver, content=b"not json", headers=HEADERS)
        pre = client.post(
            receiver,
            content=body(payloads.webhook_pre_trigger()),
            headers={**HEADERS, "X-CEKURA-IDEMPOTENCY-KEY": "evt_1"},
        )
    assert [ok.status_code, wrong.status_code, garbage.status_code, pre.status_code] == [
        204,
        401,
        400,
        204,
    ]
    completed_event, pre_event = receiver_app.events
    assert isinstance(completed_event, ResultCompletedEvent) and completed_event.result.id == 1002
    assert isinstance(pre_event, PreTriggerEvent) and pre_event.idempotency_key == "evt_1"
