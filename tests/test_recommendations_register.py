"""The measures register on the engine's codes: measures in place leave the ranking, the
rest is ranked again, and each measure in place becomes a row after the unit's measures."""

from __future__ import annotations

import numpy as np
import pandas as pd

import mint_index as mi
from mint_index.recommendations.register import place, without


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
            "review": ["wait", "unknown", "working"],
            "review_indicators": [None, None, "x"],
        }
    )
    placed = place(in_place, np.array(["u1", "u2"], dtype=object), np.array([2024]), _ranked())
    assert placed.row.tolist() == [0, 0, 1]  # by row, in the register's order within one
    assert list(placed.actions) == ["a", "b", "c", "z"]  # z appended after the asked ones
    assert [placed.actions[a] for a in placed.action] == ["z", "b", "c"]
    assert placed.since.tolist() == [2021, 2019, 2020]
    assert list(placed.review) == ["unknown", "working", "wait"]

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
            "review": pd.Series([], dtype=object),
            "review_indicators": pd.Series([], dtype=object),
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
