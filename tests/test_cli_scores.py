"""The scores file (every format, read back, byte-stable): written and read by the library
(``mi.write_scores`` / ``mi.read_scores``), byte for byte what ``mint-index score`` writes."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import make_small_long
from hypothesis import given, settings
from hypothesis import strategies as st

import mint_index as mi
from mint_index.cli import main
from mint_index.cli.app import EXIT_OK
from mint_index.errors import DataValidationError, FileAccessError, OutputError
from mint_index.pipeline.score_table import SCORE_COLUMNS, canonical, score_table
from mint_index.plan_changes import recorded_plan
from mint_index.scores_file import is_scores_file, read_scores, write_scores


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


# ---- the library writes and reads what the command line does ------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_cli_file_is_the_library_file(
    small_framework_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """`mint-index score` and `mi.write_scores` give the same bytes for the same results
    and provenance (the CLI's block, read back from its own file)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = tmp_path / "data"
    data.mkdir()
    long = make_small_long(units=4, years=(2022, 2023))
    for year, part in long.groupby("year"):
        part.to_csv(data / f"{year}.csv", index=False)
    cli_out = tmp_path / f"cli{suffix}"
    args = ["score", str(data), "--framework", str(small_framework_path), "--out", str(cli_out)]
    assert main(args) == EXIT_OK
    _, cli_provenance = read_scores(cli_out)
    assert cli_provenance is not None and cli_provenance["command"] == "score"
    framework = mi.load_framework(small_framework_path)
    results = mi.score(mi.load_data(data, framework=framework), framework)
    written = mi.write_scores(results, tmp_path / f"lib{suffix}", cli_provenance)
    cli_files = [cli_out] + (
        [tmp_path / f"cli{suffix}.provenance.json"] if suffix == ".csv" else []
    )
    assert len(written) == len(cli_files)
    for ours, theirs in zip(written, cli_files, strict=True):
        assert ours.read_bytes() == theirs.read_bytes()


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_read_scores_round_trips_a_table_made_by_hand(tmp_path: Path, suffix: str) -> None:
    """Values written by hand come back as they were, rounded to 6 decimals; the
    provenance comes back as given."""
    table = pd.DataFrame(
        {
            "unit": ["09162000", "09162000", "=SUM(1)"],
            "year": [2023, 2024, 2024],
            "node": ["index", "index", "school"],
            "level": [3, 3, 1],
            "score": [61.25, 63.1234567891, None],
            "rank": [2, 1, None],
            "peer_group": ["city", "city", None],
            "peer_rank": [1, 1, None],
            "change": [None, 1.8734567891, None],
        }
    )
    provenance = {"drop": "2024-06", "note": "Zuwanderung"}
    written = mi.write_scores(table, tmp_path / f"s{suffix}", provenance)
    back, back_provenance = mi.read_scores(written[0])
    assert back_provenance == provenance
    assert list(back.columns) == SCORE_COLUMNS
    assert list(back["unit"]) == ["09162000", "09162000", "=SUM(1)"]  # leading 0 and '=' kept
    assert list(back["year"]) == [2023, 2024, 2024]
    assert back["score"].iloc[1] == 63.123457  # 63.1234567891 to 6 decimals
    assert np.isnan(back["score"].iloc[2])
    assert back["change"].iloc[1] == 1.873457
    assert list(back["rank"].astype(object)) == [2, 1, pd.NA]
    assert list(back["peer_group"]) == ["city", "city", None]


_TEXT = st.one_of(st.none(), st.text(max_size=6), st.sampled_from(['"q"', "ü€", "=x", "\\"]))
_FLOAT = st.one_of(st.none(), st.floats(-1e15, 1e15))
_RANK = st.one_of(st.none(), st.integers(1, 10**6))  # a rank counts from 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            _TEXT,
            st.integers(1800, 2200),
            _TEXT,
            st.integers(1, 4),
            _FLOAT,
            _RANK,
            _TEXT,
            _RANK,
            _FLOAT,
        ),
        min_size=1,  # a table without rows is no scores table (see below)
        max_size=12,
    )
)
def test_json_rows_are_what_the_json_module_writes_row_by_row(rows: list[tuple]) -> None:
    """The JSON writer encodes distinct values once and floats with float.__repr__; each
    row must still be byte for byte what ``json`` writes for it, row by row (units and
    nodes filled: a scores table needs them, a node at one level, one node at the top)."""
    table = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    table = table.assign(
        unit=[f"u{i}" for i in range(len(rows))], node="n" + table["level"].astype(str)
    )
    with tempfile.TemporaryDirectory() as folder:
        path = mi.write_scores(table, Path(folder) / "s.json", {"x": 1})[0]
        text = path.read_text(encoding="utf-8")
    fixed = canonical(table)
    plain = fixed.astype(object).where(fixed.notna(), None).to_numpy().tolist()
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
    body = ",\n    ".join(map(encode, plain))
    assert f'  "rows": [\n    {body}\n  ]' in text


