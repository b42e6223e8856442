"""The strictness rule (docs/guides/field-strictness.md), enforced.

* core fields (what a gate decision reads, and what identifies a result or run) fail loudly with
  the field path;
* checked fields (documented types) fail loudly too, as they always did;
* lenient fields (untyped in the spec, or AI-written) never fail a result: a typed view when the
  shape fits, None / empty otherwise, the value as received in ``raw``.
"""

from __future__ import annotations

import copy
import gc
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cekura_client import ResponseValidationError, Result
from cekura_client.testing import payloads
from cekura_client.types import _model
from cekura_client.types.metric import MetricScore
from cekura_client.types.result import spec_dependencies
from cekura_client.types.run import Run, TranscriptTurn

ROOT = Path(__file__).resolve().parents[2]

#: What gate.py reads (status, runs, run.success) and what identifies a result, run or verdict.
EXPECTED_CORE = {
    Result: {
        "id", "status", "runs", "total_runs_count", "completed_runs_count", "success_runs_count",
        "failed_runs_count", "met_expected_outcome_count", "total_expected_outcome_count",
    },
    Run: {"id", "success", "metrics"},
    MetricScore: {"type", "eval_type", "score", "passed"},
}  # fmt: skip

ODD_VALUES: list[Any] = [{}, [], "", "text", 0, -1.5, True, {"a": [1, {"b": None}]}, [[["x"]]]]


def classes(model: type[_model.Model], strictness: str) -> set[str]:
    return {d.key for d in _model.model_fields(model) if d.kind.strictness == strictness}


@pytest.mark.parametrize("model", list(EXPECTED_CORE), ids=lambda m: m.__name__)
def test_core_fields_are_declared_core(model: type[_model.Model]) -> None:
    declared = {d.name for d in _model.model_fields(model) if d.kind.strictness == _model.CORE}
    assert declared == EXPECTED_CORE[model]


def test_gate_reads_only_core_fields() -> None:
    source = (ROOT / "facade" / "cekura_client" / "gate.py").read_text()
    read = set(re.findall(r"(?:result|run)\.(\w+)", source))
    core = EXPECTED_CORE[Result] | EXPECTED_CORE[Run] | {"value"}  # status.value
    assert read <= core, read - core


@pytest.mark.parametrize("key", sorted(classes(Result, _model.LENIENT)))
@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_lenient_result_fields_never_fail(key: str, value: Any) -> None:
    payload = payloads.failing_result()
    payload[key] = value
    result = Result.from_json(json.dumps(payload))
    assert result.raw[key] == value
    assert result.id == 1002 and len(result.runs) == 4


@pytest.mark.parametrize(
    ("model", "where"),
    [(Run, ("runs", "86103")), (MetricScore, ("runs", "86103", "evaluation", "metrics", 0))],
    ids=["run", "metric"],
)
@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_lenient_nested_fields_never_fail(
    model: type[_model.Model], where: tuple[Any, ...], value: Any
) -> None:
    for key in classes(model, _model.LENIENT):
        payload = payloads.failing_result()
        node = payload
        for step in where:
            node = node[step]
        node[key] = value
        assert Result.from_json(json.dumps(payload)).run(86103).id == 86103, key


def test_untyped_fields_in_odd_shapes() -> None:
    payload = payloads.failing_result()
    payload.update(
        next_steps={}, ai_summary=[], failed_reasons="none", run_settings=7,
        overall_evaluation={"success_rate": "high", "metric_summary": []},
    )  # fmt: skip
    result = Result.from_dict(payload)
    assert result.next_steps is None and result.ai_summary is None
    assert result.failed_reasons is None and result.run_settings is None
    assert result.overall_evaluation is not None
    assert result.overall_evaluation.success_rate is None  # did not fit: None, raw kept
    assert result.overall_evaluation.raw["success_rate"] == "high"
    assert result.raw["next_steps"] == {}


def test_typed_view_when_the_shape_fits_partly() -> None:
    payload = payloads.failing_result()
    payload["ai_summary"] = {"what_happened": "2 runs failed", "generated_at": "yesterday"}
    payload["next_steps"] = [{"title": "Fix it"}, "not an object", {"title": 5}]
    result = Result.from_dict(payload)
    assert result.ai_summary is not None
    assert result.ai_summary.what_happened == "2 runs failed"
    assert result.ai_summary.generated_at is None
    assert result.next_steps is not None
    assert [step.title for step in result.next_steps] == ["Fix it", "5"]


