"""Readers: CSV (separators, decimal comma, encodings), Excel, Parquet, DataFrames; long
and wide layouts; cell conventions; write-then-read round trips."""

from __future__ import annotations

import datetime
import math
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mint_index as mi
from mint_index.data import FLAGS, MISSING_REASONS
from mint_index.data.readers import (
    blank_and_note_rows,
    cell_warnings,
    column_numbering,
    detect_encoding,
    head_cell,
    header_depth,
    header_labels,
    header_rows,
    key_text,
    keys_in_labels,
    month_stamps,
    names_two_years,
    parse_cells,
    parse_years,
    sniff_decimal,
    sniff_separator,
    text_sample,
    title_rows,
    title_year,
    total_rows,
    year_failures,
)

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


# ---- cell conventions ---------------------------------------------------------------
def test_parse_cells_numbers_symbols_and_flags() -> None:
    cells = [
        "12",
        "-",
        ".",
        "x",
        "/",
        "...",
        "(7)",
        "8p",
        "9 r",
        "3s",
        "4e",
        "",
        "NA",
        "abc",
        "1.5",
    ]
    parsed = parse_cells(pd.Series(cells, dtype=object))
    expected_values = [
        12,
        0,
        np.nan,
        np.nan,
        np.nan,
        np.nan,
        7,
        8,
        9,
        3,
        4,
        np.nan,
        np.nan,
        np.nan,
        1.5,
    ]
    np.testing.assert_array_equal(parsed.value, np.array(expected_values, dtype=float))
    reasons = [MISSING_REASONS[c] for c in parsed.reason]
    assert reasons == [
        "",
        "",
        "unknown_or_secret",
        "locked",
        "not_reliable",
        "not_yet_available",
        "",
        "",
        "",
        "",
        "",
        "missing",
        "missing",
        "",
        "",
    ]
    flags = [FLAGS[c] for c in parsed.flag]
    assert flags == [
        "",
        "nothing_there",
        "",
        "",
        "",
        "",
        "limited_value",
        "provisional",
        "revised",
        "estimated",
        "final",
        "",
        "",
        "",
        "",
    ]
    assert parsed.bad.tolist() == [False] * 13 + [True, False]


def test_parse_cells_symbol_with_a_mark() -> None:
    # a symbol may carry a flag (``.p``, ``- r``); a no-value symbol with a mark no flag
    # defines (``.g``, as a Regionalstatistik export writes it) is still that symbol; a
    # zero (``-``) or a number with an unknown mark is not read at all
    cells = [".p", "- r", "/ s", "...e", ".g", "x q", "-g", "12g", "g"]
    parsed = parse_cells(pd.Series(cells, dtype=object), ",")
    np.testing.assert_array_equal(
        parsed.value, [np.nan, 0, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan]
    )
    assert [MISSING_REASONS[c] for c in parsed.reason[:6]] == [
        "unknown_or_secret",
        "",
        "not_reliable",
        "not_yet_available",
        "unknown_or_secret",
        "locked",
    ]
    assert [FLAGS[c] for c in parsed.flag[:6]] == [
        "provisional",
        "revised",
        "estimated",
        "final",
        "",
        "",
    ]
    assert parsed.bad.tolist() == [False] * 6 + [True] * 3
    assert parsed.unknown_mark is not None
    assert parsed.unknown_mark.tolist() == [False] * 4 + [True, True] + [False] * 3


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


_CELLS = st.one_of(
    st.text(max_size=6),
    st.sampled_from([".g", ".p", "- r", "12g", "x", "…s", "1.234,5", "(7)", "8 p", "-g"]),
    st.floats(allow_nan=True, allow_infinity=True),
)


@given(st.lists(_CELLS, max_size=20), st.sampled_from([".", ","]))
def test_parse_cells_accounts_for_every_cell(cells: list[object], decimal: str) -> None:
    # whatever arrives, each cell is a number, a missing value with its reason, or reported;
    # never a number that is also reported, and an unknown mark only on a missing value
    parsed = parse_cells(pd.Series(cells, dtype=object), decimal)
    number = ~np.isnan(parsed.value)
    assert (number | (parsed.reason > 0) | parsed.bad).all()
    assert not (number & parsed.bad).any()
    marked = np.zeros(len(cells), bool) if parsed.unknown_mark is None else parsed.unknown_mark
    assert not (marked & (number | parsed.bad)).any()
    # a footnote is only ever on a cell read as a number
    footnote = np.zeros(len(cells), bool) if parsed.footnote is None else parsed.footnote
    assert not (footnote & ~number).any()


