"""The measures register: which unit has had which measure of the action catalog since when.

Effect monitoring (:func:`mint_index.effects`) compares units that adopted a measure with
comparable units that had not; reports use the register so they do not recommend a
measure that is already in place. The register is a small table

=========  =========================================================================
column     meaning
=========  =========================================================================
unit       unit id, as in the units table (text, leading zeros kept)
measure    id of an action in the action catalog (``recommendations/actions.yaml``)
since      first year the measure was in place (whole year)
end        optional last year it was in place (empty = still in place)
scope      optional free text (``Kernstadt``, ``two primary schools``)
=========  =========================================================================

read from a CSV file, an Excel workbook (sheet ``measures`` or ``Maßnahmen``) or a
DataFrame. Every row is checked against the catalog and the units; every problem is
collected and raised once as :class:`~mint_index.DataValidationError` whose ``failures``
carry a stable ``code`` per problem (see :data:`REASONS`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.data.cells import not_years
from mint_index.data.inputs import WORKBOOK_SUFFIXES
from mint_index.errors import DataValidationError, MintIndexError

if TYPE_CHECKING:
    from mint_index.data.dataset import Dataset
    from mint_index.recommendations.rules import Action, RuleSet

__all__ = [
    "COLUMNS",
    "REASONS",
    "SHEET_NAMES",
    "MeasuresRegister",
    "load_measures",
    "looks_like_register",
    "register_for",
]

#: The columns of :attr:`MeasuresRegister.frame`, in order.
COLUMNS = ("unit", "measure", "since", "end", "scope")
#: Sheet names an Excel workbook may hold the register in (first found wins).
SHEET_NAMES = ("measures", "Maßnahmen", "Massnahmen")
#: Column headings accepted besides the English ones (German templates), lower case.
_ALIASES = {
    "gemeinde": "unit",
    "einheit": "unit",
    "ags": "unit",
    "maßnahme": "measure",
    "massnahme": "measure",
    "seit": "since",
    "bis": "end",
    "ende": "end",
    "bereich": "scope",
    "geltungsbereich": "scope",
}


def looks_like_register(heads: Iterable[str]) -> bool:
    """Whether a table's column heads are a measures register's (unit, measure, since; in
    English or German): a data reader says so to a user who gave the register as data."""
    named = {_ALIASES.get(str(h).strip().casefold(), str(h).strip().casefold()) for h in heads}
    return {"unit", "measure", "since"} <= named


#: Stable problem codes -> what they mean.
REASONS = {
    "missing_column": "a required column (unit, measure, since) is missing",
    "missing_value": "unit, measure or since is empty",
    "unknown_measure": "the measure is not in the action catalog",
    "unknown_unit": "the unit is not in the units table",
    "unit_without_data": "the unit is in the units table but the data have no values for it",
    "invalid_year": "since or end is not a whole year",
    "end_before_since": "end is before since",
    "duplicate_measure": "the same unit and measure are listed twice for overlapping years "
    "(a programme that stopped and started again is a second row from the year it "
    "restarted, after the first row's end)",
    "unmeasurable_measure": "the framework lacks the outcomes the measure's action should "
    "move, so its effect cannot be estimated (a warning of mi.effects and mint-index "
    "effects; its rows are left out of the effects, or show only its outputs, the counts "
    "of what it provides)",
    "presence_outcome": "the measure is judged by a yes/no or level indicator other than "
    "its action's first; if it says whether the measure is there, list it first (a "
    "warning of mi.effects and mint-index effects)",
}


@dataclass(frozen=True)
class MeasuresRegister:
    """A validated register; ``frame`` has the columns :data:`COLUMNS` (``since`` int64,
    ``end`` nullable Int64, ``scope`` text or None), sorted by unit, measure and since."""

    frame: pd.DataFrame
    source: str = "<measures>"

    def __len__(self) -> int:
        return len(self.frame)

    def in_place(self, year: int) -> pd.DataFrame:
        """The rows of measures in place in ``year`` (since <= year <= end)."""
        f = self.frame
        active = (f["since"] <= year) & (f["end"].isna() | (f["end"] >= year))
        return f.loc[active.to_numpy(bool)].reset_index(drop=True)

    def measures_of(self, unit: str, year: int | None = None) -> list[str]:
        """The measure ids of ``unit`` (in place in ``year`` if given): what a report need
        not recommend again."""
        rows = self.frame if year is None else self.in_place(year)
        return sorted(set(rows.loc[rows["unit"] == str(unit), "measure"]))

    def __repr__(self) -> str:
        return f"MeasuresRegister({len(self.frame)} rows from {self.source})"


def load_measures(
    source: str | Path | pd.DataFrame | MeasuresRegister,
    *,
    catalog: RuleSet | Mapping[str, Action] | Iterable[str] | None = None,
    units: Iterable[str] | pd.DataFrame | pd.Index | None = None,
    with_data: Iterable[str] | None = None,
) -> MeasuresRegister:
    """Read and validate a measures register.

    ``source``: a CSV file, a workbook (``.xlsx``, ``.xls`` or ``.ods``, sheet ``measures``
    or ``Maßnahmen``), a DataFrame or a register (validated again, e.g. against units).
    A file may have a title above its header and empty rows and notes below
    (:mod:`~mint_index.data.kept_tables`).
    ``catalog``: the rule set or action ids to check ``measure`` against (default: the
    packaged action catalog). ``units``: unit ids or a units table (index or ``unit``
    column) to check ``unit`` against; ``None`` skips that check. ``with_data``: the
    units the data have values for (:func:`mint_index.effects` passes them); a unit of
    ``units`` not among them fails as ``unit_without_data``, not as unknown.

    Raises :class:`~mint_index.DataValidationError` listing every problem at once.
    """
    frame, label, rows = _read(source)
    known_measures = _measure_ids(catalog)
    known_units = _unit_ids(units)
    data_units = None if with_data is None else {str(u) for u in with_data}
    return _validated(frame, label, rows, known_measures, known_units, data_units)


def register_for(
    source: str | Path | pd.DataFrame | MeasuresRegister,
    data: Dataset,
    catalog: RuleSet | Mapping[str, Action] | Iterable[str] | None = None,
) -> MeasuresRegister:
    """``source`` validated for a project's ``data`` as every command reads it
    (``validate``, ``score``, ``report``, ``effects``, the project API): each unit in the
    units table (the data's own units without one), and a unit the table lists but the
    data have no values for told so (``unit_without_data``), not called unknown."""
    listed = data.units.index if data.units is not None else data.unit_ids
    return load_measures(source, catalog=catalog, units=listed, with_data=data.unit_ids)


# ---- reading --------------------------------------------------------------------------------
def _read(
    source: str | Path | pd.DataFrame | MeasuresRegister,
) -> tuple[pd.DataFrame, str, np.ndarray]:
    """The raw table (text cells), its label for messages and the row numbers people see."""
    if isinstance(source, MeasuresRegister):
        frame = source.frame.astype(object)
        return frame, source.source, np.arange(len(frame)) + 2
    if isinstance(source, pd.DataFrame):
        return source.copy(), "<DataFrame>", np.asarray(source.index)
    path = Path(source)
    if not path.is_file():
        raise MintIndexError(f"measures register not found: {path}")
    from mint_index.data.inputs import InputRefused, read_input
    from mint_index.data.kept_tables import kept_table_frame
    from mint_index.data.readers import not_in_encoding, unreadable_csv

    try:
        raw = read_input(path)  # the size limit and refusals every data file gets
        workbook = path.suffix.lower() in WORKBOOK_SUFFIXES
        sheet = _measures_sheet(path, raw) if workbook else 0
        frame, _ = kept_table_frame(raw, "excel" if workbook else "csv", sheet, None, None)
    except InputRefused as refused:
        raise MintIndexError(f"{path.name}: {refused.reason}") from None
    except pd.errors.ParserError as exc:
        raise MintIndexError(f"{path.name}: {unreadable_csv(exc)}") from None
    except UnicodeDecodeError as exc:
        raise MintIndexError(f"{path.name}: {not_in_encoding(raw, exc)}") from None
    rows = np.asarray(frame.index)  # as the file numbers them (row 1 is the header)
    return frame.reset_index(drop=True), path.name, rows


def _measures_sheet(path: Path, raw: bytes) -> str:
    """The workbook's sheet named as :data:`SHEET_NAMES` names a register (any case)."""
    from mint_index.data.workbooks import sheet_names

    names = {name.strip().casefold(): name for name in sheet_names(raw)}
    for wanted in SHEET_NAMES:
        if wanted.casefold() in names:
            return names[wanted.casefold()]
    raise MintIndexError(
        f"{path.name}: no sheet named {' or '.join(repr(s) for s in SHEET_NAMES)} "
        f"(sheets: {', '.join(names.values())})"
    )


def _measure_ids(catalog: RuleSet | Mapping[str, Action] | Iterable[str] | None) -> set[str]:
    from mint_index.recommendations.rules import RuleSet, load_rules

    if catalog is None:
        return set(load_rules().actions)
    actions = catalog.actions if isinstance(catalog, RuleSet) else catalog
    return {str(a) for a in actions}


def _unit_ids(units: Iterable[str] | pd.DataFrame | pd.Index | None) -> set[str] | None:
    if units is None:
        return None
    if isinstance(units, pd.DataFrame):
        ids = units["unit"] if "unit" in units.columns else units.index
        return {str(u) for u in ids}
    return {str(u) for u in units}


# ---- checking -------------------------------------------------------------------------------
def _text(column: pd.Series) -> pd.Series:
    """Cells as stripped text; empty and missing cells become ''. Whole numbers read from
    Excel (``2021.0``) lose the ``.0``."""
    values = column.astype(object)
    number = pd.to_numeric(values, errors="coerce")
    # a whole number a float holds exactly (1e20 or inf typed into a cell stays as written)
    exact = number.abs() < 2**53
    whole = exact & (number == number.round()) & ~values.map(type).isin([str])
    out = values.copy()
    out[whole] = number[whole].astype(np.int64).astype(str)
    return out.where(out.notna(), "").astype(str).str.strip()


def _years(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole years from text (``2021``, ``2021.0``) and a mask of cells that are not."""
    number = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = (text != "") & not_years(number.to_numpy(np.float64, na_value=np.nan))
    return number.where(~bad).round().astype("Int64"), bad


def _overlapping(
    unit: pd.Series, measure: pd.Series, since: pd.Series, end: pd.Series
) -> np.ndarray:
    """Which rows repeat a unit's measure for years an earlier row (by ``since``) already
    covers: one still in place (no ``end``) or ending in or after this row's first year. A
    programme that stopped and started again has a row per spell."""
    spells = pd.DataFrame({"u": unit, "m": measure, "since": since, "end": end})
    spells = spells.sort_values(["u", "m", "since"], kind="stable")
    same = spells.duplicated(["u", "m"])  # not the unit's first row of the measure
    reach = spells["end"].astype("Float64").fillna(np.inf)  # still in place: every year after
    covered = reach.groupby([spells["u"], spells["m"]], sort=False).cummax().shift()
    overlap = same & (covered >= spells["since"]).fillna(False)  # a bad year: reported
    return overlap.reindex(unit.index).to_numpy(dtype=bool)


def _validated(
    raw: pd.DataFrame,
    label: str,
    rows: np.ndarray,
    known_measures: set[str],
    known_units: set[str] | None,
    data_units: set[str] | None = None,
) -> MeasuresRegister:
    failures: list[dict[str, Any]] = []

    def fail(mask: pd.Series | np.ndarray, column: str, values: pd.Series, code: str) -> None:
        at = np.flatnonzero(np.asarray(mask, dtype=bool))
        for i in at:
            failures.append(
                {
                    "source": label,
                    "row": rows[i],
                    "column": column,
                    "value": values.iloc[i],
                    "reason": REASONS[code],
                    "code": code,
                }
            )

    raw = raw.rename(columns=lambda c: _ALIASES.get(str(c).strip().casefold(), str(c).strip()))
    missing = [c for c in ("unit", "measure", "since") if c not in raw.columns]
    if missing:
        raise DataValidationError(
            [
                {
                    "source": label,
                    "row": None,
                    "column": c,
                    "value": None,
                    "reason": REASONS["missing_column"],
                    "code": "missing_column",
                }
                for c in missing
            ]
        )
    raw = raw.reset_index(drop=True)
    unit, measure = _text(raw["unit"]), _text(raw["measure"])
    since_text = _text(raw["since"])
    end_text = _text(raw["end"]) if "end" in raw.columns else pd.Series("", index=raw.index)
    scope = _text(raw["scope"]) if "scope" in raw.columns else pd.Series("", index=raw.index)
    since, bad_since = _years(since_text)
    end, bad_end = _years(end_text)

    for column, text in (("unit", unit), ("measure", measure), ("since", since_text)):
        fail(text == "", column, text, "missing_value")
    fail((measure != "") & ~measure.isin(known_measures), "measure", measure, "unknown_measure")
    if known_units is not None:
        fail((unit != "") & ~unit.isin(known_units), "unit", unit, "unknown_unit")
    if data_units is not None:
        listed = unit.isin(known_units) if known_units is not None else unit != ""
        fail(listed & ~unit.isin(data_units), "unit", unit, "unit_without_data")
    fail(bad_since, "since", since_text, "invalid_year")
    fail(bad_end, "end", end_text, "invalid_year")
    fail((end < since).fillna(False), "end", end_text, "end_before_since")
    filled = (unit != "") & (measure != "")
    fail(filled & _overlapping(unit, measure, since, end), "measure", measure, "duplicate_measure")
    if failures:
        raise DataValidationError(failures)

    scope_or_none = scope.to_numpy(object, copy=True)
    scope_or_none[scope_or_none == ""] = None
    frame = pd.DataFrame(
        {
            "unit": pd.Series(unit.to_numpy(object), dtype=object),
            "measure": pd.Series(measure.to_numpy(object), dtype=object),
            "since": since.astype(np.int64),
            "end": end,
            "scope": pd.Series(scope_or_none, dtype=object),
        }
    )
    frame = frame.sort_values(["unit", "measure", "since"], kind="stable").reset_index(drop=True)
    return MeasuresRegister(frame, label)
