"""``mi.compare``: two builds compared in Python, as ``mint-index compare`` compares them.

The builds are tiny: one framework, ``index = mean(x, y)`` with goalposts 0..100, so every
score is the value itself and the index is the mean of the two values::

    old build, 2022:  a (50, 30) -> 40   b (60, 60) -> 60   c (90, 70) -> 80
                      ranks: c 1, b 2, a 3
    new build, 2022:  a (50, 30) -> 40   b (70, 60) -> 65   d (20, 20) -> 20
               2023:  a (90, 80) -> 85   b (60, 60) -> 60   d (40, 40) -> 40
                      ranks 2023: a 1, b 2, d 3

So between the latest years (2022 -> 2023) a's index moves +45 and up two places, b's
stays, c is removed and d added; b's 2022 was revised (x 60 -> 70, index 60 -> 65).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_project import genesis_project

import mint_index as mi
from mint_index.cli import main
from mint_index.comparison import DEFAULT_RANK_JUMP, Comparison, compare
from mint_index.errors import (
    DataValidationError,
    FileAccessError,
    ProjectError,
    ReportError,
    SpecError,
)
from mint_index.files import csv_text
from mint_index.framework.framework import Framework


def _framework() -> Framework:
    indicators = [
        {
            "id": name,
            "parent": "index",
            "name": {"de": name, "en": name},
            "description": {"de": name, "en": name},
            "unit": "%",
            "direction": "higher",
            "kind": "rate",
            "compute": {"type": "direct", "variable": name},
            "goalposts": {"lower": 0, "upper": 100},
            "source": {"publisher": "Test"},
        }
        for name in ("x", "y")
    ]
    return Framework.model_validate(
        {
            "framework": {"id": "tiny", "label": {"de": "Klein", "en": "Tiny"}},
            "index": {"id": "index", "label": {"de": "Index", "en": "Index"}},
            "defaults": {
                "normalise": {"method": "goalposts"},
                "aggregate": {"method": "arithmetic"},
            },
            "variables": [{"id": "x", "unit": "percent"}, {"id": "y", "unit": "percent"}],
            "indicators": indicators,
        }
    )


OLD_VALUES = {(2022, "a"): (50, 30), (2022, "b"): (60, 60), (2022, "c"): (90, 70)}
NEW_VALUES = {
    (2022, "a"): (50, 30),
    (2022, "b"): (70, 60),
    (2022, "d"): (20, 20),
    (2023, "a"): (90, 80),
    (2023, "b"): (60, 60),
    (2023, "d"): (40, 40),
}


def _build(values: dict[tuple[int, str], tuple[int, int]], **overrides: Any) -> mi.Results:
    long = pd.DataFrame(
        [
            {"unit": unit, "year": year, "variable": name, "value": float(value)}
            for (year, unit), pair in values.items()
            for name, value in zip(("x", "y"), pair, strict=True)
        ]
    )
    return mi.score(mi.Dataset.from_long(long), _framework(), **overrides)


@pytest.fixture(scope="module")
def old() -> mi.Results:
    return _build(OLD_VALUES)


@pytest.fixture(scope="module")
def new() -> mi.Results:
    return _build(NEW_VALUES)


def _row(frame: pd.DataFrame, unit: str, node: str) -> dict[str, Any]:
    rows = frame[(frame["unit"] == unit) & (frame["node"] == node)]
    assert len(rows) == 1
    return dict(rows.iloc[0])


def _assert_hand_changes(result: Comparison) -> None:
    """The changes of the module docstring's builds, worked out by hand."""
    assert (result.old_year, result.new_year) == (2022, 2023)
    a = _row(result.changes, "a", "index")
    assert (a["old_score"], a["new_score"]) == (pytest.approx(40), pytest.approx(85))
    assert a["score_change"] == pytest.approx(85 - 40)
    assert (a["old_rank"], a["new_rank"], a["rank_change"]) == (3, 1, 3 - 1)
    b = _row(result.changes, "b", "index")
    assert b["score_change"] == 0 and b["rank_change"] == 0
    c, d = _row(result.changes, "c", "index"), _row(result.changes, "d", "index")
    assert c["old_score"] == pytest.approx(80) and pd.isna(c["new_score"])
    assert d["new_score"] == pytest.approx(40) and d["new_rank"] == 3 and pd.isna(d["old_rank"])
    x = _row(result.changes, "a", "x")  # an indicator: a score, no rank
    assert x["score_change"] == pytest.approx(90 - 50) and pd.isna(x["rank_change"])
    assert result.units == ("a", "b", "d")
    assert (result.units_added, result.units_removed) == (("d",), ("c",))
    revised = result.revisions[["unit", "year", "node", "old_score", "new_score", "difference"]]
    assert revised.to_dict("records") == [
        {"unit": "b", "year": 2022, "node": "index", "old_score": 60.0, "new_score": 65.0,
         "difference": 5.0},
        {"unit": "b", "year": 2022, "node": "x", "old_score": 60.0, "new_score": 70.0,
         "difference": 10.0},
    ]  # fmt: skip


