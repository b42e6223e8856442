"""One page of a list endpoint (page-number pagination: ``count``, ``next``, ``previous``,
``results``), and the parser that builds it for any item model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar

import attrs
import msgspec

from .._exceptions import ResponseValidationError
from ._fields import int_text
from ._model import FieldPath, decode_any, decode_error, decoder_for, fail

__all__ = ["Page", "PageOf"]

T = TypeVar("T")


@attrs.frozen
class Page(Generic[T]):
    """One page of a list: ``items`` in the server's order (iterate the page for them),
    ``count`` the total the server reports across every page (None when it sends none),
    ``number`` this page's number (from 1), and whether a next or a previous page exists."""

    items: list[T]
    count: int | None
    number: int
    has_next: bool
    has_previous: bool

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class _Wire(msgspec.Struct):
    count: Any = None
    next: Any = None
    previous: Any = None
    results: list[msgspec.Raw] | None = None


@attrs.frozen
class PageOf(Generic[T]):
    """Parses page ``number`` of a list whose items are ``item`` models. Each item is decoded
    on its own, so its ``raw`` and ``extra`` are its own JSON, as for a model fetched alone;
    an item that does not fit raises ResponseValidationError naming it (``results[3].id``)."""

    item: Any  # a model class; typed by the caller's Page[T]
    number: int

    def from_json(self, data: bytes) -> Page[T]:
        try:
            wire = decoder_for(_Wire).decode(data)
        except (msgspec.ValidationError, msgspec.DecodeError, RecursionError, ValueError):
            try:
                tree = decode_any(data)
            except (RecursionError, ValueError):
                raise decode_error(data) from None
            return self.from_dict(tree)
        if wire.results is None:
            raise fail("results", "an array", None)
        items = [self._item(raw, index) for index, raw in enumerate(wire.results)]
        return self._page(items, wire.count, wire.next, wire.previous)

    def from_dict(self, data: Any) -> Page[T]:
        if not isinstance(data, dict):
            raise fail("", "an object", data)
        results = data.get("results")
        if not isinstance(results, list):
            raise fail("results", "an array", results)
        items = [
            self.item.from_dict(value, FieldPath("results", index))
            for index, value in enumerate(results)
        ]
        return self._page(items, data.get("count"), data.get("next"), data.get("previous"))

    def _item(self, raw: msgspec.Raw, index: int) -> T:
        try:
            item: T = self.item.from_json(bytes(raw))
        except ResponseValidationError:
            # Again from the decoded item, for an error that names it inside the page.
            item = self.item.from_dict(decode_any(raw), FieldPath("results", index))
        return item

    def _page(self, items: list[T], count: Any, next_: Any, previous: Any) -> Page[T]:
        return Page(
            items=items,
            count=_count(count),
            number=self.number,
            has_next=_link(next_, "next"),
            has_previous=_link(previous, "previous"),
        )


def _count(value: Any) -> int | None:
    if value is None:
        return None
    number = int_text(value) if isinstance(value, str) else value
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise fail("count", "a non-negative integer", value)
    return number


def _link(value: Any, name: str) -> bool:
    """Whether a ``next``/``previous`` link is there. The URL itself is never followed: the
    next page is asked for by number, at the client's own base URL, so a server cannot send
    the API key elsewhere."""
    if value is None or value == "":
        return False
    if not isinstance(value, str):
        raise fail(name, "a URL or null", value)
    return True
