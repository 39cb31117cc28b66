"""Readers: what every format shares on the way from a table to tidy cells.

CSV text, workbook sheets (read in :mod:`mint_index.data.workbooks`), Parquet files and
DataFrames become frames (:func:`raw_csv_frame`) and tidy cells (:func:`frame_table`); which
reader a file needs is decided in :mod:`mint_index.data.sources`, the one path of a
project's sources and of ``load_data``. Every reader returns a :class:`Table`: the tidy
cells of one source (``unit, year, variable, value, missing_reason, flag`` plus ``row`` and
``column`` to point at the cell in the source) and the problems it found while reading.
Nothing is guessed: unit keys are read as text, a cell that is not a number is reported,
and every missing value says why.

Cells follow the conventions of German official statistics in every format, because
municipal data pass through many hands and spreadsheets: the symbols ``-``, ``.``, ``x``,
``/`` and ``...``, values in parentheses and the value flags ``p``, ``r``, ``s``, ``e``
keep their official meaning (see :data:`SYMBOLS`). A symbol may carry a flag too
(``.p``, ``- r``); a symbol that stands for no value followed by a mark no office documents
here (``.g`` in a Regionalstatistik export) is read as the symbol, with a warning, since
no number can be misread. Typeset figures (``−3,5``, ``12 345``, ``12,5 %``) read as typed
ones; a figure or year with a footnote mark (``12.345¹``) is read with a warning
(:func:`cell_warnings`). A workbook column formatted as a percentage is read as shown
(:func:`mint_index.data.workbooks.percent_columns`).

Plain tables are read as town departments save them: title lines above the header, a
header over several rows of merged cells or with group heads over its value columns
(:func:`header_rows`, :func:`header_labels`), empty rows and notes below the last row
(:func:`blank_and_note_rows`), and total rows, which are no units (:func:`total_rows`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from mint_index.data.dataset import FLAGS, MISSING_REASONS
from mint_index.data.keys import region_keys
from mint_index.errors import FAILURE_COLUMNS, MintIndexError

__all__ = [
    "FOOTNOTE_MARK",
    "KEYED_NAME",
    "NA_TEXT",
    "NO_INFORMATION",
    "SCHOOL_YEAR_COUNTS",
    "SYMBOLS",
    "VALUE_FLAGS",
    "Parsed",
    "Table",
    "blank_and_note_rows",
    "cell_warnings",
    "check_school_year",
    "column_names",
    "column_numbering",
    "concat_cells",
    "detect_encoding",
    "empty_cells",
    "failures_frame",
    "frame_table",
    "header_depth",
    "header_labels",
    "header_rows",
    "keys_in_labels",
    "make_cells",
    "month_stamps",
    "names_two_years",
    "parse_cells",
    "parse_years",
    "raw_csv_frame",
    "read_csv_table",
    "sha256_of",
    "sniff_decimal",
    "sniff_separator",
    "source_columns",
    "stacked",
    "title_rows",
    "total_labels",
    "total_rows",
    "unreadable_csv",
    "year_failures",
]

REASON = {name: np.int8(i) for i, name in enumerate(MISSING_REASONS)}
FLAG = {name: np.int8(i) for i, name in enumerate(FLAGS)}

#: Official symbols of German statistics offices that fill a whole cell, and what they
#: become: (value, missing reason, flag). ``-`` means "nothing there", an exact zero.
#: ``*`` alone is the Bundesagentur für Arbeit's mark for a figure kept secret (its
#: employment and unemployment statistics, by nationality too); after a figure
#: (``8.000*``) it stays a footnote mark.
SYMBOLS: dict[str, tuple[float, str, str]] = {
    "-": (0.0, "", "nothing_there"),
    ".": (np.nan, "unknown_or_secret", ""),
    "*": (np.nan, "unknown_or_secret", ""),
    "x": (np.nan, "locked", ""),
    "/": (np.nan, "not_reliable", ""),
    "...": (np.nan, "not_yet_available", ""),
    "…": (np.nan, "not_yet_available", ""),
}

#: Letters after a value (``123p``, ``12,5 r``) and the flag they set.
VALUE_FLAGS: dict[str, str] = {
    "p": "provisional",
    "r": "revised",
    "s": "estimated",
    "e": "final",
}

#: Cell texts that mean "empty" in every format (R writes NA). ``NaN``, ``inf`` and
#: numbers too large for a float (``1e309``) are not values: they are reported.
NA_TEXT: list[str] = ["", "NA"]
#: What town departments type for "no information" (``k.A.``, ``k. A.``, ``keine
#: Angabe``), compared without case and spaces: an empty cell in words, read as one (reason
#: ``missing``). ``n.v.`` is not among them: it may mean "nicht vorhanden", none at all.
NO_INFORMATION: frozenset[str] = frozenset({"k.a.", "k.a", "keineangabe", "keineangaben"})
_NON_FINITE = re.compile(r"^[-+]?(?:nan|inf|infinity)$", re.IGNORECASE)

#: An official symbol followed by one mark letter (``.p``, ``/ r``, ``.g``).
_MARKED_SYMBOL = re.compile(r"^(\.\.\.|…|[-.x/])\s*([a-z])$")
_FLAGGED = re.compile(r"^(\()?\s*([-+]?[0-9][0-9.,]*(?:[eE][-+]?[0-9]+)?)\s*(\))?\s*([prse])?$")
#: Months as German and English statistics write them before a year (``Juni 2023``, the
#: Bundesagentur's reference dates; ``Dez. 2022``; ``March 2021``).
_MONTHS = (
    "januar|jänner|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|"
    "november|dezember|january|february|march|may|june|july|october|december|"
    "jan|feb|mär|mrz|apr|jun|jul|aug|sept|sep|okt|oct|nov|dez|dec"
)
#: A year alone or in a date: ``2023``, ``31.12.2023``, ``2023-12-31`` (also with a time,
#: as databases export dates and as an Excel date cell reads), ``31/12/2023``, a date with
#: underscores as a town's open data portal names its files' dates (``31_12_2023``,
#: ``2023_12_31``), ``12/2023``, ``Juni 2023``, ``31. Dezember 2023``, a summer semester
#: ``SS 2006`` (April to September, within its year; a winter semester spans two, see
#: :data:`_SCHOOL_YEAR`), a date written as one number, ``20220515`` (the Zensus 2022
#: tables' ``Berichtszeitpunkt``). Not ``2011-12``: December 2011 or the school year
#: 2011/12.
_YEAR_TEXT = re.compile(
    r"^\s*(?:(\d{4})|\d{1,2}[._/]\d{1,2}[._/](\d{4})"
    r"|(\d{4})([-_/])\d{2}\4\d{2}(?:[ T][\d:.]+)?"
    r"|((?:18|19|20|21)\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|1[0-2])/(\d{4})"
    rf"|(?:\d{{1,2}}\.\s*)?(?:{_MONTHS})\.?\s+(\d{{4}})"
    r"|(?:sommersemester|sose|ss|summer\s+semester)\s*(\d{4}))\s*$",
    re.IGNORECASE,
)

#: A school, Kita or academic year: ``2023/24``, ``2023/2024``, ``2023-2024``,
#: ``Schuljahr 2023/24``, ``SJ 2023-24``, ``WS 2005/06`` (a winter semester). It names two
#: calendar years, and which one a row counts in is the source's ``school_year`` option:
#: GENESIS dates pupils by the start of their school year (21111-01-03-4, "Stichtag:
#: Schuljahresbeginn") and school leavers by its end (21111-02-06-4), so no default fits
#: every table. ``2011-12`` without a word before it is December 2011 as often, so it
#: is not one.
_SCHOOL_YEAR = re.compile(
    r"^\s*(schuljahr|schulj\.|sj|kita-?jahr|kindergartenjahr|studienjahr|wintersemester|"
    r"wise|ws|school\s+year|academic\s+year)?\s*(\d{4})\s*([/-])\s*(\d{4}|\d{2})\s*$",
    re.IGNORECASE,
)
#: What ``school_year`` may say: a school year counts in the calendar year it starts or ends in.
SCHOOL_YEAR_COUNTS = ("start", "end")

_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")

#: The column a long frame made from a wide table keeps each cell's source column in.
SOURCE_COLUMN = "_source_column"

KEY_COLUMNS = ("unit", "year", "variable", "value", "missing_reason", "flag", "name")


@dataclass
class Table:
    """The tidy cells of one source and what reading it found.

    ``cells`` has ``unit`` (categorical text), ``year`` (int), ``variable`` (categorical),
    ``value`` (float, NaN where missing), ``missing_reason`` and ``flag`` (categoricals
    over :data:`MISSING_REASONS` / :data:`FLAGS`, so their codes are the Dataset codes),
    ``row`` (row number in the source) and ``column`` (column label in the source).
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
    #: the units named, not keyed, in a table that keys its other units (a GENESIS table
    #: naming Kreise beside its Land's key, read with ``key: {match: name}``): the only
    #: ones the units table keys; ``None`` where every unit is named or every one keyed
    named_units: frozenset[str] | None = None
    #: the rows of units the units table does not list are left out, with a warning,
    #: not reported as errors (``other_units``: an official export's other regions)
    leaves_out_other_units: bool = False
    #: row -> name of the rows that name a region but give no key (``;Ostniedersachsen;``):
    #: what the error about each such row shows
    keyless_names: pd.Series | None = None
    #: the separator and decimal mark of a text file
    separator: str | None = None
    decimal: str | None = None

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


