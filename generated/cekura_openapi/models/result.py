from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from dateutil.parser import isoparse
from typing_extensions import Self

from ..models.result_status import ResultStatus, check_result_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.result_runs import ResultRuns
    from ..models.result_scenarios import ResultScenarios


T = TypeVar("T", bound="Result")


@_attrs_define
class Result:
    """
    Attributes:
        name (str):
            Name of the Result
            Example: `"Test Result 1"`
        id (int | Unset):
            Unique identifier for the Result
            Example: `123`
        agent (int | Unset):
            ID of the AI agent that was tested
            Example: `123`
        agent_name (str | Unset):
            Name of the AI agent that was tested
            Example: `"Test Agent 1"`
        agent_inbound (bool | Unset):
            Whether the agent is configured for inbound calls (true) or outbound calls (false)
            Example: `true` or `false`
        status (ResultStatus | Unset):
            Current status of the result


            * `running` - Running
            * `completed` - Completed
            * `failed` - Failed
            * `pending` - Pending
            * `in_progress` - In Progress
            * `evaluating` - Evaluating
            * `in_queue` - In Queue
            * `timeout` - Timeout
            * `cancelled` - Cancelled
            * `scaling_up` - Scaling Up Default: 'pending'.
        success_rate (float | Unset): Success rate of the test runs as a decimal (0.0 to 1.0) Default: 0.0.
        run_as_text (bool | Unset):
            Whether this test was run in text mode instead of voice mode
            Example: `true` or `false`
             Default: False.
        is_cronjob (str | Unset):
            Whether this result was created by a scheduled cronjob
            Example: `true` or `false`
        runs (ResultRuns | Unset): Run summaries for this result. For full run data including transcripts and metric
            scores, fetch the result detail endpoint — there `runs` is a dict keyed by run ID.
        met_expected_outcome_count (str | Unset):
            Number of test runs that met the expected outcome criteria
            Example: `10`
        total_expected_outcome_count (str | Unset):
            Total number of test runs that were evaluated for expected outcomes
            Example: `10`
        total_runs_count (str | Unset):
            Total number of test runs associated with this result
            Example: `10`
        completed_runs_count (str | Unset):
            Number of test runs that have completed successfully
            Example: `10`
        success_runs_count (str | Unset):
            Number of test runs that were marked as successful
            Example: `10`
        failed_runs_count (str | Unset):
            Number of test runs that failed or encountered errors
            Example: `10`
        scenarios (ResultScenarios | Unset):
            List of scenario names used in the test runs for this result
            Example:
            ```json
            [
                {
                    "id": 123,
                    "name": "Scenario 1"
                },
                {
                    "id": 456,
                    "name": "Scenario 2"
                }
            ]
            ```
        run_type (None | str | Unset): Run Execution Type
        agent_version (str | Unset): The agent version (history record) this result ran against, or null.
        created_at (datetime.datetime | Unset):
            Timestamp when this test result was created
            Example: `2021-01-01 00:00:00`
        updated_at (datetime.datetime | Unset): Timestamp when this test result was last updated
    """

    name: str
    id: int | Unset = UNSET
    agent: int | Unset = UNSET
    agent_name: str | Unset = UNSET
    agent_inbound: bool | Unset = UNSET
    status: ResultStatus | Unset = "pending"
    success_rate: float | Unset = 0.0
    run_as_text: bool | Unset = False
    is_cronjob: str | Unset = UNSET
    runs: ResultRuns | Unset = UNSET
    met_expected_outcome_count: str | Unset = UNSET
    total_expected_outcome_count: str | Unset = UNSET
    total_runs_count: str | Unset = UNSET
    completed_runs_count: str | Unset = UNSET
    success_runs_count: str | Unset = UNSET
    failed_runs_count: str | Unset = UNSET
    scenarios: ResultScenarios | Unset = UNSET
    run_type: None | str | Unset = UNSET
    agent_version: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        id = self.id

        agent = self.agent

        agent_name = self.agent_name

        agent_inbound = self.agent_inbound

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        success_rate = self.success_rate

        run_as_text = self.run_as_text

        is_cronjob = self.is_cronjob

        runs: dict[str, Any] | Unset = UNSET
        if not isinstance(self.runs, Unset):
            runs = self.runs.to_dict()

        met_expected_outcome_count = self.met_expected_outcome_count

        total_expected_outcome_count = self.total_expected_outcome_count

        total_runs_count = self.total_runs_count

        completed_runs_count = self.completed_runs_count

        success_runs_count = self.success_runs_count

        failed_runs_count = self.failed_runs_count

        scenarios: dict[str, Any] | Unset = UNSET
        if not isinstance(self.scenarios, Unset):
            scenarios = self.scenarios.to_dict()

        run_type: None | str | Unset
        if isinstance(self.run_type, Unset):
            run_type = UNSET
        else:
            run_type = self.run_type

        agent_version = self.agent_version

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if agent is not UNSET:
            field_dict["agent"] = agent
        if agent_name is not UNSET:
            field_dict["agent_name"] = agent_name
        if agent_inbound is not UNSET:
            field_dict["agent_inbound"] = agent_inbound
        if status is not UNSET:
            field_dict["status"] = status
        if success_rate is not UNSET:
            field_dict["success_rate"] = success_rate
        if run_as_text is not UNSET:
            field_dict["run_as_text"] = run_as_text
        if is_cronjob is not UNSET:
            field_dict["is_cronjob"] = is_cronjob
        if runs is not UNSET:
            field_dict["runs"] = runs
        if met_expected_outcome_count is not UNSET:
            field_dict["met_expected_outcome_count"] = met_expected_outcome_count
        if total_expected_outcome_count is not UNSET:
            field_dict["total_expected_outcome_count"] = total_expected_outcome_count
        if total_runs_count is not UNSET:
            field_dict["total_runs_count"] = total_runs_count
        if completed_runs_count is not UNSET:
            field_dict["completed_runs_count"] = completed_runs_count
        if success_runs_count is not UNSET:
            field_dict["success_runs_count"] = success_runs_count
        if failed_runs_count is not UNSET:
            field_dict["failed_runs_count"] = failed_runs_count
        if scenarios is not UNSET:
            field_dict["scenarios"] = scenarios
        if run_type is not UNSET:
            field_dict["run_type"] = run_type
        if agent_version is not UNSET:
            field_dict["agent_version"] = agent_version
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.result_runs import ResultRuns
        from ..models.result_scenarios import ResultScenarios

        d = dict(src_dict)
        name = d.pop("name")

        id = d.pop("id", UNSET)

        agent = d.pop("agent", UNSET)

        agent_name = d.pop("agent_name", UNSET)

        agent_inbound = d.pop("agent_inbound", UNSET)

        _status = d.pop("status", UNSET)
        status: ResultStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_result_status(_status)

        success_rate = d.pop("success_rate", UNSET)

        run_as_text = d.pop("run_as_text", UNSET)

        is_cronjob = d.pop("is_cronjob", UNSET)

        _runs = d.pop("runs", UNSET)
        runs: ResultRuns | Unset
        if isinstance(_runs, Unset):
            runs = UNSET
        else:
            runs = ResultRuns.from_dict(_runs)

        met_expected_outcome_count = d.pop("met_expected_outcome_count", UNSET)

        total_expected_outcome_count = d.pop("total_expected_outcome_count", UNSET)

        total_runs_count = d.pop("total_runs_count", UNSET)

        completed_runs_count = d.pop("completed_runs_count", UNSET)

        success_runs_count = d.pop("success_runs_count", UNSET)

        failed_runs_count = d.pop("failed_runs_count", UNSET)

        _scenarios = d.pop("scenarios", UNSET)
        scenarios: ResultScenarios | Unset
        if isinstance(_scenarios, Unset):
            scenarios = UNSET
        else:
            scenarios = ResultScenarios.from_dict(_scenarios)

        def _parse_run_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        run_type = _parse_run_type(d.pop("run_type", UNSET))

        agent_version = d.pop("agent_version", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = isoparse(_created_at)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = isoparse(_updated_at)

        result = cls(
            name=name,
            id=id,
            agent=agent,
            agent_name=agent_name,
            agent_inbound=agent_inbound,
            status=status,
            success_rate=success_rate,
            run_as_text=run_as_text,
            is_cronjob=is_cronjob,
            runs=runs,
            met_expected_outcome_count=met_expected_outcome_count,
            total_expected_outcome_count=total_expected_outcome_count,
            total_runs_count=total_runs_count,
            completed_runs_count=completed_runs_count,
            success_runs_count=success_runs_count,
            failed_runs_count=failed_runs_count,
            scenarios=scenarios,
            run_type=run_type,
            agent_version=agent_version,
            created_at=created_at,
            updated_at=updated_at,
        )

        result.additional_properties = d
        return result

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
