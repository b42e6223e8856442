"""Small inline SVG charts for the HTML report: no script, no fonts or images to fetch.

Every chart is an ``<svg class="chart">`` with explicit ``width``/``height``, a ``viewBox`` and a
``<title>``, so it renders at a known size anywhere and is described to screen readers.

Any finite value is drawn inside its chart: rates outside 0-100 at the edge, values as far apart
as -1.7e308 and 1.7e308 (whose difference overflows) in the histogram; the text labels say the
values as they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ._text import format_percent, html_text, truncate

__all__ = ["FAIL", "PASS", "PENDING", "bar_rates", "histogram", "line_chart", "stacked_bars"]

PASS, FAIL, PENDING, BASE, INK, GRID = (
    "#2da44e",
    "#cf222e",
    "#bf8700",
    "#8c959f",
    "#24292f",
    "#d0d7de",
)
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'
#: Farther than any chart reaches: a coordinate is clipped here, never written as inf or nan.
_FAR = 100_000.0


def _xy(value: float) -> str:
    """A coordinate or length for an attribute: one decimal, finite, within +-_FAR. The charts
    scale their data into their box; this keeps a scale that still went wrong from writing
    ``inf`` or a 300-digit number."""
    return f"{0.0 if math.isnan(value) else min(max(value, -_FAR), _FAR):.1f}"


def _rate_share(rate: float) -> float:
    """A percentage as a share of the plot, 0-1 (a rate the server sent beyond 0-100 is drawn
    at the edge)."""
    return min(max(rate, 0.0), 100.0) / 100


def _svg(name: str, title: str, width: int, height: int, body: list[str]) -> str:
    return (
        f'<svg class="chart" data-chart="{html_text(name)}" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        f"{_FONT}><title>{html_text(title)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", fill: str = INK) -> str:
    return (
        f'<text x="{_xy(x)}" y="{_xy(y)}" text-anchor="{anchor}" fill="{fill}">'
        f"{html_text(text)}</text>"
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, tip: str) -> str:
    return (
        f'<rect x="{_xy(x)}" y="{_xy(y)}" width="{_xy(max(w, 0))}" height="{_xy(h)}" '
        f'fill="{fill}"><title>{html_text(tip)}</title></rect>'
    )


def stacked_bars(
    name: str, title: str, rows: Sequence[tuple[str, int, int, int]], width: int = 620
) -> str:
    """One horizontal bar per row ``(label, passed, failed, pending)``, in run counts."""
    label_w, row_h, top = 270, 26, 8
    height = top + row_h * len(rows) + 28
    most = max((p + f + q for _, p, f, q in rows), default=1) or 1
    scale = (width - label_w - 40) / most
    body: list[str] = []
    for i, (label, passed, failed, pending) in enumerate(rows):
        y = top + i * row_h
        body.append(_text(label_w - 8, y + 16, truncate(label, 40), "end"))
        x = float(label_w)
        for count, color, word in ((passed, PASS, "passed"), (failed, FAIL, "failed"),
                                   (pending, PENDING, "pending")):  # fmt: skip
            if count:
                body.append(
                    _rect(x, y + 3, count * scale, row_h - 8, color, f"{label}: {count} {word}")
                )
                x += count * scale
        body.append(_text(x + 6, y + 16, f"{passed}/{passed + failed + pending}"))
    legend_y = top + row_h * len(rows) + 16
    for j, (color, word) in enumerate(((PASS, "passed"), (FAIL, "failed"), (PENDING, "pending"))):
        body.append(_rect(label_w + j * 90, legend_y - 9, 10, 10, color, word))
        body.append(_text(label_w + j * 90 + 14, legend_y, word))
    return _svg(name, title, width, height, body)


def histogram(
    name: str,
    title: str,
    values: Sequence[float],
    *,
    unit: str = "",
    bins: int = 8,
    width: int = 420,
    height: int = 200,
    color: str = "#0969da",
) -> str:
    """A histogram of ``values`` (bars of counts) with the range on the x axis."""
    left, bottom, top = 36, 34, 20
    body: list[str] = []
    if not values:
        body.append(_text(width / 2, height / 2, "no data", "middle", BASE))
        return _svg(name, title, width, height, body)
    low, high = min(values) + 0.0, max(values) + 0.0  # + 0.0: -0.0 is labelled 0
    # Values near -1.7e308 and 1.7e308: their span overflows, half of it does not. (Halving
    # is exact, so the bins are the same as without it.)
    scale = 2.0 if math.isinf(high - low) else 1.0
    step = (high / scale - low / scale) / bins
    if math.isclose(low, high) or not step > 0:
        # One bin a unit wide around the value; non-negative data (durations) stays >= 0.
        # (Past 2**53 a unit is below a float's resolution: the bin is the value itself.)
        low, high = low - 0.5, high + 0.5
        if low < 0 <= min(values):
            low, high = 0.0, max(high, 1.0)
        bins, scale, step = 1, 1.0, (high - low) or 1.0  # 1e17 +- 0.5 is 1e17: no width
    counts = [0] * bins
    for value in values:
        counts[min(int((value / scale - low / scale) / step), bins - 1)] += 1
    peak = max(counts)
    plot_w, plot_h = width - left - 10, height - top - bottom
    bar_w = plot_w / bins
    axis_y = top + plot_h
    body.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{width - 10}" y2="{axis_y}" stroke="{GRID}"/>'
    )
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        lo, hi = (min((low / scale + k * step) * scale, high) for k in (i, i + 1))
        body.append(
            _rect(left + i * bar_w + 1, top + plot_h - h, bar_w - 2, h, color,
                  f"{lo:.4g}-{hi:.4g}{unit}: {count}")
        )  # fmt: skip
        if count:
            body.append(_text(left + (i + 0.5) * bar_w, top + plot_h - h - 3, str(count), "middle"))
    body.append(_text(left, height - 14, f"{low:.4g}{unit}", "start"))
    body.append(_text(width - 10, height - 14, f"{high:.4g}{unit}", "end"))
    body.append(_text(left + plot_w / 2, height - 2, f"{len(values)} values", "middle", BASE))
    return _svg(name, title, width, height, body)


def bar_rates(
    name: str,
    title: str,
    rows: Sequence[tuple[str, float, float | None]],
    width: int = 620,
) -> str:
    """Horizontal bars of rates 0-100 ``(label, rate, baseline rate or None)``; the baseline
    is drawn as a grey marker."""
    label_w, row_h, top = 270, 26, 8
    plot_w = width - label_w - 60
    height = top + row_h * len(rows) + 28
    body: list[str] = []
    for i, (label, rate, base) in enumerate(rows):
        y = top + i * row_h
        body.append(_text(label_w - 8, y + 16, truncate(label, 40), "end"))
        body.append(_rect(label_w, y + 3, plot_w, row_h - 8, "#eaeef2", f"{label}"))
        color = PASS if rate >= 100 else (FAIL if rate < 80 else PENDING)
        body.append(
            _rect(label_w, y + 3, plot_w * _rate_share(rate), row_h - 8, color,
                  f"{label}: {format_percent(rate)}")
        )  # fmt: skip
        if base is not None:
            x = _xy(label_w + plot_w * _rate_share(base))
            body.append(
                f'<line x1="{x}" y1="{y + 1}" x2="{x}" y2="{y + row_h - 3}" stroke="{INK}" '
                f'stroke-width="3"><title>baseline: {format_percent(base)}</title></line>'
            )
        body.append(_text(label_w + plot_w + 6, y + 16, format_percent(rate, places=0)))
    legend_y = top + row_h * len(rows) + 16
    body.append(_text(label_w, legend_y, "0%"))
    body.append(_text(label_w + plot_w, legend_y, "100%", "end"))
    if any(base is not None for _, _, base in rows):
        body.append(_text(label_w + plot_w / 2, legend_y, "| = baseline", "middle", BASE))
    return _svg(name, title, width, height, body)


def line_chart(
    name: str,
    title: str,
    points: Sequence[tuple[str, float | None]],
    width: int = 720,
    height: int = 220,
) -> str:
    """A line of percentages (0-100) over labelled points (e.g. dates); None leaves a gap."""
    left, right, top, bottom = 40, 16, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    body: list[str] = []
    for tick in (0, 50, 100):
        y = top + plot_h * (1 - tick / 100)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 4, y + 4, f"{tick}%", "end", BASE))
    n = len(points)
    coords: list[tuple[float, float, str, float]] = []
    for i, (label, value) in enumerate(points):
        x = left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)
        if i == 0 or i == n - 1 or n <= 10 or i % math.ceil(n / 10) == 0:
            body.append(_text(x, height - 22, truncate(label, 12), "middle", BASE))
        if value is not None:
            coords.append((x, top + plot_h * (1 - _rate_share(value)), label, value))
    if coords:
        path = " ".join(
            f"{'M' if j == 0 else 'L'}{_xy(x)},{_xy(y)}" for j, (x, y, _, _) in enumerate(coords)
        )
        body.append(f'<path d="{path}" fill="none" stroke="#0969da" stroke-width="2"/>')
        for x, y, label, value in coords:
            color = PASS if value >= 100 else FAIL
            body.append(
                f'<circle cx="{_xy(x)}" cy="{_xy(y)}" r="4" fill="{color}">'
                f"<title>{html_text(label)}: {format_percent(value)}</title></circle>"
            )
    body.append(_text(left + plot_w / 2, height - 4, "success rate per result", "middle", BASE))
    return _svg(name, title, width, height, body)
