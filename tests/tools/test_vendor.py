"""cekura_spec_tools.vendor: format by content, refusal without side effects, deterministic output,
URL sources over loopback."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cekura_spec_tools import spec_io, vendor
from tests.support.loopback import Behaviour, Recorded, loopback, respond

ROOT = Path(__file__).resolve().parents[2]


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


def vendor_file(tmp_path: Path, name: str, data: bytes) -> tuple[int, Path]:
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "openapi"
    return vendor.main([str(source), "--out-dir", str(out), "--date", "2026-11-24"]), out


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
    assert vendor.main([str(tmp_path / "nope.json"), "--out-dir", str(tmp_path / "o")]) == 1
    assert "cannot read" in capsys.readouterr().err
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


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside this checkout")
def test_the_vendored_spec_is_the_seed(tmp_path: Path) -> None:
    provenance = vendor.vendor(str(SEED), tmp_path, "2026-11-24")
    assert (tmp_path / "cekura.yaml").read_bytes() == (
        ROOT / "openapi" / "cekura.yaml"
    ).read_bytes()
    assert provenance["source_format"] == "docs-page"
    recorded = json.loads((ROOT / "openapi" / "cekura.provenance.json").read_text())
    assert recorded["spec_sha256"] == provenance["spec_sha256"]
    assert recorded["source_sha256"] == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_decode_document_round_trip_of_the_vendored_spec() -> None:
    document, source_format = spec_io.decode_document(
        (ROOT / "openapi" / "cekura.yaml").read_bytes()
    )
    assert source_format == "yaml"
    assert spec_io.dump_yaml(document).encode() == (ROOT / "openapi" / "cekura.yaml").read_bytes()
