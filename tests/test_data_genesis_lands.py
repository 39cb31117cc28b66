"""GENESIS-Online tables of the Länder, which name the Länder without their keys.

The fixtures follow two real GENESIS-Online exports: ``11111-0001`` (Gebietsfläche:
Bundesländer, Stichtag; the Länder down the rows, an ``Insgesamt`` row) and
``12411-0012`` (Bevölkerung: Bundesländer, Stichtag, Altersjahre; the Länder across the
columns, a date and an age group per line), with fewer Länder, years and ages, and cells
written by hand. Expected values are those cells; the keys are the Länder's official
ones (08 Baden-Württemberg, 09 Bayern, 11 Berlin, 16 Thüringen).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import mint_index as mi
from mint_index.data.genesis import read_genesis

FOOTER = [
    "__________",
    '"Berlin (1995-2000): bezogen auf den Gebietsstand 01.01.2001;"',
    "Sachsen (1995): bezogen auf den Gebietsstand 01.01.1996.",
    "__________",
    "(C)opyright Statistisches Bundesamt, Wiesbaden 2010",
    "Stand: 22.04.2010 / 21:32:50",
]

#: 11111-0001: the Länder down the rows, a date per column, the Insgesamt row last.
IN_ROWS = [
    "GENESIS-Tabelle: Temporär",
    "Gebietsfläche: Bundesländer, Stichtag;;;",
    "Feststellung des Gebietsstands;;;",
    "Gebietsfläche (qkm);;;",
    ";Stichtag;Stichtag;Stichtag",
    ";31.12.2005;31.12.2006;31.12.2007",
    "Baden-Württemberg;35751,65;35751,50;35751,40",
    "Bayern;70551,57;70551,57;70551,56",
    "Berlin;891,85;891,02;891,02",
    "Thüringen;16172,10;16172,14;.",
    "Insgesamt;357092,90;357114,25;357104,07",
    *FOOTER,
]

#: 12411-0012: the Länder across the columns, a date and an age group per line.
IN_COLUMNS = [
    "GENESIS-Tabelle: 12411-0012",
    "Bevölkerung: Bundesländer, Stichtag, Altersjahre;;;;;",
    "Fortschreibung des Bevölkerungsstandes;;;;;",
    "Bevölkerungsstand (Anzahl);;;;;",
    ";;Bundesländer;Bundesländer;Bundesländer;Bundesländer",
    ";;Baden-Württemberg;Bayern;Berlin;Thüringen",
    "31.12.1967;unter 1 Jahr;152272;172254;24603;-",
    "31.12.1967;1-Jährige;155269;176137;25035;-",
    "31.12.2023;unter 1 Jahr;101218;120931;34050;13401",
    "31.12.2023;1-Jährige;104876;126094;36000;14212",
    "__________",
    '"Berlin: bis 1989 nur Berlin-West.',
    'Neue Länder ab 1990."',
    "© Statistisches Bundesamt (Destatis), 2024",
    "Stand: 20.06.2024 / 11:28:26",
]


def write(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def cell(data: mi.Dataset, unit: str, year: int, variable: str) -> float:
    at = (list(data.years).index(year), list(data.unit_ids).index(unit))
    return float(data.values[at[0], at[1], data.variables.index(variable)])


def test_laender_down_the_rows_get_their_keys(tmp_path: Path) -> None:
    data = mi.load_data(write(tmp_path / "11111-0001.csv", IN_ROWS))
    assert list(data.unit_ids) == ["08", "09", "11", "16"]
    assert list(data.years) == [2005, 2006, 2007]
    # the variable is the statistic the title names, not the date's head "Stichtag"
    assert data.variables == ["Gebietsfläche (qkm)"]
    assert cell(data, "09", 2006, "Gebietsfläche (qkm)") == pytest.approx(70551.57)
    assert cell(data, "11", 2005, "Gebietsfläche (qkm)") == pytest.approx(891.85)
    assert np.isnan(cell(data, "16", 2007, "Gebietsfläche (qkm)"))  # "." unknown
    assert data.units.loc["16", "name"] == "Thüringen"
    # the Insgesamt row (line 11) totals the Länder: left out, with a warning there
    total = data.warnings[data.warnings["code"] == "total_row"]
    assert total[["row", "value"]].values.tolist() == [[11, "Insgesamt"]]


def test_laender_across_the_columns_become_a_line_each(tmp_path: Path) -> None:
    data = mi.load_data(write(tmp_path / "12411-0012.csv", IN_COLUMNS))
    assert sorted(data.unit_ids) == ["08", "09", "11", "16"]
    assert list(data.years) == [1967, 2023]
    under_one = "Bevölkerungsstand (Anzahl) | unter 1 Jahr"
    assert sorted(data.variables) == ["Bevölkerungsstand (Anzahl) | 1-Jährige", under_one]
    assert cell(data, "09", 1967, under_one) == 172254
    assert cell(data, "16", 2023, "Bevölkerungsstand (Anzahl) | 1-Jährige") == 14212
    assert cell(data, "11", 2023, under_one) == 34050
    assert data.units.loc["08", "name"] == "Baden-Württemberg"


def test_a_bad_cell_is_reported_at_its_line_and_land_column(tmp_path: Path) -> None:
    lines = list(IN_COLUMNS)
    lines[8] = "31.12.2023;unter 1 Jahr;101218;12O931;34050;13401"  # letter O in Bayern's
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(write(tmp_path / "12411-0012.csv", lines))
    failures = err.value.failures
    assert failures[["row", "column", "value", "code"]].values.tolist() == [
        [9, "Bayern", "12O931", "not_a_number"]
    ]


def test_each_cell_keeps_its_line_and_column_of_the_file(tmp_path: Path) -> None:
    table = read_genesis(write(tmp_path / "t.csv", IN_COLUMNS).read_bytes(), "t.csv")
    cells = table.cells.set_index(["unit", "year", "variable"])
    # Thüringen, 2023, 1-Jährige: the last cell of line 10
    at = cells.loc[("16", 2023, "Bevölkerungsstand (Anzahl) | 1-Jährige")]
    assert (int(at["row"]), at["column"]) == (10, "Thüringen")
    assert table.sha256 is not None and table.encoding == "cp1252"


def test_a_total_column_is_left_out_and_a_name_no_land_has_is_an_error(tmp_path: Path) -> None:
    lines = [line + ";" for line in IN_COLUMNS[:4]]
    lines += [
        ";;Bundesländer;Bundesländer;Bundesländer;Bundesländer;Bundesländer",
        ";;Baden-Württemberg;Bayern;Berlin;Thüringen;Insgesamt",
        "31.12.2023;unter 1 Jahr;101218;120931;34050;13401;692989",
        *IN_COLUMNS[10:],
    ]
    data = mi.load_data(write(tmp_path / "total.csv", lines))
    assert sorted(data.unit_ids) == ["08", "09", "11", "16"]
    assert data.warnings[data.warnings["code"] == "total_row"]["value"].tolist() == ["Insgesamt"]

    lines[5] = ";;Baden-Württemberg;Bayern;Berlin;Thüringen;Baden-Würtemberg"
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(write(tmp_path / "typo.csv", lines))
    failure = err.value.failures.iloc[0]
    assert (failure["code"], failure["row"], failure["value"]) == (
        "unknown_unit_name",
        6,
        "Baden-Würtemberg",
    )


@pytest.mark.parametrize("at", [6, 8, 9])  # the first, a middle and the last Land's line
def test_a_misspelt_land_down_the_rows_is_an_error_at_its_line(tmp_path: Path, at: int) -> None:
    lines = list(IN_ROWS)
    lines[at] = "Berlinn;891,85;891,02;891,02"
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(write(tmp_path / "11111-0001.csv", lines))
    failures = err.value.failures
    assert failures[["row", "value", "code"]].values.tolist() == [
        [at + 1, "Berlinn", "unknown_unit_name"]
    ]


@pytest.mark.parametrize("when", ["2022", "31.12.2022"])
def test_a_date_per_line_is_never_read_as_a_key(tmp_path: Path, when: str) -> None:
    """``2022;100;200`` under Länder columns, or ``2022;Bayern;100``, would read as
    ``[date;]key;name;value`` (key 100, or key 2022); the Länder decide."""
    title = ["GENESIS-Tabelle: 12411-0011", "Bevölkerung: Bundesländer, Stichtag;;;"]
    title += ["Bevölkerungsstand (Anzahl);;;"]
    later = when.replace("2022", "2023")
    across = [";Baden-Württemberg;Bayern;Berlin", f"{when};100;200;300", f"{later};110;210;310"]
    data = mi.load_data(write(tmp_path / "across.csv", [*title, *across, *FOOTER]))
    assert list(data.unit_ids) == ["08", "09", "11"] and list(data.years) == [2022, 2023]
    assert cell(data, "09", 2023, "Bevölkerungsstand (Anzahl)") == 210
    down = [
        ";;Bevölkerungsstand",
        f"{when};Bayern;100",
        f"{when};Berlin;200",
        f"{later};Bayern;110",
    ]
    data = mi.load_data(write(tmp_path / "down.csv", [*title, *down, *FOOTER]))
    assert list(data.unit_ids) == ["09", "11"] and list(data.years) == [2022, 2023]
    assert cell(data, "09", 2023, "Bevölkerungsstand") == 110
    assert cell(data, "11", 2022, "Bevölkerungsstand") == 200


def test_a_year_after_the_land_dates_its_line(tmp_path: Path) -> None:
    """12612-0100 with its rows ordered Land, then year (``Bremen;2022;3489;3280;6769``):
    it was "the table has no date or year", and with a year given the years were read as
    a variable. The figures are read by hand from the lines below; a year-like count
    under a head of its own stays a count."""
    lines = [
        "GENESIS-Tabelle: 12612-0100",
        "Lebendgeborene: Bundesländer, Jahre, Geschlecht;;;;",
        "Lebendgeborene (Anzahl);;;;",
        ";;männlich;weiblich;Insgesamt",
        "Baden-Württemberg;2022;52980;50071;103051",
        "Baden-Württemberg;2023;50120 p;47011 p;97131 p",
        "Bremen;2022;3489;3280;6769",
        "Bremen;2023;3301 p;3150 p;6451 p",
        *FOOTER,
    ]
    data = mi.load_data(write(tmp_path / "12612-0100.csv", lines))
    assert list(data.unit_ids) == ["04", "08"] and list(data.years) == [2022, 2023]
    assert cell(data, "04", 2022, "weiblich") == 3280
    assert cell(data, "08", 2023, "Insgesamt") == 97131
    counts = [
        "GENESIS-Tabelle: 12612-0101",
        "Lebendgeborene: Bundesländer;;",
        ";Knaben;Mädchen",
        "Bremen;1950;1890",
        "Saarland;2010;1920",
        *FOOTER,
    ]
    data = mi.load_data(write(tmp_path / "counts.csv", counts), year=2023)
    assert list(data.years) == [2023] and cell(data, "04", 2023, "Knaben") == 1950


def test_a_class_before_the_land_stays_a_class(tmp_path: Path) -> None:
    """``Jahr;Körperschaftsgruppe;Bundesland;values`` (as 21711-0010 lists its rows): the
    Länder are found in whichever leading field names them; the class before them joins
    the variable."""
    lines = [
        "GENESIS-Tabelle: 21711-0010",
        "Bildungsausgaben: Bundesländer, Jahre, Körperschaftsgruppen;;;;",
        "Bildungsausgaben (Tsd. EUR);;;;",
        ";;;Insgesamt;je Einwohner",
        "2020;Länder;Baden-Württemberg;10062;906",
        "2020;Länder;Bayern;12201;929",
        "2020;Gemeinden;Baden-Württemberg;3110;280",
        "2020;Gemeinden;Bayern;4012;305",
        "2020;Länder;Insgesamt;22263;917",
        *FOOTER,
    ]
    data = mi.load_data(write(tmp_path / "21711-0010.csv", lines))
    assert list(data.unit_ids) == ["08", "09"] and list(data.years) == [2020]
    assert cell(data, "09", 2020, "Insgesamt | Gemeinden") == 4012
    assert cell(data, "08", 2020, "je Einwohner | Länder") == 906
    assert data.warnings[data.warnings["code"] == "total_row"]["row"].tolist() == [9]


def test_classes_below_a_land_heading_are_that_lands(tmp_path: Path) -> None:
    """A Land's name on a line of its own heads the class lines below it, as a merged
    cell would; Deutschland is keyed as the Regionaldatenbank keys it (DG)."""
    lines = [
        "GENESIS-Tabelle: 12521-0020",
        "Ausländer: Bundesländer, Stichtag, Geschlecht;;;",
        "Ausländerstatistik;;;",
        "Ausländer (Anzahl);;;",
        ";;31.12.2022;31.12.2023",
        "Bayern;;;",
        ";männlich;1000;1100",
        ";weiblich;900;950",
        "Freistaat Thüringen;;;",
        ";männlich;70;75",
        ";weiblich;60;66",
        "Deutschland;;;",
        ";männlich;6000;6400",
        ";weiblich;5500;5800",
        *FOOTER,
    ]
    data = mi.load_data(write(tmp_path / "12521-0020.csv", lines))
    assert sorted(data.unit_ids) == ["09", "16", "DG"]
    assert cell(data, "16", 2023, "Ausländer (Anzahl) | weiblich") == 66
    assert cell(data, "DG", 2022, "Ausländer (Anzahl) | männlich") == 6000
    assert data.units.loc["16", "name"] == "Freistaat Thüringen"


def test_a_table_of_one_region_is_that_regions(tmp_path: Path) -> None:
    """A table whose title names the one region it is about (12411-0005: Deutschland on
    a line of its own) is that region's, a variable per class of its lines."""
    lines = [
        "GENESIS-Tabelle: 12411-0005",
        "Bevölkerung: Deutschland, Stichtag, Altersjahre;;",
        "Fortschreibung des Bevölkerungsstandes;;",
        "Deutschland;;",
        "Bevölkerungsstand (Anzahl);;",
        ";Stichtag;Stichtag",
        ";31.12.2022;31.12.2023",
        "unter 1 Jahr;738819;692989",
        "1-Jährige;795044;740211",
        *FOOTER,
    ]
    data = mi.load_data(write(tmp_path / "12411-0005.csv", lines))
    assert list(data.unit_ids) == ["DG"] and list(data.years) == [2022, 2023]
    assert cell(data, "DG", 2023, "Bevölkerungsstand (Anzahl) | 1-Jährige") == 740211
    assert cell(data, "DG", 2022, "Bevölkerungsstand (Anzahl) | unter 1 Jahr") == 738819
    # years down the rows, a Land as the region
    lines = [
        "GENESIS-Tabelle: 12511-0099",
        "Einbürgerungen: Niedersachsen, Jahre;",
        "Niedersachsen;",
        ";Einbürgerungen",
        "2022;10541",
        "2023;12874",
        *FOOTER,
    ]
    data = mi.load_data(write(tmp_path / "12511.csv", lines))
    assert list(data.unit_ids) == ["03"] and data.variables == ["Einbürgerungen"]
    assert cell(data, "03", 2023, "Einbürgerungen") == 12874


