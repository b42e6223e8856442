"""cekura_spec_tools.vendor: format by content, refusal without side effects, deterministic output,
URL sources over loopback; the slice of the operations openapi/operations.txt declares (its
provenance fields, the notes on missing operations, `--operations all` and `make vendor
OPERATIONS=...`), and the seed page, still the default source, vendored as a slice and
generated."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cekura_spec_tools import generate, paths, spec_io, spec_slice, vendor
from tests.support.loopback import Behaviour, Recorded, loopback, respond
from tests.tools.test_spec_slice import GET, LIST, RERUN
from tests.tools.test_spec_slice import source as sliceable

ROOT = Path(__file__).resolve().parents[2]
V1_RESULT = ("GET", "/test_framework/v1/results/{id}/")

needs_generator = pytest.mark.skipif(
    importlib.util.find_spec("openapi_python_client") is None,
    reason="openapi-python-client is not installed (it needs Python 3.11+)",
)


SEED = ROOT.parent / "shared" / "seeds" / "000_d225609f2bca721d.txt"

MINIMAL: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Cekura API", "version": "v1", "description": "Line one.\nLine two.\n"},
    "paths": {
        "/test_framework/v1/results/{id}/": {
            "get": {
                "operationId": "results-retrieve",
                "parameters": [
                    {"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "components": {"schemas": {"A": {"type": "object"}, "B": {"type": "string"}}},
}


def vendor_file(
    tmp_path: Path, name: str, data: bytes, operations: str = "all"
) -> tuple[int, Path]:
    """The command line on ``data``; the whole document unless ``operations`` names a file
    (or is "", the default: operations.txt in the out dir)."""
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "openapi"
    argv = [str(source), "--out-dir", str(out), "--date", "2026-11-24"]
    return vendor.main([*argv, "--operations", operations] if operations else argv), out


@pytest.mark.parametrize(
    ("name", "data", "source_format"),
    [
        ("spec.json", json.dumps(MINIMAL).encode(), "json"),
        ("spec.yaml", yaml.safe_dump(MINIMAL).encode(), "yaml"),
        ("spec.json", yaml.safe_dump(MINIMAL).encode(), "yaml"),  # YAML under a .json name
        ("spec.yaml", json.dumps(MINIMAL, indent=2).encode(), "json"),
        (
            "page.txt",
            b"> docs\n\n````yaml get /x\n" + yaml.safe_dump(MINIMAL).encode() + b"````\n",
            "docs-page",
        ),
    ],
)
def test_format_is_decided_by_content(
    tmp_path: Path, name: str, data: bytes, source_format: str
) -> None:
    code, out = vendor_file(tmp_path, name, data)
    assert code == 0
    assert yaml.safe_load((out / "cekura.yaml").read_text()) == MINIMAL
    provenance = json.loads((out / "cekura.provenance.json").read_text())
    assert provenance["source_format"] == source_format
    assert provenance["source_sha256"] == hashlib.sha256(data).hexdigest()
    assert (provenance["paths"], provenance["operations"], provenance["schemas"]) == (1, 1, 2)
    assert provenance["vendored_on"] == "2026-11-24"


def test_output_is_deterministic_whatever_the_input_format(tmp_path: Path) -> None:
    outputs = set()
    inputs = [json.dumps(MINIMAL).encode(), yaml.safe_dump(MINIMAL, sort_keys=False).encode()]
    for index, data in enumerate(inputs * 2):
        workdir = tmp_path / str(index)
        workdir.mkdir()
        _, out = vendor_file(workdir, "spec", data)
        outputs.add((out / "cekura.yaml").read_bytes())
    assert len(outputs) == 1
    text = outputs.pop().decode()
    assert "  description: |\n    Line one.\n    Line two.\n" in text  # multi-line text as a block


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        (b'{"openapi": "3.1.0", "paths": ', "looks like JSON but does not parse"),
        (b"openapi: [3.1", "not valid JSON or YAML"),
        (b"- just\n- a list\n", "the top level is a list"),
        (
            json.dumps({"swagger": "2.0", "paths": {}}).encode(),
            "not an OpenAPI 3.x document (openapi: swagger 2.0)",
        ),
        (
            json.dumps({**MINIMAL, "openapi": "4.0"}).encode(),
            "not an OpenAPI 3.x document (openapi: '4.0')",
        ),
        (
            json.dumps({k: v for k, v in MINIMAL.items() if k != "info"}).encode(),
            "invalid OpenAPI document at /: 'info' is a required property",
        ),
        (json.dumps({**MINIMAL, "paths": {}}).encode(), "the document has no paths"),
    ],
)
def test_bad_input_is_refused_and_openapi_is_left_exactly_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, message: str
) -> None:
    out = tmp_path / "openapi"
    out.mkdir()
    (out / "cekura.yaml").write_bytes(b"the vendored spec\n")
    (out / "cekura.provenance.json").write_bytes(b"{}\n")
    code, _ = vendor_file(tmp_path, "upstream.json", data)
    assert code == 1
    err = capsys.readouterr().err
    assert message in err and "left unchanged" in err
    assert sorted(p.name for p in out.iterdir()) == ["cekura.provenance.json", "cekura.yaml"]
    assert (out / "cekura.yaml").read_bytes() == b"the vendored spec\n"
    assert (out / "cekura.provenance.json").read_bytes() == b"{}\n"


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [str(tmp_path / "nope.json"), "--out-dir", str(tmp_path / "o"), "--operations", "all"]
    assert vendor.main(argv) == 1
    assert capsys.readouterr().err == (
        f"vendor: refused {tmp_path / 'nope.json'}: cannot read {tmp_path / 'nope.json'}: "
        f"No such file or directory; {tmp_path / 'o'} left unchanged\n"
    )
    assert not (tmp_path / "o").exists()


def test_deep_validator_findings_are_recorded_not_refused(tmp_path: Path) -> None:
    spec = json.loads(json.dumps(MINIMAL))
    spec["components"]["schemas"]["A"] = {"type": ["string", "null", "null"]}
    code, out = vendor_file(tmp_path, "spec.json", json.dumps(spec).encode())
    assert code == 0
    provenance = json.loads((out / "cekura.provenance.json").read_text())
    assert provenance["validator_findings"] == 1
    assert provenance["validator_findings_sample"] == [
        "in a Schema Object, at /type: ['string', 'null', 'null'] is not valid under any of the given schemas"
    ]


@pytest.fixture
def spec_server() -> Iterator[str]:
    routes = {"/openapi.json": yaml.safe_dump(MINIMAL).encode()}

    def serve(request: Recorded) -> Behaviour:
        body = routes.get(request.path)
        return respond(200, body) if body is not None else respond(404, b"not found")

    with loopback(serve) as server:
        yield server.url


def test_url_source(tmp_path: Path, spec_server: str) -> None:
    provenance = vendor.vendor(f"{spec_server}/openapi.json", tmp_path, "2026-11-24")
    assert provenance["source"] == f"{spec_server}/openapi.json"
    assert provenance["source_format"] == "yaml"
    assert yaml.safe_load((tmp_path / "cekura.yaml").read_text()) == MINIMAL


def test_url_source_errors(tmp_path: Path, spec_server: str) -> None:
    with pytest.raises(vendor.VendorError, match="HTTP 404"):
        vendor.vendor(f"{spec_server}/missing.json", tmp_path, "2026-11-24")
    with pytest.raises(vendor.VendorError, match="cannot fetch http://127.0.0.1:1/x: ConnectError"):
        vendor.vendor("http://127.0.0.1:1/x", tmp_path, "2026-11-24")
    assert list(tmp_path.iterdir()) == []


RECORDED = json.loads((ROOT / "openapi" / "cekura.provenance.json").read_text())
RECORDED_SOURCE = (ROOT / RECORDED["source"]).resolve()


@pytest.mark.skipif(
    not RECORDED_SOURCE.is_file(),
    reason=f"{RECORDED['source']} (the vendored spec's source) is not beside this checkout",
)
def test_the_vendored_spec_is_the_slice_of_its_recorded_source(tmp_path: Path) -> None:
    """openapi/ is what `make vendor SRC=<the recorded source>` gives: the same bytes, the same
    provenance (every field it records, but the date)."""
    declared = spec_slice.read_operations(ROOT / "openapi" / "operations.txt")
    provenance = vendor.vendor(RECORDED["source"], tmp_path, "2026-11-24", declared)
    assert (tmp_path / "cekura.yaml").read_bytes() == (
        ROOT / "openapi" / "cekura.yaml"
    ).read_bytes()
    assert provenance["source_sha256"] == hashlib.sha256(RECORDED_SOURCE.read_bytes()).hexdigest()
    assert {key: provenance.get(key) for key in RECORDED if key != "vendored_on"} == {
        key: value for key, value in RECORDED.items() if key != "vendored_on"
    }


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside this checkout")
def test_the_seed_still_vendors_as_a_slice_of_one_operation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The seed page, `make vendor`'s default SRC, holds one of the declared operations: it
    vendors as a slice of that one, with a note for each of the others."""
    out = tmp_path / "openapi"
    out.mkdir()
    shutil.copy(ROOT / "openapi" / "operations.txt", out)
    assert vendor.main([str(SEED), "--out-dir", str(out), "--date", "2026-11-24"]) == 0
    declared = spec_slice.read_operations(out / "operations.txt")
    missing = [f"{m} {p}" for m, p in declared if (m, p) != V1_RESULT]
    captured = capsys.readouterr()
    assert (
        captured.out == f"vendored 1 operations, 1 schemas (docs-page) into {out / 'cekura.yaml'}\n"
    )
    assert captured.err.splitlines() == [f"note: the source has no {op}" for op in missing]
    provenance = json.loads((out / "cekura.provenance.json").read_text())
    assert provenance["operations_missing"] == missing
    assert (provenance["operations"], provenance["schemas"]) == (1, 1)
    assert (provenance["source_operations"], provenance["source_schemas"]) == (1, 1)
    assert provenance["neighbours"] == []
    document, _ = spec_io.decode_document((out / "cekura.yaml").read_bytes())
    assert [(m, p) for m, p, _ in spec_io.operations(document)] == [V1_RESULT]


