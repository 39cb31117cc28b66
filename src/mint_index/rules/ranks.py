"""Ranks: 1 is the highest score, equal scores share the lowest rank of their tie (R's
``rank(-x, ties.method = "min")``, as COINr ranks results; pandas' ``method="min"``), a
missing score has no rank; a peer rank is the same among the units of one peer group.

Equal means equal to within :data:`RANK_RTOL` of the row's largest absolute score: the
last bits of a floating-point sum are no difference between units. Three towns that
score 33.333333 each on a dimension ranked 12, 12 and 14, as their sums differed in the
last bit; they share rank 12.

``res.ranks``, the report's ranks and the uncertainty analysis's nominal ranks read them
from :func:`rank_rows`; the uncertainty analysis's replications rank by the same rule in a
faster way of their own (:func:`mint_index.analysis.replicate.rank_rows`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["RANK_RTOL", "nan_for_unranked", "rank_dtype", "rank_rows"]

#: Scores closer than this share of the row's largest absolute score count as tied.
RANK_RTOL = 1e-10


def rank_dtype(n_units: int) -> type[np.unsignedinteger]:
    """The smallest unsigned type that holds ranks of ``n_units`` (0 = missing)."""
    return np.uint16 if n_units < np.iinfo(np.uint16).max else np.uint32


def rank_rows(scores: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Rank each row of ``scores`` ``[row, unit]``: 1 = highest, scores equal to within
    :data:`RANK_RTOL` of the row's largest absolute score tie and share the lowest rank,
    0 = missing (an unsigned array, :func:`rank_dtype`).

    ``groups``: ``[unit]`` integer codes; each unit is then ranked among the units of its
    own group (code -1: no group, rank 0).
    """
    rows, n = scores.shape
    # each score as a whole number of steps of the tolerance: equal steps tie
    scale = np.where(np.isnan(scores), 0.0, np.abs(scores)).max(axis=1, initial=0.0)
    step = np.where(scale > 0, scale * RANK_RTOL, 1.0)[:, None]
    scores = np.round(scores / step)
    order = np.argsort(-scores, axis=1, kind="stable")  # NaN last
    place = np.arange(1, n + 1)
    offset: np.ndarray | int = 0  # per sorted position: the places before its group
    if groups is not None:
        codes = np.asarray(groups)
        # by group, keeping the order of the scores within each group
        order = np.take_along_axis(order, np.argsort(codes[order], axis=1, kind="stable"), 1)
        group = codes[order]
        new_group = np.ones((rows, n), dtype=bool)
        new_group[:, 1:] = group[:, 1:] != group[:, :-1]
        offset = np.maximum.accumulate(np.where(new_group, place - 1, 0), axis=1)
    ordered = np.take_along_axis(scores, order, axis=1)
    new_tie = np.ones((rows, n), dtype=bool)
    new_tie[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    if groups is not None:
        new_tie |= new_group
    ranked = np.maximum.accumulate(np.where(new_tie, place, 0), axis=1) - offset
    ranked[np.isnan(ordered)] = 0
    if groups is not None:
        ranked[group < 0] = 0
    out = np.empty((rows, n), dtype=rank_dtype(n))
    np.put_along_axis(out, order, ranked.astype(out.dtype), axis=1)
    return out


def nan_for_unranked(ranks: np.ndarray) -> np.ndarray:
    """Ranks as float64 with NaN for "no rank" (0), as the tables and reports show them."""
    return np.where(ranks > 0, ranks, np.nan)
