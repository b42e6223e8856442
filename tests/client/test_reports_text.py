"""What every report shows of server text (reports/_text.py): size caps with a note wherever
something was cut, mentions and autolinks neutralised in Markdown (read back by cmark-gfm,
GitHub's own parser), and bidi controls shown as escapes in every format."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import cmarkgfm
import pytest

from cekura_client import Result
from cekura_client.reports import (
    MAX_FILE_TRANSCRIPT_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_TEXT_CHARS,
    MAX_TRANSCRIPT_CHARS,
    compare,
    comparison_markdown,
    to_ctrf,
    to_html,
    to_junit_xml,
    to_markdown,
)
from cekura_client.reports._junit import case_names
from cekura_client.testing import payloads

JSON = dict[str, Any]
WRITERS: dict[str, Callable[[Result], str]] = {
    "html": to_html,
    "junit": to_junit_xml,
    "ctrf": to_ctrf,
    "markdown": to_markdown,
}


def failing_run() -> JSON:
    runs = payloads.failing_result()["runs"]
    assert isinstance(runs, dict)
    return copy.deepcopy(runs["86102"])


def result_of(runs: list[JSON], **fields: Any) -> Result:
    data = payloads.failing_result()
    data["runs"] = {str(run["id"]): run for run in runs}
    data.update(fields)
    return Result.from_dict(data)


def many(count: int, **fields: Any) -> list[JSON]:
    runs = []
    for i in range(count):
        run = failing_run()
        run.update(id=90_000 + i, **fields)
        runs.append(run)
    return runs


# --- size caps ---------------------------------------------------------------------------------


def test_a_long_message_is_clipped_with_a_note_in_every_writer() -> None:
    result = result_of(many(20, error_message="&" * 1_000_000))
    note = re.compile(r"&(amp;)?… \[99[0-9],[0-9]{3} more characters cut\]")
    for name, writer in WRITERS.items():
        text = writer(result)
        # 20 runs of 1 MB each: without the cap HTML was 210 MB and JUnit 210 MB.
        assert len(text) < 2_000_000, name
        if name != "markdown":  # Markdown cells have their own, smaller limits
            assert note.search(text), name


def test_the_junit_failure_message_and_text_are_clipped() -> None:
    result = result_of(many(1, error_message="x" * 100_000))
    xml = to_junit_xml(result)
    message = re.search(r'<failure message="([^"]*)"', xml)
    assert message is not None
    assert re.fullmatch(r"x{3900,}… \[96,[0-9]{3} more characters cut\]", message.group(1))
    assert len(message.group(1).split(";")[0]) <= MAX_TEXT_CHARS
    many_metrics = copy.deepcopy(payloads.failing_result()["runs"]["86103"])
    (metric, *_) = many_metrics["evaluation"]["metrics"]
    many_metrics["evaluation"]["metrics"] = [
        {**metric, "id": i, "name": f"m{i}" + "n" * 3_000} for i in range(100)
    ]
    xml = to_junit_xml(result_of([many_metrics]))
    message = re.search(r'<failure message="([^"]*)"', xml)
    assert message is not None
    assert MAX_MESSAGE_CHARS - 50 < len(message.group(1)) <= MAX_MESSAGE_CHARS
    assert message.group(1).endswith(" more characters cut]")


def test_a_transcript_of_two_hundred_thousand_empty_turns() -> None:
    run = failing_run()
    run["transcript_object"] = [{}] * 200_000
    result = result_of([run])
    html = to_html(result)
    assert html.count("<tr><td>0:00</td><td class='role'>?</td><td></td></tr>") < 10_000
    assert "turns shown (50,000 characters per run, 2,000,000 per report)" in html
    (test, *_) = json.loads(to_ctrf(result))["results"]["tests"]
    *shown, note = test["stdout"]
    assert sum(len(line) + 1 for line in shown) <= MAX_TRANSCRIPT_CHARS
    assert note.startswith(f"[transcript cut: {len(shown):,} of 200,000 turns shown ")
    assert "200,000 turns shown" in to_junit_xml(result)


def test_one_huge_turn_is_clipped_not_dropped() -> None:
    run = failing_run()
    run["transcript_object"] = [{"role": "Main Agent", "content": "word " * 100_000}]
    html = to_html(result_of([run]))
    assert "word " * 100 in html
    assert re.search(r"… \[496,[0-9]{3} more characters cut\]", html)


@pytest.mark.parametrize("writer", ["html", "junit", "ctrf"])
def test_the_file_allowance_for_transcripts(writer: str) -> None:
    turn = {"role": "Main Agent", "content": "y" * 3_000}
    count = MAX_FILE_TRANSCRIPT_CHARS // MAX_TRANSCRIPT_CHARS + 20
    result = result_of(many(count, transcript_object=[turn] * 30))
    text = WRITERS[writer](result)
    assert text.count("y" * 3_000) <= MAX_FILE_TRANSCRIPT_CHARS // 3_000
    left_out = "transcript of 30 turns left out: this report"
    assert text.count(left_out) >= 15
    assert len(text) < 3 * MAX_FILE_TRANSCRIPT_CHARS


def test_an_over_long_url_is_text_not_a_link() -> None:
    url = "https://recordings.cekura.ai/" + "a" * MAX_TEXT_CHARS
    result = result_of(many(1, voice_recording=url))
    html = to_html(result)
    assert f'href="{url}' not in html
    assert "more characters cut]" in html
    assert "](https://recordings.cekura.ai/aaaa" not in to_markdown(result)


def test_case_names_stay_unique_when_names_are_clipped() -> None:
    runs = many(3, scenario_name="s" * 50_000)
    names = case_names(result_of(runs).runs)
    assert len(set(names.values())) == 3
    assert all(len(name) < MAX_TEXT_CHARS for name in names.values())
    xml = to_junit_xml(result_of(runs))
    assert len(set(re.findall(r'<testcase classname="[^"]*" name="([^"]*)"', xml))) == 3


# --- Markdown: no mentions, autolinks or references from server text ---------------------------

HOSTILE = (
    "@octocat see https://evil.example/x and www.evil.example, mail ops@evil.example, "
    "fixes #12 and ![img](https://evil.example/i.png) <img src=x>"
)


def hostile_result() -> Result:
    run = failing_run()
    run.update(
        error_message=HOSTILE,
        scenario_name=HOSTILE,
        personality_name=HOSTILE,
        voice_recording="https://recordings.cekura.ai/ok.wav",
    )
    return result_of([run], name=HOSTILE, agent_name=HOSTILE)


def rendered(markdown: str) -> str:
    return str(cmarkgfm.github_flavored_markdown_to_html(markdown))


def test_github_links_only_what_the_report_chose() -> None:
    current = hostile_result()
    baseline = Result.from_dict(payloads.failing_result())
    markdown = to_markdown(current, baseline=baseline, comparison=None)
    markdown += "\n".join(comparison_markdown(compare(baseline, current, rule="thresholds")))
    html = rendered(markdown)
    links = re.findall(r'<a href="([^"]*)"', html)
    assert set(links) == {"https://recordings.cekura.ai/ok.wav"}
    assert "<img" not in html
    # GitHub's mentions and #references happen after parsing: none may survive as text.
    text = re.sub(r"<[^>]+>", "", html)
    assert not re.search(r"@[A-Za-z0-9]", text)
    assert not re.search(r"#[0-9]", text)
    assert "@\u200docto" in text and "#\u200d12" in text  # still reads the same


@pytest.mark.parametrize("writer", WRITERS)
def test_bidi_controls_are_visible_escapes(writer: str) -> None:
    run = failing_run()
    run.update(error_message="pay \u202eLIAF\u202c now", scenario_name="Refund \u2066x\u2069")
    text = WRITERS[writer](result_of([run], name="PR \u202e1"))
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", text)
    assert "\\u202e" in text
