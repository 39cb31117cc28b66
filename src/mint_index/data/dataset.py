"""The Dataset: every raw value of every unit, year and variable, with why it is missing.

Internally the values are a dense cube ``[year, unit, variable]`` so the pipeline can work
on whole arrays; ``.long`` and ``.wide`` give pandas views of the same data. A cell knows
whether the input had it at all (``present``), why it is missing (``reason``) and any
official flag on a kept value (``flag``: provisional, revised, estimated, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mint_index.errors import PROBLEM_COLUMNS, ArgumentError, DataValidationError

__all__ = ["FLAGS", "MISSING_REASONS", "Dataset", "build_cube", "repeated_cells"]

#: Why a value is missing. Index 0 means "not missing"; the rest are stored as codes.
MISSING_REASONS: tuple[str, ...] = (
    "",
    "missing",  # an empty cell or NaN in the input
    "unknown_or_secret",  # GENESIS "."
    "locked",  # GENESIS "x"
    "not_reliable",  # GENESIS "/"
    "not_yet_available",  # GENESIS "..."
    "not_in_data",  # the input had no row for this unit, year and variable
)

#: Flags on kept values. Index 0 means "no flag".
FLAGS: tuple[str, ...] = (
    "",
    "nothing_there",  # GENESIS "-": an exact zero
    "provisional",  # p
    "revised",  # r
    "estimated",  # s
    "final",  # e
    "limited_value",  # a value in parentheses
)

_REASON_CODE = {name: i for i, name in enumerate(MISSING_REASONS)}
_FLAG_CODE = {name: i for i, name in enumerate(FLAGS)}
_NOT_IN_DATA = _REASON_CODE["not_in_data"]
_MISSING = _REASON_CODE["missing"]


def build_cube(
    shape: tuple[int, int, int],
    at: np.ndarray,
    value: np.ndarray,
    reason: np.ndarray | None = None,
    flag: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, reason codes and flag codes as cubes ``[year, unit, variable]``.

    The one builder of the cube, so the missing-reason rule lives here only: an input
    cell whose value is NaN and has no recorded reason is ``missing``; a cube cell that no
    input cell lands on is ``not_in_data``. ``at`` is each input cell's position in the
    flattened cube; ``reason`` and ``flag`` are its recorded codes (``None``: none
    recorded). Two cells at one position leave the last of them: callers report
    duplicates as failures, this does not check for them.
    """
    values = np.full(shape, np.nan)
    reasons = np.full(shape, _NOT_IN_DATA, dtype=np.int8)
    flags = np.zeros(shape, dtype=np.int8)
    recorded = np.zeros(len(value), dtype=np.int8) if reason is None else reason
    values.reshape(-1)[at] = value
    reasons.reshape(-1)[at] = np.where(np.isnan(value) & (recorded == 0), _MISSING, recorded)
    if flag is not None:
        flags.reshape(-1)[at] = flag
    return values, reasons, flags


#: What a repeated cell's warning says (code ``repeated_cell``).
REPEATED_CELL = "the same (unit, year, variable) again, with the same value: read once"


def _duplicate_problems(
    frame: pd.DataFrame, at: np.ndarray, source: str, reason: str, code: str = "duplicate_cell"
) -> pd.DataFrame:
    """Problems at the rows ``at`` (a mask) of a tidy frame, named by unit/year/variable."""
    rows = frame.loc[at]
    return pd.DataFrame(
        {
            "source": source,
            "row": rows.index.to_numpy(),
            "column": "unit/year/variable",
            "value": (
                rows["unit"].astype(str)
                + "/"
                + rows["year"].astype(str)
                + "/"
                + rows["variable"].astype(str)
            ).to_numpy(),
            "reason": reason,
            "code": code,
        }
    )