def test_the_web_services_table_of_the_country_reads(tmp_path: Path) -> None:
    """The GENESIS web service's table (``data/table``) opens with ``Tabelle:``, not
    ``GENESIS-Tabelle:``, and gives a date and a figure per line (12411-0001)."""
    lines = [
        "Tabelle: 12411-0001",
        "Bevölkerung: Deutschland, Stichtag;",
        "Fortschreibung des Bevölkerungsstandes;",
        "Deutschland;",
        ";Bevölkerungsstand",
        ";Anzahl",
        "31.12.1950;50958125",
        "31.12.2023;83456045",
        "__________",
    ]
    path = tmp_path / "12411-0001.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = mi.load_data(path)
    assert list(data.unit_ids) == ["DG"] and list(data.years) == [1950, 2023]
    assert cell(data, "DG", 2023, "Bevölkerungsstand | Anzahl") == 83456045


def test_a_table_without_keys_or_a_region_has_no_rows(tmp_path: Path) -> None:
    lines = [
        "GENESIS-Tabelle: 12411-0005",
        "Bevölkerung: Stichtag, Altersjahre;;",
        "Bevölkerungsstand (Anzahl);;",
        ";31.12.2022;31.12.2023",
        "unter 1 Jahr;738819;692989",
        *FOOTER,
    ]
    with pytest.raises(mi.DataValidationError, match="no data rows found"):
        mi.load_data(write(tmp_path / "12411-0005.csv", lines))


