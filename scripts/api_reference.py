"""Write docs/reference/api.md: every public name of ``cekura_client``, its signature and the
first line of its docstring, generated from the package itself.

What is public: ``Cekura`` and ``AsyncCekura`` with the methods of the resources they carry
(``client.results.get``, ...), then ``__all__`` of ``cekura_client`` and of each submodule in
``MODULES``. A name re-exported by several of them is described once, where it first appears.
Signatures are printed as written in the source (the annotations are not evaluated), so the
page does not depend on the Python version; the text of a constant or a type alias is its source.

Usage::

    python scripts/api_reference.py            # (re)write docs/reference/api.md
    python scripts/api_reference.py --check    # exit 1, naming the first differing line, if stale

Standard library only, plus the ``cekura_client`` it documents. The output is deterministic:
no addresses, no set order, no dates.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import enum
import importlib
import importlib.util
import inspect
import re
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cekura_client

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "reference" / "api.md"
COMMAND = "python scripts/api_reference.py"

#: The modules whose ``__all__`` is public API, in the order of the page. ``cli`` (documented by
#: ``cekura-results --help``) and ``spec_contract`` (read by the spec tooling) are not listed.
MODULES = (
    "cekura_client",
    "cekura_client.gate",
    "cekura_client.history",
    "cekura_client.reports",
    "cekura_client.summary",
    "cekura_client.testing",
    "cekura_client.types",
    "cekura_client.webhooks",
)
CLIENTS = ("Cekura", "AsyncCekura")
#: How the page links a source file: docs/reference/ -> facade/cekura_client/.
SOURCE_LINK = "../../facade/cekura_client/"
PACKAGE_DIR = Path(cekura_client.__file__).resolve().parent
LINE = 100  # a signature longer than this gets one parameter per line
GROUPS = ("Classes", "Exceptions", "Functions", "Constants and type aliases", "Modules")

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z`(*\"'])")
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs|cf)\.$")


@dataclass(frozen=True)
class Entry:
    """One documented name: how a user writes it, its signature lines, its summary."""

    name: str  # "cekura_client.reports.compare", "client.results.get", ...
    heading: str
    group: str
    code: tuple[str, ...]
    summary: str
    source: str = ""  # relative to facade/cekura_client/
    notes: tuple[str, ...] = ()
    extra_summaries: tuple[tuple[str, str], ...] = field(default=())  # (name, summary) checked too


# ---------------------------------------------------------------- docstrings and source text


def summary_of(doc: str | None) -> str:
    """The docstring's first line: its first paragraph on one line, Sphinx roles as code."""
    if not doc:
        return ""
    paragraph: list[str] = []
    for line in inspect.cleandoc(doc).splitlines():
        if not line.strip():
            if paragraph:
                break
            continue
        paragraph.append(line.strip())
    text = " ".join(paragraph)
    text = _ROLE.sub(lambda m: "`" + m.group(1).rsplit(".", 1)[-1] + "`", text)
    return first_sentence(text.replace("``", "`"))


def first_sentence(text: str) -> str:
    """Up to the first full stop that ends a sentence (outside code, not "e.g.")."""
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[:end].count("`") % 2 == 0 and not _ABBREVIATION.search(text[:end]):
            return text[:end]
    return text


def own_doc(obj: object) -> str | None:
    """The object's own docstring (never one inherited from a base class or from ``type``)."""
    if isinstance(obj, (property, classmethod, staticmethod)):
        target = obj.fget if isinstance(obj, property) else obj.__func__
        return own_doc(target)
    if inspect.isclass(obj):
        doc = obj.__dict__.get("__doc__")
        return doc if isinstance(doc, str) else None
    doc = getattr(obj, "__doc__", None)
    return doc if isinstance(doc, str) else None


def relative_source(obj: object) -> str:
    try:
        path = inspect.getsourcefile(obj)  # type: ignore[arg-type]
    except TypeError:
        return ""
    if path is None:
        return ""
    try:
        return Path(path).resolve().relative_to(PACKAGE_DIR).as_posix()
    except ValueError:
        return ""


