"""Run the mock Cekura API in the foreground: ``python -m cekura_client.testing``.

``main`` is shared with any other command that serves the mock, hence ``prog``.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import shlex
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from types import FrameType

from .._text import escape_controls
from . import payloads
from .server import DEFAULT_MOCK_API_KEY, MockCekuraServer

__all__ = ["main"]

PROG = "python -m cekura_client.testing"
EXIT_OK, EXIT_ERROR = 0, 2
_EXAMPLE_ID = payloads.FAILING_RESULT_ID


class _Stop(Exception):
    """SIGINT or SIGTERM arrived: leave the serving loop."""


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port (0-65535, 0 for a free one): {text!r}")
    return int(text)


def _api_key(text: str) -> str:
    # The key goes into an HTTP header and a printed shell command.
    if not text or text != text.strip() or not text.isprintable():
        raise argparse.ArgumentTypeError("must be printable text without surrounding spaces")
    return text


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Serve the mock Cekura API in the foreground until Ctrl-C or SIGTERM: "
        "GET /test_framework/v1/results/{id}/ (and v2, with or without the slash) with the "
        "example results of cekura_client.testing.payloads; the results list "
        "(GET /test_framework/v2/results/); POST /test_framework/v2/scenarios/run_scenarios/ "
        "and run_scenarios_text/, which start a result that progresses as it is polled; and "
        "POST /test_framework/v2/results/{id}/rerun/ and .../end_calls/.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=8765,
        help="port to listen on, 0 for a free one (default: 8765)",
    )
    parser.add_argument(
        "--api-key",
        type=_api_key,
        default=DEFAULT_MOCK_API_KEY,
        help=f"the key clients must send (default: {DEFAULT_MOCK_API_KEY})",
    )
    return parser


def _banner(url: str, api_key: str) -> str:
    # The caller's real key may have been passed as the mock's: refer to it, never print it.
    from_env = api_key == os.environ.get("CEKURA_API_KEY")
    key_line = "the value of $CEKURA_API_KEY" if from_env else api_key
    env = f"CEKURA_API_URL={shlex.quote(url)}"
    key_arg = "" if from_env else f"api_key={json.dumps(api_key)}, "
    if not from_env:
        env += f" CEKURA_API_KEY={shlex.quote(api_key)}"
    code = (
        f"from cekura_client import Cekura; "
        f"print(Cekura({key_arg}base_url={json.dumps(url)}).results.get({_EXAMPLE_ID}).status)"
    )
    ids = (
        f"{payloads.PASSING_RESULT_ID} passing, {payloads.FAILING_RESULT_ID} failing, "
        f"{payloads.RUNNING_RESULT_ID} running, {payloads.QUIRKY_RESULT_ID} quirky, "
        f"{payloads.BASELINE_RESULT_ID} baseline, {payloads.REGRESSED_RESULT_ID} regressed, "
        f"{payloads.NIGHTLY_RESULT_IDS[0]}-{payloads.NIGHTLY_RESULT_IDS[-1]} nightly"
    )
    return (
        f"Cekura mock API at {url}\n"
        f"API key: {key_line}\n"
        f"Result IDs: {ids}\n"
        "Try:\n"
        f"  {env} cekura-results show {_EXAMPLE_ID}\n"
        f"  python -c {shlex.quote(code)}\n"
        "Press Ctrl-C to stop.\n"
    )


def _print_banner(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Nobody reads stdout any more, but clients may still use the server: keep serving,
        # and point stdout at devnull so that the flush at exit does not fail again.
        with suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn the first SIGINT or SIGTERM into _Stop; ignore repeats while shutting down."""
    if threading.current_thread() is not threading.main_thread():
        yield  # handlers can only be set from the main thread
        return
    stopping = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            raise _Stop

    previous = {
        signum: signal.signal(signum, handler)
        for signum in (signal.SIGINT, signal.SIGTERM)
        # An ignored signal was meant to be: a background job must outlive the terminal's Ctrl-C.
        if signal.getsignal(signum) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def _listen_error(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} is already in use on {host}; pick another with --port, "
            "or --port 0 for a free one"
        )
    return f"cannot listen on {host} port {port}: {exc.strerror or exc}"


def main(argv: Sequence[str] | None = None, *, prog: str = PROG) -> int:
    """Serve the mock in the foreground until SIGINT or SIGTERM; returns the exit code:
    0 when stopped, 2 for a usage error or an address that cannot be listened on."""
    try:
        args = build_parser(prog).parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    with _stop_on_signals():
        try:
            try:
                server = MockCekuraServer(api_key=args.api_key, host=args.host, port=args.port)
            except OSError as exc:
                reason = _listen_error(exc, args.host, args.port)
                print(escape_controls(f"{prog}: {reason}"), file=sys.stderr)
                return EXIT_ERROR
            with server:
                _print_banner(_banner(server.url, args.api_key))
                while True:  # sleep() is interruptible by signals on every platform
                    time.sleep(3600)
        except (_Stop, KeyboardInterrupt):
            pass
    print("Cekura mock API stopped.", file=sys.stderr)
    return EXIT_OK