def repeated_cells(
    at: np.ndarray, value: np.ndarray, reason: np.ndarray, flag: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Input cells that land on the same cube position as another (``at`` as in
    :func:`build_cube`): ``clash`` marks every copy of a position whose copies disagree in
    value (NaN equals NaN), reason or flag; ``repeat`` the second and later copies of a
    position whose copies all say the same.

    The one rule for duplicates: official files repeat rows (an Open SDG export lists a
    district twice, word for word), and a repeat changes nothing, so it is read once with a
    warning; copies that disagree leave no way to choose and are an error.
    """
    n = len(at)
    clash, repeat = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if not pd.Series(at).duplicated().any():  # the usual case: one hashing pass, no sort
        return clash, repeat
    order = np.argsort(at, kind="stable")
    key = at[order]
    new = np.r_[True, key[1:] != key[:-1]]
    first = order[np.maximum.accumulate(np.where(new, np.arange(n), 0))]
    v, v0 = value[order], value[first]
    same = (
        ((v == v0) | (np.isnan(v) & np.isnan(v0)))
        & (reason[order] == reason[first])
        & (flag[order] == flag[first])
    )
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    copies = np.diff(np.r_[starts, n])[group] > 1
    agree = np.logical_and.reduceat(same, starts)[group]
    clash[order] = copies & ~agree
    repeat[order] = copies & agree & ~new
    return clash, repeat


def _codes(series: pd.Series | None, vocabulary: dict[str, int], what: str, n: int) -> np.ndarray:
    """Vocabulary codes of a text column (empty or missing -> 0); unknown words are errors.

    Factorised first, so the vocabulary is looked up once per distinct word, not per cell.
    """
    if series is None:
        return np.zeros(n, dtype=np.int8)
    codes, distinct = pd.factorize(series)
    words = [str(w) for w in distinct]
    unknown = sorted(set(words) - set(vocabulary))
    if unknown:
        valid = ", ".join(v for v in vocabulary if v)
        raise DataValidationError(
            [
                {
                    "source": "<data>",
                    "row": None,
                    "column": what,
                    "value": u,
                    "reason": f"unknown {what}; valid: {valid}",
                    "code": "unknown_code",
                }
                for u in unknown
            ]
        )
    lookup = np.array([vocabulary[w] for w in words] + [0], dtype=np.int8)
    return lookup[codes]  # code -1 (missing) picks the trailing 0


class Dataset:
    """Raw indicator data of units over years, with units table and provenance."""

    def __init__(
        self,
        values: np.ndarray,
        years: Sequence[int] | np.ndarray | pd.Index,
        unit_ids: Sequence[str] | np.ndarray | pd.Index,
        variables: Sequence[str],
        reason: np.ndarray | None = None,
        flag: np.ndarray | None = None,
        units: pd.DataFrame | None = None,
        provenance: pd.DataFrame | None = None,
        warnings: pd.DataFrame | None = None,
        variable_sources: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.values = np.asarray(values, dtype=np.float64)
        self.years = np.asarray(years, dtype=np.int64)
        self.unit_ids = np.asarray(unit_ids, dtype=object)
        self.variables = list(variables)
        shape = (len(self.years), len(self.unit_ids), len(self.variables))
        if self.values.shape != shape:
            raise ValueError(f"values have shape {self.values.shape}, expected {shape}")
        self.reason = np.zeros(shape, np.int8) if reason is None else np.asarray(reason, np.int8)
        self.flag = np.zeros(shape, np.int8) if flag is None else np.asarray(flag, np.int8)
        self.units = _units_frame(units, self.unit_ids)
        self.provenance = (
            provenance
            if provenance is not None
            else pd.DataFrame(columns=["source", "format", "sha256", "rows"])
        )
        self.warnings = warnings if warnings is not None else pd.DataFrame(columns=PROBLEM_COLUMNS)
        #: variable -> the sources that held it, from loading (none for data built in memory)
        self.variable_sources = dict(variable_sources or {})

    # ---- construction ---------------------------------------------------------------
    @classmethod
    def from_long(
        cls,
        frame: pd.DataFrame,
        units: pd.DataFrame | None = None,
        provenance: pd.DataFrame | None = None,
        warnings: pd.DataFrame | None = None,
        source: str = "<DataFrame>",
    ) -> Dataset:
        """Build from a tidy frame with ``unit, year, variable, value`` and optionally
        ``missing_reason`` and ``flag``. Copies of a (unit, year, variable) that disagree are an
        error, copies that agree are read once with a warning (:func:`repeated_cells`)."""
        missing = [c for c in ("unit", "year", "variable", "value") if c not in frame.columns]
        if missing:
            raise DataValidationError(
                [
                    {
                        "source": source,
                        "row": None,
                        "column": c,
                        "value": None,
                        "reason": "required column missing",
                        "code": "missing_column",
                    }
                    for c in missing
                ]
            )
        unit_codes, unit_ids = pd.factorize(frame["unit"].astype(str), sort=True)
        year_codes, years = pd.factorize(frame["year"].astype(np.int64), sort=True)
        var_codes, variables = pd.factorize(frame["variable"].astype(str), sort=False)
        flat = (year_codes * len(unit_ids) + unit_codes) * len(variables) + var_codes
        n = len(frame)
        value = pd.to_numeric(frame["value"], errors="raise").to_numpy(dtype=np.float64)
        reason_codes = _codes(frame.get("missing_reason"), _REASON_CODE, "missing_reason", n)
        flag_codes = _codes(frame.get("flag"), _FLAG_CODE, "flag", n)
        clash, repeat = repeated_cells(flat, value, reason_codes, flag_codes)
        if clash.any():
            raise DataValidationError(
                _duplicate_problems(frame, clash, source, "duplicate (unit, year, variable)")
            )
        if repeat.any():
            warnings = pd.concat(
                [
                    *([warnings] if warnings is not None and len(warnings) else []),
                    _duplicate_problems(frame, repeat, source, REPEATED_CELL, "repeated_cell"),
                ],
                ignore_index=True,
            )
        values, reason, flag = build_cube(
            (len(years), len(unit_ids), len(variables)), flat, value, reason_codes, flag_codes
        )
        return cls(
            values, years, unit_ids, list(variables), reason, flag, units, provenance, warnings
        )

    @classmethod
    def from_wide(
        cls,
        frame: pd.DataFrame,
        unit: str = "unit",
        year: str = "year",
        units: pd.DataFrame | None = None,
        source: str = "<DataFrame>",
    ) -> Dataset:
        """Build from one row per unit and year and one numeric column per variable.

        ``unit`` and ``year`` may be columns or index levels (as :attr:`wide` gives them,
        so ``Dataset.from_wide(data.wide)`` reads it back). Numeric columns without
        repeated (unit, year) rows are placed into the cube directly; anything else goes
        through :meth:`from_long`, which reports the problems.
        """
        in_index = [n for n in (unit, year) if n not in frame.columns and n in frame.index.names]
        if in_index:
            frame = frame.reset_index(level=in_index)
        absent = [n for n in (unit, year) if n not in frame.columns]
        if absent:
            raise ArgumentError(
                f"the frame has no {' or '.join(map(repr, absent))} column or index level; "
                f"columns: {', '.join(map(str, frame.columns))} (name them: unit=, year=)"
            )
        value_cols = [c for c in frame.columns if c not in (unit, year)]
        numeric = all(pd.api.types.is_numeric_dtype(frame[c]) for c in value_cols)
        unit_codes, unit_ids = pd.factorize(frame[unit].astype(str), sort=True)
        year_codes, years = pd.factorize(frame[year].astype(np.int64), sort=True)
        pair = year_codes.astype(np.int64) * len(unit_ids) + unit_codes
        if len(frame) and numeric and not pd.Series(pair).duplicated().any():
            n_vars = len(value_cols)
            block = frame[value_cols].to_numpy(dtype=np.float64, na_value=np.nan)
            values, reason, flag = build_cube(
                (len(years), len(unit_ids), n_vars),
                (pair[:, None] * n_vars + np.arange(n_vars)).ravel(),
                block.ravel(),
            )
            variables = [str(c) for c in value_cols]
            return cls(values, years, unit_ids, variables, reason, flag, units, None, None)
        long = frame.melt(
            id_vars=[unit, year], value_vars=value_cols, var_name="variable", value_name="value"
        )
        long = long.rename(columns={unit: "unit", year: "year"})
        return cls.from_long(long, units=units, source=source)

    # ---- views ----------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, int, int]:
        """(years, units, variables)."""
        return self.values.shape

    @property
    def present(self) -> np.ndarray:
        """Cells the input had a row for (possibly with a missing value)."""
        return self.reason != _NOT_IN_DATA

    @property
    def long(self) -> pd.DataFrame:
        """Tidy: ``unit, year, variable, value, missing_reason, flag`` for every input cell."""
        y, u, v = np.nonzero(self.present)
        reasons = np.asarray(MISSING_REASONS, dtype=object)[self.reason[y, u, v]]
        flags = np.asarray(FLAGS, dtype=object)[self.flag[y, u, v]]
        # object columns, so an absent reason is None (not NaN) on pandas 2 and 3
        reasons[reasons == ""] = None
        flags[flags == ""] = None
        return pd.DataFrame(
            {
                "unit": self.unit_ids[u].astype(str),
                "year": self.years[y],
                "variable": np.asarray(self.variables, dtype=object)[v],
                "value": self.values[y, u, v],
                "missing_reason": pd.Series(reasons, dtype=object),
                "flag": pd.Series(flags, dtype=object),
            }
        ).sort_values(["unit", "year", "variable"], kind="stable", ignore_index=True)

    @property
    def wide(self) -> pd.DataFrame:
        """One row per (unit, year), one column per variable."""
        n_y, n_u, n_v = self.values.shape
        index = pd.MultiIndex.from_arrays(
            [np.tile(self.unit_ids.astype(str), n_y), np.repeat(self.years, n_u)],
            names=["unit", "year"],
        )
        frame = pd.DataFrame(
            self.values.reshape(n_y * n_u, n_v),
            index=index,
            columns=pd.Index(self.variables, name="variable"),
        )
        return frame.sort_index()

    def cube(self, variables: Iterable[str]) -> np.ndarray:
        """Values of the given variables as ``[year, unit, variable]`` (a copy)."""
        pos = {v: i for i, v in enumerate(self.variables)}
        return self.values[:, :, [pos[v] for v in variables]]

    def select(
        self, years: Iterable[int] | None = None, units: Iterable[str] | None = None
    ) -> Dataset:
        """A dataset restricted to some years and/or units."""
        y = (
            np.arange(len(self.years))
            if years is None
            else np.flatnonzero(np.isin(self.years, list(years)))
        )
        u = (
            np.arange(len(self.unit_ids))
            if units is None
            else np.flatnonzero(np.isin(self.unit_ids.astype(str), [str(x) for x in units]))
        )
        take = np.ix_(y, u, np.arange(len(self.variables)))
        return Dataset(
            self.values[take],
            self.years[y],
            self.unit_ids[u],
            self.variables,
            self.reason[take],
            self.flag[take],
            self.units.loc[self.units.index.intersection(pd.Index(self.unit_ids[u]))],
            self.provenance,
            self.warnings,
            self.variable_sources,
        )

    def with_units(self, units: pd.DataFrame) -> Dataset:
        return Dataset(
            self.values,
            self.years,
            self.unit_ids,
            self.variables,
            self.reason,
            self.flag,
            units,
            self.provenance,
            self.warnings,
            self.variable_sources,
        )

    def sources_of(self, variables: Iterable[str]) -> str:
        """Where a problem about ``variables`` is located: the sources that held them
        (as validation names them), else every source read, else ``<data>`` (data built
        in memory)."""
        held = {name for v in variables for name in self.variable_sources.get(v, ())}
        if not held and len(self.provenance):
            held = {str(s) for s in self.provenance["source"]}
        return ", ".join(sorted(held)) or "<data>"

    def __repr__(self) -> str:
        n_y, n_u, n_v = self.values.shape
        span = f"{self.years.min()}-{self.years.max()}" if n_y else "no years"
        found = self._warning_counts()
        noted = f"; .warnings: {found}" if found else ""
        return f"Dataset({n_u} units, {n_y} years ({span}), {n_v} variables{noted})"

    def _warning_counts(self) -> str:
        """What loading left out or read with a note, counted by reason code
        (``footnote_mark 1, total_row 1``), so a notebook shows it without being asked."""
        if not len(self.warnings):
            return ""
        from mint_index.reasons import with_codes

        counts = with_codes(self.warnings)["code"].value_counts().sort_index()
        return ", ".join(f"{code} {n}" for code, n in counts.items())

    def _repr_html_(self) -> str:
        from html import escape

        return f"<p>{escape(repr(self))}</p>" + self.long.head(10).to_html()

    def summary(self) -> dict[str, Any]:
        """Plain-data summary: sizes, coverage and missing reasons."""
        present = self.present
        counts = np.bincount(self.reason[present].ravel(), minlength=len(MISSING_REASONS))
        return {
            "units": len(self.unit_ids),
            "years": [int(y) for y in self.years],
            "variables": len(self.variables),
            "cells": int(present.sum()),
            "missing": {MISSING_REASONS[i]: int(c) for i, c in enumerate(counts) if i and c},
        }


def _units_frame(units: pd.DataFrame | None, unit_ids: np.ndarray) -> pd.DataFrame:
    """The units table indexed by the string unit id; a bare one if none was given."""
    if units is None:
        frame = pd.DataFrame(index=pd.Index(unit_ids.astype(str), name="unit"))
        frame["name"] = frame.index
        return frame
    frame = units.copy()
    if "unit" in frame.columns:
        frame = frame.set_index("unit")
    frame.index = frame.index.astype(str)
    frame.index.name = "unit"
    if "name" not in frame.columns:
        frame["name"] = frame.index
    return frame