@needs_generator
@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside this checkout")
def test_the_seed_slice_generates(tmp_path: Path) -> None:
    declared = spec_slice.read_operations(ROOT / "openapi" / "operations.txt")
    vendor.vendor(str(SEED), tmp_path / "openapi", "2026-11-24", declared)
    package = generate.run_generator(
        tmp_path / "openapi" / "cekura.yaml", paths.CONFIG, tmp_path / "gen"
    )
    output = (tmp_path / "gen" / "generator-output.txt").read_text()
    assert generate.generator_problems(output) == ([], [])
    index = (package / "operation_index.py").read_text().replace('"', "'")
    assert f"'{V1_RESULT[0]} {V1_RESULT[1]}': 'cekura_openapi.api." in index
    assert index.count("': 'cekura_openapi.api.") == 1


def test_decode_document_round_trip_of_the_vendored_spec() -> None:
    document, source_format = spec_io.decode_document(
        (ROOT / "openapi" / "cekura.yaml").read_bytes()
    )
    assert source_format == "yaml"
    assert spec_io.dump_yaml(document).encode() == (ROOT / "openapi" / "cekura.yaml").read_bytes()


# --- the slice -----------------------------------------------------------------------------


def complete() -> dict[str, Any]:
    """A valid complete spec in miniature (test_spec_slice's, with valid component names)."""
    document = sliceable()
    schemas = document["components"]["schemas"]
    schemas["Only"] = schemas.pop("a/b")
    schemas["RerunBody"]["properties"]["only"] = {"$ref": "#/components/schemas/Only"}
    return document


