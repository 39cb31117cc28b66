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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

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

    ``min_share``: the share of the children's weight that must be present; below it the
    parent is missing rather than averaged from what is left (applied by the engine).
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
    unit_ids: tuple[str, ...] = ()  # [unit]: needed by methods with a reference unit

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
        if fit == "per_year":
            return func(x, axis=1, keepdims=True)
        part = self.fit_slice(x, fit)
        return func(part, axis=(0, 1), keepdims=True)


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


@dataclass(frozen=True)
class TreatResult:
    """Treated values and a record of what was done, per year and indicator."""

    values: np.ndarray  # [year, unit, indicator]
    winsorised: np.ndarray  # bool [year, unit, indicator]: cells that were winsorised
    points: np.ndarray  # int [year, indicator]: number of points winsorised
    log_transformed: np.ndarray  # bool [year, indicator]
    skew_before: np.ndarray  # [year, indicator]
    kurt_before: np.ndarray
    skew_after: np.ndarray
    kurt_after: np.ndarray
