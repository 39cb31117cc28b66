"""Weight shares and effective weights, computed by hand on the small framework.

Tree: index -> education (weight 1: kita_parity, employment) and participation (weight 2)
-> political -> (council_share, advisory); every other weight is 1.
"""

from __future__ import annotations

import pytest
from helpers import small_dataset

import mint_index as mi
from mint_index.plan import Plan
from mint_index.rules.weights import effective_weights, sibling_shares, weight_shares


def plan(fw: mi.Framework, **weights: float) -> Plan:
    return Plan.resolve(mi.BuildSpec(framework=fw, weights=weights))


def test_sibling_shares(small_framework: mi.Framework) -> None:
    shares = sibling_shares(plan(small_framework))
    assert shares["education"] == pytest.approx(1 / 3)
    assert shares["participation"] == pytest.approx(2 / 3)
    assert shares["political"] == 1.0 and shares["index"] == 1.0
    assert shares["advisory"] == pytest.approx(1 / 2)


def test_weight_shares(small_framework: mi.Framework) -> None:
    share = weight_shares(plan(small_framework))
    ids = small_framework.node_ids
    index = share[ids.index("index")]
    assert index[ids.index("participation")] == pytest.approx(2 / 3)
    assert index[ids.index("council_share")] == pytest.approx(2 / 3 / 2)
    assert index[ids.index("employment")] == pytest.approx(1 / 3 / 2)
    assert index[: len(small_framework.indicator_ids)].sum() == pytest.approx(1.0)
    assert share[ids.index("education"), ids.index("council_share")] == 0.0
    heavier = weight_shares(plan(small_framework, employment=3.0))
    assert heavier[ids.index("index"), ids.index("employment")] == pytest.approx(1 / 3 * 3 / 4)


def test_effective_weights_table(small_framework: mi.Framework) -> None:
    table = effective_weights(plan(small_framework, employment=3.0)).set_index("node")
    expected = {  # products of the sibling shares up to the index, by hand
        "kita_parity": 1 / 3 * 1 / 4,
        "employment": 1 / 3 * 3 / 4,
        "council_share": 2 / 3 * 1 * 1 / 2,
        "advisory": 2 / 3 * 1 * 1 / 2,
        "political": 2 / 3,
        "education": 1 / 3,
        "participation": 2 / 3,
        "index": 1.0,
    }
    assert table["effective_weight"].to_dict() == pytest.approx(expected)
    assert table.loc["employment", "weight"] == 3.0
    assert table.loc["employment", "share"] == pytest.approx(3 / 4)
    assert table.loc["council_share", "parent"] == "political"
    # the indicators' effective weights sum to 1 (every level's would in a balanced tree;
    # here participation is alone at level 3, above political at level 2)
    levels = table.groupby("level")["effective_weight"].sum()
    assert levels[1] == pytest.approx(1.0) and levels[3] == pytest.approx(2 / 3)


def test_results_show_effective_weights(small_framework: mi.Framework) -> None:
    res = mi.score(small_dataset({"A": {}, "B": {}}), small_framework, weights={"education": 2})
    table = res.effective_weights.set_index("node")["effective_weight"]
    assert table["education"] == pytest.approx(1 / 2)
    assert table["employment"] == pytest.approx(1 / 2 / 2)
