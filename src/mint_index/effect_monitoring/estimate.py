"""``mi.effects(res, measures)``: did the measures in place move the indicators they should?

For every row of the measures register and every indicator the action catalog says the
measure should move, a difference-in-differences estimate against the unit's peer group
(units without the measure), and per measure a pooled estimate over all units that adopted
it. The arithmetic is in :mod:`mint_index.effect_monitoring.did`; this module picks the
panels out of the results, decides each row's status and builds the tidy table.
docs/methodology.md ("Effects of measures") explains the method and its limits.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.effect_monitoring.did import (
    DEFAULT_LEVEL,
    MIN_BASELINE_YEARS,
    check_level,
    check_seed,
    estimate_measure,
    pooled,
)
from mint_index.errors import EffectsArgumentError
from mint_index.measures import MeasuresRegister, register_for

if TYPE_CHECKING:
    from pathlib import Path

    from mint_index.framework.framework import Framework
    from mint_index.pipeline.results import Results
    from mint_index.recommendations.rules import Action, RuleSet

__all__ = [
    "EFFECT_COLUMNS",
    "HORIZON_YEARS",
    "MIN_BASELINE_YEARS",
    "MIN_COMPARISON_UNITS",
    "MIN_YEARS_AFTER",
    "ONE_ADOPTER",
    "ROLES",
    "STATUSES",
    "PresenceOutcomeWarning",
    "RegisterWarning",
    "UnmeasurableMeasuresWarning",
    "adoption_indicator",
    "effects",
    "effects_register",
    "measure_rng",
    "observed_scores",
    "outcome_nodes",
    "output_nodes",
    "peer_codes",
    "roles_of",
]

#: Years after adoption before a measure's effect is judged, by the catalog's ``horizon``
#: (short: within a year, medium: one to two years, long: more than two years).
HORIZON_YEARS: Mapping[str, int] = {"short": 1, "medium": 2, "long": 3}
#: The documented minimum of years after adoption, whatever the horizon.
MIN_YEARS_AFTER = 1
#: Comparable units without the measure a unit needs (its placebo pool).
MIN_COMPARISON_UNITS = 5
#: Unit row statuses, from best to worst (docs/methodology.md, "Status").
STATUSES = (
    "estimated",
    "too_early",
    "not_yet_observed",
    "no_data_since",
    "ended_early",
    "no_baseline",
    "no_comparison",
)
#: What a row's indicator is to its measure (the ``role`` column): an ``outcome`` it should
#: move, or an ``output``, a count of what it provides (catalog ``outputs``).
ROLES = ("outcome", "output")
#: A pooled row's status when only one adopter has an estimate: nothing to pool.
ONE_ADOPTER = "one_adopter"
#: Statuses whose rows carry no numbers (``too_early`` rows carry an early look).
_BLANK = ("not_yet_observed", "no_data_since", "ended_early", "no_baseline", "no_comparison")


class RegisterWarning(UserWarning):
    """Something about the register's measures the effects are estimated with, said
    once per estimate; ``code`` is stable (the command line prints it)."""

    code = "register"


class UnmeasurableMeasuresWarning(RegisterWarning):
    """Register rows with no outcome to judge them by because the framework lacks the
    nodes their action should move (``code``: ``unmeasurable_measure``): left out of the
    effects, or shown with their outputs only."""

    code = "unmeasurable_measure"


class PresenceOutcomeWarning(RegisterWarning):
    """A measure is judged by a yes/no or level indicator that is not its action's first
    (``code``: ``presence_outcome``): such an indicator mostly says whether a measure is
    there, and moves because it began; only the first is taken for that
    (:func:`adoption_indicator`), as a custom catalog may not know."""

    code = "presence_outcome"


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
    "role",  # added after the others, so that their positions in the file stay
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
    units of ``res`` (:func:`effects_register`). Which indicators a measure should move
    is the ``indicators`` list of its action, without the yes/no indicator that says the
    measure is there (:func:`adoption_indicator`: it moves because the measure began, so
    a measure with no other, such as a welcome service, has no row here and reads
    ``no_outcome`` in the recommendations). The action's ``outputs``, counts of what the
    measure itself provides, are estimated too, as rows of ``role`` ``output``: they show
    whether the measure is carried out and never decide its verdict
    (:func:`~mint_index.effect_monitoring.measure_review`). Nodes that ``res``'s framework
    does not have are left out; a measure with none of them is left out with an
    :class:`UnmeasurableMeasuresWarning`.

    Returns a tidy table (:data:`EFFECT_COLUMNS`): one ``kind == "unit"`` row per register
    row and indicator, and one ``kind == "pooled"`` row per measure and indicator (``unit``
    empty, ``n_units`` adopters pooled); ``role`` is one of :data:`ROLES`. ``effect`` is on
    the indicator's own scale (the derived value; for a dimension or domain, which has none,
    its score), ``effect_score`` on its normalised score, counting only observed cells (a
    cell whose value, or for a node one of its indicators' values, was imputed is left out),
    ``low``/``high`` the ``level`` interval of ``effect``. ``status`` is one of
    :data:`STATUSES` (a pooled row also :data:`ONE_ADOPTER`), as docs/methodology.md
    ("Status") defines them; ``too_early`` rows carry an early look, the other
    non-estimated rows no numbers. Each measure's bootstrap has its own random stream
    (:func:`measure_rng`): same inputs and ``seed``, same table, and a measure's numbers
    do not change when another measure is added to the register.
    """
    check_level(level)
    check_seed(seed)
    if n_boot < 100:
        raise EffectsArgumentError(f"n_boot must be at least 100, not {n_boot}")
    if rules is None:
        from mint_index.recommendations.rules import load_rules

        rules = load_rules()
    register = effects_register(res, measures, rules)
    peers = peer_codes(res)
    years = np.asarray(res.years, dtype=np.int64)
    last = int(years.max())
    unit_pos = pd.Index(res.unit_ids)
    derived, scores = res.cube("derived"), observed_scores(res)
    own_col = {n: i for i, n in enumerate(res.indicator_ids)}
    score_col = {n: i for i, n in enumerate(res.node_ids)}

    parts: list[pd.DataFrame] = []
    unmeasurable: dict[str, tuple[int, list[str], bool]] = {}
    presence: dict[str, list[str]] = {}
    for measure, rows in register.frame.groupby("measure", sort=True):
        action = rules.actions[str(measure)]
        outcomes = outcome_nodes(action, res.framework)
        if levels := [n for n in outcomes if _has_answer_levels(n, res.framework)]:
            presence[str(measure)] = levels
        outputs = output_nodes(action, res.framework)
        nodes = [n for n in action.indicators if n in outcomes or n in outputs]
        # no outcome left because this framework lacks nodes: said (a measure whose
        # catalog names none, a welcome service, reads no_outcome without a warning)
        lacking = [n for n in action.indicators if n not in res.framework.node_ids]
        if not outcomes and lacking:
            unmeasurable[str(measure)] = (len(rows), lacking, bool(nodes))
        if not nodes:
            continue
        nan = np.full(derived.shape[:2], np.nan)
        own = np.stack([derived[:, :, own_col[n]] if n in own_col else nan for n in nodes], -1)
        score = scores[:, :, [score_col[n] for n in nodes]]
        since = rows["since"].to_numpy(np.int64)
        end = rows["end"].to_numpy(float, na_value=np.nan)
        est = estimate_measure(
            np.concatenate([own, score], axis=-1),
            years,
            peers,
            unit_pos.get_indexer(rows["unit"]),
            since,
            end,
            level=level,
            n_boot=n_boot,
            rng=measure_rng(seed, str(measure)),
            min_baseline=min_baseline,
        )
        k = len(nodes)
        is_indicator = np.asarray([n in own_col for n in nodes])
        # the indicator's own scale, or the score for a node (a dimension has no other):
        # its status, its effect and its interval
        judged = np.where(is_indicator, np.arange(k), np.arange(k) + k)
        required = max(HORIZON_YEARS[action.horizon], min_years_after)
        status = _statuses(
            since,
            end,
            est.window_end,
            last,
            required,
            est.n_post[:, judged],
            est.n_baseline[:, judged],
            est.n_comparison[:, judged],
            min_baseline,
            min_comparison,
        )
        blank = np.isin(status, _BLANK)
        effect, low, high = (
            np.where(blank, np.nan, a[:, judged]) for a in (est.effect, est.low, est.high)
        )
        effect_score = np.where(blank, np.nan, est.effect[:, k:])
        # years since adoption the data cover; none (not negative) before adoption
        years_after = pd.array(est.window_end - since, dtype="Int64")
        years_after[since > last] = pd.NA
        n_comparison = est.n_comparison[:, judged]
        parts.append(
            _unit_rows(
                rows,
                nodes,
                outputs,
                years_after,
                effect,
                effect_score,
                low,
                high,
                n_comparison,
                status,
            )
        )
        # pooled over units, each by its first spell: a restarted programme's later spell
        # has a unit row of its own but would count the unit twice
        first_spell = ~rows["unit"].duplicated().to_numpy()
        chosen = np.concatenate([(status == "estimated") & first_spell[:, None]] * 2, axis=1)
        pool = pooled(est, chosen, level)
        parts.append(
            _pooled_rows(str(measure), rows, nodes, outputs, years_after, pool, judged, status)
        )
    if unmeasurable:
        _warn_unmeasurable(unmeasurable)
    if presence:
        _warn_presence(presence)
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
    table.attrs["min_baseline"] = min_baseline  # the charts' comparison: the estimate's
    return table