@dataclass(frozen=True)
class Assignment:
    """Where a module-level name is assigned: its module file, source and ``#:`` docs."""

    path: Path
    annotation: str
    value: str
    doc: str


def _module_path(module: str) -> tuple[Path, bool]:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise LookupError(module)
    return Path(spec.origin), spec.submodule_search_locations is not None


def find_assignment(module: str, name: str, depth: int = 0) -> Assignment | None:
    """Follow ``from .x import name`` from ``module`` to the statement that assigns ``name``."""
    if depth > 10:
        return None
    path, is_package = _module_path(module)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) != name:
                    continue
                package = module if is_package else module.rpartition(".")[0]
                origin = importlib.util.resolve_name(
                    "." * node.level + (node.module or ""), package
                )
                return find_assignment(origin, alias.name, depth + 1)
        targets: list[ast.expr] = []
        annotation = ""
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
            annotation = ast.get_source_segment(text, node.annotation) or ""
        if not any(isinstance(t, ast.Name) and t.id == name for t in targets):
            continue
        value = getattr(node, "value", None)
        segment = ast.get_source_segment(text, value) if value is not None else None
        comments: list[str] = []
        row = node.lineno - 2
        while row >= 0 and lines[row].lstrip().startswith("#:"):
            comments.insert(0, lines[row].lstrip()[2:].strip())
            row -= 1
        following = tree.body[index + 1] if index + 1 < len(tree.body) else None
        if (
            not comments
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            comments = [following.value.value]
        return Assignment(path, annotation, segment or "", "\n".join(comments))
    return None


# ---------------------------------------------------------------- signatures


def _annotation(value: Any) -> str:
    if isinstance(value, str):
        return value
    return inspect.formatannotation(value)


def _default(value: Any) -> str:
    if isinstance(value, (set, frozenset)):
        text = "{" + ", ".join(sorted(repr(item) for item in value)) + "}"
        return text if isinstance(value, set) else f"frozenset({text})"
    return _ADDRESS.sub("", repr(value))


def parameters(signature: inspect.Signature, *, skip_first: bool = False) -> list[str]:
    """Each parameter as written in a ``def`` line, with the ``/`` and ``*`` markers."""
    params = list(signature.parameters.values())[1 if skip_first else 0 :]
    out: list[str] = []
    star_done = False
    for index, param in enumerate(params):
        if param.kind is param.KEYWORD_ONLY and not star_done:
            out.append("*")
            star_done = True
        text = param.name
        if param.kind is param.VAR_POSITIONAL:
            text, star_done = "*" + text, True
        elif param.kind is param.VAR_KEYWORD:
            text = "**" + text
        annotated = param.annotation is not param.empty
        if annotated:
            text += ": " + _annotation(param.annotation)
        if param.default is not param.empty:
            text += (" = " if annotated else "=") + _default(param.default)
        out.append(text)
        following = params[index + 1] if index + 1 < len(params) else None
        if param.kind is param.POSITIONAL_ONLY and (
            following is None or following.kind is not param.POSITIONAL_ONLY
        ):
            out.append("/")
    return out


def call(prefix: str, params: Sequence[str], returns: str = "") -> tuple[str, ...]:
    """``prefix(params) -> returns`` on one line, or one parameter per line when too long."""
    tail = f" -> {returns}" if returns else ""
    one = f"{prefix}({', '.join(params)}){tail}"
    if len(one) <= LINE or not params:
        return (one,)
    return (f"{prefix}(", *(f"    {param}," for param in params), f"){tail}")


def function_code(prefix: str, func: Callable[..., Any], *, skip_first: bool) -> tuple[str, ...]:
    signature = inspect.signature(func)
    returns = ""
    if signature.return_annotation is not signature.empty:
        returns = _annotation(signature.return_annotation)
    if inspect.iscoroutinefunction(func):
        prefix = "await " + prefix
    return call(prefix, parameters(signature, skip_first=skip_first), returns)


def class_code(name: str, cls: type) -> tuple[str, ...]:
    if issubclass(cls, enum.Enum):
        members = [f"    {member.name} = {member.value!r}" for member in cls]
        return (f"class {name}({', '.join(base.__name__ for base in cls.__bases__)}):", *members)
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):  # a builtin __init__ (Exception's)
        return (f"{name}(*args)",)
    return call(name, parameters(signature))


