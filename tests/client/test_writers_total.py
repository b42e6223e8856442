"""Every writer returns a report for every Result the parser accepts (issue 20, class 1).

A value the parser accepts (a score of 1e17, a turn at 1e14 s, a recording URL ``http://[``, a
lone surrogate) must never crash a writer, and with it a CI gate: what a writer cannot show as
intended it shows as text. The properties generate results from the models' own declarations
(``Model.__fields__``: each field's wire type), biased to extreme values, and run every writer:
to_html, to_markdown, to_junit_xml, to_ctrf, compare with format_comparison and
comparison_markdown, the export rows and the plain-text summary in-process, and the commands
whose writing lives in the CLI (``gate`` with its step summary and report files, ``report
--format json|markdown``, ``export --format csv|jsonl``) against the mock server.

Profiles as in test_fuzz.py: "ci" (a few hundred examples, ``make test``) and "fuzz" (10,000,
``make fuzz``), chosen by $HYPOTHESIS_PROFILE. The named members of the issue have example tests
at the end, with their exact inputs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
import sys
import types
import typing
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from cekura_client import ResponseValidationError, Result
from cekura_client._text import json_text
from cekura_client.cli import PROG
from cekura_client.reports import (
    compare,
    comparison_markdown,
    format_comparison,
    to_ctrf,
    to_html,
    to_junit_xml,
    to_markdown,
)
from cekura_client.reports._table import json_rows
from cekura_client.reports._text import (
    format_percent,
    format_seconds,
    link_target,
    mean,
    unlinked_url,
)
from cekura_client.summary import format_result
from cekura_client.testing import MockCekuraServer, payloads
from cekura_client.types._model import Kind, Model
from tests.support.cli import Ran, cli
from tests.support.constants import API_KEY

# The same profiles as test_fuzz.py (each test module may run alone).
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

MAX = sys.float_info.max

# --- values, biased to the edges of what the parser accepts --------------------------------------

EXTREME_FLOATS = [
    0.0,
    -0.0,
    5e-324,
    -5e-324,
    1e-300,
    0.5,
    4.999999,
    5.0,
    99.95,
    100.0,
    100.00000001,
    -1.0,
    1e14,
    -1e14,
    1e17,
    -1e17,
    2.0**53 + 2,
    1e300,
    1.7e308,
    -1.7e308,
    MAX,
    -MAX,
]
INT64 = (-(2**63), 2**63 - 1)
EXTREME_INTS = [0, 1, -1, 2**31, 2**53 + 1, *INT64]
NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "\x1b[31m",
    "\r\n",
    "a\rb",
    "\t",
    "\ud800",
    "\udfff",
    "a\udc80b",
    "\ufffe",
    "\uffff",
    "\u202e",
    "\u2028",
    "\x85",
    "\U0010ffff",
    "\u0301",
    "<script>alert(1)</script>",
    "]]>",
    "&amp;",
    "| a | b |",
    "`",
    "*_~[x](javascript:alert(1))",
    "\\",
    "'\"",
    "%s %d {0}",
    "🙂" * 50,
    "١٢٣",
    "NaN",
    "1e309",
    "-0",
    "x" * 5000,
    "\n" * 50,
]
URLS = [
    "http://[",
    "https://[::1",
    "http://]",
    "http://[::1]:8000/a.wav",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://x/\udc80.wav",
    "https://x/\ud800",
    "https://x/a b.wav",
    "https://x/a\nb.wav",
    "https://x/(a)[b]<c>.wav",
    "http://",
    "https://",
    "//recordings.cekura.ai/1.wav",
    "recordings.cekura.ai/1.wav",
    "https://x:99999999/a.wav",
    "https://пример.рф/а.wav",
    "https://x/" + "a" * 3000,
    "https://recordings.cekura.ai/86101.wav",
    "ftp://x/a.wav",
    "HTTPS://X/A.WAV",
    "https://user:pass@x/a.wav",
    "https://x/%zz",
    "https://x/?a=\"b\"&c='d'",
    "https://x/\u202e.wav",
]

text = st.text(st.characters(), max_size=30) | st.sampled_from(NASTY_TEXT)
ints = st.integers(*INT64) | st.sampled_from(EXTREME_INTS)
urls = st.sampled_from(URLS) | st.builds(
    str.__add__, st.sampled_from(["http://", "https://", "http://[", ""]), text
)
iso_times = st.datetimes(
    min_value=dt.datetime(1, 1, 1),
    max_value=dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
    timezones=st.none()
    | st.builds(
        dt.timezone,
        st.timedeltas(
            min_value=-dt.timedelta(hours=23, minutes=59),
            max_value=dt.timedelta(hours=23, minutes=59),
        ),
    ),
).map(dt.datetime.isoformat) | st.sampled_from(
    ["", "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59", "2026-01-01T00:00:00Z"]
)
# Up to the most a timedelta holds (999,999,999 days: 1.44e12 minutes).
duration_texts = (
    st.builds("{}:{:02d}".format, st.integers(0, 1_439_999_999_999), st.integers(0, 59))
    | st.builds(
        "{}:{:02d}:{:02d}".format,
        st.integers(0, 23_999_999_999),
        st.integers(0, 59),
        st.integers(0, 59),
    )
    | st.sampled_from(["", "0:00", "59:59.999", "٣:٠٠"])
)
durations = (
    st.floats(0, 86_399_999_999_999.0)
    | st.sampled_from([0, 0.4, 3600, 1e12, 8.6e13, 86_399_999_999_999.0])
    | duration_texts
)


def json_values() -> st.SearchStrategy[Any]:
    """Untyped JSON, as lenient fields take it (NaN and infinities too: json.loads reads them,
    and so does the parser's slow path)."""
    scalars = st.none() | st.booleans() | ints | st.floats() | text
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
        max_leaves=8,
    )


