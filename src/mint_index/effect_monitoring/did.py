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

import numpy as np

from mint_index.analysis.statistics import student_t_quantile
from mint_index.errors import EffectsArgumentError

__all__ = [
    "DEFAULT_LEVEL",
    "MIN_BASELINE_YEARS",
    "MeasureEstimate",
    "PooledEstimate",
    "check_level",
    "check_seed",
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
#: Observed years before adoption a unit needs for a baseline: an adopter for its own
#: estimate, a unit without the measure to serve as comparison (docs/methodology.md).
MIN_BASELINE_YEARS = 2


def check_level(level: float) -> float:
    """``level`` if the effects accept it as their intervals' level (at least 0.5, below
    1), else an :class:`EffectsArgumentError`."""
    if not 0.5 <= level < 1:
        raise EffectsArgumentError(f"level must be at least 0.5 and below 1, not {level}")
    return level


def check_seed(seed: int) -> int:
    """``seed`` if it can seed the bootstrap (a whole number, 0 or more: what numpy's
    ``SeedSequence`` takes), else an :class:`EffectsArgumentError` - checked up front so
    a bad seed reads as bad input, not as numpy's bare ``ValueError``."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise EffectsArgumentError(f"seed must be a whole number, 0 or more, not {seed!r}")
    return int(seed)


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
    """Student's t quantile, exact to about 1e-12 without SciPy: closed forms for 1 and 2
    degrees of freedom, else Newton's method on the t distribution function (the
    regularised incomplete beta function). A series around the normal quantile (Cornish-
    Fisher) is up to 11 % too narrow at one degree of freedom, and placebo pools can be
    that small. One solve per distinct ``df`` (a handful), not per unit."""
    v = np.asarray(df, dtype=float)
    out = np.full(v.shape, np.nan)
    for value in np.unique(v[np.isfinite(v) & (v > 0)]).tolist():
        out[v == value] = student_t_quantile(p, value)
    return out


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


@dataclass(frozen=True)
class _Cohort:
    """What one cohort (units sharing a first adoption year ``f``, an adoption year and a
    window) compares: every unit's change from its baseline and the comparison's mean
    change per peer group, as :func:`estimate_measure` and :func:`comparison_paths` both
    read them (one owner of the definition, so a chart shows the estimate)."""

    base: np.ndarray  # [U, K] mean of the years before f
    counts: np.ndarray  # [U, K] observed years before f
    diff: np.ndarray  # [T, U, K] change from the baseline
    valid: np.ndarray  # [T, U, K] in the comparison at t: not adopted by t, baseline, value
    d0: np.ndarray  # [T, U, K] diff where valid, else 0
    total: np.ndarray  # [T, P, K] sum of the comparison's changes per peer group
    count: np.ndarray  # [T, P, K] comparison units per peer group
    comparison: np.ndarray  # [T, P, K] the comparison's mean change


def _cohort(
    values: np.ndarray,
    years: np.ndarray,
    first: np.ndarray,
    peer_matrix: np.ndarray,
    f: int,
    min_baseline: int,
) -> _Cohort:
    """The comparison of a cohort whose units first adopted in ``f``: the units of each
    peer group not adopted by ``t`` with at least ``min_baseline`` observed years before
    ``f`` (never- and not-yet-treated units, as the documented estimator has it)."""
    before = years < f  # the baseline: before the unit's first adoption
    with _quiet():
        base = np.nanmean(np.where(before[:, None, None], values, np.nan), axis=0)  # [U, K]
    counts = np.isfinite(values[before]).sum(axis=0)  # [U, K]
    diff = values - base[None]  # [T, U, K]
    untreated = first[None, :] > years[:, None]  # [T, U] not adopted by t
    valid = untreated[:, :, None] & np.isfinite(diff) & (counts[None] >= min_baseline)
    d0 = np.where(valid, diff, 0.0)
    total = np.einsum("tuk,up->tpk", d0, peer_matrix, optimize=True)
    count = np.einsum("tuk,up->tpk", valid.astype(float), peer_matrix, optimize=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        comparison = total / count  # [T, P, K]
    return _Cohort(base, counts, diff, valid, d0, total, count, comparison)


def _placebo_pool(
    c: _Cohort, first: np.ndarray, e: int, after: np.ndarray, min_baseline: int
) -> np.ndarray:
    """``[U, K]``: the units that can be a placebo adopter of a window ending in ``e``
    (with the peer group, ``n_comparison``): without the measure through the window,
    with a baseline and a value in the window."""
    observed = (np.isfinite(c.diff) & after[:, None, None]).any(axis=0)  # [U, K]
    return (first > e)[:, None] & (c.counts >= min_baseline) & observed


def _first_adoption(n_u: int, adopters: np.ndarray, since: np.ndarray) -> np.ndarray:
    """Each unit's first adoption year (the int64 maximum for units without the measure)."""
    first = np.full(n_u, np.iinfo(np.int64).max)
    np.minimum.at(first, adopters, since)
    return first


