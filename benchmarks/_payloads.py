"""A realistic large Get Result payload: N runs, each with M metrics and T transcript turns,
built from the mock server's realistic run shapes (about 19 MB of JSON for 2,000 runs)."""

from __future__ import annotations

import copy
from typing import Any

from cekura_client.testing import payloads


def large_result(
    runs: int = 2000, metrics: int = 10, turns: int = 30, result_id: int = 9001
) -> dict[str, Any]:
    result = payloads.failing_result(result_id)
    templates = list(result["runs"].values())
    metric_templates = [m for run in templates for m in run["evaluation"]["metrics"]] or [{}]
    turn_templates = [t for run in templates for t in run["transcript_object"]]
    built = {}
    for index in range(runs):
        run = copy.deepcopy(templates[index % len(templates)])
        run_id = 500_000 + index
        run["id"] = run_id
        run["call_id"] = f"CA{run_id:012x}"
        run["evaluation"] = {"metrics": []}
        for m in range(metrics):
            metric = copy.deepcopy(metric_templates[m % len(metric_templates)])
            metric["id"] = 900 + m
            metric["explanation"] = [
                f"Run {run_id}: metric {m} looked at turns {m}-{m + 3} and found the agent's answer consistent with the policy document, section {m}."
            ]
            run["evaluation"]["metrics"].append(metric)
        run["transcript_object"] = []
        for t in range(turns):
            turn = copy.deepcopy(turn_templates[t % len(turn_templates)])
            turn["start_time"] = round(t * 4.2, 2)
            turn["end_time"] = round(t * 4.2 + 3.1, 2)
            turn["content"] = (
                f"Turn {t} of run {run_id}: "
                + "I'd like to move my appointment to next Tuesday morning if that's possible."
            )
            run["transcript_object"].append(turn)
        built[str(run_id)] = run
    result["runs"] = built
    result["total_runs_count"] = runs
    return result
