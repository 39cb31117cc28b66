"""The error classes: the one-line summary a DataValidationError prints."""

from __future__ import annotations

import math

import pandas as pd

import mint_index as mi


def test_summary_names_a_row_and_column_only_where_there_is_one() -> None:
    """A missing row or column (None, NaN, or pandas' NA, as a text column holds it) is
    left out: pd.NA once broke the summary (its truth value is ambiguous), and a column
    given as None read ``:nan`` under pandas 3."""
    failures = pd.DataFrame(
        {
            "source": ["a.csv", "b.csv", "c.csv", "d.csv"],
            "row": pd.array([2, None, None, None], dtype=object),
            "column": ["unit", "", None, "value"],
            "value": ["", "", "", "x"],
            "reason": ["r1", "r2", "r3", "r4"],
        }
    )
    failures.loc[2, "row"] = math.nan
    failures.loc[3, "row"] = pd.NA
    lines = str(mi.DataValidationError(failures)).splitlines()
    assert lines[0] == "4 problem(s) in the data:"
    assert lines[1].split() == ["a.csv:2:unit", "r1"]
    assert lines[2].split() == ["b.csv", "r2"]
    assert lines[3].split() == ["c.csv", "r3"]
    assert lines[4].split() == ["d.csv:value", "r4", "(value", "'x')"]
