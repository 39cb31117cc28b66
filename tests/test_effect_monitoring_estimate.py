"""``mi.effects`` (:mod:`mint_index.effect_monitoring.estimate`) on hand-made panels of the
small framework, against the documented estimator written as plain loops: which cells it
reads, the statuses it gives, its random streams and its warnings.

``employment`` (``compute: direct``, goalposts 30..80) scores 2 * (value - 30); its
dimension ``education`` is the mean of ``employment`` and ``kita_parity``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import SMALL_BASE

import mint_index as mi
from mint_index.effect_monitoring.estimate import UnmeasurableMeasuresWarning
from mint_index.errors import EffectsArgumentError

ACTIONS = """\
actions:
""" + "".join(
    f"""\
  - id: {name}
    programme: TEST
    source: none.txt
    title: {{de: {name}, en: {name}}}
    description: {{de: Test., en: Test.}}
    actors: [administration]
    effort: low
    horizon: {horizon}
    indicators: [{node}]
"""
    for name, horizon, node in (
        ("job_short", "short", "employment"),
        ("job_long", "long", "employment"),
        ("edu_node", "short", "education"),
        ("elsewhere", "short", "no_such_node"),
    )
)


def unit_id(i: int) -> str:
    return f"0{1001 + i}000"


def panel(
    treat: dict[int, tuple[int, int | None]],
    years: range = range(2018, 2025),
    n_units: int = 12,
    missing: tuple[tuple[int, int], ...] = (),
    seed: int = 4,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """employment_rate = 50 + unit level + common trend + noise + 5 while in place; the
    long table and the employment values ``[year, unit]`` (NaN where left out)."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(-5, 5, n_units)
    noise = rng.normal(0, 1, (len(years), n_units)).round(3)
    y = pd.DataFrame(np.nan, index=list(years), columns=[unit_id(i) for i in range(n_units)])
    rows = []
    for j, year in enumerate(years):
        for i in range(n_units):
            if (i, year) in missing:
                continue
            since, end = treat.get(i, (9999, None))
            on = since <= year and (end is None or year <= end)
            value = round(50 + level[i] + 0.8 * j + noise[j, i] + 5.0 * on, 6)
            y.loc[year, unit_id(i)] = value
            rows += [
                {"unit": unit_id(i), "year": year, "variable": k, "value": v}
                for k, v in {**SMALL_BASE, "employment_rate": value}.items()
            ]
    return pd.DataFrame(rows), y


def reference(y: pd.DataFrame, unit: str, g: int, end: int | None, first: dict[str, int]) -> float:
    """The documented estimator by loops: baselines over the years before g (two at
    least), comparison = units not adopted by t, effect = mean ATT(t) over g..end."""
    last = max(y.index)
    e = last if end is None else min(end, last)
    pre = [t for t in y.index if t < g]
    base = {u: y.loc[pre, u].dropna() for u in y.columns}
    atts = []
    for t in y.index:
        if not g <= t <= e or np.isnan(y.loc[t, unit]):
            continue
        changes = [
            y.loc[t, c] - base[c].mean()
            for c in y.columns
            if first.get(c, 10**9) > t and not np.isnan(y.loc[t, c]) and len(base[c]) >= 2
        ]
        atts.append(y.loc[t, unit] - base[unit].mean() - sum(changes) / len(changes))
    return sum(atts) / len(atts) if atts else np.nan


@pytest.fixture()
def rules(tmp_path: Path) -> mi.RuleSet:
    (tmp_path / "actions.yaml").write_text(ACTIONS, encoding="utf-8")
    return mi.load_rules(tmp_path / "actions.yaml")


def register(rows: list[tuple[int, str, int, int | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": [unit_id(i) for i, *_ in rows],
            "measure": [m for _, m, _, _ in rows],
            "since": [s for *_, s, _ in rows],
            "end": pd.array([e for *_, e in rows], dtype="Int64"),
        }
    )


def unit_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["kind"] == "unit"].set_index(["unit", "since"])


