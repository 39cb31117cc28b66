"""Council-ready HTML reports: overview, municipality profiles, year-on-year comparison.

Compute -> structure -> render: :mod:`.context` turns Results into plain data,
:mod:`.render` turns that data into self-contained HTML (inline CSS and SVG, no
JavaScript, no network), :mod:`.document` writes files. German and English share one
set of templates.
"""

from __future__ import annotations

from mint_index.reports.document import Report, compare_report, report

__all__ = ["Report", "compare_report", "report"]
