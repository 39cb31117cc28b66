"""Workbooks in every format a department's office suite saves: .xlsx, .xls and .ods.

The fixtures (tests/fixtures/workbooks, made by its make.py) are one table written by
openpyxl and saved as .ods and .xls by LibreOffice; each format must read to the same
cells, and those to the figures typed into the sheet.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mint_index as mi
from mint_index.data import workbooks
from mint_index.data.dataset import MISSING_REASONS
from mint_index.data.inputs import InputRefused, folder_data_files
from mint_index.data.workbooks import (
    FORMAT_ROWS,
    UNPACKED_LIMIT_FACTOR,
    percent_cells,
    read_sheet,
    sheet_names,
    workbook_format,
)

pytest.importorskip("python_calamine")
pytest.importorskip("openpyxl")
pytest.importorskip("xlrd")

HERE = Path(__file__).parent
BOOKS = HERE / "fixtures" / "workbooks"
REAL = HERE / "fixtures" / "real-data"
FORMATS = ("xlsx", "ods", "xls")


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_town_table_reads_as_typed_in_every_format(suffix: str) -> None:
    """Contents sheet first, then a title, a percent column, a secret cell, a total row
    and a source line: the figures are those typed into the sheet (make.py)."""
    ds = mi.load_data(BOOKS / f"bevoelkerung.{suffix}", year=2023)
    assert list(ds.unit_ids) == ["001", "002", "003"]  # text keys keep their zeros
    assert ds.variables == ["Einwohner", "Ausländer", "Ausländeranteil"]
    # 0.2 and 0.125 stored, shown as 20,0 % and 12,5 %: read as shown
    expected = [[12345, 2469, 20.0], [8000, 1000, 12.5], [4321, np.nan, np.nan]]
    np.testing.assert_allclose(ds.values[0], expected, rtol=0, atol=1e-12)
    secret = MISSING_REASONS.index("unknown_or_secret")  # "."
    assert ds.reason[0, 2].tolist() == [0, secret, secret]
    assert sorted(ds.warnings["code"]) == ["note_below_table", "total_row"]
    assert ds.provenance.iloc[0]["source"].endswith(f"bevoelkerung.{suffix}[Tab1]")
    assert ds.provenance.iloc[0]["format"] == "excel"


@pytest.mark.parametrize("suffix", ["ods", "xls"])
def test_a_genesis_table_saved_by_libreoffice_reads_as_its_csv(suffix: str) -> None:
    from_book = mi.load_data(BOOKS / f"12411-01-01-4.{suffix}")
    from_csv = mi.load_data(REAL / "12411-01-01-4.csv")
    assert list(from_book.unit_ids) == list(from_csv.unit_ids)
    assert from_book.variables == from_csv.variables and list(from_book.years) == [2015]
    np.testing.assert_array_equal(from_book.values, from_csv.values)
    np.testing.assert_array_equal(from_book.reason, from_csv.reason)
    # Flensburg (01001), Insgesamt, read by hand from line 11 of the CSV: 85942
    assert from_book.values[0, list(from_book.unit_ids).index("01001"), 0] == 85942


def _minimal_xlsx(rows: str, styles: str) -> bytes:
    """A .xlsx put together by hand, as a program other than Excel may write one: no
    ``<dimension>`` record, rows and cells that do not say where they stand (``r`` is
    optional), the workbook's parts found through its relationships."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": "<Types/>",
        "_rels/.rels": f'<Relationships><Relationship Id="r1" Type="{rel}/officeDocument" '
        'Target="xl/book.xml"/></Relationships>',
        "xl/book.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        '<sheet name="Inhalt" sheetId="1" r:id="s1"/><sheet name="Tab1" sheetId="2" '
        'r:id="s2"/></sheets></workbook>',
        "xl/_rels/book.xml.rels": f'<Relationships><Relationship Id="s1" Type="{rel}/worksheet" '
        f'Target="sheets/a.xml"/><Relationship Id="s2" Type="{rel}/worksheet" '
        f'Target="/xl/sheets/b.xml"/><Relationship Id="st" Type="{rel}/styles" '
        'Target="look.xml"/></Relationships>',
        "xl/look.xml": f'<styleSheet xmlns="{main}">{styles}</styleSheet>',
        "xl/sheets/a.xml": f'<worksheet xmlns="{main}"><sheetData/></worksheet>',
        "xl/sheets/b.xml": f'<worksheet xmlns="{main}"><sheetData>{rows}</sheetData></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def _percent_at(raw: bytes, sheet: str | int) -> list[tuple[int, int]]:
    found = percent_cells(raw, sheet)
    return list(zip(found.rows.tolist(), found.columns.tolist(), strict=True))


