"""The measures register: reading CSV, Excel and DataFrames; every problem in one error."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import mint_index as mi
from mint_index.measures import REASONS, MeasuresRegister, load_measures, register_for

UNITS = ["08999001", "08999002", "08999015"]
CATALOG = ["mit_mentors", "vopi_barrier_analysis"]


def test_csv_register_is_read_and_typed(tmp_path: Path) -> None:
    path = tmp_path / "measures.csv"
    path.write_text(
        "unit;measure;since;end;scope\n"
        "08999015;vopi_barrier_analysis;2022;;\n"
        "08999001;mit_mentors;2021;2023;Kernstadt\n",
        encoding="utf-8",
    )
    register = load_measures(path, catalog=CATALOG, units=UNITS)
    frame = register.frame
    assert list(frame.columns) == ["unit", "measure", "since", "end", "scope"]
    # sorted by unit; keys keep their leading zero; years are integers
    assert frame["unit"].tolist() == ["08999001", "08999015"]
    assert frame["since"].tolist() == [2021, 2022]
    assert frame["since"].dtype == "int64"
    assert frame.loc[0, "end"] == 2023 and pd.isna(frame.loc[1, "end"])
    assert frame.loc[0, "scope"] == "Kernstadt" and frame.loc[1, "scope"] is None
    assert register.source == "measures.csv"


def test_in_place_and_measures_of() -> None:
    register = load_measures(
        pd.DataFrame(
            {
                "unit": ["08999001", "08999001"],
                "measure": ["mit_mentors", "vopi_barrier_analysis"],
                "since": [2020, 2023],
                "end": [2021, None],
            }
        ),
        catalog=CATALOG,
    )
    assert register.measures_of("08999001") == ["mit_mentors", "vopi_barrier_analysis"]
    assert register.measures_of("08999001", 2021) == ["mit_mentors"]
    assert register.measures_of("08999001", 2022) == []
    assert register.measures_of("08999001", 2024) == ["vopi_barrier_analysis"]
    assert len(register.in_place(2020)) == 1


def test_a_register_under_a_title_with_a_source_line_below(tmp_path: Path) -> None:
    """As a spreadsheet saves the integration office's register as CSV: a title (quoted,
    for its comma), an empty row, the header, and a source line below. The title was
    taken for the header ("a required column is missing"); problems still name the
    file's lines (the header is line 3)."""
    path = tmp_path / "measures.csv"
    path.write_text(
        '"Maßnahmenregister des Landkreises, Stand 2024",,\n'
        ",,\n"
        "unit, measure, since\n"
        "08999015, vopi_barrier_analysis, 2022\n"
        "08999001, mit_mentors, 2021\n"
        ",,\n"
        "Quelle: Integrationsbüro,,\n",
        encoding="utf-8",
    )
    register = load_measures(path, catalog=CATALOG, units=UNITS)
    assert register.frame[["unit", "measure", "since"]].values.tolist() == [
        ["08999001", "mit_mentors", 2021],
        ["08999015", "vopi_barrier_analysis", 2022],
    ]
    path.write_text(path.read_text("utf-8").replace("08999001", "08999099"), "utf-8")
    with pytest.raises(mi.DataValidationError) as info:
        load_measures(path, catalog=CATALOG, units=UNITS)
    failures = info.value.failures
    assert failures[["row", "code"]].values.tolist() == [[5, "unknown_unit"]]


def test_every_problem_is_reported_once_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "unit,measure,since,end\n"
        "08999001,mit_mentors,2021,\n"  # row 2: fine
        "08999099,mit_mentors,2021,\n"  # row 3: unknown unit
        "08999002,no_such_measure,2021,\n"  # row 4: unknown measure
        "08999002,mit_mentors,soon,\n"  # row 5: since not a year
        "08999015,mit_mentors,2022,2020\n"  # row 6: end before since
        "08999001,mit_mentors,2023,\n"  # row 7: duplicate of row 2
        "08999015,vopi_barrier_analysis,,\n",  # row 8: since missing
        encoding="utf-8",
    )
    with pytest.raises(mi.DataValidationError) as info:
        load_measures(path, catalog=CATALOG, units=UNITS)
    failures = info.value.failures
    got = sorted(zip(failures["row"], failures["column"], failures["code"], strict=True))
    assert got == [
        (3, "unit", "unknown_unit"),
        (4, "measure", "unknown_measure"),
        (5, "since", "invalid_year"),
        (6, "end", "end_before_since"),
        (7, "measure", "duplicate_measure"),
        (8, "since", "missing_value"),
    ]
    assert set(failures["source"]) == {"m.csv"}
    assert failures.loc[failures["code"] == "unknown_unit", "value"].item() == "08999099"
    assert set(failures["reason"]) <= set(REASONS.values())
    assert "08999099" in str(info.value)


