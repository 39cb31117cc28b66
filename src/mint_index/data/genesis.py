"""GENESIS / Regionalstatistik CSV exports -> tidy cells, and column mappings.

A classic export (``12411-01-01-4`` and the like) is a small report, not a table: a
header block (table code, title, regional depth, one or more rows of column labels), data
rows ``[date;]key;name;value;...`` separated by ``;`` in Latin-1/Windows-1252 with
indented region names and a decimal comma, then a footer with notes, the copyright line
and ``Stand: ...``. Cells carry the official symbols (``-`` nothing there, ``.`` unknown
or secret, ``x`` locked, ``/`` not reliable enough, ``...`` not yet available), values in
parentheses (limited informative value) and value flags (``p`` provisional, ``r``
revised, ``s`` estimated, ``e`` final); each keeps its meaning (see
:data:`mint_index.data.cells.SYMBOLS`).

Municipal tables are large (11,000 municipalities x many columns x years), so the cells are
classified on the raw bytes with numpy: symbols and flags are recorded and stripped, and
the cleaned bytes go through pandas' C parser once.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mint_index.data.cells import (
    FLAG,
    FOOTNOTE_MARK,
    REASON,
    SYMBOLS,
    VALUE_FLAGS,
    Parsed,
    cell_warnings,
    make_cells,
    parse_cells,
    parse_years,
    year_failures,
)
from mint_index.data.problems import failures_frame, first_rows
from mint_index.data.readers import Table, bytewise, detect_encoding, sha256_of
from mint_index.data.year_heads import dates_of_one_year_apart
from mint_index.errors import DataValidationError

__all__ = [
    "DATE",
    "TIME_HEADS",
    "apply_mapping",
    "fields_of",
    "is_genesis",
    "load_mapping",
    "read_genesis",
    "sheet_as_csv",
    "time_of",
]

#: A Regionaldatenbank table code: ``12411-01-01-4`` (``-4`` Kreise, ``-5`` Gemeinden),
#: with a variant letter (``21311-01-01-4-B``), a time series (``12211-Z-11``,
#: ``86000U-Z-01``) or a Regionalatlas table (``AI-N-01-2-5``).
_TABLE_CODE = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{5}-[0-9A-Z]{2,3}-[0-9A-Z]{2}-[0-9A-Z]{1,2}(?:-[A-Z])?"
    r"|\d{5}[A-Z]?-Z-\d{2}|AI-[A-Z]{1,2}-\d{2}(?:-\d{1,2}){1,3})(?![0-9A-Za-z])"
)
#: The copyright line of the statistical offices' footers (``© Statistische Ämter des
#: Bundes und der Länder``; IT.NRW's for the Landesdatenbank: ``© IT.NRW``, before 2015
#: ``(C)opyright Landesbetrieb Information und Technik Nordrhein-Westfalen``). The mark
#: must be there: a plain table's note ``Quelle: Statistische Ämter des Bundes und der
#: Länder`` names the offices as a source, not as the table's author.
_COPYRIGHT = re.compile(
    r"(?:\u00a9|\(c\)(?:opyright)?|copyright)\W{0,3}(?:Statistische\S{0,2} .{1,3}mter des "
    r"Bundes und der L|Statistisches Bundesamt|IT\.NRW|(?:Landesbetrieb )?Information und "
    r"Technik Nordrhein-Westfalen)",
    re.IGNORECASE,
)
#: The line of underscores GENESIS writes under a table, over its notes and its footer.
CLOSING_RULE = re.compile(r"^\s*_{5,}\s*$")
#: How far from its end a file is looked at for an export's footer (the closing rule,
#: the copyright, the language it is written in).
_TAIL_BYTES = 4096

#: A date or a year as a GENESIS export writes it: ``31.12.2023``, ``2023``, and in an
#: English export of GENESIS-Online ``2023-12-31``.
DATE = r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}|\d{4}"
#: A data line: ``[date;]key;``. A key is never a bare year (``2022;Bayern;...`` is a year
#: and a name: no official key has four digits).
_DATA_LINE = re.compile(
    rf'^\s*"?(?:({DATE})"?\s*;\s*"?)?'
    r'(?!(?:1[89]|2[01])\d\d"?\s*;)(DG|[0-9A-Z]*[0-9][0-9A-Z]*)"?\s*;'
)
#: A cell that is a date or a year and nothing else; its year is its run of four digits.
_TIME = re.compile(rf"^\s*(?:{DATE})\s*$")
_FOUR_DIGITS = re.compile(r"\d{4}")
_DATE_IN_TEXT = re.compile(r"\b\d{1,2}\.\d{1,2}\.(\d{4})\b")
#: The heads of a time dimension, as a header or a line above it writes them (any case).
TIME_HEADS = (
    *("jahr", "jahre", "berichtsjahr", "stichtag", "zeit", "schuljahr"),
    *("year", "reference date", "school year"),
)
_YEAR_LABEL = re.compile(rf"^(?:{'|'.join(TIME_HEADS)})\s*:?\s*(?:{DATE})$", re.IGNORECASE)
_BARE_LINE = re.compile(r'^\s*"?[^;"]*"?\s*(?:;\s*)*$')
#: A GENESIS-Online table code (``12411-0015``) or a Zensus database's (``1000A-2022``).
_ONLINE_CODE = re.compile(r"(?<![0-9A-Za-z-])\d{4}[0-9A-Z]-\d{4}(?![0-9A-Za-z-])")
#: A table code of a Land's GENESIS database: the Landesdatenbank NRW's ``12411-09i``,
#: ``13211-03ir``.
_LAND_DB_CODE = re.compile(r"(?<![0-9A-Za-z-])\d{5}-\d{2,3}[a-z]{1,2}(?![0-9A-Za-z-])")
#: The line that opens an export: ``GENESIS-Tabelle: 12411-01-01-4``, or in a Land's
#: database ``Tabelle: 12521-03i``.
_CODE_LINE = re.compile(r'^\W*(?:GENESIS-)?Tabelle:\s*"?\s*[0-9A-Z]')
#: The first line of a GENESIS export, after a byte-order mark or a quote.
_GENESIS_LINE = re.compile(r"^\W{0,4}GENESIS-Tabelle")

_NL, _CR, _SEMI, _QUOTE, _DOT, _SPACE, _COMMA = (ord(c) for c in '\n\r;". ,')
_DIGITS = np.zeros(256, dtype=bool)
_DIGITS[ord("0") : ord("9") + 1] = True
_LETTER_FLAG = np.zeros(256, dtype=np.int8)
for _letter, _flag in VALUE_FLAGS.items():
    _LETTER_FLAG[ord(_letter)] = FLAG[_flag]
#: The official symbols (:data:`~mint_index.data.cells.SYMBOLS`) that are one ASCII byte:
#: byte -> (value, missing reason, flag). The ellipsis (``...``, ``…``) spans several bytes
#: (or a code-page byte) and is found on its own in :func:`_clean_values`.
_ONE_BYTE_SYMBOLS = {
    ord(symbol): meaning
    for symbol, meaning in SYMBOLS.items()
    if len(symbol) == 1 and symbol.isascii()
}


def fields_of(line: str) -> list[str]:
    """The ``;``-separated fields of one line above the data, quotes respected; a stray
    carriage return inside it (a damaged export) is a space, and a field longer than the
    csv module takes (a file decoded with the wrong encoding) is split plainly: never a
    parser error."""
    try:
        return next(csv.reader([line.replace("\r", " ")], delimiter=";"), [])
    except csv.Error:
        return line.split(";")


def time_of(cell: str) -> int | None:
    """The year of a cell that is a date or a year and nothing else (``31.12.2023``)."""
    return _year_of(cell) if _TIME.match(cell) else None


def _year_of(date: str) -> int:
    """The year of a text that holds one date of :data:`DATE` (its only run of four
    digits: ``31.12.2023``, ``2023-12-31``, ``2023``)."""
    return int(_FOUR_DIGITS.findall(date)[-1])


def year_line(head: list[str]) -> int | None:
    """The year a line above the header states: a bare year or date as its only field
    (``2016;;;``, ``01.03.2016``) or a ``Jahr: 2016`` / ``Stichtag: 31.12.2016`` line;
    the last such line counts."""
    for text in reversed(head):
        fields = [f.strip().strip('"').strip() for f in fields_of(text)]
        filled = [f for f in fields if f]
        if len(filled) != 1:
            continue
        if _TIME.match(filled[0]) or _YEAR_LABEL.match(filled[0]):
            return _year_of(filled[0])
    return None


def _date_line(fields: list[str]) -> str | None:
    """The date a line states and nothing else (``31.12.2022;;;``, ``2023-12-31``,
    ``Jahr: 2016``), as written; ``None`` for any other line."""
    filled = [f.strip().strip('"').strip() for f in fields if f.strip().strip('"').strip()]
    if len(filled) != 1 or not (fields[0].strip().strip('"').strip()):
        return None
    if _TIME.match(filled[0]) or _YEAR_LABEL.match(filled[0]):
        return _DATE_TEXT.findall(filled[0])[-1]
    return None


def _line_kind(fields: list[str]) -> str:
    """What a line above or in a table is: ``blank``, ``label`` (a first field and nothing
    else: a title line, a line that names a Land over its class lines), ``header`` (an empty
    first field, or a date's head there: ``Stichtag;...``), ``data`` (a first field and
    more; or an empty one, a class and figures: ``;männlich;1000;1100`` below a line that
    names its Land)."""
    cells = [f.strip().strip('"').strip() for f in fields]
    if not any(cells):
        return "blank"
    if not cells[0] or cells[0].casefold() in TIME_HEADS:
        figures = [c for c in cells[2:] if _FIGURE.match(c) and time_of(c) is None]
        return "data" if cells[1:2] != [""] and figures else "header"
    return "data" if any(cells[1:]) else "label"


#: A cell that is a figure (``1000``, ``-3,5``, ``12.5``), not a label.
_FIGURE = re.compile(r"^[-+]?\d[\d.,]*$")


#: How far down an export its first date line over a block of lines is looked for.
_DATE_LINES_WITHIN = 500


def dated_blocks(raw: bytes, encoding: str) -> bytes | None:
    """An export that states each reference date on a line of its own above the lines of
    that date (GENESIS-Online's ``12411-0011``: ``31.12.2022;;;`` over ``Bayern;...``, then
    ``31.12.2023;;;`` over the next block) written with the date at the start of each of
    its lines (``31.12.2022;Bayern;...``; the header gets an empty field in front), as
    the export of a table with a date column is (UTF-8, as many lines as ``raw``: the
    date lines left blank). ``None`` where no date line heads lines of figures: a date
    line above the header (``01.03.2016;;;``, :func:`year_line`) is not one."""
    head = raw[: _nth_newline(raw, _DATE_LINES_WITHIN)].decode(encoding, errors="replace")
    if not _TIME_IN_A_LINE.search(head):  # the common case, cheaply
        return None
    fields = [fields_of(line.rstrip("\r")) for line in head.split("\n")]
    first = next((i for i, f in enumerate(fields) if _heads_a_block(fields, i)), None)
    if first is None:
        return None
    lines = [line.rstrip("\r") for line in raw.decode(encoding, errors="replace").split("\n")]
    lines[0] = lines[0].removeprefix("\ufeff")
    out = list(lines)
    top = first
    while top > 0 and _line_kind(fields_of(lines[top - 1])) == "blank":
        top -= 1
    while top > 0 and _line_kind(fields_of(lines[top - 1])) == "header":
        top -= 1
        out[top] = ";" + lines[top]
    following = next((f for f in map(fields_of, lines[first + 1 :]) if _line_kind(f) == "data"), [])
    width = len(following)
    date = ""
    for i in range(first, len(lines)):
        cells = fields_of(lines[i])
        if lines[i].lstrip('"').startswith("__"):  # the rule above the footer
            break
        stated = _date_line(cells)
        if stated is not None:
            date, out[i] = stated, ""
        elif len(cells) == width and _line_kind(cells) != "blank":
            out[i] = f"{date};{lines[i]}"
    return "\n".join(out).encode("utf-8")


#: A line that may state a date and nothing else: the date, then ``;`` or the line's end.
_TIME_IN_A_LINE = re.compile(
    rf"^\W{{0,4}}(?:(?:{'|'.join(TIME_HEADS)})\s*:?\s*)?(?:{DATE})\W{{0,2}}(?:;\s*)*\r?$",
    re.IGNORECASE | re.MULTILINE,
)
_DATE_TEXT = re.compile(DATE)


def _heads_a_block(fields: list[list[str]], i: int) -> bool:
    """Whether line ``i`` states a date over lines of figures: the next line that is not
    blank nor a label (a Land's name over its class lines) holds figures, not a header."""
    if _date_line(fields[i]) is None:
        return False
    below = (_line_kind(f) for f in fields[i + 1 :])
    return next((k for k in below if k not in ("blank", "label")), None) == "data"


def _nth_newline(raw: bytes, n: int) -> int:
    """The end of the first ``n`` lines of ``raw``."""
    end = 0
    for _ in range(n):
        end = raw.find(b"\n", end) + 1
        if not end:
            return len(raw)
    return end


def table_code(head: list[str], source: str = "") -> str | None:
    """The table code of an export (``12411-01-01-4``, ``12411-0015``, ``1000A-2022``,
    ``AI-N-01-2-5``, ``12521-03i``) from its header text, else from the file name."""
    for text in [*head[:3], Path(source).name]:
        match = _TABLE_CODE.search(text) or _ONLINE_CODE.search(text) or _LAND_DB_CODE.search(text)
        if match:
            return match.group(0)
    return None


def table_title(head: list[str]) -> str | None:
    """The title lines of an export (after the code line, if it opens with one; before
    the header), joined: lines with a first field and nothing else, not a bare date."""
    opening = 1 if head and ("GENESIS-Tabelle" in head[0] or _CODE_LINE.match(head[0])) else 0
    fields = [fields_of(t) for t in head[opening:12]]
    lines = [f[0].strip().strip('"') for f in fields if f and not any(x.strip() for x in f[1:])]
    lines = [t for t in lines if t and not _TIME.match(t)]
    return " ".join(lines) or None


def title_statistic(
    lines: list[str], header: int, skip: frozenset[str] | set[str] = frozenset()
) -> str | None:
    """The statistic the title names: the last title line above the header (line
    ``header``; ``Bevölkerungsstand (Anzahl)``, ``Ausländeranteil (Prozent)``), else the
    table's name; not a date, nor one of ``skip`` (as the title writes it, quotes, spaces
    and footnote marks off: the region a table is about, which the Landesdatenbank NRW
    names last)."""
    for i in range(header - 1, 0, -1):
        fields = fields_of(lines[i])
        text = fields[0].strip() if fields else ""
        bare = FOOTNOTE_MARK.sub("", text.strip('"').strip())
        if text and time_of(text) is None and bare not in skip:
            return text
    return None


def is_genesis(raw: bytes) -> bool:
    """A GENESIS export: a line that starts ``GENESIS-Tabelle`` or a Land database's
    ``Tabelle: 12521-03i`` among the first three (the Landesdatenbank NRW may name itself
    above it), a table code on the first line, or the statistics offices' copyright line
    in the footer. Not ``GENESIS-Tabelle`` anywhere in a cell: a town's table may name a
    unit or a note so."""
    lines = raw[:2048].decode("latin-1").split("\n", 3)[:3]
    return (
        any(_GENESIS_LINE.match(line) for line in lines)
        or bool(_TABLE_CODE.search(lines[0]))
        or any(_CODE_LINE.match(line) and table_code([line]) for line in lines)
        or bool(_COPYRIGHT.search(raw[-_TAIL_BYTES:].decode("latin-1")))
    )


def sheet_as_csv(rows: pd.DataFrame) -> bytes | None:
    """A worksheet that holds a GENESIS table (the Regionalstatistik's Excel download: the
    title lines, the header rows, ``key;name;values``, the footer) written as the CSV export
    would be, so one reader and its rules serve both; ``None`` for any other sheet. It is
    known, as a CSV export is, by its code line or table code at the top, or by the
    statistics offices' copyright in the footer (the Landesdatenbank NRW's older Excel
    downloads have no code line).

    Numbers get a decimal comma and no thousands mark, dates the ``31.12.2015`` of the CSV,
    text cells (keys, names, symbols such as ``.`` or ``-``) stay as they are; each sheet
    row is one line, so a problem's line number is the sheet row."""
    head = rows.head(8).to_numpy(dtype=object).ravel()
    top = " ".join(str(c) for c in head if isinstance(c, str))
    opening = next((c for c in head if isinstance(c, str) and c.strip()), "")
    land_database = bool(_CODE_LINE.match(opening) and _LAND_DB_CODE.search(opening))
    footer = " ".join(
        str(c) for c in rows.tail(12).to_numpy(dtype=object).ravel() if isinstance(c, str)
    )
    if (
        "GENESIS-Tabelle" not in top
        and not _TABLE_CODE.search(top)
        and not land_database
        and not _COPYRIGHT.search(footer)
    ):
        return None
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerows([_csv_cell(c) for c in row] for row in rows.itertuples(index=False))
    return out.getvalue().encode("utf-8")


def _csv_cell(cell: object) -> str:
    """One worksheet cell as the GENESIS CSV writes it."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, (bool, np.bool_)):
        return str(cell)
    if isinstance(cell, (int, np.integer)):
        return str(int(cell))
    if isinstance(cell, (float, np.floating)):
        return np.format_float_positional(float(cell), trim="-").replace(".", ",")
    if hasattr(cell, "strftime"):  # a date Excel stored as one
        return str(cell.strftime("%d.%m.%Y"))
    return str(cell)


# ---- the file -----------------------------------------------------------------------
def read_genesis(
    raw: bytes,
    source: str,
    *,
    encoding: str | None = None,
    year: int | None = None,
    unit: str | None = None,
    named: bool = False,
    decimal: str | None = None,
    school_year: str | None = None,
    **_: Any,
) -> Table:
    """A GENESIS/Regionalstatistik CSV export -> :class:`Table` (wide source, tidy cells).

    Units are the region keys (text, leading zeros kept), variables the column labels
    (levels joined with `` | ``, only the levels that differ between columns), years
    from the date column or the date header row. ``year`` is used only when the table
    itself has no date. A GENESIS-Online table that names the Länder without keys, or
    the one region it is about, is keyed first (:mod:`~mint_index.data.genesis_lands`);
    ``unit`` is the key of the one region a table is about where the table does not key
    it (a Kreis or Gemeinde the title names: ``Köln, krfr. Stadt``). A table with keys of
    its own keeps them: the file wins over ``unit``, as a plain table's key column does.
    ``named`` (``key: {match: name}``): the regions a table of the Länder names that no
    closed list keys (its Kreise: ``Kleve, Kreis``) are kept under their names, for the
    units table to key (:attr:`Table.named_units`), not reported as unknown.
    """
    # imported here: their module builds on this one
    from mint_index.data.genesis_lands import across, keyed, region_missing

    encoding = encoding or detect_encoding(raw)
    digest = sha256_of(raw)
    text, read_as = bytewise(raw, encoding)
    resaved = with_semicolons(text, read_as)  # a spreadsheet saved it with tabs
    if resaved is not None:
        text, read_as = resaved, "utf-8"
    separator = ";" if resaved is None else "\t"
    dated = dated_blocks(text, read_as)  # a date line over each block: a date per line
    text, text_encoding = (text, read_as) if dated is None else (dated, "utf-8")
    # never a keyed table, whatever its lines look like
    lands = across(text, text_encoding, source, school_year)
    if lands is None:
        table = _read_keyed(text, source, text_encoding, year, decimal, school_year)
        table.sha256, table.encoding, table.separator = digest, encoding, separator
        if table.rows:
            return table
        lands = keyed(text, text_encoding, source, unit, named) or across(
            text, text_encoding, source, school_year, single=True
        )
        if lands is None:
            missing = region_missing(text, text_encoding, source)
            if missing is not None:  # says more than "no data rows found"
                table.failures = [missing]
            return table
    table = _read_keyed(lands.raw, source, "utf-8", year, decimal, school_year)
    table.sha256, table.encoding, table.separator = digest, encoding, separator
    table = lands.restore(table)
    if named and table.named_units is None:  # regions it names, all keyed by their names
        table.named_units = frozenset()
    return table


def with_semicolons(raw: bytes, encoding: str) -> bytes | None:
    """An export a spreadsheet saved again as tab-separated text (Excel's "Text (tab
    delimited)" and "Unicode text") written as the GENESIS CSV is, with semicolons, in
    UTF-8; None for an export that has its semicolons. It is one where more lines of its
    head split into three fields or more at tabs than at semicolons (a title of many tabs,
    names indented with tabs, do not make a ``;`` export one). Each line is rewritten on
    its own, as the reader reads it: a quote left open costs its own line only, and a
    problem's line number is the file's."""
    head = raw[:_TAIL_BYTES].decode(encoding, errors="replace").split("\n")
    tabbed = sum(line.count("\t") >= 2 for line in head)
    if tabbed <= sum(line.count(";") >= 2 for line in head):
        return None
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    for line in raw.decode(encoding, errors="replace").split("\n"):
        line = line.removesuffix("\r")
        if line.count('"') % 2:  # left as it is, for the reader to say so
            out.write(line.replace("\t", ";") + "\n")
        elif '"' in line:
            writer.writerow(next(csv.reader([line], delimiter="\t"), []))
        else:
            writer.writerow(line.split("\t"))
    return out.getvalue().encode("utf-8")


def _read_keyed(
    raw: bytes,
    source: str,
    encoding: str,
    year: int | None,
    decimal: str | None = None,
    school_year: str | None = None,
) -> Table:
    """:func:`read_genesis` of a table whose rows start ``[date;]key;name``."""
    digest = sha256_of(raw)
    everything = np.frombuffer(raw, dtype=np.uint8)
    newlines = np.flatnonzero(everything == _NL)
    starts = np.r_[3 if raw.startswith(b"\xef\xbb\xbf") else 0, newlines + 1]
    ends = np.r_[newlines, len(raw)]

    def line(i: int) -> str:
        return raw[starts[i] : ends[i]].decode(encoding, errors="replace").rstrip("\r")

    def no_rows() -> Table:
        problem = failures_frame(
            source,
            None,
            None,
            None,
            "no data rows found (expected rows like 'key;name;value')",
            code="no_data_rows",
        )
        return _empty_table(source, digest, encoding, problem)

    n_lines = len(starts)
    first = next((i for i in range(min(n_lines, 500)) if _is_data_line(line(i))), None)
    if first is None:
        return no_rows()
    # the notes under the closing rule are no data, whatever they start with (``03152;
    # Göttingen: ab 2016 in 03159 aufgegangen``)
    last = next(i for i in range(n_lines - 1, first - 1, -1) if _is_data_line(line(i)))
    rule = _closing_rule(raw, starts, first, last, line)
    if rule is not None:
        last = next(i for i in range(rule - 1, first - 1, -1) if _is_data_line(line(i)))
    time_in_row = _DATA_LINE.match(line(first)).group(1) is not None  # type: ignore[union-attr]
    head = [line(i) for i in range(first)]
    block = (
        everything[starts[first] : ends[last] + 1]
        if ends[last] < len(raw)
        else np.r_[everything[starts[first] :], np.uint8(_NL)]
    )
    block, delims, line_numbers, failures = _data_lines(block, first, source, encoding)
    warnings: list[pd.DataFrame] = []
    n_rows = len(line_numbers)
    n_fields = len(delims) // n_rows
    sample = _sample_rows(block, delims, n_fields)
    decimal = decimal or _decimal_mark(sample, _is_english([*head, line(first)], raw))
    unlabelled = _unlabelled(head, n_fields)
    if time_in_row and unlabelled == 1 and not _text_column(sample, 2, decimal):
        # ``31.12.2012;4051641;1313410`` under ``;Insgesamt;Wohnen``: a date and figures,
        # the region a title line names (a table of one region), no key and no name
        return no_rows()
    n_ids = _id_columns(sample, n_fields, time_in_row, unlabelled, decimal)
    n_values = n_fields - n_ids
    if n_values < 1:  # ``2022;10541``: a year and a figure, not a key and a name
        return no_rows()
    header, header_line = _header_rows(head, n_fields, n_ids)
    labels, short, col_years = _column_labels(
        header, n_fields, n_ids, title_statistic(head, header_line), school_year
    )
    school = [c for row in header for c in row if _school_year(c)] if school_year is None else []

    id_bytes, value_bytes, reason, flag = _clean_values(
        block, delims, n_fields, n_ids, encoding, decimal
    )
    ids = pd.read_csv(
        io.BytesIO(_utf8(id_bytes, encoding)),
        sep=";",
        header=None,
        names=list(range(n_ids)),
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
    )
    frame = pd.read_csv(
        io.BytesIO(_utf8(value_bytes, encoding)),
        sep=";",
        header=None,
        names=list(range(n_values)),
        decimal=decimal,
        na_values=[""],
        keep_default_na=False,
        skip_blank_lines=False,
    )
    numeric = [pd.api.types.is_numeric_dtype(t) for t in frame.dtypes]
    if all(numeric):
        value = frame.to_numpy(dtype=np.float64)
    else:
        value = np.empty((n_rows, n_values))
        for j in range(n_values):  # loop over columns (tens), never over rows
            if numeric[j]:
                value[:, j] = frame[j].to_numpy(dtype=np.float64)
                continue
            parsed = _other_mark(parse_cells(frame[j], decimal), frame[j], decimal)
            warnings += cell_warnings(source, line_numbers, labels[j], frame[j], parsed)
            value[:, j] = parsed.value
            reason[:, j] = np.where(reason[:, j] > 0, reason[:, j], parsed.reason)
            flag[:, j] = np.where(flag[:, j] > 0, flag[:, j], parsed.flag)
            if parsed.bad.any():
                bad = np.flatnonzero(parsed.bad)
                cell = bad * n_fields + n_ids + j
                texts = [
                    bytes(block[lo + 1 : hi]).decode(encoding, errors="replace")
                    for lo, hi in zip(delims[cell - 1], delims[cell], strict=True)
                ]
                failures.append(
                    failures_frame(
                        source,
                        line_numbers[bad],
                        labels[j],
                        texts,
                        "not a number",
                        code="not_a_number",
                    )
                )
    reason[np.isnan(value) & (reason == 0)] = REASON["missing"]

    key_col = 1 if time_in_row else 0  # [date;]key;name[;classes...]
    units = ids[key_col].str.strip()
    years, dating, per_column = _years(
        ids, time_in_row, col_years, head, year, source, line_numbers, labels, school
    )
    failures += dating
    keep = np.ones(n_rows, bool) if per_column else years >= 0
    keep_cols = col_years >= 0 if per_column else np.ones(n_values, bool)
    if not (keep.all() and keep_cols.all()):
        value, reason, flag = (a[keep][:, keep_cols] for a in (value, reason, flag))
    columns = [lab for lab, k in zip(labels, keep_cols, strict=True) if k]
    variables = [lab for lab, k in zip(short, keep_cols, strict=True) if k]
    cells = make_cells(
        units[keep].to_numpy(dtype=object),
        line_numbers[keep],
        columns,
        variables,
        Parsed(value.ravel(), reason.ravel(), flag.ravel(), value),
        col_years[keep_cols] if per_column else years[keep],
        year_per_column=per_column,
    )
    aliases = {v: [full] for v, full in zip(variables, columns, strict=True) if v != full}
    if n_ids > key_col + 2:  # classification columns, e.g. sex or age group
        row_class = ids[key_col + 2].str.strip()
        for j in range(key_col + 3, n_ids):  # an empty level (no code beside a name) is left out
            level = ids[j].str.strip()
            joint = ((row_class != "") & (level != "")).map({True: " | ", False: ""})
            row_class = row_class + joint + level
        cells["variable"], aliases = _with_classes(
            cells, row_class[keep].to_numpy(dtype=object), variables, columns
        )
    if time_in_row:  # several dates in one year (quarters): each a variable of its own
        apart = _dates_apart(cells, pd.Series(ids[0].str.strip().to_numpy(), index=line_numbers))
        if apart is not None:
            cells["variable"] = apart
    codes, keys = pd.factorize(units.to_numpy(dtype=object))
    names = pd.Series(
        ids[key_col + 1].str.strip().to_numpy(dtype=object)[first_rows(codes, len(keys))],
        index=keys,
    )
    return Table(
        cells,
        source,
        "genesis",
        "genesis",
        n_rows,
        digest,
        encoding,
        failures,
        warnings,
        names=names,
        aliases=aliases,
        table=table_code(head, source),
        title=table_title(head),
        labels={v: (aliases.get(v) or [v])[0] for v in cells["variable"].cat.categories},
        separator=";",
        decimal=decimal,
    )


def end_of_export(raw: bytes, encoding: str, source: str) -> tuple[pd.DataFrame | None, bool]:
    """What the end of a downloaded export says about a download that broke off: every
    export closes with a rule (``__________``) and the offices' copyright. Without them,
    a file that ends mid-line was cut in its last line (a figure cut short, ``47014`` read
    as ``470``; a key or a name cut off): an error (``wrong_field_count``, at that line);
    a file that ends with a line break may have lost its last lines: a warning
    (``cut_off``). Returns (the problem or None, whether it is an error)."""
    tail = raw[-_TAIL_BYTES:].decode(encoding, errors="replace")
    lines = tail.splitlines()
    if any(CLOSING_RULE.match(text) or _COPYRIGHT.search(text) for text in lines):
        return None, False
    ended = raw.rstrip(b" \t").endswith((b"\n", b"\r", b"\x00"))
    last_line = raw.count(b"\n") + (0 if ended else 1)
    if not ended:
        cut = lines[-1] if lines else ""
        reason = (
            "the file ends in the middle of this line, without the closing lines every "
            "GENESIS export has (__________ and the copyright): the download broke off, "
            "and this line is cut short; download the table again"
        )
        return failures_frame(source, last_line, None, cut, reason, code="wrong_field_count"), True
    reason = (
        "the table ends without the closing lines every GENESIS export has (__________ and "
        "the copyright): the download may have broken off"
    )
    return failures_frame(source, last_line, None, None, reason, code="cut_off"), False


def _closing_rule(
    raw: bytes, starts: np.ndarray, first: int, last: int, line: Callable[[int], str]
) -> int | None:
    """The line of the closing rule (``__________``) between the first and the last line
    that looks like data, where notes under it start with a key (``03152;Göttingen: ab
    2016 in 03159 aufgegangen``); None where the rule follows the data, as it should.
    Underscores are looked for with ``bytes.find`` (memchr speed): a regular expression
    tried at every line start cost a tenth of a second on a 30 MB export."""
    at = raw.find(b"_____", int(starts[first]), int(starts[last]))
    while at != -1:
        i = int(np.searchsorted(starts, at, side="right")) - 1
        if CLOSING_RULE.match(line(i)):
            return i
        at = raw.find(b"_____", int(starts[i + 1]), int(starts[last]))
    return None


def _is_data_line(text: str) -> bool:
    """A data row starts with ``[date;]key;`` and has more than its first field: a bare
    year line (``2015;;;;``) above the header is not one."""
    return bool(_DATA_LINE.match(text)) and not _BARE_LINE.match(text)


def _utf8(data: bytes, encoding: str) -> bytes:
    """Bytes pandas can parse on its fast UTF-8 path (ASCII needs no conversion)."""
    if encoding in ("utf-8", "utf-8-sig") or data.isascii():
        return data
    return data.decode(encoding, errors="replace").encode("utf-8")


def _other_mark(parsed: Parsed, cells: pd.Series, decimal: str) -> Parsed:
    """``parsed`` (the figures of one column, their symbols and flags taken off) with a
    figure that has a point where the table's decimal mark is a comma (``1.234``, whose
    point GENESIS never writes as a thousands mark: neither 1234 nor 1.234) not a number,
    as ``1.5`` there is. A point beside a comma (``1.234,5``) was a thousands mark and is
    gone by now."""
    if decimal != "," or not len(cells):
        return parsed
    dotted = cells.astype(str).str.contains(".", regex=False).to_numpy(dtype=bool) & (
        ~np.isnan(parsed.value) & ~parsed.bad & (parsed.reason == 0)
    )
    if dotted.any():
        parsed.value[dotted] = np.nan
        parsed.flag[dotted] = 0
        parsed.bad[dotted] = True
    return parsed


def _empty_table(source: str, digest: str, encoding: str, problem: pd.DataFrame) -> Table:
    empty = Parsed(*(np.zeros(0, dt) for dt in (np.float64, np.int8, np.int8, bool)))
    cells = make_cells(
        np.zeros(0, object), np.zeros(0, np.int64), [], [], empty, np.zeros(0, np.int64)
    )
    return Table(cells, source, "genesis", "wide", 0, digest, encoding, [problem])


def _data_lines(
    block: np.ndarray, first: int, source: str, encoding: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[pd.DataFrame]]:
    """The data lines without carriage returns, blank lines and lines whose number of
    fields differs from the rest (reported).

    Returns the bytes (every line ends in a newline), the positions of the field
    delimiters, the file line number (1-based) of each kept line, and problems.
    """
    if (block == _CR).any():
        block = block[block != _CR]
    delims = _delimiters(block)
    ends = np.flatnonzero(block[delims] == _NL)  # index into delims of each line's end
    fields = np.diff(np.r_[-1, ends])
    line_numbers = first + 1 + np.arange(len(ends))
    nl_pos = delims[ends]
    line_start = np.r_[0, nl_pos[:-1] + 1]
    lengths = nl_pos - line_start + 1
    # the data's width: the most common among lines with something on them
    expected = np.bincount(fields[lengths > 1] if (lengths > 1).any() else fields).argmax()
    wrong = fields != expected
    if not wrong.any():
        return block, delims, line_numbers, []
    report = np.flatnonzero(wrong & (lengths > 1))  # blank lines go without a word
    texts = [
        bytes(block[line_start[i] : nl_pos[i]]).decode(encoding, errors="replace") for i in report
    ]
    reasons = [
        f'a quote (") left open on this line ({fields[i]} fields, expected {expected}; a '
        "GENESIS export never breaks a line inside quotes)"
        if text.count('"') % 2
        else f"row has {fields[i]} fields, expected {expected}"
        for i, text in zip(report, texts, strict=True)
    ]
    rows = line_numbers[report]
    failures = (
        [failures_frame(source, rows, None, texts, reasons, code="wrong_field_count")]
        if len(report)
        else []
    )
    block = block[np.repeat(~wrong, lengths)]
    return block, _delimiters(block), line_numbers[~wrong], failures


def _delimiters(buf: np.ndarray) -> np.ndarray:
    """Positions of ``;`` outside double quotes, and of every newline: a GENESIS export
    never quotes a line break, so a quote left open (``Kiel";246794``, a line broken
    inside quotes) hides the rest of its own line only, which is then reported for its
    fields, and never swallows the lines after it."""
    newline = buf == _NL
    delim = (buf == _SEMI) | newline
    quotes = buf == _QUOTE
    if quotes.any():
        count = np.cumsum(quotes)
        at_line_start = np.maximum.accumulate(np.where(newline, count, 0))
        delim &= ((count - at_line_start) & 1) == 0
        delim |= newline
    return np.flatnonzero(delim)


def _sample_rows(buf: np.ndarray, delims: np.ndarray, n_fields: int) -> list[list[str]]:
    """The fields of the first 50 data lines, which tell the id columns from the values."""
    sample_end = delims[min(len(delims), 50 * n_fields) - 1]
    sample = bytes(buf[:sample_end]).decode("latin-1")
    return list(csv.reader(io.StringIO(sample, newline=None), delimiter=";"))


#: A figure written with a decimal comma (``114,3``; with thousands dots, which GENESIS
#: does not write, ``1.234,5``), in parentheses or with a flag letter as cells have them.
_COMMA_FIGURE = re.compile(r"\(?[-+]?\d[\d.]*,\d+\)?\s?[a-z]?")
#: A figure written with a decimal point (``114.3``, ``+8.7``, ``3195.210``, ``0.654``),
#: as GENESIS-Online exports in English.
_POINT_FIGURE = re.compile(r"\(?[-+]?\d+\.\d+\)?\s?[a-z]?")
#: How many different figures with a decimal point (and none with a comma) make an export
#: an English one where nothing else says it is: a stray ``1.5`` in a German export is
#: reported, not read.
_POINT_EVIDENCE = 3
#: What only an export in English writes: its copyright and ``created:`` lines, a
#: reference date ``2023-12-31`` (a German one: ``© Statistisches Bundesamt``, ``Stand:``,
#: ``31.12.2023``).
_ENGLISH = re.compile(
    r"Federal Statistical Office|Statistical Offices of the Federation|^\W{0,3}created:"
    r'|^\W{0,3}\d{4}-\d{2}-\d{2}\W{0,3}(?:;|$)|;"?\d{4}-\d{2}-\d{2}"?(?:;|$)',
    re.IGNORECASE | re.MULTILINE,
)


def figures_decimal(figures: pd.Series, english: bool = True) -> str:
    """The decimal mark of a GENESIS table's figures (text cells). GENESIS groups no
    thousands: a German export writes ``3195,210`` and ``84669326``, an English one
    ``3195.210``, so a figure with a point is never a German thousand (``102.140`` is
    102.14). ``,`` where a figure has a decimal comma, else ``.`` where a figure has a
    decimal point (in a table not known to be ``english``: several different ones), else
    ``,``. The flat files of the web service are read so too (their English ones write
    ``102.140`` as well)."""
    text = figures.astype(str).str.strip()
    text = text[~text.str.fullmatch(_DATE_IN_TEXT)]  # a date is no figure
    if text.str.fullmatch(_COMMA_FIGURE).any():
        return ","
    points = text[text.str.fullmatch(_POINT_FIGURE)].nunique()
    return "." if points >= (1 if english else _POINT_EVIDENCE) else ","


def _decimal_mark(rows: list[list[str]], english: bool) -> str:
    """The decimal mark of the figures of a sample of data lines (:func:`figures_decimal`):
    ``,`` as German exports write them, ``.`` as English ones do
    (``2023;January;114.3;+8.7``)."""
    return figures_decimal(pd.Series([c for row in rows for c in row], dtype=object), english)


def _is_english(head: list[str], raw: bytes) -> bool:
    """Whether an export is in English: its header or footer says so (:data:`_ENGLISH`)."""
    footer = raw[-_TAIL_BYTES:].decode("latin-1")
    return bool(_ENGLISH.search("\n".join(head)) or _ENGLISH.search(footer))


def _text_column(rows: list[list[str]], j: int, decimal: str) -> bool:
    """Whether column ``j`` of the sample holds text, not figures or the offices' symbols
    (mostly: a class column may hold a ``0`` among its text)."""
    parsed = parse_cells(pd.Series([r[j] if len(r) > j else "" for r in rows]), decimal)
    return bool(parsed.bad.mean() > 0.5)


def _id_columns(
    rows: list[list[str]], n_fields: int, time_in_row: bool, unlabelled: int, decimal: str
) -> int:
    """Leading text columns: ``[date;]key;name`` plus any classification columns, found
    from a sample of rows (a column whose cells are mostly text, not numbers or symbols).
    The ``unlabelled`` columns the header leaves blank are ids too where one of those past
    the text columns holds text: a class's code beside its name (``121;  Albanien``)."""
    n_ids = 3 if time_in_row else 2
    while n_ids < n_fields - 1 and _text_column(rows, n_ids, decimal):
        n_ids += 1
    if n_ids < unlabelled < n_fields and any(
        _text_column(rows, j, decimal) for j in range(n_ids, unlabelled)
    ):
        return unlabelled
    return n_ids


