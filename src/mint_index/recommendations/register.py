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
one adds it to its register. An action whose only indicators are that yes/no one and its
``outputs`` (counts of what the measure provides) names no effect to judge it on
(``no_outcome``), register or not.

:func:`place` and :func:`without` remove such measures from a unit's recommendations for
every year they are in place (the remaining ones are ranked again); the engine lays out one
row of kind ``in_place`` per measure, unit and year, after the unit's ranked measures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.effect_monitoring.estimate import adoption_indicator, outcome_nodes

if TYPE_CHECKING:
    from mint_index.measures import MeasuresRegister
    from mint_index.pipeline.results import Results
    from mint_index.recommendations.rules import RuleSet

__all__ = [
    "NOT_ESTIMATED",
    "NO_OUTCOME",
    "Placed",
    "due_year",
    "framework_register",
    "in_place_rows",
    "place",
    "without",
]

#: The ``review`` of a measure known only from a yes/no indicator: effects are estimated
#: for the measures of the register (estimating every such measure of a national run
#: would cost far more than the recommendations themselves).
NOT_ESTIMATED = "not_estimated"
#: The ``review`` of a measure whose action names no indicator but the yes/no one that
#: shows it is there (an interpreter pool, a welcome service) and counts of what it
#: provides (conferences held): no effect to judge it on.
NO_OUTCOME = "no_outcome"