# ---- 1: the score effect reads observed cells only ------------------------------------------
def test_effect_score_leaves_imputed_cells_out(
    small_framework: mi.Framework, rules: mi.RuleSet
) -> None:
    """Scored with values carried forward: town 0 lacks 2023, town 2 every year since its
    2022 start. The score is 2 * (value - 30), so the score effect on observed cells is
    twice the effect on the values; town 2 has none."""
    missing = ((0, 2023), (1, 2019), (2, 2022), (2, 2023), (2, 2024), (5, 2020), (7, 2018))
    long, y = panel({0: (2022, None), 1: (2022, None), 2: (2022, None)}, missing=missing)
    res = mi.score(mi.Dataset.from_long(long), small_framework, impute={"method": "locf"})
    assert res.log.imputed.any()  # the panel does have imputed cells
    table = mi.effects(res, register([(i, "job_short", 2022, None) for i in range(3)]), rules=rules)
    rows = unit_rows(table)
    first = {unit_id(i): 2022 for i in range(3)}
    for i in (0, 1):
        expected = reference(y, unit_id(i), 2022, None, first)
        assert rows.loc[(unit_id(i), 2022), "effect"] == pytest.approx(expected, abs=1e-9)
        assert rows.loc[(unit_id(i), 2022), "effect_score"] == pytest.approx(2 * expected, abs=1e-9)
    assert np.isnan(rows.loc[(unit_id(2), 2022), "effect_score"])
    pooled = table[table["kind"] == "pooled"].iloc[0]
    assert pooled["effect_score"] == pytest.approx(2 * pooled["effect"], abs=1e-9)


# ---- 2: a measure aimed at a dimension ----------------------------------------------------
def test_a_measure_aimed_at_a_dimension_gets_an_interval_on_the_score(
    small_framework: mi.Framework, rules: mi.RuleSet
) -> None:
    """Employment +5 in three towns moves the education score (mean of two indicators
    scored 2 * value) by about +5: an interval on the score scale, a verdict from it."""
    treat = {i: (2021, None) for i in range(3)}
    long, _ = panel(treat, years=range(2017, 2025), seed=8)
    res = mi.score(mi.Dataset.from_long(long), small_framework)
    table = mi.effects(res, register([(i, "edu_node", 2021, None) for i in treat]), rules=rules)
    score = pd.DataFrame(
        res.cube("aggregated")[:, :, res.node_ids.index("education")],
        index=list(res.years),
        columns=list(res.unit_ids),
    )
    rows = unit_rows(table)
    first = {unit_id(i): 2021 for i in treat}
    for i in treat:
        expected = reference(score, unit_id(i), 2021, None, first)
        row = rows.loc[(unit_id(i), 2021)]
        assert row["effect"] == pytest.approx(expected, abs=1e-9)
        assert row["effect_score"] == pytest.approx(expected, abs=1e-9)
        assert row["status"] == "estimated" and row["low"] < expected < row["high"]
    assert (rows["low"] > 0).all()
    assert mi.effect_summary(table, "en").str.startswith("rose by ").all()
    assert set(mi.measure_review(res, table)["review"]) == {"working"}


# ---- 3: a pooled row with one estimated adopter ---------------------------------------------
def test_one_estimated_adopter_gives_no_pooled_effect_and_says_why(
    small_framework: mi.Framework, rules: mi.RuleSet
) -> None:
    long, _ = panel({0: (2020, None), 1: (2024, None)}, seed=10)
    res = mi.score(mi.Dataset.from_long(long), small_framework)
    table = mi.effects(
        res, register([(0, "job_short", 2020, None), (1, "job_short", 2024, None)]), rules=rules
    )
    statuses = unit_rows(table)["status"].tolist()
    assert statuses == ["estimated", "too_early"]
    pooled = table[table["kind"] == "pooled"].iloc[0]
    assert pooled["status"] == "one_adopter" and pooled["n_units"] == 1
    assert np.isnan(pooled["effect"])


