"""Variance-based sensitivity indices from an A/B/AB_i Monte Carlo design, for any model.

With two independent samples A and B of the d inputs (N rows each) and, for every input i,
the matrix AB_i (A with column i taken from B), the model outputs ``y_A``, ``y_B`` and
``y_ABi`` give (Saltelli et al. 2010, Table 2):

- first order (Saltelli 2010): ``S_i  = mean(y_B * (y_ABi - y_A)) / V``
- total order (Jansen 1999):   ``ST_i = mean((y_A - y_ABi)**2) / (2 V)``

with ``V`` the variance of ``y_A`` and ``y_B`` pooled, N(d + 2) model runs in all, as in
COINr's ``SA_estimate``. Confidence intervals are percentile bootstrap intervals over the
N rows (A, B and every AB_i resampled together, ``V`` recomputed each time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mint_index.errors import SpecError

__all__ = ["Design", "estimate_sobol", "saltelli_design", "sobol_indices"]

#: Bound on the values one bootstrap pass holds in memory.
_BOOT_CELLS = 4_000_000

INDEX_COLUMNS = ["factor", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]


@dataclass(frozen=True)
class Design:
    """The sample matrices of an A/B/AB_i design, inputs as uniform numbers in [0, 1).

    ``groups`` maps each factor to its columns: a factor may span several columns (all
    weights together are one factor), and AB_i swaps all of them at once.
    """

    a: np.ndarray  # [N, columns]
    b: np.ndarray
    groups: tuple[tuple[int, ...], ...]

    def ab(self, i: int) -> np.ndarray:
        """A with factor i's columns taken from B."""
        out = self.a.copy()
        cols = list(self.groups[i])
        out[:, cols] = self.b[:, cols]
        return out

    def stacked(self) -> np.ndarray:
        """All N(d + 2) rows: A, B, then AB_1 ... AB_d."""
        return np.concatenate([self.a, self.b, *(self.ab(i) for i in range(len(self.groups)))])


def saltelli_design(n: int, widths: Sequence[int], rng: np.random.Generator) -> Design:
    """A and B with ``n`` rows and one group of ``widths[i]`` uniform columns per factor."""
    total = int(sum(widths))
    bounds = np.cumsum([0, *widths])
    groups = tuple(tuple(range(bounds[i], bounds[i + 1])) for i in range(len(widths)))
    base = rng.random((n, 2 * total))
    return Design(a=base[:, :total], b=base[:, total:], groups=groups)


def _indices(y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """S1 and ST; the sample axis is the last one, so leading axes batch bootstraps."""
    variance = np.concatenate([y_a, y_b], axis=-1).var(axis=-1, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s1 = (y_b * (y_ab - y_a)).mean(axis=-1) / variance
        st = ((y_a - y_ab) ** 2).mean(axis=-1) / (2.0 * variance)
    return s1, st


def sobol_indices(
    y_a: np.ndarray,
    y_b: np.ndarray,
    y_ab: np.ndarray,
    factors: Sequence[str] | None = None,
    nboot: int = 1000,
    conf: float = 0.95,
    seed: int | None = 0,
) -> pd.DataFrame:
    """First- and total-order indices with bootstrap intervals.

    ``y_a``, ``y_b``: ``[N]``; ``y_ab``: ``[d, N]``. Returns one row per factor with
    ``S1, S1_low, S1_high, ST, ST_low, ST_high`` (NaN if the output does not vary).
    """
    y_a, y_b = np.asarray(y_a, dtype=np.float64), np.asarray(y_b, dtype=np.float64)
    y_ab = np.atleast_2d(np.asarray(y_ab, dtype=np.float64))
    n, d = y_a.shape[0], y_ab.shape[0]
    if y_b.shape != (n,) or y_ab.shape != (d, n) or n < 2:
        raise SpecError(
            f"sobol_indices: need y_a, y_b of length N >= 2 and y_ab of shape [d, N]; got "
            f"{y_a.shape}, {y_b.shape}, {y_ab.shape}"
        )
    if not 0 < conf < 1:
        raise SpecError(f"conf must lie in (0, 1), got {conf}")
    names = list(factors) if factors is not None else [f"x{i + 1}" for i in range(d)]
    s1, st = _indices(y_a, y_b, y_ab)
    low_q, high_q = (1 - conf) / 2, (1 + conf) / 2
    bounds = np.full((4, d), np.nan)
    if nboot > 0:
        rng = np.random.default_rng(seed)
        rows = rng.integers(0, n, size=(nboot, n))
        block = max(1, _BOOT_CELLS // (n * (d + 2)))  # bootstrap replicates per pass
        parts = [
            _indices(y_a[r], y_b[r], y_ab[:, r])
            for r in (rows[i : i + block] for i in range(0, nboot, block))
        ]
        boot_s1 = np.concatenate([p[0] for p in parts], axis=1)  # [d, nboot]
        boot_st = np.concatenate([p[1] for p in parts], axis=1)
        for k, boot in ((0, boot_s1), (2, boot_st)):
            # a factor none of whose resamples has an index (the output does not vary)
            # keeps NaN bounds, without numpy's warning about an all-NaN slice
            some = ~np.isnan(boot).all(axis=1)
            if some.any():
                bounds[k : k + 2, some] = np.nanquantile(boot[some], [low_q, high_q], axis=1)
    return pd.DataFrame(
        {
            "factor": names,
            "S1": s1,
            "S1_low": bounds[0],
            "S1_high": bounds[1],
            "ST": st,
            "ST_low": bounds[2],
            "ST_high": bounds[3],
        }
    )[INDEX_COLUMNS]


def estimate_sobol(
    model: Callable[[np.ndarray], np.ndarray],
    d: int,
    n: int = 1024,
    seed: int | None = 0,
    nboot: int = 1000,
    conf: float = 0.95,
    factors: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Sensitivity indices of any vectorised ``model``: it maps uniform inputs
    ``[runs, d]`` in [0, 1) to outputs ``[runs]`` (rescale inside the model)."""
    rng = np.random.default_rng(seed)
    design = saltelli_design(n, [1] * d, rng)
    y = np.asarray(model(design.stacked()), dtype=np.float64)
    if y.shape != (n * (d + 2),):
        raise SpecError(f"model must return one output per row ({n * (d + 2)}), got {y.shape}")
    return sobol_indices(y[:n], y[n : 2 * n], y[2 * n :].reshape(d, n), factors, nboot, conf, seed)
