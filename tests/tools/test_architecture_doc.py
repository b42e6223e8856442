"""docs/maintainers/architecture.md describes every module of the facade: a new module without a
line there fails here, and so does a line naming a module that no longer exists."""

from __future__ import annotations

import re

from tests.support.constants import ROOT

PACKAGE = ROOT / "facade" / "cekura_client"
DOC = ROOT / "docs" / "maintainers" / "architecture.md"


def _modules() -> list[str]:
    return sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "__pycache__" not in path.parts
    )


def _named_in_tables() -> set[str]:
    """The module paths in the first column of the doc's module tables."""
    named: set[str] = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            named.update(re.findall(r"`([\w/]+\.py)`", first_cell))
    return named


def test_every_facade_module_is_named_in_the_architecture_doc() -> None:
    named = _named_in_tables()
    assert [module for module in _modules() if module not in named] == []


def test_the_architecture_doc_names_no_module_that_does_not_exist() -> None:
    assert sorted(_named_in_tables() - set(_modules())) == []


def test_the_model_layer_has_its_section() -> None:
    doc = DOC.read_text(encoding="utf-8")
    section = doc.split("\n## The model layer (`types/`)\n", 1)[1].split("\n## ", 1)[0]
    for module in ("types/_model.py", "types/_fields.py"):
        assert f"`{module}`" in section
    assert "| concept | why it exists |" in section
