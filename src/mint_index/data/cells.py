"""Cells: what a figure, a year or a unit key written in a cell of a statistics table means.

Every reader (CSV, workbook, GENESIS, Parquet, a DataFrame) turns cell texts into numbers,
years and keys here, so one convention holds for all of them. Cells follow German
official statistics, because municipal data pass through many hands and spreadsheets:
the symbols ``-``, ``.``, ``x``, ``/`` and ``...``, values in parentheses and the value
flags ``p``, ``r``, ``s``, ``e`` keep their official meaning (see :data:`SYMBOLS`). A
symbol may carry a flag too (``.p``, ``- r``); a symbol that stands for no value followed
by a mark no office documents here (``.g`` in a Regionalstatistik export) is read as the
symbol, with a warning, since no number can be misread. Typeset figures (``−3,5``,
``12 345``, ``12,5 %``) read as typed ones; a figure or year with a footnote mark
(``12.345¹``) is read with a warning (:func:`cell_warnings`); a workbook column formatted
as a percentage is read as shown (:func:`mint_index.data.workbooks.percent_columns`).
Years come from years, dates and school years (:func:`parse_years`); keys stay text
(:func:`key_text`). Nothing is guessed: a cell that is not a number is reported, and
every missing value says why.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mint_index.data.dataset import FLAGS, MISSING_REASONS
from mint_index.data.problems import failures_frame
from mint_index.errors import MintIndexError

__all__ = [
    "FLAG",
    "FOOTNOTE_MARK",
    "KEYED_NAME",
    "NA_TEXT",
    "NO_INFORMATION",
    "REASON",
    "SCHOOL_YEAR_COUNTS",
    "SYMBOLS",
    "VALUE_FLAGS",
    "Parsed",
    "bad_cells",
    "cell_warnings",
    "check_school_year",
    "compact",
    "empty_cells",
    "holds_text",
    "is_symbol",
    "key_text",
    "keys_in_labels",
    "make_cells",
    "month_stamps",
    "names_two_years",
    "not_numbers",
    "not_years",
    "parse_cells",
    "parse_years",
    "per_unique",
    "sniff_decimal",
    "title_school_year",
    "title_year",
    "typed_decimal",
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
#: Angabe``, ``unbekannt``), compared without case and spaces: an empty cell in words,
#: read as one (reason ``missing``). ``n.v.`` is not among them: it may mean "nicht
#: vorhanden", none at all.
NO_INFORMATION: frozenset[str] = frozenset(
    {"k.a.", "k.a", "keineangabe", "keineangaben", "unbekannt", "unknown"}
)


_NON_FINITE = re.compile(r"^[-+]?(?:nan|inf|infinity)$", re.IGNORECASE)


#: An official symbol followed by one mark letter (``.p``, ``/ r``, ``.g``).
_MARKED_SYMBOL = re.compile(r"^(\.\.\.|…|[-.x/])\s*([a-z])$")


#: A figure in brackets or with a mark letter (``(12)``, ``12 p``, ``(12) s``). The spaces
#: before and after the bracket are one run each, never split between two ``\s*``: a
#: figure followed by 30,000 spaces took quadratic time.
_FLAGGED = re.compile(r"^(\()?\s*([-+]?[0-9][0-9.,]*(?:[eE][-+]?[0-9]+)?)\s*(?:(\))\s*)?([prse])?$")


def is_symbol(cell: str) -> bool:
    """Whether a stripped cell is an official symbol (:data:`SYMBOLS`), alone or with a
    mark letter (``.p``, ``/ r``): a cell of the figures, not of a header."""
    return bool(cell in SYMBOLS or _MARKED_SYMBOL.match(cell))


#: A footnote mark at the end of a cell: superscript digits, asterisks, or a number in
#: parentheses after a space (``12.345¹``, ``8.000*``, ``9.000 1)``, ``Insgesamt (2)``).
#: ``(12)`` alone is no mark but a limited value. A mark never begins inside a run of
#: spaces (``(?<!\s)``): tried at each of them, a long run took quadratic time.
FOOTNOTE_MARK = re.compile(r"(?<!\s)(?:\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\s*\*+|\s+\(?\d{1,2}\))+$")


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

    def part(self, cells: slice) -> Parsed:
        """These cells only (a column of cells parsed with others)."""

        def cut(array: np.ndarray | None) -> np.ndarray | None:
            return None if array is None else array[cells]

        return Parsed(
            self.value[cells],
            self.reason[cells],
            self.flag[cells],
            self.bad[cells],
            cut(self.nonfinite),
            cut(self.unknown_mark),
            cut(self.footnote),
        )


# ---- figures and symbols ------------------------------------------------------------


def per_unique(cells: pd.Series | np.ndarray, fn: Any) -> np.ndarray:
    """Apply a vectorised ``fn`` to the distinct values only (keys, years and variable
    names repeat thousands of times) and spread the result back."""
    codes, uniques = pd.factorize(pd.Series(np.asarray(cells, dtype=object)), use_na_sentinel=False)
    return np.asarray(fn(pd.Series(np.asarray(uniques, dtype=object))))[codes]


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


#: What ``infer_dtype`` calls a column that may hold a date or time object.
_MAY_HOLD_DATES = frozenset(
    {"datetime", "datetime64", "date", "time", "timedelta", "timedelta64", "period", "mixed"}
)
_DATE_TYPES = (
    datetime.date,
    datetime.time,
    datetime.timedelta,
    np.datetime64,
    np.timedelta64,
    pd.Period,
)


def _dates_as_text(cells: pd.Series) -> pd.Series:
    """Cells with their date and time objects (a workbook's date cells) as text, which
    is no figure, and a missing time (``NaT``) as missing: ``pd.to_numeric`` reads a
    column of dates and empty cells as nanoseconds, every empty cell as -9.2e18."""
    if pd.api.types.infer_dtype(cells, skipna=True) not in _MAY_HOLD_DATES:
        return cells
    dated = np.fromiter((isinstance(c, _DATE_TYPES) for c in cells), dtype=bool, count=len(cells))
    if not dated.any():
        return cells
    out = cells.copy()
    out[dated] = [None if pd.isna(c) else str(c) for c in cells[dated]]
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
    # object, as given: pandas would make a column of dates datetime64, its gaps NaT
    series = _dates_as_text(pd.Series(np.asarray(cells, dtype=object), dtype=object))
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


def sniff_decimal(cells: pd.DataFrame, sep: str) -> str:
    """``,`` if numbers in the sample are written with a decimal comma, else ``.``.

    A decimal comma may come with thousands dots (``1.234,5``); in a ``,``-separated
    file such numbers are quoted (``"1.234,5"``) and count the same. In a ``;`` file
    numbers like ``1.500`` whose every dot is followed by three digits are German
    thousands (``;`` files come from German-language spreadsheets); any other ``1.5``
    makes the dot the decimal mark, and so does ``0.125``: no number grouped in
    thousands starts with a zero.
    """
    if not len(cells):
        return "."
    text = _typeset(cells.stack().astype(str).str.strip())  # 12.345 %, −1.234,5
    text = text.str.replace(FOOTNOTE_MARK, "", regex=True)  # 12.345¹
    tail = r"\)?\s*[prse]?"
    comma = text.str.fullmatch(r"[-+(]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+" + tail).sum()
    dot = text.str.fullmatch(r"[-+(]?\d+(?:\.\d+)+" + tail).sum()
    thousands = text.str.fullmatch(r"[-+(]?[1-9]\d{0,2}(?:\.\d{3})+" + tail).sum()
    if comma > 0 and comma + thousands >= dot:
        return ","
    if sep == ";" and dot > 0 and thousands == dot:
        return "." if _dots_are_decimals(text, tail, str(cells.columns[0])) else ","
    return "."


#: Column heads of figures that are shares or rates (at most 100 or so, never thousands).
_PERCENT_HEAD = re.compile(r"%|prozent|anteil|quote|percent|share|\brate\b", re.IGNORECASE)
#: Column heads of keys, numbers and years, whose long digit runs are no figures.
_NOT_A_FIGURE_HEAD = re.compile(
    r"\bnr\b|nr\.|nummer|schl[üu]ssel|\bkey\b|\bags\b|\bars\b|kennziffer|code|\bid\b|jahr|year"
    r"|\bplz\b|postleitzahl",
    re.IGNORECASE,
)


def _dots_are_decimals(text: pd.Series, tail: str, first_column: str) -> bool:
    """Whether a ``;`` file's dotted numbers that all look like German thousands
    (``7.125``) are decimals after all, as the file itself shows: they stand in a column
    headed as a share or rate (``Arbeitslosenquote in %``: 7125 % cannot be), or the
    file writes its other figures of four digits or more without a thousands mark
    (``1423``), outside keys, numbers and years (by their column's head, the first
    column, and the years 1900-2100)."""
    if not isinstance(text.index, pd.MultiIndex):
        return False
    column = text.index.get_level_values(-1).astype(str)
    dotted = text.str.fullmatch(r"[-+(]?\d+(?:\.\d+)+" + tail).fillna(False).to_numpy(dtype=bool)
    percent_head = np.asarray(column.str.contains(_PERCENT_HEAD), dtype=bool)
    if (dotted & percent_head).any():
        return True
    plain = text.str.fullmatch(r"[-+(]?[1-9]\d{3,}" + tail).fillna(False).to_numpy(dtype=bool)
    digits = pd.to_numeric(text.str.extract(r"(\d+)")[0], errors="coerce").to_numpy()
    year = (digits >= 1900) & (digits <= 2100)
    excluded = np.asarray(column.str.contains(_NOT_A_FIGURE_HEAD), dtype=bool) | np.asarray(
        column == first_column
    )
    with_dots = set(column[dotted])
    return bool((plain & ~year & ~excluded & ~np.isin(column, list(with_dots))).any())


def typed_decimal(values: pd.DataFrame) -> str:
    """The decimal mark of the figures a sheet holds as text (typed with an apostrophe,
    pasted from a German document: ``12,5``, ``1.234.567``, ``1.204``), sniffed from the
    first 200 rows as in a ``;`` file, the German-language kind: figures whose every dot
    is followed by three digits are thousands (``1.204`` was read as 1.204, a thousandth
    of what the sheet shows and of what the same table saved as CSV gives). The sheet's
    numbers are numbers whatever it says. Without text figures, ``.``."""
    sample = values.head(200)
    typed = sample.where(sample.map(lambda cell: isinstance(cell, str)), "")
    return sniff_decimal(typed, ";")


def holds_text(cells: pd.Series) -> bool:
    """Whether a column holds text rather than figures (fewer than half its filled cells
    are numbers)."""
    written = cells.astype(object).where(cells.notna(), "").astype(str).str.strip()
    figures = pd.to_numeric(written.str.replace(",", ".", regex=False), errors="coerce")
    return bool(figures.notna().sum() * 2 < (written != "").sum())


# ---- years ---------------------------------------------------------------------------


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


def not_years(numbers: np.ndarray) -> np.ndarray:
    """Which numbers are no year: missing, not whole, or not of four digits (1000 to
    9999). The one test of a year given as a number, in a data cell, the measures register
    and a scores file alike."""
    with np.errstate(invalid="ignore"):
        return ~((numbers == np.round(numbers)) & (numbers >= 1000) & (numbers <= 9999))


def _years_of(cells: pd.Series, school_year: str | None = None) -> np.ndarray:
    # read as text: a date cell (Excel's, a Timestamp) is a date, not its nanoseconds; a
    # footnote mark (2023¹) is no part of the year
    written = cells.astype(str).str.strip().str.replace(FOOTNOTE_MARK, "", regex=True)
    number = pd.to_numeric(written, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    found = written.str.extract(_YEAR_TEXT).bfill(axis=1)[0]
    text = pd.to_numeric(found, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    years = np.where(np.isnan(text), number, text)  # 20220515 is a date, not a number
    bad = not_years(years)
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


def title_year(title: str | None) -> int | None:
    """The one year a table's title names (``... am 31. Dezember 2023``, ``Stand:
    31.12.2023``), else ``None`` (no year, or several: ``2011 bis 2023``). Lines that
    name the source (``Quelle: ... 2024``, ``© ...``) say when a table was published, and
    ``Gebietsstand: 01.11.2016`` whose boundaries its regions have, not what year it is
    about: they are left out. A school year (``Schuljahr 2023/24``) is no year of its own
    (:func:`title_school_year`), nor the census the figures rest on (``auf Grundlage des
    Zensus 2022``). ``title``: its lines joined by `` · ``."""
    lines = [
        _CENSUS_BASE.sub(" ", _SCHOOL_YEAR_IN_TEXT.sub(" ", line)) for line in _title_lines(title)
    ]
    found = {int(y) for line in lines for y in _YEAR_IN_TEXT.findall(line)}
    return found.pop() if len(found) == 1 else None


#: The census a table's figures are projected from (``Ergebnisse auf Grundlage des Zensus
#: 2022``, ``Basis Zensus 2011``): the year of its base, not of its figures.
_CENSUS_BASE = re.compile(
    r"(?:grundlage|basis)\s+(?:des\s+|der\s+)?zensus\s*(?:1[89]|2[01])\d\d", re.IGNORECASE
)


#: A school or academic year in running text: ``Schuljahr 2023/24``, ``2023/2024``,
#: ``SJ 2023-24`` (with a ``-`` only after such a word: ``2011-12`` alone may be a month).
_SCHOOL_YEAR_IN_TEXT = re.compile(
    r"(?:(?:schuljahr|schulj\.|sj|kita-?jahr|kindergartenjahr|studienjahr|wintersemester|"
    r"wise|ws|school\s+year|academic\s+year)\s*(1[89]\d\d|2[01]\d\d)\s*[/-]\s*(\d{4}|\d{2})"
    r"|(?<![\d,.])(1[89]\d\d|2[01]\d\d)\s*/\s*(\d{4}|\d{2}))(?![\d,])",
    re.IGNORECASE,
)


def title_school_year(title: str | None) -> int | None:
    """The first calendar year of the one school or academic year a table's title names
    (``Schüler/-innen im Schuljahr 2023/24``: 2023), else ``None``. Which calendar year
    the table counts in is the source's ``school_year`` option, as for school years in
    its cells: a title never decides it."""
    found = set()
    for line in _title_lines(title):
        for match in _SCHOOL_YEAR_IN_TEXT.finditer(line):
            first, second = (
                (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
            )
            start = int(first)
            if int(second) in (start + 1, (start + 1) % 100):
                found.add(start)
    return found.pop() if len(found) == 1 else None


def _title_lines(title: str | None) -> list[str]:
    """A title's lines (joined by `` · ``) without those naming its source or its
    regions' boundaries."""
    return [line for line in (title or "").split(" · ") if not _SOURCE_LINE.match(line)]


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


