"""A plain table's parts: where its header is, what it names its columns, and which rows
below it are not data.

Plain tables (CSV files and workbook sheets that are no official export) come as town
departments save them: title lines above the header, a header over several rows of
merged cells or with group heads over its value columns (:func:`header_rows`,
:func:`header_labels`), a row numbering the columns (:func:`column_numbering`), empty
rows and notes below the last row (:func:`blank_and_note_rows`), and total rows, which
are no units (:func:`total_rows`). The readers in :mod:`mint_index.data.sources` and the
printout reader (:mod:`mint_index.data.printouts`) ask here; what a cell means is
:mod:`mint_index.data.cells`' business.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Collection, Iterable
from typing import Any

import numpy as np
import pandas as pd

from mint_index.data.cells import FOOTNOTE_MARK, is_symbol, parse_cells, parse_years
from mint_index.data.keys import region_keys
from mint_index.data.problems import failures_frame

__all__ = [
    "HEAD_ROWS",
    "blank_and_note_rows",
    "cell_text",
    "column_names",
    "column_numbering",
    "each_cell",
    "empty_rows_on_top",
    "head_cell",
    "head_records",
    "header_depth",
    "header_labels",
    "header_rows",
    "is_unit_of_measure",
    "land_labels",
    "title_rows",
    "total_labels",
    "total_rows",
    "without_headings",
]


# ---- the header ------------------------------------------------------------------------

#: How many rows a plain table's title and header are looked for in, below any empty
#: rows at the top (a sheet whose table starts under a chart).
HEAD_ROWS = 50


def head_records(records: Iterable[list[str]]) -> list[list[str]]:
    """The first records of a text table as :func:`header_rows` reads them: the empty ones
    at the top, then :data:`HEAD_ROWS` more. ``records`` may be a lazy reader."""
    head: list[list[str]] = []
    filled = 0
    for record in records:
        head.append(record)
        filled += bool(filled) or any(cell.strip() for cell in record)
        if filled >= HEAD_ROWS:
            break
    return head


def empty_rows_on_top(sheet: pd.DataFrame) -> int:
    """How many rows at the top of a sheet hold nothing but blanks (a table under a chart,
    a million empty rows of an .ods): the header is looked for below them, in the next
    :data:`HEAD_ROWS`, as :func:`head_records` does for a text file."""
    for row in np.flatnonzero(sheet.notna().to_numpy().any(axis=1)):  # the blank ones first
        if any(str(cell).strip() for cell in sheet.iloc[row] if pd.notna(cell)):
            return int(row)
    return 0


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
        return bool(_FIGURE.match(cell) or is_symbol(cell))

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
    over ``Nr;Name;Einwohner;Ausländer;Einwohner;Ausländer``). A row of group heads
    directly over a row that names every column, the key and name columns too
    (:func:`_heads_over_heads`), starts the header. At most six rows."""
    skip = title_rows(rows)
    depth = header_depth(rows[skip:])
    if depth == 1 and _heads_over_heads(rows[skip : skip + 3]):
        depth = 1 + header_depth(rows[skip + 1 :])
    units = _after_empty_rows(rows, skip + depth)  # a row of units of measure
    if units > skip + depth and units < len(rows) and _units_of_measure(rows[units]):
        depth = units - skip + 1  # a vertically merged header cell left the rows between empty
    # the rows numbering the columns, after any empty rows (a second one, ``(1) | (2)``,
    # for a print's notes): they belong to the header, not the data
    numbering = _after_empty_rows(rows, skip + depth)
    while numbering < len(rows) and column_numbering(rows[numbering]):
        depth = numbering - skip + 1
        numbering = _after_empty_rows(rows, skip + depth)
    data = rows[skip + depth] if skip + depth < len(rows) else []
    key_at = next((j for j, cell in enumerate(data) if str(cell).strip()), 0)
    while skip > 0 and depth < _MAX_HEADER_ROWS:
        above, top = rows[skip - 1], rows[skip]
        if not (_heads_the_header(above, top) or _groups_over_values(above, top, key_at)):
            break
        skip, depth = skip - 1, depth + 1
    return skip, depth


