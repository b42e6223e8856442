"""The spec-diff report: facade impact, generated-client changes, Markdown and JSON renderings."""

from __future__ import annotations

import ast
import contextlib
import copy
import dataclasses
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cekura_client.spec_contract import result_fields

from .diff_rules import Category, Context, classify
from .facade_contract import facade_operations, move_label, select
from .paths import CONFIG
from .spec_diff import Change, SpecDiff, diff_specs
from .spec_fixes import apply_fixes

MARKER = "<!-- cekura-spec-diff -->"
_GENERATED_TITLES = (
    ("functions_removed", "Functions removed"),
    ("functions_renamed", "Functions renamed (operationId changed)"),
    ("functions_added", "Functions added"),
    ("models_removed", "Models removed"),
    ("models_added", "Models added"),
)
_LIST_LIMIT = 200
#: GitHub refuses a pull-request body or comment of 65,536 characters or more.
GITHUB_BODY_LIMIT = 65_536
#: What the rendered report (and any body built from it) is cut to, whole lines at a time.
BODY_LIMIT = 60_000
#: Spec text shown per message / name; per rendered line (after escaping).
_TEXT_LIMIT = 1_000
_NAME_LIMIT = 200
LINE_LIMIT = 4_000
_NAMES_LINE_LIMIT = 2_000
#: Enum values shown before the rest are only counted.
_ENUM_SHOWN = 20
#: Characters of each section's list before its remaining items are only counted.
_SECTION_BUDGET = {
    "impact": 12_000,
    "breaking": 20_000,
    "non_breaking": 10_000,
    "neighbours": 8_000,
}
FULL_REPORT = (
    "the full report is the JSON/Markdown the tool wrote (`build/spec-update/report.json` and "
    "`report.md` for a spec update; `--format json` / `--output` of the spec diff)"
)
NEIGHBOURS_TITLE = "Upstream added next to the slice (not vendored)"
NEIGHBOURS_KEY = "upstream_added_next_to_the_slice"

#: Facade-impact entries of their own (not spec changes, so not in diff_rules.RULES): which
#: candidate operation the facade uses, by the rule in facade_contract.select.
FACADE_KINDS = {
    "operation-moved": "the facade uses another of its candidate operations with the new spec",
    "deprecated-no-successor": "the facade's operation is deprecated and no other candidate of "
    "it is in the spec",
}


@dataclass(frozen=True)
class Impact:
    attribute: str  # e.g. "Result.status" or "client.results.get"
    change: Change


@dataclass
class GeneratedNames:
    functions: dict[str, str] = field(default_factory=dict)  # "METHOD /path" -> "api.tag.name"
    models: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Neighbours:
    """Operations upstream has next to the slice (same leading path segments as a declared
    operation, not declared themselves): information only, never vendored, never a change.
    ``added`` are those the previous provenance did not record; ``baseline`` is False when it
    recorded none (a first update with a slice), and then every one counts as added."""

    added: list[str]
    total: int
    baseline: bool = True

    @classmethod
    def between(cls, previous: object, current: list[str]) -> Neighbours:
        """From the previous provenance's ``neighbours`` (anything else: no baseline) and the
        new one's."""
        if not isinstance(previous, list):
            return cls(list(current), len(current), baseline=False)
        known = set(previous)
        return cls([op for op in current if op not in known], len(current))


@dataclass
class Report:
    old_label: str
    new_label: str
    diff: SpecDiff
    impacts: list[Impact]
    generated: tuple[GeneratedNames, GeneratedNames] | None
    generated_note: str | None = None
    neighbours: Neighbours | None = None  # None: not a slice update, no section

    @property
    def breaking(self) -> list[Change]:
        return self.diff.of(Category.BREAKING)