def test_percent_cells_of_a_workbook_excel_did_not_write() -> None:
    """Styles 1 (a custom ``0.0 %``) and 2 (the built-in 10, ``0.00%``) show percentages,
    style 3 (``#,##0``) does not; a percent style on text or a true/false cell shows no
    figure. Without a ``<dimension>`` openpyxl read the whole sheet to size it before
    giving the first rows' formats; the sheet is now read only as far as those rows."""
    styles = (
        '<numFmts><numFmt numFmtId="164" formatCode="0.0 %"/></numFmts>'
        '<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="10"/><xf numFmtId="3"/>'
        "</cellXfs>"
    )
    rows = (
        '<row><c t="inlineStr"><is><t>Kreis</t></is></c><c t="inlineStr" s="1"><is><t>Anteil'
        "</t></is></c></row>"
        '<row><c><v>1</v></c><c s="1"><v>0.125</v></c><c s="3"><v>12000</v></c>'
        '<c s="2" t="b"><v>1</v></c></row>'
        '<row r="7"><c r="E7" s="2"><v>0.5</v></c></row>'
    )
    raw = _minimal_xlsx(rows, styles)
    assert _percent_at(raw, "Tab1") == _percent_at(raw, 1) == [(1, 1), (6, 4)]
    assert percent_cells(raw, 1).below.tolist() == [1, 4]  # their last number cells
    assert _percent_at(raw, "Inhalt") == []
    with pytest.raises(ValueError, match="no sheet 'Tab2'"):  # as every reader says it
        percent_cells(raw, "Tab2")


def test_a_percent_sign_a_format_only_prints_is_no_percent_format(tmp_path: Path) -> None:
    """A share stored as 20.5 and printed „20.5 %" by a format whose ``%`` is quoted
    (``0.0" %"``) or escaped (``0.0\\%``) was read as a percent format, times 100: 2050.
    Excel multiplies only for an unquoted ``%``, so the sheet shows 20.5 and the reader
    reads 20.5; a true percent format (``0.0%``) on 0.121 still reads 12.1."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2023"
    heads = ["Nr", "Ausländeranteil", "Anteil 65+", "Anteil unter 18", "Anteil Kita", "a", "b"]
    sheet.append(heads)
    sheet.append(["101", 20.5, 14.2, 0.121, 35.5, 20.5, 20.5])
    codes = ['0.0" %"', "0.0\\%", "[Red]0.0%", "0.0_%", "0.0;0.0%", "[$%-407]0.0"]
    for column, code in zip("BCDEFG", codes, strict=True):
        sheet[f"{column}2"].number_format = code
    book.save(tmp_path / "anteile.xlsx")
    raw = (tmp_path / "anteile.xlsx").read_bytes()
    assert _percent_at(raw, "2023") == [(1, 3)]
    ds = mi.load_data(tmp_path / "anteile.xlsx", sheet="2023", year=2023)
    shares = dict(zip(ds.variables, ds.values[0, 0].tolist(), strict=True))
    assert shares == pytest.approx(
        {
            "Ausländeranteil": 20.5,
            "Anteil 65+": 14.2,
            "Anteil unter 18": 12.1,
            "Anteil Kita": 35.5,
            "a": 20.5,  # a % in the negative numbers' section only
            "b": 20.5,  # a locale tag with % as its currency sign
        },
        abs=1e-12,
    )


def test_a_percent_format_counts_for_its_own_cells_only(tmp_path: Path) -> None:
    """A town's share table: years typed as numbers over shares formatted ``0.0%``, a
    count in General format below the shares, a styled empty cell right of the table.
    Only the shares were read times 100 before: the whole column was, so the heads
    became 202200 and 202300 and the count 1234 became 123400; the styled cell outside
    the table is in the next test."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nr", "Stadtteil", 2022, 2023])
    sheet.append(["1", "Altstadt", 0.125, 0.13])
    sheet.append(["2", "Neustadt", 0.2, 0.21])
    for cell in ("C2", "D2", "C3", "D3"):
        sheet[cell].number_format = "0.0%"
    book.save(tmp_path / "anteile.xlsx")
    ds = mi.load_data(tmp_path / "anteile.xlsx", key={"scheme": "own"})
    assert list(ds.years) == [2022, 2023]
    long = ds.long.set_index(["unit", "year"])["value"]
    assert long.to_dict() == pytest.approx(
        {("1", 2022): 12.5, ("1", 2023): 13.0, ("2", 2022): 20.0, ("2", 2023): 21.0}, abs=1e-9
    )


