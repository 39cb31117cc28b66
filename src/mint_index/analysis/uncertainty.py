"""Uncertainty analysis: how much do ranks depend on the choices made in building the index?

``uncertainty(results, n, vary)`` draws ``n`` replications, each with its own choice of
weights, normalisation, aggregation, imputation, treatment or left-out indicator (see
:mod:`mint_index.analysis.choices`), rebuilds the index for all of them at once (see
:mod:`mint_index.analysis.replicate`) and summarises each unit's rank and score per node
and year: nominal, median and the 5-95 % interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.analysis.choices import Factor, Replications, draw, parse_vary
from mint_index.analysis.replicate import Simulation, check_run, simulate
from mint_index.errors import SpecError
from mint_index.plan import StepChoice
from mint_index.rules.quantiles import quantiles_of_sorted
from mint_index.threads import Threads, thread_count

if TYPE_CHECKING:
    from distributed import Client

    from mint_index.pipeline.results import Results

__all__ = [
    "DEFAULT_VARY",
    "QUANTILE_PROBS",
    "RANK_STATS_COLUMNS",
    "UncertaintyResults",
    "rank_statistics",
    "uncertainty",
]

#: What ``uncertainty(res)`` varies when ``vary`` is not given: every weight below the index
#: by an independent uniform ±25 % (the weight uncertainty of the JRC/COINr examples). It
#: suits any framework and aggregation; methods are varied only when asked.
DEFAULT_VARY: dict[str, Any] = {"weights": 0.25}

RANK_STATS_COLUMNS = [
    "unit",
    "year",
    "node",
    "nominal",
    "median",
    "q05",
    "q95",
    "score_nominal",
    "score_median",
    "score_q05",
    "score_q95",
]
#: The quantiles each rank and score of the replications is summarised by: the median,
#: then the lower and upper end of the interval (``q05``, ``q95``), which the reports
#: quote as the share of ranks in the rank range.
QUANTILE_PROBS: tuple[float, float, float] = (0.5, 0.05, 0.95)


@dataclass(frozen=True)
class UncertaintyResults:
    """Rank and score intervals from an uncertainty analysis.

    ``rank_stats``: one row per unit, year and node with the nominal rank, the median and
    the 5 % and 95 % quantiles of the replications' ranks, and the same for scores.
    ``replications``: the choices of every replication (one row each).
    ``varied``: one line in English per uncertain choice (JSON, notebooks).
    ``choices``: the same choices as plain data
    (:meth:`~mint_index.analysis.choices.Factor.summary`), which a report words in its
    own language; None when not known (the report then shows ``varied`` as it is).
    """

    rank_stats: pd.DataFrame
    replications: pd.DataFrame
    varied: list[str]
    n: int
    seed: int | None
    vary: dict[str, Any] = field(default_factory=dict)
    choices: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable: settings, what was varied and every rank statistic."""
        records = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in self.rank_stats.astype(object).to_dict(orient="records")
        ]
        return {
            "n": self.n,
            "seed": self.seed,
            "vary": self.vary,
            "varied": list(self.varied),
            "rank_stats": records,
        }

    def _repr_html_(self) -> str:
        from mint_index.reports.notebook import uncertainty_html

        return uncertainty_html(self)

    def __repr__(self) -> str:
        nodes = self.rank_stats["node"].nunique()
        units = self.rank_stats["unit"].nunique()
        return f"UncertaintyResults({self.n} replications, {units} units, {nodes} nodes)"


#: Units whose replications are sorted together: a block of 512 units x 1,000 replications
#: is 2 MB, so the sort works in a core's cache and one buffer serves every block (a copy of
#: the whole node, 43 MB, was fresh memory every time: its page faults cost as much as
#: the sort).
QUANTILE_BLOCK_ELEMENTS = 2**19