def declare(path: Path, *operations: tuple[str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# declared\n" + "".join(f"{m} {p}\n" for m, p in operations))
    return path


def test_the_default_declaration_is_operations_txt_in_the_out_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    declare(tmp_path / "openapi" / "operations.txt", GET, LIST)
    code, out = vendor_file(tmp_path, "up.json", json.dumps(complete()).encode(), operations="")
    assert code == 0
    assert capsys.readouterr().out == (
        f"vendored 2 operations, 8 schemas (json) into {out / 'cekura.yaml'}\n"
    )
    expected = spec_slice.cut(complete(), [GET, LIST]).document
    assert (out / "cekura.yaml").read_text() == spec_io.dump_yaml(expected)
    provenance = json.loads((out / "cekura.provenance.json").read_text())
    assert (provenance["paths"], provenance["operations"], provenance["schemas"]) == (2, 2, 8)
    assert provenance["operations_selected"] == [f"{m} {p}" for m, p in (GET, LIST)]
    assert provenance["operations_missing"] == []
    assert (provenance["source_operations"], provenance["source_schemas"]) == (5, 12)
    assert provenance["neighbours"] == [
        "DELETE /test_framework/v2/results/{id}/",
        "POST /test_framework/v2/results/{id}/rerun/",
    ]
    assert list(provenance) == [
        "source", "source_format", "source_sha256", "spec_sha256", "openapi", "info_version",
        "paths", "operations", "schemas", "operations_selected", "operations_missing",
        "source_operations", "source_schemas", "neighbours", "validator_findings",
        "validator_findings_sample", "vendored_on",
    ]  # fmt: skip


def test_a_declaration_file_elsewhere(tmp_path: Path) -> None:
    declared = declare(tmp_path / "elsewhere" / "mine.txt", RERUN)
    code, out = vendor_file(
        tmp_path, "up.json", json.dumps(complete()).encode(), operations=str(declared)
    )
    assert code == 0
    document = yaml.safe_load((out / "cekura.yaml").read_text())
    assert list(document["paths"]) == [RERUN[1]]
    assert list(document["components"]["schemas"]) == ["RerunBody", "IdFormat", "Only"]
    assert not (out / "operations.txt").exists()


def test_operations_all_vendors_the_whole_document(tmp_path: Path) -> None:
    declare(tmp_path / "openapi" / "operations.txt", GET)  # ignored
    code, out = vendor_file(tmp_path, "up.json", json.dumps(complete()).encode(), operations="all")
    assert code == 0
    assert yaml.safe_load((out / "cekura.yaml").read_text()) == complete()
    provenance = json.loads((out / "cekura.provenance.json").read_text())
    assert provenance["operations_selected"] == "all"
    assert (provenance["operations"], provenance["schemas"]) == (5, 12)
    slice_fields = {"operations_missing", "source_operations", "source_schemas", "neighbours"}
    assert not slice_fields & provenance.keys()


def test_a_slice_is_vendored_to_the_same_bytes_every_time(tmp_path: Path) -> None:
    declared = (RERUN, GET, LIST)
    outputs: set[bytes] = set()
    provenances: set[str] = set()
    for index, data in enumerate(
        [json.dumps(complete()).encode(), yaml.safe_dump(complete(), sort_keys=False).encode()] * 2
    ):
        source = tmp_path / f"up{index}"
        source.write_bytes(data)
        record = vendor.vendor(str(source), tmp_path / str(index), "2026-11-24", declared)
        outputs.add((tmp_path / str(index) / "cekura.yaml").read_bytes())
        per_input = {"source", "source_format", "source_sha256"}
        provenances.add(json.dumps({k: v for k, v in record.items() if k not in per_input}))
    assert len(outputs) == 1 and len(provenances) == 1
    # the source's order, whatever the declaration's
    assert list(yaml.safe_load(outputs.pop())["paths"]) == [GET[1], LIST[1], RERUN[1]]


def test_declared_operations_the_source_lacks_are_recorded_and_noted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    declare(tmp_path / "openapi" / "operations.txt", ("GET", "/gone/"), LIST, ("PUT", LIST[1]))
    code, out = vendor_file(tmp_path, "up.json", json.dumps(complete()).encode(), operations="")
    assert code == 0
    assert capsys.readouterr().err == (
        f"note: the source has no GET /gone/\nnote: the source has no PUT {LIST[1]}\n"
    )
    provenance = json.loads((out / "cekura.provenance.json").read_text())
    assert provenance["operations_missing"] == ["GET /gone/", f"PUT {LIST[1]}"]
    assert provenance["operations_selected"] == ["GET /gone/", f"GET {LIST[1]}", f"PUT {LIST[1]}"]
    assert provenance["operations"] == 1


def test_findings_inside_components_the_slice_drops_are_not_recorded(tmp_path: Path) -> None:
    document = complete()
    document["components"]["schemas"]["Agent"] = {"type": ["string", "null", "null"]}
    data = json.dumps(document).encode()
    declared = declare(tmp_path / "ops.txt", GET)
    (tmp_path / "a").mkdir()
    (tmp_path / "w").mkdir()
    assert vendor_file(tmp_path / "a", "up.json", data, operations=str(declared))[0] == 0
    sliced = json.loads((tmp_path / "a" / "openapi" / "cekura.provenance.json").read_text())
    assert (sliced["validator_findings"], sliced["validator_findings_sample"]) == (0, [])
    assert vendor_file(tmp_path / "w", "up.json", data, operations="all")[0] == 0
    whole = json.loads((tmp_path / "w" / "openapi" / "cekura.provenance.json").read_text())
    assert whole["validator_findings"] == 1


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("operations", "expected"),
    [(None, [LIST[1]]), ("all", None), ("other ops.txt", [RERUN[1]])],
    ids=["default", "all", "a-file"],
)
def test_make_vendor_passes_operations_through(
    tmp_path: Path, operations: str | None, expected: list[str] | None
) -> None:
    """`make vendor SRC=... [OPERATIONS=all|FILE]` in a project copy: the Makefile hands
    OPERATIONS to --operations (as one argument, spaces and all)."""
    project = tmp_path / "project"
    (project / "openapi").mkdir(parents=True)
    shutil.copy(ROOT / "Makefile", project)
    shutil.copy(ROOT / "openapi" / "generator-config.yaml", project / "openapi")
    declare(project / "openapi" / "operations.txt", LIST)
    declare(project / "other ops.txt", RERUN)
    source = tmp_path / "up.json"
    source.write_text(json.dumps(complete()))
    venv = Path(sys.executable).parent.parent
    command = ["make", "--no-print-directory", "-o", f"{venv}/.installed", "vendor",
               f"VENV={venv}", f"SRC={source}"]  # fmt: skip
    if operations:
        command.append(f"OPERATIONS={operations}")
    env = {k: v for k, v in os.environ.items() if k != "CEKURA_PROJECT_ROOT"}
    proc = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    document = yaml.safe_load((project / "openapi" / "cekura.yaml").read_text())
    assert list(document["paths"]) == (expected or list(complete()["paths"]))