def test_parse_cells_reads_typeset_figures() -> None:
    cells = ["−3,5", "–3,5", "–", "12 345", "12\u00a0345,5", "1\u202f234\u2009567", "12 34"]
    parsed = parse_cells(pd.Series(cells, dtype=object), ",")
    assert parsed.value[:6].tolist() == [-3.5, -3.5, 0.0, 12345.0, 12345.5, 1234567.0]
    assert parsed.flag[2] == FLAGS.index("nothing_there")  # the dash as Destatis prints it
    assert parsed.bad.tolist() == [False] * 6 + [True]  # not groups of three: reported


def test_keys_in_labels_finds_a_key_before_or_after_the_name() -> None:
    cells = ["05315 Köln, Stadt", "Köln, Stadt (05315)", "05 315 000 Köln", "101 Altstadt-Süd"]
    others = ["12 A", "Insgesamt", None, "2023", "1. Bezirk", "05315"]
    split, keys, names = keys_in_labels(pd.Series(cells + others, dtype=object))
    assert split.tolist() == [True] * 4 + [False] * 6
    assert keys[:4].tolist() == ["05315", "05315", "05 315 000", "101"]
    assert names[:4].tolist() == ["Köln, Stadt", "Köln, Stadt", "Köln", "Altstadt-Süd"]


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


def test_other_publishers_symbols_and_no_information_in_words() -> None:
    """``*`` alone: the Bundesagentur für Arbeit's secret; ``—``: Hessen's exact zero;
    ``k.A.`` and ``keine Angabe``: an empty cell in words. ``n.v.`` may mean "none at
    all" as well as "not available", so it is reported, not read."""
    cells = ["*", "—", "—3,5", "k.A.", "k. A.", "K.A", "keine Angabe", "Keine Angaben", "n.v."]
    parsed = parse_cells(pd.Series(cells, dtype=object), ",")
    secret, missing = MISSING_REASONS.index("unknown_or_secret"), MISSING_REASONS.index("missing")
    assert np.isnan(parsed.value[0]) and parsed.reason[0] == secret
    assert parsed.value[1:3].tolist() == [0.0, -3.5]
    assert parsed.flag[1] == FLAGS.index("nothing_there")
    assert np.isnan(parsed.value[3:]).all()
    assert parsed.reason[3:8].tolist() == [missing] * 5
    assert parsed.bad.tolist() == [False] * 8 + [True]


def test_parse_cells_reads_percent_signs_and_footnote_marks() -> None:
    cells = ["12,5 %", "9%", "1.234,5¹", "1.234 2)", "7*", "8 (3)", "(12)", "x 1)", "%", "5 p"]
    parsed = parse_cells(pd.Series(cells, dtype=object), ",")
    assert parsed.value[:7].tolist() == [12.5, 9.0, 1234.5, 1234.0, 7.0, 8.0, 12.0]
    # a percentage is read as written; a footnote mark is left out, with a warning
    assert parsed.footnote is not None
    assert parsed.footnote.tolist() == [False] * 2 + [True] * 4 + [False] * 4
    assert parsed.flag[6] == FLAGS.index("limited_value")  # (12) is no footnote
    # text with a mark, and a percent sign alone, are still reported
    assert parsed.bad.tolist() == [False] * 7 + [True, True, False]
    assert parsed.value[9] == 5.0 and parsed.flag[9] == FLAGS.index("provisional")
    warnings = cell_warnings("t.csv", np.arange(2, 12), "Einwohner", pd.Series(cells), parsed)
    assert warnings[0][["row", "value", "code"]].to_numpy().tolist() == [
        [4, "1.234,5¹", "footnote_mark"],
        [5, "1.234 2)", "footnote_mark"],
        [6, "7*", "footnote_mark"],
        [7, "8 (3)", "footnote_mark"],
    ]
    # the decimal mark is sniffed through the marks
    frame = pd.DataFrame({"a": ["12.345¹", "1.500 %", "2.000*"]})
    assert sniff_decimal(frame, ";") == ","


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