def _sorted_quantiles(samples: np.ndarray, missing_first: bool) -> np.ndarray:
    """Median, 5 % and 95 % per unit of ``samples`` ``[rep, unit]``: ``[3, unit]``.

    Ranks mark a missing value with 0 (sorted first), scores with NaN (sorted last). Ranks
    are sorted as 32-bit integers: numpy's vectorised sort handles 32- and 64-bit types on
    every x86-64 machine, 16-bit ones only with AVX-512, and is several times faster.
    Units are sorted in blocks of about :data:`QUANTILE_BLOCK_ELEMENTS` values, each
    transposed into one reused buffer and sorted in place.
    """
    n_rep, n_u = samples.shape
    wide = np.uint32 if samples.dtype.itemsize < 4 and samples.dtype.kind == "u" else None
    block = max(1, QUANTILE_BLOCK_ELEMENTS // max(n_rep, 1))
    buffer = np.empty((min(block, n_u), n_rep), dtype=wide or samples.dtype)
    out = np.empty((len(QUANTILE_PROBS), n_u))
    for start in range(0, n_u, block):
        stop = min(start + block, n_u)
        ordered = buffer[: stop - start]
        np.copyto(ordered, samples[:, start:stop].T)
        if missing_first:
            first = np.count_nonzero(ordered == 0, axis=1)
            count = n_rep - first
        else:
            count = n_rep - np.count_nonzero(np.isnan(ordered), axis=1)
            first = np.zeros_like(count)
        ordered.sort(axis=1)
        out[:, start:stop] = quantiles_of_sorted(ordered, first, count, QUANTILE_PROBS)
    return out


def _node_year_statistics(
    sim: Simulation,
    unit_ids: Sequence[str],
    o: int,
    y: int,
    rank_q: np.ndarray,
    score_q: np.ndarray,
) -> pd.DataFrame:
    """The ``rank_stats`` rows of output node ``o`` in year ``y``."""
    n_u = len(unit_ids)
    nominal = sim.nominal_ranks[o, y].astype(np.float64)
    return pd.DataFrame(
        {
            "unit": np.asarray(unit_ids, dtype=object),
            "year": np.full(n_u, sim.years[y], dtype=np.int64),
            "node": np.full(n_u, sim.nodes[o], dtype=object),
            "nominal": np.where(nominal > 0, nominal, np.nan),
            "median": rank_q[0],
            "q05": rank_q[1],
            "q95": rank_q[2],
            "score_nominal": sim.nominal_scores[o, y],
            "score_median": score_q[0],
            "score_q05": score_q[1],
            "score_q95": score_q[2],
        }
    )


def rank_statistics(
    sim: Simulation, unit_ids: Sequence[str], threads: int | None = 1
) -> pd.DataFrame:
    """The tidy ``rank_stats`` table of a simulation. The quantiles of each node and year
    (sorting every unit's replications, once for ranks and once for scores) are computed
    on ``threads`` threads (``None``: one per usable CPU)."""
    pairs = [(o, y) for o in range(len(sim.nodes)) for y in range(len(sim.years))]

    def quantiles(task: tuple[int, int, bool]) -> np.ndarray:
        o, y, ranks = task
        if ranks:
            return _sorted_quantiles(sim.ranks[o, y], missing_first=True)
        return _sorted_quantiles(sim.scores[o, y], missing_first=False)

    tasks = [(o, y, ranks) for o, y in pairs for ranks in (True, False)]
    with Threads(threads, tasks=len(tasks)) as pool:
        found = pool.map(quantiles, tasks)
    frames = [
        _node_year_statistics(sim, unit_ids, o, y, found[2 * i], found[2 * i + 1])
        for i, (o, y) in enumerate(pairs)
    ]
    return pd.concat(frames, ignore_index=True)[RANK_STATS_COLUMNS]


def replication_table(
    factors: Sequence[Factor], reps: Replications, node_ids: Sequence[str]
) -> pd.DataFrame:
    """One row per replication: the label of each discrete choice, the perturbed weights."""
    columns: dict[str, Any] = {}
    for factor in factors:
        if factor.shares is None:
            labels = np.array([factor.label(o) for o in factor.options], dtype=object)
            columns[factor.name] = labels[reps.choice[factor.name]]
        else:
            for i in np.flatnonzero(factor.shares):
                columns[f"weight:{node_ids[int(i)]}"] = reps.weights[:, i]
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(reps), name="replication"))
    return frame


def resolve_targets(
    results: Results, nodes: Sequence[str] | str | None, years: Sequence[int] | int | None
) -> tuple[list[str], list[int]]:
    """Aggregate nodes and years to analyse.

    Nodes default to the index and its aggregate children (the domains), the ranks reports
    show intervals for; ``"all"`` means every aggregate node. Years default to every year.
    """
    fw = results.framework
    all_years = [int(y) for y in results.years]
    if nodes is None:
        index = fw.index.id
        chosen_nodes = [a for a in fw.aggregate_ids if a in fw.children[index]] + [index]
    elif nodes == "all":
        chosen_nodes = list(fw.aggregate_ids)
    else:
        chosen_nodes = [nodes] if isinstance(nodes, str) else list(nodes)
    chosen_years = (
        all_years
        if years is None
        else ([int(years)] if isinstance(years, int | np.integer) else [int(y) for y in years])
    )
    problems = []
    bad_nodes = [n for n in chosen_nodes if n not in fw.aggregate_ids]
    if bad_nodes:
        problems.append(
            f"nodes: {', '.join(map(str, bad_nodes))} not aggregate nodes; valid: "
            + ", ".join(fw.aggregate_ids)
        )
    bad_years = [y for y in chosen_years if y not in all_years]
    if bad_years:
        problems.append(
            f"years: {', '.join(map(str, bad_years))} not in the results; valid: "
            + ", ".join(map(str, all_years))
        )
    if not chosen_nodes or not chosen_years:
        problems.append("choose at least one node and one year")
    if problems:
        raise SpecError("; ".join(problems))
    return chosen_nodes, sorted(set(chosen_years))


