"""Names shared by the tests: paths, the fake API key, URLs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cekura_client import Result

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
UPSTREAM = SHARED / "upstream-specs"
SEED = SHARED / "seeds" / "000_d225609f2bca721d.txt"
SPEC = ROOT / "openapi" / "cekura.yaml"
PRISM = ROOT / "node_modules" / ".bin" / "prism"
API_KEY = "sk-test-4f1c9a0b7e2d"  # a fake key that tests search for in outputs
BASE_URL = "https://api.cekura.ai"


def result_path(result_id: int) -> str:
    """The path the facade calls for Get Result with the generated client installed (v2 when
    the vendored spec has it, else v1)."""
    from cekura_client._operations import GET_RESULT, resolve

    return str(resolve(GET_RESULT).build_request(id=result_id)["url"])


RESULT_URL = BASE_URL + result_path(0).removesuffix("0/")

Fetch = Callable[..., Result]
