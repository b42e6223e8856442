"""``results.get_many``: fetch many results concurrently, keeping order and every failure.

The sync client runs ``get`` in a thread pool over its one shared ``httpx.Client`` (whose
connection pool is thread-safe); the async client runs ``get`` in an anyio task group limited by
a semaphore, so it works under asyncio and trio alike. Each ID is fetched once, even when it
is listed twice. ``on_progress(done, total)`` is called after each fetch, success or error, in the
caller's thread (sync) or task's event loop (async), never concurrently; ``total`` counts the
distinct IDs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import overload

import anyio
import attrs

from .._arguments import check_id
from .._exceptions import CekuraError, InvalidRequestError
from ..types.result import Result

__all__ = ["DEFAULT_CONCURRENCY", "Fetched", "GetManyError", "ManyResults", "OnProgress"]

DEFAULT_CONCURRENCY = 10

#: ``on_progress(done, total)``: results fetched or failed so far, of the distinct IDs.
OnProgress = Callable[[int, int], None]


@attrs.frozen
class Fetched:
    """One ID of a ``get_many`` call (as given): its ``result``, or the ``error`` that
    prevented it."""

    result_id: int
    result: Result | None
    error: CekuraError | None

    @property
    def ok(self) -> bool:
        return self.error is None


class GetManyError(CekuraError):
    """Raised by :meth:`ManyResults.raise_for_errors`; ``errors`` maps each ID that failed to
    its error and ``results`` holds the results that were fetched."""

    def __init__(self, errors: dict[int, CekuraError], results: list[Result]) -> None:
        self.errors = errors
        self.results = results
        detail = "; ".join(f"{i}: {type(e).__name__}: {e}" for i, e in errors.items())
        total = len(errors) + len(results)
        super().__init__(f"{len(errors)} of {total} results could not be fetched: {detail}")


class ManyResults(Sequence[Fetched]):
    """What ``get_many`` returns: one :class:`Fetched` per ID, in the order of the IDs."""

    def __init__(self, items: list[Fetched]) -> None:
        self._items = items

    @overload
    def __getitem__(self, index: int) -> Fetched: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Fetched]: ...
    def __getitem__(self, index: int | slice) -> Fetched | Sequence[Fetched]:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Fetched]:
        return iter(self._items)

    def __repr__(self) -> str:
        return f"ManyResults({len(self.results)} fetched, {len(self.errors)} failed)"

    @property
    def results(self) -> list[Result]:
        """The results that were fetched, in the order of the IDs."""
        return [item.result for item in self._items if item.result is not None]

    @property
    def errors(self) -> dict[int, CekuraError]:
        """The IDs that failed, each with its error (the typed error ``get`` would raise)."""
        return {item.result_id: item.error for item in self._items if item.error is not None}

    @property
    def ok(self) -> bool:
        return not any(item.error for item in self._items)

    def raise_for_errors(self) -> list[Result]:
        """The results if every ID was fetched; else raise :class:`GetManyError`."""
        if not self.ok:
            raise GetManyError(self.errors, self.results)
        return self.results


def _check_concurrency(concurrency: int) -> int:
    if type(concurrency) is not int or concurrency < 1:
        raise InvalidRequestError(f"concurrency must be a positive integer, got {concurrency!r}")
    return concurrency


def _assemble(ids: list[int], done: dict[int, Result | CekuraError]) -> ManyResults:
    items = []
    for result_id in ids:
        outcome = done[result_id]
        if isinstance(outcome, Result):
            items.append(Fetched(result_id, outcome, None))
        else:
            items.append(Fetched(result_id, None, outcome))
    return ManyResults(items)


def get_many_sync(
    get: Callable[[int], Result],
    ids: Iterable[int],
    concurrency: int,
    on_progress: OnProgress | None = None,
) -> ManyResults:
    _check_concurrency(concurrency)
    ids = list(ids)
    unique = list(dict.fromkeys(ids))
    done: dict[int, Result | CekuraError] = {}

    def one(result_id: int) -> Result | CekuraError:
        try:
            return get(check_id(result_id, "result_id"))
        except CekuraError as exc:
            return exc

    def finished(result_id: int, outcome: Result | CekuraError) -> None:
        done[result_id] = outcome
        if on_progress is not None:
            on_progress(len(done), len(unique))

    if len(unique) <= 1:
        for result_id in unique:
            finished(result_id, one(result_id))
        return _assemble(ids, done)
    with ThreadPoolExecutor(
        max_workers=min(concurrency, len(unique)), thread_name_prefix="cekura-get-many"
    ) as pool:
        pending: dict[Future[Result | CekuraError], int] = {
            pool.submit(one, result_id): result_id for result_id in unique
        }
        try:
            # Progress is reported here, in the caller's thread, as each fetch ends.
            while pending:
                ended, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in ended:
                    finished(pending.pop(future), future.result())
        except BaseException:
            # A callback that raises (or Ctrl-C) ends the call: fetches not started are dropped.
            for future in pending:
                future.cancel()
            raise
    return _assemble(ids, done)


async def get_many_async(
    get: Callable[[int], Awaitable[Result]],
    ids: Iterable[int],
    concurrency: int,
    on_progress: OnProgress | None = None,
) -> ManyResults:
    _check_concurrency(concurrency)
    ids = list(ids)
    unique = list(dict.fromkeys(ids))
    done: dict[int, Result | CekuraError] = {}
    limit = anyio.Semaphore(concurrency)
    callback_error: list[Exception] = []

    async def one(result_id: int) -> None:
        async with limit:
            try:
                done[result_id] = await get(check_id(result_id, "result_id"))
            except CekuraError as exc:
                done[result_id] = exc
            if on_progress is None:
                return
            # No await between storing and reporting: the counts arrive in order, one at a time.
            try:
                on_progress(len(done), len(unique))
            except Exception as exc:
                # Raised as it is after the group, not wrapped in an ExceptionGroup.
                callback_error.append(exc)
                group.cancel_scope.cancel()

    async with anyio.create_task_group() as group:
        for result_id in unique:
            group.start_soon(one, result_id)
    if callback_error:
        raise callback_error[0]
    return _assemble(ids, done)
