"""Uncertainty analysis: ranks, quantiles, reproducibility, executors, and replications
checked one by one against the scoring engine."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra.numpy import arrays

import mint_index as mi
from mint_index.analysis.choices import draw, parse_vary
from mint_index.analysis.replicate import rank_rows, simulate
from mint_index.analysis.uncertainty import RANK_STATS_COLUMNS, uncertainty
from mint_index.errors import SpecError
from mint_index.framework import Framework


def make_results(
    units: int = 40,
    dims: tuple[int, ...] = (3, 2, 2),
    years: tuple[int, ...] = (2022, 2023),
    seed: int = 0,
    missing: float = 0.05,
    normalise: str | dict = "minmax",
    aggregate: dict[str, dict] | None = None,
) -> mi.Results:
    """Indicators read directly from variables; dimensions of ``dims`` indicators, the
    first two under one domain, the rest straight under the index. ``aggregate``: an
    aggregation of its own for some nodes (by id)."""
    rng = np.random.default_rng(seed)
    text = {"de": "x", "en": "x"}
    nodes = [{"id": "dom", "parent": "index", "label": text, "weight": 2.0}]
    indicators, variables = [], []
    k = 0
    for d, size in enumerate(dims):
        parent = "dom" if d < 2 else "index"
        nodes.append({"id": f"dim{d}", "parent": parent, "label": text, "weight": 1.0 + d})
        for _ in range(size):
            variables.append({"id": f"v{k}", "unit": "number"})
            indicators.append(
                {
                    "id": f"i{k}",
                    "parent": f"dim{d}",
                    "name": text,
                    "description": text,
                    "unit": "x",
                    "direction": "lower" if k % 4 == 3 else "higher",
                    "kind": "rate",
                    "compute": {"type": "direct", "variable": f"v{k}"},
                    "goalposts": {"lower": -5, "upper": 5},
                    "source": {"publisher": "test"},
                    "weight": 1.0 + (k % 3),
                }
            )
            k += 1
    fw = Framework.model_validate(
        {
            "framework": {"id": "t", "label": text},
            "index": {"id": "index", "label": text},
            "defaults": {
                "normalise": {"method": normalise} if isinstance(normalise, str) else normalise
            },
            "variables": variables,
            "nodes": [
                {**n, **({"aggregate": aggregate[n["id"]]} if n["id"] in (aggregate or {}) else {})}
                for n in nodes
            ],
            "indicators": indicators,
        }
    )
    latent = rng.normal(size=(len(years), units, 1))
    values = latent + rng.normal(size=(len(years), units, k))
    values[rng.random(values.shape) < missing] = np.nan
    data = mi.Dataset(
        values, list(years), [f"u{i:03d}" for i in range(units)], [f"v{i}" for i in range(k)]
    )
    return mi.score(data, fw)


@pytest.fixture(scope="module")
def res() -> mi.Results:
    return make_results()


# ---- ranks and quantiles ---------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        hs.tuples(hs.integers(1, 4), hs.integers(1, 30)),
        elements=hs.sampled_from([np.nan, -3.0, 0.0, 0.5, 1.0, 2.0, 7.25, 100.0]),
    )
)
def test_rank_rows_matches_pandas_min_ranks(scores: np.ndarray) -> None:
    expected = pd.DataFrame(scores.T).rank(method="min", ascending=False).to_numpy().T
    expected = np.where(np.isnan(expected), 0, expected)
    assert np.array_equal(rank_rows(scores), expected)


def test_rank_rows_continuous_values_and_extremes() -> None:
    rng = np.random.default_rng(3)
    scores = rng.normal(size=(5, 500)) * 1e3
    scores[:, 0] = scores[:, 1]  # an exact tie in every row
    scores[2, :10] = np.nan
    scores[3] = 4.0  # all tied
    expected = pd.DataFrame(scores.T).rank(method="min", ascending=False).to_numpy().T
    assert np.array_equal(rank_rows(scores), np.where(np.isnan(expected), 0, expected))
    # The lowest score keeps its rank (it sits exactly on the grid's last bin).
    assert rank_rows(np.array([[1.0, 2.0, 3.0]])).tolist() == [[3, 2, 1]]


def test_rank_rows_mixes_rows_with_and_without_ties() -> None:
    # Rows without ties take a shortcut; rows with ties, or with missing scores, must not.
    rng = np.random.default_rng(5)
    scores = rng.normal(size=(6, 300))
    scores[1, 7] = scores[1, 200]  # one tie
    scores[2, :4] = np.nan  # missing, no tie
    scores[3, 5:9] = np.nan
    scores[3, 10] = scores[3, 11]  # missing and a tie
    scores[4] = np.nan  # nothing to rank
    expected = pd.DataFrame(scores.T).rank(method="min", ascending=False).to_numpy().T
    assert np.array_equal(rank_rows(scores), np.where(np.isnan(expected), 0, expected))


def test_rank_rows_ties_within_float_noise() -> None:
    a = 0.1 + 0.2
    b = 0.3  # differs from a in the last bit
    assert a != b
    assert rank_rows(np.array([[a, b, 0.1]])).tolist() == [[1, 1, 3]]


# ---- the analysis ----------------------------------------------------------------------


def test_zero_noise_gives_exactly_the_nominal_ranks(res: mi.Results) -> None:
    nominal = res.plan.normalise["i0"]
    ua = uncertainty(
        res,
        n=30,
        vary={"weights": 0.0, "normalise": [nominal], "aggregate": [None], "treat": [None]},
        seed=5,
    )
    stats = ua.rank_stats
    ranked = stats["nominal"].notna()
    assert ranked.sum() > 0.9 * len(stats)
    for column in ("median", "q05", "q95"):
        assert stats.loc[ranked, column].equals(stats.loc[ranked, "nominal"])
    assert stats.loc[~ranked, ["median", "q05", "q95"]].isna().all().all()
    # The nominal ranks are the engine's ranks (rank 1 = best, ties share the lowest).
    engine = res.ranks.set_index(["unit", "year", "node"])["rank"]
    mine = stats.set_index(["unit", "year", "node"])["nominal"]
    assert mine.equals(engine.reindex(mine.index).astype(np.float64))
    # Scores are kept as float32: equal to the nominal to 7 significant digits.
    assert np.allclose(
        stats["score_median"], stats["score_nominal"], rtol=1e-6, atol=1e-9, equal_nan=True
    )


def test_rank_stats_layout_and_interval_order(res: mi.Results) -> None:
    ua = uncertainty(res, n=50, vary={"weights": 0.3, "leave_out": True}, seed=2, nodes="all")
    stats = ua.rank_stats
    assert list(stats.columns) == RANK_STATS_COLUMNS
    assert len(stats) == len(res.unit_ids) * len(res.years) * len(res.framework.aggregate_ids)
    assert set(stats["node"]) == set(res.framework.aggregate_ids)
    ok = stats["median"].notna()
    assert (stats.loc[ok, "q05"] <= stats.loc[ok, "median"]).all()
    assert (stats.loc[ok, "median"] <= stats.loc[ok, "q95"]).all()
    assert (stats.loc[ok, "q95"] <= len(res.unit_ids)).all() and (stats.loc[ok, "q05"] >= 1).all()
    assert (stats.loc[ok, "score_q05"] <= stats.loc[ok, "score_q95"]).all()
    assert len(ua.replications) == 50
    assert set(ua.replications["leave_out"]) <= set(res.framework.indicator_ids)
    json.dumps(ua.to_dict())
    assert any(line.startswith("weights: uniform noise of ±30%") for line in ua.varied)


def test_intervals_are_quantiles_of_the_replications(res: mi.Results) -> None:
    """Rank statistics recomputed with numpy from the per-replication ranks."""
    factors = parse_vary({"weights": 0.4, "normalise": ["minmax", "zscore"]}, res)
    rng = np.random.default_rng(11)
    reps = draw(factors, rng.random((40, sum(f.width for f in factors))), res)
    sim = simulate(res, factors, reps, ["index"], [2023])
    ranks = sim.ranks[0, 0].astype(np.float64)  # [rep, unit]
    ranks[ranks == 0] = np.nan
    from mint_index.analysis.uncertainty import rank_statistics

    stats = rank_statistics(sim, list(res.unit_ids))
    ok = ~np.isnan(ranks).all(axis=0)
    expected = np.nanquantile(ranks[:, ok], [0.5, 0.05, 0.95], axis=0)
    assert np.allclose(stats.loc[ok, ["median", "q05", "q95"]].to_numpy().T, expected)


def _engine_replication(res: mi.Results, factors, reps, r: int) -> mi.Results:
    """Replication ``r`` rebuilt through the engine: overrides plus weights."""
    overrides: dict = {}
    for f in factors:
        if f.shares is None and f.name != "leave_out":
            option = f.options[reps.choice[f.name][r]]
            if option is not None:
                overrides[f.name] = option
    fw = res.framework
    weights = {n: float(reps.weights[r, i]) for i, n in enumerate(fw.node_ids) if n != fw.index.id}
    leave = next((f for f in factors if f.name == "leave_out"), None)
    if leave is not None:
        dropped = leave.options[reps.choice["leave_out"][r]]
        if dropped is not None:
            weights[dropped] = 0.0
    return res.rescore(weights=weights, **overrides)


@pytest.mark.parametrize(
    "vary",
    [
        {"weights": 0.5, "normalise": ["minmax", "zscore", "rank"], "leave_out": True},
        {
            "weights": {2: 0.5},
            "aggregate": [None, "harmonic", "geometric", {"method": "generalised", "p": 3}],
        },
        {
            "weights": {"i0": 0.9, 1: 0.2},
            "impute": [None, "mean"],
            "treat": [None, {"method": "winsorise", "skew": 0.1, "kurtosis": -5, "max_points": 2}],
        },
        {"treat": True, "normalise": [None, {"method": "minmax", "fit": "per_year"}]},
        {"aggregate": [{"method": "arithmetic", "min_share": 0.9}], "leave_out": ["i0", None]},
    ],
)
def test_vectorised_replications_equal_the_engine(vary: dict) -> None:
    res = make_results(units=30, normalise="minmax" if "impute" in vary else "goalposts", seed=4)
    if "aggregate" in vary and "harmonic" in json.dumps(vary):
        res = res.rescore(normalise={"method": "minmax", "range": [1, 100]})
    factors = parse_vary(vary, res)
    rng = np.random.default_rng(7)
    reps = draw(factors, rng.random((8, sum(f.width for f in factors))), res)
    nodes = res.framework.aggregate_ids
    sim = simulate(res, factors, reps, nodes, [int(y) for y in res.years], chunk_size=3)
    position = {n: i for i, n in enumerate(res.framework.node_ids)}
    for r in range(len(reps)):
        engine = _engine_replication(res, factors, reps, r)
        expected = engine.cube("aggregated")[:, :, [position[n] for n in nodes]]  # [y, u, node]
        got = sim.scores[:, :, r, :].transpose(1, 2, 0)
        assert np.allclose(got, expected, rtol=1e-6, atol=1e-6, equal_nan=True)
        ranks = engine.ranks.pivot_table(index=["node", "year"], columns="unit", values="rank")
        for o, node in enumerate(nodes):
            for y, year in enumerate(res.years):
                want = ranks.loc[(node, year)].reindex(res.unit_ids).fillna(0).to_numpy()
                assert np.array_equal(sim.ranks[o, y, r], want), (r, node, year)


def test_nodes_with_methods_of_their_own_equal_the_engine() -> None:
    # Geometric under geometric stays in logarithms between the nodes; harmonic under
    # geometric and geometric under the arithmetic index change space: all equal the engine.
    res = make_results(
        units=30,
        seed=8,
        normalise={"method": "minmax", "range": [1, 100]},
        aggregate={
            "dim0": {"method": "geometric"},
            "dim1": {"method": "harmonic"},
            "dom": {"method": "geometric"},
            "dim2": {"method": "generalised", "p": 2},
        },
    )
    assert res.plan.aggregate["dom"].method == "geometric"
    for vary in ({"weights": 0.3}, {"weights": 0.3, "leave_out": True}):
        factors = parse_vary(vary, res)
        reps = draw(
            factors, np.random.default_rng(2).random((6, sum(f.width for f in factors))), res
        )
        nodes = res.framework.aggregate_ids
        sim = simulate(res, factors, reps, nodes, [int(y) for y in res.years], threads=1)
        position = {n: i for i, n in enumerate(res.framework.node_ids)}
        for r in range(len(reps)):
            engine = _engine_replication(res, factors, reps, r)
            expected = engine.cube("aggregated")[:, :, [position[n] for n in nodes]]
            got = sim.scores[:, :, r, :].transpose(1, 2, 0)
            assert np.allclose(got, expected, rtol=1e-6, atol=1e-6, equal_nan=True)


def test_zeros_under_a_geometric_mean_fail_like_the_engine() -> None:
    res = make_results(units=20, missing=0.0)  # minmax onto [0, 100]: each indicator has a 0
    with pytest.raises(SpecError, match="positive"):
        res.rescore(aggregate="geometric")
    with pytest.raises(SpecError, match="positive"):
        uncertainty(res, n=4, vary={"aggregate": ["geometric"]})


def test_same_seed_same_result_other_seed_differs(res: mi.Results) -> None:
    vary = {"weights": 0.25, "normalise": ["minmax", "zscore"], "leave_out": True}
    a = uncertainty(res, n=40, vary=vary, seed=3)
    b = uncertainty(res, n=40, vary=vary, seed=3)
    c = uncertainty(res, n=40, vary=vary, seed=4)
    pd.testing.assert_frame_equal(a.rank_stats, b.rank_stats)
    pd.testing.assert_frame_equal(a.replications, b.replications)
    assert not a.replications.equals(c.replications)


@pytest.mark.parametrize("kind", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_an_executor_gives_the_same_result(res: mi.Results, kind: type) -> None:
    vary = {"weights": 0.25, "normalise": ["minmax", "zscore"], "aggregate": [None, "arithmetic"]}
    alone = uncertainty(res, n=60, vary=vary, seed=9, chunk_size=7)
    with kind(max_workers=2) as executor:
        shared = uncertainty(res, n=60, vary=vary, seed=9, chunk_size=7, executor=executor)
    pd.testing.assert_frame_equal(alone.rank_stats, shared.rank_stats)
    pd.testing.assert_frame_equal(alone.replications, shared.replications)


def test_weight_noise_stays_within_its_share(res: mi.Results) -> None:
    ua = uncertainty(res, n=200, vary={"weights": {1: 0.2}}, seed=1, nodes="index")
    fw = res.framework
    columns = [c for c in ua.replications.columns if c.startswith("weight:")]
    assert {c.removeprefix("weight:") for c in columns} == set(fw.indicator_ids)
    for column in columns:
        nominal = res.plan.weight(column.removeprefix("weight:"))
        values = ua.replications[column]
        assert values.between(0.8 * nominal, 1.2 * nominal).all()
        assert values.min() < 0.85 * nominal and values.max() > 1.15 * nominal


def test_a_nodes_own_share_wins_over_its_levels_in_any_order(res: mi.Results) -> None:
    """``{"i0": 0.9, 1: 0.2}`` gave i0 the level's 0.2 (the dict was applied in order),
    ``{1: 0.2, "i0": 0.9}`` its own 0.9: the node's own share now wins either way."""
    fw = res.framework
    i0 = fw.node_ids.index("i0")
    for vary in ({"weights": {"i0": 0.9, 1: 0.2}}, {"weights": {1: 0.2, "i0": 0.9}}):
        (weights,) = parse_vary(vary, res)
        assert weights.shares is not None
        others = [fw.node_ids.index(n) for n in fw.indicator_ids if n != "i0"]
        assert weights.shares[i0] == 0.9 and set(weights.shares[others]) == {0.2}