def _response_model(doc: dict[str, Any], operation: str) -> str | None:
    method, path = operation.split(" ", 1)
    op = ((doc.get("paths") or {}).get(path) or {}).get(method.lower()) or {}
    for status in ("200", 200):
        content = (((op.get("responses") or {}).get(status) or {}).get("content")) or {}
        ref = ((content.get("application/json") or {}).get("schema") or {}).get("$ref", "")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            return ref.rsplit("/", 1)[-1]
    return None


def _selection_impacts(
    old: dict[str, Any], new: dict[str, Any]
) -> tuple[list[Impact], dict[str, str]]:
    """Per facade operation: an entry when the candidate it uses moves or is deprecated without
    a successor; and every operation (old or new choice) -> the facade name using it."""
    impacts: list[Impact] = []
    used: dict[str, str] = {}
    for facade_op in facade_operations():
        before, after = select(old, facade_op.candidates), select(new, facade_op.candidates)
        for chosen in (before, after):
            if chosen is not None:
                used[chosen.operation] = facade_op.name
        if before and after and before.operation != after.operation:
            message = (
                f"{facade_op.name} moves from {move_label(before.operation, after.operation)} "
                f"({before.operation} → {after.operation})"
            )
            change = Change(
                "operation-moved", Category.NON_BREAKING, after.operation, message, after.operation
            )
            impacts.append(Impact(facade_op.name, change))
        newly_deprecated = before is None or not before.deprecated or before != after
        if after and after.deprecated and newly_deprecated:
            message = (
                f"{facade_op.name} uses a deprecated operation, no successor known "
                f"({after.operation})"
            )
            change = Change(
                "deprecated-no-successor",
                Category.NON_BREAKING,
                after.operation,
                message,
                after.operation,
            )
            impacts.append(Impact(facade_op.name, change))
    return impacts, used


def facade_impact(old: dict[str, Any], new: dict[str, Any], diff: SpecDiff) -> list[Impact]:
    """The changes that touch what the facade reads: which candidate operation it uses, those
    operations, and the properties of the Get Result response schema that Result is built from
    (declared by the facade's model)."""
    dependencies = result_fields()
    impacts, used = _selection_impacts(old, new)
    result_ops = [op for op, name in used.items() if name == "client.results.get"]
    models = {_response_model(doc, op) for doc in (old, new) for op in result_ops} - {None}
    # The facade only receives ResultDetailV2: judge schema changes as a reader would.
    as_read = frozenset({Context.RESPONSE})
    for change in diff.changes:
        if change.operation in used:
            impacts.append(Impact(used[change.operation], change))
        elif change.schema in models:
            read = replace(change, category=classify(change.kind, as_read))
            if not change.prop_path:
                impacts.append(Impact("Result", read))
            elif change.prop_path[0] in dependencies:
                impacts.append(Impact(f"Result.{dependencies[change.prop_path[0]]}", read))
    return impacts


