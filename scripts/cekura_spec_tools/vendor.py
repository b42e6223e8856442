"""Vendor a Cekura OpenAPI spec into openapi/: ``make vendor SRC=<path or URL>``.

* reads a file or an http(s) URL, the URL streamed under caps (MAX_DOWNLOAD_BYTES decoded,
  MAX_REDIRECTS, DOWNLOAD_SECONDS): an endless body or a gzip bomb is refused in one line;
* reads JSON or YAML deciding by content, not by file name (upstream has published YAML under a
  ``.json`` name), or a Cekura docs page embedding the spec in a ````yaml block (the seed);
  YAML aliases are refused (alias bombs; see cekura_spec_tools.spec_io);
* refuses a document with a ``$ref`` that points nowhere (or to another document), naming the
  JSON pointer of the referring place: the spec would not be self-contained, and there is no
  telling what the author meant (see docs/maintainers/updating-the-spec.md for why it is not
  repaired);
* checks that it is an OpenAPI 3.x document with openapi-spec-validator's rules (run fast, by
  cekura_spec_tools.spec_validate), and refuses anything else - in that case openapi/ is left
  exactly as it was;
* cuts the slice the client covers (the operations declared in ``openapi/operations.txt`` and
  every component they reach; cekura_spec_tools.spec_slice), unless ``--operations all``;
* writes ``openapi/cekura.yaml`` as deterministic YAML (same input, same bytes; one line per
  value so reviews read as diffs) and ``openapi/cekura.provenance.json`` (source, sha256 of the
  input, date, counts, and the validator's findings deeper in the document, which
  cekura_spec_tools/spec_fixes.py repairs before generation; for a slice also the operations
  selected and missing, the source's counts, and its ``neighbours``: the operations beside the
  slice, which ``make update-spec`` reports when upstream adds one).

The spec is vendored as published: its content is not changed, only its formatting and, for a
slice, which operations and components it keeps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import httpx
from jsonschema.exceptions import ValidationError
from referencing.exceptions import Unresolvable

from . import spec_slice, spec_validate
from .paths import OPENAPI_DIR as OUT_DIR
from .spec_io import (
    SpecFormatError,
    atomic_write,
    counts,
    decode_document,
    dump_yaml,
)

SPEC_NAME = "cekura.yaml"
PROVENANCE_NAME = "cekura.provenance.json"
OPERATIONS_NAME = "operations.txt"
URL_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_FINDINGS_RECORDED = 20
MAX_MESSAGE = 300  # a validator message can embed a whole schema: keep refusals to a line
# A URL source is streamed under caps, like the client's max_response_bytes: a spec is ~1 MiB,
# so 64 MiB decoded leaves room to grow while an endless body or a gzip bomb is refused (in one
# line, with bounded memory) instead of ending in a MemoryError. Decoded bytes are counted as
# they stream, so a gzip bomb stops after its first few KiB.
MAX_DOWNLOAD_BYTES = 64 << 20
MAX_REDIRECTS = 5  # redirects are followed, to any host; only their number is capped
DOWNLOAD_SECONDS = 300.0  # the whole download; URL_TIMEOUT bounds each wait
_STEP = 1 << 20  # inflate a compressed body a MiB at a time


class VendorError(Exception):
    """The input cannot be vendored; nothing was written."""


class _BoundedDecoder:
    """Decodes a Content-Encoding (gzip, deflate or none) chunk by chunk, never producing more
    than the room left under the cap: a gzip bomb is stopped after a few KiB of input, before it
    expands (httpx's own decoders inflate each network chunk whole, up to ~1000x its size)."""

    def __init__(self, encoding: str) -> None:
        name = encoding.strip().lower()
        self._inflate: Any = None
        if name in ("gzip", "x-gzip"):
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif name == "deflate":
            self._inflate = zlib.decompressobj()
        elif name not in ("", "identity"):
            raise _CapError(f"unsupported Content-Encoding {_short(repr(encoding))}")

    def decode(self, data: bytes, room: int) -> bytes:
        """``data`` decoded; raises _Overflow when that would be more than ``room`` bytes.
        Inflates in steps of _STEP bytes, so memory stays at the cap plus one step."""
        if self._inflate is None:
            if len(data) > room:
                raise _Overflow
            return data
        pieces: list[bytes] = []
        total = 0
        while True:
            try:
                piece: bytes = self._inflate.decompress(data, _STEP)
            except zlib.error as exc:
                raise _CapError(f"corrupt compressed body ({exc})") from None
            total += len(piece)
            if total > room:
                raise _Overflow
            pieces.append(piece)
            data = self._inflate.unconsumed_tail
            if not data and len(piece) < _STEP:  # a full step may leave output pending
                return b"".join(pieces)


class _CapError(Exception):
    """A download refused while streaming."""


class _Overflow(_CapError):
    """The decoded body would exceed MAX_DOWNLOAD_BYTES."""


def _download(url: str) -> bytes:
    """GET ``url`` streaming, under MAX_DOWNLOAD_BYTES decoded, MAX_REDIRECTS and
    DOWNLOAD_SECONDS; redirects to another host are followed (published specs live behind
    redirecting hosts), only their number is capped."""
    cap = MAX_DOWNLOAD_BYTES
    deadline = time.monotonic() + DOWNLOAD_SECONDS
    body = bytearray()
    raw = 0
    try:
        with (
            httpx.Client(
                timeout=URL_TIMEOUT, follow_redirects=True, max_redirects=MAX_REDIRECTS
            ) as client,
            client.stream("GET", url, headers={"Accept-Encoding": "gzip, deflate"}) as response,
        ):
            if response.status_code != 200:
                raise VendorError(f"cannot fetch {url}: HTTP {response.status_code}")
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > cap:
                raise _CapError(f"its Content-Length {length} exceeds {cap >> 20} MiB")
            decoder = _BoundedDecoder(response.headers.get("Content-Encoding", ""))
            for chunk in response.iter_raw():  # as they arrive: no buffering to a size
                raw += len(chunk)
                body += decoder.decode(chunk, cap - len(body))
                if time.monotonic() > deadline:
                    raise _CapError(f"the download took more than {DOWNLOAD_SECONDS:g} s")
    except _Overflow:
        raise VendorError(
            f"cannot fetch {url}: the download exceeds {cap >> 20} MiB decoded "
            f"(stopped after {raw} bytes received)"
        ) from None
    except _CapError as exc:
        raise VendorError(f"cannot fetch {url}: {exc}") from None
    except httpx.TooManyRedirects:
        raise VendorError(f"cannot fetch {url}: more than {MAX_REDIRECTS} redirects") from None
    except httpx.HTTPError as exc:
        raise VendorError(f"cannot fetch {url}: {type(exc).__name__}: {exc}") from None
    return bytes(body)


def read_source(source: str) -> bytes:
    """The bytes of ``source``: a file, or an http(s) URL (see _download for the caps)."""
    if source.startswith(("http://", "https://")):
        return _download(source)
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise VendorError(f"cannot read {source}: {exc.strerror}") from None


def _where(error: ValidationError) -> str:
    return spec_validate.pointer([str(part) for part in error.absolute_path])


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def check_refs(document: dict[str, Any]) -> None:
    """Refuse a document whose ``$ref``s do not all resolve inside it."""
    dangling = spec_validate.dangling_refs(document)
    if not dangling:
        return
    where, ref = dangling[0]
    more = f" (and {len(dangling) - 1} more)" if len(dangling) > 1 else ""
    if ref.startswith("#"):
        raise VendorError(f"dangling $ref at {where}: {_short(repr(ref))} points nowhere{more}")
    raise VendorError(
        f"$ref at {where}: {_short(repr(ref))} points outside the document "
        f"(only local '#/...' references are supported){more}"
    )


_TOP_LEVEL_FIELDS = frozenset(
    {"openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components",
     "security", "tags", "externalDocs"}
)  # fmt: skip


def _inside_a_schema_object(error: ValidationError) -> bool:
    """Whether the error is a JSON Schema defect inside one of the document's Schema Objects.

    openapi-spec-validator reports errors in the OpenAPI structure with paths from the document
    root (``/paths/~1a/get: 'responses' is a required property``), and checks each Schema
    Object against the JSON Schema dialect separately, with paths relative to that schema
    (``/type: ['string', 'null', 'null'] is not valid``). The first kind is fatal; the second is
    a defect that cekura_spec_tools/spec_fixes.py repairs before generation.
    """
    path = list(error.absolute_path)
    return bool(path) and path[0] not in _TOP_LEVEL_FIELDS


def validate(document: Any) -> list[str]:
    """Refuse what is not an OpenAPI 3.x document; return the validator's findings below the
    top level (defects inside an otherwise valid document, e.g. ``type: [string, null, null]``)."""
    if not isinstance(document, dict):
        raise VendorError(f"not an OpenAPI document: the top level is a {type(document).__name__}")
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        found = "swagger " + str(document["swagger"]) if "swagger" in document else repr(version)
        raise VendorError(f"not an OpenAPI 3.x document (openapi: {found})")
    check_refs(document)
    findings: list[str] = []
    try:
        for error in spec_validate.iter_errors(document):
            if not _inside_a_schema_object(error):
                raise VendorError(
                    f"invalid OpenAPI document at {_where(error)}: {_short(error.message)}"
                )
            findings.append(f"in a Schema Object, at {_where(error)}: {_short(error.message)}")
    except Unresolvable as exc:  # check_refs should have caught it; never print the document
        raise VendorError(f"unresolvable reference: {_short(str(exc))}") from None
    if not document.get("paths"):
        raise VendorError("the document has no paths")
    return sorted(findings)


def vendor(
    source: str,
    out_dir: Path,
    today: str,
    operations: tuple[tuple[str, str], ...] | None = None,
) -> dict[str, Any]:
    """Read, check, cut the slice of ``operations`` (None: the whole document) and write;
    returns the provenance record. Writes nothing on error."""
    data = read_source(source)
    try:
        document, source_format = decode_document(data)
    except SpecFormatError as exc:
        raise VendorError(str(exc)) from None
    findings = validate(document)
    sliced: dict[str, Any] = {"operations_selected": "all"}
    if operations is not None:
        source_document, source_counts = document, counts(document)
        try:
            cut = spec_slice.cut(document, operations)
        except spec_slice.SliceError as exc:
            raise VendorError(str(exc)) from None
        document = cut.document
        # Findings inside components the slice dropped are not this spec's business any more.
        findings = validate(document)
        sliced = {
            "operations_selected": [f"{method} {path}" for method, path in operations],
            "operations_missing": [f"{method} {path}" for method, path in cut.missing],
            "source_operations": source_counts["operations"],
            "source_schemas": source_counts["schemas"],
            # Information for the update report: what upstream has beside the slice.
            "neighbours": spec_slice.neighbours(source_document, operations),
        }
    spec_bytes = dump_yaml(document).encode("utf-8")
    provenance: dict[str, Any] = {
        "source": source,
        "source_format": source_format,
        "source_sha256": hashlib.sha256(data).hexdigest(),
        "spec_sha256": hashlib.sha256(spec_bytes).hexdigest(),
        "openapi": document["openapi"],
        "info_version": str((document.get("info") or {}).get("version", "")),
        **counts(document),
        **sliced,
        "validator_findings": len(findings),
        "validator_findings_sample": findings[:MAX_FINDINGS_RECORDED],
        "vendored_on": today,
    }
    # The spec first: if the provenance write failed, the next `make vendor` rewrites both.
    atomic_write(out_dir / SPEC_NAME, spec_bytes)
    atomic_write(
        out_dir / PROVENANCE_NAME,
        (json.dumps(provenance, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    )
    return provenance


def selected_operations(choice: str, out_dir: Path) -> tuple[tuple[str, str], ...] | None:
    """The operations ``--operations`` names: ``all`` (None), or a declaration file (default:
    ``operations.txt`` beside the vendored spec)."""
    if choice == spec_slice.ALL:
        return None
    path = Path(choice) if choice else out_dir / OPERATIONS_NAME
    try:
        return spec_slice.read_operations(path)
    except spec_slice.SliceError as exc:
        raise VendorError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Vendor a Cekura OpenAPI spec into openapi/.")
    parser.add_argument("source", help="a file (JSON, YAML or a docs page) or an http(s) URL")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    parser.add_argument("--date", default=dt.date.today().isoformat())
    parser.add_argument(
        "--operations",
        default="",
        metavar="FILE|all",
        help=f"the operations to vendor: a declaration file (default: {OPERATIONS_NAME} in "
        "--out-dir) or 'all' for the whole document",
    )
    args = parser.parse_args(argv)
    try:
        operations = selected_operations(args.operations, args.out_dir)
        provenance = vendor(args.source, args.out_dir, args.date, operations)
    except VendorError as exc:
        print(
            f"vendor: refused {args.source}: {exc}; {args.out_dir} left unchanged", file=sys.stderr
        )
        return 1
    print(
        f"vendored {provenance['operations']} operations, {provenance['schemas']} schemas "
        f"({provenance['source_format']}) into {args.out_dir / SPEC_NAME}"
    )
    for missing in provenance.get("operations_missing", []):
        print(f"note: the source has no {missing}", file=sys.stderr)
    if provenance["validator_findings"]:
        print(
            f"note: {provenance['validator_findings']} validator finding(s) inside the document, "
            "repaired before generation by spec_fixes.py; see the provenance record",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
