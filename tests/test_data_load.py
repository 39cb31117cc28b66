"""load_data / load_units: sources together, the cube, provenance, the units table."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import make_small_long, value

import mint_index as mi
from mint_index.cli import main
from mint_index.cli.app import EXIT_DATA

REAL = Path(__file__).parent / "fixtures" / "real-data"


def test_cube_matches_the_reference_constructor() -> None:
    long = make_small_long(seed=3, units=5, years=(2021, 2022, 2023))
    long.loc[long.index[::7], "value"] = np.nan  # some empty cells
    long = long.drop(index=long.index[::11])  # and some cells the input does not have
    ours = mi.load_data(long)
    reference = mi.Dataset.from_long(long)
    assert list(ours.unit_ids) == list(reference.unit_ids)
    assert list(ours.years) == list(reference.years)
    order = [ours.variables.index(v) for v in reference.variables]
    np.testing.assert_array_equal(ours.values[:, :, order], reference.values)
    np.testing.assert_array_equal(ours.reason[:, :, order], reference.reason)
    np.testing.assert_array_equal(ours.flag[:, :, order], reference.flag)


def test_sources_of_every_kind_together(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text("unit;year;pop\n01001000;2020;90000\n", encoding="latin-1")
    genesis = tmp_path / "g.csv"
    genesis.write_bytes(
        "\n".join(
            [
                "GENESIS-Tabelle: 12411-02-03-5",
                ";;;Ausländer",
                "31.12.2020;01001000;  Flensburg;7500",  # GENESIS writes no thousands dot
                "__________",
                "Stand: 01.02.2021",
            ]
        ).encode("cp1252")
    )
    frame = pd.DataFrame({"unit": ["01001000"], "year": [2020], "seats": [43]})
    ds = mi.load_data([csv, genesis, frame])
    assert ds.variables == ["pop", "Ausländer", "seats"]
    assert ds.values[0, 0].tolist() == [90000, 7500, 43]
    prov = ds.provenance.set_index("source")
    assert list(prov["format"]) == ["csv", "genesis", "frame"]
    assert prov.loc[str(csv), "sha256"] == hashlib.sha256(csv.read_bytes()).hexdigest()
    assert prov.loc[str(genesis), "rows"] == 1
    assert ds.units.loc["01001000", "name"] == "Flensburg"  # from the GENESIS export


def test_inputs_are_not_modified(tmp_path: Path) -> None:
    frame = pd.DataFrame({"unit": ["01", "02"], "year": [2020, 2020], "x": ["1,5", "."]})
    before = frame.copy()
    ds = mi.load_data(frame, decimal=",")
    pd.testing.assert_frame_equal(frame, before)
    assert ds.values[0, :, 0][0] == 1.5


def test_framework_can_be_given_as_a_path(small_framework_path: Path) -> None:
    ds = mi.load_data(make_small_long(), small_framework_path)
    assert ds.warnings.empty


def test_year_list_must_match_the_sources() -> None:
    with pytest.raises(mi.MintIndexError, match="year= has 1 values for 2 sources"):
        mi.load_data([pd.DataFrame(), pd.DataFrame()], year=[2020])


def test_year_column_wins_over_year_argument() -> None:
    frame = pd.DataFrame({"unit": ["01"], "year": [2019], "x": [1]})
    assert list(mi.load_data(frame, year=2030).years) == [2019]


# ---- units table --------------------------------------------------------------------
def test_load_units_csv_keeps_keys_and_reads_population(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(
        "AGS;name;population;type;parent\n"
        "01001000;Flensburg;1.500;kreisfreie Stadt;01\n"
        "06531005;Gießen;90.131;Universitätsstadt;06531\n".encode("latin-1")
    )
    units = mi.load_units(path)
    assert list(units.index) == ["01001000", "06531005"]
    assert units.index.name == "unit"
    assert units["population"].tolist() == [1500.0, 90131.0]
    assert units.loc["06531005", "name"] == "Gießen"
    assert units.loc["06531005", "parent"] == "06531"  # grouping keys stay text


def test_a_units_table_with_german_heads(tmp_path: Path) -> None:
    """As a town department writes it: ``Gemeindeschlüssel``, ``Gemeinde``, ``Einwohner``
    with thousands dots. The names and the populations are read as such (they used to be
    the keys and text, so reports named every unit by its key and no peer group by size
    could be formed); a bad population names the file's column."""
    path = tmp_path / "units.csv"
    path.write_text(
        "Gemeindeschlüssel;Gemeinde;Einwohner (31.12.2023);Vergleichsgruppe\n"
        "09162000;München;1.510.378;Großstadt\n"
        "09161000;Ingolstadt;142.308;Großstadt\n",
        encoding="utf-8",
    )
    units = mi.load_units(path)
    assert list(units.index) == ["09162000", "09161000"]
    assert units["name"].tolist() == ["München", "Ingolstadt"]
    assert units["population"].tolist() == [1510378.0, 142308.0]
    assert units.loc["09161000", "Vergleichsgruppe"] == "Großstadt"
    path.write_text("AGS;Gemeinde;Bevölkerung insgesamt\n09162000;München;viele\n")
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_units(path)
    first = err.value.failures.iloc[0]
    assert (first["row"], first["column"], first["reason"]) == (
        2,
        "Bevölkerung insgesamt",
        "population is not a number",
    )
    # two population heads: neither is taken for the population
    path.write_text("AGS;Einwohner;Bevölkerung\n09162000;1;2\n")
    assert "population" not in mi.load_units(path).columns
    # given as data by mistake, it is recognised as a units table by its heads
    path.write_text("AGS;Gemeinde;Einwohner\n09162000;München;1.510.378\n", encoding="utf-8")
    with pytest.raises(mi.DataValidationError, match="if this is the units table"):
        mi.load_data(path)