def test_a_csv_scores_file_and_its_sidecar_are_replaced_together(
    results: mi.Results, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``score --out s.csv`` under a file size limit: the provenance failed after the
    scores were renamed into place, leaving new scores beside the old run's inputs."""
    from mint_index import scores_file

    first = write_scores(score_table(results), tmp_path / "s.csv", {"run": 1})
    before = [path.read_bytes() for path in first]

    def too_large(value: object) -> str:
        raise OSError(27, "File too large")

    monkeypatch.setattr(scores_file, "canonical_json", too_large)
    changed = score_table(results).assign(score=lambda t: t["score"] + 1)
    with pytest.raises(FileAccessError, match="File too large"):
        write_scores(changed, tmp_path / "s.csv", {"run": 2})
    assert [path.read_bytes() for path in first] == before


def test_a_scores_table_without_rows_is_neither_written_nor_read(tmp_path: Path) -> None:
    """``compare`` against a scores file holding only its header said "years None ->
    2024" and listed every unit as added, exit 0."""
    empty = pd.DataFrame(columns=SCORE_COLUMNS)
    with pytest.raises(DataValidationError, match="holds no scores"):
        mi.write_scores(empty, tmp_path / "s.csv")
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(SCORE_COLUMNS) + "\n", encoding="utf-8")
    assert is_scores_file(header_only)
    with pytest.raises(DataValidationError, match="holds no scores"):
        mi.read_scores(header_only)


def test_json_rows_are_written_as_given(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "unit": ["01001"],
            "year": [2024],
            "node": ["index"],
            "level": [2],
            "score": [50.0000004],
            "rank": [1],
            "peer_group": [None],
            "peer_rank": [None],
            "change": [-0.25],
        }
    )
    (path,) = mi.write_scores(table, tmp_path / "s.json", {})
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "mint-index-scores" and document["format_version"] == 1
    assert document["columns"] == SCORE_COLUMNS
    assert document["rows"] == [["01001", 2024, "index", 2, 50.0, 1, None, None, -0.25]]


def test_results_carry_their_own_provenance_by_default(results: mi.Results, tmp_path: Path) -> None:
    (path,) = mi.write_scores(results, tmp_path / "s.json")
    _, provenance = mi.read_scores(path)
    assert provenance is not None
    assert provenance["tool"] == "mint-index" and provenance["version"] == mi.__version__
    framework = results.framework
    assert provenance["framework"] == {
        "id": framework.framework.id,
        "version": framework.framework.version,
        "sha256": framework.sha256,
    }
    assert recorded_plan(provenance["spec"]) == results.plan  # enough to run it again