@contextlib.contextmanager
def _cheap_endpoint_copies() -> Iterator[None]:
    """While parsing for names only: the generator's parser copies each endpoint with
    ``copy.deepcopy`` at each step (85% of a full spec's parse, mostly in
    ``Endpoint.sort_parameters``), dragging along every model the endpoint refers to. A copy of
    the endpoint with its own lists and dicts is what those steps need (they append to, sort and
    reassign the endpoint's fields; the discarded original is never used again).
    tests/test_update_spec_diff_speed.py proves the same names on the twelve upstream versions."""
    from openapi_python_client.parser import openapi  # noqa: PLC0415

    def copy_endpoint(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if not isinstance(value, openapi.Endpoint):
            return copy.deepcopy(value, memo)
        clone = copy.copy(value)
        for item in dataclasses.fields(value):
            field_value = getattr(value, item.name)
            if isinstance(field_value, list | dict):
                setattr(clone, item.name, copy.copy(field_value))
        return clone

    original = openapi.deepcopy
    openapi.deepcopy = copy_endpoint
    try:
        yield
    finally:
        openapi.deepcopy = original


def _generated_names(
    document: dict[str, Any], *, cheap_copies: bool = True
) -> GeneratedNames | str:
    """The public functions and models openapi-python-client generates from ``document`` (after
    our spec fixes, as `make generate` does), from the generator's own parser."""
    try:
        # Optional: the generator is a dev dependency (and needs Python 3.11+).
        from openapi_python_client.config import Config, ConfigFile, MetaType  # noqa: PLC0415
        from openapi_python_client.parser import GeneratorData  # noqa: PLC0415
    except ImportError:
        return "openapi-python-client is not installed"
    config_path = CONFIG
    config = Config.from_sources(
        ConfigFile.load_from_path(config_path),
        MetaType.NONE,
        document_source=Path("spec.json"),
        file_encoding="utf-8",
        overwrite=True,
        output_path=None,
    )
    fixed, _ = apply_fixes(document)
    with _cheap_endpoint_copies() if cheap_copies else contextlib.nullcontext():
        data = GeneratorData.from_dict(fixed, config=config)
    if not isinstance(data, GeneratorData):
        return f"the generator could not parse the spec: {data.header}"
    names = GeneratedNames()
    for tag, collection in data.endpoint_collections_by_tag.items():
        for endpoint in collection.endpoints:
            path = getattr(endpoint.path, "_value", endpoint.path)  # an UntrustedString in 0.29
            operation = f"{str(endpoint.method).upper()} {path}"
            names.functions[operation] = f"api.{tag}.{endpoint.name!s}"
    names.models.update(str(model.class_info.name) for model in data.models)
    names.models.update(str(enum.class_info.name) for enum in data.enums)
    return names


def names_from_generated_tree(operation_index: str, models_init: str) -> GeneratedNames:
    """The same names, read from a committed ``generated/cekura_openapi`` tree (its
    ``operation_index.py`` and ``models/__init__.py``) instead of parsing the spec again."""
    names = GeneratedNames()
    for node in ast.parse(operation_index).body:
        if (
            isinstance(node, ast.AnnAssign)
            and getattr(node.target, "id", "") == "OPERATIONS"
            and node.value is not None
        ):
            operations = ast.literal_eval(node.value)
            names.functions = {
                op: module.removeprefix("cekura_openapi.") for op, module in operations.items()
            }
    for node in ast.parse(models_init).body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", "") == "__all__" for t in node.targets
        ):
            names.models = set(ast.literal_eval(node.value))
    return names


def generated_changes(
    old: dict[str, Any], new: dict[str, Any]
) -> tuple[tuple[GeneratedNames, GeneratedNames] | None, str | None]:
    """Parse both sides with the generator, in two processes at once."""
    with contextlib.suppress(ImportError):
        # Imported once here, before the workers fork, rather than once in each (~0.4 s).
        import openapi_python_client.parser  # noqa: F401, PLC0415
    with ProcessPoolExecutor(max_workers=2) as pool:
        old_names, new_names = pool.map(_generated_names, [old, new])
    if isinstance(old_names, str) or isinstance(new_names, str):
        return None, str(old_names if isinstance(old_names, str) else new_names)
    return (old_names, new_names), None


def build_report(
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    old_label: str,
    new_label: str,
    with_generated: bool = True,
    generated_names: tuple[GeneratedNames, GeneratedNames] | None = None,
    neighbours: Neighbours | None = None,
) -> Report:
    """``generated_names`` (old, new), when given, are used instead of parsing both specs;
    ``neighbours`` adds the informational section on what upstream added beside the slice."""
    diff = diff_specs(old, new)
    generated: tuple[GeneratedNames, GeneratedNames] | None
    note: str | None
    if generated_names is not None:
        generated, note = generated_names, None
    elif with_generated:
        generated, note = generated_changes(old, new)
    else:
        generated, note = None, "not requested"
    impacts = facade_impact(old, new, diff)
    return Report(old_label, new_label, diff, impacts, generated, note, neighbours)


