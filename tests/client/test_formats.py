"""The format registry: every entry is a --format choice, is found by its endings, and writes."""

from __future__ import annotations

import pytest

from cekura_client import Result
from cekura_client._formats import EXPORT_FORMATS, REPORT_FORMATS, by_ending
from cekura_client.cli import build_parser
from cekura_client.testing import payloads


def test_the_longest_ending_wins_and_case_does_not_matter() -> None:
    assert by_ending(REPORT_FORMATS, "Nightly.CTRF.JSON") is REPORT_FORMATS["ctrf"]
    assert by_ending(REPORT_FORMATS, "results.json") is REPORT_FORMATS["json"]
    assert by_ending(REPORT_FORMATS, "r.htm") is REPORT_FORMATS["html"]
    assert by_ending(EXPORT_FORMATS, "runs.ndjson") is EXPORT_FORMATS["jsonl"]
    assert by_ending(REPORT_FORMATS, ".html") is None  # a bare ending names no file
    assert by_ending(REPORT_FORMATS, "notes.txt") is None


@pytest.mark.parametrize("name", list(REPORT_FORMATS))
def test_every_report_format_writes_one_and_several_results(name: str) -> None:
    form = REPORT_FORMATS[name]
    assert form.render is not None
    first = Result.from_dict(payloads.passing_result())
    last = Result.from_dict(payloads.failing_result())
    one = form.render([last], None, None)
    assert "1002" in one
    if form.one_result is None:
        assert "1001" in form.render([first, last], None, None)


def test_the_parser_offers_exactly_the_registry() -> None:
    parser = build_parser()
    for name in REPORT_FORMATS:
        assert parser.parse_args(["report", "1", "--format", name]).format == name
    with pytest.raises(SystemExit):
        parser.parse_args(["report", "1", "--format", "pdf"])
