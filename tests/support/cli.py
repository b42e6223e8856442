"""Running ``cekura-results`` in this process against a mock server."""

from __future__ import annotations

import io

from cekura_client.cli import main
from cekura_client.testing import MockCekuraServer


class Ran:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def cli(server: MockCekuraServer, *args: str) -> Ran:
    """``cekura-results --base-url SERVER ARGS``: its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        code = main(["--base-url", server.url, *args], out=out, err=err)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    return Ran(code, out.getvalue(), err.getvalue())
