"""One :class:`~mint_index.data.source.SourceSpec` -> the Tables of its files.

This module decides how each file of a source is read: the bytes are checked first
(:mod:`~mint_index.data.inputs`), the format is taken from the spec or detected (GENESIS
table, GENESIS flat file, Open SDG, Excel, Parquet, plain CSV), disaggregation columns are
filtered or pivoted, unit keys are read by their scheme, and the labels are mapped to
framework variables (the source's ``mapping``, else the framework's source catalog).
Anything that stops a file from being read becomes that file's failure, so the other
sources are still checked.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mint_index.data.catalog import catalog_mapping, previous_year_variables
from mint_index.data.cells import (
    KEYED_NAME,
    empty_cells,
    holds_text,
    keys_in_labels,
    parse_years,
    sniff_decimal,
    title_school_year,
    title_year,
    typed_decimal,
)
from mint_index.data.controls import name_control_failures
from mint_index.data.genesis import (
    apply_mapping,
    end_of_export,
    figures_decimal,
    is_genesis,
    read_genesis,
    sheet_as_csv,
    table_code,
)
from mint_index.data.inputs import (
    WORKBOOK_SUFFIXES,
    InputRefused,
    expand_source,
    read_input,
    sniff_kind,
    unzipped,
)
from mint_index.data.keys import apply_key_spec, mostly_names
from mint_index.data.layouts import (
    caption_columns,
    column_not_there,
    filter_rows,
    find_column,
    find_name_column,
    find_year_column,
    flat_frame,
    is_genesis_flat,
    is_opensdg,
    key_columns,
    name_beside_key,
    pivot_label,
    row_key_column,
    row_number_columns,
    tidy_layout,
    units_as_columns,
    variable_code_columns,
    wide_to_long,
)
from mint_index.data.opensdg import opensdg_frame
from mint_index.data.plain_tables import (
    HEAD_ROWS,
    blank_and_note_rows,
    cell_text,
    column_numbering,
    empty_rows_on_top,
    head_records,
    header_labels,
    header_rows,
    land_labels,
    total_labels,
    total_rows,
    without_headings,
)
from mint_index.data.printouts import Sections, section_table
from mint_index.data.problems import failures_frame, first_rows
from mint_index.data.readers import (
    SOURCE_COLUMN,
    Table,
    bytewise,
    detect_encoding,
    frame_table,
    not_in_encoding,
    raw_csv_frame,
    read_csv_table,
    require,
    sha256_of,
    sniff_separator,
    stacked,
    stripped_heads,
    text_sample,
    unit_keys,
    unreadable_csv,
)
from mint_index.data.source import SourceSpec
from mint_index.data.workbooks import (
    formulas_without_result,
    hidden_sheets,
    percent_cells,
    sheet_cells,
    sheet_names,
)
from mint_index.data.year_heads import (
    bare_year_heads,
    change_columns,
    is_measure_head,
    variable_column,
    years_as_columns,
    years_in_labels,
)
from mint_index.errors import MintIndexError
from mint_index.reasons import with_codes
from mint_index.rules.text import ASCII_UMLAUTS

__all__ = [
    "apply_keys",
    "drop_expected_warnings",
    "failed_table",
    "label_ids",
    "leaves_out_other_units",
    "map_table",
    "read_spec",
    "to_their_year",
    "transposed_frame_table",
]


def read_spec(
    spec: SourceSpec,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    max_bytes: int | None = None,
) -> list[Table]:
    """Every file of a source, read but not yet mapped (one failed Table per file that
    cannot be read, one for a path that names no file)."""
    try:
        paths = expand_source(spec.path, base_dir)
    except InputRefused as refused:
        return [failed_table(spec.path, refused.reason, refused.code)]
    return [table for path in paths for table in read_file(path, spec, max_bytes=max_bytes)]


def read_file(
    path: Path, spec: SourceSpec, *, max_bytes: int | None = None, name: str | None = None
) -> list[Table]:
    """One file of a source -> its Table, or one per sheet where ``sheet`` names several
    sheets of a workbook (``*``: every sheet; each is then called ``file.xlsx[2023]``),
    keys read by the source's key spec. ``name``: what problems call the file (default:
    its path). A file or sheet it cannot read is a failed Table, never an exception."""
    name = str(path) if name is None else name
    try:
        raw = read_input(path, max_bytes)
        suffix = path.suffix.lower()
        # a download that holds its table is read as that file; a file named as a
        # workbook is one, or a damaged one
        packed = None if suffix in WORKBOOK_SUFFIXES else unzipped(raw, max_bytes)
        if packed is not None:
            raw, member = packed
            suffix, name = Path(member).suffix.lower(), f"{name}[{member}]"
        kind = sniff_kind(raw, suffix, spec.encoding)
        sheets = _sheets(raw, kind, spec)
    except InputRefused as refused:
        return [failed_table(name, refused.reason, refused.code)]
    if spec.format == "template":
        return _read_template(path, name, spec)
    if sheets is None:
        return [_read_one(raw, kind, name, spec)]
    several = spec.sheet == "*" or isinstance(spec.sheet, list)
    every = spec.sheet == "*"
    hidden = hidden_sheets(raw) if every else set()
    tables = [  # loop over the workbook's sheets (a handful)
        _hidden_sheet(f"{name}[{s}]")
        if s in hidden
        else _read_one(raw, kind, f"{name}[{s}]" if several else name, _sheet_spec(spec, s), every)
        for s in sheets
    ]
    if every and not any(t.failures or len(t.cells) for t in tables):
        return [_no_sheet_read(name, sheets, hidden)]
    for table, sheet in zip(tables, sheets, strict=True):
        table.sheet = sheet
    return tables


def _no_sheet_read(name: str, sheets: list[str | int], hidden: set[str]) -> Table:
    """A workbook read with ``sheet: "*"`` none of whose sheets was read: each was hidden
    or held no table. One error that says so, rather than only warnings, after which
    every variable the file was to give is "missing" with no word on why."""
    shown = [str(s) for s in sheets if s not in hidden]
    why = []
    if hidden:
        are = "is a hidden sheet" if len(hidden) == 1 else "are hidden sheets"
        why.append(f"{_names(sorted(hidden, key=str))} {are}")
    if shown:
        why.append(f"{_names(shown)} {'holds' if len(shown) == 1 else 'hold'} no table")
    reason = f"no sheet of the workbook was read: {'; '.join(why)}"
    if hidden:
        reason += "; name a hidden sheet to read it (sheet: [NAME])"
    return failed_table(name, reason, "no_sheet_read")


def _names(sheets: list[str]) -> str:
    return ", ".join(repr(s) for s in sheets)


def _hidden_sheet(name: str) -> Table:
    """A hidden sheet of a workbook whose every sheet is read (``sheet: "*"``): passed
    over with a warning (code ``hidden_sheet``). Departments compute in hidden helper
    sheets; named in a list, it is read as asked."""
    return _passed_over(name, 0, "a hidden sheet (no reader sees it); not read", "hidden_sheet")


def _passed_over(name: str, rows: int, reason: str, code: str) -> Table:
    """A sheet of a workbook whose every sheet is read, not read: an empty table with the
    one warning that says why."""
    table = Table(empty_cells(), name, "excel", "wide", rows)
    table.warnings = [failures_frame(name, None, None, None, reason, code=code)]
    return table


def _read_one(
    raw: bytes, kind: str, name: str, spec: SourceSpec, every_sheet: bool = False
) -> Table:
    """One file, or one sheet of a workbook, -> Table; what cannot be read, a failed one.
    ``every_sheet``: the sheet is one of all (``sheet: "*"``), so one that holds no table
    (notes, a glossary) is passed over with a warning rather than failed."""
    try:
        table = _read_bytes(raw, kind, name, spec, every_sheet)
    except InputRefused as refused:
        return failed_table(name, refused.reason, refused.code)
    except (pd.errors.ParserError, csv.Error) as exc:  # a ValueError: before those
        return failed_table(name, unreadable_csv(exc), "unreadable_file")
    except UnicodeDecodeError as exc:  # a ValueError too
        return failed_table(name, not_in_encoding(raw, exc), "unreadable_file")
    except (ValueError, OSError) as exc:  # not a KeyError: a bug
        return failed_table(name, f"cannot read: {exc}", "unreadable_file")
    apply_keys(table, spec)
    if table.names is not None:  # a name typed over two lines of a cell is one name
        table.names = table.names.astype(object).str.replace(r"\s*[\t\r\n]+\s*", " ", regex=True)
    table.failures += name_control_failures(table.names, table.cells, name)
    table.leaves_out_other_units = leaves_out_other_units(table, spec)
    drop_expected_warnings(table, spec.expected_warnings)
    return table


def leaves_out_other_units(table: Table, spec: SourceSpec) -> bool:
    """Whether the rows of units the units table does not list are left out of ``table``
    (``other_units``): as the source says, else for an official export
    (:attr:`~mint_index.data.readers.Table.official`, in a workbook too), whose other
    regions (the Land, every other Kreis) are no mistyped keys."""
    if spec.other_units != "auto":
        return spec.other_units == "leave_out"
    return table.official


def drop_expected_warnings(table: Table, codes: Collection[str]) -> None:
    """Leave out of ``table``'s warnings those with the ``codes`` its source expects
    (``SourceSpec.expected_warnings``), and keep the codes with the table for the
    warnings found later (``other_units``, once the units table is known)."""
    table.expected_warnings = frozenset(codes)
    if codes:
        table.warnings = [w[~w["code"].isin(codes)] for w in map(with_codes, table.warnings)]


def _sheets(raw: bytes, kind: str, spec: SourceSpec) -> list[str | int] | None:
    """The sheets of a workbook a source names, one by one: every sheet for ``*``, those
    a list names, or the one it names; None where it names none, or for a file that is no
    workbook (which ``*`` or a list refuses)."""
    several = spec.sheet == "*" or isinstance(spec.sheet, list)
    if kind != "excel" and several:
        raise InputRefused(
            "sheet names several sheets, but the file is no workbook", "invalid_option"
        )
    if kind != "excel" or spec.sheet is None:
        return None
    if spec.sheet == "*":
        return list(sheet_names(raw))
    listed = spec.sheet if isinstance(spec.sheet, list) else [spec.sheet]
    if not any(isinstance(sheet, int) and sheet > 0 for sheet in listed):
        return listed  # names, or the first sheet: nothing to look up
    names = sheet_names(raw)
    return [_sheet_ref(sheet, names) for sheet in listed]


def _sheet_ref(sheet: str | int, names: list[str]) -> str | int:
    """A sheet by name or 0-based position; a number that is no position but a sheet's
    name (``2023``, as YAML or the command line give it) is that sheet."""
    if isinstance(sheet, int) and not 0 <= sheet < len(names) and str(sheet) in names:
        return str(sheet)
    return sheet


def _sheet_spec(spec: SourceSpec, sheet: str | int) -> SourceSpec:
    """The source's options for one of its sheets: a sheet named by a year (``2023``; a
    school year ``2023/24`` with ``school_year``) dates a sheet without a year column,
    unless the source gives ``year``."""
    year = spec.year
    if year is None and isinstance(sheet, str):
        years, bad = parse_years(pd.Series([sheet], dtype=object), spec.school_year)
        year = None if bad[0] else int(years[0])
    return spec.model_copy(update={"sheet": sheet, "year": year})


def failed_table(name: str, reason: str, code: str) -> Table:
    """An empty Table whose only content is why the file could not be read."""
    table = Table(empty_cells(), name, "unknown", "unknown", 0)
    table.failures = [failures_frame(name, None, None, None, reason, code=code)]
    return table


# ---- formats ------------------------------------------------------------------------
def _read_bytes(
    raw: bytes, kind: str, name: str, spec: SourceSpec, every_sheet: bool = False
) -> Table:
    fmt = spec.format
    if fmt == "excel" or (fmt in ("auto", "genesis") and kind == "excel"):
        return _excel(raw, name, spec, every_sheet)
    if fmt == "parquet" or (fmt == "auto" and kind == "parquet"):
        return _parquet(raw, name, spec)
    encoding = spec.encoding or detect_encoding(raw)
    readable, read_as = bytewise(raw, encoding)  # the readers below work on bytes
    if read_as != encoding:
        as_utf8 = spec.model_copy(update={"encoding": read_as})
        table = _read_bytes(readable, kind, name, as_utf8, every_sheet)
        table.sha256, table.encoding = sha256_of(raw), encoding
        return table
    tidy = tidy_layout(raw, encoding) if fmt == "auto" else None
    if fmt == "genesis" or (fmt == "auto" and tidy is None and is_genesis(raw)):
        return _genesis(raw, name, spec, encoding)
    text = raw.decode(encoding)
    sep = spec.separator or sniff_separator(text[:65536])
    if fmt == "genesis-flat" or tidy == "genesis-flat":
        return _flat(text, sep, raw, name, spec, encoding)
    if fmt == "opensdg" or tidy == "opensdg":
        return _opensdg(_all_text(text, sep), sep, raw, name, spec, encoding)
    # the first records, quotes respected: a head cell may hold a line break ("Schlüssel-
    # / nummer"), and pandas counts the rows to skip in records too
    head = head_records(csv.reader(io.StringIO(text_sample(text), newline=None), delimiter=sep))
    printout = _csv_printout(head, text, sep, name, spec)
    if printout is not None:
        printout.sha256, printout.encoding = sha256_of(raw), encoding
        printout.separator = sep
        return printout
    skip, depth = header_rows(head)
    names = header_labels(head[skip : skip + depth]) if depth > 1 else None
    header = names or _header(text, sep, skip)
    unit, label = _key_and_name(header, spec)
    year = find_year_column(header, spec.year_column)
    keys = key_columns(header)  # each may turn out to key the rows (row_key_column)
    texts = tuple(c for c in (unit, label, year, *keys, *spec.filter, *spec.pivot) if c)
    frame, sep, decimal, encoding = raw_csv_frame(
        raw,
        sep=sep,
        decimal=spec.decimal,
        encoding=encoding,
        text_columns=texts,
        skiprows=skip + depth if names else skip,
        names=names,
    )
    rows = np.arange(len(frame)) + skip + depth + 1
    title = _title(head[:skip])
    table = _dated_by_title(
        title,
        spec,
        lambda dated: _frame_source(frame, rows, dated, name, "csv", (unit, label), decimal),
        [str(c) for c in frame.columns],
    )
    table.title = title
    table.sha256, table.encoding = sha256_of(raw), encoding
    table.separator, table.decimal = sep, decimal
    return table


def _dated_by_title(
    title: str | None,
    spec: SourceSpec,
    read: Callable[[SourceSpec], Table],
    heads: Sequence[str] = (),
) -> Table:
    """A plain table read by ``read``; one that has no year of its own (no year column,
    no years in its heads, no ``year:``) read again in the one year its title names
    (``Bevölkerung ... am 31. Dezember 2023``, :func:`~mint_index.data.cells.title_year`),
    as a GENESIS table is dated by the date in its title lines, else in the one year its
    sheet's name names (``Daten 2023``, ``2019_C4_Karte``: a workbook with a sheet per
    year). Neither dates a table one of whose ``heads`` names a year: heads of years the
    reader could not place are no table of one year, and a yearbook's title names the
    year it was published in (``Statistisches Jahrbuch 2024`` over ``Einwohner am
    31.12.2023``)."""
    table = read(spec)
    undated = any(_year_missing(f).any() for f in table.failures)
    if not undated or spec.year is not None:
        return table
    if any(title_year(head) is not None for head in heads):
        return table  # heads of years the reader could not place: no table of one year
    school = title_school_year(title)
    if school is not None:  # "Schuljahr 2023/24": which calendar year is the source's word
        if spec.school_year is None:  # this problem, not "year column missing"
            table.failures = [f[~_year_missing(f)] for f in table.failures]
            table.failures.append(_school_year_title(table.source, school))
            return table
        return read(spec.model_copy(update={"year": school + (spec.school_year == "end")}))
    year = title_year(title)
    if year is None and isinstance(spec.sheet, str):
        year = title_year(spec.sheet)
    return read(spec.model_copy(update={"year": year})) if year else table


def _year_missing(failures: pd.DataFrame) -> pd.Series:
    """Which of a table's problems say it has no year column."""
    return (failures["code"] == "missing_column") & (failures["column"] == "year")


