"""GENESIS / Regionalstatistik CSV exports: layout, symbols and flags, detection, mapping.

The fixtures follow the published layout of a classic export (see
shared/research/integration-monitoring-sources.md, "Classic GENESIS/Regionalstatistik
CSV"): header block, ``;``, Windows-1252/Latin-1, indented names, footer with notes,
copyright and ``Stand:``.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mint_index as mi
from mint_index.data.genesis import (
    figures_decimal,
    is_genesis,
    load_mapping,
    read_genesis,
    sheet_as_csv,
)

FOOTER = [
    "__________",
    "Hinweis: Die Fortschreibung beruht auf dem Zensus 2011.",
    "© Statistische Ämter des Bundes und der Länder, Deutschland, 2017. "
    "Datenlizenz Deutschland – Namensnennung – Version 2.0",
    "Stand: 13.12.2017 / 11:01:40",
]

#: The published example (12411-01-01-4, Kreise), with cells changed to show every symbol.
KREISE = [
    "GENESIS-Tabelle: 12411-01-01-4",
    "Bevölkerungsstand: Bevölkerung nach Geschlecht;;;;",
    "- Stichtag 31.12. -;;;;",
    "regionale Tiefe: Kreise und krfr. Städte;;;;",
    "Fortschreibung des Bevölkerungsstandes;;;;",
    "Bevölkerungsstand (Anzahl);;;;",
    ";;31.12.2015;31.12.2015;31.12.2015",
    ";;Insgesamt;männlich;weiblich",
    "DG;Deutschland;82175684;40514123;41661561",
    "01;  Schleswig-Holstein;2858714;1399458;1459256",
    "01001;      Flensburg, Kreisfreie Stadt;85942;42767p;(43175)",
    "01002;      Kiel, Kreisfreie Stadt;.;-;x",
    "01003;      Lübeck, Kreisfreie Stadt;...;/;12 r",
    "01004;      Neumünster, Kreisfreie Stadt;1.234,5;79,5s;3e",
    *FOOTER,
]


def write(path: Path, lines: list[str], encoding: str = "cp1252") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def gemeinde_table(
    units: dict[str, str],
    years: list[int],
    values: dict[tuple[str, int], list[str]],
    labels: list[str],
) -> list[str]:
    """A Gemeinde table (``-5``): rows ``date;AGS;name;values``."""
    lines = [
        "GENESIS-Tabelle: 12411-02-03-5",
        "Bevölkerung nach Nationalität - Stichtag 31.12. -;;;" + ";" * (len(labels) - 1),
        "regionale Tiefe: Gemeinden;;;" + ";" * (len(labels) - 1),
        ";;;" + ";".join(["Bevölkerungsstand (Anzahl)"] + [""] * (len(labels) - 1)),
        ";;;" + ";".join(labels),
    ]
    for year in years:
        for key, name in units.items():
            lines.append(";".join([f"31.12.{year}", key, f"      {name}", *values[(key, year)]]))
    return lines + FOOTER


def same(got: object, expected: str | None) -> bool:
    """Dataset.long gives None (or NaN under pandas 3) where there is no reason or flag."""
    return pd.isna(got) if expected is None else got == expected


def cell(ds: mi.Dataset, unit: str, year: int, variable: str) -> pd.Series:
    row = ds.long.query("unit == @unit and year == @year and variable == @variable")
    assert len(row) == 1, f"expected one row for {unit}/{year}/{variable}"
    return row.iloc[0]


# ---- the published layout -----------------------------------------------------------
@pytest.fixture()
def kreise(tmp_path: Path) -> mi.Dataset:
    return mi.load_data(write(tmp_path / "12411-01-01-4.csv", KREISE))


def test_kreise_table_units_years_variables(kreise: mi.Dataset) -> None:
    assert list(kreise.unit_ids) == ["01", "01001", "01002", "01003", "01004", "DG"]
    assert list(kreise.years) == [2015]
    assert kreise.variables == ["Insgesamt", "männlich", "weiblich"]
    assert cell(kreise, "DG", 2015, "Insgesamt")["value"] == 82175684
    assert cell(kreise, "01", 2015, "weiblich")["value"] == 1459256
    # indented region names are stripped into the units table
    assert kreise.units.loc["01001", "name"] == "Flensburg, Kreisfreie Stadt"
    assert kreise.units.loc["01003", "name"] == "Lübeck, Kreisfreie Stadt"
    prov = kreise.provenance.iloc[0]
    assert prov["format"] == "genesis" and prov["rows"] == 6 and prov["encoding"] == "cp1252"


@pytest.mark.parametrize(
    ("unit", "variable", "value", "reason", "flag"),
    [
        ("01002", "Insgesamt", None, "unknown_or_secret", None),  # "."
        ("01002", "männlich", 0.0, None, "nothing_there"),  # "-" is an exact zero
        ("01002", "weiblich", None, "locked", None),  # "x"
        ("01003", "Insgesamt", None, "not_yet_available", None),  # "..."
        ("01003", "männlich", None, "not_reliable", None),  # "/"
        ("01001", "männlich", 42767.0, None, "provisional"),  # "p"
        ("01001", "weiblich", 43175.0, None, "limited_value"),  # "(...)"
        ("01003", "weiblich", 12.0, None, "revised"),  # "12 r"
        ("01004", "männlich", 79.5, None, "estimated"),  # "79,5s"
        ("01004", "weiblich", 3.0, None, "final"),  # "3e"
        ("01004", "Insgesamt", 1234.5, None, None),  # thousands dot, decimal comma
    ],
)
def test_symbols_keep_their_official_meaning(
    kreise: mi.Dataset,
    unit: str,
    variable: str,
    value: float | None,
    reason: str | None,
    flag: str | None,
) -> None:
    got = cell(kreise, unit, 2015, variable)
    if value is None:
        assert math.isnan(got["value"])
    else:
        assert got["value"] == value
    assert same(got["missing_reason"], reason)
    assert same(got["flag"], flag)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8"])
def test_the_ellipsis_character_is_not_yet_available(tmp_path: Path, encoding: str) -> None:
    """``…`` is one byte (0x85) in Windows-1252 and three in UTF-8; it means ``...``."""
    lines = [line.replace(";...;", ";…;") for line in KREISE]
    ds = mi.load_data(write(tmp_path / "12411-01-01-4.csv", lines, encoding))
    got = cell(ds, "01003", 2015, "Insgesamt")
    assert math.isnan(got["value"])
    assert got["missing_reason"] == "not_yet_available" and same(got["flag"], None)
    assert cell(ds, "01003", 2015, "weiblich")["value"] == 12.0  # the next cell is intact


def test_detection_and_forced_format(tmp_path: Path) -> None:
    raw = "\n".join(KREISE).encode("cp1252")
    assert is_genesis(raw)
    # without the title line the copyright footer still identifies the export
    assert is_genesis("\n".join(KREISE[1:]).encode("cp1252"))
    assert not is_genesis(b"unit;year;x\n01;2020;1\n")
    # a file without title or footer is read as GENESIS when asked to
    body = [
        line for line in KREISE if not line.startswith(("GENESIS", "__", "©", "Stand", "Hinweis"))
    ]
    path = write(tmp_path / "export.txt", body, "latin-1")
    ds = mi.load_data(path, format="genesis")
    assert cell(ds, "01001", 2015, "Insgesamt")["value"] == 85942


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8", "utf-8-sig"])
def test_gemeinde_table_with_date_column(tmp_path: Path, encoding: str) -> None:
    units = {
        "01001000": "Flensburg, Stadt",
        "09162000": "München, Landeshauptstadt",
        "06531005": "Gießen, Universitätsstadt",
    }
    years = [2021, 2022]
    values = {
        (k, y): [str(100 * i + y - 2000), f"{i},{y - 2000}"]
        for i, k in enumerate(units)
        for y in years
    }
    lines = gemeinde_table(units, years, values, ["Insgesamt", "Ausländer"])
    lines = [line.replace("–", "-") for line in lines] if encoding == "latin-1" else lines
    ds = mi.load_data(write(tmp_path / "g.csv", lines, encoding))
    assert list(ds.unit_ids) == sorted(units)
    assert list(ds.years) == years
    assert ds.variables == ["Insgesamt", "Ausländer"]
    assert cell(ds, "09162000", 2022, "Insgesamt")["value"] == 122
    assert cell(ds, "06531005", 2021, "Ausländer")["value"] == pytest.approx(2.21)
    assert ds.units.loc["06531005", "name"] == "Gießen, Universitätsstadt"
    rows = ds.long.query("unit == '09162000' and year == 2022")
    assert len(rows) == 2


def test_school_year_and_decimal_reach_a_genesis_table(tmp_path: Path) -> None:
    """``school_year`` dates GENESIS-Online's school years (``2022/23``); a table dated by
    calendar years (the Regionaldatenbank's ``2023``) reads as it is. ``decimal`` is the
    table's decimal mark (``6.0``, ``5.9``: too few to tell from a German-looking file)."""
    lines = ["GENESIS-Tabelle: 21111-01-03-4", ";;Anzahl", "2023;01001;  Flensburg;5", *FOOTER]
    calendar = mi.load_data(write(tmp_path / "t.csv", lines), school_year="start")
    assert list(calendar.years) == [2023]
    across = ["GENESIS-Tabelle: 21111-0010", ";;2022/23;2023/24", "01001;  Flensburg;5;6"]
    path = write(tmp_path / "s.csv", [*across, *FOOTER])
    assert list(mi.load_data(path, school_year="end").years) == [2023, 2024]
    rates = ["GENESIS-Tabelle: 13211-0002", ";;31.12.2024", ";;Quote", "DG;Deutschland;6.0"]
    data = mi.load_data(write(tmp_path / "r.csv", [*rates, *FOOTER]), decimal=".")
    assert data.values[0, 0, 0] == 6.0


def test_multi_year_header_and_full_labels(tmp_path: Path) -> None:
    lines = [
        "GENESIS-Tabelle: 12521-01-01-4",
        "Ausländer: Kreise, Stichtag, Geschlecht;;;;;",
        ";;Ausländer (Anzahl);;;",
        ";;31.12.2019;;31.12.2020;",
        ";;männlich;weiblich;männlich;weiblich",
        "01001;  Flensburg;5000;4000;5100;4100",
        *FOOTER,
    ]
    ds = mi.load_data(write(tmp_path / "t.csv", lines))
    assert list(ds.years) == [2019, 2020]
    assert ds.variables == ["männlich", "weiblich"]
    assert cell(ds, "01001", 2020, "weiblich")["value"] == 4100
    # a mapping may use the full label (all header levels) or the short one
    mapped = mi.load_data(
        tmp_path / "t.csv",
        mapping={"Ausländer (Anzahl) | männlich": "foreign_m", "weiblich": "foreign_f"},
    )
    assert mapped.variables == ["foreign_m", "foreign_f"]
    assert cell(mapped, "01001", 2019, "foreign_m")["value"] == 5000


def test_classification_columns_become_part_of_the_variable(tmp_path: Path) -> None:
    lines = [
        "GENESIS-Tabelle: 12411-03-02-4",
        ";;;;Bevölkerung (Anzahl)",
        ";;;;Insgesamt",
        "31.12.2020;01001;  Flensburg;männlich;45000",
        "31.12.2020;01001;  Flensburg;weiblich;46000",
        *FOOTER,
    ]
    ds = mi.load_data(write(tmp_path / "c.csv", lines))
    # one value column: no header level differs, so the label keeps all levels
    label = "Bevölkerung (Anzahl) | Insgesamt"
    assert sorted(ds.variables) == [f"{label} | männlich", f"{label} | weiblich"]
    assert cell(ds, "01001", 2020, f"{label} | weiblich")["value"] == 46000


def test_table_without_date_needs_a_year(tmp_path: Path) -> None:
    lines = ["GENESIS-Tabelle: 99999-01-01-4", ";;Anzahl", "01001;  Flensburg;5", *FOOTER]
    path = write(tmp_path / "n.csv", lines)
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(path)
    assert "pass year=" in err.value.failures.iloc[0]["reason"]
    assert list(mi.load_data(path, year=2023).years) == [2023]


#: The title and header of 12411-01-01-4 over two columns, for the tests of its lines.
HEAD_2015 = ["GENESIS-Tabelle: 12411-01-01-4", ";;31.12.2015;31.12.2015", ";;Insgesamt;männlich"]
#: Three Kreise of Schleswig-Holstein, read by hand from 12411-01-01-4.csv.
KREISE_2015 = [
    "01001;  Flensburg;85942;42767",
    "01002;  Kiel;246306;119835",
    "01003;  Lübeck;216253;103683",
]


def test_bad_cells_and_rows_are_located(tmp_path: Path) -> None:
    lines = [
        *HEAD_2015,
        "01001;  Flensburg;85942;4x2",
        "01002;  Kiel;12;13;14",
        "01003;  Lübeck;1.5;2",
        *FOOTER,
    ]
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(write(tmp_path / "b.csv", lines))
    failures = err.value.failures.set_index("row")
    assert failures.loc[4, "column"] == "männlich"  # the date row gives the year, not a label
    assert (failures.loc[4, "value"], failures.loc[4, "reason"]) == ("4x2", "not a number")
    assert failures.loc[5, "reason"] == "row has 5 fields, expected 4"
    # "1.5" with a decimal comma is neither 1.5 nor 15: reported
    assert (failures.loc[6, "value"], failures.loc[6, "reason"]) == ("1.5", "not a number")


@pytest.mark.parametrize(
    "broken",
    [
        ['01002;  Kiel";246306;119835'],  # a stray quote
        ['01002;  "Kiel,', 'Stadt";246306;119835'],  # a line broken inside quotes
        ['01002;  Kiel;2463"06', '";119835'],  # the same inside a figure
    ],
)
def test_a_quote_left_open_costs_its_own_line_only(tmp_path: Path, broken: list[str]) -> None:
    """A stray quote in a data line made every line after it one field: the reader lost
    count of its lines and failed with NumPy's words (``boolean index did not match``);
    a line broken inside quotes crashed it (exit 3). A GENESIS export never quotes a line
    break, so a quote counts within its line: that line is reported, every other read."""
    lines = [*HEAD_2015, KREISE_2015[0], *broken, *KREISE_2015[2:], *FOOTER]
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(write(tmp_path / "q.csv", lines))
    failures = err.value.failures
    assert failures["row"].tolist() == list(range(5, 5 + len(broken)))
    assert set(failures["code"]) == {"wrong_field_count"}
    assert failures["reason"].str.startswith('a quote (") left open on this line').all()
    table = read_genesis(write(tmp_path / "q.csv", lines).read_bytes(), "q.csv")
    assert table.cells["unit"].astype(str).unique().tolist() == ["01001", "01003"]


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-16", ";"), ("utf-8", "\t"), ("utf-16", "\t")],
    ids=["utf-16", "tab-separated", "excel-unicode-text"],
)
def test_an_export_a_spreadsheet_saved_again_reads_as_the_download(
    tmp_path: Path, encoding: str, separator: str
) -> None:
    """An export opened in a spreadsheet and saved as text: UTF-16 with a byte-order mark
    (Excel's "Unicode text", which also separates with tabs) was read as a plain table,
    and a tab-separated one gave "no data rows found". Each reads as the download does,
    and a problem keeps its line."""
    lines = [*HEAD_2015, *KREISE_2015, "01004;  Neumünster;79487;4x2", *FOOTER]
    resaved = write(tmp_path / "resaved.txt", [x.replace(";", separator) for x in lines], encoding)
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(resaved)
    (problem,) = err.value.failures.itertuples()
    assert (problem.row, problem.column, problem.value) == (7, "männlich", "4x2")
    lines[6] = "01004;  Neumünster;79487;38934"
    data = mi.load_data(
        write(tmp_path / "resaved.txt", [x.replace(";", separator) for x in lines], encoding)
    )
    assert cell(data, "01002", 2015, "männlich")["value"] == 119835
    assert cell(data, "01004", 2015, "Insgesamt")["value"] == 79487
    assert data.warnings.empty
    table = read_genesis(resaved.read_bytes(), "resaved.txt")
    assert (table.encoding, table.separator, table.rows) == (encoding, separator, 4)


