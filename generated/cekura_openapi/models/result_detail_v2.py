from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from dateutil.parser import isoparse
from typing_extensions import Self

from ..models.result_detail_v2_status import (
    ResultDetailV2Status,
    check_result_detail_v2_status,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.result_detail_v2_runs import ResultDetailV2Runs


T = TypeVar("T", bound="ResultDetailV2")


@_attrs_define
class ResultDetailV2:
    """
    Attributes:
        agent (int):
        id (int | Unset):
        name (str | Unset):
            Name of the result
            Example: `"Test Result 1"`
        agent_name (str | Unset): Name of the agent associated with this result
        agent_version (str | Unset): The agent version (history record) this result ran against, or null.
        status (ResultDetailV2Status | Unset):
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
            * `scaling_up` - Scaling Up
        met_expected_outcome_count (str | Unset): Number of runs that fully met their expected outcomes with a score of
            100
        total_expected_outcome_count (str | Unset): Total number of runs that had expected outcomes defined
        success_rate (float | Unset):
            Success rate of the test runs
        run_as_text (bool | Unset):
            Whether this test was run in text mode instead of voice mode
            Example: `true` or `false`
        is_cronjob (str | Unset): Whether this result was created by a scheduled cronjob
        runs (ResultDetailV2Runs | Unset): Run objects keyed by run ID string (e.g. {"12345": {...}}). The list endpoint
            returns `runs` as an array of summaries instead.
        overall_evaluation (Any | None | Unset):
            Overall evaluation of the test runs
            Example:
            ```json
            {
                "success_rate": "number",
                "metric_summary": {
                  "metric_id": {
                    "id": "integer",
                    "name": "string",
                    "type": "string",
                    "score": "number",
                    "explanation": "string (optional)",
                    "function_name": "string",
                    "vocera_defined_metric_code": "string (optional)",
                    "p50": "number (for numeric metrics)"
                  }
                },
                "worst_performing_metrics": {
                  "binary_adherence": [
                    "array of metric_ids"
                  ]
                },
                "numeric_metrics": [
                  {
                    "name": "string",
                    "type": "numeric",
                    "value": "number",
                    "percentiles": {
                      "p50": "number"
                    }
                  }
                ],
                "enum_metrics": [
                  "array of metric_ids"
                ],
                "extra_metrics": [
                  {
                    "name": "string (e.g., 'Expected Outcome', 'Average Ringing Duration')",
                    "type": "string",
                    "value": "number",
                    "percentiles": {
                      "p50": "number (optional)"
                    }
                  }
                ]
            }
        total_duration (str | Unset):
            Total duration of the test runs for this result
            Example: `22:30`
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
        connected_runs (str | Unset): List of run IDs that got connected successfully (have transcript data). Returns
            empty list if no connected runs.
        not_connected_runs (str | Unset): List of run IDs that never connected (no transcript data). Returns empty list
            if every run connected.
        failed_infrastructure_runs (str | Unset): List of run IDs that failed infrastructure issues metric (score=0).
            Returns null if metric not found, empty list if metric exists but no failures.
        failed_workflow_runs (str | Unset): List of run IDs that failed expected outcome metric (score=0). Returns null
            if metric not found, empty list if metric exists but no failures.
        successful_calls (str | Unset): List of run IDs that completed successfully. Returns empty list if no successful
            runs.
        scenarios (str | Unset):
            List of scenario names used in the test runs for this result
            Example: ```
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
        critical_categories (str | Unset):
            List of critical categories for this result
            Example:
            ```json
            [
                {
                  "id": 2950,
                  "name": "Pronunciation Analysis",
                  "eval_type": "continuous_qualitative",
                  "simulation_enabled": true,
                  "observability_enabled": true
                },
                {
                  "id": 3284,
                  "name": "Latency",
                  "eval_type": "numeric",
                  "simulation_enabled": true,
                  "observability_enabled": false
                },
                {
                  "id": 3295,
                  "name": "Detect Silence in Conversation",
                  "eval_type": "binary",
                  "simulation_enabled": true,
                  "observability_enabled": true
                }
              ]
            ```
        metrics (str | Unset):
        runs_by_tags (str | Unset):
        latency_data (str | Unset):
        failed_reasons (Any | None | Unset):
            Failed reasons of the test runs
            Example:
            ```json
            {
                "issues": [
                  {
                    "rank": 1,
                    "run_ids": [
                      34588
                    ],
                    "description": "The agent did not provide the standard greeting, emergency disclaimer, or ask how they
            could help.",
                    "affected_count": 1
                  },
                  {
                    "rank": 2,
                    "run_ids": [
                      34588
                    ],
                    "description": "The agent did not explain the distinction between the primary care and express
            clinics.",
                    "affected_count": 1
                  }
                ],
                "total_failed_runs": 1
              }
            ```
        ai_summary (Any | None | Unset):
            LLM-generated narrative summary of the result, structured for the Results-page UI.
            Example:
            ```json
            {
                "what_happened": "8 of 10 runs failed, 2 passed. All 8 failures cluster into 3 distinct causes.",
                "why_it_happened": "The default test profile isn't seeded in the production backend, so every auth-required
            workflow exits before PIN/address steps run.",
                "how_to_fix": "Seed the test profile in production, tighten the competitor-mention guardrail, and add CA-
            only store phrasing to the FAQ flow.",
                "generated_from_runs_count": 10,
                "generated_at": "2026-05-25T12:00:00Z"
            }
            ```
        ai_summary_status (str | Unset): Generation state of the async AI summary, derived so the UI can show a reliable
            state instead of guessing from an empty `ai_summary`. `completed` = summary populated; `skipped_no_failures` =
            no failed runs, nothing to summarize; `pending` = there are failed runs but the summary isn't ready yet (still
            generating).
        next_steps (Any | None | Unset):
            LLM-suggested next steps to fix the issues found in this result, ordered by impact.
            Example:
            ```json
            [
                {"title": "Seed test profile in production", "description": "Unblocks 6 runs; ~5 min."},
                {"title": "Tighten competitor guardrail", "description": "1 prompt edit; review drift run."}
            ]
            ```
        path_coverage (Any | None | Unset):
            Workflow-coverage summary for this result: which of the agent's critical paths the
            runs exercised, and which they missed.
            Example:
            ```json
            {
                "coverage_pct": 66.7,
                "total_paths": 3,
                "covered_paths": ["Book appointment", "Reschedule appointment"],
                "uncovered_paths": ["Cancel appointment"],
                "generated_at": "2026-07-14T12:00:00Z"
            }
            ```
        performance_metrics (str | Unset): Per-rubric-rule performance breakdown. One entry per rule in the project's
            rubric_config: metric name, aggregated value across the result's runs, and whether that aggregate meets the
            rule's conditions.
        run_type (None | str | Unset): Run Execution Type
        run_settings (Any | None | Unset): Snapshot of the override-relevant request payload (personality_ids,
            frequency, concurrency_limit, connection-specific overrides, etc.).
        created_at (datetime.datetime | Unset):
            Timestamp when this test result was created
            Example: `2021-01-01 00:00:00`
        updated_at (datetime.datetime | Unset):
            Timestamp when this test result was last updated
            Example: `2021-01-01 00:00:00`
    """

    agent: int
    id: int | Unset = UNSET
    name: str | Unset = UNSET
    agent_name: str | Unset = UNSET
    agent_version: str | Unset = UNSET
    status: ResultDetailV2Status | Unset = UNSET
    met_expected_outcome_count: str | Unset = UNSET
    total_expected_outcome_count: str | Unset = UNSET
    success_rate: float | Unset = UNSET
    run_as_text: bool | Unset = UNSET
    is_cronjob: str | Unset = UNSET
    runs: ResultDetailV2Runs | Unset = UNSET
    overall_evaluation: Any | None | Unset = UNSET
    total_duration: str | Unset = UNSET
    total_runs_count: str | Unset = UNSET
    completed_runs_count: str | Unset = UNSET
    success_runs_count: str | Unset = UNSET
    failed_runs_count: str | Unset = UNSET
    connected_runs: str | Unset = UNSET
    not_connected_runs: str | Unset = UNSET
    failed_infrastructure_runs: str | Unset = UNSET
    failed_workflow_runs: str | Unset = UNSET
    successful_calls: str | Unset = UNSET
    scenarios: str | Unset = UNSET
    critical_categories: str | Unset = UNSET
    metrics: str | Unset = UNSET
    runs_by_tags: str | Unset = UNSET
    latency_data: str | Unset = UNSET
    failed_reasons: Any | None | Unset = UNSET
    ai_summary: Any | None | Unset = UNSET
    ai_summary_status: str | Unset = UNSET
    next_steps: Any | None | Unset = UNSET
    path_coverage: Any | None | Unset = UNSET
    performance_metrics: str | Unset = UNSET
    run_type: None | str | Unset = UNSET
    run_settings: Any | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent = self.agent

        id = self.id

        name = self.name

        agent_name = self.agent_name

        agent_version = self.agent_version

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        met_expected_outcome_count = self.met_expected_outcome_count

        total_expected_outcome_count = self.total_expected_outcome_count

        success_rate = self.success_rate

        run_as_text = self.run_as_text

        is_cronjob = self.is_cronjob

        runs: dict[str, Any] | Unset = UNSET
        if not isinstance(self.runs, Unset):
            runs = self.runs.to_dict()

        overall_evaluation: Any | None | Unset
        if isinstance(self.overall_evaluation, Unset):
            overall_evaluation = UNSET
        else:
            overall_evaluation = self.overall_evaluation

        total_duration = self.total_duration

        total_runs_count = self.total_runs_count

        completed_runs_count = self.completed_runs_count

        success_runs_count = self.success_runs_count

        failed_runs_count = self.failed_runs_count

        connected_runs = self.connected_runs

        not_connected_runs = self.not_connected_runs

        failed_infrastructure_runs = self.failed_infrastructure_runs

        failed_workflow_runs = self.failed_workflow_runs

        successful_calls = self.successful_calls

        scenarios = self.scenarios

        critical_categories = self.critical_categories

        metrics = self.metrics

        runs_by_tags = self.runs_by_tags

        latency_data = self.latency_data

        failed_reasons: Any | None | Unset
        if isinstance(self.failed_reasons, Unset):
            failed_reasons = UNSET
        else:
            failed_reasons = self.failed_reasons

        ai_summary: Any | None | Unset
        if isinstance(self.ai_summary, Unset):
            ai_summary = UNSET
        else:
            ai_summary = self.ai_summary

        ai_summary_status = self.ai_summary_status

        next_steps: Any | None | Unset
        if isinstance(self.next_steps, Unset):
            next_steps = UNSET
        else:
            next_steps = self.next_steps

        path_coverage: Any | None | Unset
        if isinstance(self.path_coverage, Unset):
            path_coverage = UNSET
        else:
            path_coverage = self.path_coverage

        performance_metrics = self.performance_metrics

        run_type: None | str | Unset
        if isinstance(self.run_type, Unset):
            run_type = UNSET
        else:
            run_type = self.run_type

        run_settings: Any | None | Unset
        if isinstance(self.run_settings, Unset):
            run_settings = UNSET
        else:
            run_settings = self.run_settings

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
                "agent": agent,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if agent_name is not UNSET:
            field_dict["agent_name"] = agent_name
        if agent_version is not UNSET:
            field_dict["agent_version"] = agent_version
        if status is not UNSET:
            field_dict["status"] = status
        if met_expected_outcome_count is not UNSET:
            field_dict["met_expected_outcome_count"] = met_expected_outcome_count
        if total_expected_outcome_count is not UNSET:
            field_dict["total_expected_outcome_count"] = total_expected_outcome_count
        if success_rate is not UNSET:
            field_dict["success_rate"] = success_rate
        if run_as_text is not UNSET:
            field_dict["run_as_text"] = run_as_text
        if is_cronjob is not UNSET:
            field_dict["is_cronjob"] = is_cronjob
        if runs is not UNSET:
            field_dict["runs"] = runs
        if overall_evaluation is not UNSET:
            field_dict["overall_evaluation"] = overall_evaluation
        if total_duration is not UNSET:
            field_dict["total_duration"] = total_duration
        if total_runs_count is not UNSET:
            field_dict["total_runs_count"] = total_runs_count
        if completed_runs_count is not UNSET:
            field_dict["completed_runs_count"] = completed_runs_count
        if success_runs_count is not UNSET:
            field_dict["success_runs_count"] = success_runs_count
        if failed_runs_count is not UNSET:
            field_dict["failed_runs_count"] = failed_runs_count
        if connected_runs is not UNSET:
            field_dict["connected_runs"] = connected_runs
        if not_connected_runs is not UNSET:
            field_dict["not_connected_runs"] = not_connected_runs
        if failed_infrastructure_runs is not UNSET:
            field_dict["failed_infrastructure_runs"] = failed_infrastructure_runs
        if failed_workflow_runs is not UNSET:
            field_dict["failed_workflow_runs"] = failed_workflow_runs
        if successful_calls is not UNSET:
            field_dict["successful_calls"] = successful_calls
        if scenarios is not UNSET:
            field_dict["scenarios"] = scenarios
        if critical_categories is not UNSET:
            field_dict["critical_categories"] = critical_categories
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if runs_by_tags is not UNSET:
            field_dict["runs_by_tags"] = runs_by_tags
        if latency_data is not UNSET:
            field_dict["latency_data"] = latency_data
        if failed_reasons is not UNSET:
            field_dict["failed_reasons"] = failed_reasons
        if ai_summary is not UNSET:
            field_dict["ai_summary"] = ai_summary
        if ai_summary_status is not UNSET:
            field_dict["ai_summary_status"] = ai_summary_status
        if next_steps is not UNSET:
            field_dict["next_steps"] = next_steps
        if path_coverage is not UNSET:
            field_dict["path_coverage"] = path_coverage
        if performance_metrics is not UNSET:
            field_dict["performance_metrics"] = performance_metrics
        if run_type is not UNSET:
            field_dict["run_type"] = run_type
        if run_settings is not UNSET:
            field_dict["run_settings"] = run_settings
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.result_detail_v2_runs import ResultDetailV2Runs

        d = dict(src_dict)
        agent = d.pop("agent")

        id = d.pop("id", UNSET)

        name = d.pop("name", UNSET)

        agent_name = d.pop("agent_name", UNSET)

        agent_version = d.pop("agent_version", UNSET)

        _status = d.pop("status", UNSET)
        status: ResultDetailV2Status | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_result_detail_v2_status(_status)

        met_expected_outcome_count = d.pop("met_expected_outcome_count", UNSET)

        total_expected_outcome_count = d.pop("total_expected_outcome_count", UNSET)

        success_rate = d.pop("success_rate", UNSET)

        run_as_text = d.pop("run_as_text", UNSET)

        is_cronjob = d.pop("is_cronjob", UNSET)

        _runs = d.pop("runs", UNSET)
        runs: ResultDetailV2Runs | Unset
        if isinstance(_runs, Unset):
            runs = UNSET
        else:
            runs = ResultDetailV2Runs.from_dict(_runs)

        def _parse_overall_evaluation(data: object) -> Any | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Any | None | Unset, data)

        overall_evaluation = _parse_overall_evaluation(
            d.pop("overall_evaluation", UNSET)
        )

        total_duration = d.pop("total_duration", UNSET)

        total_runs_count = d.pop("total_runs_count", UNSET)

        completed_runs_count = d.pop("completed_runs_count", UNSET)

        success_runs_count = d.pop("success_runs_count", UNSET)

        failed_runs_count = d.pop("failed_runs_count", UNSET)

        connected_runs = d.pop("connected_runs", UNSET)

        not_connected_runs = d.pop("not_connected_runs", UNSET)

        failed_infrastructure_runs = d.pop("failed_infrastructure_runs", UNSET)

        failed_workflow_runs = d.pop("failed_workflow_runs", UNSET)

        successful_calls = d.pop("successful_calls", UNSET)

        scenarios = d.pop("scenarios", UNSET)

        critical_categories = d.pop("critical_categories", UNSET)

        metrics = d.pop("metrics", UNSET)

        runs_by_tags = d.pop("runs_by_tags", UNSET)

        latency_data = d.pop("latency_data", UNSET)

        def _parse_failed_reasons(data: object) -> Any | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Any | None | Unset, data)

        failed_reasons = _parse_failed_reasons(d.pop("failed_reasons", UNSET))

        def _parse_ai_summary(data: object) -> Any | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Any | None | Unset, data)

        ai_summary = _parse_ai_summary(d.pop("ai_summary", UNSET))

        ai_summary_status = d.pop("ai_summary_status", UNSET)

        def _parse_next_steps(data: object) -> Any | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Any | None | Unset, data)

        next_steps = _parse_next_steps(d.pop("next_steps", UNSET))

        def _parse_path_coverage(data: object) -> Any | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Any | None | Unset, data)

        path_coverage = _parse_path_coverage(d.pop("path_coverage", UNSET))

        performance_metrics = d.pop("performance_metrics", UNSET)

        def _parse_run_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        run_type = _parse_run_type(d.pop("run_type", UNSET))

        def _parse_run_settings(data: object) -> Any | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(Any | None | Unset, data)

        run_settings = _parse_run_settings(d.pop("run_settings", UNSET))

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

        result_detail_v2 = cls(
            agent=agent,
            id=id,
            name=name,
            agent_name=agent_name,
            agent_version=agent_version,
            status=status,
            met_expected_outcome_count=met_expected_outcome_count,
            total_expected_outcome_count=total_expected_outcome_count,
            success_rate=success_rate,
            run_as_text=run_as_text,
            is_cronjob=is_cronjob,
            runs=runs,
            overall_evaluation=overall_evaluation,
            total_duration=total_duration,
            total_runs_count=total_runs_count,
            completed_runs_count=completed_runs_count,
            success_runs_count=success_runs_count,
            failed_runs_count=failed_runs_count,
            connected_runs=connected_runs,
            not_connected_runs=not_connected_runs,
            failed_infrastructure_runs=failed_infrastructure_runs,
            failed_workflow_runs=failed_workflow_runs,
            successful_calls=successful_calls,
            scenarios=scenarios,
            critical_categories=critical_categories,
            metrics=metrics,
            runs_by_tags=runs_by_tags,
            latency_data=latency_data,
            failed_reasons=failed_reasons,
            ai_summary=ai_summary,
            ai_summary_status=ai_summary_status,
            next_steps=next_steps,
            path_coverage=path_coverage,
            performance_metrics=performance_metrics,
            run_type=run_type,
            run_settings=run_settings,
            created_at=created_at,
            updated_at=updated_at,
        )

        result_detail_v2.additional_properties = d
        return result_detail_v2

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