def _generated_dict(report: Report) -> dict[str, Any]:
    if report.generated is None:
        return {"skipped": report.generated_note}
    old, new = report.generated
    common = old.functions.keys() & new.functions.keys()
    return {
        "functions_added": sorted(new.functions[op] for op in new.functions.keys() - common),
        "functions_removed": sorted(old.functions[op] for op in old.functions.keys() - common),
        # the operation is still there, but upstream renamed its operationId
        "functions_renamed": sorted(
            f"{old.functions[op]} -> {new.functions[op]}"
            for op in common
            if old.functions[op] != new.functions[op]
        ),
        "models_added": sorted(new.models - old.models),
        "models_removed": sorted(old.models - new.models),
    }


def _change_dict(change: Change, diff: SpecDiff) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": change.kind,
        "message": change.message,
        "location": change.location,
    }
    if change.operation:
        data["operation"] = change.operation
    if change.schema:
        data["schema"] = change.schema
        data["operations_affected"] = len(diff.schema_users.get(change.schema, ()))
    return data


def to_json(report: Report) -> str:
    diff = report.diff
    data = {
        "old": report.old_label,
        "new": report.new_label,
        "summary": {
            "breaking": len(report.breaking),
            "non_breaking": len(diff.of(Category.NON_BREAKING)),
            "documentation_only": diff.documentation_changes,
        },
        "operations_added": diff.operations_added,
        "operations_removed": diff.operations_removed,
        "operations_deprecated": diff.operations_deprecated,
        "breaking": [_change_dict(c, diff) for c in report.breaking],
        "non_breaking": [_change_dict(c, diff) for c in diff.of(Category.NON_BREAKING)],
        "documentation_changes": diff.documentation_changes,
        "facade_impact": [
            {
                "attribute": i.attribute,
                "category": i.change.category.value,
                **_change_dict(i.change, diff),
            }
            for i in report.impacts
        ],
        "generated_client": _generated_dict(report),
    }
    if report.neighbours is not None:
        data[NEIGHBOURS_KEY] = {
            "informational": True,  # not vendored; never counted as a change
            "added": report.neighbours.added,
            "total": report.neighbours.total,
            "baseline": report.neighbours.baseline,
        }
    return json.dumps(data, indent=2, ensure_ascii=False)


# -- untrusted spec text ------------------------------------------------------------------------
# Everything shown from a spec (names, paths, enum values, formats, operationIds, and the messages
# built from them) is escaped for where it lands, so that it can neither hide text (an HTML
# comment), forge sections (a newline), ping people (@mentions, #references), show images or
# links, nor reorder what the reviewer reads (bidi controls).

_ZWJ = "\u200d"  # inserted to break a construct without changing what is seen
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_TEXT_SPECIAL = re.compile(r"[\\`*\[\]|~<]|&(?=#|[A-Za-z0-9]+;)|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# mentions, HTML, images, links
_NEUTRALISE_CODE = r"@|<(?!U\+[0-9A-F]{4,6}>)|!(?=\\?\[)|\](?=\()"
_NEUTRALISE = re.compile(
    # in text also bare URLs (autolinked) and issue references
    rf"(?i){_NEUTRALISE_CODE}|:(?=//)|(?<![A-Za-z0-9])www(?=\.)|#(?=[0-9])"
)
_NEUTRALISE_IN_CODE = re.compile(_NEUTRALISE_CODE)  # a code span never autolinks


def visible(text: str) -> str:
    """Control, format (bidi, zero-width), separator and unassigned characters named, as
    ``<U+202E>``, instead of acting on the text around them."""
    return "".join(
        f"<U+{ord(c):04X}>" if unicodedata.category(c) in _INVISIBLE else c for c in text
    )


def _neutralise(text: str, pattern: re.Pattern[str] = _NEUTRALISE) -> str:
    return pattern.sub(lambda m: m.group(0) + _ZWJ, text)


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} characters more)"


