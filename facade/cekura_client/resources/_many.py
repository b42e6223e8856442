"""``results.get_many``: fetch many results concurrently, keeping order and every failure.

The sync client runs ``get`` in a thread pool over its one shared ``httpx.Client`` (whose
connection pool is thread-safe); the async client runs ``get`` in an anyio task group limited by
a semaphore, so it works under asyncio and trio alike. At most ``min(concurrency, POOL_SIZE)``
fetches run at once: more would only queue for one of the connection pool's connections, and
httpcore's pool hands connections out in time quadratic in its waiters, so a huge
``concurrency`` made fetches time out against a healthy server.

IDs are normalised as ``get`` does (``check_id``: an int, an int subclass, a digit string) and
each distinct normalised ID is fetched once, however often and however spelled it is listed
(``1001``, ``"1001"``). An invalid ID - ``0``, ``True``, ``"abc"``, ``[1]``, ``{}`` - is never
sent: its entry fails alone with InvalidRequestError. The result has one entry per ID given, in
the order given; ``Fetched.result_id`` is the normalised ``int`` for a valid ID, the value given
for an invalid plain ``int`` or ``str``, and ``repr(value)`` (a ``str``) for any other invalid
value (a bool, a list, a dict: values that are unhashable or equal to a valid ID), which is also
its key in ``ManyResults.errors``.

``on_progress(done, total)`` is called after each fetch, success or error, in the caller's thread
(sync) or task's event loop (async), never concurrently; ``total`` counts the distinct entries
(normalised IDs and invalid values).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, overload

import anyio
import attrs

from .._arguments import check_id
from .._exceptions import CekuraError, GetManyError, InvalidRequestError
from .._text import safe_repr
from ..types.result import Result

__all__ = [
    "DEFAULT_CONCURRENCY",
    "POOL_SIZE",
    "Fetched",
    "GetManyError",
    "ManyResults",
    "OnProgress",
]

DEFAULT_CONCURRENCY = 10
#: The most connections a client's pool opens: the clients build their httpx transports without
#: ``limits`` (``_config.py``), so httpx's documented default ``max_connections=100`` applies.
#: The pool of a caller-supplied ``http_client`` is not reachable publicly; the same cap is used.
POOL_SIZE = 100

#: ``on_progress(done, total)``: results fetched or failed so far, of the distinct IDs.
OnProgress = Callable[[int, int], None]


@attrs.frozen
class Fetched:
    """One ID of a ``get_many`` call (as given): its ``result``, or the ``error`` that
    prevented it."""

    result_id: int | str
    result: Result | None
    error: CekuraError | None

    @property
    def ok(self) -> bool:
        return self.error is None


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
    def errors(self) -> dict[int | str, CekuraError]:
        """The IDs that failed (keyed by ``Fetched.result_id``), each with its error (the typed
        error ``get`` would raise)."""
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
    """The concurrency asked for, capped at the pool's size."""
    if type(concurrency) is not int or concurrency < 1:
        raise InvalidRequestError(f"concurrency must be a positive integer, got {concurrency!r}")
    return min(concurrency, POOL_SIZE)


Key = int | str


class _Plan:
    """The entries of a call: each given ID's key, the distinct keys in first-seen order, and
    the error of each invalid one."""

    def __init__(self, ids: Iterable[Any]) -> None:
        self.keys: list[Key] = []
        self.invalid: dict[Key, InvalidRequestError] = {}
        for given in ids:
            try:
                key: Key = check_id(given, "result_id")
            except InvalidRequestError as exc:
                # A bool equals 0 or 1, a list cannot be hashed: such values go by their repr.
                key = given if type(given) in (int, str) else safe_repr(given)
                self.invalid.setdefault(key, exc)
            self.keys.append(key)
        self.unique: list[Key] = list(dict.fromkeys(self.keys))

    def assemble(self, done: dict[Key, Result | CekuraError]) -> ManyResults:
        items = []
        for key in self.keys:
            outcome = done[key]
            if isinstance(outcome, Result):
                items.append(Fetched(key, outcome, None))
            else:
                items.append(Fetched(key, None, outcome))
        return ManyResults(items)


def get_many_sync(
    get: Callable[[int], Result],
    ids: Iterable[Any],
    concurrency: int,
    on_progress: OnProgress | None = None,
) -> ManyResults:
    concurrency = _check_concurrency(concurrency)
    plan = _Plan(ids)
    unique = plan.unique
    done: dict[Key, Result | CekuraError] = {}

    def one(result_id: Key) -> Result | CekuraError:
        error = plan.invalid.get(result_id)
        if error is not None:
            return error
        try:
            return get(int(result_id))
        except CekuraError as exc:
            return exc

    def finished(result_id: Key, outcome: Result | CekuraError) -> None:
        done[result_id] = outcome
        if on_progress is not None:
            on_progress(len(done), len(unique))

    if len(unique) <= 1:
        for result_id in unique:
            finished(result_id, one(result_id))
        return plan.assemble(done)
    with ThreadPoolExecutor(
        max_workers=min(concurrency, len(unique)), thread_name_prefix="cekura-get-many"
    ) as pool:
        pending: dict[Future[Result | CekuraError], Key] = {
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
    return plan.assemble(done)


async def get_many_async(
    get: Callable[[int], Awaitable[Result]],
    ids: Iterable[Any],
    concurrency: int,
    on_progress: OnProgress | None = None,
) -> ManyResults:
    concurrency = _check_concurrency(concurrency)
    plan = _Plan(ids)
    unique = plan.unique
    done: dict[Key, Result | CekuraError] = {}
    limit = anyio.Semaphore(concurrency)
    callback_error: list[Exception] = []

    async def one(result_id: Key) -> None:
        async with limit:
            try:
                error = plan.invalid.get(result_id)
                if error is not None:
                    done[result_id] = error
                else:
                    done[result_id] = await get(int(result_id))
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
    return plan.assemble(done)