def test_a_programme_that_stopped_and_started_again_has_a_row_per_spell() -> None:
    """Mentoring in 2018-2019, none in 2020-2021 (funding ran out), again from 2022: two
    rows. A row for years another row of the unit's measure covers is refused."""
    spells = pd.DataFrame(
        {
            "unit": ["08999001", "08999001", "08999002"],
            "measure": ["mit_mentors"] * 3,
            "since": [2022, 2018, 2021],
            "end": [None, 2019, None],
        }
    )
    register = load_measures(spells, catalog=CATALOG, units=UNITS)
    first = register.frame[register.frame["unit"] == "08999001"]
    assert first[["since", "end"]].astype(object).values.tolist() == [[2018, 2019], [2022, pd.NA]]
    assert register.measures_of("08999001", 2020) == []
    assert register.measures_of("08999001", 2023) == ["mit_mentors"]
    overlapping = pd.DataFrame(
        {
            "unit": ["08999001", "08999001", "08999002", "08999002"],
            "measure": ["mit_mentors"] * 4,
            "since": [2018, 2019, 2018, 2022],  # 2019 within 2018-2020; 2022 after an open row
            "end": [2020, None, None, None],
        },
        index=[10, 11, 12, 13],
    )
    with pytest.raises(mi.DataValidationError) as info:
        load_measures(overlapping, catalog=CATALOG, units=UNITS)
    failures = info.value.failures
    assert sorted(zip(failures["row"], failures["code"], strict=True)) == [
        (11, "duplicate_measure"),
        (13, "duplicate_measure"),
    ]


def test_a_register_row_with_a_field_too_many_says_which_line(tmp_path: Path) -> None:
    """Found by fuzzing: a stray separator in a register was an internal error."""
    path = tmp_path / "measures.csv"
    path.write_text("unit;measure;since\n08999002;mit_mentors;2021;x\n", encoding="utf-8")
    with pytest.raises(mi.MintIndexError, match="line 2 has 4 fields where the header has 3"):
        load_measures(path, catalog=CATALOG)


def test_missing_columns_are_named() -> None:
    with pytest.raises(mi.DataValidationError) as info:
        load_measures(pd.DataFrame({"unit": ["08999001"]}), catalog=CATALOG)
    assert sorted(info.value.failures["column"]) == ["measure", "since"]
    assert set(info.value.failures["code"]) == {"missing_column"}


def test_packaged_catalog_is_the_default() -> None:
    frame = pd.DataFrame({"unit": ["x"], "measure": ["mit_mentors"], "since": [2021]})
    assert len(load_measures(frame)) == 1  # no units given: units are not checked
    with pytest.raises(mi.DataValidationError, match="not in the action catalog"):
        load_measures(frame.assign(measure="made_up"))


