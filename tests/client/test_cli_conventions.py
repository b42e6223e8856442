"""What every CLI user expects of ``cekura-results``, as a subprocess: ``--version``,
``python -m cekura_client``, global options after the command, ``--json`` on every command that
prints a result, formats inferred from ``-o``, the key's variable named in ``--help``, and a
``gate --wait`` that times out still writing its reports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cekura_client import Cekura, Result, __version__
from cekura_client.testing import MockCekuraServer, payloads
from tests.support.constants import API_KEY

MODULE = [sys.executable, "-m", "cekura_client"]


@pytest.fixture
def server() -> object:
    with MockCekuraServer(api_key=API_KEY) as mock:
        yield mock


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEKURA_", "GITHUB_"))}
    env["CEKURA_API_KEY"] = API_KEY
    return subprocess.run(
        [*MODULE, *args], env=env, capture_output=True, text=True, timeout=60, check=False, cwd=cwd
    )


def test_version_and_python_dash_m() -> None:
    proc = run("--version")
    assert (proc.returncode, proc.stdout) == (0, f"cekura-results {__version__}\n")


def test_help_names_the_key_variable_and_the_exit_codes() -> None:
    for args in (["--help"], ["gate", "--help"]):
        proc = run(*args)
        assert proc.returncode == 0
        assert "CEKURA_API_KEY   the API key" in proc.stdout
        assert "CEKURA_API_URL" in proc.stdout and "3 a --wait ran out of time" in proc.stdout


def test_global_options_are_accepted_after_the_command(server: MockCekuraServer) -> None:
    proc = run("show", "1001", "--base-url", server.url, "--request-timeout", "5")
    assert proc.returncode == 0, proc.stderr
    assert "1001" in proc.stdout
    # After the command wins over before it, as a later option does.
    proc = run("--base-url", "http://127.0.0.1:1", "show", "1001", "--base-url", server.url)
    assert proc.returncode == 0, proc.stderr


def test_gate_json_holds_the_result_the_verdict_and_the_comparison(
    server: MockCekuraServer,
) -> None:
    proc = run("--base-url", server.url, "gate", "1002", "--json", "--baseline", "1001")
    assert proc.returncode == 1
    document = json.loads(proc.stdout)  # nothing but the JSON on stdout
    expected = Result.from_dict(payloads.failing_result())
    assert document["result"] == json.loads(json.dumps(expected.to_dict()))
    assert document["verdict"]["passed"] is False
    assert document["verdict"]["failing_run_ids"] == [
        run.id for run in expected.runs if run.success is not True
    ]
    assert document["comparison"] is not None


def test_compare_json_is_the_same_as_format_json(server: MockCekuraServer) -> None:
    short = run("--base-url", server.url, "compare", "1001", "1002", "--json")
    long = run("--base-url", server.url, "compare", "1001", "1002", "--format", "json")
    assert short.returncode == long.returncode
    assert json.loads(short.stdout) == json.loads(long.stdout)


@pytest.mark.parametrize(
    ("command", "name", "check"),
    [
        ("report", "r.html", lambda text: text.startswith("<!DOCTYPE html>")),
        ("report", "r.md", lambda text: text.startswith("## ")),
        ("report", "r.xml", lambda text: ET.fromstring(text.split("\n", 1)[1]).tag == "testsuites"),
        ("report", "r.json", lambda text: json.loads(text)["results"][0]["id"] == 1001),
        ("export", "runs.csv", lambda text: text.startswith("result_id,")),
        (
            "export",
            "runs.jsonl",
            lambda text: json.loads(text.splitlines()[0])["result_id"] == 1001,
        ),
    ],
)
def test_the_format_comes_from_the_output_file(
    server: MockCekuraServer, tmp_path: Path, command: str, name: str, check: object
) -> None:
    proc = run("--base-url", server.url, command, "1001", "-o", name, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert check((tmp_path / name).read_text(encoding="utf-8"))  # type: ignore[operator]


def test_a_timed_out_gate_still_writes_its_reports_marked_incomplete(
    server: MockCekuraServer, tmp_path: Path
) -> None:
    """A JUnit step with `if: always()` finds its file: the last state seen, marked."""
    junit, markdown, html = tmp_path / "j.xml", tmp_path / "r.md", tmp_path / "r.html"
    proc = run(
        "--base-url", server.url, "gate", "1003", "--wait", "--timeout", "1",
        "--poll-interval", "0.3", "--junit", str(junit), "--markdown", str(markdown),
        "--html", str(html), "--no-summary",
    )  # fmt: skip
    assert proc.returncode == 3
    assert proc.stderr.splitlines()[-1].startswith(
        "cekura-results: Result 1003 did not finish within 1 s (last status: running"
    )
    root = ET.parse(junit).getroot()
    errors = root.findall(".//testcase[@name='wait for the result']/error")
    assert len(errors) == 1 and errors[0].get("type") == "WaitTimeoutError"
    assert "did not finish within 1 s" in (errors[0].get("message") or "")
    assert root.get("errors") == str(len(root.findall(".//error")))
    assert markdown.read_text().startswith(
        "> **Incomplete report: the result had not finished.** Result 1003 did not finish"
    )
    assert "Incomplete report: the result had not finished." in html.read_text()


def test_a_wait_on_a_wrong_address_says_why_it_timed_out() -> None:
    """The typo of the issue: the timeout's line names the refused connection."""
    dead = MockCekuraServer()
    url = dead.url
    dead.stop()
    proc = run("--base-url", url, "gate", "1001", "--wait", "--timeout", "3")
    assert proc.returncode == 3
    line = proc.stderr.splitlines()[-1]
    assert line.startswith("cekura-results: Result 1001 did not finish within 3 s (last status: ")
    assert "last error: APIConnectionError: Connection error (ConnectError: " in line
    assert "Connection refused" in line and url in line


def test_a_malformed_base_url_names_the_flag_and_the_value() -> None:
    proc = run("--base-url", "127.0.0.1:8765", "show", "1")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "cekura-results: error: InvalidRequestError: --base-url is not an absolute http(s) URL: "
        "'127.0.0.1:8765'; expected e.g. https://api.cekura.ai (did you mean "
        "http://127.0.0.1:8765?)"
    )


def test_cekura_results_mock_serves_until_interrupted() -> None:
    """The same server as ``python -m cekura_client.testing``, under the CLI's name."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEKURA_")}
    proc = subprocess.Popen(
        [*MODULE, "mock", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Cekura mock API at http://127.0.0.1:"), first
        url = first.split(" at ", 1)[1].strip()
        with Cekura(api_key="mock-cekura-key", base_url=url) as client:
            assert client.results.get(1002).id == 1002
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        proc.kill()
        proc.wait(timeout=20)


def test_mock_help_names_the_cli() -> None:
    proc = run("mock", "--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: cekura-results mock [-h] [--host HOST] [--port PORT]")


def test_help_does_not_import_the_reports() -> None:
    """Start-up: `--help` and the argument checks need argparse, not the report writers."""
    code = (
        "import sys; from cekura_client import cli; cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.startswith('cekura_client.reports')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
