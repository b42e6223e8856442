from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from dateutil.parser import isoparse
from typing_extensions import Self

from ..models.scenarios_run_text_3_response_201_status import (
    ScenariosRunText3Response201Status,
    check_scenarios_run_text_3_response_201_status,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.scenarios_run_text_3_response_201_runs_item import (
        ScenariosRunText3Response201RunsItem,
    )


T = TypeVar("T", bound="ScenariosRunText3Response201")


@_attrs_define
class ScenariosRunText3Response201:
    """
    Attributes:
        id (int | Unset): ID of the result
        agent (int | Unset): ID of the agent
        status (ScenariosRunText3Response201Status | Unset): Status of the result
        run_as_text (bool | Unset): Whether the scenario ran as text or not Example: False.
        runs (list[ScenariosRunText3Response201RunsItem] | Unset):
        created_at (datetime.datetime | Unset):  Example: 2025-02-25T21:00:01.990052Z.
    """

    id: int | Unset = UNSET
    agent: int | Unset = UNSET
    status: ScenariosRunText3Response201Status | Unset = UNSET
    run_as_text: bool | Unset = UNSET
    runs: list[ScenariosRunText3Response201RunsItem] | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        agent = self.agent

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        run_as_text = self.run_as_text

        runs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.runs, Unset):
            runs = []
            for runs_item_data in self.runs:
                runs_item = runs_item_data.to_dict()
                runs.append(runs_item)

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if agent is not UNSET:
            field_dict["agent"] = agent
        if status is not UNSET:
            field_dict["status"] = status
        if run_as_text is not UNSET:
            field_dict["run_as_text"] = run_as_text
        if runs is not UNSET:
            field_dict["runs"] = runs
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.scenarios_run_text_3_response_201_runs_item import (
            ScenariosRunText3Response201RunsItem,
        )

        d = dict(src_dict)
        id = d.pop("id", UNSET)

        agent = d.pop("agent", UNSET)

        _status = d.pop("status", UNSET)
        status: ScenariosRunText3Response201Status | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_scenarios_run_text_3_response_201_status(_status)

        run_as_text = d.pop("run_as_text", UNSET)

        _runs = d.pop("runs", UNSET)
        runs: list[ScenariosRunText3Response201RunsItem] | Unset = UNSET
        if _runs is not UNSET:
            runs = []
            for runs_item_data in _runs:
                runs_item = ScenariosRunText3Response201RunsItem.from_dict(
                    runs_item_data
                )

                runs.append(runs_item)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = isoparse(_created_at)

        scenarios_run_text_3_response_201 = cls(
            id=id,
            agent=agent,
            status=status,
            run_as_text=run_as_text,
            runs=runs,
            created_at=created_at,
        )

        scenarios_run_text_3_response_201.additional_properties = d
        return scenarios_run_text_3_response_201

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