def test_two_results_score_and_rank_change_by_hand(old: mi.Results, new: mi.Results) -> None:
    result = mi.compare(old, new, rank_jump=2)
    _assert_hand_changes(result)
    # only a's index moved two places or more (indicators have no rank)
    assert result.rank_jumps[["unit", "node", "rank_change"]].to_dict("records") == [
        {"unit": "a", "node": "index", "rank_change": 2}
    ]
    assert result.rank_jump == 2 and mi.compare(old, new).rank_jump == DEFAULT_RANK_JUMP == 3
    assert mi.compare(old, new).rank_jumps.empty
    assert result.definitions_known and result.definition_changes.empty
    assert result.old_plan is old.plan and result.new_plan is new.plan


def test_the_years_compared_can_be_chosen(new: mi.Results) -> None:
    """The new build's own 2022 against its 2023 (what a project without OLD compares):
    2022 ranks b 65 -> 1, a 40 -> 2, d 20 -> 3; so a rises one place, +45."""
    result = compare(new, new, old_year=2022, new_year=2023)
    a = _row(result.changes, "a", "index")
    assert (a["old_rank"], a["new_rank"], a["rank_change"]) == (2, 1, 1)
    assert a["score_change"] == pytest.approx(45)
    assert result.revisions.empty and result.units_added == result.units_removed == ()
    flat = compare(new, new, old_year=2023)
    assert flat.old_year == flat.new_year == 2023
    assert (flat.changes["score_change"] == 0).all()


def test_a_scores_file_side_reads_like_the_results(
    old: mi.Results, new: mi.Results, tmp_path: Path
) -> None:
    path = tmp_path / "new.csv"
    mi.write_scores(new, path)
    for side in (path, str(path), mi.read_scores(path)):
        result = compare(old, side, rank_jump=2)
        _assert_hand_changes(result)
        # the plan comes from the file's provenance: the same definitions
        assert result.definitions_known and result.definition_changes.empty
        assert not result.has_report and result.new_results is None
    with pytest.raises(ReportError) as raised:
        compare(old, path).report()
    assert raised.value.code == "report_error"


def test_score_changes_are_those_of_the_written_scores(tmp_path: Path) -> None:
    """``score_change`` was the full-precision difference rounded: in 355 rows of the
    example district it was 1e-6 off the two scores written beside it, and comparing two
    builds gave other bytes than comparing their scores files."""
    res = mi.score(mi.example_data())
    path = tmp_path / "s.csv"
    mi.write_scores(res, path)
    years = {"old_year": 2023, "new_year": 2024}
    built = compare(res, res, **years).changes
    filed = compare(path, path, **years).changes
    pd.testing.assert_frame_equal(built, filed, check_dtype=False)
    both = built.dropna(subset=["score_change"])
    by_hand = (both["new_score"].round(6) - both["old_score"].round(6)).round(6)
    assert (both["score_change"] == by_hand).all() and len(both) > 1000


