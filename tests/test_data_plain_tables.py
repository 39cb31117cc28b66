"""A plain table's parts: title rows, headers over several rows, column numberings, notes
below the table and total rows, as :mod:`mint_index.data.plain_tables` finds them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mint_index.data.plain_tables import (
    blank_and_note_rows,
    column_names,
    column_numbering,
    head_cell,
    header_depth,
    header_labels,
    header_rows,
    title_rows,
    total_rows,
    without_headings,
)


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


def test_a_row_keyed_zero_over_a_towns_districts_is_their_total() -> None:
    """``0;Düsseldorf;629.047`` over the Stadtbezirke 1-10 was read as district ``0``, the
    largest unit of every count (its figures are the sum of the others'). No official key
    is all zeros; a Landesamt's ``0;Niedersachsen``, the Land that ``prefix`` keys, stays."""
    frame = pd.DataFrame(
        {
            "Bezirk": ["0", "1", "2", "00"],
            "Name": ["Düsseldorf", "Stadtbezirk 1", "Stadtbezirk 2", "Stadt Köln"],
            "v": [3, 1, 2, 3],
        }
    )
    kept, totals = total_rows(frame, "Bezirk", "Name", "t.csv")
    assert list(kept["Bezirk"]) == ["1", "2"]
    assert list(totals["value"]) == ["0", "00"] and set(totals["code"]) == {"total_row"}
    land = pd.DataFrame({"Nr": ["0", "101"], "Name": ["Niedersachsen", "Braunschweig"]})
    assert list(total_rows(land, "Nr", "Name", "t.csv")[0]["Nr"]) == ["0", "101"]
    # Leipzig numbers its Ortsteile from 00 (Zentrum), written with their leading zeros
    leipzig = pd.DataFrame({"Nr": ["00", "01"], "Name": ["Zentrum", "Zentrum-Ost"]})
    assert list(total_rows(leipzig, "Nr", "Name", "t.csv")[0]["Nr"]) == ["00", "01"]
    # beside official keys, or alone, a zero key is no town's total either
    for keys in (["00000", "12345"], ["00000"]):
        alone = pd.DataFrame({"Nr": keys, "v": range(len(keys))})
        assert list(total_rows(alone, "Nr", None, "t.csv")[0]["Nr"]) == keys


def test_section_headings_and_the_towns_keyless_row_are_no_units(tmp_path: Path) -> None:
    """A district heading without a key or a figure (``;Stadtbezirk 2 Rodenkirchen;;``)
    and the town's row without a key below its Stadtteile (``;Stadt Köln;83.943;16.375``)
    were each an ``empty_key`` error. A heading holds nothing to read and is passed over;
    a keyless row whose figures are the sums of the keyed rows' is their total."""
    frame = pd.DataFrame(
        {
            "Nr": ["101", "102", "", "201", ""],
            "Name": ["Altstadt", "Neustadt", "Stadtbezirk 2", "Bayenthal", "Stadt Köln"],
            "Einwohner": ["28.123", "40.512", "", "9.876", "78.511"],
            "Quote": ["12,5", "10,0", "", "8,0", "11,1"],  # shares do not sum: no matter
        }
    )
    kept = without_headings(frame, "Nr", "Name")
    assert kept["Name"].tolist() == ["Altstadt", "Neustadt", "Bayenthal", "Stadt Köln"]
    units, totals = total_rows(kept, "Nr", "Name", "t.csv", ",")
    assert units["Nr"].tolist() == ["101", "102", "201"]  # 28123 + 40512 + 9876 = 78511
    assert totals["value"].tolist() == ["Stadt Köln"]
    # one figure off the sum: a unit without a key, for the key check to report
    off = kept.assign(Einwohner=["28.123", "40.512", "9.876", "78.512"])
    assert len(total_rows(off, "Nr", "Name", "t.csv", ",")[0]) == 4
    path = tmp_path / "stadtteile.csv"
    path.write_text(
        "Nr.;Stadtteil;Einwohner\n101;Altstadt;28.123\n102;Neustadt;40.512\n"
        ";Stadtbezirk 2 Rodenkirchen;\n201;Bayenthal;9.876\n;Stadt Köln;78.511\n",
        encoding="utf-8",
    )
    import mint_index as mi

    ds = mi.load_data(path, year=2023)
    assert list(ds.unit_ids) == ["101", "102", "201"]
    assert ds.values[0, :, 0].tolist() == [28123, 40512, 9876]


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


def test_two_rows_numbering_the_columns_both_belong_to_the_header() -> None:
    """A print numbers its columns twice (``1 | 2 | 3`` and ``(1) | (2) | (3)``): the
    second row was read as a unit ``(1)`` with figures flagged as limited values."""
    header = ["AGS", "Name", "Einwohner", "Ausländer", "Quote"]
    plain, bracketed = ["1", "2", "3", "4", "5"], ["(1)", "(2)", "(3)", "(4)", "(5)"]
    data = ["01001000", "Flensburg", "5", "1", "2"]
    assert header_rows([header, plain, bracketed, data]) == (0, 3)
    assert header_rows([header, plain, [""] * 5, bracketed, data]) == (0, 4)
    assert header_rows([header, plain, data]) == (0, 2)


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


def test_group_heads_over_a_row_that_names_every_column() -> None:
    """A yearbook's header: group heads (merged cells) over a row that names the key and
    name columns too. The header started at the lower row, so the upper one was taken
    for the header (``columns are: Einwohner, davon``) or the key column was read as
    ``Stadtbezirk`` with its cells ``Nr.``."""
    data = ["01", "Mitte", "23.456", "15.678", "7.778", "33,2"]
    names = ["Nr.", "Name", "insgesamt", "Deutsche", "Ausländer", "in %"]
    groups = ["Stadtbezirk", "", "Einwohner", "davon", "", "Ausländeranteil"]
    title = ["Bevölkerung in den Stadtbezirken am 31.12.2023", "", "", "", "", ""]
    empty = [""] * 6
    assert header_rows([title, empty, groups, names, data]) == (2, 2)
    assert header_labels([groups, names]) == [
        "Stadtbezirk | Nr.",
        "Stadtbezirk | Name",
        "Einwohner | insgesamt",
        "davon | Deutsche",
        "davon | Ausländer",
        "Ausländeranteil | in %",
    ]
    # group heads over the value columns only, as the first row
    assert header_rows([["", "", "Einwohner", "davon", ""], names[:5], data[:5]]) == (0, 2)
    # a column merged down over both rows (the quota) leaves the lower row blank there
    assert header_rows([[*groups[:5], "Quote"], [*names[:5], ""], data]) == (0, 2)
    # no group heads: a header row and a data row of text (a key and a name) stay apart
    assert header_rows([names, data]) == (0, 1)
    assert header_rows([["Nr.", "Name", "x"], ["01", "Mitte", "y"], ["02", "Nord", "1"]]) == (0, 1)


def test_a_first_data_row_of_one_word_is_no_row_of_heads() -> None:
    """Under heads that each stand over one column, a first data row whose figures are one
    word (``Mitte;unbekannt;unbekannt``, ``Mitte;geheim;geheim``) was joined to the header:
    the table then had no unit column, a wrong problem. Heads of units of measure
    (``Stadtteil;Anzahl;in %``) still join."""
    rows = [["", "Einwohner", "Ausländer"], ["Mitte", "unbekannt", "unbekannt"]]
    assert header_rows([*rows, ["Nord", "1200", "300"]]) == (0, 1)
    rows = [["", "2022", "2023"], ["Mitte", "geheim", "geheim"], ["Nord", "1200", "1300"]]
    assert header_rows(rows) == (0, 1)
    rows = [["", "Einwohner", "Ausländeranteil"], ["Stadtteil", "Anzahl", "in %"]]
    assert header_rows([*rows, ["Nord", "1200", "12,5"]]) == (0, 2)


def test_column_names_repeated_as_pandas_names_them() -> None:
    """A row of 16,384 equal heads (an .ods row of one repeated cell, 873 bytes) took
    minutes: every name was looked for in a list of those before it."""
    assert column_names(["a", "a", "a.1", "a", None, "", "b"]) == [
        "a",
        "a.1",
        "a.1.1",
        "a.2",
        "Unnamed: 4",
        "Unnamed: 5",
        "b",
    ]
    names = column_names(["x"] * 16384)
    assert names[:3] == ["x", "x.1", "x.2"] and names[-1] == "x.16383"
    assert len(set(names)) == 16384


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


def test_a_note_spread_over_several_cells_is_a_note() -> None:
    """``Quelle: Melderegister der Stadt Köln;;;;Stand: 05.01.2022`` below a table was read
    as a unit named ``Quelle: ...`` and failed as "not a number" at ``Stand: ...``: a row
    whose every filled cell opens as a note does is a note. A data row with a figure is not,
    nor a row whose text cell does not open so."""
    frame = pd.DataFrame(
        {
            "Nr": ["101", "102", "Quelle: Melderegister", "1) Hauptwohnsitze"],
            "Name": ["Altstadt", "Neustadt", None, "* vorläufig"],
            "2021": ["5601", "Stand: 2022", None, None],
            "2022": ["5689", "8420", "Stand: 05.01.2022", None],
        },
        index=[4, 5, 6, 7],
    )
    kept, notes = blank_and_note_rows(frame, "t.csv")
    assert kept.index.tolist() == [4, 5]
    assert notes[["row", "column", "value"]].to_numpy().tolist() == [
        [6, "Nr", "Quelle: Melderegister; Stand: 05.01.2022"],
        [7, "Nr", "1) Hauptwohnsitze; * vorläufig"],
    ]


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
