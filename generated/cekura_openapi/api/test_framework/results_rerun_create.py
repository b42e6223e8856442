from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.result import Result
from ...types import Response


def _get_kwargs(
    id: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/test_framework/v2/results/{id}/rerun/".format(
            id=quote(str(id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Result | None:
    if response.status_code == 200:
        response_200 = Result.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Result]:
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
) -> Response[Result]:
    """Re-run the scenarios from a completed test result

     Re-execute every scenario from a completed result against the same agent, creating a new result with
    a fresh set of runs. The connection mode (voice or text) and provider are inherited from the
    original runs. Consumes simulation credits (one run per scenario) and launches live calls, so the
    new result populates asynchronously.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Result]
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
) -> Result | None:
    """Re-run the scenarios from a completed test result

     Re-execute every scenario from a completed result against the same agent, creating a new result with
    a fresh set of runs. The connection mode (voice or text) and provider are inherited from the
    original runs. Consumes simulation credits (one run per scenario) and launches live calls, so the
    new result populates asynchronously.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Result
    """

    return sync_detailed(
        id=id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
) -> Response[Result]:
    """Re-run the scenarios from a completed test result

     Re-execute every scenario from a completed result against the same agent, creating a new result with
    a fresh set of runs. The connection mode (voice or text) and provider are inherited from the
    original runs. Consumes simulation credits (one run per scenario) and launches live calls, so the
    new result populates asynchronously.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Result]
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
) -> Result | None:
    """Re-run the scenarios from a completed test result

     Re-execute every scenario from a completed result against the same agent, creating a new result with
    a fresh set of runs. The connection mode (voice or text) and provider are inherited from the
    original runs. Consumes simulation credits (one run per scenario) and launches live calls, so the
    new result populates asynchronously.

    Args:
        id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Result
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
        )
    ).parsed