def test_a_percent_cell_the_sheet_does_not_reach_changes_nothing(tmp_path: Path) -> None:
    """A number cell with a percent style and an empty value (``<v></v>``), right of
    the table: the reader lays out no column for it. It failed the whole read
    (``cannot read: 7``, a KeyError shown as a data problem)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["AGS", "Anteil"])
    book.active.append(["01001000", 0.205])
    book.active["B2"].number_format = "0.0%"
    saved = io.BytesIO()
    book.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as given, zipfile.ZipFile(out, "w") as written:
        for item in given.infolist():
            part = given.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                style = re.search(rb'<c r="B2" s="(\d+)"', part)
                assert style is not None
                beyond = b'<c r="H2" s="' + style[1] + b'"><v></v></c></row>'
                part = re.sub(rb"(<c r=\"B2\".*?</c>)</row>", rb"\1" + beyond, part)
            written.writestr(item, part)
    (tmp_path / "t.xlsx").write_bytes(out.getvalue())
    assert percent_cells(out.getvalue()).columns.tolist() == [1, 7]
    ds = mi.load_data(tmp_path / "t.xlsx", year=2023)
    assert ds.values[0, 0, 0] == pytest.approx(20.5, abs=1e-12)


def _two_tables(suffix: str, path: Path) -> bytes:
    """Shares in 250 rows (shown as ``12.5 %``), counts of 1234 in General format below."""
    if suffix == "ods":  # LibreOffice writes a percentage cell as one, a count as a float

        def row(key: str, kind: str, value: float) -> str:
            return (
                f'<table:table-row><table:table-cell office:value-type="string"><text:p>{key}'
                f'</text:p></table:table-cell><table:table-cell office:value-type="{kind}" '
                f'office:value="{value}"/></table:table-row>'
            )

        shares = "".join(row(f"{i:08d}", "percentage", 0.125) for i in range(250))
        counts = "".join(row(f"{i:08d}", "float", 1234) for i in range(250, 260))
        return _ods(shares + counts)
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for i in range(260):
        book.active.append([f"{i:08d}", 0.125 if i < 250 else 1234])
    for (cell,) in book.active.iter_rows(max_row=250, min_col=2, max_col=2):
        cell.number_format = "0.0%"
    book.save(path)
    return path.read_bytes()


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_second_table_below_a_long_first_one_is_read_by_its_own_formats(
    tmp_path: Path, suffix: str
) -> None:
    """Two tables in one sheet, as a department keeps them: shares in 250 rows, counts in
    General format below. Formats were read for the first 200 rows only, and the rows
    below followed the column's last number cell there: every count read times 100
    (1234 as 123400), silently."""
    raw = _two_tables(suffix, tmp_path / f"two.{suffix}")
    sheet, _ = workbooks.sheet_cells(raw, 0)
    assert percent_cells(raw, 0).read_as_shown(sheet)[1].tolist() == [12.5] * 250 + [1234] * 10


def test_rows_below_the_sampled_ones_follow_their_columns_last_number_cell() -> None:
    """Formats are read per cell for the first rows; below them a column reads as its
    last number cell there does: the shares of a long table stay shares, a count column
    whose only percent cell is its first stays counts."""
    height = FORMAT_ROWS + 50
    sheet = pd.DataFrame({0: [0.5] * height, 1: [1000] * height}, dtype=object)
    found = workbooks.PercentCells(
        rows=np.r_[np.arange(FORMAT_ROWS), 0],
        columns=np.r_[np.zeros(FORMAT_ROWS, dtype=np.int64), 1],
        below=np.array([0]),
    )
    shown = found.read_as_shown(sheet)
    assert shown[0].tolist() == [50.0] * height
    assert shown[1].tolist() == [100000.0] + [1000] * (height - 1)
    assert sheet[0].tolist() == [0.5] * height  # the cells given are not changed


@pytest.mark.parametrize("suffix", FORMATS)
def test_each_format_tells_its_percent_cells(suffix: str) -> None:
    raw = (BOOKS / f"bevoelkerung.{suffix}").read_bytes()
    assert workbook_format(raw) == suffix
    assert sheet_names(raw) == ["Inhalt", "Tab1"]
    assert {c for _, c in _percent_at(raw, "Tab1")} == {c for _, c in _percent_at(raw, 1)} == {4}
    assert percent_cells(raw, "Tab1").below.tolist() == [4]
    assert _percent_at(raw, "Inhalt") == []
    # the cell as stored: a hundredth of what the sheet shows
    assert read_sheet(raw, "Tab1", header=False).iloc[3, 4] == pytest.approx(0.2, abs=1e-15)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    suffix=st.sampled_from(FORMATS),
    damage=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=64)), max_size=8),
    cut=st.floats(0.01, 1),
)
def test_a_damaged_workbook_is_refused_never_a_crash(
    suffix: str, damage: list[tuple[float, bytes]], cut: float
) -> None:
    """Bytes overwritten and the file cut short, in any format: the sheet is read or the
    workbook refused with a reason. (python-calamine aborted the process on such .xls
    files by trying to allocate hundreds of gigabytes; .xls is read by xlrd.)"""
    raw = bytearray((BOOKS / f"bevoelkerung.{suffix}").read_bytes())
    for where, patch in damage:
        at = int(where * (len(raw) - 1))
        raw[at : at + len(patch)] = patch
    raw = raw[: max(8, int(cut * len(raw)))]
    try:
        cells = read_sheet(bytes(raw), 0, header=False)
    except (InputRefused, ValueError):
        return
    assert isinstance(cells, pd.DataFrame)


_CELL_POOL = [
    *("", None, "Insgesamt", "x", ".", "-", "*", "k.A.", "2023", 2023, 2023.0, "Einwohner"),
    *("05315 Köln", "Köln (05315)", "12,5 %", 0.125, 1e300, -5, True, "Merkmal", "unit"),
    *("year", "Jahr", "AGS", "Kreis", "Stadtteil", "1)", "12.345¹", "Quelle: x", "2022/23"),
    *(dt.datetime(2023, 12, 31), dt.date(2023, 1, 1), dt.time(10, 0), "05 315 000", "   "),
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(st.sampled_from(_CELL_POOL), min_size=1, max_size=6), max_size=7),
    options=st.sampled_from([{}, {"year": 2020}, {"layout": "transposed"}, {"unit": "01"}]),
)
def test_any_sheet_loads_or_is_reported(
    tmp_path: Path, rows: list[list[object]], options: dict[str, object]
) -> None:
    """A sheet of typical and odd cells, in any arrangement: it loads, or every problem is
    reported. (A longer fuzzing run of this kind found that a key of 1e300 crashed the key
    check: tests/test_data_readers.py keeps that case.)"""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "t.xlsx")
    with contextlib.suppress(mi.MintIndexError):
        mi.load_data(tmp_path / "t.xlsx", **options)  # type: ignore[arg-type]


def test_text_cells_are_judged_as_in_a_csv_file(tmp_path: Path) -> None:
    """A sheet's ``n/a`` is reported as not a number, as a CSV file's is (pandas' Excel
    reader made it NaN without a word); ``NA`` and empty cells are missing."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in (["unit", "year", "x"], ["001", 2023, "n/a"], ["002", 2023, "NA"], ["003", 2023, 5]):
        book.active.append(row)
    book.save(tmp_path / "t.xlsx")
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(tmp_path / "t.xlsx")
    assert err.value.failures[["row", "value"]].to_numpy().tolist() == [[2, "n/a"]]


