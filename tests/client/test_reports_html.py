"""to_html: one self-contained file, checked as markup and opened in headless Chromium (no
console errors, no network requests, charts present and sized, transcripts expandable), with
screenshots. CEKURA_UPDATE_SCREENSHOTS=1 also copies the screenshots into docs/."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cekura_client import InvalidRequestError, Result
from cekura_client.reports import to_html
from cekura_client.testing import payloads
from tests.support.browser import Browser, Page

DOCS = Path(__file__).resolve().parents[2] / "docs"


def load(data: dict[str, object]) -> Result:
    return Result.from_dict(data)


@pytest.fixture(scope="module")
def failing_html() -> str:
    return to_html(load(payloads.failing_result()))


@pytest.fixture(scope="module")
def comparison_html() -> str:
    history = [load(payloads.nightly_result(i)) for i in payloads.NIGHTLY_RESULT_IDS]
    baseline = load(payloads.baseline_result())
    current = load(payloads.regressed_result())
    return to_html([*history, baseline, current], baseline=baseline)


# --- the markup -------------------------------------------------------------------------------


def test_self_contained(comparison_html: str) -> None:
    assert comparison_html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">" in comparison_html
    )
    assert "<script" not in comparison_html and "<link" not in comparison_html
    assert not re.search(r"""\ssrc=["']""", comparison_html)
    assert "@import" not in comparison_html and "url(" not in comparison_html
    # The only URLs are recording links, opened only when clicked.
    urls = set(re.findall(r'href="([^"]+)"', comparison_html))
    assert urls and all(u.startswith("https://recordings.cekura.ai/") for u in urls)


def test_sections_and_charts(comparison_html: str, failing_html: str) -> None:
    charts = re.findall(r'<svg class="chart" data-chart="([^"]+)"[^>]* width="(\d+)" '
                        r'height="(\d+)"', comparison_html)  # fmt: skip
    assert [name for name, _, _ in charts] == [
        "comparison", "history", "scenarios", "durations", "metric-pass-rates",
        "metric-scores-0", "metric-scores-1",
    ]  # fmt: skip
    assert all(int(w) > 100 and int(h) > 50 for _, w, h in charts)
    for section in ("verdict", "comparison", "history", "scenarios", "metrics", "failing", "runs"):
        assert f'id="{section}"' in comparison_html
    assert 'id="history"' not in failing_html and 'id="comparison"' not in failing_html
    assert 'data-verdict="failed"' in failing_html
    assert "FAILED - 2 of 4 runs did not succeed" in failing_html
    assert failing_html.count('<details class="failing-run"') == 2


def test_verdicts() -> None:
    assert 'data-verdict="passed"' in to_html(load(payloads.passing_result()))
    running = to_html(load(payloads.running_result()))
    assert 'data-verdict="pending"' in running
    assert "IN PROGRESS - status is &#x27;running&#x27;, not &#x27;completed&#x27;" in running


def test_server_text_is_escaped(comparison_html: str) -> None:
    assert "&lt;Gold &amp; Silver&gt; plan covered? \\x07\\x00" in comparison_html
    assert "(carrier &lt;Twilio&gt;)" in comparison_html
    assert "<Twilio>" not in comparison_html and "<Gold" not in comparison_html
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", comparison_html)


def test_hostile_names_and_urls() -> None:
    data = payloads.failing_result()
    run = data["runs"]["86102"]
    run["scenario_name"] = '"><script>alert(1)</script>'
    run["voice_recording"] = "javascript:alert(1)"
    html = to_html(load(data))
    assert (
        "<script" not in html
        and "javascript:" not in html.split("</style>")[1].split("Recording:")[1][:200]
    )
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_history_is_ordered_by_creation_whatever_the_order_given() -> None:
    nights = [load(payloads.nightly_result(i)) for i in reversed(payloads.NIGHTLY_RESULT_IDS)]
    undated = payloads.nightly_result(1101)
    undated["id"], undated["created_at"] = 1199, None
    html = to_html([*nights, load(undated)])
    history = html.split('id="history"')[1].split("</section>")[0]
    assert re.findall(r"<td class='num'>(\d+)</td><td>", history) == [
        "1199", "1101", "1102", "1103", "1104", "1105", "1106", "1107",
    ]  # fmt: skip
    assert "Result 1199:" in html  # the last one given is the one reported in detail