def _school_year_title(source: str, first: int) -> pd.DataFrame:
    """The problem of a table dated only by the school year its title names: which of its
    two calendar years the table counts in is the source's to say, never guessed."""
    return failures_frame(
        source,
        None,
        "year",
        f"{first}/{(first + 1) % 100:02d}",
        "the title names a school or academic year, which names two calendar years: say "
        "which one the table counts in (school_year: start or end; --school-year)",
        code="school_year",
    )


def _title(rows: list[list[Any]]) -> str | None:
    """The title lines above a plain table, as one line (what ``inspect`` shows; a cell
    typed over two lines is one line too)."""
    parts = [" ".join(str(cell).split()) for row in rows for cell in row if str(cell).strip()]
    return " · ".join(parts) or None


def _genesis(
    raw: bytes, name: str, spec: SourceSpec, encoding: str, downloaded: bool = True
) -> Table:
    """A classic GENESIS table, read with the source's ``decimal`` and ``school_year``
    (GENESIS-Online dates pupils by the school year: ``2022/23``); ``filter``/``pivot``
    are refused (its classes are in the labels already), never silently ignored. A
    ``downloaded`` file (not a sheet, which cannot break off mid-line) is checked for
    a download that broke off (:func:`~mint_index.data.genesis.end_of_export`)."""
    named = spec.key.match == "name"
    table = read_genesis(
        raw,
        name,
        encoding=encoding,
        year=spec.year,
        unit=spec.unit,
        named=named,
        decimal=spec.decimal,
        school_year=spec.school_year,
    )
    if spec.filter or spec.pivot:
        table.failures.append(
            failures_frame(
                name,
                None,
                ", ".join([*spec.filter, *spec.pivot]),
                None,
                "filter and pivot do not apply to a classic GENESIS table: its class "
                "columns are already part of the labels; map the labels you need",
                code="unsupported_option",
            )
        )
    if downloaded and table.rows:
        cut, is_error = end_of_export(raw, encoding, name)
        if cut is not None:
            (table.failures if is_error else table.warnings).append(cut)
    table.official = True
    return table