def test_a_laender_table_saved_as_excel_reads_as_its_csv(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    for line in IN_COLUMNS:
        row: list[object] = []
        for text in line.split(";"):
            row.append(int(text) if text.isdigit() else text)
        workbook.active.append(row)
    workbook.save(tmp_path / "12411-0012.xlsx")
    from_excel = mi.load_data(tmp_path / "12411-0012.xlsx")
    from_csv = mi.load_data(write(tmp_path / "12411-0012.csv", IN_COLUMNS))
    assert list(from_excel.unit_ids) == list(from_csv.unit_ids)
    assert from_excel.variables == from_csv.variables
    np.testing.assert_array_equal(from_excel.values, from_csv.values)


def test_a_project_joins_a_laender_table_to_its_units(tmp_path: Path) -> None:
    write(tmp_path / "11111-0001.csv", IN_ROWS)
    units = pd.DataFrame({"unit": ["08", "09", "11", "16"], "name": ["BW", "BY", "BE", "TH"]})
    data = mi.load_data(tmp_path / "11111-0001.csv", units=units)
    assert list(data.unit_ids) == ["08", "09", "11", "16"]
    assert data.provenance.iloc[0]["format"] == "genesis"


LAENDER = ["Schleswig-Holstein", "Bayern", "Berlin", "Sachsen", "Thüringen", "Deutschland"]
KEYS = {"Schleswig-Holstein": "01", "Bayern": "09", "Berlin": "11", "Sachsen": "14"}
KEYS |= {"Thüringen": "16", "Deutschland": "DG"}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    laender=st.lists(st.sampled_from(LAENDER), min_size=2, max_size=6, unique=True),
    ages=st.lists(
        st.sampled_from(["unter 1 Jahr", "1-Jährige", "2-Jährige"]),
        min_size=1,
        max_size=3,
        unique=True,
    ),
    years=st.lists(st.integers(1990, 2024), min_size=1, max_size=3, unique=True),
    across=st.booleans(),
    data=st.data(),
)
def test_every_cell_is_the_figure_at_its_line_and_column(
    tmp_path: Path,
    laender: list[str],
    ages: list[str],
    years: list[int],
    across: bool,
    data: st.DataObject,
) -> None:
    """Whichever way a table of the Länder is laid out, each cell read is the figure
    written at the line and under the Land the cell names, for the Land's key."""
    assume(sum(land != "Deutschland" for land in laender) >= 2)
    figures = {
        (land, year, age): data.draw(st.integers(0, 10**7))
        for land in laender
        for year in years
        for age in ages
    }
    head = [
        "GENESIS-Tabelle: 12411-0099",
        "Bevölkerung: Bundesländer;",
        "Bevölkerungsstand (Anzahl);",
    ]
    lines = list(head)
    if across:  # a line per date and age, a column per Land
        lines.append(";;" + ";".join(laender))
        for year in years:
            for age in ages:
                cells = [str(figures[land, year, age]) for land in laender]
                lines.append(f"31.12.{year};{age};" + ";".join(cells))
    else:  # a line per date, Land and age, a column per value
        lines.append(";;;Bevölkerungsstand")
        for year in years:
            for land in laender:
                for age in ages:
                    lines.append(f"31.12.{year};{land};{age};{figures[land, year, age]}")
    lines.append("__________")
    path = tmp_path / f"t{across}.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    table = read_genesis(path.read_bytes(), path.name)
    assert not table.failures
    text = {i + 1: line.split(";") for i, line in enumerate(lines)}
    key_of = {key: land for land, key in KEYS.items()}
    assert len(table.cells) == len(figures)
    for unit, year, row, column, value in table.cells[
        ["unit", "year", "row", "column", "value"]
    ].itertuples(index=False):
        land = key_of[unit]
        fields = text[row]
        written = fields[2 + laender.index(land)] if across else fields[3]
        assert (column == land) if across else land in fields
        assert float(written) == value
        assert figures[land, year, fields[1] if across else fields[2]] == value