def test_figures_held_as_text_are_read_as_the_sheet_shows_them(tmp_path: Path) -> None:
    """Figures a department pasted as text (``1.204`` places, ``92.550`` inhabitants)
    were read with a decimal point, a thousandth of what the sheet shows and of what the
    same table saved as a ``;`` CSV gives, without a warning; in a data sheet and in a
    units table alike."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in (["Nr", "Stadtbezirk", "Plätze"], ["01", "Mitte", "1.204"], ["02", "Nord", 980]):
        book.active.append(row)
    book.save(tmp_path / "kita.xlsx")
    data = mi.load_data(tmp_path / "kita.xlsx", year=2023, key={"scheme": "own"})
    assert data.long.set_index("unit")["value"].to_dict() == {"01": 1204.0, "02": 980.0}
    book = openpyxl.Workbook()
    for row in (["AGS", "Gemeinde", "Einwohner"], ["01001000", "Flensburg", "92.550"]):
        book.active.append(row)
    book.save(tmp_path / "units.xlsx")
    assert mi.load_units(tmp_path / "units.xlsx")["population"].tolist() == [92550.0]


def test_a_header_row_names_the_columns_as_pandas_would(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["AGS", None, "AGS", 2023])
    book.active.append(["01001", "Flensburg", "x", 5])
    book.save(tmp_path / "t.xlsx")
    cells = read_sheet((tmp_path / "t.xlsx").read_bytes())
    assert list(cells.columns) == ["AGS", "Unnamed: 1", "AGS.1", "2023"]
    assert cells.iloc[0].tolist() == ["01001", "Flensburg", "x", 5]
    with pytest.raises(ValueError, match=r"no sheet 'Daten' in the workbook \(sheets: Sheet\)"):
        read_sheet((tmp_path / "t.xlsx").read_bytes(), "Daten")


def test_a_zip_without_an_opendocument_mimetype_is_taken_for_xlsx() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")  # a letter
    assert workbook_format(buffer.getvalue()) == "xlsx"
    assert workbook_format(b"Schl\xfcssel;Name\n") is None


def test_a_password_protected_workbook_says_so() -> None:
    """protected.xlsx: bevoelkerung.xlsx encrypted as Excel encrypts (make.py)."""
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(BOOKS / "protected.xlsx", year=2023)
    assert err.value.failures["code"].tolist() == ["protected_workbook"]
    assert "password" in err.value.failures["reason"].iloc[0]


def test_a_password_protected_xls_workbook_says_so(tmp_path: Path) -> None:
    """An old .xls saved with a password keeps its OLE2 container and marks its workbook
    stream with a FILEPASS record (type 0x002F) after the first BOF record. Here the
    record after bevoelkerung.xls's BOF is retyped as one, in place."""
    raw = bytearray((BOOKS / "bevoelkerung.xls").read_bytes())
    bof = bytes.fromhex("0908100000060500")  # BIFF8 BOF of the workbook globals
    after = raw.index(bof) + len(bof) + 12  # the BOF record holds 16 bytes
    raw[after : after + 2] = (0x002F).to_bytes(2, "little")
    (tmp_path / "protected.xls").write_bytes(raw)
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(tmp_path / "protected.xls", year=2023)
    assert err.value.failures["code"].tolist() == ["protected_workbook"]


