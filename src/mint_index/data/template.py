"""The fill-in workbook for figures a town collects itself, and reading it back.

Much of what the framework measures is in no official statistic: council seats, advisory
boards, associations, measures in place. :func:`write_template` writes an Excel workbook
for every variable that does not come from an official table (see the variable's
``source``): one sheet per domain, one row per unit (prefilled from the units table), one
column per variable with its definition and unit in the header comment, and data
validation that keeps entries plausible (counts >= 0, percentages 0-100, yes/no and answer
code lists). A last sheet records the measures in place (a measure id from the action
catalog and the year since when). :func:`read_template` reads a filled workbook back as
tidy cells (``format: template`` in a project file); :func:`read_template_measures` the
measures sheet.

Needs openpyxl (``pip install mint-index[excel]``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.errors import MintIndexError
from mint_index.rules.languages import DEFAULT_LANGUAGE, check_language

if TYPE_CHECKING:
    from mint_index.framework.framework import Framework
    from mint_index.framework.model import Variable

__all__ = [
    "MEASURES_SHEET",
    "collected_variables",
    "read_template",
    "read_template_measures",
    "read_template_sheets",
    "write_template",
]

#: The sheet of measures in place; the sheet of lists for the validation drop-downs.
MEASURES_SHEET = "Maßnahmen"
_LISTS_SHEET = "Listen"
#: The header row holds these ids (row 2); row 1 the labels people read.
_KEY_COLUMNS = ("unit", "name", "year")
_MEASURE_COLUMNS = ("unit", "measure", "since")
_YES = {"ja": 1.0, "yes": 1.0, "nein": 0.0, "no": 0.0}
_FIRST_DATA_ROW = 3
#: Rows that carry data validation when the units table gives none.
_EMPTY_ROWS = 200
_WORDS = {
    "de": {
        "unit": "Gebietsschlüssel (AGS)",
        "name": "Name",
        "year": "Jahr",
        "measure": "Maßnahme (ID aus dem Katalog)",
        "since": "seit (Jahr)",
        "yes": "ja",
        "no": "nein",
        "count": "Anzahl (ganze Zahl, mindestens 0)",
        "percent": "Prozent (0 bis 100)",
        "share": "Anteil (0 bis 1)",
        "number": "Zahl",
        "code": "Antwort aus der Liste",
        "holder": "Wer hat die Zahl",
        "definition": "Definition",
        "unit_of": "Einheit",
    },
    "en": {
        "unit": "Unit key (AGS)",
        "name": "Name",
        "year": "Year",
        "measure": "Measure (id from the catalog)",
        "since": "since (year)",
        "yes": "yes",
        "no": "no",
        "count": "count (whole number, at least 0)",
        "percent": "percent (0 to 100)",
        "share": "share (0 to 1)",
        "number": "number",
        "code": "answer from the list",
        "holder": "Who holds the figure",
        "definition": "Definition",
        "unit_of": "Unit",
    },
}


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise MintIndexError(
            "the fill-in workbook needs openpyxl: pip install 'mint-index[excel]'"
        ) from None
    return openpyxl


def collected_variables(framework: Framework) -> list[Variable]:
    """Variables a town collects itself: every one whose source is not an official table
    (self-reported, undetermined, or not stated in a custom framework)."""
    return [v for v in framework.variables if v.source is None or v.source.type != "official"]


def _domain_of(framework: Framework) -> dict[str, str]:
    """Each variable's domain: the top node below the index of the first indicator using it."""
    out: dict[str, str] = {}
    for indicator in framework.indicators:
        chain = framework.ancestors(indicator.id)
        domain = chain[-2] if len(chain) >= 2 else framework.index.id
        for variable in indicator.variables():
            out.setdefault(variable, domain)
    return out


def _levels(framework: Framework, variable: str) -> list[float]:
    """The answer codes of a ``code`` variable, from the indicators that read it."""
    for indicator in framework.indicators:
        if variable in indicator.variables() and indicator.answer_levels():
            return [level.value for level in indicator.answer_levels()]
    return []


def _is_yes_no(levels: Sequence[float]) -> bool:
    return sorted(levels) == [0.0, 1.0]


