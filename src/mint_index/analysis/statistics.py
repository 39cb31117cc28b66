"""Column statistics for the audit, vectorised over columns of a ``[unit, column]`` matrix.

NaN means missing everywhere. Moments, correlations and Cronbach's alpha use the values
present (pairwise complete, as COINr's ``get_corr`` and ``get_cronbach``); principal
components need complete rows, so they drop incomplete ones (listwise), as COINr's
``get_PCA`` does.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from statistics import NormalDist

import numpy as np

from mint_index.rules.quantiles import quantiles_of_sorted

__all__ = [
    "average_ranks",
    "column_stats",
    "cronbach_alpha",
    "first_pc",
    "first_pc_share",
    "pairwise_cov",
    "pearson",
    "pearson_pvalues",
    "spearman",
    "student_t_quantile",
    "student_t_sf2",
]


def _nan_quiet(func: Callable[..., np.ndarray], *args: object, **kwargs: object) -> np.ndarray:
    """Call a NaN-aware numpy reduction without its warnings about all-NaN columns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return func(*args, **kwargs)


def column_stats(x: np.ndarray) -> dict[str, np.ndarray]:
    """Per column of ``x`` ``[unit, column]``: availability and distribution statistics.

    ``skewness`` and ``kurtosis`` are the adjusted Fisher-Pearson coefficients G1 and G2
    (excess kurtosis; what Excel and pandas report), NaN below 3 and 4 values.
    ``outliers`` counts values outside ``[Q1 - 1.5 IQR, Q3 + 1.5 IQR]`` (the project's
    quartiles, :func:`~mint_index.rules.quantiles.quantiles_of_sorted`: R's type 7).
    """
    x = np.asarray(x, dtype=np.float64)
    present = ~np.isnan(x)
    n = present.sum(axis=0)
    n_rows = x.shape[0]
    mean = _nan_quiet(np.nanmean, x, axis=0)
    dev = np.where(present, x - mean, 0.0)
    m2 = (dev**2).sum(axis=0)
    m3 = (dev**3).sum(axis=0)
    m4 = (dev**4).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.where(n > 1, np.sqrt(m2 / np.maximum(n - 1, 1)), np.nan)
        g1 = (m3 / n) / (m2 / n) ** 1.5
        skew = np.where(n > 2, np.sqrt(n * (n - 1.0)) / (n - 2.0) * g1, np.nan)
        g2 = (m4 / n) / (m2 / n) ** 2 - 3.0
        kurt = np.where(n > 3, (n - 1.0) / ((n - 2.0) * (n - 3.0)) * ((n + 1.0) * g2 + 6.0), np.nan)
    skew = np.where(m2 > 0, skew, np.nan)
    kurt = np.where(m2 > 0, kurt, np.nan)
    ordered = np.sort(x, axis=0)  # NaN sort last
    q1, q3 = quantiles_of_sorted(ordered.T, np.zeros_like(n), n, (0.25, 0.75))
    iqr = q3 - q1
    with np.errstate(invalid="ignore"):
        outside = (x < q1 - 1.5 * iqr) | (x > q3 + 1.5 * iqr)
    changes = (ordered[1:] != ordered[:-1]) & ~np.isnan(ordered[1:])
    distinct = np.where(n > 0, 1 + changes.sum(axis=0), 0)
    # Longest run of one value in the sorted column: COINr's N.Same (max(table(x))).
    run_start = np.ones(x.shape, dtype=bool)
    run_start[1:] = ordered[1:] != ordered[:-1]
    position = np.arange(n_rows)[:, None]
    first = np.maximum.accumulate(np.where(run_start, position, 0), axis=0)
    run_length = np.where(np.isnan(ordered), 0, position - first + 1)
    n_same = run_length.max(axis=0, initial=0)
    return {
        "n": n,
        "availability": n / n_rows if n_rows else np.full(x.shape[1], np.nan),
        "min": _nan_quiet(np.nanmin, x, axis=0) if n_rows else np.full(x.shape[1], np.nan),
        "max": _nan_quiet(np.nanmax, x, axis=0) if n_rows else np.full(x.shape[1], np.nan),
        "mean": mean,
        "median": _nan_quiet(np.nanmedian, x, axis=0) if n_rows else np.full(x.shape[1], np.nan),
        "sd": sd,
        "skewness": skew,
        "kurtosis": kurt,
        "outliers": (outside & present).sum(axis=0),
        "zeros": (x == 0).sum(axis=0),
        "n_nonzero": (present & (x != 0)).sum(axis=0),
        "distinct": distinct,
        "n_same": n_same,
    }


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks within each column (1 = smallest), ties get their average rank, NaN stays NaN."""
    x = np.asarray(x, dtype=np.float64)
    n_rows = x.shape[0]
    order = np.argsort(x, axis=0, kind="stable")
    ordered = np.take_along_axis(x, order, axis=0)
    position = np.arange(n_rows, dtype=np.float64)[:, None]
    new_group = np.ones(x.shape, dtype=bool)
    new_group[1:] = ordered[1:] != ordered[:-1]
    # First and last position of each run of equal values, spread over the run.
    first = np.maximum.accumulate(np.where(new_group, position, 0.0), axis=0)
    ends = np.ones(x.shape, dtype=bool)
    ends[:-1] = new_group[1:]
    last_rev = np.minimum.accumulate(np.where(ends, position, n_rows)[::-1], axis=0)[::-1]
    rank_sorted = (first + last_rev) / 2.0 + 1.0
    rank_sorted[np.isnan(ordered)] = np.nan
    out = np.empty_like(rank_sorted)
    np.put_along_axis(out, order, rank_sorted, axis=0)
    return out


def pearson(x: np.ndarray, min_pairs: int = 3) -> np.ndarray:
    """Pearson correlations between the columns of ``x``, each pair on the rows where both
    are present (pairwise complete, as R's ``use = "pairwise.complete.obs"``)."""
    x = np.asarray(x, dtype=np.float64)
    present = (~np.isnan(x)).astype(np.float64)
    centred = x - _nan_quiet(np.nanmean, x, axis=0)  # centring only improves precision
    z = np.where(present > 0, centred, 0.0)
    n = present.T @ present
    sx = z.T @ present  # [i, j]: sum of column i over rows where j is present too
    sxx = (z * z).T @ present
    sxy = z.T @ z
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sx.T / n
        var_i = sxx - sx * sx / n
        r = cov / np.sqrt(var_i * var_i.T)
    # var_i = sxx - sx²/n loses about eps * sxx to cancellation. Where a column is all but
    # constant on a pair's rows (var_i below 1e-6 of sxx), the digits left say nothing:
    # the correlation is reported undefined (NaN) rather than as rounding noise.
    defined = var_i > 1e-6 * sxx
    r = np.where((n >= min_pairs) & defined & defined.T, r, np.nan)
    r = np.clip(r, -1.0, 1.0)
    idx = np.arange(r.shape[0])
    r[idx, idx] = np.where(np.isnan(np.diag(r)), np.nan, 1.0)
    return r


class _RankIndex:
    """Each column's present rows in sorted order and the runs of tied values, so that the
    column's average ranks *among the rows where other columns are present too* come from
    one cumulative sum, for many other columns at once. Arrays are ``[column, row]``."""

    def __init__(self, x: np.ndarray) -> None:
        self.present = ~np.isnan(x.T)  # [column, row]
        self.order: list[np.ndarray] = []
        self.sorted_present: list[np.ndarray] = []  # [column, position]
        self.first: list[np.ndarray] = []  # per sorted position: first position of its run
        self.last: list[np.ndarray] = []  # ... and its last position
        for col in range(x.shape[1]):
            rows = np.flatnonzero(self.present[col])
            rows = rows[np.argsort(x[rows, col], kind="stable")]
            values = x[rows, col]
            pos = np.arange(len(rows))
            starts = np.ones(len(rows), dtype=bool)
            starts[1:] = values[1:] != values[:-1]
            ends = np.ones(len(rows), dtype=bool)
            ends[:-1] = starts[1:]
            self.order.append(rows)
            self.sorted_present.append(self.present[:, rows])
            self.first.append(np.maximum.accumulate(np.where(starts, pos, 0)))
            self.last.append(np.minimum.accumulate(np.where(ends, pos, len(rows))[::-1])[::-1])

    def ranks_within(self, col: int, others: list[int]) -> np.ndarray:
        """``[other, row]``: average rank of column ``col`` among the rows where both it and
        column ``other`` are present (NaN where ``col`` is missing)."""
        rows = self.order[col]
        inside = np.zeros((len(others), len(rows) + 1), dtype=np.int64)
        np.cumsum(self.sorted_present[col][others], axis=1, out=inside[:, 1:])
        below = np.take(inside, self.first[col], axis=1)
        through = np.take(inside, self.last[col] + 1, axis=1)
        out = np.full((len(others), self.present.shape[1]), np.nan)
        out[:, rows] = below + (through - below + 1) / 2.0
        return out


def spearman(x: np.ndarray, min_pairs: int = 3, block: int = 8) -> np.ndarray:
    """Spearman correlations, pairwise complete: each pair is ranked on the rows where both
    are present (as R's ``cor(method = "spearman", use = "pairwise.complete.obs")``).

    Vectorised by blocks of ``block`` columns against all columns.
    """
    x = np.asarray(x, dtype=np.float64)
    k = x.shape[1]
    index = _RankIndex(x)
    every = list(range(k))
    r = np.full((k, k), np.nan)
    for start in range(0, k, block):
        cols = every[start : start + block]
        both = index.present[cols][:, None, :] & index.present[None, :, :]  # [b, k, row]
        a = np.stack([index.ranks_within(i, every) for i in cols])
        b = np.stack([index.ranks_within(j, cols) for j in every]).transpose(1, 0, 2)
        a[~both] = 0.0
        b[~both] = 0.0
        n = both.sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            sa, sb = a.sum(axis=2), b.sum(axis=2)
            cov = np.einsum("ijn,ijn->ij", a, b) - sa * sb / n
            va = np.einsum("ijn,ijn->ij", a, a) - sa * sa / n
            vb = np.einsum("ijn,ijn->ij", b, b) - sb * sb / n
            block_r = cov / np.sqrt(va * vb)
        ok = (n >= min_pairs) & (va > 1e-12 * n**2) & (vb > 1e-12 * n**2)
        r[cols] = np.clip(np.where(ok, block_r, np.nan), -1.0, 1.0)
    idx = np.arange(k)
    r[idx, idx] = np.where(np.isnan(np.diag(r)), np.nan, 1.0)
    return r


def _complete_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x[~np.isnan(x).any(axis=1)]


def pairwise_cov(x: np.ndarray) -> np.ndarray:
    """Sample covariances of the columns of ``x``, each pair on the rows where both are
    present, with that pair's own means (R's ``cov(use = "pairwise.complete.obs")``);
    NaN where a pair has fewer than two rows."""
    x = np.asarray(x, dtype=np.float64)
    present = (~np.isnan(x)).astype(np.float64)
    z = np.where(present > 0, x - _nan_quiet(np.nanmean, x, axis=0), 0.0)
    n = present.T @ present
    sx = z.T @ present  # [i, j]: sum of column i over the rows where j is present too
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (z.T @ z - sx * sx.T / n) / (n - 1)
    return np.where(n >= 2, cov, np.nan)


def cronbach_alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of the columns of ``x`` from their pairwise-complete covariance
    matrix ``C`` (COINr get_cronbach): ``k**2 * mean(off-diagonal C) / sum(C)``, i.e.
    ``k / (k - 1) * (1 - trace(C) / sum(C))``; missing entries of ``C`` are left out of
    both sums. NaN with fewer than two columns, no total variance, or no pair of columns
    with values in common (no covariance between them: not an alpha of 0)."""
    x = np.asarray(x, dtype=np.float64)
    k = x.shape[1]
    if k < 2:
        return float("nan")
    cov = pairwise_cov(x)
    total = np.nansum(cov)
    off_diagonal = ~np.eye(k, dtype=bool)
    if not total > 0 or np.isnan(cov[off_diagonal]).all():  # no two columns ever together
        return float("nan")
    off_diagonal_mean = (total - np.nansum(np.diag(cov))) / (k * (k - 1))
    return float(k**2 * off_diagonal_mean / total)


def _incomplete_beta(a: np.ndarray, b: float, x: np.ndarray) -> np.ndarray:
    """The regularised incomplete beta function ``I_x(a, b)`` by its continued fraction
    (modified Lentz), vectorised over ``a`` and ``x``; accurate to about 1e-14."""
    a, x = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(x, dtype=np.float64))
    lgamma = np.vectorize(math.lgamma, otypes=[np.float64])
    # The fraction converges fast for x < (a + 1) / (a + b + 2); else use the symmetry.
    flip = x >= (a + 1.0) / (a + b + 2.0)
    p, q, y = np.where(flip, b, a), np.where(flip, a, b), np.where(flip, 1.0 - x, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        front = np.exp(lgamma(p + q) - lgamma(p) - lgamma(q) + p * np.log(y) + q * np.log1p(-y))
        tiny = 1e-300
        c = np.ones_like(y)
        d = 1.0 - (p + q) * y / (p + 1.0)
        d = 1.0 / np.where(np.abs(d) < tiny, tiny, d)
        h = d.copy()
        for m in range(1, 400):
            for numerator in (
                m * (q - m) * y / ((p + 2 * m - 1.0) * (p + 2 * m)),
                -(p + m) * (p + q + m) * y / ((p + 2 * m) * (p + 2 * m + 1.0)),
            ):
                d = 1.0 + numerator * d
                d = 1.0 / np.where(np.abs(d) < tiny, tiny, d)
                c = 1.0 + numerator / c
                c = np.where(np.abs(c) < tiny, tiny, c)
                h = h * d * c
            if np.all(np.abs(d * c - 1.0) < 1e-16):
                break
        part = front * h / p
    out = np.where(flip, 1.0 - part, part)
    return np.where(y == 0, np.where(flip, 1.0, 0.0), out)


def student_t_sf2(t: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Two-sided tail probability ``P(|T| >= |t|)`` of Student's t with ``df`` degrees of
    freedom: ``I_{df / (df + t**2)}(df / 2, 1 / 2)``."""
    t, df = np.broadcast_arrays(np.asarray(t, dtype=np.float64), np.asarray(df, np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(np.isinf(t), 0.0, df / (df + t * t))
    return _incomplete_beta(df / 2.0, 0.5, x)


def student_t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom, exact to about
    1e-12: closed forms for 1 and 2 degrees of freedom, else Newton's method on the tail
    :func:`student_t_sf2` (bisecting where a step would leave the bracket)."""
    if p < 0.5:
        return -student_t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    tail = 1.0 - p  # P(T > t) to hit

    def upper(t: float) -> float:
        return float(student_t_sf2(np.array(t), np.array(df))) / 2

    log_density = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    low, high = 0.0, 1.0
    while upper(high) > tail:  # a bracket: the tail falls as t grows
        low, high = high, 2 * high
    t = min(max(NormalDist().inv_cdf(p), low), high)
    for _ in range(200):
        gap = upper(t) - tail  # > 0: t too small
        low, high = (t, high) if gap > 0 else (low, t)
        density = math.exp(log_density - (df + 1) / 2 * math.log1p(t * t / df))
        step = t + gap / density
        following = step if low < step < high else (low + high) / 2
        if abs(following - t) <= 1e-14 * max(1.0, t):
            return following
        t = following
    return t


def pearson_pvalues(x: np.ndarray, r: np.ndarray | None = None) -> np.ndarray:
    """Two-sided p-values of the Pearson correlations of the columns of ``x``, each pair on
    its complete rows (COINr get_pvals: R's ``cor.test``): ``t = r sqrt(n - 2) /
    sqrt(1 - r**2)`` against Student's t with ``n - 2`` degrees of freedom. The diagonal
    is 0 (as in get_pvals); NaN where a pair has fewer than three rows or r is undefined.
    ``r``: the pairwise correlations if already computed."""
    x = np.asarray(x, dtype=np.float64)
    r = pearson(x) if r is None else r
    present = (~np.isnan(x)).astype(np.float64)
    n = present.T @ present
    df = n - 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r * np.sqrt(df) / np.sqrt(1.0 - r * r)
    ok = (df >= 1) & ~np.isnan(r)
    p = np.full(r.shape, np.nan)
    p[ok] = student_t_sf2(t[ok], df[ok])
    np.fill_diagonal(p, 0.0)
    return p


def first_pc(x: np.ndarray) -> np.ndarray:
    """Loadings of the first principal component of the standardised columns of ``x``
    (complete rows, as R's ``prcomp(na.omit(x), center = TRUE, scale = TRUE)``): the unit
    eigenvector of the correlation matrix with the largest eigenvalue. Its sign is
    arbitrary in PCA; here the loadings sum to a positive number (the component grows
    with most columns), and where they sum to zero (up to 1e-9) the first loading that is
    not zero is positive. NaN if a column is constant or fewer than two rows remain."""
    data = _complete_rows(x)
    n, k = data.shape
    if n < 2 or k < 1:
        return np.full(k, np.nan)
    sd = data.std(axis=0, ddof=1)
    if not (sd > 0).all():
        return np.full(k, np.nan)
    z = (data - data.mean(axis=0)) / sd
    _, vectors = np.linalg.eigh(z.T @ z / (n - 1))
    loadings = vectors[:, -1]
    total = loadings.sum()
    lead = total if abs(total) > 1e-9 else loadings[np.flatnonzero(np.abs(loadings) > 1e-9)[0]]
    return -loadings if lead < 0 else loadings


def first_pc_share(x: np.ndarray) -> float:
    """Share of the total variance of the standardised columns that the first principal
    component explains: the largest eigenvalue of the correlation matrix divided by ``k``
    (complete rows; NaN if a column is constant or fewer than two rows or columns)."""
    data = _complete_rows(x)
    n, k = data.shape
    if k < 2 or n < 2:
        return float("nan")
    sd = data.std(axis=0, ddof=1)
    if not (sd > 0).all():
        return float("nan")
    z = (data - data.mean(axis=0)) / sd
    corr = z.T @ z / (n - 1)
    return float(np.linalg.eigvalsh(corr)[-1] / k)