def effects_register(
    res: Results, measures: MeasuresRegister | pd.DataFrame | str | Path, rules: RuleSet
) -> MeasuresRegister:
    """``measures`` validated as :func:`effects` reads it: every measure in ``rules``'
    catalog, every unit in the units table of ``res`` and with data in it (a unit listed
    there without data is told so, not called unknown)."""
    return register_for(measures, res.dataset, rules)


def measure_rng(seed: int, measure: str) -> np.random.Generator:
    """The bootstrap's random stream of one measure: derived from ``seed`` and the
    measure's id (its CRC-32, stable across runs and Python versions, unlike ``hash()``),
    so its draws do not depend on which other measures the register holds."""
    key = zlib.crc32(measure.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence(check_seed(seed), spawn_key=(key,)))


def observed_scores(res: Results) -> np.ndarray:
    """The score cube ``[T, U, node]`` with NaN where a score does not rest on observed
    values only: an indicator's where its value was imputed, a dimension's or domain's
    where any of its indicators' was. An effect compares observed change; an imputed cell
    (a value carried forward, a peer mean) would enter it as if observed."""
    fw = res.framework
    indicators = pd.Index(res.indicator_ids)
    members = np.zeros((len(indicators), len(res.node_ids)))  # [I, node]: node's indicators
    for j, node in enumerate(res.node_ids):
        members[indicators.get_indexer(pd.Index(fw.descendant_indicators(node))), j] = 1.0
    imputed = res.log.imputed.astype(float)  # [T, U, I]
    tainted = np.einsum("tui,in->tun", imputed, members, optimize=True) > 0
    return np.where(tainted, np.nan, res.cube("aggregated"))


