"""The client installs alone: a wheel and an sdist built with ``python -m build`` each install
into a fresh venv with only the runtime dependencies, and work there."""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from scripts.suite_envs import SUPPORTED
from tests.support.constants import ROOT

pytestmark = pytest.mark.slow

SMOKE = """
import cekura_client, cekura_openapi
from cekura_client import Cekura
from cekura_client.testing import MockCekuraServer, payloads
with MockCekuraServer() as server, Cekura(api_key=server.api_key, base_url=server.url) as client:
    result = client.results.get(payloads.FAILING_RESULT_ID)
print(result.id, len(result.failed_runs), cekura_client.__file__)
"""


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    proc = _run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_distribution_installs_alone_and_works(
    kind: str, dists: dict[str, Path], tmp_path: Path
) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = _run(
        python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", dists[kind]
    )
    assert install.returncode == 0, install.stderr[-2000:]

    smoke = _run(python, "-c", SMOKE, cwd=tmp_path)
    assert smoke.returncode == 0, smoke.stderr[-2000:]
    result_id, failed, location = smoke.stdout.split()
    assert (result_id, failed) == ("1002", "2")
    assert str(env_dir) in location  # the installed copy, not the checkout

    help_text = _run(env_dir / "bin" / "cekura-results", "--help")
    assert help_text.returncode == 0 and "gate" in help_text.stdout

    installed = _run(python, "-m", "pip", "list", "--format=freeze").stdout.lower()
    names = {line.split("==")[0] for line in installed.split()}
    assert "pyyaml" not in names and "openapi-python-client" not in names
    assert "openapi-spec-validator" not in names and "mypy" not in names
    assert {"httpx", "attrs", "python-dateutil"} <= names
    assert not (env_dir / "bin" / "cekura-spec-diff").exists()
    spec_tools = _run(python, "-c", "import cekura_spec_tools")
    assert spec_tools.returncode == 1 and "ModuleNotFoundError" in spec_tools.stderr


def test_the_wheel_and_sdist_carry_the_license_and_honest_metadata(
    dists: dict[str, Path],
) -> None:
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        names = wheel.namelist()
        (metadata_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(wheel.read(metadata_name))
        (license_name,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert wheel.read(license_name).startswith(b"MIT License")
    with tarfile.open(dists["sdist"]) as sdist:
        assert any(name.endswith("/LICENSE") for name in sdist.getnames())

    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    classifiers = metadata.get_all("Classifier")
    assert classifiers is not None
    assert "Typing :: Typed" in classifiers
    pythons = [c.rsplit(" :: ", 1)[1] for c in classifiers if re.fullmatch(r".*:: 3\.\d+", c)]
    # The classifiers claim exactly the Pythons the matrix runs the suite on (3.14 when found).
    assert pythons == [v for v in SUPPORTED if v != "3.14"]
    assert metadata["Requires-Python"] == f">={pythons[0]}"
    assert metadata.get_all("Project-URL")
    # Test tools are dependency groups, not extras: users see only [pandas].
    assert metadata.get_all("Provides-Extra") == ["pandas"]
    requires_dist = metadata.get_all("Requires-Dist")
    assert requires_dist is not None
    requires = " ".join(requires_dist)
    assert "pytest" not in requires and "ruff" not in requires


def test_pip_show_names_the_license(dists: dict[str, Path], tmp_path: Path) -> None:
    """The license is a PEP 639 expression: pip shows it from 25.0 on (older pips print an
    empty ``License:``, the wheel's METADATA has it all the same)."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    upgrade = _run(python, "-m", "pip", "install", "--quiet", "pip>=25.0.1")
    assert upgrade.returncode == 0, upgrade.stderr[-2000:]
    install = _run(python, "-m", "pip", "install", "--quiet", "--no-deps", dists["wheel"])
    assert install.returncode == 0, install.stderr[-2000:]
    shown = _run(python, "-m", "pip", "show", "cekura-results-client").stdout
    assert re.search(r"^License-Expression: MIT$", shown, re.MULTILINE), shown
