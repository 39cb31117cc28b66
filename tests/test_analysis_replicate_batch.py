"""The batched aggregation of replications, in float64, against the engine to 1e-12."""

from __future__ import annotations

import numpy as np
import pytest
from test_analysis_uncertainty import make_results

from mint_index.analysis.replicate_batch import Indicators, batch_outputs, quasi_arithmetic
from mint_index.plan import StepChoice

#: Nodes with methods of their own: geometric under geometric (values stay in logarithms),
#: harmonic and generalised under other methods (their values change space).
MIXED = {
    "dim0": {"method": "geometric"},
    "dim1": {"method": "harmonic"},
    "dom": {"method": "geometric", "min_share": 0.9},
    "dim2": {"method": "generalised", "p": 2},
}


@pytest.mark.parametrize("aggregate", [None, MIXED])
@pytest.mark.parametrize("zero_weight", [False, True])
def test_batch_outputs_equal_the_engine(aggregate: dict | None, zero_weight: bool) -> None:
    res = make_results(
        units=25,
        seed=3,
        missing=0.15,
        normalise={"method": "minmax", "range": [1, 100]},
        aggregate=aggregate,
    )
    fw = res.framework
    position = {n: i for i, n in enumerate(fw.node_ids)}
    nominal = np.array([res.plan.weights.get(n, 1.0) for n in fw.node_ids])
    rng = np.random.default_rng(1)
    weights = nominal * rng.uniform(0.6, 1.4, size=(3, len(nominal)))
    if zero_weight:  # a left-out indicator in one replication: counts differ in the batch
        weights[1, position["i1"]] = 0.0
    cube = res.cube("normalised")
    n_y, n_u, n_i = cube.shape
    aggregates = fw.aggregate_ids
    got = batch_outputs(
        Indicators(cube.reshape(n_y * n_u, n_i)),
        [res.plan.aggregate[a] for a in aggregates],
        weights,
        [position[a] for a in aggregates],
        [[position[c] for c in fw.children[a]] for a in aggregates],
        list(range(len(aggregates))),
    )
    for r in range(len(weights)):
        engine = res.rescore(
            weights={n: float(weights[r, i]) for i, n in enumerate(fw.node_ids) if n != "index"}
        )
        for o, node in enumerate(aggregates):
            expected = engine.cube("aggregated")[:, :, position[node]].reshape(-1)
            assert np.allclose(got[o][r], expected, rtol=1e-12, atol=0, equal_nan=True), node


def test_quasi_arithmetic_means_by_name() -> None:
    geometric = quasi_arithmetic(StepChoice.parse("aggregate", {"method": "geometric"}))
    assert geometric is not None and geometric.f is np.log and geometric.inverse is np.exp
    power = quasi_arithmetic(StepChoice.parse("aggregate", {"method": "generalised", "p": 3}))
    assert power is not None and power.key == ("generalised", 3.0)
    assert power.inverse(power.f(np.array([2.0])))[0] == pytest.approx(2.0, rel=1e-15)
    assert quasi_arithmetic(StepChoice.parse("aggregate", {"method": "copeland"})) is None
