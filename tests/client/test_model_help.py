"""help() of the public models: a constructor without internals, and one line per field saying
what it is, with the type a type checker sees (the static and run-time types agree)."""

from __future__ import annotations

import ast
import inspect
import pydoc
import re
import types
import typing
from types import ModuleType
from typing import Any, cast

import pytest

import cekura_client.types as public_types
from cekura_client import Result
from cekura_client.testing import payloads
from cekura_client.types import metric, result, run, summaries
from cekura_client.types._model import Model, model_fields, public_type, type_text
from cekura_client.types.run import Run, TranscriptTurn

MODELS = [
    model
    for model in (getattr(public_types, name) for name in public_types.__all__)
    if isinstance(model, type) and issubclass(model, Model)
]
MODULES = (result, run, metric, summaries)


def page(model: type) -> str:
    # pydoc.plaintext (help() without bold) exists at run time; typeshed's pydoc.pyi omits it.
    return pydoc.render_doc(model, renderer=cast(Any, pydoc).plaintext)


def test_help_of_result_is_a_short_page_without_internals() -> None:
    text = page(Result)
    assert len(text) < 8_000  # 16,777 before: Kind(...) per field, msgspec's internals
    for internal in ("_ref", "Kind(", "Annotated", "__fields__", "__struct_", "__rewrite__"):
        assert internal not in text
    # The signature without internals (pydoc wraps a long one over lines from Python 3.13 on).
    assert str(inspect.signature(Result)).startswith(
        "(*, id, name=None, agent=None, agent_name=None, status, "
    )
    flat = re.sub(r"\s+", " ", text.replace("|", " "))
    assert re.search(r"Result\( ?\*, id, name=None, agent=None, agent_name=None, status,", flat)
    for line in (
        "    id (int): the result's ID",
        "    total_runs_count (int): runs in the result",
        "    total_duration (timedelta | None): call time of all runs; None while running",
        "    runs (list[Run]): the runs, ordered by run ID (an ID sent twice: its later run)",
        "    ai_summary (AISummary | None): the LLM-written account of the result",
    ):
        assert f" |  {line}\n" in text
    # Methods and properties are still listed, with their docstrings.
    assert "runs_table(self) -> 'list[RunRow]'" in text
    assert "to_dataframe(self) -> 'DataFrame'" in text
    assert " |  failed_runs\n |      Runs whose ``success`` is False" in text


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_public_model_describes_each_field(model: type[Model]) -> None:
    decls = model_fields(model)
    assert decls
    assert [d.name for d in decls if not d.doc] == []
    assert list(inspect.signature(model).parameters) == [d.name for d in decls]
    doc = inspect.getdoc(model) or ""
    attributes = doc[doc.index("Attributes:\n") :].splitlines()[1:]
    assert attributes == [f"    {d.name} ({type_text(public_type(d))}): {d.doc}" for d in decls]
    text = page(model)
    assert "_ref" not in text and "Kind(" not in text and "__struct_" not in text


def test_the_constructor_signature_is_msgspecs_without_ref() -> None:
    signature = inspect.signature(Result)
    assert signature.parameters["id"].default is inspect.Parameter.empty
    assert signature.parameters["status"].default is inspect.Parameter.empty
    assert signature.parameters["name"].default is None
    assert all(p.kind is p.KEYWORD_ONLY for p in signature.parameters.values())
    assert all(p.annotation is p.empty for p in signature.parameters.values())
    signature.bind(id=1, status="completed")
    with pytest.raises(TypeError, match="missing a required argument: 'status'"):
        signature.bind(id=1)
    # the constructor takes what the signature says: a plain str status, on purpose
    built = Result(id=1, status="completed")  # type: ignore[arg-type]
    assert (built.id, built.status, built.runs) == (1, "completed", [])
    assert str(inspect.signature(TranscriptTurn)).startswith("(role=None, content=None, ")


def test_dir_lists_the_public_api_and_instances_keep_every_attribute() -> None:
    names = dir(Result)
    for name in ("run", "runs_table", "to_dict", "from_json", "raw", "extra", "failed_runs"):
        assert name in names
    assert {n for n in names if n.startswith("_")} == {"__class__", "__doc__", "__module__"}
    assert "id" not in names  # fields are in the docstring's Attributes
    parsed = Result.from_dict(payloads.passing_result())
    assert {"id", "runs", "status", "raw"} <= set(dir(parsed))
    assert Result.__fields__ and Run.__fields__  # the machinery is still there


def test_lazy_fields_are_properties_with_the_description() -> None:
    duration = vars(Run)["duration"]
    assert isinstance(duration, property)
    assert duration.__doc__ == "the call's length"


# --- help() shows the declared type, as a type checker reads it ------------------------------


def _checker_view(tp: Any) -> Any:
    """``tp`` as a type checker reads it: ``Annotated[X, ...]`` is X, at any depth."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) is typing.Annotated:
        return _checker_view(args[0])
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return typing.Union[tuple(_checker_view(a) for a in args)]  # noqa: UP007
    if args:
        return typing.get_origin(tp)[tuple(_checker_view(a) for a in args)]
    return tp


def _static_type(model: type[Model], name: str, module: ModuleType) -> Any:
    """The annotation as written in the class body, evaluated as a type checker reads it."""
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.ClassDef) and node.name == model.__name__:
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign) and ast.unparse(statement.target) == name:
                    source = ast.unparse(statement.annotation)
                    return _checker_view(eval(source, vars(module)))
    raise AssertionError((model, name))


@pytest.mark.parametrize(
    ("model", "module"),
    [
        (model, module)
        for module in MODULES
        for model in vars(module).values()
        if isinstance(model, type)
        and issubclass(model, Model)
        and model.__module__ == module.__name__
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_help_shows_the_type_a_type_checker_sees(model: type[Model], module: ModuleType) -> None:
    for decl in model_fields(model):
        static = _static_type(model, decl.name, module)
        assert _checker_view(public_type(decl)) == static, (model.__name__, decl.name, static)


def test_optional_and_required_leave_msgspec_the_declarations_it_had() -> None:
    scenario = {d.name: d for d in model_fields(Run)}["scenario_id"]
    assert (scenario.key, scenario.default) == ("scenario", None)  # optional(..., key=...)
    keys = dict(zip(Run.__struct_fields__, Run.__struct_encode_fields__, strict=True))
    assert (keys["_ref"], keys["scenario_id"]) == ("@@cekura_client.raw_ref", "scenario")
    # the required argument is left out on purpose (and status is a plain str)
    with pytest.raises(TypeError, match="Missing required argument 'id'"):
        Result(status="completed")  # type: ignore[call-arg, arg-type]
    with pytest.raises(TypeError, match="Missing required argument 'id'"):
        Run()  # type: ignore[call-arg]