def test_parse_cells_decimal_comma_and_thousands_dot() -> None:
    parsed = parse_cells(pd.Series(["1.234,5", "12,5", "1.234", "-3,25", "1.5", "12,5p"]), ",")
    # "1.5" is not a number when the decimal mark is a comma: reported, not guessed
    np.testing.assert_array_equal(parsed.value, [1234.5, 12.5, 1234.0, -3.25, np.nan, 12.5])
    assert parsed.bad.tolist() == [False, False, False, False, True, False]


def test_parse_years_accepts_years_and_dates() -> None:
    years, bad = parse_years(
        pd.Series(["2015", "31.12.2016", "2017-12-31", "2018.0", "20x", ""], dtype=object)
    )
    assert years[:4].tolist() == [2015, 2016, 2017, 2018]
    assert bad.tolist() == [False, False, False, False, True, True]
    # months before the year, as the Bundesagentur and Open SDG files write reference dates
    months = ["Juni 2007", "Dez. 2022", "March 2021", "12/2019"]
    years, bad = parse_years(pd.Series([*months, "WS 2005/06", "2005/06", "2011-12", "Juni"]))
    assert years[:4].tolist() == [2007, 2022, 2021, 2019]
    # a school year is not one year without school_year; 2011-12 may be December 2011
    assert bad.tolist() == [False] * 4 + [True] * 4
    # a date with the month written out, as a Stand line or a head gives it
    years, bad = parse_years(pd.Series(["31. Dezember 2019", "1.Jan. 2020", "31. 2019"]))
    assert years[:2].tolist() == [2019, 2020] and bad.tolist() == [False, False, True]
    # a footnote mark is no part of the year
    years, bad = parse_years(pd.Series(["2023¹", "2024 (2)", "2022*", "2021 1)"]))
    assert years.tolist() == [2023, 2024, 2022, 2021] and not bad.any()
    # a summer semester lies within its year (a winter semester needs school_year)
    years, bad = parse_years(pd.Series(["SS 2006", "SoSe 2007", "Sommersemester 2008", "S 2009"]))
    assert years[:3].tolist() == [2006, 2007, 2008] and bad.tolist() == [False] * 3 + [True]
    # a date cell as Excel and pandas give it, and as a database exports it
    dates = [datetime.datetime(2021, 12, 31), pd.Timestamp("2022-06-30"), "2023-12-31 00:00:00"]
    years, bad = parse_years(pd.Series([*dates, "2024-12-31T23:59:59"], dtype=object))
    assert years.tolist() == [2021, 2022, 2023, 2024] and not bad.any()
    # a town's open data dates with underscores (Kiel: 2023_12_31, 31_12_2022), a day
    # written before the month with slashes; separators of one kind within the year-first
    dates = ["2023_12_31", "31_12_2022", "31/12/2021", "2020/12/31", "2023-12_31", "1_2"]
    years, bad = parse_years(pd.Series(dates))
    assert years[:4].tolist() == [2023, 2022, 2021, 2020]
    assert bad.tolist() == [False] * 4 + [True, True]


def test_school_years_count_in_the_year_the_option_names() -> None:
    cells = pd.Series(
        ["2023/24", "WS 2005/06", "Schuljahr 2019/2020", "SJ 2011-12", "2023-2024", "1999/00"]
    )
    start, bad = parse_years(cells, "start")
    assert start.tolist() == [2023, 2005, 2019, 2011, 2023, 1999] and not bad.any()
    end, bad = parse_years(cells, "end")
    assert end.tolist() == [2024, 2006, 2020, 2012, 2024, 2000] and not bad.any()
    # not school years: two years apart, a month (no word before it), a year range
    others = pd.Series(["2019/21", "2011-12", "2019/2018", "WS 2005"])
    assert parse_years(others, "start")[1].all()
    # plain years and dates are untouched by the option
    assert parse_years(pd.Series(["2015", "31.12.2016"]), "end")[0].tolist() == [2015, 2016]
    with pytest.raises(mi.MintIndexError, match="valid: start, end"):
        parse_years(cells, "middle")


