"""Spreadsheet workbooks, in whichever format the sender's office suite saved them.

Departments send what their programs write: ``.xlsx`` from current Excel, old ``.xls``
workbooks from archives and older software, OpenDocument ``.ods`` from LibreOffice, which
many public administrations use. All three are read alike, into cells of the same Python
types whichever format carried them (numbers that are whole as ``int``, dates as
``datetime``, empty and error cells NaN, text as text: ``n/a`` is for the readers to
judge, as in a CSV file), so every rule after this module (header rows, keys, symbols,
years) applies unchanged. ``.xlsx`` and ``.ods`` are read by python-calamine;
``.xls`` by xlrd, because python-calamine aborts the whole process (not an exception) on
some damaged ``.xls`` files, trying to allocate hundreds of gigabytes.

The only thing the cell values do not tell is how a number is shown. Excel and
LibreOffice store a cell shown as ``12,5 %`` as 0.125; that is what a reader gets, a
hundredth of what the department typed and sees, and what the same table saved as CSV
says. So each format's own record of a cell's format is read for the first rows of a
sheet (:func:`percent_cells`), and such cells are read as shown
(:meth:`PercentCells.read_as_shown`). Nor do they tell which header cells are merged, which an
workbook records (:func:`merged_cells`): a unit of measure typed into one cell then
stands over its own column only.

A workbook that cannot be read (truncated, a zip that holds no workbook, encrypted with
a password) raises :class:`~mint_index.data.inputs.InputRefused`, so the loader reports it
as that source's failure with a sentence saying what to do.
"""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Literal
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from mint_index.data.cells import per_unique
from mint_index.data.inputs import (
    MAX_BYTES_ENV,
    OLE2_MAGIC,
    ZIP_MAGIC,
    InputRefused,
    max_input_bytes,
)
from mint_index.data.plain_tables import column_names
from mint_index.data.readers import require

if TYPE_CHECKING:
    from python_calamine import CalamineSheet

__all__ = [
    "PercentCells",
    "as_shown_percent",
    "formulas_without_result",
    "hidden_sheets",
    "merged_cells",
    "percent_cells",
    "read_sheet",
    "sheet_cells",
    "sheet_names",
    "sheet_rows",
    "workbook_format",
]

_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
#: Rows of a sheet whose number formats are read cell by cell for percentages: every
#: row of any table a town keeps (all of Germany's some 11,000 Gemeinden fit), so that a
#: second table below a long first one is read by its own formats. Below them, in a
#: larger sheet, a column reads as its last number cell there does.
FORMAT_ROWS = 20_000

Format = Literal["xlsx", "xls", "ods"]


def workbook_format(raw: bytes) -> Format | None:
    """``xlsx``, ``xls`` or ``ods`` from a file's bytes, whatever its name; None for bytes
    that are no workbook. A zip is an OpenDocument spreadsheet when its ``mimetype`` says
    so, any other zip is taken for an Office Open XML workbook (reading it tells)."""
    if raw.startswith(OLE2_MAGIC):
        return "xls"
    if not raw.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if "mimetype" in archive.namelist():
                with archive.open("mimetype") as member:
                    if member.read(len(_ODS_MIMETYPE)) == _ODS_MIMETYPE:
                        return "ods"
    except Exception:  # damaged in any way (zipfile raises many kinds): reading it says so
        pass
    return "xlsx"


def read_sheet(raw: bytes, sheet: str | int = 0, *, header: bool = True) -> pd.DataFrame:
    """One sheet of a workbook (by name or 0-based position), cells as stored: keys stay
    as the sheet holds them, whole numbers are ``int``, dates ``datetime``, empty and
    error cells NaN; text stays text (``n/a`` is for the readers to judge, as in a CSV
    file). ``header=False`` keeps the first row as data (a GENESIS table's title line);
    with ``header=True`` it names the columns (an empty head ``Unnamed: 3``, a repeated
    one ``Name.1``, as pandas names them)."""
    cells, _ = _read(raw, sheet, merges=False)
    if not header:
        return cells
    if not len(cells):
        return pd.DataFrame()
    body = cells.iloc[1:].reset_index(drop=True)
    body.columns = column_names(cells.iloc[0].tolist())
    return body


def sheet_cells(
    raw: bytes, sheet: str | int = 0
) -> tuple[pd.DataFrame, list[tuple[int, int, int, int]] | None]:
    """A sheet's cells as ``read_sheet(header=False)`` gives them, and its merged cells
    (:func:`merged_cells`), from one read of the sheet."""
    return _read(raw, sheet, merges=True)


