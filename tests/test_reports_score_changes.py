"""What changed between two runs: the one builder of a comparison's numbers (tables of
scores files here; against the report in test_reports_comparison.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import reports_helpers as h

from mint_index.comparison import Comparison, compare
from mint_index.pipeline.score_table import canonical
from mint_index.plan import Plan
from mint_index.reports.score_changes import (
    DEFINITION_COLUMNS,
    definition_changes,
    display_rows,
    latest_year_of_table,
)
from mint_index.spec import BuildSpec


def compare_tables(old: pd.DataFrame, new: pd.DataFrame, rank_jump: int) -> Comparison:
    return compare(old, new, rank_jump=rank_jump)


def _table(rows: list[tuple[str, int, str, float, float | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["unit", "year", "node", "score", "rank"])
    frame["level"] = np.where(frame["node"] == "index", 2, 1)
    frame["peer_group"] = None
    frame["peer_rank"] = frame["rank"]
    frame["change"] = np.nan
    return canonical(frame)


OLD = _table(
    [
        ("A", 2022, "index", 50.0, 3),
        ("B", 2022, "index", 60.0, 2),
        ("C", 2022, "index", 70.0, 1),
    ]
)
NEW = _table(
    [
        ("A", 2022, "index", 55.0, 3),
        ("B", 2022, "index", 60.0, 2),
        ("C", 2022, "index", 70.0, 1),
        ("A", 2023, "index", 80.0, 1),
        ("B", 2023, "index", 60.0, 2),
        ("C", 2023, "index", 40.0, 4),
        ("D", 2023, "index", 45.0, 3),
    ]
)


def test_changes_compare_latest_years() -> None:
    result = compare_tables(OLD, NEW, rank_jump=2)
    assert (result.old_year, result.new_year) == (2022, 2023)
    changes = result.changes.set_index("unit")
    assert changes.loc["A", "score_change"] == pytest.approx(80 - 50)
    assert changes.loc["A", "rank_change"] == 3 - 1  # up two places
    assert changes.loc["C", "score_change"] == pytest.approx(40 - 70)
    assert changes.loc["C", "rank_change"] == 1 - 4
    assert pd.isna(changes.loc["D", "old_score"]) and changes.loc["D", "new_score"] == 45
    assert result.units_added == ("D",) and result.units_removed == ()


def test_rank_jumps_are_sorted_by_size() -> None:
    jumps = compare_tables(OLD, NEW, rank_jump=2).rank_jumps
    assert list(jumps["unit"]) == ["C", "A"]  # |-3| before |+2|
    assert compare_tables(OLD, NEW, rank_jump=4).rank_jumps.empty


def test_revisions_of_past_years() -> None:
    revisions = compare_tables(OLD, NEW, rank_jump=3).revisions
    assert len(revisions) == 1
    rec = revisions.iloc[0]
    assert (rec["unit"], rec["year"], rec["difference"]) == ("A", 2022, pytest.approx(5.0))


def _plan(**spec: object) -> Plan:
    return Plan.resolve(BuildSpec(framework=h.framework(), **spec))  # type: ignore[arg-type]


def test_definition_changes_one_row_per_changed_item() -> None:
    old = _plan(normalise="minmax")
    new = _plan(normalise={"method": "minmax", "fit": "pooled"})
    assert definition_changes(old, new).empty  # one choice, written two ways
    rows = definition_changes(old, _plan(normalise="goalposts", weights={"emp": 2.0}))
    # by hand: the spec's normalisation reaches every indicator, emp's weight only emp
    assert rows.to_dict("records") == [
        {"kind": "indicator", "id": "kita", "change": "changed", "fields": "normalise"},
        {"kind": "indicator", "id": "emp", "change": "changed", "fields": "normalise, weight"},
        {"kind": "indicator", "id": "council", "change": "changed", "fields": "normalise"},
    ]
    assert list(definition_changes(None, new).columns) == DEFINITION_COLUMNS
    assert definition_changes(None, new).empty


def test_compare_uses_the_latest_year_of_table() -> None:
    table = pd.DataFrame(
        {
            "unit": ["a", "a", "a", "a"],
            "year": [2022, 2022, 2023, 2023],
            "node": ["x", "index", "x", "index"],
            "level": [0, 1, 0, 1],
            "score": [10.0, 20.0, 15.0, float("nan")],
        }
    )
    # 2023 has no index score anywhere: the report (and the comparison) is about 2022
    assert latest_year_of_table(table) == 2022
    assert latest_year_of_table(table.iloc[:0]) is None


def test_display_rows_write_numbers_the_languages_way() -> None:
    changes = compare_tables(OLD, NEW, rank_jump=1).changes.set_index("unit")
    columns = ["old_score", "new_score", "score_change", "old_rank", "new_rank", "rank_change"]
    c = changes.loc[["C", "D"]].reset_index()
    # C: 70 -> 40, rank 1 -> 4; D: new, 45, rank 3
    assert display_rows(c, columns, "de") == [
        ["70,0", "40,0", "\u221230,0", "1", "4", "\u22123"],
        ["–", "45,0", "–", "–", "3", "–"],
    ]
    assert display_rows(c, ["unit", *columns], "en")[0] == [
        "C",
        "70.0",
        "40.0",
        "\u221230.0",
        "1",
        "4",
        "\u22123",
    ]