def _unlabelled(head: list[str], n_fields: int) -> int:
    """How many leading columns every header row leaves blank: the id columns, codes of a
    class among them (``31.12.2024;05;Nordrhein-Westfalen;121;  Albanien;33330`` under
    ``;;;;;Insgesamt``), which the cells alone would take for figures. 0 where there is
    no header row with a label."""
    blank: list[int] = []
    for text in reversed(head):
        if not blank and not text.strip():
            continue
        fields = fields_of(text)
        filled = [j for j, f in enumerate(fields) if f.strip()]
        if len(fields) != n_fields or filled[:1] in ([], [0]):  # blank, or a title line
            break
        blank.append(filled[0])
    return min(blank, default=0)


def _header_rows(head: list[str], n_fields: int, n_ids: int) -> tuple[list[list[str]], int]:
    """The column-label rows right above the data, and the line the first of them is: as
    many fields as the data and at least one label over the value columns (title lines
    padded with ``;`` have none). Empty lines between the header and the data are passed
    over."""
    rows: list[list[str]] = []
    start = len(head)
    for i in range(len(head) - 1, -1, -1):
        if not rows and not head[i].strip():
            continue
        fields = fields_of(head[i])
        if len(fields) != n_fields or not any(f.strip() for f in fields[n_ids:]):
            break
        rows.append([f.strip() for f in fields[n_ids:]])
        start = i
    return rows[::-1], start


