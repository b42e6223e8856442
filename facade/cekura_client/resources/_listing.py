"""The list endpoint's arguments, checked before any request, and the walk that finds an
agent's newest result with a status (the list itself has no status filter)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from .._arguments import check_id, check_ids, check_positive
from .._exceptions import InvalidRequestError
from .._text import safe_repr
from ..types.page import Page
from ..types.result import Result
from ..types.status import ResultStatus

__all__ = ["MAX_PAGE_SIZE", "ListQuery", "Newest", "age"]

#: The largest ``page_size`` accepted (Cekura's lists cap it; larger asks are refused here).
MAX_PAGE_SIZE: Final = 100
#: Pages of this size when walking for the newest result: few requests, small pages.
_WALK_PAGE_SIZE: Final = 25


def _optional_id(value: Any, name: str) -> int | None:
    return None if value is None else check_id(value, name)


def _count(value: Any, name: str, maximum: int | None = None) -> int | None:
    return None if value is None else check_positive(value, name, maximum)


@attrs.frozen
class ListQuery:
    """Checked filters of ``results.list``, and the query of each page."""

    filters: Mapping[str, Any]
    limit: int | None

    @classmethod
    def build(
        cls,
        *,
        agent_id: Any,
        project_id: Any,
        search: Any,
        scenarios: Any,
        page_size: Any,
        limit: Any,
    ) -> ListQuery:
        filters: dict[str, Any] = {
            "agent_id": _optional_id(agent_id, "agent_id"),
            "project_id": _optional_id(project_id, "project_id"),
            "page_size": _count(page_size, "page_size", MAX_PAGE_SIZE),
        }
        if search is not None:
            if not isinstance(search, str):
                raise InvalidRequestError(f"search must be a string, got {safe_repr(search)}")
            filters["search"] = search
        if scenarios is not None:
            ids = check_ids(scenarios, "scenarios", listed_as="scenario IDs")
            filters["scenarios"] = ",".join(map(str, ids))  # the API takes "24270,24271"
        return cls(filters=filters, limit=_count(limit, "limit"))

    def params(self, page: int) -> dict[str, Any]:
        return {**self.filters, "page": page}


_OLDEST: Final = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def age(result: Result) -> tuple[dt.datetime, int]:
    """Newer is larger: the creation time, then the ID (results created in the same second)."""
    created = result.created_at
    return (created if created is not None else _OLDEST, result.id)


@attrs.define
class Newest:
    """Finds the newest result with a status among pages, whatever order the server sends
    them in: it stops at the first page whose last item is older than the best found so far
    (the list is sorted newest first, so no later page holds anything newer); a server that
    sorts otherwise is read to the end, and the answer is still the newest."""

    agent_id: int
    status: str | None
    exclude: frozenset[int]
    before: dt.datetime | None = None
    page_size: int = _WALK_PAGE_SIZE
    best: Result | None = None

    @classmethod
    def build(
        cls, agent_id: Any, status: Any, exclude: Iterable[int], before: Any = None
    ) -> Newest:
        if status is not None and not isinstance(status, str):
            raise InvalidRequestError(
                f"status must be a status string such as 'completed', or None, got "
                f"{safe_repr(status)}"
            )
        if isinstance(exclude, (str, bytes)) or not isinstance(exclude, Iterable):
            raise InvalidRequestError(
                f"exclude must be a collection of result IDs, got {safe_repr(exclude)}"
            )
        if before is not None and (not isinstance(before, dt.datetime) or before.tzinfo is None):
            raise InvalidRequestError(
                f"before must be a timezone-aware datetime, got {safe_repr(before)}"
            )
        return cls(
            before=before,
            agent_id=check_id(agent_id, "agent_id"),
            status=None if status is None else ResultStatus(status.strip().lower()).value,
            exclude=frozenset(check_id(item, "each of exclude") for item in exclude),
        )

    @property
    def found(self) -> int | None:
        return None if self.best is None else self.best.id

    def matches(self, item: Result) -> bool:
        """Whether ``item`` is one this walk looks for: the agent's (or unknown), not
        excluded, with the status, created before ``before``."""
        if item.id in self.exclude or item.agent not in (None, self.agent_id):
            return False
        if self.status is not None and item.status != self.status:
            return False
        return self.before is None or age(item)[0] < self.before

    def consider(self, page: Page[Result]) -> bool:
        """Take the page in; True when no later page can hold anything newer."""
        for item in page.items:
            if self.matches(item) and (self.best is None or age(item) > age(self.best)):
                self.best = item
        return self.best is not None and bool(page.items) and age(page.items[-1]) < age(self.best)