def test_what_cannot_be_written_raises_a_library_error(
    results: mi.Results, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(OutputError, match=r"\.csv"):
        mi.write_scores(results, tmp_path / "s.xlsx")
    with pytest.raises(OutputError, match="pass the Results"):
        mi.write_scores(score_table(results), tmp_path / "s.sqlite")
    with pytest.raises(OutputError, match="no recommendations"):
        mi.write_scores(results, tmp_path / "s.csv", recommendations="none")
    with pytest.raises(DataValidationError, match="peer_rank"):
        mi.write_scores(score_table(results).drop(columns="peer_rank"), tmp_path / "s.csv")
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(FileAccessError, match="a_file"):
        mi.write_scores(results, tmp_path / "a_file" / "s.csv")  # a file is no folder
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if the extra were not installed
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(FileAccessError, match=r"mint-index\[parquet\]"):
        mi.write_scores(results, tmp_path / "s.parquet")
    assert not (tmp_path / "s.parquet").exists()


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_a_damaged_scores_file_is_refused_naming_its_row(tmp_path: Path, suffix: str) -> None:
    """A damaged or hand-edited scores file: a row without its unit (an empty CSV cell),
    one repeating another's unit, year and node, an infinite score or rank, a year, level
    or rank that is not a whole number in its range (2024.7 is no 2024). Rows are
    numbered as the file shows them: a CSV file's line, else the position from 1."""
    good = pd.DataFrame(
        {
            "unit": ["09162000", "09162000", "09163000"],
            "year": [2024, 2024, 2024],
            "node": ["index", "school", "index"],
            "level": [3, 1, 3],
            "score": [61.0, 50.0, 40.0],
            "rank": [1, 1, 2],
            "peer_group": ["city"] * 3,
            "peer_rank": [1, 1, 2],
            "change": [None] * 3,
        }
    )
    first = 2 if suffix == ".csv" else 1
    whole = "that is not a whole number from 1"
    year = "that is not a whole year from 1000 to 9999"
    for edit, reason in (
        ({"unit": ["09162000", None, "09163000"]}, f"row {first + 1} has no unit"),
        ({"node": ["index", "school", ""]}, f"row {first + 2} has no node"),
        (
            {"unit": ["09162000", "09163000", "09163000"], "node": ["index"] * 3},
            (f"row {first + 2} repeats unit 09163000, year 2024, node index"),
        ),
        ({"score": [61.0, float("inf"), 40.0]}, f"row {first + 1} has a score out of range: inf"),
        ({"change": [1e308, 0.0, 0.0]}, f"row {first} has a change out of range: 1e+308"),
        ({"rank": [1, float("inf"), 2]}, f"row {first + 1} has a rank {whole}: inf"),
        ({"rank": [1, 0, 2]}, f"row {first + 1} has a rank {whole}: 0"),
        ({"peer_rank": [1, 1, 2.5]}, f"row {first + 2} has a peer_rank {whole}: 2.5"),
        ({"level": [3, 1.5, 3]}, f"row {first + 1} has a level {whole}: 1.5"),
        ({"year": [2024, 2024.7, 2024]}, f"row {first + 1} has a year {year}: 2024.7"),
        ({"year": [2024, 2024, 1e300]}, f"row {first + 2} has a year {year}: 1e+300"),
        # a hand-edited level, the index rows left out (compared, the file became a year of
        # one unit; the other side's index was taken for a domain)
        ({"level": [3, 1, 9]}, f"row {first + 2} gives node index level 9, its other rows level 3"),
        (
            {"node": ["school", "kita", "school"], "level": [1, 1, 1]},
            "no index: nodes school, kita share the highest level, where a scores file has its "
            "index alone (were its rows left out?)",
        ),
        ({"year": [2024, 24, 2024]}, f"row {first + 1} has a year {year}: 24"),
    ):
        table = good.assign(**edit)
        # the writer refuses to write such a table (positions from 0)
        with pytest.raises(DataValidationError, match="not a scores table: "):
            mi.write_scores(table, tmp_path / f"s{suffix}")
        # a file damaged after writing is refused by the reader
        path = mi.write_scores(good, tmp_path / f"s{suffix}")[0]
        if suffix == ".csv":
            text = path.read_text(encoding="utf-8").splitlines()
            for i, row in enumerate(table.itertuples(index=False)):
                text[i + 1] = ",".join("" if v is None or v != v else str(v) for v in row)
            path.write_text("\n".join(text) + "\n", encoding="utf-8")
        elif suffix == ".json":
            document = json.loads(path.read_text(encoding="utf-8"))
            document["rows"] = [
                [None if v != v else v for v in row] for row in table.astype(object).values.tolist()
            ]
            path.write_text(json.dumps(document), encoding="utf-8")
        else:
            table.to_parquet(path)
        with pytest.raises(DataValidationError) as info:
            mi.read_scores(path)
        assert info.value.failures["reason"].tolist() == [f"not a mint-index scores file: {reason}"]


def test_what_is_no_scores_file_raises_a_library_error(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"format": "something else"}')
    data = tmp_path / "data.csv"
    make_small_long().to_csv(data, index=False)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    for path in (other, data, broken, tmp_path / "s.sqlite"):
        with pytest.raises(DataValidationError) as info:
            mi.read_scores(path)
        assert list(info.value.failures["source"]) == [str(path)]
        assert list(info.value.failures["code"]) == ["unreadable_file"]
    with pytest.raises(FileAccessError, match="No such file"):
        mi.read_scores(tmp_path / "missing.json")


@pytest.mark.filterwarnings("ignore:.*packaged rules skipped")
def test_compare_refuses_a_database_saying_how_to_compare_it(
    results: mi.Results, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``score --out x.sqlite`` writes a database; given to ``compare`` it was taken for a
    data drop ("binary content, not a text (CSV) file" and 88 "variable missing"). It is
    refused, never opened (a hostile one could hold views that run without end or read
    other files), saying how to compare its scores."""
    from mint_index.cli import main

    database = write_scores(results, tmp_path / "s.sqlite", {"tool": "mint-index"})[0]
    before = database.read_bytes()
    csv_file = write_scores(results, tmp_path / "s.csv", {"tool": "mint-index"})[0]
    assert main(["compare", str(database), str(csv_file), "--out", str(tmp_path / "c")]) == 1
    err = capsys.readouterr().err
    assert "read a database with SQL, or write the scores as a file" in err
    assert "binary content" not in err and "missing from the data" not in err
    assert database.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "s.csv",
        "s.csv.provenance.json",
        "s.sqlite",
    ]


def test_a_json_scores_document_is_read_as_written_or_refused(
    results: mi.Results, tmp_path: Path
) -> None:
    """A JSON scores document of another version, with other columns, a row of another
    length, a unit id written as a number (its zeros lost) or a score of ``true``: each was
    read as if it were a scores table (``true`` as 1.0); each is refused, naming why."""
    path = write_scores(score_table(results), tmp_path / "s.json")[0]
    good = json.loads(path.read_text(encoding="utf-8"))
    assert read_scores(path)[0].equals(read_scores(path)[0])  # the document as written reads

    def refused(document: dict, reason: str) -> None:
        path.write_text(json.dumps(document), encoding="utf-8")
        with pytest.raises(DataValidationError, match=reason):
            read_scores(path)

    refused(good | {"format_version": 2}, "format_version 2: this version of mint-index")
    refused(good | {"columns": good["columns"][::-1]}, '"columns" are not unit, year')
    longer = [good["rows"][0] + [1], *good["rows"][1:]]
    refused(good | {"rows": longer}, "a row is not a list of 9 values")
    numeric = [[int(good["rows"][0][0]), *good["rows"][0][1:]], *good["rows"][1:]]
    refused(good | {"rows": numeric}, f"row 1 has a unit of the wrong kind: {numeric[0][0]}")
    true = [[*good["rows"][0][:4], True, *good["rows"][0][5:]], *good["rows"][1:]]
    refused(good | {"rows": true}, "row 1 has a score of the wrong kind: True")