def _statuses(
    since: np.ndarray,
    end: np.ndarray,
    window_end: np.ndarray,
    last: int,
    required: int,
    n_post: np.ndarray,
    n_baseline: np.ndarray,
    n_comparison: np.ndarray,
    min_baseline: int,
    min_comparison: int,
) -> np.ndarray:
    """Each row's status ``[A, K]``, the first that applies of: ``not_yet_observed``
    (began after the last data year), ``no_baseline``, ``no_comparison``, ``ended_early``
    (ended by the last data year after fewer years in place, ``since`` to ``end``
    counted whole, than ``required``: no later data can change that), ``no_data_since``
    (no value in its window), ``too_early`` (still in place and the data reach fewer
    than ``required`` years past its first year: later data will), ``estimated``."""
    ended = np.isfinite(end) & (end <= last)  # [A]
    years_in_place = np.where(ended, end - since + 1, 0)
    still_young = ~ended & (window_end - since < required)
    status = np.full(n_post.shape, "estimated", dtype=object)
    status[still_young] = "too_early"
    status[(n_post == 0) & ~still_young[:, None]] = "no_data_since"
    status[ended & (years_in_place < required)] = "ended_early"
    status[n_comparison < min_comparison] = "no_comparison"
    status[n_baseline < min_baseline] = "no_baseline"
    status[since > last] = "not_yet_observed"
    return status


def adoption_indicator(indicators: list[str], framework: Framework) -> str | None:
    """The yes/no (or level) indicator that says whether a measure is there: its action's
    first indicator, if that is a binary or ordinal indicator of ``framework``. It marks
    the measure as in place; it is no outcome to judge the measure by (it moves from no to
    yes because the measure began, whatever the measure then does)."""
    first = indicators[0]
    return first if _has_answer_levels(first, framework) else None


def _has_answer_levels(node: str, framework: Framework) -> bool:
    """Whether ``node`` is a binary or ordinal indicator of ``framework``."""
    return framework.is_indicator(node) and bool(framework.indicator(node).answer_levels())


def outcome_nodes(action: Action, framework: Framework) -> list[str]:
    """The nodes a measure is judged by: its action's ``indicators`` that ``framework``
    has, without the one that says the measure is there (:func:`adoption_indicator`) and
    without its ``outputs`` (what the measure itself provides). None left: no effect to
    judge it on in this framework (``no_outcome``)."""
    there = adoption_indicator(action.indicators, framework)
    known = set(framework.node_ids)
    return [n for n in action.indicators if n in known and n != there and n not in action.outputs]


def output_nodes(action: Action, framework: Framework) -> list[str]:
    """The action's ``outputs`` that ``framework`` has: counts of what the measure itself
    provides. Their change is estimated like an effect's and shows whether the measure is
    carried out (``role`` ``output`` in :func:`effects`), but never decides its verdict."""
    there = adoption_indicator(action.indicators, framework)
    known = set(framework.node_ids)
    return [n for n in action.indicators if n in action.outputs and n in known and n != there]