def test_a_zip_that_unpacks_past_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINT_INDEX_MAX_INPUT_BYTES", "100000")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (UNPACKED_LIMIT_FACTOR * 100001))
    raw = buffer.getvalue()
    assert len(raw) < 100000  # the file itself is within the input limit
    with pytest.raises(InputRefused) as refused:
        read_sheet(raw)
    assert refused.value.code == "file_too_large"
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(raw)
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(path, year=2023)
    assert err.value.failures["code"].tolist() == ["file_too_large"]


def test_a_stray_cell_far_out_is_refused_before_the_reader_lays_the_sheet_out(
    tmp_path: Path,
) -> None:
    """One cell at XFD1048576 in a 5 KB workbook: python-calamine lays a sheet out as a
    full rectangle and asked for 549 GB, which aborted the process (SIGABRT, no message).
    The sheet is measured from its cells' references first."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["AGS", "Einwohner"])
    book.active.append(["01001", 5])
    book.active["XFD1048576"] = 1
    book.save(tmp_path / "far.xlsx")
    with pytest.raises(InputRefused, match="1,048,576 rows by 16,384 columns") as refused:
        read_sheet((tmp_path / "far.xlsx").read_bytes())
    assert refused.value.code == "file_too_large"
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(tmp_path / "far.xlsx", year=2023)
    assert err.value.failures["code"].tolist() == ["file_too_large"]
    # the same table without the stray cell reads
    del book.active["XFD1048576"]
    book.save(tmp_path / "near.xlsx")
    assert read_sheet((tmp_path / "near.xlsx").read_bytes()).shape == (1, 2)


def test_a_sheet_of_too_many_cells_is_refused_with_or_without_references(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cells need not say where they stand (``<c><v>1</v></c>``): 62 million of them in
    one row unpacked from a 2 MB file exhausted memory. A sheet holding more cells than
    the limit is refused too (the limit lowered here to 12 for a small sheet)."""
    monkeypatch.setattr(workbooks, "MAX_SHEET_CELLS", 12)

    def book(row: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(
                "xl/workbook.xml",
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
            )
            archive.writestr(
                "xl/_rels/workbook.xml.rels",
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                'relationships"><Relationship Id="rId1" Type="http://schemas.'
                'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                'Target="worksheets/sheet1.xml"/></Relationships>',
            )
            archive.writestr(
                "xl/worksheets/sheet1.xml",
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"<sheetData>{row}</sheetData></worksheet>",
            )
        return buffer.getvalue()

    unreferenced = book('<row r="1">' + "<c><v>1</v></c>" * 13 + "</row>")
    with pytest.raises(InputRefused, match="holds 13 cells"):
        workbooks._refuse_a_sheet_too_large(unreferenced, 0)
    wide = book('<row r="2"><c r="A2"><v>1</v></c><c r="M2"><v>1</v></c></row>')
    with pytest.raises(InputRefused, match="2 rows by 13 columns"):
        workbooks._refuse_a_sheet_too_large(wide, 0)
    # a row number of eight digits, past Excel's last row, as the reader would take it
    deep = book('<row r="1"><c r="A1"><v>1</v></c></row><row><c r="A99999999"><v>1</v></c></row>')
    with pytest.raises(InputRefused, match="99,999,999 rows by 1 columns"):
        workbooks._refuse_a_sheet_too_large(deep, 0)
    workbooks._refuse_a_sheet_too_large(book('<row r="2"><c r="F2"><v>1</v></c></row>'), 0)


@pytest.mark.parametrize(
    "far",
    [
        "<c r='XFD1048576'><v>1</v></c>",  # single quotes
        '<c\nr="XFD1048576"><v>1</v></c>',  # a line break before the attribute
        '<c\tr = "XFD1048576"><v>1</v></c>',  # a tab, spaces around the =
        '<c r="xfd1048576"><v>1</v></c>',  # lower case
        '<c r="Z99999999999"><v>1</v></c>',  # eleven digits
        '<c r="ZZZZ9999"><v>1</v></c>',  # four letters
    ],
)
def test_a_far_cell_written_any_way_xml_allows_is_refused(far: str) -> None:
    """An audit got past the first check with each of these (the reader takes them all,
    and aborted the process on each); and with a far row whose cell gives no reference."""
    sheet = f'<row r="1"><c r="A1"><v>1</v></c>{far}</row>'
    with pytest.raises(InputRefused) as refused:
        workbooks._refuse_a_sheet_too_large(_one_sheet_book(sheet), 0)
    assert refused.value.code == "file_too_large"
    row_only = '<row r="1"><c r="XFD1"><v>1</v></c></row><row r="1048576"><c><v>1</v></c></row>'
    with pytest.raises(InputRefused, match="1,048,576 rows by 16,384 columns"):
        workbooks._refuse_a_sheet_too_large(_one_sheet_book(row_only), 0)


def _ods(rows: str) -> bytes:
    """An OpenDocument spreadsheet of one sheet whose table holds ``rows``."""
    buffer = io.BytesIO()
    ns = "urn:oasis:names:tc:opendocument:xmlns"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(  # the manifest a reader needs to open it
            "META-INF/manifest.xml",
            f'<manifest:manifest xmlns:manifest="{ns}:manifest:1.0" manifest:version="1.3">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        archive.writestr(
            "content.xml",
            f'<office:document-content xmlns:office="{ns}:office:1.0" '
            f'xmlns:table="{ns}:table:1.0" xmlns:text="{ns}:text:1.0"><office:body>'
            f'<office:spreadsheet><table:table table:name="S">{rows}</table:table>'
            "</office:spreadsheet></office:body></office:document-content>",
        )
    return buffer.getvalue()


def test_an_ods_cell_repeated_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """One filled cell repeated 1,000 times across 90,000 rows, a 993-byte file, made the
    reader lay out 90 million cells and abort the process. Empty cells repeated to the
    sheet's edge, as LibreOffice writes every sheet, are no cells to count."""
    cell = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
    filled = (
        f'<table:table-row table:number-rows-repeated="6">{cell}'
        '</table:table-cell><table:table-cell table:number-columns-repeated="3" '
        'office:value-type="float" office:value="2"/></table:table-row>'
    )
    monkeypatch.setattr(workbooks, "MAX_SHEET_CELLS", 20)
    with pytest.raises(InputRefused, match="span 6 rows by 4 columns") as refused:
        workbooks._refuse_an_ods_sheet_too_large(_ods(filled), 0)
    assert refused.value.code == "file_too_large"
    edge = (
        f"<table:table-row>{cell}</table:table-cell>"
        '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
    )
    workbooks._refuse_an_ods_sheet_too_large(_ods(edge), 0)  # one filled cell: read


def _one_sheet_book(rows: str) -> bytes:
    """A workbook of one sheet whose ``sheetData`` holds ``rows``: the parts the reader
    needs to find the sheet, nothing else."""
    buffer = io.BytesIO()
    main = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}/spreadsheetml/2006/main" xmlns:r="{main}/'
            'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{main}/package/2006/relationships"><Relationship '
            f'Id="rId1" Type="{main}/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{main}/spreadsheetml/2006/main"><sheetData>{rows}'
            "</sheetData></worksheet>",
        )
    return buffer.getvalue()


