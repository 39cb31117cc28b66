"""A statistics database's printout (LSN-Online): regions in rows of their own above the
rows of their categories, read as a table with a region per row. The sheets are built
cell by cell as LSN-Online's K3002519 (school leavers, 2019/20) and K300151A (pupils by
school type, 2020) are laid out; their figures are read by hand from those tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from helpers import value

import mint_index as mi
from mint_index.data.printouts import section_table

NBSP = "\xa0"  # LSN-Online writes non-breaking spaces between words

#: K3002519 as saved for a spreadsheet: title lines, the header (a rule typed into the
#: first column, a row of footnote marks), the column numbering, two regions, notes.
LEAVERS: list[list[Any]] = [
    ["© Landesamt für Statistik Niedersachsen"],
    [],
    ["LSN-Online: Tabelle K3002519"],
    ["Absolventinnen/Absolventen und Abgängerinnen/Abgänger"],
    ["Gebietsstand: 01.01.2020"],
    [],
    [f"Schuljahr:{NBSP}2019/20*"],
    [],
    ["Niedersachsen", "Absolventinnen/Absolventen und Abgängerinnen/Abgänger*"],
    ["Statistische Region*"],
    ["Kreis*", "Schulen insgesamt", None, None, "Öffentliche Schulen", None, None],
    ["-------", "insgesamt", "Ausländer", "Ausländer", "insgesamt", "Ausländer", "Ausländer"],
    ["Art des Abschlusses/Abganges", None, None, "weiblich", None, None, "weiblich"],
    [None, None, None, "1)", None, None, "1)"],
    [None, 1, 2, 3, 4, 5, 6],
    [],
    ["0 Niedersachsen"],
    [],
    ["Insgesamt", "57318", "5943", "2800", "53593", "5755", "2710"],
    [f"{NBSP}{NBSP}Hochschulreife", "5198", "159", "78", "4674", "155", "77"],
    [f"{NBSP}{NBSP}ohne Hauptschulabschluss 2)", "4612", "1216", "500", "4273", "1190", "491"],
    ["101 Braunschweig,Stadt"],
    [],
    ["Insgesamt", "1620", "185", "73", "1551", "184", "73"],
    [f"{NBSP}{NBSP}Hochschulreife", "376", "9", "3", "363", "9", "3"],
    [f"{NBSP}{NBSP}ohne Hauptschulabschluss 2)", "115", "25", "7", "110", "25", "7"],
    [],
    [f"Hinweis:{NBSP}Zusatzinformationen{NBSP}zur{NBSP}Schulstatistik"],
    [f"1){NBSP}Ab{NBSP}Schuljahr{NBSP}2013/14."],
]


def _book(path: Path, rows: list[list[Any]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def _cells(rows: list[list[Any]]) -> tuple[list[list[str]], pd.DataFrame]:
    width = max(len(row) for row in rows)
    sheet = pd.DataFrame([row + [None] * (width - len(row)) for row in rows])
    text = sheet.astype(object).where(sheet.notna(), "").astype(str)
    return text.to_numpy().tolist(), sheet


def test_a_printout_is_read_as_a_table_of_regions(tmp_path: Path) -> None:
    book = _book(tmp_path / "k3002519.xlsx", LEAVERS)
    # "Schuljahr: 2019/20" names two calendar years: the source says which one counts
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(book, key={"prefix": "03"})
    assert err.value.failures[["code", "value"]].values.tolist() == [["school_year", "2019/20"]]
    data = mi.load_data(book, key={"prefix": "03"}, school_year="start")
    assert list(data.unit_ids) == ["03", "03101"]
    assert list(data.years) == [2019]  # the start of "Schuljahr: 2019/20"
    assert list(mi.load_data(book, key={"prefix": "03"}, school_year="end").years) == [2020]
    assert value(data, "03101", 2019, "Schulen insgesamt | Ausländer | Insgesamt") == 185
    public = "Öffentliche Schulen | Ausländer | weiblich | Hochschulreife"
    assert value(data, "03", 2019, public) == 77
    # the footnote mark of a category is no part of its name
    without = "Schulen insgesamt | insgesamt | ohne Hauptschulabschluss"
    assert value(data, "03101", 2019, without) == 115
    assert len(data.variables) == 6 * 3
    notes = data.warnings[data.warnings["code"] == "note_below_table"]
    assert notes["row"].tolist() == [28, 29]  # the sheet's rows, as a spreadsheet numbers them


def test_a_printout_saved_as_csv_reads_as_the_workbook(tmp_path: Path) -> None:
    text = "\n".join(";".join("" if c is None else str(c) for c in row) for row in LEAVERS)
    csv = tmp_path / "k3002519.csv"
    csv.write_bytes(text.encode("cp1252"))
    data = mi.load_data(csv, key={"prefix": "03"}, school_year="start")
    book = mi.load_data(
        _book(tmp_path / "k3002519.xlsx", LEAVERS), key={"prefix": "03"}, school_year="start"
    )
    assert data.variables == book.variables and list(data.unit_ids) == ["03", "03101"]
    assert value(data, "03101", 2019, "Schulen insgesamt | Ausländer | Insgesamt") == 185
    assert data.warnings["row"].tolist() == [28, 29]


def test_the_header_of_a_printout_is_joined_as_it_is_printed() -> None:
    """Words broken over the header's rows are joined (``ins-`` / ``gesamt``, ``Sprach-``
    / ``lern-`` / ``klasse``), footnote marks (``5)``, ``LSJG 6)``) left out; the first
    column's last name that is no level of regions names the categories."""
    rows: list[list[Any]] = [
        ["Statistische Region*"],
        ["Einheits-/Samtgemeinde*", None, "Primarbereich", None, "Sprach-"],
        ["-------", "ins-", "Schuljahrgang", None, "lern-"],
        ["Schulgliederung", "gesamt", None, None, "klasse"],
        [None, None, "1", "2", "5)"],
        [None, None, None, "LSJG 6)"],
        [None, 1, 2, 3, 4],
        ["0 Niedersachsen"],
        ["Schulen insgesamt", 841261, 76669, 71506, 1386],
        ["1 Braunschweig"],
        ["Schulen insgesamt", 160572, 14507, 13280, 137],
    ]
    printout = section_table(*_cells(rows))
    assert printout is not None
    assert printout.category == "Schulgliederung"
    assert list(printout.frame.columns) == [
        "unit",
        "name",
        "Schulgliederung",
        "insgesamt",
        "Primarbereich | Schuljahrgang | 1",
        "Primarbereich | Schuljahrgang | 2 | LSJG",
        "Sprachlernklasse",
    ]
    assert printout.frame["unit"].tolist() == ["0", "1"]
    assert printout.frame["name"].tolist() == ["Niedersachsen", "Braunschweig"]
    assert printout.rows.tolist() == [8, 10]


@pytest.mark.parametrize(
    "body",
    [
        # a region per row, keyed: no printout
        [["101 Braunschweig,Stadt", 1620, 185], ["102 Salzgitter,Stadt", 808, 239]],
        # one region row only
        [["0 Niedersachsen"], ["Insgesamt", 57318, 5943]],
        # figures before the first region row
        [["Insgesamt", 57318, 5943], ["0 Niedersachsen"], ["1 Braunschweig"]],
    ],
)
def test_other_tables_are_no_printouts(body: list[list[Any]]) -> None:
    rows: list[list[Any]] = [["Kreis", "insgesamt", "Ausländer"], [None, 1, 2], *body]
    assert section_table(*_cells(rows)) is None
