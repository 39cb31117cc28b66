"""Aggregate: combine children into their parent node.

The means are weighted means over the children that have a value: a missing child drops
out and the weights of the others are renormalised (COINr's a_amean, a_gmean, a_hmean).
``copeland`` scores units by pairwise outranking instead (COINr's a_copeland).
Whether enough children are present (``min_share``, COINr's ``dat_thresh``) is decided by
:func:`mint_index.rules.coverage.enough_children`, which the engine applies to every method.

Geometric, harmonic and generalised means with negative ``p`` are only defined for positive
values; as in COINr, zero or negative children are an error (not a silent NaN). Normalise
onto a positive range first (e.g. ``minmax`` with ``range: [1, 100]``).
"""

from __future__ import annotations

import numpy as np
from pydantic import field_validator

from mint_index.errors import SpecError
from mint_index.methods.base import AggregateParams
from mint_index.methods.registry import register

__all__ = ["GeneralisedParams"]

#: Most comparisons ``copeland`` makes at once: bounds its ``[year, block, unit, child]``
#: arrays (about 32 MiB each) whatever the number of units.
_COPELAND_CELLS = 2**22
#: An outranking margin this small against the total weight is a draw: sums of decimal
#: weights differ from their exact values by about 1e-16 of the total, and weights that
#: mean a real margin differ by far more than a millionth of a millionth.
_COPELAND_DRAW = 1e-12


class GeneralisedParams(AggregateParams):
    """``p``: the power of the generalised (power) mean; 1 arithmetic, -1 harmonic, 2 quadratic."""

    p: float = 2.0

    @field_validator("p")
    @classmethod
    def _not_zero(cls, p: float) -> float:
        if p == 0:
            raise ValueError("p = 0 is the geometric mean: use method 'geometric'")
        return p


def _present_weights(x: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights of the children present (0 for missing ones) and their total per cell."""
    w = np.where(np.isnan(x), 0.0, np.asarray(weights, dtype=np.float64))
    return w, w.sum(axis=-1)


def _require(x: np.ndarray, ok: np.ndarray, method: str, what: str) -> None:
    bad = ~np.isnan(x) & ~ok
    if bad.any():
        raise SpecError(
            f"aggregate method {method!r} needs {what} values; {int(bad.sum())} child "
            f"score(s) are not (lowest: {np.nanmin(np.where(bad, x, np.nan)):g}). Normalise "
            "onto a positive range (e.g. minmax with range [1, 100]) or aggregate arithmetically."
        )


def _weighted(total: np.ndarray, value: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, value, np.nan)


@register("aggregate", "arithmetic", AggregateParams)
def arithmetic(x: np.ndarray, weights: np.ndarray, params: AggregateParams) -> np.ndarray:
    """Weighted arithmetic mean over the children present (COINr a_amean).

    Both sums are products with the weights (``@``): one pass over the children, no
    weighted copy of them.
    """
    w = np.asarray(weights, dtype=np.float64)
    present = ~np.isnan(x)
    total = present @ w
    used = present if w.all() else present & (w > 0)  # a child of weight 0 adds nothing
    with np.errstate(invalid="ignore", divide="ignore"):
        return _weighted(total, np.where(used, x, 0.0) @ w / total)


@register("aggregate", "geometric", AggregateParams)
def geometric(x: np.ndarray, weights: np.ndarray, params: AggregateParams) -> np.ndarray:
    """Weighted geometric mean exp(sum w log x / sum w) over the children present (a_gmean)."""
    _require(x, x > 0, "geometric", "positive")
    w, total = _present_weights(x, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.log(np.where(w > 0, x, 1.0))
        return _weighted(total, np.exp(np.sum(w * logs, axis=-1) / total))


@register("aggregate", "harmonic", AggregateParams)
def harmonic(x: np.ndarray, weights: np.ndarray, params: AggregateParams) -> np.ndarray:
    """Weighted harmonic mean sum w / sum (w / x) over the children present (COINr a_hmean)."""
    _require(x, x > 0, "harmonic", "positive")
    w, total = _present_weights(x, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        inverse = np.sum(w / np.where(w > 0, x, 1.0), axis=-1)
        return _weighted(total, total / inverse)


@register("aggregate", "generalised", GeneralisedParams)
def generalised(x: np.ndarray, weights: np.ndarray, params: GeneralisedParams) -> np.ndarray:
    """Weighted power mean (sum w x^p / sum w)^(1/p) over the children present (COINr a_genmean)."""
    if params.p < 0:
        _require(x, x > 0, "generalised", "positive (p < 0)")
    else:
        _require(x, x >= 0, "generalised", "non-negative")
    w, total = _present_weights(x, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        powered = np.sum(w * np.where(w > 0, x, 1.0) ** params.p, axis=-1)
        return _weighted(total, (powered / total) ** (1.0 / params.p))


@register("aggregate", "copeland", AggregateParams)
def copeland(x: np.ndarray, weights: np.ndarray, params: AggregateParams) -> np.ndarray:
    """Copeland score from pairwise outranking, per year (COINr a_copeland).

    With weights ``w`` scaled to sum 1, unit ``i`` outranks ``j`` by
    ``o_ij = sum w[x_i > x_j] + sum w[x_i = x_j] / 2`` over the children both have
    (comparisons with a missing value count nothing). As in COINr, ``o_ij`` is computed
    for ``i`` before ``j`` in unit order and ``o_ji = 1 - o_ij``. The score of ``i`` is
    ``sum_j sign(o_ij - 1/2)``: +1 per unit it outranks, -1 per unit outranking it.

    ``o_ij - 1/2`` has the sign of ``A - B - M`` (``A``, ``B``: the weight where ``i`` is
    ahead, behind; ``M``: where either is missing; ``A - B + M`` for ``i`` after ``j``),
    which is what is compared, on the weights as given: identical units then draw
    exactly, where a half computed from weights scaled to sum 1 rounds (six sixths sum
    to 0.49999999999999994) and COINr's long-double sums round elsewhere. A margin
    within :data:`_COPELAND_DRAW` of the total weight is a draw: decimal weights
    (``0.1 + 0.2`` against ``0.3``) differ by rounding only.

    Units with no child present get no score and are left out of everyone's comparisons
    (COINr would score them; screened-out units are not in its data at all).
    """
    w = np.asarray(weights, dtype=np.float64)
    draw = _COPELAND_DRAW * w.sum()
    n_y, n_u, n_c = x.shape
    present = ~np.isnan(x).all(axis=-1)  # [year, unit]
    out = np.full((n_y, n_u), np.nan)
    later = np.arange(n_u)[None, :]  # j, compared with i below
    block = max(1, _COPELAND_CELLS // max(n_y * n_u * n_c, 1))
    for start in range(0, n_u, block):  # blocks of units bound the memory
        rows = slice(start, min(start + block, n_u))
        difference = x[:, rows, None, :] - x[:, None, :, :]
        missing = np.isnan(difference)
        lead = (np.sign(np.where(missing, 0.0, difference)) * w).sum(axis=-1)  # A - B
        gap = (missing * w).sum(axis=-1)  # M
        i = np.arange(n_u)[rows, None]
        margin = np.where(i < later, lead - gap, lead + gap)
        sign = np.where(np.abs(margin) <= draw, 0.0, np.sign(margin))
        sign = np.where(present[:, None, :] & (i != later), sign, 0.0)
        out[:, rows] = sign.sum(axis=-1)
    return np.where(present, out, np.nan)
