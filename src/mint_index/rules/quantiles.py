"""Quantiles: linear interpolation between order statistics (R's type 7, numpy's
default), read off rows that are already sorted.

The peer groups' quartiles (:mod:`mint_index.rules.peers`) and the uncertainty analysis's
intervals of ranks and scores (:mod:`mint_index.analysis.uncertainty`) both use
:func:`quantiles_of_sorted`: each sorts its values once in the way that suits its data and
reads every quantile off the sorted rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["quantiles_of_sorted"]


def quantiles_of_sorted(
    ordered: np.ndarray, first: np.ndarray, count: np.ndarray, probs: Sequence[float]
) -> np.ndarray:
    """Quantiles (linear interpolation, R's type 7 / numpy's default) of each row of
    ``ordered``, using the ``count`` sorted values that start at column ``first``.

    Returns ``[len(probs), row]``; NaN where a row has no values.
    """
    rows = np.arange(ordered.shape[0])
    out = np.full((len(probs), ordered.shape[0]), np.nan)
    ok = count > 0
    for k, p in enumerate(probs):
        h = first + (np.maximum(count, 1) - 1) * p
        last = np.minimum(first + np.maximum(count, 1) - 1, ordered.shape[1] - 1)
        lo = np.minimum(np.floor(h).astype(np.int64), last)
        hi = np.minimum(lo + 1, last)
        a = ordered[rows, lo].astype(np.float64)
        b = ordered[rows, hi].astype(np.float64)
        out[k] = np.where(ok, a + (h - lo) * (b - a), np.nan)
    return out
