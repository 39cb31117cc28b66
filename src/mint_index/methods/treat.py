"""Treat: outlier treatment (JRC/COINr winsorisation with a log fallback).

Each (year, indicator) column is checked on its own, across units, as COINr treats each
coin (year) separately. A column *fails* when ``|skewness| >= skew`` and ``kurtosis >=
kurtosis`` (COINr's ``check_SkewKurt`` passes a column when either is below its threshold).
Skewness and excess kurtosis are the bias-corrected sample estimators (e1071 type 2, as in
Excel's SKEW and KURT). Columns with fewer than four values or no spread are never treated,
and a treatment that would leave a column without spread is undone (COINr's check then
returns NA and Treat keeps the untreated column).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Literal

import numpy as np
from pydantic import ConfigDict, Field

from mint_index.methods.base import TreatContext, TreatResult
from mint_index.methods.registry import NoParams, StepParams, register

__all__ = [
    "BoxCoxParams",
    "LogParams",
    "WinsoriseParams",
    "box_cox",
    "log_ct",
    "log_ct_plus",
    "skew_kurtosis",
]


class _Thresholds(StepParams):
    """``skew``: threshold of |skewness|; ``kurtosis``: threshold of excess kurtosis."""

    skew: float = Field(default=2.0, gt=0)
    kurtosis: float = 3.5


class WinsoriseParams(_Thresholds):
    """``max_points``: most points winsorised per column; ``fallback``: what to do when the
    column still fails (``log``: COINr's log_CT of the original values; ``none``: keep the
    winsorised values)."""

    max_points: int = Field(default=5, ge=1)
    fallback: Literal["log", "none"] = "log"


class LogParams(_Thresholds):
    """``always``: log-transform every column, not only those failing the check."""

    always: bool = False


class BoxCoxParams(LogParams):
    """``lambda``: the Box-Cox exponent (0: natural log); ``makepos``: shift every column
    to a minimum of 1 first (COINr's default), else the values must be positive."""

    model_config = ConfigDict(populate_by_name=True)

    lambda_: float = Field(alias="lambda")
    makepos: bool = True


def skew_kurtosis(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sample skewness and excess kurtosis along the unit axis (axis 1), NaN ignored.

    With ``n`` values, deviations ``d`` from their mean, ``m_k = sum(d**k)``:
    skewness ``sqrt(n) m3 / m2**1.5 * sqrt(n (n-1)) / (n-2)`` and kurtosis
    ``((n+1) (n m4 / m2**2 - 3) + 6) (n-1) / ((n-2) (n-3))``. NaN when ``n < 4`` or the
    values have no spread.

    The powers are products and the sums run over NaN-zeroed deviations in one buffer:
    ``d**3`` (numpy's general ``pow``) and the NaN-functions, which copy the cube, made
    this ten times slower.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        missing = np.isnan(x)
        n = x.shape[1] - missing.sum(axis=1, dtype=np.float64)
        d = np.where(missing, 0.0, x)
        d -= d.sum(axis=1, keepdims=True) / n[:, None, :]
        np.copyto(d, 0.0, where=missing)
        d2 = d * d
        m2 = d2.sum(axis=1)
        d *= d2
        m3 = d.sum(axis=1)
        d2 *= d2
        m4 = d2.sum(axis=1)
        ok = (n >= 4) & (m2 > 0)
        skew = np.sqrt(n) * m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        ratio = n * m4 / m2**2
        kurt = ((n + 1) * (ratio - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return np.where(ok, skew, np.nan), np.where(ok, kurt, np.nan)


def _fails(x: np.ndarray, params: _Thresholds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    skew, kurt = skew_kurtosis(x)
    return _failing(skew, kurt, params), skew, kurt


def _failing(skew: np.ndarray, kurt: np.ndarray, params: _Thresholds) -> np.ndarray:
    return (np.abs(skew) >= params.skew) & (kurt >= params.kurtosis)


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr's log_CT per column: ``log(x - min + 0.01 (max - min))``, NaN ignored."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanmin(x, axis=1, keepdims=True)
        hi = np.nanmax(x, axis=1, keepdims=True)
        return np.log(x - lo + 0.01 * (hi - lo))


def log_ct_plus(x: np.ndarray, skew: np.ndarray) -> np.ndarray:
    """COINr's log_CT_plus per column, with ``a = 0.01 (max - min)``: ``log(x - min + a)``
    where the column's skewness is positive, else ``-log(max + a - x)`` (which pulls in
    the long left tail and keeps the order). NaN ignored."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanmin(x, axis=1, keepdims=True)
        hi = np.nanmax(x, axis=1, keepdims=True)
        a = 0.01 * (hi - lo)
        return np.where((skew > 0)[:, None, :], np.log(x - lo + a), -np.log(hi + a - x))


def box_cox(x: np.ndarray, lam: float, makepos: bool) -> np.ndarray:
    """COINr's boxcox per column: with ``makepos`` x is shifted to ``x - min + 1`` first;
    then ``(x**lam - 1) / lam``, or ``log(x)`` for ``lam = 0``. NaN ignored."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        if makepos:
            x = x - np.nanmin(x, axis=1, keepdims=True) + 1.0
        return np.log(x) if lam == 0 else (x**lam - 1.0) / lam


def _column_extreme(x: np.ndarray, high: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per column: the mask of cells at the max (min) and the next value inwards."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        reduce = np.nanmax if high else np.nanmin
        extreme = reduce(x, axis=1, keepdims=True)
        at = x == extreme
        inner = reduce(np.where(at, np.nan, x), axis=1, keepdims=True)
    return at, inner


def _winsorise_columns(
    x: np.ndarray,
    fails: np.ndarray,
    stats: tuple[np.ndarray, np.ndarray],
    params: WinsoriseParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """COINr's winsorise, all columns at once: while a column fails and fewer than
    ``max_points`` are winsorised, the value(s) at the extreme on the side of the skew are
    set to the next value inwards. As in COINr, the count is the number of cells at the
    extreme replaced last on each side (ties and earlier steps accumulate there).

    ``stats`` are the skewness and kurtosis of ``x``. Returns the values with theirs (each
    step's check also gives the next step's side, so they are computed once a step)."""
    out = x.copy()
    skew, kurt = stats
    n_high = np.zeros(fails.shape, dtype=np.int64)
    n_low = np.zeros(fails.shape, dtype=np.int64)
    active = fails.copy()
    for _ in range(x.shape[1]):  # at most one step per unit; bounded by max_points in practice
        if not active.any():
            break
        high = skew >= 0
        at_max, next_max = _column_extreme(out, high=True)
        at_min, next_min = _column_extreme(out, high=False)
        step_high = (active & high)[:, None, :] & at_max & ~np.isnan(next_max)
        step_low = (active & ~high)[:, None, :] & at_min & ~np.isnan(next_min)
        out = np.where(step_high, next_max, np.where(step_low, next_min, out))
        n_high = np.where(active & high, at_max.sum(axis=1), n_high)
        n_low = np.where(active & ~high, at_min.sum(axis=1), n_low)
        still, skew, kurt = _fails(out, params)
        active = active & still & (n_high + n_low < params.max_points)
    return out, skew, kurt


def _result(
    original: np.ndarray,
    values: np.ndarray,
    logged: np.ndarray,
    before: tuple[np.ndarray, np.ndarray],
    after: tuple[np.ndarray, np.ndarray],
) -> TreatResult:
    changed = (values != original) & ~np.isnan(original) & ~logged[:, None, :]
    return TreatResult(
        values=values,
        winsorised=changed,
        points=changed.sum(axis=1),
        log_transformed=logged,
        skew_before=before[0],
        kurt_before=before[1],
        skew_after=after[0],
        kurt_after=after[1],
    )


@register("treat", "none")
def none(x: np.ndarray, params: NoParams, ctx: TreatContext) -> TreatResult:
    """No treatment. The record still gives each column's skewness and kurtosis, so the
    analyst sees which columns a treatment would act on; computed on first access, once,
    as nothing changes (before = after)."""
    return TreatResult(values=x)  # the input itself: the stages share it


@register("treat", "winsorise", WinsoriseParams)
def winsorise(x: np.ndarray, params: WinsoriseParams, ctx: TreatContext) -> TreatResult:
    """Winsorise failing columns point by point, then log_CT if still failing (COINr Treat)."""
    fails, skew0, kurt0 = _fails(x, params)
    values, skew1, kurt1 = _winsorise_columns(x, fails, (skew0, kurt0), params)
    # Winsorising all values to one: COINr's check gives NA and the column stays as it was.
    flattened = fails & np.isnan(skew1)
    if flattened.any():
        values = np.where(flattened[:, None, :], x, values)
        skew1, kurt1 = np.where(flattened, skew0, skew1), np.where(flattened, kurt0, kurt1)
        fails = fails & ~flattened
    logged = np.zeros(fails.shape, dtype=bool)
    if params.fallback == "log":
        logged = fails & _failing(skew1, kurt1, params)
        if logged.any():
            values = np.where(logged[:, None, :], log_ct(x), values)
            skew1, kurt1 = skew_kurtosis(values)
    return _result(x, values, logged, (skew0, kurt0), (skew1, kurt1))


@register("treat", "log", LogParams)
def log(x: np.ndarray, params: LogParams, ctx: TreatContext) -> TreatResult:
    """COINr's log_CT transform of failing columns (or of all with ``always``)."""
    fails, skew0, kurt0 = _fails(x, params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = np.nanmax(x, axis=1) > np.nanmin(x, axis=1)  # log_CT of a constant is -inf
    logged = (np.ones(fails.shape, dtype=bool) if params.always else fails) & spread
    values = np.where(logged[:, None, :], log_ct(x), x)
    return _result(x, values, logged, (skew0, kurt0), skew_kurtosis(values))


def _transform_failing(
    x: np.ndarray,
    params: LogParams,
    transform: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> TreatResult:
    """Apply ``transform(x, skewness)`` to the failing columns (all with ``always``) that
    have a spread; a column the transform leaves without spread keeps its values."""
    fails, skew0, kurt0 = _fails(x, params)
    treat = (np.ones(fails.shape, dtype=bool) if params.always else fails) & ~np.isnan(skew0)
    values = np.where(treat[:, None, :], transform(x, skew0), x)
    skew1, kurt1 = skew_kurtosis(values)
    undone = treat & np.isnan(skew1)
    values = np.where(undone[:, None, :], x, values)
    logged = treat & ~undone
    after = (np.where(undone, skew0, skew1), np.where(undone, kurt0, kurt1))
    return _result(x, values, logged, (skew0, kurt0), after)


@register("treat", "log_ct_plus", LogParams)
def log_ct_plus_treat(x: np.ndarray, params: LogParams, ctx: TreatContext) -> TreatResult:
    """COINr's log_CT_plus on failing columns: log(x - min + a) if skewness > 0, else
    -log(max + a - x), a = 0.01 (max - min) (Treat with f1 = "log_CT_plus", no f2)."""
    return _transform_failing(x, params, log_ct_plus)


@register("treat", "boxcox", BoxCoxParams)
def boxcox(x: np.ndarray, params: BoxCoxParams, ctx: TreatContext) -> TreatResult:
    """COINr's boxcox on failing columns: (y**lambda - 1) / lambda, log y for lambda 0,
    y = x - min + 1 with ``makepos`` (Treat with f1 = "boxcox", no f2)."""
    return _transform_failing(x, params, lambda v, _: box_cox(v, params.lambda_, params.makepos))
