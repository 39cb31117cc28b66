"""Council-ready HTML reports: overview, municipality profiles, year-on-year comparison.

Compute -> structure -> render: :mod:`.context` turns Results into plain data,
:mod:`.render` turns that data into self-contained HTML (inline CSS and SVG, no
JavaScript, no network), :mod:`.document` writes files. German and English share one
set of templates.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from mint_index.report.document import Report, compare_report, report

__all__ = ["Report", "compare_report", "report"]


class _CallablePackage(types.ModuleType):
    """Importing any ``mint_index.report.*`` module binds this package to the attribute
    ``mint_index.report``, where users expect the function ``mi.report``; calling the
    package therefore calls :func:`report`, whichever was imported first."""

    def __call__(self, *args: Any, **kwargs: Any) -> Report:
        return report(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
