"""The classification table of the spec diff: for each kind of change, whether it breaks a client.

"Breaking" is judged for a client of the API - code written against the old spec, and the
client generated from it (whose models raise on enum values and nulls they were not told about).
A change to a schema counts differently where the schema is *sent* (request) and where it is
*received* (response); a schema used in both counts as breaking if it breaks either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final


class Category(str, Enum):
    BREAKING = "breaking"
    NON_BREAKING = "non-breaking"
    DOCUMENTATION = "documentation"


class Context(str, Enum):
    REQUEST = "request"
    RESPONSE = "response"


@dataclass(frozen=True)
class RuleOfKind:
    request: Category
    response: Category
    reason: str


B, N = Category.BREAKING, Category.NON_BREAKING

#: kind -> (category where the schema is sent, category where it is received, why)
RULES: Final[dict[str, RuleOfKind]] = {
    # operations
    "operation-removed": RuleOfKind(B, B, "calls to it fail"),
    "operation-added": RuleOfKind(N, N, "nothing existing changes"),
    "operation-deprecated": RuleOfKind(N, N, "it still works; plan to move off it"),
    # parameters
    "parameter-added-required": RuleOfKind(B, B, "existing calls lack it"),
    "parameter-added-optional": RuleOfKind(N, N, "existing calls stay valid"),
    "parameter-removed": RuleOfKind(B, B, "calls passing it break in the generated client"),
    "parameter-made-required": RuleOfKind(B, B, "calls without it are refused"),
    "parameter-made-optional": RuleOfKind(N, N, "existing calls stay valid"),
    # request bodies and responses
    "request-body-added-required": RuleOfKind(B, B, "existing calls send no body"),
    "request-body-added-optional": RuleOfKind(N, N, "existing calls stay valid"),
    "request-body-removed": RuleOfKind(B, B, "calls sending a body break in the generated client"),
    "request-body-made-required": RuleOfKind(B, B, "calls without a body are refused"),
    "media-type-added": RuleOfKind(N, N, "an extra choice"),
    "media-type-removed": RuleOfKind(B, B, "clients using it are refused or get nothing parsed"),
    "response-added": RuleOfKind(N, N, "a new status to handle; old ones still mean the same"),
    "response-removed": RuleOfKind(B, B, "code relying on that status no longer gets it"),
    # schemas
    "property-added": RuleOfKind(N, N, "old clients ignore it"),
    "required-property-added": RuleOfKind(B, N, "old clients do not send it"),
    "property-removed": RuleOfKind(B, B, "code reading or setting it breaks"),
    "type-changed": RuleOfKind(B, B, "values no longer parse or validate"),
    "format-changed": RuleOfKind(B, B, "values no longer parse or validate"),
    "ref-changed": RuleOfKind(B, B, "a different model is used"),
    "nullable-added": RuleOfKind(N, B, "clients receiving it must handle null"),
    "nullable-removed": RuleOfKind(B, N, "clients sending null are refused"),
    "required-added": RuleOfKind(B, N, "clients not sending it are refused"),
    "required-removed": RuleOfKind(N, B, "clients reading it may not get it"),
    "enum-value-added": RuleOfKind(N, B, "generated models raise on values they do not know"),
    "enum-value-removed": RuleOfKind(B, N, "clients sending it are refused"),
    "variant-added": RuleOfKind(N, B, "clients receiving it may not handle the new shape"),
    "variant-removed": RuleOfKind(B, N, "clients sending that shape are refused"),
    "schema-added": RuleOfKind(N, N, "nothing existing changes"),
}


def classify(kind: str, contexts: frozenset[Context]) -> Category:
    """The category of a change of ``kind`` in a schema used in ``contexts``."""
    rule = RULES[kind]
    categories = {rule.request if c is Context.REQUEST else rule.response for c in contexts}
    if not categories:  # operation-level kinds: the same either way
        categories = {rule.request}
    return B if B in categories else N


def rule_table_markdown() -> str:
    """The table above as Markdown (the README shows it)."""
    lines = [
        "| change | where sent (request) | where received (response) | why |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{kind}` | {rule.request.value} | {rule.response.value} | {rule.reason} |"
        for kind, rule in RULES.items()
    ]
    return "\n".join(lines)