@dataclass
class Parsed:
    """Cell texts turned into numbers: value, reason and flag codes, and which cells are
    not numbers at all (``bad``)."""

    value: np.ndarray
    reason: np.ndarray
    flag: np.ndarray
    bad: np.ndarray
    #: cells that are NaN/inf text or overflow a float (a subset of ``bad``)
    nonfinite: np.ndarray | None = None
    #: cells read as a no-value symbol whose mark letter is not a known flag (``.g``)
    unknown_mark: np.ndarray | None = None
    #: cells read as the figure before a footnote mark (``12.345¹``, ``9.000 1)``)
    footnote: np.ndarray | None = None


# ---- small helpers ------------------------------------------------------------------
def failures_frame(
    source: str, row: Any, column: Any, value: Any, reason: Any, *, code: Any
) -> pd.DataFrame:
    """Problems in the standard columns plus ``code`` (a stable snake_case reason code;
    ``reason`` is the message); array arguments give one row per element."""
    frame = pd.DataFrame(
        {
            "source": source,
            "row": row,
            "column": column,
            "value": value,
            "reason": reason,
            "code": code,
        },
        index=[0] if all(np.ndim(a) == 0 for a in (row, column, value, reason, code)) else None,
    )
    frame["row"] = frame["row"].astype("Int64")
    return frame[[*FAILURE_COLUMNS, "code"]].astype({"value": object, "column": object})


#: A web address on a line of its own below a table (the publisher's site).
_WEB_ADDRESS = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)


