"""The field table of docs/guides/field-strictness.md, generated from the model declarations.

``python -m cekura_client.types._doc`` prints it;
``... _doc docs/guides/field-strictness.md`` rewrites the table at the end of that file.
A test checks that the doc contains it.
"""

from __future__ import annotations

import sys
import types
import typing
from pathlib import Path
from typing import Any

import msgspec

from ._model import CORE, LENIENT, Model, model_fields
from .result import Result

__all__ = ["field_table"]


def _models(
    model: type[Model], where: str, inside_view: bool, seen: set[type[Model]]
) -> list[tuple[str, type[Model], bool]]:
    """Every model reachable from ``model``'s declarations, with its JSON location."""
    found = [(where, model, inside_view)]
    seen.add(model)
    for decl in model_fields(model):
        view_of = getattr(decl.kind.normalise, "view_of", None)
        targets = [(view_of, "[*]" if decl.key == "next_steps" else "", True)] if view_of else []
        targets += _nested(decl.wire, "", inside_view)
        for target, suffix, in_view in targets:
            if target not in seen:
                place = f"{where}.{decl.key}{suffix}" if where != "result" else decl.key + suffix
                found += _models(target, place, in_view, seen)
    return found


def _nested(tp: Any, suffix: str, inside_view: bool) -> list[tuple[Any, str, bool]]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return _nested(args[0], suffix, inside_view)
    if origin in (typing.Union, types.UnionType):
        return [found for arg in args for found in _nested(arg, suffix, inside_view)]
    if origin is list:
        return _nested(args[0], suffix + "[*]", inside_view)
    if origin is dict:
        return _nested(args[1], suffix + ".*", inside_view)
    if isinstance(tp, type) and issubclass(tp, Model):
        return [(tp, suffix, inside_view)]
    return []


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        inner = _describe(args[0])
        metas = [m for m in args[1:] if isinstance(m, msgspec.Meta)]
        if metas and metas[0].pattern:
            return f"{inner} (MM:SS, H:MM:SS)"
        if metas and metas[0].ge == 0:
            return f"{inner} (seconds)"
        if metas:
            return f"finite {inner}"
        return inner
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in args)
    if origin is list:
        return f"list[{_describe(args[0])}]"
    if origin is dict:
        return f"dict[{_describe(args[0])}, {_describe(args[1])}]"
    if tp is type(None):
        return "null"
    if tp is Any:
        return "any JSON"
    return tp.__name__.lstrip("_") if isinstance(tp, type) else str(tp)


def field_table() -> str:
    """One row per declared field: where, JSON key, attribute, class, wire type."""
    rows = [
        "| object | JSON key | attribute | class | decoded as |",
        "| --- | --- | --- | --- | --- |",
    ]
    for where, model, inside_view in _models(Result, "result", False, set()):
        for decl in model_fields(model):
            strictness = LENIENT if inside_view else decl.kind.strictness
            label = f"**{strictness}**" if strictness == CORE else strictness
            attribute = decl.name if not decl.kind.feeds else f"→ `{decl.kind.feeds}`"
            if decl.name != attribute or decl.key != decl.name:
                attribute = f"`{attribute}`" if not decl.kind.feeds else attribute
            else:
                attribute = "same"
            wire = _describe(decl.wire)
            place = where if where == "result" else f"`{where}`"
            rows.append(f"| {place} | `{decl.key}` | {attribute} | {label} | {wire} |")
    return "\n".join(rows) + "\n"


def _main(argv: list[str]) -> None:
    if not argv:
        print(field_table(), end="")
        return
    path = Path(argv[0])
    text = path.read_text()
    path.write_text(text[: text.index("| object | JSON key |")] + field_table())


if __name__ == "__main__":
    _main(sys.argv[1:])