def _column_labels(
    header: list[list[str]],
    n_fields: int,
    n_ids: int,
    statistic: str | None = None,
    school_year: str | None = None,
) -> tuple[list[str], list[str], np.ndarray]:
    """Per value column: full label, short label (only the levels that differ between
    columns) and the year of a date header row (-1 where there is none; a school year
    ``2022/23`` counts as ``school_year`` says). Columns labelled by their dates alone (or
    ``Stichtag`` above them), each by another, are the ``statistic`` the title names: one
    variable over the years, as a table of one statistic has it (``Ausländeranteil
    (Prozent)`` over ``31.12.2015;31.12.2016``). Columns of one label dated several times
    in one year (the quarters of ``13111-0005``: ``31.03.2024``, ``30.06.2024`` over
    ``Insgesamt``) are each a variable of their own, named by their whole head
    (``31.03.2024 | Insgesamt``), as a plain table's quarterly heads are."""
    n_values = n_fields - n_ids
    if not header:
        labels = [f"column {n_ids + j + 1}" for j in range(n_values)]
        return labels, labels, np.full(n_values, -1, dtype=np.int64)
    raw = pd.DataFrame(header, dtype=object)
    times = raw.map(lambda cell: _head_time(cell, school_year), na_action="ignore")
    times = times.mask(raw == "").ffill(axis=1) if len(raw) else times
    years = pd.to_numeric(times.bfill(axis=0).iloc[0], errors="coerce").fillna(-1)
    # every label a date, or a word for one (``Stichtag`` over ``31.12.2015``)
    untimed = raw.mask(times.notna(), "").apply(lambda row: row.str.casefold())
    dated_only = untimed.isin(["", *TIME_HEADS]).all(axis=None)
    if statistic and dated_only and (years >= 0).all() and years.is_unique:
        labels = [statistic] * n_values
        return labels, labels, years.to_numpy(dtype=np.int64)

    def joined(rows: pd.DataFrame) -> list[str]:
        return [" | ".join(v for v in rows[c] if v) for c in rows.columns]

    text = _fill_within_groups(raw).mask(times.notna(), "")
    if _has_duplicates(joined(text)) and not _has_duplicates(joined(raw.mask(times.notna(), ""))):
        text = raw.mask(times.notna(), "")  # filling made two columns alike: it was wrong
    varying = (text.nunique(axis=1) > 1).to_numpy()
    labels = [f or f"column {n_ids + j + 1}" for j, f in enumerate(joined(text))]
    shorts = joined(text[varying]) if varying.any() else labels
    shorts = [s or f for s, f in zip(shorts, labels, strict=True)]
    dates = raw.where(times.notna()).ffill(axis=1).bfill(axis=0).iloc[0]
    twice = len(set(zip(labels, years, strict=True))) < n_values  # a label twice in a year
    if twice and dates.notna().all():  # a date over every column: several in one year?
        heads = [f"{d} | {f}" for d, f in zip(dates, labels, strict=True)]
        apart = dates_of_one_year_apart(
            {h: (f, str(d)) for h, f, d in zip(heads, labels, dates, strict=True)}
        )
        if len(apart) == n_values and any(apart[h][0] == h for h in heads):
            labels = [apart[h][0] for h in heads]
            shorts = [h if apart[h][0] == h else f for h, f in zip(heads, shorts, strict=True)]
    return labels, shorts, years.to_numpy(dtype=np.int64)