def test_regierungsbezirke_are_keyed_and_other_names_reported_once(tmp_path: Path) -> None:
    """After the Landesdatenbank NRW's 13111-54i: the Land and its Regierungsbezirke named
    without keys (051 Düsseldorf), then Kreise by name, which no closed list keys: each
    is an error once, at its first line; a class without a code is no empty level."""
    lines = [
        "Tabelle: 13111-54i",
        "Sozialversicherungspflichtige Beschäftigte (Arbeitsort) nach;;;;",
        "Sozialversicherungspfl. Beschäftigte (Arbeitsort) (Anzahl);;;;",
        ";;;;Insgesamt",
        "31.12.2024;Nordrhein-Westfalen;A;Land- und Forstwirtschaft;30831",
        "31.12.2024;Nordrhein-Westfalen;;Insgesamt;7357290",
        "31.12.2024;  Düsseldorf, Regierungsbezirk;A;Land- und Forstwirtschaft;4290",
        "31.12.2024;  Düsseldorf, Regierungsbezirk;;Insgesamt;2227310",
        *(
            f"31.12.2024;    {kreis}, krfr. Stadt;{code};{label};{k * 10 + j}"
            for k, kreis in enumerate(["Düsseldorf", "Duisburg", "Essen"])
            for j, (code, label) in enumerate(
                [("A", "Land- und Forstwirtschaft"), ("", "Insgesamt")]
            )
        ),
        "__________",
        "© IT.NRW, Düsseldorf, 2026.",
    ]
    table = read_genesis(write(tmp_path / "13111-54i.csv", lines).read_bytes(), "13111-54i.csv")
    cells = table.cells.set_index(["unit", "variable"])["value"]
    assert cells[("051", "Insgesamt | Insgesamt")] == 2227310
    assert cells[("05", "Insgesamt | A | Land- und Forstwirtschaft")] == 30831
    failures = pd.concat(table.failures)
    assert failures[["row", "value", "code"]].values.tolist() == [
        [9, "Düsseldorf, krfr. Stadt", "unknown_unit_name"],
        [11, "Duisburg, krfr. Stadt", "unknown_unit_name"],
        [13, "Essen, krfr. Stadt", "unknown_unit_name"],
    ]