@given(st.integers(1900, 2098), st.sampled_from(["", "Schuljahr ", "WS "]), st.booleans())
def test_a_school_year_is_its_start_or_its_end(first: int, word: str, long_form: bool) -> None:
    second = f"{first + 1}" if long_form else f"{(first + 1) % 100:02d}"
    cells = pd.Series([f"{word}{first}/{second}"])
    assert parse_years(cells, "start")[0].tolist() == [first]
    assert parse_years(cells, "end")[0].tolist() == [first + 1]
    skipped = pd.Series([f"{word}{first}/{(first + 2) % 100:02d}"])  # not consecutive
    assert parse_years(skipped, "start")[1].all()


def test_school_years_without_the_option_say_how_to_read_them() -> None:
    cells = pd.Series(["WS 2005/06", "20x", "2011-12"])
    _, bad = parse_years(cells)
    problems = year_failures("f.csv", np.array([2, 3, 4]), "Jahr", cells[bad])
    assert problems["code"].tolist() == ["school_year", "not_a_year", "not_a_year"]
    assert problems["value"].tolist() == ["WS 2005/06", "20x", "2011-12"]
    assert "school_year: start or end" in problems["reason"].iloc[0]


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("Bevölkerung am 31. Dezember 2023 nach Staatsangehörigkeit", 2023),
        ("Kita-Plätze · Stand: 31.12.2023", 2023),
        ("Bevölkerung 2011 bis 2023", None),  # two years: not guessed
        ("Zensus 2022: Bevölkerung am 31.12.2023", None),
        ("Kita-Plätze 2024 · Quelle: Jugendamt, 2025", 2024),  # the source line's year
        ("Einwohner 1.234.567 · Kosten 2023,5", None),  # parts of numbers
        (None, None),
    ],
)
def test_title_year(title: str | None, year: int | None) -> None:
    assert title_year(title) == year


def test_a_land_without_a_key_totals_its_kreise() -> None:
    frame = pd.DataFrame(
        {
            "AGS": ["11000", None, "", "09162"],
            "Name": ["Berlin", "Freistaat Bayern", "Deutschland", "München"],
            "v": [1, 2, 3, 4],
        }
    )
    kept, totals = total_rows(frame, "AGS", "Name", "t.csv")
    assert list(kept["Name"]) == ["Berlin", "München"]  # Berlin with its key is a unit
    assert list(totals["value"]) == ["Freistaat Bayern", "Deutschland"]


def test_header_cells_and_column_numbering() -> None:
    assert head_cell("Schlüssel-\nnummer") == "Schlüsselnummer"
    assert head_cell("Kreisfreie Stadt\nLandkreis") == "Kreisfreie Stadt Landkreis"
    assert head_cell("Nord-\nSüd") == "Nord- Süd"  # a capital after the break: two words
    assert column_numbering(["1", "2", "3", "4"])
    assert column_numbering(["(1)", "(2)", "", "(3)"])
    assert column_numbering([1.0, 2.0, 3.0])
    assert not column_numbering(["1", "2"])  # too few to tell from a data row
    assert not column_numbering(["1", "3", "4"])
    assert not column_numbering(["09161", "2", "3"])


def test_a_file_with_carriage_returns_only(tmp_path: Path) -> None:
    # the line ends of old Mac exports: every line break a lone CR
    (tmp_path / "cr.csv").write_bytes(b"AGS;Name;Einwohner\r01001;Flensburg;90000\r01002;Kiel;4\r")
    ds = mi.load_data(tmp_path / "cr.csv", year=2022)
    assert ds.long.set_index("unit").loc["01001", "value"] == 90000


def test_a_change_between_two_years_is_no_year() -> None:
    # as Open SDG change indicators write their Year column
    cells = pd.Series(["2024 / 2005", "Veränderung aktuelles Jahr (2024) zu 2005", "20x"])
    _, bad = parse_years(cells)
    assert bad.all()
    problems = year_failures("f.csv", np.array([2, 3, 4]), "Year", cells[bad])
    assert problems["code"].tolist() == ["not_a_year"] * 3
    said = problems["reason"].tolist()
    assert all("a period or a change between them" in r for r in said[:2])
    assert said[2] == "not a year"


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
    sample = pd.DataFrame({"x": ["1,5", "2,25", "3"]})
    assert sniff_decimal(sample, ";") == ","
    assert sniff_decimal(pd.DataFrame({"x": ["1.5", "2"]}), ";") == "."
    # in a ";" file, dots that all group three digits are German thousands marks
    assert sniff_decimal(pd.DataFrame({"x": ["1.500", "90.131", "7"]}), ";") == ","
    assert sniff_decimal(pd.DataFrame({"x": ["1.500", "2.25"]}), ";") == "."