def framework_register(results: Results, ruleset: RuleSet) -> pd.DataFrame:
    """Measures in place according to the framework's yes/no indicators, one row per
    unit, measure and year they are in place (``since``: the start of that run;
    ``since_at_least``: the year before the run has no observed answer - the first year
    of the results, or one missing or imputed - so the measure may have begun before it).
    A year without an answer between two at the top level does not end a run: the
    measure was most likely there all along, and is not recommended for it."""
    fw = results.framework
    scores = results.cube("aggregated")
    years = np.asarray(results.years, dtype=np.int64)
    units = np.asarray(results.unit_ids, dtype=object)
    rows = np.arange(len(years))[:, None]
    parts = []
    for action in ruleset.actions.values():
        first = adoption_indicator(action.indicators, results.framework)
        if first is None:
            continue
        top = max(level.score for level in fw.indicator(first).answer_levels())
        score = scores[:, :, fw.node_ids.index(first)]  # [year, unit]
        imputed = results.log.imputed[:, :, results.indicator_ids.index(first)]
        answered = ~np.isnan(score) & ~imputed
        there = score >= top
        # the nearest answered year before and after each year, and whether it was there
        before = np.maximum.accumulate(np.where(answered, rows, -1), axis=0)
        after = np.minimum.accumulate(np.where(answered, rows, len(years))[::-1], axis=0)[::-1]
        units_at = np.arange(len(units))[None, :]
        there_before = (before >= 0) & there[np.maximum(before, 0), units_at]
        there_after = (after < len(years)) & there[np.minimum(after, len(years) - 1), units_at]
        there |= np.isnan(score) & there_before & there_after  # a gap within a run
        # the last year before each year in which it was not there -> start of the run
        gap = np.where(~there, rows, -1)
        start = np.maximum.accumulate(gap, axis=0) + 1
        unsure = np.r_[np.ones((1, len(units)), dtype=bool), ~answered[:-1]]  # [year before]
        y, u = np.nonzero(there)
        parts.append(
            pd.DataFrame(
                {
                    "unit": units[u].astype(str),
                    "measure": action.id,
                    "since": years[start[y, u]],
                    "since_at_least": unsure[start[y, u], u],
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
                "since_at_least": pd.Series([], dtype=bool),
                "year": pd.Series([], dtype=np.int64),
            }
        )
    return pd.concat(parts, ignore_index=True)


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
    # the register gives the start year itself
    picked = picked.assign(since_at_least=False, year=year[keep], registered=True)
    return picked.reset_index(drop=True)


def in_place_rows(
    results: Results,
    ruleset: RuleSet,
    measures: MeasuresRegister | pd.DataFrame | str | Path | None,
) -> pd.DataFrame:
    """One row per unit, year and measure in place (register and framework; the register
    wins where both know a measure): ``unit, measure, since, since_at_least, year, review,
    review_indicators, previous_spell`` (``since_at_least``: known from a yes/no indicator
    with no observed answer the year before, so begun in ``since`` or before).
    For the register's measures ``review`` is the verdict of
    :func:`~mint_index.effect_monitoring.measure_review` on all years of ``results``
    (``wait`` in the years before the measure's horizon); measures known only from a yes/no
    indicator are :data:`NOT_ESTIMATED`, and those whose action names no other indicator
    :data:`NO_OUTCOME`. ``previous_spell``: the spell before a programme that stopped and
    started again (:func:`_previous_spells`).

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
    found_rows = found[["unit", "measure", "since", "since_at_least", "year"]]
    per_year = pd.concat(
        [_per_year(listed, years), found_rows.assign(registered=False)], ignore_index=True
    ).drop_duplicates(["unit", "year", "measure"], keep="first")
    per_year = per_year.astype({"unit": str, "measure": str}).reset_index(drop=True)
    # a spell of the register, or one only the framework's yes/no indicator shows (it is
    # not estimated even where the unit has another spell in the register)
    registered = per_year.pop("registered").to_numpy(dtype=bool)
    if not len(per_year):
        return per_year.assign(
            review=pd.Series([], dtype=object), review_indicators=None, previous_spell=None
        )
    verdicts = pd.DataFrame(columns=["unit", "measure", "since", "review", "indicators"])
    if len(listed):
        verdicts = measure_review(results, effects(results, listed, rules=ruleset))
    verdicts = verdicts.astype({"since": np.int64})
    out = per_year.astype({"since": np.int64}).merge(  # a restarted programme: per spell
        verdicts.rename(columns={"indicators": "review_indicators"}),
        on=["unit", "measure", "since"],
        how="left",
    )
    horizon = out["measure"].map({k: a.horizon for k, a in ruleset.actions.items()})
    early = out["year"].to_numpy(dtype=np.int64) < due_year(out["since"].to_numpy(), horizon)
    review = out["review"].fillna("unknown").to_numpy(dtype=object, copy=True)
    # before its horizon a measure waits, unless no estimate can ever come (unknown: no
    # baseline, no comparison, no data since, ended too soon)
    review[early & (review != "unknown")] = "wait"
    review[~registered] = NOT_ESTIMATED
    # an action with no node to judge it by in this framework (only the indicator that
    # shows it is there and counts of what it provides, or none the framework has):
    # "estimated once registered" or "too few years" would promise what never comes
    nothing = {a.id for a in ruleset.actions.values() if not outcome_nodes(a, results.framework)}
    review[out["measure"].isin(nothing).to_numpy()] = NO_OUTCOME
    previous = _previous_spells(out, listed, found)
    return out.assign(review=review, previous_spell=previous)


def _previous_spells(out: pd.DataFrame, listed: pd.DataFrame, found: pd.DataFrame) -> np.ndarray:
    """For each row of ``out`` (unit, measure, since), the spell of the same measure in
    the same unit before it (``2018-2019``) where the measure then stopped for at least a
    year; None for a first spell, or one that follows the one before without a break.

    Spells are the register's rows and the runs of the framework's yes/no indicators (a
    run ends in its last year at the top level); the register's wins where both start in
    the same year."""
    runs = found.groupby(["unit", "measure", "since"], sort=False)["year"].max()
    spells = (
        pd.concat(
            [
                listed[["unit", "measure", "since", "end"]].astype({"unit": str, "measure": str}),
                runs.rename("end").reset_index(),
            ],
            ignore_index=True,
        )
        .astype({"since": np.int64, "end": np.float64})
        .drop_duplicates(["unit", "measure", "since"], keep="first")
        .sort_values(["unit", "measure", "since"], kind="stable")
    )
    earlier = spells.shift()
    same = spells["unit"].eq(earlier["unit"]) & spells["measure"].eq(earlier["measure"])
    broke = (same & (earlier["end"] < spells["since"] - 1)).to_numpy()
    text = np.full(len(spells), None, dtype=object)
    if broke.any():
        first, last = (
            earlier[c].to_numpy()[broke].astype(np.int64).astype(str).astype(object)
            for c in ("since", "end")
        )
        text[broke] = first + "-" + last
    keys = pd.MultiIndex.from_frame(spells[["unit", "measure", "since"]])
    at = keys.get_indexer(pd.MultiIndex.from_frame(out[["unit", "measure", "since"]]))
    previous = text[np.maximum(at, 0)]
    previous[at < 0] = None
    return previous


@dataclass(frozen=True)
class Placed:
    """Measures in place as the engine lays them out: one entry per panel row (unit and
    year) and measure, by row (in their order within a row), on integer codes."""

    row: np.ndarray  # the panel row
    action: np.ndarray  # codes into actions
    actions: pd.Index  # the ranked actions' categories, then measures no rule asked for
    since: np.ndarray  # int64
    since_at_least: np.ndarray  # bool: begun in ``since`` or before (no answer the year before)
    review: pd.Categorical
    review_indicators: pd.Categorical
    previous_spell: pd.Categorical


def place(
    in_place: pd.DataFrame, units: np.ndarray, years: np.ndarray, ranked: Mapping[str, Any]
) -> Placed:
    """``in_place`` (:func:`in_place_rows`) on the engine's panel: rows ``units`` (ids, in
    panel order) by ``years`` (in panel order); actions coded as ``ranked["action"]``."""
    unit = pd.Index(units, dtype=object).get_indexer(
        pd.Index(in_place["unit"].to_numpy(dtype=object), dtype=object)
    )
    year = pd.Index(years).get_indexer(pd.Index(in_place["year"].to_numpy(dtype=np.int64)))
    row = unit.astype(np.intp) * len(years) + year
    order = np.argsort(row, kind="stable")
    actions = pd.Index(ranked["action"].categories, dtype=object)
    measure = in_place["measure"].to_numpy(dtype=object)
    action = actions.get_indexer(pd.Index(measure, dtype=object))
    if (action < 0).any():
        actions = actions.append(pd.Index(pd.unique(measure[action < 0]), dtype=object))
        action = actions.get_indexer(pd.Index(measure, dtype=object))
    review, indicators, previous = (
        pd.Categorical(in_place[c].to_numpy(dtype=object)[order])
        for c in ("review", "review_indicators", "previous_spell")
    )
    return Placed(
        row=row[order],
        action=action[order],
        actions=actions,
        since=in_place["since"].to_numpy(dtype=np.int64)[order],
        since_at_least=in_place["since_at_least"].to_numpy(dtype=bool)[order],
        review=review,
        review_indicators=indicators,
        previous_spell=previous,
    )


def without(ranked: Mapping[str, Any], placed: Placed) -> dict[str, Any]:
    """The engine's ranked measures (:func:`~mint_index.recommendations.engine.rank`)
    without those in place in their unit and year, ranks renumbered; actions coded into
    ``placed.actions``."""
    width = len(placed.actions) + 1
    there = placed.row.astype(np.int64) * width + placed.action
    asked = np.asarray(ranked["row"], dtype=np.int64) * width + ranked["action"].codes
    keep = ~np.isin(asked, there)
    out = {k: v[keep] for k, v in ranked.items()} if not keep.all() else dict(ranked)
    row = out["row"]  # sorted by row, then rank: renumber within each row
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else row
    out["rank"] = np.arange(len(row)) - np.repeat(starts, np.diff(np.r_[starts, len(row)])) + 1
    out["action"] = pd.Categorical.from_codes(out["action"].codes, categories=placed.actions)
    return out