def _sheet_title(text: str, taken: set[str]) -> str:
    clean = "".join(ch for ch in text if ch not in "[]:*?/\\").strip() or "Sheet"
    if len(clean) > 31:  # Excel's limit: cut at a word
        clean = clean[:31].rsplit(" ", 1)[0]
    title, n = clean, 2
    while title in taken:
        suffix = f" ({n})"
        title, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _comment(variable: Variable, framework: Framework, lang: str) -> str:
    words = _WORDS[lang]
    lines = [variable.label.get(lang) if variable.label else variable.id]
    if variable.description:
        lines.append(f"{words['definition']}: {variable.description.get(lang)}")
    lines.append(f"{words['unit_of']}: {words[variable.unit]}")
    levels = _levels(framework, variable.id)
    if variable.unit == "code" and levels and not _is_yes_no(levels):
        for indicator in framework.indicators:
            if variable.id in indicator.variables() and indicator.levels:
                lines += [
                    f"{level.value:g} = {level.label.get(lang) if level.label else ''}"
                    for level in indicator.levels
                ]
                break
    if variable.source is not None and variable.source.type == "self_reported":
        lines.append(f"{words['holder']}: {variable.source.where(lang)}")
    return "\n".join(lines)


def write_template(
    framework: Framework,
    out: str | os.PathLike[str],
    *,
    units: pd.DataFrame | None = None,
    year: int | None = None,
    actions: Iterable[str] = (),
    lang: str = DEFAULT_LANGUAGE,
) -> Path:
    """Write the fill-in workbook to ``out`` (``.xlsx``); returns the path.

    ``units``: a units table (``unit`` and, if present, ``name``) whose units are
    prefilled, one row each; ``year``: prefilled in the year column; ``actions``: the
    measure ids the measures sheet offers (the action catalog).
    """
    words = _WORDS[check_language(lang)]
    openpyxl = _openpyxl()
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = _unit_rows(units)
    last = _FIRST_DATA_ROW + max(len(rows), _EMPTY_ROWS) - 1
    book = openpyxl.Workbook()
    book.remove(book.active)
    taken: set[str] = {_LISTS_SHEET, MEASURES_SHEET}
    domain_of = _domain_of(framework)
    groups: dict[str, list[Variable]] = {}
    for variable in collected_variables(framework):
        groups.setdefault(domain_of.get(variable.id, framework.index.id), []).append(variable)

    for domain, variables in groups.items():
        sheet = book.create_sheet(_sheet_title(framework.label(domain, lang), taken))
        sheet.freeze_panes = "D3"
        header = [*_KEY_COLUMNS, *(v.id for v in variables)]
        labels = [words[k] for k in _KEY_COLUMNS]
        labels += [v.label.get(lang) if v.label else v.id for v in variables]
        for col, (label, key) in enumerate(zip(labels, header, strict=True), start=1):
            top = _text_cell(sheet, 1, col, label)
            top.font = Font(bold=True)
            top.alignment = Alignment(wrap_text=True, vertical="top")
            _text_cell(sheet, 2, col, key).font = Font(italic=True, color="808080")
            sheet.column_dimensions[top.column_letter].width = 14 if col > 3 else 18
        for r, (unit, name) in enumerate(rows, start=_FIRST_DATA_ROW):
            _text_cell(sheet, r, 1, unit).number_format = "@"
            _text_cell(sheet, r, 2, name)
            sheet.cell(row=r, column=3, value=year)
        for col, variable in enumerate(variables, start=len(_KEY_COLUMNS) + 1):
            cell = sheet.cell(row=1, column=col)
            cell.comment = Comment(_comment(variable, framework, lang), "mint-index", 200, 320)
            rule = _validation(variable, framework, words, DataValidation)
            if rule is None:
                continue
            sheet.add_data_validation(rule)
            rule.add(f"{cell.column_letter}{_FIRST_DATA_ROW}:{cell.column_letter}{last}")
        years = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100")
        sheet.add_data_validation(years)
        years.add(f"C{_FIRST_DATA_ROW}:C{last}")

    _measures_sheet(book, rows, list(actions), words, last, DataValidation, Font)
    from mint_index.files import atomic_write

    return atomic_write(Path(out), book.save)