# ---------------------------------------------------------------- members of a class


def _defined_here(cls: type) -> Iterator[type]:
    for klass in cls.__mro__:
        if klass.__module__.split(".")[0] == "cekura_client":
            yield klass


def members(cls: type) -> tuple[str, ...]:
    """Public methods and properties defined in the package (not constructor parameters)."""
    if issubclass(cls, enum.Enum):
        return ()
    try:
        fields = set(inspect.signature(cls).parameters)
    except (TypeError, ValueError):
        fields = set()
    names: dict[str, str] = {}
    for klass in _defined_here(cls):
        for name, value in vars(klass).items():
            if name.startswith("_") or name in fields or name in names:
                continue
            if isinstance(value, (property, types.FunctionType, classmethod, staticmethod)):
                names[name] = name if isinstance(value, property) else f"{name}()"
            elif type(value).__name__ == "cached_property":
                names[name] = name
    return tuple(f"`{names[name]}`" for name in sorted(names))


# ---------------------------------------------------------------- the entries


def _kind(obj: object) -> str:
    if isinstance(obj, types.ModuleType):
        return "Modules"
    if inspect.isclass(obj):
        return "Exceptions" if issubclass(obj, BaseException) else "Classes"
    if inspect.isfunction(obj) or inspect.isbuiltin(obj) or inspect.ismethod(obj):
        return "Functions"
    return "Constants and type aliases"


def _base_note(cls: type) -> tuple[str, ...]:
    if not issubclass(cls, BaseException):
        return ()
    bases = ", ".join(f"`{base.__name__}`" for base in cls.__bases__)
    return (f"Subclass of {bases}.",)


def name_entry(module: str, name: str, obj: object) -> Entry:
    qualified = f"{module}.{name}"
    group = _kind(obj)
    if group == "Modules":
        assert isinstance(obj, types.ModuleType)
        public = getattr(obj, "__all__", ())
        notes: tuple[str, ...] = ()
        if public:
            notes = (f"Public names: {', '.join(f'`{n}`' for n in public)}.",)
        return Entry(
            qualified,
            f"`{name}`",
            group,
            (f"from {module} import {name}",),
            summary_of(obj.__doc__),
            relative_source(obj),
            notes,
        )
    if inspect.isclass(obj):
        listed = members(obj)
        notes = _base_note(obj) + ((f"Members: {', '.join(listed)}.",) if listed else ())
        return Entry(
            qualified,
            f"`{name}`",
            group,
            class_code(name, obj),
            summary_of(own_doc(obj)),
            relative_source(obj),
            notes,
        )
    if group == "Functions":
        assert callable(obj)
        return Entry(
            qualified,
            f"`{name}`",
            group,
            function_code(name, obj, skip_first=False),
            summary_of(own_doc(obj)),
            relative_source(obj),
        )
    found = find_assignment(module, name)
    if found is None:
        return Entry(qualified, f"`{name}`", group, (f"{name} = {_default(obj)}",), "")
    annotation = f": {found.annotation}" if found.annotation else ""
    value = inspect.cleandoc(found.value).splitlines() if found.value else ["..."]
    code = (f"{name}{annotation} = {value[0]}", *value[1:])
    source = found.path.resolve().relative_to(PACKAGE_DIR).as_posix()
    return Entry(qualified, f"`{name}`", group, code, summary_of(found.doc), source)


def _resources(client: type) -> list[tuple[str, type]]:
    """The client's annotated resource attributes (``results: Results``), in declared order."""
    namespace = vars(sys.modules[client.__module__])
    out: list[tuple[str, type]] = []
    for attribute, annotation in inspect.get_annotations(client).items():
        resolved = namespace.get(annotation) if isinstance(annotation, str) else annotation
        if (
            not attribute.startswith("_")
            and inspect.isclass(resolved)
            and resolved.__module__.startswith("cekura_client.resources")
        ):
            out.append((attribute, resolved))
    return out


