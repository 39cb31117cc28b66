"""Replications of an index, vectorised across replications.

A replication differs from the nominal results in its choices (see
:mod:`mint_index.analysis.choices`). Choices upstream of aggregation (imputation,
treatment, normalisation) have few alternatives, so each distinct combination is scored
once with :meth:`Results.rescore` (the alternatives are typed step choices, so nothing is
parsed again). Everything else (weights, leaving an indicator out, the aggregation
method) is applied to stacks of replications at once: for the
quasi-arithmetic means (arithmetic, geometric, harmonic, generalised) a parent is
``f⁻¹(Σ w f(x) / Σ w)`` over the children present, which for a batch of weight vectors is
one matrix product per node.

Replications are processed in fixed chunks, each a pure function of the chunk inputs
(plain arrays: the normalised cubes, the replications' weights, the aggregation choices)
and its replication indices, so any :class:`concurrent.futures.Executor` or a
``dask.distributed.Client`` gives the same result as running them here. No
:class:`~mint_index.pipeline.results.Results` travels to a worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from mint_index.analysis.choices import Factor, Replications
from mint_index.analysis.replicate_batch import Indicators, batch_outputs
from mint_index.errors import SpecError
from mint_index.methods.registry import INDICATOR_STEPS
from mint_index.plan import StepChoice
from mint_index.rules.ranks import RANK_RTOL, rank_dtype
from mint_index.rules.ranks import rank_rows as results_rank_rows
from mint_index.threads import Threads

if TYPE_CHECKING:
    from distributed import Client

    from mint_index.pipeline.results import Results

__all__ = [
    "Simulation",
    "check_run",
    "rank_rows",
    "simulate",
]

#: Cells (year x unit) times replications of one working array: a chunk is computed in
#: batches of this size, about 0.5 MB of float64, so that the working arrays stay in a
#: core's cache while another thread works on the other core (batches of 100 replications
#: at 10,786 units took a quarter longer than 2 MB ones; P4 took 10-20 % less CPU time
#: with 0.5 MB than with 1 MB, and more again with 0.25 MB).
BATCH_ELEMENTS = 2**16


def rank_rows(scores: np.ndarray, rtol: float = RANK_RTOL) -> np.ndarray:
    """Rank each row of ``scores`` ``[row, unit]`` as :mod:`mint_index.rules.ranks` does
    (1 = highest, ties within ``rtol`` share the lowest rank, 0 = missing score), faster:
    the replications' ranks.

    Scores are binned on a 2**k grid over the row's range and packed with the unit's
    position into one int64, so a plain sort (much faster than ``argsort``) yields both
    the order and the values. Scores closer than ``rtol`` times the row's largest absolute
    score tie.
    """
    rows, n = scores.shape
    dtype = rank_dtype(n)
    index_bits = max((n - 1).bit_length(), 1)
    k = min(62 - index_bits, 52)  # bins stay exact in float64 and fit in int64 with the index
    missing = 2**k - 1  # sorts after every bin a score can fall in
    lo = np.fmin.reduce(scores, axis=1, keepdims=True)
    hi = np.fmax.reduce(scores, axis=1, keepdims=True)
    span = hi - lo
    step = np.where(span > 0, span / float(2**k - 64), 1.0)  # headroom for rounding
    below_best = np.subtract(hi, scores)
    below_best *= 1.0 / step
    np.fmin(below_best, missing, out=below_best)  # a missing score (NaN) becomes `missing`
    packed = below_best.astype(np.int64)  # non-negative, so truncation is floor
    packed <<= index_bits
    packed |= np.arange(n, dtype=np.int64)
    packed.sort(axis=1)
    distance = packed >> index_bits
    scale = np.nan_to_num(np.maximum(np.abs(lo), np.abs(hi)))
    tolerance = np.floor(rtol * scale / step).astype(np.int64)
    new_group = np.empty((rows, n), dtype=bool)
    new_group[:, 0] = True
    np.greater(distance[:, 1:] - distance[:, :-1], tolerance, out=new_group[:, 1:])
    # A unit's rank is the place of its group's first unit: the running maximum of the
    # places where groups start (done for every row: most rows of real scores have ties).
    # numpy's running maximum is twice as fast on int64 as on 16- or 32-bit integers.
    places = np.multiply(new_group, np.arange(1, n + 1, dtype=np.int64))
    np.maximum.accumulate(places, axis=1, out=places)
    ranked = places.astype(dtype)  # the scatter below is twice as fast without a cast
    # Missing scores sort last (after a gap that may tie them to the lowest score: harmless,
    # as nothing follows them); their rank is 0.
    for row in np.flatnonzero(distance[:, -1] == missing):
        ranked[row, np.searchsorted(distance[row], missing) :] = 0
    packed &= (1 << index_bits) - 1  # the unit's position in its row ...
    packed += np.arange(0, rows * n, n, dtype=np.int64)[:, None]  # ... and in the array
    out = np.empty(rows * n, dtype=dtype)
    out[packed.reshape(-1)] = ranked.reshape(-1)
    return out.reshape(rows, n)


#: Ranks and scores ``[output, year, rep, unit]``.
_ChunkResult = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class _ChunkInputs:
    """Everything a chunk needs: plain arrays and the aggregation choices (small frozen
    models), so it travels to any executor without the results it came from."""

    cubes: tuple[np.ndarray | None, ...]  # normalised indicators [year, unit, indicator]
    shape: tuple[int, int, int]  # of every cube
    input_key: np.ndarray  # [rep] index into cubes
    aggregation_key: np.ndarray  # [rep] index into aggregations
    weights: np.ndarray  # [rep, node] effective weights (left-out nodes 0)
    aggregations: tuple[tuple[StepChoice, ...], ...]  # per alternative, per aggregate
    n_indicators: int
    aggregate_columns: tuple[int, ...]  # node column of each aggregate, bottom-up
    children: tuple[tuple[int, ...], ...]  # node columns of each aggregate's children
    outputs: tuple[int, ...]  # positions (in aggregate order) of the nodes to rank


def _run_chunk(inputs: _ChunkInputs, reps: np.ndarray) -> _ChunkResult:
    """Ranks and scores of the output nodes for replications ``reps`` (an executor's unit
    of work), as ``[output, year, rep, unit]`` each (ranks unsigned, 0 = missing; scores
    float32)."""
    n_y, n_u, _ = inputs.shape
    shape = (len(inputs.outputs), n_y, len(reps), n_u)
    ranks = np.empty(shape, dtype=rank_dtype(n_u))  # every column is written below
    scores = np.empty(shape, dtype=np.float32)
    indicators: dict[int, Indicators] = {}
    for cube_key, pos in _chunk_batches(inputs, reps):
        if cube_key not in indicators:
            indicators[cube_key] = _indicators(inputs, cube_key)
        _run_batch(inputs, indicators[cube_key], reps[pos], ranks, scores, pos)
    return ranks, scores


def _chunk_batches(inputs: _ChunkInputs, reps: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """How a chunk is computed: batches of at most about :data:`BATCH_ELEMENTS` cells,
    each of replications that share their inputs and aggregations, as (cube key, positions
    in ``reps``). Every runner computes a chunk in these batches, so that the results do
    not depend on where it runs."""
    n_y, n_u, _ = inputs.shape
    keys = inputs.input_key[reps] * len(inputs.aggregations) + inputs.aggregation_key[reps]
    batch = max(1, BATCH_ELEMENTS // max(n_y * n_u, 1))
    found = []
    for key in np.unique(keys):
        same = np.flatnonzero(keys == key)
        cube_key = int(inputs.input_key[reps[same[0]]])
        found += [(cube_key, same[i : i + batch]) for i in range(0, len(same), batch)]
    return found


def _indicators(inputs: _ChunkInputs, cube_key: int) -> Indicators:
    n_y, n_u, _ = inputs.shape
    cube = cast(np.ndarray, inputs.cubes[cube_key])  # present: see _slim
    return Indicators(cube.reshape(n_y * n_u, -1))


def _run_batch(
    inputs: _ChunkInputs,
    indicators: Indicators,
    group: np.ndarray,
    ranks: np.ndarray,
    scores: np.ndarray,
    columns: np.ndarray,
) -> None:
    """Replications ``group`` (sharing their inputs and aggregations) into ``columns`` of
    ``ranks`` and ``scores``."""
    n_y, n_u, _ = inputs.shape
    outputs = batch_outputs(
        indicators,
        inputs.aggregations[inputs.aggregation_key[group[0]]],
        inputs.weights[group],
        inputs.aggregate_columns,
        inputs.children,
        inputs.outputs,
    )
    for o, values in enumerate(outputs):
        s = values.reshape(len(group), n_y, n_u)
        r = rank_rows(s.reshape(-1, n_u)).reshape(s.shape)
        ranks[o][:, columns] = r.transpose(1, 0, 2)
        scores[o][:, columns] = s.transpose(1, 0, 2)


def _slim(inputs: _ChunkInputs, reps: np.ndarray) -> _ChunkInputs:
    """The inputs with only the cubes ``reps`` use, so that less travels to a worker."""
    used = set(inputs.input_key[reps].tolist())
    cubes = tuple(c if i in used else None for i, c in enumerate(inputs.cubes))
    return replace(inputs, cubes=cubes)


@dataclass(frozen=True)
class Simulation:
    """Ranks and scores of replications: ``[output node, year, replication, unit]``."""

    nodes: list[str]
    years: np.ndarray
    ranks: np.ndarray  # unsigned, 0 = missing
    scores: np.ndarray  # float32
    nominal_scores: np.ndarray  # [node, year, unit] float64
    nominal_ranks: np.ndarray  # [node, year, unit] unsigned, 0 = missing


def _effective_weights(
    results: Results, reps: Replications, factors: Sequence[Factor]
) -> np.ndarray:
    """Weights with the left-out indicator at 0, and every aggregate whose children all
    weigh 0 at 0 too (it has nothing left to aggregate)."""
    fw = results.framework
    position = {n: i for i, n in enumerate(fw.node_ids)}
    weights = reps.weights.copy()
    leave = next((f for f in factors if f.name == "leave_out"), None)
    if leave is not None:
        dropped = np.array(
            [-1 if o is None else position[o] for o in leave.options], dtype=np.int64
        )[reps.choice["leave_out"]]
        hit = dropped >= 0
        weights[np.flatnonzero(hit), dropped[hit]] = 0.0
        for node in fw.aggregate_ids:
            kids = [position[c] for c in fw.children[node]]
            alive = weights[:, kids].sum(axis=1) > 0
            weights[:, position[node]] *= alive
            if node == fw.index.id and not alive.all():
                raise SpecError("leave_out: leaving out that indicator leaves the index empty")
    return weights


def _input_cubes(
    results: Results,
    factors: Sequence[Factor],
    reps: Replications,
    year_index: np.ndarray,
    threads: int | None = 1,
) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Score each distinct combination of upstream choices once, side by side on
    ``threads`` threads; the key of each replication."""
    upstream = [f for f in factors if f.name in INDICATOR_STEPS]
    n = len(reps)
    if not upstream:
        return (results.cube("normalised")[year_index],), np.zeros(n, dtype=np.int64)
    combos = np.stack([reps.choice[f.name] for f in upstream], axis=1)
    distinct, key = np.unique(combos, axis=0, return_inverse=True)

    def cube(row: np.ndarray) -> np.ndarray:
        chosen = zip(upstream, row.tolist(), strict=True)
        overrides = {f.name: f.options[i] for f, i in chosen if f.options[i] is not None}
        try:
            res = results.rescore(**overrides) if overrides else results
        except SpecError as exc:
            raise SpecError(f"uncertainty: scoring with {overrides} failed: {exc}") from None
        return res.cube("normalised")[year_index]

    with Threads(threads, tasks=len(distinct)) as pool:
        cubes = pool.map(cube, distinct)
    return tuple(cubes), key.reshape(-1).astype(np.int64)


