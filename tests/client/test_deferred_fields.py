"""Deferred lenient fields: a metric's ``explanation`` and ``extra``, a run's ``metadata``, an
expected outcome's ``explanation`` and a transcript turn's ``data`` stay in the response bytes
(a zero-copy ``msgspec.Raw``) until read, so that a Result weighs less than the json.loads tree
of the same bytes. Reading them gives what the eager models gave; both parse paths agree."""

from __future__ import annotations

import copy
import gc
import json
import math
import tracemalloc
from typing import Any, cast

import msgspec
import pytest

from cekura_client import ResponseValidationError, Result
from cekura_client.testing import payloads
from cekura_client.types import _model
from cekura_client.types.metric import MetricScore
from cekura_client.types.run import ExpectedOutcome, Run, TranscriptTurn

DEFERRED = {
    MetricScore: {"explanation", "extra"},
    Run: {"metadata"},
    ExpectedOutcome: {"explanation"},
    TranscriptTurn: {"data"},
}


def _with_metric(**fields: Any) -> dict[str, Any]:
    payload = payloads.failing_result()
    metric = payload["runs"]["86103"]["evaluation"]["metrics"][0]
    metric.update(fields)
    return payload


def _both_paths(payload: dict[str, Any]) -> list[Result]:
    return [Result.from_json(json.dumps(payload)), Result.from_dict(payload)]


@pytest.mark.parametrize("model", list(DEFERRED), ids=lambda m: m.__name__)
def test_the_deferred_fields_are_the_bulky_lenient_ones(model: type[_model.Model]) -> None:
    fields = _model.model_fields(model)
    deferred = {d.key for d in fields if d.kind.deferred is not None}
    assert deferred == DEFERRED[model]
    assert all(d.kind.strictness == _model.LENIENT for d in fields if d.key in deferred)


def test_a_deferred_field_keeps_a_slice_of_the_response_bytes() -> None:
    text = json.dumps(_with_metric(extra={"percentiles": {"p50": 820.0}}), indent=1).encode()
    metric = Result.from_json(text).run(86103).metrics[0]
    slot = cast(Any, metric)._w_extra  # a slot _model adds at class creation, unseen by mypy
    assert type(slot) is msgspec.Raw
    sent = json.dumps({"percentiles": {"p50": 820.0}}, indent=1).replace("\n", "\n      ")
    assert bytes(slot) == sent.encode()  # exactly as sent, indentation included
    assert bytes(slot) in text
    assert metric.extra == {"percentiles": {"p50": 820.0}}


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("The agent confirmed the slot.", ["The agent confirmed the slot."]),
        (["first", "second"], ["first", "second"]),
        ("", []),
        (None, []),
        ([], []),
        (5, []),
        ({"text": "an object"}, []),
        (["text", 5], []),  # an item that is not a string: the field does not fit
    ],
    ids=repr,
)
def test_explanation_reads_as_a_list_of_strings(sent: Any, read: list[str]) -> None:
    for result in _both_paths(_with_metric(explanation=sent)):
        metric = result.run(86103).metrics[0]
        assert metric.explanation == read
        assert metric.raw["explanation"] == sent
        assert result.run(86103).id == 86103 and result.run(86103).metrics[0].passed is not None


@pytest.mark.parametrize(
    ("sent", "extra"),
    [
        (
            {"percentiles": {"p50": 820.0, "p90": 1310.0}},
            {"percentiles": {"p50": 820.0, "p90": 1310.0}},
        ),
        ({}, {}),
        (None, {}),
        ([1, 2], {}),
        ("text", {}),
    ],
    ids=repr,
)
def test_metric_extra_reads_as_a_mapping(sent: Any, extra: dict[str, Any]) -> None:
    for result in _both_paths(_with_metric(extra=sent)):
        assert result.run(86103).metrics[0].extra == extra


def test_run_metadata_outcome_and_turn_data_read_as_before() -> None:
    payload = payloads.failing_result()
    run = payload["runs"]["86103"]
    run["metadata"] = {"branch": "main", "tags": ["nightly"]}
    run["expected_outcome"] = {"score": 80, "explanation": "Booked the slot."}
    run["transcript_object"] = [
        {"role": "Function Call", "content": "book()", "data": {"slot": "09:00"}},
        {"role": "Main Agent", "content": "Done.", "data": ["not", "an", "object"]},
        {"role": "Testing Agent", "content": "Thanks."},
    ]
    for result in _both_paths(payload):
        parsed = result.run(86103)
        assert parsed.metadata == {"branch": "main", "tags": ["nightly"]}
        assert parsed.expected_outcome is not None
        assert parsed.expected_outcome.explanations == ["Booked the slot."]
        assert [turn.data for turn in parsed.transcript] == [{"slot": "09:00"}, None, None]


