"""Peer-group statistics: the median, quartiles and best value of a unit's peers.

A peer group's median of a node in a year is the middle of its units' scores (the mean of
the two middle ones for an even count), missing scores left out; quartiles interpolate
linearly between order statistics (R's type 7, numpy's default: :mod:`.quantiles`); the
best is the highest score. The gaps table (``gap_peer_median``, ``gap_peer_best``) and the
reports (peer median, quartile band and the median of the values) all read them from
:func:`peer_statistics`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mint_index.rules.quantiles import quantiles_of_sorted

__all__ = ["PeerStatistics", "peer_statistics"]


@dataclass(frozen=True)
class PeerStatistics:
    """Per group and column ``[group, column]``; NaN where a group has no value."""

    median: np.ndarray
    q1: np.ndarray
    q3: np.ndarray
    best: np.ndarray
    count: np.ndarray  # values present


def peer_statistics(values: np.ndarray, codes: np.ndarray, n_groups: int) -> PeerStatistics:
    """Statistics of ``values`` ``[unit, column]`` within each peer group.

    ``codes``: each unit's group (0 .. n_groups - 1; -1 = no group, left out). Each group's
    values are sorted once along the units (NaN sorts last) and every statistic is read off
    at the positions the count of values gives: groups are few, units many.
    """
    n_cols = values.shape[1]
    shape = (max(n_groups, 1), n_cols)
    median, q1, q3, best = (np.full(shape, np.nan) for _ in range(4))
    count = np.zeros(shape, dtype=np.int64)
    for code in range(n_groups):
        part = np.ascontiguousarray(values[codes == code].T)  # [column, unit in group]
        if not part.shape[1]:
            continue  # a group without units has no statistics
        ordered = np.sort(part, axis=1)
        n = (~np.isnan(part)).sum(axis=1)
        has = n > 0
        count[code] = n
        median[code] = np.where(
            has, (_at(ordered, (n - 1) // 2) + _at(ordered, n // 2)) / 2, np.nan
        )
        q1[code], q3[code] = quantiles_of_sorted(ordered, np.zeros_like(n), n, (0.25, 0.75))
        best[code] = np.where(has, _at(ordered, n - 1), np.nan)
    return PeerStatistics(median=median, q1=q1, q3=q3, best=best, count=count)


def _at(ordered: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Row ``r``'s value at sorted position ``k[r]`` (0 where ``k`` is negative)."""
    return np.take_along_axis(ordered, np.maximum(k, 0)[:, None], axis=1)[:, 0]