def test_tabs_in_a_semicolon_export_do_not_make_it_a_tab_separated_one(tmp_path: Path) -> None:
    """A title of many tabs, or names indented with tabs, outnumbered the semicolons of a
    small export's head: it was rewritten as a tab-separated file and refused."""
    lines = [HEAD_2015[0] + "\t" * 300, *HEAD_2015[1:]]
    lines += [row.replace(";  ", ";\t\t\t\t\t") for row in KREISE_2015] + FOOTER
    data = mi.load_data(write(tmp_path / "tabs.csv", lines))
    assert cell(data, "01003", 2015, "männlich")["value"] == 103683
    assert data.units.loc["01003", "name"] == "Lübeck"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1252"])
def test_a_reported_line_is_shown_as_written(tmp_path: Path, encoding: str) -> None:
    # the line was decoded as Latin-1 whatever the export's encoding: ``LÃ¼beck``
    lines = [*HEAD_2015, *KREISE_2015[:2], "01003;  Lübeck – Hansestadt;216253", *FOOTER]
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(write(tmp_path / "short.csv", lines, encoding))
    assert err.value.failures["value"].tolist() == ["01003;  Lübeck – Hansestadt;216253"]


def test_a_quote_left_open_in_a_tab_separated_export_costs_its_line(tmp_path: Path) -> None:
    lines = [*HEAD_2015, KREISE_2015[0], '01002;"  Kiel;246306;119835', *KREISE_2015[2:], *FOOTER]
    tabbed = write(tmp_path / "t.txt", [x.replace(";", "\t") for x in lines], "utf-16")
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(tabbed)
    (problem,) = err.value.failures.itertuples()
    assert problem.row == 5 and problem.reason.startswith('a quote (") left open on this line')
    table = read_genesis(tabbed.read_bytes(), "t.txt")
    assert table.cells["unit"].astype(str).unique().tolist() == ["01001", "01003"]