def _check_scored(results: Results, nodes: list[str], years: list[int]) -> None:
    """Refuse results with no score at any of ``nodes`` in ``years`` (a single unit under
    min-max has none): every rank would be missing, the table all NaN."""
    fw = results.framework
    at = [fw.node_ids.index(n) for n in nodes]
    rows = [list(results.years).index(y) for y in years]
    if np.isnan(results.cube("aggregated")[np.ix_(rows, range(len(results.unit_ids)), at)]).all():
        raise SpecError(
            f"uncertainty: no unit has a score at {', '.join(nodes)} in "
            f"{', '.join(map(str, years))}: nothing to rank"
        )


def uncertainty(
    results: Results,
    n: int = 1000,
    vary: Mapping[str, Any] | None = None,
    seed: int | None = 0,
    executor: Executor | Client | None = None,
    nodes: Sequence[str] | str | None = None,
    years: Sequence[int] | int | None = None,
    chunk_size: int = 100,
    threads: int | None = None,
) -> UncertaintyResults:
    """Monte Carlo uncertainty analysis of ``results`` over the choices in ``vary``.

    ``vary`` defaults to :data:`DEFAULT_VARY` (every weight ±25 %). ``n`` replications
    are drawn with ``numpy.random.default_rng(seed)``; the same seed gives the same
    result, whatever ``executor`` runs the chunks of ``chunk_size`` replications: any
    ``concurrent.futures.Executor`` (a Dask client's ``get_executor()`` included) or a
    ``dask.distributed.Client`` itself (see :func:`~mint_index.analysis.replicate.simulate`).
    Without an executor the chunks, and then the summaries, run in this process on
    ``threads`` threads (default: one per usable CPU; 1: one after the other), with the
    same result for any number of threads.
    ``nodes`` chooses the aggregate nodes summarised: by default the index and its direct
    children (the domains), whose rank intervals reports show; ``"all"`` for every
    aggregate node, or a node id or list of ids. ``years`` restricts the years (default:
    every year). Every aggregate is still computed in each replication, but only the
    chosen nodes are ranked and kept: time and memory (about 6 bytes per
    ``n * units * nodes * years``) grow with them.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise SpecError(f"n: the number of replications must be a positive integer, got {n!r}")
    check_run(seed, executor, chunk_size)
    thread_count(threads, 1)  # a bad count fails here, before any work
    vary = DEFAULT_VARY if vary is None else vary
    factors = parse_vary(vary, results)
    chosen_nodes, chosen_years = resolve_targets(results, nodes, years)
    _check_scored(results, chosen_nodes, chosen_years)
    rng = np.random.default_rng(seed)
    u = rng.random((n, sum(f.width for f in factors)))
    reps = draw(factors, u, results)
    sim = simulate(
        results, factors, reps, chosen_nodes, chosen_years, executor, chunk_size, threads
    )
    node_ids = results.framework.node_ids
    return UncertaintyResults(
        rank_stats=rank_statistics(sim, [str(u) for u in results.unit_ids], threads),
        replications=replication_table(factors, reps, node_ids),
        varied=[f.describe(node_ids) for f in factors],
        n=n,
        seed=seed,
        vary=_jsonable(vary),
        choices=[f.summary(node_ids) for f in factors],
    )


def _jsonable(vary: Mapping[str, Any]) -> dict[str, Any]:
    """``vary`` as plain JSON data; step choices as the specs they were written as."""
    plain: dict[str, Any] = _plain(dict(vary))
    return plain


def _plain(value: Any) -> Any:
    """``value`` as the plain Python types JSON has, converted as ``json.dumps`` would:
    tuples become lists, mapping keys (node ids or level numbers, checked by
    :func:`~mint_index.analysis.choices.parse_vary`) strings, numbers plain ``int`` or
    ``float``, a step choice its spec, anything else its text."""
    if isinstance(value, StepChoice):
        return value.as_spec()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)  # its text, also for an enum member
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)