def test_results_without_a_score_are_refused() -> None:
    """One unit under min-max has no score anywhere: the analysis returned a table of NaN
    ranks without a word (the sensitivity analysis refused the same results)."""
    alone = make_results(units=1, years=(2022,), normalise="minmax", missing=0.0)
    assert np.isnan(alone.cube("aggregated")).all()  # the case
    with pytest.raises(SpecError, match=r"no unit has a score at .* nothing to rank"):
        uncertainty(alone, n=4, vary={"weights": 0.2})


def test_a_year_as_numpy_gives_it(res: mi.Results) -> None:
    """``years=res.years[-1]`` (a numpy integer) raised "'numpy.int64' object is not
    iterable"."""
    last = np.asarray(res.years)[-1]
    ua = uncertainty(res, n=4, vary={"weights": 0.2}, seed=1, years=last, nodes="index")
    assert set(ua.rank_stats["year"]) == {int(last)}


def test_default_nodes_are_the_index_and_its_aggregate_children(res: mi.Results) -> None:
    # The fixture's index has the domain "dom" and the dimension "dim2" as children.
    vary = {"weights": 0.2, "normalise": ["minmax", "rank"]}
    default = uncertainty(res, n=12, vary=vary, seed=4)
    assert set(default.rank_stats["node"]) == {"dom", "dim2", "index"}
    every = uncertainty(res, n=12, vary=vary, seed=4, nodes="all").rank_stats
    assert set(every["node"]) == set(res.framework.aggregate_ids)
    # Summarising fewer nodes changes nothing for the nodes kept.
    kept = every[every["node"].isin(["dom", "dim2", "index"])]
    key = ["node", "year", "unit"]
    pd.testing.assert_frame_equal(
        default.rank_stats.sort_values(key).reset_index(drop=True),
        kept.sort_values(key).reset_index(drop=True),
    )


