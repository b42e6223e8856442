"""What starting a suite sends, checked field by field before anything is sent, and how many
calls it places (Cekura bills each)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from ._arguments import check_id, check_ids, check_positive
from ._exceptions import InvalidRequestError
from ._text import safe_repr

__all__ = ["SuiteRequest", "estimate_calls"]

#: Body fields the arguments fill; ``extra_body`` may not set them (the estimate reads them).
_NAMED: Final = frozenset(
    {
        "agent_id",
        "scenarios",
        "tags",
        "folder_path",
        "project_id",
        "frequency",
        "personality_ids",
        "test_profile_ids",
        "personality_id",
        "test_profile_id",
        "concurrency_limit",
        "name",
    }
)


def estimate_calls(
    scenarios: int,
    frequency: int = 1,
    personalities: int = 0,
    test_profiles: int = 0,
) -> int:
    """The number of calls a run places, by Cekura's own formula: ``scenarios x frequency x
    max(1, personalities) x max(1, test_profiles)`` (each a count)."""
    return scenarios * frequency * max(1, personalities) * max(1, test_profiles)


def _id_list(
    value: Any, name: str, *, allow_empty: bool = False, repeat: str = "set frequency"
) -> list[int]:
    ids = check_ids(value, name, allow_empty=allow_empty)
    duplicates = sorted(i for i, seen in Counter(ids).items() if seen > 1)
    if duplicates:
        raise InvalidRequestError(
            f"{name} lists {', '.join(map(str, duplicates))} more than once; {repeat}"
        )
    return ids


def _text_list(value: Any, name: str) -> list[str]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidRequestError(f"{name} must be a list of strings, got {safe_repr(value)}")
    items = list(value)
    if not items or not all(isinstance(item, str) and item.strip() for item in items):
        raise InvalidRequestError(
            f"{name} must be a non-empty list of non-empty strings, got {safe_repr(items)}"
        )
    return items


def _text(value: Any, name: str, max_length: int = 255) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(f"{name} must be a non-empty string, got {safe_repr(value)}")
    if len(value) > max_length:
        raise InvalidRequestError(f"{name} must be at most {max_length} characters")
    return value


@attrs.frozen
class SuiteRequest:
    """A checked run-start body, and what it will cost when that is known before sending."""

    body: dict[str, Any]
    #: Calls it places; None when tags or a folder select the scenarios (Cekura resolves them).
    calls: int | None
    #: How ``calls`` is reckoned, for messages: "3 scenarios x frequency 2 x 2 personalities".
    reckoning: str

    @classmethod
    def build(
        cls,
        agent_id: Any,
        *,
        scenarios: Any = None,
        tags: Any = None,
        folder: Any = None,
        project_id: Any = None,
        frequency: Any = 1,
        personality_ids: Any = None,
        test_profile_ids: Any = None,
        concurrency_limit: Any = None,
        name: Any = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> SuiteRequest:
        """Check every argument (InvalidRequestError naming the first that is wrong) and build
        the JSON body."""
        body: dict[str, Any] = {"agent_id": check_id(agent_id, "agent_id")}
        given = [
            n
            for n, v in (("scenarios", scenarios), ("tags", tags), ("folder", folder))
            if v is not None
        ]
        if len(given) != 1:
            raise InvalidRequestError(
                "give exactly one of scenarios, tags or folder to choose what runs, got "
                + (" and ".join(given) if given else "none")
            )
        count: int | None = None
        if scenarios is not None:
            body["scenarios"] = _id_list(
                scenarios, "scenarios", repeat="to run a scenario several times, set frequency"
            )
            count = len(body["scenarios"])
        elif tags is not None:
            body["tags"] = _text_list(tags, "tags")
        else:
            body["folder_path"] = _text(folder, "folder", max_length=1000)
            if project_id is None:
                raise InvalidRequestError(
                    "folder needs project_id: folder paths are per project (Sales.Inbound)"
                )
        if project_id is not None:
            body["project_id"] = check_id(project_id, "project_id")
        body["frequency"] = check_positive(frequency, "frequency")
        personalities = test_profiles = 0
        if personality_ids is not None:
            body["personality_ids"] = _id_list(
                personality_ids, "personality_ids", allow_empty=True, repeat="list each once"
            )
            personalities = len(body["personality_ids"])
        if test_profile_ids is not None:
            body["test_profile_ids"] = _id_list(
                test_profile_ids, "test_profile_ids", allow_empty=True, repeat="list each once"
            )
            test_profiles = len(body["test_profile_ids"])
        if concurrency_limit is not None:
            body["concurrency_limit"] = check_positive(concurrency_limit, "concurrency_limit")
        if name is not None:
            body["name"] = _text(name, "name")
        if extra_body is not None:
            if not isinstance(extra_body, Mapping) or not all(
                isinstance(k, str) for k in extra_body
            ):
                raise InvalidRequestError(
                    f"extra_body must be a mapping with string keys, got {safe_repr(extra_body)}"
                )
            named = sorted(_NAMED & set(extra_body))
            if named:
                raise InvalidRequestError(
                    f"extra_body may not set {', '.join(named)}: pass the argument of that "
                    "name (the number of calls is reckoned from the arguments)"
                )
            try:
                json.dumps(dict(extra_body), allow_nan=False)
            except (TypeError, ValueError, RecursionError) as exc:
                raise InvalidRequestError(
                    f"extra_body must hold JSON values only (no NaN, infinity or other "
                    f"objects): {type(exc).__name__}: {safe_repr(str(exc), 120)}"
                ) from None
            body.update(extra_body)
        frequency_text = f"frequency {body['frequency']}"
        factors = [
            "the scenarios Cekura selects"
            if count is None
            else f"{count} scenario{'' if count == 1 else 's'}"
        ]
        factors.append(frequency_text)
        if personalities:
            factors.append(f"{personalities} personalit{'y' if personalities == 1 else 'ies'}")
        if test_profiles:
            factors.append(f"{test_profiles} test profile{'' if test_profiles == 1 else 's'}")
        calls = (
            None
            if count is None
            else estimate_calls(count, body["frequency"], personalities, test_profiles)
        )
        return cls(body=body, calls=calls, reckoning=" x ".join(factors))

    def check_budget(self, max_calls: int | None) -> None:
        """InvalidRequestError when the run would place more than ``max_calls`` calls."""
        if max_calls is None:
            return
        limit = check_positive(max_calls, "max_calls")
        if self.calls is not None and self.calls > limit:
            raise InvalidRequestError(
                f"this run would place {self.calls} calls ({self.reckoning}), more than "
                f"max_calls={limit}; raise max_calls to start it"
            )

    def describe(self) -> str:
        """``"6 calls (3 scenarios x frequency 2)"``, or the reckoning when the count is not
        known before starting."""
        if self.calls is None:
            return f"an unknown number of calls ({self.reckoning})"
        return f"{self.calls} call{'s' if self.calls != 1 else ''} ({self.reckoning})"