def _floats(meta: msgspec.Meta) -> st.SearchStrategy[Any]:
    low = -MAX if meta.ge is None else meta.ge
    high = MAX if meta.le is None else meta.le
    edges = [v for v in EXTREME_FLOATS if low <= v <= high]
    return (
        st.floats(low, high, allow_nan=False)
        | st.sampled_from(edges)
        | st.integers(int(max(low, -1e30)), int(min(high, 1e30)))
    )


#: Values by attribute name, where the wire type alone would rarely reach the code that reads
#: them: words the writers branch on, names that group runs, URLs.
BY_NAME: dict[str, st.SearchStrategy[Any]] = {
    "voice_recording": urls,
    "status": st.sampled_from(
        ["completed", "running", "pending", "failed", "cancelled", "evaluating", "COMPLETED"]
    )
    | text,
    "type": st.sampled_from(
        ["binary", "numeric", "enum", "binary_workflow_adherence", "binary_qualitative"]
    )
    | text,
    "eval_type": st.just("binary") | st.sampled_from(["numeric", "enum"]) | text,
    "name": st.sampled_from(["Reschedule", "Cancel", "scenario 9", "scenario 10"]) | text,
    "scenario_name": st.sampled_from(["Reschedule", "Cancel"]) | text,
    "personality_name": st.sampled_from(["Busy", "Elderly"]) | text,
    "id": st.integers(1, 4) | ints,
    "success": st.booleans() | st.sampled_from(["true", "no"]),
    "passed": st.booleans() | st.sampled_from(["yes", "0"]),
    # Lenient: past what a timedelta holds, or int() reads, too.
    "time": durations | json_values() | st.sampled_from(["99999999999999:00", "1" * 5000 + ":00"]),
}


