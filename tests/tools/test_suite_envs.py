"""scripts/suite_envs.py (make test-lowest, test-latest, test-matrix): how it finds Pythons, what it
says of the ones it cannot find, and when it fails. The runs themselves are CI's (.ci/run)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from scripts import suite_envs
from scripts.suite_envs import Outcome


def _fake_python(path: Path, output: str, code: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho '{output}'\nexit {code}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def no_path_pythons(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty PATH and an empty pyenv root: each test adds the interpreters it needs."""
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "home")  # suite_envs.Path is this Path
    return tmp_path


def test_a_python_on_path_is_found_first(no_path_pythons: Path) -> None:
    on_path = _fake_python(no_path_pythons / "bin" / "python3.12", "CPython 3.12.7")
    _fake_python(no_path_pythons / "pyenv/versions/3.12.1/bin/python3.12", "CPython 3.12.1")
    assert suite_envs.find_python("3.12") == (str(on_path), "3.12.7")


def test_a_failing_shim_is_passed_over_for_pyenvs_newest_patch(no_path_pythons: Path) -> None:
    """pyenv's shim for a version that is not active exits non-zero: it is not a Python."""
    _fake_python(no_path_pythons / "bin" / "python3.12", "pyenv: python3.12: not found", 127)
    _fake_python(no_path_pythons / "pyenv/versions/3.12.1/bin/python3.12", "CPython 3.12.1")
    newest = _fake_python(
        no_path_pythons / "pyenv/versions/3.12.4/bin/python3.12", "CPython 3.12.4"
    )
    assert suite_envs.find_python("3.12") == (str(newest), "3.12.4")


def test_only_cpython_of_that_version_counts(no_path_pythons: Path) -> None:
    _fake_python(no_path_pythons / "bin" / "python3.11", "PyPy 3.11.0")
    _fake_python(no_path_pythons / "pyenv/versions/3.11.9/bin/python3.11", "CPython 3.10.2")
    assert suite_envs.find_python("3.11") is None


def _fake_runs(monkeypatch: pytest.MonkeyPatch, found: set[str], failing: set[str]) -> list[str]:
    ran: list[str] = []
    monkeypatch.setattr(suite_envs, "_uv", lambda: "uv")
    monkeypatch.setattr(
        suite_envs,
        "find_python",
        lambda version: (f"/py/{version}", version + ".0") if version in found else None,
    )

    def run_suite(uv: str, mode: str, version: str, python: str, full: str) -> Outcome:
        ran.append(f"{mode}-{version}")
        return Outcome(f"{mode}-{version}", full, "msgspec 0.22.0", int(version in failing), 1.0)

    monkeypatch.setattr(suite_envs, "run_suite", run_suite)
    return ran


def test_the_matrix_runs_every_python_found_and_prints_a_line_for_each_skipped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran = _fake_runs(monkeypatch, found={"3.10", "3.11", "3.12", "3.13"}, failing=set())
    assert suite_envs.main(["matrix"]) == 0
    assert ran == ["matrix-3.10", "matrix-3.11", "matrix-3.12", "matrix-3.13"]
    out = capsys.readouterr().out
    assert out.count("skip 3.14: no CPython 3.14 on PATH or in pyenv") == 2  # as met, in summary
    assert "matrix-3.13    CPython 3.13.0   passed in 1 s" in out


def test_one_failing_python_fails_the_matrix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake_runs(monkeypatch, found={"3.10", "3.13"}, failing={"3.13"})
    assert suite_envs.main(["matrix"]) == 1
    assert "matrix-3.13    CPython 3.13.0   FAILED (pytest exit 1)" in capsys.readouterr().out


def test_lowest_takes_the_oldest_python_and_latest_the_newest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran = _fake_runs(monkeypatch, found={"3.11", "3.12", "3.13"}, failing=set())
    assert suite_envs.main(["lowest"]) == 0
    assert suite_envs.main(["latest"]) == 0
    assert ran == ["lowest-3.11", "latest-3.13"]


def test_nothing_to_run_on_is_a_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake_runs(monkeypatch, found=set(), failing=set())
    assert suite_envs.main(["matrix", "--pythons", "3.12"]) == 1
    captured = capsys.readouterr()
    assert "skip 3.12: no CPython 3.12 on PATH or in pyenv" in captured.out
    assert "matrix: no Python to run the suite on" in captured.err


def test_a_malformed_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_runs(monkeypatch, found=set(), failing=set())
    with pytest.raises(SystemExit, match=r"--pythons takes versions like 3\.12, got '3'"):
        suite_envs.main(["matrix", "--pythons", "3.10,3"])