def test_targets_and_years_can_be_restricted(res: mi.Results) -> None:
    ua = uncertainty(res, n=10, vary={"weights": 0.1}, nodes=["dom", "index"], years=2022)
    assert set(ua.rank_stats["node"]) == {"dom", "index"}
    assert set(ua.rank_stats["year"]) == {2022}


def test_invalid_vary_reports_every_problem(res: mi.Results) -> None:
    with pytest.raises(SpecError) as err:
        uncertainty(
            res,
            n=5,
            vary={
                "wieghts": 0.1,
                "normalise": ["minmax", "nonsense"],
                "aggregate": "arithmetic",
                "weights": {9: 0.1, "i0": 2.0},
                "leave_out": ["nope"],
            },
        )
    message = str(err.value)
    for part in ("wieghts", "nonsense", "'aggregate'", "level 9", "[0, 1)", "nope"):
        assert part in message
    with pytest.raises(SpecError, match="nodes"):
        uncertainty(res, n=5, vary={"weights": 0.1}, nodes="i0")
    with pytest.raises(SpecError, match="positive integer"):
        uncertainty(res, n=0, vary={"weights": 0.1})


def test_nominal_ranks_tie_as_the_replications_do() -> None:
    # Scores 1e-10 apart (of 70) differ in their last bits only: a tie, in the nominal
    # ranks (rules.ranks) and in the replications' alike; 50 + 1e-6 is a score of its own.
    from mint_index.rules.ranks import rank_rows as results_rank_rows

    scores = np.array([[50.0, 50.0 + 1e-10, 50.0, np.nan, 70.0], [50.0, 50.0 + 1e-6, 50.0, 0, 70]])
    np.testing.assert_array_equal(results_rank_rows(scores), [[2, 2, 2, 0, 1], [3, 2, 3, 5, 1]])
    np.testing.assert_array_equal(rank_rows(scores), results_rank_rows(scores))