def _strategy(wire: Any, name: str | None = None) -> st.SearchStrategy[Any]:
    """A strategy for JSON that decodes as ``wire`` (a field's wire type, or a part of one)."""
    origin, args = typing.get_origin(wire), typing.get_args(wire)
    nullable = wire is Any or type(None) in args
    if name in BY_NAME:
        return st.none() | BY_NAME[name] if nullable else BY_NAME[name]
    if name in ("duration", "total_duration"):
        return st.none() | durations
    if origin is typing.Annotated:
        meta = next((m for m in args[1:] if isinstance(m, msgspec.Meta)), None)
        if args[0] is float and meta is not None:
            return _floats(meta)
        return _strategy(args[0])
    if origin in (typing.Union, types.UnionType):
        return st.one_of([_strategy(arg, name) for arg in args])
    if origin is list:
        return st.lists(_strategy(args[0]), min_size=name == "runs", max_size=6)
    if origin is dict:
        keys = st.integers(1, 9).map(str) if name == "runs" else text
        return st.dictionaries(keys, _strategy(args[1]), min_size=name == "runs", max_size=6)
    if wire is type(None):
        return st.none()
    if wire is bool:
        return st.booleans()
    if wire is int:
        return ints
    if wire is float:
        return _floats(msgspec.Meta())
    if wire is str:
        return text
    if wire is dt.datetime:
        return iso_times
    if isinstance(wire, type) and issubclass(wire, Model):
        return _object(wire)
    return json_values()  # Any, msgspec.Raw


def _field(kind: Kind, wire: Any, name: str) -> st.SearchStrategy[Any]:
    return _strategy(kind.deferred if kind.deferred not in (None, Any) else wire, name)


#: Keys every generated object has (their values may still be null or empty): what the writers
#: read most, so that most examples reach them.
ALWAYS = {
    "runs", "evaluation", "metrics", "success", "transcript_object", "voice_recording", "score",
    "type", "eval_type", "passed",
}  # fmt: skip


def _object(cls: type[Model]) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object for ``cls`` from its declarations: each field optional (required ones and
    ALWAYS present), each value of the field's wire type. Fields kept as received (typed Any),
    which no writer reads, are mostly null: the examples' size goes to the rest."""
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for decl in cls.__fields__:
        strategy = _field(decl.kind, decl.wire, decl.name)
        if decl.wire is Any and decl.name not in BY_NAME:
            strategy = st.one_of(st.none(), st.none(), st.none(), strategy)
        always = decl.default is msgspec.NODEFAULT or decl.key in ALWAYS
        (required if always else optional)[decl.key] = strategy
    return st.fixed_dictionaries(required, optional=optional)


result_payloads = _object(Result)


def parsed(payload: dict[str, Any]) -> Result:
    """The Result of a generated payload; a payload the parser refuses is not a test case."""
    try:
        return Result.from_dict(payload)
    except ResponseValidationError:
        reject()


# --- checks of each format -------------------------------------------------------------------

_VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "area", "base", "source"}
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|-?inf|nan", re.IGNORECASE)
_SVG_NUMBERS = ("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "d")
#: An SVG coordinate past this is off any screen: a scale that went wrong.
_FAR = 1e6


class _Markup(HTMLParser):
    """Checks nesting: every element closed, in order (void elements excepted)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links += [value or "" for key, value in attrs if key == "href"]
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-3:]}"
        self.open.pop()


def check_html(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>\n") and page.endswith("</html>\n")
    markup = _Markup()
    markup.feed(page)
    markup.close()
    assert markup.open == []
    assert all(re.match(r"https?://", link, re.IGNORECASE) for link in markup.links)
    for svg in re.findall(r"<svg .*?</svg>", page, flags=re.S):
        for element in ET.fromstring(svg).iter():
            for key in _SVG_NUMBERS:
                value = element.get(key)
                if value is None:
                    continue
                numbers = _NUMBER.findall(value)
                assert numbers, f"{key}={value!r}"
                for number in numbers:
                    assert math.isfinite(float(number)), f"{key}={value!r}"
                    assert abs(float(number)) < _FAR, f"{key}={value!r}"


def _no_constants(name: str) -> float:
    raise AssertionError(f"not JSON: {name}")


def check_json(document: str) -> Any:
    """Parsed as strictly as other tools read JSON: no NaN or Infinity."""
    return json.loads(document, parse_constant=_no_constants)


def check_junit(document: str) -> ET.Element:
    return ET.fromstring(document.encode("utf-8"))


def _encodes(text: str) -> bool:
    text.encode("utf-8")  # a UnicodeEncodeError: the CLI could not write it to a file
    return True


def every_writer(baseline: Result, current: Result) -> dict[str, str]:
    """Each in-process writer's output for ``current`` (compared with ``baseline``)."""
    run = next(iter(current.runs), None)
    labels = None if run is None else {(run.scenario_id, run.personality_name): run.status or "x"}
    comparison = compare(baseline, current)
    return {
        "html": to_html(current),
        "html with history": to_html([baseline, current], baseline=baseline, labels=labels),
        "markdown": to_markdown(current, baseline=baseline),
        "markdown, smallest": to_markdown(current, max_bytes=800),
        "junit": to_junit_xml(current, baseline=baseline, labels=labels),
        "ctrf": to_ctrf(current, baseline=baseline, labels=labels),
        "comparison": format_comparison(comparison),
        "comparison markdown": "\n".join(comparison_markdown(comparison)),
        "comparison json": json.dumps(comparison.to_dict(), allow_nan=False),
        # What `report --format json` and `export --format jsonl` write, less the CLI around it.
        "result json": json_text(current.to_dict(), indent=2),
        "export rows": json_text(json_rows([baseline, current])),
        "summary": format_result(current),
    }


def check_every_writer(baseline: Result, current: Result) -> None:
    out = every_writer(baseline, current)
    assert all(isinstance(text, str) and _encodes(text) for text in out.values())
    for name in ("html", "html with history"):
        check_html(out[name])
    assert len(out["markdown, smallest"].encode("utf-8")) <= 800
    check_junit(out["junit"])
    ctrf = check_json(out["ctrf"])
    assert ctrf["results"]["summary"]["tests"] == len(ctrf["results"]["tests"])
    check_json(out["comparison json"])
    assert check_json(out["result json"])["id"] == current.id
    assert len(check_json(out["export rows"])) == len(baseline.runs) + len(current.runs)


@given(result_payloads, result_payloads)
def test_every_writer_returns_a_report_for_every_parsed_result(
    baseline: dict[str, Any], current: dict[str, Any]
) -> None:
    check_every_writer(parsed(baseline), parsed(current))


# --- the writers the CLI owns, through the CLI -------------------------------------------------

BASELINE_ID, CURRENT_ID = 5000, 5001


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockCekuraServer]:
    monkeypatch.setenv("CEKURA_API_KEY", API_KEY)
    with MockCekuraServer(api_key=API_KEY) as mock:
        yield mock


def _no_error_lines(ran: Ran) -> None:
    errors = [line for line in ran.err.splitlines() if "error" in line or "warning" in line]
    assert errors == [], ran.err


