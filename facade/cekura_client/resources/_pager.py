"""Iterating a list endpoint page by page, sync and async, for any item type.

A pager asks for page 1, then 2, ... while the server says a next page exists; the URL in
``next`` is never followed (see :func:`cekura_client.types.page._link`). Items are yielded
lazily: a loop that stops early fetches no further page.

The walk also ends, whatever ``next`` says, at an empty page, at a page holding only items
already seen (a server that ignores ``page`` would otherwise be read forever), and at a page
past the end (404 on page 2 or later: the list shrank while it was read).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

from .._exceptions import NotFoundError
from ..types.page import Page

__all__ = ["AsyncPager", "SyncPager"]

T = TypeVar("T")


def _key(item: Any) -> Any:
    return getattr(item, "id", None)


class _Walk(Generic[T]):
    """The state of one walk through the pages: the IDs seen, and when to stop.

    A list sorted newest first shifts while it is read (a result created between two pages
    pushes the last item of page 1 onto page 2): an item whose ID was already seen is skipped,
    so each appears once."""

    def __init__(self) -> None:
        self.seen: set[Any] = set()

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


def _pages_of(page: Page[T], fresh: list[T]) -> bool:
    """Whether another page may follow this one."""
    return page.has_next and bool(page.items) and bool(fresh)


class SyncPager(Generic[T]):
    """The items of a list, page after page: iterate it for the items (at most ``limit``), or
    call :meth:`pages` for the pages themselves. Each iteration starts again from page 1."""

    def __init__(self, fetch: Callable[[int], Page[T]], *, limit: int | None = None) -> None:
        self._fetch = fetch
        self._limit = limit

    def pages(self) -> Iterator[Page[T]]:
        """Each page as it is fetched (page 1, 2, ...), until the last."""
        for page, _ in self._walk():
            yield page

    def _walk(self) -> Iterator[tuple[Page[T], list[T]]]:
        walk: _Walk[T] = _Walk()
        number = 1
        while True:
            try:
                page = self._fetch(number)
            except NotFoundError:
                if number > 1:  # the list shrank while it was read: it ends here
                    return
                raise
            fresh = walk.fresh(page)
            if page.items and not fresh:
                return  # nothing new: the server repeats itself
            yield page, fresh
            if not _pages_of(page, fresh):
                return
            number += 1

    def __iter__(self) -> Iterator[T]:
        left = self._limit
        if left is not None and left <= 0:
            return
        for _, fresh in self._walk():
            for item in fresh:
                yield item
                if left is not None:
                    left -= 1
                    if left == 0:
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
        async for page, _ in self._walk():
            yield page

    async def _walk(self) -> AsyncIterator[tuple[Page[T], list[T]]]:
        walk: _Walk[T] = _Walk()
        number = 1
        while True:
            try:
                page = await self._fetch(number)
            except NotFoundError:
                if number > 1:  # the list shrank while it was read: it ends here
                    return
                raise
            fresh = walk.fresh(page)
            if page.items and not fresh:
                return  # nothing new: the server repeats itself
            yield page, fresh
            if not _pages_of(page, fresh):
                return
            number += 1

    async def __aiter__(self) -> AsyncIterator[T]:
        left = self._limit
        if left is not None and left <= 0:
            return
        async for _, fresh in self._walk():
            for item in fresh:
                yield item
                if left is not None:
                    left -= 1
                    if left == 0:
                        return

    async def first(self) -> T | None:
        """The first item, or None when the list is empty (fetches one page)."""
        async for item in self:
            return item
        return None
