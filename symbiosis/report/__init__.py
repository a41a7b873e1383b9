"""Reports for cluster meetings: a self-contained HTML file and a PDF of one ``Result``, with
the park's map, flows, exchanges, savings, what changed since the last run, assumptions and
sources; and the run history in SQLite.

>>> from symbiosis.report import publish
>>> published = publish(result, park, "reports/raufoss")     # doctest: +SKIP
>>> published.html                                            # doctest: +SKIP
"""

from symbiosis.lazy import lazy_names

# Imported on first use: ``optimize`` needs one helper of this package (``numbers``), not
# matplotlib and the PDF writer (about 0.4 s at every command's start). No module is named as
# one of these names (``publish`` lives in ``publishing``): importing a submodule sets the
# package's attribute of its name, which would hide the function.
__getattr__ = lazy_names(__name__, {
    "Changes": "symbiosis.report.changes", "compare": "symbiosis.report.changes",
    "Report": "symbiosis.report.document", "build_report": "symbiosis.report.document",
    "History": "symbiosis.report.history", "Run": "symbiosis.report.history",
    "default_path": "symbiosis.report.history", "render_html": "symbiosis.report.html",
    "write_pdf": "symbiosis.report.pdf", "PlotAccessor": "symbiosis.report.plots",
    "Published": "symbiosis.report.publishing", "publish": "symbiosis.report.publishing",
    "write_report": "symbiosis.report.publishing",
})

__all__ = ["Changes", "History", "PlotAccessor", "Published", "Report", "Run", "build_report", "compare",
           "default_path", "publish", "render_html", "write_pdf", "write_report"]