def merged_cells(raw: bytes, sheet: str | int = 0) -> list[tuple[int, int, int, int]] | None:
    """The merged cells of a sheet as (first row, first column, last row, last column),
    0-based from ``A1`` as :func:`read_sheet` numbers them: from an ``.xlsx`` sheet by
    python-calamine, an ``.xls`` one by xlrd, an ``.ods`` one from its XML; None for a
    sheet without a merged cell (a header typed without merging, whose layout only its
    empty cells tell)."""
    return sheet_cells(raw, sheet)[1]


def _read(
    raw: bytes, sheet: str | int, merges: bool
) -> tuple[pd.DataFrame, list[tuple[int, int, int, int]] | None]:
    """The sheet's cells (``header=False``), and with ``merges`` its merged cells: a
    .xlsx sheet's come with its cells from python-calamine, which opens it once."""
    _refuse_unreadable_kinds(raw)
    kind = workbook_format(raw)
    found: list[tuple[int, int, int, int]] = []
    with _refused_when_unreadable():
        if kind == "xls":
            rows = _xls_rows(raw, sheet)
            found = _xls_merged_cells(raw, sheet) if merges else []
        else:
            if kind == "xlsx":
                _refuse_a_sheet_too_large(raw, sheet)
            else:
                _refuse_an_ods_sheet_too_large(raw, sheet)
            ws = _calamine_sheet(raw, sheet)
            # python-calamine gives whole numbers as floats and a date without a time as
            # ``date``; typed as read_sheet says
            rows = [[_cell(v) for v in row] for row in ws.to_python(skip_empty_area=False)]
            if merges and kind == "ods":
                found = _ods_merged_cells(raw, sheet)
            elif merges:
                ranges = ws.merged_cell_ranges or []
                found = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
    width = max((len(row) for row in rows), default=0)
    cells = pd.DataFrame(rows, columns=range(width), dtype=object)
    cells = cells.mask(cells.map(lambda cell: isinstance(cell, str) and cell == ""))
    return cells, found or None


def sheet_names(raw: bytes) -> list[str]:
    """The sheet names of a workbook, in the workbook's order."""
    _refuse_unreadable_kinds(raw)
    with _refused_when_unreadable():
        if workbook_format(raw) == "xls":
            with _xls_book(raw) as book:
                return [str(name) for name in book.sheet_names()]
        _require_reader()
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        return [str(name) for name in workbook.sheet_names]


def hidden_sheets(raw: bytes) -> set[str]:
    """The names of a workbook's hidden sheets (hidden or "very hidden"): the helper
    sheets a department's workbook computes in, which no reader of it sees."""
    _refuse_unreadable_kinds(raw)
    with _refused_when_unreadable():
        if workbook_format(raw) == "xls":
            with _xls_book(raw) as book:
                return {
                    str(name)
                    for index, name in enumerate(book.sheet_names())
                    if book.sheet_by_index(index).visibility != 0
                }
        _require_reader()
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        return {
            str(sheet.name)
            for sheet in workbook.sheets_metadata
            if not str(sheet.visible).endswith(".Visible")
        }


