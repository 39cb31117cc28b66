"""Shared types for the method functions of each step.

Signatures (cubes are float64 arrays shaped ``[year, unit, indicator]``, NaN = missing):

- denominate: ``f(x, denominators, params) -> x'`` (``denominators`` has x's shape)
- screen:     ``f(x, params) -> keep`` (bool ``[year, unit]``; ``x`` is before imputation)
- impute:     ``f(x, params, ctx: ImputeContext) -> x'``
- treat:      ``f(x, params, ctx: TreatContext) -> TreatResult``
- normalise:  ``f(x, params, ctx: NormaliseContext) -> x'`` (direction applied by the method)
- aggregate:  ``f(x, weights, params) -> y`` with ``x`` shaped ``[year, unit, child]``,
  ``weights`` ``[child]`` and ``y`` ``[year, unit]``; a missing child drops out and the
  weights of the rest are renormalised (the minimum share present is the engine's job).

Functions never modify their inputs and never loop over units or years in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
from pydantic import Field

from mint_index.methods.registry import StepParams

__all__ = [
    "AggregateParams",
    "FitMode",
    "ImputeContext",
    "NormaliseContext",
    "NormaliseParams",
    "TreatContext",
    "TreatResult",
]

#: How normalisation parameters are fitted on a panel: pooled over all years, per year
#: (each year on its own, as COINr's purses do), or on one reference year (an int).
FitMode = Literal["pooled", "per_year"] | int


class NormaliseParams(StepParams):
    """Parameters every normalisation method accepts."""

    fit: Literal["pooled", "per_year"] | int = "pooled"


class AggregateParams(StepParams):
    """Parameters every aggregation method accepts.

    ``min_share``: the share of the children (counted, not weighted, as COINr's
    ``dat_thresh``; children of weight 0 not counted) that must be present; below it the
    parent is missing rather than averaged from what is left
    (:func:`~mint_index.rules.coverage.enough_children`).
    """

    min_share: float = Field(default=0.5, ge=0.0, le=1.0)


@dataclass(frozen=True)
class NormaliseContext:
    """What a normalisation needs to know about the indicators being normalised."""

    years: np.ndarray  # [year] int
    direction: np.ndarray  # [indicator] +1.0 (higher is better) or -1.0
    goalposts: np.ndarray  # [indicator, 2] lower/upper bound, NaN where not declared
    target: np.ndarray  # [indicator] NaN where not declared
    indicator_ids: tuple[str, ...] = ()
    unit_ids: Sequence[str] | np.ndarray = ()  # [unit]: needed by methods with a reference unit

    def fit_slice(self, x: np.ndarray, fit: FitMode) -> np.ndarray:
        """The part of ``x`` parameters are fitted on (all years for pooled and per_year)."""
        if isinstance(fit, int) and not isinstance(fit, bool):
            hits = np.flatnonzero(self.years == fit)
            if hits.size == 0:
                from mint_index.errors import SpecError

                raise SpecError(
                    f"normalise: reference year {fit} is not in the data "
                    f"(years: {', '.join(map(str, self.years))})"
                )
            return x[hits[0] : hits[0] + 1]
        return x

    def reduce(self, x: np.ndarray, fit: FitMode, func: Callable[..., np.ndarray]) -> np.ndarray:
        """Apply a NaN-aware reduction (e.g. ``np.nanmin``) the way ``fit`` says.

        Returns an array that broadcasts against ``x``: ``[year, 1, indicator]`` per year,
        ``[1, 1, indicator]`` otherwise.
        """
        return self.reductions(x, fit, func)[0]

    def reductions(
        self, x: np.ndarray, fit: FitMode, *funcs: Callable[..., Any]
    ) -> list[np.ndarray]:
        """:meth:`reduce` with several reductions over one indicator-major copy of the
        fitted values: each then runs over contiguous memory, where over the cube it
        would step through short rows of indicators (several times slower)."""
        if fit == "per_year":
            columns = np.ascontiguousarray(np.moveaxis(x, 2, 1))  # [year, indicator, unit]
            return [np.moveaxis(func(columns, axis=2, keepdims=True), 2, 1) for func in funcs]
        part = self.fit_slice(x, fit)
        columns = np.ascontiguousarray(part.reshape(-1, part.shape[2]).T)  # [indicator, cell]
        return [func(columns, axis=1)[None, None, :] for func in funcs]


@dataclass(frozen=True)
class ImputeContext:
    """Grouping information for imputation: group codes per unit (-1 = no group), and for
    row-wise methods each indicator's direction and parent."""

    years: np.ndarray  # [year]
    groups: Mapping[str, np.ndarray] = field(default_factory=dict)  # column -> [unit] int codes
    direction: np.ndarray | None = None  # [indicator] +1.0 / -1.0; None: all +1
    parents: np.ndarray | None = None  # [indicator] int code of the parent; None: one parent


@dataclass(frozen=True)
class TreatContext:
    """Per-indicator overrides of the treatment thresholds are resolved by the engine."""

    years: np.ndarray
    indicator_ids: tuple[str, ...] = ()


class TreatResult:
    """Treated values and a record of what was done, per year and indicator.

    ``values`` ``[year, unit, indicator]``; ``winsorised`` bool ``[year, unit, indicator]``
    (cells that were winsorised); ``points`` int ``[year, indicator]`` (points
    winsorised); ``log_transformed`` bool ``[year, indicator]``; skewness and kurtosis
    ``[year, indicator]`` before and after.

    A method that leaves the values as they are passes ``values`` alone: its record
    (nothing winsorised or transformed, skewness and kurtosis after as before, those of
    ``values``) is computed on first access, so scoring without treatment does not pay for
    statistics nobody reads.
    """

    def __init__(
        self,
        values: np.ndarray,
        winsorised: np.ndarray | None = None,
        points: np.ndarray | None = None,
        log_transformed: np.ndarray | None = None,
        skew_before: np.ndarray | None = None,
        kurt_before: np.ndarray | None = None,
        skew_after: np.ndarray | None = None,
        kurt_after: np.ndarray | None = None,
    ) -> None:
        self.values = values
        given = {
            "winsorised": winsorised,
            "points": points,
            "log_transformed": log_transformed,
            "skew_before": skew_before,
            "kurt_before": kurt_before,
            "skew_after": skew_after,
            "kurt_after": kurt_after,
        }
        self.__dict__.update({name: a for name, a in given.items() if a is not None})

    @cached_property
    def winsorised(self) -> np.ndarray:
        return np.zeros(self.values.shape, dtype=bool)

    @cached_property
    def points(self) -> np.ndarray:
        return np.zeros(self._columns, dtype=np.int64)

    @cached_property
    def log_transformed(self) -> np.ndarray:
        return np.zeros(self._columns, dtype=bool)

    @cached_property
    def skew_before(self) -> np.ndarray:
        return self._statistics[0]

    @cached_property
    def kurt_before(self) -> np.ndarray:
        return self._statistics[1]

    @cached_property
    def skew_after(self) -> np.ndarray:
        return self.skew_before

    @cached_property
    def kurt_after(self) -> np.ndarray:
        return self.kurt_before

    @property
    def _columns(self) -> tuple[int, int]:
        return self.values.shape[0], self.values.shape[2]

    @cached_property
    def _statistics(self) -> tuple[np.ndarray, np.ndarray]:
        from mint_index.methods.treat import skew_kurtosis

        return skew_kurtosis(self.values)