def test_nominal_ranks_tie_scores_equal_but_for_their_last_bits() -> None:
    """Three units whose index scores differ in their last bits only share their nominal
    rank, as their replications do: on the example district the nominal rank lay outside
    its replications' interval (14 against 12-12)."""
    res = make_results(units=6, years=(2022,), missing=0.0, seed=2)
    cube = res.cube("aggregated").copy()
    index = res.framework.node_ids.index("index")
    cube[0, 1, index] = cube[0, 0, index] * (1 + 1e-15)  # unit 1 a last bit above unit 0
    cube[0, 2, index] = cube[0, 0, index]  # unit 2 an exact copy of unit 0
    res._stages["aggregated"] = cube  # the nominal scores as given; replications untouched
    ua = uncertainty(res, n=4, vary={"weights": 0.0}, seed=1, nodes=["index"])
    stats = ua.rank_stats.set_index("unit")
    units = res.unit_ids
    assert stats.loc[units[0], "nominal"] == stats.loc[units[1], "nominal"]
    assert stats.loc[units[1], "nominal"] == stats.loc[units[2], "nominal"]


def test_without_arguments_weights_vary_by_a_quarter(res: mi.Results) -> None:
    ua = uncertainty(res, n=40)
    assert ua.vary == {"weights": 0.25} and ua.n == 40
    assert ua.varied == [uncertainty(res, n=40, vary={"weights": 0.25}).varied[0]]
    for column in ua.replications.columns:
        nominal = res.plan.weight(column.removeprefix("weight:"))
        ratio = ua.replications[column] / nominal
        assert ratio.between(0.75, 1.25).all() and ratio.std() > 0.05