def sheet_rows(raw: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cells as rows of values (None where a cell is empty), by sheet name:
    for forms read by position, such as the fill-in workbook."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for name in sheet_names(raw):
        cells = read_sheet(raw, name, header=False).astype(object)
        cells = cells.where(cells.notna(), None)
        rows[name] = [tuple(row) for row in cells.to_numpy().tolist()]
    return rows


@dataclass(frozen=True, eq=False)
class PercentCells:
    """The number cells of a sheet that its formats show as percentages (Excel's format
    code with an unquoted ``%``, an OpenDocument ``percentage`` cell), which hold a
    hundredth of what the sheet shows. Formats are read per cell for the sheet's first
    :data:`FORMAT_ROWS` rows: a year typed as a number into the header, a count in
    General format below a share, stay as they are. Below those rows a column is read as
    its last number cell in them is."""

    #: the rows and the columns (0-based from ``A1``) of the percent cells among the
    #: first rows
    rows: np.ndarray
    columns: np.ndarray
    #: the columns whose last number cell among the first rows is a percent cell
    below: np.ndarray

    def read_as_shown(self, sheet: pd.DataFrame) -> pd.DataFrame:
        """``sheet`` (cells as :func:`sheet_cells` gives them, labelled by position) with
        its percent cells as the sheet shows them (:func:`as_shown_percent`). A format
        recorded for a cell the sheet's cells do not reach (an empty cell with a style)
        changes nothing."""
        height, width = sheet.shape
        shown = np.zeros((height, width), dtype=bool)
        inside = (self.rows < height) & (self.columns < width)
        shown[self.rows[inside], self.columns[inside]] = True
        shown[FORMAT_ROWS:, self.below[self.below < width]] = True
        if not shown.any():
            return sheet
        values = sheet.to_numpy(dtype=object, copy=True)
        values[shown] = as_shown_percent(pd.Series(values[shown], dtype=object)).to_numpy()
        return pd.DataFrame(values, index=sheet.index, columns=sheet.columns)


#: A cell of a .xlsx sheet's XML that holds a formula and no result
#: (``<c r="E3"><f>ROUND(D3/C3*100,1)</f><v /></c>``), and where it stands.
_FORMULA_WITHOUT_RESULT = re.compile(
    rb"<c\b([^>]*)>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)
_REFERENCE = re.compile(rb'\br="([A-Z]{1,3}[0-9]+)"')
#: The longest cell element a chunk boundary may cut and the next chunk still finds.
_CELL_BYTES = 1 << 16


def formulas_without_result(raw: bytes, sheet: str | int = 0) -> list[str]:
    """The cells (``E3``) of a .xlsx sheet that hold a formula with no saved result, which
    read as empty: the workbook was written by a program that does not compute (a
    reporting tool, a script) and never opened and saved in Excel or LibreOffice. An .ods
    or .xls file stores every formula's result; none there."""
    if workbook_format(raw) != "xlsx":
        return []
    cells: list[str] = []
    with _refused_when_unreadable(), zipfile.ZipFile(io.BytesIO(raw)) as archive:
        sheets, _ = _xlsx_parts(archive)
        with archive.open(_xlsx_sheet_path(sheets, sheet)) as content:
            tail = b""  # read in chunks, never whole: a sheet may unpack to hundreds of MB
            while block := content.read(1 << 20):
                window, done = tail + block, 0
                for cell in _FORMULA_WITHOUT_RESULT.finditer(window):
                    at = _REFERENCE.search(cell.group(1))
                    cells += [at.group(1).decode("ascii")] if at is not None else []
                    done = cell.end()
                tail = window[max(done, len(window) - _CELL_BYTES) :]
    return cells


def percent_cells(raw: bytes, sheet: str | int = 0) -> PercentCells:
    """The cells of a sheet shown as percentages (:class:`PercentCells`), read from each
    format's own record of how a cell is shown."""
    with _refused_when_unreadable():
        kind = workbook_format(raw)
        if kind == "ods":
            rows, columns, percent = _ods_number_cells(raw, sheet)
        else:
            found = (_xls_number_cells if kind == "xls" else _xlsx_number_cells)(raw, sheet)
            table = np.array(found, dtype=np.int64).reshape(-1, 3)
            rows, columns, percent = table[:, 0], table[:, 1], table[:, 2].astype(bool)
    order = np.lexsort((rows, columns))  # by column, then row: each column's last cell
    last = order[np.r_[columns[order][1:] != columns[order][:-1], True]] if len(order) else order
    return PercentCells(rows[percent], columns[percent], np.unique(columns[last[percent[last]]]))


def _calamine_sheet(raw: bytes, sheet: str | int) -> CalamineSheet:
    """A .xlsx or .ods sheet as python-calamine opens it, by name or 0-based position."""
    _require_reader()
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    _check_sheet(sheet, [str(name) for name in workbook.sheet_names])
    if isinstance(sheet, int):
        return workbook.get_sheet_by_index(sheet)
    return workbook.get_sheet_by_name(sheet)


#: Whole numbers up to this size are ``int`` (a float holds every whole number below it
#: exactly); larger ones, such as 1e300 typed into a cell, stay floats.
_EXACT = 2**53


class _NoSuchSheet(ValueError):
    """A sheet the workbook does not have: the caller's mistake, not a damaged file."""


def _check_sheet(sheet: str | int, names: list[str]) -> None:
    """Say which sheets there are when ``sheet`` (a name or a 0-based position) is none of
    them; checked on the workbook already open, so the sheet list is read once."""
    known = 0 <= sheet < len(names) if isinstance(sheet, int) else sheet in names
    if not known:
        raise _NoSuchSheet(f"no sheet {sheet!r} in the workbook (sheets: {', '.join(names)})")


def _cell(value: Any) -> Any:
    """A cell's value as :func:`read_sheet` types it (whole numbers ``int``, a date
    without a time ``datetime``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT:
        return int(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return datetime.datetime(value.year, value.month, value.day)
    return value


def as_shown_percent(cells: pd.Series) -> pd.Series:
    """A percent-formatted column's cells as the sheet shows them: figures times 100
    (rounded to 10 decimals, so that 0.07 is 7, not 7.000000000000001), text as it is."""
    number = per_unique(cells, lambda distinct: distinct.map(type).isin([int, float])).astype(bool)
    out = cells.astype(object).copy()
    out[number] = np.round(cells[number].to_numpy(dtype=np.float64) * 100, 10)
    return out


# ---- each format's record of how a number is shown ------------------------------------------


def _xlsx_number_cells(raw: bytes, sheet: str | int) -> list[tuple[int, int, bool]]:
    """The number cells of a .xlsx sheet's first rows as (row, column, shown as a
    percentage), read from the sheet's XML and the workbook's styles
    (:func:`_xlsx_cells`): a style's number format shows one where it is a built-in
    percent format (9 and 10, ``0%`` and ``0.00%``) or a custom code such as ``0.0 %``."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        sheets, styles = _xlsx_parts(archive)
        percent = _xlsx_percent_styles(archive, styles)
        if not percent:
            return []
        return [
            (row, column, _whole(cell.get("s"), 0) in percent)
            for row, column, cell in _xlsx_cells(archive, _xlsx_sheet_path(sheets, sheet))
            if cell.get("t", "n") == "n" and _xml_child(cell, "v") is not None
        ]


#: Excel's built-in number formats that show a percentage (``0%``, ``0.00%``).
_PERCENT_FORMATS = frozenset({9, 10})


def _shows_percent(format_code: str) -> bool:
    """Whether an Excel number format code shows its number times 100 with a ``%``: an
    unquoted ``%`` does (``0.0%``, ``0.0 %``); a ``%`` that is only printed does not (in
    quotes ``0.0" %"``, after a backslash ``0.0\\%``, or as the character a ``_`` pads
    with or a ``*`` repeats, or inside brackets, ``[$%-407]``). Only the first section,
    the positive numbers', counts (``0.0;0.0%`` shows 20.5 as 20.5). Statistics offices
    store a share as 20.5 and print it with such a literal ``%``; read as a percent format
    it would come out as 2050."""
    quoted = bracketed = literal_next = False
    for char in format_code:
        if literal_next:
            literal_next = False
        elif quoted:
            quoted = char != '"'
        elif bracketed:  # a colour, a condition or a locale tag: [Red], [$%-407]
            bracketed = char != "]"
        elif char == '"':
            quoted = True
        elif char == "[":
            bracketed = True
        elif char in "\\_*":
            literal_next = True
        elif char == ";":  # the first section is the positive numbers', a share's
            return False
        elif char == "%":
            return True
    return False


def _local(tag: str) -> str:
    """An XML tag without its namespace (transitional and strict Office Open XML name
    their elements alike in two namespaces)."""
    return tag.rsplit("}", 1)[-1]


def _xml_child(element: Any, name: str) -> Any:
    return next((child for child in element if _local(child.tag) == name), None)


def _xlsx_parts(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], str | None]:
    """Where a .xlsx keeps its parts: its sheets (name and path, in the workbook's
    order) and its styles (a path, or None), read from the workbook and its
    relationships."""

    def target(base: str, path: str) -> str:
        return (
            path.lstrip("/")
            if path.startswith("/")
            else posixpath.normpath(posixpath.join(base, path))
        )

    def relations(part: str) -> dict[str, tuple[str, str]]:
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        if rels not in archive.namelist():
            return {}
        root = ElementTree.fromstring(archive.read(rels))
        return {
            str(rel.get("Id")): (str(rel.get("Type", "")), target(folder, str(rel.get("Target"))))
            for rel in root
        }

    book = next(
        (path for kind, path in relations("").values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    links = relations(book)
    root = ElementTree.fromstring(archive.read(book))
    sheets = []
    for element in root.iter():
        if _local(element.tag) == "sheet":
            link = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            sheets.append((str(element.get("name")), links.get(link, ("", ""))[1]))
    styles = next((path for kind, path in links.values() if kind.endswith("/styles")), None)
    return sheets, styles


def _xlsx_sheet_path(sheets: list[tuple[str, str]], sheet: str | int) -> str:
    """The part that holds a sheet (``sheets`` as :func:`_xlsx_parts` gives them), by
    name or 0-based position."""
    _check_sheet(sheet, [name for name, _ in sheets])
    if isinstance(sheet, int):
        return sheets[sheet][1]
    return dict(sheets)[sheet]


def _xlsx_percent_styles(archive: zipfile.ZipFile, styles: str | None) -> set[int]:
    """The positions of the cell styles (``cellXfs``) whose number format shows a
    percentage."""
    if styles is None or styles not in archive.namelist():
        return set()
    root = ElementTree.fromstring(archive.read(styles))
    codes = {
        _whole(element.get("numFmtId"), -1): str(element.get("formatCode", ""))
        for element in root.iter()
        if _local(element.tag) == "numFmt"
    }
    cell_styles = next((e for e in root.iter() if _local(e.tag) == "cellXfs"), None)
    percent = set()
    for position, xf in enumerate(cell_styles if cell_styles is not None else []):
        number_format = _whole(xf.get("numFmtId"), 0)
        if number_format in _PERCENT_FORMATS or _shows_percent(codes.get(number_format, "")):
            percent.add(position)
    return percent


def _xlsx_cells(
    archive: zipfile.ZipFile, path: str, rows: int = FORMAT_ROWS
) -> Iterator[tuple[int, int, Any]]:
    """The cells of a .xlsx sheet's first ``rows`` rows as (row, column, element), 0-based,
    streamed from the sheet's XML and left after those rows. Rows and cells that do not
    say where they stand (``r`` is optional) follow the one before."""
    row, column = -1, -1
    with archive.open(path) as content:
        for event, element in ElementTree.iterparse(content, events=("start", "end")):
            tag = _local(element.tag)
            if tag == "row" and event == "start":
                row = _whole(element.get("r"), row + 2) - 1
                column = -1
                if row >= rows:
                    return
            elif tag == "c" and event == "end":
                at = _column_index(element.get("r") or "")
                column = at if at >= 0 else column + 1
                yield row, column, element
            elif tag == "row":
                element.clear()


def _whole(text: str | None, default: int) -> int:
    """An attribute's whole number, or ``default`` where it has none or another text (a
    damaged style or row number costs that cell its format, not the sheet its figures)."""
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _column_index(reference: str) -> int:
    """The 0-based column of a cell reference (``A1``: 0, ``AB12``: 27)."""
    index = 0
    for letter in reference:
        if not letter.isalpha():
            break
        index = index * 26 + ord(letter.upper()) - ord("A") + 1
    return index - 1


def _xls_number_cells(raw: bytes, sheet: str | int) -> list[tuple[int, int, bool]]:
    """The number cells of an .xls sheet's first rows as (row, column, shown as a
    percentage), from the format each cell's XF record names."""
    import xlrd

    with _xls_book(raw, formatting_info=True) as book:
        ws = book.sheet_by_index(sheet) if isinstance(sheet, int) else book.sheet_by_name(sheet)
        found = []
        for r in range(min(ws.nrows, FORMAT_ROWS)):
            for j, cell in enumerate(ws.row(r)):
                if cell.ctype != xlrd.XL_CELL_NUMBER:
                    continue
                xf = None if cell.xf_index is None else book.xf_list[cell.xf_index]
                shown = None if xf is None else book.format_map.get(xf.format_key)
                found.append((r, j, shown is not None and _shows_percent(shown.format_str)))
        return found


def _xls_merged_cells(raw: bytes, sheet: str | int) -> list[tuple[int, int, int, int]]:
    """An .xls sheet's merged cells as :func:`merged_cells` gives them (xlrd's ranges end
    one past their last row and column)."""
    with _xls_book(raw, formatting_info=True) as book:
        _check_sheet(sheet, [str(name) for name in book.sheet_names()])
        ws = book.sheet_by_index(sheet) if isinstance(sheet, int) else book.sheet_by_name(sheet)
        return [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in ws.merged_cells]


def _protected() -> InputRefused:
    return InputRefused(
        "the workbook is protected by a password (encrypted); save it without one",
        "protected_workbook",
    )


@contextmanager
def _xls_book(raw: bytes, *, formatting_info: bool = False) -> Iterator[Any]:
    """An old .xls workbook opened by xlrd, its sheets loaded when asked for. One saved
    with a password (a FILEPASS record) is refused as protected, as an encrypted .xlsx is."""
    require("xlrd", "excel")
    import xlrd

    try:
        book = xlrd.open_workbook(
            file_contents=raw,
            formatting_info=formatting_info,
            on_demand=True,
            logfile=io.StringIO(),
        )
    except xlrd.biffh.XLRDError as exc:
        if str(exc) == "Workbook is encrypted":  # xlrd's words for a FILEPASS record
            raise _protected() from None
        raise
    try:
        yield book
    finally:
        book.release_resources()


def _xls_rows(raw: bytes, sheet: str | int) -> list[list[Any]]:
    """A .xls sheet's cells as rows, typed as the other formats' are: whole numbers as
    ``int``, dates as ``datetime`` (a time of day, on Excel's day zero, as ``time``),
    booleans as ``bool``, error cells (``#DIV/0!``) NaN, empty cells ``""`` (NaN once
    parsed)."""
    import xlrd

    with _xls_book(raw) as book:
        _check_sheet(sheet, [str(name) for name in book.sheet_names()])
        ws = book.sheet_by_index(sheet) if isinstance(sheet, int) else book.sheet_by_name(sheet)
        day_zero = (1904, 1, 1) if book.datemode else (1899, 12, 31)
        rows = []
        for r in range(ws.nrows):  # loop over the sheet's rows: xlrd gives them one by one
            row: list[Any] = []
            for value, kind in zip(ws.row_values(r), ws.row_types(r), strict=True):
                if kind == xlrd.XL_CELL_NUMBER:
                    value = _cell(float(value))
                elif kind == xlrd.XL_CELL_DATE:
                    try:
                        when = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                    except (OverflowError, ValueError):
                        when = value
                    else:
                        on_day_zero = (when.year, when.month, when.day) == day_zero
                        value = when.time() if on_day_zero else when
                elif kind == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                elif kind == xlrd.XL_CELL_ERROR:
                    value = np.nan
                row.append(value)
            rows.append(row)
        return rows


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


#: The value types of an OpenDocument cell that hold a number.
_ODS_NUMBERS = frozenset({"float", "percentage", "currency"})


def _ods_number_cells(raw: bytes, sheet: str | int) -> tuple[np.ndarray, ...]:
    """The number cells of an .ods sheet's first rows as arrays of their rows, their
    columns and whether each is shown as a percentage, from the cells in
    ``content.xml`` (:func:`_ods_cells`): a cell's ``office:value-type`` is
    ``percentage``. A repeated cell stands for each cell it repeats among those rows. A
    workbook without a percentage cell anywhere is not parsed for them."""
    empty = np.zeros(0, dtype=np.int64)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive, archive.open("content.xml") as content:
        if not _holds(content, b'value-type="percentage"'):
            return empty, empty, np.zeros(0, dtype=bool)
    blocks = [
        (row, min(row + repeat_rows, FORMAT_ROWS), column, column + repeat, kind == "percentage")
        for row, column, repeat, repeat_rows, cell in _ods_cells(raw, sheet)
        if (kind := cell.get(f"{_OFFICE}value-type")) in _ODS_NUMBERS
    ]
    grids = [np.mgrid[r0:r1, c0:c1].reshape(2, -1) for r0, r1, c0, c1, _ in blocks]
    if not grids:
        return empty, empty, np.zeros(0, dtype=bool)
    rows, columns = np.concatenate(grids, axis=1)
    percent = np.repeat([b[4] for b in blocks], [g.shape[1] for g in grids])
    return rows, columns, percent


def _holds(stream: IO[bytes], needle: bytes, chunk: int = 1 << 20) -> bool:
    """Whether ``stream`` holds ``needle``, read in chunks (a part of a zip unpacked as
    it is read, never whole)."""
    tail = b""
    while block := stream.read(chunk):
        if needle in tail + block:
            return True
        tail = block[-len(needle) :]
    return False


def _ods_merged_cells(raw: bytes, sheet: str | int) -> list[tuple[int, int, int, int]]:
    """An .ods sheet's merged cells as :func:`merged_cells` gives them: a cell that spans
    more than itself (``table:number-columns-spanned``, ``table:number-rows-spanned``)."""
    found = []
    for row, column, _, _, cell in _ods_cells(raw, sheet, rows=None):
        columns = int(cell.get(f"{_TABLE}number-columns-spanned", "1"))
        rows = int(cell.get(f"{_TABLE}number-rows-spanned", "1"))
        if columns > 1 or rows > 1:
            found.append((row, column, row + rows - 1, column + columns - 1))
    return found


def _ods_cells(
    raw: bytes, sheet: str | int, rows: int | None = FORMAT_ROWS
) -> Iterator[tuple[int, int, int, int, Any]]:
    """The cells of an .ods sheet's first ``rows`` rows (None: all) as (row, column, times
    repeated across, times its row is repeated, element), streamed from ``content.xml``
    and left after those rows. Repeated rows and cells (``number-rows-repeated``,
    ``number-columns-repeated``) move the position on as often as they are repeated."""
    position, in_sheet, row, column, repeat_rows = -1, False, 0, 0, 1
    with zipfile.ZipFile(io.BytesIO(raw)) as archive, archive.open("content.xml") as content:
        for event, element in ElementTree.iterparse(content, events=("start", "end")):
            tag = element.tag
            if tag == f"{_TABLE}table":
                if event == "start":
                    position += 1
                    name = element.get(f"{_TABLE}name")
                    in_sheet = sheet == position if isinstance(sheet, int) else sheet == name
                elif in_sheet:
                    return
                continue
            if not in_sheet:
                continue
            if tag == f"{_TABLE}table-row" and event == "start":
                repeat_rows = int(element.get(f"{_TABLE}number-rows-repeated", "1"))
            elif event != "end":
                continue
            elif tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                repeat = int(element.get(f"{_TABLE}number-columns-repeated", "1"))
                yield row, column, repeat, repeat_rows, element
                column += repeat
            elif tag == f"{_TABLE}table-row":
                row += repeat_rows
                column = 0
                element.clear()
                if rows is not None and row >= rows:
                    return


# ---- errors and optional packages ----------------------------------------------------------


#: The stream an encrypted Office Open XML workbook keeps its content in, as its OLE2
#: directory names it (UTF-16).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


#: How many times the input size limit (:func:`~mint_index.data.inputs.max_input_bytes`)
#: a zipped workbook may unpack to. Real workbooks unpack to 5-30 times their size; a
#: small file that unpacks to gigabytes (a "zip bomb") would exhaust memory in the reader.
UNPACKED_LIMIT_FACTOR = 2


def _refuse_unreadable_kinds(raw: bytes) -> None:
    """Refuse, before a reader sees them, a password-protected .xlsx (an OLE2 file holding
    an ``EncryptedPackage`` stream; the reader would only say it cannot tell the format)
    and a zip that declares more unpacked bytes than :data:`UNPACKED_LIMIT_FACTOR` allows."""
    if raw.startswith(OLE2_MAGIC) and _ENCRYPTED_PACKAGE in raw:
        raise _protected()
    if not raw.startswith(ZIP_MAGIC):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except Exception:  # damaged in any way: the reader says so
        return
    limit = UNPACKED_LIMIT_FACTOR * max_input_bytes()
    if unpacked > limit:
        raise InputRefused(
            f"the workbook unpacks to {unpacked} bytes, above the limit of {limit} "
            f"({UNPACKED_LIMIT_FACTOR} x the input limit; raise it with {MAX_BYTES_ENV})",
            "file_too_large",
        )


#: The most cells a sheet may hold or span (its last row times its last column): a
#: million rows by 16 columns, or 80,000 rows by 200, about 3 GB of memory while it is
#: read; every Gemeinde of Germany by a hundred figures is 1.1 million. python-calamine
#: lays a sheet out as a full rectangle before Python sees a cell, and cannot fail with
#: an exception when that does not fit: one stray cell at ``XFD1048576`` in a 5 KB file
#: asks for 549 GB, and the process is aborted. So the sheet is measured first.
MAX_SHEET_CELLS = 16_000_000


def _refuse_a_sheet_too_large(raw: bytes, sheet: str | int) -> None:
    """Refuse (``file_too_large``) a .xlsx sheet that holds more cells than
    :data:`MAX_SHEET_CELLS`, or whose cells span more, as their references and their
    rows' numbers say (``r="XFD1048576"``, in either quotes, any case, any length). A few
    passes over the sheet's XML at C speed: the cells counted, the last row bounded by
    its number's digits and the last column by its letters; the references listed only
    where such a bound would refuse the sheet."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            sheets, _ = _xlsx_parts(archive)
            xml = archive.read(_xlsx_sheet_path(sheets, sheet))
    except (_NoSuchSheet, InputRefused):
        raise
    except Exception:  # damaged in any way: the reader says so
        return
    held = xml.count(b"<c")  # every cell, with a reference or without (and a few others)
    xml = _plain_attributes(xml)
    if held > MAX_SHEET_CELLS:
        raise InputRefused(
            f"the sheet holds {held:,} cells, above the limit of {MAX_SHEET_CELLS:,}",
            "file_too_large",
        )
    row_number, column_name = rb"[A-Z]*(\d{%d})\"", rb"([A-Z]{%d})\d"
    digits, letters = _widest(xml, row_number, 8), _widest(xml, column_name, 4)
    # bounds by width (999,999 rows for six digits; ZZ, 702 columns, for two letters),
    # the largest number itself where a bound would refuse, or past Excel's sheet
    rows = 10**digits - 1 if digits < 8 else _largest(xml, row_number, 8, 8)
    columns = _column_index("Z" * letters) + 1 if letters < 4 else _largest(xml, column_name, 4, 4)
    if rows * columns > MAX_SHEET_CELLS and 0 < digits < 8:
        rows = _largest(xml, row_number, digits)
    if rows * columns > MAX_SHEET_CELLS and 0 < letters < 4:
        columns = _largest(xml, column_name, letters)
    if rows * columns > MAX_SHEET_CELLS:
        raise InputRefused(
            f"the sheet spans {rows:,} rows by {columns:,} columns, above the limit of "
            f"{MAX_SHEET_CELLS:,} cells: a stray cell far below or right of the table? "
            "Delete the rows and columns after it",
            "file_too_large",
        )


def _refuse_an_ods_sheet_too_large(raw: bytes, sheet: str | int) -> None:
    """Refuse (``file_too_large``) an .ods sheet whose filled cells, repeated as the file
    says (``number-columns-repeated``, ``number-rows-repeated``), span more than
    :data:`MAX_SHEET_CELLS`: one cell repeated 1,000 times across 90,000 rows is a
    993-byte file the reader lays out as 90 million cells, and the process is aborted.
    Empty cells repeated to the sheet's edge, as LibreOffice writes them, do not count.
    Streamed from ``content.xml``; a damaged file is left to the reader."""
    rows = columns = 0
    try:  # loops over the sheet's cell elements, as few as its file holds
        for row, column, repeat, repeat_rows, cell in _ods_cells(raw, sheet, rows=None):
            if cell.get(f"{_OFFICE}value-type") is not None or len(cell):
                rows, columns = max(rows, row + repeat_rows), max(columns, column + repeat)
                if rows * columns > MAX_SHEET_CELLS:
                    break
    except Exception:  # damaged in any way: the reader says so
        return
    if rows * columns > MAX_SHEET_CELLS:
        raise InputRefused(
            f"the sheet's filled cells span {rows:,} rows by {columns:,} columns (cells "
            f"repeated as the file says), above the limit of {MAX_SHEET_CELLS:,} cells",
            "file_too_large",
        )


#: An ``r`` attribute as :func:`_plain_attributes` writes every one: a literal the
#: searches find at C speed.
_R_ATTRIBUTE = rb' R="'
#: White space as one space, either quote as ``"``, letters upper-case.
_PLAIN = bytes.maketrans(b"\t\n\r'abcdefghijklmnopqrstuvwxyz", b'   "ABCDEFGHIJKLMNOPQRSTUVWXYZ')


def _plain_attributes(xml: bytes) -> bytes:
    """A sheet's XML with every attribute written alike (``r = 'xfd1'``, on a line of its
    own, is `` R="XFD1"``), as the reader takes them all: for the searches of
    :func:`_refuse_a_sheet_too_large`."""
    plain = xml.translate(_PLAIN)
    if b" =" in plain or b"= " in plain:  # spaces around the ``=``: rare, allowed
        plain = re.sub(rb" *= *", b"=", plain)
    return re.sub(rb" {2,}", b" ", plain) if b"  R=" in plain else plain


def _widest(xml: bytes, part: bytes, widest: int) -> int:
    """How wide the widest ``part`` of an ``r`` attribute in ``xml`` is (``%d`` standing
    for the width: a row number's digits, a column's letters), from ``widest`` (meaning
    that many or more) down; 0 where no cell or row says where it stands."""
    for width in range(widest, 0, -1):
        if re.search(_R_ATTRIBUTE + _of_width(part, width, widest), xml) is not None:
            return width
    return 0


def _largest(xml: bytes, part: bytes, width: int, widest: int = 0) -> int:
    """The largest row number, or column number, of the ``r`` attributes in ``xml``
    whose ``part`` has ``width`` digits or letters (or more, where ``width`` is the
    ``widest``; ``XFD``: 16,384)."""
    found = set(re.findall(_R_ATTRIBUTE + _of_width(part, width, widest or width + 1), xml))
    if not found:
        return 0
    if next(iter(found))[:1].isdigit():
        return max(int(number) for number in found)
    return max(_column_index(name.decode("ascii")) + 1 for name in found)


def _of_width(part: bytes, width: int, widest: int) -> bytes:
    """``part`` with its ``%d`` as ``width``; as ``width`` or more at the ``widest``."""
    return part.replace(b"%d", b"%d," % width) if width >= widest else part % width


@contextmanager
def _refused_when_unreadable() -> Iterator[None]:
    """What the readers raise for a damaged workbook, as :class:`InputRefused` with a
    sentence the sender can act on; a panic of python-calamine's Rust code too, which
    Python sees as a ``BaseException`` (``pyo3_runtime.PanicException``)."""
    try:
        yield
    except (InputRefused, _NoSuchSheet, MemoryError):
        raise
    except Exception as exc:
        raise _unreadable(exc) from None
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        raise _unreadable(exc) from None


def _unreadable(exc: BaseException) -> InputRefused:
    return InputRefused(
        f"not a readable Excel or OpenDocument workbook (truncated or damaged: {exc})",
        "not_excel",
    )


def _require_reader() -> None:
    require("python_calamine", "excel")