def _flat(text: str, sep: str, raw: bytes, name: str, spec: SourceSpec, encoding: str) -> Table:
    """A GENESIS flat file: decimal mark from its values, table code from the file name
    (the file itself has only the statistic's code)."""
    frame = _all_text(text, sep)
    long, classes, code, title = flat_frame(frame)
    decimal = spec.decimal or figures_decimal(_spread(long["value"])["value"])
    several = [] if "time" in spec.filter else _several_dates(long, name)
    if spec.school_year is not None:  # refused, never silently ignored
        several.append(
            failures_frame(
                name,
                None,
                "time",
                None,
                "school_year does not apply to a GENESIS flat file: it dates every row by its "
                "reference date (a winter semester 2023-10P6M is 2023)",
                code="unsupported_option",
            )
        )
    table = _long_table(long, classes, spec, name, "genesis-flat", raw, encoding, decimal)
    table.failures = several + table.failures
    table.table = table_code([], name) or code
    table.title = title
    table.separator, table.decimal = sep, decimal
    table.official = True
    return table


def _opensdg(
    frame: pd.DataFrame, sep: str, raw: bytes, name: str, spec: SourceSpec, encoding: str
) -> Table:
    """An Open SDG file (:func:`~mint_index.data.opensdg.opensdg_frame`), whose
    ``filter`` and ``pivot`` name its own columns; the decimal mark sniffed from its
    figures as a plain table's is (a ``;`` file saved by a German spreadsheet writes
    ``9,5``)."""
    read = opensdg_frame(
        frame,
        name,
        unit_column=spec.unit_column,
        name_column=spec.name_column,
        unit=spec.unit,
        year=spec.year,
        school_year=spec.school_year,
        filters=spec.filter,
        pivot=spec.pivot,
    )
    decimal = spec.decimal or _opensdg_decimal(read.long, sep)
    # a class a filter keeps one value of is no part of the label, unless pivot names it
    filtered = [c for c in read.classes if c in spec.filter and c not in read.pivot]
    long = read.long.drop(columns=filtered)
    classes = [c for c in read.classes if c not in filtered]
    done = spec.model_copy(update={"filter": {}, "pivot": read.pivot})  # applied already
    table = _long_table(long, classes, done, name, "opensdg", raw, encoding, decimal)
    table.failures = read.failures + table.failures
    table.warnings += read.warnings
    if read.keyless is not None:  # rows of the whole reporting area: what they are
        table.keyless_names = read.keyless
    table.separator, table.decimal = sep, decimal
    units = table.cells["unit"].cat.categories
    if mostly_names(units):  # no GeoCode: the regions by name
        table.named_units = frozenset(map(str, units))
    table.official = True
    return table


def _opensdg_decimal(long: pd.DataFrame, sep: str) -> str:
    """The decimal mark of an Open SDG file's figures, sniffed as a plain table's
    (:func:`~mint_index.data.cells.sniff_decimal`) from its distinct figures (up to 500
    of each variable), each under its variable's label as a plain table's under its
    column head (``Prozent``: a share, whose ``7.125`` is no thousands)."""
    distinct = long[["variable", "value"]].astype(str).drop_duplicates()
    distinct = distinct.assign(at=distinct.groupby("variable", sort=False).cumcount())
    distinct = distinct[distinct["at"] < 500]
    if not len(distinct):
        return "."
    spread = distinct.pivot(index="at", columns="variable", values="value")
    # first a column of no figures: the first column is a plain table's keys
    keys = pd.DataFrame({"": ""}, index=spread.index)
    return sniff_decimal(pd.concat([keys, spread], axis=1), sep)


