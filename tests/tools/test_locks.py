"""The locks in requirements/ agree with what pyproject.toml declares: every declared requirement
is locked at a version its range allows (on every Python the lock covers), every locked file
is hash-checked, and the installer make bootstraps is the one the locks name. `make lock` writes
them; this catches a dependency changed in pyproject.toml without re-locking."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.support.constants import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # the dev lock installs tomli on 3.10
    import tomli as tomllib

REQUIREMENTS = ROOT / "requirements"
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")


@dataclass(frozen=True)
class Pin:
    name: str
    version: Version
    marker: Marker | None
    hashes: int


def _pins(lock: Path) -> list[Pin]:
    """The entries of a uv/pip-compile lock: ``name==version ; marker \\`` then ``--hash`` lines."""
    pins: list[Pin] = []
    for block in re.split(r"\n(?=[a-z0-9])", lock.read_text(), flags=re.IGNORECASE):
        first, *rest = block.strip().splitlines()
        if first.startswith("#"):
            continue
        spec = first.rstrip(" \\")
        requirement, _, marker = spec.partition(" ; ")
        name, _, version = requirement.partition("==")
        hashes = sum(line.strip().startswith("--hash=sha256:") for line in rest)
        pins.append(
            Pin(
                canonicalize_name(name),
                Version(version),
                Marker(marker) if marker else None,
                hashes,
            )
        )
    return pins


def _env(python: str) -> dict[str, str]:
    return {
        "python_version": python,
        "python_full_version": python + ".0",
        "sys_platform": "linux",
        "os_name": "posix",
        "platform_python_implementation": "CPython",
        "implementation_name": "cpython",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
    }


def _locked(lock: Path, name: str, python: str) -> Version | None:
    for pin in _pins(lock):
        if pin.name == name and (pin.marker is None or pin.marker.evaluate(_env(python))):
            return pin.version
    return None


def _declared(
    pyproject: Path, *, extras: tuple[str, ...] = (), groups: tuple[str, ...] = ()
) -> list[str]:
    data = tomllib.loads(pyproject.read_text())
    found = list(data["project"].get("dependencies", []))
    for extra in extras:
        found += data["project"]["optional-dependencies"][extra]
    table = data.get("dependency-groups", {})
    pending = list(groups)
    while pending:
        for item in table[pending.pop()]:
            if isinstance(item, dict):
                pending.append(item["include-group"])
            else:
                found.append(item)
    return found


def _tools() -> list[str]:
    lines = (REQUIREMENTS / "tools.in").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


PYPROJECT = ROOT / "pyproject.toml"
SCRIPTS = ROOT / "scripts" / "pyproject.toml"
LOCKS = {
    "tools.txt": _tools(),
    "runtime.txt": _declared(PYPROJECT) + _tools(),
    "test.txt": _declared(PYPROJECT, extras=("pandas",), groups=("test",)) + _tools(),
    "dev.txt": _declared(PYPROJECT, extras=("pandas",), groups=("dev",))
    + _declared(SCRIPTS)
    + _tools(),
}


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_declared_requirement_is_locked_within_its_range(lock: str) -> None:
    problems = []
    for text in LOCKS[lock]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        for python in PYTHONS:
            if requirement.marker is not None and not requirement.marker.evaluate(_env(python)):
                continue
            version = _locked(REQUIREMENTS / lock, name, python)
            if version is None:
                problems.append(f"{name} is not locked for Python {python}")
            elif version not in requirement.specifier:
                problems.append(f"{name}=={version} is outside {requirement} (Python {python})")
    assert not problems, f"requirements/{lock} is stale; run `make lock`: {problems}"


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_locked_file_is_hash_checked(lock: str) -> None:
    pins = _pins(REQUIREMENTS / lock)
    assert pins and all(pin.hashes for pin in pins), [p.name for p in pins if not p.hashes]


def test_the_makefile_bootstraps_the_locked_installer() -> None:
    (uv,) = [pin for pin in _pins(REQUIREMENTS / "tools.txt") if pin.name == "uv"]
    for lock in LOCKS:
        assert _locked(REQUIREMENTS / lock, "uv", "3.11") == uv.version, lock
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes --no-deps -r requirements/tools.txt" in makefile


def test_the_locks_name_only_the_package_index() -> None:
    """PyPI only: no --index-url, --find-links or direct URL in any lock."""
    for lock in LOCKS:
        text = (REQUIREMENTS / lock).read_text()
        assert not re.search(r"--(extra-)?index-url|--find-links|\s@\s|file:|https?:", text), lock
