"""Layouts: GENESIS flat files, key + name tables, filter and pivot (Open SDG files:
test_data_opensdg.py).

Small files written here follow the published layouts; expected values are the cells
written into them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from helpers import value
from hypothesis import given
from hypothesis import strategies as st

from mint_index.data import layouts
from mint_index.data.layouts import (
    filter_rows,
    find_column,
    find_name_column,
    find_year_column,
    is_genesis_flat,
    is_opensdg,
    key_columns,
    pivot_label,
    units_as_columns,
)
from mint_index.data.load import describe_source, load_sources
from mint_index.data.source import SourceSpec
from mint_index.errors import DataValidationError

FLAT_HEADER = (
    "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;"
    "1_variable_label;1_variable_attribute_code;1_variable_attribute_label;2_variable_code;"
    "2_variable_label;2_variable_attribute_code;2_variable_attribute_label;3_variable_code;"
    "3_variable_label;3_variable_attribute_code;3_variable_attribute_label;value;value_unit;"
    "value_variable_code;value_variable_label"
)


def flat_row(key: str, sex: str, nat: str, value: str, year: str = "2023-12-31") -> str:
    sex_code = {"Insgesamt": "", "männlich": "GESM", "weiblich": "GESW"}[sex]
    nat_code = {"Insgesamt": "", "Ausländer": "NATA"}[nat]
    return (
        f"12411;Fortschreibung;STAG;Stichtag;{year};GEMEIN;Gemeinden;{key};Ort {key};"
        f"GES;Geschlecht;{sex_code};{sex};NAT;Staatsangehörigkeit;{nat_code};{nat};"
        f"{value};Anzahl;BEVSTD;Bevölkerungsstand"
    )


@pytest.fixture
def flat(tmp_path: Path) -> Path:
    rows = [
        flat_row("01001000", "Insgesamt", "Insgesamt", "90000"),
        flat_row("01001000", "weiblich", "Insgesamt", "46000"),
        flat_row("01001000", "Insgesamt", "Ausländer", "9000"),
        flat_row("01001000", "weiblich", "Ausländer", "4100"),
        flat_row("01002000", "Insgesamt", "Insgesamt", "..."),
        flat_row("01002000", "weiblich", "Insgesamt", "120000"),
        flat_row("01002000", "Insgesamt", "Ausländer", "15000"),
        flat_row("01002000", "weiblich", "Ausländer", "7000"),
    ]
    path = tmp_path / "12411-02-01-5_flat.csv"
    path.write_text(FLAT_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8-sig")
    return path


def test_flat_file_every_class_is_part_of_the_label(flat: Path) -> None:
    ds = load_sources([SourceSpec(path=str(flat))])
    base = "Bevölkerungsstand (Anzahl)"
    assert value(ds, "01001000", 2023, f"{base} | Insgesamt | Insgesamt") == 90000
    assert value(ds, "01001000", 2023, f"{base} | weiblich | Ausländer") == 4100
    long = ds.long.set_index(["unit", "variable"])
    assert long.loc[("01002000", f"{base} | Insgesamt | Insgesamt"), "missing_reason"] == (
        "not_yet_available"
    )


def test_flat_file_filter_and_pivot(flat: Path) -> None:
    spec = SourceSpec(
        path=str(flat), filter={"Geschlecht": "Insgesamt"}, pivot=["Staatsangehörigkeit"]
    )
    ds = load_sources([spec])
    base = "Bevölkerungsstand (Anzahl)"
    assert set(ds.variables) == {f"{base} | Insgesamt", f"{base} | Ausländer"}
    assert value(ds, "01002000", 2023, f"{base} | Ausländer") == 15000
    mapped = load_sources(
        [spec.model_copy(update={"mapping": {f"{base} | Ausländer": "pop_foreign"}})]
    )
    assert value(mapped, "01001000", 2023, "pop_foreign") == 9000


#: The 2020 interface's flat file (Regionaldatenbank until 2025), in German: five
#: columns of statistic and time, four per dimension, a column per statistic.
FLAT_2020_HEADER = (
    "Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;"
    "1_Auspraegung_Code;1_Auspraegung_Label;2_Merkmal_Code;2_Merkmal_Label;2_Auspraegung_Code;"
    "2_Auspraegung_Label;BEVSTD__Bevoelkerungsstand__Anzahl;FLC006__Flaeche__qkm"
)


def flat_2020_row(key: str, name: str, sex: str, people: str, area: str) -> str:
    sex_code = {"Insgesamt": "", "weiblich": "GESW"}[sex]
    return (
        f"12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;31.12.2022;KREISE;"
        f"Kreise und kreisfreie Städte;{key};      {name};GES;Geschlecht;{sex_code};{sex};"
        f"{people};{area}"
    )


def test_flat_file_of_the_2020_interface(tmp_path: Path) -> None:
    rows = [
        flat_2020_row("01001", "Flensburg, kreisfreie Stadt", "Insgesamt", "92550", "56,73"),
        flat_2020_row("01001", "Flensburg, kreisfreie Stadt", "weiblich", "46676", ""),
        flat_2020_row("01002", "Kiel, kreisfreie Stadt", "Insgesamt", ".", "118,65"),
        flat_2020_row("01002", "Kiel, kreisfreie Stadt", "weiblich", "12x", ""),
    ]
    path = tmp_path / "12411-01-01-4_flat.csv"
    path.write_text(FLAT_2020_HEADER + "\n" + "\n".join(rows) + "\n", encoding="cp1252")
    assert is_genesis_flat(FLAT_2020_HEADER.split(";"))
    spec = SourceSpec(path=path.name, filter={"time": "2022-12-31"})
    with pytest.raises(DataValidationError) as caught:
        load_sources([spec], base_dir=tmp_path)
    bad = caught.value.failures
    # "12x" is the file's fifth line, its people column
    assert (bad["row"].tolist(), bad["value"].tolist()) == ([5], ["12x"])
    path.write_text(path.read_text("cp1252").replace("12x", "61000"), encoding="cp1252")
    ds = load_sources([spec], base_dir=tmp_path)
    people, area = "Bevoelkerungsstand (Anzahl)", "Flaeche (qkm)"
    assert value(ds, "01001", 2022, f"{people} | Insgesamt") == 92550
    assert value(ds, "01002", 2022, f"{people} | weiblich") == 61000
    assert value(ds, "01002", 2022, f"{area} | Insgesamt") == pytest.approx(118.65)
    # a statistic's empty cell, where the file has several, is no cell at all
    assert f"{area} | weiblich" not in set(ds.variables)
    kiel = ds.long.set_index(["unit", "variable"]).loc[("01002", f"{people} | Insgesamt")]
    assert kiel["missing_reason"] == "unknown_or_secret"
    assert ds.units.loc["01001", "name"] == "Flensburg, kreisfreie Stadt"
    described = describe_source(SourceSpec(path=str(path)))
    assert (described.format, described.table) == ("genesis-flat", "12411-01-01-4")


def test_flat_file_decimal_comma_of_a_later_statistic(tmp_path: Path) -> None:
    # 2,100 whole numbers of one statistic, then the decimal commas of another (as the
    # Bauland table's "EUR per qm" follows its counts): the mark is sniffed file-wide
    keys = [f"{k:05d}" for k in range(1, 2101)]
    counts = [
        flat_2020_row(key, f"Kreis {key}", "Insgesamt", str(k), "") for k, key in enumerate(keys)
    ]
    prices = [flat_2020_row(key, f"Kreis {key}", "Insgesamt", "", "138,76") for key in keys[:2]]
    path = tmp_path / "flat.csv"
    path.write_text(FLAT_2020_HEADER + "\n" + "\n".join(counts + prices) + "\n")
    ds = load_sources([SourceSpec(path=path.name)], base_dir=tmp_path)
    assert value(ds, "00002", 2022, "Flaeche (qkm) | Insgesamt") == pytest.approx(138.76)
    assert value(ds, "02100", 2022, "Bevoelkerungsstand (Anzahl) | Insgesamt") == 2099


def test_flat_file_of_the_2020_interface_in_english(tmp_path: Path) -> None:
    # the English export names all four columns of a dimension N_variable_code
    header = (
        "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;"
        "1_variable_label;1_variable_code;1_variable_code;"
        "ERW065__Employees_subj._to_social_insur.__number"
    )
    rows = [
        "13111;Employees;STAG;Reference date;2021-12-31;DLAND;Länder;08;Baden-Württemberg;4843423",
        "13111;Employees;STAG;Reference date;2022-12-31;DLAND;Länder;08;Baden-Württemberg;4898563",
    ]
    (tmp_path / "13111-0005.csv").write_text(header + "\n" + "\n".join(rows) + "\n")
    ds = load_sources([SourceSpec(path="13111-0005.csv")], base_dir=tmp_path)
    label = "Employees subj. to social insur. (number)"
    assert value(ds, "08", 2021, label) == 4843423
    assert value(ds, "08", 2022, label) == 4898563


def test_flat_file_of_the_2020_interface_with_a_broken_header(tmp_path: Path) -> None:
    header = "Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;X__Y__Anzahl"
    (tmp_path / "t.csv").write_text(header + "\n12411;B;STAG;Stichtag;2022;KREISE;5\n")
    with pytest.raises(DataValidationError, match="four columns per dimension"):
        load_sources([SourceSpec(path="t.csv")], base_dir=tmp_path)
    # a plain table forced to be read as a flat file says what a flat file looks like
    (tmp_path / "p.csv").write_text("a;b\n1;2\n")
    with pytest.raises(DataValidationError, match="not a GENESIS flat file"):
        load_sources([SourceSpec(path="p.csv", format="genesis-flat")], base_dir=tmp_path)


def test_flat_file_refuses_school_year(flat: Path) -> None:
    spec = SourceSpec(path=flat.name, school_year="end")
    with pytest.raises(DataValidationError) as err:
        load_sources([spec], base_dir=flat.parent)
    assert err.value.failures["code"].tolist() == ["unsupported_option"]


def test_detection_rules() -> None:
    assert is_genesis_flat(FLAT_HEADER.split(";"))
    assert not is_opensdg(FLAT_HEADER.split(";"))
    assert is_opensdg(["Year", "GeoCode", "Value"])
    assert not is_opensdg(["year", "unit", "value"])


def test_find_column_any_case_and_usual_names() -> None:
    assert find_column(["ags", "GEN", "x"], None, ("name", "gen")) == "GEN"
    assert find_column(["AGS", "Gemeinde"], "ags", ()) == "AGS"
    assert find_column(["a"], None, ("ags",)) is None


def test_a_year_column_headed_as_a_database_system_column() -> None:
    """``_STICHTAG`` beside ``_RS`` and ``_GEBIET``, as a database writes its system
    columns: the year column (it was "required column missing: year"). A head with more
    after the name is no such column."""
    assert find_year_column(["_RS", "_GEBIET", "_STICHTAG", "INSGESAMT_0"], None) == "_STICHTAG"
    assert find_year_column(["_RS", "_STICHTAG_ALT", "X"], None) is None
    assert find_year_column(["_RS", "Jahr", "_STICHTAG"], None) == "Jahr"  # a usual name first


def test_key_and_name_columns_by_their_heads() -> None:
    heads = ["Lfd. Nr.", "gebiet-nr", "gebiet-name", "AGS", "Bezirksnummer", "Anzahl"]
    assert key_columns(heads) == ["AGS", "gebiet-nr", "Bezirksnummer"]
    assert find_name_column(heads) == "gebiet-name"
    assert find_name_column(["Gemeinde", "Stadtteilname"]) == "Gemeinde"
    assert find_name_column(["x"], "Name") is None


@pytest.mark.parametrize(
    "head",
    [
        "Regionalschlüssel (ARS)",
        "Regionalschlüssel ARS",
        "Gemeindeschlüssel (AGS)",
        "AGS (8-stellig)",
    ],
)
def test_a_key_head_with_its_kind_or_length_after_it(head: str) -> None:
    """As statistical offices head a key column: the key's kind in brackets or as its
    abbreviation, or its length, after the usual name. A plain usual name still comes
    first; a bracket after some other head makes no key of it."""
    assert key_columns(["Gemeinde", head, "Einwohner (31.12.2023)"]) == [head]
    assert key_columns([head, "AGS"]) == ["AGS", head]
    assert key_columns(["Einwohner (AGS)"]) == []


def test_filter_rows_reports_unknown_columns_and_values() -> None:
    frame = pd.DataFrame({"Geschlecht": ["Insgesamt", "weiblich"], "v": [1, 2]})
    kept, problems = filter_rows(frame, {"Geschlecht": ["weiblich"]}, "s")
    assert list(kept["v"]) == [2] and not problems
    _, problems = filter_rows(frame, {"Sex": "x", "Geschlecht": "divers"}, "s")
    codes = sorted(p["code"].iloc[0] for p in problems)
    assert codes == ["filter_value_not_found", "missing_column"]


def test_a_filter_value_missing_from_a_column_with_empty_cells(tmp_path: Path) -> None:
    # an empty cell is missing to pandas: listing the column's values crashed (exit 3)
    (tmp_path / "f.csv").write_text("AGS;Geschlecht;Einwohner\n01001;;5\n01002;weiblich;3\n")
    spec = SourceSpec(path="f.csv", year=2022, filter={"Geschlecht": "weiblch"})
    with pytest.raises(DataValidationError) as caught:
        load_sources([spec], base_dir=tmp_path)
    (reason,) = caught.value.failures["reason"]
    assert reason == "filter value not found; the column holds: (empty), weiblich"
    kept = load_sources(
        [spec.model_copy(update={"filter": {"Geschlecht": "weiblich"}})], base_dir=tmp_path
    )
    assert value(kept, "01002", 2022, "Einwohner") == 3


def test_a_filter_with_no_values_is_refused() -> None:
    # a list keeps rows holding any of its values: an empty one would silently keep none
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="at least 1 item"):
        SourceSpec(path="x.csv", filter={"Geschlecht": []})
    assert SourceSpec(path="x.csv", filter={"Geschlecht": ["weiblich"]}).filter


def test_pivot_label_leaves_totals_plain() -> None:
    frame = pd.DataFrame({"variable": ["Einw", "Einw"], "Geschlecht": ["", "weiblich"]})
    assert list(pivot_label(frame, ["Geschlecht"])) == ["Einw", "Einw | weiblich"]


def test_wide_pivot_keeps_row_numbers_and_columns(tmp_path: Path) -> None:
    text = "AGS;Geschlecht;Einwohner;Ausländer\n01001000;weiblich;45;x5\n01001000;männlich;40;4\n"
    (tmp_path / "w.csv").write_text(text)
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="w.csv", pivot=["Geschlecht"], year=2020)], base_dir=tmp_path)
    bad = err.value.failures.iloc[0]
    assert (bad["row"], bad["column"], bad["value"], bad["code"]) == (
        2,
        "Ausländer",
        "x5",
        "not_a_number",
    )


def test_wide_pivot_with_decimal_comma_keeps_parsed_numbers(tmp_path: Path) -> None:
    # the parser reads "100,5" as 100.5; melted beside a column of text ("12,5", ".") it
    # was read again as text under the decimal comma and reported as not a number
    text = "AGS;Jahr;Geschlecht;pop;rate\n01001000;2021;m;100,5;12,5\n01001000;2021;w;110,25;.\n"
    (tmp_path / "w.csv").write_text(text)
    ds = load_sources([SourceSpec(path="w.csv", pivot=["Geschlecht"])], base_dir=tmp_path)
    assert value(ds, "01001000", 2021, "pop | m") == 100.5
    assert value(ds, "01001000", 2021, "pop | w") == 110.25
    assert value(ds, "01001000", 2021, "rate | m") == 12.5
    assert ds.long.set_index("variable").loc["rate | w", "missing_reason"] == "unknown_or_secret"


def test_flat_file_decimal_comma_and_sub_year_times(tmp_path: Path) -> None:
    rows = [
        flat_row("01001000", "Insgesamt", "Insgesamt", "77,9", year="2023-06-30"),
        flat_row("01001000", "Insgesamt", "Insgesamt", "78,4", year="2023-12-31"),
    ]
    path = tmp_path / "quarters_flat.csv"
    path.write_text(FLAT_HEADER + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataValidationError) as err:  # two dates in one year
        load_sources([SourceSpec(path=str(path))])
    failures = err.value.failures
    assert failures["code"].tolist() == ["several_dates_in_a_year", *["duplicate_cell"] * 2]
    assert (
        failures["reason"]
        .iloc[0]
        .startswith(
            "several reference dates in one year (2023: 2023-06-30, 2023-12-31; 1 year(s) like "
            "this): keep one with filter: {time: 2023-12-31}"
        )
    )
    ds = load_sources([SourceSpec(path=str(path), filter={"time": "2023-12-31"})])
    assert value(ds, "01001000", 2023, "Bevölkerungsstand (Anzahl) | Insgesamt | Insgesamt") == (
        pytest.approx(78.4)
    )


def test_units_as_columns_headings_and_time_series() -> None:
    # a yearbook's table: a heading row over its variables, a unit per column
    frame = pd.DataFrame(
        {
            "Merkmal": ["Bevölkerung", "Einwohner", "davon Ausländer", "Fläche (ha)"],
            "Innenstadt": [None, 120, 30, 410.5],
            "Nord": ["", 80, ".", 990],
        },
        index=[2, 3, 4, 5],
    )
    long = units_as_columns(frame, [], "t")
    assert long[["unit", "variable"]].to_numpy().tolist() == [
        ["Innenstadt", "Bevölkerung | Einwohner"],
        ["Innenstadt", "Bevölkerung | davon Ausländer"],
        ["Innenstadt", "Bevölkerung | Fläche (ha)"],
        ["Nord", "Bevölkerung | Einwohner"],
        ["Nord", "Bevölkerung | davon Ausländer"],
        ["Nord", "Bevölkerung | Fläche (ha)"],
    ]
    assert long["value"].tolist() == [120, 30, 410.5, 80, ".", 990]  # cells as read
    assert long["row"].tolist() == [3, 4, 5, 3, 4, 5]  # the source's rows, for problems
    # a time series of one variable: years down, units across, named by the file
    series = pd.DataFrame({"year": ["2022", "2023"], "Innenstadt": [120, 125], "Nord": [80, 81]})
    long = units_as_columns(series, [], "einwohner")
    assert set(long["variable"]) == {"einwohner"}
    assert long[["unit", "year", "value"]].astype(str).to_numpy().tolist()[1] == [
        "Innenstadt",
        "2023",
        "125",
    ]
    # pivot columns join the label
    by_sex = pd.DataFrame(
        {
            "Merkmal": ["Einwohner", "Einwohner"],
            "Geschlecht": ["weiblich", "männlich"],
            "Nord": [41, 39],
        }
    )
    assert units_as_columns(by_sex, ["Geschlecht"], "t")["variable"].tolist() == [
        "Einwohner | weiblich",
        "Einwohner | männlich",
    ]


def test_a_name_column_under_a_group_head() -> None:
    """``Sozialraum`` merged over ``Nr.`` and ``Bezeichnung``: the key was found, the name
    column not (only a level ``Name`` was), so the names stood among the figures."""
    heads = ["Sozialraum | Nr.", "Sozialraum | Bezeichnung", "Einwohner", "Ausländer"]
    assert find_name_column(heads) == "Sozialraum | Bezeichnung"
    # two such levels: none is taken for the other's sake
    assert find_name_column(["A | Bezeichnung", "B | Gebiet", "x"]) is None


def test_a_head_of_the_kinds_of_regions_is_the_name_column() -> None:
    """A Landesamt's Kita table heads its names ``Kreisfreie Stadt`` / ``Kreis`` /
    ``Regierungsbezirk`` / ``Land`` over four lines: it was no name column, so the file
    was "required column missing" rather than "names its units without a key"."""
    head = "Kreisfreie Stadt Kreis Regierungsbezirk Land"
    assert find_name_column([head, "Kinder insgesamt", "zusammen"]) == head
    assert find_name_column(["Kreisfreie Stadt / Landkreis", "x"]) == "Kreisfreie Stadt / Landkreis"
    assert find_name_column(["Kinder insgesamt", "Stadt Land Fluss"]) is None


def test_inkars_zeitbezug_is_a_year_column() -> None:
    from mint_index.data.layouts import find_year_column

    heads = ["Bereich", "Indikator", "Kennziffer", "Name", "Zeitbezug", "Wert"]
    assert find_year_column(heads, None) == "Zeitbezug"


def test_a_school_year_column_is_the_year_column(tmp_path: Path) -> None:
    """School and Kita tables head their year column ``Schuljahr`` (``Kitajahr``): it was
    not found ("required column missing") even with ``school_year``. It is the year
    column now, read as ``school_year`` says (2022/23 counts in 2022 with ``start``)."""
    from mint_index.data.layouts import find_year_column

    for head in ("Schuljahr", "Kitajahr", "Kindergartenjahr"):
        assert find_year_column([head, "Nr", "Stadtbezirk", "Schulen"], None) == head
    path = tmp_path / "schulen.csv"
    path.write_text(
        "Schuljahr;Nr;Stadtbezirk;Schulen\n2022/23;1;Innenstadt;31\n2023/24;1;Innenstadt;30\n",
        encoding="utf-8",
    )
    import mint_index as mi

    ds = mi.load_data(path, school_year="start")
    assert list(ds.years) == [2022, 2023] and ds.values[:, 0, 0].tolist() == [31, 30]


def test_a_running_number_column_is_no_figure() -> None:
    """A Landesamt's table numbers its rows in ``Lfd. Nr.``: it was proposed and read as a
    variable (1, 2, 3 per Gemeinde). A column so headed that does not count up stays."""
    from mint_index.data.layouts import row_number_columns

    frame = pd.DataFrame(
        {"Lfd. Nr.": [1, 2, 3], "unit": ["06411000", "06412000", "06413000"], "x": [5, 7, 9]}
    )
    kept, warned = row_number_columns(frame, "t.xlsx")
    assert list(kept.columns) == ["unit", "x"]
    assert warned[["column", "code"]].values.tolist() == [["Lfd. Nr.", "row_number_column"]]
    other = frame.assign(**{"Lfd. Nr.": [3, 1, 2]})
    assert list(row_number_columns(other, "t.xlsx")[0].columns) == ["Lfd. Nr.", "unit", "x"]


def test_a_code_of_each_variable_is_no_figure() -> None:
    """INKAR's long download: beside ``Indikator`` the columns ``ID`` (``011``) and
    ``Kuerzel`` hold one value per indicator. ``ID | Ausländeranteil`` was read as the
    figure 11. A column that varies within a variable stays."""
    from mint_index.data.layouts import variable_code_columns

    frame = pd.DataFrame(
        {
            "unit": ["1001", "1001", "5315", "5315"],
            "ID": ["011", "104", "011", "104"],
            "Indikator": ["Ausländeranteil", "Arbeitslose", "Ausländeranteil", "Arbeitslose"],
            "Wert": [11.97, 15.02, 19.34, 13.2],
        }
    )
    kept, warned = variable_code_columns(frame, "inkar.csv", ["Indikator"], {"unit"})
    assert list(kept.columns) == ["unit", "Indikator", "Wert"]
    assert warned["column"].tolist() == ["ID"]
    # one row per variable: a code cannot be told from a figure
    one = frame.iloc[:2]
    assert list(variable_code_columns(one, "t.csv", ["Indikator"], {"unit"})[0].columns) == list(
        frame.columns
    )


#: The two head patterns as they were before they were kept from trying every split of a
#: run of spaces (a head of 30,000 spaces took 50 s and more).
_POPULATION_BEFORE = re.compile(
    r"^(?:population|einwohner(?:zahl)?|bev(?:ö|oe)lkerung(?:sstand)?|ew)"
    r"(?:\s*\|?\s+insgesamt)?(?:\s*\(.*\))?$",
    re.IGNORECASE,
)
_QUALIFIER_BEFORE = re.compile(r"(?:\s+(?:ags|ars|gkz|rs)|\s*\([^()]*\))+$", re.IGNORECASE)


@given(
    st.lists(
        st.sampled_from(["Einwohner", "AGS", " ", "  ", "|", "insgesamt", "(", ")", "8", "rs"]),
        max_size=8,
    ).map("".join)
)
def test_head_patterns_match_as_before(head: str) -> None:
    """Same matches, in linear time."""
    assert bool(layouts.POPULATION_HEAD.match(head)) == bool(_POPULATION_BEFORE.match(head))
    assert layouts._KEY_QUALIFIER.sub("", head) == _QUALIFIER_BEFORE.sub("", head)


def test_flat_file_quality_marks_flag_their_values(tmp_path: Path) -> None:
    """Today's flat files carry each value's quality mark in ``value_q`` (the 2020
    interface in ``CODE__Label__q``): ``p`` provisional, ``r`` revised, ``s`` estimated,
    ``e`` final, as a classic export writes ``5,7p``; a symbol there with no value is
    that symbol. The marks were dropped: a provisional figure of a flat file read as a
    plain one, while the same figure of a classic export was flagged."""
    header = FLAT_HEADER + ";value_q"
    rows = [
        flat_row("01001000", "Insgesamt", "Insgesamt", "90000") + ";p",
        flat_row("01001000", "weiblich", "Insgesamt", "46000") + ";e",
        flat_row("01001000", "Insgesamt", "Ausländer", "9000") + ";",
        flat_row("01001000", "weiblich", "Ausländer", "4100") + ";r",
        flat_row("01002000", "Insgesamt", "Insgesamt", "") + ";.",
        flat_row("01002000", "weiblich", "Insgesamt", "120000") + ";s",
    ]
    (tmp_path / "flat.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ds = load_sources([SourceSpec(path="flat.csv")], base_dir=tmp_path)
    cells = ds.long.set_index(["unit", "variable"])
    people = "Bevölkerungsstand (Anzahl)"
    first = cells.loc["01001000"]
    assert first.loc[f"{people} | Insgesamt | Insgesamt", "flag"] == "provisional"
    assert first.loc[f"{people} | Insgesamt | Insgesamt", "value"] == 90000
    assert first.loc[f"{people} | weiblich | Insgesamt", "flag"] == "final"
    assert pd.isna(first.loc[f"{people} | Insgesamt | Ausländer", "flag"])
    assert first.loc[f"{people} | weiblich | Ausländer", "flag"] == "revised"
    second = cells.loc["01002000"]
    assert second.loc[f"{people} | Insgesamt | Insgesamt", "missing_reason"] == (
        "unknown_or_secret"
    )
    assert second.loc[f"{people} | weiblich | Insgesamt", "flag"] == "estimated"
    assert second.loc[f"{people} | weiblich | Insgesamt", "value"] == 120000
    # the 2020 interface: the statistic's own quality column
    old = FLAT_2020_HEADER.replace(
        "BEVSTD__Bevoelkerungsstand__Anzahl",
        "BEVSTD__Bevoelkerungsstand__Anzahl;BEVSTD__Bevoelkerungsstand__q",
    )
    row = flat_2020_row("01001", "Flensburg", "Insgesamt", "92550;p", "56,73")
    (tmp_path / "old.csv").write_text(old + "\n" + row + "\n", encoding="utf-8")
    ds = load_sources([SourceSpec(path="old.csv")], base_dir=tmp_path)
    cells = ds.long.set_index("variable")
    assert cells.loc["Bevoelkerungsstand (Anzahl) | Insgesamt", "flag"] == "provisional"
    assert pd.isna(cells.loc["Flaeche (qkm) | Insgesamt", "flag"])