def test_a_units_key_head_is_found_as_a_data_files_is(tmp_path: Path) -> None:
    """The units table's key column is found as a data file's is (as the docs say): with
    its kind after the name (``Gemeindeschlüssel (AGS)``) or as a compound word
    (``Bezirksnummer``). Both were "no unit key column"."""
    path = tmp_path / "units.csv"
    path.write_text(
        "Gemeindeschlüssel (AGS);Gemeinde;Einwohner\n09162000;München;1.510.378\n",
        encoding="utf-8",
    )
    units = mi.load_units(path)
    assert list(units.index) == ["09162000"]
    assert units.loc["09162000", "name"] == "München"
    path.write_text("Bezirksnummer;Stadtbezirk\n01;Altstadt-Lehel\n02;Ludwigsvorstadt\n")
    assert list(mi.load_units(path).index) == ["01", "02"]


def test_a_data_files_key_head_with_its_kind_after_it(tmp_path: Path) -> None:
    """``Regionalschlüssel (ARS)`` keys the rows (it was taken for no key at all, and the
    message asked to key the units by their names)."""
    path = tmp_path / "gemeinden.csv"
    path.write_text(
        "Regionalschlüssel (ARS);Gemeinde;Ausländer\n"
        "081160004004;Aichwald;803\n081160005005;Altbach;1.512\n",
        encoding="utf-8",
    )
    data = mi.load_data(path, year=2023)
    assert value(data, "081160005005", 2023, "Ausländer") == 1512.0


def test_a_total_below_the_units_is_no_unit(tmp_path: Path) -> None:
    """A district's list summed up in its last row: without a key it was an error
    ("empty unit key"); with the district's key it would be a unit of 92,579
    inhabitants, the largest of its peer groups. Totals are left out, as in data."""
    path = tmp_path / "units.csv"
    rows = "AGS;Gemeinde;Einwohner\n08999001;Auenthal;80.123\n08999002;Bergdorf;12.456\n"
    for total in (";Landkreis insgesamt;92.579\n", "08999000;Summe;92.579\n"):
        path.write_text(rows + total, encoding="utf-8")
        units = mi.load_units(path)
        assert units.index.tolist() == ["08999001", "08999002"]
        assert units["population"].sum() == 80123 + 12456
    # a unit whose name only holds such a word is one ("Gesamtschule" is no total)
    path.write_text(rows + "08999003;Gesamtheim;1.234\n", encoding="utf-8")
    assert mi.load_units(path).index.tolist() == ["08999001", "08999002", "08999003"]


def test_a_units_table_by_year_says_it_is_data(tmp_path: Path) -> None:
    """Population by year given as the units table repeats every key once a year: the
    duplicates are reported with what the table is and where it belongs."""
    path = tmp_path / "units.csv"
    path.write_text(
        "AGS;Gemeinde;Jahr;Einwohner\n"
        "08999001;Auenthal;2022;80.000\n08999001;Auenthal;2023;80.123\n",
        encoding="utf-8",
    )
    with pytest.raises(mi.DataValidationError) as raised:
        mi.load_units(path)
    failures = raised.value.failures
    assert failures["code"].tolist() == ["duplicate_unit", "duplicate_unit"]
    assert failures["row"].tolist() == [2, 3]
    assert (
        "it has a year column ('Jahr'): a table of figures by year is data"
        in (failures["reason"].iloc[0])
    )