def test_excel_sheet_named_massnahmen_with_german_headings(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Daten"
    sheet = book.create_sheet("Maßnahmen")
    sheet.append(["Gemeinde", "Maßnahme", "seit", "bis"])
    sheet.append(["08999002", "mit_mentors", 2021, None])
    sheet.append(["08999015", "vopi_barrier_analysis", 2022.0, 2024])
    path = tmp_path / "template.xlsx"
    book.save(path)
    frame = load_measures(path, catalog=CATALOG, units=UNITS).frame
    assert frame["unit"].tolist() == ["08999002", "08999015"]
    assert frame["since"].tolist() == [2021, 2022]
    assert frame["end"].tolist()[1] == 2024


@pytest.mark.parametrize("suffix", ["ods", "xls"])
def test_a_register_saved_by_libreoffice_reads_as_typed(suffix: str) -> None:
    """tests/fixtures/workbooks/massnahmen.*: the workbook of the test above, saved by
    LibreOffice as OpenDocument and as old Excel."""
    pytest.importorskip("python_calamine")
    path = Path(__file__).parent / "fixtures" / "workbooks" / f"massnahmen.{suffix}"
    frame = load_measures(path, catalog=CATALOG, units=UNITS).frame
    assert frame["unit"].tolist() == ["08999002", "08999015"]
    assert frame["measure"].tolist() == ["mit_mentors", "vopi_barrier_analysis"]
    assert frame["since"].tolist() == [2021, 2022]
    assert frame["end"].tolist()[1] == 2024


def test_excel_without_a_measures_sheet_says_which_sheets_exist(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Daten"
    path = tmp_path / "t.xlsx"
    book.save(path)
    with pytest.raises(mi.MintIndexError, match=r"no sheet named 'measures'.*Daten"):
        load_measures(path, catalog=CATALOG)


def test_a_register_is_validated_again_against_units() -> None:
    register = load_measures(
        pd.DataFrame({"unit": ["08999077"], "measure": ["mit_mentors"], "since": [2021]}),
        catalog=CATALOG,
    )
    assert isinstance(register, MeasuresRegister)
    with pytest.raises(mi.DataValidationError) as info:
        load_measures(register, catalog=CATALOG, units=UNITS)
    assert info.value.failures["code"].tolist() == ["unknown_unit"]


def test_the_example_register_fits_the_example_district() -> None:
    register = mi.example_measures()
    units = set(mi.example_data().unit_ids)
    assert set(register.frame["unit"]) <= units
    assert (register.frame["measure"] == "vopi_barrier_analysis").sum() == 11


def test_a_unit_listed_without_data_is_not_called_unknown() -> None:
    """A unit of the units table the data have no values for: ``unit_without_data``, with
    a reason that says so; a unit in neither stays ``unknown_unit``."""
    frame = pd.DataFrame(
        {"unit": ["08999015", "08999099"], "measure": ["mit_mentors"] * 2, "since": [2021] * 2}
    )
    with pytest.raises(mi.DataValidationError) as info:
        load_measures(frame, catalog=CATALOG, units=UNITS, with_data=["08999001"])
    failures = info.value.failures.sort_values("value")
    assert failures[["value", "code"]].values.tolist() == [
        ["08999015", "unit_without_data"],
        ["08999099", "unknown_unit"],
    ]
    assert failures["reason"].iloc[0] == (
        "the unit is in the units table but the data have no values for it"
    )


def test_validate_names_a_listed_unit_without_data_as_effects_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``validate --measures`` (and report, score, the project API) checked the register's
    units against the data's units only: a unit of the units table without data was "not
    in the units table", which sent the user to the wrong file. All read it with
    ``register_for`` now."""
    from mint_index.cli import main

    data = pd.DataFrame({"unit": ["A01", "A01"], "year": [2020, 2021], "x": [1.0, 2.0]})
    units = pd.DataFrame({"unit": ["A01", "B02"], "name": ["Alpha", "Beta"]})
    dataset = mi.load_data(data, units=units)
    frame = pd.DataFrame({"unit": ["B02"], "measure": ["mit_mentors"], "since": [2021]})
    with pytest.raises(mi.DataValidationError) as info:
        register_for(frame, dataset, CATALOG)
    assert info.value.failures["code"].tolist() == ["unit_without_data"]
    # the command line, on the example district with one municipality's rows taken out
    example = mi.example_data()
    long = example.long[["unit", "year", "variable", "value"]]
    long[long["unit"].astype(str) != "08999015"].to_csv(tmp_path / "data.csv", index=False)
    example.units.to_csv(tmp_path / "units.csv", index_label="unit")
    (tmp_path / "m.csv").write_text("unit,measure,since\n08999015,mit_mentors,2021\n")
    args = ["validate", str(tmp_path / "data.csv"), "--units", str(tmp_path / "units.csv")]
    assert main([*args, "--measures", str(tmp_path / "m.csv"), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert [p["code"] for p in problems if p["severity"] == "error"] == ["unit_without_data"]


def test_the_documented_register_with_a_title_reads(tmp_path: Path) -> None:
    """docs/effects.md's CSV register under a title line, as it is written there."""
    import re

    docs = (Path(__file__).resolve().parents[1] / "docs" / "effects.md").read_text("utf-8")
    block = re.search(r"```csv\n(.*?)```", docs, re.S)
    assert block is not None and block.group(1).startswith('"Maßnahmenregister')
    path = tmp_path / "measures.csv"
    path.write_text(block.group(1), encoding="utf-8")
    register = load_measures(path, catalog=CATALOG, units=UNITS)
    assert register.frame["unit"].tolist() == ["08999001", "08999015"]