def blank_and_note_rows(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A plain table without its empty rows (``;;;`` lines, empty spreadsheet rows) and
    without the notes below it (``Fußnote: vorläufige Werte``, ``Quelle: ...``: rows at
    the end with one filled cell, text with a space in it, as no key is written, or a web
    address, ``https://www.integrationsmonitoring.niedersachsen.de``), which
    are returned as warnings (code ``note_below_table``), for they may say what the
    figures mean. ``frame``'s index numbers the rows as the source does."""
    empty = frame.isna().to_numpy(copy=True)  # written to below: never pandas' own buffer
    for j, column in enumerate(frame.columns):  # text columns: blanks count as empty
        if not pd.api.types.is_numeric_dtype(frame[column]):
            empty[:, j] |= frame[column].astype(str).str.strip().eq("").to_numpy()
    filled = (~empty).sum(axis=1)
    one = np.flatnonzero(filled == 1)
    first = (~empty[one]).argmax(axis=1)
    cells = frame.iloc[one].to_numpy(dtype=object)[np.arange(len(one)), first]
    texts = pd.Series(cells, dtype=object).astype(str).str.strip()
    note = np.zeros(len(frame), dtype=bool)
    # words apart, by a space or a non-breaking one (a statistics database's printout)
    note[one] = (texts.str.contains(r"\s") | texts.str.match(_WEB_ADDRESS)).to_numpy()
    # from the bottom up to the last data row: what is empty or a note is below the table
    below = np.logical_and.accumulate(((filled == 0) | note)[::-1])[::-1]
    notes = below[one] & note[one]
    warnings = failures_frame(
        source,
        np.asarray(frame.index)[one[notes]],
        np.asarray(frame.columns, dtype=object)[first[notes]],
        texts.to_numpy()[notes],
        "a note below the table, not read as data",
        code="note_below_table",
    )
    return frame[(filled > 0) & ~below], warnings


#: A footnote mark at the end of a cell: superscript digits, asterisks, or a number in
#: parentheses after a space (``12.345¹``, ``8.000*``, ``9.000 1)``, ``Insgesamt (2)``).
#: ``(12)`` alone is no mark but a limited value.
FOOTNOTE_MARK = re.compile(r"(?:\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\s*\*+|\s+\(?\d{1,2}\))+$")
#: Words that make a row a total over the table's units, as the first or the last word of
#: its key or name (``Insgesamt``, ``Summe``, ``Stadt insgesamt``, ``Stadtbezirk 1
#: zusammen``, ``Gesamtstadt``, ``Total``).
_TOTAL_WORDS = frozenset(
    {"insgesamt", "gesamt", "summe", "zusammen", "gesamtstadt", "gesamtsumme", "total"}
    | {"totals", "sum", "alle", "all"}
)


def total_rows(
    frame: pd.DataFrame, key: str | None, name: str | None, source: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A plain table without the rows that total its units (``;Insgesamt;21000``,
    ``Summe;;21000``, ``0;Stadt insgesamt;...``, a district's subtotal ``;Stadtbezirk 1
    zusammen;...``), which are returned as warnings (code ``total_row``): a total read as
    a unit would be the largest "unit" of every count and stretch every scale. A row is
    one when its key or its name starts or ends with a total word (:data:`_TOTAL_WORDS`,
    a whole word: ``Gesamtschule`` is none), whatever key it carries, or when it has no
    key and its name is the country's or a Land's (:func:`~mint_index.data.keys.region_keys`:
    ``;Bayern;...`` under the rows of Bavaria's Kreise; Berlin with a key stays a unit)."""
    columns = [c for c in (key, name) if c is not None and c in frame.columns]
    if not columns:  # a table about one place (``unit:``) has neither
        return frame, failures_frame(source, [], [], [], "", code="total_row")
    says = np.stack([total_labels(frame[c]) for c in columns])  # [column, row]: "total" there
    if key in columns and name in columns:
        keys = frame[key].astype(object).where(frame[key].notna(), "").astype(str)
        keyless = (keys.str.strip() == "").to_numpy()
        if keyless.any():  # the names of the rows without a key only (a few, if any)
            names = frame[name][keyless].astype(object)
            names = names.where(names.notna(), "").astype(str)
            land = pd.notna(region_keys(names.str.replace(FOOTNOTE_MARK, "", regex=True)))
            says[columns.index(name), keyless] |= land
    total = says.any(axis=0).astype(bool, copy=False)
    at = np.flatnonzero(total)
    shown = says[:, at].argmax(axis=0)  # the cell that says it is a total
    warnings = failures_frame(
        source,
        np.asarray(frame.index)[at],
        np.array(columns, dtype=object)[shown],
        frame[columns].to_numpy(dtype=object)[at, shown].astype(str),
        "a total over the table's units, not a unit: not read",
        code="total_row",
    )
    return frame[~total], warnings


def total_labels(labels: pd.Series) -> np.ndarray:
    """Which labels name a total: a word of :data:`_TOTAL_WORDS` first or last (any case,
    a footnote mark aside), in a row's key or name or the head of a unit column."""
    text = labels.astype(object).where(labels.notna(), "").astype(str).str.strip()
    plain = text.str.replace(FOOTNOTE_MARK, "", regex=True).str.casefold().str.strip(" :.,")
    words = plain.str.split()
    first, last = words.str[0], words.str[-1]
    return (first.isin(_TOTAL_WORDS) | last.isin(_TOTAL_WORDS)).to_numpy(dtype=bool)


#: A unit's key and name in one cell, as many tables write a region: the key first
#: (``05315 Köln, Stadt``, ``101 Altstadt-Süd``; digits, groups of digits too) or last in
#: parentheses (``Köln, Stadt (05315)``). The name starts with a letter and has two
#: characters at least, so that a key such as ``12 A`` stays a key.
_KEY_THEN_NAME = re.compile(r"^(\d(?:[\d ]*\d)?)\s+([^\W\d_].+)$")
_NAME_THEN_KEY = re.compile(r"^([^\W\d_].+?)\s*\((\d(?:[\d ]*\d)?)\)$")


def keys_in_labels(cells: pd.Series) -> tuple[np.ndarray, pd.Series, pd.Series]:
    """Which ``cells`` hold a unit's key and name together (``05315 Köln, Stadt``,
    ``Köln, Stadt (05315)``), and each one's key and name (NaN where a cell is no such
    label)."""
    text = cells.astype(object).where(cells.notna(), "").astype(str).str.strip()
    first, last = text.str.extract(_KEY_THEN_NAME), text.str.extract(_NAME_THEN_KEY)
    keys = first[0].fillna(last[1])
    names = first[1].fillna(last[0]).str.strip()
    return keys.notna().to_numpy(dtype=bool), keys, names


def source_columns(failures: list[pd.DataFrame], names: dict[str, str]) -> list[pd.DataFrame]:
    """Problems that name a column by the reader's own name (``year``, ``unit``, ``name``)
    named by the source's instead (``Jahr``, ``AGS``, ``Year``), so the user finds it."""
    if not names:
        return failures
    return [f.assign(column=f["column"].map(lambda c: names.get(c, c))) for f in failures]


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def frame_sha256(frame: pd.DataFrame) -> str:
    """A content hash of a DataFrame (values, index and column names)."""
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    digest.update("\x1f".join(map(str, frame.columns)).encode())
    return digest.hexdigest()


def detect_encoding(raw: bytes) -> str:
    """UTF-16 with a byte order mark, UTF-8 (with or without BOM) if the bytes decode as
    such, else Windows-1252, else Latin-1. Windows-1252 and Latin-1 agree on every letter
    German data use."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return "utf-16"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        undefined = any(byte in raw for byte in _CP1252_UNDEFINED)
        return "latin-1" if undefined else "cp1252"
    return "utf-8"


#: How much of a text file its head is read from (separator, header, decimal mark).
SAMPLE_CHARS = 65536


def text_sample(text: str, size: int = SAMPLE_CHARS) -> str:
    """The first ``size`` characters of ``text`` cut after its last whole record: at a line
    end outside quotes, so that no reader of the sample meets a quoted cell cut in half
    (a table of long rows may not fit 200 rows in the sample)."""
    if len(text) <= size:
        return text
    head = text[:size]
    end = head.rfind("\n")
    while end > 0 and head.count('"', 0, end) % 2:  # a line break inside a quoted cell
        end = head.rfind("\n", 0, end)
    return head[: end + 1] if end > 0 else head


def sniff_separator(sample: str) -> str:
    """The separator that splits the first lines into the same number of fields.

    ``;`` wins ties because German files use it together with a decimal comma, which
    makes comma counts vary from line to line.
    """
    lines = [line for line in sample.splitlines()[:50] if line.strip()][:-1] or [""]
    while len(lines) > 1 and not any(sep in lines[0] for sep in (";", "\t", ",", "|")):
        lines = lines[1:]  # a title above the table, written without separators
    best, best_count = ",", 0
    for sep in (";", "\t", ",", "|"):
        counts = {line.count(sep) for line in lines}
        if len(counts) == 1 and (count := counts.pop()) > best_count:
            best, best_count = sep, count
    if best_count == 0:  # quoted fields: fall back to the header line
        header = lines[0]
        best = max((";", "\t", ",", "|"), key=header.count)
    return best


def title_rows(rows: list[list[str]]) -> int:
    """How many rows above a plain table's header are its title, source line or blank
    (a town's spreadsheet: ``Bevölkerung nach Stadtteilen 2023``, ``Quelle: ...``, an
    empty row): the leading rows with at most one filled cell in three of the table's
    width (at least one), ``rows`` being the first rows of the sheet or file as text.
    0 when the first row is the header, or when no row would be left."""
    filled = [sum(1 for cell in row if str(cell).strip()) for row in rows]
    if not filled:
        return 0
    title = max(1, max(filled) // 3)
    return next((i for i, n in enumerate(filled) if n > title), 0)


#: A cell that holds a figure rather than a label (``12000``, ``1.234,5``, ``-3``).
_FIGURE = re.compile(r"^[-+]?\d[\d.,\s]*$")


def header_depth(rows: list[list[str]]) -> int:
    """How many rows the header of a plain table spans, ``rows`` starting at its first
    row: 1, plus each row that continues it, as merged cells in a spreadsheet do
    (``Einwohner`` over ``insgesamt | Ausländer``): its first cell empty and every filled
    cell text or a year (``Einwohner`` over ``2019 | 2020 | Veränderung 2020 zu 2019``),
    not a figure or an official symbol (``.``, ``-``), or every filled cell a unit of
    measure (``1000 | %``). At most 4."""

    def value(cell: str) -> bool:
        return bool(_FIGURE.match(cell) or cell in SYMBOLS or _MARKED_SYMBOL.match(cell))

    depth = 1
    while depth < min(len(rows), 4):
        row = [str(cell).strip() for cell in rows[depth]]
        filled = [cell for cell in row if cell]
        if not filled or row[0]:
            break
        year = ~parse_years(pd.Series(filled, dtype=object))[1]
        units = all(_UNIT_OF_MEASURE.match(c) for c in filled)  # ``1000 | %``
        figures = [value(c) and not y for c, y in zip(filled, year, strict=True)]
        if not units and any(figures):  # the first data row
            break
        depth += 1
    return depth


#: How many rows a plain table's header may span, its column numbering included.
_MAX_HEADER_ROWS = 6


def header_rows(rows: list[list[str]]) -> tuple[int, int]:
    """Where a plain table's header starts and how many rows it spans (``rows``: the first
    rows of the sheet or file as text): after the title (:func:`title_rows`), with the
    rows that continue it (:func:`header_depth`) and the row numbering the columns below
    it (:func:`column_numbering`, empty rows between them too). Rows right above join it
    as long as they stand over it: a row that heads the key and name columns and a group
    of value columns, merged cells over the whole header, which the title rule alone
    would skip for its few filled cells (``AGS | Kreisfreie Stadt | Ausländer am 31.12.``
    over ``;;2005;2006;2007``), and group heads over the value columns (``;;2022;;2023;``
    over ``Nr;Name;Einwohner;Ausländer;Einwohner;Ausländer``). At most six rows."""
    skip = title_rows(rows)
    depth = header_depth(rows[skip:])
    units = _after_empty_rows(rows, skip + depth)  # a row of units of measure
    if units > skip + depth and units < len(rows) and _units_of_measure(rows[units]):
        depth = units - skip + 1  # a vertically merged header cell left the rows between empty
    numbering = skip + depth  # the row numbering the columns, after any empty rows
    numbering = _after_empty_rows(rows, numbering)
    if numbering < len(rows) and column_numbering(rows[numbering]):
        depth = numbering - skip + 1  # it belongs to the header, not the data
    data = rows[skip + depth] if skip + depth < len(rows) else []
    key_at = next((j for j, cell in enumerate(data) if str(cell).strip()), 0)
    while skip > 0 and depth < _MAX_HEADER_ROWS:
        above, top = rows[skip - 1], rows[skip]
        if not (_heads_the_header(above, top) or _groups_over_values(above, top, key_at)):
            break
        skip, depth = skip - 1, depth + 1
    return skip, depth


def _after_empty_rows(rows: list[list[str]], at: int) -> int:
    """The first row from ``at`` on with a filled cell (``len(rows)`` if none)."""
    while at < len(rows) and not any(str(cell).strip() for cell in rows[at]):
        at += 1
    return at


def _units_of_measure(row: list[str]) -> bool:
    """A row that names the unit of measure of the figures below it, and nothing else
    (`` | | Anzahl``): its first cell (the key's) empty, every filled cell a unit of
    measure, one of them a word or a per cent sign (a row of ``1000`` could be figures)."""
    filled = [str(cell).strip() for cell in row if str(cell).strip()]
    return bool(
        filled
        and not str(row[0]).strip()
        and all(_UNIT_OF_MEASURE.match(cell) for cell in filled)
        and any(ch.isalpha() or ch in "%‰" for cell in filled for ch in cell)
    )


#: A line that says as of when a table's regions or figures stand (``Gebietsstand:
#: 01.11.2016``, ``Stand: 31.12.2023``): a note above the table, however far right it is.
_AS_OF = re.compile(r"^(?:gebiets|daten)?stand\b", re.IGNORECASE)


def _groups_over_values(row: list[str], top: list[str], key_at: int) -> bool:
    """Whether ``row`` holds group heads over the value columns of the header whose first
    row is ``top``: every filled cell right of the key and name columns (right of the
    column ``top`` starts at, where it leaves the key and name blank; ``key_at``: the key
    column of the data), and not a line saying as of when (``Gebietsstand: ...``)."""
    filled = [j for j, cell in enumerate(row) if str(cell).strip()]
    named = [j for j, cell in enumerate(top) if str(cell).strip()]
    if not filled or not named or any(_AS_OF.match(str(row[j]).strip()) for j in filled):
        return False
    values_from = named[0] + 2 if named[0] <= key_at else named[0]
    return filled[0] >= values_from


def _heads_the_header(row: list[str], top: list[str]) -> bool:
    """Whether ``row`` stands over the header whose first row is ``top`` as its upper
    level: it heads the columns ``top`` leaves blank on the left (the key and name, their
    cells merged down over the header's rows) and a group of the columns ``top`` names."""
    filled = [j for j, cell in enumerate(row) if str(cell).strip()]
    named = [j for j, cell in enumerate(top) if str(cell).strip()]
    if len(filled) < 2 or not named:
        return False
    return filled[0] < named[0] <= filled[-1]


#: A cell of a row that numbers a table's columns: ``1``, ``(1)``, or ``1.0`` as a
#: workbook's number cell reads.
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,3})(?:\.0)?\)?$")


#: Numbers a column numbering may skip at once (columns hidden or deleted after it was typed).
_SKIPPED_NUMBERS = 3


def column_numbering(row: list[Any]) -> bool:
    """A row that numbers the columns (``1 | 2 | 3 | 4``), as official tables print one
    under their header so that notes can name a column: at least three numbers, 1, 2, 3,
    ... in column order. The key column's head may stand in it instead of a number
    (``AGS | 1 | 2 | 3``), a number may repeat, twice at most (the key column numbered on
    its own, ``1 | 1 | 2``; a slip, ``15 | 16 | 16 | 17``), and in a row of five numbers
    or more the numbering may skip a few, twice at most, where columns were hidden or
    deleted after it was typed (``1 | ... | 6 | 9 | 10 | 11``)."""
    filled = [str(c).strip() for c in row if str(c).strip() not in ("", "nan", "None")]
    if filled and not _COLUMN_NUMBER.match(filled[0]):
        filled = filled[1:]  # the key column's head
    numbers = [int(m.group(1)) for c in filled if (m := _COLUMN_NUMBER.match(c))]
    if len(numbers) < max(3, len(filled)) or numbers[0] != 1:
        return False
    steps = np.diff(numbers)
    skip = (steps > 1) & (steps <= _SKIPPED_NUMBERS + 1)
    ordered = (steps == 0) | (steps == 1) | (skip & (len(numbers) >= 5) & (skip.sum() <= 2))
    return bool(ordered.all() and (steps == 0).sum() <= 2)


#: A word broken over two lines of a header cell (``Schlüssel-`` / ``nummer``).
_BROKEN_WORD = re.compile(r"(?<=[a-zäöüß])-[ \t]*\r?\n\s*(?=[a-zäöüß])")


def head_cell(cell: object) -> str:
    """A header cell as one line: a word a spreadsheet broke over two lines joined
    (``Schlüssel-`` / ``nummer``: ``Schlüsselnummer``), any other line break a space,
    runs of spaces one (``Kreisfreie Stadt`` / ``Landkreis``: ``Kreisfreie Stadt
    Landkreis``)."""
    return " ".join(_BROKEN_WORD.sub("", str(cell)).split())


def title_year(title: str | None) -> int | None:
    """The one year a table's title names (``... am 31. Dezember 2023``, ``Stand:
    31.12.2023``), else ``None`` (no year, or several: ``2011 bis 2023``). Lines that
    name the source (``Quelle: ... 2024``, ``© ...``) say when a table was published, and
    ``Gebietsstand: 01.11.2016`` whose boundaries its regions have, not what year it is
    about: they are left out. ``title``: its lines joined by `` · ``."""
    lines = [line for line in (title or "").split(" · ") if not _SOURCE_LINE.match(line)]
    found = {int(y) for line in lines for y in _YEAR_IN_TEXT.findall(line)}
    return found.pop() if len(found) == 1 else None


def header_labels(
    rows: list[list[str]], merged: Collection[tuple[int, int]] | None = None
) -> list[str]:
    """The column names of a header that spans ``rows``: each column's levels joined
    with `` | ``, an upper level standing over the columns to its right up to the next
    one where a lower row names them, within the group of columns it stands in (a merged
    cell: ``Einwohner | insgesamt``, ``Einwohner | Ausländer``); a unit of measure over
    the columns up to the next cell of its row (``Anzahl`` merged over a row of years),
    but not over columns no other row heads (the empty columns right of a sheet's
    table). A row numbering the columns adds only the head of the key column it may hold
    (``AGS | 1 | 2``). Names are unique as pandas makes them (an empty one ``Unnamed:
    n``, a repeated one ``x.1``).

    ``merged``: where the workbook says which header cells are merged, each one's first
    cell (its row in ``rows``, its column). A unit of measure in a cell of its own, not
    merged, then stands over its column only: ``Prozent`` typed under each share
    of the Landesamt's Kita tables stands over that share, not over the counts right of
    it, which the empty cells alone would not tell from ``Anzahl`` merged over them. A
    merged unit still reaches up to the next cell of its row, as a merge is often not
    widened when a year's column is added."""
    rows = [_heads_only(row) if column_numbering(row) else row for row in rows]
    width = max((len(row) for row in rows), default=0)
    grid = [[head_cell(c) for c in row] + [""] * (width - len(row)) for row in rows]
    levels: list[list[str]] = [[] for _ in range(width)]
    for depth, row in enumerate(grid):
        below = [any(lower[j] for lower in grid[depth + 1 :]) for j in range(width)]
        headed = [any(other[j] for other in grid if other is not row) for j in range(width)]
        upper = [tuple(parts) for parts in levels]  # the levels above this row
        over, start = "", 0
        for j, cell in enumerate(row):  # the columns of the header (a few dozen)
            if not cell and over and _UNIT_OF_MEASURE.match(over):
                # typed into one cell of a sheet that merges its heads: that column's only
                alone = merged is not None and (depth, start) not in merged
                over = over if headed[j] and not alone else ""  # none over an empty column
            elif not cell and over:
                # a merged cell spans the columns below it within its own group only
                over = over if below[j] and upper[j] == upper[j - 1] else ""
            if cell:
                over, start = cell, j
            if over:
                levels[j].append(over)
    return column_names([" | ".join(parts) for parts in levels])


#: A header cell that gives the unit of measure of the columns below it (``Anzahl``,
#: ``Prozent``, ``%``, ``Anzahl je 1 000 Einwohner``, ``EUR``). A row of them, merged
#: cells in a workbook, stands over every column up to its next cell, as an upper level.
_UNIT_OF_MEASURE = re.compile(
    r"^(?:anzahl|prozent|%|in %|euro?|eur\b|tsd\.?|1 ?000|mio\.?|mrd\.?|personen|je |‰)",
    re.IGNORECASE,
)


def _heads_only(row: list[Any]) -> list[Any]:
    """A row numbering the columns with its numbers left out: the key column's head
    that may stand in it (``AGS | 1 | 2 | 3``) is a label."""
    return ["" if _COLUMN_NUMBER.match(str(cell).strip()) else cell for cell in row]


def column_names(cells: list[Any]) -> list[str]:
    """A header row's cells as column names, the way pandas' ``header=0`` names them: an
    empty cell ``Unnamed: n``, a repeated name ``x.1``."""
    names: list[str] = []
    for i, cell in enumerate(cells):
        empty = cell is None or (isinstance(cell, float) and cell != cell) or cell == ""
        name = f"Unnamed: {i}" if empty else str(cell)
        base, k = name, 0
        while name in names:
            k += 1
            name = f"{base}.{k}"
        names.append(name)
    return names


def sniff_decimal(cells: pd.DataFrame, sep: str) -> str:
    """``,`` if numbers in the sample are written with a decimal comma, else ``.``.

    A decimal comma may come with thousands dots (``1.234,5``); in a ``,``-separated
    file such numbers are quoted (``"1.234,5"``) and count the same. In a ``;`` file
    numbers like ``1.500`` whose every dot is followed by three digits are German
    thousands (``;`` files come from German-language spreadsheets); any other ``1.5``
    makes the dot the decimal mark.
    """
    if not len(cells):
        return "."
    text = _typeset(cells.stack().astype(str).str.strip())  # 12.345 %, −1.234,5
    text = text.str.replace(FOOTNOTE_MARK, "", regex=True)  # 12.345¹
    tail = r"\)?\s*[prse]?"
    comma = text.str.fullmatch(r"[-+(]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+" + tail).sum()
    dot = text.str.fullmatch(r"[-+(]?\d+(?:\.\d+)+" + tail).sum()
    thousands = text.str.fullmatch(r"[-+(]?\d{1,3}(?:\.\d{3})+" + tail).sum()
    if comma > 0 and comma + thousands >= dot:
        return ","
    return "," if sep == ";" and dot > 0 and thousands == dot else "."


# ---- cells --------------------------------------------------------------------------
def per_unique(cells: pd.Series | np.ndarray, fn: Any) -> np.ndarray:
    """Apply a vectorised ``fn`` to the distinct values only (keys, years and variable
    names repeat thousands of times) and spread the result back."""
    codes, uniques = pd.factorize(pd.Series(np.asarray(cells, dtype=object)), use_na_sentinel=False)
    return np.asarray(fn(pd.Series(np.asarray(uniques, dtype=object))))[codes]


def first_rows(codes: np.ndarray, n: int) -> np.ndarray:
    """Position of the first occurrence of every code ``0..n-1`` (-1 if absent)."""
    first = np.full(n, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return first


def _numbers(text: pd.Series, decimal: str) -> np.ndarray:
    """Plain numbers; with a decimal comma a ``.`` is only allowed as thousands mark in
    text. Cells that already are numbers (a column the CSV parser read as numbers, melted
    together with one that holds a symbol) are taken as they are."""
    if decimal == ".":
        return np.array(pd.to_numeric(text, errors="coerce"), dtype=np.float64)  # writable
    given = _not_text(text)
    text = text.astype(str).str.strip()
    ok = text.str.fullmatch(r"[-+]?(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d+)?").to_numpy(bool)
    number = pd.to_numeric(
        text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False),
        errors="coerce",
    ).to_numpy(dtype=np.float64, na_value=np.nan)
    out = np.where(ok, number, np.nan)
    if given.any():
        out[given] = pd.to_numeric(text.iloc[np.flatnonzero(given)], errors="coerce")
    return out


def _not_text(cells: pd.Series) -> np.ndarray:
    """Which cells of a column hold a number object rather than text (NaN counts as
    neither): checked cell by cell only in columns that mix the two."""
    kind = pd.api.types.infer_dtype(cells, skipna=True)
    if kind in ("string", "empty"):
        return np.zeros(len(cells), dtype=bool)
    if kind in ("floating", "integer", "mixed-integer-float", "decimal"):
        return cells.notna().to_numpy()
    is_text = np.fromiter((isinstance(c, str) for c in cells), dtype=bool, count=len(cells))
    return ~is_text & cells.notna().to_numpy()


def parse_cells(cells: pd.Series | np.ndarray, decimal: str = ".") -> Parsed:
    """Numbers, official symbols, flags and empties of a column of cells, vectorised.

    Cells may already be numbers (Excel, DataFrames) or text. Everything is tried as a
    plain number first; only what fails goes through the symbol and flag rules.
    """
    if isinstance(cells, pd.Series) and pd.api.types.is_numeric_dtype(cells.dtype):
        value = np.array(cells, dtype=np.float64)
        infinite = np.isinf(value)
        value[infinite] = np.nan
        missing = np.where(np.isnan(value) & ~infinite, REASON["missing"], 0).astype(np.int8)
        flags = np.zeros(len(value), np.int8)
        return Parsed(value, missing, flags, infinite, infinite)
    series = pd.Series(np.asarray(cells, dtype=object))
    n = len(series)
    value = _numbers(series, decimal)
    reason = np.zeros(n, dtype=np.int8)
    flag = np.zeros(n, dtype=np.int8)
    bad = np.zeros(n, dtype=bool)
    nonfinite = np.isinf(value)
    value[nonfinite] = np.nan
    bad |= nonfinite
    rest = np.flatnonzero(np.isnan(value) & ~nonfinite)
    if not len(rest):
        return Parsed(value, reason, flag, bad, nonfinite)
    raw = series.iloc[rest]
    text = _typeset(raw.astype(str).str.strip())
    words = text.str.fullmatch(_NON_FINITE).to_numpy(dtype=bool) & raw.notna().to_numpy()
    nonfinite[rest[words]] = True
    said_empty = text.str.casefold().str.replace(r"\s+", "", regex=True).isin(NO_INFORMATION)
    empty = (raw.isna() | text.isin(NA_TEXT) | said_empty).to_numpy() & ~words
    reason[rest[empty]] = REASON["missing"]
    symbol = text.isin(list(SYMBOLS)).to_numpy()
    for sym, (sym_value, sym_reason, sym_flag) in SYMBOLS.items():
        hit = rest[(text == sym).to_numpy()]
        value[hit] = sym_value
        reason[hit] = REASON[sym_reason]
        flag[hit] = FLAG[sym_flag]
    left = ~empty & ~symbol
    unknown_mark = np.zeros(n, dtype=bool)
    marked = _marked_symbols(text[left])
    if marked.any():
        at = rest[left]
        for sym, (sym_value, sym_reason, sym_flag) in SYMBOLS.items():
            for letter_known in (True, False):
                hit = (marked.symbol == sym) & (marked.known == letter_known)
                if letter_known:
                    value[at[hit]], reason[at[hit]] = sym_value, REASON[sym_reason]
                    flag[at[hit]] = marked.flag[hit]
                elif np.isnan(sym_value):  # no value either way: nothing to misread
                    value[at[hit]], reason[at[hit]] = sym_value, REASON[sym_reason]
                    flag[at[hit]] = FLAG[sym_flag]
                    unknown_mark[at[hit]] = True
        handled = marked.known | np.isin(marked.symbol, _NO_VALUE_SYMBOLS)
        left[left] = ~handled
    # a footnote mark after a figure (12.345¹, 9.000 1)): the figure, with a warning
    marked_text = text[left]
    plain = marked_text.str.replace(FOOTNOTE_MARK, "", regex=True)
    parts = plain.str.extract(_FLAGGED)
    number = _numbers(parts[1], decimal)
    open_, close = parts[0].notna().to_numpy(), parts[2].notna().to_numpy()
    ok = np.isfinite(number) & (open_ == close)
    nonfinite[rest[left][np.isinf(number)]] = True
    idx = rest[left]
    value[idx[ok]] = number[ok]
    letters = parts[3].map(VALUE_FLAGS).map(FLAG).fillna(0).to_numpy(dtype=np.int8)
    flag[idx[ok]] = np.where(open_[ok], FLAG["limited_value"], letters[ok])
    bad[idx[~ok]] = True
    footnote = np.zeros(n, dtype=bool)
    footnote[idx] = ok & (plain != marked_text).to_numpy()
    return Parsed(value, reason, flag, bad, nonfinite, unknown_mark, footnote)


#: A dash or minus sign as typesetting writes it (``−3,5``; ``–`` for "nothing there", as
#: Destatis' publications print it, ``—`` as Hessen's statistics office prints it) at the
#: start of a cell.
_TYPESET_MINUS = re.compile("^[\u2212\u2013\u2014]")
#: A percent sign after a figure (``12,5 %``, ``12,5%``, with a no-break space).
_PERCENT_SIGN = re.compile(r"(?<=\d)[ \u00a0\u202f]?%$")
#: A number whose thousands are set apart by a space, as DIN 5008 writes them (``12 345``,
#: also a no-break or thin space): groups of exactly three digits.
_SPACED_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?$")


def _typeset(text: pd.Series) -> pd.Series:
    """Cells as a keyboard would write them: a typeset minus or dash as ``-``, the spaces
    between thousands removed, a percent sign after a figure (``12,5 %``, as a spreadsheet
    saved as CSV writes a percentage) left out: the figure is read as written."""
    text = text.str.replace(_TYPESET_MINUS, "-", regex=True)
    text = text.str.replace(_PERCENT_SIGN, "", regex=True)
    spaced = text.str.fullmatch(_SPACED_THOUSANDS).fillna(False).to_numpy(dtype=bool)
    if spaced.any():
        text = text.copy()
        text[spaced] = text[spaced].str.replace(r"[ \u00a0\u202f\u2009]", "", regex=True)
    return text


#: The symbols that stand for no value (every one but ``-``, an exact zero).
_NO_VALUE_SYMBOLS = [s for s, (value, _, _) in SYMBOLS.items() if np.isnan(value)]


@dataclass
class _Marked:
    """Cells that are a symbol followed by a mark letter: the symbol (``""`` for other
    cells), whether the letter is a known flag, and that flag's code."""

    symbol: np.ndarray
    known: np.ndarray
    flag: np.ndarray

    def any(self) -> bool:
        return bool((self.symbol != "").any())


def _marked_symbols(text: pd.Series) -> _Marked:
    parts = text.str.extract(_MARKED_SYMBOL)
    symbol = parts[0].fillna("").to_numpy(dtype=object)
    letters = parts[1].map(VALUE_FLAGS)
    known = letters.notna().to_numpy()
    flag = letters.map(FLAG).fillna(0).to_numpy(dtype=np.int8)
    return _Marked(symbol, known, flag)


def _school_years(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The first calendar year of each cell that is a school year (-1 elsewhere), and
    whether it is one: (first years, is a school year)."""
    parts = cells.astype(str).str.extract(_SCHOOL_YEAR)
    first = pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    second = pd.to_numeric(parts[3], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    short = (parts[3].str.len() == 2).to_numpy(dtype=bool, na_value=False)
    follows = np.where(short, second == (first + 1) % 100, second == first + 1)
    month_like = short & parts[0].isna().to_numpy() & (parts[2] == "-").to_numpy(dtype=bool)
    school = ~np.isnan(first) & follows & ~month_like
    return np.where(school, first, -1).astype(np.int64), school


def _years_of(cells: pd.Series, school_year: str | None = None) -> np.ndarray:
    # read as text: a date cell (Excel's, a Timestamp) is a date, not its nanoseconds; a
    # footnote mark (2023¹) is no part of the year
    written = cells.astype(str).str.strip().str.replace(FOOTNOTE_MARK, "", regex=True)
    number = pd.to_numeric(written, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    found = written.str.extract(_YEAR_TEXT).bfill(axis=1)[0]
    text = pd.to_numeric(found, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    years = np.where(np.isnan(text), number, text)  # 20220515 is a date, not a number
    bad = np.isnan(years) | (years != np.round(years)) | (years < 1000) | (years > 9999)
    years = np.where(bad, -1, years).astype(np.int64)
    if school_year is not None and bad.any():
        first, school = _school_years(cells)
        counted = first + (1 if school_year == "end" else 0)
        years = np.where(bad & school, counted, years)
    return years


#: A month written as one number, ``202412`` (Berlin's register statistics date their
#: rows so in ``ZEIT``).
_MONTH_STAMP = re.compile(r"(?:18|19|20|21)\d\d(?:0[1-9]|1[0-2])")


def month_stamps(cells: pd.Series) -> pd.Series:
    """A year column whose every filled cell is a month written as one number
    (``202412``) as those months' years (``2024``); any other column as it is. Only a
    whole column of them is taken so: a six-digit number alone may be anything."""
    text = cells.astype(object).where(cells.notna(), "").astype(str).str.strip()
    text = text.str.replace(r"\.0$", "", regex=True)  # 202412.0, as a spreadsheet gives it
    filled = text[text != ""]
    if not len(filled) or not filled.str.fullmatch(_MONTH_STAMP).all():
        return cells
    return text.str[:4].where(text != "", cells)


def check_school_year(school_year: str | None) -> None:
    """Refuse a ``school_year`` option other than None, ``start`` or ``end``."""
    if school_year is not None and school_year not in SCHOOL_YEAR_COUNTS:
        raise MintIndexError(
            f"unknown school_year {school_year!r}; valid: {', '.join(SCHOOL_YEAR_COUNTS)}"
        )


def parse_years(
    cells: pd.Series | np.ndarray, school_year: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Years from ``2015``, ``2015.0`` or a date (``31.12.2015``, ``2015-12-31``,
    ``12/2015``, ``Dezember 2015``): (years, bad). With ``school_year`` (``start`` or
    ``end``, :data:`SCHOOL_YEAR_COUNTS`) a school or academic year (``2023/24``,
    ``WS 2005/06``) counts in its first or its second calendar year; without it, it is bad
    (:func:`year_failures` says which option reads it)."""
    check_school_year(school_year)
    years = per_unique(cells, lambda unique: _years_of(unique, school_year))
    return np.maximum(years, 0), years < 0


#: A year written in running text or a date: four digits from 1800 to 2199 (the years a
#: source's ``year:`` may name) that are no part of a longer number (``1.234.567``,
#: ``2023,5``).
_A_YEAR = r"(?<![\d,])(?:1[89]\d\d|2[01]\d\d)(?![\d,]|\.\d)"
_YEAR_IN_TEXT = re.compile(_A_YEAR)
#: A title line that names the table's source or publisher rather than its subject, or
#: the date of its regions' boundaries (``Gebietsstand: 01.11.2016``), not of its figures.
_SOURCE_LINE = re.compile(
    r"^\s*(?:quelle|datenquelle|source|herausgeber|copyright|©|\(c\)|gebietsstand)",
    re.IGNORECASE,
)
#: Two years in one cell (``2024 / 2005``, ``Veränderung aktuelles Jahr (2024) zu 2005``).
_TWO_YEARS = re.compile(rf"{_A_YEAR}.*{_A_YEAR}")


def names_two_years(texts: pd.Series | np.ndarray) -> np.ndarray:
    """Which texts name two years: a period or a change between them (``2024 / 2005``,
    ``Veränderung aktuelles Jahr (2024) zu 2005``), never one year's figure."""
    text = pd.Series(np.asarray(texts, dtype=object), dtype=object).astype(str)
    return per_unique(text.to_numpy(dtype=object), lambda u: u.str.contains(_TWO_YEARS)).astype(
        bool
    )


def year_failures(
    source: str, rows: np.ndarray, column: str, cells: pd.Series, reason: str = "not a year"
) -> pd.DataFrame:
    """The problems of year cells :func:`parse_years` found bad (``rows`` and ``cells``
    are those cells only): a school year without the ``school_year`` option says how to
    read it (code ``school_year``), anything else is ``not_a_year``."""
    text = cells.astype(str).to_numpy(dtype=object)
    school = per_unique(text, lambda unique: _school_years(unique)[1]).astype(bool)
    how = (
        "a school or academic year names two calendar years: say which one it counts in "
        "(school_year: start or end; --school-year)"
    )
    span = names_two_years(text)
    period = (
        f"{reason}: it names two years, a period or a change between them (2024 / 2005), "
        "not one year's figure; mint-index compares years itself, from each year's figures"
    )
    return failures_frame(
        source,
        rows,
        column,
        text,
        np.where(school, how, np.where(span, period, reason)),
        code=np.where(school, "school_year", "not_a_year"),
    )


#: An official key written in groups of digits (``05 315 000``, ``05 3 15 000``), as
#: printed tables and the Gemeindeverzeichnis set them.
_GROUPED_KEY = re.compile(r"^\d+(?:[ \u00a0\u202f]\d+)+$")


def _key_text(keys: pd.Series) -> pd.Series:
    from mint_index.data.keys import OFFICIAL_LENGTHS

    number = pd.to_numeric(keys, errors="coerce")
    whole = number.notna() & (number == number.round()) & ~keys.map(type).isin([str])
    whole &= number.abs() < 2**53  # 1e300 or inf in a key cell: no key, reported as written
    out = keys.where(~whole, number.where(whole).round().astype("Int64").astype(str))
    text = out.where(out.notna(), "").astype(str).str.strip()
    joined = text.str.replace(r"[ \u00a0\u202f]", "", regex=True)
    length = joined.str.len()
    # a Kreis key or longer: ``10 1`` may be a town's own numbering, never guessed
    grouped = text.str.fullmatch(_GROUPED_KEY) & length.isin(OFFICIAL_LENGTHS) & (length >= 5)
    return text.where(~grouped, joined)


def key_text(keys: pd.Series | np.ndarray) -> np.ndarray:
    """Unit keys as stripped text; numbers (which may have lost a leading zero) are
    written without a trailing ``.0`` so the key checks can spot them, and an official
    key written in groups (``05 315 000``: digits only, of the length of a Kreis key or a
    longer official one) as one (``05315000``)."""
    return per_unique(keys, _key_text).astype(object)


def make_cells(
    units: np.ndarray,
    rows: np.ndarray,
    columns: list[str],
    variables: list[str],
    parsed: Parsed,
    years: np.ndarray,
    year_per_column: bool = False,
) -> pd.DataFrame:
    """Tidy cells from a block of ``len(rows)`` source rows by ``len(columns)`` value
    columns; ``parsed`` arrays are flattened row by row."""
    n_rows, n_cols = len(rows), len(columns)
    unit_codes, unit_cats = pd.factorize(np.asarray(units, dtype=object))
    var_codes, var_cats = pd.factorize(np.asarray(variables, dtype=object))
    col_codes, col_cats = pd.factorize(np.asarray(columns, dtype=object))
    unit_codes, var_codes, col_codes = (compact(c) for c in (unit_codes, var_codes, col_codes))
    return pd.DataFrame(
        {
            "unit": pd.Categorical.from_codes(np.repeat(unit_codes, n_cols), pd.Index(unit_cats)),
            "year": (np.tile(years, n_rows) if year_per_column else np.repeat(years, n_cols)),
            "variable": pd.Categorical.from_codes(np.tile(var_codes, n_rows), pd.Index(var_cats)),
            "value": parsed.value,
            "missing_reason": pd.Categorical.from_codes(parsed.reason, pd.Index(MISSING_REASONS)),
            "flag": pd.Categorical.from_codes(parsed.flag, pd.Index(FLAGS)),
            "row": np.repeat(np.asarray(rows, dtype=np.int64), n_cols),
            "column": pd.Categorical.from_codes(np.tile(col_codes, n_rows), pd.Index(col_cats)),
        },
        copy=False,
    )


def compact(codes: np.ndarray) -> np.ndarray:
    """Category codes in the smallest integer type (what pandas would convert them to)."""
    top = int(codes.max()) if len(codes) else 0
    kind = np.int8 if top < 2**7 else np.int16 if top < 2**15 else np.int32
    return codes.astype(kind, copy=False)


def _bad_cells(
    source: str, rows: np.ndarray, column: str | np.ndarray, raw: pd.Series, parsed: Parsed
) -> list[pd.DataFrame]:
    """Report non-numeric cells; a column with no number at all is one problem, not
    thousands (it is most likely a label column). ``column`` is one name, or one per
    cell (a wide table melted to long)."""
    if not parsed.bad.any():
        return []
    numbers = (~np.isnan(parsed.value)).any() or (parsed.reason > REASON["missing"]).any()
    if not numbers and parsed.bad.sum() > 1:
        first = np.flatnonzero(parsed.bad)[0]
        head = column if np.ndim(column) == 0 else column[first]
        one_column = np.ndim(column) == 0 and column != "value"  # not a long table's values
        return [
            failures_frame(
                source,
                rows[first],
                head,
                raw.iloc[first],
                "column holds text, not numbers; only unit, year and name may hold text "
                "(or give a mapping that leaves it out)"
                + (_kinds_hint(str(head), raw) if one_column else ""),
                code="text_column",
            )
        ]
    bad = np.flatnonzero(parsed.bad)
    infinite = parsed.nonfinite[bad] if parsed.nonfinite is not None else np.zeros(len(bad), bool)
    return [
        failures_frame(
            source,
            rows[bad],
            column if np.ndim(column) == 0 else column[bad],
            raw.iloc[bad].astype(str).to_numpy(),
            np.where(infinite, "not a finite number (NaN, inf or too large)", "not a number"),
            code=np.where(infinite, "not_finite", "not_a_number"),
        )
    ]


#: At most this many different texts make a column of kinds (``KV-Region``, ``Kreise``).
_MAX_KINDS = 12


#: A region named by its key and name in one cell (``1 Braunschweig``, ``03101 Braunschweig,
#: Stadt``), as a table that lists its regions as section rows writes them.
KEYED_NAME = re.compile(r"^\s*\d{1,12}\s+\D")


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


def _kinds_hint(head: str, texts: pd.Series) -> str:
    """For a text column that sorts the rows into a few kinds, how to read them: keep
    one kind where each kind has regions of its own (the KBV's ``Regionstyp``:
    ``KV-Region``, ``Kreise``, ``Raumordnungsregionen``), or read each kind's figures as
    variables of their own where the same regions stand under each (a town's ``Merkmal``:
    ``Einwohner insgesamt``, ``Ausländer`` over ``insgesamt | männlich | weiblich``). Each
    kind on two rows or more, at most :data:`_MAX_KINDS`; otherwise nothing."""
    cells = texts[texts.notna()].astype(str).str.strip()
    kinds = pd.unique(cells[cells != ""])
    if not 2 <= len(kinds) <= _MAX_KINDS or len(cells) < 2 * len(kinds):
        return ""
    shown = ", ".join(map(str, kinds))
    return (
        f"; it sorts the rows into kinds ({shown}): keep one with filter: {{{head}: "
        f"{kinds[-1]}}} (--filter '{head}={kinds[-1]}'), or, where the same regions stand "
        f"under each kind, read each kind's figures as variables of their own with pivot: "
        f"{head} (--pivot '{head}')"
    )


def cell_warnings(
    source: str, rows: np.ndarray, column: str | np.ndarray, raw: pd.Series, parsed: Parsed
) -> list[pd.DataFrame]:
    """Warnings for cells read despite a mark: a no-value symbol with a mark letter this
    reader does not know (``.g``: the value is missing either way, but the mark may say
    more than the symbol; code ``unknown_mark``), and a figure with a footnote mark
    (``12.345¹``: read as the figure, but the table's notes say what the mark means, such
    as "provisional"; code ``footnote_mark``). Arguments as :func:`_bad_cells`."""
    found = [
        (
            parsed.unknown_mark,
            "official symbol with a mark this reader does not know; read as the symbol (no value)",
            "unknown_mark",
        ),
        (
            parsed.footnote,
            "a figure with a footnote mark; read as the figure (the table's notes say what "
            "the mark means)",
            "footnote_mark",
        ),
    ]
    warnings = []
    for mask, reason, code in found:
        if mask is None or not mask.any():
            continue
        at = np.flatnonzero(mask)
        where = column if np.ndim(column) == 0 else column[at]
        text = raw.iloc[at].astype(str).to_numpy()
        warnings.append(failures_frame(source, rows[at], where, text, reason, code=code))
    return warnings


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
    (:func:`parse_years`). ``source_names`` maps a column the reader renamed (``unit``,
    ``year``, ``name``) back to the source's name (``AGS``, ``Jahr``), for the problems;
    ``file_columns`` are the source's own columns, which a missing column's problem
    lists (default: the frame's; a reader that melted the table passes the file's).
    """
    named = source_names or {}
    frame = frame.rename(columns=lambda c: str(c).strip())
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
            hint[unit_column] = (
                f" (the file names its units in {named.get('name', 'name')!r} without a key: "
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
    if {"name", "population"} & {h.strip().casefold() for h in heads}:
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


def empty_cells() -> pd.DataFrame:
    empty = Parsed(*(np.zeros(0, dt) for dt in (np.float64, np.int8, np.int8, bool)))
    return make_cells(
        np.zeros(0, object), np.zeros(0, np.int64), [], [], empty, np.zeros(0, np.int64)
    )


def _wide_cells(
    frame: pd.DataFrame,
    source: str,
    rows: np.ndarray,
    units: np.ndarray,
    years: np.ndarray,
    decimal: str,
) -> tuple[pd.DataFrame, list[pd.DataFrame], list[pd.DataFrame]]:
    """Wide: one column per variable; columns are parsed one at a time (a few dozen).
    Returns the cells, the failures and the warnings."""
    n_rows, n_cols = frame.shape
    value = np.empty((n_rows, n_cols))
    reason = np.empty((n_rows, n_cols), np.int8)
    flag = np.empty((n_rows, n_cols), np.int8)
    failures: list[pd.DataFrame] = []
    warnings: list[pd.DataFrame] = []
    for j, column in enumerate(frame.columns):
        col = frame[column]
        parsed = parse_cells(col, decimal)
        value[:, j], reason[:, j], flag[:, j] = parsed.value, parsed.reason, parsed.flag
        failures += _bad_cells(source, rows, column, col, parsed)
        warnings += cell_warnings(source, rows, column, col, parsed)
    flat = Parsed(value.ravel(), reason.ravel(), flag.ravel(), np.zeros(0, bool))
    columns = [str(c) for c in frame.columns]
    return make_cells(units, rows, columns, columns, flat, years), failures, warnings


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
    failures = _bad_cells(source, rows, column, frame["value"], parsed)
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
    the header is the line after the first ``skiprows`` (:func:`title_rows`), or, with
    ``names`` (a header of several lines, :func:`header_labels`), the data start there.

    Returns (frame, separator, decimal mark, encoding); numeric columns are parsed by the
    C reader, everything else stays text for :func:`parse_cells`.
    """
    encoding = encoding or detect_encoding(raw)
    # four bytes a character at most: the decoded head is longer than the sample unless
    # it is the whole file
    sample = text_sample(raw[: SAMPLE_CHARS * 4].decode(encoding, errors="replace"))
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
    header.columns = [str(c).strip() for c in header.columns]
    keep_text = set(KEY_COLUMNS) | set(text_columns)
    if decimal is None:
        values = header[[c for c in header.columns if c not in keep_text]]
        decimal = sniff_decimal(values, sep)
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


def unreadable_csv(exc: Exception) -> str:
    """Why pandas' CSV parser gave up on a file, said for the person who edits it."""
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