def check_cli_writers(
    server: MockCekuraServer, folder: Path, baseline: dict[str, Any], current: dict[str, Any]
) -> None:
    """Serve the two payloads; each command writes its report and exits as documented
    ($GITHUB_STEP_SUMMARY is ``folder / "summary.md"``)."""
    ids = [str(BASELINE_ID), str(CURRENT_ID)]
    baseline, current = dict(baseline, id=BASELINE_ID), dict(current, id=CURRENT_ID)
    runs = len(parsed(baseline).runs) + len(parsed(current).runs)
    server.results[BASELINE_ID], server.results[CURRENT_ID] = baseline, current
    for old in folder.iterdir():
        old.unlink()
    summary, files = folder / "summary.md", folder / "gate"
    ran = cli(
        server, "gate", str(CURRENT_ID), "--baseline", str(BASELINE_ID),
        "--junit", f"{files}.xml", "--markdown", f"{files}.md", "--html", f"{files}.html",
    )  # fmt: skip
    assert ran.code in (0, 1), ran.err
    _no_error_lines(ran)
    assert any(line.startswith(("GATE PASSED", "GATE FAILED")) for line in ran.out.splitlines())
    assert summary.read_text(encoding="utf-8") == Path(f"{files}.md").read_text("utf-8")
    check_junit(Path(f"{files}.xml").read_text(encoding="utf-8"))
    check_html(Path(f"{files}.html").read_text(encoding="utf-8"))

    report = folder / "report.json"
    ran = cli(server, "report", *ids, "--format", "json", "-o", str(report),
              "--baseline", str(BASELINE_ID))  # fmt: skip
    assert (ran.code, ran.err) == (0, f"wrote {report}\n")
    document = check_json(report.read_text(encoding="utf-8"))
    assert [r["id"] for r in document["results"]] == [BASELINE_ID, CURRENT_ID]

    ran = cli(server, "report", *ids, "--format", "markdown", "-o", str(folder / "r.md"))
    assert (ran.code, ran.err) == (0, f"wrote {folder / 'r.md'}\n")

    for fmt in ("csv", "jsonl"):
        path = folder / f"runs.{fmt}"
        ran = cli(server, "export", *ids, "--format", fmt, "-o", str(path))
        assert (ran.code, ran.err) == (0, f"exported {runs} runs of 2 results\n")
        data = path.read_text(encoding="utf-8")
        if fmt == "csv":
            assert len(list(csv.reader(io.StringIO(data, newline="")))) == runs + 1
        else:
            # Split at LF only: U+2028, U+0085... are text inside a JSON string.
            assert len([check_json(line) for line in data.split("\n")[:-1]]) == runs


