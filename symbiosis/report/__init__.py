"""Reports for cluster meetings: a self-contained HTML file and a PDF of one ``Result``, with
the park's map, flows, exchanges, savings, what changed since the last run, assumptions and
sources; and the run history in SQLite.

>>> from symbiosis.report import publish
>>> published = publish(result, park, "reports/raufoss")     # doctest: +SKIP
>>> published.html                                            # doctest: +SKIP
"""

from symbiosis.report.changes import Changes, compare
from symbiosis.report.document import Report, build_report
from symbiosis.report.history import History, Run, default_path
from symbiosis.report.html import render_html
from symbiosis.report.pdf import write_pdf
from symbiosis.report.plots import PlotAccessor
from symbiosis.report.publish import Published, publish, write_report

__all__ = ["Changes", "History", "PlotAccessor", "Published", "Report", "Run", "build_report", "compare",
           "default_path", "publish", "render_html", "write_pdf", "write_report"]
