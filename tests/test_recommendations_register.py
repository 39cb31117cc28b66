"""The measures register on the engine's codes: measures in place leave the ranking, the
rest is ranked again, and each measure in place becomes a row after the unit's measures."""

from __future__ import annotations

import numpy as np
import pandas as pd

import mint_index as mi
from mint_index.recommendations.register import in_place_rows, place, without


def _ranked() -> dict:
    """Two panel rows: row 0 asks for a, b, c (ranks 1-3), row 1 for b, a (ranks 1-2)."""
    return {
        "row": np.array([0, 0, 0, 1, 1]),
        "rank": np.array([1, 2, 3, 1, 2]),
        "action": pd.Categorical.from_codes([0, 1, 2, 1, 0], categories=["a", "b", "c"]),
        "priority": np.array([90.0, 50.0, 10.0, 70.0, 20.0]),
    }


def test_measures_in_place_leave_the_ranking_and_the_rest_is_ranked_again() -> None:
    # panel: units u1, u2 (rows 0, 1: one year, 2024); u1 has b and a new measure z in
    # place, u2 has c (which it was not asked for)
    in_place = pd.DataFrame(
        {
            "unit": ["u2", "u1", "u1"],
            "year": [2024, 2024, 2024],
            "measure": ["c", "z", "b"],
            "since": [2020, 2021, 2019],
            "since_at_least": [False, False, True],
            "review": ["wait", "unknown", "working"],
            "review_indicators": [None, None, "x"],
            "previous_spell": [None, None, "2015-2016"],
        }
    )
    placed = place(in_place, np.array(["u1", "u2"], dtype=object), np.array([2024]), _ranked())
    assert placed.row.tolist() == [0, 0, 1]  # by row, in the register's order within one
    assert list(placed.actions) == ["a", "b", "c", "z"]  # z appended after the asked ones
    assert [placed.actions[a] for a in placed.action] == ["z", "b", "c"]
    assert placed.since.tolist() == [2021, 2019, 2020]
    assert placed.since_at_least.tolist() == [False, True, False]
    assert list(placed.review) == ["unknown", "working", "wait"]
    assert list(placed.previous_spell.astype(object)) == [np.nan, "2015-2016", np.nan]

    kept = without(_ranked(), placed)
    assert kept["row"].tolist() == [0, 0, 1, 1]  # row 0 loses b; c was not asked of row 1
    assert list(kept["action"]) == ["a", "c", "b", "a"]
    assert kept["rank"].tolist() == [1, 2, 1, 2]  # c moves up to rank 2
    assert kept["priority"].tolist() == [90.0, 10.0, 70.0, 20.0]
    assert list(kept["action"].categories) == ["a", "b", "c", "z"]


def test_nothing_in_place_keeps_every_measure() -> None:
    empty = pd.DataFrame(
        {
            "unit": pd.Series([], dtype=object),
            "year": pd.Series([], dtype=np.int64),
            "measure": pd.Series([], dtype=object),
            "since": pd.Series([], dtype=np.int64),
            "since_at_least": pd.Series([], dtype=bool),
            "review": pd.Series([], dtype=object),
            "review_indicators": pd.Series([], dtype=object),
            "previous_spell": pd.Series([], dtype=object),
        }
    )
    placed = place(empty, np.array(["u1", "u2"], dtype=object), np.array([2024]), _ranked())
    kept = without(_ranked(), placed)
    assert kept["rank"].tolist() == [1, 2, 3, 1, 2]
    assert list(kept["action"]) == ["a", "b", "c", "b", "a"]


def test_views_read_each_rows_numbers_from_the_gaps() -> None:
    """The stored rows hold ids and codes; a view's numbers are the gaps table's numbers
    of the row's unit, year and node (NaN for a measure in place)."""
    res = mi.score(mi.example_data())
    recs = mi.recommend(res, measures=mi.example_measures())
    assert "gap_target" not in recs.core.columns
    frame = recs.to_frame()
    gaps = mi.gaps(res).astype({"unit": str, "node": str}).set_index(["unit", "year", "node"])
    about = frame[frame["kind"] != "in_place"]
    expected = gaps.loc[list(zip(about["unit"], about["year"], about["node"], strict=True))]
    for column in ("value", "score", "gap_target", "gap_peer_median", "trend", "change"):
        np.testing.assert_allclose(
            about[column].to_numpy(dtype=float), expected[column].to_numpy(), equal_nan=True
        )
    placed = frame[frame["kind"] == "in_place"]
    assert len(placed) and placed["score"].isna().all() and placed["node"].isna().all()