def _aggregations(
    results: Results, factors: Sequence[Factor], reps: Replications
) -> tuple[tuple[tuple[StepChoice, ...], ...], np.ndarray]:
    fw = results.framework
    nominal = tuple(results.plan.aggregate[a] for a in fw.aggregate_ids)
    factor = next((f for f in factors if f.name == "aggregate"), None)
    if factor is None:
        return (nominal,), np.zeros(len(reps), dtype=np.int64)
    alternatives = tuple(
        nominal if o is None else _override_aggregation(results, o) for o in factor.options
    )
    return alternatives, reps.choice["aggregate"]


def _override_aggregation(results: Results, choice: StepChoice) -> tuple[StepChoice, ...]:
    """Each aggregate's choice when ``choice`` overrides the aggregation, as in
    ``results.rescore(aggregate=choice)`` (it keeps the framework's ``min_share`` where it
    does not name its own): the plan applies the override, without parsing anything."""
    changed = results.plan.with_changes(aggregate=choice).aggregate
    return tuple(changed[a] for a in results.framework.aggregate_ids)


def check_run(seed: object, executor: object, chunk_size: object) -> None:
    """The arguments :func:`~mint_index.analysis.uncertainty.uncertainty` and
    :func:`~mint_index.analysis.sensitivity.sensitivity` share, checked before any work
    (a bad one failed deep inside numpy or the executor): ``seed`` None or a whole number,
    0 or more; ``executor`` None, a ``concurrent.futures.Executor`` or a Dask client;
    ``chunk_size`` a positive integer."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise SpecError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    whole = isinstance(seed, int | np.integer) and not isinstance(seed, bool)
    if seed is not None and not (whole and int(cast(int, seed)) >= 0):
        raise SpecError(f"seed must be a whole number, 0 or more, or None, got {seed!r}")
    if executor is not None and not (isinstance(executor, Executor) or _is_dask_client(executor)):
        raise SpecError(
            "executor must be a concurrent.futures.Executor or a dask.distributed.Client, "
            f"got {type(executor).__name__}"
        )


def _is_dask_client(executor: object) -> bool:
    """Whether ``executor`` is a ``dask.distributed.Client`` (checked without importing dask)."""
    return type(executor).__module__.split(".")[0] == "distributed" and hasattr(executor, "scatter")


def _submit(
    executor: Executor | Client, inputs: _ChunkInputs, chunks: list[np.ndarray]
) -> list[Any]:
    """Submit every chunk; return its future (anything with ``.result()``)."""
    if _is_dask_client(executor):
        client = cast("Client", executor)
        shared = client.scatter(inputs, broadcast=True, hash=False)
        return [client.submit(_run_chunk, shared, c, pure=False) for c in chunks]
    pool = cast(Executor, executor)
    return [pool.submit(_run_chunk, _slim(inputs, c), c) for c in chunks]


def _run_here(
    inputs: _ChunkInputs,
    chunks: list[np.ndarray],
    out: _ChunkResult,
    threads: int | None,
) -> None:
    """Run ``chunks`` in this process. Threads share ``out`` (each batch writes only its
    own replications) and numpy releases the interpreter lock in the array work, so they
    run side by side. They take the chunks' batches (see :func:`_chunk_batches`) one at a
    time, so that both stay busy to the end; the results do not depend on their number or
    timing."""
    ranks, scores = out
    work = [(c, key, pos) for c in chunks for key, pos in _chunk_batches(inputs, c)]
    used = sorted({key for _, key, _ in work})
    indicators: dict[int, Indicators] = {}

    def run(item: tuple[np.ndarray, int, np.ndarray]) -> None:
        chunk, key, pos = item
        _run_batch(inputs, indicators[key], chunk[pos], ranks, scores, chunk[pos])

    with Threads(threads, tasks=len(work)) as pool:
        built = pool.map(lambda key: _indicators(inputs, key), used)
        indicators.update(zip(used, built, strict=True))
        pool.map(run, work)  # re-raises a batch's error


def simulate(
    results: Results,
    factors: Sequence[Factor],
    reps: Replications,
    nodes: Sequence[str],
    years: Sequence[int],
    executor: Executor | Client | None = None,
    chunk_size: int = 100,
    threads: int | None = None,
) -> Simulation:
    """Run every replication; return ranks and scores of ``nodes`` in ``years``.

    ``executor``: ``None`` runs the chunks in this process, on ``threads`` threads (``None``:
    one per usable CPU, at most one per chunk; 1: one chunk after the other), each writing
    its own replications straight into the result; any
    :class:`concurrent.futures.Executor` gets each chunk with only the cubes it uses; a
    ``dask.distributed.Client`` gets the inputs once (scattered to every worker) and then
    only each chunk's replication indices. A chunk (``chunk_size`` replications) is the
    unit of work an executor gets; it is computed in batches of about
    :data:`BATCH_ELEMENTS` cells. Neither size changes the results.
    """
    fw = results.framework
    position = {n: i for i, n in enumerate(fw.node_ids)}
    year_index = np.searchsorted(results.years, np.asarray(years))
    cubes, input_key = _input_cubes(results, factors, reps, year_index, threads)
    aggregations, aggregation_key = _aggregations(results, factors, reps)
    inputs = _ChunkInputs(
        cubes=cubes,
        shape=cubes[0].shape,
        input_key=input_key,
        aggregation_key=np.asarray(aggregation_key, dtype=np.int64),
        weights=_effective_weights(results, reps, factors),
        aggregations=aggregations,
        n_indicators=len(fw.indicator_ids),
        aggregate_columns=tuple(position[a] for a in fw.aggregate_ids),
        children=tuple(tuple(position[c] for c in fw.children[a]) for a in fw.aggregate_ids),
        outputs=tuple(fw.aggregate_ids.index(n) for n in nodes),
    )
    # Chunks group replications that share their inputs; they do not depend on the executor.
    order = np.lexsort((np.arange(len(reps)), inputs.aggregation_key, inputs.input_key))
    chunks = [order[i : i + chunk_size] for i in range(0, len(order), chunk_size)]
    n_y, n_u = len(year_index), len(results.unit_ids)
    # Every column is written by its chunk. Not np.zeros: calloc's memory gets no huge pages
    # and faulting it in page by page took longer than computing the ranks (measured).
    ranks = np.empty((len(nodes), n_y, len(reps), n_u), dtype=rank_dtype(n_u))
    scores = np.empty((len(nodes), n_y, len(reps), n_u), dtype=np.float32)
    if executor is None:
        _run_here(inputs, chunks, (ranks, scores), threads)
    else:
        futures = _submit(executor, inputs, chunks)
        for i, chunk in enumerate(chunks):
            ranks[:, :, chunk], scores[:, :, chunk] = cast(_ChunkResult, futures[i].result())
            futures[i] = None  # free the chunk's arrays as soon as they are copied
    aggregated = results.cube("aggregated")[year_index]
    nominal = np.stack([aggregated[:, :, position[n]] for n in nodes])  # [node, y, u]
    nominal_ranks = results_rank_rows(nominal.reshape(-1, n_u)).reshape(nominal.shape)
    return Simulation(
        nodes=list(nodes),
        years=np.asarray(years),
        ranks=ranks,
        scores=scores,
        nominal_scores=nominal,
        nominal_ranks=nominal_ranks,
    )