def _methods(cls: type) -> dict[str, Callable[..., Any]]:
    return {
        name: value
        for name, value in vars(cls).items()
        if not name.startswith("_") and isinstance(value, types.FunctionType)
    }


def client_entries() -> list[Entry]:
    """``Cekura``, ``AsyncCekura``, then each resource method, sync and async together."""
    clients = [getattr(cekura_client, name) for name in CLIENTS]
    entries = []
    for client in clients:
        entry = name_entry("cekura_client", client.__name__, client)
        listed = ", ".join(f"`client.{attribute}`" for attribute, _ in _resources(client))
        notes = (f"Resources: {listed}; `client.openapi`: the generated low-level client.",)
        entries.append(dataclasses.replace(entry, notes=notes + entry.notes))
    sync, asynchronous = clients
    async_resources = dict(_resources(asynchronous))
    for attribute, resource in _resources(sync):
        twin = async_resources.get(attribute)
        sync_methods = _methods(resource)
        async_methods = _methods(twin) if twin is not None else {}
        for method in [*sync_methods, *(m for m in async_methods if m not in sync_methods)]:
            dotted = f"client.{attribute}.{method}"
            one, other = sync_methods.get(method), async_methods.get(method)
            checked: list[tuple[str, str]] = []
            if one is not None:
                checked.append((f"{resource.__name__}.{method}", summary_of(own_doc(one))))
            if other is not None and twin is not None:
                checked.append((f"{twin.__name__}.{method}", summary_of(own_doc(other))))
            code, twin_note = _twin_code(dotted, one, other)
            summary = next((text for _, text in checked if text), "")
            entries.append(
                Entry(
                    dotted,
                    f"`{dotted}`",
                    f"client.{attribute}",
                    code,
                    summary,
                    relative_source(resource),
                    twin_note + _operation_note(dotted),
                    tuple(checked),
                )
            )
    return entries