def _warn_unmeasurable(unjudged: Mapping[str, tuple[int, list[str], bool]]) -> None:
    """One warning naming the measures with no outcome left in this framework, their
    register rows, the nodes their action names that the framework lacks, and whether
    their rows are left out or show their outputs only."""
    listed = "; ".join(
        f"{m} ({n} row{'s' if n != 1 else ''}; needs {', '.join(lacking)}; "
        f"{'outputs only' if shown else 'left out'})"
        for m, (n, lacking, shown) in unjudged.items()
    )
    total = sum(n for n, _, _ in unjudged.values())
    warnings.warn(
        f"{total} register row(s) of {len(unjudged)} measure(s) have no outcome to judge "
        f"them by: the framework lacks the nodes their action should move: {listed}",
        UnmeasurableMeasuresWarning,
        stacklevel=3,
    )


def _warn_presence(presence: Mapping[str, list[str]]) -> None:
    """One warning naming the measures judged by a yes/no or level indicator that is not
    their action's first, and those indicators."""
    listed = "; ".join(f"{m}: {', '.join(nodes)}" for m, nodes in presence.items())
    warnings.warn(
        "measures judged by a yes/no or level indicator other than their action's first "
        f"({listed}): if it says whether the measure is there, it rose because the measure "
        "began, not by what it achieved; list it first among the action's indicators",
        PresenceOutcomeWarning,
        stacklevel=3,
    )


def peer_codes(res: Results) -> np.ndarray:
    """Integer peer-group code per unit of ``res``; units without a group form one group."""
    groups = res.units["peer_group"].reindex(res.unit_ids) if "peer_group" in res.units else None
    if groups is None:
        return np.zeros(len(res.unit_ids), dtype=np.int64)
    codes, _ = pd.factorize(groups.astype(object).where(groups.notna(), "\0none"))
    return codes.astype(np.int64)


def roles_of(effects_df: pd.DataFrame) -> np.ndarray:
    """The ``role`` of each row of an effects table; ``outcome`` for every row of a
    table written before outputs had rows of their own (an ``effects.csv`` of an older
    version read back)."""
    if "role" not in effects_df.columns:
        return np.full(len(effects_df), ROLES[0], dtype=object)
    return effects_df["role"].to_numpy(dtype=object)


def _roles(nodes: list[str], outputs: list[str]) -> np.ndarray:
    """Each node's :data:`ROLES` entry: ``output`` for a count of what the measure
    provides, else ``outcome``."""
    return np.where(np.isin(np.asarray(nodes, dtype=object), outputs), ROLES[1], ROLES[0])


def _unit_rows(
    rows: pd.DataFrame,
    nodes: list[str],
    outputs: list[str],
    years_after: Any,
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
            "role": np.tile(_roles(nodes, outputs).astype(object), n_a),
            "since": per_row(rows["since"]),
            "end": per_row(rows["end"].astype(object).where(rows["end"].notna(), None)),
            "scope": per_row(rows["scope"]),
            "years_after": years_after.repeat(k),
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
    outputs: list[str],
    years_after: Any,
    pool: Any,
    judged: np.ndarray,
    status: np.ndarray,
) -> pd.DataFrame:
    """One row per indicator: the pooled estimate, or why there is none - ``one_adopter``
    when one adopter has an estimate, else the commonest reason the adopters have none
    (ties: the earlier in :data:`STATUSES`)."""
    n_units = pool.n_units[judged]
    estimated = status == "estimated"
    since = rows["since"].to_numpy(np.int64)
    after = np.asarray(years_after.fillna(-1), dtype=np.int64)[:, None]  # [A, 1]
    some = estimated.any(axis=0)
    first_since = np.where(some, np.where(estimated, since[:, None], 9999).min(0), since.min())
    latest = np.where(some, np.where(estimated, after, -1).max(0), after.max())
    counts = np.stack([(status == s).sum(axis=0) for s in STATUSES[1:]])  # [S, K]
    reason = np.asarray(STATUSES[1:], dtype=object)[counts.argmax(axis=0)]
    reason = np.where(n_units == 1, ONE_ADOPTER, reason)
    pooled_status = np.where(n_units >= 2, "estimated", reason)
    return pd.DataFrame(
        {
            "kind": "pooled",
            "unit": None,
            "measure": measure,
            "indicator": nodes,
            "role": _roles(nodes, outputs).astype(object),
            "since": first_since,
            "end": None,
            "scope": None,
            "years_after": pd.Series(latest, dtype="Int64").where(latest >= 0).array,
            "effect": pool.effect[judged],
            "effect_score": pool.effect[len(nodes) :],
            "low": pool.low[judged],
            "high": pool.high[judged],
            "n_comparison": pool.n_comparison[judged],
            "n_units": n_units,
            "status": pooled_status,
        }
    )
