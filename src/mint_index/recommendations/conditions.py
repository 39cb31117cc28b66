"""Evaluate structured rule conditions over every (unit, year) at once.

A :class:`Panel` has rows (unit, year) and a column per node: the measures of the gaps table
(score, gaps, parity gap, change, trend), the flags and a ``reliable`` matrix. A condition
tree becomes boolean numpy masks over all rows, reading only the node columns it tests;
nothing is evaluated per unit and nothing is ``eval``-ed.

Logic is three-valued (Kleene): a test on a missing value, or on a node whose data are too
sparse or unreliable, is *unknown*. ``all`` is true when every part is true and false as
soon as one part is false; ``any`` the other way round; ``not`` swaps true and false and
keeps unknown. So a rule still fires when the reliable data alone decide it, and a rule
whose outcome hangs on unreliable data is reported as a data-quality note instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from mint_index.gap_analysis import MEASURES
from mint_index.recommendations.rules import AllOf, AnyOf, Condition, NodeCondition, NotOf

__all__ = ["PANEL_MEASURES", "Columns", "Matrices", "Panel", "Truth", "evaluate"]

#: Columns of the gaps table a panel holds (conditions read all but ``value``).
PANEL_MEASURES = MEASURES


@dataclass(frozen=True)
class Truth:
    """Three-valued truth per row: ``true`` and ``false`` masks; neither means unknown."""

    true: np.ndarray
    false: np.ndarray

    @property
    def unknown(self) -> np.ndarray:
        return ~(self.true | self.false)


class Columns(Protocol):
    """Numbers (or flags) per row and node, read one node's column at a time, so nothing
    has to exist for every cell and measure at once."""

    def column(self, name: str, node: int) -> np.ndarray:
        """``name`` for every row at column ``node``."""
        ...


@dataclass(frozen=True)
class Matrices:
    """:class:`Columns` held as ``[row, node]`` matrices; a name it lacks reads ``fill``."""

    data: Mapping[str, np.ndarray]
    shape: tuple[int, int]
    fill: float | bool = np.nan

    def column(self, name: str, node: int) -> np.ndarray:
        matrix = self.data.get(name)
        return np.full(self.shape[0], self.fill) if matrix is None else matrix[:, node]


@dataclass(frozen=True)
class Panel:
    """Rows ``(unit, year)`` by nodes: measures and flags per cell.

    ``measures`` reads the columns of the gaps table (score, gaps, parity gap, change,
    trend); ``flags`` the flags (``missing`` matches every ``missing:<reason>``; for
    aggregates: any indicator below them). ``reliable[r, j]`` is False where node ``j``'s
    data for row ``r`` are too sparse, imputed or unreliable to act on; tests on such cells
    are unknown. ``active`` marks rows where the unit has any data at all (a unit merged
    away has none): only those get data-quality notes.
    """

    units: np.ndarray  # [row] str
    years: np.ndarray  # [row] int
    nodes: tuple[str, ...]
    measures: Columns  # measure -> float
    reliable: np.ndarray  # bool [row, node]
    flags: Columns  # flag -> bool
    active: np.ndarray | None = None  # bool [row]: the unit has data that year (None: all)

    @property
    def n_rows(self) -> int:
        return len(self.units)

    def column(self, node: str) -> int:
        try:
            return self.nodes.index(node)
        except ValueError:
            raise KeyError(f"node {node!r} is not in the gaps table") from None

    def flag(self, name: str, node: int) -> np.ndarray:
        """Rows where node ``node`` (a position) carries flag ``name``."""
        return np.asarray(self.flags.column(name, node), dtype=bool)

    @classmethod
    def from_gaps(
        cls,
        gaps: pd.DataFrame,
        flags: pd.DataFrame | None = None,
        reliable: pd.DataFrame | None = None,
        nodes: Sequence[str] | None = None,
    ) -> Panel:
        """Pivot a tidy gaps table (``unit, year, node`` and measure columns).

        ``flags`` is tidy ``unit, year, node, flag`` (flags with ``detail`` for missing
        reasons become ``missing:<detail>`` too); ``reliable`` is tidy ``unit, year, node,
        reliable``. Cells absent from ``reliable`` count as reliable. Measures the table does
        not have are all-NaN.
        """
        unit_codes, units = pd.factorize(gaps["unit"].astype(str), sort=True)
        year_codes, years = pd.factorize(gaps["year"].astype(np.int64), sort=True)
        node_list = list(nodes) if nodes is not None else list(dict.fromkeys(gaps["node"]))
        node_codes = pd.Index(node_list).get_indexer(pd.Index(gaps["node"].astype(str)))
        keep = node_codes >= 0
        # every (unit, year) pair in the table, in sorted order
        pair = unit_codes * len(years) + year_codes
        row_keys, row_codes = np.unique(pair, return_inverse=True)
        shape = (len(row_keys), len(node_list))

        def scatter(values: np.ndarray, fill: float | bool, dtype: type) -> np.ndarray:
            out: np.ndarray = np.full(shape, fill, dtype=dtype)
            out[row_codes[keep], node_codes[keep]] = values[keep]
            return out

        measures = {
            m: scatter(gaps[m].to_numpy(dtype=np.float64, na_value=np.nan), np.nan, np.float64)
            for m in PANEL_MEASURES
            if m in gaps.columns
        }
        row_of = pd.Series(np.arange(len(row_keys)), index=row_keys)

        def cells(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            """Panel row and node of each line of a tidy frame, and which lines are cells."""
            u = pd.Index(units).get_indexer(frame["unit"].astype(str))
            y = pd.Index(years).get_indexer(frame["year"].astype(np.int64))
            n = pd.Index(node_list).get_indexer(pd.Index(frame["node"].astype(str)))
            r = row_of.reindex(u * len(years) + y).to_numpy(dtype=np.float64, na_value=-1.0)
            ok = (u >= 0) & (y >= 0) & (n >= 0) & (r >= 0)
            return r[ok].astype(np.int64), n[ok], ok

        rel = np.ones(shape, dtype=bool)
        if reliable is not None and len(reliable):
            r, n, ok = cells(reliable)
            rel[r, n] = reliable["reliable"].to_numpy(dtype=bool)[ok]
        flag_masks: dict[str, np.ndarray] = {}
        if flags is not None and len(flags):
            r, n, ok = cells(flags)
            names = flags["flag"].astype(str).to_numpy(dtype=object)[ok]
            detail = (
                flags["detail"]
                .astype(object)
                .where(flags["detail"].notna(), "")
                .astype(str)
                .to_numpy(dtype=object)[ok]
                if "detail" in flags.columns
                else np.full(len(names), "", dtype=object)
            )
            qualified = np.where((names == "missing") & (detail != ""), "missing:" + detail, "")
            for name in sorted(set(names) | set(qualified[qualified != ""])):
                hit = (names == name) | (qualified == name)
                mask = np.zeros(shape, dtype=bool)
                mask[r[hit], n[hit]] = True
                flag_masks[name] = mask
            missing = [m for k, m in flag_masks.items() if k.split(":")[0] == "missing"]
            flag_masks["missing"] = np.logical_or.reduce([*missing, np.zeros(shape, bool)])

        return cls(
            units=np.asarray(units[row_keys // len(years)], dtype=object),
            years=np.asarray(years[row_keys % len(years)], dtype=np.int64),
            nodes=tuple(node_list),
            measures=Matrices(measures, shape),
            reliable=rel,
            flags=Matrices(flag_masks, shape, fill=False),
        )


def evaluate(condition: Condition, panel: Panel) -> Truth:
    """The condition's truth for every row of ``panel``."""
    if isinstance(condition, AllOf):
        parts = [evaluate(c, panel) for c in condition.all]
        return Truth(
            np.logical_and.reduce([p.true for p in parts]),
            np.logical_or.reduce([p.false for p in parts]),
        )
    if isinstance(condition, AnyOf):
        parts = [evaluate(c, panel) for c in condition.any]
        return Truth(
            np.logical_or.reduce([p.true for p in parts]),
            np.logical_and.reduce([p.false for p in parts]),
        )
    if isinstance(condition, NotOf):
        inner = evaluate(condition.not_, panel)
        return Truth(inner.false, inner.true)
    return _leaf(condition, panel)


def _leaf(condition: NodeCondition, panel: Panel) -> Truth:
    j = panel.column(condition.node)
    if condition.flag is not None:
        hit = panel.flag(condition.flag, j)
        return Truth(hit, ~hit)
    threshold = condition.threshold
    assert threshold is not None
    x = panel.measures.column(condition.measure, j)
    known = ~np.isnan(x) & panel.reliable[:, j]
    with np.errstate(invalid="ignore"):
        hit = np.ones(len(x), dtype=bool)
        if threshold.above is not None:
            hit &= x > threshold.above
        if threshold.below is not None:
            hit &= x < threshold.below
    return Truth(hit & known, ~hit & known)
