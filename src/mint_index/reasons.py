"""Stable reason codes of data problems (validation failures and warnings).

A problem row carries a message for people (``reason``) and a code for programs
(``code``). A producer may set ``code`` itself; otherwise it is derived here from the
message, so every reader, check and loader gets a code without threading one through its
signature. :data:`REASON_CODES` is the documented list (``mint-index errors`` prints it).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["REASON_CODES", "SET_BY_PRODUCER", "reason_code", "with_codes"]

#: code -> (pattern of the messages it covers, what it means). Order matters: the first
#: pattern that matches a message gives its code.
REASON_CODES: dict[str, tuple[str, str]] = {
    "control_character": (
        r"control character",
        "an id, name or label holds a control character (ESC, NUL, ...) or an invisible "
        "one (a zero-width space, a direction mark)",
    ),
    "duplicate_cell": (r"^duplicate \(unit, year, variable\)", "the same cell is given twice"),
    "empty_key": (r"^empty unit key", "a row has no unit key"),
    "malformed_key": (
        r"unit key (looks like a number|has \d+ digits|is written with digits)",
        "a unit key lost its leading zero, was read as a decimal number, or is written "
        "with another script's digits",
    ),
    "unknown_unit": (r"unit missing from the units table", "a unit not in the units table"),
    "missing_variable": (
        r"variable required by the framework|required column missing",
        "a variable or column the framework needs is missing",
    ),
    "unused_variable": (r"not used by the framework", "a variable the framework does not use"),
    "out_of_range": (
        r"negative count|outside 0\.\.100|outside 0\.\.1|numerator (exceeds|>|greater)",
        "a count below zero, a percentage or share outside its range, or a numerator above "
        "its denominator",
    ),
    "zero_denominator": (r"denominator", "a zero denominator under a non-zero numerator"),
    "unknown_level": (r"not among the levels", "an answer code that is not one of the levels"),
    "not_finite": (r"\b(inf|infinite|nan|not finite)\b", "inf, -inf or NaN given as a value"),
    "not_a_number": (r"not a number", "a value that is not a number"),
    "low_coverage": (r"low coverage", "too few unit-years have a value"),
    "no_year": (r"no date or year", "the table has no date or year"),
    "no_rows": (r"no data rows", "no data rows found"),
    "unknown_option": (r"^unknown \w+; valid", "an unknown layout, format or column role"),
    "bad_mapping": (r"mapping", "a column -> variable mapping cannot be used"),
    "unreadable_file": (
        r"cannot read|no such file|not a regular file|permission|too large|limit of",
        "a file cannot be read: missing, unreadable, not a regular file or too large",
    ),
    "invalid_value": (r"", "any other problem with a value (see the message)"),
}

#: Codes a reader or check sets itself (never derived from a message): code -> meaning.
SET_BY_PRODUCER: dict[str, str] = {
    "binary_file": "a file named like a text file holds binary content",
    "empty_file": "the file is empty",
    "file_not_found": "a named file does not exist",
    "file_too_large": "a file is above the input size limit",
    "no_file_matches": "a glob matches no file",
    "not_a_file": "a folder, FIFO or device where a data file was expected",
    "not_excel": "named like a workbook (.xlsx, .ods) but not one, or a damaged workbook",
    "not_parquet": "named .parquet but not a Parquet file",
    "protected_workbook": "a workbook protected by a password (encrypted): save it without one",
    "zip_archive": "a zip archive that holds no data file or several: unpack it and name "
    "the file to read (one data file in a zip is read as that file)",
    "web_page": "an HTML page or XML Spreadsheet 2003 file where a data table was expected "
    "(a web export named .xls, a page saved instead of the download)",
    "folder_entry": "a data folder holds a subfolder or an unreadable entry",
    "wrong_field_count": "a row has more or fewer fields than the header",
    "cut_off": "a GENESIS export that ends with a data line, without the closing lines "
    "every export has (__________, the copyright): the download may have broken off (a "
    "warning)",
    "missing_column": "a column the layout needs is missing",
    "text_column": "a value column holds text",
    "not_a_year": "a year column holds something that is not a year",
    "school_year": "a school or academic year (2023/24) without the school_year option "
    "that says which calendar year it counts in",
    "no_data_rows": "no data rows found",
    "no_sheet_read": "a workbook read with sheet: '*' none of whose sheets was read: each is "
    "hidden or holds no table",
    "empty_variable": "a row of a long table (or a Merkmal column) has a value but no "
    "variable name",
    "numeric_keys": "unit keys were stored as numbers (leading zeros lost)",
    "duplicate_unit": "a unit key is listed twice in the units table",
    "unit_without_data": "the units table lists a unit in a year of the data, but no source "
    "gives data for it: it is not scored and not in the reports",
    "unit_not_existing": "the data have figures of a unit in a year the units table says it "
    "does not exist in (valid_from, valid_to): not scored that year",
    "key_not_in_scheme": "a unit key is not a key of the declared scheme (AGS, ARS)",
    "no_units_table": "a source names its units (key match: name) but no units table with "
    "names is given to find their keys by",
    "unknown_unit_name": "a unit name (key match: name) that the units table does not have, "
    "or a name that is no Land's in a GENESIS-Online table of the Länder",
    "ambiguous_unit_name": "a unit name (key match: name) that several units of the units "
    "table have",
    "unknown_label": "a mapping names a source label the file does not have",
    "unknown_code": "a cell symbol or answer code that is not known",
    "filter_value_not_found": "a filter value that no row has",
    "unsupported_option": "an option the file's layout does not support",
    "invalid_mapping": "a mapping file cannot be read",
    "undefined_ratio": "0 of 0: the indicator is undefined",
    "value_with_missing_reason": "a cell has both a value and a missing reason",
    "negative_count": "a count below zero",
    "invalid_option": "a reading option out of its range (a year before 1800, an empty unit)",
    "years_reversed": "compare: the old build's year lies after the new one's (OLD and NEW "
    "given the other way round?); a warning",
    "several_dates_in_a_year": "a flat file holds several reference dates in one year "
    "(quarterly figures): filter one",
    "repeated_cell": "the same cell given again with the same value (read once; a warning)",
    "formula_without_result": "cells of a .xlsx workbook that hold a formula with no saved "
    "result (written by a program that does not compute): read as empty, with a warning; "
    "open the file in Excel or LibreOffice and save it",
    "hidden_sheet": "a hidden sheet of a workbook whose every sheet is read (sheet: '*'): "
    "passed over with a warning; named in a list, it is read",
    "no_table_in_sheet": "a sheet holds no table (a cover, contents or notes sheet): passed "
    "over with a warning when every sheet is read (sheet: '*'); an error when a workbook's "
    "first sheet has none, no sheet is named, and several or no other sheets hold one",
    "note_below_table": "a note below a plain table (a footnote, the source), not read as "
    "data (a warning)",
    "row_number_column": "a column headed as a running number (Lfd. Nr.) that counts the "
    "rows: not read",
    "column_not_read": "a column of a long table that is none of its columns (unit, year, "
    "variable, value, flag, missing_reason, name): left out",
    "caption_column": "a column of a plain table with the same text on every row (the "
    "election an export is about): a caption, not a figure; not read (a warning)",
    "other_units": "the rows of units the units table does not list, left out of an "
    "official export (its Land, every other Kreis; other_units: leave_out; a warning)",
    "no_listed_units": "not one unit of a source is in the units table (names where keys "
    "are listed, keys written otherwise, another region's file): nothing of it would be "
    "read, where its other regions would be left out",
    "change_column": "a column of a plain table with a year per column that names two years "
    "(Veränderung 2020 zu 2005): a change between them, which mint-index computes from each "
    "year's figures; not read (a warning)",
    "total_row": "a row of a plain table that totals its units (Insgesamt, Summe, a "
    "district's subtotal), or a row or column of a table of the Länder that totals Länder, "
    "not a unit: not read (a warning)",
    "footnote_mark": "a figure with a footnote mark (12.345¹, 9.000 1)), read as the figure "
    "(a warning: the table's notes say what the mark means)",
    "unknown_mark": "a no-value symbol with a mark letter no office documents here, such as "
    "'.g' (read as the symbol), or an Open SDG observation status the library does not know "
    "(the figure read without a flag); a warning",
}

_COMPILED = [
    (code, re.compile(pattern, re.IGNORECASE)) for code, (pattern, _) in REASON_CODES.items()
]


def reason_code(message: object) -> str:
    """The stable code of a problem message (``invalid_value`` when nothing else fits)."""
    text = "" if message is None else str(message)
    for code, pattern in _COMPILED:
        if pattern.search(text):
            return code
    return "invalid_value"


def with_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``code`` column: codes already given are kept, missing ones derived
    from ``reason``. One look-up per distinct message, not per row."""
    out = frame.copy()
    reasons = out["reason"] if "reason" in out.columns else None
    derived = None
    if reasons is not None:
        distinct = {m: reason_code(m) for m in reasons.astype(object).unique()}
        derived = reasons.astype(object).map(distinct)
    if "code" not in out.columns or derived is None:
        out["code"] = derived if derived is not None else "invalid_value"
    else:
        out["code"] = out["code"].where(out["code"].notna(), derived)
    return out
