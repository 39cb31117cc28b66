"""Problems found while reading a source, in the one frame every reader reports them in:
``source, row, column, value, reason`` and a stable ``code``
(:data:`~mint_index.errors.PROBLEM_COLUMNS`). Validation collects these frames from every
source and raises once."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mint_index.errors import PROBLEM_COLUMNS

__all__ = ["failures_frame", "first_rows", "other_units_warning", "source_columns"]


def failures_frame(
    source: str, row: Any, column: Any, value: Any, reason: Any, *, code: Any
) -> pd.DataFrame:
    """Problems in the standard columns plus ``code`` (a stable snake_case reason code;
    ``reason`` is the message); array arguments give one row per element."""
    frame = pd.DataFrame(
        {
            "source": source,
            "row": row,
            "column": column,
            "value": value,
            "reason": reason,
            "code": code,
        },
        index=[0] if all(np.ndim(a) == 0 for a in (row, column, value, reason, code)) else None,
    )
    frame["row"] = frame["row"].astype("Int64")
    return frame[PROBLEM_COLUMNS].astype({"value": object, "column": object})


def first_rows(codes: np.ndarray, n: int) -> np.ndarray:
    """Position of the first occurrence of every code ``0..n-1`` (-1 if absent)."""
    first = np.full(n, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return first


def source_columns(failures: list[pd.DataFrame], names: dict[str, str]) -> list[pd.DataFrame]:
    """Problems that name a column by the reader's own name (``year``, ``unit``, ``name``)
    named by the source's instead (``Jahr``, ``AGS``, ``Year``), so the user finds it."""
    if not names:
        return failures
    return [f.assign(column=f["column"].map(lambda c: names.get(c, c))) for f in failures]


def other_units_warning(source: str, row: int, units: Any, what: str = "unit(s)") -> pd.DataFrame:
    """The one warning (code ``other_units``) of a source whose rows of ``units`` the
    units table does not list were left out, at the first of those rows: a few of them
    shown, ``what`` they are (keys: ``unit(s)``, or ``name(s)`` of a table keyed by
    names)."""
    listed = list(units)
    shown = ", ".join(map(str, listed[:8])) + (", ..." if len(listed) > 8 else "")
    return failures_frame(
        source,
        row,
        "unit",
        shown,
        f"the rows of {len(listed)} {what} the units table does not list: left out "
        "(other_units: error reports them)",
        code="other_units",
    )