#: A Landesdatenbank NRW table of one town (after 33111-02ir, Katasterfläche, Köln, as
#: IT.NRW exported it in 2013): the town named on the last title line, a date and the
#: figures per line, no key anywhere. Cells written by hand.
ONE_TOWN = [
    "GENESIS-Tabelle: Temporär",
    "Katasterfläche nach der tatsächlichen Art der Nutzung (21);;;",
    "- Gemeinden - Stichtag;;;",
    "Bodenfläche (Katasterfläche) (ar);;;",
    "Köln, krfr. Stadt;;;",
    ";Flächennutzungsarten;Flächennutzungsarten;Flächennutzungsarten",
    ";Bodenfläche insgesamt;Betriebsfläche (BF);Betriebsfläche (BF)",
    ";Insgesamt;Insgesamt;Betriebsfläche Abbauland",
    "31.12.2012;4051641;39603;11350",
    "31.12.2011;4051727;43282;12716",
    "__________",
    "(C)opyright Landesbetrieb Information und Technik Nordrhein-Westfalen",
    "(IT.NRW), Düsseldorf, 2013. Vervielfältigung und Verbreitung,",
]
TOWN_AREA = "Bodenfläche insgesamt | Insgesamt"
TOWN_QUARRIES = "Betriebsfläche (BF) | Betriebsfläche Abbauland"


def test_a_table_of_one_town_is_never_read_as_keys_and_names(tmp_path: Path) -> None:
    """``31.12.2012;4051641;39603`` was read as the date, the key 4051641 and the name
    39603: a unit per year. Without the town's key it is an error that says what to give,
    naming the town the title names."""
    with pytest.raises(mi.DataValidationError) as raised:
        mi.load_data(write(tmp_path / "33111-02ir.csv", ONE_TOWN))
    problems = raised.value.failures
    assert problems["code"].tolist() == ["missing_column"]
    assert problems["column"].tolist() == ["unit"]
    assert "Köln, krfr. Stadt" in problems["reason"].iloc[0]
    assert "unit" in problems["reason"].iloc[0]


def test_the_key_given_for_a_table_of_one_town_reads_it(tmp_path: Path) -> None:
    data = mi.load_data(write(tmp_path / "33111-02ir.csv", ONE_TOWN), unit="05315000")
    assert list(data.unit_ids) == ["05315000"] and list(data.years) == [2011, 2012]
    assert cell(data, "05315000", 2012, TOWN_AREA) == 4051641
    assert cell(data, "05315000", 2011, TOWN_QUARRIES) == 12716
    assert data.units.loc["05315000", "name"] == "Köln, krfr. Stadt"
    # a bad cell is reported at its line of the file (31.12.2011 is line 10)
    bad = [*ONE_TOWN[:9], "31.12.2011;4051727;43282;zwölf", *ONE_TOWN[10:]]
    with pytest.raises(mi.DataValidationError) as raised:
        mi.load_data(write(tmp_path / "bad.csv", bad), unit="05315000")
    problem = raised.value.failures.iloc[0]
    assert (problem["code"], problem["row"], problem["value"]) == ("not_a_number", 10, "zwölf")


def test_a_year_per_line_of_one_town_reads_with_its_key(tmp_path: Path) -> None:
    """After 13211-03ir (Arbeitslose, Köln): a year, not a date, per line; months and
    sexes across."""
    lines = [
        "GENESIS-Tabelle: 13211-03ir",
        "Arbeitsmarktstatistik: Arbeitslose nach Geschlecht;;;",
        "- Gemeinden - Monat;;;",
        "Arbeitslose (Anzahl);;;",
        "Köln, krfr. Stadt;;;",
        ";Januar (31.);Januar (31.);Februar (28. bzw. 29.)",
        ";Insgesamt;männlich;Insgesamt",
        "2014;54197;29674;54761",
        "2013;51362;28345;52960",
        "__________",
    ]
    data = mi.load_data(write(tmp_path / "13211-03ir.csv", lines), unit="05315000")
    assert list(data.years) == [2013, 2014]
    assert cell(data, "05315000", 2014, "Januar (31.) | männlich") == 29674
    assert cell(data, "05315000", 2013, "Februar (28. bzw. 29.) | Insgesamt") == 52960


def test_the_key_given_wins_over_a_land_the_title_names(tmp_path: Path) -> None:
    """A title line may name the database's Land, not the table's region: the key the
    source gives says which region the table is about."""
    lines = [*ONE_TOWN[:4], "Nordrhein-Westfalen;;;", *ONE_TOWN[5:]]
    assert list(mi.load_data(write(tmp_path / "a.csv", lines)).unit_ids) == ["05"]
    given = mi.load_data(write(tmp_path / "b.csv", lines), unit="05315000")
    assert list(given.unit_ids) == ["05315000"]
    assert cell(given, "05315000", 2012, TOWN_AREA) == 4051641


def test_a_keyed_table_keeps_its_keys_whatever_the_unit_given(tmp_path: Path) -> None:
    lines = [
        "GENESIS-Tabelle: 12411-01-01-4",
        "Bevölkerungsstand;;;",
        ";;;Insgesamt",
        "31.12.2022;05315;Köln, kreisfreie Stadt;1084831",
        "31.12.2022;05111;Düsseldorf, kreisfreie Stadt;629047",
        "__________",
    ]
    data = mi.load_data(write(tmp_path / "12411.csv", lines), unit="05315000")
    assert list(data.unit_ids) == ["05111", "05315"]


def test_the_older_excel_download_of_one_town_reads_as_its_csv(tmp_path: Path) -> None:
    """IT.NRW's Excel downloads before 2015 have no code line, the head of the dates
    (``Stichtag``) in the header's first cell, and the copyright in the footer: they are
    GENESIS tables as the CSV export is, and read to the same cells."""
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    for number, line in enumerate(ONE_TOWN[1:]):
        cells: list[object] = []
        for text in line.split(";"):
            cells.append(int(text) if text.isdigit() else (text or None))
        if number == 4:  # the first header row
            cells[0] = "Stichtag"
        workbook.active.append(cells)
    workbook.save(tmp_path / "33111-02ir.xlsx")
    from_excel = mi.load_data(tmp_path / "33111-02ir.xlsx", unit="05315000")
    from_csv = mi.load_data(write(tmp_path / "33111-02ir.csv", ONE_TOWN), unit="05315000")
    assert from_excel.variables == from_csv.variables
    np.testing.assert_array_equal(from_excel.values, from_csv.values)
    with pytest.raises(mi.DataValidationError, match=r"Köln, krfr\. Stadt"):
        mi.load_data(tmp_path / "33111-02ir.xlsx")


