from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.scenarios_run_text_3_response_201 import ScenariosRunText3Response201
from ...models.scenarios_run_text_3_response_400 import ScenariosRunText3Response400
from ...models.schema_post_run_scenarios_text import SchemaPostRunScenariosText
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: SchemaPostRunScenariosText | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/test_framework/v2/scenarios/run_scenarios_text/",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ScenariosRunText3Response201 | ScenariosRunText3Response400 | None:
    if response.status_code == 201:
        response_201 = ScenariosRunText3Response201.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ScenariosRunText3Response400.from_dict(response.json())

        return response_400

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ScenariosRunText3Response201 | ScenariosRunText3Response400]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SchemaPostRunScenariosText | Unset = UNSET,
) -> Response[ScenariosRunText3Response201 | ScenariosRunText3Response400]:
    """Run evaluators in text / SMS / chat mode

     TEXT / SMS / CHAT RUN: Execute evaluators against your agent using text-only simulation (SMS, chat,
    or an agent-hosted websocket). Cheaper than voice — billed at the text-simulation rate. Requires a
    chat connection (`provider.chat_agent_details`) on the agent, or a websocket URL for `self_hosted`
    agents.

    **Run-count math:** total conversations = `len(scenarios) × frequency × max(1, len(personality_ids))
    × max(1, len(test_profile_ids))`.

    **Concurrency:** use `concurrency_limit` to cap parallel conversations. Default: unbounded (subject
    to provider rate limits).

    **Scenario selection (pick one):**
    - `scenarios` — list of integer evaluator IDs (e.g. `[101, 102]`)
    - `tags` — select by tag
    - `folder_path` — select by folder path (e.g. `"Sales.Inbound"`); requires `project_id`

    **Websocket override:** if the agent exposes a plain websocket URL for text, pass it as
    `websocket_url` — this bypasses the agent's standard text-readiness check. Pass `websocket_headers`
    (JSON object) to override connection headers for this run — merged over the agent's configured
    headers, with the per-run values winning.

    **When to use this vs others** (pick the endpoint matching the agent's configured connection — check
    `aiagents_retrieve`):
    - `run_scenarios` — real voice / phone / SIP call
    - `run_scenarios_with_websockets` — each scenario carries its own websocket URL (bulk)
    - `run_scenarios_pipecat` — Pipecat/Daily.co WebRTC deployment

    **`self_hosted` agents:** agents with `assistant_provider="self_hosted"` require a websocket URL.
    Either pre-configure `websocket_url` on the agent, or pass it directly in this request. Without it,
    the run fails with `["Agent does not have a websocket URL"]`. Passing `websocket_url` here changes
    the result's `run_type` to `"WebSocket"` instead of `"Text"`.

    **Personality override:** `personality_ids` must be IDs that are already enabled for the agent's
    project. Check which are enabled via `aiagents_retrieve` → `enabled_personalities` field. To enable
    a new personality, call `aiagents_partial_update` with the updated `enabled_personalities` list
    before using it here. Note: enabling a personality applies project-wide, not just to one agent.
    Passing an ID that is not enabled returns `["Invalid personalities provided."]`.

    **Scheduled runs:** to run on a cron schedule, create a CronJob via `POST
    /test_framework/v1/cron_jobs/` with `execution_mode="text"` instead.

    **Polling for completion:** the response contains a `result.id` with `status: 'running'`. Poll `GET
    /test_framework/v1/results/{result_id}/` until `status` is 'completed' or 'failed'. There is no
    separate progress endpoint for runs. Check `failed_reasons` for infrastructure errors; check
    `runs[run_id].error_message` for per-run errors.

    Args:
        body (SchemaPostRunScenariosText | Unset): Schema for the run_scenarios_text endpoint,
            which runs scenarios in text mode
            (SMS, chat, or agent-hosted websocket).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ScenariosRunText3Response201 | ScenariosRunText3Response400]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SchemaPostRunScenariosText | Unset = UNSET,
) -> ScenariosRunText3Response201 | ScenariosRunText3Response400 | None:
    """Run evaluators in text / SMS / chat mode

     TEXT / SMS / CHAT RUN: Execute evaluators against your agent using text-only simulation (SMS, chat,
    or an agent-hosted websocket). Cheaper than voice — billed at the text-simulation rate. Requires a
    chat connection (`provider.chat_agent_details`) on the agent, or a websocket URL for `self_hosted`
    agents.

    **Run-count math:** total conversations = `len(scenarios) × frequency × max(1, len(personality_ids))
    × max(1, len(test_profile_ids))`.

    **Concurrency:** use `concurrency_limit` to cap parallel conversations. Default: unbounded (subject
    to provider rate limits).

    **Scenario selection (pick one):**
    - `scenarios` — list of integer evaluator IDs (e.g. `[101, 102]`)
    - `tags` — select by tag
    - `folder_path` — select by folder path (e.g. `"Sales.Inbound"`); requires `project_id`

    **Websocket override:** if the agent exposes a plain websocket URL for text, pass it as
    `websocket_url` — this bypasses the agent's standard text-readiness check. Pass `websocket_headers`
    (JSON object) to override connection headers for this run — merged over the agent's configured
    headers, with the per-run values winning.

    **When to use this vs others** (pick the endpoint matching the agent's configured connection — check
    `aiagents_retrieve`):
    - `run_scenarios` — real voice / phone / SIP call
    - `run_scenarios_with_websockets` — each scenario carries its own websocket URL (bulk)
    - `run_scenarios_pipecat` — Pipecat/Daily.co WebRTC deployment

    **`self_hosted` agents:** agents with `assistant_provider="self_hosted"` require a websocket URL.
    Either pre-configure `websocket_url` on the agent, or pass it directly in this request. Without it,
    the run fails with `["Agent does not have a websocket URL"]`. Passing `websocket_url` here changes
    the result's `run_type` to `"WebSocket"` instead of `"Text"`.

    **Personality override:** `personality_ids` must be IDs that are already enabled for the agent's
    project. Check which are enabled via `aiagents_retrieve` → `enabled_personalities` field. To enable
    a new personality, call `aiagents_partial_update` with the updated `enabled_personalities` list
    before using it here. Note: enabling a personality applies project-wide, not just to one agent.
    Passing an ID that is not enabled returns `["Invalid personalities provided."]`.

    **Scheduled runs:** to run on a cron schedule, create a CronJob via `POST
    /test_framework/v1/cron_jobs/` with `execution_mode="text"` instead.

    **Polling for completion:** the response contains a `result.id` with `status: 'running'`. Poll `GET
    /test_framework/v1/results/{result_id}/` until `status` is 'completed' or 'failed'. There is no
    separate progress endpoint for runs. Check `failed_reasons` for infrastructure errors; check
    `runs[run_id].error_message` for per-run errors.

    Args:
        body (SchemaPostRunScenariosText | Unset): Schema for the run_scenarios_text endpoint,
            which runs scenarios in text mode
            (SMS, chat, or agent-hosted websocket).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ScenariosRunText3Response201 | ScenariosRunText3Response400
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SchemaPostRunScenariosText | Unset = UNSET,
) -> Response[ScenariosRunText3Response201 | ScenariosRunText3Response400]:
    """Run evaluators in text / SMS / chat mode

     TEXT / SMS / CHAT RUN: Execute evaluators against your agent using text-only simulation (SMS, chat,
    or an agent-hosted websocket). Cheaper than voice — billed at the text-simulation rate. Requires a
    chat connection (`provider.chat_agent_details`) on the agent, or a websocket URL for `self_hosted`
    agents.

    **Run-count math:** total conversations = `len(scenarios) × frequency × max(1, len(personality_ids))
    × max(1, len(test_profile_ids))`.

    **Concurrency:** use `concurrency_limit` to cap parallel conversations. Default: unbounded (subject
    to provider rate limits).

    **Scenario selection (pick one):**
    - `scenarios` — list of integer evaluator IDs (e.g. `[101, 102]`)
    - `tags` — select by tag
    - `folder_path` — select by folder path (e.g. `"Sales.Inbound"`); requires `project_id`

    **Websocket override:** if the agent exposes a plain websocket URL for text, pass it as
    `websocket_url` — this bypasses the agent's standard text-readiness check. Pass `websocket_headers`
    (JSON object) to override connection headers for this run — merged over the agent's configured
    headers, with the per-run values winning.

    **When to use this vs others** (pick the endpoint matching the agent's configured connection — check
    `aiagents_retrieve`):
    - `run_scenarios` — real voice / phone / SIP call
    - `run_scenarios_with_websockets` — each scenario carries its own websocket URL (bulk)
    - `run_scenarios_pipecat` — Pipecat/Daily.co WebRTC deployment

    **`self_hosted` agents:** agents with `assistant_provider="self_hosted"` require a websocket URL.
    Either pre-configure `websocket_url` on the agent, or pass it directly in this request. Without it,
    the run fails with `["Agent does not have a websocket URL"]`. Passing `websocket_url` here changes
    the result's `run_type` to `"WebSocket"` instead of `"Text"`.

    **Personality override:** `personality_ids` must be IDs that are already enabled for the agent's
    project. Check which are enabled via `aiagents_retrieve` → `enabled_personalities` field. To enable
    a new personality, call `aiagents_partial_update` with the updated `enabled_personalities` list
    before using it here. Note: enabling a personality applies project-wide, not just to one agent.
    Passing an ID that is not enabled returns `["Invalid personalities provided."]`.

    **Scheduled runs:** to run on a cron schedule, create a CronJob via `POST
    /test_framework/v1/cron_jobs/` with `execution_mode="text"` instead.

    **Polling for completion:** the response contains a `result.id` with `status: 'running'`. Poll `GET
    /test_framework/v1/results/{result_id}/` until `status` is 'completed' or 'failed'. There is no
    separate progress endpoint for runs. Check `failed_reasons` for infrastructure errors; check
    `runs[run_id].error_message` for per-run errors.

    Args:
        body (SchemaPostRunScenariosText | Unset): Schema for the run_scenarios_text endpoint,
            which runs scenarios in text mode
            (SMS, chat, or agent-hosted websocket).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ScenariosRunText3Response201 | ScenariosRunText3Response400]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SchemaPostRunScenariosText | Unset = UNSET,
) -> ScenariosRunText3Response201 | ScenariosRunText3Response400 | None:
    """Run evaluators in text / SMS / chat mode

     TEXT / SMS / CHAT RUN: Execute evaluators against your agent using text-only simulation (SMS, chat,
    or an agent-hosted websocket). Cheaper than voice — billed at the text-simulation rate. Requires a
    chat connection (`provider.chat_agent_details`) on the agent, or a websocket URL for `self_hosted`
    agents.

    **Run-count math:** total conversations = `len(scenarios) × frequency × max(1, len(personality_ids))
    × max(1, len(test_profile_ids))`.

    **Concurrency:** use `concurrency_limit` to cap parallel conversations. Default: unbounded (subject
    to provider rate limits).

    **Scenario selection (pick one):**
    - `scenarios` — list of integer evaluator IDs (e.g. `[101, 102]`)
    - `tags` — select by tag
    - `folder_path` — select by folder path (e.g. `"Sales.Inbound"`); requires `project_id`

    **Websocket override:** if the agent exposes a plain websocket URL for text, pass it as
    `websocket_url` — this bypasses the agent's standard text-readiness check. Pass `websocket_headers`
    (JSON object) to override connection headers for this run — merged over the agent's configured
    headers, with the per-run values winning.

    **When to use this vs others** (pick the endpoint matching the agent's configured connection — check
    `aiagents_retrieve`):
    - `run_scenarios` — real voice / phone / SIP call
    - `run_scenarios_with_websockets` — each scenario carries its own websocket URL (bulk)
    - `run_scenarios_pipecat` — Pipecat/Daily.co WebRTC deployment

    **`self_hosted` agents:** agents with `assistant_provider="self_hosted"` require a websocket URL.
    Either pre-configure `websocket_url` on the agent, or pass it directly in this request. Without it,
    the run fails with `["Agent does not have a websocket URL"]`. Passing `websocket_url` here changes
    the result's `run_type` to `"WebSocket"` instead of `"Text"`.

    **Personality override:** `personality_ids` must be IDs that are already enabled for the agent's
    project. Check which are enabled via `aiagents_retrieve` → `enabled_personalities` field. To enable
    a new personality, call `aiagents_partial_update` with the updated `enabled_personalities` list
    before using it here. Note: enabling a personality applies project-wide, not just to one agent.
    Passing an ID that is not enabled returns `["Invalid personalities provided."]`.

    **Scheduled runs:** to run on a cron schedule, create a CronJob via `POST
    /test_framework/v1/cron_jobs/` with `execution_mode="text"` instead.

    **Polling for completion:** the response contains a `result.id` with `status: 'running'`. Poll `GET
    /test_framework/v1/results/{result_id}/` until `status` is 'completed' or 'failed'. There is no
    separate progress endpoint for runs. Check `failed_reasons` for infrastructure errors; check
    `runs[run_id].error_message` for per-run errors.

    Args:
        body (SchemaPostRunScenariosText | Unset): Schema for the run_scenarios_text endpoint,
            which runs scenarios in text mode
            (SMS, chat, or agent-hosted websocket).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ScenariosRunText3Response201 | ScenariosRunText3Response400
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