def test_needs_a_result() -> None:
    with pytest.raises(InvalidRequestError, match="^to_html needs at least one result$"):
        to_html([])


def test_a_result_without_runs_or_metrics() -> None:
    data = payloads.passing_result()
    data["runs"] = {}
    html = to_html(load(data))
    assert "No metric scores." in html and ">no data</text>" in html


# --- in Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    instance = Browser()
    try:
        yield instance
    finally:
        instance.close()


CHART_SIZES = """JSON.stringify([...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  return {name: svg.dataset.chart, width: box.width, height: box.height,
          shapes: svg.querySelectorAll('rect, path, circle').length};
}))"""


def open_report(browser: Browser, html: str, path: Path) -> Page:
    path.write_text(html, encoding="utf-8")
    return browser.open(path)


def charts(page: Page) -> dict[str, dict[str, float]]:
    import json

    return {c["name"]: c for c in json.loads(page.evaluate(CHART_SIZES))}


def save_screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / name
    width, height = page.screenshot(shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert width == 1280 and height > 900
    if os.environ.get("CEKURA_UPDATE_SCREENSHOTS"):
        shutil.copyfile(shot, DOCS / name)
    return shot


@pytest.mark.browser
def test_failing_report_in_chromium(browser: Browser, failing_html: str, tmp_path: Path) -> None:
    page = open_report(browser, failing_html, tmp_path / "failing.html")
    assert page.errors == []
    assert page.network_requests == []
    found = charts(page)
    assert set(found) == {"scenarios", "durations", "metric-pass-rates", "metric-scores-0"}
    for chart in found.values():
        assert chart["width"] >= 300 and chart["height"] >= 80 and chart["shapes"] >= 2
    # The transcripts are folded away until a failing run is opened.
    visible = "document.querySelector('#run-86103 table').checkVisibility()"
    assert page.evaluate(visible) is False
    page.evaluate("document.querySelector('#run-86103').open = true")
    assert page.evaluate(visible) is True
    height = page.evaluate(
        "document.querySelector('#run-86103 table').getBoundingClientRect().height"
    )
    assert height > 50
    assert page.evaluate("document.querySelector('#verdict h1').textContent") == (
        "✗ Result 1002: PR #482 - new insurance flow"
    )
    save_screenshot(page, tmp_path, "report-failing.png")


@pytest.mark.browser
def test_comparison_report_in_chromium(
    browser: Browser, comparison_html: str, tmp_path: Path
) -> None:
    page = open_report(browser, comparison_html, tmp_path / "compare.html")
    assert page.errors == []
    assert page.network_requests == []
    found = charts(page)
    assert found["history"]["width"] == 720 and found["history"]["shapes"] >= 10
    assert found["comparison"]["height"] > 200
    assert page.evaluate("document.querySelector('#comparison').dataset.regressed") == "true"
    assert (
        page.evaluate("[...document.querySelectorAll('#comparison .b-newly_failing')].length") == 2
    )
    page.evaluate("document.querySelectorAll('details.failing-run').forEach(d => d.open = true)")
    text = page.evaluate("document.querySelector('#run-86606').innerText")
    assert "Is my <Gold & Silver> plan covered? \\x07\\x00" in text
    save_screenshot(page, tmp_path, "report-compare.png")


@pytest.mark.browser
def test_the_harness_sees_errors_and_requests(browser: Browser, tmp_path: Path) -> None:
    """A control: a page that logs an error and loads an image is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><img src='http://127.0.0.1:9/x.png'><script>console.error('boom')</script>",
        encoding="utf-8",
    )
    page = browser.open(bad)
    assert "boom" in page.errors
    assert page.network_requests == ["http://127.0.0.1:9/x.png"]