def test_title_rows_are_the_rows_above_the_header() -> None:
    titled = [
        ["Bevölkerung nach Stadtteilen 2023", "", "", ""],
        ["Quelle: Amt für Statistik", "", "", ""],
        ["", "", "", ""],
        ["Nr", "Stadtteil", "Einwohner", "Ausländer"],
        ["101", "Altstadt-Nord", "12000", "2500"],
    ]
    assert title_rows(titled) == 3
    assert title_rows(titled[3:]) == 0
    # a header with a blank cell is still the header (two of three filled)
    assert title_rows([["Nr", "", "x"], ["1", "a", "2"]]) == 0
    # a two-cell line ("Stand:", date) above a wide table is a title line too
    wide = [["Stand:", "31.12.2023", "", "", "", ""], ["Nr", "Name", "a", "b", "c", "d"]]
    assert title_rows(wide) == 1
    assert title_rows([]) == 0 and title_rows([["only"], ["one"]]) == 0


def test_a_header_over_two_rows_joins_its_levels() -> None:
    rows = [
        ["Nr", "Stadtteil", "Einwohner", "davon", ""],
        ["", "", "insgesamt", "Deutsche", "Ausländer"],
        ["101", "Altstadt-Nord", "12000", "9500", "2500"],
    ]
    assert header_depth(rows) == 2
    # "davon" is merged over two columns: it stands over "Ausländer" too
    assert header_labels(rows[:2]) == [
        "Nr",
        "Stadtteil",
        "Einwohner | insgesamt",
        "davon | Deutsche",
        "davon | Ausländer",
    ]
    # a first data row without key but with figures or symbols is data, not header
    assert header_depth([["Nr", "Name", "x"], ["", "Gesamtstadt", "1.234"]]) == 1
    assert header_depth([["Nr", "Name", "x"], ["", "Gesamtstadt", "."]]) == 1
    assert header_depth([["Nr", "Name", "x"], ["101", "a", "b"]]) == 1
    # a row of years below the variables continues the header
    assert (
        header_depth([["Nr", "Name", "x", ""], ["", "", "2022", "2023"], ["1", "a", "5", "6"]]) == 2
    )
    # an empty upper cell over nothing stays empty; an empty name is "Unnamed: n"
    assert header_labels([["Nr", "", "x"], ["", "", "y"]]) == ["Nr", "Unnamed: 1", "x | y"]


def test_header_rows_take_group_heads_above_the_key_row() -> None:
    title = ["Einwohner 2023", "", "", ""]
    groups = ["", "", "2022", ""]
    header = ["Nr", "Name", "Einwohner", "Ausländer"]
    data = ["1", "a", "5", "6"]
    assert header_rows([title, header, data]) == (1, 1)
    # group heads over the value columns, right above the row naming the key: the header
    assert header_rows([title, groups, header, data]) == (1, 2)
    # a title over the name column (a table shifted right, or a title in B) stays a title
    assert header_rows([["", "Titel", "", ""], header, data]) == (1, 1)
    shifted = [["", "Titel", "", "", ""], ["", *header], ["", *data]]
    assert header_rows(shifted) == (1, 1)


def test_total_rows_are_not_units() -> None:
    frame = pd.DataFrame(
        {
            "Nr": ["101", "", "Summe", "102", "0", None, "104"],
            "Stadtteil": [
                "Gesamtbach",
                "Insgesamt 1)",
                None,
                "Allerheiligen",
                "Stadt insgesamt*",
                "Teil",
                "Totalhafen",
            ],
            "Einwohner": [5, 21, 21, 7, 21, 1, 3],
        },
        index=[2, 3, 4, 5, 6, 7, 8],
    )
    kept, totals = total_rows(frame, "Nr", "Stadtteil", "t.csv")
    # a total word is a whole word of its own (Gesamtbach, Totalhafen are places), first
    # or last, whatever the key; a row without a key and without such a word stays, for
    # the key check to report
    assert kept.index.tolist() == [2, 5, 7, 8]
    assert totals[["row", "column", "value", "code"]].to_numpy().tolist() == [
        [3, "Stadtteil", "Insgesamt 1)", "total_row"],
        [4, "Nr", "Summe", "total_row"],
        [6, "Stadtteil", "Stadt insgesamt*", "total_row"],
    ]
    # a subtotal of a district, without a key column; a table about one place has neither
    named = pd.DataFrame({"Bezirk": ["Nord", "Stadtbezirk Nord zusammen"], "x": [1, 2]})
    assert total_rows(named, None, "Bezirk", "t.csv")[0].index.tolist() == [0]
    assert len(total_rows(named, None, None, "t.csv")[0]) == 2


