"""The aggregates of a batch of replications that share their normalised indicators and
aggregation methods, vectorised across the batch.

For the quasi-arithmetic means (arithmetic, geometric, harmonic, generalised) a parent is
``f⁻¹(Σ w f(x) / Σ w)`` over the children present, which for a batch of weight vectors is
one stacked matrix product per node. What keeps the passes over the ``[batch, cell]``
arrays few (each costs about as much as the arithmetic it carries):

- Indicators are transformed, zero-filled and transposed once per cube
  (:class:`Indicators`), not once per batch, and the bottom nodes are two matrix products
  (weighted sum, weight present) and a division.
- Values stay in ``f``-space between nodes of the same method: a geometric parent of a
  geometric child uses the child's mean of logarithms, never ``log(exp(...))``. Only the
  nodes reported, and children under another method, are turned back into values.
- Where every replication of the batch counts every child (no weight 0), the children
  present are the same for the whole batch, so the ``min_share`` rule is one mask over
  the cells.

Results equal the engine's (:mod:`mint_index.methods.aggregate`) up to the rounding of
the sums (relative differences of about 1e-15).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np

from mint_index.plan import StepChoice
from mint_index.rules.coverage import min_share as coverage_min_share
from mint_index.rules.coverage import too_few_children as too_few

if TYPE_CHECKING:
    from mint_index.methods.aggregate import GeneralisedParams

__all__ = ["Indicators", "Mean", "batch_outputs", "quasi_arithmetic"]

Transform = Callable[[np.ndarray], np.ndarray]


def _identity(x: np.ndarray) -> np.ndarray:
    return x


def _positive(x: np.ndarray) -> np.ndarray:
    return x > 0


def _non_negative(x: np.ndarray) -> np.ndarray:
    return x >= 0


@dataclass(frozen=True)
class Mean:
    """A quasi-arithmetic mean ``f⁻¹(Σ w f(x) / Σ w)``: ``f``, its inverse, the values
    ``f`` is defined for (``None``: every value) and a key that equal means share (their
    values live in the same ``f``-space)."""

    key: tuple[str, float]
    f: Transform
    inverse: Transform
    domain: Transform | None


_ARITHMETIC = Mean(("arithmetic", 0.0), _identity, _identity, None)
_GEOMETRIC = Mean(("geometric", 0.0), np.log, np.exp, _positive)
_HARMONIC = Mean(("harmonic", 0.0), np.reciprocal, np.reciprocal, _positive)


def quasi_arithmetic(choice: StepChoice) -> Mean | None:
    """The mean ``choice`` stands for, or ``None`` if it is no quasi-arithmetic mean. Values
    outside the domain go through the registered function, which decides what they mean
    (the shipped ones raise)."""
    method = choice.method
    if method == "arithmetic":
        return _ARITHMETIC
    if method == "geometric":
        return _GEOMETRIC
    if method == "harmonic":
        return _HARMONIC
    if method == "generalised":
        p = float(cast("GeneralisedParams", choice.params).p)
        domain = _positive if p < 0 else _non_negative
        return Mean(("generalised", p), lambda x: x**p, lambda y: y ** (1.0 / p), domain)
    return None


class Indicators:
    """One cube's normalised indicators as every batch needs them, ``[indicator, cell]``
    (cell = year x unit), with what depends only on them worked out once."""

    def __init__(self, flat: np.ndarray) -> None:
        """``flat``: ``[cell, indicator]``."""
        self.values = np.ascontiguousarray(flat.T)
        missing = np.isnan(self.values)
        self.present = (~missing).astype(np.float64)
        self.complete = ~missing.any(axis=1)
        self.lowest = np.fmin.reduce(self.values, axis=1)
        self._transformed: dict[tuple[str, float], np.ndarray] = {}

    @property
    def count(self) -> int:
        return int(self.values.shape[0])

    def in_domain(self, kids: Sequence[int], mean: Mean) -> bool:
        """Whether every value present of indicators ``kids`` lies in ``mean``'s domain."""
        if mean.domain is None:
            return True
        lowest = self.lowest[list(kids)]
        return bool(mean.domain(lowest[~np.isnan(lowest)]).all())

    def transformed(self, mean: Mean) -> np.ndarray:
        """``f(x)`` with 0 where ``x`` is missing (columns outside the domain are never
        read: :meth:`in_domain` sends them elsewhere)."""
        if mean.key not in self._transformed:
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                fx = np.asarray(mean.f(self.values), dtype=np.float64)
            self._transformed[mean.key] = np.where(self.present > 0, fx, 0.0)
        return self._transformed[mean.key]


@dataclass(frozen=True)
class _Value:
    """A node's values for the batch, ``[batch, cell]`` with NaN where missing, in the
    ``f``-space of ``space`` (``None``: the values themselves). ``missing``: the cells
    missing, when they are the same for every replication of the batch (``[cell]``);
    ``None`` when they differ or are not known."""

    array: np.ndarray
    space: Mean | None
    missing: np.ndarray | None = None

    def real(self) -> np.ndarray:
        if self.space is None or self.space.f is _identity:
            return self.array
        return _apply(self.space.inverse, self.array)