def test_the_cli_writers_return_a_report_for_every_parsed_result(
    server: MockCekuraServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))

    # Five commands and a dozen requests of the mock server per example: a tenth as many.
    @settings(max_examples=max(10, settings().max_examples // 10))
    @given(result_payloads, result_payloads)
    def run(baseline: dict[str, Any], current: dict[str, Any]) -> None:
        check_cli_writers(server, tmp_path, baseline, current)

    run()


# --- the members, with their exact inputs ----------------------------------------------


def _metric(run: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(m for m in run["evaluation"]["metrics"] if m["name"] == name)
    return found


def test_gate_of_a_passing_result_with_the_recording_url_http_bracket(
    server: MockCekuraServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: exit 2, ``internal error: ValueError: Invalid IPv6 URL`` (the step summary's link)."""
    payload = payloads.passing_result(5000)
    payload["runs"]["86002"]["voice_recording"] = "http://["
    server.results[5000] = payload
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    ran = cli(server, "gate", "5000")
    assert (ran.code, ran.err) == (0, "")
    assert ran.out.splitlines()[-1] == "GATE PASSED (100.0% of runs)"
    rows = [
        line for line in summary.read_text(encoding="utf-8").splitlines() if "| ✅ pass |" in line
    ]
    assert [row.rsplit("|", 2)[1].strip() for row in rows] == [
        "[listen](https://recordings.cekura.ai/86001.wav)",
        "http:\u200d//\\[",  # shown as inert text, not a link (nor an autolink)
        "[listen](https://recordings.cekura.ai/86003.wav)",
    ]


def test_a_malformed_recording_url_is_text_in_every_writer() -> None:
    payload = payloads.failing_result()
    payload["runs"]["86103"]["voice_recording"] = "http://["
    result = Result.from_dict(payload)
    page = to_html(result)
    check_html(page)
    assert '<p>Recording: <span class="url">http://[</span></p>' in page
    assert "(run 86103, 4:07) · http:\u200d//\\[" in to_markdown(result)
    failure = check_junit(to_junit_xml(result)).find(".//testcase[@name='Insurance question"
                                                     " / Busy professional']/failure")  # fmt: skip
    assert failure is not None and failure.text is not None
    assert failure.text.splitlines()[-1] == "recording: http://["
    test = check_json(to_ctrf(result))["results"]["tests"][2]
    assert test["attachments"][0]["path"] == "http://["


def test_a_turn_start_time_of_1e14_is_shown_in_seconds() -> None:
    """Was: OverflowError from timedelta in to_junit_xml (and to_html, to_ctrf)."""
    payload = payloads.failing_result()
    payload["runs"]["86103"]["transcript_object"][0]["start_time"] = 1e14
    payload["runs"]["86103"]["transcript_object"][1]["start_time"] = -5
    result = Result.from_dict(payload)
    junit = check_junit(to_junit_xml(result))
    out = junit.find(".//testcase[@name='Insurance question / Busy professional']/system-out")
    assert out is not None and out.text is not None
    first, second = out.text.splitlines()[:2]
    assert first.startswith("[1e+14 s] Main Agent: ")
    assert second.startswith("[-0:05] ")
    assert check_json(to_ctrf(result))["results"]["tests"][2]["stdout"][0] == first
    page = to_html(result)
    assert "<tr><td>1e+14 s</td><td class='role'>Main Agent</td>" in page


def test_a_numeric_metric_score_of_1e17_is_shown() -> None:
    """Was: ZeroDivisionError in the HTML report's score histogram (1e17 +- 0.5 == 1e17)."""
    payload = payloads.failing_result()
    for run_id in ("86101", "86103", "86104"):
        _metric(payload["runs"][run_id], "Latency")["score"] = 1e17
    page = to_html(Result.from_dict(payload))
    check_html(page)
    assert "Latency <span class='muted'>(mean 1e+17, 3 runs)</span>" in page
    chart = re.search(r'<svg class="chart" data-chart="metric-scores-0".*?</svg>', page)
    assert chart is not None
    texts = [t.text for t in ET.fromstring(chart.group()).iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["3", "1e+17", "1e+17", "3 values"]


def _scores(value: float) -> Result:
    payload = payloads.failing_result()
    for run_id, sign in (("86101", 1), ("86103", -1), ("86104", 1)):
        _metric(payload["runs"][run_id], "Latency")["score"] = sign * value
    return Result.from_dict(payload)


def test_scores_of_plus_and_minus_1_7e308_compare_and_chart() -> None:
    """Was: ValueError (NaN to int) in the histogram of scores whose span overflows; inf in
    the success-rate line; compare overflowed summing the scores."""
    baseline, current = _scores(1.7e308), _scores(-1.7e308)
    comparison = compare(baseline, current)
    assert [m.name for m in comparison.metrics if not m.binary] == ["Latency"]
    latency = next(m for m in comparison.metrics if m.name == "Latency")
    assert latency.baseline_mean_score == pytest.approx(1.7e308 / 3)
    text = format_comparison(comparison)
    assert "  Latency: mean score 5.667e+307 -> -5.667e+307" in text
    check_json(json.dumps(comparison.to_dict(), allow_nan=False))
    page = to_html(current, baseline=baseline)
    check_html(page)
    chart = re.search(r'<svg class="chart" data-chart="metric-scores-0".*?</svg>', page)
    assert chart is not None
    texts = [t.text for t in ET.fromstring(chart.group()).iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["2", "1", "-1.7e+308", "1.7e+308", "3 values"]


def _undecided(result_id: int, success_rate: float, day: int) -> Result:
    """A result whose runs have no verdict: the history chart shows the server's rate."""
    payload = payloads.failing_result(result_id)
    payload.update(success_rate=success_rate, created_at=f"2026-01-0{day}T00:00:00Z")
    for run in payload["runs"].values():
        run["success"] = None
    return Result.from_dict(payload)


def test_success_rates_of_plus_and_minus_1_7e308_stay_on_the_chart() -> None:
    """Was: ``<path d="M40.0,-inf ...">`` (and 300-digit coordinates for rates short of that)."""
    page = to_html([_undecided(5000, 1.7e308, 1), _undecided(5001, -1.7e308, 2)])
    check_html(page)
    assert '<path d="M40.0,12.0 L704.0,180.0"' in page  # the top and bottom of the plot
    assert "<title>01-01: 1.7e+308%</title>" in page
    assert "<title>01-02: -1.7e+308%</title>" in page


def test_a_lone_surrogate_in_a_recording_url_is_shown_escaped() -> None:
    """Was: UnicodeEncodeError from quote() in to_markdown."""
    payload = payloads.failing_result()
    payload["runs"]["86103"]["voice_recording"] = "https://recordings.cekura.ai/\udc80.wav"
    result = Result.from_dict(payload)
    markdown = to_markdown(result)
    markdown.encode("utf-8")
    assert "(run 86103, 4:07) · https:\u200d//recordings.cekura.ai/\\\\udc80.wav" in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| 86103 |"))
    assert row.endswith("| https:\u200d//recordings.cekura.ai/\\\\udc80.wav |")
    page = to_html(result)
    assert '<span class="url">https://recordings.cekura.ai/\\udc80.wav</span>' in page
    page.encode("utf-8")


def test_a_report_of_1400_results_in_markdown(server: MockCekuraServer, tmp_path: Path) -> None:
    """Was: exit 2, ``max_bytes must be at least 800, got 748`` (1 MiB shared by 1,400)."""
    ids = range(6000, 7400)
    server.results.update({i: payloads.passing_result(i) for i in ids})
    path = tmp_path / "report.md"
    ran = cli(server, "report", *map(str, ids), "--format", "markdown", "-o", str(path))
    assert ran.code == 0
    assert ran.err.splitlines()[-2:] == ["fetched 1400/1400 results", f"wrote {path}"]
    headings = re.findall(r"^## (.*)$", path.read_text(encoding="utf-8"), flags=re.M)
    assert len(headings) == 1400
    assert headings[-1] == "✅ Cekura result 7399 · Nightly regression - front desk: passed"


def test_a_long_history_note_in_a_nearly_full_step_summary(
    server: MockCekuraServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: exit 2, ``max_bytes must be at least 800, got -270``: the --history note of twelve
    long-named failing scenarios left less than to_markdown's least in 4,100 bytes."""
    payload = payloads.nightly_result(1107)
    payload.update(id=5100, created_at="2026-11-20T02:00:00Z")
    template = next(iter(payload["runs"].values()))
    runs = [
        dict(template, id=95000 + i, scenario=9001 + i, scenario_name=f"S{i} " + "x" * 300,
             success=False)
        for i in range(12)
    ]  # fmt: skip
    payload["runs"] = {str(run["id"]): run for run in runs}
    server.results[5100] = payload
    summary = tmp_path / "summary.md"
    summary.write_bytes(b"x" * (1024 * 1024 - 4100))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    ran = cli(server, "gate", "5100", "--history", "3", "--fail-on", "any-failure")
    assert ran.code == 1
    assert ran.err == f"{PROG}: history: 3 earlier completed result(s) of agent 512\n"
    added = summary.read_bytes()[1024 * 1024 - 4100 :].decode("utf-8")
    assert added.startswith("## ❌ Cekura result 5100 · Nightly regression - front desk: failed")
    assert summary.stat().st_size <= 1024 * 1024


def test_report_json_holds_lone_surrogates_and_non_finite_values(
    server: MockCekuraServer, tmp_path: Path
) -> None:
    """Was: exit 2, ``cannot write ...: text cannot be encoded as UTF-8`` for a lone surrogate;
    ``NaN`` (not JSON) for a NaN in a field kept as received."""
    payload = payloads.failing_result(5000)
    payload["name"] = "PR \udc80"
    payload["latency_data"] = {"p50": math.nan, "p99": math.inf}
    server.results[5000] = payload
    path = tmp_path / "report.json"
    ran = cli(server, "report", "5000", "--format", "json", "-o", str(path))
    assert (ran.code, ran.err) == (0, f"wrote {path}\n")
    text = path.read_text(encoding="utf-8")
    assert '"name": "PR \\udc80"' in text
    document = check_json(text)
    assert document["results"][0]["name"] == "PR \udc80"
    assert document["results"][0]["latency_data"] == {"p50": None, "p99": None}


def test_export_jsonl_holds_lone_surrogates(server: MockCekuraServer, tmp_path: Path) -> None:
    """Was: exit 2, ``cannot write ...: text cannot be encoded as UTF-8``."""
    payload = payloads.failing_result(5000)
    payload["runs"]["86101"]["scenario_name"] = "Re\ud800schedule"
    server.results[5000] = payload
    path = tmp_path / "runs.jsonl"
    ran = cli(server, "export", "5000", "--format", "jsonl", "-o", str(path))
    assert (ran.code, ran.err) == (0, "exported 4 runs of 1 results\n")
    first = path.read_text(encoding="utf-8").split("\n")[0]
    assert '"scenario": "Re\\ud800schedule"' in first
    assert check_json(first)["scenario"] == "Re\ud800schedule"


@pytest.mark.parametrize(
    "time", ["99999999999999:00", "1" * 5000 + ":00"], ids=["past timedelta", "past int()"]
)
def test_a_turn_time_past_what_a_duration_holds_is_none(time: str) -> None:
    """Was: OverflowError (ValueError for 5,000 digits) reading ``time``, so ``to_dict`` and
    the JSON report failed."""
    payload = payloads.failing_result()
    payload["runs"]["86103"]["transcript_object"][0]["time"] = time
    result = Result.from_dict(payload)
    assert result.run(86103).transcript[0].time is None
    turn = result.to_dict()["runs"][2]["transcript"][0]
    assert turn["time"] is None and turn["role"] == "Main Agent"


# --- the shared helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "link", "text"),
    [
        ("https://recordings.cekura.ai/1.wav", "https://recordings.cekura.ai/1.wav", None),
        ("HTTP://X/A.WAV", "HTTP://X/A.WAV", None),
        ("http://[::1]:8000/a.wav", "http://[::1]:8000/a.wav", None),
        ("http://[", None, "http://["),
        ("https://[::1", None, "https://[::1"),
        ("https://x:99999999/a.wav", None, "https://x:99999999/a.wav"),
        ("https://x/\udc80.wav", None, "https://x/\udc80.wav"),
        ("https://x/a b.wav", None, "https://x/a b.wav"),
        ("https://x/\u202e.wav", None, "https://x/\u202e.wav"),
        ("https://", None, "https://"),
        ("javascript:alert(1)", None, None),
        (" javascript:alert(1)", None, None),
        ("data:text/html,<script>", None, None),
        ("ftp://x/a.wav", None, None),
        ("//x/a.wav", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_link_target_and_unlinked_url(url: str | None, link: str | None, text: str | None) -> None:
    assert (link_target(url), unlinked_url(url)) == (link, text)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "-"),
        (0.0, "0:00"),
        (-0.4, "0:00"),
        (-5, "-0:05"),
        (59.6, "1:00"),
        (3725, "1:02:05"),
        (86_399_999_999_999.0, "23999999999:59:59"),
        (1e14, "1e+14 s"),
        (-1.7e308, "-1.7e+308 s"),
    ],
)
def test_format_seconds(value: float | None, shown: str) -> None:
    assert format_seconds(value) == shown


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [(None, 1, "-"), (87.5, 1, "87.5%"), (100.0, 0, "100%"), (595346.0, 1, "595346.0%"),
     (1.7e308, 1, "1.7e+308%"), (-1e9, 0, "-1e+09%")],
)  # fmt: skip
def test_format_percent(value: float | None, places: int, shown: str) -> None:
    assert format_percent(value, places) == shown


def test_mean_of_values_whose_sum_overflows() -> None:
    assert mean([]) is None
    assert mean([1.7e308, 1.7e308]) == 1.7e308
    assert mean([MAX, -MAX, 1.0]) == pytest.approx(1 / 3)


def test_json_text_is_json_any_tool_reads() -> None:
    text = json_text({"a\udc80": [math.nan, -math.inf, 1e308, "é\\\ud800"]}, indent=1)
    text.encode("utf-8")
    assert text == '{\n "a\\udc80": [\n  null,\n  null,\n  1e+308,\n  "é\\\\\\ud800"\n ]\n}'
    assert check_json(text) == {"a\udc80": [None, None, 1e308, "é\\\ud800"]}
