"""Cells: figures, official symbols and flags, footnote marks, percentages, years and
school years, and keys written in a cell, as :mod:`mint_index.data.cells` reads them."""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mint_index as mi
from mint_index.data import FLAGS, MISSING_REASONS
from mint_index.data.cells import (
    FOOTNOTE_MARK,
    cell_warnings,
    keys_in_labels,
    month_stamps,
    names_two_years,
    parse_cells,
    parse_years,
    sniff_decimal,
    title_year,
    year_failures,
)


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


def test_other_publishers_symbols_and_no_information_in_words() -> None:
    """``*`` alone: the Bundesagentur für Arbeit's secret; ``—``: Hessen's exact zero;
    ``k.A.``, ``keine Angabe`` and ``unbekannt``: an empty cell in words. ``n.v.`` may mean "none at
    all" as well as "not available", so it is reported, not read."""
    cells = ["*", "—", "—3,5", "k.A.", "k. A.", "K.A", "keine Angabe", "Keine Angaben"]
    cells += ["unbekannt", "Unknown", "n.v."]
    parsed = parse_cells(pd.Series(cells, dtype=object), ",")
    secret, missing = MISSING_REASONS.index("unknown_or_secret"), MISSING_REASONS.index("missing")
    assert np.isnan(parsed.value[0]) and parsed.reason[0] == secret
    assert parsed.value[1:3].tolist() == [0.0, -3.5]
    assert parsed.flag[1] == FLAGS.index("nothing_there")
    assert np.isnan(parsed.value[3:]).all()
    assert parsed.reason[3:10].tolist() == [missing] * 7
    assert parsed.bad.tolist() == [False] * 10 + [True]


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


def test_a_leading_zero_is_no_thousands_group() -> None:
    """``0.125;0.250`` in a ``;`` file are shares with a decimal point: a number grouped
    in thousands never starts with a zero. Every dot followed by three digits made them
    thousands, 125 and 250."""
    assert sniff_decimal(pd.DataFrame({"a": ["0.125", "0.250"]}), ";") == "."
    assert sniff_decimal(pd.DataFrame({"a": ["1.204", "12.500"]}), ";") == ","


def test_dotted_figures_the_file_shows_are_decimals_are_not_thousands() -> None:
    """``7.125`` in a ``;`` file looks like German thousands, and was read as 7125 beside
    ``Arbeitslosenquote in %``. The file decides it: a share or rate cannot run into the
    thousands, and a file that writes its other counts without a mark (``1423``) does not
    group in thousands. Keys, numbers and years (by their heads, the first column, the
    years 1900-2100) are no such evidence, so a German table keeps its thousands."""
    quote = pd.DataFrame(
        {"Nr": ["101", "102"], "Arbeitslose": ["523", "890"], "Quote in %": ["7.125", "6.850"]}
    )
    assert sniff_decimal(quote, ";") == "."
    counts = pd.DataFrame(
        {"Nr": ["101", "102"], "Arbeitslose": ["1423", "1890"], "Index": ["7.125", "6.850"]}
    )
    assert sniff_decimal(counts, ";") == "."
    german = pd.DataFrame(
        {
            "AGS": ["12054000", "12060005"],
            "Jahr": ["2023", "2023"],
            "Stadtteil-Nr.": ["1001", "1002"],
            "Einwohner": ["1.423", "12.890"],
        }
    )
    assert sniff_decimal(german, ";") == ","
    # the unmarked count in a column that also holds a grouped one is no evidence
    assert sniff_decimal(pd.DataFrame({"n": ["x", "y"], "a": ["1423", "1.890"]}), ";") == ","


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


def test_a_title_names_a_school_year_not_a_year() -> None:
    from mint_index.data.cells import title_school_year, title_year

    for title, school in (
        ("Schüler/-innen im Schuljahr 2023/24", 2023),
        ("Schulen · SJ 2023-24", 2023),
        ("Studierende 2019/2020", 2019),
    ):
        assert (title_year(title), title_school_year(title)) == (None, school)
    assert (title_year("Bevölkerung am 31.12.2023"), title_school_year("Bevölkerung")) == (
        2023,
        None,
    )
    # a period of two years that do not follow each other is no school year
    assert title_school_year("Veränderung 2015/2023") is None