def test_blank_rows_and_notes_below_a_table() -> None:
    frame = pd.DataFrame(
        {
            "Nr": [
                "101",
                None,
                "102",
                "103",
                None,
                "Fußnote: vorläufige Werte",
                "Quelle: Amt",
                "1)\xa0Ab\xa02013",  # words apart by non-breaking spaces (LSN-Online)
            ],
            "Einwohner": [12000, np.nan, 9000, np.nan, np.nan, np.nan, np.nan, np.nan],
        },
        index=[2, 3, 4, 5, 6, 7, 8, 9],
    )
    # one text column only (a sheet of notes): pandas hands out its own read-only buffer
    single = pd.DataFrame({"a": ["Erläuterungen", None, "Plätze: genehmigt"]}, dtype=object)
    assert len(blank_and_note_rows(single, "s.xlsx")[0]) == 1
    kept, notes = blank_and_note_rows(frame, "t.csv")
    # 103 has only its key but is a data row (a key has no space); the blank row goes
    assert kept.index.tolist() == [2, 4, 5]
    assert notes[["row", "column", "value", "code"]].to_numpy().tolist() == [
        [7, "Nr", "Fußnote: vorläufige Werte", "note_below_table"],
        [8, "Nr", "Quelle: Amt", "note_below_table"],
        [9, "Nr", "1)\xa0Ab\xa02013", "note_below_table"],
    ]


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


def test_column_numbering_as_official_reports_print_it() -> None:
    assert column_numbering(["", "1", "2", "3", "4"])
    assert column_numbering(["AGS", "1", "2", "3"])  # the key column's head in its place
    assert column_numbering(["1", "1", "2", "3"])  # the key column numbered on its own
    assert not column_numbering([str(k) for k in [1, 2, 3, 15, 16, 16, 17]])
    assert column_numbering([str(k) for k in [*range(1, 17), 16, 17]])  # a slip: 16 twice
    assert not column_numbering(["2", "3", "4"])  # not from 1
    assert not column_numbering(["1", "2", "4"])  # a gap
    assert not column_numbering(["1", "1", "1", "1", "2"])  # three repeats: no numbering
    assert not column_numbering(["101", "Braunschweig", "20275", "20282"])  # a data row
    # columns 7 and 8 deleted after the numbering was typed (the Landesamt's B3 tables);
    # a skip needs five numbers or more, and is of a few columns, twice at most
    assert column_numbering(["", "1", "2", "3", "4", "5", "6", "9", "10", "11"])
    assert column_numbering([str(k) for k in [1, 2, 4, 5, 6, 8, 9]])
    assert not column_numbering([str(k) for k in [1, 2, 4, 5, 7, 8, 10]])  # three skips
    assert not column_numbering([str(k) for k in [1, 2, 3, 4, 9, 10]])  # four numbers at once
    assert not column_numbering(["1", "2", "4", "5"])