def md_text(text: str, limit: int = _TEXT_LIMIT) -> str:
    """Spec text as literal Markdown text (inline, one line)."""
    escaped = _TEXT_SPECIAL.sub(
        lambda m: (
            "&amp;" if m.group(0) == "&" else "&lt;" if m.group(0) == "<" else "\\" + m.group(0)
        ),
        visible(_clip(text, limit)),
    )
    return _neutralise(escaped)


def md_code(text: str, limit: int = _NAME_LIMIT) -> str:
    """Spec text as a code span (one line; a backtick inside is fenced by a longer run)."""
    inner = _neutralise(visible(_clip(text, limit)), _NEUTRALISE_IN_CODE)
    fence = "`" * (max((len(run) for run in re.findall("`+", inner)), default=0) + 1)
    pad = " " if inner.startswith("`") or inner.endswith("`") or not inner.strip(" ") else ""
    return f"{fence}{pad}{inner}{pad}{fence}"


def _enum_message(change: Change) -> str | None:
    """``Loc: 5,000 values added, first 20: ...`` for a long enum change, from its message."""
    verb = {"enum-value-added": "added", "enum-value-removed": "removed"}.get(change.kind)
    prefix = f"{change.location}: enum value(s) {verb}: "
    if verb is None or not change.message.startswith(prefix):
        return None
    try:
        values = ast.literal_eval(f"[{change.message[len(prefix) :]}]")
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return None
    if not isinstance(values, list) or len(values) <= _ENUM_SHOWN:
        return None
    shown = ", ".join(md_text(repr(v), _NAME_LIMIT) for v in values[:_ENUM_SHOWN])
    return (
        f"{md_text(change.location)}: {len(values):,} values {verb}, first {_ENUM_SHOWN}: {shown}"
    )


def _message(change: Change) -> str:
    return _enum_message(change) or md_text(change.message)


def _line(text: str) -> str:
    """A rendered line, never longer than LINE_LIMIT (escaped parts are already clipped)."""
    if len(text) <= LINE_LIMIT:
        return text
    return text[: LINE_LIMIT - 40].rsplit(" ", 1)[0] + " … (line cut; see the full report)"


def _fit(items: Iterable[str], total: int, budget: int, note: str) -> list[str]:
    """Whole list items while they fit in ``budget`` characters; then one line counting the
    rest (of ``total``)."""
    lines: list[str] = []
    used = 0
    for item in items:
        line = _line(item)
        if used + len(line) + 1 > budget:
            break
        lines.append(line)
        used += len(line) + 1
    if len(lines) < total:
        lines.append(f"- … and {total - len(lines):,} more {note}")
    return lines


def cap_body(text: str, limit: int = BODY_LIMIT, where: str = FULL_REPORT) -> str:
    """``text`` cut to fewer than ``limit`` characters, at whole lines, with a note saying what
    was left out and where ``where`` the whole is; an open ``<details>`` or code fence is
    closed."""
    if len(text) < limit:
        return text
    lines = text.split("\n")
    kept: list[str] = []
    size = 0
    room = limit - 1_000  # for the note and closing tags
    for line in lines:
        if size + len(line) + 1 > room:
            break
        kept.append(line)
        size += len(line) + 1
    left_out = len(lines) - len(kept)
    closing: list[str] = []
    if sum(line.count("```") for line in kept) % 2:
        closing.append("```")
    opened = sum(line.count("<details>") - line.count("</details>") for line in kept)
    closing += ["</details>"] * max(opened, 0)
    note = (
        f"**Cut to fit GitHub's limit:** the last {left_out:,} of {len(lines):,} lines "
        f"({len(text) - size:,} characters) are left out here; {where}."
    )
    return "\n".join([*kept, *closing, "", note]) + "\n"


