"""The output formats of ``report`` and ``export``: one entry per format, read by the argument
parser (``--format`` choices, the format inferred from ``-o FILE``, the help text) and by the
command that writes it. Adding a format is adding an entry here and its writer.

Writers are imported when a report is written, not when ``--help`` builds the parser.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from ._text import json_text

if TYPE_CHECKING:
    from .reports import Comparison
    from .types.result import Result

__all__ = ["EXPORT_FORMATS", "REPORT_FORMATS", "Format", "by_ending"]

#: ``render(results, baseline, comparison)``: the document for ``results`` (the last one in
#: detail), compared with ``baseline`` when there is one.
Render = Callable[[Sequence["Result"], "Result | None", "Comparison | None"], str]


@attrs.frozen
class Format:
    """One ``--format``: its name, the ``-o`` file endings that select it, and (for ``report``)
    how to write it. ``one_result``, when set, says why the format takes a single result."""

    name: str
    endings: tuple[str, ...]
    render: Render | None = None
    one_result: str | None = None


def _html(results: Sequence[Result], baseline: Result | None, c: Comparison | None) -> str:
    from .reports import to_html  # noqa: PLC0415  (see the module docstring)

    return to_html(results, baseline=baseline, comparison=c)


def _junit(results: Sequence[Result], baseline: Result | None, c: Comparison | None) -> str:
    from .reports import to_junit_xml  # noqa: PLC0415
    from .reports._cli import merge_junit  # noqa: PLC0415

    last = to_junit_xml(results[-1], baseline=baseline, comparison=c)
    if len(results) == 1:
        return last
    return merge_junit([to_junit_xml(r) for r in results[:-1]] + [last])


def _markdown(results: Sequence[Result], baseline: Result | None, c: Comparison | None) -> str:
    from .reports import GITHUB_STEP_SUMMARY_LIMIT, to_markdown  # noqa: PLC0415
    from .reports._markdown import MIN_MAX_BYTES  # noqa: PLC0415

    # An even share of the step summary's limit, but never less than a report can be.
    budget = max(GITHUB_STEP_SUMMARY_LIMIT // len(results), MIN_MAX_BYTES)
    *earlier, last = results
    parts = [to_markdown(r, max_bytes=budget) for r in earlier]
    parts.append(to_markdown(last, baseline=baseline, max_bytes=budget, comparison=c))
    return "\n---\n\n".join(parts)


def _ctrf(results: Sequence[Result], baseline: Result | None, c: Comparison | None) -> str:
    from .reports import to_ctrf  # noqa: PLC0415

    return to_ctrf(results[-1], baseline=baseline, comparison=c)


def _json(results: Sequence[Result], baseline: Result | None, c: Comparison | None) -> str:
    data: dict[str, Any] = {
        "results": [r.to_dict() for r in results],
        "comparison": None if c is None else c.to_dict(),
    }
    # NaN kept as received, lone surrogates: JSON other tools read, text a file holds.
    return json_text(data, indent=2) + "\n"


REPORT_FORMATS: Final = {
    f.name: f
    for f in (
        Format("html", (".html", ".htm"), _html),
        Format("markdown", (".md", ".markdown"), _markdown),
        Format("junit", (".xml",), _junit),
        Format("ctrf", (".ctrf.json",), _ctrf, one_result="a CTRF document is one test run"),
        Format("json", (".json",), _json),
    )
}
EXPORT_FORMATS: Final = {
    f.name: f for f in (Format("csv", (".csv",)), Format("jsonl", (".jsonl", ".ndjson")))
}


def by_ending(formats: dict[str, Format], filename: str) -> Format | None:
    """The format whose ending ``filename`` has (case-insensitive; the longest ending wins, so
    ``x.ctrf.json`` is CTRF and any other ``.json`` is JSON); None when none matches."""
    name = filename.lower()
    found = [
        (len(ending), f)
        for f in formats.values()
        for ending in f.endings
        if name.endswith(ending) and len(name) > len(ending)
    ]
    return max(found, key=lambda pair: pair[0])[1] if found else None