def _head_time(cell: str, school_year: str | None) -> int | None:
    """The year of a header cell that is a date or a year (:func:`time_of`), or with
    ``school_year`` a school year (``2022/23``: 2022 counted at its start, 2023 at its
    end)."""
    found = time_of(cell)
    if found is not None or school_year is None or not _school_year(cell):
        return found
    return int(parse_years(pd.Series([cell], dtype=object), school_year)[0][0])


#: What a school or academic year has in it (``2022/23``, ``WS 2005/06``), to look at
#: the few cells that may be one.
_TWO_YEARS_LIKE = re.compile(r"\d{4}\s*[/-]\s*\d{2}")


def _school_year(cell: str) -> bool:
    """Whether a cell is a school or academic year (``2022/23``), which names two years."""
    if not _TWO_YEARS_LIKE.search(cell):
        return False
    text = pd.Series([cell], dtype=object)
    return bool(parse_years(text)[1][0] and not parse_years(text, "start")[1][0])


def _fill_within_groups(header: pd.DataFrame) -> pd.DataFrame:
    """Blank header cells filled from the left only inside their column group.

    A blank cell stands for its left neighbour's label (a merged cell) only where both
    columns sit under the same labels in every row above; otherwise it means "no
    further level" (e.g. ``Beschäftigte`` with nothing below) and stays blank.
    """
    filled = header.astype(object).copy()
    for r in range(len(filled)):  # loop over header rows (a handful), not data
        above = filled.iloc[:r]
        new_group = np.ones(filled.shape[1], dtype=bool)
        if filled.shape[1]:
            same = (above.iloc[:, 1:].to_numpy() == above.iloc[:, :-1].to_numpy()).all(axis=0)
            new_group[1:] = ~same
        group = np.cumsum(new_group)
        row = filled.iloc[r].replace("", np.nan)
        filled.iloc[r] = row.groupby(group).ffill().fillna("").to_numpy()
    return filled


