"""Years in column heads: where a head's year is, which level of a head over several rows
dates it, and a wide table's columns as (variable, year), read by hand from the heads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mint_index.data.year_heads import (
    bare_year_heads,
    change_columns,
    trailing_years,
    variable_column,
    year_level,
    years_as_columns,
    years_in_labels,
)


@pytest.mark.parametrize(
    ("head", "split"),
    [
        ("2019", ("", "2019")),
        ("31.12.2019", ("", "31.12.2019")),
        ("Juni 2019", ("", "Juni 2019")),  # the longest ending that is a date wins
        ("Einwohner 2019", ("Einwohner", "2019")),
        ("Einwohner (2019)", ("Einwohner", "2019")),
        ("einwohner_2019", ("einwohner", "2019")),
        ("Einwohner am 31.12.2019", ("Einwohner", "31.12.2019")),  # "am" only dates it
        ("Einwohner, Stand: 2019", ("Einwohner", "2019")),
        ("Zuzüge seit 2015", None),  # part of what is counted, not its date
        ("Einkommen unter 2000", None),
        ("Einwohner", None),
        ("Gebäude 1850", None),  # a number before 1900 after a word is no head's year
        # a unit of measure after the year stays with the variable
        ("Ausländeranteil 2023 in %", ("Ausländeranteil in %", "2023")),
        ("Einwohner 2023 (Anzahl)", ("Einwohner (Anzahl)", "2023")),
        ("Schulden 2023 in Tsd. EUR", ("Schulden in Tsd. EUR", "2023")),
        ("Fläche 2023, km²", ("Fläche km²", "2023")),
        ("Zuzüge seit 2015 in %", None),
        ("Quote in %", None),
    ],
)
def test_trailing_years(head: str, split: tuple[str, str] | None) -> None:
    assert trailing_years([head], "start") == [split]


def test_a_school_year_in_a_head_is_read_whatever_the_option() -> None:
    assert trailing_years(["Schüler 2019/20"], "start") == [("Schüler", "2019/20")]
    assert trailing_years(["Schüler 2019/20"], "end") == [("Schüler", "2019/20")]


def test_year_level_last_then_first_then_a_bare_year_between() -> None:
    year, bare = ("Einwohner", "2019"), ("", "2019")
    assert year_level([None, year]) == 1  # Ausländer | Einwohner 2019
    assert year_level([bare, None]) == 0  # 2019 | Einwohner
    assert year_level([None, bare, None]) == 1  # Ausländer | 2019 | Anzahl
    assert year_level([None, year, None]) is None  # only a bare year between
    assert year_level([None, bare, bare, None]) is None  # two candidates: none
    assert year_level([None]) is None


def test_years_as_columns_over_two_rows_and_bare() -> None:
    frame = pd.DataFrame(columns=["unit", "name", "Einwohner | 2019", "2020 | Einwohner"])
    assert years_as_columns(frame, "bev", None) == {
        "Einwohner | 2019": ("Einwohner", "2019"),
        "2020 | Einwohner": ("Einwohner", "2020"),
    }
    # bare years: the variable is named after the file
    bare = pd.DataFrame(columns=["unit", "2019", "2020"])
    assert years_as_columns(bare, "bev", None) == {"2019": ("bev", "2019"), "2020": ("bev", "2020")}
    # a column without a year: not a table of years at all
    assert years_as_columns(pd.DataFrame(columns=["unit", "2019", "Fläche"]), "b", None) == {}
    # a year column of its own: the heads are variables
    assert years_as_columns(pd.DataFrame(columns=["unit", "year", "2019"]), "b", None) == {}


def test_a_change_between_two_years_is_left_out_with_a_warning() -> None:
    frame = pd.DataFrame(
        {"unit": ["1"], "2019": [10], "2020": [12], "Veränderung 2020 zu 2019": [2]}
    )
    dated = years_as_columns(frame, "bev", None)
    assert sorted(dated) == ["2019", "2020"]
    kept, warnings = change_columns(frame, dated, "t.csv")
    assert list(kept.columns) == ["unit", "2019", "2020"]
    assert warnings[["column", "code"]].to_numpy().tolist() == [
        ["Veränderung 2020 zu 2019", "change_column"]
    ]


def test_the_column_naming_the_variables_of_a_table_of_years() -> None:
    frame = pd.DataFrame(
        {"unit": ["1", "1"], "Merkmal": ["Einwohner", "Ausländer"], "2021": [9, 1], "2022": [9, 2]}
    )
    assert variable_column(frame, None) == ["Merkmal"]
    # figures, not names: no variable column
    figures = frame.assign(Merkmal=["1", "2"])
    assert variable_column(figures, None) == []
    # with the units of measure beside it (a city's open data): both
    measured = frame.assign(Einheit=["Anzahl", "Prozent"])[["unit", "Merkmal", "Einheit", "2021"]]
    assert variable_column(measured, None) == ["Merkmal", "Einheit"]
    # two columns of text, neither a unit of measure: none
    assert variable_column(measured.rename(columns={"Einheit": "Bemerkung"}), None) == []


def test_a_city_table_of_features_their_units_and_years(tmp_path: Path) -> None:
    """Leipzig's Ortsteile as its open data lays them out: ``Sachmerkmal`` and ``Einheit``
    beside the years. It asked for a year column, the years standing in its heads."""
    import mint_index as mi

    (tmp_path / "ortsteile.csv").write_text(
        '"Kennziffer","Gebiet","Sachmerkmal","Einheit","2021","2022"\n'
        '"00","Zentrum","Einwohner insgesamt","Anzahl","2011","2056"\n'
        '"00","Zentrum","Ausländeranteil","Prozent","21,3","22,0"\n'
        '"01","Zentrum-Ost","Einwohner insgesamt","Anzahl","12270","12582"\n'
        '"01","Zentrum-Ost","Ausländeranteil","Prozent","30,1","31,4"\n',
        encoding="utf-8",
    )
    data = mi.load_data(tmp_path / "ortsteile.csv", key={"scheme": "own"})
    long = data.long.set_index(["unit", "year", "variable"])["value"]
    assert long[("01", 2022, "Einwohner insgesamt | Anzahl")] == 12582
    assert long[("00", 2021, "Ausländeranteil | Prozent")] == pytest.approx(21.3)


def test_heads_that_are_years_and_labels_that_end_in_one() -> None:
    long = pd.DataFrame({"variable": ["2021", "31.12.2022"], "value": [1.0, 2.0]})
    dated = bare_year_heads(long, None)
    assert dated["year"].tolist() == ["2021", "31.12.2022"]
    assert dated["variable"].tolist() == ["", ""]
    labels = pd.DataFrame({"variable": ["Einwohner 2022", "Einwohner 2023"], "value": [1, 2]})
    split = years_in_labels(labels, None)
    assert split["variable"].tolist() == ["Einwohner", "Einwohner"]
    assert split["year"].tolist() == ["2022", "2023"]
    # one label without a year: unchanged
    mixed = pd.DataFrame({"variable": ["Einwohner 2022", "Fläche"], "value": [1, 2]})
    assert years_in_labels(mixed, None) is mixed


def test_several_dates_of_one_year_keep_their_heads() -> None:
    """A quarterly table (``Ausländer am 31.03.2023``, ``... am 30.06.2023``) gave one
    variable three cells of one year, and a mapping by head matched none: each head is
    its own variable of 2023 now, which a mapping picks."""
    frame = pd.DataFrame(
        columns=["unit", "Ausländer am 31.03.2023", "Ausländer am 30.06.2023", "Einwohner 2023"]
    )
    dated = years_as_columns(frame, "ba", None)
    assert {head: variable for head, (variable, _) in dated.items()} == {
        "Ausländer am 31.03.2023": "Ausländer am 31.03.2023",
        "Ausländer am 30.06.2023": "Ausländer am 30.06.2023",
        "Einwohner 2023": "Einwohner",
    }


def test_a_unit_of_measure_over_the_years_names_no_variable_alone(tmp_path: Path) -> None:
    """``Anzahl`` over ``2019; 2020; 2021`` named the variable ``Anzahl``: two files so
    laid out (foreign residents 2019-2021, SGB II recipients 2022-2023) were proposed one
    mapping and read as one series. Such a variable is named by the file, its unit kept
    beside it; a head that names what is counted keeps its name."""
    frame = pd.DataFrame(columns=["unit", "name", "Anzahl | 2019", "Anzahl | 2020"])
    assert years_as_columns(frame, "auslaender_stadtteile", None) == {
        "Anzahl | 2019": ("auslaender_stadtteile | Anzahl", "2019"),
        "Anzahl | 2020": ("auslaender_stadtteile | Anzahl", "2020"),
    }
    named = pd.DataFrame(columns=["unit", "Einwohner | 2019 | Anzahl", "in % | 2019"])
    assert years_as_columns(named, "bev", None) == {
        "Einwohner | 2019 | Anzahl": ("Einwohner | Anzahl", "2019"),
        "in % | 2019": ("bev | in %", "2019"),
    }
    path = tmp_path / "auslaender_stadtteile.csv"
    path.write_text(
        "Ausländische Einwohner nach Stadtteilen;;;;\n;;Anzahl;;\nNr.;Stadtteil;2019;2020;2021\n"
        "101;Altstadt;5601;5689;5778\n102;Neustadt;8302;8420;8511\n",
        encoding="utf-8",
    )
    import mint_index as mi

    ds = mi.load_data(path)
    assert ds.variables == ["auslaender_stadtteile | Anzahl"]
    assert ds.values[:, 0, 0].tolist() == [5601, 5689, 5778]  # 101 Altstadt, by hand