# ---- unit keys -----------------------------------------------------------------------


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


#: A region named by its key and name in one cell (``1 Braunschweig``, ``03101 Braunschweig,
#: Stadt``), as a table that lists its regions as section rows writes them.
KEYED_NAME = re.compile(r"^\s*\d{1,12}\s+\D")


# ---- tidy cells and their problems -----------------------------------------------------


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


def empty_cells() -> pd.DataFrame:
    empty = Parsed(*(np.zeros(0, dt) for dt in (np.float64, np.int8, np.int8, bool)))
    return make_cells(
        np.zeros(0, object), np.zeros(0, np.int64), [], [], empty, np.zeros(0, np.int64)
    )


def bad_cells(
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
    return [not_numbers(source, rows, column, raw, parsed)]


def not_numbers(
    source: str, rows: np.ndarray, column: str | np.ndarray, raw: pd.Series, parsed: Parsed
) -> pd.DataFrame:
    """One problem per cell that is no number (``parsed.bad``), for :func:`bad_cells`, or
    for the cells of many columns at once where none is a column of text."""
    bad = np.flatnonzero(parsed.bad)
    infinite = parsed.nonfinite[bad] if parsed.nonfinite is not None else np.zeros(len(bad), bool)
    return failures_frame(
        source,
        rows[bad],
        column if np.ndim(column) == 0 else column[bad],
        raw.iloc[bad].astype(str).to_numpy(),
        np.where(infinite, "not a finite number (NaN, inf or too large)", "not a number"),
        code=np.where(infinite, "not_finite", "not_a_number"),
    )


#: At most this many different texts make a column of kinds (``KV-Region``, ``Kreise``).
_MAX_KINDS = 12


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
    as "provisional"; code ``footnote_mark``). Arguments as :func:`bad_cells`."""
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
