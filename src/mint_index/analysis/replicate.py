"""Replications of an index, vectorised across replications.

A replication differs from the nominal results in its choices (see
:mod:`mint_index.analysis.choices`). Choices upstream of aggregation (imputation,
treatment, normalisation) have few alternatives, so each distinct combination is scored
once with :meth:`Results.rescore`. Everything else (weights, leaving an indicator out, the
aggregation method) is applied to stacks of replications at once: for the
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

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from mint_index.analysis.choices import Factor, Replications
from mint_index.errors import SpecError
from mint_index.methods.aggregate import GeneralisedParams
from mint_index.methods.registry import INDICATOR_STEPS
from mint_index.plan import StepChoice
from mint_index.rules.coverage import min_share as coverage_min_share

if TYPE_CHECKING:
    from distributed import Client

    from mint_index.pipeline.results import Results

__all__ = ["Simulation", "exact_rank_rows", "quantiles_of_sorted", "rank_rows", "simulate"]

#: Cells (year x unit) times replications of one working array: a chunk is computed in
#: batches of this size, about 2 MB of float64, so that the working arrays stay in the CPU
#: cache (a quarter less time than batches of 100 replications at 10,786 units, measured).
BATCH_ELEMENTS = 2**18

#: Scores closer than this share of the row's largest absolute score count as tied, so
#: that the last bits of floating-point sums never reorder equal units.
RANK_RTOL = 1e-10


Transform = Callable[[np.ndarray], np.ndarray]


def _identity(x: np.ndarray) -> np.ndarray:
    return x


def _positive(x: np.ndarray) -> np.ndarray:
    return x > 0


def _non_negative(x: np.ndarray) -> np.ndarray:
    return x >= 0


def _quasi_arithmetic(choice: StepChoice) -> tuple[Transform, Transform, Transform | None] | None:
    """``(f, f inverse, domain)`` if ``method`` is the quasi-arithmetic mean
    ``f⁻¹(Σ w f(x) / Σ w)``, else ``None``. Values outside ``domain`` go through the
    registered function, which decides what they mean (the shipped ones raise)."""
    method = choice.method
    if method == "arithmetic":
        return _identity, _identity, None
    if method == "geometric":
        return np.log, np.exp, _positive
    if method == "harmonic":
        return np.reciprocal, np.reciprocal, _positive
    if method == "generalised" and isinstance(choice.params, GeneralisedParams):
        p = float(choice.params.p)
        return (lambda x: x**p), (lambda y: y ** (1.0 / p)), (_positive if p < 0 else _non_negative)
    return None


def rank_dtype(n_units: int) -> type[np.unsignedinteger]:
    """The smallest unsigned type that holds ranks of ``n_units`` (0 = missing)."""
    return np.uint16 if n_units < np.iinfo(np.uint16).max else np.uint32


def rank_rows(scores: np.ndarray, rtol: float = RANK_RTOL) -> np.ndarray:
    """Rank each row of ``scores`` ``[row, unit]``: 1 = highest, ties share the lowest rank
    (pandas ``method="min"``), 0 = missing score.

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
    missing_mask = np.isnan(below_best)
    any_missing = bool(missing_mask.any())
    if any_missing:
        below_best[missing_mask] = missing
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
    if any_missing:
        missing_sorted = distance == missing  # sorted last; their rank becomes 0 below
        new_group |= missing_sorted
    # Without ties a unit's rank is its place in the order; only rows with ties need the
    # (slow, sequential) running maximum that gives tied units their group's first place.
    ranked = np.tile(np.arange(1, n + 1, dtype=dtype), (rows, 1))
    tied = np.flatnonzero(~new_group.all(axis=1))
    if len(tied):
        ranked[tied] = np.maximum.accumulate(new_group[tied] * ranked[tied], axis=1)
    if any_missing:
        ranked[missing_sorted] = 0
    packed &= (1 << index_bits) - 1  # the unit's position in its row ...
    packed += np.arange(0, rows * n, n, dtype=np.int64)[:, None]  # ... and in the array
    out = np.empty(rows * n, dtype=dtype)
    out[packed.reshape(-1)] = ranked.reshape(-1)
    return out.reshape(rows, n)


