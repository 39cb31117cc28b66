"""Deriving indicators from raw variables: ratios, parity gaps, answer levels, intervals."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import small_dataset as dataset

import mint_index as mi
from mint_index.errors import DataValidationError
from mint_index.pipeline.derive import DERIVED_REASONS, derive, wilson_interval


def column(fw: mi.Framework, derived: np.ndarray, indicator: str) -> np.ndarray:
    return derived[0, :, fw.indicator_ids.index(indicator)]


def test_ratio_parity_and_levels(small_framework: mi.Framework) -> None:
    data = dataset({"A": {}, "B": {"council_migrant": 12, "advisory_council": 2, "kita_mig": 45}})
    d = derive(data, small_framework)
    # council share: 6/30*100 = 20 and 12/30*100 = 40
    assert column(small_framework, d.values, "council_share") == pytest.approx([20.0, 40.0])
    # parity gap: (30/50 - 160/200) * 100 = -20; (45/50 - 0.8) * 100 = 10
    assert column(small_framework, d.values, "kita_parity") == pytest.approx([-20.0, 10.0])
    # answer levels 0/1/2 -> 0/50/100
    assert column(small_framework, d.values, "advisory") == pytest.approx([50.0, 100.0])
    # a direct percentage passes through
    assert column(small_framework, d.values, "employment") == pytest.approx([50.0, 50.0])
    # denominators: seats for the ratio, the group's children for the parity gap
    assert column(small_framework, d.denominator, "council_share") == pytest.approx([30, 30])
    assert column(small_framework, d.denominator, "kita_parity") == pytest.approx([50, 50])
    assert np.isnan(column(small_framework, d.denominator, "employment")).all()


def test_wilson_interval_known_value() -> None:
    # 5 of 10 at 95 %: the published Wilson interval is 0.2366 .. 0.7634
    lo, hi = wilson_interval(np.array([5.0]), np.array([10.0]))
    assert lo[0] == pytest.approx(0.2366, abs=1e-4)
    assert hi[0] == pytest.approx(0.7634, abs=1e-4)
    # 0 of 20: lower bound 0, upper z^2/(n+z^2) = 3.8415/23.8415
    lo, hi = wilson_interval(np.array([0.0]), np.array([20.0]))
    assert lo[0] == pytest.approx(0.0, abs=1e-12)
    assert hi[0] == pytest.approx(1.959963984540054**2 / (20 + 1.959963984540054**2), rel=1e-9)


def test_rate_interval_on_indicator_scale(small_framework: mi.Framework) -> None:
    d = derive(dataset({"A": {"council_migrant": 15}}), small_framework)
    i = small_framework.indicator_ids.index("council_share")
    lo_p, hi_p = wilson_interval(np.array([15.0]), np.array([30.0]))
    assert d.lower[0, 0, i] == pytest.approx(lo_p[0] * 100)
    assert d.upper[0, 0, i] == pytest.approx(hi_p[0] * 100)
    # parity gap carries the group's interval shifted by the reference rate
    k = small_framework.indicator_ids.index("kita_parity")
    g_lo, g_hi = wilson_interval(np.array([30.0]), np.array([50.0]))
    assert d.lower[0, 0, k] == pytest.approx((g_lo[0] - 0.8) * 100)
    assert d.upper[0, 0, k] == pytest.approx((g_hi[0] - 0.8) * 100)


def test_small_denominators_are_unreliable(small_framework: mi.Framework) -> None:
    # kita_parity needs at least 20 children in the group; council_share 10 seats
    d = derive(
        dataset(
            {
                "A": {"children_mig": 19, "kita_mig": 5},
                "B": {"council_seats": 9, "council_migrant": 1},
            }
        ),
        small_framework,
    )
    assert column(small_framework, d.unreliable, "kita_parity").tolist() == [True, False]
    assert column(small_framework, d.unreliable, "council_share").tolist() == [False, True]


def test_missing_reasons_travel(small_framework: mi.Framework) -> None:
    data = dataset({"A": {"council_migrant": np.nan}, "B": {"council_seats": 0}})
    long = data.long
    long.loc[(long.unit == "A") & (long.variable == "council_migrant"), "missing_reason"] = "locked"
    data = mi.Dataset.from_long(long)
    d = derive(data, small_framework)
    reasons = [DERIVED_REASONS[r] for r in column(small_framework, d.reason, "council_share")]
    assert reasons == ["locked", "zero_denominator"]
    assert np.isnan(column(small_framework, d.values, "council_share")).all()


def test_unknown_answer_code_and_missing_variable(small_framework: mi.Framework) -> None:
    with pytest.raises(DataValidationError) as info:
        derive(dataset({"A": {"advisory_council": 7}}), small_framework)
    assert info.value.failures.loc[0, "column"] == "advisory"
    assert "not among the levels" in info.value.failures.loc[0, "reason"]
    long = dataset({"A": {}}).long
    with pytest.raises(DataValidationError) as info:
        derive(mi.Dataset.from_long(long[long.variable != "kita_mig"]), small_framework)
    assert info.value.failures["column"].tolist() == ["kita_mig"]


# ---- transforms of the computed value (ln, log10, sqrt) ------------------------------------

TEXT = {"de": "x", "en": "x"}


def _indicator(ident: str, parent: str, compute: dict, **extra: object) -> dict:
    return {
        "id": ident,
        "parent": parent,
        "name": TEXT,
        "description": TEXT,
        "unit": "x",
        "direction": "higher",
        "kind": "count",
        "compute": compute,
        "source": {"publisher": "test"},
        **extra,
    }


def _framework(indicators: list[dict], nodes: list[dict], variables: list[str], **kw: object):
    return mi.Framework.model_validate(
        {
            "framework": {"id": "t", "label": TEXT},
            "index": {"id": "index", "label": TEXT, **kw},
            "variables": [{"id": v, "unit": "number"} for v in variables],
            "nodes": nodes,
            "indicators": indicators,
        }
    )


def _data(values: dict[str, list[float]], units: list[str]) -> mi.Dataset:
    names = list(values)
    cube = np.array([values[v] for v in names], dtype=float).T[None]
    return mi.Dataset(cube, [2014], units, names)


def test_transforms_apply_to_the_computed_value() -> None:
    fw = _framework(
        [
            _indicator("g", "index", {"type": "direct", "variable": "a", "transform": "ln"}),
            _indicator("t", "index", {"type": "direct", "variable": "a", "transform": "log10"}),
            _indicator(
                "r",
                "index",
                {
                    "type": "ratio",
                    "numerator": "a",
                    "denominator": "b",
                    "scale": 100,
                    "transform": "sqrt",
                },
            ),
            _indicator(
                "p",
                "index",
                {
                    "type": "parity",
                    "group": {"numerator": "a", "denominator": "b"},
                    "reference": {"numerator": "b", "denominator": "a"},
                    "mode": "ratio",
                    "transform": "ln",
                },
                kind="parity_gap",
            ),
        ],
        [],
        ["a", "b"],
    )
    data = _data({"a": [100.0, 1000.0], "b": [4.0, 25.0]}, ["u1", "u2"])
    d = derive(data, fw)
    assert column(fw, d.values, "g") == pytest.approx(np.log([100.0, 1000.0]), abs=1e-12)
    assert column(fw, d.values, "t") == pytest.approx([2.0, 3.0], abs=1e-12)
    # sqrt of the ratio a / b * 100 (2500, 4000), not of its parts
    assert column(fw, d.values, "r") == pytest.approx([50.0, 4000**0.5], abs=1e-12)
    # ln of the parity ratio (a/b) / (b/a) = (a/b)^2
    assert column(fw, d.values, "p") == pytest.approx([np.log(25.0**2), np.log(40.0**2)], abs=1e-12)


def test_transform_domain_problems_are_collected() -> None:
    fw = _framework(
        [
            _indicator("g", "index", {"type": "direct", "variable": "a", "transform": "ln"}),
            _indicator("s", "index", {"type": "direct", "variable": "b", "transform": "sqrt"}),
        ],
        [],
        ["a", "b"],
    )
    data = _data({"a": [0.0, 5.0, -1.0], "b": [0.0, -2.0, 4.0]}, ["u1", "u2", "u3"])
    with pytest.raises(DataValidationError) as err:
        derive(data, fw)
    failures = err.value.failures
    assert set(failures["column"]) == {"g", "s"}
    assert "positive" in " ".join(failures["reason"]) and "2 computed" in " ".join(
        failures["reason"]
    )


def test_goalposts_outside_the_transforms_domain_are_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="raw scale"):  # load_framework: FrameworkError
        _framework(
            [
                _indicator(
                    "g",
                    "index",
                    {"type": "direct", "variable": "a", "transform": "ln"},
                    goalposts={"lower": 0, "upper": 10},
                )
            ],
            [],
            ["a"],
        )


# UNDP, Human Development Report 2015, Statistical annex Table 1 "Human Development Index and
# its components" (data for 2014; hdr.undp.org/en/composite/HDI): HDI, life expectancy at
# birth, expected and mean years of schooling, GNI per capita (2011 PPP $). The report's
# technical note 1: goalposts 20-85 years, 0-18 and 0-15 years, $100-$75,000 (expected
# schooling and GNI capped at the upper goalpost), the income index on ln(GNI), education
# the arithmetic mean of its two indices, the HDI the geometric mean of the three.
HDR_2015 = {
    "Norway": (0.944, 81.6, 17.5, 12.6, 64992),
    "Australia": (0.935, 82.4, 20.2, 13.0, 42261),
    "Switzerland": (0.930, 83.0, 15.8, 12.8, 56431),
    "Denmark": (0.923, 80.2, 18.7, 12.7, 44025),
    "Netherlands": (0.922, 81.6, 17.9, 11.9, 45435),
    "Germany": (0.916, 80.9, 16.5, 13.1, 43919),
    "Ireland": (0.916, 80.9, 18.6, 12.2, 39568),
    "United States": (0.915, 79.1, 16.5, 12.9, 52947),
    "Canada": (0.913, 82.0, 15.9, 13.0, 42155),
    "New Zealand": (0.913, 81.8, 19.2, 12.5, 32689),
    "Singapore": (0.912, 83.0, 15.4, 10.6, 76628),
    "Hong Kong": (0.910, 84.0, 15.6, 11.2, 53959),
    "Liechtenstein": (0.908, 80.0, 15.0, 11.8, 79851),
}


def test_hdi_rebuilt_from_its_published_components() -> None:
    direct = {"type": "direct"}
    fw = _framework(
        [
            _indicator(
                "le", "health", {**direct, "variable": "le"}, goalposts={"lower": 20, "upper": 85}
            ),
            _indicator(
                "eys", "edu", {**direct, "variable": "eys"}, goalposts={"lower": 0, "upper": 18}
            ),
            _indicator(
                "mys", "edu", {**direct, "variable": "mys"}, goalposts={"lower": 0, "upper": 15}
            ),
            _indicator(
                "gni",
                "income",
                {**direct, "variable": "gnipc", "transform": "ln"},
                goalposts={"lower": 100, "upper": 75000},  # dollars, as UNDP writes them
            ),
        ],
        [
            {"id": n, "parent": "index", "label": TEXT, "aggregate": {"method": "arithmetic"}}
            for n in ("health", "edu", "income")
        ],
        ["le", "eys", "mys", "gnipc"],
        aggregate={"method": "geometric"},
    )
    countries = list(HDR_2015)
    columns = list(zip(*HDR_2015.values(), strict=True))
    data = _data(
        {"le": columns[1], "eys": columns[2], "mys": columns[3], "gnipc": columns[4]}, countries
    )
    res = mi.score(data, fw, normalise={"method": "goalposts", "scale": 1})
    hdi = res.scores.xs(2014, level="year")["index"]
    for country, (published, le, eys, mys, gni) in HDR_2015.items():
        health = (le - 20) / 65
        education = (min(eys / 18, 1.0) + mys / 15) / 2
        income = min((np.log(gni) - np.log(100)) / (np.log(75000) - np.log(100)), 1.0)
        by_hand = (health * education * income) ** (1 / 3)
        assert hdi[country] == pytest.approx(by_hand, abs=1e-12), country
        # UNDP computes from unrounded components; the published ones are rounded to 0.1
        # year and whole dollars, which moves the HDI by less than 0.001 here.
        assert abs(hdi[country] - published) < 0.001, country
    # most agree to the third decimal exactly (Norway 0.94359 -> 0.944, ...)
    agree = sum(round(hdi[c], 3) == HDR_2015[c][0] for c in countries)
    assert agree >= 10


def test_targets_and_goalposts_are_transformed_with_the_values() -> None:
    # ln indicator, goalposts 10..1000 and target 100 written in raw units:
    # goalposts score (ln x - ln 10) / (ln 1000 - ln 10); dist2targ (ln x - min) / (ln 100 - min)
    fw = _framework(
        [
            _indicator(
                "g",
                "index",
                {"type": "direct", "variable": "a", "transform": "ln"},
                goalposts={"lower": 10, "upper": 1000},
                target={"value": 100},
            )
        ],
        [],
        ["a"],
    )
    data = _data({"a": [10.0, 31.0, 100.0, 1000.0]}, ["u1", "u2", "u3", "u4"])
    res = mi.score(data, fw, normalise={"method": "goalposts", "scale": 1})
    ln = np.log([10.0, 31.0, 100.0, 1000.0])
    expected = (ln - np.log(10)) / (np.log(1000) - np.log(10))
    np.testing.assert_allclose(res.scores["g"].to_numpy(), expected, rtol=1e-12, atol=1e-12)
    dist = mi.score(data, fw, normalise={"method": "dist2targ", "scale": 1})
    expected = np.minimum((ln - ln.min()) / (np.log(100) - ln.min()), 1.0)
    np.testing.assert_allclose(dist.scores["g"].to_numpy(), expected, rtol=1e-12, atol=1e-12)
    # the gap analysis maps the target the same way: target score 0.5 on the goalposts
    gaps = mi.gaps(res)
    row = gaps[(gaps["node"] == "g") & (gaps["unit"] == "u1")].iloc[0]
    assert row["gap_target"] == pytest.approx(0.5 - 0.0, abs=1e-12)


# ---- what derivation computes at once, and what on first access (issue 17) ----------------


def test_details_are_computed_on_first_access(small_framework: mi.Framework) -> None:
    d = derive(dataset({"A": {"council_migrant": 15}}), small_framework)
    assert "_reasons" not in d.__dict__ and "_bounds" not in d.__dict__  # scoring: values
    i = small_framework.indicator_ids.index("council_share")
    assert d.denominator[0, 0, i] == pytest.approx(30.0)  # 30 seats, from the data
    assert d.reason[0, 0, i] == 0 and not d.unreliable[0, 0, i]
    assert "_bounds" not in d.__dict__  # the data-quality checks do not pay for intervals


def test_one_years_bounds_equal_those_of_every_year(small_framework: mi.Framework) -> None:
    """A report reads one year's bounds; they are the bounds of all years at that year,
    here 15 of 30 seats by hand."""
    d = derive(dataset({"A": {"council_migrant": 15}}), small_framework)
    i = small_framework.indicator_ids.index("council_share")
    lower, upper = d.bounds_in(0)
    lo_p, hi_p = wilson_interval(np.array([15.0]), np.array([30.0]))
    assert (lower[0, i], upper[0, i]) == (
        pytest.approx(lo_p[0] * 100),
        pytest.approx(hi_p[0] * 100),
    )
    assert "_bounds" not in d.__dict__
    np.testing.assert_array_equal(lower, d.lower[0])
    np.testing.assert_array_equal(upper, d.upper[0])
    cached = d.bounds_in(0)  # now read from the kept bounds of every year
    np.testing.assert_array_equal(cached[0], lower)


def test_variables_passed_through_are_the_data_read_only() -> None:
    fw = _framework(
        [
            _indicator("a", "index", {"type": "direct", "variable": "a"}),
            _indicator("b", "index", {"type": "direct", "variable": "b"}),
        ],
        [],
        ["a", "b"],
    )
    data = _data({"a": [1.0, np.nan], "b": [4.0, 25.0]}, ["u1", "u2"])
    d = derive(data, fw)
    np.testing.assert_array_equal(d.values, [[[1.0, 4.0], [np.nan, 25.0]]])
    assert np.shares_memory(d.values, data.values)  # no copy of the data
    with pytest.raises(ValueError, match="read-only"):
        d.values[0, 0, 0] = 7.0  # the stage cannot change the caller's input
    assert data.values.flags.writeable and data.values[0, 0, 0] == 1.0
    # the reason of the NaN is still "missing", as for a derived copy
    assert DERIVED_REASONS[d.reason[0, 1, 0]] == "missing"
    # in another order the values are a copy, as when anything is computed
    swapped = _framework(
        [
            _indicator("b", "index", {"type": "direct", "variable": "b"}),
            _indicator("a", "index", {"type": "direct", "variable": "a"}),
        ],
        [],
        ["a", "b"],
    )
    other = derive(data, swapped)
    assert not np.shares_memory(other.values, data.values)
    np.testing.assert_array_equal(other.values, [[[4.0, 1.0], [25.0, np.nan]]])


def test_scoring_problems_are_located_in_the_source_of_their_variables(tmp_path) -> None:
    """A problem found while scoring names the file that held the variable, as validation
    does, not ``<data>``; data built in memory keep ``<data>``."""
    fw = _framework(
        [
            _indicator("g", "index", {"type": "direct", "variable": "a", "transform": "ln"}),
            _indicator("s", "index", {"type": "direct", "variable": "b", "transform": "sqrt"}),
        ],
        [],
        ["a", "b"],
    )
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("unit,year,variable,value\nu1,2014,a,-1\nu2,2014,a,5\n", encoding="utf-8")
    second.write_text("unit,year,variable,value\nu1,2014,b,4\nu2,2014,b,-2\n", encoding="utf-8")
    data = mi.load_data([first, second], fw)
    with pytest.raises(DataValidationError) as err:
        derive(data, fw)
    where = dict(zip(err.value.failures["column"], err.value.failures["source"], strict=True))
    assert where == {"g": data.sources_of(["a"]), "s": data.sources_of(["b"])}
    assert where["g"].endswith("first.csv") and where["s"].endswith("second.csv")
    with pytest.raises(DataValidationError) as err:
        derive(_data({"a": [-1.0], "b": [1.0]}, ["u1"]), fw)
    assert err.value.failures["source"].tolist() == ["<data>"]