def _apply(f: Transform, x: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return np.asarray(f(x), dtype=np.float64)


def _stacked_product(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``w @ x`` for ``w`` ``[batch, k]`` and ``x`` ``[k, cell]``: as a stack of vector
    products, which numpy runs on one thread (a plain ``@`` of these shapes wakes every
    BLAS thread for little work, and several times the CPU time)."""
    return np.matmul(w[:, None, :], x)[:, 0, :]


def _over_indicators(
    indicators: Indicators, kids: list[int], w: np.ndarray, mean: Mean, min_share: float
) -> _Value:
    """A node whose children are all indicators, in ``mean``'s ``f``-space."""
    value = _stacked_product(w, indicators.transformed(mean)[kids])
    counted = w > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        if indicators.complete[kids].all():
            # Every weight present: Σ w. No weight at all gives 0 / 0, missing.
            np.divide(value, w.sum(axis=1)[:, None], out=value)
            cells = value.shape[1]
            return _Value(value, mean, np.zeros(cells, dtype=bool) if counted.all() else None)
        present = indicators.present[kids]
        # 0 / 0 where no child with a weight is present: missing, as in the engine.
        np.divide(value, _stacked_product(w, present), out=value)
    if counted.all():  # the cells missing are the same for the whole batch
        missing = too_few(present.sum(axis=0), len(kids), min_share) if min_share > 0 else None
        if missing is not None and missing.any():
            np.copyto(value, np.nan, where=missing)
        none_present = ~present.any(axis=0)
        return _Value(value, mean, none_present if missing is None else missing | none_present)
    if min_share > 0:
        n = np.maximum(counted.sum(axis=1), 1)[:, None]
        short = too_few(_stacked_product(counted.astype(np.float64), present), n, min_share)
        np.copyto(value, np.nan, where=short)
    return _Value(value, mean)


def _combine_alike(
    children: list[np.ndarray], missing: list[np.ndarray], w: np.ndarray, min_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_combine` where every child counts (weights above 0) and the cells each
    child misses (``missing``) are the same for the whole batch: the weight present and
    the ``min_share`` rule come from those masks, with no per-replication bookkeeping.
    Returns the values and the cells missing."""
    value = np.empty((w.shape[0], children[0].shape[-1]))
    scratch = np.empty_like(value)
    for k, child in enumerate(children):
        target = value if k == 0 else scratch
        np.multiply(child, w[:, k, None], out=target)
        if missing[k].any():
            np.copyto(target, 0.0, where=missing[k])
        if k:
            value += scratch
    present = ~np.stack(missing)
    with np.errstate(invalid="ignore", divide="ignore"):
        if present.all():
            np.divide(value, w.sum(axis=1)[:, None], out=value)
            return value, np.zeros(value.shape[1], dtype=bool)
        # 0 / 0 where no child is present: missing, as in the engine.
        np.divide(value, _stacked_product(w, present.astype(np.float64)), out=value)
    absent = np.logical_not(present.any(axis=0))
    if min_share > 0:
        short = too_few(present.sum(axis=0), len(children), min_share)
        if short.any():
            np.copyto(value, np.nan, where=short)
            absent |= short
    return value, absent


def _combine(children: list[np.ndarray], w: np.ndarray, min_share: float) -> np.ndarray:
    """``Σ w f(x) / Σ w`` over the children present, children ``[batch, cell]`` each, already
    in ``f``-space. The weight present is a per-replication constant for children without
    gaps, so complete data never pays for a ``[batch, cell]`` array of weights."""
    batch, cells = w.shape[0], children[0].shape[-1]
    counted = (w > 0).astype(np.float64)
    num = np.full((batch, cells), 0.0)  # not zeros: calloc maps fresh pages every time
    scratch = np.empty_like(num)
    den_const = np.zeros(batch)
    present_const = np.zeros(batch)
    den_part: np.ndarray | None = None
    present_part: np.ndarray | None = None
    for k, child in enumerate(children):
        missing = np.isnan(child)
        weighted = np.multiply(child, w[:, k, None], out=scratch)
        if not missing.any():
            num += weighted
            den_const += w[:, k]
            present_const += counted[:, k]
            continue
        np.copyto(weighted, 0.0, where=missing)
        num += weighted
        present = np.logical_not(missing, out=missing)
        if den_part is None:
            den_part = np.full_like(num, 0.0)
        np.add(den_part, w[:, k, None], out=den_part, where=present)
        if min_share > 0:
            if present_part is None:
                present_part = np.full_like(num, 0.0)
            np.add(present_part, counted[:, k, None], out=present_part, where=present)
    with np.errstate(invalid="ignore", divide="ignore"):
        if den_part is None:  # 0 / 0 where no weight at all: missing
            np.divide(num, den_const[:, None], out=num)
            return num
        den_part += den_const[:, None]
        np.divide(num, den_part, out=num)
    np.copyto(num, np.nan, where=den_part < np.finfo(np.float64).tiny)
    if present_part is not None:
        n = np.maximum(counted.sum(axis=1), 1.0)[:, None]
        present_part += present_const[:, None]
        np.copyto(num, np.nan, where=too_few(present_part, n, min_share))
    return num


def _in_domain(values: np.ndarray, mean: Mean) -> bool:
    """Whether every value present lies in ``mean``'s domain (checked on the lowest)."""
    if mean.domain is None:
        return True
    lowest = np.fmin.reduce(values, axis=None)
    return bool(np.isnan(lowest) or mean.domain(lowest))


def _child_in_space(
    indicators: Indicators, values: dict[int, _Value], kid: int, mean: Mean, batch: int
) -> np.ndarray | None:
    """Child ``kid`` in ``mean``'s ``f``-space (NaN where missing), or ``None`` where a value
    lies outside the domain of ``f``. A child already in that space (the same method
    below) lies in the domain: its mean does."""
    if kid < indicators.count:
        if not indicators.in_domain([kid], mean):
            return None
        column = _apply(mean.f, indicators.values[kid])
        return np.broadcast_to(column, (batch, column.shape[0]))
    value = values[kid]
    if value.space is not None and value.space.key == mean.key:
        return value.array
    real = value.real()
    if not _in_domain(real, mean):
        return None
    return _apply(mean.f, real)


def _missing_alike(
    indicators: Indicators, values: dict[int, _Value], kid: int
) -> np.ndarray | None:
    """The cells child ``kid`` misses in every replication of the batch (see :class:`_Value`)."""
    if kid < indicators.count:
        return np.asarray(indicators.present[kid] == 0)
    return values[kid].missing


def _real_child(indicators: Indicators, values: dict[int, _Value], kid: int) -> np.ndarray:
    return indicators.values[kid] if kid < indicators.count else values[kid].real()


def _aggregate_each(
    children: list[np.ndarray], w: np.ndarray, choice: StepChoice, cells: int
) -> np.ndarray:
    """Fallback for methods without a batched form: the registered function, once per
    replication. Children are ``[cell]`` (an indicator) or ``[batch, cell]``."""
    batch = w.shape[0]
    out = np.full((batch, cells), np.nan)
    for b in range(batch):
        if not w[b].sum() > 0:
            continue
        x = np.stack([c if c.ndim == 1 else c[b] for c in children], axis=-1)
        out[b] = np.asarray(choice.func(x[None], w[b], choice.params), dtype=np.float64)[0]
    return out


def _node(
    indicators: Indicators,
    values: dict[int, _Value],
    kids: tuple[int, ...],
    w: np.ndarray,
    choice: StepChoice,
) -> _Value:
    mean = quasi_arithmetic(choice)
    min_share = coverage_min_share(choice)
    batch, cells = w.shape[0], indicators.values.shape[1]
    if mean is not None:
        if all(k < indicators.count for k in kids):
            if indicators.in_domain(kids, mean):
                return _over_indicators(indicators, list(kids), w, mean, min_share)
        else:
            parts = [_child_in_space(indicators, values, k, mean, batch) for k in kids]
            if all(p is not None for p in parts):
                children = [p for p in parts if p is not None]
                found = [_missing_alike(indicators, values, k) for k in kids]
                masks = [m for m in found if m is not None]
                if (w > 0).all() and len(masks) == len(kids):
                    value, missing = _combine_alike(children, masks, w, min_share)
                    return _Value(value, mean, missing)
                return _Value(_combine(children, w, min_share), mean)
    real = [_real_child(indicators, values, k) for k in kids]
    return _Value(_aggregate_each(real, w, choice, cells), None)


def batch_outputs(
    indicators: Indicators,
    choices: Sequence[StepChoice],
    weights: np.ndarray,
    aggregate_columns: Sequence[int],
    children: Sequence[Sequence[int]],
    outputs: Sequence[int],
) -> list[np.ndarray]:
    """The values ``[batch, cell]`` (NaN = missing) of the aggregates at positions
    ``outputs`` for a batch of replications with effective ``weights`` ``[batch, node]``.

    ``aggregate_columns`` are the node columns of the aggregates, bottom-up, ``children``
    each one's children (node columns; below ``indicators.count`` an indicator) and
    ``choices`` each one's aggregation.
    """
    values: dict[int, _Value] = {}
    for a, (column, kids) in enumerate(zip(aggregate_columns, children, strict=True)):
        kids = tuple(kids)
        values[column] = _node(indicators, values, kids, weights[:, list(kids)], choices[a])
    return [values[aggregate_columns[a]].real() for a in outputs]