def _twin_code(
    dotted: str, one: Callable[..., Any] | None, other: Callable[..., Any] | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The sync signature, and a note on the async one when only ``await`` or the return type
    differ; both signatures when the parameters differ (or one side alone when it has no twin).
    """
    if one is None or other is None:
        only = one if one is not None else other
        assert only is not None
        side = "Cekura" if one is not None else "AsyncCekura"
        return function_code(dotted, only, skip_first=True), (f"Only on `{side}`.",)
    code = function_code(dotted, one, skip_first=True)
    one_sig, other_sig = inspect.signature(one), inspect.signature(other)
    if parameters(one_sig, skip_first=True) != parameters(other_sig, skip_first=True):
        return (*code, "", *function_code(dotted, other, skip_first=True)), ()
    how = f"`await {dotted}(...)`" if inspect.iscoroutinefunction(other) else f"`{dotted}(...)`"
    returns = other_sig.return_annotation
    if returns is not other_sig.empty and returns != one_sig.return_annotation:
        how += f", returning `{_annotation(returns)}`"
    return code, (f"On `AsyncCekura`: {how}.",)


def _operation_note(dotted: str) -> tuple[str, ...]:
    from cekura_client._operations import OPERATIONS  # noqa: PLC0415  (private: this page only)

    for operation in OPERATIONS:
        if operation.name == dotted:
            keys = ", ".join(f"`{key}`" for key in operation.candidate_keys())
            return (f"HTTP: {keys} (the first the generated client has).",)
    return ()


def module_entries() -> list[tuple[str, str, list[Entry], list[str]]]:
    """Per module: its name, summary, new entries, and names already described above."""
    seen: set[int] = {id(getattr(cekura_client, name)) for name in CLIENTS}
    out: list[tuple[str, str, list[Entry], list[str]]] = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        entries: list[Entry] = []
        again: list[str] = []
        for name in module.__all__:
            obj = getattr(module, name)
            shared = not isinstance(obj, (str, int, float, bool)) and obj is not None
            if shared and id(obj) in seen:
                again.append(name)
                continue
            if shared:
                seen.add(id(obj))
            entries.append(name_entry(module_name, name, obj))
        entries.sort(key=lambda entry: GROUPS.index(entry.group))
        out.append((module_name, summary_of(module.__doc__), entries, again))
    return out


def entries() -> list[Entry]:
    """Every documented name (what the docstring test walks)."""
    found = client_entries()
    for _, _, module_list, _ in module_entries():
        found.extend(module_list)
    return found


def missing_docstrings() -> list[str]:
    """The public names whose docstring has no first line."""
    missing: list[str] = []
    for entry in entries():
        if entry.extra_summaries:
            missing.extend(name for name, text in entry.extra_summaries if not text)
        elif not entry.summary:
            missing.append(entry.name)
    return missing


# ---------------------------------------------------------------- the page


def _slug(heading: str) -> str:
    text = re.sub(r"[^a-z0-9 _-]", "", heading.lower())
    return text.replace(" ", "-")


def _render_entry(entry: Entry, level: str) -> list[str]:
    lines = [f"{level} {entry.heading}", "", "```python", *entry.code, "```", ""]
    if entry.summary:
        lines += [entry.summary, ""]
    lines += [f"- {note}" for note in entry.notes]
    if entry.source:
        lines.append(f"- Source: [`{entry.source}`]({SOURCE_LINK}{entry.source}).")
    if entry.notes or entry.source:
        lines.append("")
    return lines


def render() -> str:
    modules = module_entries()
    clients = client_entries()
    out = [
        "# API reference",
        "",
        f"Generated by `{COMMAND}` from `cekura_client` itself: do not edit. Each entry is "
        "the signature as written in the source, then the first line of its docstring. "
        f"`{COMMAND} --check` (run by the tests) fails while this page is stale.",
        "",
        "- [Clients and resources](#clients-and-resources): `Cekura`, `AsyncCekura`, "
        + ", ".join(f"`client.{attribute}`" for attribute, _ in _resources(cekura_client.Cekura)),
    ]
    out += [f"- [`{name}`](#{_slug(name)})" for name, _, _, _ in modules]
    out += [
        "",
        "## Clients and resources",
        "",
        "`Cekura` and `AsyncCekura` take the same arguments; each resource method exists on "
        "both (the async one is awaited, or iterated with `async for`).",
        "",
    ]
    group = ""
    for entry in clients:
        if entry.group != group and entry.group.startswith("client."):
            group = entry.group
            out += [f"### `{group}`", ""]
        out += _render_entry(entry, "####" if group else "###")
    for name, summary, module_list, again in modules:
        out += [f"## `{name}`", ""]
        if summary:
            out += [summary, ""]
        if again:
            described = ", ".join(f"`{item}`" for item in again)
            out += [f"Also exported here, described above: {described}.", ""]
        current = ""
        for entry in module_list:
            if entry.group != current:
                current = entry.group
                out += [f"### {current}", ""]
            out += _render_entry(entry, "####")
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- command line


def first_difference(expected: str, found: str) -> str:
    """A one-line description of where ``found`` stops matching ``expected``."""
    want, have = expected.splitlines(), found.splitlines()
    for number, (a, b) in enumerate(zip(want, have, strict=False), start=1):
        if a != b:
            return f"line {number} differs: expected {a!r}, found {b!r}"
    if len(want) > len(have):
        return f"line {len(have) + 1} is missing: expected {want[len(have)]!r}"
    if len(have) > len(want):
        return f"line {len(want) + 1} is extra: found {have[len(want)]!r}"
    return "the line endings differ"


def check(path: Path) -> str | None:
    """None when ``path`` holds what ``render()`` gives, else the one-line reason."""
    try:
        shown = path.relative_to(ROOT)
    except ValueError:
        shown = path
    if not path.is_file():
        return f"{shown} is missing: run `{COMMAND}`"
    expected, found = render(), path.read_text(encoding="utf-8")
    if found == expected:
        return None
    return f"{shown} is stale ({first_difference(expected, found)}): run `{COMMAND}`"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--file", type=Path, default=TARGET, help="the page (default: %(default)s)")
    args = parser.parse_args(argv)
    path: Path = args.file.resolve()
    if args.check:
        problem = check(path)
        if problem is not None:
            print(problem, file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        stream.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
