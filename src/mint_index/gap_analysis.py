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

Everything is whole-array work on the ``[year, unit, node]`` score cube.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.rules.changes import year_on_year
from mint_index.rules.goalposts import goalpost_bounds, goalpost_share, target_value
from mint_index.rules.peers import peer_statistics

if TYPE_CHECKING:
    from mint_index.framework.framework import Framework
    from mint_index.pipeline.results import Results

__all__ = ["GAP_COLUMNS", "MEASURES", "gap_table", "gaps", "parity_points", "target_scores"]

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
    fw = results.framework
    n_y, n_u, _ = results.cube("aggregated").shape
    derived = results.cube("derived")
    values = np.full((n_y, n_u, len(fw.node_ids)), np.nan)
    values[:, :, : len(fw.indicator_ids)] = derived
    points = parity_points(fw)
    peers = results.units["peer_group"].reindex(results.unit_ids)
    return gap_table(
        scores=results.cube("aggregated"),
        years=results.years,
        unit_ids=results.unit_ids,
        node_ids=fw.node_ids,
        peer_groups=peers.to_numpy(dtype=object),
        targets=target_scores(results),
        values=values,
        parity=~np.isnan(points),
        parity_point=points,
    )


def parity_points(fw: Framework) -> np.ndarray:
    """``[node]``: where each parity indicator reaches parity (0 for a difference of
    rates, 1 for a ratio); NaN for every other node. The parity gap is value minus this."""
    from mint_index.framework.model import ParityCompute

    points = np.full(len(fw.node_ids), np.nan)
    for i, node in enumerate(fw.node_ids):
        if fw.is_indicator(node) and fw.indicator(node).kind == "parity_gap":
            compute = fw.indicator(node).compute
            ratio = isinstance(compute, ParityCompute) and compute.mode == "ratio"
            points[i] = 1.0 if ratio else 0.0
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
    """The gaps table from arrays: ``scores`` and ``values`` ``[year, unit, node]``,
    ``targets`` ``[year, node]`` target scores, ``parity`` ``[node]`` parity indicators,
    ``parity_point`` ``[node]`` where they reach parity (default 0: a difference of rates),
    ``peer_groups`` one label per unit (missing labels: no peer comparison).

    All columns are computed in the output's ``[unit, year, node]`` layout and written
    into one float block, so the frame is built without copying them again.
    """
    s = np.ascontiguousarray(np.asarray(scores, dtype=np.float64).transpose(1, 0, 2))
    n_u, n_y, n_n = s.shape
    years = np.asarray(years, dtype=np.int64)
    floats = list(MEASURES)
    block = np.empty((len(floats), n_u * n_y * n_n))
    out = {name: block[i].reshape(n_u, n_y, n_n) for i, name in enumerate(floats)}

    out["score"][...] = s
    if values is None:
        out["value"].fill(np.nan)
    else:
        out["value"][...] = np.asarray(values, dtype=np.float64).transpose(1, 0, 2)
    if targets is None:
        out["gap_target"].fill(np.nan)
    else:
        np.subtract(np.asarray(targets, dtype=np.float64)[None], s, out=out["gap_target"])
    out["parity_gap"].fill(np.nan)
    if parity is not None:
        point = np.zeros(n_n) if parity_point is None else np.nan_to_num(parity_point, nan=0.0)
        np.copyto(
            out["parity_gap"],
            out["value"] - point[None, None, :],
            where=np.asarray(parity, dtype=bool)[None, None, :],
        )

    codes, labels = pd.factorize(pd.Series(peer_groups, dtype=object), sort=True)
    peers = peer_statistics(s.reshape(n_u, n_y * n_n), np.asarray(codes), len(labels))
    np.subtract(peers.median.reshape(-1, n_y, n_n)[codes], s, out=out["gap_peer_median"])
    np.subtract(peers.best.reshape(-1, n_y, n_n)[codes], s, out=out["gap_peer_best"])
    out["gap_peer_median"][codes < 0] = np.nan
    out["gap_peer_best"][codes < 0] = np.nan

    year_on_year(s, axis=1, out=out["change"])

    # trend: (score now - first score) / (years between), from the first year with a score
    first = np.argmax(~np.isnan(s), axis=1)  # [unit, node]; 0 where there is no score
    first_score = np.take_along_axis(s, first[:, None, :], axis=1)
    span = (years[None, :, None] - years[first][:, None, :]).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(s - first_score, span, out=out["trend"])
    out["trend"][span <= 0] = np.nan

    frame = pd.DataFrame(block.T, columns=floats, copy=False)
    frame.insert(
        0,
        "unit",
        pd.Categorical.from_codes(
            np.repeat(np.arange(n_u, dtype=np.int32), n_y * n_n),
            categories=pd.Index(unit_ids, dtype=object),
        ),
    )
    frame.insert(1, "year", np.tile(np.repeat(years, n_n), n_u))
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
            np.repeat(codes.astype(np.int32), n_y * n_n), categories=pd.Index(labels, dtype=object)
        ),
    )
    return frame


def target_scores(results: Results) -> np.ndarray:
    """Target score of every node per year, ``[year, node]`` on the score scale.

    An indicator's target (else its best goalpost) is mapped the way its normalisation
    maps values: exactly for ``goalposts`` and ``none``; for every other method by
    interpolating between the two units whose values bracket the target in that year (a
    target beyond every observed value gets the best observed score). Aggregates apply
    their own aggregation to their children's target scores, as the engine does.
    """
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
        if choice.method == "goalposts" and ind.goalposts is not None:
            clip = getattr(choice.params, "clip", True)
            lower, upper = goalpost_bounds([ind])[0]
            share = goalpost_share(target, lower, upper, ind.direction == "higher", clip)
            out[:, i] = share * getattr(choice.params, "scale", 100.0)
        elif choice.method == "none":  # "none" still applies the direction
            out[:, i] = target * ind.direction_sign
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
