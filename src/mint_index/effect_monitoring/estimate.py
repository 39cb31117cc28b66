"""``mi.effects(res, measures)``: did the measures in place move the indicators they should?

For every row of the measures register and every indicator the action catalog says the
measure should move, a difference-in-differences estimate against the unit's peer group
(units without the measure), and per measure a pooled estimate over all units that adopted
it. The arithmetic is in :mod:`mint_index.effect_monitoring.did`; this module picks the
panels out of the results, decides each row's status and builds the tidy table.
docs/methodology.md ("Effects of measures") explains the method and its limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.effect_monitoring.did import DEFAULT_LEVEL, check_level, estimate_measure, pooled
from mint_index.errors import MintIndexError
from mint_index.measures import MeasuresRegister, load_measures

if TYPE_CHECKING:
    from pathlib import Path

    from mint_index.pipeline.results import Results
    from mint_index.recommendations.rules import RuleSet

__all__ = [
    "EFFECT_COLUMNS",
    "HORIZON_YEARS",
    "MIN_BASELINE_YEARS",
    "MIN_COMPARISON_UNITS",
    "MIN_YEARS_AFTER",
    "STATUSES",
    "effects",
    "peer_codes",
]

#: Years after adoption before a measure's effect is judged, by the catalog's ``horizon``
#: (short: within a year, medium: one to two years, long: more than two years).
HORIZON_YEARS: Mapping[str, int] = {"short": 1, "medium": 2, "long": 3}
#: The documented minimum of years after adoption, whatever the horizon.
MIN_YEARS_AFTER = 1
#: Observed years before adoption a unit needs (its baseline).
MIN_BASELINE_YEARS = 2
#: Comparable units without the measure a unit needs (its placebo pool).
MIN_COMPARISON_UNITS = 5
#: Row statuses, from best to worst.
STATUSES = ("estimated", "too_early", "no_baseline", "no_comparison")
#: The columns of the table :func:`effects` returns, in order.
EFFECT_COLUMNS = [
    "kind",
    "unit",
    "measure",
    "indicator",
    "since",
    "end",
    "scope",
    "years_after",
    "effect",
    "effect_score",
    "low",
    "high",
    "level",
    "n_comparison",
    "n_units",
    "status",
]


def effects(
    res: Results,
    measures: MeasuresRegister | pd.DataFrame | str | Path,
    *,
    rules: RuleSet | None = None,
    level: float = DEFAULT_LEVEL,
    n_boot: int = 999,
    seed: int = 0,
    min_baseline: int = MIN_BASELINE_YEARS,
    min_comparison: int = MIN_COMPARISON_UNITS,
    min_years_after: int = MIN_YEARS_AFTER,
) -> pd.DataFrame:
    """The estimated effects of the measures in ``measures`` on the scored ``res``.

    ``measures``: a register from :func:`mint_index.load_measures`, a DataFrame with the
    columns ``unit, measure, since`` (``end``, ``scope`` optional) or a CSV/Excel file; it
    is validated against the action catalog (``rules``, default: the packaged one) and the
    units of ``res``. Which indicators a measure should move is the ``indicators`` list of
    its action (nodes that ``res``'s framework does not have are left out).

    Returns a tidy table (:data:`EFFECT_COLUMNS`): one ``kind == "unit"`` row per register
    row and indicator, and one ``kind == "pooled"`` row per measure and indicator (``unit``
    empty, ``n_units`` adopters pooled). ``effect`` is on the indicator's own scale (the
    derived value), ``effect_score`` on its normalised score, ``low``/``high`` the
    ``level`` interval of ``effect``. ``status``: ``estimated``; ``too_early`` (fewer
    years after adoption than the measure's horizon, :data:`HORIZON_YEARS`, or than
    ``min_years_after``, or no data since adoption; the numbers are an early look);
    ``no_baseline`` (fewer than ``min_baseline`` observed years before adoption) or
    ``no_comparison`` (fewer than ``min_comparison`` comparable units without the
    measure); the last two carry no numbers. Same inputs and ``seed``, same table.
    """
    check_level(level)
    if n_boot < 100:
        raise MintIndexError(f"n_boot must be at least 100, not {n_boot}")
    if rules is None:
        from mint_index.recommendations.rules import load_rules

        rules = load_rules()
    register = load_measures(measures, catalog=rules, units=res.unit_ids)
    peers = peer_codes(res)
    years = np.asarray(res.years, dtype=np.int64)
    unit_pos = pd.Index(res.unit_ids)
    derived, scores = res.cube("derived"), res.cube("aggregated")
    own_col = {n: i for i, n in enumerate(res.indicator_ids)}
    score_col = {n: i for i, n in enumerate(res.node_ids)}
    rng = np.random.default_rng(seed)

    parts: list[pd.DataFrame] = []
    for measure, rows in register.frame.groupby("measure", sort=True):
        action = rules.actions[str(measure)]
        nodes = [n for n in action.indicators if n in score_col]
        if not nodes:
            continue
        nan = np.full(derived.shape[:2], np.nan)
        own = np.stack([derived[:, :, own_col[n]] if n in own_col else nan for n in nodes], -1)
        score = scores[:, :, [score_col[n] for n in nodes]]
        est = estimate_measure(
            np.concatenate([own, score], axis=-1),
            years,
            peers,
            unit_pos.get_indexer(rows["unit"]),
            rows["since"].to_numpy(np.int64),
            rows["end"].to_numpy(float, na_value=np.nan),
            level=level,
            n_boot=n_boot,
            rng=rng,
        )
        k = len(nodes)
        is_indicator = np.asarray([n in own_col for n in nodes])
        # the status follows the indicator's own scale, or the score for aggregate nodes
        judged = np.where(is_indicator, np.arange(k), np.arange(k) + k)
        required = max(HORIZON_YEARS[action.horizon], min_years_after)
        years_after = est.window_end - rows["since"].to_numpy(np.int64)  # [A]
        status = np.full((len(rows), k), "estimated", dtype=object)
        status[(years_after[:, None] < required) | (est.n_post[:, judged] == 0)] = "too_early"
        status[est.n_comparison[:, judged] < min_comparison] = "no_comparison"
        status[est.n_baseline[:, judged] < min_baseline] = "no_baseline"
        blank = np.isin(status, ["no_baseline", "no_comparison"])
        effect, low, high = (
            np.where(blank, np.nan, a[:, :k]) for a in (est.effect, est.low, est.high)
        )
        effect_score = np.where(blank, np.nan, est.effect[:, k:])
        n_comparison = est.n_comparison[:, judged]
        parts.append(
            _unit_rows(
                rows, nodes, years_after, effect, effect_score, low, high, n_comparison, status
            )
        )
        # pooled over units, each by its first spell: a restarted programme's later spell
        # has a unit row of its own but would count the unit twice
        first_spell = ~rows["unit"].duplicated().to_numpy()
        chosen = np.concatenate([(status == "estimated") & first_spell[:, None]] * 2, axis=1)
        pool = pooled(est, chosen, level)
        parts.append(_pooled_rows(str(measure), rows, nodes, years_after, pool, judged, status))
    if not parts:
        table = pd.DataFrame({c: pd.Series(dtype=object) for c in EFFECT_COLUMNS})
    else:
        table = pd.concat(parts, ignore_index=True)
    table["level"] = level
    table = table[EFFECT_COLUMNS]
    table["since"] = table["since"].astype("Int64")
    table["end"] = table["end"].astype("Int64")
    table["years_after"] = table["years_after"].astype("Int64")
    for column in ("n_comparison", "n_units"):
        table[column] = table[column].astype(np.int64)
    for column in ("effect", "effect_score", "low", "high"):
        table[column] = table[column].astype(np.float64)
    table.attrs["level"] = level
    return table


def peer_codes(res: Results) -> np.ndarray:
    """Integer peer-group code per unit of ``res``; units without a group form one group."""
    groups = res.units["peer_group"].reindex(res.unit_ids) if "peer_group" in res.units else None
    if groups is None:
        return np.zeros(len(res.unit_ids), dtype=np.int64)
    codes, _ = pd.factorize(groups.astype(object).where(groups.notna(), "\0none"))
    return codes.astype(np.int64)


def _unit_rows(
    rows: pd.DataFrame,
    nodes: list[str],
    years_after: np.ndarray,
    effect: np.ndarray,
    effect_score: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    n_comparison: np.ndarray,
    status: np.ndarray,
) -> pd.DataFrame:
    n_a, k = effect.shape

    def per_row(values: Any) -> np.ndarray:
        return np.repeat(np.asarray(values, dtype=object), k)

    return pd.DataFrame(
        {
            "kind": "unit",
            "unit": per_row(rows["unit"]),
            "measure": per_row(rows["measure"]),
            "indicator": np.tile(np.asarray(nodes, dtype=object), n_a),
            "since": per_row(rows["since"]),
            "end": per_row(rows["end"].astype(object).where(rows["end"].notna(), None)),
            "scope": per_row(rows["scope"]),
            "years_after": np.repeat(years_after, k),
            "effect": effect.ravel(),
            "effect_score": effect_score.ravel(),
            "low": low.ravel(),
            "high": high.ravel(),
            "n_comparison": n_comparison.ravel(),
            "n_units": 1,
            "status": status.ravel(),
        }
    )


def _pooled_rows(
    measure: str,
    rows: pd.DataFrame,
    nodes: list[str],
    years_after: np.ndarray,
    pool: Any,
    judged: np.ndarray,
    status: np.ndarray,
) -> pd.DataFrame:
    """One row per indicator: the pooled estimate, or why there is none."""
    k = len(nodes)
    n_units = pool.n_units[judged]
    estimated = status == "estimated"
    since = rows["since"].to_numpy(np.int64)
    some = estimated.any(axis=0)
    first_since = np.where(some, np.where(estimated, since[:, None], 9999).min(0), since.min())
    after = np.where(some, np.where(estimated, years_after[:, None], -1).max(0), years_after.max())
    # fewer than two adopters give no pooled effect: the commonest reason the others have
    # none (ties: the earlier in STATUSES), or no_comparison when there are no others
    counts = np.stack([(status == s).sum(axis=0) for s in STATUSES[1:]])  # [3, K]
    reason = np.asarray(STATUSES[1:], dtype=object)[counts.argmax(axis=0)]
    reason = np.where(counts.sum(axis=0) > 0, reason, "no_comparison")
    pooled_status = np.where(n_units >= 2, "estimated", reason)
    return pd.DataFrame(
        {
            "kind": "pooled",
            "unit": None,
            "measure": measure,
            "indicator": nodes,
            "since": first_since,
            "end": None,
            "scope": None,
            "years_after": after,
            "effect": pool.effect[:k],
            "effect_score": pool.effect[k:],
            "low": pool.low[:k],
            "high": pool.high[:k],
            "n_comparison": pool.n_comparison[judged],
            "n_units": n_units,
            "status": pooled_status,
        }
    )
