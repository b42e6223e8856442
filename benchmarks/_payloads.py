"""The benchmark payloads: four shapes of a Get Result response, built from the mock server's
realistic run shapes.

  transcript_heavy  2,000 runs; each 10 numeric metrics whose ``explanation`` is a 200-character
                    string, 30 transcript turns, an ``expected_outcome`` object, ``scenario`` an
                    int (about 19 MB)
  metric_heavy      2,000 runs x 40 metrics, binary (new and legacy) and numeric mixed
  many_small_runs   20,000 runs, no transcript, 2 metrics each
  small             the mock server's passing result (3 runs)
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from cekura_client.testing import payloads

_TURN = "I'd like to move my appointment to next Tuesday morning if that's possible."


def _runs(result_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    result = payloads.failing_result(result_id)
    return result, list(result["runs"].values())


def _explanation(run_id: int, index: int) -> str:
    text = f"Run {run_id}, metric {index}: the agent's answers were consistent with the policy "
    return (text + "document and the caller's request; no deviation was found in any turn. ")[:200]


def _numeric(run_id: int, index: int) -> dict[str, Any]:
    return {
        "id": 900 + index,
        "name": f"Metric {index}",
        "type": "numeric",
        "score": 3.5 + index % 5,
        "explanation": _explanation(run_id, index),
        "extra": {"percentiles": {"p50": 820.0, "p90": 1310.0}},
    }


def _binary(run_id: int, index: int) -> dict[str, Any]:
    if index % 2:
        return {
            "id": 900 + index,
            "name": f"Check {index}",
            "eval_type": "binary",
            "passed": index % 3 != 0,
            "explanation": [_explanation(run_id, index)[:80]],
        }
    return {
        "id": 900 + index,
        "name": f"Legacy check {index}",
        "type": "binary_workflow_adherence",
        "score": 5 if index % 4 else 0,
        "explanation": [_explanation(run_id, index)[:80]],
        "extra": {"categories": []},
    }


def _turns(run_id: int, count: int) -> list[dict[str, Any]]:
    return [
        {
            "role": "Main Agent" if t % 2 else "Testing Agent",
            "content": f"Turn {t} of run {run_id}: {_TURN}",
            "start_time": round(t * 4.2, 2),
            "end_time": round(t * 4.2 + 3.1, 2),
            "time": "{:02d}:{:02d}".format(*divmod(int(t * 4.2), 60)),
        }
        for t in range(count)
    ]


def _build(
    runs: int, metrics: Callable[[int], list[dict[str, Any]]], turns: int, result_id: int
) -> dict[str, Any]:
    result, templates = _runs(result_id)
    built = {}
    for index in range(runs):
        run = copy.deepcopy(templates[index % len(templates)])
        run_id = 500_000 + index
        run.update(id=run_id, scenario=7001 + index % 4, call_id=f"CA{run_id:012x}")
        run["evaluation"] = {"metrics": metrics(run_id)}
        run["transcript_object"] = _turns(run_id, turns)
        built[str(run_id)] = run
    result["runs"] = built
    result["total_runs_count"] = runs
    return result


def transcript_heavy(result_id: int = 9001) -> dict[str, Any]:
    return _build(2000, lambda rid: [_numeric(rid, m) for m in range(10)], 30, result_id)


def metric_heavy(result_id: int = 9002) -> dict[str, Any]:
    def metrics(rid: int) -> list[dict[str, Any]]:
        return [(_binary if m % 2 else _numeric)(rid, m) for m in range(40)]

    return _build(2000, metrics, 0, result_id)


def many_small_runs(result_id: int = 9003) -> dict[str, Any]:
    return _build(20_000, lambda rid: [_binary(rid, 1), _numeric(rid, 2)], 0, result_id)


def small(result_id: int = 9004) -> dict[str, Any]:
    return payloads.passing_result(result_id)


SHAPES: dict[str, Callable[[], dict[str, Any]]] = {
    "transcript-heavy": transcript_heavy,
    "metric-heavy": metric_heavy,
    "many small runs": many_small_runs,
    "small result": small,
}


def large_result() -> dict[str, Any]:
    """The transcript-heavy shape (kept for older scripts)."""
    return transcript_heavy()