def _heads_over_heads(rows: list[list[str]]) -> bool:
    """Whether the first of ``rows`` holds group heads over the second, a header row that
    names the key and name columns too (``Stadtbezirk;;Einwohner;davon;;Ausländeranteil``
    over ``Nr.;Name;insgesamt;Deutsche;Ausländer;in %``, or ``;;Einwohner;davon`` over
    ``Nr;Stadtbezirk;insgesamt;Deutsche;Ausländer``), which the rule for a header's
    continuation rows (first cell empty) does not join: the upper row leaves blank some
    columns the lower one heads (its cells merged over them), the lower one's first cell
    is filled and it holds
    labels (text, or years under a group), no figure, and the row below it holds
    figures, as data rows do. Not a line saying as of when (``Stand: ...``), nor a first
    data row whose figures are all one word (``Mitte;unbekannt;unbekannt`` under
    ``;Einwohner;Ausländer``), where no head spans several columns."""
    if len(rows) < 3:
        return False
    top, below, data = ([str(cell).strip() for cell in row] for row in rows[:3])
    upper = {j for j, cell in enumerate(top) if cell}
    lower = [j for j, cell in enumerate(below) if cell]
    if len(upper) < 2 or not lower or lower[0] != 0 or not set(lower) - upper:
        return False
    if any(_AS_OF.match(top[j]) for j in upper):
        return False
    if not set(lower) - upper - {0} and len({below[j] for j in lower if j > 0}) == 1:
        # heads each over one column, under them one text again and again: a first data
        # row without figures (``Mitte;unbekannt;unbekannt``, ``Mitte;geheim;geheim``),
        # no row of heads
        return False
    labels = [below[j] for j in lower]
    years = ~parse_years(pd.Series(labels, dtype=object))[1]
    figures = [bool(_FIGURE.match(c) or is_symbol(c)) for c in labels]
    if any(figure and not year for figure, year in zip(figures, years, strict=True)):
        return False
    return any(_FIGURE.match(cell) for cell in data[1:])


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


def cell_text(cell: Any) -> str:
    """A cell above a sheet's data as its text; a date cell (a ``Stichtag`` head typed as
    ``31.12.2023``, which Excel stores as a date) as the date, ``2023-12-31``, not
    ``2023-12-31 00:00:00``; a whole number as one (``2006``, not ``2006.0``)."""
    if isinstance(cell, datetime.datetime) and cell.time() == datetime.time():
        return cell.date().isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a year head in a column pandas read as floats: 2006, not 2006.0
    return str(cell)


def head_cell(cell: object) -> str:
    """A header cell as one line: a word a spreadsheet broke over two lines joined
    (``Schlüssel-`` / ``nummer``: ``Schlüsselnummer``), any other line break a space,
    runs of spaces one (``Kreisfreie Stadt`` / ``Landkreis``: ``Kreisfreie Stadt
    Landkreis``)."""
    return " ".join(_BROKEN_WORD.sub("", str(cell)).split())


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


def is_unit_of_measure(text: str) -> bool:
    """Whether a head is a unit of measure and nothing else (``Anzahl``, ``in %``, ``je
    1.000 Einwohner``): it says what a figure is counted in, not what is counted."""
    cell = str(text).strip()
    return bool(_UNIT_OF_MEASURE.match(cell)) and (
        cell.lower().startswith("je ") or len(cell.split()) <= 2
    )


def _heads_only(row: list[Any]) -> list[Any]:
    """A row numbering the columns with its numbers left out: the key column's head
    that may stand in it (``AGS | 1 | 2 | 3``) is a label."""
    return ["" if _COLUMN_NUMBER.match(str(cell).strip()) else cell for cell in row]


def column_names(cells: list[Any]) -> list[str]:
    """A header row's cells as column names, the way pandas' ``header=0`` names them: an
    empty cell ``Unnamed: n``, a repeated name ``x.1``."""
    names: list[str] = []
    taken: set[str] = set()
    repeats: dict[str, int] = {}  # name -> the last suffix given it (16,384 alike: linear)
    for i, cell in enumerate(cells):
        empty = cell is None or (isinstance(cell, float) and cell != cell) or cell == ""
        name = f"Unnamed: {i}" if empty else str(cell)
        base, k = name, repeats.get(name, 0)
        while name in taken:
            k += 1
            name = f"{base}.{k}"
        repeats[base] = k
        names.append(name)
        taken.add(name)
    return names


# ---- rows that are not data ------------------------------------------------------------


#: A web address on a line of its own below a table (the publisher's site).
_WEB_ADDRESS = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)


#: How a note below a table opens, in any of its cells (``Quelle:``, ``Stand: 05.01.2022``,
#: ``1) Hauptwohnsitze``, ``* vorläufig``).
_NOTE_OPENING = re.compile(
    r"(?:quelle|stand|datenstand|fu(?:ß|ss)note|anmerkung|hinweis|erläuterung|source|note|"
    r"as of)\b\s*:?|\d{1,2}\)\s|\*+\s|https?://|www\.",
    re.IGNORECASE,
)


