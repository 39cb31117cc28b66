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
- ``parity_gap``: for parity indicators, the raw gap between migrants and the reference
  population (points, or a ratio) as derived, before normalisation.
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

from mint_index.methods.registry import parse_step

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results

__all__ = ["GAP_COLUMNS", "MEASURES", "Cells", "GapCube", "gap_table", "gaps", "target_scores"]

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
    cube = GapCube.of_results(results)
    return cube.table(results.unit_ids, results.framework.node_ids)


def gap_table(
    scores: np.ndarray,
    years: Sequence[int] | np.ndarray,
    unit_ids: Sequence[str] | np.ndarray,
    node_ids: Sequence[str],
    peer_groups: Sequence[object] | np.ndarray,
    targets: np.ndarray | None = None,
    values: np.ndarray | None = None,
    parity: np.ndarray | None = None,
) -> pd.DataFrame:
    """The gaps table from arrays: ``scores`` and ``values`` ``[year, unit, node]`` (``values``
    may cover the first nodes only: the indicators),
    ``targets`` ``[year, node]`` target scores, ``parity`` ``[node]`` parity indicators,
    ``peer_groups`` one label per unit (missing labels: no peer comparison)."""
    cube = GapCube.of(scores, years, peer_groups, targets=targets, values=values, parity=parity)
    return cube.table(unit_ids, node_ids)


@dataclass(frozen=True)
class Cells:
    """Cells of a ``[year, unit, node]`` cube by position, with their flat index (computed
    once, shared by every measure read at them)."""

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
    parity: np.ndarray | None  # [node] bool: parity indicators
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
    ) -> GapCube:
        """From arrays, as :func:`gap_table` takes them."""
        s = np.ascontiguousarray(scores, dtype=np.float64)
        codes, labels = pd.factorize(pd.Series(peer_groups, dtype=object), sort=True)
        codes = np.asarray(codes)
        median, best = _peer_reference(s, codes, len(labels))
        return cls(
            scores=s,
            years=np.asarray(years, dtype=np.int64),
            values=None if values is None else np.ascontiguousarray(values, dtype=np.float64),
            targets=None if targets is None else np.ascontiguousarray(targets, dtype=np.float64),
            parity=None if parity is None else np.asarray(parity, dtype=bool),
            peer_codes=codes,
            peer_labels=pd.Index(labels, dtype=object),
            peer_median=median,
            peer_best=best,
            first=np.argmax(~np.isnan(s), axis=0),
        )

    @classmethod
    def of_results(cls, results: Results) -> GapCube:
        """The gaps of a scoring run: its aggregated scores, derived values and targets."""
        fw = results.framework
        parity = np.array(
            [fw.is_indicator(n) and fw.indicator(n).kind == "parity_gap" for n in fw.node_ids]
        )
        peers = results.units["peer_group"].reindex(results.unit_ids)
        return cls.of(
            results.cube("aggregated"),
            results.years,
            peers.to_numpy(dtype=object),
            targets=target_scores(results),
            values=results.cube("derived"),
            parity=parity,
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
            keep = np.zeros(n.shape, bool) if self.parity is None else self.parity[n]
            return np.where(keep, value, np.nan)
        if measure in ("value", "parity_gap"):
            if self.values is None:
                return np.full(y.shape, np.nan)
            n_v = self.values.shape[2]  # indicators only: the aggregates have no value
            at = (y * n_u + u) * n_v + np.minimum(n, n_v - 1)
            value = np.where(n < n_v, np.take(self.values.reshape(-1), at), np.nan)
            if measure == "value":
                return value
            keep = np.zeros(n.shape, bool) if self.parity is None else self.parity[n]
            return np.where(keep, value, np.nan)
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
            return np.where(y > 0, s - before, np.nan)
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
        frame.insert(
            0,
            "unit",
            pd.Categorical.from_codes(
                np.repeat(np.arange(n_u, dtype=np.int32), n_y * n_n),
                categories=pd.Index(unit_ids, dtype=object),
            ),
        )
        frame.insert(1, "year", np.tile(np.repeat(self.years, n_n), n_u))
        frame.insert(
            2,
            "node",
            pd.Categorical.from_codes(
                np.tile(np.arange(n_n, dtype=np.int32), n_u * n_y),
                categories=pd.Index(node_ids, dtype=object),
            ),
        )
        frame.insert(
            3,
            "peer_group",
            pd.Categorical.from_codes(
                np.repeat(self.peer_codes.astype(np.int32), n_y * n_n),
                categories=self.peer_labels,
            ),
        )
        return frame


def _peer_reference(
    s: np.ndarray, codes: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Median and best score per peer group, ``[group, year, node]``, from ``s`` ``[year,
    unit, node]``; code -1 (no group) is left out.

    Each group's scores are sorted once along the units (NaN sorts last); the median and
    the best are read off at the positions the count of scores gives. One sort per group:
    groups are few, units many.
    """
    n_y, _, n_n = s.shape
    median = np.full((max(n_groups, 1), n_y, n_n), np.nan)
    best = np.full((max(n_groups, 1), n_y, n_n), np.nan)
    for code in range(n_groups):
        ordered = np.sort(s[:, codes == code, :], axis=1)  # [year, unit in group, node]
        count = (~np.isnan(ordered)).sum(axis=1)  # [year, node]
        has = count > 0

        def at(k: np.ndarray, ordered: np.ndarray = ordered) -> np.ndarray:
            return np.take_along_axis(ordered, np.maximum(k, 0)[:, None, :], axis=1)[:, 0, :]

        median[code] = np.where(has, (at((count - 1) // 2) + at(count // 2)) / 2, np.nan)
        best[code] = np.where(has, at(count - 1), np.nan)
    return median, best


def target_scores(results: Results) -> np.ndarray:
    """Target score of every node per year, ``[year, node]`` on the score scale.

    An indicator's target (else its best goalpost) is mapped the way its normalisation
    maps values: exactly for ``goalposts`` and ``none``; for every other method by
    interpolating between the two units whose values bracket the target in that year (a
    target beyond every observed value gets the best observed score). Aggregates apply
    their own aggregation to their children's target scores, as the engine does.
    """
    from mint_index.pipeline.engine import aggregate_cube

    fw, spec = results.framework, results.spec
    values, scores = results.cube("imputed"), results.cube("normalised")
    n_y = len(results.years)
    out = np.full((n_y, len(fw.indicator_ids)), np.nan)
    for i, ind in enumerate(fw.indicators):
        if ind.target is not None:
            target = ind.target.value
        elif ind.goalposts is not None:
            target = ind.goalposts.upper if ind.direction == "higher" else ind.goalposts.lower
        else:
            continue
        method, params = parse_step("normalise", spec.step_for("normalise", ind.id))
        if method.name == "goalposts" and ind.goalposts is not None:
            lower, upper = ind.goalposts.lower, ind.goalposts.upper
            share = (target - lower if ind.direction == "higher" else upper - target) / (
                upper - lower
            )
            if getattr(params, "clip", True):
                share = min(max(share, 0.0), 1.0)
            out[:, i] = share * getattr(params, "scale", 100.0)
        elif method.name == "none":
            out[:, i] = target
        else:
            out[:, i] = _interpolate(values[:, :, i], scores[:, :, i], target)
    return aggregate_cube(spec, out[:, None, :])[:, 0, :]


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
