"""Results: tidy tables, serialisation and display."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import make_small_long, small_dataset

import mint_index as mi


@pytest.fixture()
def res(small_framework: mi.Framework) -> mi.Results:
    data = small_dataset(
        {
            "A": {"council_migrant": 3},
            "B": {"council_seats": 8, "council_migrant": 2},
            "C": {"employment_rate": np.nan},
        }
    )
    units = pd.DataFrame({"unit": ["A", "B", "C"], "name": ["Aach", "<script>x</script>", "Cham"]})
    return mi.score(data.with_units(units), small_framework)


def test_to_dict_is_json_with_nulls_for_missing(res: mi.Results) -> None:
    payload = json.loads(res.to_json())
    assert payload["units"] == ["A", "B", "C"]
    assert payload["years"] == [2024]
    # what produced them, with the keys of every provenance block
    assert payload["tool"] == "mint-index" and payload["version"] == mi.__version__
    assert payload["framework"]["sha256"] == res.framework.sha256
    assert payload["framework"]["id"] == res.framework.framework.id
    assert "mint_index_version" not in payload and "framework_sha256" not in payload
    c = next(r for r in payload["scores"] if r["unit"] == "C")
    assert c["employment"] is None
    a = next(r for r in payload["scores"] if r["unit"] == "A")
    # council share 3/30 = 10 % on goalposts 0..40 -> 25
    assert a["council_share"] == pytest.approx(25.0)
    assert mi.BuildSpec.model_validate(payload["spec"]) == res.spec


def test_intervals_cover_ratio_indicators(res: mi.Results) -> None:
    iv = res.intervals
    assert set(iv["indicator"]) == {"council_share", "kita_parity"}
    row = iv[(iv.unit == "B") & (iv.indicator == "council_share")].iloc[0]
    assert row["value"] == pytest.approx(25.0)
    assert row["lower"] < 25.0 < row["upper"]
    assert bool(row["unreliable"]) is True  # 8 seats < min_denominator 10


def test_treatment_table_has_a_row_per_year_and_indicator(res: mi.Results) -> None:
    assert len(res.treatment) == len(res.years) * len(res.indicator_ids)
    assert (res.treatment["points"] == 0).all()  # treatment off by default


def test_html_display_escapes_names(res: mi.Results) -> None:
    html = res._repr_html_()
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Results('small'" in repr(res)


def test_has_data_marks_the_years_a_unit_reported(small_framework: mi.Framework) -> None:
    # unit 01002000 sends nothing in 2023 (every value missing); the others report both years
    long = make_small_long(units=3)
    long.loc[(long["unit"] == "01002000") & (long["year"] == 2023), "value"] = np.nan
    res = mi.score(mi.Dataset.from_long(long), small_framework)
    assert list(res.unit_ids) == ["01001000", "01002000", "01003000"]
    assert list(res.years) == [2022, 2023]
    assert res.has_data.tolist() == [[True, True, True], [True, False, True]]


def test_the_default_year_is_the_latest_with_index_scores(small_framework: mi.Framework) -> None:
    """A drop whose newest year carries one value of one unit (no index score: most of
    the indicators are missing) is not the year to report on: the report, the audit, the
    sensitivity analysis and the PCA weights all default to 2022, and agree."""
    long = make_small_long(units=4, years=(2021, 2022))
    early = long[(long["year"] == 2022) & (long["unit"] == "01001000")].head(1)
    long = pd.concat([long, early.assign(year=2023)], ignore_index=True)
    res = mi.score(mi.Dataset.from_long(long), small_framework)
    index = res.scores[res.framework.index.id].unstack("year")
    assert index[2023].isna().all() and index[2022].notna().any()  # the premise
    assert res.latest_scored_year == 2022
    assert res.year_or_latest(None, "x") == 2022 and res.year_or_latest(2021, "x") == 2021
    with pytest.raises(mi.SpecError, match="x: year 2030 is not in the results"):
        res.year_or_latest(2030, "x")
    audit = mi.audit(res)
    assert audit.year == 2022
    report = mi.report(res, audit=audit)  # raised "the audit is of 2023" before
    assert report.data.year == 2022


def test_an_edited_ranks_table_changes_no_published_rank(res: mi.Results, tmp_path: Path) -> None:
    """``res.ranks.loc[row, "rank"] = 999`` reached the scores file and the SQL tables
    (they were written from that table), while the report and ``compare`` showed the
    true rank. The files are written from ``rank_cubes`` now, which cannot be edited;
    ranks are whole numbers (``Int64``) in the table as in the files."""
    assert str(res.ranks["rank"].dtype) == "Int64" and str(res.ranks["peer_rank"].dtype) == "Int64"
    first = res.ranks.index[res.ranks["rank"].notna()][0]
    true_rank = int(res.ranks.loc[first, "rank"])
    unit, year, node = res.ranks.loc[first, ["unit", "year", "node"]]
    res.ranks.loc[first, ["rank", "peer_rank"]] = 999
    (path,) = mi.write_scores(res, tmp_path / "s.csv")[:1]
    written = pd.read_csv(path, dtype={"unit": str})
    row = written[(written["unit"] == unit) & (written["year"] == year) & (written["node"] == node)]
    assert row["rank"].tolist() == [true_rank] and 999 not in set(row["peer_rank"])
    rank, _ = res.rank_cubes
    with pytest.raises(ValueError, match="read-only"):
        rank[0, 0, 0] = 999