def test_a_published_header_over_years_with_its_key_heads_merged_down() -> None:
    rows = [
        ["", "Tabelle 1.2.1: Ausländerinnen und Ausländer", "", "", "", ""],
        ["", "", "", "", "", ""],
        ["", "AGS", "Kreisfreie Stadt", "Ausländer am 31.12.", "", ""],
        ["", "", "", "2005", "2006", "Veränderung 2006 zu 2005"],
        ["", "", "", "Anzahl", "", ""],
        ["", "", "", "", "", ""],
        ["", "1", "2", "3", "4", "5"],
        ["", "101", "Braunschweig", "20275", "20282", "0,0"],
    ]
    assert header_rows(rows) == (2, 5)  # the key heads, years, unit, blank, numbering
    assert header_labels(rows[2:7]) == [
        "Unnamed: 0",
        "AGS",
        "Kreisfreie Stadt",
        "Ausländer am 31.12. | 2005 | Anzahl",
        "Ausländer am 31.12. | 2006 | Anzahl",  # the unit stands over the columns right
        "Ausländer am 31.12. | Veränderung 2006 zu 2005 | Anzahl",
    ]
    # the key's head may stand in the numbering row itself
    numbered = [
        ["", "", "Einwohner", "", ""],
        ["", "", "insg.", "Ausl.", "Dt."],
        ["", "AGS", "1", "2", "3"],
    ]
    assert header_labels(numbered) == [
        "Unnamed: 0",
        "AGS",
        "Einwohner | insg.",
        "Einwohner | Ausl.",
        "Einwohner | Dt.",
    ]


def test_a_merged_head_spans_only_the_columns_of_its_group() -> None:
    """``Jahr`` below the name's head does not run on under ``Zuzüge``, nor the name's
    head over ``Jahr`` into the values (the Landesamt's 1.4.5 sets them out so)."""
    rows = [
        ["AGS", "Kreis", "", "Zuzüge", "", "Fortzüge"],
        ["", "", "", "Insgesamt", "Deutsche", "Insgesamt"],
        ["", "", "Jahr", "", "", ""],
        ["", "", "", "Anzahl", "", ""],
    ]
    labels = header_labels(rows)
    assert labels[2] == "Kreis | Jahr"  # a year column all the same (find_year_column)
    assert labels[3:] == [
        "Zuzüge | Insgesamt | Anzahl",
        "Zuzüge | Deutsche | Anzahl",
        "Fortzüge | Insgesamt | Anzahl",
    ]


def test_a_unit_of_measure_does_not_run_on_over_columns_nothing_else_heads() -> None:
    """``Anzahl`` merged over the figures stops at the table's edge: the empty columns of
    the sheet right of it, and a helper column beyond a gap (``Karte``), get no unit (the
    Landesamt's B2 sheets: 'Anzahl' and 'Anzahl.1' were variables without a value)."""
    rows = [
        ["GKZ", "Kreis", "Kinder", "", "", "", ""],
        ["", "", "insgesamt", "mit Migrationshintergrund", "", "Karte", ""],
        ["", "", "Anzahl", "", "", "", ""],
    ]
    assert header_labels(rows) == [
        "GKZ",
        "Kreis",
        "Kinder | insgesamt | Anzahl",
        "Kinder | mit Migrationshintergrund | Anzahl",
        "Unnamed: 4",
        "Karte",
        "Unnamed: 6",
    ]


def test_a_web_address_below_a_table_is_a_note() -> None:
    frame = pd.DataFrame(
        {
            "AGS": ["101", None, None, None],
            "Name": ["Braunschweig", None, "Quelle: Ausländerzentralregister", None],
            "x": [1.0, np.nan, np.nan, np.nan],
        },
        index=[5, 6, 7, 8],
    )
    frame.loc[8, "Name"] = "https://www.integrationsmonitoring.niedersachsen.de"
    kept, notes = blank_and_note_rows(frame, "t.xlsx")
    assert kept.index.tolist() == [5]
    assert notes["row"].tolist() == [7, 8]


def test_names_two_years() -> None:
    texts = ["2024 / 2005", "Veränderung aktuelles Jahr (2020) zu 2005", "2020", "Einwohner"]
    assert names_two_years(pd.Series(texts)).tolist() == [True, True, False, False]


def test_a_year_column_of_months_written_as_numbers() -> None:
    # a whole column of 202412-style months gives their years; one such cell among years,
    # or a six-digit code, is left as it is (and reported as no year by parse_years)
    months = pd.Series(["202412", "202406", "", 202312.0], dtype=object)
    assert parse_years(month_stamps(months))[0].tolist() == [2024, 2024, 0, 2023]
    mixed = pd.Series(["2024", "202412"], dtype=object)
    assert month_stamps(mixed) is mixed
    assert month_stamps(pd.Series(["202413", "202412"])).tolist() == ["202413", "202412"]
    # a date written as one number is a year wherever years are read
    assert parse_years(pd.Series(["20220515"]))[0].tolist() == [2022]