@pytest.mark.parametrize("cut", ["01004;  ", "01004", "31.1", "01004;  Neumünster;79487;389"])
def test_a_download_that_broke_off_mid_line_is_an_error(tmp_path: Path, cut: str) -> None:
    """A download cut short after the key of its last line read as complete: that line
    passed as a bare line and was dropped without a word; cut in its last figure, the
    figure was read cut short (38934 as 389). A file that ends mid-line without the
    closing lines every export has is cut in that line."""
    lines = [*HEAD_2015, *KREISE_2015]
    path = tmp_path / "cut.csv"
    path.write_bytes("\n".join([*lines, cut]).encode("cp1252"))  # no newline: cut off
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(path)
    (problem,) = err.value.failures.itertuples()
    assert (problem.row, problem.code, problem.value) == (7, "wrong_field_count", cut)
    assert "the download broke off" in problem.reason


def test_an_export_without_its_closing_lines_is_read_with_a_warning(tmp_path: Path) -> None:
    """Cut off at a line's end, a download reads as a shorter table: every export ends
    with ``__________`` and the copyright, so their absence is said."""
    lines = [*HEAD_2015, *KREISE_2015[:2]]
    data = mi.load_data(write(tmp_path / "short.csv", lines))
    assert cell(data, "01002", 2015, "männlich")["value"] == 119835
    (warning,) = data.warnings.itertuples()
    assert (warning.code, warning.row) == ("cut_off", 5)
    closed = mi.load_data(write(tmp_path / "whole.csv", [*lines, *FOOTER]))
    assert closed.warnings.empty


def test_the_notes_under_the_closing_rule_are_no_data(tmp_path: Path) -> None:
    """A note under the rule that starts with a key (``03152;Göttingen: ab 2016 in 03159
    aufgegangen``) was taken for the last data line, and the rule itself reported as a
    row of one field."""
    lines = [*HEAD_2015, *KREISE_2015, "__________", "03152;Göttingen: ab 2016 in 03159"]
    data = mi.load_data(write(tmp_path / "n.csv", [*lines, *FOOTER[1:]]))
    assert list(data.unit_ids) == ["01001", "01002", "01003"]
    assert data.warnings.empty


def test_an_english_export_has_a_decimal_point(tmp_path: Path) -> None:
    """GENESIS-Online in English writes figures with a decimal point and signed changes
    (the consumer price index 61111-0002 as its web service returned it in September
    2024, part of the lines). Read with a decimal comma, ``114.3`` was no number and the
    figure columns became labels."""
    lines = [
        "GENESIS-Tabelle: 61111-0002",
        "Consumer price index: Germany, months;;;;",
        "Consumer price index for Germany;;;;",
        "Germany;;;;",
        ";;Consumer price index;Change on previous year's month;Change on previous month",
        ";;2020=100;in (%);in (%)",
        "2023;January;114.3;+8.7;+1.0",
        "2023;February;115.2;+8.7;+0.8",
        "2023;October;117.8;+3.8;-",
        "2024;January;117.6;+2.9;+0.2",
        "2024;August;...;...;...",
        "__________",
        "© Federal Statistical Office, Wiesbaden 2024",
        "created: 2024-09-03 / 09:25:17",
    ]
    ds = mi.load_data(write(tmp_path / "cpi.csv", lines, "utf-8"), unit="DG")
    long = ds.long.set_index(["year", "variable"])
    assert long.loc[(2023, "Consumer price index | 2020=100 | January"), "value"] == 114.3
    assert long.loc[(2024, "Change on previous year's month | in (%) | January"), "value"] == 2.9
    assert long.loc[(2023, "Change on previous month | in (%) | October"), "value"] == 0.0
    unknown = long.loc[(2024, "Consumer price index | 2020=100 | August")]
    assert unknown["missing_reason"] == "not_yet_available"


def test_an_english_export_dates_its_figures_as_iso_dates(tmp_path: Path) -> None:
    """GENESIS-Online in English writes a reference date ``2023-12-31`` (as its footer's
    ``created: 2024-09-03``), in the date column and in a date header row alike. Both were
    "the table has no date or year; pass year=", although every figure has its date."""
    rows = [
        "GENESIS-Tabelle: 12411-0001",
        "Population: Germany, reference date;",
        "Current population update;",
        "Germany;",
        ";Population",
        ";number",
        "2021-12-31;83237124",
        "2023-12-31;84669326",
        "__________",
        "© Federal Statistical Office, Wiesbaden 2024",
        "created: 2024-09-03 / 09:25:17",
    ]
    ds = mi.load_data(write(tmp_path / "en.csv", rows, "utf-8"))
    assert cell(ds, "DG", 2023, "Population | number")["value"] == 84669326
    assert cell(ds, "DG", 2021, "Population | number")["value"] == 83237124
    kreise = [
        "GENESIS-Tabelle: 12411-0015",
        "Population: districts, reference date;;;",
        "Population (number);;;",
        ";;2022-12-31;2023-12-31",
        "09162;München, Landeshauptstadt;1512491;1510378",
        "09161;Ingolstadt;141029;142308",
    ]
    ds = mi.load_data(write(tmp_path / "kreise_en.csv", kreise, "utf-8"))
    assert cell(ds, "09161", 2023, "Population (number)")["value"] == 142308
    assert cell(ds, "09162", 2022, "Population (number)")["value"] == 1512491