# ---- 4, 5: ended measures, no data since, a start after the data ------------------------------
def test_statuses_of_ended_measures_gaps_and_starts_after_the_data(
    small_framework: mi.Framework, rules: mi.RuleSet
) -> None:
    """Data 2017-2024. A short measure 2020-2020 was in place its one needed year: an
    estimate. A long one 2021-2022 ended after two of its three years: ``ended_early``,
    never ``too_early``. A short one since 2022 in a town without data since then:
    ``no_data_since``. One since 2026: ``not_yet_observed``, no negative years."""
    treat = {0: (2020, 2020), 1: (2021, 2022), 2: (2022, None), 3: (2026, None)}
    missing = ((2, 2022), (2, 2023), (2, 2024))
    long, y = panel(treat, years=range(2017, 2025), missing=missing, seed=3)
    res = mi.score(mi.Dataset.from_long(long), small_framework)
    reg = register(
        [
            (0, "job_short", 2020, 2020),
            (1, "job_long", 2021, 2022),
            (2, "job_short", 2022, None),
            (3, "job_short", 2026, None),
        ]
    )
    table = mi.effects(res, reg, rules=rules)
    rows = unit_rows(table)
    first = {unit_id(0): 2020, unit_id(2): 2022, unit_id(3): 2026}
    a = rows.loc[(unit_id(0), 2020)]
    assert a["status"] == "estimated" and a["years_after"] == 0
    assert a["effect"] == pytest.approx(reference(y, unit_id(0), 2020, 2020, first), abs=1e-9)
    b = rows.loc[(unit_id(1), 2021)]
    assert b["status"] == "ended_early" and np.isnan(b["effect"])
    assert rows.loc[(unit_id(2), 2022), "status"] == "no_data_since"
    future = rows.loc[(unit_id(3), 2026)]
    assert future["status"] == "not_yet_observed" and pd.isna(future["years_after"])
    assert (table["years_after"].dropna() >= 0).all()
    en = mi.effect_summary(table, "en")
    assert en[table["status"] == "ended_early"].iloc[0] == (
        "no estimate: in place 2021 to 2022, shorter than an effect needs to show"
    )
    assert en[table["status"] == "not_yet_observed"].iloc[0] == (
        "too early to tell: began in 2026, after the last year with data"
    )
    review = mi.measure_review(res, table).set_index("unit")["review"]
    assert review[unit_id(1)] == "unknown" and review[unit_id(3)] == "wait"


# ---- 6: the seed -------------------------------------------------------------------------
def test_a_negative_seed_is_bad_input(small_framework: mi.Framework, rules: mi.RuleSet) -> None:
    long, _ = panel({0: (2021, None)})
    res = mi.score(mi.Dataset.from_long(long), small_framework)
    with pytest.raises(EffectsArgumentError, match="seed must be a whole number") as caught:
        mi.effects(res, register([(0, "job_short", 2021, None)]), rules=rules, seed=-1)
    assert isinstance(caught.value, mi.MintIndexError)
    assert caught.value.code == "invalid_effects_argument"


# ---- 7: a unit of the units table without data --------------------------------------------
def test_a_listed_unit_without_data_is_told_so(
    small_framework: mi.Framework, rules: mi.RuleSet
) -> None:
    long, _ = panel({0: (2021, None)})
    units = pd.DataFrame({"unit": [unit_id(i) for i in range(13)]})  # 13: no data
    res = mi.score(mi.Dataset.from_long(long, units=units), small_framework)
    with pytest.raises(mi.DataValidationError) as caught:
        mi.effects(res, register([(12, "job_short", 2021, None)]), rules=rules)
    assert caught.value.failures["code"].tolist() == ["unit_without_data"]