@pytest.mark.parametrize("processes", [False, True])
def test_a_dask_cluster_gives_the_same_result(res: mi.Results, processes: bool) -> None:
    distributed = pytest.importorskip(
        "distributed", reason="dask[distributed] is not installed (extra mint-index[dask])"
    )
    vary = {"weights": 0.25, "normalise": ["minmax", "zscore"], "aggregate": [None, "arithmetic"]}
    alone = uncertainty(res, n=60, vary=vary, seed=9, chunk_size=7)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=processes, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_client = uncertainty(res, n=60, vary=vary, seed=9, chunk_size=7, executor=client)
        on_executor = uncertainty(
            res, n=60, vary=vary, seed=9, chunk_size=7, executor=client.get_executor()
        )
    for shared in (on_client, on_executor):
        pd.testing.assert_frame_equal(alone.rank_stats, shared.rank_stats)
        pd.testing.assert_frame_equal(alone.replications, shared.replications)


def test_chunk_size_changes_nothing_but_speed(res: mi.Results) -> None:
    vary = {
        "weights": 0.25,
        "normalise": [{"method": "minmax", "range": [1, 100]}, "rank"],
        "aggregate": [None, "geometric"],
    }
    default = uncertainty(res, n=45, vary=vary, seed=4)
    for chunk_size in (1, 7, 45):
        other = uncertainty(res, n=45, vary=vary, seed=4, chunk_size=chunk_size)
        pd.testing.assert_frame_equal(default.rank_stats, other.rank_stats)


