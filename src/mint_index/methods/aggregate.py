"""Aggregate: combine children into their parent node.

Every method is a weighted mean over the children that have a value: a missing child drops
out and the weights of the others are renormalised (COINr's a_amean, a_gmean, a_hmean).
The minimum share of weight that must be present is the engine's job (``min_share``).

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
    """Weighted arithmetic mean over the children present (COINr a_amean)."""
    w, total = _present_weights(x, weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _weighted(total, np.sum(np.where(w > 0, x, 0.0) * w, axis=-1) / total)


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