def test_a_programme_that_stopped_and_started_again_names_the_spell_before() -> None:
    """Register rows 2016-2017, 2019-2020 and 2022- of one measure in one unit: each later
    spell names the one just before; spells without a year between them (2019-2020 and
    2021- in another unit) are one programme going on, and name none."""
    res = mi.score(mi.example_data())
    ruleset = mi.load_rules()
    measure = "mit_mentors"
    a, b = res.unit_ids[:2]
    register = pd.DataFrame(
        {
            "unit": [a, a, a, b, b],
            "measure": [measure] * 5,
            "since": [2016, 2019, 2022, 2019, 2021],
            "end": [2017, 2020, None, 2020, None],
        }
    )
    rows = in_place_rows(res, ruleset, register)
    mine = rows[rows["measure"] == measure].set_index(["unit", "year"])["previous_spell"]
    # the results' years are 2019-2024; a's 2016-2017 spell lies before them all
    assert mine.loc[a].to_dict() == {
        2019: "2016-2017",
        2020: "2016-2017",
        2022: "2019-2020",
        2023: "2019-2020",
        2024: "2019-2020",
    }
    assert mine.loc[b].isna().all() and len(mine.loc[b]) == 6

    recs = mi.recommend(res, measures=register, lang="de")
    said = recs.in_place.set_index(["unit", "year", "action"])["evidence_de"]
    assert said.loc[(a, 2023, measure)].startswith("wieder seit 2022 vorhanden, zuvor 2019–2020;")
    assert said.loc[(b, 2023, measure)].startswith("seit 2021 vorhanden;")
    # the register gives its start: 2019, the first year of data, is no "at least"
    assert said.loc[(b, 2019, measure)].startswith("seit 2019 vorhanden;")
    assert not rows.loc[rows["measure"] == measure, "since_at_least"].any()
    english = recs.to_frame("en").set_index(["unit", "year", "kind", "action"])
    assert english.loc[(a, 2023, "in_place", measure), "evidence"].startswith(
        "in place again since 2022, before that 2019–2020;"
    )


def test_a_yes_no_indicator_that_went_back_to_no_names_the_run_before() -> None:
    """A measure known from its yes/no indicator: runs 2019-2020 and 2022-2024 (no in
    2021). The register's own spell of another measure starting the same year is not
    mixed in."""
    from mint_index.recommendations.register import _previous_spells

    found = pd.DataFrame(
        {
            "unit": ["u"] * 5 + ["v"],
            "measure": ["w"] * 5 + ["x"],
            "since": [2019, 2019, 2022, 2022, 2022, 2022],
            "year": [2019, 2020, 2022, 2023, 2024, 2022],
        }
    )
    listed = pd.DataFrame({"unit": ["u"], "measure": ["x"], "since": [2022], "end": [np.nan]})
    out = pd.DataFrame(
        {
            "unit": ["u", "u", "u", "v"],
            "measure": ["w", "w", "x", "x"],
            "since": [2019, 2022, 2022, 2022],
        }
    )
    assert _previous_spells(out, listed, found).tolist() == [None, "2019-2020", None, None]


def test_a_run_after_a_year_without_an_answer_may_have_begun_earlier() -> None:
    """A welcome service at the top level in every year of the example (Bergheim,
    08999002). Without its 2019 answer the run starts in 2020, but the data cannot say it
    began then: "at least since". Without its 2021 answer the service does not stop and
    start again: one run from 2019, in place in 2021 too."""
    base = mi.example_data()
    unit, variable = "08999002", "welcome_service_status"
    long = base.long
    mine = long[(long["unit"] == unit) & (long["variable"] == variable)]
    assert (mine["value"] == mine["value"].max()).all() and len(mine) == 6  # the case

    def placed(year: int) -> pd.DataFrame:
        gone = (long["unit"] == unit) & (long["variable"] == variable) & (long["year"] == year)
        res = mi.score(mi.Dataset.from_long(long[~gone], units=base.units))
        rows = in_place_rows(res, mi.load_rules(), None)
        return rows[(rows["unit"] == unit) & (rows["measure"] == "mint_welcome_service")]

    late = placed(2019).set_index("year")
    first = int(late.index.min())
    assert late["since"].eq(first).all() and late["since_at_least"].all()
    gap = placed(2021).set_index("year")
    assert list(gap.index) == [2019, 2020, 2021, 2022, 2023, 2024]
    assert gap["since"].eq(2019).all() and gap["previous_spell"].isna().all()
    assert gap["since_at_least"].all()  # 2019 is the first year of the data
