"""The scores file (every format, read back, byte-stable)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import make_small_long

import mint_index as mi
from mint_index.cli.scores import (
    SCORE_COLUMNS,
    canonical,
    is_scores_file,
    read_scores,
    score_table,
    write_scores,
)


@pytest.fixture(scope="module")
def results(small_framework_path: Path) -> mi.Results:
    fw = mi.load_framework(small_framework_path)
    return mi.score(mi.Dataset.from_long(make_small_long(units=5, years=(2021, 2022, 2023))), fw)


def test_score_table_holds_every_node_unit_and_year(results: mi.Results) -> None:
    table = score_table(results)
    assert list(table.columns) == SCORE_COLUMNS
    assert len(table) == len(results.unit_ids) * len(results.years) * len(results.node_ids)
    # rows sorted by unit, year, then framework order (the index last)
    first = table[(table["unit"] == results.unit_ids[0]) & (table["year"] == results.years[0])]
    assert list(first["node"]) == results.node_ids
    scores = results.scores
    for row in table.sample(15, random_state=1).itertuples():
        expected = scores.loc[(row.unit, row.year), row.node]
        assert row.score == pytest.approx(expected, abs=1e-6, nan_ok=True)


def test_score_table_ranks_latest_index_by_hand(results: mi.Results) -> None:
    table = score_table(results)
    latest = table[(table["node"] == "index") & (table["year"] == 2023)]
    scores = latest["score"].to_numpy()
    # rank 1 = best; ties share the lowest rank: 1 + number of strictly better units
    by_hand = [1 + int((scores > s).sum()) for s in scores]
    assert list(latest["rank"]) == by_hand
    assert table.loc[table["level"] == 1, "rank"].isna().all()  # indicators carry no rank


def test_change_is_the_difference_to_the_previous_year(results: mi.Results) -> None:
    table = score_table(results).set_index(["unit", "node", "year"])
    unit = results.unit_ids[2]
    by_hand = table.loc[(unit, "index", 2023), "score"] - table.loc[(unit, "index", 2022), "score"]
    assert table.loc[(unit, "index", 2023), "change"] == pytest.approx(by_hand, abs=2e-6)
    assert np.isnan(table.loc[(unit, "index", 2021), "change"])


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_scores_round_trip_and_are_byte_stable(
    results: mi.Results, tmp_path: Path, suffix: str
) -> None:
    table = score_table(results)
    prov = {"tool": "mint-index", "spec": results.spec.to_dict()}
    first = write_scores(table, tmp_path / f"a{suffix}", prov)
    second = write_scores(table, tmp_path / f"b{suffix}", prov)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert is_scores_file(first[0])
    back, back_prov = read_scores(first[0])
    pd.testing.assert_frame_equal(back, table)
    assert back_prov == prov


def test_csv_without_sidecar_reads_without_provenance(results: mi.Results, tmp_path: Path) -> None:
    written = write_scores(score_table(results), tmp_path / "s.csv", {"tool": "mint-index"})
    written[1].unlink()
    assert read_scores(written[0])[1] is None


def test_data_files_are_not_scores_files(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    make_small_long().to_csv(data, index=False)
    other = tmp_path / "other.json"
    other.write_text('{"format": "something else"}')
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet")
    assert not any(is_scores_file(p) for p in (data, other, broken, tmp_path))


def test_formula_like_ids_are_escaped_in_csv_and_read_back(tmp_path: Path) -> None:
    table = canonical(
        pd.DataFrame(
            {
                "unit": ["=1+2", "ok"],
                "year": [2023, 2023],
                "node": ["index", "index"],
                "level": [3, 3],
                "score": [-1.5, 2.0],
                "rank": [2, 1],
                "peer_group": ["@x", None],
                "peer_rank": [1, 1],
                "change": [-0.5, None],
            }
        )
    )
    path = tmp_path / "s.csv"
    write_scores(table, path, {"tool": "mint-index"})
    lines = path.read_text().splitlines()
    assert lines[1] == "'=1+2,2023,index,3,-1.500000,2,'@x,1,-0.500000"
    back, _ = read_scores(path)
    pd.testing.assert_frame_equal(back, table)
