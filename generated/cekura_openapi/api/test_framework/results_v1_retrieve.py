from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.result_detail_v2 import ResultDetailV2
from ...models.results_v1_retrieve_response_404 import ResultsV1RetrieveResponse404
from ...types import Response


def _get_kwargs(
    id: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/test_framework/v1/results/{id}/".format(
            id=quote(str(id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ResultDetailV2 | ResultsV1RetrieveResponse404 | None:
    if response.status_code == 200:
        response_200 = ResultDetailV2.from_dict(response.json())

        return response_200

    if response.status_code == 404:
        response_404 = ResultsV1RetrieveResponse404.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ResultDetailV2 | ResultsV1RetrieveResponse404]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
) -> Response[ResultDetailV2 | ResultsV1RetrieveResponse404]:
    """Retrieve a test result

     `success` indicates whether the run passed its quality evaluation. A run with `success=false` either
    failed to connect (check `error_message`) or failed an evaluation check (check `evaluation`).
    `success_rate` is the percentage of runs with `success=true`.

    The `runs` field is a dict keyed by run ID string (e.g. `{"86368": {...}, "86367": {...}}`), not an
    array — unlike the list endpoint. Each run also has a `call_id` STRING field (the provider's call
    identifier) — that is a data field, NOT an endpoint ID; do not pass it where `run_id` is expected.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ResultDetailV2 | ResultsV1RetrieveResponse404]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient,
) -> ResultDetailV2 | ResultsV1RetrieveResponse404 | None:
    """Retrieve a test result

     `success` indicates whether the run passed its quality evaluation. A run with `success=false` either
    failed to connect (check `error_message`) or failed an evaluation check (check `evaluation`).
    `success_rate` is the percentage of runs with `success=true`.

    The `runs` field is a dict keyed by run ID string (e.g. `{"86368": {...}, "86367": {...}}`), not an
    array — unlike the list endpoint. Each run also has a `call_id` STRING field (the provider's call
    identifier) — that is a data field, NOT an endpoint ID; do not pass it where `run_id` is expected.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ResultDetailV2 | ResultsV1RetrieveResponse404
    """

    return sync_detailed(
        id=id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
) -> Response[ResultDetailV2 | ResultsV1RetrieveResponse404]:
    """Retrieve a test result

     `success` indicates whether the run passed its quality evaluation. A run with `success=false` either
    failed to connect (check `error_message`) or failed an evaluation check (check `evaluation`).
    `success_rate` is the percentage of runs with `success=true`.

    The `runs` field is a dict keyed by run ID string (e.g. `{"86368": {...}, "86367": {...}}`), not an
    array — unlike the list endpoint. Each run also has a `call_id` STRING field (the provider's call
    identifier) — that is a data field, NOT an endpoint ID; do not pass it where `run_id` is expected.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ResultDetailV2 | ResultsV1RetrieveResponse404]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient,
) -> ResultDetailV2 | ResultsV1RetrieveResponse404 | None:
    """Retrieve a test result

     `success` indicates whether the run passed its quality evaluation. A run with `success=false` either
    failed to connect (check `error_message`) or failed an evaluation check (check `evaluation`).
    `success_rate` is the percentage of runs with `success=true`.

    The `runs` field is a dict keyed by run ID string (e.g. `{"86368": {...}, "86367": {...}}`), not an
    array — unlike the list endpoint. Each run also has a `call_id` STRING field (the provider's call
    identifier) — that is a data field, NOT an endpoint ID; do not pass it where `run_id` is expected.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ResultDetailV2 | ResultsV1RetrieveResponse404
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
        )
    ).parsed