def test_a_bare_scores_table_has_an_unknown_plan(old: mi.Results, new: mi.Results) -> None:
    from mint_index.pipeline.score_table import score_table

    result = compare(score_table(old), new)
    assert result.old_plan is None and not result.definitions_known
    assert result.definition_changes.empty
    assert list(result.definition_changes.columns) == ["kind", "id", "change", "fields"]
    assert repr(result).endswith("definition changes unknown>")


def test_definition_changes_when_a_weight_changes(old: mi.Results) -> None:
    weighted = _build(OLD_VALUES, weights={"x": 2.0})
    result = compare(old, weighted)
    assert result.definition_changes.to_dict("records") == [
        {"kind": "indicator", "id": "x", "change": "changed", "fields": "weight"}
    ]
    # a's index: (2 * 50 + 30) / 3 against (50 + 30) / 2; b (60, 60) is 60 either way
    a = _row(result.changes, "a", "index")
    assert a["score_change"] == pytest.approx((2 * 50 + 30) / 3 - 40, abs=1e-6)
    assert _row(result.changes, "b", "index")["score_change"] == 0
    # the same year in both: the re-weighted index scores are revisions (not b's)
    assert set(zip(result.revisions["unit"], result.revisions["node"], strict=True)) == {
        ("a", "index"),
        ("c", "index"),
    }


def test_report_of_two_results_is_the_comparison_page(old: mi.Results, new: mi.Results) -> None:
    result = compare(old, new)
    page = result.report(lang="en")
    assert page.kind == "comparison"
    assert (page.context["year_before"], page.context["year_after"]) == (2022, 2023)
    assert page.html == mi.compare_report(old, new, lang="en").html


def test_repr_is_one_line_of_counts(old: mi.Results, new: mi.Results) -> None:
    assert repr(compare(old, new, rank_jump=2)) == (
        "<Comparison 2022 -> 2023: units 3 (+1 -1), rank jumps (>= 2 places) 1, "
        "revised past scores 2, definition changes 0>"
    )


@pytest.mark.parametrize(
    ("side", "message"),
    [
        (42, "got int"),
        (("a", "b"), "got tuple"),
        ((pd.DataFrame(), ["not provenance"]), "got tuple"),
        (pd.DataFrame({"unit": ["a"], "year": [2022]}), "lacks node, level, score, rank"),
    ],
)
def test_a_side_of_another_kind_is_refused(new: mi.Results, side: object, message: str) -> None:
    with pytest.raises(SpecError, match=message) as raised:
        compare(side, new)  # type: ignore[arg-type]
    assert raised.value.code == "invalid_spec"


def test_invalid_years_and_rank_jumps_are_refused(new: mi.Results) -> None:
    from mint_index.pipeline.score_table import score_table

    with pytest.raises(SpecError, match="year 1999 is not in the results"):
        compare(new, new, new_year=1999)
    with pytest.raises(SpecError, match="year 1999 is not in the scores table"):
        compare(score_table(new), new, old_year=1999)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(SpecError, match="rank_jump"):
            compare(new, new, rank_jump=bad)  # type: ignore[arg-type]
    # a year that is not a whole year was read as one (2023.5 as 2023, "2023" too)
    for year in (2023.5, "2023", True):
        with pytest.raises(SpecError, match="old_year must be a whole year"):
            compare(new, new, old_year=year)  # type: ignore[arg-type]


def test_a_table_side_is_checked_as_a_scores_file_is(new: mi.Results) -> None:
    """A table given as a side skipped the checks of a scores file: years of 2023.5
    compared nothing while the repr said "2023 -> 2024" with every unit added, and an
    empty table was taken (the command line refuses an empty scores file)."""
    from mint_index.pipeline.score_table import score_table

    table = score_table(new)
    with pytest.raises(mi.DataValidationError, match="has a year that is not a whole year"):
        compare(table.assign(year=table["year"] + 0.5), new)
    with pytest.raises(mi.DataValidationError, match="holds no scores"):
        compare(table.iloc[:0], new)
    with pytest.raises(mi.DataValidationError, match="repeats unit"):
        compare((pd.concat([table, table.iloc[:1]]), None), new)


