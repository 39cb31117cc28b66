"""Readers: what every format shares on the way from a table to tidy cells.

CSV text, workbook sheets (read in :mod:`mint_index.data.workbooks`), Parquet files and
DataFrames become frames (:func:`raw_csv_frame`) and tidy cells (:func:`frame_table`); which
reader a file needs is decided in :mod:`mint_index.data.sources`, the one path of a
project's sources and of ``load_data``. Every reader returns a :class:`Table`: the tidy
cells of one source (``unit, year, variable, value, missing_reason, flag`` plus ``row`` and
``column`` to point at the cell in the source) and the problems it found while reading
(:mod:`mint_index.data.problems`).

What a cell means (figures, official symbols, years, keys) is
:mod:`mint_index.data.cells`' business; where a plain table's header is and which of its
rows are not data, :mod:`mint_index.data.plain_tables`'. This module reads the text of a
file (its encoding, separator and sample) and lays a frame out as cells, long or wide.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from mint_index.data.cells import (
    FLAG,
    FOOTNOTE_MARK,
    KEYED_NAME,
    NA_TEXT,
    REASON,
    VALUE_FLAGS,
    Parsed,
    bad_cells,
    cell_warnings,
    empty_cells,
    key_text,
    make_cells,
    month_stamps,
    not_numbers,
    parse_cells,
    parse_years,
    per_unique,
    sniff_decimal,
    year_failures,
)
from mint_index.data.dataset import FLAGS, MISSING_REASONS
from mint_index.data.problems import failures_frame, first_rows, source_columns
from mint_index.errors import MintIndexError

__all__ = [
    "SAMPLE_CHARS",
    "SOURCE_COLUMN",
    "Table",
    "concat_cells",
    "detect_encoding",
    "frame_sha256",
    "frame_table",
    "raw_csv_frame",
    "read_csv_table",
    "require",
    "sha256_of",
    "sniff_separator",
    "stacked",
    "stripped_heads",
    "text_sample",
    "unit_keys",
    "unreadable_csv",
]

_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


#: The column a long frame made from a wide table keeps each cell's source column in.
SOURCE_COLUMN = "_source_column"


KEY_COLUMNS = ("unit", "year", "variable", "value", "missing_reason", "flag", "name")


@dataclass
class Table:
    """The tidy cells of one source and what reading it found.

    ``cells`` has ``unit`` (categorical text), ``year`` (int), ``variable`` (categorical),
    ``value`` (float, NaN where missing), ``missing_reason`` and ``flag`` (categoricals
    over :data:`~mint_index.data.dataset.MISSING_REASONS` /
    :data:`~mint_index.data.dataset.FLAGS`, so their codes are the Dataset codes), ``row``
    (row number in the source) and ``column`` (column label in the source).
    """

    cells: pd.DataFrame
    source: str
    format: str
    layout: str
    rows: int
    sha256: str | None = None
    encoding: str | None = None
    failures: list[pd.DataFrame] = field(default_factory=list)
    warnings: list[pd.DataFrame] = field(default_factory=list)
    #: unit -> name as the source spells it (GENESIS region names, a ``name`` column)
    names: pd.Series | None = None
    #: variable -> further labels a mapping may use for it (GENESIS full column labels)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    #: the table code of an official export (``12411-01-01-4``), where the file names it
    table: str | None = None
    #: the title of an official export
    title: str | None = None
    #: variable -> its full source label, where it differs (what a mapping keys on)
    labels: dict[str, str] = field(default_factory=dict)
    #: ags, ars or own: how the unit keys are read (see :mod:`mint_index.data.keys`)
    key_scheme: str | None = None
    #: the units an official table names, not keys, which ``key: {match: name}`` keys by
    #: the units table: some (a GENESIS table naming Kreise beside its Land's key), or all
    #: (an Open SDG file without ``GeoCode``); ``None`` where the format decides (a plain
    #: table's unit column holds names or keys as its source says)
    named_units: frozenset[str] | None = None
    #: written by a statistics office's export (a GENESIS table, a flat file, an Open SDG
    #: file), whatever it was kept in: a workbook does not make it a town's own table
    official: bool = False
    #: the rows of units the units table does not list are left out, with a warning,
    #: not reported as errors (``other_units``: an official export's other regions)
    leaves_out_other_units: bool = False
    #: codes of the warnings its source expects and leaves out (``expected_warnings``):
    #: those of reading, and ``other_units``, which the units table gives later
    expected_warnings: frozenset[str] = frozenset()
    #: row -> name of the rows that name a region but give no key (``;Ostniedersachsen;``):
    #: what the error about each such row shows
    keyless_names: pd.Series | None = None
    #: the separator and decimal mark of a text file
    separator: str | None = None
    decimal: str | None = None
    #: the sheet of a workbook it is, where its source reads several (``sheet: "*"``)
    sheet: str | int | None = None
    #: variables whose values were moved a year on: the table dates them a year before
    #: their own (:func:`~mint_index.data.sources.to_their_year`)
    moved: frozenset[str] = frozenset()

    def rename(self, source: str) -> None:
        """Call this table ``source``, in its problems too: two sources of a project may
        read one file (a sheet each), and a build tells its sources apart by name."""
        old, self.source = self.source, source
        self.failures = [_renamed(f, old, source) for f in self.failures]
        self.warnings = [_renamed(w, old, source) for w in self.warnings]


def stacked(first: Table, second: Table) -> Table:
    """Two tables of one source, one below the other in a sheet, as one: their cells,
    problems, names and labels; the first one's format, layout and title."""
    names = [n for n in (first.names, second.names) if n is not None]
    joined = pd.concat(names) if len(names) > 1 else (names[0] if names else None)
    aliases = {**second.aliases}
    for variable, labels in first.aliases.items():
        aliases[variable] = list(dict.fromkeys([*labels, *aliases.get(variable, [])]))
    keyless = [k for k in (first.keyless_names, second.keyless_names) if k is not None]
    return Table(
        concat_cells([first.cells, second.cells]),
        first.source,
        first.format,
        first.layout,
        first.rows + second.rows,
        failures=first.failures + second.failures,
        warnings=first.warnings + second.warnings,
        names=None if joined is None else joined[~joined.index.duplicated()],
        aliases=aliases,
        title=first.title,
        labels={**second.labels, **first.labels},
        keyless_names=pd.concat(keyless) if keyless else None,
    )