def _text_cell(sheet: Any, row: int, column: int, value: str | None) -> Any:
    """A cell holding ``value`` as text, whatever it starts with: openpyxl makes a
    formula of any text that starts with ``=``, so a unit named
    ``=HYPERLINK("http://...",...)`` in a units table would be a live formula in the
    workbook a town hands out to be filled in."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _unit_rows(units: pd.DataFrame | None) -> list[tuple[str, str | None]]:
    if units is None or not len(units):
        return []
    frame = units.reset_index() if "unit" not in units.columns else units
    names = frame["name"] if "name" in frame.columns else [None] * len(frame)
    return [
        (str(u), None if n is None or n != n else str(n))
        for u, n in zip(frame["unit"], names, strict=True)
    ]


def _validation(
    variable: Variable,
    framework: Framework,
    words: dict[str, str],
    data_validation: Any,
) -> Any:
    """The data-validation rule of one variable's column."""
    unit = variable.unit
    message = {"error": words[unit], "errorTitle": variable.id, "showErrorMessage": True}
    if unit == "count":
        return data_validation(type="whole", operator="greaterThanOrEqual", formula1="0", **message)
    if unit == "percent":
        return data_validation(
            type="decimal", operator="between", formula1="0", formula2="100", **message
        )
    if unit == "share":
        return data_validation(
            type="decimal", operator="between", formula1="0", formula2="1", **message
        )
    if unit == "code":
        levels = _levels(framework, variable.id)
        if _is_yes_no(levels):
            choices = f'"{words["yes"]},{words["no"]}"'
            return data_validation(type="list", formula1=choices, allow_blank=True, **message)
        if levels:
            codes = ",".join(f"{v:g}" for v in levels)
            return data_validation(type="list", formula1=f'"{codes}"', allow_blank=True, **message)
    return None  # a plain number: any value


def _measures_sheet(
    book: Any,
    rows: list[tuple[str, str | None]],
    actions: list[str],
    words: dict[str, str],
    last: int,
    data_validation: Any,
    font: Any,
) -> None:
    sheet = book.create_sheet(MEASURES_SHEET)
    lists = book.create_sheet(_LISTS_SHEET)
    lists.sheet_state = "hidden"
    for col, key in enumerate(_MEASURE_COLUMNS, start=1):
        _text_cell(sheet, 1, col, words[key]).font = font(bold=True)
        _text_cell(sheet, 2, col, key).font = font(italic=True, color="808080")
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = 32
    for r, (unit, _name) in enumerate(rows, start=_FIRST_DATA_ROW):
        _text_cell(sheet, r, 1, unit).number_format = "@"
    for r, action in enumerate(actions, start=1):
        _text_cell(lists, r, 1, action)
    if actions:
        rule = data_validation(
            type="list",
            formula1=f"'{_LISTS_SHEET}'!$A$1:$A${len(actions)}",
            showErrorMessage=True,
            errorTitle="measure",
        )
        sheet.add_data_validation(rule)
        rule.add(f"B{_FIRST_DATA_ROW}:B{last}")
    since = data_validation(type="whole", operator="between", formula1="1950", formula2="2100")
    sheet.add_data_validation(since)
    since.add(f"C{_FIRST_DATA_ROW}:C{last}")


