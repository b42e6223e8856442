"""The API operations the facade calls, declared once by method and path.

The generated module behind an operation is looked up in ``cekura_openapi.operation_index``
(written by scripts/generate.py), never by module name: upstream renames operationIds between
spec versions, and module names follow them.
"""

from __future__ import annotations

import functools
import importlib
import re
from types import ModuleType
from typing import Final

from cekura_openapi.operation_index import OPERATIONS

from ._exceptions import CekuraError

__all__ = ["GET_RESULT", "MissingOperationError", "operation_module"]

GET_RESULT: Final = "GET /test_framework/v1/results/{id}/"

_PARAM = re.compile(r"\{[^}]*\}")


class MissingOperationError(CekuraError, LookupError):
    """The generated client has no module for an operation the facade needs."""


def _normalise(key: str) -> str:
    return _PARAM.sub("{}", key)


@functools.cache
def _index() -> dict[str, str]:
    return {_normalise(key): module for key, module in OPERATIONS.items()}


def operation_module(key: str) -> ModuleType:
    """The generated module implementing ``key`` ("METHOD /path/{param}/")."""
    module = _index().get(_normalise(key))
    if module is None:
        raise MissingOperationError(
            f"the generated client has no operation {key!r}; regenerate it from a spec that "
            "has it (make vendor SRC=... && make generate)"
        )
    return importlib.import_module(module)
