"""Where the project's spec, generator config and generated package are.

The tools work on a checkout of the project: the root is ``$CEKURA_PROJECT_ROOT`` when set, else
the nearest folder, from the working directory up, that holds ``openapi/generator-config.yaml``
(the working directory itself when none does).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CONFIG", "GENERATED", "OPENAPI_DIR", "PACKAGE", "ROOT", "SPEC", "project_root"]

PACKAGE = "cekura_openapi"


def project_root() -> Path:
    """The root of the project checkout the tools act on."""
    configured = os.environ.get("CEKURA_PROJECT_ROOT")
    if configured:
        return Path(configured).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "openapi" / "generator-config.yaml").is_file():
            return folder
    return here


ROOT = project_root()
OPENAPI_DIR = ROOT / "openapi"
SPEC = OPENAPI_DIR / "cekura.yaml"
CONFIG = OPENAPI_DIR / "generator-config.yaml"
GENERATED = ROOT / "generated" / PACKAGE
