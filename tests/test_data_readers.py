"""Readers: CSV (separators, decimal comma, encodings), Excel, Parquet, DataFrames; long
and wide layouts; cell conventions; write-then-read round trips."""

from __future__ import annotations

import math
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mint_index as mi
from mint_index.data import MISSING_REASONS
from mint_index.data.cells import key_text, sniff_decimal
from mint_index.data.readers import detect_encoding, sniff_separator, text_sample

UMLAUT_NAMES = ["Düsseldorf", "Mönchengladbach", "Gießen", "Lörrach"]


def value_of(ds: mi.Dataset, unit: str, year: int, variable: str) -> float:
    row = ds.long.query("unit == @unit and year == @year and variable == @variable")
    assert len(row) == 1, f"expected one row for {unit}/{year}/{variable}"
    return float(row["value"].iloc[0])


def same(got: object, expected: str | None) -> bool:
    """Dataset.long gives None (or NaN under pandas 3) where there is no reason or flag."""
    return pd.isna(got) if expected is None else got == expected


def cell(ds: mi.Dataset, unit: str, year: int, variable: str) -> pd.Series:
    row = ds.long.query("unit == @unit and year == @year and variable == @variable")
    assert len(row) == 1
    return row.iloc[0]


# ---- cell conventions, read from files ----------------------------------------------


def test_unknown_mark_is_a_warning_with_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("unit;year;pop;cows\n08111000;2015;612441;.g\n08115000;2015;.p;93\n")
    ds = mi.load_data(path)
    cows = cell(ds, "08111000", 2015, "cows")
    assert math.isnan(cows["value"]) and cows["missing_reason"] == "unknown_or_secret"
    assert cell(ds, "08115000", 2015, "pop")["flag"] == "provisional"
    assert ds.warnings[["row", "column", "value", "code"]].values.tolist() == [
        [2, "cows", ".g", "unknown_mark"]
    ]
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(path, strict=True)
    assert err.value.failures["code"].tolist() == ["unknown_mark"]


_NAME_TEXT = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ ,.-/", max_size=20
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.from_regex(r"\A[0-9]{5}\Z"),  # one key length, as a table of Kreise has
            st.tuples(
                st.sampled_from("ABDEGHKLMNORSTÄÖÜ"), st.sampled_from("aeiouäöü"), _NAME_TEXT
            ).map("".join),
            st.integers(0, 10**6),
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda row: row[0],
    ),
    key_last=st.booleans(),
)
def test_key_and_name_in_one_cell_read_as_in_two_columns(
    tmp_path: Path, rows: list[tuple[str, str, int]], key_last: bool
) -> None:
    """The same table with ``Schlüssel;Name`` columns and with one ``key name`` column (or
    ``name (key)``) gives the same cells and names."""
    two = ["Schlüssel;Name;Einwohner", *(f"{k};{n};{v}" for k, n, v in rows)]
    labels = [(f"{n} ({k})" if key_last else f"{k} {n}", v) for k, n, v in rows]
    one = ["Region;Einwohner", *(f"{label};{v}" for label, v in labels)]
    read = []
    for name, lines in (("two.csv", two), ("one.csv", one)):
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        read.append(mi.load_data(tmp_path / name, year=2023))
    columns = ["unit", "year", "variable", "value"]
    assert read[1].long[columns].astype(str).equals(read[0].long[columns].astype(str))
    assert read[1].units["name"].to_dict() == read[0].units["name"].to_dict()


def test_a_value_without_a_variable_name_is_reported_not_a_crash(tmp_path: Path) -> None:
    """Found by fuzzing: an empty variable cell in a long table crashed validation
    (``np.bincount`` of a -1 code); a Merkmal row without its Merkmal too."""
    (tmp_path / "long.csv").write_text("unit;year;variable;value\n01;2020;;5\n02;2020;x;6\n")
    (tmp_path / "merkmal.csv").write_text("AGS;Merkmal;2021\n01;Einwohner;5\n02;;6\n")
    for name, row in (("long.csv", 2), ("merkmal.csv", 3)):
        with pytest.raises(mi.DataValidationError) as err:
            mi.load_data(tmp_path / name)
        failures = err.value.failures
        assert failures[["row", "code"]].to_numpy().tolist() == [[row, "empty_variable"]]


