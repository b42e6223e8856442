"""``cekura-spec-diff``: what changed between two OpenAPI specs, what breaks, what it does to the
facade and to the generated client.

    cekura-spec-diff OLD NEW [--format markdown|json] [--fail-on breaking] [--output FILE]
    cekura-spec-diff --git-base REF [NEW]      # OLD = openapi/cekura.yaml at that git ref

OLD and NEW are files (JSON or YAML, decided by content; OpenAPI 3.0 or 3.1). With --git-base
on the vendored spec, a slice, the report also lists, as information only, the operations
upstream added next to the slice (the provenance records' ``neighbours``, at REF and now).

Exit codes: 0 the diff was made (and, with --fail-on breaking, nothing breaks); 1 breaking
changes were found and --fail-on breaking was given; 2 an input or usage error.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from .diff_report import (
    GeneratedNames,
    Neighbours,
    build_report,
    names_from_generated_tree,
    to_json,
    to_markdown,
)
from .spec_io import SpecFormatError, decode_document

EXIT_OK, EXIT_BREAKING, EXIT_ERROR = 0, 1, 2
VENDORED = "openapi/cekura.yaml"
PROVENANCE = "openapi/cekura.provenance.json"
GENERATED = "generated/cekura_openapi"
_TREE_FILES = ("operation_index.py", "models/__init__.py")


class InputError(Exception):
    pass


def _load(data: bytes, label: str) -> dict[str, Any]:
    try:
        document, _ = decode_document(data)
    except SpecFormatError as exc:
        raise InputError(f"{label}: {exc}") from None
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
        raise InputError(f"{label}: not an OpenAPI 3.x document")
    return document


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def _read_git(ref: str, path: str) -> bytes:
    proc = subprocess.run(["git", "show", f"{ref}:{path}"], capture_output=True, check=False)
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip()
        raise InputError(f"cannot read {path} at {ref}: {message}")
    return proc.stdout


def _generated_at(ref: str) -> tuple[GeneratedNames, GeneratedNames] | None:
    """With --git-base, both sides' generated names from the committed generated/ trees (at REF
    and in the working tree, which `make check-generated` keeps in step with the spec): the
    same answer as parsing both specs with the generator, in milliseconds. None when a tree
    predates the operation index."""
    try:
        old = [_read_git(ref, f"{GENERATED}/{name}").decode() for name in _TREE_FILES]
        new = [Path(GENERATED, name).read_text(encoding="utf-8") for name in _TREE_FILES]
    except (InputError, OSError):
        return None
    return names_from_generated_tree(*old), names_from_generated_tree(*new)


def _neighbours_at(ref: str) -> Neighbours | None:
    """With --git-base on the vendored spec: the operations upstream added next to the slice,
    from the provenance records at REF and in the working tree. None when the working tree's
    spec is not a slice (or its record is unreadable)."""
    try:
        new = json.loads(Path(PROVENANCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(new, dict) or not isinstance(new.get("neighbours"), list):
        return None
    try:
        old = json.loads(_read_git(ref, PROVENANCE))
    except (InputError, ValueError):
        old = None
    previous = old.get("neighbours") if isinstance(old, dict) else None
    return Neighbours.between(previous, [str(op) for op in new["neighbours"]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cekura-spec-diff", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("old", nargs="?", help="the old spec (omit with --git-base)")
    parser.add_argument(
        "new", nargs="?", help=f"the new spec (default with --git-base: {VENDORED})"
    )
    parser.add_argument(
        "--git-base", metavar="REF", help=f"take the old spec from {VENDORED} at REF"
    )
    parser.add_argument("--format", choices=["markdown", "json"], default="markdown")
    parser.add_argument("--fail-on", choices=["breaking", "never"], default="never")
    parser.add_argument("--output", type=Path, help="write the report here instead of stdout")
    parser.add_argument(
        "--no-generated", action="store_true", help="skip the generated-client section (faster)"
    )
    args = parser.parse_args(argv)
    try:
        if args.git_base:
            if args.new and args.old:
                parser.error("with --git-base give at most one spec (the new one)")
            new_path = args.old or args.new or VENDORED
            old_data, old_label = _read_git(args.git_base, VENDORED), f"{args.git_base}:{VENDORED}"
        else:
            if not (args.old and args.new):
                parser.error("give OLD and NEW, or --git-base REF")
            new_path = args.new
            old_data, old_label = _read_file(args.old), args.old
        old = _load(old_data, old_label)
        new = _load(_read_file(new_path), new_path)
    except InputError as exc:
        print(f"cekura-spec-diff: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    from_trees = _generated_at(args.git_base) if args.git_base and not args.no_generated else None
    on_the_vendored_spec = args.git_base and new_path == VENDORED
    report = build_report(
        old,
        new,
        old_label=old_label,
        new_label=new_path,
        with_generated=not args.no_generated,
        generated_names=from_trees,
        neighbours=_neighbours_at(args.git_base) if on_the_vendored_spec else None,
    )
    text = to_json(report) if args.format == "json" else to_markdown(report)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    if args.fail_on == "breaking" and report.breaking:
        print(f"cekura-spec-diff: {len(report.breaking)} breaking change(s)", file=sys.stderr)
        return EXIT_BREAKING
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