CORE_BREAKS = [
    ("id", ("id",), "x", "id: expected an integer, got string 'x'"),
    ("status", ("status",), 5, "status: expected a string, got integer 5"),
    ("status", ("status",), None, "status: expected a status string, got null None"),
    ("count", ("failed_runs_count",), [], "failed_runs_count: expected an integer, got array"),
    ("runs", ("runs",), 5, "runs: expected an object keyed by run ID or an array of runs"),
    ("run id", ("runs", "86102", "id"), None, "runs['86102'].id: expected an integer, got null"),
    ("success", ("runs", "86102", "success"), "maybe",
     "runs['86102'].success: expected a boolean, got string 'maybe'"),
    ("evaluation", ("runs", "86102", "evaluation"), [1],
     "runs['86102'].evaluation: expected an object, got array"),
    ("metrics", ("runs", "86102", "evaluation", "metrics"), {},
     "runs['86102'].evaluation.metrics: expected an array, got object"),
    ("score", ("runs", "86103", "evaluation", "metrics", 1, "score"), "x",
     "runs['86103'].evaluation.metrics[1].score: expected a number, got string 'x'"),
    ("passed", ("runs", "86103", "evaluation", "metrics", 0, "passed"), {},
     "runs['86103'].evaluation.metrics[0].passed: expected a boolean, got object"),
    ("metric type", ("runs", "86103", "evaluation", "metrics", 0, "type"), [],
     "runs['86103'].evaluation.metrics[0].type: expected a string, got array"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "where", "value", "message"), CORE_BREAKS, ids=[c[0] for c in CORE_BREAKS]
)
def test_core_fields_fail_loudly_with_the_path(
    what: str, where: tuple[Any, ...], value: Any, message: str
) -> None:
    payload = payloads.failing_result()
    node = payload
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = value
    parse: Callable[[], Result]
    for parse in (lambda: Result.from_json(json.dumps(payload)), lambda: Result.from_dict(payload)):
        with pytest.raises(ResponseValidationError) as info:
            parse()
        assert str(info.value).startswith(message)


def test_depth_and_size_limits_are_validation_errors() -> None:
    text = json.dumps(payloads.passing_result())
    deep = text.replace('"latency_data": ', '"latency_data": ' + "[" * 100_000 + "]" * 100_000 + ', "x": ', 1)  # fmt: skip
    with pytest.raises(
        ResponseValidationError, match="^response body: expected a JSON document nested less deeply"
    ):
        Result.from_json(deep)
    with pytest.raises(ResponseValidationError):
        Result.from_json("[" * 100_000 + "]" * 100_000)
    huge = text.replace('"total_runs_count": 3', '"total_runs_count": ' + "9" * 5000)
    with pytest.raises(ResponseValidationError, match="^total_runs_count: expected an integer"):
        Result.from_json(huge)
    lenient = text.replace('"latency_data": ', '"latency_data": ' + "9" * 5000 + ', "y": ', 1)
    assert Result.from_json(lenient).latency_data is None


def test_deep_python_structures_are_validation_errors() -> None:
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    payload = payloads.passing_result()
    payload["runs"] = {"1": {"id": 1, "evaluation": {"metrics": deep}}}
    with pytest.raises(ResponseValidationError):
        Result.from_dict(payload)


def test_raw_is_decoded_only_when_read() -> None:
    text = json.dumps(payloads.quirky_result()).encode()
    result = Result.from_json(text)
    source = result._ref
    assert isinstance(source, _model.RawRef) and source._tree is None
    assert source.bytes is text
    run = result.run(86301)
    assert run.raw["sentiment_v2"] == {"label": "neutral"} and source._tree is not None
    assert result.raw == json.loads(text)
    assert run.metrics[0].raw == json.loads(text)["runs"]["86399"]["evaluation"]["metrics"][0]


def test_fast_and_slow_paths_agree() -> None:
    """A payload that takes the slow path (a lenient field that does not fit) gives the same
    values as the fast path for everything else."""
    fast = Result.from_json(json.dumps(payloads.failing_result()))
    odd = payloads.failing_result()
    odd["runs"]["86101"]["metadata"] = ["not", "an", "object"]
    slow = Result.from_json(json.dumps(odd))
    assert slow.run(86101).metadata == {}
    assert fast.to_dict()["runs"][1:] == slow.to_dict()["runs"][1:]
    assert fast.run(86102) == slow.run(86102)