def test_tab_separated_text_named_xls_is_read_as_the_table_it_is(tmp_path: Path) -> None:
    """What many web applications export as "Excel"."""
    path = tmp_path / "export.xls"
    path.write_bytes(b"unit\tyear\teinwohner\n001\t2023\t12345\n002\t2023\t8000\n")
    ds = mi.load_data(path)
    assert list(ds.unit_ids) == ["001", "002"]
    assert ds.values[0, :, 0].tolist() == [12345, 8000]


def test_a_data_folder_takes_every_workbook_format(tmp_path: Path) -> None:
    for suffix in FORMATS:
        (tmp_path / f"bevoelkerung.{suffix}").write_bytes(
            (BOOKS / f"bevoelkerung.{suffix}").read_bytes()
        )
    files, problems = folder_data_files(tmp_path)
    assert [f.name for f in files] == [f"bevoelkerung.{s}" for s in sorted(FORMATS)]
    assert problems == []


@pytest.mark.parametrize("suffix", ["ods", "xls"])
def test_merged_cells_of_an_xls_or_ods_sheet_as_of_an_xlsx_one(suffix: str) -> None:
    """The Kita shares table (make.py) saved as .xls and .ods by LibreOffice: xlrd's
    merged ranges (which end one past their last row and column) and the spans of the
    OpenDocument XML come out as python-calamine's do for the same sheet as .xlsx, so
    ``Prozentpunkte`` under one share does not label the next group's count in any
    format."""
    from mint_index.data.workbooks import merged_cells

    raw = (BOOKS / f"kita_anteile.{suffix}").read_bytes()
    assert sorted(merged_cells(raw, "B3") or []) == [
        (0, 0, 2, 0),
        (0, 1, 2, 1),
        (0, 2, 2, 2),
        (0, 3, 2, 3),
        (0, 4, 0, 6),
        (0, 7, 2, 7),
        (1, 4, 2, 4),
    ]
    ds = mi.load_data(BOOKS / f"kita_anteile.{suffix}")
    assert ds.variables[-2:] == ["unter 3 mit MH | Veränderung | Prozentpunkte", "3 bis 6"]
    assert ds.values[0, 1, -1] == 2663  # Salzgitter, children aged 3 to 6
    # a sheet without a merged cell says nothing: its empty cells are all there is
    assert merged_cells((BOOKS / f"bevoelkerung.{suffix}").read_bytes(), "Tab1") is None


