"""Generate the low-level client ``cekura_openapi`` from the vendored spec.

The pipeline: openapi/cekura.yaml (as published) -> spec_fixes.py (general rules for
upstream defects; the fixed spec is a temporary build artefact) -> openapi-python-client ->
Python 3.10 compatibility rewrite -> ruff. The generator runs with --fail-on-warning, so an
operation it would drop or a schema it cannot parse fails the build instead of going missing.

``generate`` writes ``generated/cekura_openapi`` (replacing the old tree only after the generator
succeeded); ``check`` generates into a temporary directory and fails, naming the files that
differ, when ``generated/`` is stale.

The generator (openapi-python-client) and the formatter it runs (ruff) are pinned in
pyproject.toml; this script runs them from the same environment as the interpreter running it,
so the output depends only on the spec, the config and those pins.
"""

from __future__ import annotations

import argparse
import ast
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .paths import CONFIG, PACKAGE, SPEC
from .paths import GENERATED as TARGET
from .spec_fixes import apply_fixes
from .spec_io import SpecFormatError, decode_document, operations


class GenerationError(Exception):
    pass


_PARAM = re.compile(r"\{[^}]*\}")
_DROPPED = re.compile(r"^WARNING parsing (?P<op>[A-Z]+ \S+) .*Endpoint will not be generated", re.M)
_UNPARSED = re.compile(r"^Unable to (?:parse|process) schema (?P<ref>\S+?):?$", re.M)


def generator_problems(output: str) -> tuple[list[str], list[str]]:
    """(dropped operations, unparsed schemas) named in openapi-python-client's output."""
    dropped = sorted(set(m["op"] for m in _DROPPED.finditer(output)))
    unparsed = sorted(set(m["ref"] for m in _UNPARSED.finditer(output)))
    return dropped, unparsed


def write_fixed_spec(spec: Path, out_dir: Path) -> tuple[Path, frozenset[str]]:
    """Apply the spec fixes (spec_fixes.py) to ``spec``; write the result (JSON) into
    ``out_dir``. Also return the operations the spec marks deprecated ("METHOD /path")."""
    try:
        document, _ = decode_document(spec.read_bytes())
    except (OSError, SpecFormatError) as exc:
        raise GenerationError(f"cannot read {spec}: {exc}") from None
    fixed, _ = apply_fixes(document)
    target = out_dir / "cekura.fixed.json"
    target.write_text(json.dumps(fixed, ensure_ascii=False), encoding="utf-8")
    deprecated = frozenset(
        f"{method} {path}"
        for method, path, operation in operations(fixed)
        if operation.get("deprecated") is True
    )
    return target, deprecated


def run_generator(spec: Path, config: Path, out_dir: Path, *, strict: bool = True) -> Path:
    """Fix ``spec``, run openapi-python-client into ``out_dir/PACKAGE``; return that path.
    With ``strict`` (the default) any generator warning fails the run."""
    bin_dir = Path(sys.executable).parent
    generator = bin_dir / "openapi-python-client"
    if not generator.exists():
        raise GenerationError(f"openapi-python-client is not installed beside {sys.executable}")
    env = dict(os.environ)
    # The generator's post_hooks call `ruff`: make sure it is the pinned one from this env.
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    out_dir.mkdir(parents=True, exist_ok=True)
    package_dir = out_dir / PACKAGE
    fixed_spec, deprecated = write_fixed_spec(spec, out_dir)
    cmd = [
        str(generator),
        "generate",
        "--path",
        str(fixed_spec),
        "--config",
        str(config),
        "--meta",
        "none",
        "--output-path",
        str(package_dir),
        *(["--fail-on-warning"] if strict else []),
    ]
    proc = subprocess.run(cmd, check=False, cwd=out_dir, env=env, capture_output=True, text=True)
    fixed_spec.unlink()
    (out_dir / "generator-output.txt").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0 or not (package_dir / "__init__.py").exists():
        dropped, unparsed = generator_problems(proc.stdout + proc.stderr)
        summary = f"{len(dropped)} operation(s) dropped, {len(unparsed)} schema(s) unparsed"
        raise GenerationError(
            f"openapi-python-client failed (exit {proc.returncode}; {summary}):\n"
            f"{proc.stdout[-4000:]}{proc.stderr[-4000:]}"
        )
    make_py310_compatible(package_dir)
    write_operation_index(package_dir, deprecated)
    # PEP 561 marker: the generated package is typed (the generator only writes it with --meta).
    (package_dir / "py.typed").write_text("", encoding="utf-8")
    format_tree(package_dir, env)
    # Byte-identical output on every machine: no caches left in the tree.
    for cache in package_dir.rglob("__pycache__"):
        shutil.rmtree(cache)
    return package_dir


