"""to_html: one self-contained file, checked as markup and opened in headless Chromium (no
console errors, no network requests, charts present and sized, transcripts expandable), with
screenshots. CEKURA_UPDATE_SCREENSHOTS=1 also copies the screenshots into docs/guides/."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from cekura_client import InvalidRequestError, Result
from cekura_client.reports import to_html
from cekura_client.testing import payloads
from tests.support.browser import Browser, Page

DOCS = Path(__file__).resolve().parents[2] / "docs" / "guides"


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
    # Two scenarios newly failing against one newly passing is within chance.
    assert page.evaluate("document.querySelector('#comparison').dataset.regressed") == "false"
    assert page.evaluate("document.querySelector('#comparison .rule').innerText").startswith(
        "Statistical rule at 95% confidence: 2 newly failing against 1 newly passing"
    )
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


# --- the scenario x result grid ---------------------------------------------------------------

#: Each scenario's runs in results 1101-1104 (oldest first): P passed, F failed, ? not evaluated;
#: "" not run, "PPF" three runs.
GRID_HISTORY: dict[tuple[int, str, str | None], tuple[str, str, str, str]] = {
    (9001, "Stable", None): ("P", "P", "P", "P"),
    (9002, "Breaks now", "Busy professional"): ("P", "", "P", "F"),
    (9003, "Flip-flop", None): ("P", "F", "P", "P"),
    (9004, "Repaired", None): ("F", "F", "F", "P"),
    (9005, "Brand new", None): ("", "", "", "P"),
    (9006, "Partly broken", None): ("P", "P", "P", "PPF"),
    (9007, "Always broken", None): ("F", "F", "F", "F"),
    (9008, "Retired", None): ("P", "P", "P", ""),
    (9009, "Unevaluated", None): ("P", "P", "P", "?"),
}
GRID_IDS = (1101, 1102, 1103, 1104)


def crafted(result_id: int, scenarios: dict[tuple[int, str, str | None], str]) -> Result:
    """A nightly result (its ID, date and name) whose runs are ``scenarios``' run codes."""
    data = payloads.nightly_result(result_id)
    template = next(iter(data["runs"].values()))
    runs: dict[str, object] = {}
    for (scenario, name, personality), codes in scenarios.items():
        for code in codes:
            run = {**template, "id": 6_000_000 + result_id * 1000 + len(runs)}
            run.update(scenario=scenario, scenario_name=name, personality_name=personality)
            run["success"] = {"P": True, "F": False, "?": None}[code]
            runs[str(run["id"])] = run
    data["runs"] = runs
    return load(data)


def grid_history(
    history: Mapping[tuple[int, str, str | None], tuple[str, ...]] = GRID_HISTORY,
    ids: tuple[int, ...] = GRID_IDS,
) -> list[Result]:
    return [
        crafted(result_id, {key: codes[i] for key, codes in history.items()})
        for i, result_id in enumerate(ids)
    ]


def grid_rows(html: str) -> list[tuple[str, str]]:
    """(label, scenario) of each grid row, in order."""
    return re.findall(
        r'<tr data-label="([^"]*)"><th scope="row" class="scn"><bdi>([^<]*)</bdi>', html
    )


def test_history_grid_only_with_two_or_more_results(
    failing_html: str, comparison_html: str
) -> None:
    assert 'id="history-grid"' not in failing_html
    assert 'id="history-grid"' in comparison_html
    assert comparison_html.index('id="history"') < comparison_html.index('id="history-grid"')
    result = load(payloads.failing_result())
    assert 'id="history-grid"' not in to_html([result, result])  # one result, given twice
    grid = to_html(grid_history()).split('id="history-grid"')[1].split("</section>")[0]
    assert "<caption" in grid and grid.count('<th scope="col"') == 2 + len(GRID_IDS)
    assert grid.count('<th scope="row"') == len(GRID_HISTORY)


def test_history_grid_labels_given_replace_its_own() -> None:
    history = grid_history()
    assert grid_rows(to_html(history)) == [
        ("new failure", "Breaks now"), ("new failure", "Partly broken"),
        ("flaky", "Flip-flop"), ("still failing", "Always broken"), ("fixed", "Repaired"),
        ("new scenario", "Brand new"), ("not run", "Retired"), ("not run", "Unevaluated"),
        ("stable pass", "Stable"),
    ]  # fmt: skip
    labels = {
        (9003, None): "stable pass",  # by scenario ID
        ("Always broken", None): "new failure",  # by name
        ("9004", None): "<b>odd</b>",  # by ID as text; a label the grid does not know
        (9002, None): "flaky",  # 9002 runs with a personality: this key is not its
    }
    html = to_html(history, labels=labels)
    assert grid_rows(html) == [
        ("new failure", "Always broken"), ("new failure", "Breaks now"),
        ("new failure", "Partly broken"), ("new scenario", "Brand new"),
        ("not run", "Retired"), ("not run", "Unevaluated"),
        ("&lt;b&gt;odd&lt;/b&gt;", "Repaired"), ("stable pass", "Flip-flop"),
        ("stable pass", "Stable"),
    ]  # fmt: skip
    assert 'data-labels="given"' in html and 'data-labels="simple"' in to_html(history)
    assert '<span class="hl hl-other"><bdi>&lt;b&gt;odd&lt;/b&gt;</bdi></span>' in html
    with pytest.raises(InvalidRequestError, match="^labels must be a mapping or None, not list$"):
        to_html(history, labels=[((9003, None), "flaky")])  # type: ignore[arg-type]