def test_units_table_attached_to_the_dataset(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("unit,name,population,peer_group\n01,Alpha,10,small\n02,Beta,20,large\n")
    ds = mi.load_data(pd.DataFrame({"unit": ["01"], "year": [2020], "x": [1]}), units=path)
    assert ds.units.loc["02", "peer_group"] == "large"
    assert ds.units.loc["01", "population"] == 10


@pytest.mark.parametrize(
    ("text", "row", "column", "reason"),
    [
        ("unit,population\n01,5\n01,6\n", 2, "unit", "duplicate unit key in the units table"),
        ("unit,population\n01,many\n", 2, "population", "population is not a number"),
        ("unit,population\n01,-5\n", 2, "population", "negative population"),
        ("unit,population\n01001000,5\n1002000,6\n", 3, "unit", None),
    ],
)
def test_load_units_problems(
    tmp_path: Path, text: str, row: int, column: str, reason: str | None
) -> None:
    path = tmp_path / "units.csv"
    path.write_text(text)
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_units(path)
    failures = err.value.failures
    first = failures.iloc[0]
    assert (first["row"], first["column"]) == (row, column)
    if reason is None:
        assert "leading zero" in first["reason"]
    else:
        assert first["reason"] == reason


def test_load_units_without_key_column() -> None:
    with pytest.raises(mi.DataValidationError, match="no unit key column"):
        mi.load_units(pd.DataFrame({"name": ["x"]}))


def test_a_units_row_with_a_field_too_many_says_which_line(tmp_path: Path) -> None:
    """Found by fuzzing: a stray comma in a units table was an internal error."""
    path = tmp_path / "units.csv"
    path.write_text("unit,name,population\n08999001,Auenthal,79468\n08999002,Brenn,hausen,1\n")
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_units(path)
    problem = err.value.failures.iloc[0]
    assert problem["code"] == "unreadable_file"
    assert "line 3 has 4 fields where the header has 3" in problem["reason"]


def test_units_problems_join_the_data_problems(tmp_path: Path) -> None:
    units = pd.DataFrame({"unit": ["01", "01"], "name": ["a", "b"]})
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(pd.DataFrame({"unit": ["01"], "year": [2020], "x": ["?"]}), units=units)
    reasons = set(err.value.failures["reason"])
    assert reasons == {"duplicate unit key in the units table", "not a number"}


def test_a_failed_source_among_real_ones_is_reported_not_a_type_error(tmp_path: Path) -> None:
    """Under pandas 3 empty categoricals have str categories; combining them with the
    object categories of a real table raised TypeError instead of the source's error."""
    real = Path(__file__).parent / "fixtures" / "real-data"
    (tmp_path / "empty.csv").write_bytes(b"")
    sources = [real / "12411-01-01-4.csv", tmp_path / "empty.csv", real / "41141-03-01-4.csv"]
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(sources)
    failures = err.value.failures
    assert list(failures["code"]) == ["empty_file"]
    assert failures["source"].iloc[0].endswith("empty.csv")


def test_excel_source_with_key_and_name_columns(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    from mint_index.data.load import load_sources
    from mint_index.data.source import SourceSpec

    frame = pd.DataFrame(
        {"AGS": ["01001000", "01002000"], "Gemeinde": ["Flensburg", "Kiel"], "Sitze": [43, 49]}
    )
    with pd.ExcelWriter(tmp_path / "rat.xlsx") as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Hinweise", index=False)
        frame.to_excel(writer, sheet_name="Rat", index=False)
    spec = SourceSpec(path="rat.xlsx", sheet="Rat", year=2024, mapping={"Sitze": "council_seats"})
    ds = load_sources([spec], base_dir=tmp_path)
    long = ds.long.set_index("unit")
    assert long.loc["01002000", "value"] == 49
    assert ds.units.loc["01002000", "name"] == "Kiel"


def test_load_data_detects_flat_and_opensdg_files() -> None:
    real = Path(__file__).parent / "fixtures" / "real-data"
    # ...;08222;Mannheim, Stadtkreis;GES;Geschlecht;;Insgesamt;318035;... (2024-12-31)
    flat = mi.load_data(real / "12411-01-01-4_flat.csv").long.set_index(["unit", "variable"])
    assert flat.loc[("08222", "Bevölkerungsstand (Anzahl) | Insgesamt"), "value"] == 318035
    # 2005,"Salzgitter, Stadt",K03102,107726
    sdg = mi.load_data(real / "indicator_1-1-1.csv").long.set_index(["unit", "year"])
    assert sdg.loc[("03102", 2005), "value"] == 107726


def test_from_wide_places_values_as_the_tidy_path_does() -> None:
    """Unsorted units and years, a missing value: the direct placement gives the cube the
    tidy constructor builds from the same cells; a row given twice is read once with a
    warning, two rows that disagree are an error."""
    wide = pd.DataFrame(
        {"u": ["b", "a", "b"], "y": [2021, 2021, 2020], "x": [1.0, np.nan, 3.0], "z": [4, 5, 6]}
    )
    got = mi.Dataset.from_wide(wide, unit="u", year="y")
    long = wide.melt(id_vars=["u", "y"], var_name="variable", value_name="value")
    want = mi.Dataset.from_long(long.rename(columns={"u": "unit", "y": "year"}))
    assert list(got.unit_ids) == ["a", "b"] and list(got.years) == [2020, 2021]
    assert got.variables == want.variables == ["x", "z"]
    np.testing.assert_array_equal(got.values, want.values)
    np.testing.assert_array_equal(got.reason, want.reason)
    assert got.values[1, 1, 0] == 1.0 and got.values[0, 1, 1] == 6.0  # b: 2021 x, 2020 z
    twice = mi.Dataset.from_wide(pd.concat([wide, wide.iloc[:1]]), unit="u", year="y")
    np.testing.assert_array_equal(twice.values, got.values)
    assert twice.warnings["code"].tolist() == ["repeated_cell", "repeated_cell"]  # x and z
    changed = wide.iloc[:1].assign(z=7)
    with pytest.raises(mi.DataValidationError) as err:
        mi.Dataset.from_wide(pd.concat([wide, changed]), unit="u", year="y")
    assert err.value.failures["code"].tolist() == ["duplicate_cell", "duplicate_cell"]


def test_load_data_reads_a_file_as_a_project_source_does() -> None:
    """``load_data`` and a project's source share one reader: the Köln election table's
    ``Nr`` and ``Name`` columns are its key and names without being named."""
    from mint_index.data.load import load_sources
    from mint_index.data.source import SourceSpec

    real = Path(__file__).parent / "fixtures" / "real-data"
    path = real / "koeln_btw2013_wahlkreis.csv"
    ds = mi.load_data(path, year=2013)
    assert list(ds.unit_ids) == ["093", "094", "095", "101"]
    assert ds.units.loc["093", "name"] == "Köln I"
    at = ds.variables.index("Wahlberechtigte")
    assert ds.values[0, 0, at] == 191277  # line 2 of the file, read by hand
    spec = SourceSpec(path=path.name, year=2013)
    same = load_sources([spec], base_dir=real)
    np.testing.assert_array_equal(ds.values, same.values)


# ---- a data folder ------------------------------------------------------------------------
def _data_folder(tmp_path: Path) -> Path:
    """A folder with two CSV files, written in the opposite order of their names."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "b_2021.csv").write_text("unit,year,pop\n01001000,2021,91000\n")
    (folder / "a_2020.csv").write_text("unit,year,pop\n01001000,2020,90000\n")
    (folder / ".notes.csv").write_text("not, data\n")  # hidden: left out
    return folder


def test_a_folder_stands_for_its_data_files(tmp_path: Path) -> None:
    folder = _data_folder(tmp_path)
    data = mi.load_data(folder)
    assert list(data.provenance["source"]) == [
        str(folder / "a_2020.csv"),
        str(folder / "b_2021.csv"),
    ]
    assert data.years.tolist() == [2020, 2021]
    assert data.values[:, 0, 0].tolist() == [90000, 91000]
    # the folder's year applies to each of its files; a DataFrame next to it keeps its own
    frame = pd.DataFrame({"unit": ["01001000"], "seats": [43]})
    both = mi.load_data([folder, frame], year=[2019, 2022])  # files have a year column
    assert both.years.tolist() == [2020, 2021, 2022]
    assert len(both.provenance) == 3


def test_the_units_table_in_a_data_folder_is_not_read_as_data(tmp_path: Path) -> None:
    folder = _data_folder(tmp_path)
    (folder / "units.csv").write_text("unit,name,population\n01001000,Flensburg,91000\n")
    data = mi.load_data(folder, units=folder / "units.csv")
    assert [Path(s).name for s in data.provenance["source"]] == ["a_2020.csv", "b_2021.csv"]
    assert data.units.loc["01001000", "name"] == "Flensburg"
    with pytest.raises(mi.DataValidationError) as info:  # not given as the units: data
        mi.load_data(folder)
    (reason,) = info.value.failures["reason"]
    assert reason.endswith(
        "if this is the units table, give it as the units, not as data "
        "(units: in the project file, --units)"
    )


def test_a_subfolder_in_a_data_folder_is_refused_as_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mint_index.cli.commands import data_files

    folder = _data_folder(tmp_path)
    (folder / "old").mkdir()
    (folder / "old" / "c.csv").write_text("unit,year,pop\n01001000,2019,89000\n")
    with pytest.raises(mi.DataValidationError) as info:
        mi.load_data(folder)
    failures = info.value.failures
    assert list(failures["source"]) == [str(folder / "old")]
    assert list(failures["code"]) == ["folder_entry"]
    assert "subfolder" in failures["reason"].iloc[0]
    assert main(["validate", str(folder), "--format", "json"]) == EXIT_DATA
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert [(p["source"], p["code"]) for p in problems] == [(str(folder / "old"), "folder_entry")]
    (folder / "old" / "c.csv").unlink()
    (folder / "old").rmdir()
    # the command line takes the same files in the same order
    expected = [folder / "a_2020.csv", folder / "b_2021.csv"]
    assert data_files([str(folder)], []) == expected
    assert list(mi.load_data(folder).provenance["source"]) == [str(f) for f in expected]


def test_a_data_frame_with_a_unit_per_column() -> None:
    frame = pd.DataFrame(
        {"Merkmal": ["pop", "rate"], "01001000": [90_000, 12.5], "Insgesamt": [1, 2]}
    )
    ds = mi.load_data(frame, layout="transposed", year=2021)
    assert list(ds.unit_ids) == ["01001000"] and ds.variables == ["pop", "rate"]
    assert ds.long.query("variable == 'rate'")["value"].tolist() == [12.5]
    with pytest.raises(mi.MintIndexError, match="valid layouts: long, wide, transposed"):
        mi.load_data(frame, layout="sideways")


def test_expected_warnings_of_a_data_frame_and_unknown_codes() -> None:
    frame = pd.DataFrame({"unit": ["01001000"], "year": [2021], "pop": ["12.345¹"]})
    noted = mi.load_data(frame)
    assert list(noted.warnings["code"]) == ["footnote_mark"]
    assert not len(mi.load_data(frame, expected_warnings=["footnote_mark"]).warnings)
    with pytest.raises(
        mi.MintIndexError,
        match="valid: caption_column, change_column, column_not_read, cut_off, footnote_mark, ",
    ):
        mi.load_data(frame, expected_warnings=["unused_variable"])


def test_load_data_reads_keys_as_its_key_option_says() -> None:
    frame = pd.DataFrame({"unit": ["101", "0"], "year": [2020, 2020], "x": [1.0, 2.0]})
    assert list(mi.load_data(frame, key={"prefix": "03"}).unit_ids) == ["03", "03101"]
    assert list(mi.load_data(frame, key={"pad": 5}).unit_ids) == ["00000", "00101"]
    with pytest.raises(mi.MintIndexError, match="key= cannot be used: prefx"):
        mi.load_data(frame, key={"prefx": "03"})
    # units named, keyed by the units table
    named = pd.DataFrame({"unit": ["Altötting", "Burghausen"], "year": [2024] * 2, "x": [1, 2]})
    units = pd.DataFrame({"unit": ["09171111", "09171112"], "name": ["Altötting", "Burghausen"]})
    by_name = mi.load_data(named, key={"match": "name"}, units=units)
    assert list(by_name.unit_ids) == ["09171111", "09171112"]


def test_a_units_table_says_which_units_of_an_official_export_are_read(tmp_path: Path) -> None:
    """A national GENESIS table of the Kreise beside a units table of two Kreise: the
    other regions are left out with one warning; a town's own file keeps the error."""
    genesis = tmp_path / "12411-01-01-4.csv"
    genesis.write_text(
        "GENESIS-Tabelle: 12411-01-01-4\nBevölkerungsstand;;\n;;31.12.2015\n;;Insgesamt\n"
        "DG;Deutschland;82175684\n01;  Schleswig-Holstein;2858714\n"
        "01001;      Flensburg, Kreisfreie Stadt;85942\n01002;      Kiel;246306\n"
        "01003;      Lübeck;216253\n__________\n",
        encoding="utf-8",
    )
    units = pd.DataFrame({"unit": ["01001", "01002"], "name": ["Flensburg", "Kiel"]})
    data = mi.load_data(genesis, units=units)
    assert list(data.unit_ids) == ["01001", "01002"]
    assert data.long.query("unit == '01002'")["value"].tolist() == [246306]
    (warning,) = data.warnings.itertuples()
    assert (warning.code, warning.row, warning.value) == ("other_units", 5, "DG, 01, 01003")
    assert "3 unit(s)" in warning.reason
    # expected, the warning is left out, so that --strict passes (it stayed: it is
    # found after the reading warnings were left out)
    expected = mi.load_data(genesis, units=units, expected_warnings=["other_units"], strict=True)
    assert expected.warnings.empty and list(expected.unit_ids) == ["01001", "01002"]
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(genesis, units=units, other_units="error")
    assert err.value.failures["value"].tolist() == ["DG", "01", "01003"]
    # a town's own table: a key the units table lacks is a mistyped key, an error
    own = pd.DataFrame({"unit": ["01001", "01020"], "year": [2015] * 2, "x": [1.0, 2.0]})
    with pytest.raises(mi.DataValidationError, match="unit missing from the units table"):
        mi.load_data(own, units=units)
    assert list(mi.load_data(own, units=units, other_units="leave_out").unit_ids) == ["01001"]


def _saved_through_a_spreadsheet(csv: Path, book: Path) -> Path:
    """``csv`` (a GENESIS export) as a spreadsheet program saves it after opening it:
    every cell of digits a number, its leading zeros gone (``01001`` is ``1001``)."""
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in csv.read_text(encoding="latin-1").splitlines():
        sheet.append([int(cell) if cell.isdigit() else cell for cell in line.split(";")])
    workbook.save(book)
    return book


def test_an_export_saved_through_a_spreadsheet_gets_its_zeros_back(tmp_path: Path) -> None:
    """The real Kreise export of 12411-01-01-4 opened and saved in a spreadsheet program:
    the Länder, Regierungsbezirke, Kreise and Gemeinden all lost their leading zero.
    Loading reports them at every level; ``key: {pad: auto}`` gives back each level its
    own width, where one ``pad`` width cannot."""
    book = _saved_through_a_spreadsheet(REAL / "12411-01-01-4.csv", tmp_path / "pop.xlsx")
    with pytest.raises(mi.DataValidationError) as caught:
        mi.load_data(book)
    reasons = caught.value.failures["reason"]
    for short, full in ((1, 2), (4, 5), (7, 8)):
        start = f"unit key has {short} digits where keys have {full}:"
        said = reasons[reasons.str.startswith(start)]
        assert len(said) and said.str.contains("key: {pad: auto}", regex=False).all()
    data = mi.load_data(book, key={"pad": "auto"})
    # read by hand from the CSV: 01001 Flensburg, 091 Oberbayern, 03241001 Hannover
    # (the city in the Region Hannover), 11 Berlin, 10041100 Saarbrücken
    assert value(data, "01001", 2015, "Insgesamt") == 85942
    assert value(data, "091", 2015, "weiblich") == 2321884
    assert value(data, "03241001", 2015, "männlich") == 259749
    assert value(data, "11", 2015, "Insgesamt") == 3520031
    assert value(data, "10041100", 2015, "Insgesamt") == 178151  # Land 10 kept its key
    assert len(data.unit_ids) == 526 and not {"1", "91", "1001"} & set(data.unit_ids)


def test_keys_that_lost_their_zero_are_no_other_units(tmp_path: Path) -> None:
    """A Bavarian GENESIS table saved in a spreadsheet: ``9162000`` (München) lost its
    zero. An official export is read for the units of the units table; that key names one
    of them, so it is reported as such, not left out with the regions the town does not
    monitor (which left nothing)."""
    csv = tmp_path / "wahl.csv"
    csv.write_text(
        "GENESIS-Tabelle: 14339-01-02-5\nLandtagswahlen;;\n;;;Wahlberechtigte\n"
        ";;;Anzahl\n15.09.2013;09161000;Ingolstadt;89885\n"
        "15.09.2013;09162000;München, Landeshauptstadt;909641\n",
        encoding="latin-1",
    )
    book = _saved_through_a_spreadsheet(csv, tmp_path / "wahl.xlsx")
    # a GENESIS table writes official keys only, and none has 7 digits: reported even
    # without a units table or a key of the full length beside them
    with pytest.raises(mi.DataValidationError, match="7 digits where keys have 8"):
        mi.load_data(book)
    # a town's own table of 7-digit numbers gives no such evidence
    own = pd.DataFrame({"unit": ["9161000", "9162000"], "year": [2013] * 2, "x": [1, 2]})
    assert list(mi.load_data(own).unit_ids) == ["9161000", "9162000"]
    units = pd.DataFrame({"unit": ["09162000"], "name": ["München"]})
    with pytest.raises(mi.DataValidationError) as caught:
        mi.load_data(book, units=units)
    (failure,) = caught.value.failures.itertuples()
    assert failure.value == "9162000" and "7 digits where keys have 8" in failure.reason
    data = mi.load_data(book, units=units, key={"pad": "auto"})
    assert list(data.unit_ids) == ["09162000"]
    assert data.long["value"].tolist() == [909641]


def test_other_units_of_a_source_with_no_cells_left(tmp_path: Path) -> None:
    """Found by fuzzing: a mapping that keeps none of an official export's cells left its
    regions as categories without rows, and leaving them out was an internal error."""
    genesis = tmp_path / "t.csv"
    genesis.write_text(
        "GENESIS-Tabelle: 12411-01-01-4\n;;31.12.2015\n;;Insgesamt\nDG;Deutschland;1\n"
        "01001;Flensburg;2\n__________\n",
        encoding="utf-8",
    )
    units = pd.DataFrame({"unit": ["01001"], "name": ["Flensburg"]})
    data = mi.load_data(genesis, units=units, mapping={"nope": "x"})
    assert set(data.warnings["code"]) == {"unknown_label"} and not data.variables


#: A table of the KBV's Arztatlas as downloaded (layout after the real 2023 export,
#: figures written by hand): a type column sorting the rows into KV regions, Kreise and
#: Raumordnungsregionen, Kreis keys written without their leading zero.
ARZTATLAS = (
    "Regionsschlüssel;Name;Regionstyp;Arztdichte\n"
    "1;Schleswig-Holstein;KV-Region;216,7\n"
    "2;Hamburg;KV-Region;310,3\n"
    "1001;Flensburg, Stadt;Kreise;262,1\n"
    "1002;Kiel, Stadt;Kreise;281,4\n"
    "1003;Lübeck, Stadt;Kreise;250,9\n"
    "101;Schleswig-Holstein Mitte;Raumordnungsregionen;198,2\n"
    "102;Schleswig-Holstein Ost;Raumordnungsregionen;205,7\n"
)


def test_load_data_filters_a_files_rows_as_a_project_source_does(tmp_path: Path) -> None:
    path = tmp_path / "arztatlas.csv"
    path.write_text(ARZTATLAS, encoding="utf-8")
    ds = mi.load_data(path, year=2023, filter={"Regionstyp": "Kreise"}, key={"pad": 5})
    assert list(ds.unit_ids) == ["01001", "01002", "01003"]
    assert ds.variables == ["Arztdichte"]
    assert ds.values[0, 1, 0] == pytest.approx(281.4)
    assert ds.units.loc["01003", "name"] == "Lübeck, Stadt"
    several = mi.load_data(
        path, year=2023, filter={"Regionstyp": ["KV-Region", "Kreise"]}, key={"pad": 5}
    )
    assert len(several.unit_ids) == 5
    # without the filter the type column is text: the problem says how to keep one kind
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(path, year=2023)
    text = err.value.failures.query("code == 'text_column'")["reason"].iloc[0]
    assert "kinds (KV-Region, Kreise, Raumordnungsregionen)" in text
    assert "filter: {Regionstyp: Raumordnungsregionen}" in text


def test_load_data_pivot_and_name_column(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "AGS;Jahr;Geschlecht;Ausländer;Bezeichnung\n"
        "03101;2020;männlich;16100;Braunschweig\n03101;2020;weiblich;14850;Braunschweig\n",
        encoding="utf-8",
    )
    ds = mi.load_data(path, pivot=["Geschlecht"], name_column="Bezeichnung")
    assert ds.variables == ["Ausländer | männlich", "Ausländer | weiblich"]
    assert ds.values[0, 0, 1] == 14850
    assert ds.units.loc["03101", "name"] == "Braunschweig"


def test_a_dataframe_takes_a_name_column_but_no_filter_or_pivot() -> None:
    frame = pd.DataFrame({"unit": ["01001"], "year": [2020], "kind": ["Kreise"], "x": [1.0]})
    with pytest.raises(mi.DataValidationError, match="select a DataFrame's rows with pandas"):
        mi.load_data(frame, filter={"kind": "Kreise"})
    named = frame.drop(columns="kind").assign(Gebiet="Flensburg")
    with pytest.raises(mi.DataValidationError, match="not a number"):
        mi.load_data(named)  # a column of names nobody named is read as figures
    renamed = mi.load_data(named, name_column="Gebiet")
    assert renamed.units.loc["01001", "name"] == "Flensburg"


def test_a_long_tables_text_values_are_reported_at_the_value_column(tmp_path: Path) -> None:
    # the hint for a column of kinds is for a wide table's column, never a long table's
    # values (yes/no answers typed as words); the problem names the column ``value``
    path = tmp_path / "long.csv"
    path.write_text(
        "unit,year,variable,value\n01001,2020,x,ja\n01002,2020,x,nein\n01003,2020,x,ja\n"
    )
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(path)
    failure = err.value.failures.query("code == 'text_column'").iloc[0]
    assert (failure["column"], failure["value"]) == ("value", "ja")
    assert "kinds" not in failure["reason"]


def test_berlins_register_statistics_by_planning_area(tmp_path: Path) -> None:
    """Berlin's Einwohnerregisterstatistik (the EWR matrix files; header as a public
    project's test shows it, figures by hand) dates its rows by the month, ``ZEIT``
    202412, and keys them by ``RAUMID``, the planning area, written without the leading
    zero of districts 1 to 9."""
    path = tmp_path / "EWR202412E_Matrix.csv"
    path.write_text(
        "ZEIT;BEZ;PGR;BZR;PLR;RAUMID;BEZPGR;E_E;E_EM;E_EW\n"
        "202412;1;10;1;1;1100101;110;3580;1869;1711\n"
        "202412;1;10;1;2;1100102;110;4200;2100;2100\n"
        "202412;11;10;1;2;11100102;110;4300;2100;2200\n",
        encoding="utf-8",
    )
    mapping = {"E_E": "pop_total"}
    ds = mi.load_data(path, key={"pad": 8}, mapping=mapping)
    assert list(ds.years) == [2024]
    assert list(ds.unit_ids) == ["01100101", "01100102", "11100102"]
    assert ds.values[0, 1, 0] == 4200
    with pytest.raises(mi.DataValidationError) as err:  # the lost zeros are reported
        mi.load_data(path, mapping=mapping)
    assert set(err.value.failures["code"]) == {"malformed_key"}


def test_a_school_tables_rs_column_is_the_realschule_not_a_key(tmp_path: Path) -> None:
    # GS, HS, RS, GY: pupils by school type, as town tables head them; "RS" is no key
    path = tmp_path / "schulen.csv"
    path.write_text(
        "Nr;Stadtteil;GS;HS;RS;GY\n101;Altstadt;320;80;150;410\n102;Nord;280;95;130;300\n"
    )
    ds = mi.load_data(path, year=2023)
    assert list(ds.unit_ids) == ["101", "102"]
    assert ds.variables == ["GS", "HS", "RS", "GY"]
    assert ds.values[0, 1, 2] == 130


#: A town's open data table of its districts (the layout of Kiel's open data portal, as a
#: public project's fixtures show it; figures made up): the variable in ``Merkmal``, the
#: date with underscores, names padded with spaces.
DISTRICTS_BY_SEX = (
    "Land;Stadt;Kategorie;Merkmal;Datum;Stadtteilnummer;Stadtteil;insgesamt;maennlich;weiblich\n"
    "de-sh;Kiel;Bevoelkerung;Einwohner insgesamt;2022_12_31;1;Altstadt;1213;631;582\n"
    "de-sh;Kiel;Bevoelkerung;Einwohner insgesamt;2023_12_31;1;Altstadt;1220;638;582\n"
    "de-sh;Kiel;Bevoelkerung;Einwohner insgesamt;2023_12_31;2;Vorstadt;1648;829;819\n"
    "de-sh;Kiel;Bevoelkerung;Auslaender;2022_12_31;1;Altstadt   ;200;120;80\n"
    "de-sh;Kiel;Bevoelkerung;Auslaender;2023_12_31;1;Altstadt   ;210;125;85\n"
    "de-sh;Kiel;Bevoelkerung;Auslaender;2023_12_31;2;Vorstadt;324;160;164\n"
)


def test_a_merkmal_column_names_each_rows_variable(tmp_path: Path) -> None:
    """``Merkmal`` sorts the rows into variables (before: a text column, and each value
    column a duplicate per unit and year); its text joins the value columns' heads."""
    path = tmp_path / "stadtteile.csv"
    path.write_text(DISTRICTS_BY_SEX, encoding="utf-8")
    ds = mi.load_data(path)
    assert list(ds.unit_ids) == ["1", "2"] and list(ds.years) == [2022, 2023]
    assert len(ds.variables) == 6
    women = ds.long.set_index(["unit", "year", "variable"])["value"]
    assert women[("1", 2023, "weiblich | Auslaender")] == 85
    assert women[("2", 2023, "insgesamt | Einwohner insgesamt")] == 1648
    assert ds.units.loc["1", "name"] == "Altstadt"


def test_a_constant_merkmal_names_the_variable_of_a_year_per_column(tmp_path: Path) -> None:
    path = tmp_path / "arbeitslose.csv"
    path.write_text(
        "Land;Stadt;Kategorie;Merkmal;Stadtteilnummer;Stadtteil;31.12.2023;31.12.2022\n"
        "de-sh;Kiel;wirtschaft_arbeit;Arbeitslose;1;Altstadt;16;14\n"
        "de-sh;Kiel;wirtschaft_arbeit;Arbeitslose;2;Vorstadt;43;41\n",
        encoding="utf-8",
    )
    ds = mi.load_data(path)
    assert ds.variables == ["Arbeitslose"]  # not the file's name
    assert value(ds, "2", 2022, "Arbeitslose") == 41


def test_districts_named_without_a_key_say_how_to_key_them(tmp_path: Path) -> None:
    path = tmp_path / "familienstand.csv"
    path.write_text(
        "Land;Stadt;Kategorie;Stadtteil;Jahr;ledig;verheiratet\n"
        "de-sh;Kiel;Bevoelkerung;Altstadt;31_12_2022;690;332\n"
        "de-sh;Kiel;Bevoelkerung;Vorstadt;31_12_2022;1014;365\n",
        encoding="utf-8",
    )
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(path)
    reason = err.value.failures["reason"].iloc[0]
    assert "names its units in 'Stadtteil' without a key" in reason
    assert "key: {match: name}" in reason
    units = pd.DataFrame({"unit": ["01", "02"], "name": ["Altstadt", "Vorstadt"]})
    ds = mi.load_data(path, key={"match": "name"}, units=units)
    assert value(ds, "02", 2022, "verheiratet") == 365


def test_inspect_reports_what_loading_the_file_would_find_in_its_cells(tmp_path: Path) -> None:
    """A row given twice with two figures, and one with a key (``05111``) given twice with
    the same figure: before, ``inspect`` described the file as readable without a word,
    and loading it then failed on the copy that disagrees."""
    from mint_index.data.load import describe_source
    from mint_index.data.source import SourceSpec

    path = tmp_path / "dup.csv"
    path.write_text(
        "AGS;Jahr;x\n05315;2020;1\n05315;2020;2\n05111;2020;3\n05111;2020;3\n", encoding="utf-8"
    )
    described = describe_source(SourceSpec(path=str(path)))
    assert described.warning_codes == ["duplicate_cell", "duplicate_cell", "repeated_cell"]
    assert described.warnings[1] == f"{path}:3:x  duplicate (unit, year, variable) (value '2')"
    assert described.warnings[2].startswith(f"{path}:5:x  the same (unit, year, variable) again")
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(path)
    assert err.value.failures["code"].tolist() == ["duplicate_cell", "duplicate_cell"]


def test_a_genesis_gemeinde_table_against_a_units_table_of_ars(tmp_path: Path) -> None:
    """The real Bavarian Gemeinde table keys by AGS (09162000); a units table from the
    Gemeindeverzeichnis keys by ARS (091620000000). München's Wahlberechtigte on
    15.09.2013 (line 11 of the file: 909641) arrive under its ARS; a Gemeinde the units
    table lists by ARS and a file by ARS read against an AGS units table too."""
    units = pd.DataFrame(
        {"unit": ["091610000000", "091620000000"], "name": ["Ingolstadt", "München"]}
    )
    units.to_csv(tmp_path / "units.csv", index=False)
    ds = mi.load_data(REAL / "14339-01-02-5_00.csv", units=tmp_path / "units.csv")
    assert sorted(ds.unit_ids) == ["091610000000", "091620000000"]
    assert value(ds, "091620000000", 2013, "Wahlberechtigte | Anzahl") == 909641
    assert value(ds, "091610000000", 2008, "Gültige Stimmen | Parteien | CDU/CSU | Anzahl") == 16784
    # a town's file keyed by ARS, a units table by AGS
    pd.DataFrame({"unit": ["091620000000"], "year": [2023], "x": [5.0]}).to_csv(
        tmp_path / "ars.csv", index=False
    )
    pd.DataFrame({"unit": ["09162000"], "name": ["München"]}).to_csv(
        tmp_path / "ags.csv", index=False
    )
    ds = mi.load_data(tmp_path / "ars.csv", units=tmp_path / "ags.csv")
    assert value(ds, "09162000", 2023, "x") == 5.0


def test_a_mapping_leaves_out_a_text_column_beside_a_variable_column(tmp_path: Path) -> None:
    """INKAR's long download: ``Bereich;Indikator;Wert``, the ``Indikator`` column naming
    the variables. A mapping that keeps ``Wert | Anteil`` still failed on the text column
    ``Bereich`` ("not a number"): its cells are variables ``Bereich | Anteil`` but its
    problems name the column ``Bereich``, and only the former went with the mapping."""
    (tmp_path / "t.csv").write_text(
        "AGS;Gemeinde;Bereich;Indikator;Wert\n05315000;Köln;Bev;Anteil;19,3\n"
        "05315000;Köln;Arb;Quote;12,1\n05111000;Ddf;Bev;Anteil;20,1\n",
        encoding="utf-8",
    )
    data = mi.load_data(tmp_path / "t.csv", year=2023, mapping={"Wert | Anteil": "share"})
    cells = data.long.set_index("unit")["value"]
    assert cells.to_dict() == {"05111000": 20.1, "05315000": 19.3}  # read by hand


def test_inkars_long_download_reads_without_options(tmp_path: Path) -> None:
    """INKAR's bulk file (``Bereich,ID,Indikator,Kuerzel,Raumbezug,Kennziffer,Name,
    Zeitbezug,Wert``): its year column, its variables and its figures are found without
    a flag; the codes and captions beside them are left out with warnings. Values read
    by hand from the rows below."""
    (tmp_path / "inkar.csv").write_text(
        "Bereich,ID,Indikator,Kuerzel,Raumbezug,Kennziffer,Name,Zeitbezug,Wert\n"
        'Bevölkerung,011,Ausländeranteil,q_ausl,Kreise,01001,"Flensburg, Stadt",2021,11.97\n'
        'Arbeit,104,Arbeitslose Ausländer,alo_a,Kreise,01001,"Flensburg, Stadt",2021,14.15\n'
        'Bevölkerung,011,Ausländeranteil,q_ausl,Kreise,05315,"Köln, Stadt",2021,19.34\n'
        'Arbeit,104,Arbeitslose Ausländer,alo_a,Kreise,05315,"Köln, Stadt",2021,13.2\n',
        encoding="utf-8",
    )
    data = mi.load_data(tmp_path / "inkar.csv")
    cells = data.long.set_index(["unit", "variable"])["value"]
    assert cells[("05315", "Wert | Ausländeranteil")] == 19.34
    assert cells[("01001", "Wert | Arbeitslose Ausländer")] == 14.15
    assert set(data.variables) == {"Wert | Ausländeranteil", "Wert | Arbeitslose Ausländer"}
    assert list(data.years) == [2021]