def test_the_collector_is_never_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("gc.disable() was called")

    monkeypatch.setattr(gc, "disable", refuse)
    big = payloads.failing_result()
    big["runs"] = {str(i): dict(copy.deepcopy(big["runs"]["86101"]), id=i) for i in range(1, 300)}
    Result.from_json(json.dumps(big))


def test_spec_dependencies_come_from_the_declarations() -> None:
    deps = spec_dependencies()
    assert deps["runs"] == "runs" and deps["scenario_names"] == "scenarios"
    assert set(deps) == {d.key for d in _model.model_fields(Result)}
    assert "time" in {d.key for d in _model.model_fields(TranscriptTurn)}


def test_strictness_doc_lists_every_field_with_its_class() -> None:
    """docs/guides/field-strictness.md's table is generated from the declarations."""
    from cekura_client.types._doc import field_table

    doc = (ROOT / "docs" / "guides" / "field-strictness.md").read_text()
    assert field_table() in doc


@pytest.mark.parametrize("sent", ["ten minutes", "12:75", "99999999999999:00", -5])
def test_checked_durations_fail_with_the_path_on_both_paths(sent: Any) -> None:
    """Run durations are format-checked after decoding (Kind.check), not by a decoder pattern;
    the error is the same either way."""
    payload = payloads.passing_result()
    payload["runs"]["86002"]["duration"] = sent
    parse: Callable[[], Result]
    for parse in (lambda: Result.from_json(json.dumps(payload)), lambda: Result.from_dict(payload)):
        with pytest.raises(ResponseValidationError) as info:
            parse()
        assert info.value.path == "runs['86002'].duration"
        assert re.search(r"expected a (non-negative )?duration", str(info.value))


def test_copy_and_pickle_keep_a_result_equal() -> None:
    import pickle

    result = Result.from_json(json.dumps(payloads.failing_result()))
    for clone in (copy.deepcopy(result), pickle.loads(pickle.dumps(result))):
        assert clone == result
        assert clone.ai_summary == result.ai_summary and clone.next_steps == result.next_steps
        assert clone.run(86103).raw == result.run(86103).raw


_PLACES: dict[type[_model.Model], tuple[Any, ...]] = {
    Result: (),
    Run: ("runs", "86103"),
    MetricScore: ("runs", "86103", "evaluation", "metrics", 0),
    TranscriptTurn: ("runs", "86103", "transcript_object", 0),
}


@pytest.mark.parametrize(
    ("model", "key"),
    [(model, d.key) for model in _PLACES for d in _model.model_fields(model)],
    ids=lambda v: v if isinstance(v, str) else v.__name__,
)
def test_a_lone_surrogate_in_any_field_is_a_value_or_the_clients_error(
    model: type[_model.Model], key: str
) -> None:
    """json.loads reads ``"\\ud800"`` (msgspec does not); converting it to a number made msgspec
    raise UnicodeEncodeError out of from_json and from_dict. Found by a hostile review.

    One meaning whatever the form and msgspec's version: the escape, the character in a str,
    and the character encoded in bytes all give the same value or the same error."""
    forms: list[Callable[[dict[str, Any]], Any]] = [
        Result.from_dict,
        lambda p: Result.from_json(json.dumps(p)),
        lambda p: Result.from_json(json.dumps(p, ensure_ascii=False)),
        lambda p: Result.from_json(
            json.dumps(p, ensure_ascii=False).encode("utf-8", "surrogatepass")
        ),
    ]
    for value in ("\ud800", ["\udfff"], {"\ud800": "x"}):
        payload = payloads.failing_result()
        payload["runs"]["86103"]["transcript_object"] = [{"role": "Main Agent", "content": "Hi"}]
        node = payload
        for step in _PLACES[model]:
            node = node[step]
        node[key] = value
        outcomes = []
        for parse in forms:
            try:
                outcomes.append(parse(payload).to_dict())
            except ResponseValidationError as exc:
                assert key in exc.path, (exc.path, key)
                outcomes.append((exc.path, str(exc)))
        assert all(outcome == outcomes[0] for outcome in outcomes), outcomes