def test_the_census_a_title_rests_on_is_not_its_year() -> None:
    """``Bevölkerung am 31.12.2023`` over ``Ergebnisse auf Grundlage des Zensus 2022``
    named two years, so the table had none; the census of its base is not its date. A
    census's own table (``Zensus 2022: ...``) is dated by it."""
    from mint_index.data.cells import title_year

    title = "Bevölkerung am 31.12.2023 · Ergebnisse auf Grundlage des Zensus 2022"
    assert title_year(title) == 2023
    assert title_year("Einwohner 2023 (Basis Zensus 2011)") == 2023
    assert title_year("Zensus 2022: Bevölkerung nach Staatsangehörigkeit") == 2022


#: ``FOOTNOTE_MARK`` as it was before the look-behind that keeps a mark from beginning
#: inside a run of spaces (tried at each of 30,000 spaces, it took quadratic time).
_MARK_BEFORE = re.compile(r"(?:\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\s*\*+|\s+\(?\d{1,2}\))+$")


@given(st.text(alphabet=" \t\u00a01²³*()a.,", max_size=30))
def test_footnote_marks_are_taken_off_as_before_the_look_behind(text: str) -> None:
    """The leftmost match never began inside a run of spaces where it could begin at its
    start, so the look-behind changes the time, never what is taken off."""
    assert FOOTNOTE_MARK.sub("", text) == _MARK_BEFORE.sub("", text)


#: ``cells._FLAGGED`` before its spaces around the bracket became one run each (a figure
#: followed by 30,000 spaces took quadratic time).
_FLAGGED_BEFORE = re.compile(
    r"^(\()?\s*([-+]?[0-9][0-9.,]*(?:[eE][-+]?[0-9]+)?)\s*(\))?\s*([prse])?$"
)


@given(st.text(alphabet=" (),.-+0123456789eEprsx", max_size=20))
def test_a_flagged_figure_is_read_as_before_the_linear_pattern(text: str) -> None:
    """Same groups as the old pattern, whatever the text."""
    from mint_index.data.cells import _FLAGGED

    now, before = _FLAGGED.match(text), _FLAGGED_BEFORE.match(text)
    assert (now is None) == (before is None)
    if now is not None and before is not None:
        assert now.groups() == before.groups()


@pytest.mark.parametrize(
    "date",
    [
        pd.Timestamp("2023-05-01"),
        datetime.datetime(2023, 5, 1, 12),
        datetime.date(2023, 5, 1),
        datetime.time(8, 30),
        pd.Timedelta(days=2),
    ],
)
def test_date_cells_are_no_figures_and_their_gaps_stay_missing(date: object) -> None:
    """A workbook's date cells beside empty ones: pandas read the dates as nanoseconds
    since 1970 (1.68e18) and every empty cell as NaT, -9.2e18, without a word."""
    cells = pd.Series([date, date, None, np.nan], dtype=object)
    parsed = parse_cells(cells, ".")
    assert np.isnan(parsed.value).all()
    assert parsed.bad.tolist() == [True, True, False, False]
    missing = MISSING_REASONS.index("missing")
    assert parsed.reason.tolist()[2:] == [missing, missing]


def test_a_date_column_beside_empty_ones_in_a_wide_table() -> None:
    # the columns of a table are parsed together: the dates of one made the empty cells
    # of the others -9.2e18
    frame = pd.DataFrame(
        {
            "unit": ["101", "102", "103"],
            "year": [2023] * 3,
            "Erhoben am": pd.to_datetime(["2023-05-01", "2023-05-02", "2023-05-03"]),
            "Einwohner": np.array([None, None, None], dtype=object),
        }
    )
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(frame, key={"scheme": "own"})
    (problem,) = err.value.failures.itertuples()
    assert (problem.column, problem.code) == ("Erhoben am", "text_column")
    data = mi.load_data(frame.drop(columns="Erhoben am"), key={"scheme": "own"})
    assert data.long["value"].isna().all()
