"""``client.scenarios``: start a suite of scenarios against an agent, as voice calls or as
text chats. Each start places calls that Cekura bills, so the request is checked before it is
sent, and it is never sent twice (see :mod:`cekura_client._retry`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._config import NOT_GIVEN
from .._operations import RUN_SCENARIOS, RUN_SCENARIOS_TEXT, Operation
from .._suite import SuiteRequest
from ..types.result import Result

if TYPE_CHECKING:
    from .._client import AsyncCekura, Cekura
    from .._config import RequestTimeout

__all__ = ["AsyncScenarios", "Scenarios"]

_RUN_DOC = """Start the scenarios against agent ``agent_id``, as {mode}; returns the new
        result (``id``, ``status`` pending, its runs). Follow it with
        ``client.results.wait(result.id)``.

        Choose what runs with exactly one of ``scenarios`` (IDs), ``tags`` or ``folder`` (a
        dot-separated folder path, e.g. ``"Sales.Inbound"``, which needs ``project_id``).
        ``frequency`` runs each scenario that many times; ``personality_ids`` and
        ``test_profile_ids`` override the scenarios' own (each multiplies the calls);
        ``concurrency_limit`` caps the calls in flight; ``name`` labels the result;
        ``extra_body`` adds other fields of the API's body (``mode``, ``mock_tool_names``...).

        The calls placed are ``len(scenarios) x frequency x max(1, personalities) x max(1,
        test profiles)``: with ``max_calls``, a run that would place more raises
        InvalidRequestError before anything is sent (with tags or a folder the count is only
        known to Cekura). Every argument is checked before sending (InvalidRequestError naming
        it). The request is never sent twice: when the answer is lost after sending,
        APIConnectionError says the suite may have started and how to check.
        """


_NOT_IN_BODY = ("self", "agent_id", "max_calls", "timeout", "extra_headers")


def _request(arguments: dict[str, Any]) -> SuiteRequest:
    """The checked body from a run method's arguments (its ``locals()``: the signatures stay
    explicit for users and type checkers, and are forwarded here in one place)."""
    request = SuiteRequest.build(
        arguments["agent_id"],
        **{name: value for name, value in arguments.items() if name not in _NOT_IN_BODY},
    )
    request.check_budget(arguments["max_calls"])
    return request


class Scenarios:
    """Start suites synchronously."""

    def __init__(self, client: Cekura) -> None:
        self._client = client

    def _start(
        self,
        operation: Operation,
        request: SuiteRequest,
        timeout: RequestTimeout,
        extra_headers: Mapping[str, str] | None,
    ) -> Result:
        return self._client._request(
            operation,
            {},
            model=Result,
            body=request.body,
            timeout=timeout,
            extra_headers=extra_headers,
        )

    def run(
        self,
        agent_id: int,
        *,
        scenarios: Iterable[int] | None = None,
        tags: Iterable[str] | None = None,
        folder: str | None = None,
        project_id: int | None = None,
        frequency: int = 1,
        personality_ids: Iterable[int] | None = None,
        test_profile_ids: Iterable[int] | None = None,
        concurrency_limit: int | None = None,
        name: str | None = None,
        max_calls: int | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result:
        request = _request(locals())
        return self._start(RUN_SCENARIOS, request, timeout, extra_headers)

    def run_text(
        self,
        agent_id: int,
        *,
        scenarios: Iterable[int] | None = None,
        tags: Iterable[str] | None = None,
        folder: str | None = None,
        project_id: int | None = None,
        frequency: int = 1,
        personality_ids: Iterable[int] | None = None,
        test_profile_ids: Iterable[int] | None = None,
        concurrency_limit: int | None = None,
        name: str | None = None,
        max_calls: int | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result:
        request = _request(locals())
        return self._start(RUN_SCENARIOS_TEXT, request, timeout, extra_headers)

    run.__doc__ = _RUN_DOC.format(mode="voice calls")
    run_text.__doc__ = _RUN_DOC.format(mode="text chats (SMS, chat or a websocket)")


class AsyncScenarios:
    """Start suites asynchronously; mirrors :class:`Scenarios`."""

    def __init__(self, client: AsyncCekura) -> None:
        self._client = client

    async def _start(
        self,
        operation: Operation,
        request: SuiteRequest,
        timeout: RequestTimeout,
        extra_headers: Mapping[str, str] | None,
    ) -> Result:
        return await self._client._request(
            operation,
            {},
            model=Result,
            body=request.body,
            timeout=timeout,
            extra_headers=extra_headers,
        )

    async def run(
        self,
        agent_id: int,
        *,
        scenarios: Iterable[int] | None = None,
        tags: Iterable[str] | None = None,
        folder: str | None = None,
        project_id: int | None = None,
        frequency: int = 1,
        personality_ids: Iterable[int] | None = None,
        test_profile_ids: Iterable[int] | None = None,
        concurrency_limit: int | None = None,
        name: str | None = None,
        max_calls: int | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result:
        request = _request(locals())
        return await self._start(RUN_SCENARIOS, request, timeout, extra_headers)

    async def run_text(
        self,
        agent_id: int,
        *,
        scenarios: Iterable[int] | None = None,
        tags: Iterable[str] | None = None,
        folder: str | None = None,
        project_id: int | None = None,
        frequency: int = 1,
        personality_ids: Iterable[int] | None = None,
        test_profile_ids: Iterable[int] | None = None,
        concurrency_limit: int | None = None,
        name: str | None = None,
        max_calls: int | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result:
        request = _request(locals())
        return await self._start(RUN_SCENARIOS_TEXT, request, timeout, extra_headers)

    run.__doc__ = _RUN_DOC.format(mode="voice calls")
    run_text.__doc__ = _RUN_DOC.format(mode="text chats (SMS, chat or a websocket)")