# ---- 10: a measure's own random stream --------------------------------------------------------
def test_a_measure_keeps_its_interval_when_another_measure_is_added(
    small_framework: mi.Framework, rules: mi.RuleSet
) -> None:
    long, _ = panel({i: (2021, None) for i in range(4)}, seed=5)
    res = mi.score(mi.Dataset.from_long(long), small_framework)
    alone = register([(i, "job_short", 2021, None) for i in range(4)])
    more = pd.concat([alone, register([(6, "job_long", 2020, None)])], ignore_index=True)
    pooled = []
    for reg in (alone, more):
        table = mi.effects(res, reg, rules=rules, seed=3)
        pooled.append(table[(table["kind"] == "pooled") & (table["measure"] == "job_short")])
    pd.testing.assert_frame_equal(
        pooled[0].reset_index(drop=True), pooled[1].reset_index(drop=True)
    )


# ---- 11: measures the framework cannot measure ---------------------------------------------
def test_a_measure_the_framework_cannot_measure_is_left_out_with_a_warning(
    small_framework: mi.Framework, rules: mi.RuleSet
) -> None:
    long, _ = panel({0: (2021, None)})
    res = mi.score(mi.Dataset.from_long(long), small_framework)
    reg = register([(0, "job_short", 2021, None), (1, "elsewhere", 2021, None)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = mi.effects(res, reg, rules=rules)
    left_out = [w for w in caught if issubclass(w.category, UnmeasurableMeasuresWarning)]
    assert len(left_out) == 1 and "elsewhere (1 row; needs no_such_node; left out)" in str(
        left_out[0].message
    )
    assert set(table["measure"]) == {"job_short"}


def test_a_measure_with_only_its_yes_no_indicator_left_here_is_named_too(
    small_framework: mi.Framework, rules: mi.RuleSet
) -> None:
    """An action [yes/no indicator, outcome the framework lacks]: nothing left to judge
    it by, and it is said - not dropped silently as a measure whose programme names no
    outcome at all."""
    from dataclasses import replace

    from mint_index.recommendations.rules import Action

    yes_no = next(
        i.id for i in small_framework.indicators if small_framework.indicator(i.id).answer_levels()
    )
    pool = Action.model_validate(
        rules.actions["elsewhere"].model_dump() | {"indicators": [yes_no, "no_such_node"]}
    )
    own = replace(rules, actions={**rules.actions, "elsewhere": pool})
    long, _ = panel({0: (2021, None)})
    res = mi.score(mi.Dataset.from_long(long), small_framework)
    reg = register([(1, "elsewhere", 2021, None)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mi.effects(res, reg, rules=own)
    left_out = [w for w in caught if issubclass(w.category, UnmeasurableMeasuresWarning)]
    assert len(left_out) == 1
    assert "elsewhere (1 row; needs no_such_node; left out)" in str(left_out[0].message)


def test_a_measure_left_with_its_outputs_only_is_named_and_still_shown(
    small_framework: mi.Framework, rules: mi.RuleSet
) -> None:
    """An action [count it provides, outcome the framework lacks]: what it provides is
    still estimated (role ``output``), and the warning says it cannot be judged here."""
    from dataclasses import replace

    from mint_index.recommendations.rules import Action

    networks = Action.model_validate(
        rules.actions["job_short"].model_dump()
        | {"indicators": ["employment", "no_such_node"], "outputs": ["employment"]}
    )
    own = replace(rules, actions={**rules.actions, "job_short": networks})
    long, _ = panel({0: (2021, None)})
    res = mi.score(mi.Dataset.from_long(long), small_framework)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = mi.effects(res, register([(0, "job_short", 2021, None)]), rules=own)
    said = [str(w.message) for w in caught if issubclass(w.category, UnmeasurableMeasuresWarning)]
    assert len(said) == 1 and "job_short (1 row; needs no_such_node; outputs only)" in said[0]
    assert set(table["role"]) == {"output"} and set(table["indicator"]) == {"employment"}