def _bullets(changes: list[Change], diff: SpecDiff, budget: int) -> list[str]:
    def items() -> Iterator[str]:
        for change in changes[:_LIST_LIMIT]:
            users = len(diff.schema_users.get(change.schema, ())) if change.schema else 0
            suffix = (
                f" _(schema used by {users} operation{'s' if users != 1 else ''})_" if users else ""
            )
            yield f"- {md_code(change.kind)} {_message(change)}{suffix}"

    return _fit(items(), len(changes), budget, "(see `--format json`)")


def _names_block(title: str, names: list[str]) -> list[str]:
    if not names:
        return []
    head = f"- **{title}** ({len(names):,}): "
    shown: list[str] = []
    size = len(head)
    for name in names[:_LIST_LIMIT]:
        code = md_code(name)
        if size + len(code) + 2 > _NAMES_LINE_LIMIT:
            break
        shown.append(code)
        size += len(code) + 2
    more = f" … and {len(names) - len(shown):,} more" if len(names) > len(shown) else ""
    return [f"{head}{', '.join(shown)}{more}"]


def _neighbours_section(neighbours: Neighbours) -> list[str]:
    lines = [
        f"### {NEIGHBOURS_TITLE}",
        "_Information only: operations sharing a path prefix with one in `openapi/operations.txt`"
        ", not declared there, so not vendored and not counted above. To vendor one, add its "
        "line to `openapi/operations.txt`._",
        "",
    ]
    if not neighbours.added:
        lines.append(
            f"None since the last update ({neighbours.total} next to the slice in all)."
            if neighbours.baseline
            else "None."
        )
        return lines
    if not neighbours.baseline:
        lines.append(
            f"The previous provenance records no neighbours: all {neighbours.total} are listed."
        )
    else:
        lines.append(
            f"{len(neighbours.added)} new since the last update "
            f"({neighbours.total} next to the slice in all):"
        )
    lines += _fit(
        (f"- {md_code(op)}" for op in neighbours.added[:_LIST_LIMIT]),
        len(neighbours.added),
        _SECTION_BUDGET["neighbours"],
        "(see `report.json`)",
    )
    return lines


def to_markdown(report: Report) -> str:
    diff = report.diff
    non_breaking = diff.of(Category.NON_BREAKING)
    lines = [
        MARKER,
        f"## OpenAPI spec diff: {md_code(report.old_label)} → {md_code(report.new_label)}",
        "",
        f"**{len(report.breaking)} breaking**, {len(non_breaking)} non-breaking and "
        f"{diff.documentation_changes} documentation-only changes. Operations: "
        f"{len(diff.operations_added)} added, {len(diff.operations_removed)} removed, "
        f"{len(diff.operations_deprecated)} deprecated.",
        "",
        "### Facade impact",
    ]
    if report.impacts:
        lines += _fit(
            (
                f"- **{md_text(i.attribute)}** — {i.change.category.value}: "
                f"{md_code(i.change.kind)} {_message(i.change)}"
                for i in report.impacts
            ),
            len(report.impacts),
            _SECTION_BUDGET["impact"],
            "(see `--format json`)",
        )
    else:
        lines.append("No change touches a field or operation the facade reads.")
    lines += ["", "### Breaking changes"]
    lines += _bullets(report.breaking, diff, _SECTION_BUDGET["breaking"]) or ["None."]
    lines += ["", "### Generated client"]
    generated = _generated_dict(report)
    if "skipped" in generated:
        lines.append(f"Not computed: {md_text(str(generated['skipped']))}.")
    else:
        block = []
        for key, title in _GENERATED_TITLES:
            block += _names_block(title, generated[key])
        lines += block or ["No public function or model added or removed."]
    if report.neighbours is not None:
        lines += ["", *_neighbours_section(report.neighbours)]
    lines += [
        "",
        "<details><summary>Non-breaking changes (" + str(len(non_breaking)) + ")</summary>",
        "",
    ]
    lines += _bullets(non_breaking, diff, _SECTION_BUDGET["non_breaking"]) or ["None."]
    lines += ["", "</details>", ""]
    return cap_body("\n".join(lines))
