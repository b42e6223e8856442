"""Each sync class and its async twin offer the same public methods with the same parameters
(names, kinds, defaults and types): a parameter added to one and forgotten in the other fails
here, not in a user's code."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from cekura_client import AsyncCekura, Cekura
from cekura_client.resources._pager import AsyncPager, SyncPager
from cekura_client.resources.results import AsyncResults, Results
from cekura_client.resources.scenarios import AsyncScenarios, Scenarios

TWINS = [
    (Cekura, AsyncCekura),
    (Results, AsyncResults),
    (Scenarios, AsyncScenarios),
    (SyncPager, AsyncPager),
]
#: Protocol methods that differ by name between the two worlds.
_SYNC_ONLY = {"__enter__", "__exit__", "__iter__", "close"}
_ASYNC_ONLY = {"__aenter__", "__aexit__", "__aiter__"}


def _public(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name, member in vars(cls).items()
        if callable(member) and (not name.startswith("_") or name == "__init__")
    }


def _type_text(annotation: Any) -> str:
    """The annotation with the async spelling of each type made sync (``AsyncCekura`` ->
    ``Cekura``, ``Awaitable[X]`` -> ``X``): what must otherwise be the same."""
    text = str(annotation).replace("Async", "").replace("async_", "")
    while "Awaitable[" in text:
        start = text.index("Awaitable[")
        depth, end = 0, start + len("Awaitable[")
        for end in range(start + len("Awaitable["), len(text)):
            depth += {"[": 1, "]": -1}.get(text[end], 0)
            if depth < 0:
                break
        text = text[:start] + text[start + len("Awaitable[") : end] + text[end + 1 :]
    return text


def _parameters(function: Any) -> list[tuple[str, Any, Any, str]]:
    signature = inspect.signature(function)
    return [
        (p.name, p.kind, p.default, _type_text(p.annotation)) for p in signature.parameters.values()
    ]


@pytest.mark.parametrize(("sync", "async_"), TWINS, ids=[s.__name__ for s, _ in TWINS])
def test_twins_have_the_same_methods(sync: type, async_: type) -> None:
    names = set(_public(sync)) - _SYNC_ONLY
    async_names = set(_public(async_)) - _ASYNC_ONLY - {"close"}
    assert names == async_names


@pytest.mark.parametrize(("sync", "async_"), TWINS, ids=[s.__name__ for s, _ in TWINS])
def test_twins_have_the_same_parameters(sync: type, async_: type) -> None:
    async_methods = _public(async_)
    for name, method in _public(sync).items():
        if name in _SYNC_ONLY:
            continue
        assert _parameters(method) == _parameters(async_methods[name]), name


@pytest.mark.parametrize(("sync", "async_"), TWINS[1:], ids=[s.__name__ for s, _ in TWINS[1:]])
def test_async_methods_that_send_are_coroutines(sync: type, async_: type) -> None:
    """``list`` returns a pager at once in both (iterating it sends); everything else that
    sends is awaited."""
    for name, method in _public(async_).items():
        if name in ("__init__", "list", "pages", "_walk") or name in _ASYNC_ONLY:
            continue
        expected = inspect.iscoroutinefunction(method) or inspect.isasyncgenfunction(method)
        assert expected, name
