from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from dateutil.parser import isoparse
from typing_extensions import Self

from ..models.scenarios_run_voice_3_response_201_runs_item_status import (
    ScenariosRunVoice3Response201RunsItemStatus,
    check_scenarios_run_voice_3_response_201_runs_item_status,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.scenarios_run_voice_3_response_201_runs_item_test_profile_data_type_0 import (
        ScenariosRunVoice3Response201RunsItemTestProfileDataType0,
    )


T = TypeVar("T", bound="ScenariosRunVoice3Response201RunsItem")


@_attrs_define
class ScenariosRunVoice3Response201RunsItem:
    """
    Attributes:
        id (int | Unset): ID of the run
        status (ScenariosRunVoice3Response201RunsItemStatus | Unset): Status of the run
        scenario (int | Unset): ID of the scenario
        number (str | Unset): For outbound runs (agent.inbound=False). The given number that must be called from the
            phone number configured in the cekura agent. Example: +11234567890.
        inbound_number (None | str | Unset): For inbound runs (agent.inbound=True). The agent's configured phone number
            will receive calls from this number. Example: +11234567890.
        scenario_name (str | Unset): Name of the scenario
        test_profile_data (None | ScenariosRunVoice3Response201RunsItemTestProfileDataType0 | Unset): Details of the
            test profile associated with this run scenario
        outbound_dial_window_opens_at (datetime.datetime | None | Unset): When the outbound dial window opened (run
            transitioned to pending/waiting-for-call). Null until dispatched.
        outbound_dial_window_seconds (int | None | Unset): Duration of the outbound dial window in seconds.
        outbound_dial_window_closes_at (datetime.datetime | None | Unset): Deadline by which your agent must dial the
            outbound number (opens_at + outbound_dial_window_seconds). Dials after this are dropped and the run returns
            status: timeout.
    """

    id: int | Unset = UNSET
    status: ScenariosRunVoice3Response201RunsItemStatus | Unset = UNSET
    scenario: int | Unset = UNSET
    number: str | Unset = UNSET
    inbound_number: None | str | Unset = UNSET
    scenario_name: str | Unset = UNSET
    test_profile_data: (
        None | ScenariosRunVoice3Response201RunsItemTestProfileDataType0 | Unset
    ) = UNSET
    outbound_dial_window_opens_at: datetime.datetime | None | Unset = UNSET
    outbound_dial_window_seconds: int | None | Unset = UNSET
    outbound_dial_window_closes_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.scenarios_run_voice_3_response_201_runs_item_test_profile_data_type_0 import (
            ScenariosRunVoice3Response201RunsItemTestProfileDataType0,
        )

        id = self.id

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        scenario = self.scenario

        number = self.number

        inbound_number: None | str | Unset
        if isinstance(self.inbound_number, Unset):
            inbound_number = UNSET
        else:
            inbound_number = self.inbound_number

        scenario_name = self.scenario_name

        test_profile_data: dict[str, Any] | None | Unset
        if isinstance(self.test_profile_data, Unset):
            test_profile_data = UNSET
        elif isinstance(
            self.test_profile_data,
            ScenariosRunVoice3Response201RunsItemTestProfileDataType0,
        ):
            test_profile_data = self.test_profile_data.to_dict()
        else:
            test_profile_data = self.test_profile_data

        outbound_dial_window_opens_at: None | str | Unset
        if isinstance(self.outbound_dial_window_opens_at, Unset):
            outbound_dial_window_opens_at = UNSET
        elif isinstance(self.outbound_dial_window_opens_at, datetime.datetime):
            outbound_dial_window_opens_at = (
                self.outbound_dial_window_opens_at.isoformat()
            )
        else:
            outbound_dial_window_opens_at = self.outbound_dial_window_opens_at

        outbound_dial_window_seconds: int | None | Unset
        if isinstance(self.outbound_dial_window_seconds, Unset):
            outbound_dial_window_seconds = UNSET
        else:
            outbound_dial_window_seconds = self.outbound_dial_window_seconds

        outbound_dial_window_closes_at: None | str | Unset
        if isinstance(self.outbound_dial_window_closes_at, Unset):
            outbound_dial_window_closes_at = UNSET
        elif isinstance(self.outbound_dial_window_closes_at, datetime.datetime):
            outbound_dial_window_closes_at = (
                self.outbound_dial_window_closes_at.isoformat()
            )
        else:
            outbound_dial_window_closes_at = self.outbound_dial_window_closes_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if status is not UNSET:
            field_dict["status"] = status
        if scenario is not UNSET:
            field_dict["scenario"] = scenario
        if number is not UNSET:
            field_dict["number"] = number
        if inbound_number is not UNSET:
            field_dict["inbound_number"] = inbound_number
        if scenario_name is not UNSET:
            field_dict["scenario_name"] = scenario_name
        if test_profile_data is not UNSET:
            field_dict["test_profile_data"] = test_profile_data
        if outbound_dial_window_opens_at is not UNSET:
            field_dict["outbound_dial_window_opens_at"] = outbound_dial_window_opens_at
        if outbound_dial_window_seconds is not UNSET:
            field_dict["outbound_dial_window_seconds"] = outbound_dial_window_seconds
        if outbound_dial_window_closes_at is not UNSET:
            field_dict["outbound_dial_window_closes_at"] = (
                outbound_dial_window_closes_at
            )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.scenarios_run_voice_3_response_201_runs_item_test_profile_data_type_0 import (
            ScenariosRunVoice3Response201RunsItemTestProfileDataType0,
        )

        d = dict(src_dict)
        id = d.pop("id", UNSET)

        _status = d.pop("status", UNSET)
        status: ScenariosRunVoice3Response201RunsItemStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_scenarios_run_voice_3_response_201_runs_item_status(_status)

        scenario = d.pop("scenario", UNSET)

        number = d.pop("number", UNSET)

        def _parse_inbound_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        inbound_number = _parse_inbound_number(d.pop("inbound_number", UNSET))

        scenario_name = d.pop("scenario_name", UNSET)

        def _parse_test_profile_data(
            data: object,
        ) -> None | ScenariosRunVoice3Response201RunsItemTestProfileDataType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                test_profile_data_type_0 = (
                    ScenariosRunVoice3Response201RunsItemTestProfileDataType0.from_dict(
                        data
                    )
                )

                return test_profile_data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None
                | ScenariosRunVoice3Response201RunsItemTestProfileDataType0
                | Unset,
                data,
            )

        test_profile_data = _parse_test_profile_data(d.pop("test_profile_data", UNSET))

        def _parse_outbound_dial_window_opens_at(
            data: object,
        ) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                outbound_dial_window_opens_at_type_0 = isoparse(data)

                return outbound_dial_window_opens_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        outbound_dial_window_opens_at = _parse_outbound_dial_window_opens_at(
            d.pop("outbound_dial_window_opens_at", UNSET)
        )

        def _parse_outbound_dial_window_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        outbound_dial_window_seconds = _parse_outbound_dial_window_seconds(
            d.pop("outbound_dial_window_seconds", UNSET)
        )

        def _parse_outbound_dial_window_closes_at(
            data: object,
        ) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                outbound_dial_window_closes_at_type_0 = isoparse(data)

                return outbound_dial_window_closes_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        outbound_dial_window_closes_at = _parse_outbound_dial_window_closes_at(
            d.pop("outbound_dial_window_closes_at", UNSET)
        )

        scenarios_run_voice_3_response_201_runs_item = cls(
            id=id,
            status=status,
            scenario=scenario,
            number=number,
            inbound_number=inbound_number,
            scenario_name=scenario_name,
            test_profile_data=test_profile_data,
            outbound_dial_window_opens_at=outbound_dial_window_opens_at,
            outbound_dial_window_seconds=outbound_dial_window_seconds,
            outbound_dial_window_closes_at=outbound_dial_window_closes_at,
        )

        scenarios_run_voice_3_response_201_runs_item.additional_properties = d
        return scenarios_run_voice_3_response_201_runs_item

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
