"""A statistics database's printout: each region in a row of its own above its figures.

LSN-Online, the database of the Landesamt für Statistik Niedersachsen, saves its tables
(``LSN-Online: Tabelle K3002519``) for a spreadsheet so:

- a header whose first column stacks the levels of its regions and the name of its
  categories (``Statistische Region*``, ``Kreis*``, ``-------``, ``Art des
  Abschlusses/Abganges``), with words broken over its rows (``ins-`` / ``gesamt``) and
  footnote marks in rows of their own (``1)``);
- a row numbering the columns (``1 | 2 | ... | 12``);
- then each region in a row of its own, its key and name in the first cell (``0
  Niedersachsen``, ``101 Braunschweig,Stadt``), above the rows of its categories
  (``Insgesamt``, ``  Hochschulreife``, ...), one figure per column.

:func:`section_table` turns such a sheet into the plain table every other reader makes:
a key and a name column from the region rows, the categories as a column that is read
as ``pivot`` (so each category of each column is a variable, ``Schulen insgesamt |
Ausländer | Hochschulreife``), and the value columns named by their header, words joined
and footnote marks left out. A sheet without such region rows below a column numbering
is no printout, and is read as any table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.data.cells import FOOTNOTE_MARK, KEYED_NAME, keys_in_labels
from mint_index.data.plain_tables import column_names, column_numbering, header_labels

if TYPE_CHECKING:
    from collections.abc import Collection

__all__ = ["Sections", "section_table"]

#: A rule typed into the header (``-------``).
_RULE = re.compile(r"^[-_=–—]{3,}$")
#: A word broken at the end of a header level, carried on in the next (``ins-`` / ``gesamt``).
_BROKEN = re.compile(r"[a-zäöüß]-$")
#: At least this many regions, each in a row of its own, make a printout.
_MIN_SECTIONS = 2


@dataclass(frozen=True)
class Sections:
    """A printout as a plain table: ``frame`` has the columns ``unit``, ``name``, the
    categories' column (``category``) and the value columns; ``rows`` numbers its rows
    as the sheet does (from 0); ``title_rows`` rows above the header are its title."""

    frame: pd.DataFrame
    rows: np.ndarray
    category: str
    title_rows: int


def section_table(
    cells: list[list[str]],
    sheet: pd.DataFrame,
    merged: Collection[tuple[int, int]] | None = None,
) -> Sections | None:
    """``sheet`` read as a printout (see the module), or ``None`` where it is none.
    ``cells``: its first rows as text, which hold the header; ``merged``: the first cell
    of each merged cell, as (row, column) of the sheet, where the workbook says."""
    if sheet.shape[1] < 2:
        return None
    # the row numbering the columns right above the first region (a row of footnote
    # marks, ``1) | 1) | 1)``, may look like one too)
    for numbering in (i for i, row in enumerate(cells) if column_numbering(row)):
        if not _region_first(cells[numbering + 1 :]):
            continue  # a table's first row of figures: no printout (and no pass over it)
        body = sheet.iloc[numbering + 1 :]
        first = _texts(body.iloc[:, 0])
        values = body.iloc[:, 1:]
        valued = values.notna().any(axis=1).to_numpy()  # empty cells are empty (NaN)
        filled = valued | (first != "").to_numpy()
        section = ~valued & first.str.match(KEYED_NAME).to_numpy()
        starts = np.flatnonzero(filled)
        if section.sum() >= _MIN_SECTIONS and len(starts) and section[starts[0]]:
            break
    else:
        return None
    start = _header_start(cells, numbering)
    category = _category_name(cells[start : numbering + 1])  # the numbering may head it
    heads = None if merged is None else {(r - start, c) for r, c in merged if r >= start}
    labels = _value_labels(cells[start:numbering], heads)
    at = np.cumsum(section) - 1  # the region each row stands under
    _, keys, names = keys_in_labels(first[section].reset_index(drop=True))
    # rows of figures; below the last of them, the notes (one cell, read as notes are)
    below = np.arange(len(body)) > np.flatnonzero(valued)[-1]
    keep = (valued | below) & filled & ~section
    frame = pd.DataFrame(
        {
            "unit": np.where(below, "", keys.to_numpy(dtype=object)[at]),
            "name": np.where(below, "", names.to_numpy(dtype=object)[at]),
            category: [" ".join(FOOTNOTE_MARK.sub("", text).split()) for text in first],
        }
    )
    for j, label in enumerate(labels, start=1):
        frame[label] = values.iloc[:, j - 1].to_numpy(dtype=object)
    rows = np.arange(len(body)) + numbering + 1
    return Sections(frame[keep].reset_index(drop=True), rows[keep], category, start)


def _region_first(rows: list[list[str]]) -> bool:
    """Whether the first filled one of ``rows`` (the first rows below a column
    numbering, as text) names a region alone (``0 Niedersachsen``)."""
    filled = next((row for row in rows if any(str(cell).strip() for cell in row)), None)
    return bool(
        filled
        and KEYED_NAME.match(str(filled[0]))
        and not any(str(cell).strip() for cell in filled[1:])
    )


def _texts(cells: pd.Series) -> pd.Series:
    """Cells as text, an empty cell as ``""``, every run of spaces (non-breaking ones,
    as LSN-Online writes them, too) one space, none at either end."""
    text = cells.astype(object).where(cells.notna(), "").astype(str)
    return text.str.split().str.join(" ")


def _header_start(cells: list[list[str]], numbering: int) -> int:
    """The header's first row: in the block of rows right above the column numbering,
    the first with three filled cells or more (the rows above it name the table's
    region and subject, ``Niedersachsen | Schülerinnen und Schüler*``, and the levels
    of its regions, ``Statistische Region*``, in its first column only)."""
    top = numbering
    while top > 0 and any(str(cell).strip() for cell in cells[top - 1]):
        top -= 1
    wide = [i for i in range(top, numbering) if sum(bool(str(c).strip()) for c in cells[i]) >= 3]
    return wide[0] if wide else top


def _category_name(rows: list[list[str]]) -> str:
    """The name of the categories' column: the last text the header's first column
    gives that is no level of regions (``Kreis*``), no rule (``-------``) and no
    footnote mark (``Art des Abschlusses/Abganges``, ``Schulgliederung``); else
    ``Merkmal``."""
    texts = [" ".join(str(row[0]).split()) for row in rows if row]
    named = [
        text
        for text in texts
        if text
        and not text.endswith("*")
        and not _RULE.match(text)
        and FOOTNOTE_MARK.sub("", f" {text}").strip()  # ``1)`` alone is a mark
    ]
    return named[-1] if named else "Merkmal"


def _value_labels(rows: list[list[str]], merged: Collection[tuple[int, int]] | None) -> list[str]:
    """The value columns' names from the header ``rows`` (their first column left out):
    levels as :func:`~mint_index.data.plain_tables.header_labels` joins them, without rules and
    footnote marks, a word broken over two levels joined (``ins-`` / ``gesamt``:
    ``insgesamt``; ``10 /`` / ``LSJG``: ``10 / LSJG``)."""
    values = [["", *row[1:]] for row in rows]
    named = header_labels(values, merged)[1:]
    labels = []
    for label in named:
        # a mark alone (``5)``) is a level of its own, read as a mark after a space
        levels = [FOOTNOTE_MARK.sub("", f" {level}").strip() for level in label.split(" | ")]
        kept: list[str] = []
        for level in levels:
            if not level or _RULE.match(level) or level.startswith("Unnamed: "):
                continue
            if kept and _BROKEN.search(kept[-1]) and level[:1].islower():
                kept[-1] = kept[-1][:-1] + level
            elif kept and kept[-1].endswith("/"):
                kept[-1] = f"{kept[-1]} {level}"
            else:
                kept.append(level)
        labels.append(" | ".join(kept))
    return column_names(["", *labels])[1:]  # unique, as the sheet's columns (from 0)