# ---- mapping ------------------------------------------------------------------------
def test_mapping_from_yaml_keeps_only_mapped_columns(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  Insgesamt: pop\n  weiblich: pop_female\n", encoding="utf-8")
    assert load_mapping(mapping) == {"Insgesamt": "pop", "weiblich": "pop_female"}
    ds = mi.load_data(write(tmp_path / "k.csv", KREISE), mapping=mapping)
    assert ds.variables == ["pop", "pop_female"]
    assert cell(ds, "01001", 2015, "pop")["value"] == 85942


def test_mapping_key_that_matches_nothing_is_a_warning(tmp_path: Path) -> None:
    ds = mi.load_data(
        write(tmp_path / "k.csv", KREISE), mapping={"Insgesamt": "pop", "Ausländer": "foreign"}
    )
    warning = ds.warnings.iloc[0]
    assert (warning["source"], warning["column"]) == ("<mapping>", "Ausländer")
    assert "no source has" in warning["reason"]


def test_bad_mapping_is_reported(tmp_path: Path) -> None:
    with pytest.raises(mi.DataValidationError) as err:
        load_mapping({"Insgesamt": 3})
    assert err.value.failures.iloc[0]["column"] == "Insgesamt"
    broken = tmp_path / "m.yaml"
    broken.write_text("columns: [unclosed", encoding="utf-8")
    with pytest.raises(mi.DataValidationError, match="cannot read mapping"):
        load_mapping(broken)


# ---- round trip ---------------------------------------------------------------------
SYMBOL_CELLS = {
    ".": ("unknown_or_secret", None),
    "*": ("unknown_or_secret", None),  # the Bundesagentur für Arbeit's secret
    "x": ("locked", None),
    "/": ("not_reliable", None),
    "...": ("not_yet_available", None),
}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.data(),
    n_units=st.integers(1, 6),
    n_years=st.integers(1, 3),
    encoding=st.sampled_from(["latin-1", "cp1252", "utf-8"]),
)
def test_genesis_round_trip(
    tmp_path: Path, data: st.DataObject, n_units: int, n_years: int, encoding: str
) -> None:
    keys = data.draw(
        st.lists(
            st.integers(0, 16_999_999).map(lambda k: f"{k:08d}"),
            min_size=n_units,
            max_size=n_units,
            unique=True,
        )
    )
    units = {k: f"Gemeinde {i} ä" for i, k in enumerate(keys)}
    years = list(range(2015, 2015 + n_years))
    plain = st.decimals(
        min_value=-(10**7), max_value=10**7, places=2, allow_nan=False, allow_infinity=False
    )
    kinds = st.sampled_from(["num", "num", "flag", "paren", "-", ".", "*", "x", "/", "...", ""])
    values, expected = {}, {}
    for key in keys:
        for year in years:
            row = []
            for j in range(3):
                kind, number = data.draw(kinds), data.draw(plain)
                text = f"{number:.2f}".replace(".", ",")
                if kind == "num":
                    row.append(text)
                    expected[key, year, j] = (float(number), None, None)
                elif kind == "flag":
                    letter = data.draw(st.sampled_from("prse"))
                    row.append(text + letter)
                    flag = {"p": "provisional", "r": "revised", "s": "estimated", "e": "final"}[
                        letter
                    ]
                    expected[key, year, j] = (float(number), None, flag)
                elif kind == "paren":
                    row.append(f"({text})")
                    expected[key, year, j] = (float(number), None, "limited_value")
                elif kind == "-":
                    row.append("-")
                    expected[key, year, j] = (0.0, None, "nothing_there")
                elif kind == "":
                    row.append("")
                    expected[key, year, j] = (None, "missing", None)
                else:
                    row.append(kind)
                    expected[key, year, j] = (None, SYMBOL_CELLS[kind][0], None)
            values[key, year] = row
    lines = gemeinde_table(units, years, values, ["a", "b", "c"])
    lines = [line.replace("–", "-") for line in lines] if encoding == "latin-1" else lines
    ds = mi.load_data(write(tmp_path / "r.csv", lines, encoding))
    assert sorted(ds.unit_ids) == sorted(keys)
    long = ds.long.set_index(["unit", "year", "variable"])
    for (key, year, j), (value, reason, flag) in expected.items():
        got = long.loc[(key, year, "abc"[j])]
        if value is None:
            assert np.isnan(got["value"])
        else:
            assert got["value"] == pytest.approx(value, abs=1e-9)
        assert same(got["missing_reason"], reason)
        assert same(got["flag"], flag)


# ---- real header shapes (excerpts of Regionalstatistik exports in datenguide/genesapi-data,
# commit 75112493298aa46cd7433262f14e07ea0b82b448; © Statistische Ämter des Bundes und der
# Länder, Datenlizenz Deutschland - Namensnennung - 2.0). Values read by hand. ----------
def read_lines(tmp_path: Path, lines: list[str], name: str = "t.csv") -> mi.Dataset:
    return mi.load_data(write(tmp_path / name, [*lines, *FOOTER]))


def test_a_stray_carriage_return_in_the_header_is_no_crash(tmp_path: Path) -> None:
    # a damaged export: a lone CR inside a header line stopped the csv module (exit 3)
    lines = [line.replace("männlich", "männ\rlich") for line in KREISE]
    ds = read_lines(tmp_path, lines)
    assert cell(ds, "DG", 2015, "Insgesamt")["value"] == 82175684


@pytest.mark.parametrize("odd", [True, False])
def test_a_wrong_encoding_is_no_crash(tmp_path: Path, odd: bool) -> None:
    """A Windows-1252 export read as UTF-16 is one line of garbage longer than the csv
    module's field limit: never an internal error. An odd number of bytes is no UTF-16
    at all, which is said with what to do."""
    rows = [f"01{k:06d};Gemeinde {k};{k};{k};{k}" for k in range(8000)]
    path = write(tmp_path / "t.csv", [*KREISE[:8], *rows, *FOOTER])
    if len(path.read_bytes()) % 2 != odd:
        path.write_bytes(path.read_bytes() + b" ")
    assert len(path.read_bytes()) // 2 > csv.field_size_limit()
    expected = "not utf-16-le text .* give the file's encoding" if odd else "no data rows found"
    with pytest.raises(mi.DataValidationError, match=expected):
        mi.load_data(path, format="genesis", encoding="utf-16")


def test_symbol_with_an_unknown_mark_is_the_symbol_and_a_warning(tmp_path: Path) -> None:
    # 41312-01-01-4 (cattle): Stuttgart's dairy cows are ".g" in 2015, a mark the table
    # does not explain; the value is unknown either way, so the file loads with a warning
    lines = [
        "GENESIS-Tabelle: 41312-01-01-4",
        "Erhebung über die Rinderbestände,;;;;;;",
        "- Stichtage - regionale Tiefe: Kreise und krfr. Städte;;;;;;",
        ";;;Tiere;Tiere;Tiere;Tiere",
        ";;;Tierarten;Tierarten;Tierarten;Tierarten",
        ";;;Rinder insgesamt;Milchkühe;sonstige Kühe;Männliche Rinder 1 bis unter 2 Jahren",
        ";;;Anzahl;Anzahl;Anzahl;Anzahl",
        "03.11.2015;08111;      Stuttgart, Landeshauptstadt, Stadtkreis;927;.g;.g;119",
        "03.11.2015;08115;      Böblingen, Landkreis;8898;/;/;1529",
    ]
    ds = read_lines(tmp_path, lines)
    long = ds.long.set_index(["unit", "variable"])
    assert long.loc[("08111", "Rinder insgesamt"), "value"] == 927
    assert long.loc[("08111", "Männliche Rinder 1 bis unter 2 Jahren"), "value"] == 119
    cows = long.loc[("08111", "Milchkühe")]
    assert np.isnan(cows["value"]) and cows["missing_reason"] == "unknown_or_secret"
    assert long.loc[("08115", "Milchkühe"), "missing_reason"] == "not_reliable"
    warned = ds.warnings.query("code == 'unknown_mark'")
    assert warned["row"].tolist() == [8, 8] and set(warned["value"]) == {".g"}
    assert warned["column"].str.contains("Milchkühe|sonstige Kühe").all()


