"""A table a town keeps itself, its units or its measures register, as a frame.

Towns keep the list of their units (key, name, population, ...) and of the measures
they took in a spreadsheet or a CSV file saved from one, often under a title
(``Gemeinden des Landkreises ..., Stand 31.12.2023``) and an empty row, with empty rows
and a source line or footnote below. Its header is found as a data table's is
(:mod:`mint_index.data.plain_tables`: the title rows skipped, a header over several rows
joined), and its empty rows and the notes below it are left out: such a table lists
units or measures, and a note below it changes none. Parquet files are tables already.
Checking what the table holds is its reader's: :func:`mint_index.data.load.load_units`,
:func:`mint_index.measures.load_measures`.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from mint_index.data.cells import sniff_decimal, typed_decimal
from mint_index.data.plain_tables import (
    HEAD_ROWS,
    blank_and_note_rows,
    cell_text,
    empty_rows_on_top,
    head_records,
    header_labels,
    header_rows,
)
from mint_index.data.readers import (
    detect_encoding,
    read_csv_table,
    require,
    sniff_separator,
    stripped_heads,
    text_sample,
)
from mint_index.data.workbooks import read_sheet

__all__ = ["kept_table_frame"]


def kept_table_frame(
    raw: bytes, kind: str, sheet: str | int, sep: str | None, encoding: str | None
) -> tuple[pd.DataFrame, str]:
    """A kept table's file as a frame, and its decimal mark. The frame's index numbers its
    rows as the file does (from 1, the header's rows counted; a Parquet file's from 0); a
    CSV file's cells are text, a workbook's as stored; ``sheet``: a workbook's, by name or
    0-based position."""
    if kind == "parquet":
        require("pyarrow", "parquet")
        return pd.read_parquet(io.BytesIO(raw)), "."
    if kind == "excel":
        cells = read_sheet(raw, sheet, header=False)
        lead = empty_rows_on_top(cells)
        head = cells.iloc[lead : lead + HEAD_ROWS]
        rows = [
            [cell_text(c) for c in row]
            for row in head.astype(object).where(head.notna(), "").to_numpy().tolist()
        ]
        skip, depth = header_rows(rows)
        frame = cells.iloc[lead + skip + depth :]
        frame.columns = header_labels(rows[skip : skip + depth])
        decimal = typed_decimal(frame)  # of its text figures (a population ``92.550``)
    else:
        encoding = encoding or detect_encoding(raw)
        text = raw.decode(encoding)
        sep = sep or sniff_separator(text[:65536])
        # the first records, quotes respected (a head cell may hold a line break)
        reader = csv.reader(io.StringIO(text_sample(text), newline=None), delimiter=sep)
        rows = head_records(reader)
        skip, depth = header_rows(rows)
        names = header_labels(rows[skip : skip + depth]) if depth > 1 else None
        frame = read_csv_table(
            io.StringIO(text),
            sep=sep,
            skiprows=skip + depth if names else skip,
            header=None if names else "infer",
            names=names,
            dtype=str,
            keep_default_na=False,
        )
        decimal = sniff_decimal(frame.drop(columns=frame.columns[:1]).head(200), sep)
    frame.index = np.arange(len(frame)) + skip + depth + 1
    frame.columns = stripped_heads(frame.columns)
    if frame.empty:  # a header alone, or an empty sheet: nothing to leave out
        return frame, decimal
    return blank_and_note_rows(frame, "<kept table>")[0], decimal