def concat_cells(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Cells of several tables (:class:`Table`) as one frame; categoricals stay
    categoricals, over the union of their categories."""
    from pandas.api.types import union_categoricals

    return pd.DataFrame(
        {
            "unit": union_categoricals([_object_categories(p["unit"]) for p in parts]),
            "year": np.concatenate([p["year"].to_numpy(np.int64) for p in parts]),
            "variable": union_categoricals([_object_categories(p["variable"]) for p in parts]),
            "value": np.concatenate([p["value"].to_numpy(np.float64) for p in parts]),
            "missing_reason": pd.Categorical.from_codes(
                np.concatenate([p["missing_reason"].cat.codes for p in parts]),
                pd.Index(MISSING_REASONS),
            ),
            "flag": pd.Categorical.from_codes(
                np.concatenate([p["flag"].cat.codes for p in parts]), pd.Index(FLAGS)
            ),
            "row": np.concatenate([p["row"].to_numpy(np.int64) for p in parts]),
            "column": union_categoricals(
                [_object_categories(p["column"].astype(str).astype("category")) for p in parts]
            ),
        },
        copy=False,
    )


def _object_categories(column: pd.Series) -> pd.Categorical:
    """The column with its categories as plain objects: under pandas 3 an empty or text
    categorical may have ``str`` categories, and union_categoricals refuses to mix them."""
    values = column.array
    return pd.Categorical.from_codes(
        np.asarray(values.codes),
        pd.Index(np.asarray(values.categories, dtype=object), dtype=object),
    )


def _renamed(problems: pd.DataFrame, old: str, new: str) -> pd.DataFrame:
    if "source" not in problems.columns:
        return problems
    return problems.assign(source=problems["source"].replace(old, new))


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def frame_sha256(frame: pd.DataFrame) -> str:
    """A content hash of a DataFrame (values, index and column names)."""
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    digest.update("\x1f".join(map(str, frame.columns)).encode())
    return digest.hexdigest()


def detect_encoding(raw: bytes) -> str:
    """UTF-32 or UTF-16 with a byte order mark, UTF-8 (with or without BOM) if the bytes
    decode as such, else Windows-1252, else Latin-1. Windows-1252 and Latin-1 agree on
    every letter German data use."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16's
        return "utf-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return "utf-16"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        undefined = any(byte in raw for byte in _CP1252_UNDEFINED)
        return "latin-1" if undefined else "cp1252"
    return "utf-8"


def not_in_encoding(raw: bytes, exc: UnicodeDecodeError) -> str:
    """Why a file cannot be read in the encoding it was given or found to have, at the
    line and byte of the file where it stops: a parser that decodes a cell at a time
    gives a position inside the cell."""
    try:
        raw.decode(exc.encoding)
        where = ""  # only a piece of the file was decoded wrongly
    except UnicodeDecodeError as whole:
        line = raw.count(b"\n", 0, whole.start) + 1
        where = f"line {line}, byte {whole.start}: "
        exc = whole
    return (
        f"cannot read: not {exc.encoding} text ({where}{exc.reason}); give the file's "
        "encoding: encoding, --encoding (e.g. cp1252, utf-8, utf-16)"
    )


def bytewise(raw: bytes, encoding: str) -> tuple[bytes, str]:
    """The bytes of a text file as readers that work on bytes need them, one byte for each
    ASCII character, with their encoding: a file in UTF-16 or UTF-32 (Excel's "Unicode
    text") as UTF-8, any other as it is."""
    if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        return raw.decode(encoding).encode("utf-8"), "utf-8"
    return raw, encoding


#: How much of a text file its head is read from (separator, header, decimal mark).
SAMPLE_CHARS = 65536


#: Lines at the top of a text file that hold nothing but separators and spaces (the rows
#: a spreadsheet wrote above its table, ``;;;``).
_EMPTY_LINES = re.compile(r"(?:[ \t;,|]*\r?\n)*")
_EMPTY_LINES_BYTES = re.compile(_EMPTY_LINES.pattern.encode())  # the same, in raw bytes


def text_sample(text: str, size: int = SAMPLE_CHARS) -> str:
    """The first ``size`` characters of ``text`` cut after its last whole record: at a line
    end outside quotes, so that no reader of the sample meets a quoted cell cut in half
    (a table of long rows may not fit 200 rows in the sample). A first line longer than
    ``size`` (a header of 12,000 columns) is taken whole, where ``text`` holds its end.
    Empty lines at the top are taken beyond ``size``: the header below them must be in
    the sample, however many there are."""
    lead = _EMPTY_LINES.match(text)
    if lead is not None and lead.end():
        return text[: lead.end()] + text_sample(text[lead.end() :], size)
    if len(text) <= size:
        return text
    head = text[:size]
    end = head.rfind("\n")
    while end > 0 and head.count('"', 0, end) % 2:  # a line break inside a quoted cell
        end = head.rfind("\n", 0, end)
    if end > 0:
        return head[: end + 1]
    first = text.find("\n", size)
    return text[: first + 1] if first >= 0 else head


def sniff_separator(sample: str) -> str:
    """The separator that splits most of the first lines into the same number of fields.

    Most, not all: a title above the table (``Bevölkerung, Stand 31.12.2023``) or a source
    line below it has its own count of any separator, while the table's lines share one.
    Of the separators found, the one whose most common count (above zero) the most lines
    share wins, then the one splitting them into more fields; ``;`` wins ties, as German
    files use it together with a decimal comma, which makes comma counts vary from line
    to line. A file with none of them is split at its first line's most frequent one.
    """
    # the last line may be cut off by the sample's end: left out, unless it is the only
    # one (a header of 12,000 columns longer than the sample)
    filled = [line for line in sample.splitlines()[:50] if line.strip()]
    lines = filled[:-1] or filled[:1] or [""]
    best, best_share = ",", (0, 0)
    for sep in (";", "\t", ",", "|"):
        counts = Counter(line.count(sep) for line in lines)
        counts.pop(0, None)  # lines without it (a title) say nothing about it
        if not counts:
            continue
        count, lines_sharing = max(counts.items(), key=lambda item: (item[1], item[0]))
        if (lines_sharing, count) > best_share:
            best, best_share = sep, (lines_sharing, count)
    if best_share == (0, 0):
        best = max((";", "\t", ",", "|"), key=lines[0].count)
    return best


def _section_rows(frame: pd.DataFrame, rows: np.ndarray) -> str | None:
    """Where a table without a key column names its regions in rows of their own (a
    statistics database's printout: ``0 Niedersachsen``, ``1 Braunschweig`` alone in the
    first column, each above the rows of its categories): the first of them, as
    ``'1 Braunschweig' (row 51)``; None unless there are two or more."""
    if frame.shape[1] < 2 or not len(frame):
        return None
    first = frame.iloc[:, 0].astype(object)
    alone = frame.iloc[:, 1:].isna().all(axis=1).to_numpy() & first.notna().to_numpy()
    text = first.where(alone, "").astype(str)
    named = np.flatnonzero(text.str.match(KEYED_NAME).to_numpy())
    if len(named) < 2:
        return None
    return f"{text.iloc[named[0]].strip()!r} (row {rows[named[0]]})"


# ---- tables (DataFrames from any format) --------------------------------------------
def unit_keys(
    keys: pd.Series, source: str, rows: np.ndarray, column: str
) -> tuple[np.ndarray, list[pd.DataFrame]]:
    """Unit keys as text, and a problem wherever they arrived as numbers: a number has no
    leading zero, so ``1001000`` may be the AGS ``01001000`` - reported, never guessed."""
    failures = []
    if pd.api.types.is_numeric_dtype(keys.dtype) or pd.api.types.is_bool_dtype(keys.dtype):
        failures.append(
            failures_frame(
                source,
                None,
                column,
                str(keys.dtype),
                f"unit keys are numbers ({keys.dtype}), so leading zeros may be lost; "
                "pass them as text (e.g. read with dtype=str), or say how to read them "
                "(key={'pad': 'auto'} for official keys, key={'pad': 8}, key={'prefix': '03'})",
                code="numeric_keys",
            )
        )
    elif keys.dtype == object:
        codes, uniques = pd.factorize(keys)
        numeric = np.flatnonzero(pd.Series(uniques, dtype=object).map(type).isin([int, float]))
        if len(numeric):
            at = first_rows(codes, len(uniques))[numeric]
            failures.append(
                failures_frame(
                    source,
                    rows[at],
                    column,
                    keys.iloc[at].astype(str).to_numpy(),
                    "unit key stored as a number, so a leading zero may be lost; "
                    "store keys as text, or say how to read them (key: {pad: auto} restores "
                    "the zeros of official keys, key: {pad: 8} pads every key to 8 digits; "
                    'key: {prefix: "03"} for keys written without their Land\'s)',
                    code="numeric_keys",
                )
            )
    return key_text(keys), failures


def frame_table(
    frame: pd.DataFrame,
    source: str,
    fmt: str,
    *,
    rows: np.ndarray | None = None,
    layout: str | None = None,
    unit_column: str = "unit",
    year_column: str = "year",
    year: int | None = None,
    unit: str | None = None,
    school_year: str | None = None,
    source_names: dict[str, str] | None = None,
    decimal: str = ".",
    sha256: str | None = None,
    encoding: str | None = None,
    file_columns: Sequence[str] | None = None,
) -> Table:
    """Tidy cells from a long or wide table (the common step of every non-GENESIS reader).

    ``rows`` numbers the frame's rows as the user sees them in the source (file line,
    sheet row); by default the frame's own index. ``year`` and ``unit`` date and place a
    table that has no year or no key column (a department's table of its own town, one row
    per year); a column in the source wins over either. ``school_year`` (``start`` or
    ``end``) says which calendar year a school year in the year column counts in
    (:func:`~mint_index.data.cells.parse_years`). ``source_names`` maps a column the
    reader renamed (``unit``, ``year``, ``name``) back to the source's name (``AGS``,
    ``Jahr``), for the problems;
    ``file_columns`` are the source's own columns, which a missing column's problem
    lists (default: the frame's; a reader that melted the table passes the file's).
    """
    named = source_names or {}
    frame = frame.set_axis(stripped_heads(frame.columns), axis=1)
    rows = np.asarray(frame.index if rows is None else rows)
    failures: list[pd.DataFrame] = []
    columns = list(frame.columns)
    if layout is None:
        layout = "long" if {"variable", "value"} <= set(columns) else "wide"
    if layout not in ("long", "wide"):
        raise MintIndexError(f"unknown layout {layout!r}; valid layouts: long, wide")
    need = ["variable", "value"] if layout == "long" else []
    if unit is None or unit_column in columns:
        unit = None  # a key column in the source wins over ``unit=``
        need.insert(0, unit_column)
    if year is None or year_column in columns:
        year = None  # a year column in the source wins over ``year=``
        need.append(year_column)
    absent = [c for c in need if c not in columns]
    if absent:
        hint = {
            unit_column: " (name it: unit_column, --unit-column; or give the key of a file "
            "about one place: unit, --unit; or, for a table with a unit per column, layout: "
            "transposed, --layout transposed)",
            year_column: " (name it: year_column; or give the year: year, --year)",
        }
        if "name" in columns:  # a town's table of its districts by name, without keys
            where = named.get("name", "name")
            where = "its first column (no head)" if where == "Unnamed: 0" else repr(where)
            hint[unit_column] = (
                f" (the file names its units in {where} without a key: "
                "key them by the names in the units table with key: {match: name}, --key "
                "match=name; or name the key column: unit_column, --unit-column)"
            )
        elif (sections := _section_rows(frame, rows)) is not None:
            hint[unit_column] = (
                f" (the table names its regions in rows of their own, {sections}, above the "
                "rows of their figures: mint-index reads such a printout as the database "
                "saves it, with its column numbering (1 | 2 | 3 ...) right above the first "
                "region's row, or a table with a region per row and its key in a column; "
                "download the table again or save it so)"
            )
        heads = [named.get(c, c) for c in (columns if file_columns is None else file_columns)]
        failures += [
            failures_frame(
                source,
                None,
                c,
                None,
                f"required column missing{hint.get(c, '')}; columns are: "
                + ", ".join(heads)
                + _other_input(heads),
                code="missing_column",
            )
            for c in absent
        ]
        return Table(empty_cells(), source, fmt, layout, len(frame), sha256, encoding, failures)

    if unit is None:
        units, more = unit_keys(frame[unit_column], source, rows, unit_column)
        failures += more
    else:
        units = np.full(len(frame), unit.strip(), dtype=object)
    year_notes: list[pd.DataFrame] = []
    if year is None:
        years, bad_year = parse_years(month_stamps(frame[year_column]), school_year)
        if bad_year.any():
            bad = np.flatnonzero(bad_year)
            failures.append(
                year_failures(source, rows[bad], year_column, frame[year_column].iloc[bad])
            )
        year_notes = _marked_years(source, rows, year_column, frame[year_column], bad_year)
    else:
        years, bad_year = np.full(len(frame), int(year), dtype=np.int64), np.zeros(len(frame), bool)

    names = keyless = None
    if "name" in columns:
        codes, keys = pd.factorize(units)
        first = first_rows(codes, len(keys))
        names = pd.Series(key_text(frame["name"].iloc[first])[: len(keys)], index=keys)
        no_key = np.asarray(units, dtype=object) == ""
        if no_key.any():
            keyless = pd.Series(key_text(frame["name"][no_key]), index=rows[no_key])

    keep = ~bad_year
    if layout == "long":
        cells, more, warnings = _long_cells(
            frame[keep], source, rows[keep], units[keep], years[keep], decimal
        )
    else:
        ids = {unit_column, year_column, "name"}
        value_columns = [c for c in columns if c not in ids]
        cells, more, warnings = _wide_cells(
            frame.loc[keep, value_columns], source, rows[keep], units[keep], years[keep], decimal
        )
    return Table(
        cells,
        source,
        fmt,
        layout,
        len(frame),
        sha256,
        encoding,
        source_columns(failures + more, named),
        source_columns(year_notes, named) + warnings,
        names=names,
        keyless_names=keyless,
    )


def _other_input(heads: Sequence[str]) -> str:
    """What to do with a file given as data that has another input's columns: a units
    table or a measures register left in a data folder is the usual case."""
    from mint_index.measures import looks_like_register

    if looks_like_register(heads):
        return (
            "; this is a measures register, not data: give it as the measures "
            "(measures: in the project file, or --measures)"
        )
    from mint_index.data.layouts import POPULATION_HEAD

    if "name" in {h.strip().casefold() for h in heads} or any(
        POPULATION_HEAD.match(h.strip()) for h in heads
    ):
        return (
            "; if this is the units table, give it as the units, not as data "
            "(units: in the project file, --units)"
        )
    return ""


def _marked_years(
    source: str, rows: np.ndarray, column: str, cells: pd.Series, bad: np.ndarray
) -> list[pd.DataFrame]:
    """Warnings for the year cells read despite a footnote mark (``2023¹``, ``2023 1)``:
    often "provisional", which the mark's note says and no flag records); code
    ``footnote_mark``, as for a figure."""
    marked = per_unique(cells, lambda distinct: distinct.astype(str).str.contains(FOOTNOTE_MARK))
    at = np.flatnonzero(marked.astype(bool) & ~bad)
    if not len(at):
        return []
    reason = (
        "a year with a footnote mark; read as the year (the table's notes say what the mark means)"
    )
    text = cells.iloc[at].astype(str).to_numpy()
    return [failures_frame(source, rows[at], column, text, reason, code="footnote_mark")]


def _wide_cells(
    frame: pd.DataFrame,
    source: str,
    rows: np.ndarray,
    units: np.ndarray,
    years: np.ndarray,
    decimal: str,
) -> tuple[pd.DataFrame, list[pd.DataFrame], list[pd.DataFrame]]:
    """Wide: one column per variable. The columns stored as numbers, and those stored as
    text, are each parsed as one column of cells, column after column: a table of
    thousands of columns costs two passes, not one per column (a few milliseconds each).
    Their problems are laid out together too, in the order of the columns: a column of
    text is one problem (:func:`~mint_index.data.cells.bad_cells`), every other cell that
    is no number one. Returns the cells, the failures and the warnings."""
    n_rows, n_cols = frame.shape
    value = np.empty((n_cols, n_rows))
    reason = np.empty((n_cols, n_rows), np.int8)
    flag = np.empty((n_cols, n_rows), np.int8)
    failures: list[tuple[np.ndarray, pd.DataFrame]] = []  # with each row's column
    warnings: list[tuple[np.ndarray, pd.DataFrame]] = []
    heads = np.asarray(frame.columns, dtype=object)
    numeric = np.array([pd.api.types.is_numeric_dtype(t) for t in frame.dtypes], dtype=bool)
    for group in (np.flatnonzero(numeric), np.flatnonzero(~numeric)):
        if not len(group):
            continue
        block = frame.iloc[:, group]
        stored = (
            block.to_numpy(np.float64, na_value=np.nan)
            if numeric[group[0]]
            else block.to_numpy(object)
        )
        cells = pd.Series(stored.ravel(order="F"))
        parsed = parse_cells(cells, decimal)
        shape = (len(group), n_rows)
        value[group] = parsed.value.reshape(shape)
        reason[group] = parsed.reason.reshape(shape)
        flag[group] = parsed.flag.reshape(shape)
        cell_rows, cell_heads = np.tile(rows, len(group)), np.repeat(heads[group], n_rows)
        column_of = np.repeat(group, n_rows)
        bad = parsed.bad.reshape(shape)
        figures = ~np.isnan(value[group]) | (reason[group] > REASON["missing"])
        text = ~figures.any(axis=1) & (bad.sum(axis=1) > 1)  # a column of text: one problem
        for k in np.flatnonzero(text):
            at = slice(k * n_rows, (k + 1) * n_rows)
            found = bad_cells(source, rows, heads[group[k]], cells.iloc[at], parsed.part(at))
            failures += [(np.full(len(f), group[k]), f) for f in found]
        each = (bad & ~text[:, None]).reshape(-1)
        if each.any():
            cellwise = replace(parsed, bad=each)
            found_cells = not_numbers(source, cell_rows, cell_heads, cells, cellwise)
            failures.append((column_of[each], found_cells))
        # cell_warnings gives a frame per kind of mark that some cell has, in this order
        marks = [m for m in (parsed.unknown_mark, parsed.footnote) if m is not None and m.any()]
        found_marks = cell_warnings(source, cell_rows, cell_heads, cells, parsed)
        warnings += [(column_of[m], f) for m, f in zip(marks, found_marks, strict=True)]
    flat = Parsed(value.T.ravel(), reason.T.ravel(), flag.T.ravel(), np.zeros(0, bool))
    columns = [str(c) for c in frame.columns]
    return (
        make_cells(units, rows, columns, columns, flat, years),
        _by_column(failures),
        _by_column(warnings),
    )


def _by_column(parts: list[tuple[np.ndarray, pd.DataFrame]]) -> list[pd.DataFrame]:
    """Problems found for a group of columns at a time (each with its rows' column
    positions) as one frame in the order of the columns; a stable sort keeps each
    column's own order."""
    if not parts:
        return []
    frame = pd.concat([found for _, found in parts], ignore_index=True)
    order = np.argsort(np.concatenate([at for at, _ in parts]), kind="stable")
    return [frame.iloc[order].reset_index(drop=True)]


def _long_cells(
    frame: pd.DataFrame,
    source: str,
    rows: np.ndarray,
    units: np.ndarray,
    years: np.ndarray,
    decimal: str,
) -> tuple[pd.DataFrame, list[pd.DataFrame], list[pd.DataFrame]]:
    """Long: one row per unit, year and variable, optional ``flag``/``missing_reason``.
    Returns the cells, the failures and the warnings."""
    parsed = parse_cells(frame["value"], decimal)
    # a wide table melted to long (pivot) keeps each cell's source column
    column = frame[SOURCE_COLUMN].to_numpy(dtype=object) if SOURCE_COLUMN in frame else "value"
    failures = bad_cells(source, rows, column, frame["value"], parsed)
    warnings = cell_warnings(source, rows, column, frame["value"], parsed)
    if "flag" in frame.columns:
        parsed.flag = _vocabulary_codes(
            frame["flag"],
            {**{k: FLAG[v] for k, v in VALUE_FLAGS.items()}, **FLAG},
            parsed.flag,
            source,
            rows,
            "flag",
            failures,
        )
    if "missing_reason" in frame.columns:
        given = _vocabulary_codes(
            frame["missing_reason"], REASON, parsed.reason, source, rows, "missing_reason", failures
        )
        clash = (given > REASON["missing"]) & ~np.isnan(parsed.value)
        if clash.any():
            at = np.flatnonzero(clash)
            failures.append(
                failures_frame(
                    source,
                    rows[at],
                    "missing_reason",
                    frame["missing_reason"].iloc[at].astype(str).to_numpy(),
                    "a value is given although missing_reason says it is missing",
                    code="value_with_missing_reason",
                )
            )
        parsed.reason = np.where(given > 0, given, parsed.reason).astype(np.int8)
    variables = per_unique(frame["variable"], lambda v: v.astype(str).str.strip())
    nameless = pd.isna(variables) | (variables == "")
    if nameless.any():  # a value with nothing to say what it is: reported, not read
        at = np.flatnonzero(nameless)
        failures.append(
            failures_frame(
                source,
                rows[at],
                "variable",
                frame["value"].iloc[at].astype(str).to_numpy(),
                "no variable name: the row's value has nothing to say what it counts",
                code="empty_variable",
            )
        )
        named = ~nameless
        variables, units, years, rows = variables[named], units[named], years[named], rows[named]
        parsed.value, parsed.reason = parsed.value[named], parsed.reason[named]
        parsed.flag = parsed.flag[named]
        column = column if np.ndim(column) == 0 else column[named]
    var_codes, var_cats = pd.factorize(variables)
    unit_codes, unit_cats = pd.factorize(units)
    cells = pd.DataFrame(
        {
            "unit": pd.Categorical.from_codes(unit_codes, pd.Index(unit_cats)),
            "year": years,
            "variable": pd.Categorical.from_codes(var_codes, pd.Index(var_cats)),
            "value": parsed.value,
            "missing_reason": pd.Categorical.from_codes(parsed.reason, pd.Index(MISSING_REASONS)),
            "flag": pd.Categorical.from_codes(parsed.flag, pd.Index(FLAGS)),
            "row": rows.astype(np.int64),
            "column": _column_categories(column, len(rows)),
        },
        copy=False,
    )
    return cells, failures, warnings


def _column_categories(
    column: str | np.ndarray, n: int
) -> pd.Categorical[str] | pd.Categorical[object]:
    """The source column of every cell: one name for all, or one per cell."""
    if np.ndim(column) == 0:
        return pd.Categorical.from_codes(np.zeros(n, np.int8), pd.Index([str(column)]))
    return pd.Categorical(np.asarray(column, dtype=object))


def _vocabulary_codes(
    column: pd.Series,
    vocabulary: dict[str, np.int8],
    default: np.ndarray,
    source: str,
    rows: np.ndarray,
    name: str,
    failures: list[pd.DataFrame],
) -> np.ndarray:
    """Codes of a text column over a vocabulary; empty cells keep ``default``."""
    text = pd.Series(
        per_unique(column, lambda v: v.where(v.notna(), "").astype(str).str.strip()), dtype=object
    )
    codes = text.map(vocabulary)
    unknown = codes.isna() & (text != "")
    if unknown.any():
        at = np.flatnonzero(unknown.to_numpy())
        valid = ", ".join(k for k in vocabulary if k)
        failures.append(
            failures_frame(
                source,
                rows[at],
                name,
                text.iloc[at].to_numpy(),
                f"unknown {name}; valid: {valid}",
                code="unknown_code",
            )
        )
    out = codes.fillna(0).to_numpy(dtype=np.int8)
    return np.where(text.to_numpy() == "", default, out).astype(np.int8)


# ---- file formats -------------------------------------------------------------------
def raw_csv_frame(
    raw: bytes,
    *,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    text_columns: tuple[str, ...] = (),
    skiprows: int = 0,
    names: list[str] | None = None,
) -> tuple[pd.DataFrame, str, str, str]:
    """A CSV file as a DataFrame with ``text_columns`` (and the key columns) kept as text;
    the header is the line after the first ``skiprows``
    (:func:`~mint_index.data.plain_tables.title_rows`), or, with ``names`` (a header of
    several lines, :func:`~mint_index.data.plain_tables.header_labels`), the data start
    there.

    Returns (frame, separator, decimal mark, encoding); numeric columns are parsed by the
    C reader, everything else stays text for :func:`~mint_index.data.cells.parse_cells`.
    """
    encoding = encoding or detect_encoding(raw)
    # four bytes a character at most: the decoded head is longer than the sample unless
    # it is the whole file
    empty = _EMPTY_LINES_BYTES.match(raw)  # the empty lines at the top, and the sample
    head = raw[: (empty.end() if empty is not None else 0) + SAMPLE_CHARS * 4]
    sample = text_sample(head.decode(encoding, errors="replace"))
    sep = sep or sniff_separator(sample)
    header_row: Literal["infer"] | None = None if names is not None else "infer"

    def read(source: io.StringIO | io.BytesIO, **options: Any) -> pd.DataFrame:
        """Where the table starts and what its columns are called: alike for every read."""
        return read_csv_table(
            source, sep=sep, skiprows=skiprows, header=header_row, names=names, **options
        )

    header = read(
        io.StringIO(sample), nrows=200, dtype=str, keep_default_na=False, skipinitialspace=True
    )
    header.columns = stripped_heads(header.columns)
    keep_text = set(KEY_COLUMNS) | set(text_columns)
    if decimal is None:  # a long table's figures are its value column, read as text
        figures = [c for c in header.columns if c not in keep_text or c == "value"]
        decimal = sniff_decimal(header[figures], sep)
    dtype = {
        raw_name: str
        for raw_name, name in zip(
            read(io.StringIO(sample), nrows=0).columns, header.columns, strict=True
        )
        if name in keep_text
    }
    frame = read(
        io.BytesIO(raw),
        decimal=decimal,
        encoding=encoding,
        dtype=dtype,
        na_values=NA_TEXT,
        keep_default_na=False,
    )
    frame.columns = header.columns
    return frame, sep, decimal, encoding


def read_csv_table(
    source: io.StringIO | io.BytesIO,
    *,
    sep: str,
    skiprows: int = 0,
    header: Literal["infer"] | None = "infer",
    names: list[str] | None = None,
    encoding: str | None = None,
    **options: Any,
) -> pd.DataFrame:
    """``pd.read_csv`` of a table, never taking its first column for an index.

    pandas does that when every data row has one field more than the header, as exports
    write a separator at the end of each data line but not of the header: the columns
    shift silently (``Nr`` gets the names, ``Einwohner`` the foreigners). Here such
    trailing fields are left out when they are empty, and a row with a filled field beyond
    the header is a :class:`pandas.errors.ParserError` naming its line, as pandas raises
    for a row wider than the others."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        frame = pd.read_csv(
            source,
            sep=sep,
            skiprows=skiprows,
            header=header,
            names=names,
            encoding=encoding,
            index_col=False,
            **options,
        )
    if any("Length of header" in str(w.message) for w in caught):
        source.seek(0)
        data = source.read()
        text = data.decode(encoding or "utf-8") if isinstance(data, bytes) else data
        first = skiprows + (1 if names is None and header == "infer" else 0)
        _no_fields_beyond_the_header(text, sep, first, len(frame.columns))
    return frame


def _no_fields_beyond_the_header(text: str, sep: str, first: int, width: int) -> None:
    """Raise pandas' ParserError for the first data row (from line ``first``, 0-based)
    with a filled field beyond the ``width`` of the header."""
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        for line, row in enumerate(rows, start=1):  # rows of a malformed file, once
            if line > first and len(row) > width and any(cell.strip() for cell in row[width:]):
                raise pd.errors.ParserError(
                    f"Expected {width} fields in line {line}, saw {len(row)}"
                )
    except csv.Error as exc:  # what pandas read, Python's csv cannot: say why
        raise pd.errors.ParserError(str(exc)) from None


#: pandas' words for a row with more fields than the header.
_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def stripped_heads(columns: pd.Index | list[Any]) -> list[str]:
    """Column heads without the spaces around them, told apart as pandas tells apart
    two equal heads (``Einwohner``, ``Einwohner.1``) where only a space did (``AGS;AGS ``):
    two columns of one name were one DataFrame where one column was meant."""
    out: list[str] = []
    seen: Counter[str] = Counter()
    for column in columns:
        head = str(column).strip()
        out.append(f"{head}.{seen[head]}" if seen[head] else head)
        seen[head] += 1
    return out


def unreadable_csv(exc: Exception) -> str:
    """Why pandas' or Python's CSV parser gave up on a file, said for the person who edits
    it (a cell longer than Python's limit of 131,072 characters is no table's)."""
    if "field larger than field limit" in str(exc):
        return (
            "not a readable CSV table: a cell holds more than 131,072 characters (a quote "
            "left open, or no table at all)"
        )
    found = _FIELD_COUNT.search(str(exc))
    if found is None:
        return f"not a readable CSV table: {str(exc).strip()}"
    expected, line, saw = found.groups()
    return (
        f"not a readable CSV table: line {line} has {saw} fields where the header has "
        f"{expected} (a separator too many, or a text holding the separator without quotes)"
    )


def require(module: str, extra: str) -> None:
    """Import an optional dependency or say how to install it."""
    try:
        __import__(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MintIndexError(
            f"reading this format needs {module}: pip install 'mint-index[{extra}]'"
        ) from exc