def test_blank_header_cell_of_another_group_is_not_filled(tmp_path: Path) -> None:
    # 12411-08-01-4: under "Altenquotient" the first column has no sex; filling it from
    # the left ("weiblich" of Jugendquotient) made two "Altenquotient | weiblich" columns
    lines = [
        "GENESIS-Tabelle: 12411-08-01-4",
        "Jugendquotient, Altenquotient;;;;;;;;",
        "- Stichtag 31.12. - regionale Tiefe: Kreise und krfr. Städte;;;;;;;;",
        "Fortschreibung des Bevölkerungsstandes;;;;;;;;",
        ";;;Jugendquotient;Jugendquotient;Jugendquotient;Altenquotient;Altenquotient;Altenquotient",
        ";;;;männlich;weiblich;;männlich;weiblich",
        ";;;Anzahl;Anzahl;Anzahl;Anzahl;Anzahl;Anzahl",
        "31.12.2015;01001;      Flensburg, Kreisfreie Stadt;27,8;27,7;28,0;32,9;27,6;38,5",
        "31.12.2015;01002;      Kiel, Landeshauptstadt;25,5;26,3;24,8;28,2;24,3;32,1",
    ]
    ds = read_lines(tmp_path, lines)
    assert cell(ds, "01001", 2015, "Altenquotient")["value"] == pytest.approx(32.9)
    assert cell(ds, "01001", 2015, "Altenquotient | weiblich")["value"] == pytest.approx(38.5)
    assert cell(ds, "01002", 2015, "Jugendquotient")["value"] == pytest.approx(25.5)


def test_merged_header_cell_is_filled_within_its_group(tmp_path: Path) -> None:
    lines = [
        "GENESIS-Tabelle: 99999-01-01-4",
        "Test;;;;",
        ";;31.12.2020;31.12.2020;31.12.2020",
        ";;Schüler;;Lehrer",
        ";;Insgesamt;weiblich;Insgesamt",
        "01001;Flensburg;100;48;9",
    ]
    ds = read_lines(tmp_path, lines)
    assert set(ds.variables) == {"Schüler | Insgesamt", "Schüler | weiblich", "Lehrer | Insgesamt"}
    assert cell(ds, "01001", 2020, "Schüler | weiblich")["value"] == 48


def test_bare_year_line_above_the_header_is_no_data_row(tmp_path: Path) -> None:
    # 31111-02-02-5: "2015;;;;" above the header; 01001;Flensburg;23;18,8;0
    lines = [
        "GENESIS-Tabelle: 31111-02-02-5",
        "Baugenehmigungen: Errichtung neuer Nichtwohngebäude;;;;",
        "- Jahressumme -;;;;",
        "regionale Tiefe: Gemeinden, Samt-/Verbandsgemeinden;;;;",
        "Statistik der Baugenehmigungen;;;;",
        "Nichtwohngebäude;;;;",
        "2015;;;;",
        ";;Nichtwohngebäude;Nutzfläche;Wohnungen",
        ";;Anzahl;1000 qm;Anzahl",
        "DG;Deutschland;26533;27507,2;3951",
        "01001;      Flensburg, Kreisfreie Stadt;23;18,8;0",
    ]
    ds = read_lines(tmp_path, lines)
    assert list(ds.years) == [2015]
    assert cell(ds, "01001", 2015, "Nutzfläche | 1000 qm")["value"] == pytest.approx(18.8)
    assert cell(ds, "DG", 2015, "Nichtwohngebäude | Anzahl")["value"] == 26533


@pytest.mark.parametrize("line", ["Jahr: 2016;;;", "Berichtsjahr 2016", '"2016";;;', "31.12.2016"])
def test_year_line_forms(tmp_path: Path, line: str) -> None:
    lines = ["GENESIS-Tabelle: 99999-01-01-4", "Test;;;", line, ";;Anzahl;Betrag", "01001;A;5;7"]
    assert list(read_lines(tmp_path, lines).years) == [2016]


@pytest.mark.parametrize("stichtag", [False, True])
def test_a_table_of_one_statistic_over_dates(tmp_path: Path, stichtag: bool) -> None:
    """12521-01-02-4: one statistic, its columns labelled by their dates alone (with
    ``Stichtag`` above them or not). One variable over the years, named as the title
    names the statistic; it was one variable per year (``column 3``, ``column 4``)."""
    lines = [
        "GENESIS-Tabelle: 12521-01-02-4",
        "Ausländeranteil an der Bevölkerung - Stichtag 31.12. -;;;",
        "regionale Tiefe: Kreise und krfr. Städte;;;",
        "Ausländeranteil (Prozent);;;",
        *([";;Stichtag;Stichtag"] if stichtag else []),
        ";;31.12.2015;31.12.2016",
        "03152;      Göttingen, Landkreis (bis 31.10.2016);7,1;.",
        "03241;      Region Hannover;12,9;13,6",
    ]
    ds = read_lines(tmp_path, lines)
    assert ds.variables == ["Ausländeranteil (Prozent)"]
    assert cell(ds, "03241", 2016, "Ausländeranteil (Prozent)")["value"] == pytest.approx(13.6)
    assert cell(ds, "03152", 2015, "Ausländeranteil (Prozent)")["value"] == pytest.approx(7.1)


def test_columns_of_one_date_keep_their_own_labels(tmp_path: Path) -> None:
    """Two columns of the same date are no series over the years: without labels of
    their own they stay two variables."""
    lines = ["GENESIS-Tabelle: 99999-01-01-4", "Test (Anzahl);;;", ";;31.12.2015;31.12.2015"]
    ds = read_lines(tmp_path, [*lines, "01001;A;5;7"])
    assert sorted(ds.variables) == ["column 3", "column 4"]


def test_class_column_with_a_zero_class(tmp_path: Path) -> None:
    # 73111-02-01-4: income classes in a row column, the first class is "0"
    lines = [
        "GENESIS-Tabelle: 73111-02-01-4",
        "Lohn- und Einkommensteuer nach Größenklassen;;;;;;",
        ";;;;Lohn- und Einkommensteuerpflichtige;Gesamtbetrag der Einkünfte;"
        "Lohn- und Einkommensteuer",
        ";;;;Anzahl;Tsd. EUR;Tsd. EUR",
        "2004;DG;Deutschland;0;2059296;0;2603",
        "2004;DG;Deutschland;1 - 2 500;2983713;3291602;30313",
        "2004;DG;Deutschland;2 500 - 5 000;1789731;6557339;57712",
    ]
    ds = read_lines(tmp_path, lines)
    payers = "Lohn- und Einkommensteuerpflichtige | Anzahl"
    assert cell(ds, "DG", 2004, f"{payers} | 0")["value"] == 2059296
    assert cell(ds, "DG", 2004, f"{payers} | 1 - 2 500")["value"] == 2983713


def test_table_code_and_title_are_read_from_the_header(tmp_path: Path) -> None:
    from mint_index.data.genesis import read_genesis

    raw = "\n".join([*KREISE, *FOOTER]).encode("cp1252")
    table = read_genesis(raw, "x.csv")
    assert table.table == "12411-01-01-4"
    assert table.title is not None and table.title.startswith("Bevölkerungsstand")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("12411-01-01-4_flat.csv", "12411-01-01-4"),
        ("21311-01-01-4-B.csv", "21311-01-01-4-B"),  # a variant of a Regionaldatenbank table
        ("12211-Z-11.csv", "12211-Z-11"),  # time series
        ("86000U-Z-01_de_flat.csv", "86000U-Z-01"),
        ("AI-N-01-2-5.csv", "AI-N-01-2-5"),  # Regionalatlas
        ("12411-0015.csv", "12411-0015"),  # GENESIS-Online
        ("1000A-2022_de_flat.csv", "1000A-2022"),  # Zensus 2022 database
        ("bevoelkerung_2019-2020.csv", None),  # years, no code
    ],
)
def test_table_codes_of_every_database(name: str, code: str | None) -> None:
    from mint_index.data.genesis import table_code

    assert table_code([], name) == code


