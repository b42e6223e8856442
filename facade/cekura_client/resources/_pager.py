"""Iterating a list endpoint page by page, sync and async, for any item type.

A pager asks for page 1, then 2, ... while the server says a next page exists; the URL in
``next`` is never followed (see :func:`cekura_client.types.page._link`). Items are yielded
lazily: a loop that stops early fetches no further page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

from ..types.page import Page

__all__ = ["AsyncPager", "SyncPager"]

T = TypeVar("T")


def _key(item: Any) -> Any:
    return getattr(item, "id", None)


class _Walk(Generic[T]):
    """The state shared by both pagers: which IDs were yielded, and when to stop.

    A list sorted newest first shifts while it is read (a result created between two pages
    pushes the last item of page 1 onto page 2): an item whose ID was already yielded is
    skipped, so each appears once."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.seen: set[Any] = set()
        self.yielded = 0

    def fresh(self, page: Page[T]) -> list[T]:
        out = []
        for item in page.items:
            key = _key(item)
            if key is not None:
                if key in self.seen:
                    continue
                self.seen.add(key)
            out.append(item)
        return out

    def full(self) -> bool:
        return self.limit is not None and self.yielded >= self.limit

    @staticmethod
    def last(page: Page[T]) -> bool:
        # An empty page ends the walk even when the server says there is more.
        return not page.has_next or not page.items


class SyncPager(Generic[T]):
    """The items of a list, page after page: iterate it for the items (at most ``limit``), or
    call :meth:`pages` for the pages themselves. Each iteration starts again from page 1."""

    def __init__(self, fetch: Callable[[int], Page[T]], *, limit: int | None = None) -> None:
        self._fetch = fetch
        self._limit = limit

    def pages(self) -> Iterator[Page[T]]:
        """Each page as it is fetched (page 1, 2, ...), until the last."""
        number = 1
        while True:
            page = self._fetch(number)
            yield page
            if _Walk.last(page):
                return
            number += 1

    def __iter__(self) -> Iterator[T]:
        walk: _Walk[T] = _Walk(self._limit)
        if walk.full():
            return
        for page in self.pages():
            for item in walk.fresh(page):
                yield item
                walk.yielded += 1
                if walk.full():
                    return

    def first(self) -> T | None:
        """The first item, or None when the list is empty (fetches one page)."""
        return next(iter(self), None)


class AsyncPager(Generic[T]):
    """The async twin of :class:`SyncPager`: ``async for item in pager``, or
    ``async for page in pager.pages()``."""

    def __init__(
        self, fetch: Callable[[int], Awaitable[Page[T]]], *, limit: int | None = None
    ) -> None:
        self._fetch = fetch
        self._limit = limit

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Each page as it is fetched (page 1, 2, ...), until the last."""
        number = 1
        while True:
            page = await self._fetch(number)
            yield page
            if _Walk.last(page):
                return
            number += 1

    async def __aiter__(self) -> AsyncIterator[T]:
        walk: _Walk[T] = _Walk(self._limit)
        if walk.full():
            return
        async for page in self.pages():
            for item in walk.fresh(page):
                yield item
                walk.yielded += 1
                if walk.full():
                    return

    async def first(self) -> T | None:
        """The first item, or None when the list is empty (fetches one page)."""
        async for item in self:
            return item
        return None