def test_a_table_naming_kreise_is_never_one_region_under_the_key_given(tmp_path: Path) -> None:
    """Lines that name Kreise without keys are several regions: ``unit`` does not make
    them one region's classes."""
    lines = [
        "GENESIS-Tabelle: 13111-54i",
        "Sozialversicherungspflichtig Beschäftigte;;",
        ";Insgesamt;Ausländer",
        "31.12.2024;    Kleve, Kreis;30831;1307",
        "31.12.2024;    Düsseldorf, krfr. Stadt;11416;415",
        "__________",
    ]
    path = write(tmp_path / "13111-54i.csv", lines)
    with pytest.raises(mi.DataValidationError, match="no data rows found"):
        mi.load_data(path, unit="05154")


#: After the Landesdatenbank NRW's 13111-54i (employees by Kreis, from the Bundesagentur
#: für Arbeit): the Land, a Regierungsbezirk and Kreise named without keys, a class per
#: line. Cells written by hand.
KREISE_NAMED = [
    "Tabelle: 13111-54i",
    "Sozialversicherungspflichtig Beschäftigte (Arbeitsort);;;;",
    "kreisfreie Städte und Kreise - Stichtag;;;;",
    ";;;;Insgesamt;Abschluss unbekannt",
    "31.12.2024;Nordrhein-Westfalen;A;Land- und Forstwirtschaft;30831;9142",
    "31.12.2024;  Düsseldorf, Regierungsbezirk;A;Land- und Forstwirtschaft;9364;3814",
    "31.12.2024;    Düsseldorf, krfr. Stadt;A;Land- und Forstwirtschaft;364;120",
    "31.12.2024;    Kleve, Kreis;A;Land- und Forstwirtschaft;3942;1678",
    "__________",
    "© IT.NRW, Düsseldorf, 2026.",
]


def test_kreise_named_without_keys_are_keyed_by_the_units_table(tmp_path: Path) -> None:
    path = write(tmp_path / "13111-54i.csv", KREISE_NAMED)
    units = pd.DataFrame(
        {
            "unit": ["05", "051", "05111", "05154"],
            "name": [
                "Nordrhein-Westfalen",
                "Düsseldorf, Reg.-Bez.",
                "Düsseldorf, krfr. Stadt",
                "Kleve, Kreis",
            ],
        }
    )
    data = mi.load_data(path, key={"match": "name"}, units=units)
    assert list(data.unit_ids) == ["05", "051", "05111", "05154"]
    variable = "Abschluss unbekannt | A | Land- und Forstwirtschaft"
    assert cell(data, "05154", 2024, variable) == 1678
    assert cell(data, "05111", 2024, "Insgesamt | A | Land- und Forstwirtschaft") == 364
    assert cell(data, "05", 2024, variable) == 9142  # the Land keeps its own key
    # a Kreis the units table lacks is reported with the names that come closest
    short = units[units["unit"] != "05154"]
    with pytest.raises(mi.DataValidationError) as raised:
        mi.load_data(path, key={"match": "name"}, units=short)
    problem = raised.value.failures.iloc[0]
    assert (problem["code"], problem["value"], problem["row"]) == (
        "unknown_unit_name",
        "Kleve, Kreis",
        8,
    )
    # without the option each Kreis is an error that says how to key it
    with pytest.raises(mi.DataValidationError, match=r"key: \{match: name\}"):
        mi.load_data(path)


# ---- a date line above each block (12411-0011) ---------------------------------------
#: 12411-0011 as GENESIS-Online writes it: each reference date on a line of its own above
#: the Länder of that date, the sex across the columns.
DATE_LINES = [
    "GENESIS-Tabelle: 12411-0011",
    "Bevölkerung: Bundesländer, Stichtag, Geschlecht;;;",
    "Fortschreibung des Bevölkerungsstandes;;;",
    "Bevölkerungsstand (Anzahl);;;",
    ";Geschlecht;;",
    ";männlich;weiblich;Insgesamt",
    "31.12.2022;;;",
    "Baden-Württemberg;5595470;5684787;11280257",
    "Bayern;6613063;6756330;13369393",
    "31.12.2023;;;",
    "Baden-Württemberg;5567521;5663219;11230740",
    "Bayern;6650321;6784741;13435062",
    *FOOTER,
]


def _cells(table: object) -> dict[tuple[str, int, str], float]:
    cells = table.cells  # type: ignore[attr-defined]
    return {
        (str(u), int(y), str(v)): float(x)
        for u, y, v, x in zip(
            cells["unit"], cells["year"], cells["variable"], cells["value"], strict=True
        )
    }


def test_a_date_line_above_each_block_of_laender_dates_it(tmp_path: Path) -> None:
    """The date lines head their blocks: each block is its date's, under the header's
    labels. The header was lost (``column 3``) and both blocks dated 2022: duplicates."""
    data = mi.load_data(write(tmp_path / "12411-0011.csv", DATE_LINES))
    assert list(data.years) == [2022, 2023]
    assert sorted(data.unit_ids) == ["08", "09"]
    assert data.variables == ["männlich", "weiblich", "Insgesamt"]
    assert cell(data, "08", 2022, "männlich") == 5595470
    assert cell(data, "09", 2023, "Insgesamt") == 13435062
    assert cell(data, "08", 2023, "weiblich") == 5663219
    table = read_genesis((tmp_path / "12411-0011.csv").read_bytes(), "12411-0011.csv")
    rows = table.cells.query("unit == '09' and year == 2023")["row"].unique().tolist()
    assert rows == [12]  # the line in the file
    assert table.aliases["männlich"] == ["Geschlecht | männlich"]  # the full label