def test_a_missing_or_foreign_file_is_refused(new: mi.Results, tmp_path: Path) -> None:
    with pytest.raises(FileAccessError):
        compare(tmp_path / "none.csv", new)
    foreign = tmp_path / "foreign.csv"
    foreign.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataValidationError):
        compare(foreign, new)


def test_public_names() -> None:
    assert mi.compare is compare and mi.Comparison is Comparison
    assert {"compare", "Comparison"} <= set(mi.__all__)


# ---- a project: Python and the command line ------------------------------------------------
def _cli_tables(folder: Path) -> dict[str, str]:
    names = ("changes", "rank_jumps", "revisions", "definition_changes")
    return {name: (folder / f"{name}.csv").read_text(encoding="utf-8") for name in names}


def _python_tables(result: Comparison) -> dict[str, str]:
    return {
        "changes": csv_text(result.changes),
        "rank_jumps": csv_text(result.rank_jumps),
        "revisions": csv_text(result.revisions),
        "definition_changes": csv_text(result.definition_changes),
    }


def test_project_compare_is_what_the_cli_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    genesis_project(tmp_path, "rules: none\n")
    monkeypatch.chdir(tmp_path)
    project = mi.load_project(tmp_path)
    # without OLD: the latest year against the year before (the files' 2015 and 2024)
    assert main(["compare", "--format", "json"]) == 0
    facts = json.loads(capsys.readouterr().out)["facts"]
    result = project.compare()
    assert facts["years"] == f"{result.old_year} -> {result.new_year}" == "2015 -> 2024"
    assert _cli_tables(tmp_path / "comparison") == _python_tables(result)
    assert result.has_report and result.revisions.empty
    # with OLD: a scores file of the classic export alone (2015)
    old = tmp_path / "old.json"
    argv = ["score", "raw/12411-01-01-4.csv", "--framework", "framework.yaml"]
    assert main([*argv, "--out", str(old)]) == 0
    assert main(["compare", str(old), "--out", "cmp", "--rank-jump", "1"]) == 0
    capsys.readouterr()
    result = project.compare(old, rank_jump=1)
    assert _cli_tables(tmp_path / "cmp") == _python_tables(result)
    assert (result.old_year, result.new_year) == (2015, 2024)


def test_project_with_one_year_needs_an_old_build(tmp_path: Path) -> None:
    path = genesis_project(tmp_path, "rules: none\n")
    path.write_text(
        path.read_text(encoding="utf-8").replace("  - path: raw/*_flat.csv\n", ""),
        encoding="utf-8",
    )
    with pytest.raises(ProjectError, match="no year before 2015") as raised:
        mi.load_project(path).compare()
    assert raised.value.code == "invalid_project"


def test_units_added_and_removed_are_those_of_the_compared_years() -> None:
    """Comparing a build with itself over a merger (Oberwinkel and Unterwinkel end in
    2020, Winkeltal begins in 2021, as the example's units table says) listed no unit
    added or removed: they were taken from every year of each side's table."""
    res = mi.score(mi.example_data(), mi.default_framework())
    units = res.dataset.units
    ended = sorted(units.index[units["valid_to"].astype(str) == "2020"])
    begun = sorted(units.index[units["valid_from"].astype(str) == "2021"])
    comparison = mi.compare(res, res, old_year=2020, new_year=2022)
    assert list(comparison.units_removed) == ended == ["08999047", "08999048"]
    assert list(comparison.units_added) == begun == ["08999050"]
    assert mi.compare(res, res).units_added == ()  # one year against itself