def test_33111_land_use_labels_do_not_borrow_from_the_left(tmp_path: Path) -> None:
    # 33111-01-01-4 (excerpt, 7 of 19 columns): "Waldfläche" and "Friedhofsfläche" have no
    # sub-level; filling from the left called them "... | Heide" and "... | Grünanlage"
    lines = [
        "GENESIS-Tabelle: 33111-01-01-4",
        "Bodenfläche nach Art der tatsächlichen Nutzung;;;;;;;;;",
        ";;;Bodenfläche;Bodenfläche;Bodenfläche;Bodenfläche;Bodenfläche;Bodenfläche;Bodenfläche",
        ";;;;Erholungsfläche;Erholungsfläche;Friedhofsfläche;Landwirtschaftsfläche;"
        "Landwirtschaftsfläche;Waldfläche",
        ";;;;Insgesamt;Grünanlage;;Insgesamt;Heide;",
        ";;;ha;ha;ha;ha;ha;ha;ha",
        "31.12.2015;DG;Deutschland;35740911;445484;291483;37725;18433248;60055;10951461",
    ]
    ds = read_lines(tmp_path, lines)
    assert cell(ds, "DG", 2015, "Waldfläche")["value"] == 10951461
    assert cell(ds, "DG", 2015, "Friedhofsfläche")["value"] == 37725
    assert cell(ds, "DG", 2015, "Erholungsfläche | Grünanlage")["value"] == 291483


# ---- a GENESIS table saved as Excel --------------------------------------------------------
def _as_workbook(csv_path: Path, book: Path, *, date_cells: bool = False) -> Path:
    """The sheet the Regionalstatistik's Excel download holds for a table: its CSV lines as
    rows, keys and names as text, values as numbers (symbols stay text), and with
    ``date_cells`` the date header as Excel dates."""
    import csv as csv_module
    import datetime

    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    text = csv_path.read_text(encoding="latin-1")
    for line in csv_module.reader(text.splitlines(), delimiter=";"):
        row: list[object] = []
        for position, cell in enumerate(line):
            number = cell.replace(".", "").replace(",", ".")
            if position >= 2 and re.fullmatch(r"\d{1,3}(?:\.\d{3})*(?:,\d+)?|\d+(?:,\d+)?", cell):
                row.append(float(number) if "." in number else int(number))
            elif date_cells and len(cell) == 10 and cell[2] == "." and cell[5] == ".":
                day, month, year = (int(part) for part in cell.split("."))
                row.append(datetime.datetime(year, month, day))
            else:
                row.append(cell)
        sheet.append(row)
    workbook.save(book)
    return book


@pytest.mark.parametrize("date_cells", [False, True])
def test_genesis_table_saved_as_excel_reads_as_its_csv(tmp_path: Path, date_cells: bool) -> None:
    real = Path(__file__).parent / "fixtures" / "real-data" / "12411-01-01-4.csv"
    book = _as_workbook(real, tmp_path / "12411-01-01-4.xlsx", date_cells=date_cells)
    from_excel, from_csv = mi.load_data(book), mi.load_data(real)
    assert list(from_excel.unit_ids) == list(from_csv.unit_ids)
    assert from_excel.variables == from_csv.variables and list(from_excel.years) == [2015]
    np.testing.assert_array_equal(from_excel.values, from_csv.values)
    np.testing.assert_array_equal(from_excel.reason, from_csv.reason)
    # Flensburg (01001), Insgesamt, read by hand from line 11 of the CSV: 85942
    assert from_excel.values[0, list(from_excel.unit_ids).index("01001"), 0] == 85942
    assert from_excel.provenance.iloc[0]["format"] == "excel"