def test_a_department_table_with_marks_percentages_and_a_total(tmp_path: Path) -> None:
    # as a town's spreadsheet saved as CSV writes them: thousands dots, a footnote mark,
    # percentages with their sign, a total row and the footnote below
    path = tmp_path / "t.csv"
    path.write_text(
        "Nr;Stadtteil;Einwohner;Ausländeranteil\n101;Altstadt-Nord;12.345¹;20,5 %\n"
        "102;Altstadt-Süd;9.000;12,0 %\n;Insgesamt;21.345;17,1 %\n1) vorläufige Werte\n",
        encoding="utf-8",
    )
    ds = mi.load_data(path, year=2023)
    assert list(ds.unit_ids) == ["101", "102"]
    assert value_of(ds, "101", 2023, "Einwohner") == 12345
    assert value_of(ds, "102", 2023, "Ausländeranteil") == pytest.approx(12.0)
    found = ds.warnings[["row", "column", "code"]].to_numpy().tolist()
    assert sorted(found) == [
        [2, "Einwohner", "footnote_mark"],
        [4, "Stadtteil", "total_row"],
        [5, "Nr", "note_below_table"],
    ]


def test_years_with_a_footnote_mark_are_read_with_a_warning(tmp_path: Path) -> None:
    # a time series whose latest years are provisional, as the footnote below it says
    path = tmp_path / "t.csv"
    path.write_text("AGS;Jahr;Einwohner\n05315000;2022;5\n05315000;2023¹;6\n", encoding="utf-8")
    ds = mi.load_data(path)
    assert list(ds.years) == [2022, 2023] and value_of(ds, "05315000", 2023, "Einwohner") == 6
    found = ds.warnings[["row", "column", "value", "code"]].to_numpy().tolist()
    assert found == [[3, "Jahr", "2023¹", "footnote_mark"]]
    # and as column heads
    heads = tmp_path / "heads.csv"
    heads.write_text("Nr;Einwohner 2022;Einwohner 2023¹\n1;5;6\n", encoding="utf-8")
    by_heads = mi.load_data(heads)
    assert list(by_heads.years) == [2022, 2023] and by_heads.variables == ["Einwohner"]
    assert list(by_heads.warnings["code"]) == ["footnote_mark"]


def test_a_file_with_carriage_returns_only(tmp_path: Path) -> None:
    # the line ends of old Mac exports: every line break a lone CR
    (tmp_path / "cr.csv").write_bytes(b"AGS;Name;Einwohner\r01001;Flensburg;90000\r01002;Kiel;4\r")
    ds = mi.load_data(tmp_path / "cr.csv", year=2022)
    assert ds.long.set_index("unit").loc["01001", "value"] == 90000


@pytest.mark.parametrize(
    ("text", "encoding"),
    [("a;Gießen ä €", "utf-8"), ("a;Gießen ä", "latin-1"), ("a;Gießen „x“ €", "cp1252")],
)
def test_detect_encoding(text: str, encoding: str) -> None:
    raw = text.encode(encoding)
    found = detect_encoding(raw)
    assert raw.decode(found) == text
    assert detect_encoding(b"\xef\xbb\xbf" + "ä".encode()) == "utf-8-sig"


