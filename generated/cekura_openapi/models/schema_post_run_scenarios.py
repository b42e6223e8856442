from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..models.schema_post_run_scenarios_mode import (
    SchemaPostRunScenariosMode,
    check_schema_post_run_scenarios_mode,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="SchemaPostRunScenarios")


@_attrs_define
class SchemaPostRunScenarios:
    """
    Attributes:
        agent_id (int | Unset): ID of the agent to run evaluators for
        assistant_id (str | Unset):
            Alternative to agent ID - the assistant ID to use for this scenario
            Example: `"asst_1234567890"`
        scenarios (list[int] | Unset):
            List of evaluator IDs to run. Either scenarios, tags, or folder_path must be provided.
            Example: `[11, 22, 33]`

            To run evaluators by tag or folder, use the `tags` or `folder_path` fields instead.
        tags (list[str] | Unset):
            List of tags to filter evaluators to run. Either evaluators or tags must be provided.
            Example: `["tag1", "tag2", "tag3"]`
        folder_path (str | Unset):
            Dot-separated folder path to select evaluators from (e.g. `"Sales.Inbound"`).
            Mutually exclusive with `scenarios` and `tags`. Requires `project_id`.
        project_id (int | Unset):
            Project ID. Required when using `folder_path` (or when passing a folder path string via `scenarios`).
            Example: `1376`
        frequency (int | Unset):
            The number of times each evaluator will run
            Example: `1`
             Default: 1.
        name (str | Unset): Label text for result
        outbound_phone_number (str | Unset):
            Override the phone number to use for outbound calls.
            Example: "+1234567890"
        personality_ids (list[int] | None | Unset):
            List of personality IDs to override for this run. If not provided, uses the scenario's default personality.
            Example: `[123, 456, 789]`
        test_profile_ids (list[int] | None | Unset):
            List of test profile IDs to override for this run. If not provided, uses the scenario's default test profile.
            Example: `[123, 456, 789]`
        personality_id (int | None | Unset): Single personality ID override. Merged into personality_ids; prefer
            personality_ids for multiple.
        test_profile_id (int | None | Unset): Single test profile ID override. Merged into test_profile_ids; prefer
            test_profile_ids for multiple.
        mode (SchemaPostRunScenariosMode | Unset): Using same or different phone numbers for each evaluation

            * `same_number` - same_number
            * `different_numbers` - different_numbers Default: 'same_number'.
        agent_number (str | Unset):
            Override the phone number from which the agent under test receives the call during outbound runs.
            This allows overriding the default agent contact number for testing purposes.
            Example: "+1234567890"
        concurrency_limit (int | Unset):
            Cap on the number of evaluator runs executed in parallel. Default: unbounded (subject to your provider's rate
            limits).
            Use this to avoid hitting provider rate limits on large frequency or folder runs.
            Example: `5`
        mock_tool_names (list[str] | Unset):
            Names of mock tools to activate for this run. Cekura swaps those tools' URLs to mock endpoints while the
            run is active and restores the originals when it finishes. Omit (or send null) to mock every tool
            configured on the agent; send an empty list to mock none so every tool keeps its original endpoint.
            Example: `["get_appointments", "cancel_booking"]`
    """

    agent_id: int | Unset = UNSET
    assistant_id: str | Unset = UNSET
    scenarios: list[int] | Unset = UNSET
    tags: list[str] | Unset = UNSET
    folder_path: str | Unset = UNSET
    project_id: int | Unset = UNSET
    frequency: int | Unset = 1
    name: str | Unset = UNSET
    outbound_phone_number: str | Unset = UNSET
    personality_ids: list[int] | None | Unset = UNSET
    test_profile_ids: list[int] | None | Unset = UNSET
    personality_id: int | None | Unset = UNSET
    test_profile_id: int | None | Unset = UNSET
    mode: SchemaPostRunScenariosMode | Unset = "same_number"
    agent_number: str | Unset = UNSET
    concurrency_limit: int | Unset = UNSET
    mock_tool_names: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        assistant_id = self.assistant_id

        scenarios: list[int] | Unset = UNSET
        if not isinstance(self.scenarios, Unset):
            scenarios = self.scenarios

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        folder_path = self.folder_path

        project_id = self.project_id

        frequency = self.frequency

        name = self.name

        outbound_phone_number = self.outbound_phone_number

        personality_ids: list[int] | None | Unset
        if isinstance(self.personality_ids, Unset):
            personality_ids = UNSET
        elif isinstance(self.personality_ids, list):
            personality_ids = self.personality_ids

        else:
            personality_ids = self.personality_ids

        test_profile_ids: list[int] | None | Unset
        if isinstance(self.test_profile_ids, Unset):
            test_profile_ids = UNSET
        elif isinstance(self.test_profile_ids, list):
            test_profile_ids = self.test_profile_ids

        else:
            test_profile_ids = self.test_profile_ids

        personality_id: int | None | Unset
        if isinstance(self.personality_id, Unset):
            personality_id = UNSET
        else:
            personality_id = self.personality_id

        test_profile_id: int | None | Unset
        if isinstance(self.test_profile_id, Unset):
            test_profile_id = UNSET
        else:
            test_profile_id = self.test_profile_id

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode

        agent_number = self.agent_number

        concurrency_limit = self.concurrency_limit

        mock_tool_names: list[str] | Unset = UNSET
        if not isinstance(self.mock_tool_names, Unset):
            mock_tool_names = self.mock_tool_names

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if agent_id is not UNSET:
            field_dict["agent_id"] = agent_id
        if assistant_id is not UNSET:
            field_dict["assistant_id"] = assistant_id
        if scenarios is not UNSET:
            field_dict["scenarios"] = scenarios
        if tags is not UNSET:
            field_dict["tags"] = tags
        if folder_path is not UNSET:
            field_dict["folder_path"] = folder_path
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if frequency is not UNSET:
            field_dict["frequency"] = frequency
        if name is not UNSET:
            field_dict["name"] = name
        if outbound_phone_number is not UNSET:
            field_dict["outbound_phone_number"] = outbound_phone_number
        if personality_ids is not UNSET:
            field_dict["personality_ids"] = personality_ids
        if test_profile_ids is not UNSET:
            field_dict["test_profile_ids"] = test_profile_ids
        if personality_id is not UNSET:
            field_dict["personality_id"] = personality_id
        if test_profile_id is not UNSET:
            field_dict["test_profile_id"] = test_profile_id
        if mode is not UNSET:
            field_dict["mode"] = mode
        if agent_number is not UNSET:
            field_dict["agent_number"] = agent_number
        if concurrency_limit is not UNSET:
            field_dict["concurrency_limit"] = concurrency_limit
        if mock_tool_names is not UNSET:
            field_dict["mock_tool_names"] = mock_tool_names

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        agent_id = d.pop("agent_id", UNSET)

        assistant_id = d.pop("assistant_id", UNSET)

        scenarios = cast(list[int], d.pop("scenarios", UNSET))

        tags = cast(list[str], d.pop("tags", UNSET))

        folder_path = d.pop("folder_path", UNSET)

        project_id = d.pop("project_id", UNSET)

        frequency = d.pop("frequency", UNSET)

        name = d.pop("name", UNSET)

        outbound_phone_number = d.pop("outbound_phone_number", UNSET)

        def _parse_personality_ids(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                personality_ids_type_0 = cast(list[int], data)

                return personality_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        personality_ids = _parse_personality_ids(d.pop("personality_ids", UNSET))

        def _parse_test_profile_ids(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                test_profile_ids_type_0 = cast(list[int], data)

                return test_profile_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        test_profile_ids = _parse_test_profile_ids(d.pop("test_profile_ids", UNSET))

        def _parse_personality_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        personality_id = _parse_personality_id(d.pop("personality_id", UNSET))

        def _parse_test_profile_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        test_profile_id = _parse_test_profile_id(d.pop("test_profile_id", UNSET))

        _mode = d.pop("mode", UNSET)
        mode: SchemaPostRunScenariosMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = check_schema_post_run_scenarios_mode(_mode)

        agent_number = d.pop("agent_number", UNSET)

        concurrency_limit = d.pop("concurrency_limit", UNSET)

        mock_tool_names = cast(list[str], d.pop("mock_tool_names", UNSET))

        schema_post_run_scenarios = cls(
            agent_id=agent_id,
            assistant_id=assistant_id,
            scenarios=scenarios,
            tags=tags,
            folder_path=folder_path,
            project_id=project_id,
            frequency=frequency,
            name=name,
            outbound_phone_number=outbound_phone_number,
            personality_ids=personality_ids,
            test_profile_ids=test_profile_ids,
            personality_id=personality_id,
            test_profile_id=test_profile_id,
            mode=mode,
            agent_number=agent_number,
            concurrency_limit=concurrency_limit,
            mock_tool_names=mock_tool_names,
        )

        schema_post_run_scenarios.additional_properties = d
        return schema_post_run_scenarios

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
