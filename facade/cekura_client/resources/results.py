"""``client.results``: test results (``/test_framework/v1/results/``).

Requests are built by the generated operation module (paths, parameters); the facade sends
them through the shared transport and parses the body with its own models, because the
generated model keeps the spec's wrong types and raises on status values it does not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from .._base_client import BaseClient, check_id, json_object
from .._exceptions import CekuraError, ResponseValidationError
from .._operations import GET_RESULT, operation_module
from .._polling import DEFAULT_WAIT_TIMEOUT, OnUpdate, Poller
from ..types.result import Result

if TYPE_CHECKING:
    from .._client import AsyncCekura, Cekura, RequestTimeout

__all__ = ["AsyncResults", "Results"]

USE_CLIENT_DEFAULT = httpx.USE_CLIENT_DEFAULT


def _get_request(result_id: int | str) -> dict[str, Any]:
    """Method and URL of Get Result, from the generated client (ID checked first)."""
    request: dict[str, Any] = operation_module(GET_RESULT)._get_kwargs(
        id=check_id(result_id, "result_id")
    )
    return request


def parse_result(response: httpx.Response) -> Result:
    """A :class:`Result` from a Get Result response, or the facade's typed error."""
    try:
        if response.is_success:
            try:
                return Result.from_json(response.content)  # bytes -> typed objects, in C
            except ResponseValidationError as exc:
                if exc.path:
                    raise
        return Result.from_dict(json_object(response))  # the body's own error message
    except ResponseValidationError as exc:
        exc.set_request(response.request)
        raise


def _poller(
    client: BaseClient,
    result_id: int | str,
    timeout: float,
    poll_interval: float | None,
    on_update: OnUpdate | None,
) -> Poller:
    """The state of one ``wait`` (ID checked before any request), for either client."""
    return Poller(
        check_id(result_id, "result_id"),
        clock=client._clock,
        timeout=timeout,
        poll_interval=poll_interval,
        on_update=on_update,
    )


class Results:
    """Synchronous access to test results."""

    def __init__(self, client: Cekura) -> None:
        self._client = client

    def get(
        self,
        result_id: int,
        *,
        timeout: RequestTimeout = USE_CLIENT_DEFAULT,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result:
        """Fetch one result by ID.

        Raises NotFoundError (404), AuthenticationError (401), RateLimitError, ServerError,
        APIConnectionError/APITimeoutError after the transport's retries, ResponseValidationError
        when the body does not fit, InvalidRequestError for an ID that is not a positive integer.
        """
        response = self._client._send(
            _get_request(result_id), timeout=timeout, extra_headers=extra_headers
        )
        return parse_result(response)

    def wait(
        self,
        result_id: int,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_update: OnUpdate | None = None,
    ) -> Result:
        """Poll until the result is terminal (completed, failed, timeout, cancelled); return it.

        Polls every 2 s at first, then 1.5x slower each time up to every 20 s (``poll_interval``
        fixes the interval). Connection errors, 429 and 5xx do not end the wait; 401, 403, 404
        and malformed bodies do, with their typed error. ``on_update(result)`` is called when
        the status or the number of completed runs changes. Past ``timeout`` seconds it raises
        WaitTimeoutError carrying the last Result seen.
        """
        poller = _poller(self._client, result_id, timeout, poll_interval, on_update)
        while True:
            try:
                result = self.get(poller.result_id)
            except CekuraError as exc:
                poller.failed(exc)
            else:
                if poller.observe(result):
                    return result
            poller.clock.sleep(poller.next_delay())


class AsyncResults:
    """Asynchronous access to test results; mirrors :class:`Results`."""

    def __init__(self, client: AsyncCekura) -> None:
        self._client = client

    async def get(
        self,
        result_id: int,
        *,
        timeout: RequestTimeout = USE_CLIENT_DEFAULT,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result:
        """Fetch one result by ID. See :meth:`Results.get`."""
        response = await self._client._send(
            _get_request(result_id), timeout=timeout, extra_headers=extra_headers
        )
        return parse_result(response)

    async def wait(
        self,
        result_id: int,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_update: OnUpdate | None = None,
    ) -> Result:
        """Poll until the result is terminal; see :meth:`Results.wait`."""
        poller = _poller(self._client, result_id, timeout, poll_interval, on_update)
        while True:
            try:
                result = await self.get(poller.result_id)
            except CekuraError as exc:
                poller.failed(exc)
            else:
                if poller.observe(result):
                    return result
            await poller.clock.async_sleep(poller.next_delay())
