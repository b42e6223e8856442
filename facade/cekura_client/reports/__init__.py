"""Reports built on the typed :class:`~cekura_client.Result`: JUnit XML and CTRF JSON for CI
test views, Markdown for step summaries and PR comments, a self-contained HTML report with
charts, a comparison of two results, and flat rows for spreadsheets and dataframes.

>>> from cekura_client.reports import compare, to_ctrf, to_html, to_junit_xml, to_markdown
>>> xml = to_junit_xml(result, baseline=previous, labels={(7003, "Elderly caller"): "flaky"})
>>> ctrf = to_ctrf(result, baseline=previous)
>>> comparison = compare(previous, result); comparison.regressed, comparison.newly_failing

Every report caps what it shows of server text, with a note wherever something was cut:
:data:`MAX_TEXT_CHARS` per piece of text, :data:`MAX_MESSAGE_CHARS` per message made of several,
:data:`MAX_TRANSCRIPT_CHARS` per run's transcript and
:data:`MAX_FILE_TRANSCRIPT_CHARS` of transcript per file. ``Result.raw`` and the JSON export keep
everything.
"""

from ._compare import (
    Comparison,
    DurationChange,
    MetricChange,
    ScenarioChange,
    compare,
    format_comparison,
)
from ._ctrf import to_ctrf
from ._html import to_html
from ._junit import to_junit_xml
from ._markdown import GITHUB_STEP_SUMMARY_LIMIT, comparison_markdown, to_markdown
from ._table import columns, rows, runs_table, to_dataframe
from ._text import (
    MAX_FILE_TRANSCRIPT_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_TEXT_CHARS,
    MAX_TRANSCRIPT_CHARS,
)

__all__ = [
    "GITHUB_STEP_SUMMARY_LIMIT",
    "MAX_FILE_TRANSCRIPT_CHARS",
    "MAX_MESSAGE_CHARS",
    "MAX_TEXT_CHARS",
    "MAX_TRANSCRIPT_CHARS",
    "Comparison",
    "DurationChange",
    "MetricChange",
    "ScenarioChange",
    "columns",
    "compare",
    "comparison_markdown",
    "format_comparison",
    "rows",
    "runs_table",
    "to_ctrf",
    "to_dataframe",
    "to_html",
    "to_junit_xml",
    "to_markdown",
]