def test_one_date_line_above_the_laender_keeps_the_header(tmp_path: Path) -> None:
    """With one date the file read, but as ``column 3``, ``column 4``, ``column 5``."""
    lines = [*DATE_LINES[:6], *DATE_LINES[9:12], *FOOTER]
    data = mi.load_data(write(tmp_path / "12411-0011.csv", lines))
    assert list(data.years) == [2023]
    assert cell(data, "08", 2023, "männlich") == 5567521
    assert cell(data, "09", 2023, "weiblich") == 6784741


def test_laender_read_by_name_keep_their_keys_and_the_notes_stay_notes(tmp_path: Path) -> None:
    """``key: {match: name}`` on a table of the Länder: the note under the closing rule
    (``"Berlin (1995-2000): bezogen auf ...;"``) was kept as a region to key by name,
    and the read failed with NumPy's words (``boolean index did not match``); a table
    of the Länder across its columns was refused as one with keys of its own. Both read
    as they do without the option: the Länder by their own keys, nothing from the notes."""
    units = pd.DataFrame({"unit": ["08", "09"], "name": ["Baden-Württemberg", "Bayern"]})
    path = write(tmp_path / "12411-0011.csv", DATE_LINES)
    by_name = mi.load_data(path, key={"match": "name"}, units=units)
    plain = mi.load_data(path)
    assert list(by_name.unit_ids) == list(plain.unit_ids) == ["08", "09"]
    np.testing.assert_array_equal(by_name.values, plain.values)
    assert cell(by_name, "09", 2022, "männlich") == 6613063  # line 9 of the file
    groups = write(tmp_path / "12411-0013.csv", LAND_GROUPS)
    assert sorted(mi.load_data(groups, key={"match": "name"}).unit_ids) == ["08", "09"]


def test_english_date_lines_over_a_group_row_read(tmp_path: Path) -> None:
    """12411-0042 in English: ISO date lines, a group row over the sexes."""
    lines = [
        "GENESIS-Tabelle: 12411-0042",
        "Population: Länder, reference date, nationality, sex;;;;;;",
        "Population (number);;;;;;",
        ";Germans;;;Foreigners;;",
        ";Male;Female;Total;Male;Female;Total",
        "2022-12-31;;;;;;",
        "Baden-Württemberg;4628313;4837511;9465824;967157;847276;1814433",
        "Bavaria;5703120;5906890;11610010;909943;849440;1759383",
        "2023-12-31;;;;;;",
        "Baden-Württemberg;4574930;4780010;9354940;992591;883209;1875800",
        "Bavaria;5690001;5898710;11588711;960320;886031;1846351",
        "__________",
        "© Federal Statistical Office, Wiesbaden 2024",
        "created: 2024-09-03 / 09:31:02",
    ]
    data = mi.load_data(write(tmp_path / "12411-0042_en.csv", lines))
    assert list(data.years) == [2022, 2023]
    assert cell(data, "08", 2022, "Germans | Female") == 4837511
    assert cell(data, "09", 2023, "Foreigners | Total") == 1846351