def test_sniff_separator_and_decimal() -> None:
    assert sniff_separator("unit;year;x\n01;2020;1,5\n02;2020;2,25\n") == ";"
    assert sniff_separator("unit,year,x\n01,2020,1.5\n02,2020,2.5\n") == ","
    assert sniff_separator("unit\tyear\tx\n01\t2020\t1\n") == "\t"
    # a title above the table, written without any separator, does not decide
    assert sniff_separator("Einwohner 2023\nNr,Name,x\n1,a,1.5\n2,b,2\n") == ","
    # nor does one with a comma in it, as titles are written ("..., Stand 31.12.2023"),
    # or a source line below: the separator the table's lines share decides
    titled = "Bevölkerung, Stand 31.12.2023\n\nAGS;Name;x;y\n01;a;1,5;2\n02;b;2;3\n03;c;4;5\n"
    assert sniff_separator(titled) == ";"
    assert sniff_separator(titled + "Quelle: Statistikamt, 2024\n\n") == ";"
    # a comma file whose quoted figures hold a decimal comma
    assert sniff_separator('"AGS","x"\n"01","13,5"\n"02","14"\n"03","2,25"\n') == ","
    sample = pd.DataFrame({"x": ["1,5", "2,25", "3"]})
    assert sniff_decimal(sample, ";") == ","
    assert sniff_decimal(pd.DataFrame({"x": ["1.5", "2"]}), ";") == "."
    # in a ";" file, dots that all group three digits are German thousands marks
    assert sniff_decimal(pd.DataFrame({"x": ["1.500", "90.131", "7"]}), ";") == ","
    assert sniff_decimal(pd.DataFrame({"x": ["1.500", "2.25"]}), ";") == "."


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(st.integers(0, 10**6), min_size=1, max_size=6),
    titles=st.lists(st.sampled_from(["Einwohner 2023", "Quelle: Stadt", ""]), max_size=3),
    notes=st.lists(st.sampled_from(["Fußnote: vorläufig", "1) ohne Zweitwohnsitz"]), max_size=2),
    totals=st.lists(
        st.sampled_from(
            [("", "Insgesamt"), ("Summe", ""), ("", "Stadt insgesamt¹"), ("0", "Gesamtstadt")]
        ),
        max_size=2,
    ),
    excel=st.booleans(),
)
def test_titles_notes_and_totals_around_a_table_change_no_value(
    tmp_path: Path,
    values: list[int],
    titles: list[str],
    notes: list[str],
    totals: list[tuple[str, str]],
    excel: bool,
) -> None:
    header = ["Nr", "Stadtteil", "Einwohner", "Ausländer"]
    body = [[str(100 + i), f"Teil {i}", str(v), str(v // 3)] for i, v in enumerate(values)]
    sums = [str(sum(values)), str(sum(v // 3 for v in values))]
    empty = ["", "", "", ""]
    padded = (
        [[t, "", "", ""] for t in titles]
        + [header]
        + body
        + [[key, name, *sums] for key, name in totals]
        + [empty]
        + [[n, "", "", ""] for n in notes]
    )
    plain, framed = tmp_path / "plain", tmp_path / "framed"
    for folder, rows in ((plain, [header, *body]), (framed, padded)):
        folder.mkdir(exist_ok=True)
        if excel:
            pd.DataFrame(rows).to_excel(folder / "t.xlsx", header=False, index=False)
        else:
            (folder / "t.csv").write_text("\n".join(";".join(r) for r in rows) + "\n")
    name = "t.xlsx" if excel else "t.csv"
    read = [mi.load_data(folder / name, year=2023).long for folder in (plain, framed)]
    columns = ["unit", "year", "variable", "value"]
    assert read[0][columns].astype(str).equals(read[1][columns].astype(str))
    assert read[1]["value"].sum() == sum(values) + sum(v // 3 for v in values)


# ---- CSV ----------------------------------------------------------------------------
def test_a_separator_ending_every_data_line_shifts_no_column(tmp_path: Path) -> None:
    """Data lines ending in a separator the header lacks: pandas took the first column for
    an index and shifted the others, so Einwohner read the foreigners (200) and the names
    became the keys, without a word. The empty trailing fields are left out now; a filled
    field beyond the header names its line."""
    path = tmp_path / "t.csv"
    path.write_text("Nr;Stadtteil;Einwohner;Ausländer\n101;Altstadt;1000;200;\n102;Neu;2000;300;\n")
    ds = mi.load_data(path, year=2023)
    assert list(ds.unit_ids) == ["101", "102"]
    assert value_of(ds, "101", 2023, "Einwohner") == 1000
    assert value_of(ds, "102", 2023, "Ausländer") == 300
    assert ds.units.loc["101", "name"] == "Altstadt"
    path.write_text("Nr;Stadtteil;Einwohner\n101;Altstadt;1000\n102;Neu;2000;300\n")
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(path, year=2023)
    problem = err.value.failures.iloc[0]
    assert problem["code"] == "unreadable_file"
    assert "line 3 has 4 fields where the header has 3" in problem["reason"]
    # Windows line ends, and a lone carriage return in the last line (old Mac exports)
    path.write_bytes(b"Nr;Stadtteil;Einwohner\r\n101;Altstadt;1000;\r\n102;Neu;2000;\r")
    assert mi.load_data(path, year=2023).values[0, :, 0].tolist() == [1000, 2000]
    units = tmp_path / "units.csv"
    units.write_text("unit,name\n101,Altstadt,\n102,Neu,\n")
    assert mi.load_units(units)["name"].to_dict() == {"101": "Altstadt", "102": "Neu"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "cp1252"])
@pytest.mark.parametrize(("sep", "decimal"), [(",", "."), (";", ","), (";", "."), ("\t", ",")])
def test_wide_csv_encodings_separators_decimals(
    tmp_path: Path, encoding: str, sep: str, decimal: str
) -> None:
    keys = ["05111000", "05116000", "06531005", "08336050"]
    rates = [12.5, 0.25, 99.75, 3.0]
    lines = [sep.join(["unit", "year", "name", "pop", "rate"])]
    for key, name, pop, rate in zip(
        keys, UMLAUT_NAMES, [620_000, 260_000, 90_000, 50_000], rates, strict=True
    ):
        lines.append(sep.join([key, "2021", name, str(pop), f"{rate}".replace(".", decimal)]))
    path = tmp_path / "wide.csv"
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    ds = mi.load_data(path)
    assert list(ds.unit_ids) == keys
    assert ds.variables == ["pop", "rate"]
    for key, rate in zip(keys, rates, strict=True):
        assert value_of(ds, key, 2021, "rate") == pytest.approx(rate)
    assert value_of(ds, "06531005", 2021, "pop") == 90_000
    assert ds.units.loc["06531005", "name"] == "Gießen"
    assert ds.units.loc["05116000", "name"] == "Mönchengladbach"
    prov = ds.provenance.iloc[0]
    assert prov["format"] == "csv" and prov["layout"] == "wide" and prov["rows"] == 4


def test_long_csv_with_flags_and_reasons(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "unit,year,variable,value,flag,missing_reason\n"
        "01001000,2020,pop,90000,p,\n"
        "01001000,2020,foreign,,,locked\n"
        "01001000,2021,pop,91000,revised,\n"
        "01002000,2020,pop,.,,\n"
        "01002000,2020,foreign,-,,\n",
        encoding="utf-8",
    )
    ds = mi.load_data(path)
    assert ds.provenance.iloc[0]["layout"] == "long"
    assert cell(ds, "01001000", 2020, "pop")["flag"] == "provisional"
    assert cell(ds, "01001000", 2021, "pop")["flag"] == "revised"
    locked = cell(ds, "01001000", 2020, "foreign")
    assert math.isnan(locked["value"]) and locked["missing_reason"] == "locked"
    secret = cell(ds, "01002000", 2020, "pop")
    assert math.isnan(secret["value"]) and secret["missing_reason"] == "unknown_or_secret"
    zero = cell(ds, "01002000", 2020, "foreign")
    assert zero["value"] == 0 and zero["flag"] == "nothing_there"
    # a cell absent from the input is "not_in_data", not a silent NaN
    y, u, v = list(ds.years).index(2021), list(ds.unit_ids).index("01002000"), 0
    assert MISSING_REASONS[ds.reason[y, u, v]] == "not_in_data"


def test_long_csv_unknown_flag_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("unit,year,variable,value,flag\n01,2020,pop,1,z\n", encoding="utf-8")
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(path)
    row = err.value.failures.iloc[0]
    assert (row["row"], row["column"], row["value"]) == (2, "flag", "z")
    assert row["reason"].startswith("unknown flag")


def test_forced_layout_and_custom_key_columns(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text("AGS;Jahr;variable;value\n09162000;2019;1;2\n", encoding="utf-8")
    ds = mi.load_data(path, format="csv", layout="wide", unit_column="AGS", year_column="Jahr")
    assert ds.variables == ["variable", "value"]
    assert list(ds.unit_ids) == ["09162000"] and list(ds.years) == [2019]


def test_year_given_for_files_without_year(tmp_path: Path) -> None:
    for year in (2019, 2020):
        (tmp_path / f"{year}.csv").write_text(f"unit,pop\n01001000,{year - 1000}\n")
    ds = mi.load_data([tmp_path / "2019.csv", tmp_path / "2020.csv"], year=[2019, 2020])
    assert list(ds.years) == [2019, 2020]
    assert value_of(ds, "01001000", 2020, "pop") == 1020
    assert len(ds.provenance) == 2


def test_unit_given_for_a_table_about_one_place(tmp_path: Path) -> None:
    # a department's table of its own town: one row per year, no key column
    path = tmp_path / "town.csv"
    path.write_text("year;pop;foreign\n2021;48210;5120\n2022;48650;5530\n")
    ds = mi.load_data(path, unit="03241001")
    assert list(ds.unit_ids) == ["03241001"] and list(ds.years) == [2021, 2022]
    assert value_of(ds, "03241001", 2022, "foreign") == 5530
    # a key column in the file wins over unit=, as a year column wins over year=
    keyed = tmp_path / "keyed.csv"
    keyed.write_text("unit,year,pop\n03241002,2021,7\n")
    assert list(mi.load_data(keyed, unit="03241001").unit_ids) == ["03241002"]
    one_place = "give the key of a file about one place: unit, --unit"
    with pytest.raises(mi.DataValidationError, match=one_place):
        mi.load_data(path)
    with pytest.raises(mi.MintIndexError, match="unit= has 1 values for 2 sources"):
        mi.load_data([path, keyed], unit=["03241001"])


def test_years_as_columns_are_one_variable_named_by_the_file(tmp_path: Path) -> None:
    # a town's time series: a district per row, a year per column, one variable
    path = tmp_path / "auslaenderanteil.csv"
    path.write_text(
        "Nr;Stadtteil;2019;2020;31.12.2021\n101;Altstadt-Nord;12,5;13,1;13,8\n"
        "102;Altstadt-Süd;9,4;.;10,2\n",
        encoding="utf-8",
    )
    ds = mi.load_data(path)
    assert ds.variables == ["auslaenderanteil"] and list(ds.years) == [2019, 2020, 2021]
    assert value_of(ds, "101", 2021, "auslaenderanteil") == pytest.approx(13.8)
    assert cell(ds, "102", 2020, "auslaenderanteil")["missing_reason"] == "unknown_or_secret"
    assert ds.units.loc["102", "name"] == "Altstadt-Süd"
    bad = tmp_path / "anteil.csv"
    bad.write_text("Nr;2019;2020\n101;12,5;zwölf\n", encoding="utf-8")
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(bad)
    failure = err.value.failures.iloc[0]
    assert (failure["row"], failure["column"], failure["value"]) == (2, "2020", "zwölf")
    # school years as column heads, with the option that says where they count
    schools = tmp_path / "elternvertretungen.csv"
    schools.write_text("Nr;Stadtbezirk;2022/23;2023/24\n1;Innenstadt;3;4\n", encoding="utf-8")
    ended = mi.load_data(schools, school_year="end")
    assert list(ended.years) == [2023, 2024]
    assert value_of(ended, "1", 2024, "elternvertretungen") == 4
    # with a year given, the columns are variables again (a table of one year)
    given = mi.load_data(path, year=2022)
    assert given.variables == ["2019", "2020", "31.12.2021"] and list(given.years) == [2022]


def test_several_files_one_per_table(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("unit,year,pop\n01001000,2020,5\n")
    (tmp_path / "b.csv").write_text("unit;year;rate\n01001000;2020;1,5\n")
    ds = mi.load_data([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert ds.variables == ["pop", "rate"]
    assert value_of(ds, "01001000", 2020, "rate") == 1.5


def test_text_column_in_wide_table_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("unit,year,partei,pop\n01001000,2020,SPD,5\n01002000,2020,CDU,6\n")
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(path)
    failures = err.value.failures
    assert len(failures) == 1
    assert failures.iloc[0]["column"] == "partei"
    assert "holds text" in failures.iloc[0]["reason"]


# ---- Excel, Parquet, DataFrames -----------------------------------------------------
def test_excel_wide(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "unit": ["01001000", "09162000"],
            "year": [2020, 2020],
            "name": ["Flensburg", "München"],
            "pop": [90_000, 1_500_000],
            "rate": ["12.5", "(3)"],
        }
    )
    path = tmp_path / "data.xlsx"
    frame.to_excel(path, index=False)
    ds = mi.load_data(path)
    assert list(ds.unit_ids) == ["01001000", "09162000"]
    assert value_of(ds, "09162000", 2020, "pop") == 1_500_000
    assert cell(ds, "09162000", 2020, "rate")["flag"] == "limited_value"
    assert ds.units.loc["09162000", "name"] == "München"
    assert ds.provenance.iloc[0]["format"] == "excel"


def test_official_keys_written_in_groups_are_one_key(tmp_path: Path) -> None:
    # AGS as printed tables set them; a short grouped key may be a town's own: left alone
    path = tmp_path / "t.csv"
    path.write_text(
        "AGS;Gemeinde;Einwohner\n05 315 000;Köln;1084831\n05 1 11 000;Düsseldorf;629047\n",
        encoding="utf-8",
    )
    ds = mi.load_data(path, year=2023)
    assert list(ds.unit_ids) == ["05111000", "05315000"]
    assert value_of(ds, "05315000", 2023, "Einwohner") == 1084831
    assert key_text(np.array(["10 1", "05 315", "101 A"], dtype=object)).tolist() == [
        "10 1",
        "05315",
        "101 A",
    ]


def test_excel_numeric_keys_are_reported_with_their_sheet_row(tmp_path: Path) -> None:
    frame = pd.DataFrame({"unit": [1001000, 9162000], "year": [2020, 2020], "pop": [1, 2]})
    path = tmp_path / "data.xlsx"
    frame.to_excel(path, index=False)
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(path)
    failures = err.value.failures
    numeric = failures[failures["reason"].str.contains("stored as a number")]
    assert sorted(numeric["row"]) == [2, 3]  # sheet rows below the header
    assert set(numeric["value"]) == {"1001000", "9162000"}


@pytest.mark.parametrize("huge", [1e300, float("inf")])
def test_a_number_too_large_for_a_key_is_reported_not_a_crash(huge: float) -> None:
    """Found by fuzzing: 1e300 or inf among numeric keys crashed the key check (a cast to
    a 64-bit integer); the keys are reported as numbers, as any numeric keys are."""
    frame = pd.DataFrame({"unit": [huge, 9162000.0], "year": [2020, 2020], "pop": [1, 2]})
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(frame)
    assert "numeric_keys" in set(err.value.failures["code"])


def test_parquet_long(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "unit": ["01001000", "01001000"],
            "year": [2020, 2021],
            "variable": ["pop", "pop"],
            "value": [1.5, 2.5],
            "flag": [None, "p"],
        }
    )
    path = tmp_path / "data.parquet"
    frame.to_parquet(path)
    ds = mi.load_data(path)
    assert value_of(ds, "01001000", 2021, "pop") == 2.5
    assert cell(ds, "01001000", 2021, "pop")["flag"] == "provisional"
    assert ds.provenance.iloc[0]["format"] == "parquet"


def test_dataframe_wide_with_index(tmp_path: Path) -> None:
    frame = pd.DataFrame({"unit": ["A1", "B2"], "year": [2020, 2020], "x": [1.0, np.nan]})
    ds = mi.load_data(frame.set_index(["unit", "year"]))
    assert list(ds.unit_ids) == ["A1", "B2"]
    assert cell(ds, "B2", 2020, "x")["missing_reason"] == "missing"


def test_unknown_format_and_layout_are_errors() -> None:
    valid = "valid formats: csv, genesis, genesis-flat, opensdg, excel, parquet, template"
    with pytest.raises(mi.MintIndexError, match=valid):
        mi.load_data("x.csv", format="json")
    with pytest.raises(mi.MintIndexError, match="valid layouts: long, wide"):
        mi.load_data("x.csv", layout="tall")


def test_missing_file_is_a_failure_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(tmp_path / "nope.csv")
    assert err.value.failures.iloc[0]["reason"] == "file not found"


# ---- round trips --------------------------------------------------------------------
keys_strategy = st.lists(
    st.text(alphabet=string.digits, min_size=5, max_size=12).map(lambda k: "0" + k[1:]),
    min_size=1,
    max_size=6,
    unique=True,
)
finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_subnormal=False)
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(
    keys=keys_strategy,
    data=st.data(),
    sep_decimal=st.sampled_from([(",", "."), (";", ","), (";", ".")]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252"]),
)
def test_wide_csv_round_trip(
    tmp_path: Path,
    keys: list[str],
    data: st.DataObject,
    sep_decimal: tuple[str, str],
    encoding: str,
) -> None:
    sep, decimal = sep_decimal
    values = data.draw(
        st.lists(
            st.lists(finite | st.none(), min_size=2, max_size=2),
            min_size=len(keys),
            max_size=len(keys),
        )
    )
    lines = [sep.join(["unit", "year", "name", "a", "b"])]
    for key, row in zip(keys, values, strict=True):
        cells = ["" if v is None else repr(v).replace(".", decimal) for v in row]
        lines.append(sep.join([key, "2020", "Ümlaut", *cells]))
    path = tmp_path / "round.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    ds = mi.load_data(path, decimal=decimal)
    assert sorted(ds.unit_ids) == sorted(keys)
    for key, row in zip(keys, values, strict=True):
        for variable, v in zip(["a", "b"], row, strict=True):
            got = cell(ds, key, 2020, variable)
            if v is None:
                assert got["missing_reason"] == "missing"
            else:
                assert got["value"] == v


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx"])
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(keys=keys_strategy, data=st.data())
def test_long_parquet_and_excel_round_trip(
    tmp_path: Path, suffix: str, keys: list[str], data: st.DataObject
) -> None:
    # Excel keeps 15 significant digits, so the values are drawn at that precision
    decimals = st.decimals(
        min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False
    ).map(float)
    values = data.draw(st.lists(decimals, min_size=len(keys), max_size=len(keys)))
    frame = pd.DataFrame({"unit": keys, "year": 2020, "variable": "v", "value": values})
    path = tmp_path / f"r{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_excel(path, index=False)
    ds = mi.load_data(path)
    assert sorted(ds.unit_ids) == sorted(keys)
    got = ds.long.set_index("unit")["value"]
    for key, v in zip(keys, values, strict=True):
        assert got[key] == v


def test_text_sample_ends_after_a_whole_record() -> None:
    """The sample is cut at a line end outside quotes: never inside a quoted cell, even
    one with a line break in it."""
    short = 'a,b\n"1,5",2\n'
    assert text_sample(short, size=100) == short
    text = 'key,"note\nover two lines"\n' + '01,"1,5"\n' * 10
    cut = text_sample(text, size=40)
    assert cut.endswith("\n") and cut.count('"') % 2 == 0 and text.startswith(cut)
    assert cut == 'key,"note\nover two lines"\n01,"1,5"\n'
    # no line end outside quotes in the sample: the sample as it is
    assert text_sample('"' + "x" * 50, size=10) == '"' + "x" * 9


def test_a_header_longer_than_the_sample_is_read_whole(tmp_path: Path) -> None:
    """A CSV file whose header line is longer than the sample (5,000 columns, 75 KB):
    the separator was sniffed from a cut line ("required column missing: unit", its
    columns listed as one), and the sample's names did not fit the file's columns."""
    heads = ["unit", "year", *(f"Merkmal_{i:05d}" for i in range(5000))]
    row = ["08999001", "2024", *(str(i % 7) for i in range(5000))]
    assert len(",".join(heads)) > 65536
    header = ",".join(heads) + "\n"
    assert text_sample(header + "x\n", size=100) == header
    assert sniff_separator(header[:65536]) == ","  # the only line, cut: still its separator
    (tmp_path / "wide.csv").write_text(header + ",".join(row) + "\n", encoding="utf-8")
    data = mi.load_data(tmp_path / "wide.csv")
    assert len(data.variables) == 5000
    assert value_of(data, "08999001", 2024, "Merkmal_04999") == 4999 % 7
