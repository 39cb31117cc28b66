"""Control characters in ids, names and labels: refused, with the cell named.

A unit key, variable name, unit name or peer group holding ESC, NUL or another control
character is never what a statistics office meant (it comes from a broken export or from
someone probing), and it would travel into file names, CSV files, reports and terminals.
So validation refuses it. Free text (descriptions in reports) is escaped where it is
shown instead: HTML escaping in reports, :func:`mint_index.cli.output.terminal_safe` on
the terminal. The checks run once per *distinct* text, not per cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mint_index.data.problems import failures_frame, first_rows
from mint_index.rules.text import CONTROL_IN_NAMES, escaped_controls

__all__ = [
    "CONTROL_REASON",
    "cell_control_failures",
    "has_control",
    "name_control_failures",
    "units_control_failures",
]

CONTROL_REASON = (
    "control character (ESC, NUL, tab, newline, or an invisible one: a zero-width space, a "
    "direction mark) in an id or name; remove it"
)


def has_control(values: np.ndarray | pd.Index) -> np.ndarray:
    """Which texts hold a control character (non-texts never do)."""
    series = pd.Series(np.asarray(values, dtype=object))
    holds = series.map(lambda v: isinstance(v, str) and CONTROL_IN_NAMES.search(v) is not None)
    return holds.to_numpy(dtype=bool)


def shown(values: np.ndarray) -> np.ndarray:
    """The texts with each control character written as an escape (``\\x1b``), so a
    problem listing can show the value without acting on it."""
    return np.asarray(
        [escaped_controls(str(v), CONTROL_IN_NAMES) for v in values],
        dtype=object,
    )


def cell_control_failures(cells: pd.DataFrame) -> list[pd.DataFrame]:
    """Unit keys and variable names holding control characters, at their first cell."""
    out = []
    for column in ("unit", "variable"):
        categories = cells[column].cat.categories
        bad = np.flatnonzero(has_control(categories))
        if not len(bad):
            continue
        first = first_rows(cells[column].cat.codes.to_numpy(), len(categories))[bad]
        bad, first = bad[first >= 0], first[first >= 0]
        frame = failures_frame(
            "",
            cells["row"].to_numpy()[first],
            column,
            shown(np.asarray(categories, dtype=object)[bad]),
            CONTROL_REASON,
            code="control_character",
        )
        frame["source"] = cells["source"].to_numpy()[first].astype(object)
        frame["row"] = frame["row"].astype("Int64")
        out.append(frame)
    return out


def name_control_failures(
    names: pd.Series | None, cells: pd.DataFrame, source: str
) -> list[pd.DataFrame]:
    """The unit names a source gives beside its keys (a GENESIS region's name, a plain
    table's name column: ``names``, by key) that hold control characters, each at the
    first row of its unit in ``cells``: they would become the units' names in reports."""
    if names is None or not len(names):
        return []
    bad = np.flatnonzero(has_control(names.to_numpy(dtype=object)))
    if not len(bad):
        return []
    codes, units = pd.factorize(cells["unit"].astype(object).to_numpy())
    at = pd.Index(units).get_indexer(names.index.to_numpy(dtype=object)[bad])
    first = np.where(at >= 0, first_rows(codes, len(units))[np.maximum(at, 0)], -1)
    rows = np.where(first >= 0, cells["row"].to_numpy()[np.maximum(first, 0)], np.nan)
    return [
        failures_frame(
            source,
            rows,
            "name",
            shown(names.to_numpy(dtype=object)[bad]),
            CONTROL_REASON,
            code="control_character",
        )
    ]


def units_control_failures(
    frame: pd.DataFrame, source: str, rows: np.ndarray, key_column: str
) -> list[pd.DataFrame]:
    """Keys and text columns (name, peer group, ...) of a units table holding control
    characters, each with its row and column."""
    out = []
    checks = [(key_column, frame.index.to_numpy(dtype=object))]
    checks += [(c, frame[c].to_numpy(dtype=object)) for c in frame.columns]
    for column, values in checks:
        bad = np.flatnonzero(has_control(values))
        if len(bad):
            out.append(
                failures_frame(
                    source,
                    rows[bad],
                    column,
                    shown(values[bad]),
                    CONTROL_REASON,
                    code="control_character",
                )
            )
    return out
