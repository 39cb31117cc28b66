"""Report contexts: what a report says, as plain data (one module per page).

This module gathers the page builders for callers that want them in one place:
:func:`prepare` (:mod:`.data`), :func:`overview_context` (:mod:`.overview`),
:func:`profile_context` (:mod:`.profile`) and :func:`compare_context` (:mod:`.comparison`).
"""

from __future__ import annotations

from mint_index.reports.comparison import compare_context
from mint_index.reports.data import (
    STABLE_SHARE,
    SUPPRESSED_REASONS,
    ReportData,
    note_kind,
    prepare,
    profile_filename,
)
from mint_index.reports.methodology import describe_compute
from mint_index.reports.overview import HEATMAP_MAX_UNITS, overview_context
from mint_index.reports.profile import SCORECARD_COLUMNS, profile_context

__all__ = [
    "HEATMAP_MAX_UNITS",
    "SCORECARD_COLUMNS",
    "STABLE_SHARE",
    "SUPPRESSED_REASONS",
    "ReportData",
    "compare_context",
    "describe_compute",
    "note_kind",
    "overview_context",
    "prepare",
    "profile_context",
    "profile_filename",
]
