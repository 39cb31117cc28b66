"""Measures already in place: never recommend them again, say how they are doing instead.

A municipality's measures in place come from two places:

- the **measures register** (:func:`mint_index.load_measures`: unit, measure, since,
  optional end), which this module reads through :mod:`mint_index.measures`;
- the **framework**: an action whose *first* indicator is a yes/no indicator (binary or
  ordinal, e.g. ``welcome_service``) is in place where that indicator is at its top level;
  ``since`` is the first year of the unbroken run at that level.

How a measure in place is doing is not judged here: :func:`mint_index.effects` estimates
its effect on the indicators the catalog names (difference-in-differences against
comparable units without it) and :func:`~mint_index.effect_monitoring.measure_review`
turns that into a verdict (``review``): ``working`` (an effect is visible), ``review``
(its horizon has passed and no effect is visible yet), ``wait`` (too young to judge) or
``unknown`` (no estimate: too few years before it began or too few comparable units).
A yes/no indicator that says the measure exists is not an effect of it and is left out.
Effects are estimated for the register's measures; a measure known only from a yes/no
indicator is listed as in place without an estimate (``not_estimated``) - a town that wants
one adds it to its register.

:func:`apply_register` removes such measures from a unit's recommendations for every
year they are in place (the remaining ones are ranked again) and adds one row of kind
``in_place`` per measure, unit and year.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from mint_index.measures import MeasuresRegister
    from mint_index.pipeline.results import Results
    from mint_index.recommendations.rules import RuleSet

__all__ = ["NOT_ESTIMATED", "apply_register", "due_year", "framework_register", "in_place_rows"]

#: The ``review`` of a measure known only from a yes/no indicator: effects are estimated
#: for the measures of the register (estimating every such measure of a national run
#: would cost far more than the recommendations themselves).
NOT_ESTIMATED = "not_estimated"


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


def due_year(since: np.ndarray, horizons: pd.Series) -> np.ndarray:
    """The first year a measure's effect is judged: ``since`` plus its horizon in years
    (:data:`~mint_index.effect_monitoring.estimate.HORIZON_YEARS`, at least the documented
    minimum), as :func:`mint_index.effects` decides ``too_early``."""
    from mint_index.effect_monitoring.estimate import HORIZON_YEARS, MIN_YEARS_AFTER

    years = horizons.map(HORIZON_YEARS).to_numpy(dtype=np.int64)
    return np.asarray(since, dtype=np.int64) + np.maximum(years, MIN_YEARS_AFTER)


def _per_year(register: pd.DataFrame, years: np.ndarray) -> pd.DataFrame:
    """A register (unit, measure, since, end) as one row per year it is in place."""
    rows = np.repeat(np.arange(len(register)), len(years))
    year = np.tile(years, len(register))
    since = register["since"].to_numpy(dtype=np.int64)[rows]
    end = register["end"].to_numpy(dtype=np.float64, na_value=np.inf)[rows]
    keep = (year >= since) & (year <= end)
    picked = register.iloc[rows[keep]][["unit", "measure", "since"]]
    return picked.assign(year=year[keep]).reset_index(drop=True)


def in_place_rows(
    results: Results,
    ruleset: RuleSet,
    measures: MeasuresRegister | pd.DataFrame | str | Path | None,
) -> pd.DataFrame:
    """One row per unit, year and measure in place (register and framework; the register
    wins where both know a measure): ``unit, measure, since, year, review,
    review_indicators``. For the register's measures ``review`` is the verdict of
    :func:`~mint_index.effect_monitoring.measure_review` on all years of ``results``
    (``wait`` in the years before the measure's horizon); measures known only from a
    yes/no indicator are :data:`NOT_ESTIMATED`.

    ``measures`` is validated by :func:`mint_index.load_measures` against the catalog and
    the units of ``results``; every problem is raised at once."""
    from mint_index.effect_monitoring import effects, measure_review
    from mint_index.measures import load_measures

    years = np.asarray(results.years, dtype=np.int64)
    listed = (
        load_measures(measures, catalog=ruleset, units=results.unit_ids).frame
        if measures is not None
        else pd.DataFrame(columns=["unit", "measure", "since", "end"])
    )
    found = framework_register(results, ruleset)
    per_year = pd.concat(
        [_per_year(listed, years), found[["unit", "measure", "since", "year"]]],
        ignore_index=True,
    ).drop_duplicates(["unit", "year", "measure"], keep="first")
    per_year = per_year.astype({"unit": str, "measure": str}).reset_index(drop=True)
    if not len(per_year):
        return per_year.assign(review=pd.Series([], dtype=object), review_indicators=None)
    verdicts = pd.DataFrame(columns=["unit", "measure", "review", "indicators"])
    if len(listed):
        estimated = effects(results, listed, rules=ruleset)
        status = {
            a.id: s
            for a in ruleset.actions.values()
            if (s := _status_indicator(a.indicators, results))
        }
        shows_adoption = estimated["indicator"].to_numpy(dtype=object) == estimated["measure"].map(
            status
        ).to_numpy(dtype=object)
        verdicts = measure_review(results, estimated[~shows_adoption])
    out = per_year.merge(
        verdicts.rename(columns={"indicators": "review_indicators"}),
        on=["unit", "measure"],
        how="left",
    )
    registered = pd.MultiIndex.from_frame(out[["unit", "measure"]]).isin(
        pd.MultiIndex.from_frame(listed[["unit", "measure"]].astype(str))
    )
    horizon = out["measure"].map({k: a.horizon for k, a in ruleset.actions.items()})
    early = out["year"].to_numpy(dtype=np.int64) < due_year(out["since"].to_numpy(), horizon)
    review = out["review"].fillna("unknown").to_numpy(dtype=object, copy=True)
    review[early] = "wait"
    review[~registered] = NOT_ESTIMATED
    return out.assign(review=review)


def apply_register(frame: pd.DataFrame, in_place: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame`` (a recommendations core frame) without the measures of ``in_place``,
    ranks renumbered, plus one ``in_place`` row per measure in place (in ``columns``).

    Rows are ordered by unit (as text) and year; then actions by rank, measures in place,
    notes, each kept in its order. The work is on integer codes: ``unit``, ``kind``,
    ``action`` and every other categorical column stay categoricals (``review`` and
    ``review_indicators`` become ones), and each column is written once, by one ``take``
    of the rows kept with the new rows filled in. A core frame from the engine is in that
    order already, so the stable sort that places the new rows is one merge.
    """
    unit, new_unit, units = _shared_codes(frame["unit"], in_place["unit"])
    action, new_action, actions = _shared_codes(frame["action"], in_place["measure"])
    kind, _, kinds = _shared_codes(frame["kind"], pd.Series(["action", "in_place"]))
    year = frame["year"].to_numpy(dtype=np.int64)
    new_year = in_place["year"].to_numpy(dtype=np.int64)
    # (unit, year) cells, and (unit, year, measure) keys, as integers
    known = np.unique(np.concatenate([year, new_year]))
    cell = unit.astype(np.int64) * len(known) + np.searchsorted(known, year)
    new_cell = new_unit.astype(np.int64) * len(known) + np.searchsorted(known, new_year)
    width = len(actions) + 1
    acts = kind == kinds.get_indexer(pd.Index(["action"]))[0]
    drop = acts & np.isin(cell * width + action, new_cell * width + new_action)
    keep = np.flatnonzero(~drop)
    rank = _renumbered(cell[keep], acts[keep])

    # the output order: units as text, years, kind (action, in_place, note), rank, position
    by_text = np.empty(len(units), dtype=np.int64)
    by_text[np.argsort(np.asarray(units, dtype=str), kind="stable")] = np.arange(len(units))
    kind_order = np.array([_KIND_ORDER.get(k, len(_KIND_ORDER)) for k in kinds], dtype=np.int64)
    n_years, top = len(known), int(rank.max(initial=0)) + 1

    def sort_key(
        units_: np.ndarray, cells: np.ndarray, kinds_: np.ndarray | int, ranks: np.ndarray | int
    ) -> np.ndarray:
        by_cell = by_text[units_] * n_years + cells % n_years
        return np.asarray((by_cell * 3 + kind_order[kinds_]) * top + ranks, dtype=np.int64)

    placed = int(kinds.get_indexer(pd.Index(["in_place"]))[0])
    key = np.concatenate(
        [
            sort_key(unit[keep], cell[keep], kind[keep], rank),
            sort_key(new_unit, new_cell, placed, 0),
        ]
    )
    order = np.argsort(key, kind="stable")
    old_at = np.flatnonzero(order < len(keep))
    old_rows = keep[order[old_at]]
    new_at = np.flatnonzero(order >= len(keep))
    new_rows = order[new_at] - len(keep)

    def laid_out(old: np.ndarray, new: Any) -> np.ndarray:
        """A column in the output order: ``old`` for the rows kept, ``new`` for the new."""
        if not len(new_at):
            return old.take(old_rows)
        out = np.empty(len(order), dtype=old.dtype)
        out[old_at] = old.take(old_rows)
        out[new_at] = new if np.ndim(new) == 0 else np.asarray(new)[new_rows]
        return out

    ranks = np.zeros(len(frame), dtype=np.int64)
    ranks[keep] = rank
    since = np.zeros(len(frame), dtype=np.int64)
    codes = {
        "unit": (unit, new_unit, units),
        "action": (action, new_action, actions),
        "kind": (kind, placed, kinds),
        "review": (np.full(len(frame), -1), *_codes(in_place["review"])),
        "review_indicators": (np.full(len(frame), -1), *_codes(in_place["review_indicators"])),
    }
    out: dict[str, Any] = {}
    for name in columns:
        if name in codes:
            old, new, categories = codes[name]
            out[name] = _categorical(laid_out(old, new), categories)
        elif name == "year":
            out[name] = laid_out(year, new_year)
        elif name in ("rank", "since"):
            filled = laid_out(
                ranks if name == "rank" else since,
                0 if name == "rank" else in_place["since"].to_numpy(dtype=np.int64),
            )
            out[name] = pd.arrays.IntegerArray(filled, filled == 0)
        elif isinstance(frame[name].dtype, pd.CategoricalDtype):
            column = frame[name].array
            out[name] = _categorical(laid_out(column.codes, -1), column.categories)
        else:
            old = frame[name].to_numpy()
            out[name] = laid_out(old, _EMPTY.get(old.dtype.kind))
    return pd.DataFrame(out, columns=columns, copy=False)


#: Where each kind of row goes among a unit's rows of a year.
_KIND_ORDER = {"action": 0, "in_place": 1, "note": 2}
#: What a new row holds in a column it has no value for, by the column's numpy kind.
_EMPTY: dict[str, Any] = {"f": np.nan, "i": 0, "u": 0, "b": False}


def _renumbered(cells: np.ndarray, acts: np.ndarray) -> np.ndarray:
    """1, 2, ... for the actions of each cell in their order (0 for other rows)."""
    ranks = np.zeros(len(cells), dtype=np.int64)
    cell = cells[acts]
    order = np.argsort(cell, kind="stable")
    ordered = cell[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(cell) else order
    lengths = np.diff(np.r_[starts, len(cell)])
    within = np.empty(len(cell), dtype=np.int64)
    within[order] = np.arange(len(cell)) - np.repeat(starts, lengths) + 1
    ranks[acts] = within
    return ranks


def _shared_codes(column: pd.Series, extra: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Codes of ``column`` and of the values ``extra`` in one list of categories: the
    column's (a categorical's own), then the values only ``extra`` has."""
    values = (
        column.array
        if isinstance(column.dtype, pd.CategoricalDtype)
        else pd.Categorical(column.to_numpy(dtype=object))
    )
    categories = pd.Index(values.categories, dtype=object)
    wanted = extra.to_numpy(dtype=object)
    found = categories.get_indexer(wanted)
    if (found < 0).any():
        categories = categories.append(pd.Index(pd.unique(wanted[found < 0]), dtype=object))
        found = categories.get_indexer(wanted)
    return np.asarray(values.codes), found, categories


def _codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes into the distinct values (in order of appearance; -1 where missing)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    return codes, pd.Index(uniques, dtype=object)


def _categorical(codes: np.ndarray, categories: pd.Index) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=categories)  # type: ignore[call-overload]