def test_both_parse_paths_and_any_whitespace_give_equal_models() -> None:
    payload = _with_metric(explanation="One reason.", extra=None)
    compact = Result.from_json(json.dumps(payload, separators=(",", ":")))
    indented = Result.from_json(json.dumps(payload, indent=4))
    from_tree = Result.from_dict(payload)
    assert compact == indented == from_tree
    metrics = [r.run(86103).metrics[0] for r in (compact, indented, from_tree)]
    assert len({hash(m) for m in metrics}) == 1  # equal models hash alike
    changed = Result.from_dict(_with_metric(explanation="Another reason.", extra=None))
    assert changed != compact
    assert changed.run(86103).metrics[0] != metrics[0]


def test_from_dict_leaves_the_given_tree_unchanged() -> None:
    payload = _with_metric(explanation=["a"], extra={"b": {"c": 1}})
    payload["runs"]["86103"]["metadata"] = {"k": "v"}
    before = copy.deepcopy(payload)
    result = Result.from_dict(payload)
    assert payload == before
    assert result.raw is payload


def test_values_json_cannot_hold_make_a_deferred_field_empty_not_an_error() -> None:
    payload = _with_metric(extra={"when": object()})  # not JSON
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    payload["runs"]["86103"]["metadata"] = deep
    result = Result.from_dict(payload)
    assert result.run(86103).metrics[0].extra == {}
    assert result.run(86103).metadata == {}
    assert result.run(86103).metrics[0].passed is not None


def test_an_integer_past_the_digit_limit_in_a_deferred_field_reads_as_infinity() -> None:
    text = json.dumps(_with_metric(extra={"n": 0})).replace('"n": 0', '"n": ' + "9" * 5000)
    extra = Result.from_json(text).run(86103).metrics[0].extra
    assert extra.keys() == {"n"} and math.isinf(extra["n"])


def _transcript_heavy(runs: int) -> bytes:
    payload = payloads.failing_result()
    template = payload["runs"]["86103"]
    built = {}
    for index in range(runs):
        run = copy.deepcopy(template)
        run["id"] = 700_000 + index
        run["evaluation"] = {
            "metrics": [
                {
                    "id": 900 + m,
                    "name": f"Metric {m}",
                    "type": "numeric",
                    "score": 3.5 + m % 5,
                    "explanation": f"Run {index}, metric {m}: consistent with the policy. " * 3,
                    "extra": {"percentiles": {"p50": 820.0, "p90": 1310.0}},
                }
                for m in range(10)
            ]
        }
        run["transcript_object"] = [
            {"role": "Main Agent", "content": f"Turn {t}: I can move it to Tuesday.",
             "start_time": t * 4.2, "end_time": t * 4.2 + 3.1}
            for t in range(30)
        ]  # fmt: skip
        built[str(run["id"])] = run
    payload["runs"] = built
    return json.dumps(payload).encode()


def _retained(build: Any) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        kept = build()
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    return size


def test_a_result_and_its_bytes_weigh_less_than_the_json_loads_tree() -> None:
    """The memory goal, on a transcript-heavy payload (benchmarks/ measures all
    four shapes): the Result plus the response bytes it keeps for ``raw``."""
    data = _transcript_heavy(200)
    tree = _retained(lambda: json.loads(data))
    result = _retained(lambda: Result.from_json(data))
    assert result + len(data) <= tree, (result, len(data), tree)


# --- what a hostile review found (each failed before its fix) -------------------------------------


_FIELDS = pytest.mark.parametrize(
    "field", ["explanation", "extra"], ids=["explanation (typed)", "extra (any JSON)"]
)


@_FIELDS
def test_invalid_utf8_inside_a_deferred_field_fails_the_parse(field: str) -> None:
    """msgspec checks UTF-8 only in what it decodes, not in the fields it skips: the bytes are
    checked once, so the error comes at parse time, not from a later read."""
    marker = "MARKER-4c1d"
    body = json.dumps(_with_metric(**{field: [marker]})).encode()
    with pytest.raises(ResponseValidationError, match="^response body: expected a JSON document"):
        Result.from_json(body.replace(marker.encode(), b"bad \xff"))