def test_a_plain_sheet_forced_as_genesis_is_refused(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.append(["AGS", "year", "pop"])
    workbook.active.append(["01001000", 2021, 5])
    workbook.save(tmp_path / "plain.xlsx")
    assert mi.load_data(tmp_path / "plain.xlsx").values[0, 0, 0] == 5
    with pytest.raises(mi.DataValidationError, match="holds no GENESIS table"):
        mi.load_data(tmp_path / "plain.xlsx", format="genesis")


#: A Landesdatenbank NRW export (IT.NRW's GENESIS, 12521-03i): ``Tabelle:`` instead of
#: ``GENESIS-Tabelle:``, IT.NRW's copyright, and a class's code and name (a nationality)
#: beside the region, which the header leaves blank as it leaves the ids.
NRW = [
    "Tabelle: 12521-03i",
    "Ausländische Bevölkerung nach Geschlecht und;;;;;;;",
    "Staatsangehörigkeiten (215);;;;;;;",
    "- kreisfreie Städte und Kreise - Stichtag;;;;;;;",
    "Ausländerstatistik (AZR);;;;;;;",
    ";;;;;Ausländische Bevölkerung;Ausländische Bevölkerung;Ausländische Bevölkerung",
    ";;;;;Insgesamt;männlich;weiblich",
    ";;;;;Anzahl;Anzahl;Anzahl",
    "31.12.2024;05;Nordrhein-Westfalen;1;Europa;2228230;1132670;1095560",
    "31.12.2024;05;Nordrhein-Westfalen;121;  Albanien;33330;18595;14735",
    "31.12.2024;05111;    Düsseldorf, krfr. Stadt;1;Europa;113755;56150;57605",
    "31.12.2024;05111;    Düsseldorf, krfr. Stadt;121;  Albanien;2030;1120;910",
    "__________",
    "© IT.NRW, Düsseldorf, 2026. Dieses Werk ist lizenziert unter der Datenlizenz "
    "Deutschland - Namensnennung - Version 2.0.",
    "Stand: 09.02.2026 / 16:09:36",
]


def test_a_landesdatenbank_nrw_export_reads_as_genesis(tmp_path: Path) -> None:
    path = write(tmp_path / "12521-03i.csv", NRW)
    assert is_genesis(path.read_bytes())
    data = mi.load_data(path)
    assert list(data.unit_ids) == ["05", "05111"] and list(data.years) == [2024]
    # the class code and name are part of the variable, never a value column
    assert sorted(data.variables) == [
        "Insgesamt | 1 | Europa",
        "Insgesamt | 121 | Albanien",
        "männlich | 1 | Europa",
        "männlich | 121 | Albanien",
        "weiblich | 1 | Europa",
        "weiblich | 121 | Albanien",
    ]
    at = list(data.unit_ids).index("05111"), data.variables.index("weiblich | 121 | Albanien")
    assert data.values[0, at[0], at[1]] == 910
    assert read_genesis(path.read_bytes(), path.name).table == "12521-03i"
    # named by IT.NRW's copyright line alone, with another first line
    footer_only = write(tmp_path / "x.csv", ["Ausländerstatistik", *NRW[1:]])
    assert is_genesis(footer_only.read_bytes())
    # the database named above its code line, and the copyright in the office's full name:
    # either was a plain table ("required column missing (unit, year)")
    titled = [
        "Landesdatenbank NRW;;;;;;;",
        *NRW[:-3],
        "(C)opyright Information und Technik Nordrhein-Westfalen, Düsseldorf, 2024",
    ]
    assert is_genesis(write(tmp_path / "titled.csv", titled).read_bytes())
    assert mi.load_data(tmp_path / "titled.csv").values[0, at[0], at[1]] == 910
    full_name = ["Ausländerstatistik", *NRW[1:-3], titled[-1]]
    assert is_genesis(write(tmp_path / "full.csv", full_name).read_bytes())
    # a town's table that names a unit "GENESIS-Tabelle" is no export of GENESIS
    assert not is_genesis(b"Region;Einwohner\n00000 AaGENESIS-Tabelle;0\n")


def test_a_landesdatenbank_nrw_workbook_reads_as_its_csv(tmp_path: Path) -> None:
    csv_file = write(tmp_path / "12521-03i.csv", NRW)
    book = _as_workbook(csv_file, tmp_path / "12521-03i.xlsx", date_cells=False)
    from_excel, from_csv = mi.load_data(book), mi.load_data(csv_file)
    assert from_excel.variables == from_csv.variables
    np.testing.assert_array_equal(from_excel.values, from_csv.values)


def test_a_value_column_without_a_head_stays_a_value_column(tmp_path: Path) -> None:
    """The header leaves the first value column blank (no head over ``Insgesamt``): the
    columns a header leaves blank are ids only where one of them holds text."""
    lines = [*KREISE[:5], ";;;männlich;weiblich", *KREISE[8:10], *FOOTER]
    data = mi.load_data(write(tmp_path / "t.csv", lines), year=2015)
    assert sorted(data.variables) == ["column 3", "männlich", "weiblich"]
    at = list(data.unit_ids).index("01"), data.variables.index("column 3")
    assert data.values[0, at[0], at[1]] == 2858714


def test_the_offices_copyright_marks_an_export_a_source_line_does_not() -> None:
    """A sheet whose footer carries the offices' copyright is a GENESIS table; a plain
    table whose note names them as its source (``Quelle: Statistische Ämter des Bundes
    und der Länder``, as a Landesamt's report cites them) is not."""
    top = [["Bevölkerung", None, None], [None, "2022", "2023"], ["05315", "1000", "1100"]]
    signed = pd.DataFrame(
        [*top, ["(C)opyright Statistische Ämter des Bundes und der Länder", None, None]]
    )
    cited = pd.DataFrame(
        [*top, ["Quelle: Statistische Ämter des Bundes und der Länder, AZR", None, None]]
    )
    assert sheet_as_csv(signed) is not None
    assert sheet_as_csv(cited) is None
    assert is_genesis("x;1\n© Statistische Ämter des Bundes und der Länder, 2024\n".encode())
    assert not is_genesis("x;1\nQuelle: Statistische Ämter des Bundes und der Länder\n".encode())


# ---- GENESIS groups no thousands: a point is a decimal point --------------------------
#: ``81000-0001`` in English as GENESIS-Online exports it: EUR bn with three decimals, as
#: the real German flat file of the table writes them (``3195,210``, ``0,654``).
NATIONAL_ACCOUNTS_EN = [
    "GENESIS-Tabelle: 81000-0001",
    "National accounts - gross value added, gross domestic;;;;",
    "product (nominal/price-adjusted): Germany, years;;;;",
    "Germany;;;;",
    ";Gross domestic product;Gross domestic product;Gross domestic product;Subsidies",
    ";at current prices;price-adjusted, chain index;price-adjusted, chain index;on products",
    ";EUR bn;2020=100;change on previous year in %;EUR bn",
    "2016;3195.210;99.360;2.2;0.060",
    "2018;3434.030;103.300;1.1;0.654",
    "2020;3450.720;100.000;-4.1;1.300",
    "2024;...;...;...;...",
    "__________",
    "© Federal Statistical Office, Wiesbaden 2025",
    "created: 2025-03-10 / 09:13:20",
]


def _values(table: object) -> dict[tuple[str, int, str], float]:
    """The cells a reader read, by (unit, year, variable)."""
    cells = table.cells  # type: ignore[attr-defined]
    return {
        (str(u), int(y), str(v)): float(x)
        for u, y, v, x in zip(
            cells["unit"], cells["year"], cells["variable"], cells["value"], strict=True
        )
    }


def test_three_decimals_of_an_english_export_are_decimals(tmp_path: Path) -> None:
    """``3195.210`` (EUR bn) is 3195.21, ``100.000`` (2020=100) is 100 and ``0.654`` is
    0.654: GENESIS writes no thousands mark, so a point followed by three digits is never
    one. They were read as 3195210, 100000 and 654."""
    data = mi.load_data(write(tmp_path / "81000-0001_en.csv", NATIONAL_ACCOUNTS_EN, "utf-8"))
    long = data.long.set_index(["year", "variable"])["value"]
    assert long[(2016, "Gross domestic product | at current prices | EUR bn")] == 3195.21
    chain = "Gross domestic product | price-adjusted, chain index | 2020=100"
    assert long[(2020, chain)] == 100.0
    assert long[(2016, chain)] == 99.36
    assert long[(2018, "Subsidies | on products | EUR bn")] == 0.654
    change = "Gross domestic product | price-adjusted, chain index | change on previous year in %"
    assert long[(2020, change)] == -4.1


def test_a_keyed_english_table_with_three_decimals_reads_them(tmp_path: Path) -> None:
    """The Regionalstatistik's GDP of the Kreise in English (82111-01-05-4), EUR million."""
    lines = [
        "GENESIS-Tabelle: 82111-01-05-4",
        "Gross domestic product/gross value added (WZ 2008);;;",
        ";;2021;2022",
        ";;Gross domestic product;Gross domestic product",
        ";;EUR million;EUR million",
        "01001;      Flensburg, district-free city;4004.139;4215.867",
        "07320;      Zweibrücken, district-free city;812.447;855.206",
        "__________",
        "© Statistical Offices of the Federation and the Länder, Germany, 2024.",
    ]
    table = read_genesis(write(tmp_path / "g.csv", lines, "utf-8").read_bytes(), "g.csv")
    values = _values(table)
    assert table.decimal == "."
    assert values[("01001", 2021, "Gross domestic product | EUR million")] == 4004.139
    assert values[("07320", 2022, "Gross domestic product | EUR million")] == 855.206


def test_an_english_export_with_few_decimal_figures_has_a_decimal_point(tmp_path: Path) -> None:
    """Two different figures with a point (``6.0``, ``5.9``) and no comma: an export its
    footer marks as English has a decimal point (13211-0002). Read with a decimal comma,
    they were "not a number"."""
    lines = [
        "GENESIS-Tabelle: 13211-0002",
        "Labour market statistics: Germany, months;;;;",
        "Germany;;;;",
        ";;Unemployed persons;Unemployment rate",
        ";;number;%",
        "2024;October;2791000;6.0",
        "2024;November;2774000;5.9",
        "2024;December;2807000;6.0",
        "__________",
        "© Federal Statistical Office, Wiesbaden 2025",
        "created: 2025-01-10 / 11:02:47",
    ]
    data = mi.load_data(write(tmp_path / "13211-0002_en.csv", lines, "utf-8"), unit="DG")
    assert cell(data, "DG", 2024, "Unemployment rate | % | November")["value"] == 5.9
    assert cell(data, "DG", 2024, "Unemployed persons | number | December")["value"] == 2807000


def test_a_point_beside_a_decimal_comma_is_a_thousands_mark_alone_it_is_reported(
    tmp_path: Path,
) -> None:
    """In a table with a decimal comma, ``1.234,5`` is 1234.5, but ``1.234`` is neither
    1234 nor 1.234 (GENESIS writes no thousands dot): reported, as ``1.5`` is."""
    lines = [
        "GENESIS-Tabelle: 12411-01-01-4",
        ";;31.12.2015;31.12.2015",
        ";;Insgesamt;Anteil",
        "01001;  Flensburg;1.234,5;12,5",
        "01002;  Kiel;1.234;13,5",
        *FOOTER,
    ]
    path = write(tmp_path / "b.csv", lines)
    table = read_genesis(path.read_bytes(), path.name)
    failures = pd.concat(table.failures)
    assert failures[["row", "column", "value", "code"]].values.tolist() == [
        [5, "Insgesamt", "1.234", "not_a_number"]
    ]
    assert _values(table)[("01001", 2015, "Insgesamt")] == 1234.5


def test_the_decimal_mark_given_is_the_tables(tmp_path: Path) -> None:
    """``decimal`` decides over what the figures suggest: a point where the figures are
    too few to tell (one ``1.5`` in a table that does not say it is English), a comma
    where an English export is read as German (its points are then reported, never read
    as thousands)."""
    lines = [
        "GENESIS-Tabelle: 12411-01-01-4",
        ";;31.12.2015;31.12.2015",
        ";;Insgesamt;Anteil",
        "01001;  Flensburg;85942;1.5",
        *FOOTER,
    ]
    raw = write(tmp_path / "b.csv", lines).read_bytes()
    assert pd.concat(read_genesis(raw, "b.csv").failures)["value"].tolist() == ["1.5"]
    pointed = read_genesis(raw, "b.csv", decimal=".")
    assert not any(len(f) for f in pointed.failures) and pointed.decimal == "."
    assert _values(pointed)[("01001", 2015, "Anteil")] == 1.5
    english = write(tmp_path / "e.csv", NATIONAL_ACCOUNTS_EN, "utf-8").read_bytes()
    as_german = read_genesis(english, "e.csv", decimal=",")
    failures = pd.concat(as_german.failures)
    assert {"99.360", "100.000", "0.654"} <= set(failures["value"])
    assert set(failures["code"]) == {"not_a_number"}
    assert as_german.cells["value"].isna().all()  # never 99360 or 654


def test_the_decimal_mark_of_genesis_figures() -> None:
    """The rule for a table's figures and a flat file's values alike: a comma anywhere is
    the German decimal comma, else a point is a decimal point (``102.140`` is 102.14)."""
    assert figures_decimal(pd.Series(["102.140", "99.360", "100.000"])) == "."
    assert figures_decimal(pd.Series(["102,140", "1.234,5", "7"])) == ","
    assert figures_decimal(pd.Series(["45", "31.12.2023", "-"])) == ","
    assert figures_decimal(pd.Series(["1.5", "7"]), english=False) == ","
    assert figures_decimal(pd.Series(["1.5", "2.5", "3.25"]), english=False) == "."


# ---- a date line above each block of lines --------------------------------------------
def test_a_date_line_above_each_block_dates_its_lines(tmp_path: Path) -> None:
    """A Regionalstatistik table written as GENESIS-Online writes 12411-0011: each date on
    a line of its own above its block. The header was lost (``column 3``) and every block
    dated by the first date: duplicates."""
    lines = [
        "GENESIS-Tabelle: 12411-01-01-4",
        "Bevölkerungsstand;;;",
        ";;Geschlecht;",
        ";;männlich;weiblich",
        "31.12.2022;;;",
        "DG;Deutschland;41620000;42738845",
        "01;  Schleswig-Holstein;1450000;1503000",
        "31.12.2023;;;",
        "DG;Deutschland;41790000;42879326",
        "01;  Schleswig-Holstein;1452000;1506000",
        *FOOTER,
    ]
    data = mi.load_data(write(tmp_path / "t.csv", lines))
    assert list(data.years) == [2022, 2023]
    assert sorted(data.variables) == ["männlich", "weiblich"]
    assert cell(data, "DG", 2022, "weiblich")["value"] == 42738845
    assert cell(data, "01", 2023, "männlich")["value"] == 1452000
    cells = read_genesis((tmp_path / "t.csv").read_bytes(), "t.csv").cells
    at = cells.query("unit == '01' and year == 2023 and variable == 'männlich'")
    assert at["row"].tolist() == [10]  # the line in the file
    # a date line above the header still dates the table (41141-03-01-4)
    above = [lines[0], "01.03.2016;;;", *lines[2:4], *lines[5:7], *FOOTER]
    assert list(mi.load_data(write(tmp_path / "a.csv", above)).years) == [2016]


# ---- several reference dates in one year (quarters) ------------------------------------
QUARTERS = [
    "GENESIS-Tabelle: 13111-0005",
    "Sozialversicherungspflichtig Beschäftigte am Arbeitsort:;;;;",
    "Sozialvers.pflichtig Beschäftigte am Arbeitsort (Anzahl);;;;",
    ";31.03.2024;31.03.2024;30.06.2024;30.06.2024",
    ";Insgesamt;weiblich;Insgesamt;weiblich",
    "Baden-Württemberg;4914502;2226480;4926315;2228731",
    "Bayern;5982330;2751221;5991820;2753410",
    *FOOTER,
]


def test_quarterly_date_heads_are_each_a_variable(tmp_path: Path) -> None:
    """13111-0005: the same labels under three dates of one year were the same cell three
    times (duplicates). Each date's column is a variable of its own, named by its whole
    head, as a plain table's quarterly heads are."""
    data = mi.load_data(write(tmp_path / "13111-0005.csv", QUARTERS))
    assert list(data.years) == [2024]
    assert sorted(data.variables) == [
        "30.06.2024 | Insgesamt",
        "30.06.2024 | weiblich",
        "31.03.2024 | Insgesamt",
        "31.03.2024 | weiblich",
    ]
    assert cell(data, "09", 2024, "30.06.2024 | Insgesamt")["value"] == 5991820
    assert cell(data, "08", 2024, "31.03.2024 | weiblich")["value"] == 2226480


def test_quarterly_dates_per_line_are_each_a_variable(tmp_path: Path) -> None:
    """The same with the date at the start of each line: a year with one date keeps the
    plain label."""
    lines = [
        *QUARTERS[:3],
        ";;Insgesamt;weiblich",
        "31.03.2024;Bayern;5982330;2751221",
        "30.06.2024;Bayern;5991820;2753410",
        "31.12.2023;Bayern;5950000;2740000",
        *FOOTER,
    ]
    data = mi.load_data(write(tmp_path / "13111-0005.csv", lines))
    assert cell(data, "09", 2024, "31.03.2024 | Insgesamt")["value"] == 5982330
    assert cell(data, "09", 2024, "30.06.2024 | weiblich")["value"] == 2753410
    assert cell(data, "09", 2023, "Insgesamt")["value"] == 5950000


# ---- school years ----------------------------------------------------------------------
SCHOOL_YEARS_ACROSS = [
    "GENESIS-Tabelle: 21111-0010",
    "Schüler/-innen: Bundesländer, Schuljahr, Schulart;;;",
    "Schüler/-innen (Anzahl);;;",
    ";;Schuljahr;Schuljahr",
    ";;2022/23;2023/24",
    "Baden-Württemberg;Grundschulen;45210;48335",
    "Baden-Württemberg;Gymnasien;31850;33120",
    "Bayern;Gymnasien;30120;31540",
    *FOOTER,
]


@pytest.mark.parametrize(("counted", "first"), [("start", 2022), ("end", 2023)])
def test_school_years_over_the_columns_count_as_school_year_says(
    tmp_path: Path, counted: str, first: int
) -> None:
    """GENESIS-Online dates pupils by the school year (``2022/23``): each column is the
    year ``school_year`` counts it in, the variable the statistic the title names."""
    raw = write(tmp_path / "t.csv", SCHOOL_YEARS_ACROSS).read_bytes()
    table = read_genesis(raw, "t.csv", school_year=counted)
    assert not any(len(f) for f in table.failures)
    values = _values(table)
    assert values[("08", first, "Schüler/-innen (Anzahl) | Gymnasien")] == 31850
    assert values[("08", first + 1, "Schüler/-innen (Anzahl) | Gymnasien")] == 33120
    assert values[("09", first + 1, "Schüler/-innen (Anzahl) | Gymnasien")] == 31540


def test_school_years_without_school_year_are_reported_whatever_year_says(
    tmp_path: Path,
) -> None:
    """Without ``school_year`` the school years are the problem (code ``school_year``),
    not "pass year=": a year given dated both school years' figures alike."""
    raw = write(tmp_path / "t.csv", SCHOOL_YEARS_ACROSS).read_bytes()
    for year in (None, 2023):
        table = read_genesis(raw, "t.csv", year=year)
        failures = pd.concat(table.failures)
        assert failures["code"].tolist() == ["school_year", "school_year"]
        assert failures["value"].tolist() == ["2022/23", "2023/24"]
        assert "school_year: start or end" in failures["reason"].iloc[0]
        assert not len(table.cells)