def exact_rank_rows(scores: np.ndarray) -> np.ndarray:
    """Rank each row of ``scores`` ``[row, unit]`` exactly: 1 = highest, only equal scores
    tie and share the lowest rank (R's ``rank(-x, ties.method = "min")``, as COINr ranks
    the nominal results), 0 = missing. Used for the nominal ranks, where two units whose
    scores differ by 1e-10 are different units, not a tie."""
    rows, n = scores.shape
    order = np.argsort(-scores, axis=1, kind="stable")  # NaN last
    ordered = np.take_along_axis(scores, order, axis=1)
    new_group = np.ones((rows, n), dtype=bool)
    new_group[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    place = np.arange(1, n + 1)
    ranked = np.maximum.accumulate(np.where(new_group, place, 0), axis=1)
    ranked[np.isnan(ordered)] = 0
    out = np.empty((rows, n), dtype=rank_dtype(n))
    np.put_along_axis(out, order, ranked.astype(out.dtype), axis=1)
    return out


def quantiles_of_sorted(
    ordered: np.ndarray, first: np.ndarray, count: np.ndarray, probs: Sequence[float]
) -> np.ndarray:
    """Quantiles (linear interpolation, R's type 7 / numpy's default) of each row of
    ``ordered``, using the ``count`` sorted values that start at column ``first``.

    Returns ``[len(probs), row]``; NaN where a row has no values.
    """
    rows = np.arange(ordered.shape[0])
    out = np.full((len(probs), ordered.shape[0]), np.nan)
    ok = count > 0
    for k, p in enumerate(probs):
        h = first + (np.maximum(count, 1) - 1) * p
        last = np.minimum(first + np.maximum(count, 1) - 1, ordered.shape[1] - 1)
        lo = np.minimum(np.floor(h).astype(np.int64), last)
        hi = np.minimum(lo + 1, last)
        a = ordered[rows, lo].astype(np.float64)
        b = ordered[rows, hi].astype(np.float64)
        out[k] = np.where(ok, a + (h - lo) * (b - a), np.nan)
    return out


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


def _transformed(x: np.ndarray, f: Transform) -> tuple[np.ndarray, np.ndarray | None]:
    """``f(x)`` as a new array with 0 where ``x`` is missing, and the mask of the values
    present (``None`` when nothing is missing). ``f`` keeps NaN as NaN."""
    fx = x.copy() if f is _identity else f(x)
    missing = np.isnan(fx)
    if not missing.any():
        return fx, None
    fx[missing] = 0.0
    return fx, ~missing


def _in_domain(values: list[np.ndarray], domain: Transform) -> bool:
    """Whether every value present lies in ``domain`` (checked on the lowest one)."""
    for v in values:
        lowest = np.fmin.reduce(v, axis=None)
        if not (np.isnan(lowest) or domain(lowest)):
            return False
    return True


def _aggregate(
    children: list[np.ndarray],
    shared: np.ndarray | None,
    w: np.ndarray,
    choice: StepChoice,
) -> np.ndarray:
    """One aggregate node for a batch of replications, flattened to ``[batch, cell]``
    (cell = year x unit).

    Children are either ``shared`` (indicator columns ``[cell, child]``, the same for every
    replication) or ``children`` (each ``[batch, cell]``); ``w`` is ``[batch, child]``.
    Missing where the share of children present is below the method's ``min_share``,
    as in the engine (:func:`_short_of_children`).
    """
    min_share = coverage_min_share(choice)
    value = _aggregate_values(children, shared, w, choice)
    complete = shared is not None and not np.isnan(shared).any()
    if min_share > 0 and not complete:
        np.copyto(value, np.nan, where=_short_of_children(children, shared, w, min_share))
    return value


def _short_of_children(
    children: list[np.ndarray], shared: np.ndarray | None, w: np.ndarray, min_share: float
) -> np.ndarray:
    """``[batch, cell]``: too few children present, the engine's rule
    (:func:`~mint_index.rules.coverage.enough_children`) per replication's weights."""
    counted = (w > 0).astype(np.float64)  # [batch, child]
    n = np.maximum(counted.sum(axis=1), 1.0)[:, None]
    if shared is not None:
        present = np.einsum("bc,nc->bn", counted, (~np.isnan(shared)).astype(np.float64))
    else:
        present = np.zeros((w.shape[0], children[0].shape[1]))
        for k, child in enumerate(children):
            present += ~np.isnan(child) * counted[:, k, None]
    return present / n < min_share


def _aggregate_values(
    children: list[np.ndarray],
    shared: np.ndarray | None,
    w: np.ndarray,
    choice: StepChoice,
) -> np.ndarray:
    """The aggregate of the children present, before the ``min_share`` rule."""
    total = w.sum(axis=1)
    quasi = _quasi_arithmetic(choice)
    if quasi is not None and quasi[2] is not None:
        domain = quasi[2]
        if not _in_domain([shared] if shared is not None else children, domain):
            quasi = None
    if quasi is None:
        return _aggregate_each(children, shared, w, choice)
    f, f_inv, _ = quasi
    enough = np.full(total.shape, np.finfo(np.float64).tiny)  # some weight present
    if shared is None:
        value = _combine_batched(children, w, f, total, enough)
    else:
        # Cells with every child present have all the weight present (share 1): only the
        # others need the weight actually present.
        fx, present = _transformed(shared, f)
        num = np.einsum("bc,nc->bn", w, fx)  # einsum beats BLAS: few children
        value = num / np.where(total > 0, total, np.nan)[:, None]
        if present is not None:
            # Masked writes over every cell: cheaper than gathering and scattering the
            # incomplete ones, which are most cells when many units lack some indicator.
            incomplete = ~present.all(axis=1)
            den = np.einsum("bc,nc->bn", w, present.astype(np.float64))
            with np.errstate(invalid="ignore", divide="ignore"):
                np.divide(num, den, out=value, where=incomplete)
            np.copyto(value, np.nan, where=incomplete & (den < enough[:, None]))
    return value if f_inv is _identity else _apply(f_inv, value, value)


def _apply(f: Transform, x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``f(x)``, written into ``out`` when ``f`` is a ufunc (no new array per child)."""
    return f(x, out=out) if isinstance(f, np.ufunc) else f(x)


def _combine_batched(
    children: list[np.ndarray],
    w: np.ndarray,
    f: Transform,
    total: np.ndarray,
    enough: np.ndarray,
) -> np.ndarray:
    """``Σ w f(x) / Σ w`` over the children present, children ``[batch, cell]`` each.

    The weight present is a per-replication constant for children without gaps, so
    complete data never pays for a ``[batch, cell]`` array of weights.
    """
    num = np.zeros((w.shape[0], children[0].shape[1]))
    scratch = np.empty_like(num)
    den_const = np.zeros(w.shape[0])
    den_part: np.ndarray | None = None
    for k, child in enumerate(children):
        fx = child if f is _identity else _apply(f, child, scratch)
        missing = np.isnan(fx)
        weighted = np.multiply(fx, w[:, k, None], out=scratch)
        if not missing.any():
            num += weighted
            den_const += w[:, k]
            continue
        np.copyto(weighted, 0.0, where=missing)
        num += weighted
        if den_part is None:
            den_part = np.zeros_like(num)
        np.add(den_part, w[:, k, None], out=den_part, where=~missing)
    if den_part is None:
        value = num / np.where(den_const > 0, den_const, np.nan)[:, None]
        value[den_const < enough] = np.nan
        return value
    den_part += den_const[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num / den_part
    np.copyto(value, np.nan, where=den_part < enough[:, None])
    return value


def _aggregate_each(
    children: list[np.ndarray],
    shared: np.ndarray | None,
    w: np.ndarray,
    choice: StepChoice,
) -> np.ndarray:
    """Fallback for methods without a batched form: the registered function, once per
    replication."""
    batch = w.shape[0]
    cells = shared.shape[0] if shared is not None else children[0].shape[1]
    out = np.full((batch, cells), np.nan)
    for b in range(batch):
        if not w[b].sum() > 0:
            continue
        x = shared if shared is not None else np.stack([c[b] for c in children], axis=-1)
        out[b] = np.asarray(choice.func(x[None], w[b], choice.params), dtype=np.float64)[0]
    return out


def _run_chunk(inputs: _ChunkInputs, reps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranks and scores of the output nodes for replications ``reps``:
    ``[output, year, rep, unit]`` each (ranks unsigned, 0 = missing; scores float32)."""
    n_y, n_u, _ = inputs.shape
    shape = (len(inputs.outputs), n_y, len(reps), n_u)
    ranks = np.zeros(shape, dtype=rank_dtype(n_u))
    scores = np.full(shape, np.nan, dtype=np.float32)
    keys = inputs.input_key[reps] * len(inputs.aggregations) + inputs.aggregation_key[reps]
    batch = max(1, BATCH_ELEMENTS // max(n_y * n_u, 1))
    for key in np.unique(keys):
        same = np.flatnonzero(keys == key)
        for start in range(0, len(same), batch):
            pos = same[start : start + batch]
            _run_batch(inputs, reps[pos], pos, ranks, scores)
    return ranks, scores


def _run_batch(
    inputs: _ChunkInputs,
    group: np.ndarray,
    pos: np.ndarray,
    ranks: np.ndarray,
    scores: np.ndarray,
) -> None:
    """Replications ``group`` (sharing their inputs and aggregations) into columns ``pos``
    of the chunk's ``ranks`` and ``scores``."""
    n_y, n_u, n_i = inputs.shape
    cube = cast(np.ndarray, inputs.cubes[inputs.input_key[group[0]]])  # present: see _slim
    flat = cube.reshape(n_y * n_u, n_i)
    choices = inputs.aggregations[inputs.aggregation_key[group[0]]]
    w_all = inputs.weights[group]
    values: dict[int, np.ndarray] = {}
    nodes = zip(inputs.aggregate_columns, inputs.children, strict=True)
    for a, (column, kids) in enumerate(nodes):
        w = w_all[:, list(kids)]
        if all(k < n_i for k in kids):
            values[column] = _aggregate([], flat[:, list(kids)], w, choices[a])
            continue
        parts = [
            np.broadcast_to(flat[:, k], (len(group), n_y * n_u)) if k < n_i else values[k]
            for k in kids
        ]
        values[column] = _aggregate(parts, None, w, choices[a])
    for o, a in enumerate(inputs.outputs):
        s = values[inputs.aggregate_columns[a]].reshape(len(group), n_y, n_u)
        r = rank_rows(s.reshape(-1, n_u)).reshape(s.shape)
        ranks[o][:, pos] = r.transpose(1, 0, 2)
        scores[o][:, pos] = s.transpose(1, 0, 2)


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
    results: Results, factors: Sequence[Factor], reps: Replications, year_index: np.ndarray
) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Score each distinct combination of upstream choices once; the key of each replication."""
    upstream = [f for f in factors if f.name in INDICATOR_STEPS]
    n = len(reps)
    if not upstream:
        return (results.cube("normalised")[year_index],), np.zeros(n, dtype=np.int64)
    combos = np.stack([reps.choice[f.name] for f in upstream], axis=1)
    distinct, key = np.unique(combos, axis=0, return_inverse=True)
    cubes = []
    for row in distinct:
        chosen = zip(upstream, row.tolist(), strict=True)
        overrides = {f.name: f.options[i] for f, i in chosen if f.options[i] is not None}
        try:
            res = results.rescore(**overrides) if overrides else results
        except SpecError as exc:
            raise SpecError(f"uncertainty: scoring with {overrides} failed: {exc}") from None
        cubes.append(res.cube("normalised")[year_index])
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
        nominal if o is None else (o,) * len(fw.aggregate_ids) for o in factor.options
    )
    return alternatives, reps.choice["aggregate"]


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


def simulate(
    results: Results,
    factors: Sequence[Factor],
    reps: Replications,
    nodes: Sequence[str],
    years: Sequence[int],
    executor: Executor | Client | None = None,
    chunk_size: int = 100,
) -> Simulation:
    """Run every replication; return ranks and scores of ``nodes`` in ``years``.

    ``executor``: ``None`` runs the chunks here, one after the other; any
    :class:`concurrent.futures.Executor` gets each chunk with only the cubes it uses; a
    ``dask.distributed.Client`` gets the inputs once (scattered to every worker) and then
    only each chunk's replication indices. A chunk (``chunk_size`` replications) is the
    unit of work an executor gets; it is computed in batches of about
    :data:`BATCH_ELEMENTS` cells. Neither size changes the results.
    """
    fw = results.framework
    position = {n: i for i, n in enumerate(fw.node_ids)}
    year_index = np.searchsorted(results.years, np.asarray(years))
    cubes, input_key = _input_cubes(results, factors, reps, year_index)
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
    ranks = np.zeros((len(nodes), n_y, len(reps), n_u), dtype=rank_dtype(n_u))
    scores = np.empty((len(nodes), n_y, len(reps), n_u), dtype=np.float32)
    if executor is None:
        for chunk in chunks:
            ranks[:, :, chunk], scores[:, :, chunk] = _run_chunk(inputs, chunk)
    else:
        futures = _submit(executor, inputs, chunks)
        for i, chunk in enumerate(chunks):
            ranks[:, :, chunk], scores[:, :, chunk] = futures[i].result()
            futures[i] = None  # free the chunk's arrays as soon as they are copied
    aggregated = results.cube("aggregated")[year_index]
    nominal = np.stack([aggregated[:, :, position[n]] for n in nodes])  # [node, y, u]
    nominal_ranks = exact_rank_rows(nominal.reshape(-1, n_u)).reshape(nominal.shape)
    return Simulation(
        nodes=list(nodes),
        years=np.asarray(years),
        ranks=ranks,
        scores=scores,
        nominal_scores=nominal,
        nominal_ranks=nominal_ranks,
    )