def test_threads_change_nothing_but_speed(res: mi.Results) -> None:
    # The default runs chunks and summaries on a thread per CPU; any count, the same result.
    vary = {
        "weights": 0.25,
        "normalise": [{"method": "minmax", "range": [1, 100]}, "rank"],
        "aggregate": [None, "geometric"],
        "leave_out": True,
    }
    alone = uncertainty(res, n=45, vary=vary, seed=6, chunk_size=4, threads=1, nodes="all")
    for threads in (None, 2, 3):
        other = uncertainty(
            res, n=45, vary=vary, seed=6, chunk_size=4, threads=threads, nodes="all"
        )
        pd.testing.assert_frame_equal(alone.rank_stats, other.rank_stats)
    with pytest.raises(SpecError, match="threads"):
        uncertainty(res, n=4, threads=0)


def test_vary_is_recorded_as_plain_json_data() -> None:
    from mint_index.analysis.uncertainty import _jsonable
    from mint_index.plan import StepChoice

    vary = {
        "weights": {2: np.float64(0.5), "i0": 0.25},
        "normalise": [None, "rank", StepChoice.parse("normalise", {"method": "minmax"})],
        "aggregate": ({"method": "generalised", "p": 3},),
        "treat": True,
        "leave_out": ("i0", None),
    }
    plain = _jsonable(vary)
    assert plain == {
        "weights": {"2": 0.5, "i0": 0.25},
        "normalise": [None, "rank", {"method": "minmax"}],
        "aggregate": [{"method": "generalised", "p": 3}],
        "treat": True,
        "leave_out": ["i0", None],
    }
    assert type(plain["weights"]["2"]) is float and type(plain["aggregate"]) is list
    # what the JSON round trip it replaces gave, type for type
    old = json.loads(json.dumps(vary, default=lambda v: v.as_spec()))
    assert json.dumps(plain) == json.dumps(old) and plain == old


def test_the_varied_choices_as_plain_data_for_a_report(res: mi.Results) -> None:
    """``choices``: what a report words in its language. By hand: level 1 is the 7
    indicators (±10 %), ``dom`` a domain (±20 %): 8 of the 11 weights below the index
    (7 indicators, 3 dimensions, 1 domain); None is "as in the results"."""
    vary = {
        "weights": {1: 0.1, "dom": 0.2},
        "normalise": ["rank", None],
        "leave_out": ["i0", None],
    }
    ua = uncertainty(res, n=4, seed=0, vary=vary)
    assert ua.choices == [
        {"factor": "weights", "shares": [0.1, 0.2], "weights": 8, "of": 11},
        {"factor": "normalise", "options": ["rank", None]},
        {"factor": "leave_out", "options": ["i0", None]},
    ]
    assert json.loads(json.dumps(ua.choices)) == ua.choices  # plain data
