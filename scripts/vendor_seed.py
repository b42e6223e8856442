"""Vendor the OpenAPI document embedded in a Cekura docs page (the project's seed).

The docs page wraps the YAML spec in a ````yaml fence. This script extracts that block byte for
byte ("as published"), checks that it is an OpenAPI 3.x document, and only then replaces
``openapi/cekura.yaml`` (write to a temporary file, then rename) and its provenance record.

Usage: python scripts/vendor_seed.py SEED_FILE [--out-dir openapi] [--date YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

FENCE_OPEN = "````yaml"
FENCE_CLOSE = "````"
SPEC_NAME = "cekura.yaml"
PROVENANCE_NAME = "cekura.provenance.json"


class VendorError(Exception):
    """The input cannot be vendored; nothing was written."""


def extract_yaml_block(page: str) -> str:
    """Return the text between the first ````yaml fence line and its closing fence."""
    start = page.find(FENCE_OPEN)
    if start < 0:
        raise VendorError(f"no {FENCE_OPEN!r} fence found in the seed page")
    body_start = page.find("\n", start)
    if body_start < 0:
        raise VendorError("the yaml fence is not followed by a newline")
    end = page.find("\n" + FENCE_CLOSE, body_start)
    if end < 0:
        raise VendorError("the yaml fence is never closed")
    return page[body_start + 1 : end + 1]


def check_openapi(text: str) -> dict[str, Any]:
    """Parse ``text`` as YAML and check the minimum an OpenAPI 3.x document must have."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise VendorError(f"the spec is not valid YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise VendorError(f"the spec is a {type(doc).__name__}, not a mapping")
    version = doc.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise VendorError(f"not an OpenAPI 3.x document (openapi: {version!r})")
    if not isinstance(doc.get("paths"), dict) or not doc["paths"]:
        raise VendorError("the spec has no paths")
    return doc


def count_operations(doc: dict[str, Any]) -> int:
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return sum(
        1
        for item in doc["paths"].values()
        if isinstance(item, dict)
        for method in item
        if method in methods
    )


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def vendor(seed: Path, out_dir: Path, today: str) -> dict[str, Any]:
    page_bytes = seed.read_bytes()
    spec_text = extract_yaml_block(page_bytes.decode("utf-8"))
    doc = check_openapi(spec_text)
    spec_bytes = spec_text.encode("utf-8")
    schemas = doc.get("components", {}).get("schemas", {}) or {}
    provenance = {
        "source": f"shared/seeds/{seed.name}",
        "source_sha256": hashlib.sha256(page_bytes).hexdigest(),
        "extracted": "the ````yaml block of the Cekura docs page 'Get Result', byte for byte",
        "spec_sha256": hashlib.sha256(spec_bytes).hexdigest(),
        "openapi": doc["openapi"],
        "info_version": str(doc.get("info", {}).get("version", "")),
        "paths": len(doc["paths"]),
        "operations": count_operations(doc),
        "schemas": len(schemas),
        "vendored_on": today,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    _atomic_write(out_dir / SPEC_NAME, spec_bytes)
    _atomic_write(
        out_dir / PROVENANCE_NAME,
        (json.dumps(provenance, indent=2, sort_keys=True) + "\n").encode("utf-8"),
    )
    return provenance


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("seed", type=Path)
    parser.add_argument("--out-dir", type=Path, default=Path("openapi"))
    parser.add_argument("--date", default=dt.date.today().isoformat())
    args = parser.parse_args(argv)
    try:
        provenance = vendor(args.seed, args.out_dir, args.date)
    except (OSError, UnicodeDecodeError, VendorError) as exc:
        print(f"vendor_seed: {exc}; {args.out_dir} left unchanged", file=sys.stderr)
        return 1
    print(
        f"vendored {provenance['operations']} operation(s), {provenance['schemas']} schema(s) "
        f"into {args.out_dir / SPEC_NAME} (sha256 {provenance['spec_sha256'][:12]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
