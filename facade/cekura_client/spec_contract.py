"""What the facade needs from the OpenAPI spec, published for the spec tooling.

The spec diff reads this module (and nothing private) to say which facade calls and attributes a
spec change touches:

* :data:`OPERATIONS` - each facade operation with its method+path candidates, newest first;
* :func:`result_fields` - which ``ResultDetailV2`` property each ``Result`` attribute is built
  from (property -> attribute).
"""

from __future__ import annotations

from ._operations import GET_RESULT, OPERATIONS, Operation
from .types.result import spec_dependencies

__all__ = ["GET_RESULT", "OPERATIONS", "Operation", "result_fields"]


def result_fields() -> dict[str, str]:
    """``ResultDetailV2`` property -> the ``Result`` attribute built from it."""
    return spec_dependencies()
