"""Sensitivity analysis: which uncertain choice moves the ranks most?

Each choice in ``vary`` is one factor (all weights together are one factor, as in COINr).
The replications follow the A/B/AB_i design of :mod:`mint_index.analysis.sobol`, N(d + 2)
runs of the index, computed like any uncertainty analysis. The output of a run is the mean
absolute rank shift of the chosen node in the chosen year: the mean over units of
``|rank in the run - nominal rank|``. First- and total-order indices say how much of its
variance each choice explains alone and with its interactions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.analysis.choices import draw, parse_vary
from mint_index.analysis.replicate import Simulation, check_run, simulate
from mint_index.analysis.sobol import saltelli_design, sobol_indices
from mint_index.analysis.uncertainty import rank_statistics, replication_table, resolve_targets
from mint_index.errors import SpecError

if TYPE_CHECKING:
    from distributed import Client

    from mint_index.pipeline.results import Results

__all__ = ["SensitivityResults", "mean_abs_rank_shift", "sensitivity"]


@dataclass(frozen=True)
class SensitivityResults:
    """Sensitivity indices of the mean absolute rank shift of one node in one year.

    ``indices``: one row per factor, ``S1`` (first order) and ``ST`` (total order) with
    bootstrap intervals ``*_low`` / ``*_high`` at level ``conf``.
    ``outputs``: every run's design block (``A``, ``B``, ``AB:<factor>``) and output.
    ``rank_stats``: rank intervals from the 2N random runs (A and B), as in
    :func:`~mint_index.analysis.uncertainty.uncertainty`.
    """

    indices: pd.DataFrame
    variance: float
    outputs: pd.DataFrame
    rank_stats: pd.DataFrame
    replications: pd.DataFrame
    varied: list[str]
    node: str
    year: int
    n: int
    nboot: int
    conf: float
    seed: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable: settings, what was varied, the indices and the variance."""

        def clean(value: Any) -> Any:
            return None if isinstance(value, float) and math.isnan(value) else value

        return {
            "node": self.node,
            "year": self.year,
            "n": self.n,
            "runs": len(self.outputs),
            "nboot": self.nboot,
            "conf": self.conf,
            "seed": self.seed,
            "varied": list(self.varied),
            "variance": clean(float(self.variance)),
            "indices": [
                {k: clean(v) for k, v in row.items()}
                for row in self.indices.astype(object).to_dict(orient="records")
            ],
        }

    def _repr_html_(self) -> str:
        from mint_index.reports.notebook import sensitivity_html

        return sensitivity_html(self)

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{r.factor}: S1={r.S1:.2f} ST={r.ST:.2f}" for r in self.indices.itertuples()
        )
        return f"SensitivityResults({self.node} {self.year}, {len(self.outputs)} runs; {parts})"


def mean_abs_rank_shift(ranks: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Per run, the mean of ``|rank - nominal rank|`` over units ranked in both.

    ``ranks`` ``[run, unit]`` and ``nominal`` ``[unit]``, 0 = not ranked.
    """
    both = (ranks > 0) & (nominal > 0)
    shift = np.abs(ranks.astype(np.int64) - nominal.astype(np.int64))
    count = both.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, (shift * both).sum(axis=1) / count, np.nan)


def sensitivity(
    results: Results,
    vary: Mapping[str, Any],
    n: int = 500,
    seed: int | None = 0,
    nboot: int = 1000,
    conf: float = 0.95,
    node: str | None = None,
    year: int | None = None,
    executor: Executor | Client | None = None,
    chunk_size: int = 100,
) -> SensitivityResults:
    """Variance-based sensitivity indices of each choice in ``vary`` on the mean absolute
    rank shift of ``node`` (default: the index) in ``year`` (default: the latest).

    Runs the index N(d + 2) times for d choices; ``vary``, ``seed``, ``executor`` and
    ``chunk_size`` work as in :func:`~mint_index.analysis.uncertainty.uncertainty`.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise SpecError(f"n: the base sample size must be an integer >= 2, got {n!r}")
    if isinstance(nboot, bool) or not isinstance(nboot, int) or nboot < 0:
        raise SpecError(f"nboot must be a non-negative integer, got {nboot!r}")
    check_run(seed, executor, chunk_size)
    factors = parse_vary(vary, results)
    if not factors:
        raise SpecError("sensitivity: nothing is varied (every weight share is 0)")
    fw = results.framework
    target = fw.index.id if node is None else node
    when = results.year_or_latest(year, "sensitivity")
    nodes, years = resolve_targets(results, target, when)
    rng = np.random.default_rng(seed)
    design = saltelli_design(n, [f.width for f in factors], rng)
    reps = draw(factors, design.stacked(), results)
    sim = simulate(results, factors, reps, nodes, years, executor, chunk_size)
    y = mean_abs_rank_shift(sim.ranks[0, 0], sim.nominal_ranks[0, 0])
    d = len(factors)
    names = [f.name for f in factors]
    indices = sobol_indices(y[:n], y[n : 2 * n], y[2 * n :].reshape(d, n), names, nboot, conf, seed)
    blocks = np.repeat(np.array(["A", "B", *(f"AB:{name}" for name in names)], dtype=object), n)
    random_runs: Simulation = replace(
        sim, ranks=sim.ranks[:, :, : 2 * n], scores=sim.scores[:, :, : 2 * n]
    )
    node_ids = fw.node_ids
    return SensitivityResults(
        indices=indices,
        variance=float(np.var(y[: 2 * n], ddof=1)),
        outputs=pd.DataFrame(
            {"design": blocks, "mean_abs_rank_shift": y},
            index=pd.RangeIndex(len(y), name="run"),
        ),
        rank_stats=rank_statistics(random_runs, [str(u) for u in results.unit_ids]),
        replications=replication_table(factors, reps, node_ids),
        varied=[f.describe(node_ids) for f in factors],
        node=nodes[0],
        year=years[0],
        n=n,
        nboot=nboot,
        conf=conf,
        seed=seed,
    )
