"""Difference-in-differences for staggered adoption, on whole arrays.

The estimator behind :func:`mint_index.effects`, free of the library's objects so it can
be tested on hand-made panels. One call handles one measure: every unit that adopted it,
every indicator it should move (the ``K`` axis), every cohort (units with the same
adoption year) at once. Loops run over cohorts only; units, years and indicators are
array axes.

For an adopter ``i`` with adoption year ``g`` (its *cohort*) and peer group ``p``:

- ``D[t, u] = Y[t, u] - mean(Y[s, u] for years s < g)``: each unit's change from its own
  pre-adoption mean (its *baseline*);
- the comparison at year ``t`` are the units of peer group ``p`` that have not adopted the
  measure by ``t`` (never-treated and not-yet-treated, as in Callaway and Sant'Anna 2021);
- ``ATT_i(t) = D[t, i] - mean(D[t, c] for c in the comparison)``; the unit's effect is the
  mean over the years ``g <= t <= end`` (end: last year in place or the last data year).

A programme that stopped and started again is a second adopter row of the same unit, with
its own ``g`` and ``end``: its baseline stays the years before the unit's *first*
adoption, the only years free of the measure, and its effect is the mean over its own
window.

A single unit's interval comes from placebo estimates: every comparison unit that stays
without the measure through the whole window gets the same estimate as if it had adopted in
``g`` (compared with the others), and the spread of these placebo effects is the spread of an
estimate when nothing happened (Abadie, Diamond and Hainmueller 2010). The pooled effect
(mean of the adopters' effects, Callaway and Sant'Anna's overall ATT) gets a cluster
bootstrap that resamples units.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from mint_index.errors import MintIndexError

__all__ = [
    "DEFAULT_LEVEL",
    "MeasureEstimate",
    "PooledEstimate",
    "check_level",
    "comparison_paths",
    "estimate_measure",
    "one_hot",
    "percentile_interval",
    "pooled",
    "prediction_half_width",
    "t_quantile",
]

#: The level of the effects' intervals unless a caller asks for another.
DEFAULT_LEVEL = 0.9


def check_level(level: float) -> float:
    """``level`` if the effects accept it as their intervals' level (at least 0.5, below
    1), else a :class:`~mint_index.MintIndexError`."""
    if not 0.5 <= level < 1:
        raise MintIndexError(f"level must be at least 0.5 and below 1, not {level}")
    return level


@dataclass(frozen=True)
class MeasureEstimate:
    """Per-adopter arrays ``[A, K]`` of one measure and its bootstrap draws (for
    :func:`pooled`)."""

    effect: np.ndarray  # [A, K] mean ATT_i(t) over the window
    low: np.ndarray  # [A, K] placebo interval
    high: np.ndarray  # [A, K]
    n_baseline: np.ndarray  # [A, K] observed years before adoption
    n_post: np.ndarray  # [A, K] years after adoption with an estimate
    n_comparison: np.ndarray  # [A, K] placebo pool: same peers, without the measure throughout
    window_end: np.ndarray  # [A] last year of the window
    boot: np.ndarray  # [B, A, K] the adopters' effects in each cluster-bootstrap draw
    boot_weights: np.ndarray  # [B, A] how often each draw picked each adopter
    in_comparison: np.ndarray  # [A, U, K] the placebo pool of each adopter


def one_hot(codes: np.ndarray, n: int) -> np.ndarray:
    """``[U, n]`` float indicator matrix of integer codes ``0..n-1``."""
    out = np.zeros((len(codes), n))
    out[np.arange(len(codes)), codes] = 1.0
    return out


def percentile_interval(draws: np.ndarray, level: float, axis: int = 0) -> np.ndarray:
    """The central ``level`` interval of ``draws`` along ``axis`` (NaN where all are NaN)."""
    alpha = (1.0 - level) / 2.0
    with np.errstate(all="ignore"), _quiet():
        return np.nanquantile(draws, [alpha, 1.0 - alpha], axis=axis)


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence numpy's all-NaN-slice warnings (an all-NaN slice is a valid 'no value')."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def t_quantile(p: float, df: np.ndarray) -> np.ndarray:
    """Student's t quantile by the Cornish-Fisher expansion around the normal quantile
    (Abramowitz and Stegun 26.7.5; error below 0.5 % for ``df >= 3``); no SciPy needed."""
    z = NormalDist().inv_cdf(p)
    v = np.asarray(df, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (
            z
            + (z**3 + z) / (4 * v)
            + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
            + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4)
        )


def prediction_half_width(placebo: np.ndarray, level: float, axis: int) -> np.ndarray:
    """Half width of the ``level`` prediction interval of one more draw from the placebo
    effects along ``axis``: ``t(n-1) * sd * sqrt(1 + 1/n)``. Unlike the placebo quantiles it
    keeps its level with a handful of comparison units (NaN with fewer than two)."""
    n = np.isfinite(placebo).sum(axis=axis)
    with _quiet():
        sd = np.nanstd(placebo, axis=axis, ddof=1)
    t = t_quantile(1.0 - (1.0 - level) / 2.0, np.maximum(n - 1, 1))
    return np.where(n >= 2, t * sd * np.sqrt(1.0 + 1.0 / np.maximum(n, 1)), np.nan)


def _masked_mean(values: np.ndarray, mask: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean of ``values`` over ``axis`` where ``mask`` and finite; and the count."""
    ok = mask & np.isfinite(values)
    n = ok.sum(axis=axis)
    total = np.where(ok, values, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan), n


