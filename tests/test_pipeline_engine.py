"""score(): known answers computed by hand, spec precedence, and properties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import make_small_long
from helpers import small_dataset as dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mint_index as mi
from mint_index.errors import SpecError, UnknownMethodError


def by_unit(res: mi.Results, node: str, year: int = 2024) -> dict[str, float]:
    col = res.scores[node].xs(year, level="year")
    return {str(k): float(v) for k, v in col.items()}


def test_goalposts_and_arithmetic_by_hand(small_framework: mi.Framework) -> None:
    data = dataset(
        {
            "A": {},  # council 20 %, advisory 1, parity -20, employment 50
            "B": {
                "council_migrant": 12,
                "advisory_council": 2,
                "kita_mig": 45,
                "employment_rate": 90,
            },
        }
    )
    res = mi.score(data, small_framework)
    # goalposts: council 0..40, employment 30..80, parity -40..0, advisory 0..100 (clipped)
    a = {
        "council_share": 20 / 40 * 100,
        "advisory": 50.0,
        "kita_parity": (-20 + 40) / 40 * 100,
        "employment": (50 - 30) / 50 * 100,
    }
    b = {"council_share": 100.0, "advisory": 100.0, "kita_parity": 100.0, "employment": 100.0}
    for node, expected in a.items():
        assert by_unit(res, node)["A"] == pytest.approx(expected)
    for node, expected in b.items():
        assert by_unit(res, node)["B"] == pytest.approx(expected)
    political_a = (a["council_share"] + a["advisory"]) / 2
    education_a = (a["kita_parity"] + a["employment"]) / 2
    # participation has weight 2, education 1; participation's only child is political
    index_a = (2 * political_a + 1 * education_a) / 3
    assert by_unit(res, "political")["A"] == pytest.approx(political_a)
    assert by_unit(res, "participation")["A"] == pytest.approx(political_a)
    assert by_unit(res, "index")["A"] == pytest.approx(index_a)
    assert by_unit(res, "index")["B"] == pytest.approx(100.0)


def test_stages_are_kept_and_inspectable(small_framework: mi.Framework) -> None:
    res = mi.score(dataset({"A": {}, "B": {"council_migrant": 3}}), small_framework)
    derived = res.stage("derived")
    assert list(derived.columns) == small_framework.indicator_ids
    assert derived.loc[("B", 2024), "council_share"] == pytest.approx(10.0)
    assert list(res.scores.columns) == small_framework.node_ids
    assert res.scores.index.names == ["unit", "year"]
    for name in mi.pipeline.STAGES:
        assert res.stage(name).shape[0] == 2
    with pytest.raises(SpecError, match="unknown stage 'cooked'; stages: derived"):
        res.stage("cooked")


def test_min_share_of_weight_present(small_framework: mi.Framework) -> None:
    long = dataset({"A": {}}).long
    long.loc[long.variable == "advisory_council", "value"] = np.nan
    data = mi.Dataset.from_long(long)
    strict = mi.score(data, small_framework, aggregate={"method": "arithmetic", "min_share": 0.9})
    assert np.isnan(by_unit(strict, "political")["A"])
    lenient = mi.score(data, small_framework, aggregate={"method": "arithmetic", "min_share": 0.5})
    # half of political's weight is present: the parent is the remaining child
    assert by_unit(lenient, "political")["A"] == pytest.approx(50.0)


def test_overrides_win_over_framework_and_spec_round_trips(small_framework: mi.Framework) -> None:
    data = dataset({"A": {}, "B": {"council_migrant": 12}, "C": {"council_migrant": 3}})
    res = mi.score(data, small_framework, normalise={"method": "minmax", "range": [0, 10]})
    # min-max over the three council shares 20, 40, 10 -> (20-10)/30*10
    assert by_unit(res, "council_share")["A"] == pytest.approx(10 / 30 * 10)
    assert res.plan.normalise["council_share"].as_spec() == {"method": "minmax", "range": [0, 10]}
    again = mi.score(data, mi.BuildSpec.from_json(res.spec.to_json()))
    pd.testing.assert_frame_equal(again.scores, res.scores)
    rescored = res.rescore(normalise="goalposts")
    assert by_unit(rescored, "council_share")["A"] == pytest.approx(50.0)


def test_unknown_names_list_the_valid_ones(small_framework: mi.Framework) -> None:
    data = dataset({"A": {}})
    with pytest.raises(UnknownMethodError, match=r"valid methods: .*minmax"):
        mi.score(data, small_framework, normalise="magic")
    with pytest.raises(SpecError, match="unknown argument"):
        mi.score(data, small_framework, normalize="minmax")
    with pytest.raises(SpecError, match="weights: unknown node"):
        mi.score(data, small_framework, weights={"ghost": 1})


def test_an_aggregation_that_cannot_take_its_children_names_the_node(
    small_framework: mi.Framework,
) -> None:
    # min-max onto [0, 100] gives the worst unit a 0, which no geometric mean takes: the
    # error said how many child scores, not where
    data = mi.Dataset.from_long(make_small_long())
    with pytest.raises(SpecError, match=r"^aggregating '\w+': aggregate method 'geometric'"):
        mi.score(data, small_framework, normalise="minmax", aggregate="geometric")


def test_weights_override(small_framework: mi.Framework) -> None:
    data = dataset({"A": {}})
    res = mi.score(data, small_framework, weights={"participation": 0, "education": 1})
    assert by_unit(res, "index")["A"] == pytest.approx(by_unit(res, "education")["A"])


def test_ranks_overall_and_in_peer_groups(small_framework: mi.Framework) -> None:
    data = dataset(
        {
            "A": {"council_migrant": 12},
            "B": {"council_migrant": 12},
            "C": {"council_migrant": 3},
            "D": {"council_migrant": 0},
        }
    )
    units = pd.DataFrame({"unit": ["A", "B", "C", "D"], "peer_group": ["x", "y", "x", "y"]})
    res = mi.score(data.with_units(units), small_framework)
    r = res.ranks[res.ranks.node == "index"].set_index("unit")
    # A and B tie for first, C third, D fourth
    assert r["rank"].to_dict() == {"A": 1, "B": 1, "C": 3, "D": 4}
    assert r["peer_rank"].to_dict() == {"A": 1, "B": 1, "C": 2, "D": 2}
    assert r.loc["A", "peer_group"] == "x"


def test_a_unit_without_peer_group_is_ranked_in_group_unknown(
    small_framework: mi.Framework,
) -> None:
    data = dataset(
        {"A": {"council_migrant": 12}, "B": {"council_migrant": 3}, "C": {"council_migrant": 0}}
    )
    units = pd.DataFrame({"unit": ["A", "B", "C"], "peer_group": ["x", None, "x"]})
    res = mi.score(data.with_units(units), small_framework)
    r = res.ranks[res.ranks.node == "index"].set_index("unit")
    assert r["rank"].to_dict() == {"A": 1, "B": 2, "C": 3}
    assert r["peer_group"].to_dict() == {"A": "x", "B": "unknown", "C": "x"}
    assert r["peer_rank"].to_dict() == {"A": 1, "B": 1, "C": 2}


def test_peer_groups_from_population_classes(small_framework: mi.Framework) -> None:
    fw = small_framework.model_copy(
        update={
            "peer_groups": mi.framework.model.PeerGroups(
                column="size_class", breaks=[5000, 20000], labels=["small", "medium", "large"]
            )
        }
    )
    units = pd.DataFrame({"unit": ["A", "B", "C"], "population": [4999, 5000, 20000]})
    res = mi.score(dataset({"A": {}, "B": {}, "C": {}}).with_units(units), fw)
    assert res.units["peer_group"].to_dict() == {"A": "small", "B": "medium", "C": "large"}


def test_changes_since_previous_year(small_framework: mi.Framework) -> None:
    long = pd.concat(
        [dataset({"A": {}}, 2023).long, dataset({"A": {"council_migrant": 12}}, 2024).long]
    )
    res = mi.score(mi.Dataset.from_long(long), small_framework)
    change = res.changes.loc[("A", 2024), "council_share"]
    assert change == pytest.approx(100.0 - 50.0)
    assert np.isnan(res.changes.loc[("A", 2023), "council_share"])


def test_flags_record_unreliable_and_missing(small_framework: mi.Framework) -> None:
    long = dataset({"A": {"council_seats": 8, "council_migrant": 2}, "B": {}}).long
    long.loc[(long.unit == "B") & (long.variable == "employment_rate"), "missing_reason"] = "locked"
    long.loc[(long.unit == "B") & (long.variable == "employment_rate"), "value"] = np.nan
    res = mi.score(mi.Dataset.from_long(long), small_framework)
    flags = res.flags
    assert (
        (flags.unit == "A") & (flags.node == "council_share") & (flags.flag == "unreliable")
    ).sum() == 1
    missing = flags[(flags.unit == "B") & (flags.flag == "missing")]
    assert missing[["node", "detail"]].values.tolist() == [["employment", "locked"]]


def test_imputation_is_flagged_and_screening_reported(small_framework: mi.Framework) -> None:
    long = dataset({"A": {}, "B": {"employment_rate": 70}, "C": {}}).long
    # C loses 3 of its 4 indicators; A loses one value
    drop_c = (long.unit == "C") & long.variable.isin(
        ["council_migrant", "kita_mig", "advisory_council"]
    )
    drop_a = (long.unit == "A") & (long.variable == "employment_rate")
    long.loc[drop_c | drop_a, "value"] = np.nan
    data = mi.Dataset.from_long(long)
    res = mi.score(
        data,
        small_framework,
        screen={"method": "availability", "min_coverage": 0.5},
        impute={"method": "mean"},
    )
    assert res.screened_out[["unit", "coverage"]].values.tolist() == [["C", 0.25]]
    assert np.isnan(res.scores.loc[("C", 2024)]).all()
    # A's employment imputed as the mean of the units kept (B only: C was screened out)
    assert res.stage("imputed").loc[("A", 2024), "employment"] == pytest.approx(70.0)
    imputed = res.flags[res.flags.flag == "imputed"]
    assert imputed[["unit", "node"]].values.tolist() == [["A", "employment"]]


PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def unit_values(units: list[tuple[int, int, float]]) -> dict[str, dict[str, float]]:
    """Per unit: councillors with a migration background (at most the seats), seats and
    the employment rate, as drawn by ``units_st``."""
    return {
        f"U{i}": {
            "council_migrant": float(min(m, s)),
            "council_seats": float(s),
            "employment_rate": e,
        }
        for i, (m, s, e) in enumerate(units)
    }


units_st = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 30), st.floats(20, 90)), min_size=2, max_size=6
)


@PROPERTY
@given(units=units_st, seed=st.integers(0, 1000))
def test_row_order_does_not_change_results(small_framework: mi.Framework, units, seed) -> None:
    spec = unit_values(units)
    long = dataset(spec).long
    shuffled = long.sample(frac=1, random_state=seed).reset_index(drop=True)
    a = mi.score(mi.Dataset.from_long(long), small_framework, normalise="minmax")
    b = mi.score(mi.Dataset.from_long(shuffled), small_framework, normalise="minmax")
    pd.testing.assert_frame_equal(a.scores, b.scores)


@PROPERTY
@given(units=units_st, factor=st.floats(0.1, 50))
def test_scaling_sibling_weights_changes_nothing(small_framework, units, factor) -> None:
    spec = unit_values(units)
    data = dataset(spec)
    a = mi.score(data, small_framework)
    b = mi.score(data, small_framework, weights={"participation": 2 * factor, "education": factor})
    pd.testing.assert_frame_equal(a.scores, b.scores, rtol=1e-12)


@PROPERTY
@given(units=units_st, others=st.floats(20, 90))
def test_goalpost_scores_do_not_depend_on_other_units(small_framework, units, others) -> None:
    spec = unit_values(units)
    a = mi.score(dataset(spec), small_framework)
    spec_changed = {
        k: ({**v, "employment_rate": others} if k != "U0" else v) for k, v in spec.items()
    }
    b = mi.score(dataset(spec_changed), small_framework)
    pd.testing.assert_series_equal(a.scores.loc["U0"].iloc[0], b.scores.loc["U0"].iloc[0])


@PROPERTY
@given(units=units_st, gain=st.floats(0.1, 30), method=st.sampled_from(["arithmetic", "geometric"]))
def test_improving_an_indicator_never_lowers_an_ancestor(small_framework, units, gain, method):
    spec = unit_values(units)
    # min-max onto [1, 100] so that the geometric mean never meets a zero
    steps = {"aggregate": {"method": method}, "normalise": {"method": "minmax", "range": [1, 100]}}
    base = mi.score(dataset(spec), small_framework, **steps)
    better = {**spec, "U0": {**spec["U0"], "employment_rate": spec["U0"]["employment_rate"] + gain}}
    improved = mi.score(dataset(better), small_framework, **steps)
    for node in ["education", "index"]:
        before, after = base.scores.loc["U0", node].iloc[0], improved.scores.loc["U0", node].iloc[0]
        if not np.isnan(before):
            assert after >= before - 1e-9


def test_same_spec_and_data_give_identical_results(small_framework: mi.Framework) -> None:
    data = mi.Dataset.from_long(make_small_long())
    a = mi.score(data, small_framework).to_json()
    b = mi.score(data, small_framework).to_json()
    assert a == b


# ---- what a result keeps, and what it builds on first use (issue 17) -------------------


def test_normalised_stage_is_the_aggregated_cubes_indicator_columns(
    small_framework: mi.Framework,
) -> None:
    res = mi.score(dataset({"A": {}, "B": {"council_migrant": 12}}), small_framework)
    n_i = len(res.indicator_ids)
    normalised, aggregated = res.cube("normalised"), res.cube("aggregated")
    assert normalised.shape == (1, 2, n_i)
    np.testing.assert_array_equal(normalised, aggregated[:, :, :n_i])
    assert np.shares_memory(normalised, aggregated)  # one copy of the values, not two


def test_units_table_is_built_when_first_read(small_framework: mi.Framework) -> None:
    data = dataset({"A": {}, "B": {}})
    res = mi.score(data, small_framework)
    assert "units" not in res.__dict__  # scoring alone does not build it
    assert res.units.index.tolist() == ["A", "B"]
    assert res.units["peer_group"].tolist() == ["all", "all"]
    # a grouped imputation builds it during the run; the result keeps that table
    grouped = mi.score(data, small_framework, impute={"method": "mean", "by": "peer_group"})
    assert "units" in grouped.__dict__
    assert grouped.units["peer_group"].tolist() == ["all", "all"]


def test_stages_that_share_values_share_their_frame(small_framework: mi.Framework) -> None:
    res = mi.score(dataset({"A": {}, "B": {"council_migrant": 3}}), small_framework)
    assert res.cube("screened") is res.cube("derived")  # nothing screened out or denominated
    assert res.stage("screened") is res.stage("derived")  # one frame, not two equal ones
    assert res.stage("normalised") is not res.stage("aggregated")
    assert list(res.stage("normalised").columns) == small_framework.indicator_ids


def test_arguments_of_another_kind_are_named(small_framework: mi.Framework) -> None:
    """A DataFrame or None as the data, a scores table as Results, an int as a source
    failed deep inside with AttributeError or TypeError; a spec without its method, or a
    weight that is no number, raised pydantic's own ValidationError. All are
    ``MintIndexError`` now, saying what to pass."""
    from mint_index.errors import ArgumentError

    data = dataset({"A": {}, "B": {"council_migrant": 3}})
    for wrong in (data.wide, None):
        with pytest.raises(ArgumentError, match=r"data must be a mi\.Dataset.*mi\.load_data"):
            mi.score(wrong, small_framework)  # type: ignore[arg-type]
    res = mi.score(data, small_framework)
    for call in (mi.gaps, mi.recommend):
        with pytest.raises(ArgumentError, match=r"results must be mi\.Results, got DataFrame"):
            call(res.scores)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="each source must be a path or a DataFrame, got int"):
        mi.load_data(42, small_framework)  # type: ignore[arg-type]
    with pytest.raises(SpecError, match=r"^normalise\.method: Field required$"):
        mi.score(data, small_framework, normalise={"range": [0, 100]})
    with pytest.raises(SpecError, match=r"^normalise\.method: Field required$"):
        res.rescore(normalise={"range": [0, 100]})
    with pytest.raises(SpecError, match=r"^weights\.edu: Input should be a valid number"):
        mi.score(data, small_framework, weights={"edu": "a"})


def test_a_framework_may_be_given_by_its_path(small_framework: mi.Framework) -> None:
    data = dataset({"A": {}, "B": {"council_migrant": 3}})
    by_path = mi.score(data, Path(__file__).parent / "fixtures" / "framework_small")
    pd.testing.assert_frame_equal(by_path.scores, mi.score(data, small_framework).scores)