def _request_of(module: Path) -> tuple[str, str] | None:
    """(METHOD, URL template) built by a generated endpoint module's ``_get_kwargs``."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        entries = {
            key.value: value
            for key, value in zip(node.keys, node.values, strict=True)
            if isinstance(key, ast.Constant)
        }
        method, url = entries.get("method"), entries.get("url")
        if isinstance(url, ast.Call) and isinstance(url.func, ast.Attribute):
            url = url.func.value  # "/path/{id}/".format(...)
        if isinstance(method, ast.Constant) and isinstance(url, ast.Constant):
            return str(method.value).upper(), str(url.value)
    return None


def write_operation_index(package_dir: Path, deprecated: frozenset[str] = frozenset()) -> None:
    """Write ``operation_index.py``: which module implements each "METHOD /path/{param}/", and
    which of those the spec marks ``deprecated``.

    Upstream renames operationIds between versions (Get Result was
    ``test_framework_v1_results_retrieve``, then ``results-retrieve``, then ``results-v1-retrieve``
    while ``results-retrieve`` moved to the v2 path), and module names follow them. The facade
    finds its operations by method and path through this index instead.
    """
    marked = {_PARAM.sub("{}", key) for key in deprecated}
    index: dict[str, str] = {}
    for module in sorted((package_dir / "api").rglob("*.py")):
        request = _request_of(module) if module.name != "__init__.py" else None
        if request is not None:
            dotted = ".".join(module.relative_to(package_dir).with_suffix("").parts)
            index[f"{request[0]} {request[1]}"] = f"{PACKAGE}.{dotted}"
    lines = [
        '"""Which generated module implements each operation, keyed by "METHOD /path/{param}/".',
        "",
        "Written by cekura_spec_tools.generate from the generated modules and the spec; do not",
        "edit.",
        '"""',
        "",
        "OPERATIONS: dict[str, str] = {",
        *(f"    {key!r}: {value!r}," for key, value in sorted(index.items())),
        "}",
        "",
        "#: The operations the spec marks ``deprecated: true``.",
        "DEPRECATED: frozenset[str] = frozenset(",
        "    (",
        *(f"        {key!r}," for key in sorted(index) if _PARAM.sub("{}", key) in marked),
        "    )",
        ")",
        "",
    ]
    (package_dir / "operation_index.py").write_text("\n".join(lines), encoding="utf-8")


# openapi-python-client 0.29 targets Python 3.11+; the project supports 3.10. Two rewrites:
# - `from typing import ..., Self` (client.py): Self comes from typing_extensions instead;
# - `datetime.datetime.fromisoformat(...)` (models): before 3.11 it refuses "Z" and most ISO 8601
#   forms, so date-time fields are parsed with dateutil's isoparse (already a dependency).
# (Its other 3.11-only construct, enum.StrEnum, is avoided by `literal_enums: true` in the config.)
_FROMISOFORMAT = "datetime.datetime.fromisoformat("
_SELF_IMPORT = re.compile(r"^from typing import (?P<names>.*)\bSelf\b(?P<rest>.*)$", re.MULTILINE)


def make_py310_compatible(package_dir: Path) -> None:
    for path in sorted(package_dir.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "StrEnum" in text:
            raise GenerationError(
                f"{path.name} uses enum.StrEnum (Python 3.11+); keep literal_enums"
            )

        def _split(match: re.Match[str]) -> str:
            names = [n.strip() for n in (match["names"] + match["rest"]).split(",")]
            kept = ", ".join(n for n in names if n)
            line = "from typing_extensions import Self"
            return f"from typing import {kept}\n{line}" if kept else line

        new = _SELF_IMPORT.sub(_split, text)
        if _FROMISOFORMAT in new:
            new = _add_import(new.replace(_FROMISOFORMAT, "isoparse("), _ISOPARSE_IMPORT)
        if new != text:
            path.write_text(new, encoding="utf-8")


_ISOPARSE_IMPORT = "from dateutil.parser import isoparse\n"
_FUTURE = "from __future__ import annotations\n"


def _add_import(text: str, line: str) -> str:
    """Add an import line after ``from __future__`` (ruff's isort then puts it in place)."""
    if text.startswith(_FUTURE):
        return _FUTURE + line + text[len(_FUTURE) :]
    return line + text


def format_tree(package_dir: Path, env: dict[str, str]) -> None:
    """Format with the pinned ruff, ignoring any ruff config found in parent directories
    (--isolated): the output must not depend on where the generator ran."""
    ruff = str(Path(sys.executable).parent / "ruff")
    common = ["--isolated", "--target-version=py310", "--no-cache", "--quiet"]
    for args in (
        ["check", ".", "--fix-only", "--extend-select=I", *common],
        ["format", ".", *common],
    ):
        proc = subprocess.run(
            [ruff, *args], check=False, cwd=package_dir, env=env, capture_output=True, text=True
        )
        if proc.returncode != 0:
            raise GenerationError(f"ruff {args[0]} failed:\n{proc.stdout}{proc.stderr}")


def tree_files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def diff_trees(expected: Path, actual: Path) -> list[str]:
    """Return human-readable lines naming the files that differ between two trees."""
    want, have = tree_files(expected), tree_files(actual)
    lines = [f"missing from generated/: {name}" for name in sorted(want - have)]
    lines += [f"not produced by the generator: {name}" for name in sorted(have - want)]
    lines += [
        f"differs: {name}"
        for name in sorted(want & have)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return lines


def generate(spec: Path = SPEC, config: Path = CONFIG, target: Path = TARGET) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".gen-") as tmp:
        fresh = run_generator(spec, config, Path(tmp))
        old = Path(tmp) / "old"
        if target.exists():
            target.rename(old)
        fresh.rename(target)


def check(spec: Path = SPEC, config: Path = CONFIG, target: Path = TARGET) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="cekura-gen-check-") as tmp:
        fresh = run_generator(spec, config, Path(tmp))
        if not target.exists():
            return [f"{target} does not exist"]
        return diff_trees(fresh, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate or check generated/cekura_openapi.")
    parser.add_argument("command", choices=["generate", "check"])
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            generate(args.spec, args.config, args.target)
            print(f"generated {args.target} from {args.spec.name}")
            return 0
        problems = check(args.spec, args.config, args.target)
    except GenerationError as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 1
    if problems:
        print("generated/ is stale; run `make generate` and commit the result:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    print("generated/ is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