@_FIELDS
@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text,
        lambda text: text.encode("utf-8", "surrogatepass"),
        lambda text: text.encode("utf-16", "surrogatepass"),
    ],
    ids=["str", "bytes with an encoded surrogate", "UTF-16 bytes"],
)
def test_a_lone_surrogate_inside_a_deferred_field_is_read_as_json_loads_reads_it(
    field: str, encode: Any
) -> None:
    """One meaning on every msgspec version (0.22 refused these bytes, 0.23 reads them): what
    json.loads reads, with the surrogate kept, as the escaped form ``\\ud800`` already was."""
    value: Any = ["bad \ud800"] if field == "explanation" else {"note": "bad \ud800"}
    text = json.dumps(_with_metric(**{field: value}), ensure_ascii=False)
    assert "bad \ud800" in text  # the character itself, not an escape
    result = Result.from_json(encode(text))
    metric = result.run(86103).metrics[0]
    assert getattr(metric, field) == value
    assert result.raw == json.loads(encode(text))
    assert result == Result.from_json(json.dumps(json.loads(text)))  # the escaped form


def test_non_ascii_utf8_in_deferred_fields_parses() -> None:
    payload = _with_metric(explanation=["Le rendez-vous est confirmé ✓"], extra={"ключ": "値"})
    metric = (
        Result.from_json(json.dumps(payload, ensure_ascii=False).encode()).run(86103).metrics[0]
    )
    assert metric.explanation == ["Le rendez-vous est confirmé ✓"]
    assert metric.extra == {"ключ": "値"}


def test_values_msgspec_cannot_write_or_read_keep_their_value() -> None:
    """NaN, Infinity and lone surrogates are what json.loads reads; msgspec writes the first two
    as null and refuses the third, so the deferred fields fall back to the stdlib."""
    payload = _with_metric(extra={"note": "cut \ud83d", "n": 1}, explanation=["ok", "cut \ud83d"])
    payload["runs"]["86103"]["metadata"] = {"latency": math.inf, "jitter": math.nan}
    text = json.dumps(payload)  # NaN / Infinity literals, \ud83d escapes
    for result in (Result.from_json(text), Result.from_dict(json.loads(text))):
        run = result.run(86103)
        assert run.metrics[0].extra == {"note": "cut \ud83d", "n": 1}
        assert run.metrics[0].explanation == ["ok", "cut \ud83d"]
        assert run.metadata["latency"] == math.inf and math.isnan(run.metadata["jitter"])


def test_a_mutable_buffer_is_copied_so_a_model_never_changes() -> None:
    payload = payloads.failing_result()
    payload["runs"]["86103"]["metadata"] = {"k": "AAAA"}
    buffer = bytearray(json.dumps(payload).encode())
    result = Result.from_json(buffer)  # type: ignore[arg-type]  # a bytearray works too
    at = buffer.find(b"AAAA")
    buffer[at : at + 4] = b"BBBB"
    assert result.run(86103).metadata == {"k": "AAAA"}
    assert result.raw["runs"]["86103"]["metadata"] == {"k": "AAAA"}


def test_raw_too_deep_for_the_call_stack_is_the_clients_error() -> None:
    """The fast path skips a deferred field nested ~900 levels (under the decoder's limit);
    decoding ``raw`` from a deep call stack may then hit the interpreter's limit. Whether it does
    depends on the CPython version (3.12 counts C recursion apart from Python frames), so the
    guarantee is tested, not the version: the JSON, or ResponseValidationError, never
    RecursionError."""
    payload = payloads.failing_result()
    payload["runs"]["86103"]["metadata"] = {"x": 0}
    text = json.dumps(payload).replace('{"x": 0}', "[" * 900 + "]" * 900)
    result = Result.from_json(text)

    def read_raw_deep(depth: int) -> Any:
        return read_raw_deep(depth - 1) if depth else result.raw

    try:
        raw = read_raw_deep(400)
    except ResponseValidationError as exc:
        assert "nested less deeply" in str(exc)
    else:
        assert raw == json.loads(text)
    assert result.run(86103).id == 86103


def test_a_recursion_error_decoding_raw_is_the_clients_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same path on every Python: the decoder runs out of stack."""
    result = Result.from_json(json.dumps(payloads.failing_result()))

    def too_deep(data: Any) -> Any:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(_model, "decode_any", too_deep)
    with pytest.raises(ResponseValidationError, match="nested less deeply"):
        result.raw  # noqa: B018
    assert result.run(86103).id == 86103


def test_from_dict_of_a_valid_payload_converts_in_c(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deferred values are written as Raw first, so the slow path is not taken."""
    calls: list[int] = []
    real_canonical = _model.canonical_model
    monkeypatch.setattr(
        _model,
        "canonical_model",
        lambda *a, **k: cast(object, calls.append(1)) or real_canonical(*a, **k),
    )
    Result.from_dict(payloads.failing_result())
    assert calls == []  # the fast path