def blank_and_note_rows(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A plain table without its empty rows (``;;;`` lines, empty spreadsheet rows) and
    without the notes below it (``Fußnote: vorläufige Werte``, ``Quelle: ...``: rows at
    the end with one filled cell, text with a space in it, as no key is written, or a web
    address, ``https://www.integrationsmonitoring.niedersachsen.de``, or rows whose every
    filled cell opens as a note does, ``Quelle: ...;;;;Stand: 05.01.2022``), which
    are returned as warnings (code ``note_below_table``), for they may say what the
    figures mean. ``frame``'s index numbers the rows as the source does."""
    # the cells once as an array: DataFrame operations go column by column, and a table
    # may be thousands of columns wide
    values = frame.to_numpy(dtype=object)
    empty = np.asarray(pd.isna(values), dtype=bool)
    texts_at = [j for j, t in enumerate(frame.dtypes) if not pd.api.types.is_numeric_dtype(t)]
    if texts_at:  # text columns: blanks count as empty
        empty[:, texts_at] |= each_cell(values[:, texts_at], lambda t: t.str.strip() == "")
    filled = (~empty).sum(axis=1)
    one = np.flatnonzero(filled == 1)
    first = (~empty[one]).argmax(axis=1)
    texts = pd.Series(values[one, first], dtype=object).astype(str).str.strip()
    note = np.zeros(len(frame), dtype=bool)
    # words apart, by a space or a non-breaking one (a statistics database's printout)
    note[one] = (texts.str.contains(r"\s") | texts.str.match(_WEB_ADDRESS)).to_numpy()
    # a note spread over several cells (``Quelle: Melderegister;;;;Stand: 05.01.2022``):
    # every filled cell opens as a note does
    several = np.flatnonzero(filled > 1)
    if len(several):
        text = np.where(empty[several], "", values[several])
        opens = each_cell(text, lambda t: t.str.strip().str.match(_NOTE_OPENING))
        note[several] = (opens | empty[several]).all(axis=1)
    # from the bottom up to the last data row: what is empty or a note is below the table
    below = np.logical_and.accumulate(((filled == 0) | note)[::-1])[::-1]
    at = np.flatnonzero(below & note)  # a few rows at most
    written = [
        "; ".join(str(c).strip() for c, e in zip(row, blank, strict=True) if not e)
        for row, blank in zip(values[at], empty[at], strict=True)
    ]
    warnings = failures_frame(
        source,
        np.asarray(frame.index)[at],
        np.asarray(frame.columns, dtype=object)[(~empty[at]).argmax(axis=1)],
        np.asarray(written, dtype=object),
        "a note below the table, not read as data",
        code="note_below_table",
    )
    return frame[(filled > 0) & ~below], warnings


def each_cell(cells: np.ndarray, test: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """``test`` (a vectorised string operation: a test, a strip) of every cell of
    ``cells`` (2-D) as text, in one call over all of them, in their shape: a call per
    column costs more than its cells in a table of thousands of columns."""
    text = pd.Series(cells.ravel(), dtype=object).astype(str)
    return test(text).to_numpy().reshape(cells.shape)


#: Words that make a row a total over the table's units, as the first or the last word of
#: its key or name (``Insgesamt``, ``Summe``, ``Stadt insgesamt``, ``Stadtbezirk 1
#: zusammen``, ``Gesamtstadt``, ``Total``).
_TOTAL_WORDS = frozenset(
    {"insgesamt", "gesamt", "summe", "zusammen", "gesamtstadt", "gesamtsumme", "total"}
    | {"totals", "sum", "alle", "all"}
)


def total_rows(
    frame: pd.DataFrame,
    key: str | None,
    name: str | None,
    source: str,
    decimal: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A plain table without the rows that total its units (``;Insgesamt;21000``,
    ``Summe;;21000``, ``0;Stadt insgesamt;...``, a district's subtotal ``;Stadtbezirk 1
    zusammen;...``), which are returned as warnings (code ``total_row``): a total read as
    a unit would be the largest "unit" of every count and stretch every scale. A row is
    one when its key or its name starts or ends with a total word (:data:`_TOTAL_WORDS`,
    a whole word: ``Gesamtschule`` is none), whatever key it carries, or when it has no
    key and its name is the country's or a Land's (:func:`~mint_index.data.keys.region_keys`:
    ``;Bayern;...`` under the rows of Bavaria's Kreise; Berlin with a key stays a unit), or
    when its key is all zeros over districts numbered 1, 2, ... (the other keys) and its
    name is no Land's (``0;Stadt Köln`` over districts 1-9: no official key is all zeros;
    Leipzig's Ortsteil ``00`` beside ``01`` and a Landesamt's ``0;Niedersachsen``, the
    Land, are units), or, given the figures' ``decimal`` mark, when it has no key and a
    figure of it is the sum of the keyed rows' (``;Stadt Köln;83.943``: :func:`_sums`)."""
    columns = [c for c in (key, name) if c is not None and c in frame.columns]
    if not columns:  # a table about one place (``unit:``) has neither
        return frame, failures_frame(source, [], [], [], "", code="total_row")
    says = np.stack([total_labels(frame[c]) for c in columns])  # [column, row]: "total" there
    if key in columns:
        keys = frame[key].astype(object).where(frame[key].notna(), "").astype(str).str.strip()
        # a town's districts numbered 1, 2, ... under a row keyed 0 named after the town
        # (``0;Düsseldorf``): no official key is all zeros. Beside keys written with
        # leading zeros, ``00`` is the first of them (Leipzig's Ortsteil 00, Zentrum); a
        # Landesamt's ``0;Niedersachsen`` (the Land, keyed by ``prefix``) names a Land:
        # both stay, as does a zero key beside official ones or alone
        zero = np.array(keys.str.fullmatch(r"0+"), dtype=bool)
        others = keys[~zero & (keys != "")]
        if not len(others) or not others.str.fullmatch(r"[1-9]\d?").all():
            zero[:] = False
        if zero.any() and name in columns:
            zero[zero] &= ~land_labels(frame[name][zero])
        says[columns.index(key)] |= zero & ~says.any(axis=0)  # a total word is shown first
    if key in columns and name in columns:
        keyless = (keys == "").to_numpy()
        if keyless.any():  # the names of the rows without a key only (a few, if any)
            says[columns.index(name), keyless] |= land_labels(frame[name][keyless])
            if decimal is not None:
                values = frame.drop(columns=columns)
                says[columns.index(name), keyless] |= _sums(values, keyless, decimal)
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


def without_headings(frame: pd.DataFrame, key: str | None, name: str | None) -> pd.DataFrame:
    """A plain table without its section headings: rows without a key that name something
    and hold nothing else (``;Stadtbezirk 2 Rodenkirchen;;`` above that district's
    Stadtteile). They hold no figure to read, and were reported as rows without a key."""
    if key is None or name is None or key not in frame.columns or name not in frame.columns:
        return frame
    cells = frame.to_numpy(dtype=object)
    filled = pd.notna(cells) & each_cell(cells, lambda text: text.str.strip() != "")
    at = list(frame.columns)
    named_only = ~filled[:, at.index(key)] & filled[:, at.index(name)] & (filled.sum(axis=1) == 1)
    return frame[~named_only]


def _sums(values: pd.DataFrame, keyless: np.ndarray, decimal: str) -> np.ndarray:
    """Which of the ``keyless`` rows hold, in some column, the sum of the keyed rows'
    figures there (at least two, not all zero): the whole town's row under its districts,
    whatever it is called (``;Stadt Köln;83.943`` below Stadtteile summing to 83943)."""
    out = np.zeros(int(keyless.sum()), dtype=bool)
    for column in values.columns:
        figures = parse_cells(values[column].to_numpy(dtype=object), decimal).value
        keyed = figures[~keyless]
        if np.isfinite(keyed).sum() < 2 or not np.any(keyed[np.isfinite(keyed)]):
            continue
        total = np.nansum(keyed)
        out |= np.abs(figures[keyless] - total) <= 1e-9 * max(1.0, abs(total))
    return out


def land_labels(labels: pd.Series) -> np.ndarray:
    """Which labels name the country or a Land (``Bayern``, ``Deutschland``, a footnote
    mark aside): without a key, a row so named totals the Kreise beside it."""
    text = labels.astype(object).where(labels.notna(), "").astype(str).str.strip()
    return pd.notna(region_keys(text.str.replace(FOOTNOTE_MARK, "", regex=True)))


def total_labels(labels: pd.Series) -> np.ndarray:
    """Which labels name a total: a word of :data:`_TOTAL_WORDS` first or last (any case,
    a footnote mark aside), in a row's key or name or the head of a unit column."""
    text = labels.astype(object).where(labels.notna(), "").astype(str).str.strip()
    plain = text.str.replace(FOOTNOTE_MARK, "", regex=True).str.casefold().str.strip(" :.,")
    words = plain.str.split()
    first, last = words.str[0], words.str[-1]
    return (first.isin(_TOTAL_WORDS) | last.isin(_TOTAL_WORDS)).to_numpy(dtype=bool)