def _window_ends(years: np.ndarray, n_a: int, end: np.ndarray | None) -> np.ndarray:
    """Each adopter's last year of the window: its ``end``, at most the last data year."""
    last = int(years.max())
    end_year = np.full(n_a, last) if end is None else np.asarray(end, dtype=float)
    return np.where(np.isnan(end_year), last, np.minimum(end_year, last)).astype(np.int64)


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
    min_baseline: int = MIN_BASELINE_YEARS,
) -> MeasureEstimate:
    """Effects of one measure on ``K`` outcomes.

    ``values``: ``[T, U, K]`` (NaN = missing); ``years``: ``[T]`` sorted; ``peers``: ``[U]``
    integer peer-group codes; ``adopters``: ``[A]`` unit positions; ``since``/``end``:
    ``[A]`` first and last year in place (``end`` NaN = still in place). ``rng`` draws the
    ``n_boot`` cluster-bootstrap weights used by :func:`pooled`. A unit without the
    measure serves as comparison only with ``min_baseline`` observed years before the
    cohort's adoption, as an adopter needs for its own estimate.
    """
    values = np.asarray(values, dtype=float)
    years = np.asarray(years, dtype=np.int64)
    _, n_u, n_k = values.shape
    peers = np.asarray(peers, dtype=np.int64)
    adopters = np.asarray(adopters, dtype=np.int64)
    since = np.asarray(since, dtype=np.int64)
    n_a = len(adopters)
    end_year = _window_ends(years, n_a, end)
    rng = rng if rng is not None else np.random.default_rng(0)

    first = _first_adoption(n_u, adopters, since)
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
        after = (years >= g) & (years <= e)
        c = _cohort(values, years, first, peer_matrix, f, min_baseline)
        att = c.diff[:, rows, :] - c.comparison[:, peers[rows], :]  # [T, m, K]
        effect[members], n_post[members] = _masked_mean(att, after[:, None, None], axis=0)
        n_baseline[members] = c.counts[rows]

        clean = _placebo_pool(c, first, e, after, min_baseline)  # [U, K]
        with np.errstate(invalid="ignore", divide="ignore"):
            loo = (c.total[:, peers, :] - c.d0) / (c.count[:, peers, :] - c.valid)  # [T, U, K]
        placebo, _ = _masked_mean(c.diff - loo, after[:, None, None] & c.valid, axis=0)  # [U, K]
        same_peer = peers[rows][:, None] == peers[None, :]  # [m, U]
        chosen = same_peer[:, :, None] & clean[None]  # [m, U, K]
        in_comparison[members] = chosen
        n_comparison[members] = chosen.sum(axis=1)
        spread = np.where(chosen, placebo[None], np.nan)  # [m, U, K]
        half = prediction_half_width(spread, level, axis=1)  # [m, K]
        low[members] = effect[members] - half
        high[members] = effect[members] + half

        # cluster bootstrap of the same estimate: units resampled with their whole series
        b_total = np.einsum("bu,tuk,up->btpk", weights, c.d0, peer_matrix, optimize=True)
        b_count = np.einsum(
            "bu,tuk,up->btpk", weights, c.valid.astype(float), peer_matrix, optimize=True
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            b_comparison = b_total / b_count  # [B, T, P, K]
        b_att = c.diff[None, :, rows, :] - b_comparison[:, :, peers[rows], :]  # [B, T, m, K]
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
    *,
    min_baseline: int = MIN_BASELINE_YEARS,
) -> tuple[np.ndarray, np.ndarray]:
    """For a before/after chart, ``[T, A, K]`` each: the comparison group's path and the
    adopter's *counterfactual*, both built from the estimator's own comparison
    (:func:`_cohort`: the same peers not adopted by each year, never- and not-yet-treated,
    each unit's change from its own baseline averaged). The counterfactual is the
    adopter's baseline plus that mean change, so the adopter's value minus it is
    ``ATT_i(t)`` and its mean over the window is the reported effect; the comparison path
    is the same mean change from the mean baseline of the placebo pool (the comparison
    units ``n_comparison`` counts: the group's level before adoption), which does not
    jump when a unit misses a year."""
    values = np.asarray(values, dtype=float)
    years = np.asarray(years, dtype=np.int64)
    n_t, n_u, n_k = values.shape
    peers = np.asarray(peers, dtype=np.int64)
    adopters = np.asarray(adopters, dtype=np.int64)
    since = np.asarray(since, dtype=np.int64)
    end_year = _window_ends(years, len(adopters), end)
    first = _first_adoption(n_u, adopters, since)
    peer_matrix = one_hot(peers, int(peers.max()) + 1 if n_u else 1)
    mean = np.full((n_t, len(adopters), n_k), np.nan)
    counterfactual = np.full_like(mean, np.nan)
    for f, g, e in _windows(first[adopters], since, end_year):
        members = np.flatnonzero((first[adopters] == f) & (since == g) & (end_year == e))
        rows = adopters[members]
        c = _cohort(values, years, first, peer_matrix, f, min_baseline)
        change = c.comparison[:, peers[rows], :]  # [T, m, K]
        after = (years >= g) & (years <= e)
        same_peer = peers[rows][:, None] == peers[None, :]  # [m, U]
        pool = same_peer[:, :, None] & _placebo_pool(c, first, e, after, min_baseline)[None]
        group_base, _ = _masked_mean(np.broadcast_to(c.base[None], pool.shape), pool, axis=1)
        mean[:, members] = group_base[None] + change
        counterfactual[:, members] = c.base[rows][None] + change
    return mean, counterfactual