def _spread(values: pd.Series, size: int = 20000) -> pd.DataFrame:
    """Distinct values from all over a column, at most about ``size``: the figures of a
    flat file come a statistic after another, and only a later one may have decimals."""
    distinct = pd.unique(values.astype(str))
    return pd.DataFrame({"value": distinct[:: max(1, len(distinct) // size)]})


def _several_dates(long: pd.DataFrame, name: str) -> list[pd.DataFrame]:
    """A flat file with several reference dates in one year (quarterly figures) gives each
    cell twice in that year: one problem that says which dates and how to keep one, ahead
    of the duplicates it causes."""
    dates = long.drop_duplicates(["year", "time"]).sort_values("time")
    per_year = dates.groupby("year", sort=True)["time"].agg(list)
    several = per_year[per_year.map(len) > 1]
    if several.empty:
        return []
    year, times = next(iter(several.items()))
    return [
        failures_frame(
            name,
            None,
            "time",
            ", ".join(times),
            f"several reference dates in one year ({year}: {', '.join(times)}; "
            f"{len(several)} year(s) like this): keep one with filter: "
            f"{{time: {times[-1]}}} (one date per year, a list for several years; on the "
            f"command line --filter time={times[-1]}, repeated)",
            code="several_dates_in_a_year",
        )
    ]


def _header(text: str, sep: str, skip: int) -> list[str]:
    first = read_csv_table(io.StringIO(text_sample(text)), sep=sep, skiprows=skip, nrows=0)
    return [str(c).strip() for c in first.columns]


def _all_text(text: str, sep: str) -> pd.DataFrame:
    """A file of one value per row (a flat file, Open SDG) as text cells, without the rows
    that hold nothing (``;;;;``, as a spreadsheet program saving it writes empty rows
    below the data): its index numbers the others among the file's rows."""
    frame = read_csv_table(
        io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False
    )
    # the heads as written, before pandas tells equal ones apart (``Value``, ``Value.1``)
    written = csv.reader(io.StringIO(text_sample(text), newline=None), delimiter=sep)
    frame.attrs["heads"] = [h.lstrip("\ufeff") for h in next(written, [])]
    frame.columns = stripped_heads(frame.columns)
    if not frame.shape[1]:
        return frame
    # an empty row has an empty first cell: only those rows are looked at whole
    maybe = np.flatnonzero(frame.iloc[:, 0].str.strip().eq("").to_numpy())
    if len(maybe):
        cells = frame.iloc[maybe].apply(lambda column: column.str.strip().eq(""))
        frame = frame.drop(index=frame.index[maybe[cells.all(axis=1).to_numpy()]])
    return frame


def _excel(
    raw: bytes,
    name: str,
    spec: SourceSpec,
    every_sheet: bool = False,
    read: tuple[pd.DataFrame, list[tuple[int, int, int, int]] | None] | None = None,
) -> Table:
    """A worksheet: a GENESIS table saved as Excel is read as its CSV export would be,
    any other sheet as a plain table with a header row (several, one below the other:
    :func:`_plain_sheet`). One of every sheet (``every_sheet``) without a row of two
    filled cells holds no table: passed over, with a warning (code ``no_table_in_sheet``).
    ``read``: the sheet's cells and merged cells
    (:func:`~mint_index.data.workbooks.sheet_cells`), where they have been read already.
    A sheet read without ``sheet:`` is dated by its name as a named one is (``2023``)."""
    one = spec.sheet if isinstance(spec.sheet, (str, int)) else 0  # read_file splits lists
    sheet, merged = sheet_cells(raw, one) if read is None else read
    text = sheet_as_csv(sheet)
    if text is not None:  # its numbers are numbers, written with a decimal comma
        numbers_as_shown = spec.model_copy(update={"decimal": None})
        table = _genesis(text, name, numbers_as_shown, "utf-8", downloaded=False)
        table.format, table.sha256, table.encoding = "excel", sha256_of(raw), None
        table.separator = table.decimal = None
        table.warnings += _formulas_without_result(raw, one, name)
        return table
    if spec.format == "genesis":
        return failed_table(
            name, "format genesis: the sheet holds no GENESIS table", "unreadable_file"
        )
    if spec.sheet is None and not _holds_table(sheet):  # a report's cover sheet first
        return _the_sheet_with_a_table(raw, name, spec)
    if spec.sheet is None and spec.year is None and read is None:  # the first sheet's name
        spec = spec.model_copy(update={"year": _sheet_spec(spec, sheet_names(raw)[0]).year})
    if every_sheet and not _holds_table(sheet):
        why = "the sheet holds no table (no row of two filled cells); not read"
        return _passed_over(name, len(sheet), why, "no_table_in_sheet")
    sheet = percent_cells(raw, one).read_as_shown(sheet)  # 12,5 % is stored as 0.125
    tidy = _tidy_sheet(sheet)
    if tidy is not None:  # an Open SDG table or a GENESIS flat file kept in a workbook
        update: dict[str, Any] = {"format": "auto"}
        if tidy_layout(tidy, "utf-8") == "opensdg":  # its figures are numbers: 7.125
            update["decimal"] = spec.decimal or "."
        table = _read_bytes(tidy, "csv", name, spec.model_copy(update=update))
        table.format, table.encoding, table.separator, table.decimal = "excel", None, None, None
        if update.get("decimal"):
            table.failures += _numeric_geocodes(sheet, name, spec)
    else:
        table = _plain_sheet(sheet, name, spec, merged)
    table.sha256 = sha256_of(raw)
    table.warnings += _formulas_without_result(raw, one, name)
    return table


#: The cells a warning about formulas without results names before it counts the rest.
_FORMULAS_NAMED = 10


def _formulas_without_result(raw: bytes, sheet: str | int, name: str) -> list[pd.DataFrame]:
    """One warning naming a sheet's formulas with no saved result (they read as empty),
    with what makes a program compute them."""
    cells = formulas_without_result(raw, sheet)
    if not cells:
        return []
    named = ", ".join(cells[:_FORMULAS_NAMED])
    if len(cells) > _FORMULAS_NAMED:
        named += f" and {len(cells) - _FORMULAS_NAMED} more"
    reason = (
        f"{len(cells)} cell(s) hold a formula with no saved result and read as empty: the "
        "workbook was written by a program that does not compute and never saved in a "
        "spreadsheet program; open the file in Excel or LibreOffice and save it"
    )
    return [failures_frame(name, None, None, named, reason, code="formula_without_result")]


def _tidy_sheet(sheet: pd.DataFrame) -> bytes | None:
    """A sheet whose first row heads an Open SDG table (``Year``, ``Value``, ...) or a
    GENESIS flat file, as the CSV file it would be saved as (cells as text: a whole
    number as one, a date as ``2023-12-31``, a line break typed into a cell as a space);
    ``None`` for any other sheet. A Landesamt prepares its Open SDG uploads in
    workbooks."""
    if not len(sheet):
        return None
    header = [cell_text(c).strip() for c in sheet.iloc[0] if pd.notna(c)]
    if not (is_opensdg(header) or is_genesis_flat(header)):
        return None
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    cells = sheet[sheet.notna().any(axis=1)].astype(object)  # empty rows are no records
    writer.writerows(
        [" ".join(cell_text(c).split()) for c in row]
        for row in cells.fillna("").to_numpy().tolist()
    )
    return out.getvalue().encode("utf-8")


def _numeric_geocodes(sheet: pd.DataFrame, name: str, spec: SourceSpec) -> list[pd.DataFrame]:
    """The problem of an Open SDG sheet whose ``GeoCode`` (or ``unit_column``) cells are
    stored as numbers (``3101``: Excel dropped the zero of ``03101``), as a plain sheet's
    key column stored so is reported (:func:`~mint_index.data.readers.unit_keys`, code
    ``numeric_keys``)."""
    heads = [cell_text(c).strip() if pd.notna(c) else "" for c in sheet.iloc[0]]
    key = find_column(heads, spec.unit_column, ("geocode",))
    if key is None:
        return []
    cells = sheet.iloc[1:, heads.index(key)]
    filled = cells.notna().to_numpy()
    rows = np.arange(len(cells))[filled] + 2  # the sheet's rows, below its header
    return unit_keys(cells[filled].astype(object), name, rows, key)[1]


#: At most this many tables one below the other are read from a sheet (a Landesamt's has
#: two or three); the rows below the last are read as part of it, so a sheet of thousands
#: of repeated headers is reported, not split thousands of times.
MAX_TABLES_IN_SHEET = 20


def _plain_sheet(
    sheet: pd.DataFrame,
    name: str,
    spec: SourceSpec,
    merged: list[tuple[int, int, int, int]] | None = None,
) -> Table:
    """A sheet's plain table, and those below it: a Landesamt's sheet may hold a table of
    counts and, under its notes, the same table in per cent, each with its header
    (:func:`_next_table`). Their cells are read as one source's; a variable whose label
    both give is a duplicate, reported as such. Problems name the rows of the sheet.
    ``merged``: the sheet's merged cells (:func:`~mint_index.data.workbooks.merged_cells`),
    where the workbook says."""
    start = 0
    tables: list[Table] = []
    while True:  # loops over the tables of the sheet (a few)
        part = sheet.iloc[start:].reset_index(drop=True)
        last = len(tables) == MAX_TABLES_IN_SHEET - 1
        table, below = _one_plain_table(part, name, spec, start, last, merged)
        tables.append(table)
        if below is None:
            return functools.reduce(stacked, tables)
        start += below


def _one_plain_table(
    sheet: pd.DataFrame,
    name: str,
    spec: SourceSpec,
    first_row: int,
    last: bool,
    merged: list[tuple[int, int, int, int]] | None = None,
) -> tuple[Table, int | None]:
    """The plain table at the top of ``sheet`` (which starts at row ``first_row`` of the
    workbook's sheet, from 0), and where the next one starts (``None``: none, or ``last``).
    ``merged`` as :func:`_plain_sheet`'s."""
    lead = empty_rows_on_top(sheet)
    if lead:  # the table below them, as if the sheet started there
        below_them = sheet.iloc[lead:].reset_index(drop=True)
        table, below = _one_plain_table(below_them, name, spec, first_row + lead, last, merged)
        return table, None if below is None else below + lead
    head = sheet.head(HEAD_ROWS)
    head = head.astype(object).where(head.notna(), "")  # an empty cell as "", as in a CSV
    cells = [[cell_text(c) for c in row] for row in head.to_numpy().tolist()]
    if _may_be_printout(spec):
        starts = None if merged is None else {(r0 - first_row, c0) for r0, c0, _, _ in merged}
        printout = section_table(cells, sheet, starts)
        if printout is not None:  # regions as rows of their own: read to the end
            title_rows = head.iloc[: printout.title_rows].to_numpy().tolist()
            return _printout(printout, title_rows, name, spec, "excel", first_row), None
    skip, depth = header_rows(cells)
    below = None if last else _next_table(sheet, cells, skip, depth)
    frame = sheet.iloc[skip + depth : below].reset_index(drop=True)
    top = first_row + skip  # the header's first row in the workbook's sheet
    heads = (
        None
        if merged is None
        else {(r0 - top, c0) for r0, c0, _, _ in merged if top <= r0 < top + depth}
    )
    frame.columns = header_labels(cells[skip : skip + depth], heads)
    header = [str(c).strip() for c in frame.columns]
    unit, label = _key_and_name(header, spec)
    rows = np.arange(len(frame)) + first_row + skip + depth + 1
    keys = [c for c in (unit, label) if c]
    decimal = spec.decimal or typed_decimal(frame.drop(columns=keys, errors="ignore"))
    title = _title(head.iloc[:skip].to_numpy().tolist())
    table = _dated_by_title(
        title,
        spec,
        lambda dated: _frame_source(frame, rows, dated, name, "excel", (unit, label), decimal),
        header,
    )
    table.title = title
    return table, below


def _may_be_printout(spec: SourceSpec) -> bool:
    """Whether a source may be read as a printout: it names no key column, no layout and
    no pivot of its own (those say how to read it)."""
    return spec.unit_column is None and spec.layout == "auto" and not spec.pivot


def _printout(
    printout: Sections,
    title_rows: list[list[Any]],
    name: str,
    spec: SourceSpec,
    fmt: str,
    first_row: int = 0,
) -> Table:
    """A statistics database's printout (:mod:`~mint_index.data.printouts`) read as the
    plain table it was made into: its categories read as ``pivot``, its rows named as
    the sheet or file numbers them, dated as any table by its title (``title_rows``)."""
    frame, rows = printout.frame, printout.rows + first_row + 1
    read = spec.model_copy(update={"pivot": [printout.category]})
    decimal = spec.decimal or typed_decimal(frame.iloc[:, 3:])
    title = _title(title_rows)
    table = _dated_by_title(
        title,
        read,
        lambda dated: _frame_source(frame, rows, dated, name, fmt, ("unit", "name"), decimal),
        [str(c) for c in frame.columns],
    )
    table.title = title
    table.decimal = decimal if fmt == "csv" else None  # a workbook's numbers are numbers
    return table


def _csv_printout(
    head: list[list[str]], text: str, sep: str, name: str, spec: SourceSpec
) -> Table | None:
    """A CSV file that is a statistics database's printout, read as one (see
    :func:`_printout`); ``None`` for any other. Only a file whose first rows hold a
    column numbering and a region in a row of its own is read whole to look closer."""
    if not _may_be_printout(spec):
        return None
    alone = any(
        row and KEYED_NAME.match(row[0]) and not any(c.strip() for c in row[1:]) for row in head
    )
    if not alone or not any(column_numbering(row) for row in head):
        return None
    records = list(csv.reader(io.StringIO(text, newline=None), delimiter=sep))
    width = max(len(row) for row in records)
    sheet = pd.DataFrame([row + [""] * (width - len(row)) for row in records], dtype=object)
    sheet = sheet.where(sheet.map(lambda cell: bool(cell.strip())))
    printout = section_table(head, sheet)
    if printout is None:
        return None
    return _printout(printout, head[: printout.title_rows], name, spec, "csv")


def _next_table(sheet: pd.DataFrame, cells: list[list[str]], skip: int, depth: int) -> int | None:
    """Where a second table starts below the one whose header is ``cells[skip:skip+depth]``
    (a sheet row, from 0), or ``None``: the first head of that header (``AGS``, text, not
    a number) heads the same column again, in a row after an empty one or after title
    lines (rows of one filled cell) that follow an empty row. The second table starts at
    its title."""
    if not depth or skip >= len(cells):
        return None
    top = [cell.strip() for cell in cells[skip]]
    first = next((j for j, cell in enumerate(top) if cell), None)
    if first is None or not any(ch.isalpha() for ch in top[first]):
        return None  # a number heads no column of both tables
    column = sheet.iloc[skip + depth :, first]
    texts = column.astype(object).where(column.notna(), "").astype(str).str.strip()
    filled = sheet.iloc[skip + depth :].notna().sum(axis=1).to_numpy()
    for again in np.flatnonzero((texts == top[first]).to_numpy()):
        start = int(again)
        while start > 0 and filled[start - 1] == 1:
            start -= 1  # the title lines of the table below
        if start > 0 and filled[start - 1] == 0:  # after an empty row: a new table
            return skip + depth + start
    return None


def _holds_table(sheet: pd.DataFrame) -> bool:
    """A sheet holds a table when a row of it has two filled cells; a cover, contents or
    notes sheet has none."""
    return bool((sheet.notna().sum(axis=1) >= 2).any())


def _the_sheet_with_a_table(raw: bytes, name: str, spec: SourceSpec) -> Table:
    """A workbook whose first sheet holds no table (a statistical report's cover, contents
    or notes) and whose source names no sheet: the one sheet that holds a table is read,
    as ``file.xlsx[Tab1]``; several (or none) are an error that names them."""
    names = sheet_names(raw)
    sheets = {other: sheet_cells(raw, other) for other in names[1:]}
    tables = [other for other, (cells, _) in sheets.items() if _holds_table(cells)]
    hidden = hidden_sheets(raw)
    seen = [other for other in tables if other not in hidden]  # a hidden helper sheet is
    if len(seen) == 1:  # no table its reader means
        chosen = seen[0]
        return _excel(raw, f"{name}[{chosen}]", _sheet_spec(spec, chosen), read=sheets[chosen])
    listed = [f"{t} (hidden)" if t in hidden else str(t) for t in (seen or tables)]
    return failed_table(
        name,
        f"the first sheet {names[0]!r} holds no table (a cover, contents or notes sheet); "
        f"sheets with a table: {', '.join(listed) or 'none'}; name one (sheet:, --sheet) or "
        "read them all (sheet: '*')",
        "no_table_in_sheet",
    )


def _parquet(raw: bytes, name: str, spec: SourceSpec) -> Table:
    require("pyarrow", "parquet")
    frame = pd.read_parquet(io.BytesIO(raw), engine="pyarrow").reset_index(drop=True)
    unit, label = _key_and_name([str(c) for c in frame.columns], spec)
    rows = np.arange(len(frame))
    table = _frame_source(frame, rows, spec, name, "parquet", (unit, label), ".")
    table.sha256 = sha256_of(raw)
    return table


def _read_template(path: Path, name: str, spec: SourceSpec) -> list[Table]:
    """A filled-in fill-in workbook (``mint-index template``): a table per domain sheet,
    called ``erhebung.xlsx[Bildung und Sprache]``, whose problems name the sheet row and
    the variable's column, where the town's office finds the cell."""
    from mint_index.data import template

    try:
        sheets = template.read_template_sheets(path)
    except MintIndexError as exc:  # a workbook the reader refuses, said as data problems
        return [failed_table(name, str(exc), "unreadable_file")]
    if not sheets:
        return [failed_table(name, "nothing is filled in", "no_data_rows")]
    tables = []
    for sheet, cells in sheets.items():  # loop over the workbook's sheets (a handful)
        cells[SOURCE_COLUMN] = cells["variable"]
        table = frame_table(
            cells.drop(columns="row"),
            f"{name}[{sheet}]",
            "template",
            rows=cells["row"].to_numpy(),
            year=spec.year,
            layout="long",
            school_year=spec.school_year,
            file_columns=["unit", *pd.unique(cells["variable"])],
        )
        apply_keys(table, spec)
        drop_expected_warnings(table, spec.expected_warnings)
        tables.append(table)
    return tables


# ---- layouts ------------------------------------------------------------------------
def _key_and_name(header: list[str], spec: SourceSpec) -> tuple[str | None, str | None]:
    """The key and name columns: as the source names them, else by their usual names. A
    source that keys its units by name (``key: {match: name}``) has its name column as
    the key column, until the units table gives their keys. Where no head names either,
    a first column without a head holds the rows' labels (a town's sheet leaves the head
    over its Stadtteile empty): it is the name column (a key column where its cells are
    codes of digits, as for a name column's head), or with ``match: name`` the key."""
    headless = header[0] if header and header[0] in ("", _HEADLESS_FIRST) else None
    if spec.key.match == "name":
        named = spec.unit_column or spec.name_column
        if named is not None:
            return find_column(header, named, ()) or named, None
        found = find_name_column(header) or find_column(header, None, ("unit",))
        return found or headless, None
    if spec.unit_column is not None:  # reported as a missing column by frame_table
        unit: str | None = find_column(header, spec.unit_column, ()) or spec.unit_column
    else:
        unit = next(iter(key_columns(header)), None)
    label = find_name_column(header, spec.name_column)
    if label is None and spec.name_column is not None:
        label = spec.name_column
    if unit is None and label is None and spec.unit_column is None and len(header) > 1:
        label = headless
    return unit, (label if label != unit else None)


#: What pandas calls a first column without a head.
_HEADLESS_FIRST = "Unnamed: 0"


def _split_key_and_name(
    frame: pd.DataFrame, unit: str | None, label: str | None
) -> tuple[pd.DataFrame, str | None, str | None]:
    """The key column of a table whose heads do not name one, found by its cells:

    - a column headed like a name column (``Kreis``, ``Gemeinde``) that holds codes
      (``05315``, ``05111``) is the key column, and a head with ``name`` in it
      (``Kreisname``) the names;
    - a column of keys and names in one cell (``05315 Köln, Stadt``,
      :func:`~mint_index.data.cells.keys_in_labels`) becomes the key column (under its
      own name, so problems name it) and the names a ``name`` column.

    The column looked at is the named key column, else the name column, else (for keys
    and names in one cell) the first. Without a named key column every filled cell but a
    total's (``Insgesamt``, or the country's or a Land's name: ``Nordrhein-Westfalen``
    below its Kreise) must be a code, or a key and name, as nothing is guessed. In
    a named key column, labels are split and other cells stay keys as written: a row
    such as ``Deutschland`` is then a unit of that key, which a declared key scheme
    (``key: {scheme: ags}``) reports as no official key."""
    if unit is not None and unit not in frame.columns:
        return frame, unit, label  # reported as missing by frame_table
    column = unit or label or (str(frame.columns[0]) if len(frame.columns) else None)
    if column is None or column not in frame.columns:
        return frame, unit, label
    cells = frame[column]
    text = cells.astype(object).where(cells.notna(), "").astype(str).str.strip()
    # a total's cell, or the country's or a Land's name without a key (the Land's row
    # below its Kreise), is no unit: every other cell must be a code or a key and name
    others = (text != "").to_numpy() & ~total_labels(cells) & ~land_labels(cells)
    codes = others.any() and bool(text[others].str.fullmatch(_CODE).all())
    if unit is None and column == label and codes:
        named = [str(c) for c in frame.columns if c != column and "name" in str(c).casefold()]
        return frame, column, named[0] if named else None
    split, keys, names = keys_in_labels(cells)
    if not split.any():
        return frame, unit, label  # keys or names as they are
    if unit is None:
        if (others & ~split).any():
            return frame, unit, label
        keys = keys.where(split, "")  # a total keeps its words as its name, below
    else:
        keys = keys.where(split, cells)  # a named key column's other cells as written
    frame = frame.copy()
    frame[column] = keys.to_numpy(dtype=object)
    if label is None or label == column:
        label = "name" if "name" not in frame.columns else f"{column} name"
        at = list(frame.columns).index(column) + 1
        frame.insert(at, label, names.where(split, cells).to_numpy(dtype=object))
    return frame, column, label


#: A unit key as a table writes it in its own column: digits, also in groups.
_CODE = r"\d(?:[\d ]*\d)?"


def _frame_source(
    frame: pd.DataFrame,
    rows: np.ndarray,
    spec: SourceSpec,
    name: str,
    fmt: str,
    key_and_name: tuple[str | None, str | None],
    decimal: str,
) -> Table:
    """A plain table (long, wide or with a unit per column) with the source's key/name
    columns, filter, pivot."""
    transposed = spec.layout == "transposed"
    unit, label = (None, None) if transposed else key_and_name  # the heads are the units
    frame = frame.set_axis(stripped_heads(frame.columns), axis=1)
    file_columns = [c for c in frame.columns if not c.startswith("Unnamed: ")]
    frame.index = rows
    frame, notes = blank_and_note_rows(frame, name)
    if not transposed and spec.key.match != "name":  # names are matched as they are
        if spec.unit_column is None:
            frame, unit = row_key_column(frame, unit, spec.year_column)
        frame, unit, label = _split_key_and_name(frame, unit, label)
        if label is None and spec.name_column is None:
            label = name_beside_key(frame, unit, decimal, {*spec.filter, *spec.pivot})
    frame, totals = total_rows(without_headings(frame, unit, label), unit, label, name, decimal)
    blank = [
        c for c in frame.columns if c.startswith("Unnamed: ") and frame[c].isna().all()
    ]  # a trailing separator on every line: a column with neither name nor values
    frame = frame.drop(columns=blank)
    columns = list(frame.columns)
    named = {"name_column": spec.name_column, "year_column": spec.year_column}
    problems = [
        failures_frame(name, None, c, None, f"{option} not found", code="missing_column")
        for option, c in named.items()
        if c and find_column(columns, c, ()) is None
    ]
    if transposed:
        problems += _not_transposed_options(spec, name)
    # the filter names the file's columns: applied before the key, name and year columns
    # take their roles' names
    frame, more = filter_rows(frame, spec.filter, name)
    problems += more
    year = find_year_column(columns, spec.year_column)
    if year is not None and "year" not in frame.columns and year != unit:
        frame = frame.rename(columns={year: "year"})
    renames = {}
    if unit is not None and unit in frame.columns and unit != "unit":
        renames[unit] = "unit"
    if label is not None and label in frame.columns and label != "name":
        renames[label] = "name"
    frame = frame.rename(columns=renames)
    renamed = {"year": year, "unit": unit, "name": label}  # for the problems: the file's names
    problems += _unknown_pivot(spec, frame.columns, name)
    pivot = [c for c in spec.pivot if c in frame.columns]
    layout = spec.layout
    if layout == "auto":
        layout = "long" if {"variable", "value"} <= set(frame.columns) else "wide"
    if layout == "wide" and not pivot and not transposed:
        pivot = _named_variable_column(frame) or (
            variable_column(frame, spec.school_year) if spec.year is None else []
        )
    file_layout = layout  # what the file is, whatever it is read through
    unread = _unread_long_columns(frame, name, pivot) if layout == "long" else pd.DataFrame()
    captions = pd.DataFrame()
    if layout == "wide" and not transposed:
        frame, captions = caption_columns(frame, name, {"unit", "name", "year", *pivot}, decimal)
        frame, numbering = row_number_columns(frame, name)
        frame, codes = variable_code_columns(frame, name, pivot, {"unit", "name", "year"})
        found = [c for c in (captions, numbering, codes) if len(c)]
        captions = pd.concat(found) if found else captions
    if pivot or spec.filter:
        drop = [c for c in spec.filter if c in frame.columns and c not in pivot]
        frame = frame.drop(columns=drop)
    if transposed:
        frame, totals = _total_columns(frame, name, totals)
        long = units_as_columns(frame, pivot, Path(name).stem)
        if "year" not in long.columns and spec.year is None:
            long = years_in_labels(long, spec.school_year)
        rows, frame, layout = long["row"].to_numpy(), long.drop(columns="row"), "long"
    elif pivot:
        if layout == "wide":
            long = wide_to_long(frame, ["unit", "name", "year"], pivot)
            rows, long = long["row"].to_numpy(), long.drop(columns="row")
            if "year" not in long.columns and spec.year is None:
                long = bare_year_heads(long, spec.school_year)
        else:
            long, rows = frame, np.asarray(frame.index)
        long = long.assign(variable=pivot_label(long, pivot)).drop(columns=pivot)
        frame, layout = long, "long"
    elif (
        layout == "wide"
        and spec.year is None
        and (dated := years_as_columns(frame, Path(name).stem, spec.school_year))
    ):
        # a year per column (a district per row): each column's variable and year
        frame, changes = change_columns(frame, dated, name)
        totals = pd.concat([totals, changes], ignore_index=True)
        long = wide_to_long(frame, ["unit", "name"], [])
        heads = long["variable"]
        long["variable"] = heads.map({head: variable for head, (variable, _) in dated.items()})
        long["year"] = heads.map({head: year for head, (_, year) in dated.items()})
        rows, frame, layout = long["row"].to_numpy(), long.drop(columns="row"), "long"
    else:
        rows = np.asarray(frame.index)
    table = frame_table(
        frame.reset_index(drop=True),
        name,
        fmt,
        rows=rows,
        layout=layout,
        year=spec.year,
        unit=spec.unit,
        school_year=spec.school_year,
        source_names={k: v for k, v in renamed.items() if v is not None},
        decimal=decimal,
        file_columns=file_columns,
    )
    table.failures = problems + table.failures
    table.layout = file_layout
    table.warnings += [w for w in (notes, totals, captions, unread) if len(w)]
    if not len(table.cells) and not table.failures:  # a header (and totals), nothing else
        table.failures = [
            failures_frame(
                name,
                None,
                None,
                None,
                "no data rows found (the table has a header but no row of values)",
                code="no_data_rows",
            )
        ]
    return table


#: The columns a long table's cells are read from.
_LONG_COLUMNS = frozenset({"unit", "year", "name", "variable", "value", "missing_reason", "flag"})


def _unread_long_columns(frame: pd.DataFrame, name: str, pivot: Sequence[str]) -> pd.DataFrame:
    """A warning (code ``column_not_read``) for each column of a long table that is none
    of its columns (``flag`` renamed ``Kennzeichen``, a ``Bemerkung``): it was left out
    without a word, and with it every flag of a year's drop."""
    unread = [
        c
        for c in frame.columns
        if c not in _LONG_COLUMNS and c not in pivot and not str(c).startswith("Unnamed: ")
    ]
    if not unread:
        return pd.DataFrame()
    return failures_frame(
        name,
        None,
        unread,
        None,
        "a column a long table does not read (it reads unit, year, variable, value, and "
        "flag, missing_reason, name where given): left out; rename it, or let pivot: name it",
        code="column_not_read",
    )


def transposed_frame_table(frame: pd.DataFrame, spec: SourceSpec, name: str) -> Table:
    """A DataFrame with a unit per column (``layout="transposed"``), read as such a file
    is (rows numbered by its index)."""
    return _frame_source(frame, np.asarray(frame.index), spec, name, "frame", (None, None), ".")


def _not_transposed_options(spec: SourceSpec, name: str) -> list[pd.DataFrame]:
    """Options that name a key or name column, which a table with a unit per column has
    not (its heads are the units)."""
    return [
        failures_frame(
            name,
            None,
            getattr(spec, option),
            None,
            f"{option} does not apply to layout transposed: the column heads are the units",
            code="unsupported_option",
        )
        for option in ("unit_column", "name_column", "unit")
        if getattr(spec, option) is not None
    ]


def _total_columns(
    frame: pd.DataFrame, name: str, totals: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A table with a unit per column without its total columns (``Insgesamt``,
    ``Stadt gesamt``), each a warning (code ``total_row``), as a total row is."""
    heads = pd.Series([str(c) for c in frame.columns], dtype=object)
    total = total_labels(heads) & ~heads.isin(["year"]).to_numpy()
    dropped = heads[total].tolist()
    found = failures_frame(
        name,
        np.full(len(dropped), None, dtype=object),
        np.array(dropped, dtype=object),
        np.full(len(dropped), None, dtype=object),
        "a total over the table's units, not a unit: not read",
        code="total_row",
    )
    return frame.drop(columns=dropped), pd.concat([totals, found], ignore_index=True)


#: Heads of a column that names the variable of each row (a town's open data: ``Land;
#: Stadt; Kategorie; Merkmal; Stadtteilnummer; Stadtteil; insgesamt; männlich; weiblich``).
_VARIABLE_HEAD = re.compile(r"^(?:merkmal|indikator|kennzahl|variable|indicator)$", re.IGNORECASE)


def _named_variable_column(frame: pd.DataFrame) -> list[str]:
    """The column headed ``Merkmal`` (or ``Indikator``, ``Kennzahl``, ``Variable``) whose
    text names each row's variable, read as a ``pivot`` column: its text joins the heads
    of the value columns (``insgesamt | Ausländer``), with the column of their units of
    measure beside it where there is one (``Indikator; Einheit; 2019; 2020``, a Wegweiser
    Kommune export), as :func:`~mint_index.data.year_heads.variable_column` takes it.
    Empty unless exactly one column is so headed and it holds text, not figures."""
    named = [c for c in frame.columns if _VARIABLE_HEAD.match(str(c).strip())]
    if len(named) != 1 or named[0] in ("unit", "name", "year"):
        return []
    measures = [c for c in frame.columns if is_measure_head(c) and holds_text(frame[c])]
    return [*named, *measures] if holds_text(frame[named[0]]) else []


def _unknown_pivot(spec: SourceSpec, columns: pd.Index, name: str) -> list[pd.DataFrame]:
    """A ``pivot`` column the file does not have (a typo would change every label)."""
    return [
        failures_frame(
            name,
            None,
            c,
            None,
            column_not_there("pivot", columns),
            code="missing_column",
        )
        for c in spec.pivot
        if c not in columns
    ]


def _long_table(
    long: pd.DataFrame,
    classes: list[str],
    spec: SourceSpec,
    name: str,
    fmt: str,
    raw: bytes,
    encoding: str,
    decimal: str,
) -> Table:
    """A flat or Open SDG long frame: filter, then pivot every class column left (or
    those ``pivot`` names) into the label, then the cells."""
    rows = np.asarray(long.index) + 2  # the index: positions among the file's rows
    long.index = rows
    long, problems = filter_rows(long, spec.filter, name)
    problems += _unknown_pivot(spec, long.columns, name)
    pivot = [c for c in spec.pivot if c in long.columns] or [
        c for c in classes if c not in spec.filter
    ]
    long = long.assign(variable=pivot_label(long, pivot))
    long = long.drop(columns=[c for c in classes if c in long.columns])
    table = frame_table(
        long.reset_index(drop=True),
        name,
        fmt,
        rows=np.asarray(long.index),
        layout="long",
        year=spec.year,
        unit=spec.unit,
        school_year=spec.school_year,
        source_names={"year": "time" if fmt == "genesis-flat" else "Year"},
        decimal=decimal,
        sha256=sha256_of(raw),
        encoding=encoding,
    )
    table.failures = problems + table.failures
    return table


# ---- keys and labels ----------------------------------------------------------------
def apply_keys(table: Table, spec: SourceSpec) -> None:
    """Prefix and pad keys and record the key scheme (declared or recognised); on
    categories only. Names (``key: {match: name}``) are no keys yet: the units table gives
    them theirs."""
    if spec.key.match == "name":
        return
    units = table.cells["unit"]
    categories = np.asarray(units.cat.categories, dtype=object)
    keys, scheme = apply_key_spec(categories, spec.key)
    table.key_scheme = scheme
    if spec.key.scheme in ("ags", "ars"):
        _keys_outside_the_scheme(table, categories, spec.key.scheme)
    if spec.key.pad is None and spec.key.prefix is None:
        return
    # the declared width or prefix restores what a number lost: no longer a problem
    table.failures = [f[f["code"] != "numeric_keys"] for f in table.failures]
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object))
    table.cells["unit"] = pd.Categorical.from_codes(
        codes[units.cat.codes.to_numpy()], pd.Index(uniques, dtype=object)
    )
    if table.names is not None:
        padded = dict(zip(categories, keys, strict=True))
        table.names.index = [padded.get(k, k) for k in table.names.index]


def _keys_outside_the_scheme(table: Table, keys: np.ndarray, scheme: str) -> None:
    """A declared official scheme: a key that is no official key (not 1-12 digits, nor
    ``DG``) is reported at its first row; short numeric keys are left to the lost-zero
    check of validation, which looks for evidence."""
    text = pd.Series(keys, dtype=object).astype(str)
    official = text.str.fullmatch(r"[0-9]{1,12}") | (text == "DG")
    wrong = np.flatnonzero(~official.to_numpy())
    if not len(wrong):
        return
    first = first_rows(table.cells["unit"].cat.codes.to_numpy(), len(keys))[wrong]
    table.failures.append(
        failures_frame(
            table.source,
            table.cells["row"].to_numpy()[first],
            "unit",
            text.iloc[wrong].to_numpy(),
            f"not an official key, but the source declares key scheme {scheme}",
            code="key_not_in_scheme",
        )
    )


def full_labels(table: Table) -> dict[str, str]:
    """Variable -> its full source label (the key a mapping uses)."""
    return {
        str(v): table.labels.get(str(v), str(v)) for v in table.cells["variable"].cat.categories
    }


def map_table(
    table: Table, mapping: Mapping[str, str] | None, framework: Any
) -> tuple[Table, set[str]]:
    """The source's ``mapping``, else the framework's catalog, applied to one Table; the
    values of a variable the table dates a year before it are then moved one year on
    (:func:`to_their_year`).

    Returns the table and the mapping keys it used (empty when nothing was mapped).
    """
    used: set[str] = set()
    if mapping:
        table, used = apply_mapping(table, mapping)
    elif framework is not None and table.table:
        found = catalog_mapping(
            table.table, full_labels(table).values(), framework, table.title or ""
        )
        if found:
            table, used = apply_mapping(table, found)
    if used:
        to_their_year(table, framework)
    return table, used


def to_their_year(table: Table, framework: Any) -> None:
    """Move the values of the variables that ``table`` (an official table) dates a year
    before their own (``previous_year``: the foreigners at the start of 2023 are the
    table's 31.12.2022) one year on, and record them in ``table.moved``."""
    later = previous_year_variables(table.table, framework)
    later &= {str(v) for v in table.cells["variable"].cat.categories}
    if not later:
        return
    cells = table.cells
    moved = cells["variable"].isin(sorted(later)).to_numpy()
    years = cells["year"].to_numpy()
    cells["year"] = years + moved.astype(years.dtype)
    table.moved = frozenset(later)


#: The longest id made from a label (an id may have 64 characters; ``_2`` may follow).
_ID_LENGTH = 60
#: Words an id too long leaves out first: articles and the prepositions that carry no
#: meaning of their own. Not ``unter``, ``über``, ``ohne``, ``mit``, ``oder`` (``18 bis
#: unter 25 Jahre``, ``Wohngebäude ohne Wohnheime``).
_FILLER = frozenset(
    {
        *("der", "die", "das", "des", "dem", "den", "ein", "eine", "einer", "und"),
        *("im", "in", "am", "an", "auf", "aus", "bei", "nach", "von", "vom", "zu", "zum"),
        *("zur", "fuer", "the", "of", "and", "for", "on", "at", "by"),
    }
)


def _slug(text: str) -> str:
    """``Gültige Stimmen`` -> ``gueltige_stimmen``: lower-case ASCII words joined by ``_``,
    umlauts spelt out as ASCII exports spell them, ``%`` as ``prozent``
    (``Ausländeranteil in %`` -> ``auslaenderanteil_in_prozent``, not ``..._in``)."""
    text = text.casefold().translate(ASCII_UMLAUTS).replace("%", " prozent ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _fitted(words: list[str]) -> str:
    """Words joined into an id of at most :data:`_ID_LENGTH` characters, each cut to the
    same length where they are too many (``beschaeft_vollzeit_dienstver_beamte``): the
    last resort of :func:`label_ids` keeps a piece of every word rather than none of the
    last ones."""
    # no word longer than an id can stand in one: start there (a label of a million
    # characters, one step at a time, took seconds)
    longest = min(max((len(w) for w in words), default=0), _ID_LENGTH)
    while longest > 3 and len("_".join(w[:longest] for w in words)) > _ID_LENGTH:
        longest -= 1
    return "_".join(w[:longest] for w in words)[:_ID_LENGTH].rstrip("_")


def label_ids(labels: list[str], taken: set[str]) -> list[str]:
    """Framework variable ids made from the labels of one source (``Gültige Stimmen | SPD``
    -> ``gueltige_stimmen_spd``), unique among ``taken`` (``_2`` where two come out alike).

    When a label is too long for an id, every label of the source is shortened the same
    way, so that their ids read alike: levels all of them share (the statistic's name,
    repeated in each label of a flat or Open SDG file) are left out, then small words
    (:data:`_FILLER`), then the last words of the longest level that is still in a label
    too long, one word at a time. Every level keeps a word: the levels are what tell the
    variables apart (``weiblich | deutsch | Agrar-, Forst- und Ernährungswissensch.,
    Veterinär`` keeps ``weiblich`` and ``deutsch``)."""
    levels = [label.split(" | ") for label in labels]
    # at most as many words of a level as an id could hold (one letter and a ``_`` each):
    # the words after those are cut first anyway, one at a time (100,000 words: minutes)
    words = {
        level: tuple(w for w in _slug(level).split("_") if w)[: _ID_LENGTH // 2 + 1]
        for parts in levels
        for level in parts
    }

    def length(parts: list[str]) -> int:
        return len("_".join(w for level in parts for w in words[level]))

    over = [parts for parts in levels if length(parts) > _ID_LENGTH]
    if over and len(levels) > 1:
        shared = set(levels[0]).intersection(*levels[1:])
        levels = [[lv for lv in parts if lv not in shared] or parts for parts in levels]
    if over:
        words = {lv: tuple(w for w in ws if w not in _FILLER) or ws for lv, ws in words.items()}
    over = [parts for parts in levels if length(parts) > _ID_LENGTH]
    kept: set[str] = set()  # levels that would read like another level with a word less
    while over:
        cut = {lv for parts in over for lv in parts if len(words[lv]) > 1 and lv not in kept}
        if not cut:
            break
        longest = max(cut, key=lambda level: (len("_".join(words[level])), level))
        if words[longest][:-1] in words.values():
            kept.add(longest)
            continue
        words[longest] = words[longest][:-1]
        over = [parts for parts in over if length(parts) > _ID_LENGTH]
    ids = []
    for parts in levels:
        base = _fitted([w for level in parts for w in words[level]]) or "variable"
        if not base[0].isalpha():
            base = "v_" + base
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        ids.append(name)
    return ids