def test_history_grid_dates_carry_the_year_when_results_span_years() -> None:
    two_years = grid_history(ids=(1108, 1102, 1103, 1104))  # 1108 is 2016-11-21
    heads = re.findall(r'<span class="rid">(\d+)</span><span class="rdate">([^<]*)</span>',
                       to_html(two_years))  # fmt: skip
    assert heads[:2] == [("1108", "2016-11-21"), ("1102", "2026-11-13")]


GRID_CONTENT = """JSON.stringify({
  caption: document.querySelector('#history-grid caption').textContent,
  heads: [...document.querySelectorAll('#history-grid thead th')].map(th => th.innerText),
  rows: [...document.querySelectorAll('#history-grid tbody tr')].map(tr => [
    tr.querySelector('th[scope=row]').textContent,
    tr.querySelector('td.lbl').textContent,
    [...tr.querySelectorAll('td[data-state] > [aria-hidden=true]')].map(s => s.textContent),
    [...tr.querySelectorAll('td[data-state] > .vh')].map(s => s.textContent),
  ]),
})"""


@pytest.mark.browser
def test_history_grid_in_chromium(browser: Browser, tmp_path: Path) -> None:
    history = grid_history()
    given = [history[2], history[0], history[1], history[3]]  # ordered by creation, not as given
    page = open_report(browser, to_html(given), tmp_path / "grid.html")
    assert page.errors == [] and page.network_requests == []
    import json

    grid = json.loads(page.evaluate(GRID_CONTENT))
    assert grid["caption"] == "Outcome of each scenario in each of 4 results, oldest to newest"
    assert grid["heads"] == [
        "Scenario / personality", "Label",
        "1101\n11-12", "1102\n11-13", "1103\n11-14", "1104\n11-15",
    ]  # fmt: skip
    P, F, N = "✓", "✗", "–"
    assert [row[:3] for row in grid["rows"]] == [
        ["Breaks now / Busy professional", "new failure", [P, N, P, F]],
        ["Partly broken", "new failure", [P, P, P, "2/3"]],
        ["Flip-flop", "flaky", [P, F, P, P]],
        ["Always broken", "still failing", [F, F, F, F]],
        ["Repaired", "fixed", [F, F, F, P]],
        ["Brand new", "new scenario", [N, N, N, P]],
        ["Retired", "not run", [P, P, P, N]],
        ["Unevaluated", "not run", [P, P, P, "…"]],
        ["Stable", "stable pass", [P, P, P, P]],
    ]
    # What a screen reader says instead of the symbols (which it is told to skip).
    assert grid["rows"][0][3] == ["passed", "not run", "passed", "failed"]
    assert grid["rows"][1][3][3] == "2 of 3 runs passed"
    assert grid["rows"][7][3][3] == "not evaluated"
    # The newest result, reported in detail below, is marked.
    assert page.evaluate("document.querySelector('#history-grid th.current').innerText") == (
        "1104\n11-15"
    )


HOSTILE = "\"'><script>alert(1)</script><img src=x onerror=alert(1)>\u202eexe.txt\x07"


@pytest.mark.browser
def test_history_grid_hostile_names_stay_text(browser: Browser, tmp_path: Path) -> None:
    key = (9100, HOSTILE, "<i>Busy</i>\u2066")
    history = grid_history({key: ("P", "F"), **dict(list(GRID_HISTORY.items())[:2])},
                           ids=(1101, 1102))  # fmt: skip
    html = to_html(history, labels={(9100, "<i>Busy</i>\u2066"): "<u>flaky</u>\u202e"})
    grid = html.split('id="history-grid"')[1].split("</section>")[0]
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]", grid)
    page = open_report(browser, html, tmp_path / "hostile.html")
    assert page.errors == [] and page.network_requests == []
    assert page.evaluate("document.querySelectorAll('script, img, i, u').length") == 0
    row = (
        "[...document.querySelectorAll('#history-grid tbody tr')]"
        ".find(tr => tr.textContent.includes('alert(1)'))"
    )
    assert page.evaluate(f"{row}.querySelector('th').textContent") == (
        "\"'><script>alert(1)</script><img src=x onerror=alert(1)>\\u202eexe.txt\\x07"
        " / <i>Busy</i>\\u2066"
    )
    assert page.evaluate(f"{row}.querySelector('td.lbl').textContent") == "<u>flaky</u>\\u202e"