def _has_duplicates(labels: list[str]) -> bool:
    return len(set(labels)) < len(labels)


#: Bytes that can be part of a symbol or flag: the one-byte symbols, ``.`` (ellipsis and
#: thousands dot), parentheses, the value-flag letters, and the first byte of ``…`` in
#: Windows-1252 (0x85) and UTF-8 (0xE2).
_SPECIAL = np.zeros(256, dtype=bool)
_SPECIAL[[*_ONE_BYTE_SYMBOLS, *(ord(c) for c in ".()" + "".join(VALUE_FLAGS)), 0x85, 0xE2]] = True


def _clean_values(
    buf: np.ndarray, delims: np.ndarray, n_fields: int, n_ids: int, encoding: str, decimal: str
) -> tuple[bytes, bytes, np.ndarray, np.ndarray]:
    """Record symbols and flags of the value cells and strip them from the bytes.

    Only bytes that can be part of a symbol or flag are looked at (a small share of the
    file). A symbol (:data:`~mint_index.data.cells.SYMBOLS`) with a value becomes that
    digit (``-``: ``0``); the other symbols, flag letters and parentheses are removed, and
    so is a thousands dot in a figure with a decimal comma (``1.234,5``): GENESIS writes
    none, so a point is a thousands mark only beside a decimal comma, never in ``1.234``
    (an English export's 1.234) nor where ``decimal`` is a point. Returns the id columns
    and the value columns as separate CSV bytes, and the reason and flag codes ``[row,
    value column]``.
    """
    n_rows = len(delims) // n_fields
    n_values = n_fields - n_ids
    reason = np.zeros(n_rows * n_values, dtype=np.int8)
    flag = np.zeros(n_rows * n_values, dtype=np.int8)
    rows = delims.reshape(n_rows, n_fields)
    id_end = rows[:, n_ids - 1]
    line_start = np.r_[0, rows[:-1, -1] + 1]
    is_id = np.repeat(
        np.tile(np.array([True, False]), n_rows),
        np.column_stack([id_end - line_start + 1, rows[:, -1] - id_end]).ravel(),
    )
    pos = np.flatnonzero(_SPECIAL[buf] & ~is_id)
    cell = np.searchsorted(delims, pos)  # the cell each byte is in, row-major
    start = delims[np.maximum(cell - 1, 0)] + 1
    end = delims[cell]
    length = end - start
    byte = buf[pos]
    vcell = (cell // n_fields) * n_values + (cell % n_fields - n_ids)
    drop = [pos[:0]]
    work = buf.copy()
    for symbol_byte, (value, why, how) in _ONE_BYTE_SYMBOLS.items():
        hit = (length == 1) & (byte == symbol_byte)
        reason[vcell[hit]], flag[vcell[hit]] = REASON[why], FLAG[how]
        if np.isnan(value):
            drop.append(pos[hit])
        else:  # one byte holds one digit: a symbol with a longer value would fail here
            work[pos[hit]] = ord(f"{value:g}")
    nxt = buf[np.minimum(pos + 1, len(buf) - 1)], buf[np.minimum(pos + 2, len(buf) - 1)]
    dots = (byte == _DOT) & (nxt[0] == _DOT) & (nxt[1] == _DOT)
    if encoding.startswith("utf"):  # "…" as one character
        dots |= (byte == 0xE2) & (nxt[0] == 0x80) & (nxt[1] == 0xA6)
        single = np.zeros(len(pos), dtype=bool)
    else:
        single = (length == 1) & (byte == 0x85)
    ellipsis = (length == 3) & (pos == start) & dots
    for cells, ellipsis_text in (
        (vcell[ellipsis & (byte == _DOT)], "..."),
        (vcell[(ellipsis & (byte == 0xE2)) | single], "…"),
    ):
        _, why, how = SYMBOLS[ellipsis_text]
        reason[cells], flag[cells] = REASON[why], FLAG[how]
    drop += [pos[ellipsis], pos[ellipsis] + 1, pos[ellipsis] + 2, pos[single]]
    symbols = vcell[(length == 1) | ellipsis]  # sorted, like vcell
    at = np.minimum(np.searchsorted(symbols, vcell), max(len(symbols) - 1, 0))
    symbol = (symbols[at] == vcell) if len(symbols) else np.zeros(len(vcell), dtype=bool)

    letter = (pos == end - 1) & (length >= 2) & ~symbol & (_LETTER_FLAG[byte] > 0)
    flag[vcell[letter]] = _LETTER_FLAG[byte[letter]]
    spaced = letter & (buf[np.maximum(pos - 1, 0)] == _SPACE)
    drop += [pos[letter], pos[spaced] - 1]
    inner_end = end.copy()  # the cell's end without its flag letter
    flagged = np.searchsorted(vcell[letter], vcell)
    found = flagged < letter.sum()
    found[found] = vcell[letter][flagged[found]] == vcell[found]
    inner_end[found] = (pos[letter] - spaced[letter])[flagged[found]]
    paren = (
        (byte == ord("("))
        & (pos == start)
        & (inner_end - start >= 2)
        & (buf[np.maximum(inner_end - 1, 0)] == ord(")"))
        & ~symbol
    )
    flag[vcell[paren]] = FLAG["limited_value"]
    drop += [pos[paren], inner_end[paren] - 1]

    if decimal == ",":
        after = buf[np.minimum(pos[:, None] + np.arange(-1, 5), len(buf) - 1)]
        commas = np.flatnonzero((buf == _COMMA) & ~is_id)
        comma_cells = np.searchsorted(delims, commas)  # sorted, like cell
        thousands = (
            (byte == _DOT)
            & ~symbol
            & (pos > start)
            & _DIGITS[after[:, 0]]
            & (pos + 3 < inner_end)
            & _DIGITS[after[:, 2:5]].all(axis=1)
            & ((pos + 4 >= inner_end) | ~_DIGITS[after[:, 5]])
            & np.isin(cell, comma_cells)  # beside a decimal comma: 1.234,5
        )
        drop.append(pos[thousands])

    work[id_end] = _NL  # the id part of each line becomes a line of its own
    keep = ~is_id
    keep[np.concatenate(drop)] = False
    shape = (n_rows, n_values)
    return (work[is_id].tobytes(), work[keep].tobytes(), reason.reshape(shape), flag.reshape(shape))


def _years(
    frame: pd.DataFrame,
    time_in_row: bool,
    col_years: np.ndarray,
    head: list[str],
    year: int | None,
    source: str,
    line_numbers: np.ndarray,
    labels: list[str],
    school: Sequence[str] = (),
) -> tuple[np.ndarray, list[pd.DataFrame], bool]:
    """Years per row (date column) or per column (date header row), else ``year=``, else
    a year line above the header (``2016``, ``01.03.2016``, ``Jahr: 2016``), else a
    single date in the title lines. Header cells that are ``school`` years (``2022/23``,
    read without ``school_year``) date their columns, so no other year does: they are
    reported (code ``school_year``), whatever ``year=`` says. Returns (years, problems,
    per_column)."""
    n_rows = len(frame)
    if time_in_row:
        years, bad = parse_years(frame[0])
        problems = []
        if bad.any():
            at = np.flatnonzero(bad)
            problems.append(
                failures_frame(
                    source,
                    line_numbers[at],
                    "date",
                    frame[0].iloc[at].astype(str).to_numpy(),
                    "not a date or year",
                    code="not_a_year",
                )
            )
        return np.where(bad, -1, years), problems, False
    if (col_years >= 0).any():
        missing = np.flatnonzero(col_years < 0)
        if len(missing) and year is not None:
            col_years[missing] = year
            missing = missing[:0]
        problems = (
            [
                failures_frame(
                    source,
                    None,
                    [labels[j] for j in missing],
                    None,
                    "no date above this column; pass year=",
                    code="no_year",
                )
            ]
            if len(missing)
            else []
        )
        return col_years, problems, True
    if school:  # which calendar year a school year counts in is the source's to say
        heads = pd.Series(list(dict.fromkeys(school)), dtype=object)
        problem = year_failures(source, np.full(len(heads), None), "year", heads)
        return np.full(n_rows, -1, dtype=np.int64), [problem], False
    found = {int(y) for text in head for y in _DATE_IN_TEXT.findall(text)}
    stated = year_line(head)
    if year is not None or stated is not None or len(found) == 1:
        value = int(year) if year is not None else stated if stated is not None else found.pop()
        return np.full(n_rows, value, dtype=np.int64), [], False
    return (
        np.full(n_rows, -1, dtype=np.int64),
        [
            failures_frame(
                source,
                None,
                None,
                None,
                "the table has no date or year; pass year=",
                code="no_year",
            )
        ],
        False,
    )


def _dates_apart(cells: pd.DataFrame, dates: pd.Series) -> pd.Categorical | None:
    """The variables of a table dated per line (``dates``: each line's date, by line
    number) where lines of one year carry several dates (``31.03.2024;Bayern;...``,
    ``30.06.2024;Bayern;...``): a variable that would have several of them in one year
    is named by its date and itself (``31.03.2024 | Insgesamt``), as the columns of a
    table with quarterly heads are (:func:`_column_labels`). ``None`` where each year
    has one date."""
    distinct = pd.unique(dates.to_numpy(dtype=object))
    if len({_year_of(str(d)) for d in distinct if _FOUR_DIGITS.search(str(d))}) == len(distinct):
        return None
    date = dates.reindex(cells["row"].to_numpy()).fillna("").to_numpy(dtype=object)
    variable = cells["variable"].astype(str).to_numpy(dtype=object)
    heads = pd.Series(date + " | " + variable, dtype=object)
    unique = heads.drop_duplicates()
    at = unique.index.to_numpy()
    apart = dates_of_one_year_apart(
        {h: (variable[i], date[i]) for h, i in zip(unique, at, strict=True)}
    )
    return pd.Categorical(heads.map(lambda h: apart[h][0]).to_numpy(dtype=object))


def _with_classes(
    cells: pd.DataFrame, row_class: np.ndarray, variables: list[str], columns: list[str]
) -> tuple[pd.Categorical, dict[str, list[str]]]:
    """Variables of a table with classification columns: ``label | class``."""
    n_values = len(variables)
    class_codes, classes = pd.factorize(row_class)
    var_codes = cells["variable"].cat.codes.to_numpy()
    var_cats = list(cells["variable"].cat.categories)
    combined = np.repeat(class_codes, n_values) * len(var_cats) + var_codes
    names = [f"{v} | {c}" for c in classes for v in var_cats]
    full = dict(zip(variables, columns, strict=True))
    aliases = {
        f"{v} | {c}": [f"{full[v]} | {c}"] for c in classes for v in var_cats if full[v] != v
    }
    codes, used = pd.factorize(combined)
    return pd.Categorical.from_codes(codes, np.asarray(names, dtype=object)[used]), aliases


# ---- mappings -----------------------------------------------------------------------
def load_mapping(mapping: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, str]:
    """A column -> variable mapping from a dict or a YAML file.

    The YAML file is either the mapping itself or has it under ``columns:``::

        columns:
          "Bevölkerungsstand (Anzahl) | Insgesamt": pop
          Ausländer: pop_foreign
    """
    source = "<mapping>"
    if isinstance(mapping, (str, Path)):
        from mint_index.errors import YamlError
        from mint_index.yamlio import load_yaml

        source = str(mapping)
        try:
            mapping = load_yaml(mapping) or {}
        except YamlError as exc:
            raise DataValidationError(
                [
                    {
                        "source": source,
                        "row": exc.line,
                        "column": None,
                        "value": None,
                        "reason": f"cannot read mapping: {exc.reason}",
                        "code": "invalid_mapping",
                    }
                ]
            ) from None
    if isinstance(mapping, Mapping) and isinstance(mapping.get("columns"), Mapping):
        mapping = mapping["columns"]
    if not isinstance(mapping, Mapping):
        raise DataValidationError(
            [
                {
                    "source": source,
                    "row": None,
                    "column": None,
                    "value": None,
                    "reason": "a mapping must be a dict of column -> variable",
                    "code": "invalid_mapping",
                }
            ]
        )
    problems = [
        {
            "source": source,
            "row": None,
            "column": str(k),
            "value": v,
            "reason": "the variable name must be non-empty text",
            "code": "invalid_mapping",
        }
        for k, v in mapping.items()
        if not isinstance(v, str) or not v.strip()
    ]
    if problems:
        raise DataValidationError(problems)
    return {str(k).strip(): str(v).strip() for k, v in mapping.items()}


def apply_mapping(
    table: Table, mapping: Mapping[str, str | Sequence[str]]
) -> tuple[Table, set[str]]:
    """Rename the table's variables by the mapping and drop the unmapped ones.

    A mapping key matches a variable name or one of its aliases (a GENESIS column's full
    label). A key may feed several variables (a list: the catalog maps one column to
    ``pop_foreign`` and to the proxy ``pop_mig``); its cells are then copied. Problems and
    warnings in the cells of columns the mapping leaves out (a text column) go with them.
    Returns the table and the mapping keys that matched.
    """
    cells = table.cells
    categories = list(cells["variable"].cat.categories)
    used: set[str] = set()
    targets: list[list[str]] = []
    for name in categories:  # loop over variables, not cells
        key = next((k for k in [name, *table.aliases.get(name, [])] if k in mapping), None)
        value = [] if key is None else mapping[key]
        targets.append([value] if isinstance(value, str) else list(value))
        if key is not None:
            used.add(key)
    dropped = {
        label
        for name, ts in zip(categories, targets, strict=True)
        if not ts
        for label in [name, *table.aliases.get(name, []), table.labels.get(name, name)]
    }
    dropped |= _columns_left_out(cells, np.array([bool(ts) for ts in targets], dtype=bool))
    table.failures = [_not_in(f, dropped) for f in table.failures]
    table.warnings = [_not_in(f, dropped) for f in table.warnings]
    new_names = list(dict.fromkeys(t for ts in targets for t in ts))
    position = {name: i for i, name in enumerate(new_names)}
    per_category = np.array([len(ts) for ts in targets] + [0], dtype=np.int64)
    flat = np.array([position[t] for ts in targets for t in ts], dtype=np.int64)
    first = np.r_[0, np.cumsum(per_category[:-1])[:-1]] if len(targets) else np.zeros(0, int)
    codes = cells["variable"].cat.codes.to_numpy()
    copies = per_category[codes]
    rows = np.repeat(np.arange(len(cells)), copies)  # each cell once per target
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(copies) - copies, copies)
    new_codes = flat[first[codes[rows]] + offset] if len(rows) else np.zeros(0, np.int64)
    cells = cells.iloc[rows].reset_index(drop=True)
    cells["variable"] = pd.Categorical.from_codes(new_codes, pd.Index(new_names))
    table.cells = cells
    table.aliases = {}
    table.labels = {}
    return table, used


def _columns_left_out(cells: pd.DataFrame, kept: np.ndarray) -> set[str]:
    """The source columns all of whose cells fall to variables a mapping leaves out
    (``kept``: per variable category): a text column beside a ``Merkmal`` column
    (``Bereich``) is named ``Bereich | Anteil`` as a variable but ``Bereich`` in its
    problems, which go with it."""
    if "column" not in cells.columns or not len(cells):
        return set()
    mapped = kept[cells["variable"].cat.codes.to_numpy()]
    columns = cells["column"].astype(str).to_numpy()
    return set(columns[~mapped].tolist()) - set(columns[mapped].tolist())


def _not_in(failures: pd.DataFrame, columns: set[str]) -> pd.DataFrame:
    """The problems not located in one of ``columns`` (problems of a whole file stay)."""
    return failures[~failures["column"].isin(list(columns)).to_numpy(dtype=bool)]