def test_a_workbook_with_date_lines_reads_as_its_csv(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    for line in DATE_LINES:
        workbook.active.append([int(t) if t.isdigit() else t for t in line.split(";")])
    workbook.save(tmp_path / "12411-0011.xlsx")
    from_excel = mi.load_data(tmp_path / "12411-0011.xlsx")
    from_csv = mi.load_data(write(tmp_path / "12411-0011.csv", DATE_LINES))
    assert list(from_excel.years) == [2022, 2023]
    assert from_excel.variables == from_csv.variables
    np.testing.assert_array_equal(from_excel.values, from_csv.values)


# ---- the Länder as groups of columns (12411-0013, 21111-0010) ---------------------------
#: 12411-0013 in English: each Land written once over its three columns, the sexes below.
LAND_GROUPS = [
    "GENESIS-Tabelle: 12411-0013",
    "Population: Länder, reference date, sex, age years;;;;;;",
    "Population (number);;;;;;",
    ";Baden-Württemberg;;;Bavaria;;",
    ";Male;Female;Total;Male;Female;Total",
    "2023-12-31;;;;;;",
    "under 1 year;51005;48502;99507;61320;58012;119332",
    "1 year;52210;49630;101840;62540;59230;121770",
    "__________",
    "© Federal Statistical Office, Wiesbaden 2024",
]


@pytest.mark.parametrize("repeated", [False, True])
def test_a_land_over_a_group_of_columns_holds_them_all(tmp_path: Path, repeated: bool) -> None:
    """The blank cells right of a Land are the Land's (they were a Land named ``''``);
    written over each column, the Land's figures were all missing. The row below names
    each column: the variable is it and the line's class."""
    lines = list(LAND_GROUPS)
    if repeated:
        lines[3] = ";Baden-Württemberg;Baden-Württemberg;Baden-Württemberg;Bavaria;Bavaria;Bavaria"
    data = mi.load_data(write(tmp_path / "12411-0013_en.csv", lines))
    assert sorted(data.unit_ids) == ["08", "09"]
    assert list(data.years) == [2023]
    assert cell(data, "08", 2023, "Female | 1 year") == 49630
    assert cell(data, "09", 2023, "Total | under 1 year") == 119332
    assert cell(data, "09", 2023, "Male | 1 year") == 62540
    assert len(data.variables) == 6 and data.warnings.empty
    # a mapping may name the statistic too (the full label)
    table = read_genesis((tmp_path / "12411-0013_en.csv").read_bytes(), "t.csv")
    assert table.aliases["Female | 1 year"] == ["Population (number) | Female | 1 year"]


def test_one_land_over_a_group_of_columns_is_that_lands(tmp_path: Path) -> None:
    """A selection of one Land (``;Bayern;;``) was "no data rows found"."""
    lines = [
        "GENESIS-Tabelle: 12411-0013",
        "Bevölkerung: Bundesländer, Stichtag, Geschlecht, Altersjahre;;;",
        "Bevölkerungsstand (Anzahl);;;",
        ";Bayern;;",
        ";männlich;weiblich;Insgesamt",
        "31.12.2023;;;",
        "unter 1 Jahr;61320;58012;119332",
        "Insgesamt;6650321;6784741;13435062",
        *FOOTER,
    ]
    data = mi.load_data(write(tmp_path / "12411-0013.csv", lines))
    assert list(data.unit_ids) == ["09"] and list(data.years) == [2023]
    assert cell(data, "09", 2023, "weiblich | unter 1 Jahr") == 58012
    assert cell(data, "09", 2023, "Insgesamt | Insgesamt") == 13435062


#: 21111-0010 as the published parser of its download reads it: the Länder as groups of
#: statistics, a line per sex over school years as the lines' labels.
SCHOOL = [
    "GENESIS-Tabelle: 21111-0010",
    "Schüler/-innen, Schulanfänger/-innen: Bundesländer, Schuljahr, Geschlecht;;;;",
    "Anzahl;;;;",
    ";Baden-Württemberg;;Bayern;",
    ";Schüler/-innen;Schulanfänger/-innen;Schüler/-innen;Schulanfänger/-innen",
    "männlich;;;;",
    "2021/22;567420;50310;646312;59805",
    "2022/23;572133;51920;653120;61440",
    "weiblich;;;;",
    "2021/22;537011;48120;612005;56890",
    "2022/23;541090;49315;618470;58210",
    *FOOTER,
]


@pytest.mark.parametrize(("counted", "first"), [("start", 2021), ("end", 2022)])
def test_school_years_down_a_table_of_land_groups_count_as_said(
    tmp_path: Path, counted: str, first: int
) -> None:
    """A line that only names a sex heads the lines below it; their school years date
    them as ``school_year`` says."""
    raw = write(tmp_path / "21111-0010.csv", SCHOOL).read_bytes()
    table = read_genesis(raw, "21111-0010.csv", school_year=counted)
    assert not any(len(f) for f in table.failures)
    values = _cells(table)
    assert values[("08", first, "Schüler/-innen | männlich")] == 567420
    assert values[("09", first + 1, "Schulanfänger/-innen | weiblich")] == 58210
    assert values[("09", first, "Schüler/-innen | weiblich")] == 612005
    assert len(values) == 16


def test_school_years_down_the_lines_without_school_year_are_reported(tmp_path: Path) -> None:
    raw = write(tmp_path / "21111-0010.csv", SCHOOL).read_bytes()
    table = read_genesis(raw, "21111-0010.csv")
    failures = pd.concat(table.failures)
    assert set(failures["code"]) == {"school_year"}
    assert failures["row"].tolist() == [7, 8, 10, 11]
    assert failures["value"].tolist() == ["2021/22", "2022/23", "2021/22", "2022/23"]


def test_the_english_names_of_groups_of_laender_are_totals(tmp_path: Path) -> None:
    """``Former territory of the Federal Republic``, ``New Länder``: left out with a
    warning, as ``Früheres Bundesgebiet`` is (they were errors no option got past)."""
    lines = [
        "GENESIS-Tabelle: 12411-0010",
        "Population: Länder, reference date;;",
        "Population (number);;",
        ";2022-12-31;2023-12-31",
        "Baden-Württemberg;11280257;11230740",
        "Bavaria;13369393;13435062",
        "Former territory of the Federal Republic excl. Berlin;67478393;67670052",
        "New Länder excl. Berlin;12525201;12417893",
        "Germany;84358845;84669326",
        "__________",
        "© Federal Statistical Office, Wiesbaden 2024",
    ]
    data = mi.load_data(write(tmp_path / "12411-0010_en.csv", lines))
    assert sorted(data.unit_ids) == ["08", "09", "DG"]
    assert cell(data, "09", 2023, "Population (number)") == 13435062
    assert cell(data, "DG", 2022, "Population (number)") == 84358845
    totals = data.warnings[data.warnings["code"] == "total_row"]
    assert totals[["row", "value"]].values.tolist() == [
        [7, "Former territory of the Federal Republic excl. Berlin"],
        [8, "New Länder excl. Berlin"],
    ]


def test_date_lines_over_lands_that_head_their_class_lines(tmp_path: Path) -> None:
    """A date line over lines that name a Land (``Bayern;;;``), each over its class lines
    (``;männlich;1000;1,5``): every class line is its Land's and its date's."""
    lines = [
        "GENESIS-Tabelle: 12521-0020",
        "Ausländer: Bundesländer, Stichtag, Geschlecht;;;",
        "Ausländer (Anzahl);;;",
        ";;Insgesamt;Anteil",
        "31.12.2022;;;",
        "Bayern;;;",
        ";männlich;1000;1,5",
        ";weiblich;900;2,5",
        "Deutschland;;;",
        ";männlich;6000;3,5",
        "31.12.2023;;;",
        "Bayern;;;",
        ";männlich;1100;1,6",
        "Deutschland;;;",
        ";männlich;6400;3,6",
        *FOOTER,
    ]
    data = mi.load_data(write(tmp_path / "12521-0020.csv", lines))
    assert sorted(data.unit_ids) == ["09", "DG"] and list(data.years) == [2022, 2023]
    assert cell(data, "09", 2022, "Anteil | weiblich") == 2.5
    assert cell(data, "09", 2023, "Insgesamt | männlich") == 1100
    assert cell(data, "DG", 2023, "Anteil | männlich") == 3.6