def _sheet_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows but the lists', as the town's office suite saved the workbook
    (.xlsx, or .ods and .xls when it was filled in elsewhere)."""
    from mint_index.data.inputs import InputRefused, read_input
    from mint_index.data.workbooks import sheet_rows

    try:
        rows = sheet_rows(read_input(path))
    except InputRefused as refused:
        raise MintIndexError(f"{path}: {refused.reason}") from None
    return {name: cells for name, cells in rows.items() if name != _LISTS_SHEET}


def _header_at(rows: list[tuple[Any, ...]]) -> int | None:
    """The row of machine-readable ids (first cell ``unit``), within the first rows."""
    for i, row in enumerate(rows[:5]):
        if row and str(row[0]).strip() == "unit":
            return i
    return None


def read_template_sheets(path: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """A filled fill-in workbook's domain sheets as tidy cells, by sheet name: ``unit,
    year, variable, value`` and ``row``, the sheet row (1 is the first) a cell is in, so
    problems point at it. A sheet where nothing is filled in is left out, and ``year``
    is left out of a sheet where no year is entered (the source's ``year`` gives it).

    Empty cells are left out (not collected yet); ``ja``/``yes`` and ``nein``/``no`` are
    1 and 0. A cell that is no number, or a year cell that is no year, is kept as
    entered, so validation reports it with its sheet, row and column.
    """
    sheets: dict[str, pd.DataFrame] = {}
    for name, rows in _sheet_rows(Path(path)).items():  # loop over the sheets (a handful)
        at = _header_at(rows)
        if name == MEASURES_SHEET or at is None:
            continue
        header = [str(h).strip() if h is not None else "" for h in rows[at]]
        named = [h for h in header if h]
        twice = sorted({h for h in named if named.count(h) > 1})
        if twice:  # the ids row was edited: which cell is which variable is unknown
            raise MintIndexError(
                f"{path}[{name}]: row {at + 1} names {', '.join(twice)} more than once; "
                "it holds the ids the figures are read by: copy it from a new template"
            )
        body = pd.DataFrame(rows[at + 1 :], columns=header, dtype=object)[named]
        body["row"] = np.arange(len(body)) + at + 2  # rows[0] is the sheet's row 1
        body = body.dropna(subset=["unit"])
        variables = [h for h in named if h not in _KEY_COLUMNS]
        if not len(body) or not variables:
            continue
        ids = ["unit", "row", *(["year"] if "year" in named else [])]
        long = body.melt(id_vars=ids, value_vars=variables, var_name="variable")
        long = long[long["value"].notna() & (long["value"].astype(str).str.strip() != "")]
        if len(long):
            sheets[name] = _tidy(long.reset_index(drop=True))
    return sheets


def read_template(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A filled fill-in workbook as tidy cells: ``unit, year, variable, value`` (every
    sheet of :func:`read_template_sheets`; without any year entered, no ``year``)."""
    sheets = [frame.drop(columns="row") for frame in read_template_sheets(path).values()]
    if not sheets:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
    cells = pd.concat(sheets, ignore_index=True)
    if "year" not in cells.columns:
        return cells[["unit", "variable", "value"]]
    return cells[list(_COLUMNS)]


def _tidy(cells: pd.DataFrame) -> pd.DataFrame:
    """One sheet's cells: keys as text, yes/no as 1/0, numbers as numbers, years as
    entered (left out where none is)."""
    cells["unit"] = cells["unit"].map(_key_text)
    words = cells["value"].astype(str).str.strip().str.lower()
    cells["value"] = words.map(_YES).where(words.isin(_YES), cells["value"])
    numeric = pd.to_numeric(cells["value"], errors="coerce")
    cells["value"] = numeric.astype(object).where(numeric.notna(), cells["value"])
    if "year" not in cells.columns:
        return cells
    entered = cells["year"].notna() & (cells["year"].astype(str).str.strip() != "")
    if not entered.any():
        return cells.drop(columns="year")
    cells["year"] = cells["year"].where(entered, None)
    return cells


_COLUMNS = ("unit", "year", "variable", "value")


def _key_text(value: Any) -> str:
    """A unit key as text: a number typed into a cell loses no digits (``8999001.0``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_template_measures(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The measures sheet of a filled workbook: ``unit, measure, since`` (one row each;
    a ``since`` that is no whole year is left empty: :func:`mint_index.load_measures`
    reads the sheet with every check and names such a cell)."""
    rows = _sheet_rows(Path(path)).get(MEASURES_SHEET, [])
    at = _header_at(rows)
    if at is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _MEASURE_COLUMNS})
    frame = pd.DataFrame(rows[at + 1 :], columns=list(rows[at])[:3], dtype=object)
    frame = frame.dropna(subset=["unit", "measure"])
    frame["unit"] = frame["unit"].map(_key_text)
    since = pd.to_numeric(frame["since"], errors="coerce")
    whole = since.notna() & np.isfinite(since) & (since == since.round())
    frame["since"] = since.where(whole).astype("Int64")  # no whole year: empty
    return frame[list(_MEASURE_COLUMNS)].reset_index(drop=True)
