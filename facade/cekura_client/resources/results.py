"""``client.results``: test results.

Each method is a call of the client's one request path (``_request``) with the operation, its
parameters and the model to parse with. The request itself is built by the generated client;
the body is parsed by the facade's own model, because the generated model keeps the spec's wrong
types and raises on status values it does not know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from .._arguments import check_id
from .._config import NOT_GIVEN
from .._exceptions import CekuraError
from .._operations import END_CALLS, GET_RESULT, LIST_RESULTS, RERUN_RESULT
from .._polling import DEFAULT_WAIT_TIMEOUT, UNREACHABLE_GRACE, OnUpdate, Poller
from .._response import NO_CONTENT
from ..types.page import Page, PageOf
from ..types.result import Result
from ._listing import ListQuery, Newest
from ._many import DEFAULT_CONCURRENCY, ManyResults, OnProgress, get_many_async, get_many_sync
from ._pager import AsyncPager, SyncPager

if TYPE_CHECKING:
    from .._client import AsyncCekura, Cekura
    from .._config import RequestTimeout

__all__ = ["AsyncResults", "Results"]


class Results:
    """Synchronous access to test results."""

    def __init__(self, client: Cekura) -> None:
        self._client = client

    def get(
        self,
        result_id: int,
        *,
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result:
        """Fetch one result by ID.

        Raises NotFoundError (404), AuthenticationError (401), RateLimitError, ServerError,
        APIConnectionError/APITimeoutError after the transport's retries, ResponseValidationError
        when the body does not fit, InvalidRequestError for an ID that is not a positive integer.
        """
        params = {"id": check_id(result_id, "result_id")}
        return self._client._request(
            GET_RESULT, params, model=Result, timeout=timeout, extra_headers=extra_headers
        )

    def list(
        self,
        *,
        agent_id: int | None = None,
        project_id: int | None = None,
        search: str | None = None,
        scenarios: Iterable[int] | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SyncPager[Result]:
        """The results, as the server orders them (newest first), fetched a page at a time as
        you iterate: ``for result in client.results.list(agent_id=512): ...``. Filters:
        ``agent_id``, ``project_id``, ``search`` (in the name), ``scenarios`` (results that ran
        any of these scenario IDs). ``page_size`` items per request (the server's default when
        None); ``limit`` stops after that many items. ``.pages()`` gives the pages
        (:class:`~cekura_client.types.page.Page`: ``items``, ``count``, ``has_next``).

        Items are :class:`Result` objects with the list endpoint's fields: the runs are
        summaries without transcripts or metric scores; ``get(result.id)`` has everything.
        Raises as :meth:`get` does, when the page is fetched; InvalidRequestError at once for
        a filter that is not valid.
        """
        query = ListQuery.build(
            agent_id=agent_id,
            project_id=project_id,
            search=search,
            scenarios=scenarios,
            page_size=page_size,
            limit=limit,
        )

        def fetch(number: int) -> Page[Result]:
            return self._client._request(
                LIST_RESULTS,
                query.params(number),
                model=PageOf(Result, number),
                timeout=timeout,
                extra_headers=extra_headers,
            )

        return SyncPager(fetch, limit=query.limit)

    def latest(
        self,
        agent_id: int,
        *,
        status: str | None = "completed",
        exclude: Iterable[int] = (),
        before: datetime | None = None,
    ) -> Result | None:
        """The newest result of the agent with this ``status`` (None: any), fetched whole
        (``get``), skipping the IDs in ``exclude`` and, with ``before`` (an aware datetime),
        results created at or after it; None when there is none. The list has no status
        filter: it is walked newest first and stops at the first page that cannot hold
        anything newer than what was found."""
        newest = Newest.build(agent_id, status, exclude, before)
        for page in self.list(agent_id=newest.agent_id, page_size=newest.page_size).pages():
            if newest.consider(page):
                break
        return None if newest.found is None else self.get(newest.found)

    def rerun(
        self,
        result_id: int,
        *,
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result:
        """Run a result's scenarios again, as a new result (returned: ``id``, ``status``
        pending). It places calls again, and is never sent twice: an answer lost on the way
        raises APIConnectionError saying the rerun may have started."""
        params = {"id": check_id(result_id, "result_id")}
        return self._client._request(
            RERUN_RESULT, params, model=Result, timeout=timeout, extra_headers=extra_headers
        )

    def end_calls(
        self,
        result_id: int,
        *,
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> None:
        """End the result's calls that are still running (the result becomes ``cancelled``).
        Raises NotFoundError for an unknown ID, as :meth:`get` does."""
        params = {"id": check_id(result_id, "result_id")}
        self._client._request(
            END_CALLS, params, model=NO_CONTENT, timeout=timeout, extra_headers=extra_headers
        )

    def get_many(
        self,
        result_ids: Iterable[int],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: OnProgress | None = None,
    ) -> ManyResults:
        """Fetch several results, at most ``concurrency`` at a time (threads sharing this
        client's connections). Returns one entry per ID in the order given: ``.results`` the
        fetched Results, ``.errors`` each failed ID's typed error (an invalid ID fails alone
        with InvalidRequestError); ``.raise_for_errors()`` raises GetManyError if any failed.
        ``on_progress(done, total)`` is called in this thread after each ID is fetched or
        fails."""
        return get_many_sync(self.get, result_ids, concurrency, on_progress)

    def _poll(self, poller: Poller) -> Result:
        return self._client._request(
            GET_RESULT,
            {"id": poller.result_id},
            model=Result,
            deadline=poller.request_deadline,
        )

    def wait(
        self,
        result_id: int,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_update: OnUpdate | None = None,
        heartbeat: float | None = None,
        unreachable_grace: float = UNREACHABLE_GRACE,
    ) -> Result:
        """Poll until the result is terminal (completed, failed, timeout, cancelled); return it.

        Polls every 2 s at first, then 1.5x slower each time up to every 20 s (``poll_interval``
        fixes the interval). Connection errors, 429 and 5xx do not end the wait; 401, 403, 404
        and malformed bodies do, with their typed error. A wait that has had no response at all
        (refused, DNS, TLS failures) gives up after ``unreachable_grace`` seconds (30) with the
        APIConnectionError. ``on_update(result)`` is called when the status or the number of
        completed runs changes, and also every ``heartbeat`` seconds when one is given. Past
        ``timeout`` seconds it raises WaitTimeoutError carrying the last Result seen and naming
        the last error.

        The deadline holds: every request and every retry sleep inside the wait is clipped to
        the time left, so it returns within ``timeout`` + 1 s (WAIT_MARGIN) even against a
        server that never answers or asks to retry later. ``timeout`` and ``poll_interval``
        must be finite and positive (InvalidRequestError otherwise).
        """
        result_id = check_id(result_id, "result_id")
        poller = Poller(
            result_id,
            self._client._clock,
            timeout,
            poll_interval,
            on_update,
            heartbeat=heartbeat,
            unreachable_grace=unreachable_grace,
        )
        while True:
            try:
                result = self._poll(poller)
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
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result:
        """Fetch one result by ID. See :meth:`Results.get`."""
        params = {"id": check_id(result_id, "result_id")}
        return await self._client._request(
            GET_RESULT, params, model=Result, timeout=timeout, extra_headers=extra_headers
        )

    def list(
        self,
        *,
        agent_id: int | None = None,
        project_id: int | None = None,
        search: str | None = None,
        scenarios: Iterable[int] | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> AsyncPager[Result]:
        """The results, a page at a time: ``async for result in client.results.list(...)``.
        See :meth:`Results.list`."""
        query = ListQuery.build(
            agent_id=agent_id,
            project_id=project_id,
            search=search,
            scenarios=scenarios,
            page_size=page_size,
            limit=limit,
        )

        async def fetch(number: int) -> Page[Result]:
            return await self._client._request(
                LIST_RESULTS,
                query.params(number),
                model=PageOf(Result, number),
                timeout=timeout,
                extra_headers=extra_headers,
            )

        return AsyncPager(fetch, limit=query.limit)

    async def latest(
        self,
        agent_id: int,
        *,
        status: str | None = "completed",
        exclude: Iterable[int] = (),
        before: datetime | None = None,
    ) -> Result | None:
        """The newest result of the agent with this status; see :meth:`Results.latest`."""
        newest = Newest.build(agent_id, status, exclude, before)
        async for page in self.list(agent_id=newest.agent_id, page_size=newest.page_size).pages():
            if newest.consider(page):
                break
        return None if newest.found is None else await self.get(newest.found)

    async def rerun(
        self,
        result_id: int,
        *,
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Result:
        """Run a result's scenarios again; see :meth:`Results.rerun`."""
        params = {"id": check_id(result_id, "result_id")}
        return await self._client._request(
            RERUN_RESULT, params, model=Result, timeout=timeout, extra_headers=extra_headers
        )

    async def end_calls(
        self,
        result_id: int,
        *,
        timeout: RequestTimeout = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> None:
        """End the result's running calls; see :meth:`Results.end_calls`."""
        params = {"id": check_id(result_id, "result_id")}
        await self._client._request(
            END_CALLS, params, model=NO_CONTENT, timeout=timeout, extra_headers=extra_headers
        )

    async def get_many(
        self,
        result_ids: Iterable[int],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: OnProgress | None = None,
    ) -> ManyResults:
        """Fetch several results concurrently; see :meth:`Results.get_many`."""
        return await get_many_async(self.get, result_ids, concurrency, on_progress)

    async def _poll(self, poller: Poller) -> Result:
        return await self._client._request(
            GET_RESULT,
            {"id": poller.result_id},
            model=Result,
            deadline=poller.request_deadline,
        )

    async def wait(
        self,
        result_id: int,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        on_update: OnUpdate | None = None,
        heartbeat: float | None = None,
        unreachable_grace: float = UNREACHABLE_GRACE,
    ) -> Result:
        """Poll until the result is terminal; see :meth:`Results.wait`."""
        result_id = check_id(result_id, "result_id")
        poller = Poller(
            result_id,
            self._client._clock,
            timeout,
            poll_interval,
            on_update,
            heartbeat=heartbeat,
            unreachable_grace=unreachable_grace,
        )
        while True:
            try:
                result = await self._poll(poller)
            except CekuraError as exc:
                poller.failed(exc)
            else:
                if poller.observe(result):
                    return result
            await poller.clock.async_sleep(poller.next_delay())
