"""The API operations the facade calls, each declared once by method and path candidates, and
resolved once against the generated client.

An operation names where it may live, in order of preference (a newer path first). The generated
module behind a path is found in ``cekura_openapi.operation_index`` (written by the generator
script), never by module name: upstream renames operationIds between spec versions, and module
names follow them, while method and path stay.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from cekura_openapi import operation_index

from ._exceptions import MissingOperationError

__all__ = [
    "END_CALLS",
    "GET_RESULT",
    "LIST_RESULTS",
    "OPERATIONS",
    "RERUN_RESULT",
    "RUN_SCENARIOS",
    "RUN_SCENARIOS_TEXT",
    "Operation",
    "ResolvedOperation",
    "resolve",
]

_PARAM = re.compile(r"\{[^}]*\}")


@attrs.frozen
class Operation:
    """A facade operation: its public name, the method+path candidates it may call, what one
    call asks for, as a template of its parameters (``"result {id}"``: errors name it), and
    whether it starts calls that Cekura bills (never sent twice; a lost answer says so)."""

    name: str
    candidates: tuple[tuple[str, str], ...]
    subject: str = ""
    starts_calls: bool = False

    def subject_of(self, params: Mapping[str, Any]) -> str:
        try:
            return self.subject.format_map(params)
        except (KeyError, IndexError, ValueError):  # a template the parameters do not fill
            return ""

    def candidate_keys(self) -> tuple[str, ...]:
        """The candidates as "METHOD /path/{param}/" keys."""
        return tuple(f"{method} {path}" for method, path in self.candidates)


@attrs.frozen
class ResolvedOperation:
    """The candidate the generated client provides: its key, whether the spec deprecates it, and
    the generated function that builds the request's method, URL and parameters."""

    operation: Operation
    key: str
    deprecated: bool
    build_request: Callable[..., dict[str, Any]] = attrs.field(repr=False)
    #: The path and query parameters the generated function takes (``body`` is the facade's).
    parameters: frozenset[str] = frozenset()


GET_RESULT: Final = Operation(
    "client.results.get",
    candidates=(
        ("GET", "/test_framework/v2/results/{id}/"),
        ("GET", "/test_framework/v1/results/{id}/"),
    ),
    subject="result {id}",
)

LIST_RESULTS: Final = Operation(
    "client.results.list",
    candidates=(("GET", "/test_framework/v2/results/"),),
    subject="page {page} of the results",
)

RUN_SCENARIOS: Final = Operation(
    "client.scenarios.run",
    candidates=(("POST", "/test_framework/v2/scenarios/run_scenarios/"),),
    starts_calls=True,
)

RUN_SCENARIOS_TEXT: Final = Operation(
    "client.scenarios.run_text",
    candidates=(("POST", "/test_framework/v2/scenarios/run_scenarios_text/"),),
    starts_calls=True,
)

RERUN_RESULT: Final = Operation(
    "client.results.rerun",
    candidates=(("POST", "/test_framework/v2/results/{id}/rerun/"),),
    subject="result {id}",
    starts_calls=True,
)

END_CALLS: Final = Operation(
    "client.results.end_calls",
    candidates=(("POST", "/test_framework/v2/results/{id}/end_calls/"),),
    subject="result {id}",
)

#: Every operation the facade calls; each candidate is declared in openapi/operations.txt.
OPERATIONS: Final = (
    LIST_RESULTS,
    GET_RESULT,
    RUN_SCENARIOS,
    RUN_SCENARIOS_TEXT,
    RERUN_RESULT,
    END_CALLS,
)


def _normalise(key: str) -> str:
    return _PARAM.sub("{}", key)


@functools.cache
def _index() -> dict[str, str]:
    return {_normalise(key): module for key, module in operation_index.OPERATIONS.items()}


@functools.cache
def _deprecated() -> frozenset[str]:
    return frozenset(_normalise(key) for key in getattr(operation_index, "DEPRECATED", ()))


@functools.cache
def resolve(operation: Operation) -> ResolvedOperation:
    """The first candidate the generated client has that its spec does not deprecate; else the
    first deprecated one, with a DeprecationWarning. Cached: each operation resolves once."""
    present = [key for key in operation.candidate_keys() if _normalise(key) in _index()]
    if not present:
        raise MissingOperationError(
            f"{operation.name} needs {' or '.join(map(repr, operation.candidate_keys()))}, which "
            "the generated client does not have: declare it in openapi/operations.txt, then "
            "regenerate from a spec that has it (make vendor SRC=<spec> && make generate)"
        )
    current = [key for key in present if _normalise(key) not in _deprecated()]
    key = current[0] if current else present[0]
    if not current:
        warnings.warn(
            f"{operation.name} calls {key}, which the vendored spec marks deprecated",
            DeprecationWarning,
            stacklevel=2,
        )
    module = importlib.import_module(_index()[_normalise(key)])
    build_request = module._get_kwargs
    parameters = frozenset(inspect.signature(build_request).parameters) - {"body"}
    return ResolvedOperation(
        operation=operation,
        key=key,
        deprecated=not current,
        build_request=build_request,
        parameters=parameters,
    )