def test_a_sheet_read_without_sheet_is_dated_by_its_name(tmp_path: Path) -> None:
    """A workbook of one sheet named ``2023`` was dated only with ``sheet: 2023``; without
    it the error asked for a year and did not mention the sheet's name. The sheet a source
    reads by default is dated by its name as a named one is; a year column still wins."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2023"
    sheet.append(["Nr", "Stadtteil", "Einwohner"])
    sheet.append(["101", "Altstadt", 5601])
    book.save(tmp_path / "stadtteile.xlsx")
    ds = mi.load_data(tmp_path / "stadtteile.xlsx")
    assert list(ds.years) == [2023] and ds.values[0, 0, 0] == 5601
    sheet.insert_cols(1)
    sheet["A1"], sheet["A2"] = "Jahr", 2021
    book.save(tmp_path / "mit_jahr.xlsx")
    assert list(mi.load_data(tmp_path / "mit_jahr.xlsx").years) == [2021]


@pytest.mark.parametrize("repeated", [60, 1_000_000])
def test_an_ods_table_below_rows_of_spaces_or_a_million_empty_rows(
    tmp_path: Path, repeated: int
) -> None:
    """Rows of a space above the table counted as filled in an .ods (50 of them hid the
    header); a million empty rows above it were each laid out as text to find the header
    (6 s for a 1 KB file). The table is read below them, a problem at its sheet row."""

    def text(value: str) -> str:
        return (
            '<table:table-cell office:value-type="string">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )

    def figure(value: str) -> str:
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )

    filler = text(" ") if repeated == 60 else "<table:table-cell/>"
    rows = (
        f'<table:table-row table:number-rows-repeated="{repeated}">{filler}</table:table-row>'
        f"<table:table-row>{text('Nr')}{text('Name')}{text('Einwohner')}</table:table-row>"
        f"<table:table-row>{text('001')}{text('Altstadt')}{figure('3400')}</table:table-row>"
        f"<table:table-row>{text('002')}{text('Neustadt')}{text('1x')}</table:table-row>"
    )
    (tmp_path / "t.ods").write_bytes(_ods(rows))
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(tmp_path / "t.ods", year=2023, key={"scheme": "own"})
    (problem,) = err.value.failures.itertuples()
    assert (problem.row, problem.column, problem.value) == (repeated + 3, "Einwohner", "1x")


def test_a_formula_with_no_saved_result_is_said(tmp_path: Path) -> None:
    """A workbook written by a program that does not compute (a reporting tool, a
    script) and never opened and saved in Excel or LibreOffice holds its formulas without
    their results: such a cell reads as empty, and said nothing of it, so two towns
    silently had no score. It is now a warning naming the cells and the fix."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["AGS", "Gemeinde", "Einwohner", "Ausländer", "Ausländeranteil"])
    sheet.append(["08115003", "Böblingen", 50000, 9000, 18.0])
    sheet.append(["08115045", "Sindelfingen", 64000, 16000, "=ROUND(D3/C3*100,1)"])
    sheet.append(["08115021", "Hildrizhausen", 3700, 370, "=ROUND(D4/C4*100,1)"])
    book.save(tmp_path / "anteil.xlsx")
    data = mi.load_data(tmp_path / "anteil.xlsx", year=2023)
    said = data.warnings[data.warnings["code"] == "formula_without_result"]
    assert len(said) == 1
    assert said["value"].iloc[0] == "E3, E4"
    assert "open the file in Excel or LibreOffice and save it" in said["reason"].iloc[0]
    long = data.long.set_index(["unit", "variable"])["value"]
    assert long[("08115003", "Ausländeranteil")] == 18.0  # a typed value reads as before
    # saved by a program that computes, the formulas keep their results (``<v>25</v>``,
    # where openpyxl writes ``<v />``): read, and nothing to say
    with zipfile.ZipFile(tmp_path / "anteil.xlsx") as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"]
    assert xml.count(b"<v />") == 2
    parts["xl/worksheets/sheet1.xml"] = xml.replace(b"<v />", b"<v>25</v>", 1).replace(
        b"<v />", b"<v>10</v>", 1
    )
    with zipfile.ZipFile(tmp_path / "gespeichert.xlsx", "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    saved = mi.load_data(tmp_path / "gespeichert.xlsx", year=2023)
    assert not (saved.warnings["code"] == "formula_without_result").any()
    shares = saved.long.set_index(["unit", "variable"])["value"]
    assert shares[("08115045", "Ausländeranteil")] == 25.0


def test_every_formula_without_result_is_found_across_chunks(tmp_path: Path) -> None:
    """The sheet's XML is searched a megabyte at a time: a cell cut by a chunk's end is
    found in the next. 40,000 formulas (some 2 MB of XML), each one found once."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["a", "b"])
    for row in range(2, 40_002):
        sheet.append([row, f"=A{row}*2"])
    book.save(tmp_path / "many.xlsx")
    raw = (tmp_path / "many.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert len(archive.read("xl/worksheets/sheet1.xml")) > 2 * (1 << 20)
    found = workbooks.formulas_without_result(raw)
    assert found == [f"B{row}" for row in range(2, 40_002)]
