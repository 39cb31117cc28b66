"""Measures already in place: never recommend them again, say how they are doing instead.

A municipality's measures in place come from two places:

- a **register**: a table with one row per measure in place - ``unit``, ``measure`` (an
  action id of the catalog) and ``since`` (the year it started);
- the **framework**: an action whose *first* indicator is a yes/no indicator (binary or
  ordinal, e.g. ``welcome_service``) is in place where that indicator is at its top level;
  ``since`` is the first year of the unbroken run at that level.

:func:`apply_register` removes such measures from a unit's recommendations from their
``since`` year on (the remaining ones are ranked again) and adds one row of kind
``in_place`` per measure, unit and year, with the average score change of the measure's
other indicators since the measure started (``moved``) and a verdict (``effect``):

- ``too_early``: its horizon (short 1, medium 2, long 3 years) has not passed yet;
- ``not_visible``: the horizon has passed and its indicators did not rise by more than
  :data:`STABLE_POINTS` on average (or have no data) - "seit 2019 vorhanden; Wirkung noch
  nicht sichtbar";
- ``visible``: they rose by more than that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.errors import DataValidationError

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results
    from mint_index.recommendations.rules import RuleSet

__all__ = [
    "EFFECTS",
    "HORIZON_YEARS",
    "REGISTER_COLUMNS",
    "STABLE_POINTS",
    "apply_register",
    "framework_register",
    "read_register",
]

#: Columns of a measures register.
REGISTER_COLUMNS = ("unit", "measure", "since")
#: Years after which a measure's effect should show, by its horizon in the catalog.
HORIZON_YEARS = {"short": 1, "medium": 2, "long": 3}
#: A rise of the measure's indicators by at most this many score points is no visible effect.
STABLE_POINTS = 1.0
#: The verdicts of a measure in place.
EFFECTS = ("too_early", "not_visible", "visible")


def read_register(measures: pd.DataFrame, ruleset: RuleSet) -> pd.DataFrame:
    """``measures`` checked and tidied: ``unit`` (str), ``measure`` (str), ``since`` (int).

    Every problem (missing column, unknown measure, a ``since`` that is no year) is
    collected and raised once as a :class:`~mint_index.DataValidationError`."""

    def failure(row: int | None, column: str, value: object, reason: str) -> dict[str, object]:
        return {
            "source": "measures",
            "row": row,
            "column": column,
            "value": value,
            "reason": reason,
        }

    if not isinstance(measures, pd.DataFrame):
        raise DataValidationError([failure(None, "", type(measures).__name__, "not_a_table")])
    missing = [c for c in REGISTER_COLUMNS if c not in measures.columns]
    if missing:
        raise DataValidationError([failure(None, c, None, "missing_column") for c in missing])
    frame = measures.reset_index(drop=True)
    since = pd.to_numeric(frame["since"], errors="coerce")
    measure = frame["measure"].astype(str)
    unknown = ~measure.isin(list(ruleset.actions)).to_numpy()
    no_year = (since.isna() | (since % 1 != 0)).to_numpy()
    failures = [
        failure(int(i), "measure", measure[i], "unknown_measure") for i in np.flatnonzero(unknown)
    ]
    failures += [
        failure(int(i), "since", frame["since"][i], "not_a_year") for i in np.flatnonzero(no_year)
    ]
    if failures:
        raise DataValidationError(failures)
    return pd.DataFrame(
        {
            "unit": frame["unit"].astype(str),
            "measure": frame["measure"].astype(str),
            "since": since.astype(np.int64),
        }
    )


def framework_register(results: Results, ruleset: RuleSet) -> pd.DataFrame:
    """Measures in place according to the framework's yes/no indicators, one row per
    unit, measure and year they are in place (``since``: the start of that run)."""
    fw = results.framework
    scores = results.cube("aggregated")
    years = np.asarray(results.years, dtype=np.int64)
    units = np.asarray(results.unit_ids, dtype=object)
    parts = []
    for action in ruleset.actions.values():
        first = _status_indicator(action.indicators, results)
        if first is None:
            continue
        top = max(level.score for level in fw.indicator(first).answer_levels())
        there = scores[:, :, fw.node_ids.index(first)] >= top  # [year, unit]
        # the last year before each year in which it was not there -> start of the run
        gap = np.where(~there, np.arange(len(years))[:, None], -1)
        start = np.maximum.accumulate(gap, axis=0) + 1
        y, u = np.nonzero(there)
        parts.append(
            pd.DataFrame(
                {
                    "unit": units[u].astype(str),
                    "measure": action.id,
                    "since": years[start[y, u]],
                    "year": years[y],
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {
                "unit": pd.Series([], dtype=object),
                "measure": pd.Series([], dtype=object),
                "since": pd.Series([], dtype=np.int64),
                "year": pd.Series([], dtype=np.int64),
            }
        )
    return pd.concat(parts, ignore_index=True)


def _status_indicator(indicators: list[str], results: Results) -> str | None:
    """The yes/no indicator that says whether a measure is there: its first indicator, if
    that is a binary or ordinal indicator of the framework."""
    fw = results.framework
    first = indicators[0]
    return first if fw.is_indicator(first) and fw.indicator(first).answer_levels() else None


def _per_year(register: pd.DataFrame, years: np.ndarray) -> pd.DataFrame:
    """A register (unit, measure, since) as one row per year from ``since`` on."""
    if not len(register):
        return register.assign(year=np.empty(0, dtype=np.int64))
    rows = np.repeat(np.arange(len(register)), len(years))
    year = np.tile(years, len(register))
    keep = year >= register["since"].to_numpy()[rows]
    return register.iloc[rows[keep]].assign(year=year[keep]).reset_index(drop=True)


def in_place_rows(
    results: Results, ruleset: RuleSet, measures: pd.DataFrame | None
) -> pd.DataFrame:
    """One row per unit, year and measure in place (register and framework; the register's
    ``since`` wins where both know a measure), with ``moved`` and ``effect``."""
    years = np.asarray(results.years, dtype=np.int64)
    known = set(map(str, results.unit_ids))
    listed = _per_year(read_register(measures, ruleset), years) if measures is not None else None
    found = framework_register(results, ruleset)
    both = pd.concat([f for f in (listed, found) if f is not None], ignore_index=True)
    both = both[both["unit"].isin(known)]
    both = both.drop_duplicates(["unit", "year", "measure"], keep="first").reset_index(drop=True)
    fw = results.framework
    scores = results.cube("aggregated")
    year_pos = pd.Index(years)
    unit_pos = pd.Index(np.asarray(results.unit_ids, dtype=object).astype(str))
    y = year_pos.get_indexer(both["year"].to_numpy())
    u = unit_pos.get_indexer(both["unit"].to_numpy())
    # the baseline: the score in the start year, or in the first year of the data
    base = np.searchsorted(years, np.maximum(both["since"].to_numpy(), years[0]))
    moved = np.full(len(both), np.nan)
    for measure in both["measure"].unique():
        rows = np.flatnonzero(both["measure"].to_numpy() == measure)
        action = ruleset.actions[measure]
        status = _status_indicator(action.indicators, results)
        effect_nodes = [n for n in action.indicators if n != status and n in fw.node_ids]
        cols = [fw.node_ids.index(n) for n in effect_nodes]
        if not cols:
            continue
        at = np.asarray(cols)[None, :]
        now = scores[y[rows][:, None], u[rows][:, None], at]
        then = scores[base[rows][:, None], u[rows][:, None], at]
        change = now - then
        with np.errstate(invalid="ignore"):
            counted = (~np.isnan(change)).sum(axis=1)
            moved[rows] = np.where(
                counted > 0, np.nansum(change, axis=1) / np.maximum(counted, 1), np.nan
            )
    horizon = (
        both["measure"]
        .map({k: HORIZON_YEARS[a.horizon] for k, a in ruleset.actions.items()})
        .to_numpy(dtype=np.int64)
    )
    due = both["year"].to_numpy() - both["since"].to_numpy() >= horizon
    effect = np.where(~due, "too_early", np.where(moved > STABLE_POINTS, "visible", "not_visible"))
    return both.assign(moved=moved, effect=effect.astype(object), horizon=horizon)


def apply_register(frame: pd.DataFrame, in_place: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame`` (a recommendations core frame) without the measures of ``in_place``,
    ranks renumbered, plus one ``in_place`` row per measure in place (in ``columns``)."""
    acts = frame["kind"].to_numpy() == "action"
    there = pd.MultiIndex.from_arrays(
        [
            in_place["unit"].astype(str).to_numpy(dtype=object),
            in_place["year"].to_numpy(dtype=np.int64),
            in_place["measure"].astype(str).to_numpy(dtype=object),
        ]
    )
    drop = np.zeros(len(frame), dtype=bool)
    if len(there) and acts.any():
        asked = pd.MultiIndex.from_arrays(
            [
                frame["unit"].to_numpy(dtype=object)[acts],
                frame["year"].to_numpy(dtype=np.int64)[acts],
                frame["action"].to_numpy(dtype=object)[acts],
            ]
        )
        drop[acts] = asked.isin(there)
    kept = frame[~drop].copy()
    acts = kept["kind"].to_numpy() == "action"
    if acts.any():
        ranks = kept[acts].groupby(["unit", "year"], sort=False).cumcount() + 1
        kept.loc[acts, "rank"] = ranks.to_numpy()
    rows = pd.DataFrame({c: pd.Series([None] * len(in_place), dtype=object) for c in columns})
    rows["unit"] = in_place["unit"].to_numpy(dtype=object)
    rows["year"] = in_place["year"].to_numpy(dtype=np.int64)
    rows["kind"] = "in_place"
    rows["action"] = in_place["measure"].to_numpy(dtype=object)
    rows["since"] = in_place["since"].to_numpy(dtype=np.int64)
    rows["moved"] = in_place["moved"].to_numpy(dtype=np.float64)
    rows["effect"] = in_place["effect"].to_numpy(dtype=object)
    for column in columns:
        if column in frame.columns and pd.api.types.is_float_dtype(frame[column]):
            rows[column] = pd.to_numeric(rows[column], errors="coerce")
    for column in ("poor", "total"):
        if column in rows.columns:
            rows[column] = 0
    rows["rank"] = pd.array([pd.NA] * len(rows), dtype="Int64")
    if not len(rows):
        return kept.reset_index(drop=True)
    out = pd.concat([kept, rows[columns]], ignore_index=True)
    # units, years; then actions by rank, measures in place, notes (kept in their order)
    kind = out["kind"].map({"action": 0, "in_place": 1, "note": 2}).to_numpy(dtype=np.int64)
    rank = out["rank"].fillna(0).to_numpy(dtype=np.int64)
    unit = pd.factorize(out["unit"].astype(str), sort=True)[0]
    order = np.lexsort((np.arange(len(out)), rank, kind, out["year"].to_numpy(), unit))
    return out.take(order).reset_index(drop=True)