def estimate_measure(
    values: np.ndarray,
    years: Sequence[int] | np.ndarray,
    peers: np.ndarray,
    adopters: np.ndarray,
    since: np.ndarray,
    end: np.ndarray | None = None,
    *,
    level: float = DEFAULT_LEVEL,
    n_boot: int = 999,
    rng: np.random.Generator | None = None,
) -> MeasureEstimate:
    """Effects of one measure on ``K`` outcomes.

    ``values``: ``[T, U, K]`` (NaN = missing); ``years``: ``[T]`` sorted; ``peers``: ``[U]``
    integer peer-group codes; ``adopters``: ``[A]`` unit positions; ``since``/``end``:
    ``[A]`` first and last year in place (``end`` NaN = still in place). ``rng`` draws the
    ``n_boot`` cluster-bootstrap weights used by :func:`pooled`.
    """
    values = np.asarray(values, dtype=float)
    years = np.asarray(years, dtype=np.int64)
    _, n_u, n_k = values.shape
    peers = np.asarray(peers, dtype=np.int64)
    adopters = np.asarray(adopters, dtype=np.int64)
    since = np.asarray(since, dtype=np.int64)
    n_a = len(adopters)
    last = int(years.max())
    end_year = np.full(n_a, last) if end is None else np.asarray(end, dtype=float)
    end_year = np.where(np.isnan(end_year), last, np.minimum(end_year, last)).astype(np.int64)
    rng = rng if rng is not None else np.random.default_rng(0)

    first = np.full(n_u, np.iinfo(np.int64).max)  # first adoption year per unit
    np.minimum.at(first, adopters, since)
    peer_matrix = one_hot(peers, int(peers.max()) + 1 if n_u else 1)  # [U, P]
    weights = rng.multinomial(n_u, np.full(n_u, 1.0 / n_u), size=n_boot).astype(float)  # [B, U]

    effect = np.full((n_a, n_k), np.nan)
    low, high = np.full((2, n_a, n_k), np.nan)
    n_baseline, n_post, n_comparison = np.zeros((3, n_a, n_k), dtype=np.int64)
    boot = np.full((n_boot, n_a, n_k), np.nan)
    in_comparison = np.zeros((n_a, n_u, n_k), dtype=bool)

    for f, g, e in _windows(first[adopters], since, end_year):
        members = np.flatnonzero((first[adopters] == f) & (since == g) & (end_year == e))
        rows = adopters[members]
        before = years < f  # the baseline: before the unit's first adoption
        after = (years >= g) & (years <= e)
        with _quiet():
            base = np.nanmean(np.where(before[:, None, None], values, np.nan), axis=0)  # [U, K]
        counts = np.isfinite(values[before]).sum(axis=0)  # [U, K]
        diff = values - base[None]  # [T, U, K]
        untreated = first[None, :] > years[:, None]  # [T, U] not adopted by t
        valid = untreated[:, :, None] & np.isfinite(diff) & (counts[None] > 0)
        d0 = np.where(valid, diff, 0.0)
        total = np.einsum("tuk,up->tpk", d0, peer_matrix, optimize=True)
        count = np.einsum("tuk,up->tpk", valid.astype(float), peer_matrix, optimize=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            comparison = total / count  # [T, P, K]
        att = diff[:, rows, :] - comparison[:, peers[rows], :]  # [T, m, K]
        effect[members], n_post[members] = _masked_mean(att, after[:, None, None], axis=0)
        n_baseline[members] = counts[rows]

        # placebo pool: same peers, without the measure through the window, data in it
        clean = (first > e)[:, None] & (counts > 0)  # [U, K]
        observed = (np.isfinite(diff) & after[:, None, None]).any(axis=0)  # [U, K]
        clean &= observed
        with np.errstate(invalid="ignore", divide="ignore"):
            loo = (total[:, peers, :] - d0) / (count[:, peers, :] - valid)  # [T, U, K]
        placebo, _ = _masked_mean(diff - loo, after[:, None, None] & valid, axis=0)  # [U, K]
        same_peer = peers[rows][:, None] == peers[None, :]  # [m, U]
        chosen = same_peer[:, :, None] & clean[None]  # [m, U, K]
        in_comparison[members] = chosen
        n_comparison[members] = chosen.sum(axis=1)
        spread = np.where(chosen, placebo[None], np.nan)  # [m, U, K]
        half = prediction_half_width(spread, level, axis=1)  # [m, K]
        low[members] = effect[members] - half
        high[members] = effect[members] + half

        # cluster bootstrap of the same estimate: units resampled with their whole series
        b_total = np.einsum("bu,tuk,up->btpk", weights, d0, peer_matrix, optimize=True)
        b_count = np.einsum(
            "bu,tuk,up->btpk", weights, valid.astype(float), peer_matrix, optimize=True
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            b_comparison = b_total / b_count  # [B, T, P, K]
        b_att = diff[None, :, rows, :] - b_comparison[:, :, peers[rows], :]  # [B, T, m, K]
        boot[:, members], _ = _masked_mean(b_att, after[None, :, None, None], axis=1)

    return MeasureEstimate(
        effect=effect,
        low=low,
        high=high,
        n_baseline=n_baseline,
        n_post=n_post,
        n_comparison=n_comparison,
        window_end=end_year,
        boot=boot,
        boot_weights=weights[:, adopters],
        in_comparison=in_comparison,
    )


def _windows(first: np.ndarray, since: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The distinct (first adoption, adoption, last year) triples of the adopters, in order:
    the cohorts that share a baseline and a window."""
    if not len(since):
        return np.empty((0, 3), dtype=np.int64)
    return np.unique(np.stack([first, since, end], axis=1), axis=0)


@dataclass(frozen=True)
class PooledEstimate:
    """The pooled effect ``[K]`` of the adopters chosen by :func:`pooled`."""

    effect: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n_units: np.ndarray
    n_comparison: np.ndarray


def pooled(
    est: MeasureEstimate, chosen: np.ndarray, level: float = DEFAULT_LEVEL
) -> PooledEstimate:
    """Mean effect of the adopters ``chosen`` (``[A, K]``) with its cluster-bootstrap interval.

    Each bootstrap draw weights every adopter and comparison unit by how often the draw
    picked it; the percentile interval is widened by ``sqrt(A / (A - 1))`` around the
    estimate because the bootstrap spread of a mean of ``A`` clusters is too narrow by that
    factor. Fewer than two adopters give no pooled effect (NaN).
    """
    chosen = np.asarray(chosen, dtype=bool) & np.isfinite(est.effect)
    effect, n_units = _masked_mean(est.effect, chosen, axis=0)
    w = est.boot_weights[:, :, None] * (chosen[None] & np.isfinite(est.boot))  # [B, A, K]
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = (np.where(w > 0, est.boot, 0.0) * w).sum(axis=1) / w.sum(axis=1)  # [B, K]
    inflate = np.sqrt(n_units / np.maximum(n_units - 1, 1))
    low, high = percentile_interval(effect + (draws - effect) * inflate, level, axis=0)
    too_few = n_units < 2
    effect[too_few] = low[too_few] = high[too_few] = np.nan
    n_comparison = (est.in_comparison & chosen[:, None, :]).any(axis=0).sum(axis=0)
    return PooledEstimate(effect, low, high, n_units, n_comparison)


def comparison_paths(
    values: np.ndarray,
    years: Sequence[int] | np.ndarray,
    peers: np.ndarray,
    adopters: np.ndarray,
    since: np.ndarray,
    end: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """For a before/after chart: the comparison group's mean ``[T, A, K]`` (same peers,
    without the measure through the adopter's window) and the adopter's *counterfactual*,
    that mean moved to the adopter's baseline (what the adopter would show had it moved like
    its comparison group)."""
    values = np.asarray(values, dtype=float)
    years = np.asarray(years, dtype=np.int64)
    n_t, n_u, n_k = values.shape
    peers = np.asarray(peers, dtype=np.int64)
    adopters = np.asarray(adopters, dtype=np.int64)
    since = np.asarray(since, dtype=np.int64)
    last = int(years.max())
    end_year = np.full(len(adopters), last) if end is None else np.asarray(end, dtype=float)
    end_year = np.where(np.isnan(end_year), last, np.minimum(end_year, last)).astype(np.int64)
    first = np.full(n_u, np.iinfo(np.int64).max)
    np.minimum.at(first, adopters, since)
    mean = np.full((n_t, len(adopters), n_k), np.nan)
    counterfactual = np.full_like(mean, np.nan)
    for f, g, e in _windows(first[adopters], since, end_year):
        members = np.flatnonzero((first[adopters] == f) & (since == g) & (end_year == e))
        rows = adopters[members]
        before = years < f
        pool = (first > e)[None, :] & (peers[rows][:, None] == peers[None, :])  # [m, U]
        shown = np.where(pool[None, :, :, None], values[:, None, :, :], np.nan)  # [T, m, U, K]
        with _quiet():
            group = np.nanmean(shown, axis=2)  # [T, m, K]
            group_base = np.nanmean(np.where(before[:, None, None], group, np.nan), axis=0)
            own_base = np.nanmean(np.where(before[:, None, None], values[:, rows], np.nan), axis=0)
        mean[:, members] = group
        counterfactual[:, members] = group - group_base[None] + own_base[None]
    return mean, counterfactual
