"""For each upstream spec: operations in the spec, endpoints generated, operations dropped and
schemas left unparsed - by the bare generator and by our pipeline (vendor + spec fixes +
generator). Usage: .venv/bin/python benchmarks/spec_coverage.py"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _common import bare_generate, upstream_specs
from cekura_spec_tools import generate, paths, spec_io, vendor


def endpoints(package: Path) -> int:
    return sum(1 for p in (package / "api").rglob("*.py") if p.name != "__init__.py")


def main() -> None:
    print(
        "| version | operations | bare: generated / dropped / unparsed | ours: generated / dropped / unparsed |"
    )
    print("|---|---|---|---|")
    for spec in upstream_specs():
        with tempfile.TemporaryDirectory() as tmp_dir:
            tmp = Path(tmp_dir)
            document, _ = spec_io.decode_document(spec.read_bytes())
            operations = spec_io.counts(document)["operations"]
            _, output = bare_generate(spec, tmp / "bare")
            bare_dropped, bare_unparsed = generate.generator_problems(output)
            vendor.vendor(str(spec), tmp / "openapi", "coverage")
            package = generate.run_generator(
                tmp / "openapi" / "cekura.yaml", paths.CONFIG, tmp / "ours", strict=False
            )
            ours_dropped, ours_unparsed = generate.generator_problems(
                (tmp / "ours" / "generator-output.txt").read_text()
            )
            print(
                f"| {spec.stem.removeprefix('cekura-openapi-')} | {operations} | "
                f"{endpoints(tmp / 'bare')} / {len(bare_dropped)} / {len(bare_unparsed)} | "
                f"{endpoints(package)} / {len(ours_dropped)} / {len(ours_unparsed)} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
