"""Gaps: how far each unit is from its target, from its peers and from its own past.

``gaps(results)`` gives one tidy table, one row per unit, year and node, on the score
scale (for a node scored 0-100, a gap of 18 is 18 points). Every gap is *positive when the
unit is behind*:

- ``gap_target``: target score minus score. The target score is the indicator's
  ``target`` mapped onto the score scale, else its best goalpost (the upper one when higher
  is better); for an aggregate, the score it would have if every indicator below it met
  its target (the node's own aggregation applied to the target scores).
- ``gap_peer_median`` / ``gap_peer_best``: the median / best score of the unit's peer group
  in that year minus the unit's score.
- ``parity_gap``: for parity indicators, the distance from parity, 0 = parity: the
  group's rate minus the reference population's (percentage points) for a difference, the
  ratio minus 1 for a ratio (-0.25: the group reaches three quarters of the reference).
  Negative means the group's rate is below the reference's; whether that is behind depends
  on the indicator's direction. The same number is in ``gaps.csv``, the API and the report
  (:func:`parity_points` is its one definition).
- ``change``: score change since the previous year of the data (as ``Results.changes``).
- ``trend``: average annual change from the unit's first year with a score up to this year.

Everything is whole-array work on the ``[year, unit, node]`` score cube; :class:`GapCube`
computes any gap for any cells, so the recommendation engine reads only what it needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.rules.changes import year_on_year
from mint_index.rules.goalposts import goalpost_bounds, target_value
from mint_index.rules.peers import peer_statistics

if TYPE_CHECKING:
    from mint_index.framework.framework import Framework
    from mint_index.pipeline.results import Results

__all__ = [
    "GAP_COLUMNS",
    "MEASURES",
    "Cells",
    "GapCube",
    "gap_table",
    "gaps",
    "parity_points",
    "target_scores",
]

#: The numbers the gaps table holds for every unit, year and node.
MEASURES: tuple[str, ...] = (
    "value",
    "score",
    "gap_target",
    "gap_peer_median",
    "gap_peer_best",
    "parity_gap",
    "change",
    "trend",
)

#: Columns of the gaps table, in order.
GAP_COLUMNS = ["unit", "year", "node", "peer_group", *MEASURES]


def gaps(results: Results) -> pd.DataFrame:
    """One row per unit, year and node: score and its gaps (see the module docs).

    ``unit``, ``node`` and ``peer_group`` are categoricals (nodes in framework order);
    rows are sorted by unit, year and node.
    """
    from mint_index.errors import check_argument
    from mint_index.pipeline.results import Results

    check_argument(results, Results, "results must be mi.Results", "res = mi.score(data, fw)")
    cube = GapCube.of_results(results)
    return cube.table(results.unit_ids, results.framework.node_ids)


def parity_points(fw: Framework) -> np.ndarray:
    """``[node]``: where each parity indicator reaches parity (0 for a difference of
    rates, 1 for a ratio); NaN for every other node. The parity gap is value minus this."""
    points = np.full(len(fw.node_ids), np.nan)
    for i, node in enumerate(fw.node_ids):
        if fw.is_indicator(node) and fw.indicator(node).kind == "parity_gap":
            points[i] = 1.0 if fw.indicator(node).is_ratio else 0.0
    return points


def gap_table(
    scores: np.ndarray,
    years: Sequence[int] | np.ndarray,
    unit_ids: Sequence[str] | np.ndarray,
    node_ids: Sequence[str],
    peer_groups: Sequence[object] | np.ndarray,
    targets: np.ndarray | None = None,
    values: np.ndarray | None = None,
    parity: np.ndarray | None = None,
    parity_point: np.ndarray | None = None,
) -> pd.DataFrame:
    """The gaps table from arrays: ``scores`` and ``values`` ``[year, unit, node]`` (``values``
    may cover the first nodes only: the indicators),
    ``targets`` ``[year, node]`` target scores, ``parity`` ``[node]`` parity indicators,
    ``parity_point`` ``[node]`` where they reach parity (default 0: a difference of rates),
    ``peer_groups`` one label per unit (missing labels: no peer comparison)."""
    cube = GapCube.of(
        scores,
        years,
        peer_groups,
        targets=targets,
        values=values,
        parity=parity,
        parity_point=parity_point,
    )
    return cube.table(unit_ids, node_ids)


@dataclass(frozen=True)
class Cells:
    """Cells of a ``[year, unit, node]`` cube by position, with their flat index (computed
    once, shared by every measure read at them). ``flat`` has the cells' shape; the other
    positions may be arrays that broadcast to it (e.g. a ``[unit, 1]`` and a ``[1, year]``
    axis), so that what depends on fewer of the axes is read once per value."""

    year: np.ndarray
    unit: np.ndarray
    node: np.ndarray
    flat: np.ndarray  # into [year, unit, node]
    year_node: np.ndarray  # into [year, node]
    unit_node: np.ndarray  # into [unit, node]


@dataclass(frozen=True)
class GapCube:
    """What the gaps are computed from, ``[year, unit, node]``; any gap of any cell on demand.

    The one place the gaps are defined: the tidy table (:meth:`table`) and the
    recommendation engine, which reads a few columns and the cells it reports
    (:meth:`at`), compute them here. Nothing is materialised for every cell and measure
    unless the table asks for it.
    """

    scores: np.ndarray  # [year, unit, node]
    years: np.ndarray  # [year] int, ascending
    values: np.ndarray | None  # [year, unit, indicator] derived values (the first nodes), or None
    targets: np.ndarray | None  # [year, node] target scores, or None
    parity_point: np.ndarray  # [node] where a parity indicator reaches parity; NaN: not one
    peer_codes: np.ndarray  # [unit] int: position in peer_labels; -1 without a group
    peer_labels: pd.Index
    peer_median: np.ndarray  # [group, year, node]
    peer_best: np.ndarray  # [group, year, node]
    first: np.ndarray  # [unit, node] the first year (position) with a score; 0 if none

    @classmethod
    def of(
        cls,
        scores: np.ndarray,
        years: Sequence[int] | np.ndarray,
        peer_groups: Sequence[object] | np.ndarray,
        targets: np.ndarray | None = None,
        values: np.ndarray | None = None,
        parity: np.ndarray | None = None,
        parity_point: np.ndarray | None = None,
    ) -> GapCube:
        """From arrays, as :func:`gap_table` takes them."""
        s = np.ascontiguousarray(scores, dtype=np.float64)
        n_y, n_u, n_n = s.shape
        group_of = pd.Series(np.asarray(peer_groups, dtype=object), dtype=object)
        codes, labels = pd.factorize(group_of, sort=True)
        codes = np.asarray(codes)
        by_unit = s.transpose(1, 0, 2).reshape(n_u, n_y * n_n)
        peers = peer_statistics(by_unit, codes, len(labels))
        point = np.zeros(n_n) if parity_point is None else np.nan_to_num(parity_point, nan=0.0)
        is_parity = np.zeros(n_n, bool) if parity is None else np.asarray(parity, dtype=bool)
        return cls(
            scores=s,
            years=np.asarray(years, dtype=np.int64),
            values=None if values is None else np.ascontiguousarray(values, dtype=np.float64),
            targets=None if targets is None else np.ascontiguousarray(targets, dtype=np.float64),
            parity_point=np.where(is_parity, point, np.nan),
            peer_codes=codes,
            peer_labels=pd.Index(labels, dtype=object),
            peer_median=peers.median.reshape(-1, n_y, n_n),
            peer_best=peers.best.reshape(-1, n_y, n_n),
            first=np.argmax(~np.isnan(s), axis=0),
        )

    @classmethod
    def of_results(cls, results: Results) -> GapCube:
        """The gaps of a scoring run: its aggregated scores, derived values and targets."""
        points = parity_points(results.framework)
        peers = results.units["peer_group"].reindex(results.unit_ids)
        return cls.of(
            results.cube("aggregated"),
            results.years,
            peers.to_numpy(dtype=object),
            targets=target_scores(results),
            values=results.cube("derived"),
            parity=~np.isnan(points),
            parity_point=points,
        )

    def cells(
        self, year: np.ndarray | int, unit: np.ndarray | int, node: np.ndarray | int
    ) -> Cells:
        """Cells by position (integer arrays, broadcast against each other)."""
        y, u, n = np.broadcast_arrays(*(np.asarray(a, dtype=np.intp) for a in (year, unit, node)))
        _, n_u, n_n = self.scores.shape
        year_node, unit_node = y * n_n + n, u * n_n + n
        return Cells(y, u, n, y * (n_u * n_n) + unit_node, year_node, unit_node)

    def at(
        self,
        measure: str,
        cells: Cells,
        score: np.ndarray | None = None,
        value: np.ndarray | None = None,
    ) -> np.ndarray:
        """``measure`` (one of :data:`MEASURES`) at ``cells``. ``score``, ``value``: the
        scores and values of those cells, if already read."""
        y, u, n = cells.year, cells.unit, cells.node
        n_y, n_u, n_n = self.scores.shape
        if measure == "score":
            return np.take(self.scores.reshape(-1), cells.flat)
        if measure == "parity_gap" and value is not None:
            return value - self.parity_point[n]  # NaN off the parity indicators
        if measure in ("value", "parity_gap"):
            if self.values is None:
                return np.full(cells.flat.shape, np.nan)
            n_v = self.values.shape[2]  # indicators only: the aggregates have no value
            at = (y * n_u + u) * n_v + np.minimum(n, n_v - 1)
            value = np.where(n < n_v, np.take(self.values.reshape(-1), at), np.nan)
            if measure == "value":
                return value
            return value - self.parity_point[n]
        s = np.take(self.scores.reshape(-1), cells.flat) if score is None else score
        if measure == "gap_target":
            if self.targets is None:
                return np.full(s.shape, np.nan)
            return np.take(self.targets.reshape(-1), cells.year_node) - s
        if measure in ("gap_peer_median", "gap_peer_best"):
            reference = self.peer_median if measure == "gap_peer_median" else self.peer_best
            group = self.peer_codes[u]
            start = np.maximum(group, 0) * (n_y * n_n)
            gap = np.take(reference.reshape(-1), start + cells.year_node) - s
            return gap if self.peer_codes.min(initial=0) >= 0 else np.where(group >= 0, gap, np.nan)
        if measure == "change":
            before = np.take(self.scores.reshape(-1), np.maximum(cells.flat - n_u * n_n, 0))
            change = year_on_year(np.stack([before, s]), axis=0)[1]  # the one definition
            return np.where(y > 0, change, np.nan)
        if measure == "trend":
            # (score now - first score) / (years between), from the first year with a score
            first = np.take(self.first.reshape(-1), cells.unit_node)
            span = (self.years[y] - self.years[first]).astype(np.float64)
            start = np.take(self.scores.reshape(-1), first * (n_u * n_n) + cells.unit_node)
            with np.errstate(invalid="ignore", divide="ignore"):
                trend = (s - start) / span
            trend[span <= 0] = np.nan
            return trend
        raise KeyError(f"unknown measure {measure!r}; measures: {', '.join(MEASURES)}")

    def table(self, unit_ids: Sequence[str] | np.ndarray, node_ids: Sequence[str]) -> pd.DataFrame:
        """Every measure of every cell as the tidy gaps table (rows: unit, year, node).

        The columns are written into one float block, so the frame is built without
        copying them again.
        """
        n_y, n_u, n_n = self.scores.shape
        floats = list(MEASURES)
        block = np.empty((len(floats), n_u * n_y * n_n))
        columns = block.reshape(len(floats), n_u, n_y, n_n)
        units, nodes = np.arange(n_u)[:, None], np.arange(n_n)[None, :]
        for year in range(n_y):  # a year at a time: contiguous reads, small index arrays
            cells = self.cells(year, units, nodes)
            score = self.at("score", cells)
            for i, name in enumerate(floats):
                columns[i, :, year] = score if name == "score" else self.at(name, cells, score)
        frame = pd.DataFrame(block.T, columns=floats, copy=False)
        # the ignores: pandas-stubs leave ExtensionArrays (a Categorical) out of insert's value
        frame.insert(
            0,
            "unit",
            pd.Categorical.from_codes(  # type: ignore[arg-type]
                np.repeat(np.arange(n_u, dtype=np.int32), n_y * n_n),
                categories=pd.Index(unit_ids, dtype=object),
            ),
        )
        frame.insert(1, "year", np.tile(np.repeat(self.years, n_n), n_u))
        frame.insert(
            2,
            "node",
            pd.Categorical.from_codes(  # type: ignore[arg-type]
                np.tile(np.arange(n_n, dtype=np.int32), n_u * n_y),
                categories=pd.Index(np.asarray(node_ids, dtype=object), dtype=object),
            ),
        )
        frame.insert(
            3,
            "peer_group",
            pd.Categorical.from_codes(  # type: ignore[arg-type]
                np.repeat(self.peer_codes.astype(np.int32), n_y * n_n),
                categories=self.peer_labels,
            ),
        )
        return frame


#: Normalisations whose score of a value depends on that value alone, not on the other
#: units' values: they map a target exactly.
_OWN_VALUE_ONLY = ("goalposts", "none")


def target_scores(results: Results) -> np.ndarray:
    """Target score of every node per year, ``[year, node]`` on the score scale.

    An indicator's target (else its best goalpost) is mapped the way its normalisation
    maps values: by the method itself where a score depends on the unit's own value only
    (:data:`_OWN_VALUE_ONLY`); for every other method by
    interpolating between the two units whose values bracket the target in that year (a
    target beyond every observed value gets the best observed score). Aggregates apply
    their own aggregation to their children's target scores, as the engine does.
    """
    from mint_index.methods.base import NormaliseContext
    from mint_index.pipeline.derive import on_indicator_scale
    from mint_index.pipeline.engine import aggregate_cube

    fw, plan = results.framework, results.plan
    values, scores = results.cube("imputed"), results.cube("normalised")
    n_y = len(results.years)
    out = np.full((n_y, len(fw.indicator_ids)), np.nan)
    for i, ind in enumerate(fw.indicators):
        target = target_value(ind)
        if target is None:
            continue
        target = float(on_indicator_scale(ind, target))  # raw scale -> the values' scale
        choice = plan.normalise[ind.id]
        if choice.method in _OWN_VALUE_ONLY:  # the method itself, on the one value
            ctx = NormaliseContext(
                years=np.asarray(results.years),
                direction=np.array([ind.direction_sign], dtype=np.float64),
                goalposts=goalpost_bounds([ind]),
                target=np.array([target]),
                indicator_ids=(ind.id,),
            )
            out[:, i] = choice.func(np.full((1, 1, 1), target), choice.params, ctx)[0, 0, 0]
        else:
            out[:, i] = _interpolate(values[:, :, i], scores[:, :, i], target)
    return aggregate_cube(plan, out[:, None, :])[:, 0, :]


def _interpolate(x: np.ndarray, s: np.ndarray, t: float) -> np.ndarray:
    """Per year (row), the score at value ``t``, linear between the observed pairs
    ``(x, s)`` that bracket it; the nearest observed score beyond their range."""
    ok = ~np.isnan(x) & ~np.isnan(s)
    below, above = ok & (x <= t), ok & (x >= t)
    lo = np.argmax(np.where(below, x, -np.inf), axis=1)[:, None]
    hi = np.argmin(np.where(above, x, np.inf), axis=1)[:, None]
    x_lo, s_lo = np.take_along_axis(x, lo, 1)[:, 0], np.take_along_axis(s, lo, 1)[:, 0]
    x_hi, s_hi = np.take_along_axis(x, hi, 1)[:, 0], np.take_along_axis(s, hi, 1)[:, 0]
    has_lo, has_hi = below.any(axis=1), above.any(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        between = np.where(x_hi > x_lo, s_lo + (t - x_lo) * (s_hi - s_lo) / (x_hi - x_lo), s_lo)
    return np.where(
        has_lo & has_hi, between, np.where(has_lo, s_lo, np.where(has_hi, s_hi, np.nan))
    )