def big_history(results: int = 50, scenarios: int = 30) -> list[Result]:
    name = "Caller asks to move a recurring appointment to a later slot, scenario"
    history = {
        (9000 + s, f"{name} {s}", "Elderly caller" if s % 2 else None): tuple(
            "PPF"[(r + s) % 3] if (r * 7 + s * 3) % 11 else "F" for r in range(results)
        )
        for s in range(scenarios)
    }
    return grid_history(history, ids=tuple(range(1108 - results, 1108)))


GRID_LAYOUT = """(() => {
  const wrap = document.querySelector('#history-grid .hgrid-wrap');
  const box = el => el.getBoundingClientRect();
  const heads = document.querySelectorAll('#history-grid thead th[scope=col]');
  const scn = document.querySelector('#history-grid tbody th[scope=row]');
  const lbl = document.querySelector('#history-grid tbody td.lbl');
  return JSON.stringify({
    page: document.documentElement.scrollWidth, viewport: window.innerWidth,
    section: box(document.querySelector('#history-grid')).right,
    wrap: box(wrap), scrollWidth: wrap.scrollWidth, clientWidth: wrap.clientWidth,
    oldest: box(heads[2]), newest: box(heads[heads.length - 1]),
    scn: box(scn), lbl: box(lbl), columns: heads.length - 2,
    rows: document.querySelectorAll('#history-grid tbody tr').length,
  });
})()"""


@pytest.mark.browser
def test_history_grid_of_50_results_by_30_scenarios_scrolls_inside(
    browser: Browser, tmp_path: Path
) -> None:
    import json

    page = open_report(browser, to_html(big_history()), tmp_path / "big.html")
    assert page.errors == [] and page.network_requests == []
    browser.call("Emulation.setDeviceMetricsOverride", width=1280, height=900,
                 deviceScaleFactor=1, mobile=False)  # fmt: skip
    at_first = json.loads(page.evaluate(GRID_LAYOUT))
    assert (at_first["columns"], at_first["rows"]) == (50, 30)
    # The page does not overflow; the grid scrolls inside its own box.
    assert at_first["page"] <= at_first["viewport"] == 1280
    assert at_first["section"] <= 1280
    assert at_first["scrollWidth"] > 2 * at_first["clientWidth"]
    wrap = at_first["wrap"]
    # It opens on the newest results, next to the scenario names and labels.
    assert at_first["newest"]["right"] <= wrap["right"] + 1
    assert at_first["oldest"]["right"] < wrap["left"]
    assert at_first["lbl"]["left"] >= at_first["scn"]["right"] - 1
    # Scrolled to the oldest, the names and labels stay where they were (sticky).
    page.evaluate("(w => w.scrollLeft = -w.scrollWidth)"
                  "(document.querySelector('#history-grid .hgrid-wrap'))")  # fmt: skip
    scrolled = json.loads(page.evaluate(GRID_LAYOUT))
    assert scrolled["oldest"]["left"] >= scrolled["lbl"]["right"] - 1
    assert scrolled["newest"]["left"] > wrap["right"]
    assert scrolled["scn"] == at_first["scn"] and scrolled["lbl"] == at_first["lbl"]
    assert abs(scrolled["scn"]["left"] - wrap["left"]) <= 2


def save_clip(page: Page, tmp_path: Path, name: str, selector: str) -> Path:
    """A PNG of one element (with a margin) at 1280 CSS pixels wide."""
    import base64
    import json

    page.browser.call("Emulation.setDeviceMetricsOverride", width=1280, height=900,
                      deviceScaleFactor=1, mobile=False)  # fmt: skip
    box = json.loads(page.evaluate(
        f"JSON.stringify((r => ({{y: r.top + scrollY, height: r.height}}))"
        f"(document.querySelector('{selector}').getBoundingClientRect()))"
    ))  # fmt: skip
    shot = page.browser.call(
        "Page.captureScreenshot",
        format="png",
        captureBeyondViewport=True,
        clip={"x": 0, "y": box["y"] - 12, "width": 1280, "height": box["height"] + 24, "scale": 1},
    )
    path = tmp_path / name
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(path.read_bytes()) < 300_000
    if os.environ.get("CEKURA_UPDATE_SCREENSHOTS"):
        shutil.copyfile(path, DOCS / name)
    return path


@pytest.mark.browser
def test_history_grid_screenshot(browser: Browser, tmp_path: Path) -> None:
    """Two weeks of nightly results, the baseline and a change that breaks a scenario."""
    nights = [load(data) for data in payloads.nightly_results(14).values()]
    regressed = payloads.regressed_result()
    regressed["runs"]["86602"]["success"] = False  # Reschedule cleaning / Elderly caller
    html = to_html([*nights, load(payloads.baseline_result()), load(regressed)])
    page = open_report(browser, html, tmp_path / "history.html")
    assert page.errors == [] and page.network_requests == []
    labels = page.evaluate(
        "[...document.querySelectorAll('#history-grid tbody tr')].map(tr => tr.dataset.label)"
    )
    assert labels[0] == "new failure" and labels.count("flaky") == 4
    save_clip(page, tmp_path, "report-history.png", "#history-grid")
