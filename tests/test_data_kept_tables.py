"""Tables towns keep themselves, their units and their measures register: a title above,
empty rows and notes below (data/kept_tables.py through ``load_units`` and
``load_measures``). Every figure read by hand from the files written here."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mint_index as mi
from mint_index.data.kept_tables import kept_table_frame

TITLED_CSV = (
    "Gemeinden des Landkreises Musterkreis, Stand 31.12.2023\n"
    "\n"
    "Gemeindeschlüssel;Gemeinde;Einwohner\n"
    "08999001;Auenthal;80.123\n"
    "08999002;Bergdorf;12.456\n"
    ";;\n"
    "Quelle: Statistisches Landesamt, eigene Berechnungen\n"
)


def test_a_titled_csv_with_a_source_line_below(tmp_path: Path) -> None:
    """The title (with a comma, which once made the comma the separator), the empty row
    and the source line are no units; the population has German thousands marks."""
    path = tmp_path / "gemeinden.csv"
    path.write_text(TITLED_CSV, encoding="utf-8")
    units = mi.load_units(path)
    assert units.index.tolist() == ["08999001", "08999002"]
    assert units["name"].tolist() == ["Auenthal", "Bergdorf"]
    assert units["population"].tolist() == [80123.0, 12456.0]


def test_rows_are_numbered_as_the_file_numbers_them(tmp_path: Path) -> None:
    # the header is line 3, so the data are lines 4 and 5: a repeated key names both
    path = tmp_path / "gemeinden.csv"
    path.write_text(TITLED_CSV.replace("08999002;Bergdorf", "08999001;Bergdorf"), "utf-8")
    with pytest.raises(mi.DataValidationError) as raised:
        mi.load_units(path)
    duplicate = raised.value.failures
    assert duplicate["code"].tolist() == ["duplicate_unit", "duplicate_unit"]
    assert duplicate["row"].tolist() == [4, 5]
    frame, decimal = kept_table_frame(path.read_bytes(), "csv", 0, sep=None, encoding=None)
    assert frame.index.tolist() == [4, 5] and decimal == ","


@pytest.mark.parametrize("empty", [60, 30_000])
def test_a_units_table_below_many_empty_rows(tmp_path: Path, empty: int) -> None:
    """Rows of empty cells above (``;;``, as a spreadsheet writes them): the header was
    looked for in the first 50 rows only, and within a 64 KB sample; the table was
    refused."""
    path = tmp_path / "gemeinden.csv"
    path.write_text(";;\n" * empty + TITLED_CSV, encoding="utf-8")
    units = mi.load_units(path)
    assert units["population"].tolist() == [80123.0, 12456.0]
    frame, _ = kept_table_frame(path.read_bytes(), "csv", 0, sep=None, encoding=None)
    assert frame.index.tolist() == [empty + 4, empty + 5]


def test_a_workbook_with_a_title_and_notes(tmp_path: Path) -> None:
    """A sheet as a district office writes it: title, empty row, header, two units, an
    empty row and a note; the keys typed as text, the population as numbers."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (
        ["Gemeinden im Landkreis Musterkreis"],
        [],
        ["AGS", "Gemeinde", "Einwohner"],
        ["08999001", "Auenthal", 80123],
        ["08999002", "Bergdorf", 12456],
        [],
        ["1) Gebietsstand 31.12.2023"],
    ):
        sheet.append(row)
    book.save(tmp_path / "gemeinden.xlsx")
    units = mi.load_units(tmp_path / "gemeinden.xlsx")
    assert units.index.tolist() == ["08999001", "08999002"]
    assert units["population"].tolist() == [80123.0, 12456.0]
    frame, _ = kept_table_frame(
        (tmp_path / "gemeinden.xlsx").read_bytes(), "excel", 0, sep=None, encoding=None
    )
    assert frame.index.tolist() == [4, 5]  # the sheet's rows


def test_a_plain_table_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("unit,name,population\n01001000,Flensburg,92550\n", encoding="utf-8")
    frame, decimal = kept_table_frame(path.read_bytes(), "csv", 0, sep=None, encoding=None)
    assert frame.index.tolist() == [2] and decimal == "."
    assert frame.to_dict(orient="records") == [
        {"unit": "01001000", "name": "Flensburg", "population": "92550"}
    ]
    assert mi.load_units(path)["population"].tolist() == [92550.0]


def test_a_header_over_two_rows(tmp_path: Path) -> None:
    """``Bevölkerung`` merged over ``insgesamt | männlich | weiblich``, as the
    Gemeindeverzeichnis and many district lists head it: the total is the population,
    the parts stay columns of their own, named by both rows."""
    path = tmp_path / "gemeinden.csv"
    path.write_text(
        "Gemeindeverzeichnis, Stand 31.12.2023\n\n"
        "AGS;Gemeinde;Bevölkerung;;\n"
        ";;insgesamt;männlich;weiblich\n"
        "08999001;Auenthal;80.123;40.000;40.123\n"
        "08999002;Bergdorf;12.456;6.000;6.456\n",
        encoding="utf-8",
    )
    units = mi.load_units(path)
    assert units["population"].tolist() == [80123.0, 12456.0]
    assert units["Bevölkerung | weiblich"].tolist() == ["40.123", "6.456"]
    assert units["name"].tolist() == ["Auenthal", "Bergdorf"]


_CELLS = st.one_of(
    st.just(""),
    st.integers(-5, 10**9).map(str),
    st.sampled_from(["AGS", "Gemeinde", "Einwohner", "insgesamt", "08999001", "Summe", "1.234"]),
    st.text(alphabet='0123456789;,."- aäQuelle', max_size=12),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(_CELLS, max_size=5), max_size=8),
    sep=st.sampled_from([";", ","]),
    excel=st.booleans(),
)
def test_any_small_table_is_read_or_refused_with_a_reason(
    tmp_path: Path, rows: list[list[str]], sep: str, excel: bool
) -> None:
    """Whatever a kept table holds (titles, blanks, notes, figures, nothing), reading it
    as the units table or the measures register gives a table or a
    :class:`~mint_index.MintIndexError`, never another exception (an empty register
    once stopped with pandas' EmptyDataError)."""
    if excel:
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append([int(c) if c.isdigit() and len(c) < 12 else c or None for c in row])
        path = tmp_path / "kept.xlsx"
        book.save(path)
    else:
        path = tmp_path / "kept.csv"
        path.write_text("\n".join(sep.join(row) for row in rows), encoding="utf-8")
    for read in (mi.load_units, mi.load_measures):
        with contextlib.suppress(mi.MintIndexError):
            read(path)
